"""``report.html``: one self-contained page (inline CSS, PNG figures as data URIs, no JS).

Nothing in it points outside the file: no tile server, no CDN, no web font. Figures are
drawn with matplotlib's Agg backend from the ensemble Dataset.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import xarray as xr  # noqa: E402

from enclave.analysis.summary import METRICS  # noqa: E402
from enclave.scenario.build import FLEE_KIND  # noqa: E402
from enclave.scenario.model import INPUT_NAMES, Case  # noqa: E402

KIND_STYLE = {
    "town": ("#4c72b0", "o", "town"),
    "idp_camp_cluster": ("#dd8452", "s", "IDP camp cluster"),
    "border_crossing": ("#c44e52", "D", "border crossing"),
    "turkish_held_area": ("#55a868", "^", "Turkish-held north"),
    "regime_area": ("#8c613c", "v", "government-held"),
    "turkey": ("#8172b3", "P", "Turkey"),
}

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
figure{margin:1em 0} figure img{max-width:100%;border:1px solid #eee}
figcaption{font-size:.85em;color:#555} .small{font-size:.8em;color:#555}
li{margin:.2em 0}
"""


def _png(fig: plt.Figure) -> str:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


def _fmt(x: float, unit: str = "people") -> str:
    if x is None or (isinstance(x, float) and np.isnan(x)):
        return "never" if unit == "day" else "–"
    if unit == "people":
        return f"{x:,.0f}"
    if unit == "day":
        return f"{x:.0f}"
    return f"{x:.2f}"


def _band(row: pd.Series) -> str:
    u = row["unit"]
    if row["metric"] == "first_overflow_day" and row["members_with_value"] == 0:
        return "never"
    band = f"[{_fmt(row['p05'], u)} – {_fmt(row['p95'], u)}]"
    s = f"{_fmt(row['median'], u)} <span class='small'>{band}</span>"
    if row["metric"] == "first_overflow_day":
        s += f" <span class='small'>({row['members_with_value']}/{row['members']} members)</span>"
    return s


def _e(x: object) -> str:
    return html.escape(str(x))


def _linkify(text: str) -> str:
    """Escape; addresses stay plain text (no links out of the page)."""
    return _e(text)


# ----------------------------------------------------------------------------- figures
def map_figure(ds: xr.Dataset, case: Case, scenario: str) -> str:
    """Places, roads, border links; bubbles = median people there on the last day."""
    s = ds.sel(scenario=scenario)
    n = int(s["scenario_days"])
    lon, lat = ds["lon"].values, ds["lat"].values
    names = list(ds["place"].values)
    idx = {p: i for i, p in enumerate(names)}
    fig, ax = plt.subplots(figsize=(6.4, 6.4))
    for r in case.roads:
        a, b = idx[r.from_], idx[r.to]
        border = (case.places[a].kind == "turkey") != (case.places[b].kind == "turkey")
        ax.plot(
            [lon[a], lon[b]],
            [lat[a], lat[b]],
            color="#c44e52" if border else ("#999" if r.road not in ("M4", "M5") else "#555"),
            lw=2.2 if border else (1.6 if r.road in ("M4", "M5") else 0.7),
            ls="--" if border else "-",
            zorder=1,
        )
    occ = s["occupancy"].isel(day=n - 1).median("member").values
    pop = s["population"].median("member").values
    size = 8 + 600 * np.sqrt(np.nan_to_num(occ) / max(np.nanmax(occ), 1.0))
    for kind, (color, marker, label) in KIND_STYLE.items():
        sel = np.array([k == kind for k in ds["kind"].values])
        ax.scatter(
            lon[sel],
            lat[sel],
            s=size[sel],
            c=color,
            marker=marker,
            alpha=0.75,
            edgecolors="k",
            linewidths=0.4,
            label=label,
            zorder=3,
        )
    taken = (s["control"].isel(day=n - 1).values == 1) & (ds["kind"].values != "regime_area")
    if taken.any():
        ax.scatter(
            lon[taken],
            lat[taken],
            s=60,
            marker="x",
            c="k",
            zorder=4,
            label="taken by the government",
        )
    hit = (s["intensity"].max("day").values > 0) & (pop > 0)
    ax.scatter(
        lon[hit],
        lat[hit],
        s=14,
        marker="*",
        c="#d62728",
        zorder=5,
        label="under fire at some point",
    )
    for i in np.argsort(-np.nan_to_num(occ))[:10]:
        ax.annotate(
            f"{names[i]}\n{occ[i]:,.0f}",
            (lon[i], lat[i]),
            fontsize=6.5,
            xytext=(4, 4),
            textcoords="offset points",
            zorder=6,
        )
    ax.set_xlabel("longitude (°E)")
    ax.set_ylabel("latitude (°N)")
    ax.set_aspect(1 / np.cos(np.deg2rad(36)))
    ax.set_title(f"People present on day {n - 1} (median), by place", fontsize=10)
    ax.legend(fontsize=6.5, loc="lower left", markerscale=0.5, framealpha=0.85)
    ax.grid(alpha=0.2)
    return _png(fig)


