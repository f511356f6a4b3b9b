"""The report's politics section: the dated question, the models side by side, and why.

Drawn from :mod:`enclave.politics` (``compare_models``, ``explain``, the figures, the Brier
scores of ``data/outcomes.csv``). Costs about 1-3 s: every model, KTAB's SMP included, runs
on all draws (the SMP's medians are reused when the chain has already run the same draws),
and the Brier table reuses the same comparison instead of running the models again.
"""

from __future__ import annotations

import html as _html
import time
from typing import Any

import pandas as pd

SMP_RUNS = None  # all draws: smp is validated and weighted (ensemble.py)


def _e(x: object) -> str:
    return _html.escape(str(x), quote=True)


def _tbl(df: pd.DataFrame, cls: str, left: tuple[str, ...]) -> str:
    from enclave.report.html import _table  # the report's table style (text left, numbers right)

    return _table(df, left=left, cls=cls)


def _trajectory_figure(info: dict[str, Any], bands):  # noqa: ANN001, ANN202
    """Each actor's position per round and the weighted median (bold), from ``explain``.

    The report's own drawing of the data :func:`enclave.politics.trajectory_figure` draws:
    the legend sits below the axes (never on the lines) and the scenario bands are named
    in the right margin, one per band, so no label meets a line or another label."""
    from matplotlib.figure import Figure  # here: matplotlib costs ~0.4 s of start-up

    tr = info["trajectory"]
    fig = Figure(figsize=(7.6, 4.6), layout="constrained")
    ax = fig.subplots()
    for k in range(1, len(bands.names)):
        ax.axhline(bands.lower[k], color="0.8", lw=0.8, zorder=0)
    for aid, pos in tr["positions"].items():
        ax.plot(range(len(pos)), pos, lw=1, marker=".", label=aid)
    ax.plot(range(len(tr["median"])), tr["median"], color="k", lw=3, label="weighted median")
    for k, name in enumerate(bands.names):
        ax.annotate(
            name,
            (1.0, (bands.lower[k] + bands.upper[k]) / 2),
            xycoords=("axes fraction", "data"),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=7,
            color="0.35",
        )
    piv = info["pivotal"]
    ax.set_title(
        f"{info['model']}: pivotal {piv['actor']} at {piv['position']:g} "
        f"(margin {100 * piv['margin']:.1f} % of the weight)",
        fontsize=10,
    )
    ax.set_xlabel("round")
    ax.set_ylabel("position on the issue scale")
    ax.set_ylim(bands.lo, bands.hi)
    n = len(tr["positions"]) + 1
    fig.legend(
        *ax.get_legend_handles_labels(),
        loc="outside lower center",
        ncol=min(6, n),
        fontsize=7,
        frameon=False,
    )
    return fig


def _distribution_figure(info: dict[str, Any], bands):  # noqa: ANN001, ANN202
    """Histogram of the Monte Carlo forecasts against the scenario bands, from ``explain``.

    As :func:`enclave.politics.distribution_figure`, with head room above the tallest bar
    so that the band names never sit on a bar."""
    import numpy as np
    from matplotlib.figure import Figure

    d = info["distribution"]
    fig = Figure(figsize=(7.6, 3.2), layout="constrained")
    ax = fig.subplots()
    edges = np.asarray(d["bin_edges"])
    counts = np.asarray(d["counts"])
    ax.bar(edges[:-1], counts, width=np.diff(edges), align="edge", color="0.4")
    for k, name in enumerate(bands.names):
        ax.axvspan(bands.lower[k], bands.upper[k], alpha=0.08 * (k % 2 + 1), color="C0", lw=0)
        ax.text(
            (bands.lower[k] + bands.upper[k]) / 2,
            0.97,
            name,
            ha="center",
            va="top",
            fontsize=7,
            transform=ax.get_xaxis_transform(),
        )
    ax.set_ylim(0, 1.3 * max(float(counts.max()), 1.0))
    ax.set_xlabel("forecast on the issue scale")
    ax.set_ylabel(f"runs (of {d['runs']})")
    ax.set_title(f"{info['model']}: forecast over the Monte Carlo runs", fontsize=10)
    return fig


