"""Brier scores against dated outcomes (data/outcomes.csv)."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest

from enclave.politics import EUMOptions, idlib_actors
from enclave.politics.levers import Lever, apply_levers
from enclave.politics.odds import load_bands, without_own_spreads
from enclave.politics.score import brier, load_outcomes, score_table


def test_brier_anchors():
    u = {k: 0.25 for k in "abcd"}
    assert brier(u, "a") == pytest.approx(0.75)
    assert brier({"a": 1, "b": 0, "c": 0, "d": 0}, "a") == 0
    assert brier({"a": 0, "b": 1, "c": 0, "d": 0}, "a") == 2
    with pytest.raises(KeyError):
        brier(u, "z")


def test_outcomes_are_dated_sourced_scenarios():
    names = {"full-offensive", "limited-offensive", "negotiated-deal", "stalemate"}
    rows = load_outcomes()
    assert [o.outcome for o in rows] == ["negotiated-deal", "limited-offensive", "stalemate"]
    for a, b in zip(rows, rows[1:], strict=False):
        assert a.start < a.end <= b.start
    assert all(o.outcome in names and "http" in o.source for o in rows)


def test_review_table_recomputed_under_the_review_settings():
    """The review's Brier figures (eum, median, mean), from the data, not typed in, with
    the review's inputs: its bands (0-20/20-40/40-65/65-100) and Turkey and the EU at 65."""
    b = load_bands()
    review_bands = replace(
        b, lower=np.array([0.0, 20.0, 40.0, 65.0]), upper=np.array([20.0, 40.0, 65.0, 100.0])
    )
    actors, _ = apply_levers(
        without_own_spreads(idlib_actors()),
        [Lever("turkey", "position", 65.0), Lever("eu", "position", 65.0)],
    )
    t = score_table(
        actors,
        smp_runs=0,
        blocs=[],
        options=EUMOptions.scholz2011(),
        bands=review_bands,
    )
    got = {r["period"]: r["brier"] for r in t["periods"]}
    review = {
        "sochi-holds": {"eum": 1.05, "median": 0.79, "mean": 0.24},
        "offensives": {"eum": 0.22, "median": 0.37, "mean": 0.85},
        "freeze": {"eum": 1.37, "median": 1.19, "mean": 1.55},
    }
    for period, scores in review.items():
        for m, v in scores.items():
            assert got[period][m] == pytest.approx(v, abs=0.006), (period, m)
    assert [r["contains_horizon"] for r in t["periods"]] == [True, False, False]


def test_score_command_json(cli_main, capsys):
    assert cli_main(["bargain", "--score", "--json", "--runs", "100", "--smp-runs", "10"]) == 0
    t = json.loads(capsys.readouterr().out)
    assert set(t["periods"][0]["brier"]) == {"eum", "median", "mean", "smp", "ensemble"}
    ens = t["periods"][0]["brier"]["ensemble"]
    assert ens == pytest.approx(brier(t["odds"]["ensemble"], "negotiated-deal"))
