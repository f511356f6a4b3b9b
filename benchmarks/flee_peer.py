"""Flee 3.1 against Enclave on the same instance and days, in one run.

Each model runs in its own child process, so that its whole-process wall time and peak RSS
(``os.wait4``'s rusage of that child) are its own:

- Flee 3.1 (``pip install -e .[bench]``) through ``benchmarks/flee_driver.py``, exactly as
  Flee's v3.1 run script calls it; its speed is agent-steps / time of the day loop.
- Enclave through its CLI (``enclave flee ... --out DIR``), twice: with a cold numba cache
  (a fresh, empty ``NUMBA_CACHE_DIR``, so the kernels compile) and then warm (same folder);
  its speed is ``agent_steps / seconds`` of ``summary.json`` (engine time) of the warm run.

Prints one table: agent-steps/s of each and their ratio, whole-process wall time (Enclave
cold and warm), peak RSS, agents at the end, and both ARDs (README's definition) of each.

    python benchmarks/flee_peer.py --instance mali             # 300 days (~2-3 min of Flee)
    python benchmarks/flee_peer.py --instance ssudan --days 150 --seed 3

Wall times on a shared machine vary by up to ~50 % between runs: compare the ratio within a
run. Figures, not assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from flee_driver import INSTANCES, SHARED_FLEE, ard  # noqa: E402

ENCLAVE_CLI = "import sys; from enclave.cli import main; sys.exit(main(sys.argv[1:]))"
ENCLAVE_API = """
import json, sys
from enclave.displacement.flee_run import run_flee, write_outputs
a = json.loads(sys.argv[1])
args = (a["instance"], a["validation"], a["settings"])
run = run_flee(*args, days=a["days"], seed=a["seed"])
write_outputs(run, a["out"])
if a["hot"]:
    again = run_flee(*args, days=a["days"], seed=a["seed"])
    print(json.dumps({"hot_seconds": again.result.seconds}))
"""


def run_child(cmd: list[str], env: dict | None = None, cwd: Path | None = None) -> dict:
    """Run ``cmd``; return its exit code, wall time, peak RSS (MiB) and stdout/stderr."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, env=env, cwd=cwd)
        _pid, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return {
            "rc": p.returncode,
            "wall_s": wall,
            "peak_rss_mib": usage.ru_maxrss / 1024.0,
            "stdout": out.read().decode(errors="replace"),
            "stderr": err.read().decode(errors="replace"),
        }


def _check(res: dict, what: str) -> None:
    if res["rc"] != 0:
        sys.stderr.write(res["stderr"][-4000:])
        raise SystemExit(f"{what} failed with exit code {res['rc']}")


def read_out_csv(path: Path) -> tuple[list[str], list[list[float]], list[list[float]], int]:
    """Camp names, per-day sim/data camp counts and agents at the end, from a Flee out.csv."""
    import csv

    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    camps = [h[: -len(" sim")] for h in header if h.endswith(" sim")]
    isim = [header.index(f"{c} sim") for c in camps]
    idat = [header.index(f"{c} data") for c in camps]
    sim = [[float(r[i]) for i in isim] for r in rows[1:] if r]
    data = [[float(r[i]) for i in idat] for r in rows[1:] if r]
    total = header.index("total refugees (simulation)")
    return camps, sim, data, int(float(rows[-1][total]))


def run_flee(inst: str, days: int | None, seed: int, work: Path) -> dict:
    cmd = [
        sys.executable,
        str(HERE / "flee_driver.py"),
        inst,
        "--json",
        "--seed",
        str(seed),
        "--out",
        str(work / "flee"),
    ]
    if days:
        cmd += ["--days", str(days)]
    res = run_child(cmd, cwd=REPO)
    _check(res, "flee 3.1")
    res["summary"] = json.loads(res["stdout"].strip().splitlines()[-1])
    return res


def enclave_has_cli() -> bool:
    import importlib.util

    return importlib.util.find_spec("enclave.displacement.cli") is not None


