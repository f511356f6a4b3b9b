"""Readers on the four published instances, and on small broken copies."""

from __future__ import annotations

import shutil
import warnings
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from enclave.cli import main
from enclave.displacement.flee_io import read_closures, read_conflicts, read_instance
from enclave.displacement.settings import read_settings
from enclave.errors import EnclaveInputError, EnclaveInputWarning

from ..conftest import INSTANCES
from .helpers import line_network


@pytest.mark.parametrize("name", sorted(INSTANCES))
def test_published_instances_load_with_quirks_as_warnings(flee_data, name):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        instance = read_instance(flee_data / "instances" / name)
    assert instance.network.n_places > 20
    assert instance.conflict.shape == (instance.length, instance.network.n_places)
    assert all(issubclass(w.category, EnclaveInputWarning) for w in caught)
    if name == "burundi":
        text = " ".join(str(w.message) for w in caught)
        assert "'Isale'" in text and "'Gitega-Ruyigi'" in text and "trailing comma" in text


def test_instance_periods_and_sizes(flee_data):
    mali = read_instance(flee_data / "instances" / "mali")
    assert mali.start_date == date(2012, 2, 29) and mali.length == 300
    assert mali.network.n_places == 23 and mali.network.n_links == 70
    assert len(mali.camps) == 7


def test_conflict_state_machine_follows_flee(tmp_path):
    net = line_network([0, 0], [10.0])
    (tmp_path / "conflicts.csv").write_text(
        "#Day,p0,p1\n" + "".join(f"{d},{v},0\n" for d, v in enumerate([0, 1, 1, 0, 0.5, 0.5, 0]))
    )
    conflict, onset = read_conflicts(tmp_path / "conflicts.csv", net, 7, [1.0, 1.0])
    # rises -> conflict (onset that day); drops after exactly 1 -> ends; drops after 0.5 ->
    # stays a conflict zone (Flee 3.1 removes a zone only when the previous day was 1)
    assert conflict[:, 0].tolist() == [0, 1, 1, 0, 0.5, 0.5, 0.5]
    assert onset[:, 0].tolist() == [-1, 1, 1, 1, 4, 4, 4]


def test_closures_country_location_and_link(tmp_path):
    net = line_network([0, 0, 0], [10.0, 10.0], countries=["A", "A", "B"])
    path = tmp_path / "closures.csv"
    path.write_text("#type,n1,n2,start,end\ncountry,A,B,1,3\nlink,p0,p1,0,2\n")
    fixed = read_closures(path, net, 4)
    compat = read_closures(path, net, 4, flee_compat=True)
    a_to_b, b_to_a = net.link_index("p1", "p2")[0], net.link_index("p2", "p1")[0]
    assert fixed[:, a_to_b].tolist() == [-1, 0, 0, -1]
    assert fixed[:, b_to_a].tolist() == [-1, 0, 0, -1]
    p0p1, p1p0 = net.link_index("p0", "p1")[0], net.link_index("p1", "p0")[0]
    assert fixed[:, p0p1].tolist() == [0, 0, -1, -1]
    # Flee 3.1 compares names by identity: a link closure of multi-character names
    # closes nothing
    assert compat[:, p0p1].tolist() == [-1, -1, -1, -1]
    assert compat[:, p1p0].tolist() == [-1, -1, -1, -1]
    assert compat[:, a_to_b].tolist() == [-1, 0, 0, -1]


def test_closures_follow_flee_events_day_by_day(tmp_path):
    """Start before day 0 never closes; of two overlapping closures the first reopening
    wins (Flee's enact_border_closures acts on the start and end days only)."""
    net = line_network([0, 0, 0], [10.0, 10.0], countries=["A", "A", "B"])
    path = tmp_path / "closures.csv"
    path.write_text("#type,n1,n2,start,end\ncountry,A,B,-1,3\nlocation,p0,,1,3\nlocation,p0,,2,5\n")
    cap = read_closures(path, net, 6)
    a_to_b = net.link_index("p1", "p2")[0]
    p0p1 = net.link_index("p0", "p1")[0]
    assert cap[:, a_to_b].tolist() == [-1] * 6
    assert cap[:, p0p1].tolist() == [-1, 0, 0, -1, -1, -1]


