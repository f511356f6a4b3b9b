"""``enclave bargain`` through ``enclave.cli.main``."""

from __future__ import annotations

import json

import pytest

FAST = ["--runs", "200", "--rounds", "4"]


def test_json_is_one_document(cli_main, capsys):
    assert cli_main(["bargain", "--json", *FAST]) == 0
    out = capsys.readouterr().out
    doc = json.loads(out)  # exactly one document
    assert doc["model"] == "eum"
    assert [r["round"] for r in doc["rounds"]] == [0, 1, 2, 3, 4]
    assert set(doc["rounds"][0]["positions"]) >= {"syria", "russia", "turkey", "hts"}
    assert set(doc["forecast"]) >= {"final_median", "mean_of_medians"}
    assert sum(doc["scenario_odds"].values()) == pytest.approx(1.0)
    assert set(doc["scenario_odds_interval"]) == set(doc["scenario_odds"])


def test_levers_give_before_and_after(cli_main, capsys):
    args = [
        "bargain",
        "--json",
        "--model",
        "median",
        *FAST,
        "--set",
        "russia.position=50",
        "--drop",
        "iran",
    ]
    assert cli_main(args) == 0
    doc = json.loads(capsys.readouterr().out)
    assert "iran" not in doc["rounds"][0]["positions"]
    assert doc["rounds"][0]["positions"]["russia"] == 50
    assert doc["before"]["scenario_odds"] != doc["after"]["scenario_odds"]


def test_human_output(cli_main, capsys):
    assert cli_main(["bargain", "--model", "mean", *FAST]) == 0
    out = capsys.readouterr().out
    assert "Scenario odds" in out and "negotiated-deal" in out and "Forecast" in out


def test_sweep_human(cli_main, capsys):
    assert cli_main(["bargain", "--model", "median", "--sweep", "--top", "3", *FAST]) == 0
    assert "Lever sweep" in capsys.readouterr().out


def test_same_seed_same_json(cli_main, capsys):
    cli_main(["bargain", "--json", *FAST, "--seed", "3"])
    first = capsys.readouterr().out
    cli_main(["bargain", "--json", *FAST, "--seed", "3"])
    assert capsys.readouterr().out == first


@pytest.mark.parametrize(
    ("content", "extra", "needle"),
    [
        ("id,actor,position,capability\na,A,1,1\n", [], "missing column"),
        ("id,actor,position,capability,salience\na,A,x,1,1\nb,B,1,1,1\n", [], "not a number"),
        ("id,actor,position,capability,salience\na,A,1,-1,1\nb,B,1,1,1\n", [], "capability"),
        ("id,actor,position,capability,salience\na,A,1,1,101\nb,B,1,1,1\n", [], "out of range"),
        ("id,actor,position,capability,salience\na,A,1,1,1\na,B,1,1,1\n", [], "duplicate"),
        ("id,actor,position,capability,salience\na,A,1,1,1\n", [], "at least two"),
        (
            "id,actor,position,capability,salience\na,A,1,1,1\nb,B,1,1,1\n",
            ["--drop", "zz"],
            "unknown actor id",
        ),
        (
            "id,actor,position,capability,salience\na,A,1,1,1\nb,B,1,1,1\n",
            ["--set", "zz.position=3"],
            "unknown actor id",
        ),
    ],
)
def test_bad_input_one_line_exit_2(cli_main, capsys, tmp_path, content, extra, needle):
    path = tmp_path / "actors.csv"
    path.write_text(content)
    assert cli_main(["bargain", str(path), *FAST, *extra]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and "Traceback" not in captured.err
    assert captured.out == ""


def test_missing_file_exit_2(cli_main, capsys, tmp_path):
    assert cli_main(["bargain", str(tmp_path / "nope.csv")]) == 2
    assert "file not found" in capsys.readouterr().err


def test_ktab_file_smp(cli_main, capsys, bargaining):
    args = [
        "bargain",
        str(bargaining / "ktab_dummyData_3Dim.csv"),
        "--model",
        "smp",
        "--json",
        "--rounds",
        "2",
    ]
    assert cli_main(args) == 0
    doc = json.loads(capsys.readouterr().out)
    assert len(doc["rounds"][0]["positions"]["SActor-00"]) == 3
    assert doc["scenario_odds"] is None


def test_ec_1994_through_the_replication_preset(cli_main, capsys, bargaining):
    """EC-1994 medians of Scholz et al. (2011), reproduced under ``--preset scholz2011``."""
    path = str(bargaining / "ec_emissions_1994.csv")
    args = ["bargain", path, "--json", "--preset", "scholz2011", "--runs", "20"]
    assert cli_main(args) == 0
    doc = json.loads(capsys.readouterr().out)
    medians = [r["median"] for r in doc["rounds"]]
    assert medians[:4] == pytest.approx([7.0, 8.415932, 9.610859, 9.961980], abs=1e-6)
    assert doc["eum_options"]["compromise"] == "min_position"
    assert doc["eum_options"]["capitulation"] is False


def test_unknown_preset_one_line(cli_main, capsys):
    assert cli_main(["bargain", "--preset", "foo", *FAST]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "scholz2011" in err[0]
