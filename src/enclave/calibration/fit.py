"""Fit a case's calibratable inputs to an observed series with ABC-SMC (pyabc).

Why ABC-SMC: the engine is a stochastic simulator without a likelihood; pyabc (maintained,
BSD) samples the approximate posterior by sequential Monte Carlo, and its final weighted
population gives the 90 % intervals (weighted 5th and 95th percentiles) directly.

- Parameters: the case's inputs marked ``calibrate: true``; prior uniform on [low, high].
  Every other input is held at its central value while fitting.
- Simulated summaries (the first scenario of the case, one engine run per particle):
  people newly displaced since the observed window's start, on each observed date; and,
  on each share date, the share of them in the Turkish-held north (``north_aleppo``),
  government-held places (``government``), Turkey (``turkey``) or the enclave
  (``nw_idlib``: the rest), by the control of each place that day; or, for a target given
  per governorate (``admin1:<name>``), the share at that governorate's places not held by
  the government.
- Distance: mean |log(simulated / observed)| over the cumulative dates plus the mean
  absolute difference of the shares.
- Randomness: pyabc draws from numpy's global generator, which is seeded with ``seed``;
  engine seeds come from one ``numpy.random.default_rng(seed)``, taken in the order pyabc
  asks for simulations (one core, so always the same order).
"""

from __future__ import annotations

import logging
import math
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date as Date
from pathlib import Path

import numpy as np

from enclave.calibration.observed import ADMIN1_PREFIX, Observed
from enclave.conflict.timeline import timeline
from enclave.ensemble.inputs import border_policies, central_values
from enclave.ensemble.runner import MemberSpec, RunConfig, run_member
from enclave.errors import EnclaveInputError
from enclave.scenario.geography import geography
from enclave.scenario.model import CONTROL_CODES, INPUT_NAMES, Case


def calibrated_names(case: Case) -> list[str]:
    """The inputs the case declares calibratable, in the case's input order."""
    return [k for k in INPUT_NAMES if getattr(case.inputs, k).calibrate]


@dataclass(frozen=True)
class Targets:
    """Observed targets as day indices of the case (day 0 = the case's start date)."""

    window_day: int
    cum_days: np.ndarray  # int [n]
    cum_values: np.ndarray  # float [n]
    share_days: np.ndarray  # int [m]
    share_regions: tuple[str, ...]
    share_values: np.ndarray  # float [m]
    dates: tuple[Date, ...]

    @classmethod
    def from_observed(cls, obs: Observed, case: Case, days: int) -> Targets:
        t0 = Date.fromisoformat(case.start_date)
        w = (obs.window_start - t0).days
        if w < 0:
            raise EnclaveInputError(
                obs.file, None, f"window starts {obs.window_start}, before the case ({t0})"
            )
        cd = [((d - t0).days, v, d) for d, v in obs.cumulative if (d - t0).days < days]
        if not cd:
            raise EnclaveInputError(obs.file, None, f"no target date within the case's {days} days")
        sd = [((d - t0).days, r, v) for d, r, v in obs.shares if (d - t0).days < days]
        return cls(
            window_day=w,
            cum_days=np.array([c[0] for c in cd], dtype=np.int64),
            cum_values=np.array([c[1] for c in cd], dtype=np.float64),
            share_days=np.array([s[0] for s in sd], dtype=np.int64),
            share_regions=tuple(s[1] for s in sd),
            share_values=np.array([s[2] for s in sd], dtype=np.float64),
            dates=tuple(c[2] for c in cd),
        )


REGION_OF_CONTROL = {
    CONTROL_CODES["opposition"]: "nw_idlib",
    CONTROL_CODES["government"]: "government",
    CONTROL_CODES["turkish_held"]: "north_aleppo",
    CONTROL_CODES["turkey"]: "turkey",
}


def region_people(case: Case, occupancy: np.ndarray, admin1: tuple[str, ...] = ()) -> dict:
    """People at places of each region by the control of the place that day: {region: [D]}.

    ``admin1`` names (``admin1:<unit>`` target regions) add the people at the places of
    that first-level unit not held by the government that day: OCHA gave the 2019
    destinations per governorate ("northern and western Aleppo governorate" includes the
    opposition-held western Aleppo countryside, not only the Turkish-held north)."""
    scenario = case.scenarios[0]
    geo = geography(case)
    tl = timeline(scenario, geo, border_policies(case, scenario, None))
    D = min(occupancy.shape[0], tl.days)
    out = {r: np.zeros(occupancy.shape[0]) for r in REGION_OF_CONTROL.values()}
    occ = np.nan_to_num(occupancy.astype(np.float64))
    for code, r in REGION_OF_CONTROL.items():
        out[r][:D] = (occ[:D] * (tl.control[:D] == code)).sum(axis=1)
    units = np.array([p.admin1 or "" for p in case.places], dtype=object)
    not_gov = tl.control[:D] != CONTROL_CODES["government"]
    for region in admin1:
        name = region[len(ADMIN1_PREFIX) :]
        if not (units == name).any():
            raise EnclaveInputError(
                None, "target_region", f"{region}: no place of case {case.case} has admin1 {name!r}"
            )
        out[region] = np.zeros(occupancy.shape[0])
        out[region][:D] = (occ[:D] * (not_gov & (units == name)[None, :])).sum(axis=1)
    return out


