"""Offline maps for the report: basemap, control of territory, front line, people, flows.

- Basemap: Natural Earth 1:50m countries and coastline, and Natural Earth 1:10m admin-1
  (provinces, governorates) boundaries, shipped in ``data/`` (public domain, see
  ``data/README.md``); nothing is fetched. No admin-2 layer is shipped (README says why).
- Control: the model knows who holds each *place*; areas are the Voronoi cells of the
  home-side places clipped to the home country, coloured by their place's control that
  day. Admin-1 polygons are too coarse for this (Idlib governorate is one unit and the
  front runs through it), and no admin-2 layer is shipped. The front line is the shared
  edge between government-held cells and the others.
- Flows: arrows from the population-weighted centre of the places that lost people (net,
  day 0 to the day shown) to the places that gained most, labelled with the net gain.
- Labels: a greedy placer tries eight positions around each place, biggest first, and
  drops a label rather than let it collide; the legend sits outside the axes.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import shapely  # noqa: E402
import xarray as xr  # noqa: E402
from matplotlib.collections import LineCollection  # noqa: E402
from matplotlib.patches import PathPatch  # noqa: E402
from matplotlib.path import Path as MPath  # noqa: E402
from shapely.geometry import MultiPoint, box, shape  # noqa: E402

from enclave.report.vocab import ABROAD_KINDS, Vocabulary  # noqa: E402
from enclave.scenario.model import CONTROL_CODES, Case  # noqa: E402

BASEMAP = Path(__file__).with_name("data") / "ne_50m_levant.geojson"
ADMIN1 = Path(__file__).with_name("data") / "ne_10m_admin1_levant.geojson"
CONTROL_COLOURS = {
    "opposition": "#f3e3b5",
    "government": "#e8b4b4",
    "turkish_held": "#cfe3c3",
    "turkey": "#e6e6e6",
}
SEA = "#dbe9f4"
LAND = "#f4f4f0"


@lru_cache(maxsize=1)
def basemap() -> dict[str, list]:
    """Country polygons by name and the coastline, from the shipped GeoJSON."""
    fc = json.loads(BASEMAP.read_text(encoding="utf-8"))
    out: dict[str, list] = {"country": [], "coastline": []}
    for f in fc["features"]:
        out[f["properties"]["layer"]].append((f["properties"]["name"], shape(f["geometry"])))
    return out


@lru_cache(maxsize=1)
def admin1() -> dict[str, list]:
    """Admin-1 polygons ``(name, country, geometry)`` and, per country, the lines between
    its provinces (without the country's outline), from the shipped GeoJSON."""
    fc = json.loads(ADMIN1.read_text(encoding="utf-8"))
    out: dict[str, list] = {"admin1": [], "admin1_line": []}
    for f in fc["features"]:
        pr = f["properties"]
        out[pr["layer"]].append((pr["name"], pr["admin"], shape(f["geometry"])))
    return out


def _patch(geom, **kw) -> PathPatch | None:  # noqa: ANN001
    """A matplotlib patch for a (multi)polygon, holes included."""
    polys = getattr(geom, "geoms", [geom])
    verts, codes = [], []
    for p in polys:
        if p.geom_type != "Polygon" or p.is_empty:
            continue
        for ring in [p.exterior, *p.interiors]:
            xy = np.asarray(ring.coords)
            verts.append(xy)
            codes.append([MPath.MOVETO] + [MPath.LINETO] * (len(xy) - 2) + [MPath.CLOSEPOLY])
    if not verts:
        return None
    return PathPatch(MPath(np.concatenate(verts), np.concatenate(codes)), **kw)


def _segments(geom) -> list[np.ndarray]:  # noqa: ANN001
    """Every line of a (multi)line or polygon boundary as an (n, 2) array."""
    out: list[np.ndarray] = []
    for g in getattr(geom, "geoms", [geom]):
        if g.is_empty:
            continue
        if g.geom_type in ("LineString", "LinearRing"):
            out.append(np.asarray(g.coords))
        elif g.geom_type.endswith("Polygon"):
            out += _segments(g.boundary)
        elif hasattr(g, "geoms"):
            out += _segments(g)
    return out


_LAYERS: dict[int, tuple[Case, dict]] = {}


def _layers(case: Case, vocab: Vocabulary) -> dict:
    """What does not change from day to day, computed once per case: land, borders, coast,
    control cells and roads, clipped to the map's frame."""
    hit = _LAYERS.get(id(case))
    if hit is not None and hit[0] is case:
        return hit[1]
    x0, x1, y0, y1 = extent(case)
    frame = box(x0, y0, x1, y1)
    bm = basemap()
    land = [g.intersection(frame) for _, g in bm["country"] if g.intersects(frame)]
    borders = [g.boundary.intersection(frame) for _, g in bm["country"] if g.intersects(frame)]
    coast = [g.intersection(frame) for _, g in bm["coastline"]]
    a1 = admin1()
    a1_lines = [g.intersection(frame) for _, _, g in a1["admin1_line"] if g.intersects(frame)]
    # admin-1 names: only units with a fair share of the frame, at a point inside them
    a1_labels = []
    for name, _, g in a1["admin1"]:
        part = g.intersection(frame)
        if not part.is_empty and part.area > 0.04 * frame.area:
            pt = part.representative_point()
            a1_labels.append((name, pt.x, pt.y))
    lon = np.array([p.lon for p in case.places])
    lat = np.array([p.lat for p in case.places])
    idx = {p.name: i for i, p in enumerate(case.places)}
    main, other = [], []
    for r in case.roads:
        a, b = idx[r.from_], idx[r.to]
        (main if r.road in vocab.roads else other).append(
            np.array([[lon[a], lat[a]], [lon[b], lat[b]]])
        )
    labels = []
    for name, g in bm["country"]:
        if name in (case.home_country, *vocab.border_countries) and g.intersects(frame):
            pt = g.intersection(frame).representative_point()
            labels.append((name, pt.x, pt.y))
    out = {
        "extent": (x0, x1, y0, y1),
        "land": land,
        "borders": [seg for g in borders for seg in _segments(g)],
        "coast": [seg for g in coast for seg in _segments(g)],
        "admin1": [seg for g in a1_lines for seg in _segments(g)],
        "admin1_labels": a1_labels,
        "cells": control_cells(case, frame),
        "roads_main": main,
        "roads_other": other,
        "lon": lon,
        "lat": lat,
        "labels": labels,
    }
    _LAYERS.clear()
    _LAYERS[id(case)] = (case, out)
    return out


def extent(case: Case) -> tuple[float, float, float, float]:
    lon = np.array([p.lon for p in case.places])
    lat = np.array([p.lat for p in case.places])
    pad = max(0.15, 0.08 * max(np.ptp(lon), np.ptp(lat)))
    return lon.min() - pad, lon.max() + pad, lat.min() - pad, lat.max() + pad


def control_cells(case: Case, frame) -> dict[int, object]:  # noqa: ANN001
    """Voronoi cell of each home-side place, clipped to the home country and the frame."""
    home = [i for i, p in enumerate(case.places) if p.kind not in ABROAD_KINDS]
    land = [g for n, g in basemap()["country"] if n == case.home_country]
    clip = frame.intersection(shapely.union_all(land)) if land else frame
    pts = MultiPoint([(case.places[i].lon, case.places[i].lat) for i in home])
    clip = clip.intersection(pts.buffer(0.3))  # no place speaks for land far from it
    cells = shapely.voronoi_polygons(pts, extend_to=frame.buffer(1.0))
    out: dict[int, object] = {}
    for cell in cells.geoms:
        for i in home:
            p = case.places[i]
            if cell.covers(shapely.Point(p.lon, p.lat)) and i not in out:
                out[i] = cell.intersection(clip)
                break
    return out


def _clash(r, taken) -> bool:  # noqa: ANN001
    return any(not (r[2] < o[0] or r[0] > o[2] or r[3] < o[1] or r[1] > o[3]) for o in taken)


#: where along a flow arrow (share of the way from its origin) its volume may be written
FLOW_LABEL_AT = (0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8)


def _first_free(make, candidates, renderer, taken, axbox=None, pad=0.0):  # noqa: ANN001, ANN202
    """The label drawn by ``make(c)`` for the first candidate ``c`` whose box (widened by
    ``pad`` pixels) lies inside ``axbox`` (None: anywhere) and clashes with none of
    ``taken``; that box joins ``taken``, the other tries are removed. None where no
    candidate fits (the label is dropped rather than let it collide)."""
    for c in candidates:
        t = make(c)
        bb = t.get_window_extent(renderer)
        r = (bb.x0 - pad, bb.y0 - pad, bb.x1 + pad, bb.y1 + pad)
        inside = axbox is None or (
            r[0] >= axbox.x0 and r[2] <= axbox.x1 and r[1] >= axbox.y0 and r[3] <= axbox.y1
        )
        if inside and not _clash(r, taken):
            taken.append(r)
            return t
        t.remove()
    return None


def _box(t, renderer) -> tuple:  # noqa: ANN001
    """A drawn text's display-space box (x0, y0, x1, y1)."""
    return tuple(t.get_window_extent(renderer).extents)


def _flow_labels(ax, flows, avoid=()) -> list:  # noqa: ANN001
    """Each flow's volume on its arrow, at the first point along it (``FLOW_LABEL_AT``) where
    it clashes with no volume already written nor any text of ``avoid`` (country names);
    dropped where none is free (the arrow's width still shows it). Arrows to neighbouring
    places start at the same centre, so their midpoints often fall together."""
    if not flows:
        return []
    ax.apply_aspect()
    renderer = ax.figure.canvas.get_renderer()
    taken = [_box(t, renderer) for t in avoid]
    out = []
    for text, (ax0, ay0), (ax1, ay1) in flows:
        t = _first_free(
            lambda f, text=text, ax0=ax0, ay0=ay0, ax1=ax1, ay1=ay1: ax.text(
                ax0 + f * (ax1 - ax0),
                ay0 + f * (ay1 - ay0),
                text,
                fontsize=7.5,
                color="#222",
                ha="center",
                va="center",
                zorder=8,
                bbox={"boxstyle": "round,pad=0.1", "fc": "#fffbe6", "ec": "#999", "lw": 0.3},
            ),
            FLOW_LABEL_AT,
            renderer,
            taken,
        )
        if t is not None:
            out.append(t)
    return out


def _place_labels(ax, fig, xy, texts, order, avoid_px=6, taken=None, fixed=None) -> int:  # noqa: ANN001
    """Greedy non-colliding labels: eight offsets per place, biggest first; returns placed.

    ``taken`` (display-space boxes) collects the markers and the labels placed, so that
    later labels (admin-1 names) can avoid them too.

    The figure's margins are fixed and only this axes' aspect moves it, so applying the
    aspect is enough to put everything where it will be drawn: no draw of the whole map
    (about a quarter of a second) before the one that saves it."""
    ax.apply_aspect()
    renderer = fig.canvas.get_renderer()
    taken = [] if taken is None else taken
    taken += [_box(t, renderer) for t in fixed or ()]  # flow volumes, country names
    disp = ax.transData.transform(xy)
    for d in disp:  # the markers themselves
        taken.append((d[0] - avoid_px, d[1] - avoid_px, d[0] + avoid_px, d[1] + avoid_px))
    axbox = ax.get_window_extent(renderer)
    offsets = [(6, 4), (6, -10), (-6, 4), (-6, -10), (0, 9), (0, -14), (12, -3), (-12, -3)]
    placed = 0
    for i in order:
        t = _first_free(
            lambda o, i=i: ax.annotate(
                texts[i],
                xy[i],
                xytext=o,
                textcoords="offset points",
                fontsize=7.5,
                ha="left" if o[0] > 0 else ("right" if o[0] < 0 else "center"),
                zorder=8,
                bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.7},
            ),
            offsets,
            renderer,
            taken,
            axbox,
        )
        placed += t is not None
    return placed


