"""Threads benchmark: engine seconds on 1 and 2 threads, on an idle and on a busy machine.

Workloads: the Flee instances (``mali`` by default, or ``burundi``, ``car``, ``ssudan``: the
whole period, via ``run_flee``) and the synthetic scale network of ``scale.py``
(``--agents`` agents x ``--days`` days). Each is run with every thread count, first as the
machine is, then with a second process spinning (``python -c 'while True: pass'``, started
here and killed after) so that one core is taken. Each cell is the best of ``--repeat``
runs of ``engine.simulate`` in one process (numba's compile or cache load is done before,
on a warm-up run). The load average is printed with each row, since the machine may be
shared.

    python benchmarks/threads.py                       # mali + 1 M agents x 100 days
    python benchmarks/threads.py --agents 200000 --days 50 --repeat 2
    python benchmarks/threads.py --work car ssudan --repeat 2   # camps at capacity

Figures, not assertions. The check that output does not depend on the thread count is in
the test suite (``tests/displacement``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from flee_driver import INSTANCES, SHARED_FLEE  # noqa: E402

CHILD = """
import json, sys, time
sys.path.insert(0, {here!r})
a = json.loads(sys.argv[1])
from enclave.displacement import engine
if a["work"] != "scale":
    from enclave.displacement.flee_run import run_flee
    inst, val = a["instance"], a["validation"]
    run_flee(inst, val, a["settings"], days=5, seed=1, threads=a["threads"])  # warm-up
    best = None
    for _ in range(a["repeat"]):
        r = run_flee(inst, val, a["settings"], seed=1, threads=a["threads"]).result
        best = r.seconds if best is None else min(best, r.seconds)
    steps = r.agent_steps
else:
    import scale
    net = scale.synthetic_network(seed=7, agents=a["agents"])
    rules = scale.synthetic_rules()
    engine.simulate(net, scale.synthetic_drivers(net, 10_000, 3, 7), rules, 7, a["threads"])
    drivers = scale.synthetic_drivers(net, a["agents"], a["days"], 7)
    best = None
    for _ in range(a["repeat"]):
        r = engine.simulate(net, drivers, rules, 7, threads=a["threads"])
        best = r.seconds if best is None else min(best, r.seconds)
    steps = r.agent_steps
print(json.dumps({{"seconds": best, "agent_steps": steps}}))
"""


def run_cell(work: str, threads: int, args: argparse.Namespace) -> dict:
    inst_dir, val_dir = INSTANCES["mali" if work == "scale" else work]
    spec = {
        "work": work,
        "threads": threads,
        "repeat": args.repeat,
        "agents": args.agents,
        "days": args.days,
        "instance": str(SHARED_FLEE / inst_dir),
        "validation": str(SHARED_FLEE / val_dir),
        "settings": str(SHARED_FLEE / "simsetting.yml"),
    }
    cmd = [sys.executable, "-c", CHILD.format(here=str(HERE)), json.dumps(spec)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode != 0:
        sys.stderr.write(out.stderr[-3000:])
        raise SystemExit(f"{work} on {threads} thread(s) failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--agents", type=int, default=1_000_000)
    ap.add_argument("--days", type=int, default=100)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--work", nargs="+", default=["mali", "scale"], choices=[*INSTANCES, "scale"])
    ap.add_argument("--no-busy", action="store_true", help="skip the busy-core rows")
    args = ap.parse_args(argv)

    rows = []
    for busy in [False] if args.no_busy else [False, True]:
        spinner = None
        if busy:
            spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
            time.sleep(0.5)
        try:
            for work in args.work:
                for th in args.threads:
                    load = os.getloadavg()[0]
                    res = run_cell(work, th, args)
                    rows.append((work, busy, th, res, load))
        finally:
            if spinner is not None:
                spinner.kill()
                spinner.wait()

    print(
        f"{'work':<8} {'second core':<12} {'threads':>7} {'engine s':>9} "
        f"{'M agent-steps/s':>16} {'load avg':>8}"
    )
    for work, busy, th, res, load in rows:
        rate = res["agent_steps"] / res["seconds"] / 1e6
        state = "spinning" if busy else "as found"
        print(f"{work:<8} {state:<12} {th:>7} {res['seconds']:>9.3f} {rate:>16.1f} {load:>8.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
