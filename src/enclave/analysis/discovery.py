"""Scenario discovery: which input ranges lead to an outcome of interest (PRIM).

An ensemble samples the case's uncertain inputs (Latin hypercube, one engine seed per
run); each run is marked by the ``--where`` conditions (all must hold); PRIM from the EMA
Workbench (Kwakkel 2017; Friedman & Fisher 1999) peels boxes in input space where the
marked runs are dense. For each box the point of the peeling trajectory kept is the one
with the largest coverage whose density reaches the threshold. Coverage: share of all
marked runs inside the box; density: share of the box's runs that are marked.
"""

from __future__ import annotations

import operator
import re
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from enclave.analysis.sensitivity import evaluate_inputs, problem_for
from enclave.analysis.summary import CAMP_METRICS, METRICS
from enclave.ensemble.runner import RunConfig, _engine_seeds
from enclave.errors import EnclaveInputError
from enclave.scenario.model import Case

OPS: dict[str, Callable[[np.ndarray, float], np.ndarray]] = {
    ">=": operator.ge,
    "<=": operator.le,
    ">": operator.gt,
    "<": operator.lt,
}
_NUMBER = r"[-+]?[0-9][0-9_,]*\.?[0-9]*(?:[eE][-+]?[0-9]+)?"
_WHERE = re.compile(
    rf"^\s*([A-Za-z_][A-Za-z0-9_]*)(?:\[([^\]]+)\])?\s*(>=|<=|>|<)\s*({_NUMBER})\s*$"
)


@dataclass(frozen=True)
class Condition:
    """``metric op value``; a camp metric (per camp cluster) holds if any cluster meets it,
    or only the cluster named as ``metric[PLACE]``."""

    metric: str
    op: str
    value: float
    place: str | None = None

    def __str__(self) -> str:
        where = f"[{self.place}]" if self.place else ""
        return f"{self.metric}{where} {self.op} {self.value:g}"

    def columns(self, rows: pd.DataFrame) -> list[str]:
        """The columns of the runs table the condition reads."""
        if self.metric in METRICS:
            return [self.metric]
        if self.place is not None:
            col = f"{self.metric}[{self.place}]"
            if col not in rows:
                camps = sorted(
                    {c.split("[", 1)[1][:-1] for c in rows if c.startswith(f"{self.metric}[")}
                )
                raise EnclaveInputError(
                    None, "--where", f"no camp cluster '{self.place}' (camps: {', '.join(camps)})"
                )
            return [col]
        return [c for c in rows if c.startswith(f"{self.metric}[")]

    def mark(self, rows: pd.DataFrame) -> np.ndarray:
        """True for each run where the condition holds."""
        cols = self.columns(rows)
        if not cols:
            return np.zeros(len(rows), bool)
        return np.column_stack([self.holds(rows[c].values) for c in cols]).any(axis=1)

    def holds(self, y: np.ndarray) -> np.ndarray:
        """True where the metric meets the condition (a missing value, NaN, never does)."""
        y = np.asarray(y, dtype=float)
        with np.errstate(invalid="ignore"):
            return OPS[self.op](y, self.value) & ~np.isnan(y)


def parse_where(text: str) -> Condition:
    """``"METRIC > VALUE"`` (``>``, ``>=``, ``<``, ``<=``; ``100,000`` or ``1e5``)."""
    m = _WHERE.match(text)
    if not m:
        raise EnclaveInputError(
            None, "--where", f"'{text}' is not 'METRIC > VALUE' (operators: > >= < <=)"
        )
    metric, place, op, value = m.groups()
    if metric not in METRICS and metric not in CAMP_METRICS:
        known = ", ".join([*METRICS, *CAMP_METRICS])
        raise EnclaveInputError(None, "--where", f"unknown metric '{metric}' (metrics: {known})")
    if place is not None and metric not in CAMP_METRICS:
        raise EnclaveInputError(None, "--where", f"'{metric}' is not a per-camp metric")
    return Condition(metric, op, float(value.replace(",", "").replace("_", "")), place)


