"""Conflict timeline generator, checked against hand-worked small cases."""

import numpy as np

from enclave.conflict import border_schedule, timeline
from enclave.ensemble.inputs import border_policies
from enclave.scenario import loads
from enclave.scenario.geography import geography
from enclave.scenario.model import BorderPolicy

A, B, CAMP, X, T, G = range(6)


def _link(geo, a, b):
    return int(np.flatnonzero((geo.link_from == a) & (geo.link_to == b))[0])


def test_advance_intensity_control_and_onset(small_case):
    geo = geography(small_case)
    sc = small_case.scenario("attack")
    tl = timeline(sc, geo, border_policies(small_case, sc, None))
    assert tl.intensity.shape == (12, 6) and tl.intensity.dtype == np.float32
    # front at A on days 1-3 (start 1, 3 days a place), hit from day 0 (lead 1); the linger
    # day (4) falls after the government took A, where the conflict has ended
    assert tl.intensity[:, A].tolist() == [1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]
    # front at B on days 4-6, hit on days 3-6 (taken on day 7)
    assert tl.intensity[:, B].tolist() == [0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0]
    assert tl.intensity[:, [CAMP, X, T, G]].sum() == 0
    # A is taken when the front moves on (day 4), B on day 7; G always government
    assert tl.control[:, A].tolist() == [0] * 4 + [1] * 8
    assert tl.control[:, B].tolist() == [0] * 7 + [1] * 5
    assert (tl.control[:, G] == 1).all() and (tl.control[:, T] == 3).all()
    assert tl.onset[:, A].tolist() == [0] * 12
    assert tl.onset[:, B].tolist() == [-1] * 3 + [3] * 9


def test_front_links_follow_control_and_corridor(small_case):
    geo = geography(small_case)
    sc = small_case.scenario("attack")
    tl = timeline(sc, geo, border_policies(small_case, sc, None))
    ag, ga = _link(geo, A, G), _link(geo, G, A)
    ab, bc = _link(geo, A, B), _link(geo, B, CAMP)
    # A-G is a front link while A is opposition-held (days 0-3): closed, then the corridor
    # (from day 2) gives 50 a day; once A is taken both ends are government: open
    assert tl.link_capacity[:, ag].tolist() == [0, 0, 50, 50] + [-1] * 8
    assert tl.link_capacity[:, ga].tolist() == tl.link_capacity[:, ag].tolist()
    # A-B becomes the front on day 4 (corridor quota), open once B falls (day 7)
    assert tl.link_capacity[:, ab].tolist() == [-1] * 4 + [50] * 3 + [-1] * 5
    # B-Camp is the front from day 7
    assert tl.link_capacity[:, bc].tolist() == [-1] * 7 + [50] * 5
    assert tl.front[:, ab].tolist() == [False] * 4 + [True] * 3 + [False] * 5


def test_border_policy_over_time(small_case):
    geo = geography(small_case)
    sc = small_case.scenario("quiet")
    pol = [
        BorderPolicy(from_day=0, policy="closed"),
        BorderPolicy(from_day=3, policy="quota", quota_per_day=100),
        BorderPolicy(from_day=6, policy="open"),
    ]
    assert border_schedule(pol, 8).tolist() == [0, 0, 0, 100, 100, 100, -1, -1]
    tl = timeline(sc, geo, pol)
    xt, tx = _link(geo, X, T), _link(geo, T, X)
    assert tl.border.sum() == 1 and tl.border[xt]
    assert tl.link_capacity[:, xt].tolist() == [0, 0, 0, 100, 100, 100, -1, -1]
    assert (tl.link_capacity[:, tx] == 0).all()  # no returns from Turkey
    assert tl.border_capacity.shape == (8, 1)
    # the --border lever overrides the case's policy, with the case's quota
    lever = border_policies(small_case, sc, "quota")
    assert border_schedule(lever, 3).tolist() == [100, 100, 100]
    assert border_schedule(border_policies(small_case, sc, None), 2).tolist() == [0, 0]


def test_strikes_take_the_largest_and_ceasefires_multiply(small_text):
    text = small_text.replace(
        "      - {type: corridor",
        "      - {type: strikes, places: [A, Camp], start: 0, end: 10, intensity: 0.3}\n"
        "      - {type: ceasefire, places: [A], start: 2, end: 4, factor: 0.5}\n"
        "      - {type: ceasefire, start: 9, factor: 0}\n"
        "      - {type: corridor",
    )
    case = loads(text, "t.yaml")
    sc = case.scenario("attack")
    tl = timeline(sc, geography(case), border_policies(case, sc, None))
    a = np.round(tl.intensity[:, A].astype(float), 3).tolist()
    # the advance's 1 over the strikes' 0.3, halved by the ceasefire on days 2-3; from day 4
    # the government holds A: no conflict there, whatever the phases say
    assert a == [1, 1, 0.5, 0.5] + [0] * 8
    assert np.round(tl.intensity[:, CAMP].astype(float), 3).tolist() == [0.3] * 9 + [0] * 3
    # a ceasefire listed before the phases it damps acts all the same
    moved = text.replace(
        "      - type: advance",
        "      - {type: ceasefire, places: [B], start: 0, factor: 0}\n      - type: advance",
    )
    case2 = loads(moved, "t.yaml")
    tl2 = timeline(case2.scenario("attack"), geography(case2), [BorderPolicy(policy="closed")])
    assert tl2.intensity[:, B].sum() == 0


def test_capture_and_days_override(small_text):
    text = small_text.replace(
        "      - {type: strikes, places: [B]",
        "      - {type: capture, places: [Camp], day: 5, by: turkish_held}\n"
        "      - {type: strikes, places: [B]",
    )
    case = loads(text, "t.yaml")
    sc = case.scenario("quiet")
    tl = timeline(sc, geography(case), [BorderPolicy(policy="open")], days=10)
    assert tl.control[:, CAMP].tolist() == [0] * 5 + [2] * 5
    assert tl.intensity[:, B].tolist() == [0.5] * 4 + [0] * 6


def test_idlib_scenarios_generate(idlib):
    geo = geography(idlib)
    for sc in idlib.scenarios:
        tl = timeline(sc, geo, border_policies(idlib, sc, None))
        assert tl.intensity.shape == (sc.days, 94)
        assert tl.intensity.min() >= 0 and tl.intensity.max() <= 1
        assert (tl.border_capacity == 0).all()  # closed by default
    full = timeline(idlib.scenario("full-offensive"), geo, [BorderPolicy(policy="closed")])
    # the full offensive reaches the border crossing and the camps
    for name in ("Bab al-Hawa crossing", "Atmeh camps", "Idlib"):
        assert full.control[-1, geo.index(name)] == 1, name
    deal = timeline(idlib.scenario("negotiated-deal"), geo, [BorderPolicy(policy="closed")])
    assert (deal.control == geo.control0).all()
    assert deal.intensity[20:].max() <= 0.1 + 1e-6
