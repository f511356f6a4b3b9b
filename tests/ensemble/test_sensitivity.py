"""SALib sensitivity: Ishigami's analytic indices, a no-effect input, options, calibration."""

from __future__ import annotations

import json

import numpy as np
import pytest

from enclave.analysis.sensitivity import (
    analyze_outputs,
    problem_for,
    read_intervals,
    run_sensitivity,
    sample_inputs,
    sensitivity_figure,
)
from enclave.cli import main
from enclave.errors import EnclaveInputError

ISHIGAMI_S1 = {"x1": 0.314, "x2": 0.442, "x3": 0.0}
ISHIGAMI_ST = {"x1": 0.558, "x2": 0.442, "x3": 0.244}


def ishigami(X, a=7.0, b=0.1):
    return np.sin(X[:, 0]) + a * np.sin(X[:, 1]) ** 2 + b * X[:, 2] ** 4 * np.sin(X[:, 0])


def test_ishigami_indices_within_the_reported_intervals():
    prob = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    X = sample_inputs(prob, "sobol", 1024, seed=1)
    assert X.shape == (1024 * 8, 3)
    t = analyze_outputs(prob, X, ishigami(X), "sobol", seed=1).set_index("input")
    for k in prob["names"]:
        assert abs(t.loc[k, "S1"] - ISHIGAMI_S1[k]) <= max(t.loc[k, "S1_conf"], 0.01), k
        assert abs(t.loc[k, "ST"] - ISHIGAMI_ST[k]) <= max(t.loc[k, "ST_conf"], 0.01), k
        assert t.loc[k, "ST_conf"] < 0.1  # the intervals are informative, not huge


def test_morris_ranks_ishigami_inputs():
    prob = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-np.pi, np.pi]] * 3}
    X = sample_inputs(prob, "morris", 50, seed=2)
    t = analyze_outputs(prob, X, ishigami(X), "morris", seed=2).set_index("input")
    assert t["mu_star"].idxmin() == "x3" or t.loc["x3", "mu_star"] < t.loc["x2", "mu_star"]


def test_an_input_with_no_effect_gets_total_index_near_zero(tiny):
    table, rows = run_sensitivity(tiny, "attack", "sobol", 16, "newly_displaced", backend=None)
    t = table.set_index("input")
    assert len(rows) == 16 * (2 * 6 + 2)
    # camp occupancy only sets how full the camps are: it cannot change who leaves the towns
    assert abs(t.loc["camp_occupancy", "ST"]) < 0.02
    assert t.loc["spawn_rate", "ST"] > 0.3
    fig = sensitivity_figure(table)
    assert len(fig.axes[0].patches) == 2 * len(table)


def test_calibration_file_shapes(tiny, tmp_path):
    a = tmp_path / "a.yaml"
    a.write_text("parameters:\n  spawn_rate: {low: 0.06, high: 0.07, median: 0.065}\n")
    b = tmp_path / "b.json"
    b.write_text(json.dumps([{"name": "spawn_rate", "p05": 0.06, "p95": 0.07}]))
    c = tmp_path / "c.yaml"
    c.write_text("method: abc\nspawn_rate: [0.06, 0.07]\n")
    for f in (a, b, c):
        assert read_intervals(f, tiny) == {"spawn_rate": (0.06, 0.07)}
    prob = problem_for(tiny, read_intervals(a, tiny))
    assert prob["bounds"][prob["names"].index("spawn_rate")] == [0.06, 0.07]
    bad = tmp_path / "bad.yaml"
    bad.write_text("nonsense: {low: 1, high: 2}\n")
    with pytest.raises(EnclaveInputError, match="not an input"):
        read_intervals(bad, tiny)
    bad.write_text("spawn_rate: {low: 1}\n")
    with pytest.raises(EnclaveInputError, match="needs low and high"):
        read_intervals(bad, tiny)


def test_sensitivity_command_writes_table_csv_and_png(tiny_path, tmp_path, capsys):
    out = tmp_path / "o"
    rc = main(
        ["sensitivity", str(tiny_path), "--method", "morris", "--samples", "4", "--out", str(out)]
        + ["--workers", "1", "--output", "at_border_peak"]
    )
    assert rc == 0
    stem = "sensitivity_morris_attack_at_border_peak"
    for suffix in (".csv", "_runs.csv", ".png"):
        assert (out / f"{stem}{suffix}").exists()
    assert "spawn_rate" in capsys.readouterr().out


@pytest.mark.parametrize(
    "args, needle",
    [
        (["--method", "fast"], "--method"),
        (["--output", "nope"], "unknown metric"),
        (["--scenario", "nope"], "no scenario"),
        (["--samples", "1"], "--samples"),
        (["--calibration", "/nonexistent.yaml"], "file not found"),
    ],
)
def test_sensitivity_bad_options_are_one_line(tiny_path, tmp_path, capsys, args, needle):
    rc = main(["sensitivity", str(tiny_path), "--out", str(tmp_path / "o"), *args])
    err = capsys.readouterr().err
    assert rc == 2 and needle in err and err.strip().count("\n") == 0


def test_calibrate_files_are_applied_as_enclave_run_applies_them():
    from enclave.calibration.files import read_calibration
    from enclave.pipeline.explain import _calibrated
    from enclave.scenario import load

    case = load("idlib-2019")
    prior = problem_for(case)
    c, cal, note = _calibrated(case, "idlib-2019", read_intervals)
    data = read_calibration("idlib-2019")
    prob = problem_for(c, cal)
    for name, p in data["parameters"].items():
        assert prob["bounds"][prob["names"].index(name)] == [p["p05"], p["p95"]]
        assert prob["bounds"] != prior["bounds"]
    assert "90 % intervals" in note
