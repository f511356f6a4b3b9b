"""The compiled daily step (numba), over struct-of-arrays agent state.

One day follows Flee 3.1's ``Ecosystem.evolve``:

1. *Decide* (``Person.evolve`` for every agent at a place, ``list_movers``): draw against
   the move chance of the agent's place; a mover without a route picks one by Flee's
   weights (``route_today``), with the counts at the start of the day (in Flee only
   departures change counts during this pass). Every draw is a counter-based hash of
   (seed, day, agent, draw number), so no result depends on which thread draws it. An
   agent that stays on its road all day moves along it here (``stays_on_road``): that
   touches only its own state.
2. *Depart*, in agent order (``Person.take_next_step``, ``next_link``): the next link of
   the route must be open (and under its daily quota), and a route to a camp that is
   nearly full (capacity multiplier < 0.5) is dropped, with live counts. Where a link's
   quota (an Enclave extension; Flee has none) runs out, its routes close for the rest of
   the day and the agent chooses again among the open ones (``retry_route``).
3. *Travel*, in agent order (``Person.finish_travel``): each agent that set off today or
   reaches the end of its road advances by its day's speed; one that reaches the end of
   its link and has moved less than its speed today may move on at once (``evolveMore``),
   with live counts (``pick_route``), hop after hop.
4. Camps as sinks. The recent-travel average (``avoid_short_stints``) is updated in
   pass 1 for those who stay and in passes 2-3 for those who try to move.

On one thread ``step_day`` does a whole day in one call (``prepare_day``; pass 1's move
draws in a loop of their own that lists the movers, whose routes are chosen as they set
off in pass 2: identical, since a decision reads only the agent's own state and the
start-of-day weights). On more, on a day whose departures cannot depend on their order
(no daily quota, no camp nearly full), ``depart_chunks`` runs passes 1 and 2, fused, in
chunks on all threads, and ``travel_in_parts`` pass 3 in parts on all threads, from each
window's start counts, travelling again in agent order the few travellers with a read
that another count in agent order could have changed. On other days ``depart_chunks``
runs pass 1 alone on all threads, counting the movers at each place; where no daily
quota is open and no nearly full camp could be taken across the capacity multiplier of
0.5 by its movers leaving, ``depart_chunks`` then runs pass 2 in chunks and
``travel_in_parts`` pass 3; otherwise ``listed_day`` runs passes 2-4 in agent order. All
give the same bytes.

The state crosses from ``engine`` into the kernels as a few named tuples: ``Agents`` (one
array per agent field), ``Links``, ``Routes`` and ``Places`` (the fixed network), ``Today``
(the day's counts, quotas and weights) and ``Rules`` (Flee's settings, named scalars).
The kernels allocate nothing and compile without numba's reference counting
(``_nrt=False``): with it, every helper call that takes arrays cost atomic
increments and decrements per array (perf: ~19 % of mali's time), so the rules could not
live in one small function each. Arrays are unpacked once, at a kernel's top.
"""

from __future__ import annotations

import sys
from collections import namedtuple

import numba as nb
import numpy as np

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
NO_ROUTE = -1
# an agent sent back from a closed link keeps, in Flee, the rest of a route that does not
# start where it now stands; its next move attempt finds no link to the route's next place,
# drops the route and does not move that day (Person.take_next_step)
STALE_ROUTE = -3
# how ``_day`` finds pass 1 done: in chunks, by ``depart_chunks`` (LISTED), or by itself (FUSED)
LISTED, FUSED = 0, 1
# what ``next_link`` returns for a route whose next link does not start where the agent
# stands (bug 2 of issue 9); every departure is checked
LINK_ELSEWHERE = -9
ELSEWHERE = "departure along a link that starts elsewhere"
# what ``next_link`` returns where the next link is open today but its quota is used up
QUOTA_USED = -8

# draw numbers (the "k" of the counter-based generator; 256 per agent and day)
K_MOVE = 0
K_ROUTE = 1
K_SINK = 2
K_TRAVEL = 3  # travel draws use K_TRAVEL + 2 * hop (+1), hop <= 100: up to 205
K_RETRY_TRAVEL = 206  # + min(hop, 48): the new route after a used-up quota, on the way
K_RETRY = 255  # the new route after a used-up quota, at departure

#: one array per agent field (see ``engine.AgentState``)
Agents = namedtuple("Agents", "place link progress recent route pos walked decision")
#: the links: start place, end place (uint32), km, speed (NaN: ``max_move_speed``)
Links = namedtuple("Links", "origin end km speed")
#: the route table (``routes.RouteTable``): per-place offsets, end place (uint32), km, links,
#: length
Routes = namedtuple("Routes", "offsets end km links length")
#: fixed per-place values; ``live``: a route from here ends at a place with a capacity,
#: so its weights change with live counts; ``bit``: the place's bit in a mask of places
#: with a capacity (0 for a place without one; ``travel_in_parts``), ``live_bits``: the
#: bits of the ends of its routes with a capacity (whose counts a choice here reads)
Places = namedtuple("Places", "capacity is_camp deactivation live bit live_bits")
#: the day's per-place and per-link state and weights
Today = namedtuple(
    "Today",
    "counts arrivals link_entries link_left link_closed movechance move_threshold is_town "
    "route_base route_open cdf totals initial_departures link_speed link_quota link_full",
)
#: scratch of the parallel passes 1 and 2. Per block of agents: its first agent and the
#: length of its list (``lo``, ``n``); per chunk (the unit of work of a thread, a set of
#: blocks: ``BLOCKS_PER_CHUNK``): the agents that stayed on their road, its changes to the
#: counts, link entries and day-0 departures, and its movers at each place
Chunks = namedtuple("Chunks", "lo n on_road counts link_entries initial_departures movers")
#: blocks per chunk: chunk c of n takes blocks c, c + n, c + 2n, ... spread over the agents.
#: Why: the agents added last move most (on ssudan the last eighth of the agents held 4 to
#: 20 times the travellers of the first), so chunks of consecutive agents left one thread
#: with most of the departures (2 threads ran them 1.2x faster than 1, not 2x)
BLOCKS_PER_CHUNK = 8
#: scratch of the travel pass in parts (``travel_in_parts``): one row per part (the
#: part's changes to the counts, its arrivals, link entries and agents sent back) and two
#: more (the moves undone, and those of the travellers travelled again in agent order);
#: per place, the counts at the start of a window (``start``), a bound on them during it
#: (``upper``), the arrivals a window may bring per traveller (``room``) and whether a
#: read there may go otherwise between the two (``doubt``); per traveller
#: of a window, the places whose counts it read (``touched``, a mask of ``Places.bit``),
#: whether a read may have gone otherwise in agent order (``fragile``) and a copy of its
#: state
Parts = namedtuple(
    "Parts",
    "counts arrivals link_entries sent_back on_road start upper room doubt touched fragile "
    "place link progress recent route pos walked",
)
#: Flee's move settings; ``equal_choice``: awareness 0, every open route weighs the same
Rules = namedtuple(
    "Rules",
    "capacity_buffer softening weight_softening distance_power weight_power equal_choice "
    "max_move_speed max_walk_speed start_on_foot avoid_short_stints camps_are_sinks",
)


class _WithoutScipyLinalg:
    """An import hook that refuses ``scipy.linalg`` (see ``init_numba_target``)."""

    def find_spec(self, name, path=None, target=None):
        if name == "scipy.linalg" or name.startswith("scipy.linalg."):
            raise ImportError("not needed by Enclave's kernels (kernel.init_numba_target)")
        return None


def init_numba_target() -> None:
    """Initialise numba's CPU target, as the first call of a kernel would, without
    importing ``scipy.linalg``.

    Why: numba's target initialisation imports ``scipy.linalg`` (0.24 s of a 0.43 s
    initialisation, measured by ``benchmarks/startup.py``) only to find BLAS for
    ``np.dot`` and ``np.linalg`` in compiled code; these kernels use neither. Where
    ``scipy.linalg`` is already loaded, nothing is refused. Other numba code in the same
    process still gets BLAS: numba loads it when it compiles a matrix product (tested),
    and only a product of two vectors compiles to a plain loop.
    """
    from numba.core.registry import cpu_target

    hook = None
    if "scipy.linalg" not in sys.modules:
        hook = _WithoutScipyLinalg()
        sys.meta_path.insert(0, hook)
    try:
        cpu_target.target_context.refresh()
    finally:
        if hook is not None:
            sys.meta_path.remove(hook)