def _bandplot(ax, days, da: xr.DataArray, color: str, label: str) -> None:  # noqa: ANN001
    q = da.quantile([0.05, 0.5, 0.95], dim="member", skipna=True).values
    ax.fill_between(days, q[0], q[2], color=color, alpha=0.25, lw=0)
    ax.plot(days, q[1], color=color, lw=1.8, label=label)


def series_figure(ds: xr.Dataset, case: Case, scenario: str) -> str:
    """Displaced, at the border, in the Turkish-held north, in camps (median, 5-95 %)."""
    s = ds.sel(scenario=scenario)
    n = int(s["scenario_days"])
    s = s.isel(day=slice(0, n))
    days = np.arange(n)
    zone = [p for p in case.border.zone if p in ds["place"].values]
    fig, (a1, a2) = plt.subplots(2, 1, figsize=(6.4, 6.4), sharex=True)
    _bandplot(
        a1, days, s["newly_displaced"].cumsum("day"), "#c44e52", "newly displaced (cumulative)"
    )
    _bandplot(
        a1, days, s["inflow_turkish_held"].cumsum("day"), "#55a868", "into the Turkish-held north"
    )
    _bandplot(a1, days, s["inflow_government"].cumsum("day"), "#8c613c", "into government areas")
    _bandplot(
        a1, days, s["occupancy"].sel(place=zone).sum("place"), "#8172b3", "at the Turkish border"
    )
    a1.set_ylabel("people")
    a1.legend(fontsize=7, loc="upper left")
    a1.grid(alpha=0.3)
    a1.set_title("People over time (median and 5–95 % band of the members)", fontsize=10)
    camps = [p for p, k in zip(ds["place"].values, ds["kind"].values) if k == "idp_camp_cluster"]
    colors = ["#dd8452", "#4c72b0", "#937860", "#da8bc3"]
    for c, color in zip(camps, colors * 4):
        ratio = s["occupancy"].sel(place=c) / s["capacity"].sel(place=c)
        _bandplot(a2, days, ratio, color, c)
    a2.axhline(1.0, color="k", lw=0.8, ls="--")
    a2.set_ylabel("occupancy / capacity")
    a2.set_xlabel(f"day (day 0 = {case.start_date})")
    a2.legend(fontsize=7)
    a2.grid(alpha=0.3)
    return _png(fig)


