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


BORDER_PLACES = [
    ("Alpha", "Home", "conflict_zone", 10000),
    ("Mark", "Abroad", "marker", 0),
    ("Kamp", "Abroad", "camp", 0),
]
BORDER_ROUTES = [("Alpha", "Mark", 500), ("Mark", "Kamp", 50)]
BORDER_SETTINGS = QUIET + "move_rules:\n  max_move_speed: 200.0\n  conflict_movechance: 1.0\n"


def test_agent_sent_back_from_a_closed_border_drops_the_rest_of_its_route(tmp_path):
    """100 agents set off on day 1 from Alpha along Alpha->Mark (500 km) towards Kamp; the
    border closes on day 2 while they are on the road, so on arrival they are sent back to
    Alpha. In Flee their route's rest (Kamp) does not start at Alpha: the next move attempt
    drops it, and with the border closed nobody leaves Alpha again. (Before the fix Enclave
    took Mark->Kamp from Alpha and put all 100 in the camp.)"""
    days = 8
    inst, val, st = write_instance(
        tmp_path,
        BORDER_PLACES,
        BORDER_ROUTES,
        BORDER_SETTINGS,
        days,
        refugees=[(0, 0), (1, 100), (days, 100)],
        closures=[("country", "Home", "Abroad", 2, 100)],
    )
    flee = flee_run(inst, val, st, days=days, seed=3, record_places=True)
    ours = _enclave(inst, val, st, days)
    names = list(ours.instance.network.names)
    alpha, kamp = names.index("Alpha"), names.index("Kamp")
    assert flee.occupancy[-1, flee.places.index("Alpha")] == 100
    assert flee.occupancy[-1, flee.places.index("Kamp")] == 0
    assert ours.result.occupancy[-1, alpha] == 100
    assert ours.result.occupancy[-1, kamp] == 0


@pytest.mark.parametrize("name1", ["Alpha", "A"])
def test_link_closure_under_flee_compat_is_flee_31(tmp_path, name1):
    """Flee 3.1 compares place names by identity when it closes a link: with names of
    several characters it closes nothing, with a one-character name1 it closes
    name2->name1 only. ``flee_compat`` does the same; by default Enclave closes the road
    both ways, as Flee's close_link(twoway=True) intends (a listed difference)."""
    days = 4
    places = [(name1, "Home", "conflict_zone", 10000), ("Kamp", "Home", "camp", 0)]
    inst, val, st = write_instance(
        tmp_path,
        places,
        [(name1, "Kamp", 100)],
        BORDER_SETTINGS,
        days,
        refugees=[(0, 0), (1, 100), (days, 100)],
        closures=[("link", name1, "Kamp", 0, 100)],
    )
    flee = flee_run(inst, val, st, days=days, seed=3, record_places=True)
    compat = _enclave(inst, val, st, days, flee_compat=True)
    default = _enclave(inst, val, st, days)
    kamp = list(compat.instance.network.names).index("Kamp")
    flee_kamp = flee.occupancy[-1, flee.places.index("Kamp")]
    assert flee_kamp == 100  # the forward link stays open in Flee 3.1 either way
    assert compat.result.occupancy[-1, kamp] == flee_kamp
    assert default.result.occupancy[-1, kamp] == 0
    back = compat.instance.network.link_index("Kamp", name1)[0]
    assert (compat.instance.link_capacity[:, back] == 0).all() == (len(name1) == 1)


def test_out_csv_is_flee_31s_on_a_deterministic_run(tmp_path):
    """On a run whose outcome no draw changes (the closed-border case), Enclave's out.csv
    equals the one the v3.1 run script writes, byte for byte (rounding included)."""
    from enclave.displacement.flee_run import out_csv_lines

    days = 8
    inst, val, st = write_instance(
        tmp_path,
        BORDER_PLACES,
        BORDER_ROUTES,
        BORDER_SETTINGS,
        days,
        refugees=[(0, 0), (1, 100), (days, 100)],
        closures=[("country", "Home", "Abroad", 2, 100)],
    )
    (val / "kamp.csv").write_text("Date,count\n2020-01-01,0\n2020-01-04,3\n2020-01-09,7\n")
    flee_run(inst, val, st, days=days, seed=3, out_csv=tmp_path / "flee.csv")
    ours = _enclave(inst, val, st, days)
    flee_lines = (tmp_path / "flee.csv").read_text().splitlines()
    assert out_csv_lines(ours) == flee_lines