@nb.njit(inline="always", cache=True)
def mix64(z: np.uint64) -> np.uint64:
    """SplitMix64's finaliser: a bijective 64-bit hash with good avalanche."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@nb.njit(inline="always", cache=True)
def draw_bits(day_key: np.uint64, agent: np.int64, k: np.int64) -> np.uint64:
    """53 random bits for (day, agent, draw k): SplitMix64 over a unique counter."""
    counter = np.uint64(agent) * np.uint64(256) + np.uint64(k)
    return mix64(day_key + GOLDEN * (counter + np.uint64(1))) >> np.uint64(11)


@nb.njit(inline="always", cache=True)
def uniform(day_key: np.uint64, agent: np.int64, k: np.int64) -> float:
    """U[0, 1) for (day, agent, draw k): ``draw_bits / 2**53``."""
    return float(draw_bits(day_key, agent, k)) * (1.0 / 9007199254740992.0)


#: ``draw_bits < chance_threshold(p)`` is exactly ``uniform < p`` (both sides scaled by
#: 2**53, which is exact): the move draw compares integers; p = 1 gives this threshold,
#: above every 53-bit draw
ALWAYS = np.uint64(1 << 53)


def chance_threshold(chance: np.ndarray) -> np.ndarray:
    """``ceil(p * 2**53)`` as uint64, for move chances p in [0, 1]."""
    return np.ceil(np.asarray(chance, dtype=np.float64) * float(1 << 53)).astype(np.uint64)


@nb.njit(inline="always", cache=True)
def draw_below(day_key: np.uint64, agent: np.int64, k: np.int64, threshold: np.uint64):
    """``uniform(day_key, agent, k) < p`` for ``threshold = chance_threshold(p)``.

    Without a shortcut for p = 0 or 1 (threshold 0, or 2**53 and above): the comparison
    gives their answers, and the one branch left, on the outcome, is the caller's. The
    shortcuts' branches were mispredicted wherever agents at places of different move
    chances alternate (measured on the hop and the move-draw loop: 5 % of mali)."""
    return draw_bits(day_key, agent, k) < threshold


@nb.njit(cache=True)
def day_key_of(seed: np.uint64, day: np.int64) -> np.uint64:
    return mix64(mix64(seed) ^ (GOLDEN * np.uint64(day + 1)))


@nb.njit(inline="always", cache=True)
def cap_multiplier(count: np.int64, capacity: np.int64, buffer: float) -> float:
    """Flee's ``moving.getCapMultiplier``: 1 below buffer*capacity, 0 at capacity."""
    if capacity < 1:
        return 1.0
    if count <= buffer * capacity:
        return 1.0
    if count >= capacity:
        return 0.0
    return 1.0 - (count - buffer * capacity) / (capacity * (1.0 - buffer))


@nb.njit(inline="always", cache=True)
def live_weight(base: float, count: np.int64, capacity: np.int64, buffer: float, wpow: float):
    """A route's weight now: its day's base weight times the capacity multiplier of its
    end place, raised to ``weight_power`` (the rest of Flee's ``calculateLinkWeight``)."""
    w = base * cap_multiplier(count, capacity, buffer)
    if wpow != 1.0:
        w = w**wpow
    return w


@nb.njit(cache=True, _nrt=False)
def prepare_day(routes, places, score, today, rules):
    """The day's per-route and per-place values, in one call: which routes are open (every
    link along them open), the move-draw thresholds, the routes' base weights and the
    places' cumulative weights (``base_weights``, ``build_place_cdf``)."""
    route_links, route_open, link_closed = routes.links, today.route_open, today.link_closed
    for r in range(route_links.shape[0]):
        ok = True
        for h in range(route_links.shape[1]):
            link = route_links[r, h]
            if link >= 0 and link_closed[link]:
                ok = False
        route_open[r] = ok
    movechance, move_threshold = today.movechance, today.move_threshold
    for p in range(len(movechance)):
        move_threshold[p] = np.uint64(np.ceil(movechance[p] * 9007199254740992.0))
    base_weights(routes, score, today, rules)
    build_place_cdf(routes, places, today, rules)


@nb.njit(cache=True, _nrt=False)
def base_weights(routes, score, today, rules):
    """Each route's distance-and-score weight for the day (0 for a closed route).

    ``route_base[r] = (weight_softening + score[end]) / (softening + km) ** distance_power``
    (Flee's ``calculateLinkWeight`` before the capacity multiplier and ``weight_power``).
    """
    route_end, route_km = routes.end, routes.km
    route_open, route_base = today.route_open, today.route_base
    softening, wsoft, dpow = rules.softening, rules.weight_softening, rules.distance_power
    for r in range(len(route_end)):
        if route_open[r]:
            route_base[r] = (wsoft + score[route_end[r]]) / (softening + route_km[r]) ** dpow
        else:
            route_base[r] = 0.0


@nb.njit(cache=True, _nrt=False)
def build_place_cdf(routes, places, today, rules):
    """Cumulative route weights per place from the start-of-day counts (for pass 1).

    ``cdf[r]`` is the running total within the place's routes, ``totals[p]`` the place's
    total. Where every open route weighs 0, open routes count 1 each (Flee's
    ``normalizeWeights`` gives them equal chances); no open route leaves a total of 0.
    """
    route_offsets, route_end = routes.offsets, routes.end
    route_base, route_open, counts = today.route_base, today.route_open, today.counts
    cdf, totals, capacity = today.cdf, today.totals, places.capacity
    buffer, wpow = rules.capacity_buffer, rules.weight_power
    uniform_choice = rules.equal_choice
    for p in range(len(route_offsets) - 1):
        lo, hi = route_offsets[p], route_offsets[p + 1]
        acc = 0.0
        for r in range(lo, hi):
            if route_open[r] and not uniform_choice:
                end = route_end[r]
                acc += live_weight(route_base[r], counts[end], capacity[end], buffer, wpow)
            cdf[r] = acc
        if acc <= 0.0:
            for r in range(lo, hi):
                if route_open[r]:
                    acc += 1.0
                cdf[r] = acc
        totals[p] = acc


# Each Flee rule the hot loops need is one small function below (route choice, the next
# step of a route, the move-on draw); they take arrays and are inlined by LLVM (measured:
# no cost against the same code written out in the loop).


#: up to this many routes, ``pick_day_route`` counts instead of bisecting (no branch to
#: mispredict; the same route, as the running totals never fall)
SHORT_LIST = 8


@nb.njit(inline="always", cache=True)
def pick_day_route(u, lo, hi, cdf, total):
    """The route among ``lo:hi`` that ``u`` picks by the day's cumulative weights ``cdf``
    (``total``: the place's total), by binary search; NO_ROUTE where the total is 0."""
    if total <= 0.0:
        return NO_ROUTE
    target = u * total
    if hi - lo <= SHORT_LIST:  # count the running totals at or below the target
        a = lo
        for m in range(lo, hi - 1):
            a += 1 if cdf[m] <= target else 0
        return a
    a, b = lo, hi - 1
    while a < b:  # first route whose running total exceeds the target
        m = (a + b) // 2
        if cdf[m] > target:
            b = m
        else:
            a = m + 1
    return a


