"""``report.html``: one self-contained page (inline CSS, PNG figures as data URIs, no JS).

Nothing in it is fetched from outside the file: no tile server, no CDN, no web font (source
addresses are links a reader may follow). Figures are drawn with matplotlib's Agg backend
from the ensemble Dataset; the map draws the Natural Earth basemap shipped in ``data/``.
Every word about the place comes from the case (:mod:`enclave.report.vocab`): the page
names no country, road or period the case does not.
"""

from __future__ import annotations

import base64
import html
import io
import math
import re
from collections.abc import Sequence
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import xarray as xr  # noqa: E402
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator, NullLocator  # noqa: E402

from enclave.analysis.needs import load_standards, needs_table, peak_gap  # noqa: E402
from enclave.analysis.summary import (  # noqa: E402
    DEFINITIONS,
    METRICS,
    camp_places,
    camp_table,
    member_metrics,
)
from enclave.analysis.weights import weighted_metric  # noqa: E402
from enclave.ensemble.inputs import FLEE_KIND  # noqa: E402
from enclave.report.maps import map_figure, strip_figure  # noqa: E402
from enclave.report.terminal import border_note, compact  # noqa: E402
from enclave.report.vocab import Vocabulary, metric_label, vocabulary  # noqa: E402
from enclave.scenario.model import INPUT_NAMES, Case  # noqa: E402

