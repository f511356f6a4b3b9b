"""Single rules against the real Flee 3.1 on hand-made instances (review of issue 9).

Each case writes one small Flee instance folder, runs Flee 3.1 (``benchmarks/flee_driver``)
and Enclave's ``run_flee`` on it, and compares what Flee's rule fixes exactly (counts that
do not depend on the draws), or, where draws matter, shares over a few seeds.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import pytest

pytest.importorskip("flee", reason="Flee 3.1 is not installed (pip install -e .[bench])")
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

from enclave.displacement.flee_run import run_flee as enclave_run  # noqa: E402
from flee_driver import run_flee as flee_run  # noqa: E402
from flee_driver import write_instance  # noqa: E402

QUIET = "log_levels:\n  agent: 0\n  camp: 0\n  init: 0\n  conflict: 0\n  link: 0\n"


def _enclave(inst, val, settings, days, seed=0, **kw):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return enclave_run(inst, val, settings, days=days, seed=seed, **kw)


def test_conflict_driven_spawning_replaces_the_refugee_table(tmp_path):
    """Flee's spawn_daily_displaced checks conflict_driven_spawning first: 100 a day from
    the conflict zone, whatever refugees.csv says (it says 10 a day here)."""
    days = 5
    settings = QUIET + (
        "spawn_rules:\n  conflict_driven_spawning:\n    spawn_mode: constant\n"
        "    displaced_per_conflict_day: 100\n"
        "move_rules:\n  conflict_movechance: 0.5\n"
    )
    places = [
        ("Alpha", "Home", "conflict_zone", 10000),
        ("Beta", "Home", "town", 1000),
        ("Kamp", "Abroad", "camp", 0),
    ]
    routes = [("Alpha", "Beta", 100), ("Beta", "Kamp", 100)]
    refugees = [(d, 10 * d) for d in range(days + 1)]
    inst, val, st = write_instance(tmp_path, places, routes, settings, days, refugees=refugees)
    flee = flee_run(inst, val, st, days=days, seed=1)
    ours = _enclave(inst, val, st, days)
    assert list(flee.agents) == [100 * (d + 1) for d in range(days)]
    assert list(ours.result.agents_alive) == list(flee.agents)