@nb.njit(inline="always", cache=True)
def pick_route(
    u,
    lo,
    hi,
    live,
    route_open,
    route_base,
    route_end,
    counts,
    capacity,
    cdf,
    total,
    buffer,
    wpow,
    equal_choice,
):
    """Flee's ``selectRoute``: the route among ``lo:hi`` (one place's routes) that ``u``
    picks, by the day's weights, or NO_ROUTE where none is open.

    ``live``: weigh with the live counts (a route from here ends at a place with a
    capacity); otherwise the day's cumulative weights ``cdf`` (total ``total``) hold and
    the pick is a binary search. Where every open route weighs 0, open routes weigh 1 each
    (Flee's ``normalizeWeights``).
    """
    if live:
        total = 0.0
        for q in range(lo, hi):
            if route_open[q] and not equal_choice:
                end = route_end[q]
                total += live_weight(route_base[q], counts[end], capacity[end], buffer, wpow)
        equal = total <= 0.0
        if equal:
            for q in range(lo, hi):
                if route_open[q]:
                    total += 1.0
        target = u * total
        acc = 0.0
        for q in range(lo, hi):
            if route_open[q]:
                if equal:
                    acc += 1.0
                else:
                    end = route_end[q]
                    acc += live_weight(route_base[q], counts[end], capacity[end], buffer, wpow)
                if target < acc:
                    return q
        return NO_ROUTE
    return pick_day_route(u, lo, hi, cdf, total)


#: ``Parts.doubt`` flags: a place's capacity multiplier may differ between counts ``seen``
#: and ``upper``; a choice at a place reads such a count
COUNT_DOUBT, CHOICE_DOUBT = 1, 2
#: how far a choice must be from a tie between two routes, relative to the weights' total,
#: for ``pick_holds`` (the sums in ``pick_route`` round differently from its bounds)
TIE = 1e-9


@nb.njit(inline="always", cache=True)
def pick_holds(
    u, lo, hi, picked, route_open, route_base, route_end, low, high, capacity, buffer,
    wpow, equal_choice,
):  # fmt: skip
    """Whether ``pick_route`` with live weights (``live``) picks ``picked`` at every count of
    each route end between ``low`` and ``high`` (a capacity multiplier falls as a count
    rises: each weight lies between its values at the two).

    Route q is picked where ``u`` x total < C (the weights up to q) and >= C' (those
    before q); that is ``u R < (1 - u) C`` with R the weights after q, and
    ``u R' >= (1 - u) C'`` with R' those from q on. Both hold at every weight in the box
    where they hold at the worst corner, with a margin of TIE x the largest total. Where
    the total may be 0 (Flee's equal chances), it must be 0 at every corner."""
    if equal_choice or picked < 0:
        return True  # counts are not read, or no route is open (neither depends on counts)
    total_low, total_high = 0.0, 0.0
    c_low, c_before_high, r_high, r_from_low = 0.0, 0.0, 0.0, 0.0
    for q in range(lo, hi):
        if not route_open[q]:
            continue
        end = route_end[q]
        w_a = live_weight(route_base[q], low[end], capacity[end], buffer, wpow)
        w_b = live_weight(route_base[q], high[end], capacity[end], buffer, wpow)
        w_lo, w_hi = min(w_a, w_b), max(w_a, w_b)
        total_low += w_lo
        total_high += w_hi
        if q <= picked:
            c_low += w_lo
        else:
            r_high += w_hi
        if q < picked:
            c_before_high += w_hi
        else:
            r_from_low += w_lo
    if total_low <= 0.0:
        return total_high <= 0.0  # equal chances at every count, or fragile
    margin = TIE * total_high
    return (1.0 - u) * c_low - u * r_high > margin and (
        u * r_from_low - (1.0 - u) * c_before_high > margin
    )


@nb.njit(inline="always", cache=True)
def next_link(
    r,
    pos,
    here,
    route_end,
    route_links,
    route_length,
    link_from,
    link_left,
    counts,
    capacity,
    is_camp,
    buffer,
    link_quota,
):
    """Flee's ``take_next_step`` for an agent at ``here`` on route ``r`` at hop ``pos``.

    Returns ``(link, route, pos)``: the link to set off on (-1: none today) and the route
    state after it. A route to a camp that is nearly full (capacity multiplier < 0.5) is
    dropped, and so is one whose next link is closed or out of today's quota (QUOTA_USED
    for the latter: ``link_quota[l]``, the link has a daily quota today, possibly of no
    whole agent); the route ends after its last hop.
    """
    end = route_end[r]
    if is_camp[end] and cap_multiplier(counts[end], capacity[end], buffer) < 0.5:
        return -1, NO_ROUTE, 0
    link = route_links[r, pos]
    if link_from[link] != here:
        return LINK_ELSEWHERE, r, pos  # a bug: the callers stop the run
    if link_left[link] == 0:  # closed, or today's quota used up
        return (QUOTA_USED if link_quota[link] else -1), NO_ROUTE, 0
    if pos + 1 >= route_length[r]:
        return link, NO_ROUTE, 0
    return link, r, pos + 1


@nb.njit(inline="always", cache=True)
def close_routes_over(link, route_links, route_length, route_open):
    """Close every route over ``link`` for the rest of the day's choices with live
    weights. The day's cumulative weights (``cdf``) are left as they were: the decisions
    of pass 1 read them, and must read the same on one thread (decisions fused into the
    departures) as on many (all decided before anyone departs). A route drawn from them
    over the full link meets QUOTA_USED at that link and chooses again."""
    for q in range(route_links.shape[0]):
        if route_open[q]:
            for h in range(route_length[q]):
                if route_links[q, h] == link:
                    route_open[q] = False
                    break


#: at most this many full crossings met, one after another, by one agent's re-choices
MAX_RETRIES = 8


@nb.njit(inline="always", cache=True)
def retry_route(bits, here, blocked, routes, links, places, today, rules):
    """After QUOTA_USED on link ``blocked``: every route through it is closed for the rest
    of the day's choices (once per link and day: ``link_full``), and the agent at ``here``
    picks again, with live weights, among the routes still open from there, then tries
    to set off. ``bits``: the agent's draw for this (``draw_bits``); a further full
    crossing met by the new route is closed too and the agent picks again, with the bits
    hashed anew, up to MAX_RETRIES times. Returns ``next_link``'s ``(link, route, pos)``;
    -1 and no route where none is open.

    Why: Flee has no quotas; a closed link closes its routes before anyone chooses, so
    nobody picks it. A quota that runs out during the day is the same closure for those
    who come after. Without this, everyone who drew a route over a full crossing would
    stay where they are, under fire, however many other roads are open, and how many
    were held there would depend on how often a fractional quota is open, hence on how
    many people an agent stands for."""
    route_offsets, route_links, route_end = routes.offsets, routes.links, routes.end
    route_length, link_from = routes.length, links.origin
    route_open, route_base, link_left = today.route_open, today.route_base, today.link_left
    counts, link_quota, link_full = today.counts, today.link_quota, today.link_full
    capacity, is_camp = places.capacity, places.is_camp
    buffer, wpow, equal_choice = rules.capacity_buffer, rules.weight_power, rules.equal_choice
    for _ in range(MAX_RETRIES):
        if not link_full[blocked]:
            link_full[blocked] = True
            close_routes_over(blocked, route_links, route_length, route_open)
        r = pick_route(
            float(bits) * (1.0 / 9007199254740992.0),
            route_offsets[here],
            route_offsets[here + 1],
            True,
            route_open,
            route_base,
            route_end,
            counts,
            capacity,
            route_base,  # unused on the live path
            0.0,
            buffer,
            wpow,
            equal_choice,
        )
        if r < 0:
            return -1, NO_ROUTE, 0
        link, route, pos = next_link(
            r,
            0,
            here,
            route_end,
            route_links,
            route_length,
            link_from,
            link_left,
            counts,
            capacity,
            is_camp,
            buffer,
            link_quota,
        )
        if link != QUOTA_USED:
            return link, route, pos
        blocked = route_links[r, 0]
        bits = mix64(bits + GOLDEN) >> np.uint64(11)
    return -1, NO_ROUTE, 0


@nb.njit(inline="always", cache=True)
def stays_on_road(i, link, agent_progress, agent_recent, agent_walked, link_km, link_speed, rules):
    """Flee's ``finish_travel`` for agent i on ``link`` where it does not reach the end
    today: it advances by its day's speed (and its recent-travel average takes the day's
    distance). Returns False, changing nothing, where it would reach the end (the
    travel pass then moves it on in agent order)."""
    speed = link_speed[link]
    if rules.start_on_foot and not agent_walked[i]:
        speed = rules.max_walk_speed
    progress = agent_progress[i] + speed
    if progress > link_km[link]:
        return False
    agent_progress[i] = progress
    if rules.avoid_short_stints:
        agent_recent[i] = (agent_recent[i] + speed / rules.max_move_speed) / 2.0
    return True