def sample_ensemble(
    case: Case,
    scenario: str,
    samples: int,
    seed: int = 0,
    scale: int | None = None,
    border: str | None = None,
    backend=None,  # noqa: ANN001
    on_done: Callable[[], None] | None = None,
) -> pd.DataFrame:
    """Latin-hypercube inputs, one engine seed per run: a table of inputs and all metrics."""
    from scipy.stats import qmc

    prob = problem_for(case)
    root = np.random.SeedSequence([seed, 3])
    lhs_seq, run_seq = root.spawn(2)
    u = qmc.LatinHypercube(d=prob["num_vars"], seed=np.random.default_rng(lhs_seq)).random(samples)
    b = np.array(prob["bounds"])
    X = b[:, 0] + u * (b[:, 1] - b[:, 0])
    config = RunConfig(case=case, scale=int(scale or case.default_scale), border=border)
    mm = evaluate_inputs(
        config, scenario, X, prob["names"], _engine_seeds(run_seq, samples), backend, on_done
    )
    rows = pd.DataFrame(X, columns=prob["names"])
    for k in mm.data_vars:
        v = mm[k]
        if v.dims == ("member",):
            rows[k] = v.values.astype(float)
        elif set(v.dims) == {"member", "place"}:  # per camp cluster: one column each
            v = v.transpose("member", "place")
            for j, place in enumerate(v["place"].values):
                col = v.values[:, j].astype(float)
                if not np.isnan(col).all():
                    rows[f"{k}[{place}]"] = col
    return rows


def find_boxes(
    x: pd.DataFrame, y: np.ndarray, threshold: float = 0.8, max_boxes: int = 3
) -> pd.DataFrame:
    """PRIM boxes: one row per (box, restricted input) with coverage, density, mass."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from ema_workbench.analysis import prim
    except ImportError:
        raise EnclaveInputError(
            None,
            None,
            "scenario discovery needs ema-workbench: pip install 'enclave-sim[discover]'",
        ) from None
    cols = ["box", "coverage", "density", "mass", "runs_in_box", "input", "low", "high"]
    if not y.any() or y.all():  # nothing to separate (PRIM needs both kinds of run)
        return pd.DataFrame(columns=cols)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        alg = prim.Prim(x.reset_index(drop=True), np.asarray(y, bool), threshold=threshold)
        lo0, hi0 = x.min(), x.max()
        rows = []
        for b in range(1, max_boxes + 1):
            box = alg.find_box()
            if box is None:
                break
            traj = box.peeling_trajectory
            ok = traj[traj["density"] >= threshold]
            if ok.empty:
                break
            i = int(ok["coverage"].idxmax())
            box.select(i)
            lim = box.box_lims[i]
            t = traj.loc[i]
            restricted = [
                c for c in x.columns if lim.loc[0, c] > lo0[c] or lim.loc[1, c] < hi0[c]
            ] or list(x.columns)
            for c in restricted:
                rows.append(
                    {
                        "box": b,
                        "coverage": float(t["coverage"]),
                        "density": float(t["density"]),
                        "mass": float(t["mass"]),
                        "runs_in_box": int(round(float(t["mass"]) * len(x))),
                        "input": c,
                        "low": float(lim.loc[0, c]),
                        "high": float(lim.loc[1, c]),
                    }
                )
    return pd.DataFrame(rows, columns=cols)


def boxes_figure(boxes: pd.DataFrame, bounds: dict[str, tuple[float, float]], title: str = ""):  # noqa: ANN201
    """Each box's restricted ranges as bars over the sampled range (0 = low, 1 = high)."""
    from matplotlib.figure import Figure

    n = max(1, len(boxes))
    fig = Figure(figsize=(7, 0.8 + 0.4 * n))
    ax = fig.add_subplot()
    labels = []
    for j, r in enumerate(boxes.itertuples()):
        lo, hi = bounds[r.input]
        a, b = (r.low - lo) / (hi - lo), (r.high - lo) / (hi - lo)
        ax.barh(j, b - a, left=a, color=f"C{(r.box - 1) % 10}")
        ax.text(1.01, j, f"{r.low:.3g} – {r.high:.3g}", va="center", fontsize="small")
        labels.append(f"box {r.box} (cov {r.coverage:.2f}, dens {r.density:.2f}): {r.input}")
    ax.set_yticks(range(len(labels)), labels, fontsize="small")
    ax.set_xlim(0, 1)
    ax.invert_yaxis()
    ax.set_xlabel("part of the sampled range (0 = low, 1 = high)")
    ax.set_title(title or "PRIM boxes", fontsize="medium")
    fig.tight_layout()
    return fig
