"""Enclave against the real Flee 3.1, statistically, on a tiny graph (issue 3, point 5(c)).

The graph (``benchmarks/flee_driver.py``, ``TINY_PLACES``/``TINY_ROUTES``): one conflict zone
A; town B on the way to camp K1; a marker M on the way to the forwarding hub H and camp K2;
a dead-end town C. 1000 agents are displaced at A on day 1 (``refugees.csv``), move chances
are below 1 (conflict 0.6, town 0.3), ``start_on_foot`` and ``avoid_short_stints`` are on, so
the first days exercise the move chance, route weights (camp and foreign weights, distance
softening, marker look-through), walking the first hop, multi-hop days and forced town
moves.

Both models read the same Flee instance folder and settings; each runs RUNS times with
different seeds. For every statistic (share of the agents at each place, or on a road, at
the end of a day) the run means must agree within 3 standard errors of their difference
(run-to-run standard errors). Agents do not interact here (no camp capacities), so these
shares are the per-agent probabilities of Flee's rules.

Flee comes from the benchmark extra (``pip install -e .[bench]``); without it the module is
skipped.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

flee = pytest.importorskip(
    "flee", reason="Flee 3.1 is not installed (pip install -e .[bench]); cannot compare with it"
)

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from enclave.displacement.api import Drivers  # noqa: E402
from enclave.displacement.engine import simulate  # noqa: E402
from enclave.displacement.flee_io import read_instance  # noqa: E402
from enclave.displacement.settings import read_settings  # noqa: E402
from flee_driver import TINY_PLACES, run_flee, write_tiny_instance  # noqa: E402

AGENTS = 1000
DAYS = 4  # day 0 (nothing happens), displacement on day 1, then days 2 and 3
RUNS = 30
PLACES = [p[0] for p in TINY_PLACES]
ROAD = "on a road"


def _shares(names, occupancy, on_links, agents) -> dict[tuple[int, str], float]:
    """{(day, place): share of the displaced agents there at the end of the day}."""
    out = {}
    for d in range(1, DAYS):
        for p, name in enumerate(names):
            out[(d, name)] = occupancy[d, p] / agents
        out[(d, ROAD)] = on_links[d] / agents
    return out


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return write_tiny_instance(tmp_path_factory.mktemp("tiny_flee"), agents=AGENTS, days=DAYS)


@pytest.fixture(scope="module")
def flee_samples(tiny):
    inst, val, settings = tiny
    samples = []
    for r in range(RUNS):
        run = run_flee(inst, val, settings, days=DAYS, seed=1000 + r, record_places=True)
        assert run.agents[0] == 0 and run.agents[1] == AGENTS, "Flee spawned other numbers"
        samples.append(_shares(run.places, run.occupancy, run.on_links, AGENTS))
    return samples


@pytest.fixture(scope="module")
def enclave_samples(tiny):
    inst, _val, settings = tiny
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        instance = read_instance(inst, days=DAYS)
        rules = read_settings(settings)
    net = instance.network
    new = np.zeros(DAYS, dtype=np.int64)
    new[1] = AGENTS
    drivers = Drivers(
        conflict=instance.conflict,
        conflict_onset=instance.conflict_onset,
        link_capacity=instance.link_capacity,
        initial_agents=np.zeros(net.n_places, dtype=np.int64),
        new_displaced=new,
    )
    samples = []
    for r in range(RUNS):
        res = simulate(net, drivers, rules, seed=2000 + r)
        assert int(res.spawned.sum()) == AGENTS
        samples.append(_shares(list(net.names), res.occupancy, res.on_links, AGENTS))
    return samples


def _compare(flee_samples, enclave_samples, keys):
    """Rows (key, Flee mean, Enclave mean, z) and the keys whose |z| exceeds 3."""
    rows, bad = [], []
    for key in keys:
        f = np.array([s[key] for s in flee_samples])
        e = np.array([s[key] for s in enclave_samples])
        se = np.sqrt(f.var(ddof=1) / len(f) + e.var(ddof=1) / len(e))
        diff = e.mean() - f.mean()
        z = diff / se if se > 0 else (0.0 if diff == 0 else np.inf)
        rows.append(
            f"day {key[0]} {key[1]:>9s}: Flee {f.mean():.4f} Enclave {e.mean():.4f} z {z:+.2f}"
        )
        if abs(z) > 3:
            bad.append(key)
    return rows, bad


def test_share_moving_on_first_days(flee_samples, enclave_samples):
    """Share of the displaced still at the conflict zone A after day 1 and day 2 (1 - the
    share that has moved), and the share on roads at the end of day 1."""
    keys = [(1, "A"), (2, "A"), (1, ROAD)]
    rows, bad = _compare(flee_samples, enclave_samples, keys)
    assert not bad, "Enclave differs from Flee 3.1 by more than 3 SE:\n" + "\n".join(rows)


@pytest.mark.parametrize("day", [1, 3])
def test_route_choices(flee_samples, enclave_samples, day):
    """Share of the displaced at every place (and on roads) at the end of day ``day``."""
    keys = [(day, name) for name in PLACES if name != "A"] + [(day, ROAD)]
    rows, bad = _compare(flee_samples, enclave_samples, keys)
    assert not bad, "Enclave differs from Flee 3.1 by more than 3 SE:\n" + "\n".join(rows)


def test_flee_reference_is_informative(flee_samples):
    """Guard for the test itself: in Flee's runs a good part of the agents stays, travels and
    reaches each camp, and some pass through every place, so the comparisons have power."""
    mean = {k: np.mean([s[k] for s in flee_samples]) for k in flee_samples[0]}
    assert 0.3 < mean[(1, "A")] < 0.55  # conflict move chance 0.6
    assert mean[(1, ROAD)] > 0.1 and mean[(3, "K1")] > 0.3 and mean[(3, "K2")] > 0.1
    assert all(mean[(3, name)] > 0.001 for name in PLACES)
