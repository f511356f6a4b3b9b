"""Front crossing as a calibratable rate (issue 8, part 2), checked by hand on the tiny case."""

import numpy as np

from enclave.conflict import timeline
from enclave.ensemble.inputs import border_policies, central_values, member_inputs, people
from enclave.scenario import loads
from enclave.scenario.geography import geography

A, B, CAMP, X, T, G = range(6)


def _link(geo, a, b):
    return int(np.flatnonzero((geo.link_from == a) & (geo.link_to == b))[0])


def _share_case(small_text):
    text = small_text.replace(
        "{type: corridor, between: front, start: 2, policy: quota, quota_per_day: 50}",
        "{type: corridor, between: front, start: 2, policy: share}",
    ).replace(
        "  camp_occupancy: {low: 0.8, high: 1.2, source: test}\n",
        "  camp_occupancy: {low: 0.8, high: 1.2, source: test}\n"
        "  front_crossing_rate: {low: 0.0, high: 0.02, source: test, calibrate: true}\n",
    )
    return loads(text)


def test_share_corridor_quota_is_rate_times_people_at_origin(small_text):
    case = _share_case(small_text)
    assert case.inputs.front_crossing_rate.calibrate
    geo = geography(case)
    sc = case.scenario("attack")
    tl = timeline(sc, geo, border_policies(case, sc, None))
    ag, ga, ab = _link(geo, A, G), _link(geo, G, A), _link(geo, A, B)
    assert tl.crossing[:, ag].tolist() == [False, False, True, True] + [False] * 8
    assert tl.link_capacity[:4, ag].tolist() == [0, 0, -1, -1]
    values = dict(central_values(case), front_crossing_rate=0.02)
    mi = member_inputs(case, sc, values, scale=1)
    pop_a = people(case, values).population[A]
    want = 0.02 * pop_a  # people a day
    assert want > 1
    cap, rate = mi.drivers.link_capacity, mi.drivers.link_rate
    assert cap[:2, ag].tolist() == [0, 0]
    assert np.allclose(rate[2:4, ag], want)  # agents a day, fractions kept (scale 1)
    half = member_inputs(case, sc, values, scale=20).drivers.link_rate
    assert np.allclose(half[2:4, ag], want / 20)
    # nobody lives at the government end: the road back is closed under the share rule
    assert cap[2:4, ga].tolist() == [0, 0] and (rate[2:4, ga] == 0).all()
    # A-B is the front while B is opposition-held and A taken (days 4-6): B's people
    pop_b = people(case, values).population[B]
    ba = _link(geo, B, A)
    assert np.allclose(rate[4:7, ba], 0.02 * pop_b)
    assert cap[4:7, ab].tolist() == [0] * 3
    # rate 0 closes the front again
    closed = member_inputs(case, sc, dict(values, front_crossing_rate=0.0), scale=1)
    assert closed.drivers.link_capacity[2:4, ag].tolist() == [0, 0]


def test_old_cases_default_to_no_crossing_rate(small_text):
    case = loads(small_text)
    assert case.inputs.front_crossing_rate.high == 0.0


def test_quota_bucket_passes_fractions_of_an_agent():
    """A quota below one agent a day neither rounds to nothing nor to one agent a day."""
    from enclave.displacement.engine import quota_bucket

    rate = np.array([0.2, 2.5, 0.0])
    tokens = np.zeros(3)
    passed = np.zeros(3)
    for _day in range(100):  # everyone queues: the quota binds every day
        tokens, whole = quota_bucket(tokens, rate)
        passed += whole
        tokens -= whole
    assert passed.tolist() == [20, 250, 0]
    # nobody comes: the bucket holds one agent (0.2 a day) or one day's quota rounded up
    tokens, whole = np.zeros(3), None
    for _day in range(30):
        tokens, whole = quota_bucket(tokens, rate)
    assert whole.tolist() == [1, 3, 0] and np.allclose(tokens, [1.0, 3.0, 0.0])


