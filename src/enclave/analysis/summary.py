"""Summary tables from an ensemble Dataset: per scenario, median and 5-95 % band.

Metrics (per scenario x member, then banded over members):

- ``newly_displaced``: people who left a place in conflict, each counted once: a town's
  willing people are drawn without replacement, and camp residents who flee a camp the
  conflict reached are counted on the day they first leave (the engine's
  ``initial_departures``).
- ``into_turkish_held``: people entering the Turkish-held north from elsewhere.
- ``to_government``: people entering government-held areas (over front-line roads).
- ``into_turkey``: people crossing the border into Turkey.
- ``at_border_peak`` / ``at_border_end``: people at the places of the case's border zone
  (crossings and the camps along the border), at the worst day / on the last day;
  ``at_border_added``: the largest rise over day 0 (the zone's camps hold people before the
  offensive starts).
- ``first_overflow_day``: first day a camp cluster that started at or under its capacity
  holds more than it (NaN: never in that member).
- ``peak_overload``: largest occupancy / capacity over days and camp clusters.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import xarray as xr

METRICS = {
    "newly_displaced": ("people", "people newly displaced"),
    "into_turkish_held": ("people", "arrivals in the Turkish-held north"),
    "to_government": ("people", "arrivals in government-held areas"),
    "into_turkey": ("people", "crossings into Turkey"),
    "at_border_peak": ("people", "people at the Turkish border (peak)"),
    "at_border_end": ("people", "people at the Turkish border (last day)"),
    "at_border_added": ("people", "people at the Turkish border above day 0 (peak)"),
    "first_overflow_day": ("day", "first day a camp cluster goes over capacity"),
    "peak_overload": ("1", "peak camp overload (occupancy / capacity)"),
}


def member_metrics(ds: xr.Dataset, border_zone: list[str]) -> xr.Dataset:
    """Every metric for every scenario x member (a Dataset of 2-d variables)."""
    occ = ds["occupancy"]
    camps = ds["capacity"].notnull()  # (member, place)
    out = xr.Dataset()
    out["newly_displaced"] = ds["newly_displaced"].sum("day")
    out["into_turkish_held"] = ds["inflow_turkish_held"].sum("day")
    out["to_government"] = ds["inflow_government"].sum("day")
    out["into_turkey"] = ds["inflow_turkey"].sum("day")
    zone = [p for p in border_zone if p in ds["place"].values]
    at_border = occ.sel(place=zone).sum("place", min_count=1)
    out["at_border_peak"] = at_border.max("day")
    last = (ds["scenario_days"] - 1).clip(min=0)
    out["at_border_end"] = at_border.isel(day=last)
    # the border zone's camps hold people before the offensive: the rise is the new pressure
    out["at_border_added"] = (at_border - at_border.isel(day=0)).max("day")
    ratio = (occ / ds["capacity"]).where(camps)
    worst = ratio.max("place")  # (scenario, member, day)
    # clusters already over capacity on day 0 (UNHCR: some sites at 120 %) would make this
    # day 0 in most members; count only clusters that start at or under capacity
    room_at_start = ratio.isel(day=0) <= 1.0
    over = ((ratio > 1.0) & room_at_start).any("place")
    first = over.argmax("day").astype(float)
    out["first_overflow_day"] = first.where(over.any("day"))
    out["peak_overload"] = worst.max("day")
    return out


def summarise(ds: xr.Dataset, border_zone: list[str]) -> pd.DataFrame:
    """Tidy table: scenario, metric, unit, median, p05, p95, members (and share for overflow)."""
    mm = member_metrics(ds, border_zone)
    rows = []
    for s in ds["scenario"].values:
        for name, (unit, label) in METRICS.items():
            v = mm[name].sel(scenario=s).values.astype(float)
            ok = v[~np.isnan(v)]
            row = {
                "scenario": str(s),
                "metric": name,
                "label": label,
                "unit": unit,
                "median": float(np.median(ok)) if ok.size else np.nan,
                "p05": float(np.percentile(ok, 5)) if ok.size else np.nan,
                "p95": float(np.percentile(ok, 95)) if ok.size else np.nan,
                "members": int(v.size),
                "members_with_value": int(ok.size),
            }
            rows.append(row)
    return pd.DataFrame(rows)


def daily_bands(ds: xr.Dataset, border_zone: list[str]) -> pd.DataFrame:
    """Tidy daily table: scenario, day, date, variable, median, p05, p95 (people)."""
    zone = [p for p in border_zone if p in ds["place"].values]
    camps = ds["capacity"].notnull()
    series = {
        "newly_displaced_cumulative": ds["newly_displaced"].cumsum("day"),
        "at_border": ds["occupancy"].sel(place=zone).sum("place", min_count=1),
        "in_camp_clusters": ds["occupancy"].where(camps).sum("place", min_count=1),
        "in_turkish_held": ds["occupancy"]
        .where(ds["kind"] == "turkish_held_area")
        .sum("place", min_count=1),
        "in_government_areas": ds["occupancy"]
        .where(ds["kind"] == "regime_area")
        .sum("place", min_count=1),
    }
    frames = []
    dates = pd.to_datetime(ds["time"].values).strftime("%Y-%m-%d")
    for name, da in series.items():
        with warnings.catch_warnings():  # days after a shorter scenario's end are all NaN
            warnings.simplefilter("ignore", RuntimeWarning)
            q = da.quantile([0.5, 0.05, 0.95], dim="member", skipna=True)
        for s in ds["scenario"].values:
            n = int(ds["scenario_days"].sel(scenario=s))
            qs = q.sel(scenario=s).values[:, :n]
            frames.append(
                pd.DataFrame(
                    {
                        "scenario": str(s),
                        "day": np.arange(n),
                        "date": dates[:n],
                        "variable": name,
                        "median": qs[0],
                        "p05": qs[1],
                        "p95": qs[2],
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def compare_references(summary: pd.DataFrame, references) -> pd.DataFrame:  # noqa: ANN001
    """Each planning figure next to the scenarios it is compared with."""
    rows = []
    for ref in references:
        for s in ref.compare_with or [None]:
            row = {
                "reference": ref.key,
                "label": ref.label,
                "metric": ref.metric,
                "ref_low": ref.low,
                "ref_high": ref.high if ref.high is not None else ref.low,
                "scenario": s or "",
                "median": np.nan,
                "p05": np.nan,
                "p95": np.nan,
                "source": ref.source,
            }
            if s is not None:
                hit = summary[(summary.scenario == s) & (summary.metric == ref.metric)]
                if len(hit):
                    row.update(hit.iloc[0][["median", "p05", "p95"]].to_dict())
            rows.append(row)
    cols = [
        "reference",
        "label",
        "metric",
        "ref_low",
        "ref_high",
        "scenario",
        "median",
        "p05",
        "p95",
        "source",
    ]
    df = pd.DataFrame(rows, columns=cols)
    df["median_vs_reference"] = ""
    if len(df):

        def where(r: pd.Series) -> str:
            if not r["scenario"] or np.isnan(r["median"]):
                return "no scenario"
            if r["median"] < r["ref_low"]:
                return "below"
            if r["median"] > r["ref_high"]:
                return "above"
            return "within"

        df["median_vs_reference"] = df.apply(where, axis=1)
    return df
