"""Command line: a thin layer over the Python API.

Results go to files (and, where a command prints a table, to stdout); messages, warnings and
progress go to stderr. Bad input raises :class:`enclave.errors.EnclaveInputError`, caught here
once: one line on stderr, exit code 2, no traceback.
"""

from __future__ import annotations

import sys
import warnings

import typer

from enclave.errors import EnclaveInputError, EnclaveInputWarning

app = typer.Typer(
    name="enclave",
    help="Enclave: politics, conflict and displacement for besieged enclaves (Idlib 2018 default).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register_commands() -> None:
    """Attach each stage's command; each lives beside the stage it drives."""
    from enclave.displacement.cli import flee_command

    app.command("flee")(flee_command)
    from enclave.politics.cli import bargain_command

    app.command("bargain")(bargain_command)
    from enclave.pipeline.cli import export_flee_command, run_command, scenarios_command

    app.command("run")(run_command)
    app.command("scenarios")(scenarios_command)
    app.command("export-flee")(export_flee_command)
    from enclave.pipeline.explain import discover_command, sensitivity_command

    app.command("sensitivity")(sensitivity_command)
    app.command("discover")(discover_command)
    from enclave.calibration.cli import backtest_command, calibrate_command

    app.command("calibrate")(calibrate_command)
    app.command("backtest")(backtest_command)


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001
    prefix = "warning" if category is EnclaveInputWarning else category.__name__
    print(f"{prefix}: {message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``enclave`` console script; returns the exit code.

    Click (standalone mode) reports usage errors itself: usage line, one error line,
    exit 2. Input errors from the library are caught here: one line, exit 2.
    """
    warnings.showwarning = _show_warning
    _register_commands()
    try:
        app(args=argv, prog_name="enclave")
    except EnclaveInputError as err:
        print(f"error: {err.one_line()}", file=sys.stderr)
        return 2
    except SystemExit as exc:
        if exc.code is None:
            return 0
        return exc.code if isinstance(exc.code, int) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
