"""Event tables (what happened, dated, with sources) -> a scenario's conflict phases.

The ONE rule that turns events into intensity, the same for every case built from an event
table (``idlib-2019`` and ``idlib-2019-20``), so that a calibration on one offensive carries
over to the other unchanged. Day ``d`` is ``date - start_date`` in days.

- ``strikes``: intensity ``STRIKES_INTENSITY`` (0.5, "heavy shelling / air strikes", as in
  the 2018 case's scale) at ``places`` on days ``date .. end_date`` inclusive (blank
  ``end_date``: to the end of the case).
- ``ground_fighting``: intensity ``GROUND_INTENSITY`` (1.0) from ``GROUND_LEAD_DAYS`` before
  ``date`` to ``GROUND_LINGER_DAYS`` after ``end_date`` (shelling ahead of the ground push,
  fighting after it) - the same lead and linger for every event.
- ``captured``: ``places`` held by ``by`` from ``date`` on (before the case's start: from
  day 0, i.e. the case starts with the place already taken).
- ``ceasefire``: intensity multiplied by ``CEASEFIRE_FACTOR`` (0.2: airstrikes pause,
  shelling goes on at a lower level) at ``places`` (or ``all``) on ``date .. end_date``.
- ``border_policy``: from ``date`` the border links follow ``note``'s first word
  (``open`` / ``closed``); the engine has one border policy for every border link, so the
  listed crossings name where it was reported.

Events wholly before day 0 or from the case's last day on are ignored (captures before day 0
still count). The rule is checked by hand in ``tests/idlib/test_events.py``.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from datetime import date as Date
from pathlib import Path

from enclave.errors import EnclaveInputError
from enclave.scenario.model import BorderPolicy, Capture, Ceasefire, Phase, Strikes

STRIKES_INTENSITY = 0.5
GROUND_INTENSITY = 1.0
GROUND_LEAD_DAYS = 3
GROUND_LINGER_DAYS = 3
CEASEFIRE_FACTOR = 0.2

HEADER = ("date", "end_date", "event", "places", "by", "source", "note")
EVENTS = ("strikes", "ground_fighting", "captured", "ceasefire", "border_policy")
HOLDERS = ("government", "opposition", "turkish_held")


@dataclass(frozen=True)
class Event:
    line: int
    date: Date
    end_date: Date | None
    event: str
    places: tuple[str, ...]  # ("all",) for every place
    by: str
    source: str
    note: str


def _date(text: str, file: Path, line: int, field: str) -> Date:
    try:
        return Date.fromisoformat(text.strip())
    except ValueError:
        raise EnclaveInputError(
            file, f"{line}:{field}", f"not a date (YYYY-MM-DD): {text!r}"
        ) from None


def _policy(note: str) -> str | None:
    """``open`` / ``closed`` from the start of a border_policy note (``closed: on ...``)."""
    m = re.match(r"\s*(open|closed)\b", note)
    return m.group(1) if m else None


def read_events(path: str | Path, place_names: list[str] | None = None) -> list[Event]:
    """Read and check an event table (header as in the geography data contract)."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EnclaveInputError(file, None, f"cannot read: {exc}") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows or tuple(c.strip() for c in rows[0][: len(HEADER)]) != HEADER:
        raise EnclaveInputError(file, "1", f"header must start with {','.join(HEADER)}")
    known = set(place_names) if place_names is not None else None
    out = []
    for i, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) < len(HEADER):
            raise EnclaveInputError(file, str(i), f"expected {len(HEADER)} columns")
        rec = dict(zip(HEADER, (c.strip() for c in row)))
        if rec["event"] not in EVENTS:
            raise EnclaveInputError(
                file, f"{i}:event", f"unknown event {rec['event']!r} (one of {', '.join(EVENTS)})"
            )
        if not rec["source"]:
            raise EnclaveInputError(file, f"{i}:source", "every event needs a source")
        d = _date(rec["date"], file, i, "date")
        e = _date(rec["end_date"], file, i, "end_date") if rec["end_date"] else None
        if e is not None and e < d:
            raise EnclaveInputError(file, f"{i}:end_date", "end_date is before date")
        places = tuple(p.strip() for p in rec["places"].split(";") if p.strip())
        if not places:
            raise EnclaveInputError(file, f"{i}:places", "no places")
        if known is not None and places != ("all",):
            for p in places:
                if p not in known:
                    raise EnclaveInputError(file, f"{i}:places", f"no place named {p!r}")
        if rec["event"] == "captured" and rec["by"] not in HOLDERS:
            raise EnclaveInputError(file, f"{i}:by", f"by must be one of {', '.join(HOLDERS)}")
        if rec["event"] == "border_policy" and _policy(rec["note"]) is None:
            raise EnclaveInputError(file, f"{i}:note", "border_policy note must start open/closed")
        out.append(Event(i, d, e, rec["event"], places, rec["by"], rec["source"], rec["note"]))
    return out


def event_phases(
    events: list[Event], start: str | Date, days: int
) -> tuple[list[Phase], list[BorderPolicy] | None]:
    """The phases (and border policy, if any row sets it) of a case starting on ``start``."""
    t0 = Date.fromisoformat(start) if isinstance(start, str) else start
    phases: list[Phase] = []
    border: list[tuple[int, str]] = []

    def day(d: Date) -> int:
        return (d - t0).days

    def where(ev: Event) -> list[str] | str:
        return "all" if ev.places == ("all",) else list(ev.places)

    for ev in events:
        a = day(ev.date)
        b = days if ev.end_date is None else day(ev.end_date) + 1  # exclusive
        label = f"{ev.event} {ev.date.isoformat()} (event table line {ev.line})"
        if ev.event == "captured":
            if a < days:
                phases.append(
                    Capture(
                        type="capture", label=label, places=list(ev.places), day=max(a, 0), by=ev.by
                    )
                )
            continue
        if ev.event == "border_policy":
            if a < days:
                border.append((max(a, 0), _policy(ev.note) or "closed"))
            continue
        if ev.event == "ground_fighting":
            a -= GROUND_LEAD_DAYS
            if ev.end_date is not None:
                b += GROUND_LINGER_DAYS
        a, b = max(a, 0), min(b, days)
        if a >= b:
            continue
        end = None if b >= days else b
        if ev.event == "ceasefire":
            phases.append(
                Ceasefire(
                    type="ceasefire",
                    label=label,
                    places=where(ev),
                    start=a,
                    end=end,
                    factor=CEASEFIRE_FACTOR,
                )
            )
        else:
            level = STRIKES_INTENSITY if ev.event == "strikes" else GROUND_INTENSITY
            phases.append(
                Strikes(
                    type="strikes", label=label, places=where(ev), start=a, end=end, intensity=level
                )
            )
    policies = None
    if border:
        border.sort()
        if border[0][0] != 0:
            border.insert(0, (0, "closed"))
        by_day: dict[int, str] = {}
        for d, p in border:
            by_day[d] = p  # the last row of a day wins
        policies = [BorderPolicy(from_day=d, policy=p) for d, p in sorted(by_day.items())]
    return phases, policies