@nb.njit(inline="always", cache=True)
def route_today(i, p, day_key, agent_route, route_offsets, cdf, totals):
    """The route that agent i, at place p and moving today, follows (Flee's
    ``Person.evolve`` after the move draw): the one it has, or one drawn with the day's
    cumulative weights (start-of-day counts); NO_ROUTE where it has nowhere to go or its
    route went stale."""
    r = agent_route[i]
    if r == STALE_ROUTE:  # take_next_step finds no link: route dropped, no move
        agent_route[i] = NO_ROUTE
        return NO_ROUTE
    if r >= 0:
        return r
    return pick_day_route(
        uniform(day_key, i, K_ROUTE), route_offsets[p], route_offsets[p + 1], cdf, totals[p]
    )


@nb.njit(inline="always", cache=True)
def depart(
    i,
    r,
    agent_place,
    agent_route,
    agent_pos,
    agent_link,
    agent_progress,
    agent_recent,
    route_end,
    route_links,
    route_length,
    link_from,
    link_left,
    counts,
    capacity,
    is_camp,
    buffer,
    avoid_short,
    link_quota,
):
    """Agent i, which decided ``r`` (NO_ROUTE or a route), sets off if it can (Flee's
    ``take_next_step`` via ``next_link``): its own state only; returns the link it took
    (-1: none, and its recent-travel average halves). The caller updates the counts.
    QUOTA_USED: the route's next link has no quota left today; the agent's route and hop
    are left as they were, for the caller's ``retry_route``.
    Arrays, not named tuples: this runs inside a parallel loop, where numba does not
    write through arrays read out of a tuple."""
    link = -1
    if r >= 0:
        if agent_route[i] != r:
            agent_route[i] = r
            agent_pos[i] = 0
        link, route, pos = next_link(
            r,
            agent_pos[i],
            agent_place[i],
            route_end,
            route_links,
            route_length,
            link_from,
            link_left,
            counts,
            capacity,
            is_camp,
            buffer,
            link_quota,
        )
        if link == LINK_ELSEWHERE or link == QUOTA_USED:  # noqa: SIM109 (numba)
            return link
        agent_route[i] = route
        agent_pos[i] = pos
        if link >= 0:
            agent_link[i] = link
            agent_progress[i] = 0.0
    if link < 0 and avoid_short:
        agent_recent[i] *= 0.5
    return link


@nb.njit(inline="always", cache=True)
def block_range(b, n_blocks, n_agents):
    """Agents ``lo:hi`` of block b of ``n_blocks``."""
    size = (n_agents + n_blocks - 1) // n_blocks
    lo = min(b * size, n_agents)
    return lo, min(lo + size, n_agents)


@nb.njit(inline="always", cache=True)
def clear_chunk(c, d_counts, d_init, d_links, movers):
    """Zero chunk c's changes and mover counts (before its blocks run)."""
    for q in range(d_counts.shape[1]):
        d_counts[c, q] = 0
        d_init[c, q] = 0
        movers[c, q] = 0
    for q in range(d_links.shape[1]):
        d_links[c, q] = 0


@nb.njit(inline="always", cache=True)
def depart_listed(
    c, lo, n_listed, day_key, n_initial, agent_place, agent_link, agent_route,
    agent_pos, agent_progress, agent_recent, agent_walked, listed, route_offsets, route_end,
    route_links, route_length, cdf, totals, link_from, link_left, counts, capacity, is_camp,
    buffer, avoid_short, link_quota, d_counts, d_links, d_init,
):  # fmt: skip
    """Pass 2 for the agents ``listed[lo:n_listed]`` of one block, in agent order, on a
    day whose departures cannot depend on their order: each mover sets off (``depart``)
    and chunk c's changes to the counts, link entries and day-0 departures are summed;
    the travellers are listed over the list (written only at or behind the entry being
    read). Returns the end of the travellers' list, or -1 for a departure along a link
    that starts elsewhere (a bug; no raise in a parallel loop). Arrays, not named tuples:
    it runs inside a parallel loop (as ``depart``)."""
    n_travel = lo
    for t in range(lo, n_listed):
        i = listed[t]
        if agent_link[i] < 0:  # at a place, moving today
            p = agent_place[i]
            r = route_today(i, p, day_key, agent_route, route_offsets, cdf, totals)
            link = depart(
                i, r, agent_place, agent_route, agent_pos, agent_link, agent_progress,
                agent_recent, route_end, route_links, route_length, link_from, link_left,
                counts, capacity, is_camp, buffer, avoid_short, link_quota,
            )  # fmt: skip
            if link == LINK_ELSEWHERE or link == QUOTA_USED:  # noqa: SIM109 (numba)
                return -1
            if link >= 0:
                if i < n_initial and not agent_walked[i]:
                    d_init[c, p] += 1
                d_counts[c, p] -= 1
                d_links[c, link] += 1
        if agent_link[i] >= 0:
            listed[n_travel] = i
            n_travel += 1
    return n_travel


@nb.njit(inline="always", cache=True)
def count_movers(c, lo, n_listed, agent_place, agent_link, listed, movers):
    """Chunk c's movers at each place, among the agents ``listed[lo:n_listed]``."""
    for t in range(lo, n_listed):
        i = listed[t]
        if agent_link[i] < 0:
            movers[c, agent_place[i]] += 1


#: what ``depart_chunks`` runs: pass 1 alone (and each chunk's movers at each place), pass
#: 2 alone (on the lists pass 1 left), or both in one sweep
LIST, DEPART, LIST_AND_DEPART = 0, 1, 2


@nb.njit(parallel=True, cache=True, _nrt=False)
def depart_chunks(
    n_agents, day_key, agents, links, routes, places, today, rules, n_initial, chunks, passes
):  # fmt: skip
    """Passes 1 and 2 on all threads (``passes``: LIST, DEPART or LIST_AND_DEPART). Each
    block of agents (``BLOCKS_PER_CHUNK``) decides (``list_movers``) and sets off
    (``depart_listed``) in agent order, and lists its travellers at the start of its own
    range of ``agents.decision``; each chunk sums its changes to the counts, which are added
    after the chunks (integer sums: the same whatever the order). Returns the agents that
    stayed on their road.

    Pass 2 runs here only on a day on which the order of the departures cannot matter: no
    link has a daily quota, and every camp check gives one answer in any order (counts
    only fall in this pass). Where no camp is nearly full at the start of the day, both
    passes run in one sweep (two sweeps took a third of a two-thread day on the scale
    benchmark); otherwise LIST counts each chunk's movers at each place first, and the
    engine runs DEPART only if no camp can be taken across the capacity multiplier of 0.5
    by its movers leaving (``engine._camp_checks_hold``)."""
    decision, agent_link, agent_place = agents.decision, agents.link, agents.place
    agent_walked, agent_route, agent_pos = agents.walked, agents.route, agents.pos
    agent_progress, agent_recent = agents.progress, agents.recent
    route_end, route_links, route_length = routes.end, routes.links, routes.length
    route_offsets, link_km, cdf, totals = routes.offsets, links.km, today.cdf, today.totals
    link_speed, move_threshold = today.link_speed, today.move_threshold
    link_from, link_left, counts = links.origin, today.link_left, today.counts
    capacity, is_camp = places.capacity, places.is_camp
    buffer, avoid_short = rules.capacity_buffer, rules.avoid_short_stints
    link_quota = today.link_quota  # all False where pass 2 runs: no quota that day
    d_counts, d_links, d_init = chunks.counts, chunks.link_entries, chunks.initial_departures
    block_lo, block_n, chunk_on_road = chunks.lo, chunks.n, chunks.on_road
    movers = chunks.movers
    n_chunks, n_blocks = len(chunk_on_road), len(block_lo)
    for c in nb.prange(n_chunks):
        clear_chunk(c, d_counts, d_init, d_links, movers)
        stay = chunk_on_road[c] if passes == DEPART else 0  # (DEPART: counted by LIST)
        for b in range(c, n_blocks, n_chunks):
            lo, hi = block_range(b, n_blocks, n_agents)
            n_listed = lo + block_n[b]
            if passes != DEPART:
                n_listed, on_road = list_movers(
                    lo, hi, day_key, agent_place, agent_link, agent_progress, agent_recent,
                    agent_walked, decision, link_km, link_speed, move_threshold, rules,
                )  # fmt: skip
                stay += on_road
            n_travel = n_listed
            if passes == LIST:
                count_movers(c, lo, n_listed, agent_place, agent_link, decision, movers)
            else:
                n_travel = depart_listed(
                    c, lo, n_listed, day_key, n_initial, agent_place, agent_link,
                    agent_route, agent_pos, agent_progress, agent_recent, agent_walked,
                    decision, route_offsets, route_end, route_links, route_length, cdf,
                    totals, link_from, link_left, counts, capacity, is_camp, buffer,
                    avoid_short, link_quota, d_counts, d_links, d_init,
                )  # fmt: skip
            if n_travel < 0:
                stay = -(n_agents + 1)  # flags the chunk
                n_travel = lo
            block_lo[b] = lo
            block_n[b] = n_travel - lo
        chunk_on_road[c] = stay
    return add_chunks(chunks, today)


