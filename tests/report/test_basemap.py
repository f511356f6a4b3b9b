"""The shipped basemap (admin-0 and admin-1) and what the map draws from it: admin-1 lines
that sit where the places say they should, labels that do not collide, a legend off the
data, and a small-multiples strip."""

import csv
import json
from pathlib import Path

import numpy as np
import pytest
import shapely
import xarray as xr
from matplotlib.collections import LineCollection
from matplotlib.text import Annotation
from shapely.geometry import Point, shape

from enclave.report import maps
from enclave.report.vocab import vocabulary
from enclave.scenario import load

from .conftest import DARAA

DATA = Path(maps.__file__).with_name("data")
GEOGRAPHY = (
    Path(maps.__file__).parents[1] / "scenario" / "data" / "geography" / "nw-syria" / "places.csv"
)
# the geography's governorate spelling -> Natural Earth's
ALIASES = {"Hama": "Hamah", "Latakia": "Lattakia"}


def test_shipped_files_are_small_and_licensed():
    size = sum(p.stat().st_size for p in DATA.iterdir())
    assert size < 2_000_000, size
    for name in ("README.md", "LICENCE.md", "GPL-2.0.txt"):
        assert (DATA / name).exists(), name
    readme = (DATA / "README.md").read_text("utf-8")
    assert "qgis-common" in readme and "v4.1.0" in readme and "Admin-2: not shipped" in readme


def test_syria_has_its_fourteen_governorates():
    a1 = maps.admin1()
    syria = {n for n, c, _ in a1["admin1"] if c == "Syria"}
    assert {"Idlib", "Aleppo", "Hamah", "Lattakia", "Damascus", "Dar`a"} <= syria
    assert len(syria - {"UNDOF"}) == 14
    assert {c for _, c, _ in a1["admin1_line"]} >= {"Syria", "Turkey", "Jordan", "Lebanon"}


def test_places_lie_in_the_governorate_they_name():
    """The admin-1 layer and the place table agree: at least 90 % of the north-west Syria
    places fall in the unit their ``governorate`` names (misses: places on a boundary)."""
    units = [(n, g) for n, _, g in maps.admin1()["admin1"]]
    rows = list(csv.DictReader(GEOGRAPHY.open(encoding="utf-8")))
    hits = 0
    for r in rows:
        pt = Point(float(r["lon"]), float(r["lat"]))
        want = ALIASES.get(r["governorate"], r["governorate"])
        hits += any(n == want and g.covers(pt) for n, g in units)
    assert len(rows) > 50 and hits >= 0.9 * len(rows), (hits, len(rows))


def test_inner_lines_leave_the_international_border_to_admin0():
    """The admin-1 lines are the boundaries between a country's units only: almost none of
    Syria's runs along its outline (drawn once, by the admin-0 layer)."""
    a1 = maps.admin1()
    line = next(g for _, c, g in a1["admin1_line"] if c == "Syria")
    outline = shapely.union_all([g for _, c, g in a1["admin1"] if c == "Syria"]).boundary
    assert line.length > 10  # degrees of inner boundary: 14 governorates
    assert line.intersection(outline.buffer(0.01)).length < 0.01 * line.length


def _overlap(a, b) -> bool:
    return not (a.x1 <= b.x0 or b.x1 <= a.x0 or a.y1 <= b.y0 or b.y1 <= a.y0)


def _map_checks(fig) -> None:
    ax = fig.axes[0]
    fig.canvas.draw()
    r = fig.canvas.get_renderer()
    dashed = [
        c
        for c in ax.collections
        if isinstance(c, LineCollection) and c.get_segments() and c.get_linestyle()[0][1]
    ]
    assert dashed, "no admin-1 lines on the map"
    leg = ax.get_legend()
    labels = [t.get_text() for t in leg.get_texts()]
    assert "admin-1 boundary" in labels
    assert not _overlap(leg.get_window_extent(r), ax.get_window_extent(r)), "legend on the data"
    # every label placed by the placers (places, admin-1 names) is clear of every other text
    placed = [t for t in ax.texts if isinstance(t, Annotation) and t.get_text()]
    others = [t for t in ax.texts if t.get_text()]
    assert len(placed) >= 5
    for t in placed:
        bt = t.get_window_extent(r)
        for o in others:
            if o is not t:
                assert not _overlap(bt, o.get_window_extent(r)), (t.get_text(), o.get_text())


@pytest.mark.parametrize("which", ["idlib", "daraa"])
def test_map_draws_admin1_keeps_labels_apart_and_legend_off(which, idlib_small_run, daraa_run):
    out, _ = idlib_small_run if which == "idlib" else daraa_run
    case = load(None if which == "idlib" else DARAA)
    vocab = vocabulary(case)
    ds = xr.open_dataset(out / "results.nc").load()
    s = str(ds.scenario.values[0])
    n = int(ds["scenario_days"].sel(scenario=s))
    fig = maps.map_figure(ds, case, vocab, s, n - 1)
    try:
        _map_checks(fig)
    finally:
        maps.plt.close(fig)
    days = sorted({0, n // 3, (2 * n) // 3, n - 1})
    strip = maps.strip_figure(ds, case, vocab, s, days)
    try:
        assert len(strip.axes) == len(days)
        assert [a.get_title()[: len(f"day {d} ")] for a, d in zip(strip.axes, days)] == [
            f"day {d} " for d in days
        ]
        for a in strip.axes:  # every panel has control areas, people and admin-1 lines
            assert a.patches and a.collections
            pts = np.concatenate([c.get_offsets() for c in a.collections if len(c.get_offsets())])
            assert len(pts) >= len(case.places) // 2
    finally:
        maps.plt.close(strip)


def test_admin1_geojson_is_what_the_tool_writes():
    """Layers and properties as tools/build_admin1_basemap.py documents them."""
    fc = json.loads(maps.ADMIN1.read_text("utf-8"))
    layers = {f["properties"]["layer"] for f in fc["features"]}
    assert layers == {"admin1", "admin1_line"}
    for f in fc["features"]:
        g = shape(f["geometry"])
        assert g.is_valid and not g.is_empty
        x0, y0, x1, y1 = g.bounds
        assert x0 >= 29.0 - 1e-9 and x1 <= 49.5 + 1e-9, f["properties"]
        assert y0 >= 27.5 - 1e-9 and y1 <= 42.5 + 1e-9, f["properties"]