def comparison_figure(comp: pd.DataFrame, summary: pd.DataFrame, scenarios: Sequence[str]) -> str:
    """Newly displaced per scenario (band) against the 2018 planning figures."""
    fig, ax = plt.subplots(figsize=(9, 4.2))
    nd = summary[summary.metric == "newly_displaced"].set_index("scenario")
    y = np.arange(len(scenarios))
    for i, s in enumerate(scenarios):
        r = nd.loc[s]
        ax.plot([r.p05, r.p95], [i, i], color="#c44e52", lw=6, alpha=0.5, solid_capstyle="butt")
        ax.plot(r["median"], i, "o", color="#c44e52")
    refs = comp[comp.metric == "newly_displaced"].drop_duplicates("reference")
    colors = plt.cm.tab10(np.linspace(0, 1, max(len(refs), 1)))
    for j, (_, r) in enumerate(refs.iterrows()):
        if r.ref_high > r.ref_low:
            ax.axvspan(r.ref_low, r.ref_high, color=colors[j], alpha=0.12)
        ax.axvline(r.ref_low, color=colors[j], lw=1.2, ls=":", label=r.label)
    ax.set_yticks(y, scenarios)
    ax.set_xlabel("people newly displaced (model: median and 5–95 %; lines/bands: 2018 figures)")
    ax.set_ylim(-0.6, len(scenarios) - 0.4)
    ax.legend(fontsize=6.5, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{v / 1e6:.1f} M"))
    ax.grid(axis="x", alpha=0.3)
    return _png(fig)


# ----------------------------------------------------------------------------- tables
def _table(df: pd.DataFrame, left: Sequence[str] = ()) -> str:
    head = "".join(f"<th class='{'l' if c in left else ''}'>{_e(c)}</th>" for c in df.columns)
    body = []
    for _, row in df.iterrows():
        cells = "".join(f"<td class='{'l' if c in left else ''}'>{row[c]}</td>" for c in df.columns)
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def summary_table(summary: pd.DataFrame, scenarios: Sequence[str]) -> str:
    rows = []
    for name, (_unit, label) in METRICS.items():
        row = {"metric": _e(label)}
        for s in scenarios:
            r = summary[(summary.scenario == s) & (summary.metric == name)].iloc[0]
            row[s] = _band(r)
        rows.append(row)
    return _table(pd.DataFrame(rows), left=("metric",))


def _comparison_parts(comparison: pd.DataFrame, summary: pd.DataFrame, scenarios) -> list[str]:  # noqa: ANN001
    parts = ["<h2 id='planning'>Against the 2018 planning figures</h2>"]
    parts.append(
        "<figure class='comparison-figure'>"
        "<img alt='newly displaced against planning figures' "
        f"src='{comparison_figure(comparison, summary, scenarios)}'>"
        "<figcaption>Each scenario's newly displaced (median, 5–95 %) and the figures planners "
        "used in August–September 2018.</figcaption></figure>"
    )
    comp = comparison.copy()
    comp_show = pd.DataFrame(
        {
            "2018 figure": comp["label"].map(_e),
            "metric": comp["metric"].map(_e),
            "figure": [
                _fmt(lo) if hi == lo else f"{_fmt(lo)} – {_fmt(hi)}"
                for lo, hi in zip(comp.ref_low, comp.ref_high)
            ],
            "scenario": comp["scenario"].map(lambda s: _e(s) if s else "none of this case"),
            "model median [5–95 %]": [
                "–" if np.isnan(m) else f"{_fmt(m)} [{_fmt(a)} – {_fmt(b)}]"
                for m, a, b in zip(comp["median"], comp.p05, comp.p95)
            ],
            "median vs figure": comp["median_vs_reference"],
            "source": comp["source"].map(_linkify),
        }
    )
    parts.append(_table(comp_show, left=("2018 figure", "metric", "scenario", "source")))
    return parts


def render(
    ds: xr.Dataset,
    case: Case,
    summary: pd.DataFrame,
    comparison: pd.DataFrame,
    sensitivity: pd.DataFrame | None,
    weights=None,  # noqa: ANN001
    weighted: dict | None = None,
    run_info: dict | None = None,
) -> str:
    """The whole page as a string."""
    scenarios = [str(s) for s in ds["scenario"].values]
    info = run_info or {}
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
                "people per agent (scale)": ds.attrs.get("scale"),
                "border": ds.attrs.get("border_lever"),
                **info,
            }.items()
        )
        + "</p>",
        "<p class='note'>A model run, not a forecast of record: numbers depend on the "
        "assumptions listed at the end (each labelled), on Flee 3.1's movement rules and on "
        "the scenario timelines. Bands are the 5–95 % range over ensemble members, which "
        "differ in their seeds and in the uncertain inputs drawn from their ranges.</p>",
        "<h2 id='summary'>Summary per scenario</h2>",
        "<p>Median and <span class='small'>[5 % – 95 %]</span> over the members.</p>",
        summary_table(summary, scenarios),
    ]
    # comparison
    if len(comparison):
        parts += _comparison_parts(comparison, summary, scenarios)
    if weights is not None:
        parts.append("<h2 id='politics'>Weighted by the political odds</h2>")
        if weights.weights:
            wt = pd.DataFrame(
                weights.bands,
                columns=["politics band", "lower", "upper", "probability", "scenario"],
            )
            wt["probability"] = wt["probability"].map(lambda p: f"{p:.3f}")
            parts.append(f"<p class='small'>{_e(weights.note)}</p>")
            parts.append(_table(wt, left=("politics band", "scenario")))
            if weighted:
                parts.append(
                    "<p>People newly displaced, all scenarios pooled with these weights: "
                    f"median <b>{_fmt(weighted['median'])}</b> "
                    f"[{_fmt(weighted['p05'])} – {_fmt(weighted['p95'])}], "
                    f"mean {_fmt(weighted['mean'])}.</p>"
                )
        else:
            parts.append(f"<p>{_e(weights.note)}</p>")
    # per scenario
    for s in scenarios:
        sc = case.scenario(s)
        parts.append(f"<section class='scenario' data-scenario='{_e(s)}'>")
        parts.append(f"<h2 id='sc-{_e(s)}'>{_e(sc.title)}</h2><p>{_e(sc.description)}</p>")
        parts.append(
            f"<figure class='scenario-figure' data-scenario='{_e(s)}' data-kind='map'>"
            f"<img alt='map of {_e(s)}' src='{map_figure(ds, case, s)}'>"
            f"<img alt='time series of {_e(s)}' src='{series_figure(ds, case, s)}'>"
            "<figcaption>Left: places and roads (M4/M5 dark, border links red dashed), bubble "
            "area = median people present on the last day, × = taken by the government, "
            "red star = under fire at some point. Right: people over time and camp cluster "
            "occupancy against capacity.</figcaption></figure>"
        )
        one = summary[summary.scenario == s]
        parts.append(
            _table(
                pd.DataFrame(
                    {
                        "metric": one["label"].map(_e),
                        "median [5–95 %]": [_band(r) for _, r in one.iterrows()],
                    }
                ),
                left=("metric",),
            )
        )
        phases = pd.DataFrame(
            [
                {
                    "type": p.type,
                    "label": _e(p.label),
                    "details": _e(p.model_dump(exclude={"type", "label"})),
                }
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
            "central values, same engine seeds. Newly displaced (people):</p>"
        )
        sv = sensitivity[sensitivity.metric == "newly_displaced"]
        tbl = pd.DataFrame(
            {
                "scenario": sv.scenario.map(_e),
                "input": sv.input.map(_e),
                "range": [f"{a:g} – {b:g}" for a, b in zip(sv.input_low, sv.input_high)],
                "at low": sv.at_low.map(_fmt),
                "central": sv.at_central.map(_fmt),
                "at high": sv.at_high.map(_fmt),
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
                "range": f"{r.low:g} – {r.high:g}",
                "central": f"{r.mid:g}",
                "unit": _e(r.unit),
                "what": _e(r.description),
                "source": _linkify(r.source),
            }
        )
    parts.append(_table(pd.DataFrame(rows), left=("input", "what", "source", "unit")))
    parts.append("<h2 id='assumptions'>Assumptions</h2><ul>")
    parts += [f"<li>{_e(a)}</li>" for a in case.assumptions]
    kinds = ", ".join(f"{k} → {FLEE_KIND[k].name}" for k in FLEE_KIND)
    parts.append(f"<li>Flee location types used: {_e(kinds)}.</li>")
    parts.append(
        f"<li>Border: {_e(case.border.policy)} by default ({_linkify(case.border.policy_source)}); "
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
                "kind": _e(p.kind),
                "weight": _fmt(float(p.population))
                if p.population
                else (_fmt(float(p.residents)) + " residents" if p.residents else "–"),
                "source": _linkify(src),
            }
        )
    parts.append(
        "<details><summary>55 places</summary>"
        if len(prow) > 20
        else "<details open><summary>places</summary>"
    )
    parts.append(_table(pd.DataFrame(prow), left=("place", "kind", "source")) + "</details>")
    parts.append("<h2 id='sources'>Sources</h2><ul>")
    parts += [f"<li>{_linkify(s)}</li>" for s in case.sources]
    parts.append("</ul></body></html>")
    return "\n".join(parts)
