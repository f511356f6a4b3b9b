import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from enclave.scenario import load  # noqa: E402
from enclave.scenario.load import embedded_path  # noqa: E402


@pytest.fixture(scope="session")
def idlib():
    return load("idlib-2018")


@pytest.fixture(scope="session")
def idlib_text():
    return embedded_path("idlib-2018").read_text(encoding="utf-8")


SMALL_CASE = """\
case: tiny
title: Tiny test case
start_date: "2018-09-07"
default_scale: 10
places:
  - {name: A, kind: town, lat: 35.0, lon: 36.0, population: 1000}
  - {name: B, kind: town, lat: 35.1, lon: 36.0, population: 3000}
  - {name: Camp, kind: idp_camp_cluster, lat: 35.2, lon: 36.0, residents: 500, capacity: 1000}
  - {name: X, kind: border_crossing, lat: 35.3, lon: 36.0}
  - {name: T, kind: turkey, lat: 35.4, lon: 36.0}
  - {name: G, kind: regime_area, lat: 34.9, lon: 36.0}
roads:
  - {from: A, to: B, km: 10}
  - {from: B, to: Camp, km: 10}
  - {from: Camp, to: X, km: 5}
  - {from: X, to: T, km: 5, road: border}
  - {from: A, to: G, km: 10}
border:
  policy: closed
  quota_per_day: 100
  quota_source: "assumption: test"
  zone: [X, Camp]
inputs:
  enclave_population: {low: 9000, high: 11000, unit: people, source: test}
  idp_share: {low: 0.4, high: 0.5, source: test}
  leave_share_residents: {low: 0.5, high: 0.6, source: test}
  leave_share_idps: {low: 0.6, high: 0.7, source: test}
  spawn_rate: {low: 0.05, high: 0.1, source: test}
  camp_occupancy: {low: 0.8, high: 1.2, source: test}
scenarios:
  - name: attack
    title: Attack
    description: A is hit, then taken.
    days: 12
    phases:
      - type: advance
        route: [A, B]
        start: 1
        days_per_place: 3
        intensity: 1.0
        lead_days: 1
        linger_days: 1
      - {type: corridor, between: front, start: 2, policy: quota, quota_per_day: 50}
  - name: quiet
    title: Quiet
    description: Strikes on B only.
    days: 8
    phases:
      - {type: strikes, places: [B], start: 0, end: 4, intensity: 0.5}
"""


@pytest.fixture()
def small_text():
    return SMALL_CASE


@pytest.fixture()
def small_case():
    from enclave.scenario import loads

    return loads(SMALL_CASE, "tiny.yaml")
