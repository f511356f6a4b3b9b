"""Bad input to calibrate / run --calibration / backtest: one line, exit 2, nothing written."""

import csv
import io

import pytest
import yaml

from enclave.calibration.observed import default_path, load_observed
from enclave.cli import main

GOOD = {
    "calibration": 1,
    "case": "idlib-2019",
    "parameter_set": [
        "leave_share_residents",
        "leave_share_idps",
        "spawn_rate",
        "front_crossing_rate",
        "ground_leave_share",
        "distance_power",
    ],
    "geography": "nw-syria",
    "parameters": {
        "leave_share_residents": {"value": 0.58, "p05": 0.55, "p95": 0.61},
        "leave_share_idps": {"value": 0.7, "p05": 0.66, "p95": 0.73},
        "spawn_rate": {"value": 0.1, "p05": 0.08, "p95": 0.12},
        "front_crossing_rate": {"value": 0.001, "p05": 0.0005, "p95": 0.002},
        "ground_leave_share": {"value": 0.5, "p05": 0.2, "p95": 0.8},
        "distance_power": {"value": 0.6, "p05": 0.4, "p95": 0.9},
    },
}


def _one_error(capsys, argv, out):
    rc = main(argv)
    err = capsys.readouterr().err.strip().splitlines()
    assert rc == 2
    assert len(err) == 1 and err[0].startswith("error: "), err
    assert not out.exists() or not any(out.iterdir())
    return err[0]


def test_shipped_observed_rows_and_uses():
    obs = load_observed()
    assert len(obs.cumulative) >= 5 and len(obs.shares) >= 3
    rows = list(csv.DictReader(default_path().open(encoding="utf-8")))
    by = {(r["date"], r["unit"], r["value"]): r["use"] for r in rows}
    # the same 330 k: movements on 12 July (dropped), people on 16 July (used)
    assert by[("2019-07-12", "displacements", "330000")] == "dropped"
    assert by[("2019-07-16", "people", "330000")] == "people_cumulative"


def _bad_observed(tmp_path, edit):
    rows = list(csv.DictReader(default_path().open(encoding="utf-8")))
    fields = list(rows[0])
    rows, fields = edit(rows, fields)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields, extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    f = tmp_path / "obs.csv"
    f.write_text(buf.getvalue(), encoding="utf-8")
    return f


@pytest.mark.parametrize(
    "edit, expect",
    [
        (lambda r, f: (r, [c for c in f if c != "use"]), "missing column"),
        (lambda r, f: ([{**x, "use": "people_maybe"} for x in r], f), ":use:"),
        (
            lambda r, f: (
                [{**x, "target": "many"} if x["use"] == "people_cumulative" else x for x in r],
                f,
            ),
            ":target:",
        ),
    ],
)
def test_calibrate_bad_observed(tmp_path, capsys, edit, expect):
    f = _bad_observed(tmp_path, edit)
    out = tmp_path / "out"
    line = _one_error(capsys, ["calibrate", "--observed", str(f), "--out", str(out)], out)
    assert expect in line and "obs.csv" in line


def test_calibrate_missing_observed(tmp_path, capsys):
    out = tmp_path / "out"
    line = _one_error(
        capsys, ["calibrate", "--observed", str(tmp_path / "nope.csv"), "--out", str(out)], out
    )
    assert "nope.csv" in line


@pytest.mark.parametrize(
    "change, expect",
    [
        (
            lambda d: {
                **d,
                "parameter_set": d["parameter_set"] + ["rain"],
                "parameters": {**d["parameters"], "rain": {"value": 1, "p05": 0, "p95": 2}},
            },
            "parameters.rain: unknown parameter",
        ),
        (
            lambda d: {
                **d,
                "parameter_set": ["spawn_rate"],
                "parameters": {"spawn_rate": d["parameters"]["spawn_rate"]},
            },
            "parameter_set",
        ),
        (lambda d: {**d, "geography": "inline:idlib-2018"}, "geography"),
    ],
)
def test_run_with_bad_calibration(tmp_path, capsys, change, expect):
    f = tmp_path / "cal.yaml"
    f.write_text(yaml.safe_dump(change(GOOD)), encoding="utf-8")
    out = tmp_path / "out"
    line = _one_error(
        capsys, ["run", "idlib-2019", "--calibration", str(f), "--out", str(out)], out
    )
    assert expect in line and "cal.yaml" in line
    out2 = tmp_path / "out2"
    _one_error(capsys, ["backtest", "--calibration", str(f), "--out", str(out2)], out2)


def test_unknown_share_region_is_one_line(tmp_path, capsys):
    def edit(rows, fields):
        for r in rows:
            if r["use"] == "destination_share":
                r["target_region"] = "admin1:"
                break
        return rows, fields

    f = _bad_observed(tmp_path, edit)
    out = tmp_path / "out"
    line = _one_error(
        capsys, ["calibrate", "idlib-2019", "--observed", str(f), "--out", str(out)], out
    )
    assert "target_region" in line and "admin1:<governorate>" in line
