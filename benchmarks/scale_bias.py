"""How much the headline figures move with the number of people an agent stands for.

Runs the embedded default case at two scales (same members, seed and calibration) and
prints each scenario's medians side by side with their ratio. Usage:

    python benchmarks/scale_bias.py [--fine 20] [--coarse 40] [--members 40] [--seed 7]
"""

from __future__ import annotations

import argparse
import tempfile

import pandas as pd

from enclave.pipeline.run import run_case

METRICS = (
    "newly_displaced",
    "into_turkish_held",
    "to_government",
    "at_border_peak",
    "first_overflow_day",
    "person_days_over",
)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fine", type=int, default=20)
    ap.add_argument("--coarse", type=int, default=40)
    ap.add_argument("--members", type=int, default=40)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    res = {}
    with tempfile.TemporaryDirectory() as tmp:
        for scale in (a.fine, a.coarse):
            r = run_case(
                None,
                out=f"{tmp}/s{scale}",
                scale=scale,
                seed=a.seed,
                members=a.members,
                sensitivity=False,
                compare_prior=False,
            )
            res[scale] = r.summary[r.summary.place == ""].set_index(["scenario", "metric"])
    f, c = res[a.fine], res[a.coarse]
    t = pd.DataFrame(
        {
            f"median @{a.fine}": f["median"],
            f"median @{a.coarse}": c["median"],
            "ratio": c["median"] / f["median"],
            f"p05 @{a.fine}": f["p05"],
            f"p95 @{a.fine}": f["p95"],
        }
    )
    t = t[t.index.get_level_values(1).isin(METRICS)]
    pd.set_option("display.width", 200)
    print(f"scale {a.coarse} against {a.fine}: {a.members} members, seed {a.seed}")
    print(t.round(3).to_string())


if __name__ == "__main__":
    main()
