"""Sensitivity of the outcomes to the uncertain inputs a case declares.

Two designs:

* **One-at-a-time** (the table in the default ``enclave run``, 1 + 2 runs per input with a
  range, per scenario): each
  input at its low and high end, the others central, all on the same engine seed (common
  random numbers), so a swing is the input's effect, not seed noise. It cannot see
  interactions (the part of spawn rate's effect that depends on the enclave population) nor
  effects that are not monotone between the two ends; it is kept in the default run because
  a Morris screening of the same cost (2 trajectories) gives noisier ranks and still no
  interaction split. ``enclave sensitivity`` does that properly.
* **Global, with SALib** (``enclave sensitivity``): Sobol' indices (Saltelli sampling,
  first-order and total with bootstrap confidence intervals) or a Morris screening.
  :func:`sample_inputs` and :func:`analyze_outputs` are a thin pair over SALib's pure
  ``sample``/``analyze`` functions; :func:`run_sensitivity` runs the engine between them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from enclave.analysis.summary import member_metrics
from enclave.ensemble.dataset import to_dataset
from enclave.ensemble.runner import EnsembleRun, MemberSpec, RunConfig, _engine_seeds, run_specs
from enclave.scenario.model import INPUT_NAMES, Case

SENSITIVITY_METRICS = ("newly_displaced", "at_border_peak")


def varied_inputs(case: Case) -> list[str]:
    """The inputs with a range (an input fixed at one value has no swing to measure)."""
    return [k for k in INPUT_NAMES if getattr(case.inputs, k).high > getattr(case.inputs, k).low]


def design(case: Case, seeds: int) -> tuple[np.ndarray, list[tuple[str, str]]]:
    """Rows of input values [levels * seeds, n_inputs] and the (input, level) of each level."""
    central = np.array([getattr(case.inputs, k).mid for k in INPUT_NAMES])
    levels: list[tuple[str, str]] = [("", "central")]
    rows = [central]
    for k in varied_inputs(case):
        j = INPUT_NAMES.index(k)
        r = getattr(case.inputs, k)
        for level, value in (("low", r.low), ("high", r.high)):
            row = central.copy()
            row[j] = value
            rows.append(row)
            levels.append((k, level))
    draws = np.repeat(np.array(rows), seeds, axis=0)
    return draws, levels


def sensitivity_count(case: Case, scenarios: Sequence[str], seeds: int = 1) -> int:
    return len(scenarios) * (1 + 2 * len(varied_inputs(case))) * seeds


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
            for j, k in enumerate(varied_inputs(case)):
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


# ---------------------------------------------------------------- global sensitivity (SALib)

METHODS = ("sobol", "morris")
DEFAULT_SAMPLES = {"sobol": 64, "morris": 20}


def problem_for(case: Case, calibration: dict[str, tuple[float, float]] | None = None) -> dict:
    """SALib's problem dict over the case's uncertain inputs (calibrated ranges if given).

    Inputs whose range is a single value are left out (SALib needs low < high); they stay
    fixed at that value in every run.
    """
    names, bounds = [], []
    for k in INPUT_NAMES:
        r = getattr(case.inputs, k)
        lo, hi = (calibration or {}).get(k, (r.low, r.high))
        if hi > lo:
            names.append(k)
            bounds.append([float(lo), float(hi)])
    return {"num_vars": len(names), "names": names, "bounds": bounds}


def sample_inputs(problem: dict, method: str = "sobol", samples: int = 64, seed: int = 0):
    """Rows of input values to run: Saltelli/Sobol' (N(2k+2) rows) or Morris (N(k+1))."""
    if method == "sobol":
        from SALib.sample import sobol

        return sobol.sample(problem, samples, calc_second_order=True, seed=seed)
    if method == "morris":
        from SALib.sample import morris

        return morris.sample(problem, samples, num_levels=4, seed=seed)
    raise ValueError(f"unknown method {method!r} ({', '.join(METHODS)})")