@nb.njit(cache=True, _nrt=False)
def add_chunks(chunks, today):
    """Add the chunks' changes to the day's counts, link entries and day-0 departures;
    returns the agents that stayed on their road all day."""
    counts, link_entries = today.counts, today.link_entries
    initial_departures = today.initial_departures
    d_counts, d_links, d_init = chunks.counts, chunks.link_entries, chunks.initial_departures
    in_transit = 0
    for c in range(len(chunks.on_road)):
        if chunks.on_road[c] < 0:
            raise AssertionError(ELSEWHERE)
        in_transit += chunks.on_road[c]
        for q in range(d_counts.shape[1]):
            counts[q] += d_counts[c, q]
            initial_departures[q] += d_init[c, q]
        for q in range(d_links.shape[1]):
            link_entries[q] += d_links[c, q]
    return in_transit


@nb.njit(cache=True, _nrt=False)
def join_blocks(chunks, listed):
    """The blocks' lists one after the other at the start of ``listed``: agent order.
    Returns its length."""
    n = 0
    for b in range(len(chunks.lo)):
        for t in range(chunks.lo[b], chunks.lo[b] + chunks.n[b]):
            listed[n] = listed[t]
            n += 1
    return n


@nb.njit(inline="always", cache=True)
def travel_one(
    i,
    day_key,
    agent_place,
    agent_link,
    agent_progress,
    agent_recent,
    agent_route,
    agent_pos,
    agent_walked,
    seen,
    upper,
    doubt,
    counts,
    arrivals,
    link_entries,
    link_left,
    sent_back,
    links,
    routes,
    places,
    today,
    rules,
    notes,
):
    """Pass 3 for traveller i (Flee's ``finish_travel`` and ``evolveMore``): it advances by
    its day's speed and, where it reaches the end of its link with distance left, may move
    on at once, hop after hop. Its choices read the counts ``seen`` and its moves change
    ``counts``: the same live counts in agent order, the counts at the start of a window
    and a part's changes in ``travel_in_parts``. Returns (1 if it ends the day on a road,
    0 if at a place, -1 for a departure along a link that starts elsewhere (a bug); the
    places whose counts it read; whether a read may have gone otherwise in agent order).

    The arrays it writes are arguments, not read out of the named tuples, since it also
    runs inside a parallel loop. With ``notes`` (a constant at each call, so the ordered
    pass pays nothing for them: such stores cost it 20 % on the Idlib full offensive) it
    counts the agents it sent back (``sent_back``), returns the mask (``Places.bit``) of
    the places with a capacity whose counts it read (the ends of the routes it chose
    among with live weights, the camp at the end of each route whose fullness it
    checked), and checks that each such read gives its answer at every count from
    ``seen`` to ``upper`` (``pick_holds``, and the camp check on both sides of 0.5) where
    it may not (``doubt``); without, the mask is 0 and no read is fragile."""
    link_from, link_to, link_km = links.origin, links.end, links.km
    route_offsets, route_end, route_links = routes.offsets, routes.end, routes.links
    route_length = routes.length
    capacity, is_camp, place_live = places.capacity, places.is_camp, places.live
    place_bit, live_bits = places.bit, places.live_bits
    # (with ``notes``: ``seen`` <= any count in agent order <= ``upper``)
    link_closed, move_threshold = today.link_closed, today.move_threshold
    link_speed, is_town = today.link_speed, today.is_town
    route_base, route_open = today.route_base, today.route_open
    cdf, totals, link_quota = today.cdf, today.totals, today.link_quota
    buffer, wpow, equal_choice = rules.capacity_buffer, rules.weight_power, rules.equal_choice
    max_speed, walk_speed = rules.max_move_speed, rules.max_walk_speed
    start_on_foot, avoid_short = rules.start_on_foot, rules.avoid_short_stints
    moved_today = 0.0
    hop = 0
    reads = np.uint64(0)
    fragile = False
    while agent_link[i] >= 0:
        link = agent_link[i]
        speed = link_speed[link]
        if start_on_foot and not agent_walked[i]:
            speed = walk_speed
        progress = agent_progress[i] + speed
        moved_today += speed
        if progress <= link_km[link]:
            agent_progress[i] = progress
            break
        agent_walked[i] = True
        moved_today += link_km[link] - progress
        agent_progress[i] = 0.0
        agent_link[i] = -1
        if link_closed[link]:
            # Flee sends an agent on a closed link back to where it set off
            back = link_from[link]
            agent_place[i] = back
            counts[back] += 1
            if notes:
                sent_back[back] += 1
            if agent_route[i] >= 0:  # the rest of the route no longer starts here
                agent_route[i] = STALE_ROUTE
                agent_pos[i] = 0
            break
        here = link_to[link]
        agent_place[i] = here
        counts[here] += 1
        arrivals[here] += 1
        if moved_today >= speed:
            break
        # evolveMore: move on today if the day's distance allows
        # without a branch until the draw's own outcome (that one is as good as random,
        # and so was each branch before it): a town's short stint always moves on
        threshold = move_threshold[here]
        if avoid_short:
            short = is_town[here] & ((agent_recent[i] + moved_today / max_speed) / 2.0 < 0.5)
            threshold = ALWAYS if short else threshold
        k = K_TRAVEL + 2 * hop
        hop += 1
        if hop > 100 or not draw_below(day_key, i, k, threshold):
            break
        r = agent_route[i]
        if r < 0:
            u = uniform(day_key, i, k + 1)
            r = pick_route(
                u,
                route_offsets[here],
                route_offsets[here + 1],
                place_live[here],
                route_open,
                route_base,
                route_end,
                seen,
                capacity,
                cdf,
                totals[here],
                buffer,
                wpow,
                equal_choice,
            )
            if notes:
                reads |= live_bits[here]
            if notes and doubt[here] & CHOICE_DOUBT:
                fragile |= not pick_holds(
                    u, route_offsets[here], route_offsets[here + 1], r, route_open, route_base,
                    route_end, seen, upper, capacity, buffer, wpow, equal_choice,
                )  # fmt: skip
            agent_route[i] = r
            agent_pos[i] = 0
        if r < 0:
            break
        if notes:
            end = route_end[r]
            reads |= place_bit[end]
            if is_camp[end] and doubt[end] & COUNT_DOUBT:
                fragile |= (cap_multiplier(seen[end], capacity[end], buffer) < 0.5) != (
                    cap_multiplier(upper[end], capacity[end], buffer) < 0.5
                )
        nxt, route, pos = next_link(
            r,
            agent_pos[i],
            here,
            route_end,
            route_links,
            route_length,
            link_from,
            link_left,
            seen,
            capacity,
            is_camp,
            buffer,
            link_quota,
        )
        if nxt == LINK_ELSEWHERE:
            return -1, reads, fragile
        if nxt == QUOTA_USED:  # the crossing is full today: choose again
            nxt, route, pos = retry_route(
                draw_bits(day_key, i, K_RETRY_TRAVEL + min(hop, 48)),
                here,
                route_links[r, agent_pos[i]],
                routes,
                links,
                places,
                today,
                rules,
            )
        agent_route[i] = route
        agent_pos[i] = pos
        if nxt < 0:
            break
        counts[here] -= 1
        agent_link[i] = nxt
        agent_progress[i] = 0.0
        link_entries[nxt] += 1
        if link_left[nxt] > 0:
            link_left[nxt] -= 1
    if avoid_short:
        agent_recent[i] = (agent_recent[i] + moved_today / max_speed) / 2.0
    return (1 if agent_link[i] >= 0 else 0), reads, fragile


