"""Fidelity against Flee 3.1: mean ARD over seeds per instance, and per-camp curves.

Prints, for each shared instance, Enclave's mean ARD over N seeds (and its spread) beside
Flee 3.1's (the README's measured value and the ARD of Flee's own reference run, computed
here from ``reference/<instance>.csv``), their ratio, and the largest gap between Enclave's
mean per-camp curve and Flee's reference curve (absolute, and relative to that camp's
peak in Flee's run).

    python benchmarks/fidelity.py [--seeds 10] [--instances mali burundi car ssudan]
"""

from __future__ import annotations

import argparse
import csv
import time
import warnings
from pathlib import Path

import numpy as np

from enclave.displacement.flee_run import average_relative_difference, run_flee

FLEE = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "flee"
VALIDATION = {
    "mali": "mali2012",
    "burundi": "burundi2015",
    "car": "car2013",
    "ssudan": "ssudan2014",
}
FLEE_README_ARD = {"mali": 0.358, "burundi": 0.589, "car": 0.325, "ssudan": 0.361}


def reference_curves(name: str, camps: list[str]) -> tuple[np.ndarray, np.ndarray]:
    with open(FLEE / "reference" / f"{name}.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    sim = np.array([[float(r[f"{c} sim"]) for c in camps] for r in rows])
    data = np.array([[float(r[f"{c} data"]) for c in camps] for r in rows])
    return sim, data


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10)
    parser.add_argument("--instances", nargs="+", default=list(VALIDATION))
    parser.add_argument("--threads", type=int, default=None)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    print(
        f"{'instance':9} {'Enclave ARD (mean ± sd)':>24} {'Flee README':>11} {'Flee ref run':>12} "
        f"{'ratio':>6} {'resc.':>6} {'worst camp gap':>28} {'s/run':>6}"
    )
    for name in args.instances:
        ards, rescaled, curves, seconds = [], [], [], []
        for seed in range(args.seeds):
            started = time.perf_counter()
            run = run_flee(
                FLEE / "instances" / name,
                FLEE / "validation" / VALIDATION[name],
                FLEE / "simsetting.yml",
                seed=seed,
                threads=args.threads,
            )
            seconds.append(time.perf_counter() - started)
            ards.append(run.ard)
            rescaled.append(run.ard_rescaled)
            curves.append(run.camp_sim.astype(np.float64))
        mean_curve = np.mean(curves, axis=0)
        ref_sim, ref_data = reference_curves(name, run.camp_names)
        ref_ard = average_relative_difference(ref_sim, ref_data)
        gap = np.abs(mean_curve - ref_sim).max(axis=0)
        peak = np.maximum(ref_sim.max(axis=0), 1.0)
        worst = int(np.argmax(gap / peak))
        mean = float(np.mean(ards))
        print(
            f"{name:9} {mean:>15.4f} ± {np.std(ards):.4f} {FLEE_README_ARD[name]:>11.3f} "
            f"{ref_ard:>12.4f} {mean / FLEE_README_ARD[name]:>6.3f} {np.mean(rescaled):>6.3f} "
            f"{run.camp_names[worst][:12]:>12} {gap[worst]:>8.0f} ({gap[worst] / peak[worst]:.1%})"
            f" {np.mean(seconds):>6.2f}"
        )


if __name__ == "__main__":
    main()
