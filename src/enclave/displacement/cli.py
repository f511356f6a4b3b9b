"""``enclave flee``: run a Flee instance folder with Enclave's engine."""

from __future__ import annotations

import json
import sys
from importlib import resources
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from enclave.errors import EnclaveInputError

EXAMPLES = ("mali",)


def example_paths(name: str) -> tuple[Path, Path, Path]:
    """(instance, validation, simsetting.yml) of a bundled example."""
    if name not in EXAMPLES:
        raise EnclaveInputError(None, "--example", f"unknown example {name!r} (have: mali)")
    root = Path(str(resources.files("enclave.displacement") / "examples" / name))
    return root / "instance", root / "validation", root / "simsetting.yml"


def flee_command(
    instance: Optional[Path] = typer.Argument(  # noqa: UP045 (typer needs Optional)
        None, help="Flee instance folder (locations.csv, routes.csv, conflicts.csv, ...)."
    ),
    validation: Optional[Path] = typer.Option(  # noqa: UP045
        None, "--validation", help="UNHCR validation folder (data_layout.csv, refugees.csv)."
    ),
    settings: Optional[Path] = typer.Option(  # noqa: UP045
        None, "--settings", help="Flee simsetting.yml (default: Flee 3.1's defaults)."
    ),
    days: Optional[int] = typer.Option(  # noqa: UP045
        None, "--days", min=1, help="Days to simulate (default: the instance's period)."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of every random draw."),
    out: Path = typer.Option(Path("results/flee"), "--out", help="Output folder."),
    example: Optional[str] = typer.Option(  # noqa: UP045
        None, "--example", help="Run a bundled instance instead: mali."
    ),
    flee_compat: bool = typer.Option(
        False,
        "--flee-compat",
        help="'link' closures close nothing (one-letter name1: name2->name1), as Flee 3.1.",
    ),
    threads: Optional[int] = typer.Option(  # noqa: UP045
        None, "--threads", min=1, help="numba threads for the engine (default: 1; see README)"
    ),
    as_json: bool = typer.Option(False, "--json", help="Print summary.json to stdout."),
) -> None:
    """Run a Flee instance; write OUT/out.csv (Flee's columns) and OUT/summary.json."""
    from enclave.displacement.flee_run import run_flee, write_outputs

    if example is not None:
        if instance is not None or validation is not None:
            raise EnclaveInputError(None, "--example", "give either --example or INSTANCE_DIR")
        instance, validation, bundled = example_paths(example)
        settings = settings if settings is not None else bundled
    if instance is None:
        raise EnclaveInputError(None, "INSTANCE_DIR", "missing (or use --example mali)")
    if validation is None:
        raise EnclaveInputError(None, "--validation", "missing: the UNHCR validation folder")
    from enclave.io import check_output_folder

    check_output_folder(out)  # before the run, not after it
    console = Console(stderr=True)
    with Progress(
        TextColumn("[bold]simulating[/]"),
        BarColumn(),
        TextColumn("day {task.completed}/{task.total}"),
        TimeRemainingColumn(),
        console=console,
        transient=True,
        disable=not sys.stderr.isatty(),
    ) as bar:
        task = bar.add_task("run", total=days or 0)

        def advance(day: int) -> None:
            if day == 0 and not bar.tasks[task].total:
                bar.update(task, total=run_days[0])
            bar.update(task, completed=day + 1)

        run_days = [days or 0]
        if not days:
            from enclave.displacement.flee_io import read_period

            run_days[0] = read_period(Path(instance))[1]
        run = run_flee(
            instance, validation, settings, days, seed, flee_compat, threads, progress=advance
        )
    out_csv, summary = write_outputs(run, out)
    facts = run.summary()
    exported = _exported_by_enclave(Path(instance))
    label = "ARD vs the export's own synthetic camp data (not observations)" if exported else "ARD"
    console.print(
        f"{label} {facts['ard']:.4f} (rescaled {facts['ard_rescaled']:.4f}), "
        f"{facts['agents_at_end']:,} agents, {facts['agent_steps']:,} agent-steps in "
        f"{facts['seconds']:.2f} s -> {out_csv}, {summary}"
    )
    if as_json:
        print(json.dumps(facts, indent=2))


def _exported_by_enclave(instance: Path) -> bool:
    """An instance written by ``enclave export-flee`` (its README.txt says so): its
    validation folder holds the case's own numbers, so an ARD against it is no validation."""
    for folder in (instance, instance.parent):
        readme = folder / "README.txt"
        if readme.is_file():
            head = readme.read_text(encoding="utf-8", errors="replace")[:200]
            if head.startswith("Flee instance exported by Enclave"):
                return True
    return False