def summaries(case: Case, values: dict[str, float], scale: int, seed: int, tg: Targets) -> dict:
    """One engine run -> the simulated counterpart of every target, plus the daily series.

    Destination shares: the rise, since the day before the window, of the people (agents)
    at the places of each region (by the control of the place that day), over the people
    newly displaced since then; ``nw_idlib`` is what the other three regions leave.
    """
    scenario = case.scenarios[0]
    out = run_member(RunConfig(case=case, scale=scale), MemberSpec(scenario.name, 0, values, seed))
    cum = np.cumsum(np.nan_to_num(out.newly_displaced.astype(np.float64)))
    w0 = tg.window_day - 1
    since = cum - (cum[w0] if w0 >= 0 else 0.0)
    units = tuple(sorted({r for r in tg.share_regions if r.startswith(ADMIN1_PREFIX)}))
    reg = region_people(case, out.occupancy, units)
    shares = []
    for d, r in zip(tg.share_days, tg.share_regions):
        tot = max(since[d], 1.0)
        parts = {
            k: (v[d] - (v[w0] if w0 >= 0 else 0.0)) / tot
            for k, v in reg.items()
            if k in REGION_OF_CONTROL.values() and k != "nw_idlib"
        }
        parts["nw_idlib"] = 1.0 - sum(parts.values())
        for k in units:
            parts[k] = (reg[k][d] - (reg[k][w0] if w0 >= 0 else 0.0)) / tot
        shares.append(parts[r])
    return {
        "cum": since[tg.cum_days],
        "share": np.asarray(shares, dtype=np.float64),
        "series": since,
    }


def distance(sim: dict, obs: dict) -> float:
    """Mean |log ratio| of the cumulative counts + mean |difference| of the shares."""
    s = np.maximum(np.asarray(sim["cum"], dtype=np.float64), 1.0)
    d = float(np.mean(np.abs(np.log(s / np.asarray(obs["cum"], dtype=np.float64)))))
    if len(obs["share"]):
        d += float(np.mean(np.abs(np.asarray(sim["share"]) - np.asarray(obs["share"]))))
    return d


@dataclass
class FitResult:
    names: list[str]
    values: dict[str, float]  # weighted posterior median
    p05: dict[str, float]
    p95: dict[str, float]
    prior: dict[str, tuple[float, float]]
    simulations: int
    generations: int
    epsilon: float
    seconds: float
    package: str
    particles: np.ndarray  # [n, k] final population
    weights: np.ndarray  # [n]
    extra: dict = field(default_factory=dict)


def _wquantile(x: np.ndarray, w: np.ndarray, q: float) -> float:
    order = np.argsort(x)
    x, w = x[order], w[order]
    c = np.cumsum(w) / w.sum()
    return float(np.interp(q, c - 0.5 * w / w.sum(), x))


def require_pyabc():  # noqa: ANN201
    try:
        import pyabc
    except ImportError:
        raise EnclaveInputError(
            None, None, "calibration needs pyabc: pip install 'enclave-sim[calibrate]'"
        ) from None
    return pyabc


def fit(
    case: Case,
    tg: Targets,
    observed: dict,
    budget: int,
    scale: int,
    seed: int,
    on_sim: Callable[[], None] | None = None,
    population: int | None = None,
) -> FitResult:
    """ABC-SMC over the case's calibratable inputs with at most ``budget`` simulations."""
    pyabc = require_pyabc()
    names = calibrated_names(case)
    if not names:
        raise EnclaveInputError(None, "inputs", f"case {case.case} marks no input calibrate: true")
    for name in ("ABC", "Sampler", "Epsilon", "Distance", "Acceptor", "Population"):
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.getLogger("pyabc").setLevel(logging.WARNING)
    prior = {k: (getattr(case.inputs, k).low, getattr(case.inputs, k).high) for k in names}
    base = central_values(case)
    rng = np.random.default_rng(seed)
    count = [0]

    def model(par: dict) -> dict:
        values = dict(base)
        for k in names:
            values[k] = float(par[k])
        count[0] += 1
        if on_sim is not None:
            on_sim()
        s = summaries(case, values, scale, int(rng.integers(2**31)), tg)
        return {"cum": s["cum"], "share": s["share"]}

    dist = pyabc.Distribution(
        **{k: pyabc.RV("uniform", lo, max(hi - lo, 1e-12)) for k, (lo, hi) in prior.items()}
    )
    pop = population or int(min(200, max(20, budget // 6)))
    np.random.seed(seed % 2**32)  # noqa: NPY002 (pyabc draws from the global generator)
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="enclave-abc-") as tmp:
        abc = pyabc.ABCSMC(
            model,
            dist,
            distance,
            population_size=pop,
            sampler=pyabc.sampler.SingleCoreSampler(check_max_eval=False),
        )
        abc.new("sqlite:///" + str(Path(tmp) / "abc.db"), observed)
        history = abc.run(max_total_nr_simulations=budget, max_nr_populations=20)
        df, w = history.get_distribution(m=0, t=history.max_t)
        eps = float(history.get_all_populations()["epsilon"].iloc[-1])
        gens = int(history.max_t) + 1
    w = np.asarray(w, dtype=np.float64)
    parts = df[names].to_numpy(dtype=np.float64)
    vals, lo, hi = {}, {}, {}
    for j, k in enumerate(names):
        vals[k] = _wquantile(parts[:, j], w, 0.5)
        lo[k] = _wquantile(parts[:, j], w, 0.05)
        hi[k] = _wquantile(parts[:, j], w, 0.95)
    return FitResult(
        names=names,
        values=vals,
        p05=lo,
        p95=hi,
        prior=prior,
        simulations=count[0],
        generations=gens,
        epsilon=eps if math.isfinite(eps) else float("nan"),
        seconds=time.perf_counter() - t0,
        package=f"pyabc {pyabc.__version__}",
        particles=parts,
        weights=w,
    )


def observed_summaries(tg: Targets) -> dict:
    return {"cum": tg.cum_values, "share": tg.share_values}
