"""Flee instance folders in, Flee's ``out.csv`` out: the edge between Flee files and arrays.

Reads ``locations.csv``, ``routes.csv``, ``conflicts.csv``, ``closures.csv``,
``registration_corrections.csv`` and the period (``conflict_period.csv`` or
``sim_period.csv``) as Flee 3.1 does (``flee.InputGeography``), and turns them into a
:class:`Network` and per-day :class:`Drivers`. Errors that make a run impossible raise
:class:`EnclaveInputError` naming file and line; quirks that Flee tolerates are warned about
once each, naming file and line.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from enclave.displacement.network import Network, PlaceKind
from enclave.errors import EnclaveInputError, warn_input

KIND_BY_SUBSTRING = (  # Flee matches location types by substring, in this order
    ("camp", None),  # camp or idpcamp, decided below
    ("conflict", PlaceKind.CONFLICT_ZONE),
    ("forward", PlaceKind.FORWARDING_HUB),
    ("marker", PlaceKind.MARKER),
    ("default", PlaceKind.TOWN),
    ("town", PlaceKind.TOWN),
)


@dataclass(frozen=True)
class FleeInstance:
    """A Flee instance as arrays: the network, the period and the daily inputs."""

    folder: Path
    network: Network
    start_date: date
    length: int
    conflict: np.ndarray  # float32 [D, P] effective intensity, Flee's conflict state machine
    conflict_onset: np.ndarray  # int32 [D, P]
    link_capacity: np.ndarray  # int64 [D, L]
    camps: tuple[int, ...]  # place indices of camps, in location order


def _rows(path: Path) -> list[tuple[int, list[str]]]:
    """CSV rows with their 1-based line numbers; a missing file is an input error."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            return [(reader.line_num, row) for reader in [csv.reader(handle)] for row in reader]
    except FileNotFoundError:
        raise EnclaveInputError(path, None, "file not found") from None
    except (UnicodeDecodeError, csv.Error) as err:
        raise EnclaveInputError(path, None, f"cannot read as CSV text ({err})") from None


def _is_comment(row: list[str]) -> bool:
    return (
        len(row) == 0
        or (len(row[0]) > 0 and row[0].lstrip()[:1] == "#")
        or not any(c.strip() for c in row)
    )


def _number(path, line, column, text, kind=float):
    try:
        return kind(text.strip())
    except ValueError:
        raise EnclaveInputError(
            path, f"line {line}", f"{column} must be a number, got {text!r}"
        ) from None


def read_period(folder: Path) -> tuple[date, int]:
    """``StartDate`` and ``Length`` from conflict_period.csv (Flee 3.1) or sim_period.csv."""
    if not folder.is_dir():
        raise EnclaveInputError(folder, None, "instance folder not found")
    candidates = [folder / "conflict_period.csv", folder / "sim_period.csv"]
    path = next((p for p in candidates if p.exists()), None)
    if path is None:
        raise EnclaveInputError(folder, None, "no conflict_period.csv or sim_period.csv")
    start, length = None, None
    for line, row in _rows(path):
        if len(row) < 2:
            continue
        key = row[0].strip().lower()
        if key == "startdate":
            start = _parse_date(path, line, row[1])
        elif key == "length":
            length = _number(path, line, "Length", row[1], int)
    if start is None or length is None or length < 1:
        raise EnclaveInputError(path, None, "needs a StartDate row and a positive Length row")
    return start, length


def _parse_date(path, line, text) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise EnclaveInputError(
            path, f"line {line}", f"date must be YYYY-MM-DD, got {text!r}"
        ) from None


def _kind_of(path, line, text) -> PlaceKind:
    low = text.lower()
    for key, kind in KIND_BY_SUBSTRING:
        if key in low:
            if kind is None:
                return PlaceKind.IDP_CAMP if "idp" in low else PlaceKind.CAMP
            return kind
    raise EnclaveInputError(path, f"line {line}", f"unknown location_type {text!r}")


