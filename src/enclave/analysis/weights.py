"""Scenario weights from the politics forecast (``weights: politics`` in a case file)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import xarray as xr

from enclave.scenario.model import Case


@dataclass(frozen=True)
class Weights:
    weights: dict[str, float]  # scenario -> probability
    bands: list[tuple[str, float, float, float, str]]  # (politics band, lower, upper, p, scenario)
    note: str


def politics_weights(case: Case) -> Weights | None:
    """Odds of each scenario from :func:`enclave.politics.odds.scenario_odds`, or None.

    Each politics band ``[lower, upper)`` goes to the scenario the case maps the smallest
    issue-scale point inside it to (``weights.bands``); bands with no point stay unassigned.
    """
    if case.weights is None:
        return None
    try:
        from enclave.politics.odds import load_bands, scenario_odds
    except ImportError:
        return Weights({}, [], "politics forecast not available (enclave.politics.odds missing)")
    odds = scenario_odds()
    bands = load_bands()
    points = sorted(case.weights.bands)
    out: dict[str, float] = {s.name: 0.0 for s in case.scenarios}
    rows = []
    last = len(bands.names) - 1
    for k, name in enumerate(bands.names):
        lo, up = float(bands.lower[k]), float(bands.upper[k])
        inside = [x for x in points if lo <= x < up or (k == last and x == up)]
        target = case.weights.bands[inside[0]] if inside else ""
        p = float(odds.get(name, 0.0))
        if target:
            out[target] += p
        rows.append((name, lo, up, p, target))
    return Weights(
        out,
        rows,
        "enclave.politics.scenario_odds(): equal-weight ensemble of eum, median, mean, smp "
        "(all validated); embedded Idlib 2018 actors, default seed",
    )


def weighted_metric(mm: xr.Dataset, metric: str, weights: dict[str, float]) -> dict[str, float]:
    """Median and 5-95 % of a metric over all members, each scenario's members weighted."""
    vals, w = [], []
    for s in mm["scenario"].values:
        p = weights.get(str(s), 0.0)
        v = mm[metric].sel(scenario=s).values.astype(float)
        v = v[~np.isnan(v)]
        if p > 0 and v.size:
            vals.append(v)
            w.append(np.full(v.size, p / v.size))
    if not vals:
        return {"median": np.nan, "p05": np.nan, "p95": np.nan, "mean": np.nan}
    v, ww = np.concatenate(vals), np.concatenate(w)
    order = np.argsort(v)
    v, ww = v[order], ww[order]
    cdf = np.cumsum(ww) / ww.sum()

    def q(x: float) -> float:
        return float(v[min(np.searchsorted(cdf, x), len(v) - 1)])

    return {
        "median": q(0.5),
        "p05": q(0.05),
        "p95": q(0.95),
        "mean": float((v * ww).sum() / ww.sum()),
    }


def weights_table(w: Weights) -> pd.DataFrame:
    return pd.DataFrame(
        w.bands, columns=["politics_band", "lower", "upper", "probability", "scenario"]
    )