#: travellers per window of ``travel_in_parts`` (its copy of a window's travellers is the
#: only memory it adds: 30 bytes x WINDOW, whatever the number of agents); the window it
#: uses is the length of that copy, ``parts.place``
WINDOW = 1 << 16
#: below this many travellers in a window, it travels in agent order on one thread
MIN_PARTS = 4096


@nb.njit(parallel=True, cache=True, _nrt=False)
def travel_in_parts(
    day_key, agents, links, routes, places, today, rules, chunks, parts, in_order
):  # fmt: skip
    """Pass 3 on all threads, with the bytes of the pass in agent order; for a day on which
    the departures ran in chunks (no daily quota). Returns (agents on roads, windows
    travelled in parts, travellers travelled again, windows travelled again in agent
    order).

    The travellers go in windows of ``len(parts.place)``, each split into parts (a row of
    ``parts`` and a thread each) that travel at once, every choice reading the counts at
    the start of the window (``start``). In agent order a place's count lies between its
    count at the start (travellers start on roads: counts only rise, until those who
    arrived move on) and that plus the window's arrivals and agents sent back there;
    ``upper`` bounds that from the window before (``parts.room``, per traveller). A read
    whose answer is the same at every count in between (``pick_holds``, the camp check) is
    the read agent order gives; a traveller with any other read (``fragile``) has its moves
    taken back (travelled again from its saved state, with the same reads, into the row
    of moves undone) and travels again, in agent order with the live counts: at each place
    with a capacity these then hold the start plus the moves of those before it (the
    others' net moves are one arrival, where they end). Then the bound is checked against
    the window's arrivals at every place read; where it failed, the window travels again in
    agent order (``reordered``). ``in_order``: every traveller in agent order, on this
    thread."""
    agent_place, agent_link, agent_progress = agents.place, agents.link, agents.progress
    agent_recent, agent_route, agent_pos = agents.recent, agents.route, agents.pos
    agent_walked, travellers = agents.walked, agents.decision
    counts, link_left, capacity = today.counts, today.link_left, places.capacity
    start, upper, reads, fragile = parts.start, parts.upper, parts.touched, parts.fragile
    doubt = parts.doubt
    s_place, s_link, s_progress = parts.place, parts.link, parts.progress
    s_recent, s_route, s_pos, s_walked = parts.recent, parts.route, parts.pos, parts.walked
    p_counts, p_arrivals, p_entries = parts.counts, parts.arrivals, parts.link_entries
    p_sent, p_on = parts.sent_back, parts.on_road
    n_parts = len(p_on) - 2
    n_travel = join_blocks(chunks, travellers)
    on_roads, windows, retravelled, reordered = 0, 0, 0, 0
    window = len(parts.place)
    smallest = min(MIN_PARTS, window) if not in_order else n_travel + 1
    for w in range(0, n_travel, window):
        top = min(w + window, n_travel)
        if top - w < smallest:
            on_roads += travel_in_order(
                w, top, day_key, agents, links, routes, places, today, rules, parts
            )
            continue
        windows += 1
        window_bounds(counts, top - w, routes, places, rules, parts)
        clear_rows(parts)
        n_blocks = (top - w + PART_BLOCK - 1) // PART_BLOCK
        for h in nb.prange(n_parts):
            on = 0
            for b in range(h, n_blocks, n_parts):  # blocks spread over the window
                for t in range(w + b * PART_BLOCK, min(w + (b + 1) * PART_BLOCK, top)):
                    # saved first (cache-hot here; written out, since numba does not
                    # write through arrays read out of a tuple inside a parallel loop)
                    i, q = np.uint32(travellers[t]), t - w
                    s_place[q], s_link[q] = agent_place[i], agent_link[i]
                    s_progress[q], s_recent[q] = agent_progress[i], agent_recent[i]
                    s_route[q], s_pos[q], s_walked[q] = (
                        agent_route[i],
                        agent_pos[i],
                        agent_walked[i],
                    )
                    state, mask, weak = travel_one(
                        i, day_key, agent_place, agent_link,
                        agent_progress, agent_recent, agent_route, agent_pos, agent_walked,
                        start, upper, doubt, p_counts[h], p_arrivals[h], p_entries[h],
                        link_left, p_sent[h], links, routes, places, today, rules, True,
                    )  # fmt: skip
                    reads[q] = mask
                    fragile[q] = weak
                    on += state if state >= 0 else -(1 << 40)
            p_on[h] = on
        for h in range(n_parts):
            if p_on[h] < 0:
                raise AssertionError(ELSEWHERE)
        # the fragile travellers' moves taken back (the same travel again, into its row)
        n_again = travel_fragile(w, top, day_key, agents, links, routes, places, today, rules,
                                 parts, False)  # fmt: skip
        for p in range(len(counts)):  # the others' moves (the second travel's row is 0)
            counts[p] = start[p] + net_rows(p_counts, p, n_parts)
        if n_again:
            retravelled += n_again
            travel_fragile(w, top, day_key, agents, links, routes, places, today, rules,
                           parts, True)  # fmt: skip
        if not bound_held(w, top, parts, n_parts, places, rules):
            copy_travellers(w, top, travellers, agents, parts, True)
            for p in range(len(counts)):
                counts[p] = start[p]
            on_roads += travel_in_order(
                w, top, day_key, agents, links, routes, places, today, rules, parts
            )
            reordered += 1
        else:
            on_roads += add_parts(parts, n_parts, today)
        learn_room(top - w, parts, n_parts, capacity)
    return on_roads, windows, retravelled, reordered


@nb.njit(cache=True, _nrt=False)
def travel_fragile(w, top, day_key, agents, links, routes, places, today, rules, parts, redo):
    """The window's fragile travellers again, from their saved state. Without ``redo``:
    as the parts travelled them (the same reads of ``start`` and the same draws), into the
    row of moves undone, which ``travel_in_parts`` then takes off. With: in agent order
    with the live counts; at each place with a capacity the count is first put back to
    its start, then takes each other traveller's one net arrival (where it ended the
    parts' travel) in its turn, so each fragile traveller reads the counts of agent order.
    Returns how many travelled."""
    counts, capacity, travellers = today.counts, places.capacity, agents.decision
    row = len(parts.on_road) - (1 if redo else 2)
    if redo:
        for p in range(len(counts)):
            if capacity[p] >= 1:
                counts[p] = parts.start[p]
    n = 0
    for t in range(w, top):
        i = np.uint32(travellers[t])
        if not parts.fragile[t - w]:
            p = agents.place[i]
            if redo and agents.link[i] < 0 and p >= 0 and capacity[p] >= 1:
                counts[p] += 1
            continue
        restore_traveller(t, w, travellers, agents, parts)
        seen = counts if redo else parts.start
        upper = counts if redo else parts.upper
        moves = counts if redo else parts.counts[row]
        state, _, _ = travel_one(
            i, day_key, agents.place, agents.link, agents.progress, agents.recent,
            agents.route, agents.pos, agents.walked, seen, upper, parts.doubt, moves,
            parts.arrivals[row], parts.link_entries[row], today.link_left,
            parts.sent_back[row], links, routes, places, today, rules, True,
        )  # fmt: skip
        if state < 0:
            raise AssertionError(ELSEWHERE)
        parts.on_road[row] += state
        n += 1
        if redo:
            parts.touched[t - w] = 0  # read in agent order: no bound to check
    return n


