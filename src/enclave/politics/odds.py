"""Monte Carlo over the actors' inputs, and the odds of each scenario.

Each run draws every actor's inputs around the table's values (spreads from the table's
``*_spread`` columns, or, where blank, the defaults in ``data/spreads.csv``, each labelled as
an assumption with its reason), runs the model and takes its point forecast on the issue
scale (:func:`enclave.politics.forecast.default_point`). The forecast distribution is binned
into the scenario bands of ``data/idlib_scenario_bands.csv`` (kept in data, not code):
0-12.5 full offensive, 12.5-37.5 limited offensive, 37.5-62.5 negotiated deal, 62.5-100
stalemate / rebels hold; a band is ``[lower, upper)``, the last one closed. The edges follow
one rule: a position belongs to the scenario whose anchor on the issue scale is nearest (0,
25, 50, 75 and 100; the anchors are in the case's ``weights.bands``), so each edge is the
midpoint between two neighbouring anchors. The bands carry ``as_of``
(2018-09-07) and ``horizon`` (2019-01-05): each scenario is the state of Idlib on the
horizon, as it could be judged on ``as_of``.

Draws (one ``numpy.random.Generator`` per call, from ``default_rng(seed)``; the same seed
gives the same output)::

    x_i* = clip(x_i + σ_x,i Z'_i, lo, hi)        (normal, clipped to the bands' range)
    c_i* = c_i exp(σ_c Z)                        (lognormal, median kept)
    s_i* = clip(s_i + σ_s Z / 100, 0, 1)         (σ_s in points of the 0-100 scale)

σ_x,i is the actor's own spread (``position_spread`` in the table, each with its reason in
``position_spread_source``) or the default. Political uncertainty is correlated: the members
of a bloc in ``data/blocs.csv`` (Damascus-Moscow-Tehran, correlation 0.6, a labelled
assumption) get ``Z' = L Z`` over their columns, ``L`` the Cholesky factor of the
equicorrelation matrix; other actors keep ``Z' = Z``.

The probability of scenario k is ``p_k = m_k / M`` (m_k of M runs in band k). Its 90 %
interval is the Jeffreys interval, the 5 % and 95 % quantiles of
``Beta(m_k + ½, M - m_k + ½)``: the Monte Carlo uncertainty of the estimate, not the
uncertainty of the inputs (that one is the forecast distribution itself, reported as
quantiles). :data:`INTERVAL_COVERS` says so in every output.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field, replace
from datetime import date
from importlib import resources
from pathlib import Path

import numpy as np

from enclave.errors import EnclaveInputError
from enclave.politics.actors import Actors, idlib_actors
from enclave.politics.eum import EUMOptions
from enclave.politics.forecast import point_forecasts

__all__ = [
    "INTERVAL_COVERS",
    "Bands",
    "Bloc",
    "band_sensitivity",
    "correlate",
    "load_blocs",
    "shift_bands",
    "without_own_spreads",
    "OddsResult",
    "draw_inputs",
    "draw_normals",
    "odds_from_values",
    "load_bands",
    "load_spreads",
    "odds",
    "scenario_odds",
]

INTERVAL_COVERS = (
    "90 % Jeffreys interval of each share: Monte Carlo error of the estimate from this many "
    "runs only; it does not cover the input uncertainty (that is the forecast distribution), "
    "the choice of model (see the model table) or the band edges (see band_shift)"
)

DEFAULT_RUNS = 1000
DEFAULT_SEED = 20180917  # the day of the Sochi memorandum; any fixed integer would do


@dataclass(frozen=True)
class Bands:
    """Scenario bands on the issue scale: ``[lower_k, upper_k)``, the last one closed."""

    names: tuple[str, ...]
    lower: np.ndarray
    upper: np.ndarray
    labels: tuple[str, ...]
    source: str
    as_of: str | None = None
    horizon: str | None = None

    @property
    def lo(self) -> float:
        """Lower end of the issue scale covered by the bands."""
        return float(self.lower.min())

    @property
    def hi(self) -> float:
        """Upper end of the issue scale covered by the bands."""
        return float(self.upper.max())

    def index(self, values: np.ndarray) -> np.ndarray:
        """Band index of each value (values outside the range go to the nearest band)."""
        k = np.searchsorted(self.upper, np.asarray(values, float), side="right")
        return np.clip(k, 0, len(self.names) - 1)


def _read_data(name: str) -> tuple[str, str]:
    ref = resources.files("enclave.politics").joinpath(f"data/{name}")
    return ref.read_text("utf-8"), f"enclave/politics/data/{name}"


def load_bands(path: str | Path | None = None) -> Bands:
    """Scenario bands from ``path`` (default: the embedded Idlib bands)."""
    if path is None:
        text, source = _read_data("idlib_scenario_bands.csv")
    else:
        source = str(path)
        try:
            text = Path(path).read_text("utf-8-sig")
        except OSError as err:
            raise EnclaveInputError(path, None, f"cannot read: {err}") from None
    rows = list(csv.DictReader(io.StringIO(text)))
    if not rows or not {"scenario", "lower", "upper"} <= set(rows[0]):
        raise EnclaveInputError(source, "line 1 (header)", "need columns scenario, lower, upper")
    lower, upper = [], []
    for line, row in enumerate(rows, start=2):
        for key, out in (("lower", lower), ("upper", upper)):
            try:
                out.append(float(row[key]))
            except (TypeError, ValueError):
                raise EnclaveInputError(
                    source, f"line {line}, column {key}", f"not a number: {row[key]!r}"
                ) from None
    lo, up = np.asarray(lower), np.asarray(upper)
    if np.any(up <= lo) or np.any(lo[1:] != up[:-1]):
        raise EnclaveInputError(source, None, "bands must be increasing and contiguous")
    dates: dict[str, str | None] = {}
    for key in ("as_of", "horizon"):
        values = {(r.get(key) or "").strip() for r in rows}
        if len(values) > 1:
            raise EnclaveInputError(source, f"column {key}", f"differs between rows: {values}")
        value = values.pop() if values else ""
        if value:
            try:
                date.fromisoformat(value)
            except ValueError:
                raise EnclaveInputError(
                    source, f"column {key}", f"not an ISO date (YYYY-MM-DD): {value!r}"
                ) from None
        dates[key] = value or None
    return Bands(
        names=tuple(r["scenario"] for r in rows),
        lower=lo,
        upper=up,
        labels=tuple(r.get("label", r["scenario"]) for r in rows),
        source=source,
        as_of=dates["as_of"],
        horizon=dates["horizon"],
    )


def load_spreads(kind: str = "spread") -> dict[str, float]:
    """Default spreads (``kind="spread"``) or sweep steps (``"sweep"``) from data."""
    text, _ = _read_data("spreads.csv")
    return {
        r["field"]: float(r["value"])
        for r in csv.DictReader(io.StringIO(text))
        if r["kind"] == kind
    }


@dataclass(frozen=True)
class Bloc:
    """Actors whose drawn positions are correlated (``data/blocs.csv``)."""

    name: str
    members: tuple[str, ...]
    correlation: float
    reason: str


def load_blocs() -> list[Bloc]:
    """The correlated blocs of the embedded data (each a labelled assumption)."""
    text, source = _read_data("blocs.csv")
    out = []
    for line, r in enumerate(csv.DictReader(io.StringIO(text)), start=2):
        rho = float(r["correlation"])
        if not 0.0 <= rho < 1.0 or r["field"] != "position":
            raise EnclaveInputError(source, f"line {line}", "need field position, 0 <= rho < 1")
        out.append(Bloc(r["bloc"], tuple(r["members"].split(";")), rho, r["reason"]))
    return out


def correlate(z: np.ndarray, ids: tuple[str, ...], blocs: list[Bloc]) -> np.ndarray:
    """Position normals ``(runs, n)`` with each bloc's members correlated (Cholesky)."""
    out = z.copy()
    for bloc in blocs:
        cols = [ids.index(m) for m in bloc.members if m in ids]
        if len(cols) < 2:
            continue
        k = len(cols)
        cov = np.full((k, k), bloc.correlation) + (1.0 - bloc.correlation) * np.eye(k)
        out[:, cols] = z[:, cols] @ np.linalg.cholesky(cov).T
    return out


