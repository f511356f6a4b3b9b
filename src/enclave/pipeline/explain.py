"""``enclave sensitivity`` (SALib: Sobol' or Morris) and ``enclave discover`` (PRIM)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from enclave.errors import EnclaveInputError
from enclave.io import check_output_folder, write_all, write_atomic


def _scenario(c, name: str | None) -> str:  # noqa: ANN001
    names = [s.name for s in c.scenarios]
    if name is None:
        return names[0]
    if name not in names:
        raise EnclaveInputError(
            None, "--scenario", f"no scenario '{name}' (scenarios: {', '.join(names)})"
        )
    return name


def _calibrated(c, path: Path | None, read_intervals):  # noqa: ANN001, ANN202
    """(case, intervals, note): ``enclave calibrate``'s files (and embedded names such as
    ``idlib-2019``) are applied as ``enclave run --calibration`` applies them (checked against
    the case); any other YAML/JSON of per-input ``low``/``high`` goes through the tolerant
    :func:`enclave.analysis.sensitivity.read_intervals`. Without a file: the prior ranges."""
    if path is None:
        return c, None, ""
    from enclave.calibration.files import EMBEDDED, apply_calibration, read_calibration

    text = str(path)
    is_calib = text in EMBEDDED
    if not is_calib and Path(text).is_file():
        import yaml

        try:
            head = yaml.safe_load(Path(text).read_text("utf-8"))
            is_calib = isinstance(head, dict) and "calibration" in head and "parameter_set" in head
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            is_calib = False
    if is_calib:
        data = read_calibration(text)
        c = apply_calibration(c, data)
        names = ", ".join(data["parameters"])
        return c, None, f"calibration {data['_file']}: 90 % intervals for {names}"
    cal = read_intervals(Path(text), c)
    return c, cal, f"calibrated intervals ({text}) for: {', '.join(cal)}"


def _backend(backend: str, workers: int | None, scheduler: str | None):  # noqa: ANN202
    from enclave.ensemble.backends import BACKENDS, DaskBackend, make_backend

    if backend not in BACKENDS:
        choices = ", ".join(BACKENDS)
        raise EnclaveInputError(None, "--backend", f"'{backend}' is not one of {choices}")
    if workers is not None and workers < 1:
        raise EnclaveInputError(None, "--workers", f"must be at least 1 (got {workers})")
    engine = make_backend(backend, workers, scheduler)
    if isinstance(engine, DaskBackend):
        engine.check()
    return engine


def _progress(label: str, total: int):  # noqa: ANN202
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    progress = Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    )
    task = progress.add_task(label, total=total)
    return progress, lambda: progress.advance(task)


def _png(fig):  # noqa: ANN001, ANN202
    return lambda p: write_atomic(p, lambda t: fig.savefig(t, format="png", dpi=120))


def _csv(df):  # noqa: ANN001, ANN202
    return lambda p: write_atomic(p, lambda t: df.to_csv(t, index=False))


def sensitivity_command(
    case: str = typer.Argument(None, help="case YAML file or embedded name (default idlib-2018)"),
    scenario: str = typer.Option(None, "--scenario", help="scenario (default: the first)"),
    method: str = typer.Option("sobol", "--method", help="sobol or morris"),
    samples: int = typer.Option(
        None,
        "--samples",
        help="base samples N: sobol N(2k+2) runs (default 64), morris N(k+1) (20)",
    ),
    output: str = typer.Option("newly_displaced", "--output", help="metric to explain"),
    calibration: Path = typer.Option(
        None, "--calibration", help="YAML/JSON of calibrated 90 % intervals (low/high per input)"
    ),
    out: Path = typer.Option(None, "--out", help="output folder (default results/<case>/)"),
    seed: int = typer.Option(0, "--seed", help="root seed (sampling and the engine seed)"),
    scale: int = typer.Option(None, "--scale", help="people per agent (default: case)"),
    workers: int = typer.Option(None, "--workers", help="processes (default: all cores)"),
    backend: str = typer.Option("processes", "--backend", help="processes, serial or dask"),
    scheduler: str = typer.Option(None, "--scheduler", help="Dask scheduler address"),
) -> None:
    """Global sensitivity of one metric to the case's uncertain inputs (SALib)."""
    from enclave.analysis.sensitivity import (
        DEFAULT_SAMPLES,
        METHODS,
        problem_for,
        read_intervals,
        run_sensitivity,
        sensitivity_figure,
    )
    from enclave.analysis.summary import METRICS
    from enclave.scenario import load

    t0 = time.perf_counter()
    if method not in METHODS:
        raise EnclaveInputError(None, "--method", f"'{method}' is not one of {', '.join(METHODS)}")
    if output not in METRICS:
        raise EnclaveInputError(
            None, "--output", f"unknown metric '{output}' (metrics: {', '.join(METRICS)})"
        )
    if samples is not None and samples < 2:
        raise EnclaveInputError(None, "--samples", f"must be at least 2 (got {samples})")
    c = load(case)
    name = _scenario(c, scenario)
    c, cal, cal_note = _calibrated(c, calibration, read_intervals)
    out = check_output_folder(out or Path("results") / c.case)
    engine = _backend(backend, workers, scheduler)
    n = samples or DEFAULT_SAMPLES[method]
    k = problem_for(c, cal)["num_vars"]
    total = n * (2 * k + 2) if method == "sobol" else n * (k + 1)
    progress, advance = _progress(f"{c.case}/{name}: {method} runs", total)
    with progress:
        table, rows = run_sensitivity(
            c, name, method, n, output, cal, seed, scale, None, engine, advance
        )
    stem = f"sensitivity_{method}_{name}_{output}"
    fig = sensitivity_figure(table, f"{c.case} / {name}: {output} ({method}, {len(rows)} runs)")
    files = {
        out / f"{stem}.csv": _csv(table),
        out / f"{stem}_runs.csv": _csv(rows),
        out / f"{stem}.png": _png(fig),
    }
    write_all(files)
    t = Table(title=f"{c.title} — {name}: {output}, {method}, {len(rows)} runs, 95 % intervals")
    t.add_column("input")
    if method == "sobol":
        for col in ("first order S1", "total ST"):
            t.add_column(col, justify="right")
        for r in table.itertuples():
            t.add_row(r.input, f"{r.S1:.3f} ± {r.S1_conf:.3f}", f"{r.ST:.3f} ± {r.ST_conf:.3f}")
    else:
        for col in ("mu*", "sigma"):
            t.add_column(col, justify="right")
        for r in table.itertuples():
            t.add_row(r.input, f"{r.mu_star:.4g} ± {r.mu_star_conf:.3g}", f"{r.sigma:.4g}")
    Console(file=sys.stdout, width=160).print(t)
    err = Console(stderr=True)
    if cal_note:
        err.print(cal_note)
    for p in files:
        err.print(f"wrote {p}")
    err.print(f"done in {time.perf_counter() - t0:.1f} s")