def read_locations(path: Path, hasten: int = 1):
    """Rows of locations.csv: name, region, country, lat, lon, type, conflict_date, population.

    As in Flee: a conflict zone whose conflict_date is after day 0 starts as a town; the
    population of a camp is its capacity; the first row's country is the home country;
    populations are divided by ``hasten``.
    """
    names, kinds, countries, pops, caps, lats, lons, intensity = [], [], [], [], [], [], [], []
    extra_columns: list[str] = []
    seen: dict[str, int] = {}
    for line, row in _rows(path):
        if _is_comment(row):
            if row and row[0].lstrip().startswith("#") and len(row) > 8:
                extra_columns = [c.strip() for c in row[8:]]
            continue
        if len(row) < 6:
            raise EnclaveInputError(
                path, f"line {line}", f"expected at least 6 columns, found {len(row)}"
            )
        row = row + [""] * (8 - len(row))
        name = row[0].strip()
        if not name:
            raise EnclaveInputError(path, f"line {line}", "empty location name")
        if name in seen:
            raise EnclaveInputError(
                path, f"line {line}", f"duplicate location {name!r} (first on line {seen[name]})"
            )
        seen[name] = line
        kind = _kind_of(path, line, row[5])
        if kind == PlaceKind.CONFLICT_ZONE:
            start = row[6].strip()
            if start and _number(path, line, "conflict_date", start, int) > 0:
                kind = PlaceKind.TOWN
        lat = _number(path, line, "latitude", row[3]) if row[3].strip() else 0.0
        lon = _number(path, line, "longitude", row[4]) if row[4].strip() else 0.0
        if not (-90.0 <= lat <= 90.0) or not (-180.0 <= lon <= 180.0):
            raise EnclaveInputError(
                path, f"line {line}", f"latitude {lat} / longitude {lon} out of range"
            )
        value = int(_number(path, line, "population", row[7])) if row[7].strip() else 0
        value = value // hasten
        is_camp = kind in (PlaceKind.CAMP, PlaceKind.IDP_CAMP)
        attributes = dict(zip(extra_columns, row[8:]))
        names.append(name)
        kinds.append(int(kind))
        countries.append(row[2].strip() or "unknown")
        pops.append(0 if is_camp else value)
        caps.append(value if is_camp else -1)
        lats.append(lat)
        lons.append(lon)
        level = attributes.get("conflict_intensity", "").strip()
        intensity.append(float(level) if level else 1.0)
    if not names:
        raise EnclaveInputError(path, None, "no locations")
    return names, kinds, countries, pops, caps, lats, lons, intensity


def read_routes(path: Path, names: list[str]) -> list[tuple[int, int, float, float]]:
    """Rows of routes.csv: name1, name2, distance[, forced_redirection][, extras]."""
    index = {n: i for i, n in enumerate(names)}
    header: list[str] = ["name1", "name2", "distance", "forced_redirection"]
    roads = []
    walking: list[int] = []
    for line, row in _rows(path):
        if _is_comment(row):
            if row and row[0].lstrip().startswith("#") and len(row) > 4:
                header = header + [c.strip() for c in row[4:]]
            continue
        if len(row) < 3:
            raise EnclaveInputError(
                path, f"line {line}", f"expected name1,name2,distance, found {len(row)} columns"
            )
        a, b = row[0].strip(), row[1].strip()
        for name in (a, b):
            if name not in index:
                raise EnclaveInputError(
                    path, f"line {line}", f"route names {name!r}, which is not in locations.csv"
                )
        km = _number(path, line, "distance", row[2])
        if not km > 0:
            raise EnclaveInputError(path, f"line {line}", f"distance must be positive, got {km}")
        extras = dict(zip(header[4:], row[4:]))
        speed_text = extras.get("max_move_speed", "").strip()
        speed = _number(path, line, "max_move_speed", speed_text) if speed_text else np.nan
        walk_text = extras.get("walk_probability", "").strip()
        if walk_text and _number(path, line, "walk_probability", walk_text) > 0:
            walking.append(line)
        roads.append((index[a], index[b], km, speed))
    if walking:  # Flee 3.1's finish_travel: with this probability a day is at walking speed
        warn_input(
            path,
            f"line {walking[0]}" + (f" and {len(walking) - 1} more" if len(walking) > 1 else ""),
            "walk_probability is not honoured by Enclave: travellers on these links move at "
            "the link's speed every day",
        )
    return roads