#: travellers per block of a part in ``travel_in_parts`` (part h takes blocks h, h + n, ...:
#: the agents added last travel most)
PART_BLOCK = 1024


@nb.njit(cache=True, _nrt=False)
def window_bounds(counts, n, routes, places, rules, parts):
    """A window's ``start`` and ``upper`` counts (``room`` x its ``n`` travellers more) and
    ``doubt``: COUNT_DOUBT where the capacity multiplier may differ between the two
    (neither is it 1 at ``upper``, nor 0 at ``start``), CHOICE_DOUBT where a route from the
    place ends at such a place."""
    capacity, buffer = places.capacity, rules.capacity_buffer
    start, upper, doubt = parts.start, parts.upper, parts.doubt
    for p in range(len(counts)):
        start[p] = counts[p]
        upper[p] = counts[p] + np.int64(np.ceil(parts.room[p] * n))
        unsure = capacity[p] >= 1 and upper[p] > buffer * capacity[p] and start[p] < capacity[p]
        doubt[p] = COUNT_DOUBT if unsure else 0
    for p in range(len(counts)):
        for r in range(routes.offsets[p], routes.offsets[p + 1]):
            if doubt[routes.end[r]] & COUNT_DOUBT:
                doubt[p] |= CHOICE_DOUBT
                break


@nb.njit(cache=True, _nrt=False)
def clear_rows(parts):
    """Zero every row of ``parts`` (before a window travels)."""
    for h in range(len(parts.on_road)):
        parts.on_road[h] = 0
        for p in range(parts.counts.shape[1]):
            parts.counts[h, p] = 0
            parts.arrivals[h, p] = 0
            parts.sent_back[h, p] = 0
        for q in range(parts.link_entries.shape[1]):
            parts.link_entries[h, q] = 0


@nb.njit(inline="always", cache=True)
def net_rows(rows, j, n_parts):
    """Entry j of a window's rows of ``parts``: the parts' (rows ``0:n_parts``), less those
    taken back (row ``n_parts``), plus the second travel's (row ``n_parts + 1``)."""
    total = rows[n_parts + 1, j] - rows[n_parts, j]
    for h in range(n_parts):
        total += rows[h, j]
    return total


@nb.njit(inline="always", cache=True)
def window_arrivals(p, parts, n_parts):
    """Arrivals and agents sent back at place p in the window."""
    return net_rows(parts.arrivals, p, n_parts) + net_rows(parts.sent_back, p, n_parts)


@nb.njit(cache=True, _nrt=False)
def bound_held(w, top, parts, n_parts, places, rules):
    """Whether every read by a traveller left as the parts moved it gave the answer of
    agent order: at each place read, the count at the start plus the window's arrivals
    there stayed within ``upper``, or the capacity multiplier was the same at every count
    in between (1 up to ``capacity_buffer`` x capacity, 0 from the capacity on)."""
    start, upper, reads = parts.start, parts.upper, parts.touched
    read = np.uint64(0)
    for t in range(w, top):
        read |= reads[t - w]
    if read == 0:
        return True
    bit, capacity, buffer = places.bit, places.capacity, rules.capacity_buffer
    for p in range(len(start)):
        if not bit[p] & read:
            continue
        most = start[p] + window_arrivals(p, parts, n_parts)
        if most > upper[p] and most > buffer * capacity[p] and start[p] < capacity[p]:
            return False
    return True


#: the bound on a window's arrivals at a place (``Parts.room``) is this many times the
#: last window's, per traveller, plus ROOM_SLACK travellers
ROOM_FACTOR = 2.0
ROOM_SLACK = 16.0


@nb.njit(cache=True, _nrt=False)
def learn_room(n, parts, n_parts, capacity):
    """``parts.room``: the arrivals a window may bring to each place with a capacity, per
    traveller, from this window's (``ROOM_FACTOR`` x, plus ``ROOM_SLACK`` agents)."""
    for p in range(len(capacity)):
        if capacity[p] >= 1:
            seen = window_arrivals(p, parts, n_parts)
            parts.room[p] = (ROOM_FACTOR * seen + ROOM_SLACK) / n


@nb.njit(cache=True, _nrt=False)
def add_parts(parts, n_parts, today):
    """Add the window's arrivals and link entries (the parts', less those taken back, and
    the second travel's) to the day's; returns its agents on roads."""
    arrivals, link_entries, on_road = today.arrivals, today.link_entries, parts.on_road
    for p in range(len(arrivals)):
        arrivals[p] += net_rows(parts.arrivals, p, n_parts)
    for q in range(len(link_entries)):
        link_entries[q] += net_rows(parts.link_entries, q, n_parts)
    on_roads = on_road[n_parts + 1] - on_road[n_parts]
    for h in range(n_parts):
        on_roads += on_road[h]
    return on_roads


@nb.njit(cache=True, _nrt=False)
def travel_in_order(lo, hi, day_key, agents, links, routes, places, today, rules, parts):
    """Travellers ``lo:hi`` of ``agents.decision`` in agent order, with the live counts;
    returns how many end the day on a road. (The agent index goes to ``travel_one`` as
    uint32, here and in ``travel_in_parts``: it indexes a dozen arrays a hop, and numba
    indexes with an unsigned number without the negative-index test: mali 5 % faster.)"""
    on_roads = 0
    counts = today.counts
    for t in range(lo, hi):
        state, _, _ = travel_one(
            np.uint32(agents.decision[t]), day_key, agents.place, agents.link, agents.progress,
            agents.recent, agents.route, agents.pos, agents.walked, counts, counts,
            parts.doubt, counts, today.arrivals, today.link_entries, today.link_left,
            parts.sent_back[0], links, routes, places, today, rules, False,
        )  # fmt: skip
        if state < 0:
            raise AssertionError(ELSEWHERE)
        on_roads += state
    return on_roads


@nb.njit(inline="always", cache=True)
def restore_traveller(t, w, travellers, agents, parts):
    """Put traveller ``travellers[t]`` back as it was at the start of window ``w``."""
    copy_travellers(t, t + 1, travellers, agents, parts, True, w)


@nb.njit(inline="always", cache=True)
def copy_travellers(lo, hi, decision, dst, src, dst_by_agent, first=-1):
    """Copy the state of travellers ``lo:hi`` of ``decision`` between ``agents`` and the
    copy in ``parts`` (same field names), indexed there from ``first`` (default ``lo``):
    into the copy (``dst_by_agent`` False: ``dst`` is ``parts``) or back (True: ``dst`` is
    ``agents``)."""
    base = lo if first < 0 else first
    for t in range(lo, hi):
        agent, q = decision[t], t - base
        d, r = (agent, q) if dst_by_agent else (q, agent)
        dst.place[d] = src.place[r]
        dst.link[d] = src.link[r]
        dst.progress[d] = src.progress[r]
        dst.recent[d] = src.recent[r]
        dst.route[d] = src.route[r]
        dst.pos[d] = src.pos[r]
        dst.walked[d] = src.walked[r]


@nb.njit(cache=True, _nrt=False)
def listed_day(
    n_agents, day_key, agents, links, routes, places, today, rules, n_initial, chunks, parts,
    on_roads,
):  # fmt: skip
    """Passes 2-4 after pass 1 in chunks (``depart_chunks`` LIST, which returned
    ``on_roads``, the agents on their road all day), in agent order with live counts (a
    day with a daily quota, or whose nearly full camps its movers may take across the
    capacity multiplier of 0.5). Returns (agents on roads, removed)."""
    return _day(  # the same arguments as the caller's, and the mode
        LISTED, n_agents, day_key, agents, links, routes, places, today, rules,
        n_initial, chunks, parts, on_roads,
    )  # fmt: skip


