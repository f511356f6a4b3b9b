"""Monte Carlo odds (bands kept in data) and levers."""

from __future__ import annotations

import numpy as np
import pytest

from enclave.errors import EnclaveInputError
from enclave.politics import idlib_actors, odds, scenario_odds
from enclave.politics.levers import Lever, apply_levers, parse_set, sweep, sweep_levers
from enclave.politics.odds import load_bands, load_spreads, without_own_spreads

RUNS = 300


def test_bands_and_spreads_come_from_data():
    b = load_bands()
    assert b.names == ("full-offensive", "limited-offensive", "negotiated-deal", "stalemate")
    np.testing.assert_array_equal(b.lower, [0, 12.5, 37.5, 62.5])
    np.testing.assert_array_equal(b.upper, [12.5, 37.5, 62.5, 100])
    np.testing.assert_array_equal(b.index([0, 12.4, 12.5, 62.4, 62.5, 100]), [0, 0, 1, 2, 3, 3])
    assert set(load_spreads()) == {"position", "capability", "salience"}
    assert set(load_spreads("sweep")) == {"position", "capability", "salience"}


def test_band_edges_are_the_midpoints_between_the_case_anchors_and_no_actor_sits_on_one():
    """The rule behind the edges (nearest anchor): each interior edge lies halfway between
    the anchors of neighbouring scenarios in idlib-2018's ``weights.bands``; no actor of
    the embedded table sits exactly on an edge, where the [lower, upper) convention alone
    would decide its scenario."""
    from enclave.politics import idlib_actors
    from enclave.scenario import load

    b = load_bands()
    anchors = load(None).weights.bands
    first = {}
    for point, scenario in sorted(anchors.items()):
        first.setdefault(scenario, point)
    points = [first[name] for name in b.names]
    np.testing.assert_array_equal(b.lower[1:], [(x + y) / 2 for x, y in zip(points, points[1:])])
    assert not set(idlib_actors().position[:, 0]) & set(b.lower[1:])


def test_scenario_odds_for_the_chain():
    p = scenario_odds(runs=RUNS, seed=1)
    assert set(p) == set(load_bands().names)
    assert sum(p.values()) == pytest.approx(1.0)


def test_same_seed_same_output_other_seed_differs():
    a = odds(runs=RUNS, seed=7)
    b = odds(runs=RUNS, seed=7)
    c = odds(runs=RUNS, seed=8)
    np.testing.assert_array_equal(a.values, b.values)
    assert a.odds == b.odds
    assert not np.array_equal(a.values, c.values)


def test_intervals_bracket_the_estimate():
    r = odds(runs=RUNS, seed=3)
    for k, p in r.odds.items():
        lo, hi = r.interval[k]
        assert 0.0 <= lo <= p <= hi <= 1.0
        assert r.counts[k] == round(p * RUNS)


@pytest.mark.parametrize("model", ["mean", "median", "eum"])
def test_odds_move_when_a_spread_changes(model):
    """Zero spread puts all mass on one band; the default spreads spread it out."""
    tight = odds(
        without_own_spreads(idlib_actors()),
        model=model,
        runs=RUNS,
        seed=5,
        spreads={"position": 0.0, "capability": 0.0, "salience": 0.0},
    )
    assert max(tight.odds.values()) == 1.0
    wide = odds(model=model, runs=RUNS, seed=5)
    assert max(wide.odds.values()) < 1.0
    wider = odds(
        without_own_spreads(idlib_actors()),
        model=model,
        runs=RUNS,
        seed=5,
        spreads={"position": 25.0, "capability": 0.3, "salience": 10.0},
    )
    assert wider.odds != wide.odds


def test_table_spread_column_overrides_default():
    a = idlib_actors()
    zero = {k: np.zeros(a.n) for k in ("position", "capability", "salience")}
    from dataclasses import replace

    r = odds(replace(a, spread=zero), model="mean", runs=RUNS, seed=2)
    assert max(r.odds.values()) == 1.0


def test_parse_set_and_errors():
    a = idlib_actors()
    assert parse_set("russia.salience=50", a) == Lever("russia", "salience", 50.0)
    for spec, needle in [
        ("nobody.position=3", "unknown actor id 'nobody'"),
        ("russia.colour=3", "unknown field"),
        ("russia.position", "expected ID.field=value"),
        ("russia.position=abc", "not a number"),
    ]:
        with pytest.raises(EnclaveInputError, match=needle):
            parse_set(spec, a)
    with pytest.raises(EnclaveInputError, match="out of range"):
        apply_levers(a, [parse_set("russia.salience=150", a)])
    with pytest.raises(EnclaveInputError, match="unknown actor id"):
        apply_levers(a, [Lever("ghost", "drop")])


def test_drop_keeps_the_rest():
    a = idlib_actors()
    b, keep = apply_levers(a, [Lever("hts", "drop")])
    assert "hts" not in b.ids and b.n == a.n - 1 and keep.sum() == a.n - 1


def test_sweep_levers_cover_every_actor():
    a = idlib_actors()
    levers = sweep_levers(a)
    assert {lv.actor for lv in levers} == set(a.ids)
    assert sum(lv.field == "drop" for lv in levers) == a.n


def test_sweep_ranks_by_shift():
    a = idlib_actors()
    before, ranked = sweep(a, "median", runs=200, seed=4)
    shifts = [r.shift for r in ranked]
    assert shifts == sorted(shifts, reverse=True)
    assert shifts[0] > 0
    assert sum(before.odds.values()) == pytest.approx(1.0)
