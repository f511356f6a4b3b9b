"""Rule-level tests: each Flee rule against a hand-computed expectation."""

from __future__ import annotations

import math

import numpy as np
import pytest

from enclave.displacement.engine import simulate
from enclave.displacement.kernel import cap_multiplier
from enclave.displacement.network import PlaceKind
from enclave.displacement.routes import enumerate_routes
from enclave.displacement.rules import MoveRules

from .helpers import CAMP, CONFLICT, TOWN, drivers, line_network

N = 20_000


def within(observed: float, expected_p: float, n: int, sigmas: float = 4.0) -> bool:
    se = math.sqrt(n * expected_p * (1 - expected_p))
    return abs(observed - n * expected_p) <= sigmas * max(se, 1.0)


@pytest.mark.parametrize(
    ("kind", "rule", "expected"),
    [
        (TOWN, "default_movechance", 0.3),
        (CAMP, "camp_movechance", 0.001),
        (PlaceKind.IDP_CAMP, "idpcamp_movechance", 0.1),
        (PlaceKind.FORWARDING_HUB, None, 1.0),
        (PlaceKind.MARKER, None, 1.0),
    ],
)
def test_move_chance_by_kind(kind, rule, expected):
    # p1 of the given kind between two far towns: leavers are on a road after day 0
    net = line_network([TOWN, kind, TOWN], [1000.0, 1000.0])
    run = simulate(net, drivers(net, 1, conflict_places=(), initial=[0, N, 0]), MoveRules(), 1)
    left = N - run.occupancy[0, 1]
    assert within(left, expected, N)
    assert run.on_links[0] == left


def test_conflict_zone_move_chance_wins_over_kind():
    net = line_network([TOWN, CAMP, TOWN], [1000.0, 1000.0])
    run = simulate(net, drivers(net, 1, conflict_places=(1,), initial=[0, N, 0]), MoveRules(), 1)
    assert run.occupancy[0, 1] == 0  # conflict_movechance 1.0, even in a camp


def test_route_weights_camp_versus_town():
    # conflict zone p1; a camp 100 km west (p0) and a town 50 km east (p2)
    net = line_network([CAMP, CONFLICT, TOWN], [100.0, 50.0])
    rules = MoveRules(camp_weight=2.0, max_move_speed=10.0)
    run = simulate(net, drivers(net, 1, conflict_places=(1,), initial=[0, N, 0]), rules, 7)
    w_camp = 2.0 / (10.0 + 100.0)
    w_town = 1.0 / (10.0 + 50.0)
    p_camp = w_camp / (w_camp + w_town)  # 0.5217...
    to_camp = run.link_entries[0, net.link_index("p1", "p0")[0]]
    assert run.link_entries[0].sum() == N
    assert within(to_camp[()], p_camp, N)


def test_conflict_and_foreign_weights_and_distance_power():
    net = line_network([TOWN, TOWN, TOWN], [40.0, 90.0], countries=["home", "home", "abroad"])
    rules = MoveRules(
        foreign_weight=3.0,
        conflict_weight=0.5,
        distance_power=2.0,
        softening=10.0,
        max_move_speed=1.0,
        default_movechance=1.0,
    )
    run = simulate(net, drivers(net, 1, conflict_places=(0,), initial=[0, N, 0]), rules, 3)
    w_conflict = 0.5 / (10.0 + 40.0) ** 2
    w_foreign = 3.0 / (10.0 + 90.0) ** 2
    p_foreign = w_foreign / (w_foreign + w_conflict)
    abroad = run.link_entries[0, net.link_index("p1", "p2")[0]]
    assert within(abroad, p_foreign, N)


def test_capacity_multiplier_values():
    assert cap_multiplier(0, 100, 0.9) == 1.0
    assert cap_multiplier(90, 100, 0.9) == 1.0
    assert cap_multiplier(95, 100, 0.9) == pytest.approx(0.5)
    assert cap_multiplier(100, 100, 0.9) == 0.0
    assert cap_multiplier(10**6, -1, 0.9) == 1.0