def _area_labels(ax, fig, labels, taken, detail: bool = True) -> list[str]:  # noqa: ANN001
    """Admin-1 names at a point inside each unit, nudged off what is already placed and
    dropped where nothing fits; returns the names drawn."""
    renderer = fig.canvas.get_renderer()
    axbox = ax.get_window_extent(renderer)
    offsets = [(0, 0), (0, 12), (0, -12), (28, 0), (-28, 0), (0, 24), (0, -24)]
    drawn = []
    for name, x, y in labels:
        t = _first_free(
            lambda o, name=name, x=x, y=y: ax.annotate(
                name,
                (x, y),
                xytext=o,
                textcoords="offset points",
                ha="center",
                va="center",
                fontsize=8 if detail else 5,
                color="#777",
                style="italic",
                zorder=2,
            ),
            offsets,
            renderer,
            taken,
            axbox,
            pad=2,
        )
        if t is not None:
            drawn.append(name)
    return drawn


def draw_map(
    ax,  # noqa: ANN001
    ds: xr.Dataset,
    case: Case,
    vocab: Vocabulary,
    scenario: str,
    day: int,
    detail: bool = True,
) -> dict:
    """Draw one day of one scenario on ``ax``; returns handles for a legend."""
    s = ds.sel(scenario=scenario)
    L = _layers(case, vocab)
    x0, x1, y0, y1 = L["extent"]
    ax.set_facecolor(SEA)
    for g in L["land"]:
        p = _patch(g, fc=LAND, ec="none", zorder=0)
        if p is not None:
            ax.add_patch(p)
    # control areas and front line
    codes = {v: k for k, v in CONTROL_CODES.items()}
    ctl = s["control"].isel(day=day).values
    gov: list = []
    other: list = []
    for i, cell in L["cells"].items():
        holder = codes.get(int(ctl[i]), "opposition")
        p = _patch(cell, fc=CONTROL_COLOURS.get(holder, "#eee"), ec="white", lw=0.3, zorder=1)
        if p is not None:
            ax.add_patch(p)
        (gov if holder == "government" else other).append(cell)
    if gov and other:
        front = (
            shapely.union_all(gov).buffer(1e-4).intersection(shapely.union_all(other).buffer(1e-4))
        )
        ax.add_collection(
            LineCollection(_segments(front.boundary), colors="#b00", lw=2.0, zorder=4)
        )
    ax.add_collection(LineCollection(L["coast"], colors="#5b7fa6", lw=0.6, zorder=2))
    ax.add_collection(
        LineCollection(
            L["admin1"], colors="#666", lw=0.8 if detail else 0.45, linestyles=(0, (4, 2)), zorder=3
        )
    )
    ax.add_collection(LineCollection(L["borders"], colors="#444", lw=1.1, zorder=3))
    ax.add_collection(LineCollection(L["roads_other"], colors="#aaa", lw=0.5, zorder=3))
    ax.add_collection(LineCollection(L["roads_main"], colors="#555", lw=1.4, zorder=3))
    lon, lat = L["lon"], L["lat"]
    # people
    occ = s["occupancy"].isel(day=day).median("member").values
    occ0 = s["occupancy"].isel(day=0).median("member").values
    cap = ds["capacity"].median("member").values
    big = max(float(np.nanmax(s["occupancy"].median("member").values)), 1.0)
    size = 6 + (300 if detail else 90) * np.nan_to_num(occ) / big
    camp = ~np.isnan(cap)
    ratio = np.where(camp, occ / np.where(camp, cap, 1.0), np.nan)
    other_pl = ~camp
    ax.scatter(
        lon[other_pl],
        lat[other_pl],
        s=size[other_pl],
        c="#4c72b0",
        alpha=0.6,
        edgecolors="k",
        linewidths=0.3,
        zorder=5,
    )
    sc = None
    if camp.any():
        sc = ax.scatter(
            lon[camp],
            lat[camp],
            s=np.maximum(size[camp], 45 if detail else 18),
            c=ratio[camp],
            cmap="RdYlGn_r",
            vmin=0.5,
            vmax=1.5,
            marker="s",
            edgecolors="k",
            linewidths=0.6,
            zorder=6,
        )
    fixed: list = []  # texts drawn at fixed places (country names)
    # (volume text, from, to) of each flow arrow: map_figure writes the volumes once the
    # colour bar has taken its room (``_flow_labels``)
    flows: list = []
    # flows: net change since day 0
    if detail and day > 0:
        change = np.nan_to_num(occ) - np.nan_to_num(occ0)
        src = change < 0
        if src.any() and (change > 0).any():
            w = -change[src]
            cx, cy = np.average(lon[src], weights=w), np.average(lat[src], weights=w)
            total = change[change > 0].sum()
            for i in np.argsort(-change)[:5]:
                if change[i] <= 0.05 * total:
                    continue
                ax.annotate(
                    "",
                    xy=(lon[i], lat[i]),
                    xytext=(cx, cy),
                    arrowprops={
                        "arrowstyle": "-|>",
                        "color": "#333",
                        "alpha": 0.55,
                        "lw": 0.6 + 4 * change[i] / total,
                        "connectionstyle": "arc3,rad=0.15",
                    },
                    zorder=7,
                )
                flows.append((f"+{_short(change[i])}", (cx, cy), (lon[i], lat[i])))
            ax.plot(cx, cy, marker="o", ms=5, mfc="none", mec="#333", zorder=7)
    for name, x, y in L["labels"]:
        t = ax.text(
            x,
            y,
            name.upper(),
            fontsize=9 if detail else 6,
            color="#666",
            ha="center",
            alpha=0.8,
            zorder=2,
            style="italic",
        )
        fixed.append(t)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect(1 / np.cos(np.deg2rad(0.5 * (y0 + y1))))
    ax.set_xticks([])
    ax.set_yticks([])
    return {"scatter": sc, "occ": occ, "xy": np.c_[lon, lat], "fixed": fixed, "flows": flows}


