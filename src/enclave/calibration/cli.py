"""``enclave calibrate``: fit a case's calibratable inputs to the observed 2019 series."""

from __future__ import annotations

import shlex
import sys
import time
from datetime import date as Date
from pathlib import Path

import numpy as np
import typer

import enclave
from enclave.errors import EnclaveInputError

PREDICTIVE = 20  # posterior draws for the fit band and the per-date table


def _check(flag: str, value: int | None, low: int) -> None:
    if value is not None and value < low:
        raise EnclaveInputError(None, flag, f"must be at least {low} (got {value})")


def predictive(case, fitres, tg, scale: int, seed: int, n: int = PREDICTIVE) -> dict:  # noqa: ANN001
    """Simulate ``n`` weighted posterior draws: the band of every target, and the series."""
    from enclave.calibration.fit import summaries
    from enclave.ensemble.inputs import central_values

    rng = np.random.default_rng([seed, 1])
    w = fitres.weights / fitres.weights.sum()
    idx = rng.choice(len(w), size=n, p=w)
    base = central_values(case)
    cums, shares, series = [], [], []
    for i in idx:
        values = dict(
            base, **{k: float(fitres.particles[i, j]) for j, k in enumerate(fitres.names)}
        )
        s = summaries(case, values, scale, int(rng.integers(2**31)), tg)
        cums.append(s["cum"])
        shares.append(s["share"])
        series.append(s["series"])
    return {"cum": np.array(cums), "share": np.array(shares), "series": np.array(series)}


def scale_bias(case, values: dict, tg, coarse: int, fine: int, seed: int, n: int = 3) -> dict:  # noqa: ANN001
    """Mean newly displaced at the last target date, coarse scale / the case's scale."""
    from enclave.calibration.fit import summaries

    rng = np.random.default_rng([seed, 2])
    seeds = [int(rng.integers(2**31)) for _ in range(n)]
    c = np.mean([summaries(case, values, coarse, s, tg)["cum"][-1] for s in seeds])
    f = np.mean([summaries(case, values, fine, s, tg)["cum"][-1] for s in seeds])
    return {"coarse_scale": coarse, "case_scale": fine, "ratio": float(c / f), "runs_each": n}


def _plot(path: Path, case, tg, pred: dict) -> None:  # noqa: ANN001
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t0 = Date.fromisoformat(case.start_date)
    days = np.arange(pred["series"].shape[1])
    dates = [np.datetime64(t0) + np.timedelta64(int(d), "D") for d in days]
    lo, med, hi = np.percentile(pred["series"], [5, 50, 95], axis=0)
    keep = days >= tg.window_day
    fig, ax = plt.subplots(figsize=(8, 4.5))
    ax.fill_between(np.array(dates)[keep], lo[keep], hi[keep], alpha=0.3, label="simulated 5-95 %")
    ax.plot(np.array(dates)[keep], med[keep], label="simulated median")
    obs_dates = [np.datetime64(t0) + np.timedelta64(int(d), "D") for d in tg.cum_days]
    ax.plot(obs_dates, tg.cum_values, "ko", label="observed (people)")
    ax.set_ylabel("people displaced since the window's start")
    ax.set_title(f"{case.case}: calibration fit")
    ax.legend()
    fig.autofmt_xdate()
    fig.tight_layout()
    fig.savefig(path, dpi=100, format="png")
    plt.close(fig)