def discover_command(
    case: str = typer.Argument(None, help="case YAML file or embedded name (default idlib-2018)"),
    where: list[str] = typer.Option(
        ...,
        "--where",
        help='outcome, e.g. "at_border_added > 100000" or "camp_peak_ratio > 2" (any camp '
        "cluster; one: camp_peak_ratio[NAME]); all must hold",
    ),
    scenario: str = typer.Option(None, "--scenario", help="scenario (default: the first)"),
    samples: int = typer.Option(200, "--samples", help="runs (Latin hypercube over the inputs)"),
    threshold: float = typer.Option(0.8, "--threshold", help="least density of a box"),
    boxes: int = typer.Option(3, "--boxes", help="most boxes to find"),
    out: Path = typer.Option(None, "--out", help="output folder (default results/<case>/)"),
    seed: int = typer.Option(0, "--seed", help="root seed"),
    scale: int = typer.Option(None, "--scale", help="people per agent (default: case)"),
    workers: int = typer.Option(None, "--workers", help="processes (default: all cores)"),
    backend: str = typer.Option("processes", "--backend", help="processes, serial or dask"),
    scheduler: str = typer.Option(None, "--scheduler", help="Dask scheduler address"),
) -> None:
    """Which input ranges lead to an outcome (PRIM, EMA Workbench)."""
    import numpy as np

    from enclave.analysis.discovery import boxes_figure, find_boxes, parse_where, sample_ensemble
    from enclave.analysis.sensitivity import problem_for
    from enclave.scenario import load

    t0 = time.perf_counter()
    conds = [parse_where(w) for w in where]
    if samples < 10:
        raise EnclaveInputError(None, "--samples", f"must be at least 10 (got {samples})")
    if not 0 < threshold <= 1:
        raise EnclaveInputError(None, "--threshold", f"must be in (0, 1] (got {threshold})")
    if boxes < 1:
        raise EnclaveInputError(None, "--boxes", f"must be at least 1 (got {boxes})")
    find_boxes(None, np.zeros(0, bool))  # ema-workbench present? one line if not
    c = load(case)
    name = _scenario(c, scenario)
    out = check_output_folder(out or Path("results") / c.case)
    engine = _backend(backend, workers, scheduler)
    progress, advance = _progress(f"{c.case}/{name}: runs", samples)
    with progress:
        rows = sample_ensemble(c, name, samples, seed, scale, None, engine, advance)
    prob = problem_for(c)
    y = np.ones(len(rows), bool)
    for cond in conds:
        y &= cond.mark(rows)
    rows["of_interest"] = y
    found = find_boxes(rows[prob["names"]], y, threshold, boxes)
    what = " and ".join(str(x) for x in conds)
    stem = f"discover_{name}"
    bounds = dict(zip(prob["names"], map(tuple, prob["bounds"])))
    fig = boxes_figure(found, bounds, f"{c.case} / {name}: {what}")
    files = {
        out / f"{stem}_boxes.csv": _csv(found),
        out / f"{stem}_runs.csv": _csv(rows),
        out / f"{stem}.png": _png(fig),
    }
    write_all(files)
    con = Console(file=sys.stdout, width=160)
    con.print(f"{int(y.sum())} of {len(y)} runs meet {what}")
    if y.all():
        con.print("every run meets it: the whole sampled range, no box to find")
    elif found.empty:
        con.print("no box reaches the density threshold")
    for b, grp in found.groupby("box"):
        r = grp.iloc[0]
        t = Table(
            title=f"box {b}: coverage {r.coverage:.2f}, density {r.density:.2f}, "
            f"{r.runs_in_box} runs ({r.mass:.0%} of all)"
        )
        for col in ("input", "low", "high", "sampled range"):
            t.add_column(col)
        for x in grp.itertuples():
            lo, hi = bounds[x.input]
            t.add_row(x.input, f"{x.low:.4g}", f"{x.high:.4g}", f"{lo:.4g} – {hi:.4g}")
        con.print(t)
    err = Console(stderr=True)
    for p in files:
        err.print(f"wrote {p}")
    err.print(f"done in {time.perf_counter() - t0:.1f} s")