def _short(x: float) -> str:
    if x >= 1e6:
        return f"{x / 1e6:.2f}M"
    if x >= 1e4:
        return f"{x / 1e3:.0f}k"
    return f"{x:,.0f}"


def map_figure(ds: xr.Dataset, case: Case, vocab: Vocabulary, scenario: str, day: int):  # noqa: ANN201
    """The detailed map of one day: a figure with labels, a colour bar and a legend outside."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    fig, ax = plt.subplots(figsize=(12.5, 10.5))
    fig.subplots_adjust(left=0.02, right=0.70, bottom=0.03, top=0.95)
    h = draw_map(ax, ds, case, vocab, scenario, day, detail=True)
    home = [i for i, p in enumerate(case.places) if p.kind not in ABROAD_KINDS]
    held = set(np.unique(ds.sel(scenario=scenario)["control"].isel(day=day).values[home]))
    codes = {v: k for k, v in CONTROL_CODES.items()}
    kinds = {
        "opposition": "opposition-held",
        "government": vocab.kind("regime_area"),
        "turkish_held": vocab.kind("turkish_held_area"),
        "turkey": vocab.across,
    }
    handles = [
        Patch(fc=CONTROL_COLOURS[codes[int(c)]], ec="#999", label=kinds[codes[int(c)]])
        for c in sorted(held)
        if int(c) in codes
    ]
    handles += [
        Line2D([], [], color="#b00", lw=2, label="front line"),
        Line2D([], [], color="#444", lw=1.1, label="international border"),
        Line2D([], [], color="#666", lw=0.8, ls=(0, (4, 2)), label="admin-1 boundary"),
        Line2D(
            [],
            [],
            color="#555",
            lw=1.4,
            label="main road" + (f" ({', '.join(vocab.roads[:4])})" if vocab.roads else ""),
        ),
        Line2D([], [], marker="o", ls="", mfc="#4c72b0", mec="k", label="people present"),
        Line2D([], [], marker="s", ls="", mfc="#f2b045", mec="k", label="camp cluster"),
        Line2D([], [], color="#333", lw=1.5, marker=">", label="net flow since day 0"),
    ]
    ax.legend(
        handles=handles, fontsize=8.5, loc="upper left", bbox_to_anchor=(1.02, 1.0), frameon=False
    )
    if h["scatter"] is not None:
        cb = fig.colorbar(h["scatter"], ax=ax, shrink=0.4, pad=0.02, anchor=(0.0, 0.0))
        cb.set_label("camp occupancy / capacity", fontsize=8)
        cb.ax.tick_params(labelsize=6)
    date = str(ds["time"].values[day])[:10]
    ax.set_title(f"Day {day} ({date}): control, people present (median) and flows", fontsize=11)
    # labels last: the colour bar takes room from the axes, which moves every point on it
    names = [p.name for p in case.places]
    occ = np.nan_to_num(h["occ"])
    texts = [f"{n}\n{_short(o)}" if o >= 1 else n for n, o in zip(names, occ)]
    taken: list = []
    fixed = h["fixed"] + _flow_labels(ax, h["flows"], avoid=h["fixed"])
    _place_labels(ax, fig, h["xy"], texts, np.argsort(-occ)[:18], taken=taken, fixed=fixed)
    _area_labels(ax, fig, _layers(case, vocab)["admin1_labels"], taken)
    return fig


def strip_figure(ds: xr.Dataset, case: Case, vocab: Vocabulary, scenario: str, days: list[int]):  # noqa: ANN201
    """Small multiples: the same map, no labels, on several days."""
    fig, axes = plt.subplots(1, len(days), figsize=(2.6 * len(days), 2.6))
    for ax, d in zip(np.atleast_1d(axes), days):
        draw_map(ax, ds, case, vocab, scenario, d, detail=False)
        ax.set_title(f"day {d} ({str(ds['time'].values[d])[:10]})", fontsize=7.5)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.9, wspace=0.04)
    return fig
