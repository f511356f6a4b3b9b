"""Synthetic recovery: data simulated from known inputs, then ``fit`` must find them again."""

import numpy as np

from conftest import SMALL_CASE
from enclave.calibration.fit import Targets, fit, observed_summaries, summaries
from enclave.ensemble.inputs import central_values
from enclave.scenario import loads

PRIOR = (0.01, 0.3)


def _case():
    txt = SMALL_CASE.replace(
        "spawn_rate: {low: 0.05, high: 0.1, source: test}",
        f"spawn_rate: {{low: {PRIOR[0]}, high: {PRIOR[1]}, source: test, calibrate: true}}",
    ).replace("days: 12", "days: 24")
    return loads(txt)


def _synthetic(case, truth: float, seed: int) -> Targets:
    days = np.array([1, 2, 3, 4, 6, 8, 10, 14, 20])
    empty = Targets(0, days, np.ones(len(days)), np.array([], dtype=int), (), np.array([]), ())
    s = summaries(case, dict(central_values(case), spawn_rate=truth), 1, seed, empty)
    return Targets(0, days, s["cum"], empty.share_days, (), np.array([]), ())


def test_recovers_spawn_rate_with_honest_intervals():
    case = _case()
    truths = [0.05, 0.09, 0.12, 0.18, 0.25]
    inside, widths = 0, []
    for i, truth in enumerate(truths):
        tg = _synthetic(case, truth, seed=1000 + i)
        r = fit(case, tg, observed_summaries(tg), budget=240, scale=1, seed=i)
        lo, hi = r.p05["spawn_rate"], r.p95["spawn_rate"]
        inside += lo <= truth <= hi
        widths.append(hi - lo)
        assert r.simulations <= 240 + 2 * 40  # pyabc finishes the generation it started
        if i == 0:
            assert lo <= truth <= hi, (truth, lo, hi)
    # the interval is informative: at most half the prior width, every time
    assert max(widths) <= 0.5 * (PRIOR[1] - PRIOR[0]), widths
    # coverage about as stated (90 %): with 5 data sets, at least 4 inside
    assert inside >= 4, (inside, widths)


def test_fit_is_reproducible():
    case = _case()
    tg = _synthetic(case, 0.1, seed=7)
    a = fit(case, tg, observed_summaries(tg), budget=60, scale=1, seed=3)
    b = fit(case, tg, observed_summaries(tg), budget=60, scale=1, seed=3)
    assert a.values == b.values and a.p05 == b.p05
