"""The observed 2019 series: which rows are targets, and how each is used.

``data/observed_2019.csv`` is ``shared/data/idlib/observed_2019.csv`` with its source columns
unchanged and five columns added: ``use`` (``people_cumulative``: people displaced since
``window_start``; ``destination_share``: the share of those people who went to
``target_region``; ``dropped``: not a target, ``use_reason`` says why - movement counts that
include repeat moves, monthly arrivals, other windows, baselines, events), ``window_start``,
``target`` (the people count or the share used), ``target_region`` and ``use_reason``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date as Date
from importlib import resources
from pathlib import Path

from enclave.errors import EnclaveInputError

SOURCE_COLUMNS = ("date", "quantity", "value", "unit", "region", "source", "note")
ADDED_COLUMNS = ("use", "window_start", "target", "target_region", "use_reason")
USES = ("people_cumulative", "destination_share", "dropped")
REGIONS = ("nw_idlib", "north_aleppo", "government", "turkey")
#: Share targets given per governorate: "admin1:<name>" = the places of that first-level
#: unit (``Place.admin1``) not held by the government that day.
ADMIN1_PREFIX = "admin1:"


def known_region(region: str) -> bool:
    return region in REGIONS or (region.startswith(ADMIN1_PREFIX) and len(region) > 7)


@dataclass(frozen=True)
class Observed:
    """The targets of a calibration."""

    file: str
    window_start: Date
    cumulative: tuple[tuple[Date, float], ...]  # (date, people since window_start)
    shares: tuple[tuple[Date, str, float], ...]  # (date, region, share)
    dropped: int


def default_path() -> Path:
    return Path(str(resources.files("enclave.calibration") / "data" / "observed_2019.csv"))


def load_observed(path: str | Path | None = None) -> Observed:
    """Read and check an observed file; any problem -> EnclaveInputError (file:line:field)."""
    file = Path(path) if path is not None else default_path()
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EnclaveInputError(file, None, f"cannot read: {exc}") from None
    reader = csv.DictReader(text.splitlines())
    missing = [c for c in SOURCE_COLUMNS + ADDED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise EnclaveInputError(file, "1", f"missing column(s): {', '.join(missing)}")
    cum: list[tuple[Date, float]] = []
    shares: list[tuple[Date, str, float]] = []
    windows: set[Date] = set()
    dropped = 0
    for i, row in enumerate(reader, start=2):
        use = (row["use"] or "").strip()
        if use not in USES:
            raise EnclaveInputError(file, f"{i}:use", f"{use!r} is not one of {', '.join(USES)}")
        if use == "dropped":
            if not (row["use_reason"] or "").strip():
                raise EnclaveInputError(file, f"{i}:use_reason", "a dropped row needs a reason")
            dropped += 1
            continue
        if not (row["source"] or "").strip():
            raise EnclaveInputError(file, f"{i}:source", "a target row needs a source")
        try:
            d = Date.fromisoformat(row["date"].strip())
        except (ValueError, AttributeError):
            raise EnclaveInputError(file, f"{i}:date", f"not a date: {row['date']!r}") from None
        try:
            w = Date.fromisoformat(row["window_start"].strip())
        except (ValueError, AttributeError):
            raise EnclaveInputError(
                file, f"{i}:window_start", f"not a date: {row['window_start']!r}"
            ) from None
        try:
            t = float(row["target"])
        except (TypeError, ValueError):
            raise EnclaveInputError(
                file, f"{i}:target", f"not a number: {row['target']!r}"
            ) from None
        if w >= d:
            raise EnclaveInputError(file, f"{i}:window_start", "window must start before date")
        windows.add(w)
        if use == "people_cumulative":
            if not t > 0:
                raise EnclaveInputError(file, f"{i}:target", "people must be above 0")
            cum.append((d, t))
        else:
            region = (row["target_region"] or "").strip()
            if not known_region(region):
                raise EnclaveInputError(
                    file,
                    f"{i}:target_region",
                    f"{region!r} is not one of {', '.join(REGIONS)} or admin1:<governorate>",
                )
            if not 0 <= t <= 1:
                raise EnclaveInputError(file, f"{i}:target", "a share must lie in [0, 1]")
            shares.append((d, region, t))
    if not cum:
        raise EnclaveInputError(file, None, "no people_cumulative rows: nothing to fit")
    if len(windows) != 1:
        raise EnclaveInputError(file, None, "target rows must share one window_start")
    return Observed(str(file), windows.pop(), tuple(sorted(cum)), tuple(shares), dropped)
