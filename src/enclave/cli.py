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


@app.callback()
def _group() -> None:
    # keeps ``enclave COMMAND`` a group when only the requested command is registered
    pass


#: each command and the module that defines it (imported only when needed: ``enclave flee``
#: need not load the pipeline, the report and their plotting and table libraries)
COMMANDS = {
    "flee": ("enclave.displacement.cli", "flee_command"),
    "bargain": ("enclave.politics.cli", "bargain_command"),
    "run": ("enclave.pipeline.cli", "run_command"),
    "scenarios": ("enclave.pipeline.cli", "scenarios_command"),
    "export-flee": ("enclave.pipeline.cli", "export_flee_command"),
    "sensitivity": ("enclave.pipeline.explain", "sensitivity_command"),
    "discover": ("enclave.pipeline.explain", "discover_command"),
    "calibrate": ("enclave.calibration.cli", "calibrate_command"),
    "backtest": ("enclave.calibration.cli", "backtest_command"),
}


#: the command named on the command line, set by ``main`` (None: register every command)
_requested: str | None = None


def _register_commands(only: str | None = None) -> None:
    """Attach each stage's command (or only ``only``, by default the one ``main`` was asked
    for); each lives beside the stage it drives."""
    import importlib

    only = only or _requested
    for name, (module, function) in COMMANDS.items():
        if only is None or name == only:
            app.command(name)(getattr(importlib.import_module(module), function))


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001
    prefix = "warning" if category is EnclaveInputWarning else category.__name__
    print(f"{prefix}: {message}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``enclave`` console script; returns the exit code.

    Click (standalone mode) reports usage errors itself: usage line, one error line,
    exit 2. Input errors from the library are caught here: one line, exit 2.
    """
    warnings.showwarning = _show_warning
    global _requested
    args = sys.argv[1:] if argv is None else list(argv)
    _requested = args[0] if args and args[0] in COMMANDS else None
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