def test_full_camp_is_not_chosen_and_route_to_it_dropped():
    net = line_network([CAMP, CONFLICT, CAMP], [20.0, 20.0], capacity=[100, -1, 100])
    rules = MoveRules(max_move_speed=5.0)
    # the west camp is full (100 of 100), the east one empty
    run = simulate(net, drivers(net, 1, conflict_places=(1,), initial=[100, 1000, 0]), rules, 5)
    assert run.link_entries[0, net.link_index("p1", "p0")[0]] == 0
    assert run.link_entries[0, net.link_index("p1", "p2")[0]] == 1000


def test_several_hops_in_one_day_with_flee_budget():
    # 150 km then 100 km at 200 km/day: the first hop leaves 50 km of budget, yet Flee lets
    # the second link be finished the same day (each hop is checked against the full speed)
    net = line_network([CONFLICT, TOWN, CAMP], [150.0, 100.0])
    rules = MoveRules(max_move_speed=200.0, default_movechance=1.0, conflict_weight=0.0)
    run = simulate(net, drivers(net, 1, initial=[1000, 0, 0]), rules, 2)
    assert run.occupancy[0].tolist() == [0, 0, 1000]
    assert run.arrivals[0, 1] == 1000 and run.arrivals[0, 2] == 1000


def test_hop_stops_once_the_day_is_used():
    # 250 km at 200 km/day: on the road after day 0, arrives on day 1
    net = line_network([CONFLICT, CAMP], [250.0])
    run = simulate(net, drivers(net, 2, initial=[500, 0]), MoveRules(max_move_speed=200.0), 2)
    assert run.on_links[0] == 500 and run.occupancy[0, 1] == 0
    assert run.occupancy[1, 1] == 500


def test_start_on_foot():
    net = line_network([CONFLICT, CAMP], [50.0])
    rules = MoveRules(start_on_foot=True, max_walk_speed=35.0, max_move_speed=200.0)
    run = simulate(net, drivers(net, 2, initial=[300, 0]), rules, 2)
    assert run.on_links[0] == 300  # 35 km walked of 50
    assert run.occupancy[1, 1] == 300  # 70 km > 50 on day 1


def test_avoid_short_stints_forces_town_departure():
    # a town with default move chance 0: without the rule agents stop there
    net = line_network([CONFLICT, TOWN, CAMP], [20.0, 20.0])
    base = {"default_movechance": 0.0, "conflict_weight": 0.0, "max_move_speed": 200.0}
    stay = simulate(net, drivers(net, 1, initial=[400, 0, 0]), MoveRules(**base), 4)
    go = simulate(
        net, drivers(net, 1, initial=[400, 0, 0]), MoveRules(avoid_short_stints=True, **base), 4
    )
    assert stay.occupancy[0, 1] == 400
    assert go.occupancy[0, 2] == 400


def test_marker_is_passed_through_and_never_an_end():
    net = line_network([CONFLICT, PlaceKind.MARKER, CAMP], [10.0, 10.0])
    table = enumerate_routes(net, 1)
    ends_from_conflict = table.end[table.offsets[0] : table.offsets[1]].tolist()
    assert ends_from_conflict == [2]
    assert table.km[table.offsets[0]] == 20.0


def test_awareness_two_lists_two_hop_routes():
    net = line_network([CONFLICT, TOWN, CAMP], [10.0, 10.0])
    table = enumerate_routes(net, 2)
    ends = table.end[table.offsets[0] : table.offsets[1]].tolist()
    assert ends == [1, 2]


def test_closed_link_is_not_taken():
    net = line_network([CAMP, CONFLICT, CAMP], [20.0, 20.0])
    d = drivers(net, 1, conflict_places=(1,), initial=[0, 500, 0])
    d.link_capacity[0, net.link_index("p1", "p0")[0]] = 0
    run = simulate(net, d, MoveRules(max_move_speed=5.0), 1)
    assert run.link_entries[0, net.link_index("p1", "p0")[0]] == 0
    assert run.link_entries[0].sum() == 500


def test_daily_link_quota():
    net = line_network([CONFLICT, CAMP], [500.0])
    d = drivers(net, 3, initial=[1000, 0])
    d.link_capacity[:, net.link_index("p0", "p1")[0]] = 100
    run = simulate(net, d, MoveRules(), 1)
    assert run.link_entries[:, 0].tolist() == [100, 100, 100]
    assert run.occupancy[2, 0] == 700


