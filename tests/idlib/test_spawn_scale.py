"""Conflict-driven spawning moves the same people whatever an agent stands for."""

import numpy as np

from enclave.displacement.api import Drivers
from enclave.displacement.engine import simulate
from enclave.displacement.network import Network
from enclave.displacement.rules import MoveRules

RULES = MoveRules(
    conflict_driven_spawning=True,
    conflict_spawn_mode="pop_ratio",
    take_from_population=True,
    displaced_per_conflict_day=0.01,
)


def _people_spawned(people: int, scale: int, days: int = 60) -> float:
    net = Network.build(
        ["origin", "camp"],
        [1, 2],
        ["x", "x"],
        [people // scale, 0],
        [-1, -1],
        [0, 0],
        [0, 0],
        [(0, 1, 10.0)],
    )
    drivers = Drivers(
        conflict=np.tile(np.array([0.3, 0.0], dtype=np.float32), (days, 1)),
        conflict_onset=np.zeros((days, 2), dtype=np.int32),
        link_capacity=np.full((days, net.n_links), -1, dtype=np.int64),
        initial_agents=np.array([0, 0]),
        people_per_agent=scale,
    )
    return float(simulate(net, drivers, RULES, seed=1).spawned.sum()) * scale


def test_same_people_leave_at_any_scale():
    # 0.01 x 0.3 x 40,000 people = 120 people a day at first: 3 agents of 40, 1.5 of 80
    exact = _people_spawned(40_000, 1)
    assert 6_000 < exact < 7_000  # about 40,000 x (1 - 0.997**60)
    for scale in (20, 40, 80, 400):
        assert abs(_people_spawned(40_000, scale) - exact) <= max(scale, 0.01 * exact), scale


def test_one_person_per_agent_is_flee_s_floor():
    # floor(0.01 x 0.3 x 200) = 0 a day: Flee moves nobody from a place of 200 people
    assert _people_spawned(200, 1) == 0
