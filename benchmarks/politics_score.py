"""Politics: Brier scores on dated outcomes, SMP's distance from KTAB, and timings.

Prints

1. the Brier table of every model and the ensemble against ``data/outcomes.csv`` under the
   forecast settings (what ``enclave bargain --score`` prints), and under the review's
   settings (``--preset scholz2011 --uniform-spreads``), which reproduce the review's table;
2. how far smp (KTAB's loop) and the former smp-lite are, turn by turn, from KTAB's reference
   logs (``shared/data/bargaining/ktab_ref_*``): the tolerance for calling it KTAB's SMP is
   0.1 on positions and 1e-3 on probabilities, on every turn both runs have
   (``benchmarks/politics_ktab.py`` prints it per turn);
3. the time of 1,000 SMP Monte Carlo runs.

    python benchmarks/politics_score.py [--runs 1000] [--smp-runs 1000]
"""

from __future__ import annotations

import argparse
import csv
import time
from pathlib import Path

import numpy as np

from enclave.politics import EUMOptions, idlib_actors, odds, read_actors, run_smp
from enclave.politics.odds import without_own_spreads
from enclave.politics.score import score_table
from enclave.politics.smp import run_smp_lite

BARGAINING = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "bargaining"


def _print_table(title: str, t: dict) -> None:
    models = list(t["odds"])
    print(f"\n{title} (runs {t['runs']}, {t['seconds']:.1f} s)")
    print(f"{'period':<14}{'outcome':<19}" + "".join(f"{m:>10}" for m in models))
    for r in t["periods"]:
        mark = "*" if r["contains_horizon"] else " "
        cells = "".join(f"{r['brier'][m]:>10.2f}" for m in models)
        print(f"{r['period'] + mark:<14}{r['outcome']:<19}{cells}")
    print("* the period holding the question's horizon; smp = KTAB's SMP (validated)")


def ktab_distance(case: str, lite: bool = False) -> dict[str, float]:
    """Largest and mean |SMP - KTAB| over actors, dimensions and common turns."""
    a = read_actors(BARGAINING / f"ktab_{case}.csv")
    if lite:
        res = run_smp_lite(a.position, a.c, a.s, turns=100)
    else:
        res = run_smp(a.position, a.c, a.s, max_turns=100)
    with open(BARGAINING / f"ktab_ref_{case}_positions.csv", newline="") as fh:
        pos = list(csv.DictReader(fh))
    with open(BARGAINING / f"ktab_ref_{case}_probs.csv", newline="") as fh:
        probs = list(csv.DictReader(fh))
    dims = {d: k for k, d in enumerate(a.dimensions)}
    dp, dq, turns = [], [], res.positions.shape[0]
    for r in pos:
        t = int(r["turn"])
        if t < turns:
            i = a.ids.index(r["actor"])
            dp.append(abs(res.positions[t, i, dims[r["dimension"]]] - float(r["position"])))
    for r in probs:
        t = int(r["turn"])
        if t < turns:
            dq.append(abs(res.probs[t, a.ids.index(r["actor"])] - float(r["prob"])))
    ref_turns = 1 + max(int(r["turn"]) for r in pos)
    return {
        "turns_smp": turns,
        "turns_ktab": ref_turns,
        "pos_max": float(np.max(dp)),
        "pos_mean": float(np.mean(dp)),
        "prob_max": float(np.max(dq)),
        "prob_mean": float(np.mean(dq)),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=1000)
    ap.add_argument("--smp-runs", type=int, default=1000)
    args = ap.parse_args()
    _print_table(
        "Brier, forecast settings (enclave bargain --score)",
        score_table(runs=args.runs, smp_runs=args.smp_runs),
    )
    _print_table(
        "Brier, review settings (--preset scholz2011 --uniform-spreads)",
        score_table(
            without_own_spreads(idlib_actors()),
            runs=args.runs,
            smp_runs=args.smp_runs,
            blocs=[],
            options=EUMOptions.scholz2011(),
        ),
    )
    print("\nSMP against KTAB's reference logs (tolerance: positions 0.1, probs 1e-3)")
    for case in ("SOE-Pol-Comp", "dummyData_3Dim"):
        if not (BARGAINING / f"ktab_{case}.csv").exists():
            print(f"  {case}: reference data not found under {BARGAINING}")
            continue
        for name, lite in (("smp", False), ("smp-lite", True)):
            d = ktab_distance(case, lite)
            ok = d["pos_max"] <= 0.1 and d["prob_max"] <= 1e-3
            print(
                f"  {case}, {name}: turns {d['turns_smp']} (KTAB {d['turns_ktab']}); positions "
                f"max {d['pos_max']:.2f} mean {d['pos_mean']:.2f}; probs max "
                f"{d['prob_max']:.4f} mean {d['prob_mean']:.4f} -> "
                f"{'parity' if ok else 'NOT KTAB'}"
            )
    t0 = time.perf_counter()
    odds(model="smp", runs=1000, seed=20181)  # another seed: not the draws cached above
    print(f"\n1,000 SMP Monte Carlo runs: {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