def shift_bands(bands: Bands, delta: float) -> Bands:
    """The bands with every interior edge moved by ``delta`` (the outer ends kept)."""
    lower, upper = bands.lower.copy(), bands.upper.copy()
    lower[1:] += delta
    upper[:-1] += delta
    if np.any(upper <= lower):
        raise EnclaveInputError(bands.source, "--band-shift", f"{delta:g} empties a band")
    return replace(bands, lower=lower, upper=upper)


def band_sensitivity(
    values: np.ndarray, bands: Bands, delta: float = 5.0
) -> dict[str, dict[str, float]]:
    """Odds with every interior band edge moved by -delta and +delta (same forecasts)."""
    out = {}
    for d in (-delta, delta):
        k = shift_bands(bands, d).index(values)
        m = np.bincount(k, minlength=len(bands.names)) / len(values)
        out[f"{d:+g}"] = {n: float(m[i]) for i, n in enumerate(bands.names)}
    return out


def without_own_spreads(actors: Actors) -> Actors:
    """The table with its per-actor spreads removed (every actor gets the default spread)."""
    return replace(actors, spread={k: np.full(actors.n, np.nan) for k in actors.spread})


def _spread(actors: Actors, name: str, defaults: dict[str, float]) -> np.ndarray:
    col = actors.spread.get(name, np.full(actors.n, np.nan))
    return np.where(np.isnan(col), defaults[name], col)