@nb.njit(cache=True, _nrt=False)
def step_day(
    n_agents, seed_key, day, score, agents, links, routes, places, today, rules, n_initial,
    chunks, parts,
):  # fmt: skip
    """The whole day on one thread, in one call: ``prepare_day``, then pass 1 as the move
    draws alone (``decide_in_order``), whose movers choose their routes in pass 2 as they
    set off. This gives what deciding every agent first would give, since a decision
    reads only the agent's own state and the day's start-of-day weights."""
    prepare_day(routes, places, score, today, rules)
    day_key = day_key_of(seed_key, day)
    return _day(  # the same arguments as the caller's, and the mode
        FUSED, n_agents, day_key, agents, links, routes, places, today, rules,
        n_initial, chunks, parts, np.int64(0),
    )  # fmt: skip


@nb.njit(cache=True, _nrt=False)
def decide_in_order(lo, hi, day_key, agents, links, today, rules):
    """Pass 1 on one thread (for ``step_day``), ``list_movers`` over agents ``lo:hi``."""
    return list_movers(
        lo, hi, day_key, agents.place, agents.link, agents.progress, agents.recent,
        agents.walked, agents.decision, links.km, today.link_speed, today.move_threshold,
        rules,
    )  # fmt: skip


@nb.njit(inline="always", cache=True)
def list_movers(
    lo, hi, day_key, agent_place, agent_link, agent_progress, agent_recent, agent_walked,
    listed, link_km, link_speed, move_threshold, rules,
):  # fmt: skip
    """Pass 1 for agents ``lo:hi`` in agent order (all of them on one thread, a chunk's
    in ``depart_chunks``): each agent at a place draws whether it moves today; one that
    stays on its road all day moves along it. Lists in ``listed`` (``agents.decision``)
    from ``lo``, in agent order, the agents pass 2 must see: those who move (their route
    is chosen there, ``route_today``) and those who reach the end of their road today.
    Returns (end of the list, on roads all day). Arrays, not named tuples: it also runs
    inside a parallel loop (as ``depart``).

    Why a loop of its own, without a branch on the draw: for most agents on most days the
    draw is the whole day's work, and its outcome is as good as random, so a branch on it
    is mispredicted at every turn. The agent is written to the list whatever the draw, and
    the list grows by the draw (0 or 1); the recent-travel average of those who stay
    halves by a multiplier (1 for those who move: ``set_off`` updates theirs)."""
    avoid_short = rules.avoid_short_stints
    n_listed, on_roads = lo, 0
    for i in range(lo, hi):
        p = agent_place[i]
        if p < 0:
            continue
        link = agent_link[i]
        if link >= 0:
            if stays_on_road(
                i, link, agent_progress, agent_recent, agent_walked, link_km, link_speed, rules
            ):
                on_roads += 1
            else:
                listed[n_listed] = i
                n_listed += 1
            continue
        moves = draw_below(day_key, i, K_MOVE, move_threshold[p])
        listed[n_listed] = i
        n_listed += 1 if moves else 0
        if avoid_short:  # no distance today for one who stays: the average halves
            agent_recent[i] *= 1.0 if moves else 0.5
    return n_listed, on_roads


@nb.njit(inline="always", cache=True)
def set_off(i, r, day_key, n_initial, agents, links, routes, places, today, rules):
    """Pass 2 for agent i, which decided ``r`` (NO_ROUTE or a route), in agent order with
    live counts: ``depart``, a new choice where the route's crossing is full today
    (``retry_route``), and the day's counts."""
    agent_place, agent_link, agent_route = agents.place, agents.link, agents.route
    agent_pos, agent_walked = agents.pos, agents.walked
    counts, link_left = today.counts, today.link_left
    link = depart(
        i,
        r,
        agent_place,
        agent_route,
        agent_pos,
        agent_link,
        agents.progress,
        agents.recent,
        routes.end,
        routes.links,
        routes.length,
        links.origin,
        link_left,
        counts,
        places.capacity,
        places.is_camp,
        rules.capacity_buffer,
        rules.avoid_short_stints,
        today.link_quota,
    )
    if link == LINK_ELSEWHERE:
        raise AssertionError(ELSEWHERE)
    if link == QUOTA_USED:  # the crossing is full today: choose again
        blocked = routes.links[agent_route[i], agent_pos[i]]
        link, route, pos = retry_route(draw_bits(day_key, i, K_RETRY), agent_place[i], blocked,
                                       routes, links, places, today, rules)  # fmt: skip
        agent_route[i] = route
        agent_pos[i] = pos
        if link >= 0:
            agent_link[i] = link
            agents.progress[i] = 0.0
        elif rules.avoid_short_stints:
            agents.recent[i] *= 0.5
    if link >= 0:
        p = agent_place[i]
        if i < n_initial and not agent_walked[i]:
            today.initial_departures[p] += 1  # present on day 0, leaving for the first time
        counts[p] -= 1
        today.link_entries[link] += 1
        if link_left[link] > 0:
            link_left[link] -= 1


@nb.njit(cache=True, _nrt=False)
def _day(
    mode,
    n_agents,
    day_key,
    agents,
    links,
    routes,
    places,
    today,
    rules,
    n_initial,
    chunks,
    parts,
    on_roads,
):
    """Passes 2 (``mode`` LISTED: from the lists of ``depart_chunks``' LIST; FUSED: from
    ``decide_in_order``'s list), 3 and 4. ``on_roads``: agents already counted on a road
    at the end of the day. Returns (agents on roads, removed)."""
    agent_place, agent_link = agents.place, agents.link
    agent_route, travellers = agents.route, agents.decision
    route_offsets, cdf, totals = routes.offsets, today.cdf, today.totals

    # pass 2: departures of those who decided to move, in agent order; list who travels
    # (``travellers`` is ``decision``, written only at or behind the index being read)
    # int64, not the literal 0: a call typed while a count is still Literal[int](0) is
    # compiled for that literal too (travel_in_order twice: +7 s of a cold compile)
    first, n_travel = np.int64(0), np.int64(0)
    if mode == FUSED:
        n_seen, on_road_all_day = decide_in_order(
            np.int64(0), n_agents, day_key, agents, links, today, rules
        )
        on_roads += on_road_all_day
    else:
        n_seen = join_blocks(chunks, travellers)
    # the list of movers and of those reaching the end of their road
    for t in range(n_seen):
        i = travellers[t]
        if agent_link[i] < 0:  # at a place, moving today
            r = route_today(i, agent_place[i], day_key, agent_route, route_offsets, cdf,
                            totals)  # fmt: skip
            set_off(i, r, day_key, n_initial, agents, links, routes, places, today, rules)
        if agent_link[i] >= 0:
            travellers[n_travel] = i
            n_travel += 1

    # pass 3: travel, hop after hop (Flee's finish_travel and evolveMore), in agent order;
    # a function of its own (compiled once, called once a day): inlined here it made
    # this one function so large that the one-thread kernels took 17 s to compile, not 12
    on_roads += travel_in_order(
        first, n_travel, day_key, agents, links, routes, places, today, rules, parts
    )
    return on_roads, remove_settled(n_agents, day_key, agents, places, today, rules)


@nb.njit(cache=True, _nrt=False)
def remove_settled(n_agents, day_key, agents, places, today, rules):
    """Pass 4, camps as sinks (Flee's deactivation of settled agents in camps): each agent
    at a camp, off the roads, leaves the model with the camp's probability. Returns how
    many left. A function of its own: the parallel path calls it alone, after
    ``depart_chunks`` and ``travel_in_parts`` (compiling all of ``_day`` again for pass 4
    alone took about 6 s of a cold start on two threads)."""
    agent_place, agent_link = agents.place, agents.link
    is_camp, deactivation, counts = places.is_camp, places.deactivation, today.counts
    removed = 0
    if rules.camps_are_sinks:
        for i in range(n_agents):
            p = agent_place[i]
            if p >= 0 and agent_link[i] < 0 and is_camp[p] and deactivation[p] > 0.0:
                if uniform(day_key, i, K_SINK) < deactivation[p]:
                    counts[p] -= 1
                    agent_place[i] = -1
                    removed += 1
    return removed
