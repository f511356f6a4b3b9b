"""Contract checks for the shipped north-west Syria geography and offensive event tables.

The tables are data that other code loads by name; these tests pin the contract
(columns, vocabularies, sources, graph shape, event places) so a bad edit fails here
rather than deep inside a run.
"""

from __future__ import annotations

import csv
import math
import re
from collections import defaultdict, deque
from datetime import date
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "src" / "enclave" / "scenario" / "data"
GEO = DATA / "geography" / "nw-syria"
EVENTS = DATA / "events"
SHARED_PLACES = (
    Path(__file__).resolve().parents[2].parent / "shared" / "data" / "idlib" / "places.csv"
)

PLACE_HEADER = [
    "name",
    "kind",
    "lat",
    "lon",
    "country",
    "held_by_2018",
    "region",
    "population_2018",
    "population_source",
    "residents_2018",
    "residents_source",
    "capacity",
    "capacity_source",
    "coords_source",
    "notes",
]
ROAD_HEADER = ["from", "to", "km", "road", "source"]
EVENT_HEADER = ["date", "end_date", "event", "places", "by", "source", "note"]
KINDS = {"town", "idp_camp_cluster", "border_crossing", "abroad"}
HELD = {"opposition", "government", "turkish_held", "turkey"}
REGIONS = {"nw_idlib", "north_aleppo", "government", "turkey"}
ROADS = {"M5", "M4", "border", "road"}
EVENT_KINDS = {"strikes", "ground_fighting", "captured", "ceasefire", "border_policy"}
CAPTORS = {"government", "opposition", "turkish_held"}
# A year 2020+ or a month Oct-Dec 2019, as written in addresses and text.
LATE_DATE = re.compile(
    r"(?<![\d.])20[2-9]\d(?!\d)|(?<!\d)2019[-/_ ](1[0-2])(?!\d)|(Oct|Nov|Dec)[a-z]*\.? 2019",
    re.IGNORECASE,
)


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        return list(reader.fieldnames or []), rows


@pytest.fixture(scope="module")
def places() -> list[dict[str, str]]:
    header, rows = _read(GEO / "places.csv")
    # the contract's columns first, in order; columns may only be added at the end
    assert header[: len(PLACE_HEADER)] == PLACE_HEADER
    assert header[len(PLACE_HEADER) :] == ["governorate", "subdistrict"]
    return rows


@pytest.fixture(scope="module")
def roads() -> list[dict[str, str]]:
    header, rows = _read(GEO / "roads.csv")
    assert header == ROAD_HEADER
    return rows


def _haversine_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((la2 - la1) / 2) ** 2
        + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    )
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def test_place_vocabularies_and_numbers(places: list[dict[str, str]]) -> None:
    names = [p["name"] for p in places]
    assert len(names) == len(set(names)), "place names must be unique"
    assert 80 <= len(places) <= 110
    for p in places:
        where = f"places.csv {p['name']!r}"
        assert p["name"].strip() == p["name"] and p["name"], where
        assert p["kind"] in KINDS, where
        assert p["held_by_2018"] in HELD, where
        assert p["region"] in REGIONS, where
        assert p["country"] in {"Syria", "Turkey"}, where
        assert (p["country"] == "Turkey") == (p["kind"] == "abroad") == (p["region"] == "turkey"), (
            where
        )
        assert (p["held_by_2018"] == "turkey") == (p["region"] == "turkey"), where
        lat, lon = float(p["lat"]), float(p["lon"])
        assert 34.5 < lat < 37.5 and 35.5 < lon < 38.5, where
        assert p["coords_source"].strip(), where
        assert p["governorate"].strip(), where
        for col in ("population_2018", "residents_2018", "capacity"):
            if p[col]:
                assert int(p[col]) > 0, f"{where} {col}"
                assert p[
                    col.rsplit("_", 1)[0] + "_source" if col != "capacity" else "capacity_source"
                ].strip(), f"{where} {col} has no source"
        if p["residents_2018"]:
            assert p["kind"] == "idp_camp_cluster", f"{where}: residents only for camp clusters"


def test_population_sources_pair_up(places: list[dict[str, str]]) -> None:
    for p in places:
        for num, src in (
            ("population_2018", "population_source"),
            ("residents_2018", "residents_source"),
            ("capacity", "capacity_source"),
        ):
            assert bool(p[num]) == bool(p[src].strip()), (
                f"{p['name']}: {num} and {src} must be filled together"
            )


def test_required_content(places: list[dict[str, str]]) -> None:
    by_kind: dict[str, list[dict[str, str]]] = defaultdict(list)
    for p in places:
        by_kind[p["kind"]].append(p)
    camps = by_kind["idp_camp_cluster"]
    assert 8 <= len(camps) <= 15
    assert all(c["residents_2018"] for c in camps), (
        "every camp cluster carries residents (sourced or rule R1)"
    )
    north = [p for p in by_kind["town"] if p["region"] == "north_aleppo"]
    assert len(north) >= 6 and all(p["held_by_2018"] == "turkish_held" for p in north)
    assert len(by_kind["border_crossing"]) >= 3 and len(by_kind["abroad"]) >= 5
    gov = [p for p in by_kind["town"] if p["region"] == "government"]
    assert len(gov) >= 8 and all(p["held_by_2018"] == "government" for p in gov)
    names = {p["name"] for p in places}
    with open(SHARED_PLACES, newline="", encoding="utf-8") as fh:
        shared = {r["name"] for r in csv.DictReader(fh)}
    assert shared <= names, f"shared Idlib-2018 names missing: {sorted(shared - names)}"