def analyze_outputs(
    problem: dict, X: np.ndarray, Y: np.ndarray, method: str = "sobol", seed: int = 0
) -> pd.DataFrame:
    """Indices per input with 95 % confidence intervals (bootstrap, SALib).

    Sobol: ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (the conf columns are half-widths).
    Morris: ``mu_star``, ``mu_star_conf``, ``sigma``, ``mu``.
    """
    Y = np.asarray(Y, dtype=float)
    if method == "sobol":
        from SALib.analyze import sobol

        r = sobol.analyze(problem, Y, calc_second_order=True, conf_level=0.95, seed=seed)
        cols = ("S1", "S1_conf", "ST", "ST_conf")
    elif method == "morris":
        from SALib.analyze import morris

        r = morris.analyze(problem, X, Y, conf_level=0.95, num_levels=4, seed=seed)
        cols = ("mu_star", "mu_star_conf", "sigma", "mu")
    else:
        raise ValueError(f"unknown method {method!r} ({', '.join(METHODS)})")
    df = pd.DataFrame({c: np.asarray(r[c], dtype=float) for c in cols})
    df.insert(0, "input", problem["names"])
    return df


def evaluate_inputs(
    config: RunConfig,
    scenario: str,
    X: np.ndarray,
    names: Sequence[str],
    engine_seeds: Sequence[int],
    backend=None,  # noqa: ANN001
    on_done: Callable[[], None] | None = None,
):  # noqa: ANN201
    """Run one engine run per row of ``X`` (values of ``names``; other inputs central).

    Returns the member metrics (an xarray Dataset over ``member`` = row).
    """
    case = config.case
    central = {k: getattr(case.inputs, k).mid for k in INPUT_NAMES}
    draws = np.array([[central[k] for k in INPUT_NAMES]] * len(X), dtype=float)
    for j, k in enumerate(names):
        draws[:, INPUT_NAMES.index(k)] = X[:, j]
    specs = [
        MemberSpec(scenario, m, {k: float(draws[m, j]) for j, k in enumerate(INPUT_NAMES)}, s)
        for m, s in enumerate(engine_seeds)
    ]
    outputs = run_specs(config, specs, backend, on_done)
    run = EnsembleRun(config, [scenario], len(X), 0, draws, outputs, 0.0)
    return member_metrics(to_dataset(run), case.border.zone).sel(scenario=scenario)


def run_sensitivity(
    case: Case,
    scenario: str,
    method: str = "sobol",
    samples: int | None = None,
    metric: str = "newly_displaced",
    calibration: dict[str, tuple[float, float]] | None = None,
    seed: int = 0,
    scale: int | None = None,
    border: str | None = None,
    backend=None,  # noqa: ANN001
    on_done: Callable[[], None] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Sample, run and analyse: (indices table, the sampled rows with the metric).

    Every run uses the same engine seed (common random numbers), so the model is a
    deterministic function of the inputs, as Sobol' and Morris assume; seed noise is not
    part of the variance split (the ensemble bands show it).
    """
    samples = samples or DEFAULT_SAMPLES[method]
    config = RunConfig(case=case, scale=int(scale or case.default_scale), border=border)
    prob = problem_for(case, calibration)
    X = sample_inputs(prob, method, samples, seed)
    engine = _engine_seeds(np.random.SeedSequence([seed, 2]), 1) * len(X)
    mm = evaluate_inputs(config, scenario, X, prob["names"], engine, backend, on_done)
    Y = mm[metric].values.astype(float)
    Y = np.where(np.isnan(Y), float(config.case.scenario(scenario).days), Y)  # never -> end
    table = analyze_outputs(prob, X, Y, method, seed)
    table.insert(0, "metric", metric)
    table.insert(0, "scenario", scenario)
    rows = pd.DataFrame(X, columns=prob["names"])
    rows[metric] = Y
    return table, rows


def sensitivity_figure(table: pd.DataFrame, title: str = ""):  # noqa: ANN201
    """Bar chart of the indices with their 95 % intervals (a matplotlib Figure)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 0.5 + 0.45 * len(table)))
    ax = fig.add_subplot()
    y = np.arange(len(table))
    if "ST" in table:
        pairs = (("S1", "first order"), ("ST", "total"))
    else:
        pairs = (("mu_star", "mu* (mean |elementary effect|)"),)
    h = 0.8 / len(pairs)
    for i, (col, label) in enumerate(pairs):
        ax.barh(y + i * h, table[col], h, xerr=table[f"{col}_conf"], label=label, capsize=3)
    ax.set_yticks(y + h * (len(pairs) - 1) / 2, table["input"])
    ax.invert_yaxis()
    ax.axvline(0, color="0.5", lw=0.8)
    ax.legend(loc="lower right", fontsize="small")
    ax.set_title(title, fontsize="medium")
    fig.tight_layout()
    return fig


