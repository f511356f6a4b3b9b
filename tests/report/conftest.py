"""Reports built once per session for the report tests (small runs: a few members)."""

import os
import shutil
from pathlib import Path

import pytest

from enclave.pipeline.run import run_case

DARAA = Path(__file__).with_name("daraa-2018.yaml")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]


@pytest.fixture(scope="session")
def daraa_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("daraa")
    res = run_case(DARAA, out, members=3, seed=2, workers=1, sensitivity=False)
    return out, res


@pytest.fixture(scope="session")
def idlib_small_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("idlib-small")
    res = run_case(None, out, members=2, seed=3, scale=400, workers=1, sensitivity=False)
    return out, res


def _missing(reason: str) -> None:
    """In CI a missing browser is a failure; elsewhere a skip that says why."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: the browser test must run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    exe = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(exe).exists():
        _missing("no Chromium at /usr/bin/chromium: apt-get install -y chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _missing("the playwright package is missing: pip install -e '.[test]'")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, headless=True, args=FLAGS)
        yield b
        b.close()
