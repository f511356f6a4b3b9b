"""Show why, odds only where bands exist, value checks, signed and named levers, ensemble."""

from __future__ import annotations

import json

import numpy as np
import pytest
from matplotlib.figure import Figure

from enclave.politics import idlib_actors
from enclave.politics.ensemble import (
    ENSEMBLE_WEIGHTS,
    MODEL_LABELS,
    compare_models,
    ensemble_odds,
)
from enclave.politics.explain import distribution_figure, explain, pivotal, trajectory_figure
from enclave.politics.levers import apply_levers, named_lever

FAST = ["--runs", "200", "--rounds", "4"]
MODELS4 = ("eum", "median", "mean", "smp")


def _one_line_exit_2(cli_main, capsys, args, needle):
    assert cli_main(args) == 2
    cap = capsys.readouterr()
    lines = cap.err.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and "Traceback" not in cap.err, cap.err
    assert cap.out == ""
    return lines[0]


def test_pivotal_is_russia_with_a_thin_margin():
    p = pivotal(idlib_actors())
    assert p["actor"] == "russia" and p["position"] == 25.0
    assert p["share_below"] < 0.5 <= p["share_through"]
    assert p["margin"] == pytest.approx(p["share_through"] - 0.5)
    assert 0 < p["margin"] < 0.05


def test_explain_moves_and_figures():
    info = explain(runs=200, seed=1)
    assert info["moves"], "the central EUM run has moves"
    mv = info["moves"][0]
    assert set(mv) == {"round", "actor", "from", "to", "counterpart", "offer"}
    assert mv["offer"] in ("conflict", "compromise", "capitulation")
    ids = idlib_actors().ids
    assert all(m["counterpart"] in ids and m["from"] != m["to"] for m in info["moves"])
    d = info["distribution"]
    assert sum(d["counts"]) == d["runs"] == 200
    assert 0.0 <= d["share_at_round0_median"] <= 1.0
    fig = trajectory_figure(info)
    assert isinstance(fig, Figure) and len(fig.axes[0].lines) >= len(ids) + 1
    assert isinstance(distribution_figure(info), Figure)


