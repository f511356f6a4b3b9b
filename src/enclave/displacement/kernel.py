"""The compiled daily step (numba), over struct-of-arrays agent state.

One day follows Flee 3.1's ``Ecosystem.evolve``:

1. *Decide* (``Person.evolve`` for every agent not on a road): draw against the move chance
   of the agent's place; a mover without a route picks one by Flee's weights. This pass is
   parallel: every draw is a counter-based hash of (seed, day, agent, draw number), so the
   result does not depend on the number of threads, and it weighs routes with the counts
   at the start of the day (in Flee only departures change counts during this pass).
2. *Depart*, in agent order (``Person.take_next_step``): the next link of the route must be
   open (and under its daily quota), and a route to a camp that is nearly full
   (capacity multiplier < 0.5) is dropped, with live counts.
3. *Travel*, in agent order (``Person.finish_travel``): each agent on a road advances by its
   day's speed; an agent that reaches the end of its link and has moved less than its speed
   today may move on at once (``evolveMore``), with live counts, hop after hop.
4. Camps as sinks, then the recent-travel average (``avoid_short_stints``).
"""

from __future__ import annotations

import numba as nb
import numpy as np

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
NO_ROUTE = -1
NO_DECISION = -2
STAY = -1

# draw numbers (the "k" of the counter-based generator; 256 per agent and day)
K_MOVE = 0
K_ROUTE = 1
K_SINK = 2
K_TRAVEL = 3  # travel draws use K_TRAVEL + 2 * hop (+1)


@nb.njit(inline="always", cache=True)
def mix64(z: np.uint64) -> np.uint64:
    """SplitMix64's finaliser: a bijective 64-bit hash with good avalanche."""
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


@nb.njit(inline="always", cache=True)
def uniform(day_key: np.uint64, agent: np.int64, k: np.int64) -> float:
    """U[0, 1) for (day, agent, draw k): SplitMix64 over a unique counter."""
    counter = np.uint64(agent) * np.uint64(256) + np.uint64(k)
    h = mix64(day_key + GOLDEN * (counter + np.uint64(1)))
    return float(h >> np.uint64(11)) * (1.0 / 9007199254740992.0)


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
def route_weight(r, route_end, route_base, counts, capacity, buffer, wpow) -> float:
    """Flee's ``calculateLinkWeight`` for one route, from its day's base weight.

    ``route_base[r] = (weight_softening + score[end]) / (softening + km) ** distance_power``
    is fixed for the day; the capacity multiplier uses the live count of the end place.
    """
    end = route_end[r]
    w = route_base[r] * cap_multiplier(counts[end], capacity[end], buffer)
    if wpow != 1.0:
        w = w**wpow
    return w


@nb.njit(cache=True)
def base_weights(route_end, route_km, route_open, score, params, route_base):
    """Each route's distance-and-score weight for the day (0 for a closed route)."""
    softening, wsoft, dpow = params[1], params[2], params[3]
    for r in range(len(route_end)):
        if route_open[r]:
            route_base[r] = (wsoft + score[route_end[r]]) / (softening + route_km[r]) ** dpow
        else:
            route_base[r] = 0.0


@nb.njit(cache=True)
def choose_route(
    place, u, route_offsets, route_end, route_base, route_open, counts, capacity, params
) -> np.int64:
    """Pick a route from ``place`` with probability proportional to its weight.

    All-zero weights give equal chances (Flee's ``normalizeWeights``); no open route gives
    ``NO_ROUTE``. ``params``: buffer, softening, weight_softening, distance_power,
    weight_power, uniform_choice.
    """
    lo = route_offsets[place]
    hi = route_offsets[place + 1]
    total = 0.0
    n_open = 0
    uniform_choice = params[5] > 0.5
    for r in range(lo, hi):
        if route_open[r]:
            n_open += 1
            if not uniform_choice:
                total += route_weight(
                    r, route_end, route_base, counts, capacity, params[0], params[4]
                )
    if n_open == 0:
        return NO_ROUTE
    if total > 0.0:
        target = u * total
        acc = 0.0
        last = NO_ROUTE
        for r in range(lo, hi):
            if route_open[r]:
                w = route_weight(r, route_end, route_base, counts, capacity, params[0], params[4])
                if w > 0.0:
                    acc += w
                    last = r
                    if target < acc:
                        return r
        return last
    pick = min(np.int64(u * n_open), n_open - 1)
    for r in range(lo, hi):
        if route_open[r]:
            if pick == 0:
                return r
            pick -= 1
    return NO_ROUTE