def test_no_source_after_cutoff(places: list[dict[str, str]], roads: list[dict[str, str]]) -> None:
    for p in places:
        for col in (
            "population_source",
            "residents_source",
            "capacity_source",
            "coords_source",
            "notes",
        ):
            m = LATE_DATE.search(p[col])
            assert not m, (
                f"places.csv {p['name']!r} {col} mentions {m.group(0)!r} (after 2019-09-30)"
            )
    for r in roads:
        m = LATE_DATE.search(r["source"])
        assert not m, f"roads.csv {r['from']}-{r['to']} source mentions {m.group(0)!r}"


def test_roads(places: list[dict[str, str]], roads: list[dict[str, str]]) -> None:
    where = {p["name"]: p for p in places}
    pairs = set()
    adj: dict[str, set[str]] = defaultdict(set)
    for r in roads:
        edge = f"roads.csv {r['from']}-{r['to']}"
        assert r["from"] in where and r["to"] in where, f"{edge}: unknown place"
        assert r["from"] != r["to"], edge
        key = frozenset((r["from"], r["to"]))
        assert key not in pairs, f"{edge}: duplicate pair"
        pairs.add(key)
        km = float(r["km"])
        assert km > 0, edge
        assert r["road"] in ROADS, edge
        assert r["source"].strip(), edge
        crosses = where[r["from"]]["country"] != where[r["to"]]["country"]
        if crosses:
            assert r["road"] == "border", f"{edge}: an international link must be road=border"
            assert "border_crossing" in (where[r["from"]]["kind"], where[r["to"]]["kind"]), (
                f"{edge}: links into Turkey run through a border_crossing node"
            )
        if r["source"].startswith("assumption: great-circle x1.3"):
            a, b = where[r["from"]], where[r["to"]]
            gc = _haversine_km(
                (float(a["lat"]), float(a["lon"])), (float(b["lat"]), float(b["lon"]))
            )
            assert abs(km - max(round(gc * 1.3, 1), 0.5)) < 0.06, (
                f"{edge}: km {km} != great-circle x1.3"
            )
        adj[r["from"]].add(r["to"])
        adj[r["to"]].add(r["from"])
    start = next(iter(where))
    seen, todo = {start}, deque([start])
    while todo:
        for nxt in adj[todo.popleft()] - seen:
            seen.add(nxt)
            todo.append(nxt)
    assert seen == set(where), f"graph not connected; unreachable: {sorted(set(where) - seen)}"
    kinds = {r["road"] for r in roads}
    assert {"M4", "M5", "border"} <= kinds
    # every place in Turkey is reached from Syria only through a border link
    for p in places:
        if p["kind"] == "border_crossing":
            assert any(where[n]["country"] == "Turkey" for n in adj[p["name"]]), (
                f"{p['name']} has no link into Turkey"
            )


@pytest.mark.parametrize(
    ("fname", "first", "last"),
    [
        ("nw-syria-2019.csv", date(2019, 2, 1), date(2019, 8, 31)),
        ("nw-syria-2019-20.csv", date(2019, 12, 1), date(2020, 3, 6)),
    ],
)
def test_event_tables(places: list[dict[str, str]], fname: str, first: date, last: date) -> None:
    header, rows = _read(EVENTS / fname)
    assert header == EVENT_HEADER
    names = {p["name"] for p in places}
    crossings = {p["name"] for p in places if p["kind"] == "border_crossing"}
    kinds = set()
    for i, r in enumerate(rows, start=2):
        where = f"{fname} line {i}"
        d = date.fromisoformat(r["date"])
        assert first <= d <= last, f"{where}: date {d} outside the case"
        if r["end_date"]:
            assert date.fromisoformat(r["end_date"]) >= d, where
        assert r["event"] in EVENT_KINDS, where
        kinds.add(r["event"])
        assert r["source"].startswith("http"), f"{where}: every row needs a source address"
        listed = r["places"].split(";")
        if r["event"] == "ceasefire" and r["places"] == "all":
            pass
        else:
            unknown = [n for n in listed if n not in names]
            assert not unknown, f"{where}: unknown places {unknown}"
        if r["event"] == "captured":
            assert r["by"] in CAPTORS, where
            assert not r["end_date"], where
        if r["event"] == "border_policy":
            assert set(listed) <= crossings, where
            assert re.match(r"(open|closed|quota)\b", r["note"]), (
                f"{where}: note must say open/closed"
            )
        text = " ".join(r.values())
        assert not re.search(r"displac|\bIDPs?\b", text, re.IGNORECASE), (
            f"{where}: no displacement figures"
        )
    assert {"strikes", "captured", "ceasefire"} <= kinds
