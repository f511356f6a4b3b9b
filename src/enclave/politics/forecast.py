"""One entry point over the models: a central trajectory, and point forecasts for a batch.

Models (``MODELS``): ``mean`` and ``median`` (:mod:`enclave.politics.baselines`, round 0
only), ``eum`` (:mod:`enclave.politics.eum`, one dimension) and ``smp``
(:mod:`enclave.politics.smp`, KTAB's SMP as KTAB computes it, any number of dimensions; it
runs to KTAB's own stopping rule, at most 100 turns, whatever ``rounds`` says).

The forecast is defined per model:

- ``final_median``: the capability x salience weighted median after the last round;
- ``mean_of_medians``: the mean of the round medians of rounds 1..N (round 0 when N = 0);
- ``value``: the model's point forecast used for the scenario odds -- the weighted mean
  (``mean``), the weighted median (``median``), the mean of the round medians (``eum``; the
  EC example oscillates, so the last round alone is an artefact of where the cycle stops:
  mean of medians 9.06 years against the actual 8.83, last-round median 7.0) and the final
  median (``smp``, which converges). ``point="final_median"|"mean_of_medians"`` overrides.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from enclave.errors import EnclaveInputError
from enclave.politics.actors import Actors
from enclave.politics.baselines import weighted_mean, weighted_median
from enclave.politics.eum import EUMOptions, run_eum
from enclave.politics.ktab import run_ktab_batch
from enclave.politics.smp import run_smp

__all__ = ["MODELS", "Trajectory", "default_point", "forecast", "point_forecasts"]

MODELS = ("eum", "mean", "median", "smp")
POINTS = ("final_median", "mean_of_medians", "mean", "median")


def default_point(model: str) -> str:
    """Which forecast feeds the odds by default for ``model``."""
    return {"mean": "mean", "median": "median", "eum": "mean_of_medians"}.get(model, "final_median")


@dataclass(frozen=True)
class Trajectory:
    """A central (undrawn) run.

    Attributes:
        model: model name.
        ids: actor ids.
        dimensions: dimension names.
        positions: ``(N + 1, n, d)`` positions per round.
        median: ``(N + 1, d)`` c·s-weighted median per round.
        mean: ``(N + 1, d)`` c·s-weighted mean per round.
        value: ``(d,)`` the model's point forecast (see module docstring).
        extra: model-specific arrays (EUM risk exponents, SMP probabilities).
    """

    model: str
    ids: tuple[str, ...]
    dimensions: tuple[str, ...]
    positions: np.ndarray
    median: np.ndarray
    mean: np.ndarray
    value: np.ndarray
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def final_median(self) -> np.ndarray:
        """Median after the last round, ``(d,)``."""
        return self.median[-1]

    @property
    def mean_of_medians(self) -> np.ndarray:
        """Mean of the medians of rounds 1..N (round 0 alone when N = 0), ``(d,)``."""
        med = self.median[1:] if len(self.median) > 1 else self.median
        return med.mean(axis=0)


def _check_model(model: str, actors: Actors | None = None) -> None:
    if model not in MODELS:
        raise EnclaveInputError(None, "--model", f"unknown model {model!r} (one of {MODELS})")
    if model == "eum" and actors is not None and len(actors.dimensions) != 1:
        raise EnclaveInputError(
            actors.source,
            "--model",
            f"eum is one-dimensional; the table has {len(actors.dimensions)} dimensions"
            " (use --model smp)",
        )


def forecast(
    actors: Actors,
    model: str = "eum",
    rounds: int = 10,
    *,
    options: EUMOptions | None = None,
    point: str | None = None,
) -> Trajectory:
    """Run ``model`` on the table's central values and return the trajectory."""
    _check_model(model, actors)
    x, c, s = actors.position, actors.c, actors.s
    w = c[:, None] * s
    extra: dict[str, Any] = {}
    if model in ("mean", "median"):
        pos = x[None]
        med = weighted_median(x.T, w.T)[None]
        mean = weighted_mean(x.T, w.T)[None]
    elif model == "eum":
        res = run_eum(x[:, 0], c, s[:, 0], rounds, options)
        pos = res.positions[0][:, :, None]
        med, mean = res.median[0][:, None], res.mean[0][:, None]
        extra["risk"] = res.risk[0]
        extra["mover_of"], extra["offer"] = res.mover_of[0], res.offer[0]
    else:
        res = run_smp(x, c, s)
        pos, med, mean = res.positions, res.median, res.mean
        extra["probs"], extra["risk"] = res.probs, res.risk
        extra["partner"], extra["initiated"] = res.partner, res.initiated
    which = point or default_point(model)
    value = {
        "mean": mean[0],
        "median": med[0],
        "final_median": med[-1],
        "mean_of_medians": (med[1:] if len(med) > 1 else med).mean(axis=0),
    }[which]
    return Trajectory(model, actors.ids, actors.dimensions, pos, med, mean, value, extra)


def point_forecasts(
    model: str,
    x: np.ndarray,
    c: np.ndarray,
    s: np.ndarray,
    rounds: int = 10,
    *,
    options: EUMOptions | None = None,
    point: str | None = None,
) -> np.ndarray:
    """Point forecasts ``(B,)`` for a batch of one-dimensional inputs ``(B, n)``."""
    _check_model(model)
    which = point or default_point(model)
    if which not in POINTS:
        raise EnclaveInputError(None, "--forecast", f"unknown forecast {which!r} ({POINTS})")
    if model in ("mean", "median") and which != model:
        raise EnclaveInputError(
            None, "--forecast", f"model {model} has one forecast, {model}; got {which!r}"
        )
    w = c * s
    if model in ("mean", "median") or which in ("mean", "median"):
        return weighted_mean(x, w) if which == "mean" else weighted_median(x, w)
    if model == "eum":
        res = run_eum(x, c, s, rounds, options)
        return res.final_median if which == "final_median" else res.mean_of_medians
    # smp: all draws at once (each exactly the run run_smp gives), KTAB's stopping rule
    key = _key(x, c, s)
    if key not in _SMP_MEDIANS:
        pos, turns = run_ktab_batch(x, c, s)
        med = weighted_median(pos[..., 0], w[None])  # (T + 1, B), held after a run stops
        t = np.arange(med.shape[0])[:, None]
        in_run = (t >= 1) & (t <= turns[None, :])
        mom = np.where(in_run, med, 0.0).sum(axis=0) / np.maximum(turns, 1)
        _SMP_MEDIANS[key] = (med[-1], mom)
        while len(_SMP_MEDIANS) > _SMP_CACHE_SIZE:
            _SMP_MEDIANS.popitem(last=False)
    final, mom = _SMP_MEDIANS[key]
    return (final if which == "final_median" else mom).copy()


# The same draws reach the SMP more than once in one process (the chain's odds, then the
# report's comparison); the run is deterministic, so its medians are kept by input digest.
_SMP_CACHE_SIZE = 8
_SMP_MEDIANS: OrderedDict[bytes, tuple[np.ndarray, np.ndarray]] = OrderedDict()


def _key(*arrays: np.ndarray) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    for a in arrays:
        a = np.ascontiguousarray(a, float)
        h.update(str(a.shape).encode())
        h.update(a.tobytes())
    return h.digest()
