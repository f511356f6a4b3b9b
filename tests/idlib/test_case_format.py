"""The case file format: the embedded case loads; bad files give one clear error."""

import re

import pytest

from enclave.cli import main
from enclave.errors import EnclaveInputError
from enclave.scenario import loads
from enclave.scenario.geography import geography


def test_embedded_case_loads(idlib):
    assert idlib.case == "idlib-2018"
    assert idlib.start_date == "2018-09-07"
    assert idlib.geography == "nw-syria" and idlib.calibration == "idlib-2019"
    assert len(idlib.places) == 94 and len(idlib.roads) == 168
    names = [s.name for s in idlib.scenarios]
    assert names[:4] == ["full-offensive", "limited-offensive", "negotiated-deal", "stalemate"]
    kinds = {p.kind for p in idlib.places}
    assert kinds == {
        "town",
        "idp_camp_cluster",
        "border_crossing",
        "turkish_held_area",
        "turkey",
        "regime_area",
    }
    # every road from Syria into Turkey is a border link: the five crossings of the geography
    geo = geography(idlib)
    pairs = {
        (geo.names[a], geo.names[b])
        for a, b in zip(geo.link_from[geo.border_out], geo.link_to[geo.border_out])
    }
    assert pairs == {
        ("Bab al-Hawa crossing", "Reyhanli"),
        ("Bab al-Salam crossing", "Oncupinar camp"),
        ("Khirbet al-Joz / Guvecci crossing", "Altinozu camp"),
        ("Jarablus crossing", "Karkamis camp"),
        ("Al-Rai crossing", "Elbeyli camp"),
    }


def test_embedded_case_keeps_sources(idlib):
    for p in idlib.places:
        if p.kind == "town" and p.population is not None:
            assert p.population_source, p.name
    for r in idlib.roads:
        assert r.source, (r.from_, r.to)
    for k in type(idlib.inputs).model_fields:
        assert getattr(idlib.inputs, k).source
    assert idlib.inputs.enclave_population.low == 2_500_000
    assert idlib.inputs.enclave_population.high == 3_300_000
    camps = [p for p in idlib.places if p.kind == "idp_camp_cluster"]
    assert len(camps) == 14 and all(p.residents and p.residents_source for p in camps)
    # no published capacity: the uniform rule C1 of the geography, through camp_occupancy
    assert all(p.capacity is None for p in camps)
    assert "rule C1" in idlib.inputs.camp_occupancy.source
    keys = {r.key for r in idlib.references}
    assert {
        "un_planning_s1_offensive_m5_displaced",
        "ocha_warning_displacement_all_out_offensive",
        "reach_intentions_people_displaced_if_conflict",
    } <= keys


def _err(text):
    with pytest.raises(EnclaveInputError) as exc:
        loads(text, "bad.yaml")
    return exc.value.one_line()


def test_unknown_field_names_line_and_path(small_text):
    text = small_text.replace("    days: 12\n", "    days: 12\n    dayz: 3\n")
    msg = _err(text)
    line = text.splitlines().index("    dayz: 3") + 1
    assert msg.startswith(f"bad.yaml:{line}:scenarios[0].dayz: unknown field")