def test_json_carries_explain_band_shift_and_question(cli_main, capsys):
    assert cli_main(["bargain", "--json", *FAST]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["question"]["as_of"] == "2018-09-07"
    assert doc["question"]["horizon"] == "2019-01-05"
    assert doc["explain"]["pivotal"]["actor"] == "russia"
    assert set(doc["band_shift"]) == {"delta", "-5", "+5"}
    assert "Monte Carlo error" in doc["interval_covers"]


def test_table_without_bands_gets_no_odds(cli_main, capsys, bargaining):
    args = ["bargain", str(bargaining / "ec_emissions_1994.csv"), "--json", *FAST]
    assert cli_main(args) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["scenario_odds"] is None and doc["bands"] is None
    assert "no scenario bands" in doc["note"]
    assert doc["explain"]["pivotal"]["actor"]


def test_position_outside_the_scale_is_one_line(cli_main, capsys):
    line = _one_line_exit_2(
        cli_main, capsys, ["bargain", "--set", "russia.position=140", *FAST], "out of the issue"
    )
    assert "0-100" in line


def test_ktab_table_checks_its_0_100_scale(cli_main, capsys, bargaining, tmp_path):
    """A KTAB table has no bands, but its format fixes the scale at 0-100 (as KTAB's reader)."""
    one_d = str(bargaining / "ktab_SOE-Policy.csv")
    _one_line_exit_2(
        cli_main, capsys, ["bargain", one_d, "--model", "smp", "--set", "XJ.position=140"], "0-100"
    )
    two_d = str(bargaining / "ktab_SOE-Pol-Comp.csv")
    _one_line_exit_2(
        cli_main,
        capsys,
        ["bargain", two_d, "--model", "smp", "--set", "XJ.position=40"],
        "2 dimensions",
    )
    bad = tmp_path / "bad.csv"
    lines = (bargaining / "ktab_SOE-Policy.csv").read_text().splitlines()
    row = lines[2].split(",")  # XJ, Xi Jinping, power, position, salience
    row[3] = "130"
    bad.write_text("\n".join([*lines[:2], ",".join(row), *lines[3:]]) + "\n")
    _one_line_exit_2(cli_main, capsys, ["bargain", str(bad), "--model", "smp"], "outside 0-100")


def test_unknown_model_is_one_clear_line(cli_main, capsys):
    line = _one_line_exit_2(cli_main, capsys, ["bargain", "--model", "foo", *FAST], "foo")
    assert "('" not in line  # not a Python tuple
    assert "eum, mean, median, smp" in line


def test_unknown_named_lever(cli_main, capsys):
    _one_line_exit_2(
        cli_main, capsys, ["bargain", "--lever", "nope", *FAST], "turkey-leaves-astana"
    )


def test_turkey_leaves_astana_changes_capability_and_salience():
    a = idlib_actors()
    levers = named_lever("turkey-leaves-astana", a)
    after, _ = apply_levers(a, levers)
    i = a.ids.index("turkey")
    assert after.capability[i] == pytest.approx(1.5 * a.capability[i])
    assert after.salience[i, 0] == 100
    assert after.position[i, 0] == a.position[i, 0]


def test_signed_lever_effect_names_the_gainer(cli_main, capsys):
    args = ["bargain", "--json", "--model", "median", *FAST, "--lever", "turkey-leaves-astana"]
    assert cli_main(args) == 0
    doc = json.loads(capsys.readouterr().out)
    eff = doc["effect"]
    assert eff["gains"] == max(eff["change"], key=eff["change"].get)
    assert eff["change"][eff["gains"]] > 0
    assert eff["offensive_change"] == pytest.approx(
        eff["change"]["full-offensive"] + eff["change"]["limited-offensive"]
    )
    assert eff["offensive_change"] < 0  # Turkey weighing in more makes an offensive less likely


def test_compare_all_models_and_ensemble(cli_main, capsys):
    args = ["bargain", "--json", *FAST, "--compare", "--smp-runs", "20"]
    assert cli_main(args) == 0
    doc = json.loads(capsys.readouterr().out)
    assert set(doc["models"]) == {"eum", "median", "mean", "smp"}
    assert doc["models"]["smp"]["label"] == MODEL_LABELS["smp"]
    assert "KTAB" in MODEL_LABELS["smp"] and "lite" not in MODEL_LABELS["smp"]
    assert doc["models"]["smp"]["weight"] == 0.25 and doc["models"]["smp"]["runs"] == 20
    ens = doc["ensemble"]["scenario_odds"]
    for k, p in ens.items():
        mean4 = np.mean([doc["models"][m]["scenario_odds"][k] for m in MODELS4])
        assert p == pytest.approx(mean4)
    assert "uniform_no_bloc" in doc["political_uncertainty"]
    for d in ("-5", "+5"):
        assert sum(doc["ensemble"]["band_shift"][d].values()) == pytest.approx(1.0)


def test_ensemble_weights_fixed_equal_over_validated_models():
    """smp is validated against KTAB (test_ktab.py), so it weighs as the other three."""
    assert {m: 0.25 for m in MODELS4} == ENSEMBLE_WEIGHTS
    per = {"eum": {"a": 1.0, "b": 0.0}, "mean": {"a": 0.0, "b": 1.0}, "smp": {"a": 1.0, "b": 0.0}}
    assert ensemble_odds(per) == pytest.approx({"a": 2 / 3, "b": 1 / 3})
    # a model given weight 0 (unvalidated) is shown but not averaged
    assert ensemble_odds(per, {"eum": 0.5, "mean": 0.5, "smp": 0.0}) == {"a": 0.5, "b": 0.5}
    cmp = compare_models(runs=50, seed=1, smp_runs=0)
    assert set(cmp.models) == {"eum", "median", "mean"}
    full = compare_models(runs=50, seed=1)
    assert full.runs["smp"] == 50
    for k, p in full.ensemble.items():
        assert p == pytest.approx(np.mean([full.models[m].odds[k] for m in MODELS4]))


def test_baseline_with_another_forecast_is_refused(cli_main, capsys):
    """--model mean --forecast final_median used to return the median's odds silently."""
    _one_line_exit_2(
        cli_main,
        capsys,
        ["bargain", "--model", "mean", "--forecast", "final_median", *FAST],
        "one forecast",
    )
