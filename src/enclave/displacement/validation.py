"""UNHCR registration data of a Flee validation folder, read as Flee 3.1's ``DataTable``.

``data_layout.csv`` maps a camp (or ``total``) to one CSV of ``date,count`` rows, or to
several whose values are summed step-wise (``DataTable.AddCSVTables``). Between report
dates a count is linearly interpolated and truncated to an integer; before the first date
and after the last the end values are held (``get_interpolated_data``).
``registration_corrections.csv`` rescales all data of a camp before a given date so that it
joins the level of that date (``RefugeeTable.correctLevel1Registrations``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import numpy as np

from enclave.displacement.flee_io import _number, _parse_date, _rows
from enclave.errors import EnclaveInputError, warn_input


@dataclass(frozen=True)
class Series:
    """One camp's (or the total's) report dates (days since start) and counts."""

    days: np.ndarray  # float64
    counts: np.ndarray  # float64

    def at(self, day: int) -> int:
        """Flee's interpolated value on ``day`` (an int, truncated)."""
        days, counts = self.days, self.counts
        if len(days) == 0:
            return 0
        if day <= days[0]:
            return int(counts[0])
        for i in range(1, len(days)):
            if day < days[i]:
                fraction = (day - days[i - 1]) / (days[i] - days[i - 1])
                return int(counts[i - 1] + fraction * (counts[i] - counts[i - 1]))
        return int(counts[-1])

    def daily(self, days: int) -> np.ndarray:
        return np.array([self.at(d) for d in range(days)], dtype=np.int64)


def read_series(path: Path, start: date, hasten: int = 1) -> Series:
    """A ``date,count`` CSV. Header rows (``Date``, ``DateTime``, ``,``, ``#sep=,``),
    comments and rows without a count are skipped, as Flee does."""
    days, counts = [], []
    for line, row in _rows(path):
        if len(row) < 2 or not row[0].strip() or row[0].lstrip().startswith("#"):
            continue
        if row[0].strip() in ("Date", "DateTime") or not row[1].strip():
            continue
        day = (_parse_date(path, line, row[0]) - start).days
        days.append(float(day))
        counts.append(_number(path, line, "count", row[1]) / hasten)
    return Series(np.asarray(days, dtype=np.float64), np.asarray(counts, dtype=np.float64))


def step_sum(first: Series, second: Series) -> Series:
    """Flee's ``AddCSVTables``: the sum of two series at the first one's report dates
    and the second's, each held at its last reported value (not interpolated)."""
    out_days, out_counts = [], []
    if len(first.days) == 0:
        return second
    offset, last_second = 0, 0.0
    for d2, c2 in zip(second.days, second.counts):
        while d2 > first.days[offset]:
            out_days.append(first.days[offset])
            out_counts.append(last_second + first.counts[offset])
            if offset < len(first.days) - 1:
                offset += 1
            else:
                break
        if d2 == first.days[offset]:
            out_days.append(d2)
            out_counts.append(c2 + first.counts[offset])
            if offset < len(first.days) - 1:
                offset += 1
            last_second = c2
            continue
        if d2 < first.days[offset]:
            out_days.append(d2)
            out_counts.append(c2 + first.counts[offset])
            last_second = c2
    return Series(np.asarray(out_days), np.asarray(out_counts))


@dataclass(frozen=True)
class ValidationData:
    """The total (``refugees.csv``) and each camp's series of a validation folder."""

    folder: Path
    total: Series
    camps: dict[str, Series]


def read_validation(
    folder: str | Path,
    start: date,
    days: int,
    corrections: Path | None = None,
    hasten: int = 1,
    note_late_corrections: bool = False,
) -> ValidationData:
    """Read a UNHCR validation folder as Flee's RefugeeTable does.

    Data rows outside the simulated period are kept silently (Flee keeps them too, and
    interpolates between them). Corrections dated after the period are applied as Flee
    applies them; ``note_late_corrections`` (a run cut short by ``--days``) says so in one
    line."""
    folder = Path(folder)
    layout = folder / "data_layout.csv"
    if not folder.is_dir():
        raise EnclaveInputError(folder, None, "validation folder not found")
    series: dict[str, Series] = {}
    outside_reported = False
    for line, row in _rows(layout):
        if len(row) < 2 or not row[0].strip() or row[0].lstrip().startswith("#"):
            continue
        name = row[0].strip()
        parts = []
        for file_name in (c.strip() for c in row[1:] if c.strip()):
            path = folder / file_name
            if not path.exists():
                raise EnclaveInputError(layout, f"line {line}", f"names missing file {file_name!r}")
            part = read_series(path, start, hasten)
            if (
                len(part.days)
                and not outside_reported
                and (part.days.min() < 0 or part.days.max() >= days)
            ):
                outside_reported = True  # kept, as Flee does: nothing to say
            parts.append(part)
        combined = parts[0]
        for part in parts[1:]:
            combined = step_sum(combined, part)
        series[name] = combined
    if "total" not in series:
        raise EnclaveInputError(layout, None, "no 'total' row (the refugees.csv series)")
    if corrections is not None and corrections.exists():
        late = _apply_corrections(corrections, series, start, days)
        if late and note_late_corrections:
            warn_input(
                corrections,
                None,
                f"{late} correction(s) dated after the simulated days: applied as Flee applies "
                "them (they rescale the earlier reports)",
            )
    total = series.pop("total")
    return ValidationData(folder, total, series)


def _apply_corrections(path: Path, series: dict[str, Series], start: date, days: int) -> int:
    """Flee's correctLevel1Registrations; returns how many were dated after the period."""
    late = 0
    for line, row in _rows(path):
        if len(row) < 2 or row[0].lstrip().startswith("#"):
            continue
        name = row[0].strip()
        day = (_parse_date(path, line, row[1]) - start).days
        if day >= days:
            late += 1
        if name not in series:
            warn_input(path, f"line {line}", f"no validation data for {name!r}: ignored")
            continue
        s = series[name]
        hits = np.flatnonzero(s.days.astype(np.int64) == day)
        if len(hits) == 0:
            warn_input(path, f"line {line}", f"no {name} report dated {row[1].strip()}: ignored")
            continue
        i = int(hits[0])
        if i > 0 and s.counts[i - 1] != 0:
            counts = s.counts.copy()
            counts[:i] *= s.counts[i] / s.counts[i - 1]
            series[name] = Series(s.days, counts)
    return late


def refugee_spawning(total: Series, days: int, insert_day0: bool = True):
    """Flee's ``spawn_daily_displaced`` (refugee-table mode): agents to add each day.

    The daily difference of the interpolated total is spawned; a fall in the total becomes
    a debt that later rises pay off first. Returns (new agents, raw UNHCR count, debt),
    each per day.
    """
    new = np.zeros(days, dtype=np.int64)
    raw = np.zeros(days, dtype=np.int64)
    debt_out = np.zeros(days, dtype=np.int64)
    debt = 0
    running = 0
    previous = 0
    for day in range(days):
        value = total.at(day)
        difference = value if day == 0 else value - previous
        previous = value
        wanted = difference - debt
        running += difference
        if insert_day0 and day == 0:
            wanted = 0
        if wanted < 0:
            debt = -wanted
            wanted = 0
        elif debt > 0:
            debt = 0
        new[day], raw[day], debt_out[day] = wanted, running, debt
    return new, raw, debt_out
