"""``enclave run`` as a function: ensemble -> tables -> results.nc, CSVs and report.html.

The output folder is checked before any member runs. Everything is then computed in memory;
files are written to temporary names in the output folder and renamed at the very end, so a
failed run leaves no half-written result and earlier files stay as they were.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

import enclave
from enclave.analysis.sensitivity import oat_specs, oat_table, sensitivity_count
from enclave.analysis.summary import (
    camp_table,
    compare_references,
    daily_bands,
    member_metrics,
    summarise,
)
from enclave.analysis.weights import politics_weights, weighted_metric, weights_table
from enclave.ensemble.backends import make_backend
from enclave.ensemble.dataset import save_netcdf, to_dataset
from enclave.ensemble.runner import EnsembleRun, RunConfig, member_specs, run_specs
from enclave.ensemble.store import MemberStore
from enclave.io import check_output_folder, write_all, write_atomic
from enclave.report.html import render
from enclave.scenario.model import Case

SA_SEEDS = 1  # engine seeds per sensitivity level
#: members per scenario of the uncalibrated (prior) ensemble run beside a calibrated one
PRIOR_MEMBERS = 10
#: the sensitivity sweep and the priors' members run with this many times the people per
#: agent of the main ensemble
SUPPORT_SCALE = 2


@dataclass
class RunOutputs:
    out: Path
    files: list[Path]
    summary: pd.DataFrame
    comparison: pd.DataFrame
    sensitivity: pd.DataFrame | None
    weights: dict[str, float] = field(default_factory=dict)
    prior_summary: pd.DataFrame | None = None
    seconds: dict[str, float] = field(default_factory=dict)


def calibrated(
    case: Case, calibration: str | None = None, prior_only: bool = False, compare: bool = True
) -> tuple[Case, dict | None, Case | None]:
    """(case to run, calibration data applied or None, uncalibrated case to run beside it).

    ``calibration`` is a file or embedded name (default: the case's own ``calibration:``);
    ``prior_only`` runs the priors alone; ``compare`` runs the priors beside a calibration."""
    if prior_only:
        return case, None, None
    from enclave.calibration.files import load_for_case

    applied, data = load_for_case(case, calibration)
    return applied, data, case if data is not None and compare else None


def report_workers(backend: str, workers: int | None) -> int:
    """Processes that draw the report: this machine's cores (``--workers`` caps them);
    one with the serial backend, which keeps everything in this process."""
    if backend == "serial":
        return 1
    return max(1, int(workers or os.cpu_count() or 1))


def runs_needed(case: Case, members: int, sensitivity: bool, prior: Case | None = None) -> int:
    n = len(case.scenarios) * members
    if prior is not None:
        n += len(case.scenarios) * min(members, PRIOR_MEMBERS)
    if sensitivity:
        n += sensitivity_count(case, [s.name for s in case.scenarios], SA_SEEDS)
    return n


def run_case(
    case: Case | str | Path | None,
    out: Path | str | None = None,
    members: int = 20,
    seed: int = 0,
    scale: int | None = None,
    border: str | None = None,
    sensitivity: bool = True,
    workers: int | None = None,
    on_done: Callable[[], None] | None = None,
    backend: str = "processes",
    scheduler: str | None = None,
    resume: bool = False,
    calibration: dict | None = None,
    prior: Case | None = None,
    use_calibration: bool = True,
    compare_prior: bool = True,
) -> RunOutputs:
    """Run every scenario of ``case`` as an ensemble and write the results into ``out``.

    ``case`` is a loaded :class:`Case`, a case YAML path or an embedded name (``None`` =
    ``idlib-2018``); ``out`` defaults to ``results/<case>/``. Returns the tables and the
    paths written (``results.nc``, CSVs, ``report.html``).

    ``backend`` is ``processes`` (local pool), ``serial`` or ``dask`` (``scheduler``: the
    address of an existing cluster; without one a LocalCluster on loopback). Every finished
    member is persisted under ``out/.members``; ``resume=True`` runs only the missing ones
    of an interrupted run with the same settings (see :mod:`enclave.ensemble.store`).
    ``calibration`` is the calibration file's data already applied to ``case``
    (:func:`enclave.calibration.files.load_for_case`); the report's bottom line names it.
    ``prior`` is the same case before calibration: its members (``PRIOR_MEMBERS`` per
    scenario, the same seeds and input quantiles: common random numbers) run beside the
    calibrated ones, and the report shows both (``prior_summary.csv``).

    A case given by name or path gets its own default calibration (``calibration:`` in the
    case file, as ``enclave run`` does) unless ``use_calibration=False``; with
    ``compare_prior`` (default) its priors then run beside it.
    """
    t0 = time.perf_counter()
    if not isinstance(case, Case):
        from enclave.scenario import load

        case = load(None if case is None else str(case))
        if use_calibration and calibration is None:
            case, calibration, beside = calibrated(case, compare=compare_prior)
            prior = prior if prior is not None else beside
    out = check_output_folder(Path(out) if out is not None else Path("results") / case.case)
    engine = make_backend(backend, workers, scheduler)
    names = [s.name for s in case.scenarios]
    config = RunConfig(case=case, scale=int(scale or case.default_scale), border=border)
    # the one-at-a-time sweep and the priors' ensemble support the main figures: they run
    # with SUPPORT_SCALE x as many people per agent (half the cost; the bias this gives is
    # measured by benchmarks/scale_bias.py and stated in the README)
    support = replace(config, scale=config.scale * SUPPORT_SCALE)
    specs, draws = member_specs(case, names, members, seed)
    extra: list = []
    if sensitivity:
        extra, sa_draws, levels = oat_specs(case, names, seed, SA_SEEDS)
        extra = [replace(s, scale=support.scale) for s in extra]
    prior_specs: list = []
    if prior is not None:
        n_prior = min(members, PRIOR_MEMBERS)
        prior_specs, prior_draws = member_specs(prior, names, n_prior, seed)
        prior_specs = [replace(s, scale=support.scale) for s in prior_specs]
    todo = specs + extra + prior_specs
    store = MemberStore(
        out,
        {
            "enclave": enclave.__version__,
            "case": case.model_dump(mode="json"),
            "members": members,
            "seed": seed,
            "scale": config.scale,
            "border": border,
            "sensitivity": bool(sensitivity),
            "prior": None if prior is None else prior.inputs.model_dump(mode="json"),
            "sa_seeds": SA_SEEDS,
            "runs": [(s.scenario, s.member, s.seed, s.values, s.scale) for s in todo],
        },
        len(todo),
    )
    done = store.open(resume)
    missing = [i for i in range(len(todo)) if i not in done]
    if on_done is not None:
        for _ in done:
            on_done()
    # one pool for the ensemble and the sensitivity runs (workers start once); the
    # scenario odds (politics, about 1.5 s of one core) are worked out meanwhile, in a
    # thread of this process, which only waits for the pool
    with ThreadPoolExecutor(max_workers=1) as side:
        odds = side.submit(politics_weights, case)
        fresh = run_specs(
            config,
            [todo[i] for i in missing],
            engine,
            on_done,
            on_result=lambda j, o: store.save(missing[j], o),
        )
        w = odds.result()
    done.update(zip(missing, fresh))
    outputs = [done[i] for i in range(len(todo))]
    t_runs = time.perf_counter() - t0
    run = EnsembleRun(config, names, members, seed, draws, outputs[: len(specs)], t_runs)
    ds = to_dataset(run)
    summary = summarise(ds, case.border.zone)
    daily = daily_bands(ds, case.border.zone)
    comparison = compare_references(summary, case.references, daily, case.start_date)
    camps = camp_table(ds)
    sens = None
    if sensitivity:
        sa_out = outputs[len(specs) : len(specs) + len(extra)]
        sens = oat_table(support, names, sa_out, sa_draws, levels, SA_SEEDS, seed)
    prior_summary = prior_comparison = None
    if prior_specs:
        prior_out = outputs[len(specs) + len(extra) :]
        prior_run = EnsembleRun(support, names, n_prior, seed, prior_draws, prior_out, t_runs)
        prior_ds = to_dataset(prior_run)
        prior_summary = summarise(prior_ds, case.border.zone)
        prior_comparison = compare_references(
            prior_summary, case.references, daily_bands(prior_ds, case.border.zone), case.start_date
        )
    weighted = None
    if w is not None and w.weights:
        weighted = weighted_metric(
            member_metrics(ds, case.border.zone), "newly_displaced", w.weights
        )
    info = {
        "ensemble runs": len(specs),
        "sensitivity runs": len(extra),
        "seconds for all runs": f"{t_runs:.1f}",
    }
    if prior_specs:
        info["prior runs"] = len(prior_specs)
    if extra or prior_specs:
        info["people per agent in the sensitivity and prior runs"] = support.scale
    page = render(
        ds,
        case,
        summary,
        comparison,
        sens,
        w,
        weighted,
        info,
        calibration=calibration,
        prior_summary=prior_summary,
        prior_comparison=prior_comparison,
        workers=report_workers(backend, workers),
    )

    files = {
        out / "results.nc": lambda p: save_netcdf(ds, p),
        out / "summary.csv": lambda p: write_atomic(p, lambda t: summary.to_csv(t, index=False)),
        out / "daily.csv": lambda p: write_atomic(p, lambda t: daily.to_csv(t, index=False)),
        out / "camps.csv": lambda p: write_atomic(p, lambda t: camps.to_csv(t, index=False)),
        out / "comparison.csv": lambda p: write_atomic(
            p, lambda t: comparison.to_csv(t, index=False)
        ),
        out / "report.html": lambda p: write_atomic(p, lambda t: t.write_text(page, "utf-8")),
    }
    if prior_summary is not None:
        files[out / "prior_summary.csv"] = lambda p: write_atomic(
            p, lambda t: prior_summary.to_csv(t, index=False)
        )
    if sens is not None:
        files[out / "sensitivity.csv"] = lambda p: write_atomic(
            p, lambda t: sens.to_csv(t, index=False)
        )
    if w is not None and w.weights:
        wt = weights_table(w)
        files[out / "weights.csv"] = lambda p: write_atomic(p, lambda t: wt.to_csv(t, index=False))
    write_all(files)
    store.close()
    return RunOutputs(
        out=out,
        files=list(files),
        summary=summary,
        comparison=comparison,
        sensitivity=sens,
        weights=w.weights if w else {},
        prior_summary=prior_summary,
        seconds={"runs": t_runs, "total": time.perf_counter() - t0},
    )
