"""All four models side by side, and the model ensemble behind the report's odds.

The ensemble is a fixed-weight average of the scenario odds of the *validated* models:
``eum`` (reproduces Scholz et al. 2011's EC-1994 figures), ``median`` and ``mean`` (the
baselines, exact by construction) and ``smp`` (KTAB's SMP loop, which reproduces KTAB's
reference position and probability histories digit for digit: :mod:`enclave.politics.ktab`,
``tests/politics/test_ktab.py``). The rule "equal weights over the validated models" was set
before any scoring and is never fitted to the outcomes it is scored on (``enclave bargain
--score``); with four validated models each weighs 1/4. An unvalidated model would be shown
with weight 0 (none is, now: the former smp-lite is no model name any more, only
:func:`enclave.politics.smp.run_smp_lite`).

Every model runs on the same random numbers (common random numbers), so differences in the
table are the models', not Monte Carlo noise. The SMP runs all draws at once
(:func:`enclave.politics.ktab.run_ktab_batch`): about 1.2 s of CPU per 1,000 runs on this
2-core machine (``python benchmarks/politics_ktab.py``); ``smp_runs`` can cap its draws
(the first ``smp_runs`` of the same normals; default: all ``runs``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from enclave.politics.actors import Actors, idlib_actors
from enclave.politics.odds import (
    DEFAULT_RUNS,
    DEFAULT_SEED,
    Bands,
    OddsResult,
    draw_normals,
    load_bands,
    odds,
)

__all__ = [
    "ENSEMBLE_WEIGHTS",
    "MODEL_LABELS",
    "Comparison",
    "compare_models",
    "ensemble_odds",
]

MODEL_LABELS = {
    "eum": "eum (EC-1994 reproduced under --preset scholz2011)",
    "median": "median (weighted median baseline)",
    "mean": "mean (weighted mean baseline)",
    "smp": "smp (KTAB SMP, reproduces the KTAB reference histories)",
}
# Fixed beforehand (equal over the validated models); never fitted to outcomes.
ENSEMBLE_WEIGHTS = {"eum": 1 / 4, "median": 1 / 4, "mean": 1 / 4, "smp": 1 / 4}
DEFAULT_SMP_RUNS: int | None = None  # all runs


@dataclass(frozen=True)
class Comparison:
    """Odds of every model on common random numbers, and the ensemble.

    Attributes:
        models: model -> :class:`OddsResult` (``smp`` on fewer runs, see ``runs``).
        runs: model -> number of runs.
        ensemble: scenario -> probability, the fixed-weight average.
        weights: the ensemble weights used.
    """

    models: dict[str, OddsResult]
    runs: dict[str, int]
    ensemble: dict[str, float]
    weights: dict[str, float]


def ensemble_odds(
    per_model: dict[str, dict[str, float]], weights: dict[str, float] | None = None
) -> dict[str, float]:
    """Fixed-weight average of scenario odds over the models that have a weight > 0."""
    w = ENSEMBLE_WEIGHTS if weights is None else weights
    used = {m: w[m] for m in per_model if w.get(m, 0.0) > 0}
    total = sum(used.values())
    names = next(iter(per_model.values())).keys()
    return {k: sum(used[m] * per_model[m][k] for m in used) / total for k in names}


def compare_models(
    actors: Actors | None = None,
    *,
    runs: int = DEFAULT_RUNS,
    seed: int | None = DEFAULT_SEED,
    rounds: int = 10,
    bands: Bands | None = None,
    smp_runs: int | None = DEFAULT_SMP_RUNS,
    models: tuple[str, ...] = ("eum", "median", "mean", "smp"),
    **kw: object,
) -> Comparison:
    """Odds of each model (common random numbers) and the validated-model ensemble.

    ``smp_runs=None`` runs SMP on all ``runs`` draws; a number caps them; 0 leaves SMP out
    (and so out of the ensemble, which then averages the other validated models).
    """
    actors = idlib_actors() if actors is None else actors
    bands = load_bands() if bands is None else bands
    # the chain asks twice for the same comparison (the report's weights and its politics
    # section): the same inputs give the same numbers, so the second ask is a lookup
    key = _fingerprint(actors, runs, seed, rounds, bands, smp_runs, models, kw)
    if key is not None and key in _CACHE:
        return _CACHE[key]
    result = _compare(actors, runs, seed, rounds, bands, smp_runs, models, kw)
    if key is not None:
        _CACHE.clear()  # keep one comparison: the default chain's
        _CACHE[key] = result
    return result


_CACHE: dict[str, Comparison] = {}


def _fingerprint(*parts: object) -> str | None:
    import hashlib
    import pickle

    try:
        return hashlib.sha256(pickle.dumps(parts, protocol=4)).hexdigest()
    except Exception:  # noqa: BLE001 (unpicklable inputs: no cache)
        return None


def _compare(actors, runs, seed, rounds, bands, smp_runs, models, kw) -> Comparison:  # noqa: ANN001
    z = draw_normals(actors, runs, np.random.default_rng(seed))
    out: dict[str, OddsResult] = {}
    n_runs: dict[str, int] = {}
    for m in models:
        m_runs = runs if m != "smp" or smp_runs is None else min(runs, smp_runs)
        if m_runs < 1:
            continue
        out[m] = odds(
            actors, m, runs=m_runs, seed=seed, rounds=rounds, bands=bands, z=z[:, :m_runs], **kw
        )  # type: ignore[arg-type]
        n_runs[m] = m_runs
    ens = ensemble_odds({m: r.odds for m, r in out.items()})
    return Comparison(out, n_runs, ens, dict(ENSEMBLE_WEIGHTS))
