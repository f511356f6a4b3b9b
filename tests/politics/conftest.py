"""Shared fixtures for the politics tests.

Reference data live in ``../shared/data/bargaining`` relative to the repository root; tests
that need them are skipped, with the reason, where that folder is absent. The default Idlib
table is always the embedded copy.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
BARGAINING = SHARED / "data" / "bargaining"


@pytest.fixture
def bargaining() -> Path:
    """The shared bargaining reference folder (skip if absent)."""
    if not BARGAINING.is_dir():
        pytest.skip(f"shared reference data not found at {BARGAINING}")
    return BARGAINING


@pytest.fixture
def cli_main(monkeypatch: pytest.MonkeyPatch):
    """``enclave.cli.main``; registers only ``bargain`` while other stages' CLIs are absent."""
    import enclave.cli as cli

    if importlib.util.find_spec("enclave.displacement.cli") is None:
        import typer

        from enclave.politics.cli import bargain_command

        app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
        app.callback()(lambda: None)  # keep "bargain" a sub-command
        app.command("bargain")(bargain_command)
        monkeypatch.setattr(cli, "app", app)
        monkeypatch.setattr(cli, "_register_commands", lambda: None)
    return cli.main
