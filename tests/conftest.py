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


# In CI (CI=true, as .ci/run sets it) a skipped test is a failed one: the tests against the
# real Flee 3.1, the shared data and the real browser must run there, not skip quietly.
IN_CI = __import__("os").environ.get("CI", "").lower() == "true"


def _fail_if_skipped(report) -> None:  # noqa: ANN001
    if IN_CI and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI (CI=true: it must run): {report.longrepr}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):  # noqa: ANN001, ANN201
    outcome = yield
    _fail_if_skipped(outcome.get_result())


@pytest.hookimpl(hookwrapper=True)
def pytest_make_collect_report(collector):  # noqa: ANN001, ANN201
    outcome = yield
    _fail_if_skipped(outcome.get_result())
