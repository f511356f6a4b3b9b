"""Summary tables from an ensemble Dataset: per scenario, median and 5-95 % band.

Every metric is computed per scenario x member, then banded over the members that have a
value; its plain-words definition lives in :data:`DEFINITIONS` (one table, used by the
report, by the terminal table's legend and as the ``comment`` attribute of the
``metric_*`` variables that :func:`summarise` adds to the Dataset, so ``results.nc`` carries
them).

Camp clusters often start full (drawn day-0 occupancy up to 1.2 of capacity), so a camp
*overflows* on the first day its occupancy rises above both its day-0 level and its
capacity; the person-days above capacity measure how long and how badly it stays over.
Every camp cluster is reported (rows with a ``place``), not only the worst.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import xarray as xr

#: name -> (unit, short label, plain-words definition). Labels name no country or region:
#: the report puts the case's own words around them.
DEFINITIONS: dict[str, tuple[str, str, str]] = {
    "newly_displaced": (
        "people",
        "people newly displaced",
        "people who left a place in conflict during the scenario, each counted once "
        "(camp residents who flee a camp the fighting reached count on the day they first "
        "leave)",
    ),
    "flight_day_90": (
        "day",
        "day by which 90 % of them have fled",
        "first day on which the cumulative newly displaced reach 90 % of the scenario's total "
        "(day 0 = the case's start date)",
    ),
    "into_turkish_held": (
        "people",
        "arrivals in the held areas by the border",
        "people entering the held areas on this side of the border (outside the enclave, "
        "not government-held) from other kinds of place, summed over the scenario",
    ),
    "to_government": (
        "people",
        "arrivals in government-held areas",
        "people entering government-held areas over front-line roads, summed over the scenario",
    ),
    "into_turkey": (
        "people",
        "crossings across the border",
        "people crossing the international border out of the country, summed over the "
        "scenario (0 when the border is closed)",
    ),
    "at_border_peak": (
        "people",
        "people at the border (peak)",
        "people at the places of the case's border zone (crossings and camps along the "
        "border) on the worst day",
    ),
    "at_border_end": (
        "people",
        "people at the border (last day)",
        "people at the places of the border zone on the scenario's last day",
    ),
    "at_border_added": (
        "people",
        "people at the border above day 0 (peak)",
        "the largest rise of people in the border zone over its day-0 level (its camps hold "
        "people before the offensive)",
    ),
    "first_overflow_day": (
        "day",
        "first day a camp cluster overflows",
        "first day on which any camp cluster holds more people than both its day-0 level and "
        "its capacity (never: no cluster did in that member)",
    ),
    "person_days_over": (
        "person-days",
        "person-days above camp capacity",
        "over all camp clusters and days, the people above each cluster's capacity, summed "
        "(1 person over capacity for 10 days = 10)",
    ),
    "peak_overload": (
        "1",
        "peak camp occupancy / capacity",
        "the largest occupancy divided by capacity over days and camp clusters",
    ),
    "camp_first_over_day": (
        "day",
        "first day it overflows",
        "first day on which the cluster holds more than both its day-0 level and its capacity",
    ),
    "camp_person_days_over": (
        "person-days",
        "person-days above capacity",
        "people above the cluster's capacity, summed over the days",
    ),
    "camp_peak_ratio": (
        "1",
        "peak occupancy / capacity",
        "the cluster's largest occupancy divided by its capacity",
    ),
}

#: Metrics of the whole case (one value per scenario x member).
METRICS = {k: (u, lab) for k, (u, lab, _) in DEFINITIONS.items() if not k.startswith("camp_")}
#: Metrics of each camp cluster (scenario x member x place).
CAMP_METRICS = {k: (u, lab) for k, (u, lab, _) in DEFINITIONS.items() if k.startswith("camp_")}


def _first_day(flag: xr.DataArray) -> xr.DataArray:
    """First day a boolean is true along ``day`` (NaN where never)."""
    return flag.argmax("day").astype(float).where(flag.any("day"))


def camp_places(ds: xr.Dataset) -> list[str]:
    """The camp clusters: places of kind ``idp_camp_cluster`` with a capacity.

    Towns with room for new arrivals (the Turkish-held north's) also carry a capacity, but
    a town over its room is not a camp over capacity; their gap shows in the needs."""
    if "kind" not in ds:  # a Dataset without kinds (older results): every capacity
        return [
            str(p) for p in ds["place"].values if bool(ds["capacity"].sel(place=p).notnull().any())
        ]
    kinds = ds["kind"].values
    return [
        str(p)
        for p, k in zip(ds["place"].values, kinds, strict=True)
        if k == "idp_camp_cluster" and bool(ds["capacity"].sel(place=p).notnull().any())
    ]


def member_metrics(ds: xr.Dataset, border_zone: list[str]) -> xr.Dataset:
    """Every metric for every scenario x member (camp metrics also x camp place)."""
    occ = ds["occupancy"]
    out = xr.Dataset()
    new = ds["newly_displaced"]
    out["newly_displaced"] = new.sum("day")
    cum = new.fillna(0).cumsum("day")
    out["flight_day_90"] = _first_day((cum >= 0.9 * out["newly_displaced"]) & (cum > 0))
    out["into_turkish_held"] = ds["inflow_turkish_held"].sum("day")
    out["to_government"] = ds["inflow_government"].sum("day")
    out["into_turkey"] = ds["inflow_turkey"].sum("day")
    zone = [p for p in border_zone if p in ds["place"].values]
    at_border = occ.sel(place=zone).sum("place", min_count=1)
    out["at_border_peak"] = at_border.max("day")
    last = (ds["scenario_days"] - 1).clip(min=0)
    out["at_border_end"] = at_border.isel(day=last)
    out["at_border_added"] = (at_border - at_border.isel(day=0)).max("day")
    camps = camp_places(ds)
    if camps:
        c_occ = occ.sel(place=camps)
        cap = ds["capacity"].sel(place=camps)
        level = np.maximum(c_occ.isel(day=0), cap)
        out["camp_first_over_day"] = _first_day(c_occ > level)
        out["camp_person_days_over"] = (c_occ - cap).clip(min=0).sum("day")
        out["camp_peak_ratio"] = (c_occ / cap).max("day")
        out["first_overflow_day"] = out["camp_first_over_day"].min("place")
        out["person_days_over"] = out["camp_person_days_over"].sum("place")
        out["peak_overload"] = out["camp_peak_ratio"].max("place")
    else:
        nan = xr.full_like(out["newly_displaced"], np.nan, dtype=float)
        for k in ("first_overflow_day", "person_days_over", "peak_overload"):
            out[k] = nan
    for k in out.data_vars:
        unit, label, definition = DEFINITIONS[k]
        out[k].attrs = {"units": unit, "long_name": label, "comment": definition}
    return out


def add_metrics(ds: xr.Dataset, mm: xr.Dataset) -> None:
    """Put the member metrics into ``ds`` as ``metric_<name>`` (with their definitions)."""
    for k in mm.data_vars:
        ds[f"metric_{k}"] = mm[k].astype(np.float32)
        ds[f"metric_{k}"].attrs = dict(mm[k].attrs)


def _row(s: str, name: str, place: str, v: np.ndarray) -> dict:
    unit, label, definition = DEFINITIONS[name]
    ok = v[~np.isnan(v)]
    return {
        "scenario": s,
        "metric": name,
        "place": place,
        "label": label,
        "unit": unit,
        "median": float(np.median(ok)) if ok.size else np.nan,
        "p05": float(np.percentile(ok, 5)) if ok.size else np.nan,
        "p95": float(np.percentile(ok, 95)) if ok.size else np.nan,
        "members": int(v.size),
        "members_with_value": int(ok.size),
        "definition": definition,
    }


def summarise(ds: xr.Dataset, border_zone: list[str]) -> pd.DataFrame:
    """Tidy table: scenario, metric, place ('' = whole case), median, p05, p95, members.

    Also adds the member metrics to ``ds`` (``metric_*``, see :func:`add_metrics`) and the
    humanitarian needs (``needs_*``, see :mod:`enclave.analysis.needs`), so that the
    ``results.nc`` written from ``ds`` afterwards carries them.
    """
    from enclave.analysis.needs import add_needs

    mm = member_metrics(ds, border_zone)
    add_metrics(ds, mm)
    add_needs(ds)
    rows = []
    per_place = "camp_peak_ratio" in mm
    if per_place:  # numpy once, not one xarray selection per (scenario, place, metric)
        camp_values = {name: _scenario_place(mm[name]) for name in CAMP_METRICS}
    for i, s in enumerate(ds["scenario"].values):
        for name in METRICS:
            rows.append(_row(str(s), name, "", mm[name].sel(scenario=s).values.astype(float)))
        if per_place:
            for j, p in enumerate(mm["place"].values):
                for name in CAMP_METRICS:
                    rows.append(_row(str(s), name, str(p), camp_values[name][i, j]))
    return pd.DataFrame(rows)


def _scenario_place(da: xr.DataArray) -> np.ndarray:
    """``da`` as a float array indexed [scenario, place, ...], in the coordinates' order."""
    return da.transpose("scenario", "place", ...).values.astype(float)


def daily_bands(ds: xr.Dataset, border_zone: list[str]) -> pd.DataFrame:
    """Tidy daily table: scenario, day, date, variable, median, p05, p95 (people)."""
    zone = [p for p in border_zone if p in ds["place"].values]
    camps = ds["place"].isin(camp_places(ds))
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


def compare_references(
    summary: pd.DataFrame,
    references,  # noqa: ANN001
    daily: pd.DataFrame | None = None,
    start_date: str | None = None,
) -> pd.DataFrame:
    """Each planning figure next to the scenarios it is compared with.

    A dated reference (an observed count up to a date) is compared with the cumulative
    people newly displaced on that day of the run, from ``daily`` (:func:`daily_bands`);
    its ``day`` column says which (NaN for the others)."""
    rows = []
    for ref in references:
        day = None
        if ref.date is not None and start_date is not None:
            day = (pd.Timestamp(ref.date) - pd.Timestamp(start_date)).days
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
                "date": "" if ref.date is None else str(ref.date),
                "day": np.nan if day is None else float(day),
            }
            if s is not None and day is not None:
                if daily is not None:
                    hit = daily[
                        (daily.scenario == s)
                        & (daily.variable == "newly_displaced_cumulative")
                        & (daily.day == day)
                    ]
                    if len(hit):
                        row.update(hit.iloc[0][["median", "p05", "p95"]].to_dict())
            elif s is not None:
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
        "date",
        "day",
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


