"""``enclave bargain``: positions round by round, the forecast, the scenario odds, levers.

A thin layer over :mod:`enclave.politics`; bad input raises
:class:`enclave.errors.EnclaveInputError` (one line, exit 2, from ``enclave.cli.main``).
Human output goes to stdout through rich; ``--json`` prints exactly one JSON document to
stdout and nothing else there.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.console import Console
from rich.table import Table

from enclave.errors import EnclaveInputError
from enclave.politics.actors import EMBEDDED_IDLIB, Actors, idlib_actors, read_actors
from enclave.politics.ensemble import (
    DEFAULT_SMP_RUNS,
    MODEL_LABELS,
    compare_models,
    ensemble_odds,
)
from enclave.politics.eum import EUMOptions
from enclave.politics.explain import explain, moves, pivotal
from enclave.politics.forecast import MODELS, POINTS, Trajectory, default_point, forecast
from enclave.politics.levers import (
    Lever,
    LeverOutcome,
    apply_levers,
    named_lever,
    parse_set,
    signed_effect,
    sweep,
    tv,
)
from enclave.politics.odds import (
    DEFAULT_RUNS,
    DEFAULT_SEED,
    INTERVAL_COVERS,
    Bands,
    Bloc,
    OddsResult,
    band_sensitivity,
    draw_normals,
    load_bands,
    odds,
    without_own_spreads,
)
from enclave.politics.score import score_table

__all__ = ["bargain_command", "run_bargain"]


def _num(v: np.ndarray | float) -> float | list[float]:
    arr = np.asarray(v, float)
    return float(arr.reshape(-1)[0]) if arr.size == 1 else [float(a) for a in arr.reshape(-1)]


def _rounds_json(traj: Trajectory) -> list[dict[str, Any]]:
    return [
        {
            "round": t,
            "positions": {aid: _num(traj.positions[t, i]) for i, aid in enumerate(traj.ids)},
            "mean": _num(traj.mean[t]),
            "median": _num(traj.median[t]),
        }
        for t in range(len(traj.positions))
    ]


def _forecast_json(traj: Trajectory, point: str) -> dict[str, Any]:
    return {
        "final_median": _num(traj.final_median),
        "mean_of_medians": _num(traj.mean_of_medians),
        "value": _num(traj.value),
        "value_is": point,
    }


def _odds_json(res: OddsResult) -> dict[str, Any]:
    return {
        "scenario_odds": res.odds,
        "scenario_odds_interval": {k: list(v) for k, v in res.interval.items()},
        "forecast_quantiles": res.quantiles,
    }


def _check_model_name(model: str) -> None:
    if model not in MODELS:
        raise EnclaveInputError(
            None, "--model", f"unknown model {model!r} (one of {', '.join(MODELS)})"
        )


def _odds_apply(actors: Actors, bands: Bands | None) -> bool:
    """Odds only where bands exist: the embedded Idlib table, or bands given with --bands."""
    return len(actors.dimensions) == 1 and (bands is not None or actors.source == EMBEDDED_IDLIB)


def _check_dates(actors: Actors, bands: Bands) -> None:
    for name in ("as_of", "horizon"):
        a, b = getattr(actors, name), getattr(bands, name)
        if a and b and a != b:
            raise EnclaveInputError(
                bands.source, f"column {name}", f"{b} differs from the actor table's {a}"
            )


def run_bargain(
    actors: Actors,
    *,
    model: str = "eum",
    rounds: int = 10,
    runs: int = DEFAULT_RUNS,
    seed: int | None = DEFAULT_SEED,
    sets: list[str] | None = None,
    drops: list[str] | None = None,
    named: list[str] | None = None,
    do_sweep: bool = False,
    options: EUMOptions | None = None,
    point: str | None = None,
    bands: Bands | None = None,
    compare: bool = False,
    smp_runs: int | None = DEFAULT_SMP_RUNS,
    band_shift: float = 5.0,
    blocs: list[Bloc] | None = None,
) -> dict[str, Any]:
    """Everything ``enclave bargain`` reports, as one JSON-ready document.

    Scenario odds are computed only where bands exist (the embedded Idlib table, or
    ``bands`` given); any other table gets the forecast and ``scenario_odds: null``.
    """
    _check_model_name(model)
    if rounds < 0:
        raise EnclaveInputError(None, "--rounds", f"must be >= 0, got {rounds}")
    if runs < 1:
        raise EnclaveInputError(None, "--runs", f"must be >= 1, got {runs}")
    with_odds = _odds_apply(actors, bands)
    bands = bands or load_bands()
    if with_odds:
        _check_dates(actors, bands)
    bounds = (bands.lo, bands.hi) if with_odds else actors.scale
    levers: list[Lever] = [parse_set(s, actors) for s in sets or []]
    for name in named or []:
        levers += named_lever(name, actors)
    levers += [Lever(d, "drop") for d in drops or []]
    after_actors, keep = apply_levers(actors, levers, bounds)
    point = point or default_point(model)
    if point not in POINTS:
        raise EnclaveInputError(
            None, "--forecast", f"unknown forecast {point!r} (one of {', '.join(POINTS)})"
        )
    if model in ("mean", "median") and point != model:
        raise EnclaveInputError(
            None, "--forecast", f"model {model} has one forecast, {model}; got {point!r}"
        )
    traj = forecast(after_actors, model, rounds, options=options, point=point)
    doc: dict[str, Any] = {
        "model": model,
        "model_label": MODEL_LABELS[model],
        "input": actors.source,
        "question": {"as_of": actors.as_of, "horizon": actors.horizon},
        "seed": seed,
        "runs": runs,
        "rounds": _rounds_json(traj),
        "forecast": _forecast_json(traj, point),
        "scenario_odds": None,
        "scenario_odds_interval": None,
        "bands": None,
    }
    if model == "eum":
        doc["eum_options"] = vars(options or EUMOptions())
    if len(actors.dimensions) != 1:
        doc["note"] = "scenario odds need a one-dimensional table; none computed"
        return doc
    if not with_odds:
        doc["note"] = "no scenario bands for this table: forecast only, no odds (give --bands FILE)"
        doc["explain"] = {"pivotal": pivotal(after_actors), "moves": moves(traj)}
        return doc
    doc["bands"] = {
        n: [float(lo), float(hi)]
        for n, lo, hi in zip(bands.names, bands.lower, bands.upper, strict=True)
    }
    doc["question"]["bands"] = {"as_of": bands.as_of, "horizon": bands.horizon}
    common = dict(
        model=model,
        runs=runs,
        seed=seed,
        rounds=rounds,
        bands=bands,
        options=options,
        point=point,
        blocs=blocs,
    )
    z = draw_normals(actors, runs, np.random.default_rng(seed))
    after = odds(after_actors, z=z[:, :, keep], **common)  # type: ignore[arg-type]
    doc.update(_odds_json(after))
    doc["interval_covers"] = INTERVAL_COVERS
    doc["band_shift"] = {"delta": band_shift, **band_sensitivity(after.values, bands, band_shift)}
    doc["explain"] = explain(
        after_actors,
        model,
        rounds=rounds,
        bands=bands,
        options=options,
        values=after.values,
        z=z[:, :, keep],
        blocs=blocs,
    )
    if levers:
        before = odds(actors, z=z, **common)  # type: ignore[arg-type]
        doc["levers"] = [lv.describe() for lv in levers]
        doc["before"] = _odds_json(before)
        doc["after"] = _odds_json(after)
        doc["shift"] = tv(before.odds, after.odds)
        doc["effect"] = signed_effect(before.odds, after.odds)
    if compare:
        doc.update(_compare_json(after_actors, runs, seed, rounds, bands, options, smp_runs, blocs))
    if do_sweep:
        base, ranked = sweep(
            after_actors,
            model,
            runs=runs,
            seed=seed,
            rounds=rounds,
            bands=bands,
            options=options,
            point=point,
            blocs=blocs,
        )
        doc["sweep"] = [_sweep_row(r, base) for r in ranked]
    return doc


def _compare_json(
    actors: Actors,
    runs: int,
    seed: int | None,
    rounds: int,
    bands: Bands,
    options: EUMOptions | None,
    smp_runs: int | None,
    blocs: list[Bloc] | None,
) -> dict[str, Any]:
    """All four models on common random numbers, the ensemble, and the spreads' effect."""
    t0 = time.perf_counter()
    cmp = compare_models(
        actors,
        runs=runs,
        seed=seed,
        rounds=rounds,
        bands=bands,
        smp_runs=smp_runs,
        options=options,
        blocs=blocs,
    )
    seconds = time.perf_counter() - t0
    models = {
        m: {
            "label": MODEL_LABELS[m],
            "runs": cmp.runs[m],
            "weight": cmp.weights[m],
            **_odds_json(r),
        }
        for m, r in cmp.models.items()
    }
    plain = compare_models(
        without_own_spreads(actors),
        runs=runs,
        seed=seed,
        rounds=rounds,
        bands=bands,
        smp_runs=smp_runs,
        options=options,
        blocs=[],
    )
    shifted = {m: band_sensitivity(r.values, bands, 5.0) for m, r in cmp.models.items()}
    ens_shift = {
        d: ensemble_odds({m: shifted[m][d] for m in shifted}, cmp.weights) for d in ("-5", "+5")
    }
    return {
        "models": models,
        "ensemble": {
            "scenario_odds": cmp.ensemble,
            "band_shift": {"delta": 5.0, **ens_shift},
            "weights": cmp.weights,
            "note": "equal weights over the validated models (eum, median, mean, smp), fixed "
            "beforehand",
        },
        "political_uncertainty": {
            "note": "ensemble odds with one default spread for every actor and no bloc "
            "correlation, against the per-actor spreads and the Damascus-Moscow-Tehran bloc",
            "uniform_no_bloc": plain.ensemble,
            "per_actor_and_bloc": cmp.ensemble,
        },
        "compare_seconds": seconds,
    }


