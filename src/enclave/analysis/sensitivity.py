"""One-at-a-time sensitivity: each uncertain input at its low and high end, the others central.

The runs form one small designed "ensemble": member ``0..n-1`` are the central runs,
then low/high runs per input; every level reuses the same engine seeds (common random
numbers), so a swing is the input's effect, not seed noise.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from enclave.analysis.summary import member_metrics
from enclave.ensemble.dataset import to_dataset
from enclave.ensemble.runner import EnsembleRun, MemberSpec, RunConfig, _engine_seeds, run_specs
from enclave.scenario.model import INPUT_NAMES, Case

SENSITIVITY_METRICS = ("newly_displaced", "at_border_peak")


def design(case: Case, seeds: int) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """Rows of input values [levels * seeds, n_inputs] and the (input, level) of each level."""
    central = np.array([getattr(case.inputs, k).mid for k in INPUT_NAMES])
    levels: list[tuple[str, str]] = [("", "central")]
    rows = [central]
    for j, k in enumerate(INPUT_NAMES):
        r = getattr(case.inputs, k)
        for level, value in (("low", r.low), ("high", r.high)):
            row = central.copy()
            row[j] = value
            rows.append(row)
            levels.append((k, level))
    draws = np.repeat(np.array(rows), seeds, axis=0)
    return draws, levels


def sensitivity_count(case: Case, scenarios: Sequence[str], seeds: int = 1) -> int:
    return len(scenarios) * (1 + 2 * len(INPUT_NAMES)) * seeds


def oat_specs(
    case: Case, scenarios: Sequence[str], seed: int = 0, seeds: int = 1
) -> tuple[list[MemberSpec], np.ndarray, list[tuple[str, str]]]:
    """The runs of the design: specs, the input rows, and the (input, level) of each level."""
    draws, levels = design(case, seeds)
    n = draws.shape[0]
    root = np.random.SeedSequence([seed, 1])  # not the ensemble's own streams
    engine = _engine_seeds(root, seeds)
    specs = []
    for name in scenarios:
        for m in range(n):
            values = {k: float(draws[m, j]) for j, k in enumerate(INPUT_NAMES)}
            specs.append(MemberSpec(name, m, values, engine[m % seeds]))
    return specs, draws, levels


def oat_table(
    config: RunConfig,
    scenarios: Sequence[str],
    outputs: list,
    draws: np.ndarray,
    levels: list[tuple[str, str]],
    seeds: int,
    seed: int = 0,
) -> pd.DataFrame:
    """Table: scenario, metric, input, low, high, metric at low / central / high, swing."""
    case = config.case
    names = list(scenarios)
    run = EnsembleRun(config, names, draws.shape[0], seed, draws, outputs, 0.0)
    mm = member_metrics(to_dataset(run), case.border.zone)
    rows = []
    for s in names:
        for metric in SENSITIVITY_METRICS:
            v = mm[metric].sel(scenario=s).values.reshape(len(levels), seeds)
            med = np.median(v, axis=1)
            base = float(med[0])
            for j, k in enumerate(INPUT_NAMES):
                r = getattr(case.inputs, k)
                lo, hi = float(med[1 + 2 * j]), float(med[2 + 2 * j])
                rows.append(
                    {
                        "scenario": s,
                        "metric": metric,
                        "input": k,
                        "input_low": r.low,
                        "input_high": r.high,
                        "at_low": lo,
                        "at_central": base,
                        "at_high": hi,
                        "swing": hi - lo,
                    }
                )
    df = pd.DataFrame(rows)
    df["abs_swing"] = df["swing"].abs()
    df["rank"] = (
        df.groupby(["scenario", "metric"])["abs_swing"].rank(ascending=False, method="first")
    ).astype(int)
    return df.drop(columns="abs_swing").sort_values(["scenario", "metric", "rank"])


def one_at_a_time(
    case: Case,
    scenarios: Sequence[str],
    seed: int = 0,
    scale: int | None = None,
    border: str | None = None,
    seeds: int = 1,
    backend=None,  # noqa: ANN001
    on_done: Callable[[], None] | None = None,
) -> pd.DataFrame:
    """Run the one-at-a-time design and return its table (see :func:`oat_table`)."""
    config = RunConfig(case=case, scale=int(scale or case.default_scale), border=border)
    specs, draws, levels = oat_specs(case, scenarios, seed, seeds)
    outputs = run_specs(config, specs, backend, on_done)
    return oat_table(config, scenarios, outputs, draws, levels, seeds, seed)
