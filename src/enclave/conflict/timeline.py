"""Conflict timeline generator: a scenario's phases -> day-by-place and day-by-link arrays.

Rules (each is checked by hand in ``tests/idlib/test_timeline.py``):

- Intensity of a place on a day is the *largest* intensity of the phases hitting it that day
  (phases do not add up); ceasefires then multiply it by their ``factor``, whatever their
  order in the file. Values lie in [0, 1].
- ``strikes`` hit ``places`` on days ``start`` .. ``end - 1``.
- ``advance``: the front is at ``route[i]`` on days ``t_i = start + i * days_per_place`` ..
  ``t_i + days_per_place - 1``; the place is hit from ``t_i - lead_days`` to
  ``t_i + days_per_place + linger_days - 1`` and, if ``takes``, held by ``by`` from day
  ``t_i + days_per_place`` on.
- ``capture``: ``places`` are held by ``by`` from ``day`` on.
- A place the government has taken (held by it on a day, not on day 0) has no conflict from
  then on: the front has moved past it, and nobody there is displaced by the offensive any
  more (an event table may list ground fighting around a town for months after its capture,
  as the 2019 table does for Qalaat al-Madiq).
- Links: -1 open, 0 closed, n > 0 at most n people a day. Links from Syria into Turkey follow
  the border policy of the day; links from Turkey back into Syria are closed (no returns in
  the period). A *front* link joins a government-held place and a place held by someone
  else; it is closed unless a ``corridor`` phase opens it (or gives it a quota) that day.
- ``onset[d, p]``: the day the current conflict at p began (-1: none so far).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from enclave.scenario.geography import Geography
from enclave.scenario.model import (
    CONTROL_CODES,
    Advance,
    BorderPolicy,
    Capture,
    Ceasefire,
    Corridor,
    Scenario,
    Strikes,
)

GOVERNMENT = CONTROL_CODES["government"]


@dataclass(frozen=True)
class Timeline:
    """What the engine consumes for one scenario (people units for link capacities)."""

    intensity: np.ndarray  # float32 [D, P]
    control: np.ndarray  # int8 [D, P]
    link_capacity: np.ndarray  # int64 [D, L]: -1 open, 0 closed, n people/day
    onset: np.ndarray  # int32 [D, P]
    border: np.ndarray  # bool [L]: links from Syria into Turkey
    front: np.ndarray  # bool [D, L]: front-line links that day
    #: bool [D, L]: front links under a ``share`` corridor that day (``link_capacity`` -1
    #: there; the build turns it into ``front_crossing_rate`` x people at the origin)
    crossing: np.ndarray | None = None

    @property
    def days(self) -> int:
        return int(self.intensity.shape[0])

    @property
    def border_capacity(self) -> np.ndarray:
        """``link_capacity`` of the border links only: [D, n_border_links]."""
        return self.link_capacity[:, self.border]


def _places(geo: Geography, places: list[str] | str) -> np.ndarray:
    if isinstance(places, str):  # "all"
        return np.arange(geo.n_places)
    return np.array([geo.index(n) for n in places], dtype=np.int64)


def _policy_value(p: BorderPolicy) -> int:
    if p.policy == "open":
        return -1
    if p.policy == "closed":
        return 0
    return int(p.quota_per_day)


def border_schedule(policies: list[BorderPolicy], days: int) -> np.ndarray:
    """Border capacity per day (people/day per border link; -1 open, 0 closed)."""
    out = np.zeros(days, dtype=np.int64)
    for p in sorted(policies, key=lambda b: b.from_day):
        out[p.from_day :] = _policy_value(p)
    return out


def timeline(
    scenario: Scenario,
    geo: Geography,
    border: list[BorderPolicy],
    days: int | None = None,
) -> Timeline:
    """Turn a scenario's phases into the arrays the engine consumes.

    ``border`` is the border policy over time (the scenario's own, the case's, or the
    ``--border`` lever's, chosen by the caller).
    """
    D = scenario.days if days is None else days
    P, L = geo.n_places, geo.n_links
    intensity = np.zeros((D, P), dtype=np.float32)
    control = np.repeat(geo.control0[None, :], D, axis=0).astype(np.int8)
    by_code = CONTROL_CODES

    for ph in scenario.phases:
        if isinstance(ph, Strikes):
            idx = _places(geo, ph.places)
            end = D if ph.end is None else min(ph.end, D)
            sl = intensity[ph.start : end, :]
            sl[:, idx] = np.maximum(sl[:, idx], ph.intensity)
        elif isinstance(ph, Advance):
            for i, name in enumerate(ph.route):
                p = geo.index(name)
                t = ph.start + i * ph.days_per_place
                a = max(0, t - ph.lead_days)
                b = min(D, t + ph.days_per_place + ph.linger_days)
                if a < b:
                    intensity[a:b, p] = np.maximum(intensity[a:b, p], ph.intensity)
                if ph.takes and t + ph.days_per_place < D:
                    control[t + ph.days_per_place :, p] = by_code[ph.by]
        elif isinstance(ph, Capture):
            control[ph.day :, _places(geo, ph.places)] = by_code[ph.by]
    for ph in scenario.phases:
        if isinstance(ph, Ceasefire):
            idx = _places(geo, ph.places)
            end = D if ph.end is None else min(ph.end, D)
            intensity[ph.start : end, idx] *= np.float32(ph.factor)

    taken = (control == GOVERNMENT) & (geo.control0[None, :] != GOVERNMENT)
    intensity[taken] = 0.0

    onset = np.full((D, P), -1, dtype=np.int32)
    current = np.full(P, -1, dtype=np.int32)
    active_prev = np.zeros(P, dtype=bool)
    for d in range(D):
        active = intensity[d] > 0
        current = np.where(active & ~active_prev, d, current)
        onset[d] = current
        active_prev = active

    lf, lt = geo.link_from, geo.link_to
    border_out, border_back = geo.border_out, geo.border_back
    is_border = border_out | border_back
    cap = np.full((D, L), -1, dtype=np.int64)
    cap[:, border_out] = border_schedule(border, D)[:, None]
    cap[:, border_back] = 0
    front = np.zeros((D, L), dtype=bool)
    crossing = np.zeros((D, L), dtype=bool)
    corridors = [ph for ph in scenario.phases if isinstance(ph, Corridor)]
    pair_masks = []
    for ph in corridors:
        if isinstance(ph.between, str):
            pair_masks.append(None)
        else:
            m = np.zeros(L, dtype=bool)
            for a, b in ph.between:
                ia, ib = geo.index(a), geo.index(b)
                m |= ((lf == ia) & (lt == ib)) | ((lf == ib) & (lt == ia))
            pair_masks.append(m)
    for d in range(D):
        cf, ct = control[d, lf], control[d, lt]
        fr = (cf != ct) & ((cf == GOVERNMENT) | (ct == GOVERNMENT)) & ~is_border
        front[d] = fr
        cap[d, fr] = 0
        for ph, m in zip(corridors, pair_masks):
            if ph.start <= d and (ph.end is None or d < ph.end):
                sel = fr if m is None else (fr & m)
                cap[d, sel] = int(ph.quota_per_day) if ph.policy == "quota" else -1
                crossing[d, sel] = ph.policy == "share"
    return Timeline(
        intensity=intensity,
        control=control,
        link_capacity=cap,
        onset=onset,
        border=border_out,
        front=front,
        crossing=crossing,
    )