def _copy(flee_data: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "mali"
    shutil.copytree(flee_data / "instances" / "mali", folder)
    return folder


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


BROKEN = {
    "missing file": (lambda f: (f / "routes.csv").unlink(), "routes.csv", "file not found"),
    "unparsable row": (
        lambda f: _edit(f / "routes.csv", "Douentza,Mentao,487", "Douentza,Mentao,far"),
        "routes.csv:line 2",
        "distance must be a number",
    ),
    "unknown place": (
        lambda f: _edit(f / "routes.csv", "Douentza,Mentao", "Douentza,Atlantis"),
        "routes.csv:line 2",
        "'Atlantis', which is not in locations.csv",
    ),
    "zero distance": (
        lambda f: _edit(f / "routes.csv", "Douentza,Mentao,487", "Douentza,Mentao,0"),
        "routes.csv:line 2",
        "distance must be positive",
    ),
    "negative distance": (
        lambda f: _edit(f / "routes.csv", "Douentza,Mentao,487", "Douentza,Mentao,-5"),
        "routes.csv:line 2",
        "distance must be positive",
    ),
    "duplicate location": (
        lambda f: _edit(f / "locations.csv", '"Timbuktu","Timbuktu"', '"Kidal","Timbuktu"'),
        "locations.csv:line 3",
        "duplicate location 'Kidal'",
    ),
    "bad period": (
        lambda f: [
            _edit(f / "conflict_period.csv", "2012-02-29", "29/02/2012"),
            (f / "sim_period.csv").unlink(),
        ],
        "conflict_period.csv:line 1",
        "date must be YYYY-MM-DD",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_instance_gives_one_line_and_exit_2(flee_data, tmp_path, capsys, case):
    folder = _copy(flee_data, tmp_path)
    breaker, where, problem = BROKEN[case]
    breaker(folder)
    with pytest.raises(EnclaveInputError) as err:
        read_instance(folder)
    assert where in str(err.value) and problem in str(err.value)
    out = tmp_path / "out"
    out.mkdir()
    (out / "out.csv").write_text("earlier results\n")
    code = main(
        [
            "flee",
            str(folder),
            "--validation",
            str(flee_data / "validation" / "mali2012"),
            "--out",
            str(out),
            "--days",
            "3",
        ]
    )
    captured = capsys.readouterr()
    assert code == 2
    lines = [ln for ln in captured.err.splitlines() if ln.startswith("error")]
    assert len(lines) == 1 and problem in lines[0]
    assert "Traceback" not in captured.err
    assert (out / "out.csv").read_text() == "earlier results\n"  # nothing lost
    assert sorted(p.name for p in out.iterdir()) == ["out.csv"]  # nothing half-written


@pytest.mark.parametrize(
    ("text", "where", "problem"),
    [
        ("move_rules:\n  max_move_speed: fast\n", "move_rules.max_move_speed", "a number"),
        ("move_rules:\n  start_on_foot: 1\n", "move_rules.start_on_foot", "true or false"),
        ("move_rules:\n  max_move_sped: 200\n", "move_rules.max_move_sped", "unknown key"),
        ("spawn_rulez: {}\n", "spawn_rulez", "unknown key"),
        ("move_rules:\n  camp_movechance: 2.0\n", "move_rules.camp_movechance", "less than"),
    ],
)
def test_bad_settings(tmp_path, text, where, problem):
    path = tmp_path / "simsetting.yml"
    path.write_text(text)
    with pytest.raises(EnclaveInputError) as err:
        read_settings(path)
    assert where in str(err.value) and problem in str(err.value)


def test_shared_settings_read_without_a_warning(flee_data):
    """sum_from_camps, capacity_scaling, empty_camps_on_day0 and the decay interval are
    keys Flee 3.1 itself never acts on: no warning for them."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rules = read_settings(flee_data / "simsetting.yml")
    assert not caught, [str(w.message) for w in caught]
    assert rules.max_move_speed == 200.0 and rules.camp_weight == 2.0
    assert rules.start_on_foot and rules.avoid_short_stints
    assert rules.conflict_spawn_decay == (1.0, 1.0, 1.0, 0.5, 0.1)
    assert np.isclose(rules.conflict_weight, 1 / np.sqrt(10))


def test_keys_flee_acts_on_warn_only_when_switched_on(tmp_path):
    path = tmp_path / "simsetting.yml"
    path.write_text("move_rules:\n  stay_close_to_home: False\n  home_distance_power: 0.7\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read_settings(path)
    assert not caught
    path.write_text("move_rules:\n  stay_close_to_home: True\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read_settings(path)
    assert len(caught) == 1 and "stay_close_to_home" in str(caught[0].message)


def test_use_v1_rules_wins_whatever_the_key_order(tmp_path):
    """Flee 3.1 applies the v1 preset after reading every key (ReadFromYML)."""
    path = tmp_path / "simsetting.yml"
    path.write_text("move_rules:\n  use_v1_rules: True\n  max_move_speed: 360\n  camp_weight: 1\n")
    rules = read_settings(path)
    assert rules.max_move_speed == 200.0 and rules.camp_weight == 2.0
    assert rules.conflict_weight == 0.25 and not rules.start_on_foot


def test_displaced_per_conflict_day_is_an_integer_outside_pop_ratio(tmp_path):
    path = tmp_path / "simsetting.yml"
    path.write_text(
        "spawn_rules:\n  conflict_driven_spawning:\n    spawn_mode: constant\n"
        "    displaced_per_conflict_day: 10.7\n"
    )
    assert read_settings(path).displaced_per_conflict_day == 10.0


def test_walk_probability_is_warned_not_dropped(flee_data, tmp_path):
    folder = _copy(flee_data, tmp_path)
    routes = folder / "routes.csv"
    lines = routes.read_text().splitlines()
    lines[0] = lines[0].rstrip() + ",walk_probability"
    lines[1:] = [line.rstrip() + (",0.5" if i == 0 else ",0") for i, line in enumerate(lines[1:])]
    routes.write_text("\n".join(lines) + "\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        read_instance(folder, days=5)
    assert any("walk_probability" in str(w.message) for w in caught)


def test_bundled_mali_example_reads_without_a_warning():
    """``enclave flee --example mali`` on a clean run prints no warning: every input of
    the bundled instance is read as Flee reads it."""
    from enclave.displacement.cli import example_paths
    from enclave.displacement.flee_io import read_period
    from enclave.displacement.validation import read_validation

    instance, validation, settings = example_paths("mali")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        rules = read_settings(settings)
        inst = read_instance(instance)
        read_validation(
            validation,
            inst.start_date,
            inst.length,
            Path(instance) / "registration_corrections.csv",
            rules.hasten,
            note_late_corrections=inst.length < read_period(Path(instance))[1],
        )


def test_short_conflicts_file_suggests_the_days_flee_can_run(flee_data, tmp_path):
    folder = _copy(flee_data, tmp_path)
    with pytest.raises(EnclaveInputError) as err:
        read_instance(folder, days=5000)
    assert "--days" in str(err.value)