def calibrate_command(
    case: str = typer.Argument("idlib-2019", help="case to fit (default idlib-2019)"),
    observed: Path = typer.Option(None, "--observed", help="observed CSV (default: shipped)"),
    budget: int = typer.Option(600, "--budget", help="simulations for ABC-SMC (about)"),
    scale: int = typer.Option(50, "--scale", help="people per agent while fitting"),
    seed: int = typer.Option(0, "--seed", help="seed of the sampler and the engine runs"),
    out: Path = typer.Option(Path("results/calibration"), "--out", help="output folder"),
) -> None:
    """Fit the inputs a case marks calibrate: true (pyabc ABC-SMC); write a calibration file."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
    from rich.table import Table

    from enclave.calibration.files import dump
    from enclave.calibration.fit import (
        Targets,
        calibrated_names,
        fit,
        observed_summaries,
        require_pyabc,
    )
    from enclave.calibration.observed import load_observed
    from enclave.io import check_output_folder, write_all
    from enclave.scenario import load

    t0 = time.perf_counter()
    _check("--budget", budget, 20)
    _check("--scale", scale, 1)
    _check("--seed", seed, 0)
    require_pyabc()
    c = load(case)
    if not calibrated_names(c):
        raise EnclaveInputError(None, "CASE", f"case {c.case} marks no input calibrate: true")
    obs = load_observed(observed)
    tg = Targets.from_observed(obs, c, c.scenarios[0].days)
    check_output_folder(out)
    err = Console(stderr=True)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
    ) as progress:
        task = progress.add_task(f"{c.case}: ABC-SMC simulations", total=budget)
        res = fit(
            c, tg, observed_summaries(tg), budget, scale, seed, lambda: progress.advance(task)
        )
        task2 = progress.add_task("posterior predictive + scale bias", total=None)
        pred = predictive(c, res, tg, scale, seed)
        from enclave.ensemble.inputs import central_values

        bias = scale_bias(
            c, dict(central_values(c), **res.values), tg, scale, c.default_scale, seed
        )
        progress.update(task2, completed=1, total=1)
    lo, med, hi = np.percentile(pred["cum"], [5, 50, 95], axis=0)
    mare = float(np.mean(np.abs(med - tg.cum_values) / tg.cum_values))
    slo, smed, shi = (
        np.percentile(pred["share"], [5, 50, 95], axis=0) if len(tg.share_values) else ([], [], [])
    )
    argv = sys.argv[1:] if sys.argv and Path(sys.argv[0]).name == "enclave" else []
    command = "enclave " + (shlex.join(argv) if argv else f"calibrate {c.case}")
    wall = time.perf_counter() - t0
    data = {
        "calibration": 1,
        "case": c.case,
        "parameter_set": list(res.names),
        "geography": c.geography_name,
        "command": command,
        "seed": seed,
        "budget": budget,
        "scale": scale,
        "package": res.package,
        "enclave": enclave.__version__ if hasattr(enclave, "__version__") else "0.1.0",
        "observed": Path(obs.file).name,
        "simulations": res.simulations,
        "generations": res.generations,
        "final_epsilon": round(res.epsilon, 6),
        "wall_seconds": round(wall, 1),
        "parameters": {
            k: {
                "value": round(res.values[k], 6),
                "p05": round(res.p05[k], 6),
                "p95": round(res.p95[k], 6),
                "prior": [res.prior[k][0], res.prior[k][1]],
            }
            for k in res.names
        },
        "scale_bias": bias,
        # the final ABC-SMC population: ensemble members draw their calibrated inputs as
        # whole particles (the joint posterior, its shape and correlations), by weight
        "posterior": {
            "names": list(res.names),
            "particles": [[float(f"{x:.6g}") for x in row] for row in res.particles],
            "weights": [float(f"{w:.6g}") for w in res.weights / res.weights.sum()],
        },
        "fit": {
            "mean_abs_rel_error_cumulative": round(mare, 4),
            "cumulative": [
                {
                    "date": d.isoformat(),
                    "observed": float(o),
                    "median": float(round(m)),
                    "p05": float(round(a)),
                    "p95": float(round(b)),
                }
                for d, o, m, a, b in zip(tg.dates, tg.cum_values, med, lo, hi)
            ],
            "shares": [
                {
                    "day": int(d),
                    "region": r,
                    "observed": float(o),
                    "median": round(float(m), 4),
                    "p05": round(float(a), 4),
                    "p95": round(float(b), 4),
                }
                for d, r, o, m, a, b in zip(
                    tg.share_days, tg.share_regions, tg.share_values, smed, slo, shi
                )
            ],
        },
    }
    text = dump(data)
    files = {
        out / "calibration.yaml": lambda p: p.write_text(text, encoding="utf-8"),
        out / "calibration.png": lambda p: _plot(p, c, tg, pred),
    }
    write_all(files)
    table = Table(
        title=f"{c.case} fit: people displaced since {obs.window_start} (MARE {mare:.1%})"
    )
    for col in ("date", "observed", "simulated median", "5-95 %"):
        table.add_column(col, justify="right")
    for row in data["fit"]["cumulative"]:
        table.add_row(
            row["date"],
            f"{row['observed']:,.0f}",
            f"{row['median']:,.0f}",
            f"{row['p05']:,.0f}-{row['p95']:,.0f}",
        )
    out_console = Console(file=sys.stdout, width=160)
    out_console.print(table)
    for k, p in data["parameters"].items():
        out_console.print(
            f"{k}: {p['value']:.5g} [90 %: {p['p05']:.5g}-{p['p95']:.5g}] prior {p['prior']}"
        )
    err.print(
        f"{res.simulations} simulations, {res.generations} generations, scale {scale} "
        f"(bias vs scale {bias['case_scale']}: x{bias['ratio']:.3f}), {wall:.1f} s"
    )
    for p in files:
        err.print(f"wrote {p}")


def backtest_command(
    calibration: str = typer.Option(
        None, "--calibration", help="calibration file (default: the shipped idlib-2019 fit)"
    ),
    members: int = typer.Option(20, "--members", help="ensemble members"),
    seed: int = typer.Option(0, "--seed", help="root seed"),
    scale: int = typer.Option(None, "--scale", help="people per agent (default: case)"),
    out: Path = typer.Option(Path("results/backtest"), "--out", help="output folder"),
    as_json: bool = typer.Option(False, "--json", help="print the weekly table and split as JSON"),
) -> None:
    """Run idlib-2019-20 blind (2019 calibration only); write forecast.csv, print the table."""
    import json

    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn
    from rich.table import Table

    from enclave.calibration.backtest import backtest, forecast_frame
    from enclave.calibration.files import load_for_case
    from enclave.io import check_output_folder, write_atomic
    from enclave.scenario import load

    _check("--members", members, 2)
    _check("--seed", seed, 0)
    _check("--scale", scale, 1)
    c20 = load("idlib-2019-20")
    c20, cal = load_for_case(c20, calibration)
    c19, _ = load_for_case(load("idlib-2019"), cal["_file"] if cal else None)
    check_output_folder(out)
    err = Console(stderr=True)
    k = int(scale or c20.default_scale)
    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
    ) as progress:
        task = progress.add_task("idlib-2019-20 blind: members", total=members)
        res = backtest(c19, c20, members, seed, k, lambda: progress.advance(task))
    df = forecast_frame(res)
    write_atomic(out / "forecast.csv", lambda p: df.to_csv(p, index=False))
    if as_json:
        print(json.dumps({"weekly": res["weekly"], "split": res["split"]}, indent=1))
    else:
        con = Console(file=sys.stdout, width=160)
        start = res["weekly"][0]["date"]
        t = Table(title=f"{c20.case} blind: people newly displaced since {start}")
        for col in ("date", "median", "5 %", "95 %"):
            t.add_column(col, justify="right")
        for w in res["weekly"]:
            t.add_row(w["date"], f"{w['median']:,.0f}", f"{w['p05']:,.0f}", f"{w['p95']:,.0f}")
        con.print(t)
        s = Table(title=f"split on {res['split_date']} (share of the newly displaced, by control)")
        for col in ("region", "median", "5 %", "95 %"):
            s.add_column(col, justify="right")
        for r, v in res["split"].items():
            s.add_row(r, f"{v['median']:.3f}", f"{v['p05']:.3f}", f"{v['p95']:.3f}")
        con.print(s)
        cm = Table(title="camp clusters over capacity")
        for col in ("cluster", "capacity", "members over", "first overflow (median)"):
            cm.add_column(col, justify="right")
        for row in res["camps"]:
            cm.add_row(
                row["cluster"],
                f"{row['capacity']:,.0f}",
                f"{row['share_of_members_over']:.0%}",
                row["first_overflow_date"] or "never",
            )
        con.print(cm)
    used = cal["_file"] if cal else "none"
    err.print(f"calibration: {used}; {members} members, scale {k}; wrote {out / 'forecast.csv'}")
