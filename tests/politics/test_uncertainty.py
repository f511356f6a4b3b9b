"""Political uncertainty: per-actor spreads, the Damascus-Moscow-Tehran bloc, band edges."""

from __future__ import annotations

import numpy as np
import pytest

from enclave.politics import idlib_actors, load_bands, odds
from enclave.politics.odds import (
    band_sensitivity,
    correlate,
    draw_normals,
    load_blocs,
    shift_bands,
)


def test_bloc_members_are_correlated_and_others_not():
    a = idlib_actors()
    z = draw_normals(a, 20000, np.random.default_rng(3))[0]
    zc = correlate(z, a.ids, load_blocs())
    r = np.corrcoef(zc.T)
    i, j, k, t = (a.ids.index(x) for x in ("syria", "russia", "iran", "turkey"))
    assert r[i, j] == pytest.approx(0.6, abs=0.03)
    assert r[j, k] == pytest.approx(0.6, abs=0.03)
    assert abs(r[i, t]) < 0.03
    np.testing.assert_allclose(zc.std(axis=0), 1.0, atol=0.03)
    assert all(b.reason.startswith("assumption:") for b in load_blocs())


def test_every_idlib_actor_has_its_own_spread_with_a_reason():
    a = idlib_actors()
    assert not np.isnan(a.spread["position"]).any()
    assert all(r.startswith("assumption:") for r in a.extra["position_spread_source"])


def test_bloc_changes_the_odds():
    a = idlib_actors()
    with_bloc = odds(a, "median", runs=2000, seed=1)
    without = odds(a, "median", runs=2000, seed=1, blocs=[])
    assert with_bloc.odds != without.odds


def test_band_shift_moves_edges_and_odds():
    b = load_bands()
    s = shift_bands(b, 5.0)
    assert list(s.lower) == [0, 17.5, 42.5, 67.5] and list(s.upper) == [17.5, 42.5, 67.5, 100]
    v = odds(model="median", runs=1000, seed=2).values
    sens = band_sensitivity(v, b, 5.0)
    assert set(sens) == {"-5", "+5"}
    for p in sens.values():
        assert sum(p.values()) == pytest.approx(1.0)
    assert sens["-5"]["full-offensive"] <= sens["+5"]["full-offensive"]
    assert sens["-5"] != sens["+5"]
