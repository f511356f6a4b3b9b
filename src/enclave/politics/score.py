"""Score the scenario odds against what happened: a Brier score per dated period.

Outcomes are in ``data/outcomes.csv``: for each period (start, end) the scenario band that
describes what happened, with sources. The four-outcome Brier score of odds ``p`` against
outcome ``k`` is ``Σ_j (p_j - [j = k])²``: 0 is a certain correct forecast, 2 a certain wrong
one, and the uniform guess (¼ each) scores 0.75. Lower is better.

Only the period that contains the question's horizon (``horizon`` of the actor table and
the bands; 2019-01-05 for Idlib, so ``sochi-holds``) is what the forecast was for; the
other periods are shown to make plain that which model "wins" depends on the period.

Every model is scored on the same random numbers; the ensemble is the fixed equal-weight
average over the validated models (:mod:`enclave.politics.ensemble`), never fitted to
these outcomes.
"""

from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass
from importlib import resources
from typing import Any

from enclave.politics.actors import Actors, idlib_actors
from enclave.politics.ensemble import DEFAULT_SMP_RUNS, compare_models
from enclave.politics.odds import DEFAULT_RUNS, DEFAULT_SEED, Bands, load_bands

__all__ = ["Outcome", "brier", "load_outcomes", "score_table"]


@dataclass(frozen=True)
class Outcome:
    """What happened over one dated period, and where that is documented."""

    period: str
    start: str
    end: str
    outcome: str
    what_happened: str
    source: str


def load_outcomes() -> list[Outcome]:
    """The dated outcomes of ``data/outcomes.csv``."""
    text = resources.files("enclave.politics").joinpath("data/outcomes.csv").read_text("utf-8")
    return [Outcome(**r) for r in csv.DictReader(io.StringIO(text))]


def brier(odds: dict[str, float], outcome: str) -> float:
    """Multi-category Brier score ``Σ_j (p_j - o_j)²`` of ``odds`` against ``outcome``."""
    if outcome not in odds:
        raise KeyError(f"outcome {outcome!r} is not a scenario ({', '.join(odds)})")
    return float(sum((p - (k == outcome)) ** 2 for k, p in odds.items()))


def score_table(
    actors: Actors | None = None,
    *,
    runs: int = DEFAULT_RUNS,
    seed: int | None = DEFAULT_SEED,
    smp_runs: int | None = DEFAULT_SMP_RUNS,
    bands: Bands | None = None,
    **kw: object,
) -> dict[str, Any]:
    """Brier score of each model and of the ensemble for each dated period (JSON-ready).

    ``bands``: default the embedded Idlib bands (another set reproduces an earlier table).
    """
    actors = idlib_actors() if actors is None else actors
    bands = load_bands() if bands is None else bands
    t0 = time.perf_counter()
    cmp = compare_models(actors, runs=runs, seed=seed, bands=bands, smp_runs=smp_runs, **kw)
    per_model = {m: r.odds for m, r in cmp.models.items()}
    per_model["ensemble"] = cmp.ensemble
    horizon = actors.horizon or bands.horizon
    rows = []
    for o in load_outcomes():
        rows.append(
            {
                "period": o.period,
                "start": o.start,
                "end": o.end,
                "outcome": o.outcome,
                "contains_horizon": bool(horizon and o.start <= horizon < o.end),
                "brier": {m: brier(p, o.outcome) for m, p in per_model.items()},
                "source": o.source,
            }
        )
    uniform = brier({k: 1 / len(bands.names) for k in bands.names}, bands.names[0])
    return {
        "runs": cmp.runs,
        "seed": seed,
        "horizon": horizon,
        "odds": per_model,
        "ensemble_weights": cmp.weights,
        "uniform_guess": uniform,
        "periods": rows,
        "seconds": time.perf_counter() - t0,
    }