@pytest.mark.parametrize(
    ("old", "new", "path", "words"),
    [
        ("kind: town, lat: 35.0", "kind: city, lat: 35.0", "places[0].kind", "town"),
        ("route: [A, B]", "route: [A, Q]", "scenarios[0].phases[0].route[1]", "no place named 'Q'"),
        (
            "route: [A, B]",
            "route: [A, X]",
            "scenarios[0].phases[0].route[1]",
            "no road from 'A' to 'X'",
        ),
        (
            "intensity: 0.5}",
            "intensity: -0.5}",
            "scenarios[1].phases[0].intensity",
            "greater than 0",
        ),
        ("start: 0, end: 4", "start: 5, end: 4", "scenarios[1].phases[0]", "must be after start"),
        ("{from: A, to: G, km: 10}", "{from: A, to: G, km: 0}", "roads[4].km", "greater than 0"),
        ("zone: [X, Camp]", "zone: [X, Kamp]", "border.zone[1]", "no place named 'Kamp'"),
        (
            "spawn_rate: {low: 0.05, high: 0.1",
            "spawn_rate: {low: 0.2, high: 0.1",
            "inputs.spawn_rate",
            "below low",
        ),
        ("type: strikes", "type: bombing", "scenarios[1].phases[0]", "phase type"),
        ("    days: 8\n", "    days: 0\n", "scenarios[1].days", "greater than or equal to 1"),
        (
            "start: 0, end: 4",
            "start: 9, end: 10",
            "scenarios[1].phases[0].start",
            "past the scenario",
        ),
    ],
)
def test_bad_case_names_path_and_problem(small_text, old, new, path, words):
    assert old in small_text
    msg = _err(small_text.replace(old, new, 1))
    m = re.match(r"bad\.yaml:(\d+):(\S+): (.*)", msg)
    assert m, msg
    assert m.group(2) == path
    assert words in m.group(3)


def test_missing_field_and_rules(small_text):
    msg = _err(small_text.replace("title: Tiny test case\n", ""))
    assert ":title: required field is missing" in msg
    msg = _err(
        small_text.replace("scenarios:\n", "rules: {take_from_population: false}\nscenarios:\n")
    )
    assert "rules.take_from_population" in msg and "set by the model" in msg
    msg = _err(small_text.replace("scenarios:\n", "rules: {awarenes_level: 2}\nscenarios:\n"))
    assert "rules.awarenes_level" in msg


def test_distance_power_is_an_input_or_a_rule_not_both(small_text):
    """An uncertain distance_power reaches each member's Flee rules; left out, it is Flee's
    1; a fixed one under rules wins; both at once is refused with the path."""
    from enclave.ensemble.inputs import central_values, rules_for

    plain = loads(small_text, "tiny.yaml")
    assert rules_for(plain, dict(central_values(plain))).distance_power == 1.0
    dp = '  distance_power: {low: 0.5, high: 0.9, central: 0.7, source: "assumption: test"}\n'
    with_input = small_text.replace("\ninputs:\n", "\ninputs:\n" + dp, 1)
    case = loads(with_input, "tiny.yaml")
    values = dict(central_values(case))
    assert values["distance_power"] == 0.7 and rules_for(case, values).distance_power == 0.7
    fixed = small_text.replace("scenarios:\n", "rules: {distance_power: 2.0}\nscenarios:\n", 1)
    case = loads(fixed, "tiny.yaml")
    assert rules_for(case, dict(central_values(case))).distance_power == 2.0
    both = with_input.replace("scenarios:\n", "rules: {distance_power: 2.0}\nscenarios:\n", 1)
    msg = _err(both)
    assert ":rules.distance_power: also set under inputs.distance_power" in msg


def test_not_yaml_and_not_a_mapping():
    assert _err("a: [1, 2\n").startswith("bad.yaml:")
    assert "not valid YAML" in _err("a: [1, 2\n")
    assert "mapping" in _err("- 1\n- 2\n")


def test_cli_bad_case_exits_2_with_one_line(tmp_path, small_text, capsys):
    bad = tmp_path / "bad.yaml"
    bad.write_text(small_text.replace("route: [A, B]", "route: [A, Nowhere]"))
    assert main(["scenarios", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0]
    assert err[0].startswith(f"error: {bad}:") and "Nowhere" in err[0]
    assert main(["scenarios", str(tmp_path / "missing.yaml")]) == 2


def test_cli_scenarios_lists_embedded(capsys):
    assert main(["scenarios"]) == 0
    out = capsys.readouterr().out
    for name in ("full-offensive", "limited-offensive", "negotiated-deal", "stalemate"):
        assert name in out


def test_documented_example_loads():
    from pathlib import Path

    doc = Path(__file__).resolve().parents[2] / "docs" / "case-format.md"
    block = re.search(r"```yaml\n(.*?)```", doc.read_text(encoding="utf-8"), re.S).group(1)
    case = loads(block, "docs/case-format.md")
    assert [p.type for p in case.scenario("attack").phases][:2] == ["strikes", "strikes"]
