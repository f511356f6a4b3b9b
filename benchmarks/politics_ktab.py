"""Distance of Enclave's SMP to KTAB's reference histories, per turn, and SMP cost.

    python benchmarks/politics_ktab.py [--shared ../shared] [--runs 1000]

Prints, for SOE-Pol-Comp and dummyData_3Dim, the largest position error (0-100 scale) and
probability error of every turn against KTAB's 2017-05-30 logs, the number of printed
digits that differ, then the time of ``--runs`` Monte Carlo SMP runs of the Idlib table.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from enclave.politics.actors import idlib_actors
from enclave.politics.forecast import point_forecasts
from enclave.politics.ktab_reference import CASES, distance
from enclave.politics.odds import draw_inputs, draw_normals


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    root = Path(__file__).resolve().parents[1]
    ap.add_argument("--shared", type=Path, default=root.parent / "shared")
    ap.add_argument("--runs", type=int, default=1000)
    args = ap.parse_args()
    folder = args.shared / "data" / "bargaining"
    for case in CASES:
        d = distance(folder, case)
        print(
            f"{case}: steps ours {d.turns[0]}, KTAB {d.turns[1]}; printed digits that differ: "
            f"{d.printed_mismatch}"
        )
        print("  turn  max|dpos|  max|dprob|")
        for t, (p, q) in enumerate(zip(d.position, d.prob, strict=True)):
            print(f"  {t:4d}  {p:9.4f}  {q:10.6f}")
        print(f"  all   {d.position.max():9.4f}  {d.prob.max():10.6f}")
    a = idlib_actors()
    best_wall = best_cpu = float("inf")
    for rep in range(3):  # a fresh seed each time: the SMP's medians are cached by input
        x, c, s = draw_inputs(a, draw_normals(a, args.runs, np.random.default_rng(rep)))
        t0, c0 = time.perf_counter(), time.process_time()
        point_forecasts("smp", x, c, s)
        best_wall = min(best_wall, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    per = 1000 / args.runs
    print(
        f"SMP, Idlib table, {args.runs} Monte Carlo runs (best of 3): {best_wall:.2f} s wall, "
        f"{best_cpu:.2f} s CPU ({per * best_wall:.2f} s wall per 1,000)"
    )


if __name__ == "__main__":
    main()
