"""Build the report's admin-1 layer, src/enclave/report/data/ne_10m_admin1_levant.geojson.

Source: Natural Earth 1:10m "Admin 1 - States, Provinces" v4.1.0 (public domain), as
generalised and shipped by QGIS in ``resources/data/world_map.gpkg`` (layer
``states_provinces``; README_world_map.md beside it), taken from Debian's package
``qgis-common`` 3.22.16+dfsg-1 (bookworm). Nothing is downloaded at run time; this script
is run by hand and its output is committed.

    apt-get download qgis-common        # qgis-common_3.22.16+dfsg-1_all.deb
    dpkg -x qgis-common_*.deb /tmp/qgis
    python tools/build_admin1_basemap.py /tmp/qgis/usr/share/qgis/resources/data/world_map.gpkg

Processing: keep the provinces that meet the frame of the shipped admin-0 basemap
(29.0-49.5 E, 27.5-42.5 N), clip them to it, make them valid, round coordinates to 0.001
deg (about 100 m; the source is already generalised to a few km), and write
- ``layer: admin1`` polygons with ``name`` (Natural Earth's), ``gn_name``, ``fips``,
  ``admin`` (the country) and ``iso_a2``;
- ``layer: admin1_line`` one MultiLineString per country: the boundaries between its
  provinces, without the country's outline (international borders come from the admin-0
  file, so they are not drawn twice).
It reads the GeoPackage with sqlite3 and shapely only (no GDAL).

Natural Earth's own GeoPackage (``natural_earth_vector.gpkg``, public domain, not
reachable from this project's machines) has the same columns in its table
``ne_10m_admin_1_states_provinces``: ``--table ne_10m_admin_1_states_provinces`` rebuilds
the layer from it, without QGIS's generalisation (then check the size).
"""

from __future__ import annotations

import json
import os
import sqlite3
import struct
import sys
from pathlib import Path

import shapely
from shapely.geometry import box, mapping

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "src" / "enclave" / "report" / "data" / "ne_10m_admin1_levant.geojson"
FRAME = (29.0, 27.5, 49.5, 42.5)  # the admin-0 basemap's frame (data/README.md)
GRID = 0.001


def _wkb(blob: bytes) -> bytes:
    """The WKB inside a GeoPackage geometry blob (header: magic, version, flags, srs, envelope)."""
    if blob[:2] != b"GP":
        raise ValueError("not a GeoPackage geometry")
    flags = blob[3]
    env = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}[(flags >> 1) & 7]
    struct.unpack("<i" if flags & 1 else ">i", blob[4:8])  # srs id (checked below)
    return bytes(blob[8 + env :])


def _round(geom):  # noqa: ANN001, ANN202
    return shapely.set_precision(geom, GRID, mode="valid_output")


def main(gpkg: str, table: str = "states_provinces") -> None:
    con = sqlite3.connect(f"file:{gpkg}?mode=ro", uri=True)
    row = con.execute(
        "select srs_id, column_name from gpkg_geometry_columns where table_name=?", (table,)
    ).fetchone()
    if row is None:
        raise SystemExit(f"{gpkg}: no geometry table {table!r}")
    srs, geom_col = row
    if srs != 4326:
        raise SystemExit(f"{gpkg}: {table} is in EPSG:{srs}, expected 4326")
    frame = box(*FRAME)
    feats, by_country = [], {}
    rows = con.execute(
        f'select name, gn_name, fips, admin, iso_a2, "{geom_col}" from "{table}" order by 1, 4'
    )
    for name, gn_name, fips, admin, iso_a2, blob in rows:
        g = shapely.from_wkb(_wkb(blob))
        if not g.intersects(frame):
            continue
        g = _round(shapely.make_valid(g).intersection(frame))
        g = shapely.union_all([p for p in getattr(g, "geoms", [g]) if p.geom_type == "Polygon"])
        if g.is_empty or g.area < 1e-6:
            continue
        props = {
            "layer": "admin1",
            "name": name,
            "gn_name": gn_name,
            "fips": fips,
            "admin": admin,
            "iso_a2": iso_a2,
        }
        feats.append({"type": "Feature", "properties": props, "geometry": mapping(g)})
        by_country.setdefault(admin, []).append(g)
    for admin, polys in sorted(by_country.items()):
        if len(polys) < 2:
            continue
        outline = shapely.union_all(polys).boundary
        inner = shapely.union_all([p.boundary for p in polys]).difference(outline.buffer(2 * GRID))
        inner = shapely.line_merge(inner) if not inner.is_empty else inner
        if inner.is_empty:
            continue
        feats.append(
            {
                "type": "Feature",
                "properties": {"layer": "admin1_line", "name": admin, "admin": admin},
                "geometry": mapping(_round(inner)),
            }
        )
    fc = {"type": "FeatureCollection", "name": "natural_earth_10m_admin1_levant", "features": feats}
    text = json.dumps(fc, separators=(",", ":"), ensure_ascii=False)
    tmp = OUT.with_suffix(".tmp")
    tmp.write_text(text + "\n", encoding="utf-8")
    os.replace(tmp, OUT)
    n = sum(f["properties"]["layer"] == "admin1" for f in feats)
    print(f"{OUT}: {n} provinces in {len(by_country)} countries, {len(text) / 1e3:.0f} kB")


if __name__ == "__main__":
    args = sys.argv[1:]
    tbl = "states_provinces"
    if len(args) == 3 and args[1] == "--table":
        args, tbl = args[:1], args[2]
    if len(args) != 1:
        raise SystemExit(__doc__)
    main(args[0], tbl)
