"""Small hand-made networks for rule-level tests."""

from __future__ import annotations

import numpy as np

from enclave.displacement.api import Drivers
from enclave.displacement.network import Network, PlaceKind


def line_network(kinds, km, capacity=None, population=None, countries=None):
    """Places 0..n-1 in a line joined by roads of the given lengths."""
    n = len(kinds)
    return Network.build(
        [f"p{i}" for i in range(n)],
        [int(k) for k in kinds],
        countries or ["home"] * n,
        population if population is not None else [1000] * n,
        capacity if capacity is not None else [-1] * n,
        [0.0] * n,
        [0.0] * n,
        [(i, i + 1, km[i]) for i in range(n - 1)],
    )


def drivers(network, days, conflict_places=(0,), new=None, initial=None, intensity=1.0, **extra):
    conflict = np.zeros((days, network.n_places), dtype=np.float32)
    conflict[:, list(conflict_places)] = intensity
    return Drivers(
        conflict=conflict,
        conflict_onset=np.zeros((days, network.n_places), dtype=np.int32),
        link_capacity=np.full((days, network.n_links), -1, dtype=np.int64),
        initial_agents=np.asarray(
            initial if initial is not None else np.zeros(network.n_places), dtype=np.int64
        ),
        new_displaced=None if new is None else np.asarray(new, dtype=np.int64),
        **extra,
    )


def pop_ratio_rules(rate: float):
    """Flee's conflict-driven ``pop_ratio`` spawning at ``rate``, taking from the population."""
    from enclave.displacement.rules import MoveRules

    return MoveRules(
        conflict_driven_spawning=True,
        conflict_spawn_mode="pop_ratio",
        take_from_population=True,
        displaced_per_conflict_day=rate,
    )


TOWN, CONFLICT, CAMP = PlaceKind.TOWN, PlaceKind.CONFLICT_ZONE, PlaceKind.CAMP