def politics_section(png, used_odds: dict[str, float] | None = None) -> tuple[str, float]:  # noqa: ANN001
    """HTML of the politics section and the seconds it took.

    ``png`` turns a matplotlib figure into a data URI (the report's own helper);
    ``used_odds`` are the scenario odds the report weighted by (shown beside the models).
    """
    from enclave.politics import (
        MODEL_LABELS,
        brier,
        compare_models,
        explain,
        load_bands,
    )
    from enclave.politics.actors import idlib_actors
    from enclave.politics.odds import INTERVAL_COVERS
    from enclave.politics.score import load_outcomes

    t0 = time.perf_counter()
    actors = idlib_actors()
    bands = load_bands()
    cmp = compare_models(actors, bands=bands, smp_runs=SMP_RUNS)
    info = explain(actors, "eum", bands=bands, values=cmp.models["eum"].values)
    as_of = getattr(actors, "as_of", None) or bands.as_of
    horizon = getattr(actors, "horizon", None) or bands.horizon
    out: list[str] = ["<section id='politics-models' class='politics'>"]
    out.append("<h3>The dated question</h3>")
    out.append(
        f"<p class='question'>As of <b>{_e(as_of)}</b>, which state will the conflict be in on "
        f"<b>{_e(horizon)}</b>? Each scenario is an outcome by that date; the actor table uses "
        "no evidence dated after the as-of date.</p>"
    )
    # models side by side
    rows: list[dict[str, Any]] = []
    for k, name in enumerate(bands.names):
        row: dict[str, Any] = {
            "scenario (band on the issue scale)": (
                f"{_e(name)} [{bands.lower[k]:g}–{bands.upper[k]:g})"
            )
        }
        for m, r in cmp.models.items():
            lo, hi = r.interval[name]
            row[MODEL_LABELS.get(m, m)] = f"{r.odds[name]:.2f} [{lo:.2f}–{hi:.2f}]"
        row["ensemble (used)"] = f"<b>{cmp.ensemble[name]:.2f}</b>"
        rows.append(row)
    runs = ", ".join(f"{_e(MODEL_LABELS.get(m, m).split(' ')[0])} {n}" for m, n in cmp.runs.items())
    weights = ", ".join(
        f"{_e(MODEL_LABELS.get(m, m).split(' ')[0])} {w:.2f}" for m, w in cmp.weights.items()
    )
    out.append("<h3>The models side by side</h3>")
    out.append(_tbl(pd.DataFrame(rows), "politics-models", ("scenario (band on the issue scale)",)))
    out.append(
        "<p class='small'>Probability of each scenario [90 % interval] per model, on common "
        f"random numbers (runs: {runs}). The report's odds are the <b>ensemble</b>: fixed "
        f"equal weights over the validated models, set before any scoring ({weights}); "
        "smp is KTAB's SMP, validated against KTAB's reference histories. "
        f"<b>What the 90 % intervals cover:</b> {_e(INTERVAL_COVERS)}.</p>"
    )
    if used_odds:
        diff = max(abs(used_odds.get(k, 0.0) - v) for k, v in cmp.ensemble.items())
        if diff > 1e-9:
            out.append(
                f"<p class='small'>Note: the odds used above differ from this ensemble by "
                f"up to {diff:.3f}.</p>"
            )
    # why: pivotal actor and moves
    piv = info["pivotal"]
    out.append("<h3>Why: the pivotal actor and who moved whom</h3>")
    out.append(
        f"<p class='pivotal'>Pivotal actor: <b>{_e(piv['actor'])}</b> at "
        f"{piv['position']:g} on the issue scale. Actors up to and including it hold "
        f"{100 * piv['share_through']:.1f} % of the weight (capability × salience), so the "
        f"weighted median sits there with a margin of <b>{100 * piv['margin']:.1f} %</b> "
        "of the weight: a shift of that much weight would move it.</p>"
    )
    mv = info["moves"]
    if mv:
        per_round: dict[int, list[str]] = {}
        for m in mv:
            per_round.setdefault(m["round"], []).append(
                f"{_e(m['actor'])} {m['from']:.0f}→{m['to']:.0f} "
                f"(by {_e(m['counterpart'])}, {_e(m['offer'])})"
            )
        tbl = pd.DataFrame(
            {
                "round": list(per_round),
                "who moved (by whom, offer)": ["; ".join(v) for v in per_round.values()],
            }
        )
        out.append(_tbl(tbl, "politics-moves", ("who moved (by whom, offer)",)))
        out.append(
            "<p class='small'>EUM rounds on the central table: each actor that accepted "
            "another's offer, its position before → after, the actor whose offer it took and "
            "the kind of offer. Rounds with no move are left out.</p>"
        )
    else:
        out.append("<p class='small'>No actor moved in the EUM rounds.</p>")
    d = info["distribution"]
    out.append(
        "<figure class='politics-figure' data-kind='trajectory'>"
        f"<img alt='politics trajectory' src='{png(_trajectory_figure(info, bands))}'>"
        "<figcaption>EUM on the central table: each actor's position per round, and the "
        "weighted median (bold); grey lines are the scenario band edges, each band named on the "
        "right.</figcaption></figure>"
    )
    out.append(
        "<figure class='politics-figure' data-kind='distribution'>"
        f"<img alt='politics forecast distribution' "
        f"src='{png(_distribution_figure(info, bands))}'>"
        f"<figcaption>EUM forecast over {d['runs']} Monte Carlo runs (inputs drawn from their "
        f"spreads) against the scenario bands; median {d['quantiles']['q50']:.1f}, 5–95 % "
        f"{d['quantiles']['q05']:.1f}–{d['quantiles']['q95']:.1f}; "
        f"{100 * d['share_at_round0_median']:.0f} % of runs end at their round-0 weighted "
        "median.</figcaption></figure>"
    )
    # Brier on what happened, reusing the comparison
    per_model = {m: r.odds for m, r in cmp.models.items()}
    per_model["ensemble"] = cmp.ensemble
    brows = []
    for o in load_outcomes():
        row = {"period": _e(o.period), "what happened": _e(o.what_happened)}
        contains = bool(horizon and o.start <= horizon < o.end)
        if contains:
            row["period"] += " <b>(contains the horizon)</b>"
        for m, p in per_model.items():
            row[MODEL_LABELS.get(m, m).split(" ")[0]] = f"{brier(p, o.outcome):.2f}"
        brows.append(row)
    uniform = brier({k: 1 / len(bands.names) for k in bands.names}, bands.names[0])
    out.append("<h3>Scored on what happened</h3>")
    out.append(_tbl(pd.DataFrame(brows), "politics-brier", ("period", "what happened")))
    out.append(
        f"<p class='small brier-caption'>{len(bands.names)}-outcome Brier score of each "
        f"model's odds (and the ensemble's) against the outcome of each dated period in "
        f"enclave.politics data/outcomes.csv (sourced there); lower is better, a uniform "
        f"guess scores {uniform:.2f}, 0 is a sure hit and 2 a sure miss. Only the period "
        "that contains the horizon scores the question asked; the others show how the same "
        "odds would fare on later questions.</p>"
    )
    out.append("</section>")
    return "\n".join(out), time.perf_counter() - t0