def _sweep_row(r: LeverOutcome, base: OddsResult) -> dict[str, Any]:
    return {
        "lever": r.lever.describe(),
        "actor": r.lever.actor,
        "field": r.lever.field,
        "value": r.lever.value,
        "shift": r.shift,
        "scenario_odds": r.after.odds,
        "change": {k: r.after.odds[k] - base.odds[k] for k in base.odds},
        "effect": r.effect,
    }


def _fmt(v: float | list[float]) -> str:
    return f"{v:.2f}" if isinstance(v, float) else "(" + ", ".join(f"{x:.1f}" for x in v) + ")"


def _print_human(doc: dict[str, Any], console: Console, top: int) -> None:
    console.print(
        f"[bold]enclave bargain[/bold] model={doc['model_label']} input={doc['input']} "
        f"runs={doc['runs']} seed={doc['seed']}"
    )
    qn = doc["question"]
    if qn.get("as_of"):
        console.print(f"Question: the state on {qn['horizon']}, as known on {qn['as_of']}")
    rounds = doc["rounds"]
    table = Table(title="Positions round by round")
    table.add_column("actor")
    for r in rounds:
        table.add_column(str(r["round"]), justify="right")
    for aid in rounds[0]["positions"]:
        table.add_row(aid, *(_fmt(r["positions"][aid]) for r in rounds))
    table.add_row("[bold]median[/bold]", *(_fmt(r["median"]) for r in rounds))
    table.add_row("[bold]mean[/bold]", *(_fmt(r["mean"]) for r in rounds))
    console.print(table)
    f = doc["forecast"]
    console.print(
        f"Forecast: final median {_fmt(f['final_median'])}, mean of round medians "
        f"{_fmt(f['mean_of_medians'])}; odds use {f['value_is']} = {_fmt(f['value'])}"
    )
    ex = doc.get("explain")
    if ex:
        pv = ex["pivotal"]
        console.print(
            f"Pivotal actor: {pv['actor']} at {pv['position']:g} (weight share "
            f"{pv['share_below']:.3f} below, {pv['share_through']:.3f} through it; margin "
            f"{pv['margin']:.3f})"
        )
        if ex["moves"]:
            by_round: dict[int, list[str]] = {}
            for mv in ex["moves"]:
                by_round.setdefault(mv["round"], []).append(
                    f"{mv['actor']} {mv['from']:.1f}->{mv['to']:.1f} ({mv['offer']} by "
                    f"{mv['counterpart']})"
                )
            for t, items in by_round.items():
                console.print(f"  round {t}: " + "; ".join(items))
        if "distribution" in ex:
            console.print(
                "Share of runs whose forecast is that run's round-0 weighted median: "
                f"{ex['distribution']['share_at_round0_median']:.3f}"
            )
    if doc.get("scenario_odds") is None:
        console.print(doc.get("note", "no scenario odds"))
        return
    bands = doc["bands"]
    odds_t = Table(title=f"Scenario odds ({doc['runs']} runs; 90 % Jeffreys intervals)")
    odds_t.add_column("scenario")
    odds_t.add_column("band", justify="right")
    cols = [("before", doc["before"]), ("after", doc["after"])] if "before" in doc else [("p", doc)]
    for name, _ in cols:
        odds_t.add_column(name, justify="right")
        odds_t.add_column("90 % interval", justify="right")
    for k, (lo, hi) in bands.items():
        cells = []
        for _, src in cols:
            a, b = src["scenario_odds_interval"][k]
            cells += [f"{src['scenario_odds'][k]:.3f}", f"[{a:.3f}, {b:.3f}]"]
        odds_t.add_row(k, f"{lo:g}-{hi:g}", *cells)
    console.print(odds_t)
    q = doc["forecast_quantiles"]
    console.print(
        f"Forecast distribution: 5 % {q['q05']:.1f}, median {q['q50']:.1f}, 95 % {q['q95']:.1f}"
    )
    console.print(doc["interval_covers"])
    bs = doc["band_shift"]
    shifts = [k for k in bs if k != "delta"]
    console.print(
        f"Band edges moved by ±{bs['delta']:g}: "
        + "; ".join(f"{k}: " + ", ".join(f"{n} {p:.3f}" for n, p in bs[k].items()) for k in shifts)
    )
    if "levers" in doc:
        eff = doc["effect"]
        console.print(
            f"Levers: {', '.join(doc['levers'])}; shift (TV distance) {doc['shift']:.3f}; "
            f"gains: {eff['gains']}, loses: {eff['loses']}; "
            + ", ".join(f"{k} {v:+.3f}" for k, v in eff["change"].items())
            + (
                f"; P(full + limited offensive) {eff['offensive_change']:+.3f}"
                if "offensive_change" in eff
                else ""
            )
        )
    if "models" in doc:
        mt = Table(title="All models on common random numbers (ensemble: fixed equal weights)")
        mt.add_column("model")
        mt.add_column("runs", justify="right")
        mt.add_column("weight", justify="right")
        for k in bands:
            mt.add_column(k, justify="right")
        for row in doc["models"].values():
            mt.add_row(
                row["label"],
                str(row["runs"]),
                f"{row['weight']:.3f}",
                *(f"{row['scenario_odds'][k]:.3f}" for k in bands),
            )
        ens = doc["ensemble"]["scenario_odds"]
        mt.add_row("[bold]ensemble[/bold]", "", "", *(f"{ens[k]:.3f}" for k in bands))
        for d in ("-5", "+5"):
            sh = doc["ensemble"]["band_shift"][d]
            mt.add_row(f"ensemble, band edges {d}", "", "", *(f"{sh[k]:.3f}" for k in bands))
        flat = doc["political_uncertainty"]["uniform_no_bloc"]
        mt.add_row("ensemble, one spread, no bloc", "", "", *(f"{flat[k]:.3f}" for k in bands))
        console.print(mt)
    if "sweep" in doc:
        sw = Table(title=f"Lever sweep: top {top} of {len(doc['sweep'])} by shift of the odds")
        sw.add_column("#", justify="right")
        sw.add_column("lever")
        sw.add_column("shift", justify="right")
        sw.add_column("gains", justify="left")
        sw.add_column("Δ P(off.)", justify="right")
        for k in bands:
            sw.add_column(k, justify="right")
        for i, row in enumerate(doc["sweep"][:top], start=1):
            sw.add_row(
                str(i),
                row["lever"],
                f"{row['shift']:.3f}",
                str(row["effect"]["gains"]),
                f"{row['effect'].get('offensive_change', float('nan')):+.3f}",
                *(f"{row['scenario_odds'][k]:.3f} ({row['change'][k]:+.3f})" for k in bands),
            )
        console.print(sw)