def camp_table(ds: xr.Dataset) -> pd.DataFrame:
    """Each camp cluster in each scenario: capacity, day-0 and peak occupancy, first day
    over capacity, person-days over (median and 5-95 % over members; ``members_over``: how
    many members ever go over). The planner's "which camps overflow, and when"."""
    camps = camp_places(ds)
    rows = []
    if not camps:
        return pd.DataFrame(rows)
    occ = ds["occupancy"].sel(place=camps)
    cap = ds["capacity"].sel(place=camps)
    # the per-cluster metrics as summarise stored them (or as member_metrics defines them)
    if all(f"metric_{k}" in ds for k in CAMP_METRICS):
        mm = {k: ds[f"metric_{k}"].sel(place=camps) for k in CAMP_METRICS}
    else:
        mm = member_metrics(ds, [])
    first = mm["camp_first_over_day"].sel(place=camps)
    over = mm["camp_person_days_over"].sel(place=camps)
    peak = occ.max("day")
    start = pd.Timestamp(str(ds["time"].values[0])) if "time" in ds else None

    def q(v: np.ndarray) -> tuple[float, float, float]:
        v = v[~np.isnan(v)]
        if not v.size:
            return (np.nan, np.nan, np.nan)
        return tuple(float(x) for x in np.percentile(v, [50, 5, 95]))

    # numpy once, not one xarray selection per (scenario, cluster, figure)
    first_v, peak_v, over_v = _scenario_place(first), _scenario_place(peak), _scenario_place(over)
    day0_v = _scenario_place(occ.isel(day=0))
    cap_v = cap.transpose("place", ...).values.astype(float)
    for i, s in enumerate(ds["scenario"].values):
        for j, c in enumerate(camps):
            f, pk, cp = first_v[i, j], peak_v[i, j], cap_v[j]
            ratio = pk / cp
            fd = q(f)
            rows.append(
                {
                    "scenario": str(s),
                    "camp_cluster": c,
                    "capacity": q(cp)[0],
                    "day0_occupancy": q(day0_v[i, j])[0],
                    "peak_occupancy": q(pk)[0],
                    "peak_occupancy_p05": q(pk)[1],
                    "peak_occupancy_p95": q(pk)[2],
                    "peak_ratio": q(ratio)[0],
                    "peak_ratio_p05": q(ratio)[1],
                    "peak_ratio_p95": q(ratio)[2],
                    "first_day_over": fd[0],
                    "first_date_over": (
                        ""
                        if start is None or np.isnan(fd[0])
                        else (start + pd.Timedelta(days=int(fd[0]))).strftime("%Y-%m-%d")
                    ),
                    "members_over": int((~np.isnan(f)).sum()),
                    "members": int(f.size),
                    "person_days_over": q(over_v[i, j])[0],
                }
            )
    df = pd.DataFrame(rows)
    return df.sort_values(["scenario", "peak_ratio"], ascending=[True, False], kind="stable")