def test_refugee_table_spawning_follows_conflict_weights():
    net = line_network([CONFLICT, CONFLICT, CAMP], [1000.0, 1000.0], population=[3000, 1000, 0])
    d = drivers(net, 1, conflict_places=(0, 1), new=[N])
    run = simulate(net, d, MoveRules(), 9)
    assert run.spawned[0] == N
    from_first = run.link_entries[0, net.link_index("p0", "p1")[0]]
    assert within(from_first, 0.75, N)


@pytest.mark.parametrize(
    ("mode", "rate", "expected"),
    [("constant", 40.0, [20, 0, 0]), ("pop_ratio", 0.01, [15, 0, 0])],
)
def test_conflict_driven_spawning(mode, rate, expected):
    net = line_network([CONFLICT, TOWN, CAMP], [1000.0, 1000.0], population=[3000, 1000, 0])
    rules = MoveRules(
        conflict_driven_spawning=True, conflict_spawn_mode=mode, displaced_per_conflict_day=rate
    )
    run = simulate(net, drivers(net, 2, intensity=0.5), rules, 1)
    # constant: int(40 * 0.5) = 20; pop_ratio: int(0.01 * 3000 * 0.5) = 15, per day
    assert run.spawned.tolist() == [expected[0]] * 2


def test_take_from_population_caps_spawning_where_flee_stops():
    """Enclave's extension, not Flee's rule: Flee 3.1's addAgent asserts and stops the run
    when a conflict zone has no people left; Enclave spawns what is left and counts the
    rest as unplaced (listed in the README)."""
    net = line_network([CONFLICT, CAMP], [1000.0], population=[50, 0])
    rules = MoveRules(
        conflict_driven_spawning=True, displaced_per_conflict_day=30, take_from_population=True
    )
    run = simulate(net, drivers(net, 3), rules, 1)
    assert run.spawned.tolist() == [30, 20, 0]
    assert run.unplaced.tolist() == [0, 10, 30]


def test_camps_as_sinks_remove_agents_an_extension():
    """Enclave's extension, not Flee's rule: Flee 3.1 sets a deactivated agent's location
    to None but leaves the camp's count as it was (and a deactivation_probability read
    from a CSV is a string there, which fails); Enclave removes the agent from the count.
    On the Flee-instance path the probability is always 0 (listed in the README)."""
    net = line_network([TOWN, CAMP], [10.0])
    net = net.__class__(**{**net.__dict__, "deactivation_probability": np.array([0.0, 0.5])})
    rules = MoveRules(camps_are_sinks=True, camp_movechance=0.0)
    run = simulate(net, drivers(net, 1, conflict_places=(), initial=[0, N]), rules, 1)
    assert within(run.removed[0], 0.5, N)
    assert run.occupancy[0, 1] + run.removed[0] == N


def test_initial_departures_count_each_day0_agent_once():
    # residents of a camp that the conflict reaches leave; they are counted when they first
    # leave, not again when they move on
    net = line_network([CAMP, TOWN, TOWN], [5.0, 5.0])
    d = drivers(net, 4, conflict_places=(0,), initial=[300, 0, 0], new=[0, 0, 0, 0])
    run = simulate(net, d, MoveRules(default_movechance=1.0, max_move_speed=3.0), 1)
    assert run.initial_departures[:, 0].tolist() == [300, 0, 0, 0]
    assert run.initial_departures[:, 1:].sum() == 0
    assert run.link_entries.sum() > 300  # they did move again


def test_conflict_ending_at_a_camp_leaves_a_town_with_the_default_move_chance():
    """Flee's remove_conflict_zone sets the default move chance and town=True whatever the
    place's type: camp residents leave at 0.3 a day after the conflict there ends."""
    net = line_network([CAMP, TOWN], [1000.0])
    d = drivers(net, 3, conflict_places=(), initial=[N, 0])
    d.conflict[0, 0] = 1.0  # conflict at the camp on day 0 only
    rules = MoveRules(camp_movechance=0.0, default_movechance=0.3, conflict_movechance=0.0)
    run = simulate(net, d, rules, 1)
    left = N - run.occupancy[1, 0]
    assert within(left, 0.3, N)