@nb.njit(cache=True)
def build_place_cdf(
    n_places, route_offsets, route_end, route_base, route_open, counts, capacity, params, cdf
):
    """Cumulative route weights per place from the start-of-day counts (for pass 1).

    ``cdf[r]`` is the running total within the place's routes; closed routes add nothing.
    Returns per place: total weight, number of open routes.
    """
    totals = np.zeros(n_places)
    n_open = np.zeros(n_places, dtype=np.int64)
    uniform_choice = params[5] > 0.5
    for p in range(n_places):
        acc = 0.0
        for r in range(route_offsets[p], route_offsets[p + 1]):
            if route_open[r]:
                n_open[p] += 1
                if not uniform_choice:
                    acc += route_weight(
                        r, route_end, route_base, counts, capacity, params[0], params[4]
                    )
            cdf[r] = acc
        totals[p] = acc
    return totals, n_open


@nb.njit(cache=True)
def pick_from_cdf(place, u, route_offsets, route_open, cdf, totals, n_open) -> np.int64:
    lo = route_offsets[place]
    hi = route_offsets[place + 1]
    if n_open[place] == 0:
        return NO_ROUTE
    if totals[place] > 0.0:
        target = u * totals[place]
        # binary search for the first r with cdf[r] > target
        a, b = lo, hi - 1
        while a < b:
            m = (a + b) // 2
            if cdf[m] > target:
                b = m
            else:
                a = m + 1
        return a
    pick = min(np.int64(u * n_open[place]), n_open[place] - 1)
    for r in range(lo, hi):
        if route_open[r]:
            if pick == 0:
                return r
            pick -= 1
    return NO_ROUTE


@nb.njit(parallel=True, cache=True)
def decide(
    n_agents,
    agent_place,
    agent_link,
    agent_route,
    agent_recent,
    day_key,
    movechance,
    route_offsets,
    route_open,
    cdf,
    totals,
    n_open,
    decision,
    avoid_short,
):
    """Pass 1, in parallel: who tries to move today, and along which route.

    ``decision[i]``: NO_DECISION (stays), or the route to follow (an agent that already
    has a route keeps it: its current route id is written back). An agent that stays
    moves no distance today, so its recent-travel average is updated here.
    """
    moves = 0
    for i in nb.prange(n_agents):
        p = agent_place[i]
        if p < 0 or agent_link[i] >= 0:
            decision[i] = NO_DECISION
            continue
        if uniform(day_key, i, K_MOVE) < movechance[p]:
            r = agent_route[i]
            if r < 0:
                r = pick_from_cdf(
                    p,
                    uniform(day_key, i, K_ROUTE),
                    route_offsets,
                    route_open,
                    cdf,
                    totals,
                    n_open,
                )
            decision[i] = r
            moves += 1
        else:
            decision[i] = NO_DECISION
            if avoid_short:  # no distance today: the recent average halves
                agent_recent[i] *= 0.5
    return moves


@nb.njit(inline="always", cache=True)
def take_next_step(
    i,
    place,
    agent_route,
    agent_pos,
    route_links,
    route_length,
    route_end,
    link_to,
    link_left,
    counts,
    capacity,
    is_camp,
    buffer,
) -> np.int64:
    """Flee's ``take_next_step``: the link to set off on, or -1 (route dropped).

    The next link must be open today and under its quota (``link_left`` != 0), and the
    route's destination must not be a camp at over half its capacity multiplier.
    """
    r = agent_route[i]
    if r < 0:
        return -1
    end = route_end[r]
    if is_camp[end] and cap_multiplier(counts[end], capacity[end], buffer) < 0.5:
        agent_route[i] = NO_ROUTE
        agent_pos[i] = 0
        return -1
    link = route_links[r, agent_pos[i]]
    if link_left[link] == 0:
        agent_route[i] = NO_ROUTE
        agent_pos[i] = 0
        return -1
    if agent_pos[i] + 1 >= route_length[r]:
        agent_route[i] = NO_ROUTE
        agent_pos[i] = 0
    else:
        agent_pos[i] += 1
    return link