def test_fractional_quota_through_the_engine():
    """A road with 0.25 agents a day, with people queueing at it, passes a quarter agent a
    day over the run; one that nobody queues for passes everyone who comes."""
    from enclave.displacement.api import Drivers
    from enclave.displacement.engine import simulate
    from enclave.displacement.network import Network
    from enclave.displacement.rules import MoveRules

    net = Network.build(
        ["origin", "camp"],
        [1, 2],
        ["x", "x"],
        [400, 0],
        [-1, -1],
        [0, 0],
        [0, 0],
        [(0, 1, 10.0)],
    )
    days = 80
    out = int(np.flatnonzero((net.link_from == 0) & (net.link_to == 1))[0])
    rate = np.zeros((days, net.n_links))
    rate[:, out] = 0.25
    cap = np.full((days, net.n_links), -1, dtype=np.int64)
    cap[:, out] = 1
    drivers = Drivers(
        conflict=np.tile(np.array([1.0, 0.0], dtype=np.float32), (days, 1)),
        conflict_onset=np.zeros((days, 2), dtype=np.int32),
        link_capacity=cap,
        initial_agents=np.array([200, 0]),
        link_rate=rate,
    )
    res = simulate(net, drivers, MoveRules(), seed=3)
    assert res.link_entries[:, out].sum() == 20
    assert res.link_entries[:, out].max() == 1


def test_a_full_crossing_does_not_hold_people_who_have_another_road():
    """Under fire, with a crossing that takes a quarter agent a day and an open road to a
    camp, people leave by the road: drawing the full crossing does not keep them home."""
    from enclave.displacement.api import Drivers
    from enclave.displacement.engine import simulate
    from enclave.displacement.network import Network
    from enclave.displacement.rules import MoveRules

    # the crossing (5 km to "government") weighs far more than the road (80 km to camp)
    net = Network.build(
        ["origin", "government", "camp"],
        [1, 2, 2],
        ["x", "x", "x"],
        [400, 0, 0],
        [-1, -1, -1],
        [0, 0, 0],
        [0, 0, 0],
        [(0, 1, 5.0), (0, 2, 80.0)],
    )
    days = 12
    cross = int(np.flatnonzero((net.link_from == 0) & (net.link_to == 1))[0])
    rate = np.zeros((days, net.n_links))
    rate[:, cross] = 0.25
    cap = np.full((days, net.n_links), -1, dtype=np.int64)
    cap[:, cross] = 1
    drivers = Drivers(
        conflict=np.tile(np.array([1.0, 0.0, 0.0], dtype=np.float32), (days, 1)),
        conflict_onset=np.zeros((days, 3), dtype=np.int32),
        link_capacity=cap,
        initial_agents=np.array([300, 0, 0]),
        link_rate=rate,
    )
    res = simulate(net, drivers, MoveRules(), seed=5)
    assert res.link_entries[:, cross].sum() <= 3  # the quota: 0.25 a day
    assert res.occupancy[3, 0] == 0  # everyone else left by the road within days
    # nobody lost: the crossing's few, the rest at the camp or still on the road
    assert res.link_entries[:, cross].sum() + res.occupancy[-1, 2] + res.on_links[-1] == 300


def test_a_quota_with_no_whole_agent_today_sends_nobody_back():
    """A fractional quota is a limit on who enters, not a closure: on a day it has no whole
    agent, those already on the road (here 1,000 km, about three days) still arrive; a
    closed link would send them back to where they set off."""
    from enclave.displacement.api import Drivers
    from enclave.displacement.engine import simulate
    from enclave.displacement.network import Network
    from enclave.displacement.rules import MoveRules

    net = Network.build(
        ["origin", "camp"], [1, 2], ["x", "x"], [400, 0], [-1, -1], [0, 0], [0, 0],
        [(0, 1, 1000.0)],
    )  # fmt: skip
    days = 40
    out = int(np.flatnonzero((net.link_from == 0) & (net.link_to == 1))[0])
    rate = np.zeros((days, net.n_links))
    rate[:, out] = 0.25  # one agent every fourth day: 0 whole agents on the days between
    cap = np.full((days, net.n_links), -1, dtype=np.int64)
    cap[:, out] = 1
    drivers = Drivers(
        conflict=np.tile(np.array([1.0, 0.0], dtype=np.float32), (days, 1)),
        conflict_onset=np.zeros((days, 2), dtype=np.int32),
        link_capacity=cap,
        initial_agents=np.array([200, 0]),
        link_rate=rate,
    )
    res = simulate(net, drivers, MoveRules(), seed=3)
    entered_early = int(res.link_entries[: days - 4, out].sum())
    assert entered_early >= 8
    assert res.occupancy[-1, 1] >= entered_early  # every one of them reached the camp