def _print_score(table: dict[str, Any], console: Console) -> None:
    models = list(table["odds"])
    t = Table(
        title=f"Brier score by dated period (4 outcomes; uniform guess "
        f"{table['uniform_guess']:.2f}; lower is better; runs: "
        + ", ".join(f"{m} {n}" for m, n in table["runs"].items())
        + ")"
    )
    t.add_column("period")
    t.add_column("outcome")
    for m in models:
        t.add_column(MODEL_LABELS.get(m, m).split(" (")[0], justify="right")
    for r in table["periods"]:
        mark = " (horizon)" if r["contains_horizon"] else ""
        t.add_row(
            f"{r['start']} - {r['end']}{mark}",
            r["outcome"],
            *(f"{r['brier'][m]:.2f}" for m in models),
        )
    console.print(t)
    console.print(
        "Ensemble: equal weights over the validated models eum, median, mean, smp (KTAB's SMP, "
        "reproduces KTAB's reference histories), fixed beforehand. The forecast is for the horizon "
        f"{table['horizon']}; the other periods show how the ranking depends on the period. "
        f"({table['seconds']:.1f} s)"
    )


def bargain_command(
    actors_csv: Annotated[
        Path | None,
        typer.Argument(
            help="Actor table (id, actor, position, capability, salience[, "
            "*_spread]) or a KTAB CSV. Default: the embedded Idlib 2018 table."
        ),
    ] = None,
    model: Annotated[
        str, typer.Option(help="eum | mean | median | smp (KTAB's SMP, validated)")
    ] = "eum",
    rounds: Annotated[
        int,
        typer.Option(help="Bargaining rounds (eum); smp runs to KTAB's stopping rule (<= 100)."),
    ] = 10,
    runs: Annotated[int, typer.Option(help="Monte Carlo runs for the odds.")] = DEFAULT_RUNS,
    seed: Annotated[int, typer.Option(help="Seed of the one random generator.")] = DEFAULT_SEED,
    set_: Annotated[
        list[str] | None,
        typer.Option("--set", help="Lever ID.field=value (position|capability|salience)."),
    ] = None,
    drop: Annotated[list[str] | None, typer.Option(help="Lever: drop actor ID.")] = None,
    lever: Annotated[
        list[str] | None,
        typer.Option(help="Named lever from data/named_levers.csv, e.g. turkey-leaves-astana."),
    ] = None,
    compare: Annotated[
        bool, typer.Option("--compare", help="All four models side by side and the ensemble.")
    ] = False,
    smp_runs: Annotated[
        int | None,
        typer.Option(
            help="Cap on the smp runs in --compare and --score (default: all --runs; about "
            "1-2 s per 1,000)."
        ),
    ] = DEFAULT_SMP_RUNS,
    score: Annotated[
        bool,
        typer.Option(
            "--score",
            help="Brier score of every model and the ensemble against the dated outcomes "
            "(data/outcomes.csv), embedded Idlib table only.",
        ),
    ] = False,
    uniform_spreads: Annotated[
        bool,
        typer.Option(
            "--uniform-spreads",
            help="One default spread for every actor and no bloc correlation (the settings "
            "before per-actor spreads; with --preset scholz2011 this is the review's run).",
        ),
    ] = False,
    band_shift: Annotated[
        float, typer.Option(help="Band-edge sensitivity: move interior edges by ±this.")
    ] = 5.0,
    do_sweep: Annotated[
        bool, typer.Option("--sweep", help="Vary every actor's inputs; rank the levers.")
    ] = False,
    top: Annotated[int, typer.Option(help="Levers shown by --sweep.")] = 10,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    salience_scale: Annotated[
        str, typer.Option(help="auto | fraction | percent (auto: all <= 1 means fractions).")
    ] = "auto",
    capability_scale: Annotated[
        str, typer.Option(help="auto | fraction | percent | raw.")
    ] = "auto",
    forecast_point: Annotated[
        str | None,
        typer.Option(
            "--forecast",
            help="Forecast behind the odds: final_median | "
            "mean_of_medians (default: eum mean_of_medians, smp final_median).",
        ),
    ] = None,
    bands: Annotated[
        Path | None, typer.Option(help="Scenario bands CSV (default: embedded Idlib bands).")
    ] = None,
    preset: Annotated[
        str,
        typer.Option(
            help="EUM settings: forecast (least_move, capitulation on; invariant to the "
            "scale's direction) | scholz2011 (the replication's code: EC-1994 figures)."
        ),
    ] = "forecast",
    denominator: Annotated[
        str | None, typer.Option(help="EUM (D1): global | dyad (overrides the preset).")
    ] = None,
    risk_exponent: Annotated[
        str | None, typer.Option(help="EUM (D2): evaluator | own (overrides the preset).")
    ] = None,
    compromise: Annotated[
        str | None,
        typer.Option(help="EUM (D3): least_move | min_position (overrides the preset)."),
    ] = None,
    capitulation: Annotated[
        bool | None,
        typer.Option("--capitulation/--no-capitulation", help="EUM capitulation offers."),
    ] = None,
    q: Annotated[float | None, typer.Option(help="EUM status-quo probability Q.")] = None,
) -> None:
    """Bargaining forecast and scenario odds (Idlib 2018 by default), with levers."""
    if actors_csv is None:
        actors = idlib_actors(salience_scale=salience_scale, capability_scale=capability_scale)
    else:
        actors = read_actors(
            actors_csv, salience_scale=salience_scale, capability_scale=capability_scale
        )
    given = dict(
        q=q,
        denominator=denominator,
        risk_exponent=risk_exponent,
        compromise=compromise,
        capitulation=capitulation,
    )
    try:
        options = EUMOptions.preset(preset, **{k: v for k, v in given.items() if v is not None})
    except ValueError as err:
        raise EnclaveInputError(None, "EUM options", str(err)) from None
    blocs: list[Bloc] | None = None
    if uniform_spreads:
        actors, blocs = without_own_spreads(actors), []
    if score:
        if actors_csv is not None:
            raise EnclaveInputError(
                actors_csv, "--score", "the dated outcomes are for the embedded Idlib table"
            )
        table = score_table(
            actors,
            runs=runs,
            seed=seed,
            smp_runs=smp_runs,
            options=options,
            blocs=blocs,
            rounds=rounds,
        )
        if as_json:
            sys.stdout.write(json.dumps(table) + "\n")
        else:
            _print_score(
                table, Console(file=sys.stdout, width=None if sys.stdout.isatty() else 160)
            )
        return
    doc = run_bargain(
        actors,
        model=model,
        rounds=rounds,
        runs=runs,
        seed=seed,
        sets=set_,
        drops=drop,
        named=lever,
        do_sweep=do_sweep,
        compare=compare,
        smp_runs=smp_runs,
        band_shift=band_shift,
        blocs=blocs,
        options=options,
        point=forecast_point,
        bands=load_bands(bands) if bands else None,
    )
    if as_json:
        sys.stdout.write(json.dumps(doc) + "\n")
        return
    console = Console(file=sys.stdout, width=None if sys.stdout.isatty() else 160)
    _print_human(doc, console, top)
