"""Start-up of ``enclave flee --example mali``: cold compile, warm start, and where it goes.

Runs the command three times, each in a fresh process: with an empty numba cache (the
kernels compile), then twice with that cache (warm). Then, in one more process, the phases
of a warm start one after the other, wall and CPU seconds (CPU is the figure to compare on
a shared machine): the imports (typer, rich, numpy, numba, pydantic), numba's first
dispatch (its CPU target initialises, then each kernel loads from the cache), and the run
with its output files. Prints the load average beside the figures.

    python benchmarks/startup.py

Figures, not assertions.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

PHASES = r"""
import json, sys, time
marks = [("start", time.perf_counter(), time.process_time())]
def mark(name):
    marks.append((name, time.perf_counter(), time.process_time()))
import enclave.cli as cli
mark("import enclave.cli (typer)")
import enclave.displacement.cli
mark("import enclave.displacement.cli (rich)")
import enclave.displacement.flee_run
mark("import flee_run (numpy, numba, pydantic, yaml)")
from enclave.displacement import engine, kernel
import numpy as np
kernel.init_numba_target()  # as engine.warm_up does, before any kernel runs
kernel.day_key_of(np.uint64(0), 0)
mark("numba: first dispatch (CPU target init)")
engine.warm_up()
mark("numba: kernels from the cache (warm_up)")
import contextlib, io
with contextlib.redirect_stderr(io.StringIO()):
    cli.main(["flee", "--example", "mali", "--out", sys.argv[1]])
mark("run + out.csv/summary.json")
rows = [(n, w - marks[i][1], c - marks[i][2]) for i, (n, w, c) in enumerate(marks[1:])]
print(json.dumps(rows))
"""


def timed(cmd: list[str], env: dict) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, capture_output=True)
    return time.perf_counter() - t0


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ, NUMBA_CACHE_DIR=os.path.join(tmp, "numba-cache"))
        out = os.path.join(tmp, "out")
        cmd = [sys.executable, "-m", "enclave.cli", "flee", "--example", "mali", "--out", out]
        cold = timed(cmd, env)
        warm = [timed(cmd, env) for _ in range(2)]
        p = subprocess.run(
            [sys.executable, "-c", PHASES, out],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        )
        rows = json.loads(p.stdout.strip().splitlines()[-1])
    load = os.getloadavg()
    print(f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} (2 cores)")
    print(
        f"enclave flee --example mali, whole process: cold cache {cold:.2f} s, "
        f"warm {warm[0]:.2f} s / {warm[1]:.2f} s"
    )
    print(f"{'phase of a warm start':44s} {'wall s':>7s} {'CPU s':>7s}")
    for name, wall, cpu in rows:
        print(f"{name:44s} {wall:7.3f} {cpu:7.3f}")
    start = rows[:-1]
    print(
        f"{'imports + numba cache load':44s} {sum(r[1] for r in start):7.3f} "
        f"{sum(r[2] for r in start):7.3f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
