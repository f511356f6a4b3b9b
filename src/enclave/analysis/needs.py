"""Humanitarian needs per place and week by the Sphere minimum standards.

People present at a place (``occupancy``: residents, displaced in town and in camps, people
at the border) are averaged over each week of the scenario and multiplied by the per-person
standards of ``data/sphere.csv`` (a sourced table a planner may edit, or replace with
``load_standards(path)``). The *gap* counts only the people above a place's capacity (camp
clusters; places without a capacity have needs but no gap): they are the ones with no
shelter, water point or latrine planned for them.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

STANDARDS_FILE = Path(__file__).with_name("data") / "sphere.csv"


def load_standards(path: Path | str = STANDARDS_FILE) -> pd.DataFrame:
    """The standards table: item, label, amount (per person), unit, per, source."""
    df = pd.read_csv(path)
    missing = {"item", "label", "amount", "unit", "source"} - set(df.columns)
    if missing:
        from enclave.errors import EnclaveInputError

        raise EnclaveInputError(path, None, f"missing columns: {', '.join(sorted(missing))}")
    return df


def weekly_people(ds: xr.Dataset) -> tuple[xr.DataArray, xr.DataArray]:
    """People present and people above capacity, mean per week (scenario, member, week, place)."""
    occ = ds["occupancy"]
    over = (occ - ds["capacity"]).clip(min=0).where(ds["capacity"].notnull(), 0.0)
    over = over.where(occ.notnull())
    week = xr.DataArray(ds["day"].values // 7, dims="day", name="week")
    with warnings.catch_warnings():  # weeks after a shorter scenario's end are all NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        people = occ.groupby(week).mean("day")
        gap = over.groupby(week).mean("day")
    return people, gap


def add_needs(ds: xr.Dataset, standards: pd.DataFrame | None = None) -> None:
    """Add ``needs_people``, ``needs_gap_people`` and ``needs_gap`` (by item) to ``ds``."""
    st = load_standards() if standards is None else standards
    people, gap = weekly_people(ds)
    ds.coords["week"] = (
        "week",
        people["week"].values.astype(np.int32),
        {"long_name": "week of the run (days 7w to 7w+6)"},
    )
    ds.coords["need_item"] = ("need_item", st["item"].to_numpy(dtype=object))
    ds["need_per_person"] = (
        "need_item",
        st["amount"].to_numpy(dtype=float),
        {
            "long_name": "Sphere minimum standard per person",
            "units": "; ".join(f"{i}: {u}" for i, u in zip(st["item"], st["unit"])),
            "comment": " | ".join(f"{i}: {s}" for i, s in zip(st["item"], st["source"])),
        },
    )
    ds["needs_people"] = people.astype(np.float32)
    ds["needs_people"].attrs = {
        "units": "people",
        "long_name": "people present at the place, mean over the week",
    }
    ds["needs_gap_people"] = gap.astype(np.float32)
    ds["needs_gap_people"].attrs = {
        "units": "people",
        "long_name": "people above the place's capacity, mean over the week (0: no capacity)",
    }
    total_gap = gap.sum("place", min_count=1)
    ds["needs_gap"] = (total_gap * ds["need_per_person"]).astype(np.float32)
    ds["needs_gap"].attrs = {
        "long_name": "needs of the people above capacity, all places, by Sphere item",
        "units": "see need_per_person units",
        "comment": "needs_gap_people summed over places x need_per_person",
    }


def _q(a: np.ndarray) -> tuple[float, float, float]:
    a = a[~np.isnan(a)]
    if not a.size:
        return (np.nan, np.nan, np.nan)
    return tuple(float(x) for x in np.percentile(a, [50, 5, 95]))


def _sum_places(x: np.ndarray) -> np.ndarray:
    """Sum over the last axis, NaN where every value is NaN (xarray's ``min_count=1``)."""
    return np.where(np.isnan(x).all(axis=-1), np.nan, np.nansum(x, axis=-1))


def needs_table(
    ds: xr.Dataset, scenario: str, standards: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Per week: people present, people above capacity (median, 5-95 %) and the gap by item.

    One pass over plain arrays (week x member x place): the report asks for it twice per
    scenario, and per-week xarray selections cost about a second a scenario."""
    st = load_standards() if standards is None else standards
    if "needs_people" not in ds:
        add_needs(ds, st)
    s = ds.sel(scenario=scenario)
    n_weeks = int(np.ceil(int(s["scenario_days"]) / 7))
    dims = ("week", "member", "place")
    people = s["needs_people"].transpose(*dims).values[:n_weeks].astype(np.float64)
    gap = s["needs_gap_people"].transpose(*dims).values[:n_weeks].astype(np.float64)
    places = [str(p) for p in s["place"].values]
    ppl_total, gap_total = _sum_places(people), _sum_places(gap)
    with warnings.catch_warnings():  # a place NaN in every member: NaN median
        warnings.simplefilter("ignore", RuntimeWarning)
        med_by_place = np.nanmedian(gap, axis=1)  # week x place
    amounts = [(item, float(a)) for item, a in zip(st["item"], st["amount"])]
    rows = []
    for w in range(n_weeks):
        med = med_by_place[w]
        order = np.argsort(np.where(np.isnan(med), np.inf, -med), kind="stable")
        bar = np.inf if np.isnan(med).all() else 0.1 * max(np.nanmax(med), 1)
        top = [places[j] for j in order if med[j] >= bar]
        tot = _q(gap_total[w])
        row = {"week": w, "people": _q(ppl_total[w]), "gap_people": tot, "mostly": top[:3]}
        for item, amount in amounts:
            row[f"gap_{item}"] = tuple(x * amount for x in tot)
        rows.append(row)
    return pd.DataFrame(rows)


def peak_gap(ds: xr.Dataset, scenario: str) -> dict:
    """The week with the largest median gap: people [5-95 %], week, the places it is mostly at."""
    t = needs_table(ds, scenario)
    med = np.array([g[0] for g in t["gap_people"]], dtype=float)
    if not len(med) or np.all(np.isnan(med)) or np.nanmax(med) <= 0:
        return {"week": None, "gap_people": (0.0, 0.0, 0.0), "mostly": []}
    i = int(np.nanargmax(med))
    return {"week": int(t.week[i]), "gap_people": t.gap_people[i], "mostly": t.mostly[i]}