#: camp clusters drawn in a scenario's occupancy panel (the fullest ones)
CAMPS_PLOTTED = 6

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:0 auto;max-width:1250px;
padding:1em 2em;color:#222;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}
h2{border-bottom:2px solid #ddd;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;margin:.6em 0;font-size:.9em}
th,td{border:1px solid #ccc;padding:.25em .5em;text-align:right;vertical-align:top}
th{background:#f2f2f2} td.l,th.l{text-align:left}
.meta{color:#555;font-size:.9em}
.note{background:#fff8e1;border-left:4px solid #f0b400;padding:.5em 1em}
.bottom{display:flex;flex-wrap:wrap;gap:.8em;margin:.8em 0}
.card{flex:1 1 270px;border:1px solid #ccc;border-radius:6px;padding:.5em .9em;background:#fafafa}
.card h3{margin:.2em 0 .4em;font-size:1.05em} .card ul{padding-left:1.1em;margin:.2em 0}
.card.pool{background:#eef5ff;border-color:#8fb3e0}
figure{margin:1em 0} figure img{max-width:100%;border:1px solid #eee}
figcaption{font-size:.85em;color:#555} .small{font-size:.8em;color:#555}
li{margin:.2em 0}
"""


#: white margin (pixels) kept around what a figure draws
PNG_PAD = 6


def _png(fig: plt.Figure, dpi: int = 90) -> str:
    """The figure as an inline PNG, drawn once and cropped to what it draws.

    ``bbox_inches="tight"`` would give the same crop by drawing every figure twice (the
    maps are most of the report's cost); cropping the one drawn image to its non-white
    pixels costs milliseconds."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    fig.set_dpi(dpi)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    rgb = np.asarray(canvas.buffer_rgba())[..., :3]
    ink = (rgb < 250).any(axis=2)
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    if rows.size:
        r0, r1 = max(rows[0] - PNG_PAD, 0), rows[-1] + PNG_PAD + 1
        c0, c1 = max(cols[0] - PNG_PAD, 0), cols[-1] + PNG_PAD + 1
        rgb = rgb[r0:r1, c0:c1]
    plt.close(fig)
    buf = io.BytesIO()
    Image.fromarray(np.ascontiguousarray(rgb)).save(buf, format="png")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _nan(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _people(x: float) -> str:
    """People rounded to 3 significant figures above 10,000: 938,000 (no 9.38e+05)."""
    if _nan(x):
        return "–"
    if abs(x) >= 1e4:
        x = round(x, -int(math.floor(math.log10(abs(x)))) + 2)
    return f"{x:,.0f}"


def _fmt(x: float, unit: str = "people") -> str:
    if _nan(x):
        return "never" if unit == "day" else "–"
    if unit in ("people", "person-days"):
        return _people(x)
    if unit == "day":
        return f"{x:.0f}"
    return f"{x:.2f}"


def _num(x: float) -> str:
    """An input value: 2,500,000 rather than 2.5e+06; 0.015 stays 0.015."""
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:g}"


def _band(row: pd.Series) -> str:
    u = row["unit"]
    k, n = int(row["members_with_value"]), int(row["members"])
    if k == 0:
        return "never" if u == "day" else "–"
    s = _fmt(row["median"], u)
    if k > 1:
        s += f" <span class='small'>[{_fmt(row['p05'], u)} – {_fmt(row['p95'], u)}]</span>"
    s += f" <span class='small'>({k}/{n})</span>"
    return s


def _e(x: object) -> str:
    return html.escape(str(x))


_URL = re.compile(r"(https?://[^\s<>()\"']+[^\s<>()\"'.,;:])")


def _linkify(text: str) -> str:
    """Escape, and turn addresses into links (followed only if the reader clicks)."""
    parts = _URL.split(str(text or ""))
    out = []
    for i, p in enumerate(parts):
        if i % 2:
            out.append(f"<a href='{_e(p)}' rel='noreferrer'>{_e(p)}</a>")
        else:
            out.append(_e(p))
    return "".join(out)


def _people_axis(ax, axis: str = "y") -> None:  # noqa: ANN001
    """Ticks at round numbers labelled 50k, 1.5M: no offset text, no repeated labels."""
    a = ax.yaxis if axis == "y" else ax.xaxis
    a.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10], integer=True))
    a.set_major_formatter(FuncFormatter(lambda v, _: compact(v, "people")))


# ----------------------------------------------------------------------------- figures
def _bandplot(ax, days, da: xr.DataArray, color: str, label: str) -> None:  # noqa: ANN001
    q = da.quantile([0.05, 0.5, 0.95], dim="member", skipna=True).values
    ax.fill_between(days, q[0], q[2], color=color, alpha=0.25, lw=0)
    ax.plot(days, q[1], color=color, lw=1.8, label=label)


def series_figure(ds: xr.Dataset, case: Case, vocab: Vocabulary, scenario: str) -> str:
    """Displaced, at the border, in the destinations, and each camp cluster's occupancy."""
    s = ds.sel(scenario=scenario)
    n = int(s["scenario_days"])
    s = s.isel(day=slice(0, n))
    days = np.arange(n)
    zone = [p for p in case.border.zone if p in ds["place"].values]
    fig, (a1, a2) = plt.subplots(2, 1, figsize=(11.5, 6.4), sharex=True)
    fig.subplots_adjust(left=0.09, right=0.66, bottom=0.08, top=0.95, hspace=0.12)  # legends right
    _bandplot(
        a1, days, s["newly_displaced"].cumsum("day"), "#c44e52", "newly displaced (cumulative)"
    )
    _bandplot(
        a1,
        days,
        s["inflow_turkish_held"].cumsum("day"),
        "#55a868",
        f"into {vocab.kind('turkish_held_area')}",
    )
    _bandplot(
        a1,
        days,
        s["inflow_government"].cumsum("day"),
        "#8c613c",
        f"into {vocab.kind('regime_area')}",
    )
    if zone:
        _bandplot(
            a1, days, s["occupancy"].sel(place=zone).sum("place"), "#8172b3", f"at {vocab.border}"
        )
    a1.set_ylabel("people")
    _people_axis(a1)
    a1.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
    a1.grid(alpha=0.3)
    a1.set_title("People over time (median and 5–95 % band of the members)", fontsize=10)
    camps = camp_places(ds)
    # the clusters that come closest to (or furthest over) capacity; all are in the tables
    peak = {
        c: float((s["occupancy"].sel(place=c) / s["capacity"].sel(place=c)).max()) for c in camps
    }
    camps = sorted(camps, key=lambda c: -peak[c])[:CAMPS_PLOTTED]
    colors = plt.cm.tab10(np.linspace(0, 1, 10))
    for k, c in enumerate(camps):
        ratio = s["occupancy"].sel(place=c) / s["capacity"].sel(place=c)
        _bandplot(a2, days, ratio, colors[k % 10], c)
    a2.axhline(1.0, color="k", lw=0.8, ls="--")
    a2.set_ylabel("occupancy / capacity")
    a2.set_xlabel(f"day (day 0 = {case.start_date})")
    if camps:
        a2.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
        a2.set_title(
            f"The {len(camps)} camp clusters that fill most (every cluster: table below)",
            fontsize=10,
        )
    a2.grid(alpha=0.3)
    return _png(fig)


def needs_figure(table: pd.DataFrame, scenario: str) -> str:
    """People present and people above capacity per week (median, 5-95 %)."""
    fig, ax = plt.subplots(figsize=(9.0, 3.0))
    fig.subplots_adjust(left=0.11, right=0.66, bottom=0.17, top=0.92)  # legend right
    w = table["week"].to_numpy()
    for col, color, label in (
        ("people", "#4c72b0", "people present"),
        ("gap_people", "#c44e52", "people above capacity (the gap)"),
    ):
        q = np.array(table[col].tolist(), dtype=float)
        ax.fill_between(w, q[:, 1], q[:, 2], color=color, alpha=0.25, lw=0)
        ax.plot(w, q[:, 0], color=color, lw=1.8, label=label, marker="o", ms=3)
    ax.set_yscale("symlog", linthresh=1000)
    # ticks at 0 and each power of ten from 1k: below 1k the scale is linear and squeezed,
    # where 0 and 100 would print on top of each other
    top = max(float(np.nanmax(np.array(table["people"].tolist(), dtype=float))), 1e3)
    ax.yaxis.set_major_locator(FixedLocator([0, *10.0 ** np.arange(3, np.ceil(np.log10(top)) + 1)]))
    ax.yaxis.set_minor_locator(NullLocator())
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: compact(v, "people")))
    ax.set_xlabel("week of the run")
    ax.set_ylabel("people (log scale above 1k)")
    ax.set_title(f"Needs basis per week: {scenario}", fontsize=9)
    ax.legend(fontsize=7, loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False)
    ax.grid(alpha=0.3)
    return _png(fig)


def comparison_figure(comp: pd.DataFrame, summary: pd.DataFrame, scenarios: Sequence[str]) -> str:
    """Newly displaced per scenario (band) against the planning figures."""
    fig, ax = plt.subplots(figsize=(13.0, 4.2))
    fig.subplots_adjust(left=0.12, right=0.62, bottom=0.14, top=0.96)  # legend right
    nd = summary[(summary.metric == "newly_displaced")].set_index("scenario")
    y = np.arange(len(scenarios))
    for i, s in enumerate(scenarios):
        r = nd.loc[s]
        ax.plot([r.p05, r.p95], [i, i], color="#c44e52", lw=6, alpha=0.5, solid_capstyle="butt")
        ax.plot(r["median"], i, "o", color="#c44e52")
    refs = comp[(comp.metric == "newly_displaced") & (comp.date == "")]
    refs = refs.drop_duplicates("reference")
    colors = plt.cm.tab10(np.linspace(0, 1, max(len(refs), 1)))
    for j, (_, r) in enumerate(refs.iterrows()):
        if r.ref_high > r.ref_low:
            ax.axvspan(r.ref_low, r.ref_high, color=colors[j], alpha=0.12)
        ax.axvline(r.ref_low, color=colors[j], lw=1.2, ls=":", label=r.label)
    ax.set_yticks(y, scenarios)
    ax.set_xlabel(
        "people newly displaced (model: median and 5–95 %; lines/bands: planning figures)"
    )
    ax.set_ylim(-0.6, len(scenarios) - 0.4)
    ax.legend(fontsize=6.5, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    _people_axis(ax, "x")
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)


# ----------------------------------------------------------------------------- tables
def _table(df: pd.DataFrame, left: Sequence[str] = (), cls: str = "") -> str:
    head = "".join(f"<th class='{'l' if c in left else ''}'>{_e(c)}</th>" for c in df.columns)
    body = []
    for _, row in df.iterrows():
        cells = "".join(f"<td class='{'l' if c in left else ''}'>{row[c]}</td>" for c in df.columns)
        body.append(f"<tr>{cells}</tr>")
    c = f" class='{cls}'" if cls else ""
    return f"<table{c}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _label(metric: str, place: str, vocab: Vocabulary) -> str:
    return metric_label(metric, place, vocab)


def summary_table(summary: pd.DataFrame, scenarios: Sequence[str], vocab: Vocabulary) -> str:
    rows = []
    keys = summary[["metric", "place"]].drop_duplicates().itertuples(index=False)
    for metric, place in keys:
        row = {"metric": _e(_label(metric, place, vocab))}
        for s in scenarios:
            r = summary[
                (summary.scenario == s) & (summary.metric == metric) & (summary.place == place)
            ]
            row[s] = _band(r.iloc[0])
        rows.append(row)
    return _table(pd.DataFrame(rows), left=("metric",), cls="summary")


def definitions_table(vocab: Vocabulary) -> str:
    rows = [
        {"metric": _e(_label(k, "", vocab)), "unit": _e(u), "definition": _e(d)}
        for k, (u, _lab, d) in DEFINITIONS.items()
    ]
    return _table(pd.DataFrame(rows), left=("metric", "unit", "definition"), cls="definitions")


def _mm(ds: xr.Dataset, case: Case) -> xr.Dataset:
    """Member metrics: those ``summarise`` put into ``ds``, else computed here."""
    names = [k for k in DEFINITIONS if f"metric_{k}" in ds]
    if len(names) == len(DEFINITIONS) or (
        names and "camp_peak_ratio" not in names and len(names) == len(METRICS)
    ):
        return xr.Dataset({k: ds[f"metric_{k}"] for k in names})
    return member_metrics(ds, case.border.zone)


def _date(case: Case, day: float) -> str:
    return (pd.Timestamp(case.start_date) + pd.Timedelta(days=int(day))).strftime("%d %b %Y")


def _scenario_card(ds, case, vocab, summary, s: str, lever) -> str:  # noqa: ANN001
    one = summary[summary.scenario == s]

    def g(metric: str, place: str = "") -> pd.Series:
        return one[(one.metric == metric) & (one.place == place)].iloc[0]

    nd, d90 = g("newly_displaced"), g("flight_day_90")
    items = [
        f"<li><b>Flee:</b> {_band(nd)} people"
        + (
            f", 90 % of them by day {_fmt(d90['median'], 'day')} (~{_date(case, d90['median'])})"
            if d90["members_with_value"]
            else ""
        )
        + "</li>"
    ]
    dest = [
        (g("into_turkish_held"), vocab.kind("turkish_held_area")),
        (g("to_government"), vocab.kind("regime_area")),
    ]
    if vocab.border_countries:
        dest.append((g("into_turkey"), vocab.across))
    items.append(
        "<li><b>Where to:</b> " + "; ".join(f"{_e(w)} {_band(r)}" for r, w in dest) + "</li>"
    )
    items.append(
        f"<li><b>At {_e(vocab.border)} (peak):</b> {_band(g('at_border_peak'))}; "
        f"above day 0: {_band(g('at_border_added'))}</li>"
    )
    camps = one[one.metric == "camp_first_over_day"]
    over = [r for _, r in camps.iterrows() if r["members_with_value"] > 0]
    if len(camps) == 0:
        items.append("<li><b>Camps:</b> the case has no camp cluster with a capacity.</li>")
    elif over:
        txt = "; ".join(
            f"{_e(r['place'])} from day {_fmt(r['median'], 'day')} "
            f"({int(r['members_with_value'])}/{int(r['members'])} members)"
            for r in over
        )
        items.append(
            f"<li><b>Camps that overflow</b> (above day-0 level and capacity): {txt}; "
            f"person-days above capacity {_band(g('person_days_over'))}</li>"
        )
    else:
        items.append(
            "<li><b>Camps:</b> no camp cluster rises above both its day-0 level and its "
            f"capacity in any member; peak occupancy/capacity {_band(g('peak_overload'))}</li>"
        )
    pk = peak_gap(ds, s)
    if pk["week"] is None:
        items.append(
            "<li><b>Peak shelter gap:</b> none (nobody above a capacity in the median)</li>"
        )
    else:
        med, lo, hi = pk["gap_people"]
        items.append(
            f"<li><b>Peak shelter gap:</b> {_people(med)} people "
            f"<span class='small'>[{_people(lo)} – {_people(hi)}]</span> in week {pk['week']}"
            f" (≈{_people(med * 3.5)} m² of covered space), "
            f"mostly {_e(', '.join(pk['mostly']))}</li>"
        )
    items.append(f"<li class='small'>{_e(border_note(case, lever))}</li>")
    title = case.scenario(s).title
    return (
        f"<div class='card' data-scenario='{_e(s)}'><h3>{_e(title)}</h3><ul>"
        + "".join(items)
        + "</ul></div>"
    )


def _pool_card(mm: xr.Dataset, weights: dict[str, float], vocab: Vocabulary) -> str:
    n = int(sum(mm.sizes["member"] for s, p in weights.items() if p > 0))
    rows = []
    for metric, what in (
        ("newly_displaced", "Flee"),
        ("at_border_peak", f"At {vocab.border} (peak)"),
        ("person_days_over", "Person-days above camp capacity"),
        ("first_overflow_day", "First camp overflow (day)"),
    ):
        w = weighted_metric(mm, metric, weights)
        u = DEFINITIONS[metric][0]
        rows.append(
            f"<li><b>{_e(what)}:</b> {_fmt(w['median'], u)} <span class='small'>"
            f"[{_fmt(w['p05'], u)} – {_fmt(w['p95'], u)}]</span></li>"
        )
    odds = ", ".join(f"{_e(s)} {p:.2f}" for s, p in weights.items() if p > 0)
    return (
        "<div class='card pool'><h3>All scenarios, weighted by their political odds</h3><ul>"
        + "".join(rows)
        + f"<li class='small'>odds: {odds}; {n} members pooled</li></ul></div>"
    )


def _phase_text(p) -> str:  # noqa: ANN001
    """A phase in words: 'route: A → B; start: day 10; …' (no raw dict)."""
    parts = []
    for k, v in p.model_dump(exclude={"type", "label"}).items():
        if v is None or v == [] or (k in ("lead_days", "linger_days") and v == 0):
            continue
        if isinstance(v, list):
            v = (
                " → ".join(v)
                if k == "route"
                else ", ".join("–".join(x) if isinstance(x, (list, tuple)) else str(x) for x in v)
            )
        elif k in ("start", "end", "day"):
            v = f"day {v}"
        parts.append(f"{k.replace('_', ' ')}: {v}")
    return "; ".join(parts)


#: what the calibrated-against-prior table compares, per scenario
PRIOR_ROWS = ("newly_displaced", "to_government", "into_turkish_held", "at_border_added")


def _clusters_over(summary: pd.DataFrame, scenario: str) -> str:
    """How many camp clusters have a median peak above capacity, and which fill first."""
    pk = summary[(summary.scenario == scenario) & (summary.metric == "camp_peak_ratio")]
    if pk.empty:
        return "–"
    over = pk[pk["median"] > 1.0]
    first = summary[
        (summary.scenario == scenario)
        & (summary.metric == "camp_first_over_day")
        & (summary.place.isin(over.place))
    ].sort_values("median")
    names = ", ".join(_e(p) for p in first.place.head(3))
    return f"{len(over)} of {len(pk)}" + (
        f" <span class='small'>(first: {names})</span>" if names else ""
    )


def _span(median: float, p05: float, p95: float) -> str:
    if _nan(median):
        return "–"
    return f"{_people(median)} <span class='small'>[{_people(p05)} – {_people(p95)}]</span>"


def prior_table(
    summary: pd.DataFrame,
    prior: pd.DataFrame,
    comparison: pd.DataFrame,
    scenarios: Sequence[str],
    vocab: Vocabulary,
    prior_comparison: pd.DataFrame | None = None,
) -> str:
    """Calibrated figures beside the uncalibrated prior's, with the planning figures, and
    first the observed counts of the case's first days (dated references)."""
    rows = []
    dated, undated = comparison[comparison.date != ""], comparison[comparison.date == ""]
    for s in scenarios:
        for r in dated[dated.scenario == s].itertuples():
            pri = prior_comparison if prior_comparison is not None else dated[:0]
            pri = pri[(pri.reference == r.reference) & (pri.scenario == s)]
            rows.append(
                {
                    "scenario": _e(s),
                    "figure": f"people newly displaced by {_e(r.date)} (day {int(r.day)})",
                    "calibrated": _span(r.median, r.p05, r.p95),
                    "prior": "–" if pri.empty else _span(*pri.iloc[0][["median", "p05", "p95"]]),
                    "planning figures": f"{_e(r.label)}: {_people(r.ref_low)}",
                }
            )
        for m in PRIOR_ROWS + ("clusters",):
            row = {"scenario": _e(s)}
            if m == "clusters":
                row["figure"] = "camp clusters over capacity (median peak)"
                row["calibrated"] = _clusters_over(summary, s)
                row["prior"] = _clusters_over(prior, s)
                row["planning figures"] = ""
            else:
                cal, pri = (
                    t[(t.scenario == s) & (t.metric == m) & (t.place == "")]
                    for t in (summary, prior)
                )
                if cal.empty or pri.empty:
                    continue
                row["figure"] = _e(_label(m, "", vocab))
                row["calibrated"] = _band(cal.iloc[0])
                row["prior"] = _band(pri.iloc[0])
                refs = undated[(undated.scenario == s) & (undated.metric == m)]
                row["planning figures"] = "; ".join(
                    _e(r.label)
                    + ": "
                    + (
                        _people(r.ref_low)
                        if r.ref_high == r.ref_low
                        else f"{_people(r.ref_low)} – {_people(r.ref_high)}"
                    )
                    for r in refs.itertuples()
                )
            rows.append(row)
    return _table(pd.DataFrame(rows), left=("scenario", "figure", "planning figures"), cls="prior")


def _calibration_note(cal: dict | None, with_prior: bool = False) -> str:
    """Whether the figures are calibrated, on which data, with the fitted values."""
    if not cal:
        return (
            "<p class='calibration small'>Uncalibrated: every input is drawn from its prior "
            "range in the case file (no calibration file loaded).</p>"
        )
    fitted = "; ".join(
        f"{_e(k)} <b>{v['value']:.4g}</b> [{v['p05']:.4g} – {v['p95']:.4g}]"
        + (f" (prior {v['prior'][0]:g} – {v['prior'][1]:g})" if v.get("prior") else "")
        for k, v in cal.get("parameters", {}).items()
    )
    file = Path(str(cal.get("_file", "?"))).name
    return (
        "<p class='calibration'><b>Calibrated figures.</b> The inputs fitted by "
        f"<code>{_e(file)}</code> (fitted on case {_e(cal.get('case'))}, observed data "
        f"{_e(cal.get('observed', '?'))}, geography {_e(cal.get('geography'))}; "
        f"{_e(cal.get('package', ''))}, {_e(cal.get('simulations', '?'))} simulations) are "
        f"drawn from their calibrated 90 % intervals instead of their priors: {fitted}. "
        + (
            "The uncalibrated prior's figures stand beside them in "
            "<a href='#prior'>Calibrated against the prior</a>.</p>"
            if with_prior
            else "Prior (uncalibrated) figures are not shown in this report.</p>"
        )
    )


def _map_days(ds: xr.Dataset, s: str) -> tuple[int, list[int]]:
    """The day of a scenario's large map and the days of its strip of small ones."""
    n = int(ds["scenario_days"].sel(scenario=s))
    return _map_day(ds, s), sorted({0, n // 3, (2 * n) // 3, n - 1})


def _scenario_figure(state: tuple, job: tuple) -> str:
    ds, case, vocab = state
    kind, s = job
    day, strip_days = _map_days(ds, s)
    if kind == "map":
        return _png(map_figure(ds, case, vocab, s, day))
    if kind == "strip":
        return _png(strip_figure(ds, case, vocab, s, strip_days))
    if kind == "needs":
        return needs_figure(needs_table(ds, s, load_standards()), s)
    return series_figure(ds, case, vocab, s)


def _scenario_pngs(
    ds: xr.Dataset, case: Case, vocab: Vocabulary, scenarios: Sequence[str], workers: int
) -> dict[tuple[str, str], str]:
    """Every scenario's map, strip, series and needs as PNG data URIs, keyed (kind,
    scenario); the maps first, since they take longest (the pool hands out jobs in this
    order)."""
    from enclave.report.parallel import draw_all

    jobs = [(kind, s) for kind in ("map", "strip", "series", "needs") for s in scenarios]
    return dict(zip(jobs, draw_all(_scenario_figure, (ds, case, vocab), jobs, workers)))


def render(
    ds: xr.Dataset,
    case: Case,
    summary: pd.DataFrame,
    comparison: pd.DataFrame,
    sensitivity: pd.DataFrame | None,
    weights=None,  # noqa: ANN001
    weighted: dict | None = None,
    run_info: dict | None = None,
    calibration: dict | None = None,
    prior_summary: pd.DataFrame | None = None,
    prior_comparison: pd.DataFrame | None = None,
    workers: int = 1,
) -> str:
    """The whole page as a string: the bottom line first, then the detail.

    ``prior_summary``: the same case's summary without its calibration, shown beside the
    calibrated figures. ``workers``: processes that draw the scenarios' maps and series
    (:mod:`enclave.report.parallel`; the page is the same with any number)."""
    scenarios = [str(s) for s in ds["scenario"].values]
    vocab = vocabulary(case)
    info = run_info or {}
    lever = ds.attrs.get("border_lever")
    lever = None if lever in (None, "case default") else lever
    mm = _mm(ds, case)
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>{_e(case.title)}</title><style>{CSS}</style></head><body>",
        f"<h1>{_e(case.title)}</h1>",
        f"<p>{_e(case.description)}</p>",
        "<p class='meta'>"
        + " · ".join(
            _e(f"{k}: {v}")
            for k, v in {
                "case": case.case,
                "start": case.start_date,
                "members per scenario": int(ds.sizes["member"]),
                "seed": ds.attrs.get("seed"),
                "one agent stands for (people)": ds.attrs.get("scale"),
                "border": ds.attrs.get("border_lever"),
                **info,
            }.items()
        )
        + "</p>",
        "<h2 id='bottom-line'>Bottom line</h2>",
        "<p class='small'>Median <span class='small'>[5 % – 95 %]</span> over the members, and "
        "(k/n): how many of the n members the figure rests on. Definitions below.</p>",
        _calibration_note(calibration, prior_summary is not None),
        "<div class='bottom'>",
    ]
    parts += [_scenario_card(ds, case, vocab, summary, s, lever) for s in scenarios]
    if weights is not None and getattr(weights, "weights", None):
        parts.append(_pool_card(mm, weights.weights, vocab))
    parts.append("</div>")
    parts.append(
        "<p class='note'>A model run, not a forecast of record: numbers depend on the "
        "assumptions listed at the end (each labelled), on Flee 3.1's movement rules and on "
        "the scenario timelines. Bands are the 5–95 % range over ensemble members, which "
        "differ in their seeds and in the uncertain inputs drawn from their ranges.</p>"
    )
    if prior_summary is not None:
        n_prior = int(prior_summary["members"].max())
        parts += [
            "<h2 id='prior'>Calibrated against the prior</h2>",
            "<p>The same case with its calibratable inputs drawn from the calibration's 90 % "
            f"intervals (calibrated, {int(ds.sizes['member'])} members a scenario) and from "
            f"their prior ranges in the case file (prior, {n_prior} members a scenario, the "
            "same seeds and input quantiles), beside the planning figures of the time. "
            "Median [5 % – 95 %] (members with a value / members).</p>",
            prior_table(summary, prior_summary, comparison, scenarios, vocab, prior_comparison),
        ]
    parts += [
        "<h2 id='summary'>Summary per scenario</h2>",
        "<p>Median, <span class='small'>[5 % – 95 %]</span> and (members with a value / "
        "members). Every camp cluster has its own rows.</p>",
        summary_table(summary, scenarios, vocab),
        "<details open><summary>What each figure means</summary>",
        definitions_table(vocab),
        "</details>",
    ]
    if len(comparison):
        period = f" ({vocab.reference_period})" if vocab.reference_period else ""
        parts.append(f"<h2 id='planning'>Against the planning figures{_e(period)}</h2>")
        parts.append(
            "<figure class='comparison-figure'>"
            "<img alt='newly displaced against planning figures' "
            f"src='{comparison_figure(comparison, summary, scenarios)}'>"
            "<figcaption>Each scenario's newly displaced (median, 5–95 %) and the planning "
            f"figures of the case{_e(period)}.</figcaption></figure>"
        )
        comp = comparison
        comp_show = pd.DataFrame(
            {
                "planning figure": comp["label"].map(_e),
                "metric": [
                    _e(_label(m, "", vocab)) + (f" by {_e(d)}" if d else "")
                    for m, d in zip(comp["metric"], comp["date"])
                ],
                "figure": [
                    _people(lo) if hi == lo else f"{_people(lo)} – {_people(hi)}"
                    for lo, hi in zip(comp.ref_low, comp.ref_high)
                ],
                "scenario": comp["scenario"].map(lambda s: _e(s) if s else "none of this case"),
                "model median [5–95 %]": [
                    "–" if np.isnan(m) else f"{_people(m)} [{_people(a)} – {_people(b)}]"
                    for m, a, b in zip(comp["median"], comp.p05, comp.p95)
                ],
                "median vs figure": comp["median_vs_reference"],
                "source": comp["source"].map(_linkify),
            }
        )
        parts.append(_table(comp_show, left=("planning figure", "metric", "scenario", "source")))
    if case.weights is not None and weights is not None:
        parts.append("<h2 id='politics'>Weighted by the political odds</h2>")
        if weights.weights:
            wt = pd.DataFrame(
                weights.bands,
                columns=["outcome band", "lower", "upper", "probability", "scenario"],
            )
            wt["lower"] = wt["lower"].map(_num)
            wt["upper"] = wt["upper"].map(_num)
            wt["probability"] = wt["probability"].map(lambda p: f"{p:.3f}")
            parts.append(
                "<p class='small'>The bargaining model forecasts the outcome on the actors' "
                "issue scale (0–100, from the case's actor table); each band of that scale is "
                f"assigned to a scenario. Odds from: {_e(weights.note)}</p>"
            )
            parts.append(_table(wt, left=("outcome band", "scenario")))
            if weighted:
                parts.append(
                    "<p>People newly displaced, all scenarios pooled with these weights: "
                    f"median <b>{_people(weighted['median'])}</b> "
                    f"[{_people(weighted['p05'])} – {_people(weighted['p95'])}], "
                    f"mean {_people(weighted['mean'])}.</p>"
                )
        else:
            parts.append(f"<p>{_e(weights.note)}</p>")
        if weights.weights and case.weights.source == "politics":
            from enclave.report.politics import politics_section

            sec, _secs = politics_section(_png, {b[0]: b[3] for b in weights.bands})
            parts.append(sec)
    st = load_standards()
    camps = camp_table(ds)
    pngs = _scenario_pngs(ds, case, vocab, scenarios, workers)
    for s in scenarios:
        sc = case.scenario(s)
        day, strip_days = _map_days(ds, s)
        parts.append(f"<section class='scenario' data-scenario='{_e(s)}'>")
        parts.append(f"<h2 id='sc-{_e(s)}'>{_e(sc.title)}</h2><p>{_e(sc.description)}</p>")
        parts.append(
            f"<figure class='scenario-figure map' data-scenario='{_e(s)}' data-kind='map'>"
            f"<img alt='map of {_e(s)} on day {day}' "
            f"src='{pngs['map', s]}'>"
            f"<img alt='map of {_e(s)} over time' "
            f"src='{pngs['strip', s]}'>"
            f"<figcaption>Map on day {day}, the scenario's last day (top), and on "
            f"days {', '.join(map(str, strip_days))} (bottom). Areas: Voronoi cells of the "
            f"places on this side of the border, clipped to {_e(case.home_country)} and to "
            "0.3° around the places, coloured by who holds the place that day; red line: the "
            "front (edges between government-held cells and the others). Circles: people "
            "present (median over members, area ∝ people); squares: camp clusters coloured by "
            f"occupancy / capacity. {_roads_words(vocab)}"
            "Arrows: net gain since day 0 at the five places that "
            "gained most, drawn from the population-weighted centre of the places that lost "
            "people (net flows, not origin–destination counts). Basemap: Natural Earth 1:50m "
            "countries and coast, and 1:10m admin-1 boundaries (dashed; public domain). "
            "Admin-1 units are too coarse to carry control (one unit holds many places on "
            "both sides of the front), hence the cells; no admin-2 boundaries are "
            "shipped.</figcaption></figure>"
        )
        parts.append(
            f"<figure class='scenario-figure' data-scenario='{_e(s)}' data-kind='series'>"
            f"<img alt='time series of {_e(s)}' src='{pngs['series', s]}'>"
            "<figcaption>People over time and each camp cluster's occupancy against its "
            "capacity (dashed line = full).</figcaption></figure>"
        )
        parts += camp_parts(camps, s)
        parts += _needs_parts(ds, s, st, pngs["needs", s])
        phases = pd.DataFrame(
            [
                {"type": _e(p.type), "label": _e(p.label), "details": _e(_phase_text(p))}
                for p in sc.phases
            ]
        )
        if len(phases):
            parts.append("<details><summary>Conflict timeline (phases)</summary>")
            parts.append(_table(phases, left=("type", "label", "details")))
            parts.append("</details>")
        parts.append("</section>")
    # sensitivity
    if sensitivity is not None and len(sensitivity):
        parts.append("<h2 id='sensitivity'>Which inputs move the result (one at a time)</h2>")
        parts.append(
            "<p>Each uncertain input set to its low and its high end, the others at their "
            "central values, same engine seeds (people per agent: see the line under the "
            "title). What this cannot see: inputs that matter only together (interactions) "
            "and swings that change inside a range; <code>enclave sensitivity</code> gives "
            "Sobol' first-order and total indices (SALib) that do. Newly displaced "
            "(people):</p>"
        )
        sv = sensitivity[sensitivity.metric == "newly_displaced"]
        tbl = pd.DataFrame(
            {
                "scenario": sv.scenario.map(_e),
                "input": sv.input.map(_e),
                "range": [f"{_num(a)} – {_num(b)}" for a, b in zip(sv.input_low, sv.input_high)],
                "at low": sv.at_low.map(_people),
                "central": sv.at_central.map(_people),
                "at high": sv.at_high.map(_people),
                "swing": sv.swing.map(lambda x: f"{x:+,.0f}"),
                "rank": sv["rank"],
            }
        )
        parts.append(_table(tbl, left=("scenario", "input")))
    # inputs, assumptions, sources
    parts.append("<h2 id='inputs'>Uncertain inputs</h2>")
    rows = []
    for k in INPUT_NAMES:
        r = getattr(case.inputs, k)
        rows.append(
            {
                "input": _e(k),
                "range": f"{_num(r.low)} – {_num(r.high)}",
                "central": _num(r.mid),
                "unit": _e(r.unit),
                "what": _e(r.description),
                "source": _linkify(r.source),
            }
        )
    parts.append(_table(pd.DataFrame(rows), left=("input", "what", "source", "unit")))
    parts.append("<h2 id='assumptions'>Assumptions</h2><ul>")
    parts += [f"<li>{_e(a)}</li>" for a in case.assumptions]
    used = list(dict.fromkeys(p.kind for p in case.places))
    kinds = ", ".join(f"{_kind_words(case, vocab, k)} → Flee {FLEE_KIND[k].name}" for k in used)
    parts.append(f"<li>Flee location types used: {_e(kinds)}.</li>")
    parts.append(
        f"<li>{_e(vocab.border[0].upper() + vocab.border[1:])}: {_e(case.border.policy)} "
        f"by default ({_linkify(case.border.policy_source)}); "
        f"quota {case.border.quota_per_day:,} people a day per border link "
        f"({_linkify(case.border.quota_source)}). At the border: {_e(', '.join(case.border.zone))} "
        f"({_linkify(case.border.zone_source)}).</li>"
    )
    parts.append("</ul><h2 id='places'>Places and their sources</h2>")
    prow = []
    for p in case.places:
        src = p.population_source or p.residents_source or ""
        prow.append(
            {
                "place": _e(p.name),
                "kind": _e(_kind_words(case, vocab, p.kind, p)),
                "weight": _people(float(p.population))
                if p.population
                else (_people(float(p.residents)) + " residents" if p.residents else "–"),
                "source": _linkify(src),
            }
        )
    parts.append(
        f"<details><summary>{len(prow)} places</summary>"
        if len(prow) > 20
        else "<details open><summary>places</summary>"
    )
    parts.append(_table(pd.DataFrame(prow), left=("place", "kind", "source")) + "</details>")
    parts.append("<h2 id='sources'>Sources</h2><ul>")
    parts += [f"<li>{_linkify(s)}</li>" for s in case.sources]
    parts.append("</ul></body></html>")
    return "\n".join(parts)


def _map_day(ds: xr.Dataset, s: str) -> int:
    """The scenario's last day (where its moves have led)."""
    return int(ds["scenario_days"].sel(scenario=s)) - 1


def camp_parts(camps: pd.DataFrame, s: str) -> list[str]:
    """The camp-level table of one scenario: which clusters overflow, and when."""
    t = camps[camps.scenario == s] if len(camps) else camps
    if not len(t):
        return []

    def band(m: float, a: float, b: float, f) -> str:  # noqa: ANN001
        return f"{f(m)} <span class='small'>[{f(a)} – {f(b)}]</span>"

    show = pd.DataFrame(
        {
            "camp cluster": t.camp_cluster.map(_e),
            "capacity": t.capacity.map(_people),
            "day 0": t.day0_occupancy.map(_people),
            "peak occupancy": [
                band(m, a, b, _people)
                for m, a, b in zip(t.peak_occupancy, t.peak_occupancy_p05, t.peak_occupancy_p95)
            ],
            "peak / capacity": [
                band(m, a, b, lambda x: f"{x:.2f}")
                for m, a, b in zip(t.peak_ratio, t.peak_ratio_p05, t.peak_ratio_p95)
            ],
            "first day over capacity": [
                "never"
                if k == 0
                else f"day {d:.0f} ({_e(date)}) <span class='small'>({k}/{n})</span>"
                for d, date, k, n in zip(
                    t.first_day_over, t.first_date_over, t.members_over, t.members
                )
            ],
            "person-days over": t.person_days_over.map(_people),
        }
    )
    return [
        f"<details open class='camps' data-scenario='{_e(s)}'><summary>Camp clusters: "
        "capacity, peak occupancy and the first day over capacity (median [5–95 %]; "
        "members that ever go over / members)</summary>",
        _table(show, left=("camp cluster",), cls="camps"),
        "</details>",
    ]


def _needs_parts(ds: xr.Dataset, s: str, st: pd.DataFrame, figure: str) -> list[str]:
    t = needs_table(ds, s, st)
    rows = []
    for _, r in t.iterrows():
        if r["week"] % 2 and r["gap_people"][0] <= 0:
            continue  # every other week unless it has a gap
        row = {
            "week": int(r["week"]),
            "people present": f"{_people(r['people'][0])}",
            "above capacity": f"{_people(r['gap_people'][0])} "
            f"<span class='small'>[{_people(r['gap_people'][1])} – "
            f"{_people(r['gap_people'][2])}]</span>",
        }
        for label, unit, amount in zip(st["label"], st["unit"], st["amount"]):
            row[f"gap: {label} ({unit})"] = _people(r["gap_people"][0] * float(amount))
        row["mostly at"] = _e(", ".join(r["mostly"]))
        rows.append(row)
    std = "; ".join(
        f"{lab}: {_num(float(a))} {u} per person"
        for lab, a, u in zip(st["label"], st["amount"], st["unit"])
    )
    return [
        f"<h3>Humanitarian needs: {_e(s)}</h3>",
        f"<figure class='scenario-figure' data-scenario='{_e(s)}' data-kind='needs'>"
        f"<img alt='needs of {_e(s)}' src='{figure}'>"
        "<figcaption>People present (all places) and people above a camp cluster's capacity "
        "per week, median and 5–95 %.</figcaption></figure>",
        f"<p class='small'>Sphere minimum standards (editable table "
        f"<code>enclave/analysis/data/sphere.csv</code>, each row sourced): {_e(std)}. The gap "
        "is the needs of the people above capacity (median); places without a capacity have "
        "needs but no gap. Per place and week in results.nc (needs_people, "
        "needs_gap_people).</p>",
        _table(pd.DataFrame(rows), left=("mostly at",), cls="needs"),
    ]


def _kind_words(case: Case, vocab: Vocabulary, kind: str, place=None) -> str:  # noqa: ANN001
    """A place kind in the case's words: 'abroad (Jordan)' rather than the format's key."""
    from enclave.report.vocab import ABROAD_KINDS

    if kind in ABROAD_KINDS:
        return (
            f"abroad ({case.country_of(place)})"
            if place is not None
            else f"abroad ({vocab.across})"
        )
    return vocab.kind(kind)


def _roads_words(vocab: Vocabulary) -> str:
    if not vocab.roads:
        return ""
    return f"Dark lines: the main roads ({_e(', '.join(vocab.roads))}). "
