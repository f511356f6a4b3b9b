"""Actor tables (formats, scales, bad input) and the weighted mean / median baselines."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enclave.errors import EnclaveInputError
from enclave.politics.actors import idlib_actors, parse_actors, read_actors
from enclave.politics.baselines import weighted_mean, weighted_median

GOOD = "id,actor,position,capability,salience,source\na,A,10,0.5,0.8,x\nb,B,60,0.3,0.4,y\n"


def test_embedded_idlib_table():
    a = idlib_actors()
    assert a.ids == ("syria", "russia", "iran", "turkey", "hts", "nfl", "usa", "eu", "un", "ypg")
    assert a.salience_scale == "percent" and a.capability_scale == "percent"
    assert a.position[a.index("turkey"), 0] == 55
    assert "position_source" in a.extra and "assumption" in a.extra["position_source"][0]


def test_standard_table_keeps_extra_columns_and_fraction_scales():
    a = parse_actors(GOOD)
    assert a.extra["source"] == ("x", "y")
    assert a.salience_scale == "fraction"
    np.testing.assert_allclose(a.s[:, 0], [0.8, 0.4])


def test_salience_scale_override():
    a = parse_actors(GOOD, salience_scale="percent")
    np.testing.assert_allclose(a.s[:, 0], [0.008, 0.004])


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("id,actor,position,capability\na,A,1,1\nb,B,2,1\n", "missing column(s): salience"),
        (
            "id,actor,position,capability,salience\na,A,x,1,1\nb,B,2,1,1\n",
            "line 2, column position",
        ),
        ("id,actor,position,capability,salience\na,A,1,0,1\nb,B,2,1,1\n", "capability must be > 0"),
        ("id,actor,position,capability,salience\na,A,1,1,150\nb,B,2,1,1\n", "out of range 0-100"),
        ("id,actor,position,capability,salience\na,A,1,1,-1\nb,B,2,1,1\n", "out of range"),
        ("id,actor,position,capability,salience\na,A,1,1,1\na,B,2,1,1\n", "duplicate actor id"),
        ("id,actor,position,capability,salience\na,A,1,1,1\n", "at least two actors"),
    ],
)
def test_bad_tables(text, needle):
    with pytest.raises(EnclaveInputError) as err:
        parse_actors(text, "t.csv")
    assert needle in err.value.one_line()
    assert err.value.one_line().startswith("t.csv")


def test_ktab_format(bargaining):
    a = read_actors(bargaining / "ktab_dummyData_3Dim.csv")
    assert a.n == 7 and a.dimensions == ("Pstn1", "Pstn2", "Pstn3")
    assert a.capability_scale == "raw" and a.salience_scale == "percent"
    assert a.position[2, 2] == pytest.approx(0.07)


def test_ec_round0_baselines(bargaining):
    a = read_actors(bargaining / "ec_emissions_1994.csv")
    w = a.c * a.s[:, 0]
    assert weighted_mean(a.position[:, 0], w) == pytest.approx(7.389956, abs=1e-6)
    assert weighted_median(a.position[:, 0], w) == 7.0
    assert weighted_mean(a.position[:, 0], a.c) == pytest.approx(7.475248, abs=1e-6)


@pytest.mark.parametrize(
    ("case", "dim", "mean", "median"),
    [
        ("SOE-Pol-Comp", 0, 36.294, 45),
        ("SOE-Pol-Comp", 1, 38.885, 40),
        ("dummyData_3Dim", 0, 78.784, 82.34),
        ("dummyData_3Dim", 1, 47.600, 45.77),
        ("dummyData_3Dim", 2, 52.323, 70.45),
        ("SOE-Policy", 0, 35.006, 30),
        ("SOE-Competitive", 0, 39.963, 40),
    ],
)
def test_ktab_baselines(bargaining, case, dim, mean, median):
    """expected_results.md §3.3: Influence x Salience weighted mean / median per dimension."""
    a = read_actors(bargaining / f"ktab_{case}.csv")
    w = a.capability * a.salience[:, dim]
    assert weighted_mean(a.position[:, dim], w) == pytest.approx(mean, abs=5e-4)
    assert weighted_median(a.position[:, dim], w) == pytest.approx(median)


tables = st.integers(2, 12).flatmap(
    lambda n: st.tuples(
        st.lists(st.floats(0, 100), min_size=n, max_size=n),
        st.lists(st.floats(0.01, 10), min_size=n, max_size=n),
    )
)


@settings(max_examples=60, deadline=None)
@given(tables, st.floats(1e-3, 1e3))
def test_scaling_weights_changes_neither_baseline(data, k):
    x, w = (np.array(v) for v in data)
    assert weighted_mean(x, k * w) == pytest.approx(weighted_mean(x, w), rel=1e-9, abs=1e-9)
    assert weighted_median(x, k * w) == weighted_median(x, w)


@settings(max_examples=60, deadline=None)
@given(tables, st.integers(0, 11))
def test_dominant_actor_is_the_median(data, pick):
    x, w = (np.array(v) for v in data)
    i = pick % len(x)
    w[i] = 1.01 * (w.sum() - w[i])  # more than all the others together
    assert weighted_median(x, w) == x[i]


@settings(max_examples=30, deadline=None)
@given(tables)
def test_median_minimises_weighted_distance(data):
    x, w = (np.array(v) for v in data)
    m = weighted_median(x, w)
    cost = lambda p: float(np.sum(w * np.abs(x - p)))  # noqa: E731
    assert cost(m) <= min(cost(p) for p in x) + 1e-9
