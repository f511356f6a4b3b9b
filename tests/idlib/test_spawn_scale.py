"""Conflict-driven spawning moves the same people whatever an agent stands for."""

from tests.displacement.helpers import CAMP, TOWN, drivers, line_network, pop_ratio_rules

from enclave.displacement.engine import simulate


def _people_spawned(people: int, scale: int, days: int = 60) -> float:
    net = line_network([TOWN, CAMP], [10.0], population=[people // scale, 0])
    d = drivers(net, days, intensity=0.3, people_per_agent=scale)
    return float(simulate(net, d, pop_ratio_rules(0.01), seed=1).spawned.sum()) * scale


def test_same_people_leave_at_any_scale():
    # 0.01 x 0.3 x 40,000 people = 120 people a day at first: 3 agents of 40, 1.5 of 80
    exact = _people_spawned(40_000, 1)
    assert 6_000 < exact < 7_000  # about 40,000 x (1 - 0.997**60)
    for scale in (20, 40, 80, 400):
        assert abs(_people_spawned(40_000, scale) - exact) <= max(scale, 0.01 * exact), scale


def test_one_person_per_agent_is_flee_s_floor():
    # floor(0.01 x 0.3 x 200) = 0 a day: Flee moves nobody from a place of 200 people
    assert _people_spawned(200, 1) == 0