def run_enclave(
    inst: str, days: int | None, seed: int, out: Path, cache_dir: Path, hot: bool = False
) -> dict:
    """One Enclave child process. ``hot=False``: the ``enclave flee`` command (or, where the CLI
    is missing, the same calls through the Python API). ``hot=True``: the Python API twice in
    one process; the second run's engine time has no compile or cache load in it."""
    inst_dir, val_dir = INSTANCES[inst]
    spec = {
        "instance": str(SHARED_FLEE / inst_dir),
        "validation": str(SHARED_FLEE / val_dir),
        "settings": str(SHARED_FLEE / "simsetting.yml"),
        "days": days,
        "seed": seed,
        "out": str(out),
        "hot": hot,
    }
    if enclave_has_cli() and not hot:
        cmd = [
            sys.executable,
            "-c",
            ENCLAVE_CLI,
            "flee",
            spec["instance"],
            "--validation",
            spec["validation"],
            "--settings",
            spec["settings"],
            "--seed",
            str(seed),
            "--out",
            str(out),
        ]
        if days:
            cmd += ["--days", str(days)]
    else:
        cmd = [sys.executable, "-c", ENCLAVE_API, json.dumps(spec)]
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache_dir))
    res = run_child(cmd, env=env, cwd=REPO)
    _check(res, "enclave flee")
    res["summary"] = json.loads((out / "summary.json").read_text())
    _camps, sim, data, agents_end = read_out_csv(out / "out.csv")
    res["ard_check"] = ard(sim, data)
    res["agents_end"] = agents_end
    if hot:
        res["hot_seconds"] = json.loads(res["stdout"].strip().splitlines()[-1])["hot_seconds"]
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--instance", choices=sorted(INSTANCES), default="mali")
    ap.add_argument("--days", type=int, default=None, help="days (default: the whole period)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=1, help="Enclave's threads (default 1)")
    ap.add_argument("--skip-flee", action="store_true", help="Enclave only (no flee installed)")
    args = ap.parse_args(argv)
    os.environ["NUMBA_NUM_THREADS"] = str(args.threads)

    with tempfile.TemporaryDirectory(prefix="flee_peer_") as tmp:
        work = Path(tmp)
        flee = None
        if not args.skip_flee:
            print(f"running Flee 3.1 on {args.instance} ...", file=sys.stderr, flush=True)
            flee = run_flee(args.instance, args.days, args.seed, work)
        cache = work / "numba_cache"
        cache.mkdir()
        runs = {}
        for label, hot in (("cold", False), ("warm", False), ("hot", True)):
            print(f"running Enclave ({label}) ...", file=sys.stderr, flush=True)
            runs[label] = run_enclave(
                args.instance, args.days, args.seed, work / f"enclave_{label}", cache, hot=hot
            )

    cold, warm, hot = runs["cold"], runs["warm"], runs["hot"]
    es = warm["summary"]
    e_rate = es["agent_steps"] / es["seconds"]
    e_hot = es["agent_steps"] / hot["hot_seconds"]
    fs = flee["summary"] if flee else None
    dash = f"{'-':>16s}"

    def row(label: str, f: str, e: str) -> None:
        print(f"{label:36s}{f:>16s}{e:>18s}")

    print(
        f"instance {args.instance}, days {args.days or 'full period'}, seed {args.seed}, "
        f"Enclave threads {args.threads}, Enclave via "
        f"{'the enclave CLI' if enclave_has_cli() else 'the Python API (no CLI yet)'}"
    )
    row("", "Flee 3.1", "Enclave")
    row("agent-steps", f"{fs['agent_steps']:,d}" if fs else dash, f"{es['agent_steps']:,d}")
    row(
        "engine time (s)",
        f"{fs['loop_seconds']:.3f}" if fs else dash,
        f"{es['seconds']:.3f} warm",
    )
    row("", "", f"{hot['hot_seconds']:.3f} hot")
    row(
        "agent-steps/s (engine time)",
        f"{fs['agent_steps_per_s']:,.0f}" if fs else dash,
        f"{e_rate:,.0f} warm",
    )
    row("", "", f"{e_hot:,.0f} hot")
    if fs:
        row("speed ratio Enclave/Flee", "", f"{e_rate / fs['agent_steps_per_s']:,.0f}x warm")
        row("", "", f"{e_hot / fs['agent_steps_per_s']:,.0f}x hot")
    row(
        "wall time, whole process (s)",
        f"{flee['wall_s']:.2f}" if flee else dash,
        f"{cold['wall_s']:.2f} cold",
    )
    row("", "", f"{warm['wall_s']:.2f} warm")
    row(
        "peak RSS (MiB)",
        f"{flee['peak_rss_mib']:.0f}" if flee else dash,
        f"{warm['peak_rss_mib']:.0f} warm",
    )
    row("ARD", f"{fs['ard']:.3f}" if fs else dash, f"{es['ard']:.3f}")
    row(
        "ARD, camps rescaled",
        f"{fs['ard_rescaled']:.3f}" if fs else dash,
        f"{es['ard_rescaled']:.3f}",
    )
    row("agents at end", f"{fs['agents_end']:,d}" if fs else dash, f"{warm['agents_end']:,d}")
    print(
        "warm: a new process with a filled numba cache (engine time as in summary.json); "
        "hot: a second run in the same process"
    )
    if abs(warm["ard_check"] - es["ard"]) > 1e-6:
        print(
            f"note: ARD recomputed from Enclave's out.csv is {warm['ard_check']:.4f}",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
