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
    want = int(np.rint(0.02 * pop_a))
    assert want > 0
    cap = mi.drivers.link_capacity
    assert cap[:4, ag].tolist() == [0, 0, want, want]
    # nobody lives at the government end: the road back is closed under the share rule
    assert cap[2:4, ga].tolist() == [0, 0]
    # A-B is the front while B is opposition-held and A taken (days 4-6): B's people
    pop_b = people(case, values).population[B]
    ba = _link(geo, B, A)
    assert cap[4:7, ba].tolist() == [int(np.rint(0.02 * pop_b))] * 3
    assert cap[4:7, ab].tolist() == [0] * 3
    # rate 0 closes the front again
    closed = member_inputs(case, sc, dict(values, front_crossing_rate=0.0), scale=1)
    assert closed.drivers.link_capacity[2:4, ag].tolist() == [0, 0]


def test_old_cases_default_to_no_crossing_rate(small_text):
    case = loads(small_text)
    assert case.inputs.front_crossing_rate.high == 0.0