@nb.njit(cache=True)
def travel_day(
    n_agents,
    day,
    day_key,
    agent_place,
    agent_link,
    agent_progress,
    agent_recent,
    agent_route,
    agent_pos,
    agent_walked,
    decision,
    counts,
    arrivals,
    link_entries,
    link_left,
    link_closed,
    link_from,
    link_to,
    link_km,
    link_speed,
    route_offsets,
    route_end,
    route_base,
    route_open,
    route_links,
    route_length,
    capacity,
    is_camp,
    is_town,
    movechance,
    deactivation,
    params,
    speeds,
    flags,
    place_live,
    cdf,
    totals,
    n_open,
    travellers,
    n_initial,
    initial_departures,
):
    """Passes 2-4 in agent order with live counts. Returns (agents on roads, removed).

    ``speeds``: max_move_speed, max_walk_speed. ``flags``: start_on_foot,
    avoid_short_stints, camps_are_sinks.
    """
    buffer = params[0]
    max_speed = speeds[0]
    walk_speed = speeds[1]
    start_on_foot = flags[0]
    avoid_short = flags[1]
    sinks = flags[2]
    # pass 2: departures of those who decided to move, in agent order; list who travels
    n_travel = 0
    for i in range(n_agents):
        r = decision[i]
        if r != NO_DECISION:
            departed = False
            if r != NO_ROUTE:
                if agent_route[i] != r:
                    agent_route[i] = r
                    agent_pos[i] = 0
                p = agent_place[i]
                link = take_next_step(
                    i,
                    p,
                    agent_route,
                    agent_pos,
                    route_links,
                    route_length,
                    route_end,
                    link_to,
                    link_left,
                    counts,
                    capacity,
                    is_camp,
                    buffer,
                )
                if link >= 0:
                    if i < n_initial and not agent_walked[i]:
                        initial_departures[p] += 1  # present on day 0, leaving for the first time
                    counts[p] -= 1
                    agent_link[i] = link
                    agent_progress[i] = 0.0
                    link_entries[link] += 1
                    if link_left[link] > 0:
                        link_left[link] -= 1
                    departed = True
            if not departed and avoid_short:
                agent_recent[i] *= 0.5
        if agent_link[i] >= 0:
            travellers[n_travel] = i
            n_travel += 1
    # pass 3: travel, hop after hop
    on_roads = 0
    for t in range(n_travel):
        i = travellers[t]
        moved_today = 0.0
        hop = 0
        while agent_link[i] >= 0:
            link = agent_link[i]
            speed = link_speed[link]
            if np.isnan(speed):
                speed = max_speed
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
                break
            here = link_to[link]
            agent_place[i] = here
            counts[here] += 1
            arrivals[here] += 1
            if moved_today >= speed:
                break
            # evolveMore: move on today if the day's distance allows
            chance = movechance[here]
            if avoid_short and is_town[here]:
                if (agent_recent[i] + moved_today / max_speed) / 2.0 < 0.5:
                    chance = 1.0
            k = K_TRAVEL + 2 * hop
            hop += 1
            if hop > 100:
                break
            if uniform(day_key, i, k) < chance:
                if agent_route[i] < 0:
                    u = uniform(day_key, i, k + 1)
                    if place_live[here]:
                        agent_route[i] = choose_route(
                            here,
                            u,
                            route_offsets,
                            route_end,
                            route_base,
                            route_open,
                            counts,
                            capacity,
                            params,
                        )
                    else:  # no route ends at a place with a capacity: the day's weights hold
                        agent_route[i] = pick_from_cdf(
                            here, u, route_offsets, route_open, cdf, totals, n_open
                        )
                    agent_pos[i] = 0
                nxt = take_next_step(
                    i,
                    here,
                    agent_route,
                    agent_pos,
                    route_links,
                    route_length,
                    route_end,
                    link_to,
                    link_left,
                    counts,
                    capacity,
                    is_camp,
                    buffer,
                )
                if nxt >= 0:
                    counts[here] -= 1
                    agent_link[i] = nxt
                    agent_progress[i] = 0.0
                    link_entries[nxt] += 1
                    if link_left[nxt] > 0:
                        link_left[nxt] -= 1
        if agent_link[i] >= 0:
            on_roads += 1
        if avoid_short:
            agent_recent[i] = (agent_recent[i] + moved_today / max_speed) / 2.0
    # pass 4: camps as sinks (Flee's deactivation of settled agents in camps)
    removed = 0
    if sinks:
        for i in range(n_agents):
            p = agent_place[i]
            if p >= 0 and agent_link[i] < 0 and is_camp[p] and deactivation[p] > 0.0:
                if uniform(day_key, i, K_SINK) < deactivation[p]:
                    counts[p] -= 1
                    agent_place[i] = -1
                    removed += 1
    return on_roads, removed