_INTERVAL_KEYS = (("low", "high"), ("p05", "p95"), ("lower", "upper"), ("lo", "hi"))
_NAME_KEYS = ("name", "input", "parameter")
_GROUP_KEYS = ("parameters", "inputs", "intervals", "posterior", "calibrated")


def read_intervals(path: Path, case: Case) -> dict[str, tuple[float, float]]:
    """Calibrated 90 % intervals per input from a YAML or JSON file.

    Accepted shapes (tolerant on purpose: the calibration may evolve):
    ``{name: {low: a, high: b}}``, the same under a top-level ``parameters`` / ``inputs`` /
    ``intervals`` / ``posterior`` / ``calibrated`` key, a list of
    ``{name|input|parameter: n, low: a, high: b}``, ``{name: [a, b]}``; ``p05``/``p95``,
    ``lower``/``upper`` or ``interval: [a, b]`` in place of ``low``/``high``. Inputs not in
    the file keep the case's prior range; other keys of a parameter are ignored; an unknown
    input name or a missing bound is one :class:`EnclaveInputError`.
    """
    import json

    import yaml

    from enclave.errors import EnclaveInputError

    path = Path(path)
    if not path.is_file():
        raise EnclaveInputError(path, "--calibration", "file not found")
    try:
        text = path.read_text("utf-8")
        data = json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError) as err:
        first = str(err).splitlines()[0] if str(err) else type(err).__name__
        raise EnclaveInputError(path, None, f"cannot read ({first})") from None
    if isinstance(data, dict):
        for key in _GROUP_KEYS:
            if key in data:
                data = data[key]
                break
    if isinstance(data, list):
        items = {}
        for i, row in enumerate(data):
            name = next((row[k] for k in _NAME_KEYS if isinstance(row, dict) and k in row), None)
            if name is None:
                raise EnclaveInputError(path, f"item {i + 1}", "has no name/input/parameter")
            items[str(name)] = row
        data = items
    if not isinstance(data, dict):
        raise EnclaveInputError(path, None, "expected a mapping of input -> {low, high}")
    out: dict[str, tuple[float, float]] = {}
    for name, v in data.items():
        if name not in INPUT_NAMES:
            if isinstance(v, dict | list) and not str(name).startswith("_"):
                raise EnclaveInputError(
                    path, str(name), f"not an input of the case ({', '.join(INPUT_NAMES)})"
                )
            continue  # metadata (a method name, a date...)
        lohi = None
        if isinstance(v, list | tuple) and len(v) == 2:
            lohi = v
        elif isinstance(v, dict):
            if isinstance(v.get("interval"), list | tuple) and len(v["interval"]) == 2:
                lohi = v["interval"]
            for a, b in _INTERVAL_KEYS:
                if lohi is None and a in v and b in v:
                    lohi = (v[a], v[b])
        if lohi is None:
            raise EnclaveInputError(path, str(name), "needs low and high (a 90 % interval)")
        try:
            lo, hi = float(lohi[0]), float(lohi[1])
        except (TypeError, ValueError):
            raise EnclaveInputError(path, str(name), "low/high must be numbers") from None
        if hi < lo:
            raise EnclaveInputError(path, str(name), f"high ({hi}) is below low ({lo})")
        out[str(name)] = (lo, hi)
    return out
