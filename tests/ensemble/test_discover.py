"""Scenario discovery with PRIM: a box on the input that drives the outcome; bad --where."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from enclave.analysis.discovery import find_boxes, parse_where
from enclave.cli import main
from enclave.errors import EnclaveInputError


def test_prim_finds_the_planted_box():
    rng = np.random.default_rng(0)
    x = pd.DataFrame(rng.random((400, 3)), columns=["a", "b", "c"])
    y = ((x.a > 0.7) & (x.b < 0.4)).values
    boxes = find_boxes(x, y, threshold=0.8, max_boxes=1)
    lim = boxes.set_index("input")
    assert set(lim.index) == {"a", "b"}
    assert abs(lim.loc["a", "low"] - 0.7) < 0.05 and abs(lim.loc["b", "high"] - 0.4) < 0.05
    assert boxes["coverage"].iloc[0] > 0.8 and boxes["density"].iloc[0] >= 0.8


def test_parse_where():
    c = parse_where("at_border_added > 100,000")
    assert (c.metric, c.op, c.value) == ("at_border_added", ">", 100000.0)
    assert list(c.holds(np.array([1e5, 1e5 + 1, np.nan]))) == [False, True, False]
    with pytest.raises(EnclaveInputError, match="unknown metric"):
        parse_where("people > 3")
    with pytest.raises(EnclaveInputError, match="not 'METRIC > VALUE'"):
        parse_where("newly_displaced is big")


def test_discover_command(tiny_path, tmp_path, capsys):
    out = tmp_path / "o"
    rc = main(
        ["discover", str(tiny_path), "--where", "newly_displaced > 1700", "--samples", "60"]
        + ["--out", str(out), "--workers", "1"]
    )
    text = capsys.readouterr().out
    assert rc == 0 and "runs meet newly_displaced > 1700" in text
    boxes = pd.read_csv(out / "discover_attack_boxes.csv")
    assert "spawn_rate" in set(boxes["input"])  # the spawn rate drives how many leave
    assert (out / "discover_attack.png").exists()


@pytest.mark.parametrize(
    "where, needle",
    [("nope > 1", "unknown metric"), ("newly_displaced >> 1", "not 'METRIC > VALUE'")],
)
def test_discover_bad_where_is_one_line(tiny_path, tmp_path, capsys, where, needle):
    rc = main(["discover", str(tiny_path), "--where", where, "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert rc == 2 and needle in err and err.strip().count("\n") == 0


def test_missing_ema_workbench_is_one_line(tiny_path, tmp_path, capsys, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "ema_workbench.analysis", None)
    rc = main(
        ["discover", str(tiny_path), "--where", "newly_displaced > 1", "--out", str(tmp_path)]
    )
    err = capsys.readouterr().err
    assert rc == 2 and "pip install 'enclave-sim[discover]'" in err
    assert err.strip().count("\n") == 0


def test_per_camp_metrics_any_cluster_or_one(tiny_path, tmp_path, capsys):
    out = tmp_path / "o"
    args = ["discover", str(tiny_path), "--samples", "30", "--out", str(out), "--workers", "1"]
    assert main([*args, "--where", "camp_peak_ratio > 0"]) == 0
    runs = pd.read_csv(out / "discover_attack_runs.csv")
    assert "camp_peak_ratio[Camp]" in runs
    assert runs["of_interest"].to_numpy().tolist() == (runs["camp_peak_ratio[Camp]"] > 0).tolist()
    capsys.readouterr()
    assert main([*args, "--where", "camp_peak_ratio[Nowhere] > 1"]) == 2
    assert "no camp cluster 'Nowhere'" in capsys.readouterr().err
