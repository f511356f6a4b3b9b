"""Draw a report's independent figures on several cores.

The maps and series of the scenarios are most of the report's time and do not depend on
one another. After the ensemble the pool's workers have stopped, so the report would run
on one core while the others idle. ``draw_all`` forks worker processes that inherit the
loaded modules (matplotlib, fonts) and the state the figures read, without pickling the
Dataset, and draws each job in one of them; results come back in job order, and each is
the PNG that the same call gives in this process (Agg draws the same bytes anywhere).

Fork is used only where it is safe: a POSIX ``fork`` start method and no other thread in
this process (a forked copy of a running thread's locks can deadlock). Otherwise, and with
one worker, everything is drawn here, one job after another.
"""

from __future__ import annotations

import multiprocessing as mp
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any

_STATE: Any = None
_DRAW: Callable[[Any, Any], str] | None = None


def _child(job: Any) -> str:
    assert _DRAW is not None
    return _DRAW(_STATE, job)


def can_fork() -> bool:
    return "fork" in mp.get_all_start_methods() and threading.active_count() == 1


def draw_all(
    draw: Callable[[Any, Any], str], state: Any, jobs: Sequence[Any], workers: int = 1
) -> list[str]:
    """``[draw(state, job) for job in jobs]``, on up to ``workers`` forked processes."""
    global _STATE, _DRAW
    jobs = list(jobs)
    workers = min(int(workers), len(jobs))
    if workers <= 1 or not can_fork():
        return [draw(state, job) for job in jobs]
    _STATE, _DRAW = state, draw
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork")) as pool:
            return list(pool.map(_child, jobs))
    finally:
        _STATE, _DRAW = None, None
