"""From a case, one scenario and one member's drawn inputs to the engine's inputs.

Modelling choices (also listed in the report and in ``docs/case-format.md``):

- Flee kinds. ``town`` and ``border_crossing`` -> TOWN (people keep moving on, Flee's
  default move chance). ``idp_camp_cluster`` -> CAMP with a capacity (established camps:
  residents stay, Flee's camp move chance, unless the conflict reaches the camp).
  ``turkish_held_area`` -> CAMP, domestic, no capacity limit (an area, not one camp: people
  who reach the Turkish-held north stay there). ``regime_area`` -> CAMP, domestic, no limit,
  reachable only over front-line roads that a corridor opens. ``turkey`` -> CAMP, foreign,
  no limit, reachable only over border links.
- Population. The drawn enclave total T is split into camp residents R (the camp clusters'
  ``residents``) and the towns, which get T - R in proportion to their ``population``
  weights (blank town weights take the median of the given ones). IDPs living in towns are
  part of the towns' people (idp_share x T - R of T - R); camp residents are IDPs already.
  Nobody is counted twice.
- Who moves. A town's *willing* people (REACH intention shares: IDPs and residents blended
  by the town's IDP share) are the population Flee's conflict-driven spawning draws from
  (``pop_ratio`` with ``take_from_population``): each day a conflict zone sends
  ``floor(spawn_rate x willing left x intensity)`` agents. Camp residents are agents from
  day 0 (``initial_agents``); they move again only when the conflict reaches their camp,
  which then has Flee's conflict move chance. ``movechance_override`` stays NaN.
- Ground fighting. Where the intensity first reaches ``GROUND_LEVEL`` (ground fighting: the
  event rule's ``ground_fighting`` and the advance phases), ``ground_leave_share`` of the
  people who were not willing join the willing there (``Drivers.pool_added``): towns on the
  2019 front lines emptied almost entirely, beyond the share who said they would leave.
- Scale. One agent stands for ``scale`` people: populations, camp residents, capacities and
  quotas are divided by it (quotas and capacities at least 1 agent).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from enclave.conflict.timeline import Timeline, timeline
from enclave.displacement.api import Drivers
from enclave.displacement.network import Network, PlaceKind
from enclave.displacement.rules import MoveRules
from enclave.scenario.geography import Geography, geography
from enclave.scenario.model import CONTROL_CODES, BorderPolicy, Case, Scenario

FLEE_KIND = {
    "town": PlaceKind.TOWN,
    "border_crossing": PlaceKind.TOWN,
    "idp_camp_cluster": PlaceKind.CAMP,
    "turkish_held_area": PlaceKind.CAMP,
    "regime_area": PlaceKind.CAMP,
    "turkey": PlaceKind.CAMP,
}

#: Rules the model sets itself (a case may not): Flee's conflict-driven spawning.
MODEL_RULES = {
    "conflict_driven_spawning": True,
    "conflict_spawn_mode": "pop_ratio",
    "take_from_population": True,
}


@dataclass(frozen=True)
class People:
    """People per place (not agents) for one draw of the inputs."""

    population: np.ndarray  # float64 [P] everyone living in towns (after scaling)
    willing: np.ndarray  # float64 [P] of them, those who leave if the conflict reaches them
    unwilling: np.ndarray  # float64 [P] the others (some leave once ground fighting comes)
    residents: np.ndarray  # float64 [P] camp residents on day 0
    capacity: np.ndarray  # float64 [P] camp capacity (people; 0 = no limit)
    town_idp_share: float


def town_weights(case: Case) -> np.ndarray:
    """Population weights of the places (towns' blanks = median of the given town weights)."""
    given = [p.population for p in case.places if p.kind == "town" and p.population is not None]
    fill = float(np.median(given)) if given else 1.0
    w = np.zeros(len(case.places))
    for i, p in enumerate(case.places):
        if p.kind == "town":
            w[i] = fill if p.population is None else float(p.population)
    return w


def people(case: Case, values: dict[str, float]) -> People:
    """Split the drawn enclave total over camps and towns (see the module docstring)."""
    n = len(case.places)
    residents = np.array([float(p.residents or 0) for p in case.places])
    capacity = np.zeros(n)
    for i, p in enumerate(case.places):
        if p.kind == "idp_camp_cluster":
            capacity[i] = (
                float(p.capacity)
                if p.capacity
                else residents[i] / values["camp_occupancy"]
                if residents[i] > 0
                else 0.0
            )
        elif p.kind == "turkish_held_area" and p.capacity:
            capacity[i] = float(p.capacity)  # a town's hosting room
    total = float(values["enclave_population"])
    in_camps = float(residents.sum())
    if total <= in_camps:
        raise ValueError("enclave_population is not larger than the camp residents")
    w = town_weights(case)
    population = w / w.sum() * (total - in_camps)
    town_idp = min(1.0, max(0.0, (values["idp_share"] * total - in_camps) / (total - in_camps)))
    share = town_idp * values["leave_share_idps"] + (1 - town_idp) * values["leave_share_residents"]
    return People(
        population=population,
        willing=population * share,
        unwilling=population * (1.0 - share),
        residents=residents,
        capacity=capacity,
        town_idp_share=town_idp,
    )


def border_policies(case: Case, scenario: Scenario, lever: str | None) -> list[BorderPolicy]:
    """The border policy over time: the ``--border`` lever, else the scenario's, else the case's."""
    if lever is not None:
        quota = case.border.quota_per_day if lever == "quota" else None
        return [BorderPolicy(from_day=0, policy=lever, quota_per_day=quota)]
    if scenario.border:
        return list(scenario.border)
    quota = case.border.quota_per_day if case.border.policy == "quota" else None
    return [BorderPolicy(from_day=0, policy=case.border.policy, quota_per_day=quota)]


def rules_for(case: Case, values: dict[str, float]) -> MoveRules:
    """Flee's rules for one member: the case's, the model's spawning, and the member's
    uncertain rule inputs (spawn rate; distance power unless the case fixes it in rules)."""
    rules = {"distance_power": float(values["distance_power"]), **case.rules, **MODEL_RULES}
    return MoveRules(**rules, displaced_per_conflict_day=float(values["spawn_rate"]))


def _agents(x: np.ndarray, scale: int) -> np.ndarray:
    return np.rint(np.asarray(x, dtype=np.float64) / scale).astype(np.int64)


@dataclass(frozen=True)
class MemberInputs:
    network: Network
    drivers: Drivers
    rules: MoveRules
    timeline: Timeline
    people: People
    geography: Geography
    scale: int


def member_inputs(
    case: Case,
    scenario: Scenario,
    values: dict[str, float],
    scale: int,
    border: str | None = None,
    days: int | None = None,
    geo: Geography | None = None,
    state: tuple[np.ndarray, np.ndarray] | None = None,
) -> MemberInputs:
    """Network, drivers and rules for one run (one agent = ``scale`` people).

    ``state`` = (willing people left, people already displaced, people not willing left;
    per place) replaces the case's day-0 split: a case that starts where another run ended
    (the back-test).
    """
    geo = geo or geography(case)
    ppl = people(case, values)
    if state is not None:
        from dataclasses import replace

        willing, residents, unwilling = (np.asarray(x, float) for x in state)
        ppl = replace(ppl, willing=willing, residents=residents, unwilling=unwilling)
    tl = timeline(scenario, geo, border_policies(case, scenario, border), days)
    joining = ground_joiners(tl.intensity, ppl.unwilling, values)
    cap_agents = np.where(ppl.capacity > 0, np.maximum(_agents(ppl.capacity, scale), 1), -1)
    network = Network.build(
        names=list(geo.names),
        kind=[int(FLEE_KIND[k]) for k in geo.kinds],
        country=[case.country_of(p) for p in case.places],
        population=_agents(ppl.willing, scale),
        capacity=cap_agents,
        lat=geo.lat,
        lon=geo.lon,
        roads=list(geo.roads),
        home_country=case.home_country,
    )
    if not (
        np.array_equal(network.link_from, geo.link_from)
        and np.array_equal(network.link_to, geo.link_to)
    ):
        raise RuntimeError("link order of the network and the timeline differ")
    cap = tl.link_capacity.astype(np.float64)  # people a day; -1: no quota; 0: closed
    if tl.crossing is not None and tl.crossing.any():
        # only from the side not held by the government that day (the way across the front)
        from_gov = tl.control[:, geo.link_from] == CONTROL_CODES["government"]
        q = np.where(from_gov, 0.0, crossing_quota(ppl, geo, values)[None, :])
        cap = np.where(tl.crossing, q, cap)
    # quotas in people a day -> agents a day, fractions kept (the engine's quota bucket):
    # the same people pass at any scale
    rated = cap > 0
    rate = np.where(rated, cap / float(scale), 0.0)
    drivers = Drivers(
        conflict=tl.intensity.astype(np.float32),
        conflict_onset=tl.onset.astype(np.int32),
        link_capacity=np.where(rated, np.ceil(rate), cap).astype(np.int64),
        link_rate=rate if rated.any() else None,
        initial_agents=_agents(ppl.residents, scale),
        pool_added=None if joining is None else _agents(joining, scale),
        people_per_agent=int(scale),
    )
    return MemberInputs(
        network=network,
        drivers=drivers,
        rules=rules_for(case, values),
        timeline=tl,
        people=ppl,
        geography=geo,
        scale=int(scale),
    )


#: conflict intensity of ground fighting (``scenario.events.GROUND_INTENSITY`` and the
#: advance phases of the embedded cases); air strikes and shelling are below it
GROUND_LEVEL = 1.0


def ground_joiners(
    intensity: np.ndarray, unwilling: np.ndarray, values: dict[str, float]
) -> np.ndarray | None:
    """People who join the willing, per day and place: float [D, P], or None where no one.

    On the first day the intensity at p reaches GROUND_LEVEL, ``ground_leave_share`` x the
    people at p who were not willing. Why: the REACH intention shares were asked about an
    offensive in general; the towns the 2019 ground offensive reached (Khan Shaykhun, Kafr
    Zita, Latamina...) were reported emptied, which a share of 0.6-0.7 cannot give.
    """
    share = float(values.get("ground_leave_share", 0.0))
    if share <= 0.0:
        return None
    ground = np.asarray(intensity) >= GROUND_LEVEL - 1e-6
    reached = ground.any(axis=0)
    if not reached.any():
        return None
    out = np.zeros(ground.shape, dtype=np.float64)
    places = np.flatnonzero(reached)
    out[ground[:, places].argmax(axis=0), places] = share * np.asarray(unwilling)[places]
    return out


def crossing_quota(ppl: People, geo: Geography, values: dict[str, float]) -> np.ndarray:
    """People a day allowed over each link under a ``share`` corridor: float [L].

    Front crossing (issue 8, part 2) as one calibratable rate: a front road leaving a
    place p not held by the government lets through at most ``front_crossing_rate`` x
    (people living at p on day 0: town population plus camp residents) a day; 0 where
    nobody lives at p (the road is then closed). Why this rule: the 2018-19 figures for
    crossings into government areas (OCHA: 3,075 in May 2019) are small against the people
    near the front, and a rate per person near the front scales with how many could try,
    without a per-road figure that nobody published. The engine's quota bucket
    (``Drivers.link_rate``) turns it into agents a day.
    """
    people_at = ppl.population + ppl.residents
    return float(values.get("front_crossing_rate", 0.0)) * people_at[geo.link_from]


def central_values(case: Case) -> dict[str, float]:
    """Every uncertain input at its central value (midpoint unless the case names one)."""
    return {k: getattr(case.inputs, k).mid for k in type(case.inputs).model_fields}
