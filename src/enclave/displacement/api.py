"""Engine inputs and outputs: the contract between the scenario/Flee readers and the kernel."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Drivers:
    """What happens, day by day: conflict, closures/quotas, and how many people are displaced.

    - ``conflict[d, p]``: conflict intensity of place p on day d as the engine sees it
      (0 = not a conflict zone). A conflict zone has the conflict move chance, a score of
      ``conflict_weight ** (decay * intensity)`` and a spawn weight ``population * intensity
      * decay``.
    - ``conflict_onset[d, p]``: the day the conflict at p (last) began, for the decay of
      ``conflict_spawn_decay`` (Flee's ``time_of_conflict``; -1 = before the run).
    - ``link_capacity[d, l]``: -1 open without limit, 0 closed, n > 0 at most n agents may
      enter link l on day d (a border quota).
    - ``link_rate[d, l]`` (optional): where > 0, link l's quota on day d is this many agents
      a day *on average*, fractions included (``link_capacity`` is then ignored there):
      a bucket fills by the rate each day, holds at most ``ceil(rate)`` agents (at least
      one), and each agent that enters the link takes one out
      (:func:`engine.quota_bucket`). A quota in people then becomes agents a day that do
      not depend on how many people an agent stands for: rounding each day's quota would
      make a road with 4 people a day at 20 people an agent carry nobody, or, with a
      floor of one agent, five times its quota.
    - ``new_displaced[d]``: agents to spawn on day d, spread over places in proportion to
      their spawn weight (Flee's refugee-table driven spawning). ``None`` = conflict-driven
      spawning from the rules (``conflict_driven_spawning``).
    - ``initial_agents[p]``: agents present at p on day 0 (Flee's day-0 camp stocks, a
      scenario's people already displaced); they are created in place order before day 0.
    - ``pool_added[d, p]`` (optional): people (in agents) who join place p's population that
      conflict-driven spawning draws from, at the start of day d: those who would not leave
      under air strikes but do once ground fighting reaches them (not in Flee, whose
      population only falls).
    - ``people_per_agent``: how many people one agent stands for (1 in a Flee instance).
      Conflict-driven ``pop_ratio`` spawning then floors in people, as Flee does with one
      agent per person, and carries the fraction of an agent to the next day
      (:func:`engine.spawn_counts`): flooring in agents would drop up to one agent per
      place and day, which at 80 people an agent and a low rate is most of the flow.
    """

    conflict: np.ndarray  # float32 [D, P]
    conflict_onset: np.ndarray  # int32 [D, P]
    link_capacity: np.ndarray  # int64 [D, L]
    initial_agents: np.ndarray  # int64 [P]
    new_displaced: np.ndarray | None = None  # int64 [D]
    link_rate: np.ndarray | None = None  # float64 [D, L]
    pool_added: np.ndarray | None = None  # int64 [D, P]
    people_per_agent: int = 1

    @property
    def days(self) -> int:
        return int(self.conflict.shape[0])


@dataclass(frozen=True)
class SimResult:
    """Daily counts of one run (all arrays indexed by day first).

    ``occupancy[d, p]``: agents at place p at the end of day d (agents on a road are not at
    a place; they are in ``on_links``). ``arrivals[d, p]``: agents that arrived at p on day d
    (an agent passing through several places in a day arrives at each).
    ``link_entries[d, l]``: agents that set off along link l on day d. ``spawned[d]``: agents
    created on day d (day 0 includes ``initial_agents``); ``removed[d]``: agents that left
    the model on day d (camps as sinks). ``initial_departures[d, p]``: agents present on
    day 0 (``initial_agents``) that left place p for the first time on day d, so that people
    already displaced who flee again are counted once each. Mass conservation: ``cumsum(spawned) ==
    occupancy.sum(1) + on_links + cumsum(removed)``.
    """

    occupancy: np.ndarray
    arrivals: np.ndarray
    link_entries: np.ndarray
    on_links: np.ndarray
    spawned: np.ndarray
    removed: np.ndarray
    unplaced: np.ndarray  # agents that could not be spawned (no place with spawn weight)
    initial_departures: np.ndarray  # [D, P] day-0 agents leaving place p for the first time
    agent_steps: int
    seconds: float
    seed: int

    @property
    def agents_alive(self) -> np.ndarray:
        return np.cumsum(self.spawned) - np.cumsum(self.removed)