def draw_normals(actors: Actors, runs: int, rng: np.random.Generator) -> np.ndarray:
    """The standard normals behind one Monte Carlo run, ``(3, runs, n)``.

    Kept separate so that levers can reuse the same numbers (common random numbers): a
    dropped actor's column is removed, every other actor keeps its draws.
    """
    return rng.standard_normal((3, runs, actors.n))


def draw_inputs(
    actors: Actors,
    z: np.ndarray,
    *,
    bounds: tuple[float, float] = (0.0, 100.0),
    spreads: dict[str, float] | None = None,
    blocs: list[Bloc] | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Turn normals ``z`` ``(3, runs, n)`` into (position, capability, salience) draws.

    One-dimensional tables only. Salience comes back as fractions; capability in model
    units. A table's own ``*_spread`` values are in the table's units; the default salience
    spread is in points of the 0-100 scale. ``blocs`` (default :func:`load_blocs`; ``[]``
    for none) correlate the members' position draws.
    """
    if len(actors.dimensions) != 1:
        raise EnclaveInputError(
            actors.source, None, "scenario odds need a one-dimensional table (one issue scale)"
        )
    d = load_spreads("spread") if spreads is None else spreads
    sx = _spread(actors, "position", d)
    sc = _spread(actors, "capability", d)
    own = actors.spread.get("salience", np.full(actors.n, np.nan))
    own = own / (100.0 if actors.salience_scale == "percent" else 1.0)
    ss = np.where(np.isnan(own), d["salience"] / 100.0, own)
    zx = correlate(z[0], actors.ids, load_blocs() if blocs is None else blocs)
    x = np.clip(actors.position[:, 0] + sx * zx, *bounds)
    c = actors.c * np.exp(sc * z[1])
    s = np.clip(actors.s[:, 0] + ss * z[2], 0.0, 1.0)
    return x, c, s


@dataclass(frozen=True)
class OddsResult:
    """Scenario odds from a Monte Carlo run.

    Attributes:
        odds: scenario -> probability.
        interval: scenario -> (5 %, 95 %) Jeffreys interval of that probability.
        counts: scenario -> number of runs in the band.
        runs: number of runs M.
        seed: the seed used.
        quantiles: 5 %, 50 %, 95 % quantiles of the forecast on the issue scale.
        values: the ``(M,)`` point forecasts.
    """

    odds: dict[str, float]
    interval: dict[str, tuple[float, float]]
    counts: dict[str, int]
    runs: int
    seed: int | None
    quantiles: dict[str, float] = field(default_factory=dict)
    values: np.ndarray = field(default_factory=lambda: np.empty(0))


def odds_from_values(values: np.ndarray, bands: Bands, seed: int | None = None) -> OddsResult:
    """Bin point forecasts into bands; probabilities with 90 % Jeffreys intervals."""
    k = bands.index(values)
    m = np.bincount(k, minlength=len(bands.names))
    runs = len(values)
    # the Beta quantile straight from scipy.special: importing scipy.stats for its
    # ``beta.ppf`` (the same function underneath) costs ~1.2 s of the default run
    from scipy.special import betaincinv

    lo = betaincinv(m + 0.5, runs - m + 0.5, 0.05)
    hi = betaincinv(m + 0.5, runs - m + 0.5, 0.95)
    q = np.quantile(values, [0.05, 0.5, 0.95])
    return OddsResult(
        odds={name: float(m[i] / runs) for i, name in enumerate(bands.names)},
        interval={name: (float(lo[i]), float(hi[i])) for i, name in enumerate(bands.names)},
        counts={name: int(m[i]) for i, name in enumerate(bands.names)},
        runs=runs,
        seed=seed,
        quantiles={"q05": float(q[0]), "q50": float(q[1]), "q95": float(q[2])},
        values=values,
    )


def odds(
    actors: Actors | None = None,
    model: str = "eum",
    *,
    runs: int = DEFAULT_RUNS,
    seed: int | None = DEFAULT_SEED,
    rounds: int = 10,
    bands: Bands | None = None,
    spreads: dict[str, float] | None = None,
    options: EUMOptions | None = None,
    point: str | None = None,
    z: np.ndarray | None = None,
    blocs: list[Bloc] | None = None,
) -> OddsResult:
    """Monte Carlo scenario odds for ``actors`` (default: the embedded Idlib 2018 table).

    ``z`` (``(3, runs, n)`` normals, see :func:`draw_normals`) replaces the draws from
    ``default_rng(seed)``; the levers use it to compare tables on the same random numbers.
    """
    if runs < 1:
        raise EnclaveInputError(None, "--runs", f"need at least one run, got {runs}")
    actors = idlib_actors() if actors is None else actors
    bands = load_bands() if bands is None else bands
    if z is None:
        z = draw_normals(actors, runs, np.random.default_rng(seed))
    x, c, s = draw_inputs(actors, z, bounds=(bands.lo, bands.hi), spreads=spreads, blocs=blocs)
    values = point_forecasts(model, x, c, s, rounds, options=options, point=point)
    return odds_from_values(values, bands, seed)


def scenario_odds(
    actors: Actors | None = None,
    model: str = "ensemble",
    runs: int = DEFAULT_RUNS,
    seed: int | None = DEFAULT_SEED,
    **kw: object,
) -> dict[str, float]:
    """Scenario -> probability, for the chain (``weights: politics`` in a case file).

    With no ``actors`` this is the embedded Idlib 2018 table; keys are the scenario names of
    ``data/idlib_scenario_bands.csv`` (``full-offensive``, ``limited-offensive``,
    ``negotiated-deal``, ``stalemate``). The default ``model="ensemble"`` is the equal-weight
    average over the validated models (eum, median, mean, smp;
    :mod:`enclave.politics.ensemble`); a model name gives that model alone. :func:`odds`
    gives the intervals as well.
    """
    if model == "ensemble":
        from enclave.politics.ensemble import compare_models

        return compare_models(actors, runs=runs, seed=seed, **kw).ensemble
    return odds(actors, model, runs=runs, seed=seed, **kw).odds  # type: ignore[arg-type]
