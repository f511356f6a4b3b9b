"""Ensembles: N members per scenario, independent seeds, uncertain inputs drawn per member.

Randomness: one ``numpy.random.SeedSequence(seed)`` per run. Its first child draws the
uncertain inputs (one draw per member index, shared by all scenarios, so scenarios are
compared under the same inputs: common random numbers); its second child is spawned into
one engine seed per scenario x member. Same seed -> same numbers, whatever the backend,
the number of workers or the order in which members finish.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from enclave.ensemble.inputs import member_inputs
from enclave.scenario.geography import geography
from enclave.scenario.model import INPUT_NAMES, Case

#: Place kinds whose inflow is reported (sum of agents entering them from other kinds).
INFLOW_GROUPS = {
    "inflow_turkish_held": "turkish_held_area",
    "inflow_turkey": "turkey",
    "inflow_government": "regime_area",
}


@dataclass(frozen=True)
class RunConfig:
    """What every member of one run shares."""

    case: Case
    scale: int
    border: str | None = None
    days: int = 0  # length of the day axis (the longest scenario); 0 = from the case

    def __post_init__(self) -> None:
        if self.days <= 0:
            object.__setattr__(self, "days", max(s.days for s in self.case.scenarios))


@dataclass(frozen=True)
class MemberSpec:
    scenario: str
    member: int
    values: dict[str, float]
    seed: int
    scale: int = 0  # people per agent for this run; 0 = the RunConfig's


@dataclass
class MemberOutput:
    """One run's daily counts, in people (agents x scale); NaN after the scenario's end."""

    scenario: str
    member: int
    seed: int
    occupancy: np.ndarray  # float32 [D, P]
    arrivals: np.ndarray  # float32 [D, P]
    newly_displaced: np.ndarray  # float32 [D]
    on_roads: np.ndarray  # float32 [D]
    inflows: dict[str, np.ndarray] = field(default_factory=dict)  # float32 [D] each
    unplaced: float = 0.0
    agent_steps: int = 0
    seconds: float = 0.0


def draw_inputs(case: Case, members: int, seed_seq: np.random.SeedSequence) -> np.ndarray:
    """Uniform draws in each input's [low, high]: array [members, n_inputs].

    Where a calibration left a posterior (``case.posterior``), each member's calibrated
    inputs are one particle of it instead, drawn by weight (one more uniform per member,
    taken after the others, so the other inputs' draws stay as they were)."""
    rng = np.random.default_rng(seed_seq)
    u = rng.random((members, len(INPUT_NAMES)))
    lo = np.array([getattr(case.inputs, k).low for k in INPUT_NAMES])
    hi = np.array([getattr(case.inputs, k).high for k in INPUT_NAMES])
    draws = lo + u * (hi - lo)
    post = case.posterior
    if post is not None:
        w = np.asarray(post.weights, dtype=np.float64)
        cdf = np.cumsum(w) / w.sum()
        pick = np.minimum(np.searchsorted(cdf, rng.random(members), side="right"), len(w) - 1)
        parts = np.asarray(post.particles, dtype=np.float64)[pick]
        for j, k in enumerate(post.names):
            draws[:, INPUT_NAMES.index(k)] = parts[:, j]
    return draws


def _engine_seeds(seq: np.random.SeedSequence, n: int) -> list[int]:
    return [int(c.generate_state(1, dtype=np.uint32)[0]) for c in seq.spawn(n)]


def member_specs(
    case: Case, scenarios: Sequence[str], members: int, seed: int
) -> tuple[list[MemberSpec], np.ndarray]:
    """Specs for every scenario x member, and the drawn inputs [members, n_inputs]."""
    root = np.random.SeedSequence(seed)
    draws_seq, runs_seq = root.spawn(2)
    draws = draw_inputs(case, members, draws_seq)
    seeds = _engine_seeds(runs_seq, len(scenarios) * members)
    specs = []
    for si, name in enumerate(scenarios):
        for m in range(members):
            values = {k: float(draws[m, j]) for j, k in enumerate(INPUT_NAMES)}
            specs.append(MemberSpec(name, m, values, seeds[si * members + m]))
    return specs, draws


def run_member(config: RunConfig, spec: MemberSpec) -> MemberOutput:
    """Run one member (in a worker process or here)."""
    from enclave.displacement.engine import simulate

    case = config.case
    scenario = case.scenario(spec.scenario)
    geo = geography(case)
    scale = spec.scale or config.scale
    mi = member_inputs(case, scenario, spec.values, scale, config.border, geo=geo)
    res = simulate(mi.network, mi.drivers, mi.rules, seed=spec.seed, threads=1)
    k = float(scale)
    D, d = config.days, scenario.days

    def pad(x: np.ndarray) -> np.ndarray:
        out = np.full((D,) + x.shape[1:], np.nan, dtype=np.float32)
        out[:d] = x.astype(np.float64) * k
        return out

    new = res.spawned.astype(np.int64).copy()
    new[0] -= int(mi.drivers.initial_agents.sum())
    # people already displaced (camp residents) who flee again when the conflict reaches
    # their place: each counted once, on the day they first leave
    hit = mi.drivers.conflict > 0
    new += (res.initial_departures * hit).sum(axis=1)
    kinds = np.array(geo.kinds)
    lf, lt = geo.link_from, geo.link_to
    inflows = {}
    for var, kind in INFLOW_GROUPS.items():
        into = (kinds[lt] == kind) & (kinds[lf] != kind)
        inflows[var] = pad(res.link_entries[:, into].sum(axis=1))
    return MemberOutput(
        scenario=spec.scenario,
        member=spec.member,
        seed=spec.seed,
        occupancy=pad(res.occupancy),
        arrivals=pad(res.arrivals),
        newly_displaced=pad(new),
        on_roads=pad(res.on_links),
        inflows=inflows,
        unplaced=float(res.unplaced.sum()) * k,
        agent_steps=int(res.agent_steps),
        seconds=float(res.seconds),
    )


def run_specs(
    config: RunConfig,
    specs: Sequence[MemberSpec],
    backend=None,  # noqa: ANN001
    on_done: Callable[[], None] | None = None,
    on_result: Callable[[int, MemberOutput], None] | None = None,
) -> list[MemberOutput]:
    """Run members on a backend (default: a local process pool on every core).

    ``on_result(index, output)`` is called as each member arrives (to persist it).
    """
    from enclave.ensemble.backends import ProcessBackend

    backend = backend or ProcessBackend()
    if on_result is None:
        return backend.map(run_member, config, list(specs), on_done)
    return backend.map(run_member, config, list(specs), on_done, on_result)


@dataclass
class EnsembleRun:
    """Everything one ensemble produced, before it becomes a Dataset."""

    config: RunConfig
    scenarios: list[str]
    members: int
    seed: int
    draws: np.ndarray
    outputs: list[MemberOutput]
    seconds: float


def run_ensemble(
    case: Case,
    scenarios: Sequence[str] | None = None,
    members: int = 20,
    seed: int = 0,
    scale: int | None = None,
    border: str | None = None,
    backend=None,  # noqa: ANN001
    on_done: Callable[[], None] | None = None,
) -> EnsembleRun:
    """Run ``members`` members of each scenario; see :func:`to_dataset` for the result."""
    names = list(scenarios) if scenarios else [s.name for s in case.scenarios]
    config = RunConfig(case=case, scale=int(scale or case.default_scale), border=border)
    specs, draws = member_specs(case, names, members, seed)
    t0 = time.perf_counter()
    outputs = run_specs(config, specs, backend, on_done)
    return EnsembleRun(config, names, members, seed, draws, outputs, time.perf_counter() - t0)