def read_conflicts(
    path: Path, network: Network, days: int, initial_intensity: list[float]
) -> tuple[np.ndarray, np.ndarray]:
    """conflicts.csv (wide: day x location) through Flee 3.1's conflict-zone state machine.

    ``InputGeography.AddNewConflictZones``: a place becomes a conflict zone (with that day's
    intensity, onset = that day) when its value rises above 1e-6 from below (or on day 0);
    it stops being one only when its value drops below 1e-6 right after a day at exactly 1.
    Places typed conflict_zone from day 0 start as conflict zones (intensity from a
    ``conflict_intensity`` column or 1, onset -1).
    """
    n_places = network.n_places
    conflict = np.zeros((days, n_places), dtype=np.float32)
    onset = np.full((days, n_places), -1, dtype=np.int32)
    state = np.where(network.kind == PlaceKind.CONFLICT_ZONE, initial_intensity, 0.0)
    state_onset = np.full(n_places, -1, dtype=np.int64)
    if not path.exists():
        conflict[:] = state
        return conflict, onset
    rows = _rows(path)
    header_line, header = next(((ln, r) for ln, r in rows if r), (1, []))
    columns = [h.strip() for h in header[1:]]
    index = {n: i for i, n in enumerate(network.names)}
    table: list[list[float]] = []
    if "" in columns:
        warn_input(path, f"line {header_line}", "empty column name (trailing comma): ignored")
    for line, row in rows:
        if line <= header_line or not row or not any(c.strip() for c in row):
            continue
        if row[0].strip().startswith("#"):
            continue
        cells = row[1:]
        values = []
        for name, cell in zip(columns, cells):
            if name == "":
                continue
            values.append(_number(path, line, f"column {name!r}", cell) if cell.strip() else 0.0)
        table.append(values)
    named = [n for n in columns if n != ""]
    data = np.array(table, dtype=np.float64).reshape(len(table), len(named))
    if len(data) < days:
        raise EnclaveInputError(
            path,
            None,
            f"has {len(data)} days of conflict data, the run needs {days} "
            f"(Flee stops at day {len(data)} too): run with --days {len(data)}",
        )
    for j, name in enumerate(named):
        if name not in index:
            quiet = "all zeros" if not np.any(data[:days, j]) else "not all zeros"
            warn_input(
                path,
                f"line {header_line}",
                f"column {name!r} is not in locations.csv ({quiet}): ignored",
            )
    for day in range(days):
        for j, name in enumerate(named):
            p = index.get(name)
            if p is None:
                continue
            value = data[day, j]
            previous = data[day - 1, j] if day > 0 else 0.0
            if value > 1e-6 and (day == 0 or previous < 1e-6):
                state[p] = value
                state_onset[p] = day
            elif value < 1e-6 and day > 0 and previous == 1:
                state[p] = 0.0
        conflict[day] = state
        onset[day] = state_onset
    return conflict, onset


def _flee_name_identity(name: str) -> bool:
    """Whether Flee 3.1's ``endpoint.name is not endpoint`` test can match ``name``: only
    for strings CPython caches (one latin-1 character), as names read from two files are
    otherwise different objects."""
    return len(name) == 1 and ord(name) < 256


