"""KTAB SMP: the assessment phase against KTAB's 2017-05-30 reference logs, and smp-lite."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enclave.politics.actors import read_actors
from enclave.politics.smp import risk_attitudes, run_smp, run_smp_lite, turn_probabilities

CASES = ["SOE-Pol-Comp", "dummyData_3Dim"]


def _ref(bargaining, case, kind):
    with open(bargaining / f"ktab_ref_{case}_{kind}.csv", newline="") as fh:
        return list(csv.DictReader(fh))


def _positions_at(bargaining, case, actors, turn):
    x = np.empty(actors.position.shape)
    for row in _ref(bargaining, case, "positions"):
        if int(row["turn"]) == turn:
            x[actors.ids.index(row["actor"]), actors.dimensions.index(row["dimension"])] = float(
                row["position"]
            )
    return x


def _probs_at(bargaining, case, actors, turn):
    rows = [r for r in _ref(bargaining, case, "probs") if int(r["turn"]) == turn]
    return np.array(
        [float(r["prob"]) for r in sorted(rows, key=lambda r: actors.ids.index(r["actor"]))]
    )


@pytest.mark.parametrize("case", CASES)
def test_turn1_risk_attitudes_exact(bargaining, case):
    a = read_actors(bargaining / f"ktab_{case}.csv")
    big_r = risk_attitudes(a.position / 100, a.s, a.capability)
    ref = {r["actor"]: float(r["risk_attitude_R"]) for r in _ref(bargaining, case, "turn1_risk")}
    np.testing.assert_array_equal(np.round(big_r, 3), [ref[i] for i in a.ids])


@pytest.mark.parametrize("case", CASES)
def test_turn0_probabilities_exact(bargaining, case):
    a = read_actors(bargaining / f"ktab_{case}.csv")
    x = a.position / 100
    p = turn_probabilities(x, a.s, a.capability, risk_attitudes(x, a.s, a.capability))
    np.testing.assert_array_equal(np.round(p, 4), _probs_at(bargaining, case, a, 0))


@pytest.mark.parametrize("turn", [1, 2, 3, 4])
def test_assessment_on_ktab_positions_later_turns(bargaining, turn):
    """Given KTAB's own (0.1-rounded) positions, SOE-Pol-Comp turns 1-4 agree to 0.002.

    Only the assessment is checked here; the rounding of the printed positions alone moves
    the probabilities by ~1e-3, so this is a consistency check, not an exact one.
    """
    case = "SOE-Pol-Comp"
    a = read_actors(bargaining / f"ktab_{case}.csv")
    x = _positions_at(bargaining, case, a, turn) / 100
    p = turn_probabilities(x, a.s, a.capability, risk_attitudes(x, a.s, a.capability))
    np.testing.assert_allclose(p, _probs_at(bargaining, case, a, turn), atol=2e-3)


def test_run_smp_shapes_and_turn0(bargaining):
    a = read_actors(bargaining / "ktab_dummyData_3Dim.csv")
    res = run_smp(a.position, a.capability, a.s, max_turns=3)
    assert res.positions.shape[1:] == (7, 3)
    np.testing.assert_array_equal(res.positions[0], a.position)
    np.testing.assert_array_equal(
        np.round(res.probs[0], 4), _probs_at(bargaining, "dummyData_3Dim", a, 0)
    )


@settings(max_examples=20, deadline=None)
@given(
    st.integers(2, 6).flatmap(
        lambda n: st.tuples(
            st.lists(st.floats(0.1, 10), min_size=n, max_size=n),
            st.lists(st.floats(0.05, 1), min_size=n, max_size=n),
        )
    ),
    st.floats(0, 100),
)
def test_smp_identical_positions_do_not_move(data, x0):
    c, s = (np.array(v) for v in data)
    for res in (
        run_smp(np.full(len(c), x0), c, s, max_turns=3),
        run_smp_lite(np.full(len(c), x0), c, s, turns=3),
    ):
        assert np.all(res.positions == x0)


def _reference_turn(x, s, c, rule="prop"):
    """The former per-actor resolution loop (one election per actor), kept as reference."""
    from enclave.politics.smp import (
        condorcet_pce,
        distances,
        risk_attitudes,
        utilities,
        victory_probabilities,
    )

    n = x.shape[0]
    big_r = risk_attitudes(x, s, c, rule)
    u = utilities(distances(x, s), big_r)
    p = victory_probabilities(u, c, rule)
    gain = (2.0 * p - 1.0) * (np.diag(u)[:, None] - u)
    np.fill_diagonal(gain, -np.inf)
    target = np.argmax(gain, axis=1)
    active = gain[np.arange(n), target] > 1e-12
    bargains = [
        (i, target[i], p[i, target[i]] * x[i] + (1 - p[i, target[i]]) * x[target[i]])
        for i in np.flatnonzero(active)
    ]
    new = x.copy()
    for k in range(n):
        pts = [x[k]] + [b[2] for b in bargains if k in (b[0], b[1])]
        if len(pts) > 1:
            opts = np.asarray(pts)
            uo = utilities(distances(x, s, opts), big_r)
            new[k] = opts[int(np.argmax(condorcet_pce(victory_probabilities(uo, c, rule))))]
    return new


def test_resolution_matches_per_actor_elections():
    """smp-lite: one shared election matrix gives exactly the per-actor elections' choices."""
    from enclave.politics.smp import _turn

    rng = np.random.default_rng(4)
    for d in (1, 2, 3):
        for _ in range(15):
            n = int(rng.integers(3, 12))
            x = rng.uniform(0, 1, (n, d))
            s = rng.uniform(0.2, 1, (n, d))
            c = rng.uniform(0.1, 1, n)
            np.testing.assert_array_equal(_turn(x, s, c, "prop")[0], _reference_turn(x, s, c))
