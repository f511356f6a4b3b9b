"""Ground fighting brings out people who would not leave under air strikes (issue 8)."""

import numpy as np
import pytest
from tests.displacement.helpers import CAMP, TOWN, drivers, line_network, pop_ratio_rules

from enclave.displacement.engine import simulate
from enclave.ensemble.inputs import central_values, ground_joiners, member_inputs, people
from enclave.scenario import loads

A, B = 0, 1


def _case(small_text, share=(0.0, 1.0)):
    lo, hi = share
    return loads(
        small_text.replace(
            "  camp_occupancy: {low: 0.8, high: 1.2, source: test}\n",
            "  camp_occupancy: {low: 0.8, high: 1.2, source: test}\n"
            f"  ground_leave_share: {{low: {lo}, high: {hi}, source: test, calibrate: true}}\n",
        )
    )


def test_joiners_come_on_the_first_ground_day_only(small_text):
    case = _case(small_text)
    values = dict(central_values(case), ground_leave_share=0.8)
    ppl = people(case, values)
    assert np.allclose(ppl.willing + ppl.unwilling, ppl.population)
    attack = member_inputs(case, case.scenario("attack"), values, scale=1)
    intensity = attack.timeline.intensity
    joined = ground_joiners(intensity, ppl.unwilling, values)
    # A: ground fighting from day 0 (lead day), B from day 3; both once, 0.8 x unwilling
    assert np.flatnonzero(joined[:, A]).tolist() == [0]
    assert np.flatnonzero(joined[:, B]).tolist() == [3]
    assert joined[0, A] == pytest.approx(0.8 * ppl.unwilling[A])
    assert joined[3, B] == pytest.approx(0.8 * ppl.unwilling[B])
    assert joined.sum() == pytest.approx(joined[0, A] + joined[3, B])
    assert np.array_equal(attack.drivers.pool_added, np.rint(joined).astype(np.int64))
    # strikes at 0.5 are not ground fighting: nobody joins
    quiet = member_inputs(case, case.scenario("quiet"), values, scale=1)
    assert quiet.drivers.pool_added is None
    # share 0 (and cases without the input) leave the pool as it was
    none = member_inputs(case, case.scenario("attack"), dict(values, ground_leave_share=0.0), 1)
    assert none.drivers.pool_added is None
    assert loads(small_text).inputs.ground_leave_share.high == 0.0


def _two_places(pool_added=None, days=30):
    net = line_network([TOWN, CAMP], [10.0], population=[100, 0])
    return net, drivers(net, days, pool_added=pool_added), pop_ratio_rules(0.5)


def test_engine_spawns_from_the_added_people():
    days = 30
    net, drivers, rules = _two_places(days=days)
    before = simulate(net, drivers, rules, seed=1).spawned
    assert before.sum() == 99  # floor(0.5 x pop) a day: all but the last one leave
    added = np.zeros((days, 2), dtype=np.int64)
    added[10, 0] = 60
    net, drivers, rules = _two_places(added, days)
    after = simulate(net, drivers, rules, seed=1).spawned
    assert after[:10].tolist() == before[:10].tolist()  # nothing changes before day 10
    assert after[10] == 30  # floor(0.5 x (1 + 60)) on the day they join
    assert after.sum() - before.sum() == 60  # the one left behind stays behind
    with pytest.raises(ValueError, match="pool_added"):
        simulate(net, _two_places(added[:5], days)[1], rules, seed=1)


def test_carried_state_keeps_the_unwilling_who_were_never_reached(small_text):
    from enclave.calibration.backtest import carried_state

    case = _case(small_text, (0.5, 0.5))
    values = dict(central_values(case), ground_leave_share=0.5)
    quiet = case.model_copy(update={"scenarios": [case.scenario("quiet")]})
    attack = case.model_copy(update={"scenarios": [case.scenario("attack")]})
    ppl = people(case, values)
    _, _, unwilling = carried_state(quiet, quiet, values, scale=1, seed=0)
    assert np.allclose(unwilling, ppl.unwilling)  # strikes only: nobody joined
    willing, _, unwilling = carried_state(attack, attack, values, scale=1, seed=0)
    assert unwilling[A] == pytest.approx(0.5 * ppl.unwilling[A])
    assert unwilling[B] == pytest.approx(0.5 * ppl.unwilling[B])
    assert (willing >= 0).all() and (willing <= ppl.willing + ppl.unwilling).all()