def read_closures(path: Path, network: Network, days: int, flee_compat: bool = False) -> np.ndarray:
    """closures.csv -> ``link_capacity[day, link]`` (0 = closed, -1 = open).

    As Flee's ``enact_border_closures``, day by day and row by row: a row closes its links
    on its start day and reopens them on its end day (so a start before day 0 never closes,
    an end before the start never reopens, a second closure of a closed link changes
    nothing and the first reopening wins). ``country`` closes every link between the two
    countries, both ways; ``location`` every link into and out of the place.

    ``link``: Flee 3.1's ``close_link(name1, name2, twoway=True)`` is meant to close the
    road both ways, and that is what Enclave does by default (a listed, deliberate
    difference). Flee 3.1 itself compares names by object identity
    (``_remove_link_1way``), so it closes nothing, except name2->name1 when name1 is one
    character (CPython caches those); ``flee_compat`` reproduces that.
    ``camp``/``idpcamp`` (changing a place's type) are not honoured (warned);
    ``remove_forced_redirection`` has no effect on movement in Flee 3.1.
    """
    capacity = np.full((days, network.n_links), -1, dtype=np.int64)
    if not path.exists():
        return capacity
    index = {n: i for i, n in enumerate(network.names)}
    countries = np.array(network.country)
    src, dst = network.link_from, network.link_to
    events: list[tuple[int, int, np.ndarray]] = []  # (start, end, links), in file order
    for line, row in _rows(path):
        if _is_comment(row):
            continue
        if len(row) < 5:
            raise EnclaveInputError(
                path, f"line {line}", "expected closure_type,name1,name2,closure_start,closure_end"
            )
        kind, a, b = row[0].strip(), row[1].strip(), row[2].strip()
        start = _number(path, line, "closure_start", row[3], int)
        end = _number(path, line, "closure_end", row[4], int)
        if kind == "remove_forced_redirection":
            continue
        if kind in ("camp", "idpcamp"):
            warn_input(path, f"line {line}", f"closure type {kind!r} is not honoured: ignored")
            continue
        if kind == "country":
            ca, cb = countries[src], countries[dst]
            mask = ((ca == a) & (cb == b)) | ((ca == b) & (cb == a))
        elif kind in ("location", "link"):
            for name in (a,) if kind == "location" else (a, b):
                if name not in index:
                    raise EnclaveInputError(
                        path, f"line {line}", f"closure names {name!r}, not in locations.csv"
                    )
            if kind == "location":
                mask = (src == index[a]) | (dst == index[a])
            else:
                backward = (src == index[b]) & (dst == index[a])
                forward = (src == index[a]) & (dst == index[b])
                if not flee_compat:
                    mask = backward | forward
                elif _flee_name_identity(a):
                    mask = backward
                else:
                    mask = np.zeros_like(backward)
                    if backward.any() or forward.any():
                        continue  # Flee 3.1 closes nothing here (and says so on stderr)
        else:
            raise EnclaveInputError(path, f"line {line}", f"unknown closure type {kind!r}")
        if not mask.any():
            warn_input(path, f"line {line}", f"closure {kind} {a} {b} matches no route")
        events.append((start, end, mask))
    closed = np.zeros(network.n_links, dtype=np.bool_)
    for day in range(days):
        for start, end, mask in events:
            if day == start:
                closed |= mask
            if day == end:
                closed &= ~mask
        capacity[day, closed] = 0
    return capacity


def read_instance(
    folder: str | Path, days: int | None = None, hasten: int = 1, flee_compat: bool = False
) -> FleeInstance:
    """Read a Flee instance folder as Flee 3.1's run script does."""
    folder = Path(folder)
    if not folder.is_dir():
        raise EnclaveInputError(folder, None, "instance folder not found")
    start, length = read_period(folder)
    days = length if days is None else int(days)
    names, kinds, countries, pops, caps, lats, lons, intensity = read_locations(
        folder / "locations.csv", hasten
    )
    roads = read_routes(folder / "routes.csv", names)
    network = Network.build(names, kinds, countries, pops, caps, lats, lons, roads)
    conflict, onset = read_conflicts(folder / "conflicts.csv", network, days, intensity)
    closures = read_closures(folder / "closures.csv", network, days, flee_compat)
    camps = tuple(
        i for i, k in enumerate(network.kind) if k in (PlaceKind.CAMP, PlaceKind.IDP_CAMP)
    )
    return FleeInstance(folder, network, start, days, conflict, onset, closures, camps)


def day_dates(start: date, days: int) -> list[str]:
    return [(start + timedelta(days=d)).isoformat() for d in range(days)]
