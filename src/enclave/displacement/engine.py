"""Run the displacement model: Flee 3.1's rules over flat arrays, one compiled step a day.

The Python loop here does the per-day, per-place work (scores, move chances, spawning,
closures: a few hundred numbers) and hands the per-agent work to :mod:`kernel`.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from dataclasses import dataclass

import numba
import numpy as np

from enclave.displacement import kernel
from enclave.displacement.api import Drivers, SimResult
from enclave.displacement.network import CAMP_KINDS, Network, PlaceKind
from enclave.displacement.routes import RouteTable, enumerate_routes
from enclave.displacement.rules import MoveRules

AGENT_FIELDS = {
    "place": np.int32,  # current place (-1: left the model)
    "link": np.int32,  # link being travelled (-1: at a place)
    "progress": np.float32,  # km travelled along that link
    "recent": np.float32,  # Flee's recent_travel_distance (avoid_short_stints)
    "route": np.int32,  # route being followed (-1: none)
    "pos": np.uint8,  # next hop of that route
    "walked": np.bool_,  # has reached a place since spawning (start_on_foot)
    "decision": np.int32,  # scratch: today's decision from the parallel pass
}
BYTES_PER_AGENT = sum(np.dtype(t).itemsize for t in AGENT_FIELDS.values())


@dataclass
class AgentState:
    """Struct of arrays for every agent; ``n`` are in use, the rest is spare capacity."""

    arrays: dict[str, np.ndarray]
    n: int = 0

    @classmethod
    def empty(cls, capacity: int) -> AgentState:
        capacity = max(int(capacity), 1024)
        arrays = {name: np.zeros(capacity, dtype=t) for name, t in AGENT_FIELDS.items()}
        arrays["link"][:] = -1
        arrays["route"][:] = -1
        return cls(arrays)

    @property
    def capacity(self) -> int:
        return len(self.arrays["place"])

    def add(self, per_place: np.ndarray, rng: np.random.Generator | None = None) -> None:
        """Append ``per_place[p]`` new agents at each place p.

        In place order, or mixed by ``rng`` (Flee's refugee-table spawning draws each
        agent's place in turn, so a day's cohort is interleaved; agents act in stored order,
        and near a full camp the order decides who gets in).
        """
        new = int(per_place.sum())
        if new == 0:
            return
        if self.n + new > self.capacity:
            grown = max(2 * self.capacity, self.n + new)
            for name, arr in self.arrays.items():
                bigger = np.zeros(grown, dtype=arr.dtype)
                bigger[: self.n] = arr[: self.n]
                if name in ("link", "route"):
                    bigger[self.n :] = -1
                self.arrays[name] = bigger
        places = np.repeat(np.arange(len(per_place), dtype=np.int32), per_place)
        if rng is not None:
            rng.shuffle(places)
        self.arrays["place"][self.n : self.n + new] = places
        self.n += new

    @property
    def nbytes(self) -> int:
        return sum(a.nbytes for a in self.arrays.values())


@dataclass(frozen=True)
class PlaceRules:
    """Per-place constants derived once from the network and the rules."""

    is_camp: np.ndarray
    is_idp_camp: np.ndarray
    always_moves: np.ndarray  # forwarding hubs and markers
    town_like: np.ndarray  # towns and conflict-zone kinds (town once the conflict ends)


def place_rules(network: Network) -> PlaceRules:
    kind = network.kind
    return PlaceRules(
        is_camp=np.isin(kind, [int(k) for k in CAMP_KINDS]),
        is_idp_camp=kind == PlaceKind.IDP_CAMP,
        always_moves=np.isin(kind, [PlaceKind.FORWARDING_HUB, PlaceKind.MARKER]),
        town_like=np.isin(kind, [PlaceKind.TOWN, PlaceKind.CONFLICT_ZONE]),
    )


@functools.lru_cache(maxsize=8)
def _decay_steps(steps: tuple[float, ...]) -> np.ndarray:
    """The decay steps as an array, made once (``conflict_decay`` runs twice a day)."""
    out = np.asarray(steps, dtype=np.float64)
    out.flags.writeable = False
    return out


def conflict_decay(rules: MoveRules, day: int, conflict: np.ndarray, onset: np.ndarray):
    """Flee's ``get_location_conflict_decay`` for every place (1 where there is no decay)."""
    if not rules.conflict_spawn_decay:
        return np.ones(len(conflict))
    steps = _decay_steps(tuple(rules.conflict_spawn_decay))
    idx = np.minimum((day - onset) // rules.conflict_spawn_decay_interval, len(steps) - 1)
    return np.where(conflict > 0, steps[np.maximum(idx, 0)], 1.0)


def fixed_place_values(network: Network, places: PlaceRules, rules: MoveRules):
    """The parts of ``daily_place_values`` that no day changes: each place's score before
    conflict and its move chance by type (and override) before conflict. Computed once
    per run: a dozen array operations a day were ~5 % of mali's engine time."""
    score = np.ones(network.n_places)
    score = np.where(network.foreign, score * rules.foreign_weight, score)
    score = np.where(places.is_camp, score * rules.camp_weight, score)
    chance = np.full(network.n_places, rules.default_movechance)
    chance[places.always_moves] = 1.0
    chance[places.is_camp] = rules.camp_movechance
    chance[places.is_idp_camp] = rules.idpcamp_movechance
    override = network.movechance_override
    chance = np.where(np.isnan(override), chance, override)
    return score, chance


def daily_place_values(
    network: Network,
    places: PlaceRules,
    rules: MoveRules,
    day: int,
    conflict,
    onset,
    pop,
    ended: np.ndarray | None = None,
    fixed: tuple[np.ndarray, np.ndarray] | None = None,
):
    """Score, move chance, town flag and spawn weight of every place on ``day``.

    Mirrors ``flee.scoring.updateLocationScore`` (foreign, camp and conflict weights),
    ``flee.Location`` move chances by type (conflict zones first, as ``add_conflict_zone``
    overrides the type's chance), and ``spawning.refresh_spawn_weights`` (population x
    intensity x decay, conflict zones only). ``fixed``: ``fixed_place_values`` of the
    same network, places and rules, if the caller has them.
    """
    in_conflict = conflict > 0
    decay = conflict_decay(rules, day, conflict, onset)
    base_score, base_chance = (
        fixed if fixed is not None else fixed_place_values(network, places, rules)
    )
    score = np.where(in_conflict, base_score * rules.conflict_weight ** (decay * conflict),
                     base_score)  # fmt: skip
    chance = base_chance.copy()
    if ended is not None:
        # Flee's remove_conflict_zone: default move chance and a town, whatever the type
        chance[ended] = rules.default_movechance
    chance[in_conflict] = rules.conflict_movechance
    if rules.movechance_pop_scale_factor != 0.0:
        size = np.maximum(pop, network.capacity).astype(np.float64)
        chance = chance * (size / rules.movechance_pop_base) ** rules.movechance_pop_scale_factor
    spawn_weight = np.where(in_conflict, pop * conflict * decay, 0.0)
    is_town = places.town_like & ~in_conflict
    if ended is not None:
        is_town = is_town | ended
    return score, np.clip(chance, 0.0, 1.0), is_town, spawn_weight


def spawn_counts(
    rules: MoveRules,
    drivers: Drivers,
    day: int,
    conflict,
    spawn_weight,
    pop,
    rng,
    carry: np.ndarray | None = None,
) -> tuple[np.ndarray, int]:
    """How many agents appear at each place today, and how many could not be placed.

    Refugee-table mode (``drivers.new_displaced``): Flee's ``pick_spawn_locations``, i.e.
    a multinomial draw over the spawn weights. Conflict-driven mode: Flee's
    ``spawn_daily_displaced`` (constant, Poisson or population ratio per conflict zone).
    With ``take_from_population`` no place can lose more people than it has.
    ``pop_ratio`` with ``drivers.people_per_agent`` k > 1: ``floor(rate x people x
    intensity)`` people, k per agent, the fraction of an agent kept in ``carry`` (float
    [P], updated in place) for the next day; with k = 1 this is Flee's count exactly.
    """
    n_places = len(conflict)
    unplaced = 0
    if drivers.new_displaced is not None:
        wanted = int(drivers.new_displaced[day])
        total = float(spawn_weight.sum())
        if wanted <= 0:
            counts = np.zeros(n_places, dtype=np.int64)
        elif total <= 0.0:
            counts = np.zeros(n_places, dtype=np.int64)
            unplaced = wanted
        else:
            counts = rng.multinomial(wanted, spawn_weight / total).astype(np.int64)
    elif rules.conflict_driven_spawning:
        rate = rules.displaced_per_conflict_day
        in_conflict = conflict > 0
        if rules.conflict_spawn_mode == "constant":
            counts = np.where(in_conflict, np.floor(rate * conflict), 0)
        elif rules.conflict_spawn_mode == "pop_ratio":
            k = int(drivers.people_per_agent)
            if k <= 1 or carry is None:
                counts = np.where(in_conflict, np.floor(rate * pop * conflict), 0)
            else:
                people = np.where(in_conflict, np.floor(rate * pop * k * conflict), 0.0)
                carry += people / k
                counts = np.floor(carry + 1e-9)
                carry -= counts
        else:
            counts = np.where(in_conflict, rng.poisson(rate * np.maximum(conflict, 0)), 0)
        counts = counts.astype(np.int64)
    else:
        counts = np.zeros(n_places, dtype=np.int64)
    if rules.take_from_population:
        limit = np.where(conflict > 0, pop, np.iinfo(np.int64).max)
        short = np.maximum(counts - limit, 0)
        unplaced += int(short.sum())
        counts = counts - short
        if carry is not None:
            carry[short > 0] = 0.0  # nobody left there to carry a fraction of
    return counts, unplaced


def simulate(
    network: Network,
    drivers: Drivers,
    rules: MoveRules,
    seed: int,
    threads: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> SimResult:
    """Move agents over ``network`` for ``drivers.days`` days under Flee 3.1's rules.

    Same inputs and seed give the same result whatever ``threads`` is: every random draw
    comes from one seeded generator (spawning) or from a counter-based hash keyed by the
    seed, the day, the agent and the draw number (movement).
    """
    _check_shapes(network, drivers)
    if threads is None:
        threads = DEFAULT_THREADS
    warm_up(parallel=int(threads) > 1)
    started = time.perf_counter()
    previous_threads = numba.get_num_threads()
    numba.set_num_threads(max(1, min(int(threads), numba.config.NUMBA_NUM_THREADS)))
    try:
        return _run(network, drivers, rules, seed, progress, started)
    finally:
        numba.set_num_threads(previous_threads)


#: Threads when the caller names none. On 2 threads the decisions, and on days whose order
#: cannot matter the departures and the travel (in parts), run in parallel; each joins
#: once a day or window. The gain is there only with many agents (1 M x 100 days on the
#: scale network: 5.0 s on 1 thread, 3.7 s on 2; the Flee instances run on one thread
#: below 200,000 agents), and 1 thread keeps the warm start short (the parallel kernels
#: are not loaded), so 1 is the default; ``threads=2`` (``--threads 2``) asks for more, and
#: ``ThreadChooser`` keeps it from costing much when another process holds a core.
DEFAULT_THREADS = 1

#: below this many agents per thread a day runs on one thread (the parallel passes' joins
#: cost more than they save). Measured on 2 idle cores (``benchmarks/threads.py --work
#: scale --days 100``): 2 threads took 0.93x the time of 1 at 200,000 agents, 0.77x at
#: 400,000, 0.73x at 1 M; mali (up to 148,000 agents) took 1.03x with 50,000 here. Tests
#: set it to 0 to exercise the parallel passes
MIN_AGENTS_PER_THREAD = 100_000


#: travellers per window of the parallel travel pass (``kernel.travel_in_parts``); tests
#: set it small so that windows of a few agents take the parallel path and its checks
TRAVEL_WINDOW = kernel.WINDOW

#: the longest gap between two probes of the parallel setting while it keeps losing
MAX_PROBE_EVERY = 256
#: a parallel day this many times slower (per agent) than the last one-thread probe day
#: starts a probe (``ThreadChooser``)
SLOWER = 1.25


class ThreadChooser:
    """Runs each day's kernels on all the threads asked for, or on one, whichever was faster
    when last measured, so that more threads are never much slower than one.

    With another process on a core, numba's daily join waits for a descheduled thread (and
    OpenMP's workers spin against the serial passes): 2 threads ran mali 3-6x slower than
    1. A probe times three days in a row: on all threads, on one, and on all again (per
    agent, as the days' numbers of agents differ). One thread wins if its day was faster
    than the mean of the two around it, which cancels a steady trend in the days' work (a
    heavy first day made one thread win the first probe of the scale benchmark, and the
    run kept one thread for 30 days at 1.6x the time a day). The faster setting is kept
    until the next probe, ``probe_every`` days later. Each probe costs two slow days while
    the machine is busy (measured: 2 threads 21 % slower than 1 on mali with the other
    core taken, with two-day probes every 16 days), so while one thread keeps winning the
    gap doubles, up to MAX_PROBE_EVERY days; it goes back to ``probe_every`` once all
    threads win. Between probes, a day on all threads that takes more than SLOWER x the
    last probe's one-thread day (per agent) starts a probe the next day: a core taken
    after a probe that all threads won cost up to ``probe_every`` slow days before (the
    threads benchmark, 1 M agents x 100 days with a core spinning: 2 threads 4.1-4.8 s
    against 3.3-3.8 s on one, in two of four runs). Below ``min_agents_per_thread`` agents
    per thread the parallel pass is not worth its join and one thread is used. The results
    do not depend on the choice (every draw is keyed by seed, day and agent), only the time
    does.
    """

    def __init__(
        self, threads: int, probe_every: int = 16, min_agents_per_thread: int | None = None
    ):
        if min_agents_per_thread is None:
            min_agents_per_thread = MIN_AGENTS_PER_THREAD
        self.threads = threads
        self.probe_every = probe_every
        self.every = probe_every  # the gap now
        self.next_probe = 0
        self.min_agents = min_agents_per_thread * threads
        self.best = threads
        self._timed: dict[int, list[float]] = {}
        self._one_thread = None  # per-agent seconds of the last probe's one-thread day

    def threads_for(self, day: int, n_agents: int) -> int:
        if self.threads <= 1 or n_agents < self.min_agents:
            return 1
        offset = day - self.next_probe
        if offset in (0, 2):
            return self.threads
        if offset == 1:
            return 1
        return self.best

    def record(self, day: int, threads: int, seconds: float, n_agents: int = 1) -> None:
        offset = day - self.next_probe
        per_agent = seconds / max(n_agents, 1)
        if offset not in (0, 1, 2):
            slow = self._one_thread is not None and per_agent > SLOWER * self._one_thread
            if threads > 1 and slow:
                self.next_probe, self.every = day + 1, self.probe_every
            return
        if offset == 0:
            self._timed = {}
        self._timed.setdefault(threads, []).append(per_agent)
        if offset < 2:
            return
        if len(self._timed) == 2:
            one = self._one_thread = self._timed[1][0]
            many = float(np.mean(self._timed[self.threads]))
            self.best = 1 if one < many else self.threads
            if self.best > 1:
                self.every = self.probe_every
            else:
                self.every = min(2 * self.every, MAX_PROBE_EVERY)
        self._timed = {}
        self.next_probe += self.every


_WARM: set[bool] = set()
#: entries of padding after each row of ``kernel.Parts``' per-part arrays (>= 128 bytes)
ROW_PAD = 128


def warm_up(parallel: bool = False) -> float:
    """Compile (or load from numba's cache) the one-thread kernel, and with ``parallel``
    the parallel pair too, on a tiny run; returns seconds.

    Called before a run's clock starts, so ``SimResult.seconds`` is engine time; the
    start-up a user waits for is reported separately by the benchmarks. A run on one
    thread (the default) never loads the parallel pair.
    """
    if parallel in _WARM:
        return 0.0
    _WARM.add(parallel)
    started = time.perf_counter()
    kernel.init_numba_target()
    network = Network.build(
        ["a", "b", "c"],
        [1, 0, 2],
        ["x", "x", "y"],
        [10, 10, 0],
        [-1, -1, 5],
        [0, 0, 0],
        [0, 0, 0],
        [(0, 1, 5.0), (1, 2, 5.0)],
    )
    days = 2
    drivers = Drivers(
        conflict=np.tile(np.array([1.0, 0.0, 0.0], dtype=np.float32), (days, 1)),
        conflict_onset=np.zeros((days, 3), dtype=np.int32),
        link_capacity=np.full((days, network.n_links), -1, dtype=np.int64),
        initial_agents=np.zeros(3, dtype=np.int64),
        new_displaced=np.full(days, 5, dtype=np.int64),
    )
    # day 0 on the one-thread kernel, day 1 (with ``parallel``) on the parallel pair
    _run(network, drivers, MoveRules(avoid_short_stints=True), 0, None, started, parallel)
    if parallel:  # and a day with a quota: pass 1 in chunks, the rest in agent order
        drivers.link_capacity[:] = 1
        _run(network, drivers, MoveRules(avoid_short_stints=True), 0, None, started, True)
    return time.perf_counter() - started


#: days the travel pass runs in agent order after a day on which most of its windows in
#: parts were travelled twice, before it tries the parts again
IN_ORDER_DAYS = 16
#: how far from 0.5 a camp's capacity multiplier must be for a check to count as clear
#: (the kernels compute it in their own order of operations)
MARGIN = 1e-9


def _cap_multiplier(count: np.ndarray, cap: np.ndarray, buffer: float) -> np.ndarray:
    """``kernel.cap_multiplier`` over arrays (capacities >= 1)."""
    count, cap = count.astype(np.float64), cap.astype(np.float64)
    with np.errstate(all="ignore"):
        return np.where(
            count <= buffer * cap,
            1.0,
            np.where(count >= cap, 0.0, 1.0 - (count - buffer * cap) / (cap * (1.0 - buffer))),
        )


def _departures_order_free(counts, capacity, capped_camp, link_quota, rules) -> bool:
    """Whether today's departures may run in parallel and give the ordered pass's bytes:
    no link has a daily quota (whose places go in agent order) and no camp is nearly full
    (capacity multiplier < 0.5) at the start of the day. Counts only fall during the
    departures, so then every camp check gives what it gives at the start: the checks
    hold whoever leaves (``_camp_checks_hold`` with every agent a mover). Errs on the
    side of the ordered pass (a margin on the multiplier)."""
    if link_quota.any():
        return False
    return _camp_checks_hold(counts, counts, capacity, capped_camp, rules)  # all may leave


def _camp_checks_hold(counts, movers, capacity, capped_camp, rules) -> bool:
    """Whether every check of a camp's fullness in today's departures gives the same
    answer in any order: for each camp with a capacity, the multiplier is clear of 0.5 on
    the same side at the start-of-day count and at that count less every mover there (an
    agent sees a count in between, as counts only fall in this pass, by departures).

    Why: on the published instances with full camps (car, ssudan, burundi, mali) 75-100 %
    of days have a camp nearly full, and the departures ran in agent order on them; a
    camp's few movers (move chance 0.001) almost never take it across."""
    if not capped_camp.any():
        return True
    cap, count = capacity[capped_camp], counts[capped_camp]
    buffer = rules.capacity_buffer
    full_now = _cap_multiplier(count, cap, buffer)
    full_after = _cap_multiplier(count - movers[capped_camp], cap, buffer)  # >= full_now
    clear_open = full_now >= 0.5 + MARGIN
    clear_full = full_after < 0.5 - MARGIN
    return bool((clear_open | clear_full).all())


def capacity_bits(capacity: np.ndarray, routes: RouteTable) -> tuple[np.ndarray, np.ndarray]:
    """Each place's bit in the masks of touched places (``kernel.Places.bit``): the places
    with a capacity take bits 0-63 in turn (more share them: a mask then names a superset,
    which only sends more travellers to the second travel), others 0; and the OR of the
    bits of the ends of each place's routes (``live_bits``)."""
    has = capacity >= 1
    rank = np.cumsum(has) - 1
    bit = np.where(has, np.left_shift(np.uint64(1), (rank % 64).astype(np.uint64)), 0)
    bit = bit.astype(np.uint64)
    live_bits = np.zeros(len(capacity), dtype=np.uint64)
    for p in range(len(capacity)):
        ends = routes.end[routes.offsets[p] : routes.offsets[p + 1]]
        if len(ends):
            live_bits[p] = np.bitwise_or.reduce(bit[ends])
    return bit, live_bits


def quota_bucket(tokens: np.ndarray, rate: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One day of the fractional link quotas (``Drivers.link_rate``): the bucket of each
    link with a rate > 0 fills by its rate, up to ``ceil(rate)`` agents (at least 1: room
    for the fraction a binding quota carries to the next day); returns the new tokens and
    the whole agents that may enter today (0: none today; the link is not closed, so
    nobody on it is sent back). Links without a rate get no tokens. The caller takes out
    one token per agent that entered.

    Why a bucket: a road that may carry 0.2 agents a day must pass one agent about every
    fifth day when people queue for it (the quota binds), and stay open when few come
    (it does not bind), at any number of people an agent stands for; the cap keeps unused
    quota from piling up into a later burst."""
    on = rate > 0
    tokens = np.where(on, np.minimum(tokens + rate, np.maximum(np.ceil(rate), 1.0)), 0.0)
    return tokens, np.floor(tokens + 1e-9).astype(np.int64)


def _check_shapes(network: Network, drivers: Drivers) -> None:
    days, n_places, n_links = drivers.days, network.n_places, network.n_links
    expected = {
        "conflict": (days, n_places),
        "conflict_onset": (days, n_places),
        "link_capacity": (days, n_links),
        "initial_agents": (n_places,),
    }
    for name, shape in expected.items():
        if getattr(drivers, name).shape != shape:
            raise ValueError(
                f"drivers.{name} has shape {getattr(drivers, name).shape}, not {shape}"
            )
    if drivers.link_rate is not None and drivers.link_rate.shape != (days, n_links):
        raise ValueError(f"drivers.link_rate must have shape ({days}, {n_links})")
    if drivers.new_displaced is not None and drivers.new_displaced.shape != (days,):
        raise ValueError(f"drivers.new_displaced must have shape ({days},)")
    if int(drivers.people_per_agent) < 1:
        raise ValueError("drivers.people_per_agent must be at least 1")
    if drivers.pool_added is not None:
        if drivers.pool_added.shape != (days, n_places):
            raise ValueError(f"drivers.pool_added must have shape ({days}, {n_places})")
        if (drivers.pool_added < 0).any():
            raise ValueError("drivers.pool_added must not be negative")


def _run(network, drivers, rules, seed, progress, started, both=False) -> SimResult:
    days, n_places, n_links = drivers.days, network.n_places, network.n_links
    threads_asked = numba.get_num_threads()
    routes: RouteTable = enumerate_routes(network, rules.awareness_level)
    places = place_rules(network)
    rng = np.random.default_rng(np.random.SeedSequence(seed))
    pop = network.population.astype(np.int64).copy()
    capacity = network.capacity.astype(np.int64)
    expected = int(drivers.initial_agents.sum())
    if drivers.new_displaced is not None:
        expected += int(np.maximum(drivers.new_displaced, 0).sum())
    state = AgentState.empty(expected)
    counts = np.zeros(n_places, dtype=np.int64)
    state.add(drivers.initial_agents.astype(np.int64))
    n_initial = state.n
    counts += drivers.initial_agents.astype(np.int64)

    occupancy = np.zeros((days, n_places), dtype=np.int64)
    arrivals = np.zeros((days, n_places), dtype=np.int64)
    link_entries = np.zeros((days, n_links), dtype=np.int64)
    tokens = np.zeros(n_links)  # fractional link quotas (Drivers.link_rate)
    carry = np.zeros(n_places)  # fractions of an agent spawned (Drivers.people_per_agent)
    initial_departures = np.zeros((days, n_places), dtype=np.int64)
    on_links = np.zeros(days, dtype=np.int64)
    spawned = np.zeros(days, dtype=np.int64)
    removed = np.zeros(days, dtype=np.int64)
    unplaced = np.zeros(days, dtype=np.int64)
    if days:
        spawned[0] = state.n
    cdf = np.zeros(len(routes.end))
    totals = np.zeros(n_places)
    route_base = np.zeros(len(routes.end))
    route_open = np.zeros(len(routes.end), dtype=np.bool_)
    n_chunks = 8  # of the parallel departures (any number gives the same bytes)
    n_blocks = n_chunks * kernel.BLOCKS_PER_CHUNK
    chunks = kernel.Chunks(
        lo=np.zeros(n_blocks, dtype=np.int64),
        n=np.zeros(n_blocks, dtype=np.int64),
        on_road=np.zeros(n_chunks, dtype=np.int64),
        counts=np.zeros((n_chunks, n_places), dtype=np.int64),
        link_entries=np.zeros((n_chunks, n_links), dtype=np.int64),
        initial_departures=np.zeros((n_chunks, n_places), dtype=np.int64),
        movers=np.zeros((n_chunks, n_places), dtype=np.int64),
    )
    in_order_until = 0  # the first day to try the travel pass in parts again
    spare = TRAVEL_WINDOW if threads_asked > 1 else 1  # travel_in_parts' copy of a window
    # one row per part, each written by its own thread on every hop: rows padded apart so
    # that no cache line holds two (with 100 places, the two rows of a bool array shared
    # lines, and the threads' writes bounced them between the cores)
    rows = max(threads_asked, 1) + 2  # and the rows of the moves undone and redone
    row_places, row_links = n_places + ROW_PAD, n_links + ROW_PAD
    parts = kernel.Parts(
        counts=np.zeros((rows, row_places), dtype=np.int64),
        arrivals=np.zeros((rows, row_places), dtype=np.int64),
        link_entries=np.zeros((rows, row_links), dtype=np.int64),
        sent_back=np.zeros((rows, row_places), dtype=np.int64),
        on_road=np.zeros(rows, dtype=np.int64),
        start=np.zeros(n_places, dtype=np.int64),
        upper=np.zeros(n_places, dtype=np.int64),
        room=np.zeros(n_places, dtype=np.float64),
        doubt=np.zeros(n_places, dtype=np.uint8),
        touched=np.zeros(spare, dtype=np.uint64),
        fragile=np.zeros(spare, dtype=np.bool_),
        place=np.zeros(spare, dtype=np.int32),
        link=np.zeros(spare, dtype=np.int32),
        progress=np.zeros(spare, dtype=np.float32),
        recent=np.zeros(spare, dtype=np.float32),
        route=np.zeros(spare, dtype=np.int32),
        pos=np.zeros(spare, dtype=np.uint8),
        walked=np.zeros(spare, dtype=np.bool_),
    )
    capped_camp = places.is_camp & (capacity >= 1)
    move_threshold = np.zeros(n_places, dtype=np.uint64)
    move_rules = kernel.Rules(
        capacity_buffer=float(rules.capacity_buffer),
        softening=float(rules.softening),
        weight_softening=float(rules.weight_softening),
        distance_power=float(rules.distance_power),
        weight_power=float(rules.weight_power),
        equal_choice=bool(rules.awareness_level == 0),
        max_move_speed=float(rules.max_move_speed),
        max_walk_speed=float(rules.max_walk_speed),
        start_on_foot=bool(rules.start_on_foot),
        avoid_short_stints=bool(rules.avoid_short_stints),
        camps_are_sinks=bool(rules.camps_are_sinks),
    )
    deactivation = network.deactivation_probability.astype(np.float64)
    seed_key = np.uint64(seed % (1 << 64))
    agent_steps = 0
    removed_so_far = 0
    # places whose route weights change with live counts (a route ends at a place with a
    # capacity: its bit is among the route ends'); elsewhere the day's cumulative weights
    # serve every draw
    place_bit, live_bits = capacity_bits(capacity, routes)
    place_live = live_bits != 0
    # places as unsigned numbers where no -1 can occur (a link's ends, a route's end): numba
    # indexes with an unsigned number without the test and add that a signed one needs for
    # Python's negative indices (measured: mali 6-8 %, the scale run 12 % faster)
    links = kernel.Links(
        network.link_from.astype(np.uint32),
        network.link_to.astype(np.uint32),
        network.link_km,
        network.link_speed,
    )
    # a link's speed, or max_move_speed where it names none (NaN)
    link_speed = np.where(
        np.isnan(network.link_speed), float(rules.max_move_speed), network.link_speed
    ).astype(np.float64)
    route_table = kernel.Routes(
        routes.offsets, routes.end.astype(np.uint32), routes.km, routes.links, routes.length
    )
    fixed_places = kernel.Places(
        capacity, places.is_camp, deactivation, place_live, place_bit, live_bits
    )
    chooser = ThreadChooser(threads_asked)
    threads_now = threads_asked
    fixed_values = fixed_place_values(network, places, rules)
    was_in_conflict = np.zeros(n_places, dtype=np.bool_)
    ended = np.zeros(n_places, dtype=np.bool_)  # conflict zones whose conflict has ended
    for day in range(days):
        conflict = drivers.conflict[day].astype(np.float64)
        onset = drivers.conflict_onset[day].astype(np.int64)
        in_conflict = conflict > 0
        ended = (ended | (was_in_conflict & ~in_conflict)) & ~in_conflict
        if drivers.pool_added is not None:
            pop += drivers.pool_added[day]
        score, chance, is_town, spawn_weight = daily_place_values(
            network, places, rules, day, conflict, onset, pop, ended, fixed_values
        )
        if rules.conflict_spawn_decay and day > 0 and (in_conflict == was_in_conflict).all():
            # Flee spawns with the weights last refreshed on the previous day (its decay),
            # unless a conflict zone was added or removed today (which refreshes them)
            lagged = conflict_decay(rules, day - 1, conflict, onset)
            spawn_weight = np.where(in_conflict, pop * conflict * lagged, 0.0)
        was_in_conflict = in_conflict
        new, lost = spawn_counts(rules, drivers, day, conflict, spawn_weight, pop, rng, carry)
        if rules.take_from_population:
            pop -= np.where(conflict > 0, new, 0)
        # table mode: Flee picks each new agent's place in turn (mixed); conflict-driven
        # mode: Flee adds them place after place (grouped), as day-0 camp stocks
        state.add(new, rng if drivers.new_displaced is not None else None)
        counts += new
        spawned[day] += int(new.sum())
        unplaced[day] = lost

        link_left = drivers.link_capacity[day].astype(np.int64)  # a copy
        link_closed = link_left == 0
        link_quota = link_left > 0
        rated = None
        if drivers.link_rate is not None:
            rated = drivers.link_rate[day] > 0
            tokens, whole = quota_bucket(tokens, drivers.link_rate[day])
            link_left[rated] = whole[rated]
            # a quota with no whole agent today is used up, not a closure: nobody on the
            # road is sent back, and whoever draws it chooses again (QUOTA_USED)
            link_closed &= ~rated
            link_quota |= rated
        today = kernel.Today(
            counts=counts,
            arrivals=arrivals[day],
            link_entries=link_entries[day],
            link_left=link_left,
            link_closed=link_closed,
            movechance=chance,
            move_threshold=move_threshold,
            is_town=is_town,
            route_base=route_base,
            route_open=route_open,
            cdf=cdf,
            totals=totals,
            initial_departures=initial_departures[day],
            link_speed=link_speed,
            link_quota=link_quota,
            link_full=np.zeros(n_links, dtype=np.bool_),
        )
        a = state.arrays
        agents = kernel.Agents(
            a["place"],
            a["link"],
            a["progress"],
            a["recent"],
            a["route"],
            a["pos"],
            a["walked"],
            a["decision"],
        )
        use = chooser.threads_for(day, state.n)
        if use != threads_now:  # (numba.get_num_threads costs ~10 us a call: not daily)
            numba.set_num_threads(use)
            threads_now = use
        kernel_started = time.perf_counter()
        world = (agents, links, route_table, fixed_places, today, move_rules)
        if use == 1 and not (both and day % 2):  # decide fused into the departures
            on_roads, gone = kernel.step_day(
                state.n, seed_key, day, score, *world, n_initial, chunks, parts
            )
        else:
            kernel.prepare_day(route_table, fixed_places, score, today, move_rules)
            day_key = np.uint64(kernel.day_key_of(seed_key, day))
            chunked = _departures_order_free(counts, capacity, capped_camp, link_quota, rules)
            args = (state.n, day_key, *world, n_initial, chunks)
            if chunked:  # passes 1 and 2 in one sweep, in chunks on all threads
                stay = kernel.depart_chunks(*args, kernel.LIST_AND_DEPART)
            else:  # pass 1 in chunks; pass 2 too if the movers cannot change a camp check
                on_road_all_day = kernel.depart_chunks(*args, kernel.LIST)
                chunked = not link_quota.any() and _camp_checks_hold(
                    counts, chunks.movers.sum(axis=0), capacity, capped_camp, rules
                )
                if chunked:
                    stay = kernel.depart_chunks(*args, kernel.DEPART)
                else:
                    on_roads, gone = kernel.listed_day(
                        state.n, day_key, *world, n_initial, chunks, parts, on_road_all_day
                    )
            if chunked:  # pass 3 on all threads, with the bytes of agent order
                in_order = day < in_order_until
                on_parts, windows, _again, reordered = kernel.travel_in_parts(
                    day_key, *world, chunks, parts, in_order
                )
                if 2 * reordered > windows > 0:  # most windows travelled twice: in order
                    in_order_until = day + IN_ORDER_DAYS
                on_roads = stay + on_parts
                gone = kernel.remove_settled(
                    state.n, day_key, agents, fixed_places, today, move_rules
                )
        chooser.record(day, use, time.perf_counter() - kernel_started, state.n)
        if rated is not None:
            tokens[rated] -= link_entries[day][rated]
        occupancy[day] = counts
        on_links[day] = on_roads
        removed[day] = gone
        removed_so_far += gone
        agent_steps += state.n - removed_so_far  # agents alive today, camps included
        if progress is not None:
            progress(day)
    return SimResult(
        occupancy=occupancy,
        arrivals=arrivals,
        link_entries=link_entries,
        on_links=on_links,
        spawned=spawned,
        removed=removed,
        unplaced=unplaced,
        initial_departures=initial_departures,
        agent_steps=agent_steps,
        seconds=time.perf_counter() - started,
        seed=int(seed),
    )
