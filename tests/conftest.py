"""Shared test helpers: where the read-only reference data lives."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FLEE_DATA = SHARED / "data" / "flee"
INSTANCES = {
    "mali": "mali2012",
    "burundi": "burundi2015",
    "car": "car2013",
    "ssudan": "ssudan2014",
}


@pytest.fixture
def flee_data() -> Path:
    if not FLEE_DATA.is_dir():
        pytest.skip(f"shared Flee data not found at {FLEE_DATA}")
    return FLEE_DATA
