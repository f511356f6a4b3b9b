"""enclave backtest: the blind forecast's files and JSON keys (tiny ensemble, coarse scale)."""

import json

import pandas as pd

from enclave.calibration.backtest import weekly_days
from enclave.cli import main
from enclave.scenario import load


def test_weekly_dates():
    days = weekly_days(load("idlib-2019-20"))
    assert days[0] == 0 and days[-2] == 91 and days[-1] == 95  # 1 Mar and 5 Mar 2020


def test_backtest_json_and_forecast(tmp_path, capsys):
    out = tmp_path / "bt"
    rc = main(["backtest", "--members", "2", "--scale", "200", "--out", str(out), "--json"])
    assert rc == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"weekly", "split"}
    assert data["weekly"][0]["date"] == "2019-12-01" and data["weekly"][-1]["date"] == "2020-03-05"
    assert all(set(w) == {"date", "median", "p05", "p95"} for w in data["weekly"])
    med = [w["median"] for w in data["weekly"]]
    assert med == sorted(med) and med[-1] > 0  # cumulative
    assert set(data["split"]) == {"nw_idlib", "north_aleppo", "government", "turkey"}
    total = sum(v["median"] for v in data["split"].values())
    assert 0.8 < total < 1.2
    df = pd.read_csv(out / "forecast.csv")
    assert {"weekly", "split_2020-03-05", "camp_over_capacity"} <= set(df.table)
