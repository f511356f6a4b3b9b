"""Movement and spawning rules: Flee 3.1's settings as one frozen, validated object.

Field names are Flee's ``simsetting.yml`` keys; defaults are Flee 3.1's
(``flee.SimulationSettings.ReadFromYML``). Reading and checking a ``simsetting.yml`` file is
done at the edge (:mod:`enclave.displacement.flee_io`); the engine only sees this object.
"""

from __future__ import annotations

import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class MoveRules(BaseModel):
    """Flee's ``move_rules`` and ``spawn_rules`` that the engine honours."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    # move_rules
    max_move_speed: float = Field(360.0, gt=0, description="km/day on roads")
    max_walk_speed: float = Field(35.0, gt=0, description="km/day on foot (first hop)")
    max_crossing_speed: float = Field(
        20.0, gt=0, description="km/day over links marked as crossings (not used by Flee 3.1)"
    )
    foreign_weight: float = Field(1.0, ge=0)
    camp_weight: float = Field(1.0, ge=0)
    conflict_weight: float = Field(1.0 / math.sqrt(10.0), ge=0)
    conflict_movechance: float = Field(1.0, ge=0, le=1)
    camp_movechance: float = Field(0.001, ge=0, le=1)
    idpcamp_movechance: float = Field(0.1, ge=0, le=1)
    default_movechance: float = Field(0.3, ge=0, le=1)
    awareness_level: int = Field(1, ge=0, description="hops of route look-ahead (any, as Flee)")
    capacity_buffer: float = Field(0.9, gt=0, le=1)
    avoid_short_stints: bool = False
    start_on_foot: bool = False
    softening: float = Field(10.0, ge=0, description="km added to every route's length")
    weight_softening: float = Field(0.0, ge=0)
    weight_power: float = 1.0
    distance_power: float = 1.0
    movechance_pop_base: float = Field(10000.0, gt=0)
    movechance_pop_scale_factor: float = 0.0

    # spawn_rules
    take_from_population: bool = False
    insert_day0: bool = True
    conflict_zone_spawning_only: bool = True
    camps_are_sinks: bool = False
    conflict_spawn_decay: tuple[float, ...] | None = None
    conflict_spawn_decay_interval: int = Field(
        30, gt=0, description="days per decay step (Flee 3.1 hard-codes 30)"
    )
    conflict_driven_spawning: bool = False
    conflict_spawn_mode: Literal["constant", "poisson", "pop_ratio"] = "constant"
    displaced_per_conflict_day: float = Field(500.0, ge=0)

    # optimisations
    hasten: int = Field(1, ge=1, description="PopulationScaleDownFactor")

    def conflict_decay(self, days_since_onset: int) -> float:
        """Flee's ``get_conflict_decay``: a step function of the days since onset."""
        decay = self.conflict_spawn_decay
        if not decay:
            return 1.0
        i = min(int(days_since_onset / self.conflict_spawn_decay_interval), len(decay) - 1)
        return float(decay[i])
