"""``enclave run``, ``enclave scenarios`` and ``enclave export-flee``."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from enclave.errors import EnclaveInputError
from enclave.io import check_output_folder

BORDER_LEVERS = ("closed", "quota", "open")


def _border(value: str | None) -> str | None:
    """Check ``--border`` here: one clear line and exit 2 for a bad value."""
    if value is None or value in BORDER_LEVERS:
        return value
    raise EnclaveInputError(None, "--border", f"'{value}' is not one of {', '.join(BORDER_LEVERS)}")


def _fmt(x: float, unit: str) -> str:
    if x != x:  # NaN
        return "never" if unit == "day" else "-"
    if unit == "people":
        return f"{x:,.0f}"
    if unit == "day":
        return f"{x:.0f}"
    return f"{x:.2f}"


def run_command(
    case: str = typer.Argument(None, help="case YAML file or embedded name (default idlib-2018)"),
    out: Path = typer.Option(None, "--out", help="output folder (default results/<case>/)"),
    members: int = typer.Option(20, "--members", help="members per scenario"),
    seed: int = typer.Option(0, "--seed", help="root seed (SeedSequence)"),
    scale: int = typer.Option(None, "--scale", help="people per agent (default: case)"),
    border: str = typer.Option(
        None, "--border", help="Turkey's border for every scenario: closed, quota or open"
    ),
    workers: int = typer.Option(None, "--workers", help="processes (default: all cores)"),
    sensitivity: bool = typer.Option(
        True, "--sensitivity/--no-sensitivity", help="one-at-a-time sensitivity runs"
    ),
    backend: str = typer.Option(
        "processes", "--backend", help="where members run: processes, serial or dask"
    ),
    scheduler: str = typer.Option(
        None, "--scheduler", help="Dask scheduler address (tcp://host:8786); implies dask"
    ),
    resume: bool = typer.Option(
        False, "--resume", help="finish an interrupted run in --out (same settings)"
    ),
    calibration: str = typer.Option(
        None,
        "--calibration",
        help="calibration file (from enclave calibrate) to apply (default: the case's own)",
    ),
    prior: bool = typer.Option(
        False, "--prior", help="run the uncalibrated priors only (ignore any calibration)"
    ),
    compare_prior: bool = typer.Option(
        True,
        "--compare-prior/--no-compare-prior",
        help="when calibrated, also run the priors (10 members a scenario) for the report",
    ),
    explain: bool = typer.Option(
        False, "--explain", help="print the definition of every metric under the table"
    ),
) -> None:
    """Run every scenario of a case as an ensemble; write results.nc, CSVs and report.html."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    from enclave.pipeline.run import calibrated, run_case, runs_needed
    from enclave.scenario import load

    t0 = time.perf_counter()
    _border(border)
    for flag, value, low in (
        ("--members", members, 1),
        ("--seed", seed, 0),
        ("--scale", scale, 1),
        ("--workers", workers, 1),
    ):
        if value is not None and value < low:
            raise EnclaveInputError(None, flag, f"must be at least {low} (got {value})")
    from enclave.ensemble.backends import BACKENDS

    if backend not in BACKENDS:
        raise EnclaveInputError(
            None, "--backend", f"'{backend}' is not one of {', '.join(BACKENDS)}"
        )
    c = load(case)
    if prior and calibration is not None:
        raise EnclaveInputError(None, "--prior", "cannot be used with --calibration")
    c, cal, prior_case = calibrated(c, calibration, prior, compare_prior)
    out = out or Path("results") / c.case
    check_output_folder(out)
    if scheduler is not None:
        from enclave.ensemble.backends import DaskBackend

        DaskBackend(scheduler).check()
    err = Console(stderr=True)
    if cal is not None:
        fitted = ", ".join(
            f"{k} {v['value']:.4g} [{v['p05']:.4g}-{v['p95']:.4g}]"
            for k, v in cal["parameters"].items()
        )
        err.print(f"calibration {cal['_file']} ({cal['case']}): {fitted}")
    elif c.calibration is not None:
        err.print(f"uncalibrated (--prior): {c.case}'s calibration {c.calibration} not applied")
    total = runs_needed(c, members, sensitivity, prior_case)
    lever = _border(border)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    ) as progress:
        tasks: list = []  # the bar appears with the first finished run, not before checks

        def advance() -> None:
            if not tasks:
                tasks.append(progress.add_task(f"{c.case}: runs", total=total))
            progress.advance(tasks[0])
            if progress.tasks[0].finished:
                # the bar's refresh thread ends with the runs: the report may then draw
                # its figures in forked processes (enclave.report.parallel)
                progress.stop()

        res = run_case(
            c,
            out,
            members,
            seed,
            scale,
            lever,
            sensitivity,
            workers,
            on_done=advance,
            backend=backend,
            scheduler=scheduler,
            resume=resume,
            calibration=cal,
            prior=prior_case,
        )
    from enclave.report.terminal import print_table

    print_table(
        res.summary,
        c,
        members,
        scale or c.default_scale,
        lever,
        Console(file=sys.stdout, width=80),
        explain=explain,
    )
    for p in res.files:
        err.print(f"wrote {p}")
    err.print(f"done in {time.perf_counter() - t0:.1f} s")


def scenarios_command(
    case: str = typer.Argument(None, help="case YAML file or embedded name (default idlib-2018)"),
) -> None:
    """List a case's scenarios."""
    from enclave.scenario import load

    c = load(case)
    table = Table(title=f"{c.case}: {c.title}")
    for col in ("name", "days", "phases", "title"):
        table.add_column(col)
    for s in c.scenarios:
        table.add_row(s.name, str(s.days), str(len(s.phases)), s.title)
    Console(file=sys.stdout, width=160).print(table)


def export_flee_command(
    args: list[str] = typer.Argument(..., help="[CASE] SCENARIO DIR"),
    border: str = typer.Option(None, "--border", help="Turkey's border: closed, quota or open"),
) -> None:
    """Write one scenario as a Flee 3.1 instance folder (with a validation folder)."""
    from enclave.pipeline.flee_export import export_flee
    from enclave.scenario import load

    if len(args) == 2:
        case, scenario, folder = None, args[0], args[1]
    elif len(args) == 3:
        case, scenario, folder = args
    else:
        raise EnclaveInputError(None, None, "usage: enclave export-flee [CASE] SCENARIO DIR")
    c = load(case)
    names = [s.name for s in c.scenarios]
    if scenario not in names:
        raise EnclaveInputError(
            case or c.case, None, f"no scenario '{scenario}' (scenarios: {', '.join(names)})"
        )
    out = Path(folder)
    check_output_folder(out, "DIR")
    written = export_flee(c, scenario, out, _border(border))
    Console(stderr=True).print(f"wrote {len(written)} files into {out}")
