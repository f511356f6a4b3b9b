"""The shipped calibration is real: a fresh small-budget fit contains its fitted values."""

import pytest

from enclave.calibration.files import read_calibration
from enclave.calibration.fit import Targets, calibrated_names, fit, observed_summaries
from enclave.calibration.observed import load_observed
from enclave.scenario import load


@pytest.mark.slow
def test_shipped_values_lie_in_a_fresh_fits_intervals():
    shipped = read_calibration("idlib-2019")
    case = load(shipped["case"])
    assert shipped["parameter_set"] == calibrated_names(case)
    assert shipped["geography"] == case.geography_name
    tg = Targets.from_observed(load_observed(), case, case.scenarios[0].days)
    r = fit(case, tg, observed_summaries(tg), budget=300, scale=shipped["scale"], seed=11)
    # both are estimates of one posterior: their 90 % intervals must overlap. (Not "the
    # shipped median inside the small fit's interval": the leave shares pile up against
    # their prior's upper bound, where a 300-simulation fit's interval ends just short of
    # the full fit's median.) A shipped file with values fitted to other data or another
    # model lies outside: the spawn rate's small-fit interval is a third of its prior.
    for k, p in shipped["parameters"].items():
        assert r.p05[k] <= p["p95"] and p["p05"] <= r.p95[k], (k, p, r.p05[k], r.p95[k])
    # the fresh fit narrows the spawn rate from its prior; the shipped (full-budget) fit's
    # interval is at most half the prior's width
    lo, hi = r.prior["spawn_rate"]
    assert r.p95["spawn_rate"] - r.p05["spawn_rate"] < 0.6 * (hi - lo)
    p = shipped["parameters"]["spawn_rate"]
    assert p["p95"] - p["p05"] <= 0.5 * (p["prior"][1] - p["prior"][0])


def test_backtest_case_loads_the_shipped_calibration():
    from enclave.calibration.files import load_for_case

    case, data = load_for_case(load("idlib-2019-20"), None)
    assert data is not None and data["case"] == "idlib-2019"
    v = data["parameters"]["spawn_rate"]
    assert case.inputs.spawn_rate.low == v["p05"] and case.inputs.spawn_rate.mid == v["value"]
