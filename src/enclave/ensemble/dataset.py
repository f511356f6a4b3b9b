"""An ensemble as one xarray Dataset (scenario x member x day x place), saved as CF NetCDF."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

import enclave
from enclave.conflict.timeline import border_schedule, timeline
from enclave.ensemble.inputs import border_policies, people
from enclave.ensemble.runner import INFLOW_GROUPS, EnsembleRun
from enclave.io import write_atomic
from enclave.scenario.geography import geography
from enclave.scenario.model import CONTROL_CODES, INPUT_NAMES

_PEOPLE = {"units": "people"}


def to_dataset(run: EnsembleRun) -> xr.Dataset:
    """Collect the members of an ensemble run into one Dataset with CF-style metadata."""
    cfg = run.config
    case = cfg.case
    geo = geography(case)
    S, M, D, P = len(run.scenarios), run.members, cfg.days, geo.n_places
    sidx = {n: i for i, n in enumerate(run.scenarios)}

    occ = np.full((S, M, D, P), np.nan, dtype=np.float32)
    arr = np.full((S, M, D, P), np.nan, dtype=np.float32)
    new = np.full((S, M, D), np.nan, dtype=np.float32)
    roads = np.full((S, M, D), np.nan, dtype=np.float32)
    inflow = {k: np.full((S, M, D), np.nan, dtype=np.float32) for k in INFLOW_GROUPS}
    seeds = np.zeros((S, M), dtype=np.int64)
    unplaced = np.zeros((S, M), dtype=np.float32)
    steps = np.zeros((S, M), dtype=np.int64)
    for o in run.outputs:
        s, m = sidx[o.scenario], o.member
        occ[s, m], arr[s, m] = o.occupancy, o.arrivals
        new[s, m], roads[s, m] = o.newly_displaced, o.on_roads
        for k in INFLOW_GROUPS:
            inflow[k][s, m] = o.inflows[k]
        seeds[s, m], unplaced[s, m], steps[s, m] = o.seed, o.unplaced, o.agent_steps

    intensity = np.zeros((S, D, P), dtype=np.float32)
    control = np.full((S, D, P), -1, dtype=np.int8)
    border_cap = np.full((S, D), -2, dtype=np.int64)
    for name, s in sidx.items():
        sc = case.scenario(name)
        pol = border_policies(case, sc, cfg.border)
        tl = timeline(sc, geo, pol)
        intensity[s, : sc.days], control[s, : sc.days] = tl.intensity, tl.control
        border_cap[s, : sc.days] = border_schedule(pol, sc.days)

    capacity = np.full((M, P), np.nan, dtype=np.float32)
    initial = np.zeros((M, P), dtype=np.float32)
    population = np.zeros((M, P), dtype=np.float32)
    willing = np.zeros((M, P), dtype=np.float32)
    for m in range(M):
        ppl = people(case, {k: float(run.draws[m, j]) for j, k in enumerate(INPUT_NAMES)})
        capacity[m] = np.where(ppl.capacity > 0, ppl.capacity, np.nan)
        initial[m], population[m], willing[m] = ppl.residents, ppl.population, ppl.willing

    start = pd.Timestamp(case.start_date)
    time_units = f"days since {case.start_date} 00:00:00"
    dims4 = ("scenario", "member", "day", "place")
    dims3 = ("scenario", "member", "day")
    data_vars = {
        "occupancy": (
            dims4,
            occ,
            {**_PEOPLE, "long_name": "people at the place at the end of the day"},
        ),
        "arrivals": (dims4, arr, {**_PEOPLE, "long_name": "people arriving at the place that day"}),
        "newly_displaced": (
            dims3,
            new,
            {
                **_PEOPLE,
                "long_name": "people newly displaced that day (leaving a place in conflict)",
            },
        ),
        "on_roads": (
            dims3,
            roads,
            {**_PEOPLE, "long_name": "people travelling on roads at the end of the day"},
        ),
        "intensity": (
            ("scenario", "day", "place"),
            intensity,
            {"units": "1", "long_name": "conflict intensity (0 none, 1 ground offensive)"},
        ),
        "control": (
            ("scenario", "day", "place"),
            control,
            {
                "long_name": "who holds the place",
                "flag_values": np.array([-1, *sorted(CONTROL_CODES.values())], dtype=np.int8),
                "flag_meanings": "after_scenario_end "
                + " ".join(k for k, _ in sorted(CONTROL_CODES.items(), key=lambda kv: kv[1])),
            },
        ),
        "border_capacity": (
            ("scenario", "day"),
            border_cap,
            {
                "units": "people/day",
                "long_name": "border policy per border link: -1 open, 0 closed, n daily quota "
                "(-2 after the scenario's end)",
            },
        ),
        "capacity": (
            ("member", "place"),
            capacity,
            {**_PEOPLE, "long_name": "camp capacity (NaN: no limit)"},
        ),
        "initial": (
            ("member", "place"),
            initial,
            {**_PEOPLE, "long_name": "camp residents on day 0"},
        ),
        "population": (
            ("member", "place"),
            population,
            {
                **_PEOPLE,
                "long_name": "people living in the town (scaled to the drawn enclave total)",
            },
        ),
        "willing": (
            ("member", "place"),
            willing,
            {
                **_PEOPLE,
                "long_name": "people in the town who would leave if the conflict reached it",
            },
        ),
        "run_seed": (
            ("scenario", "member"),
            seeds,
            {"long_name": "engine seed of the run (from SeedSequence(seed).spawn)"},
        ),
        "unplaced": (
            ("scenario", "member"),
            unplaced,
            {**_PEOPLE, "long_name": "people the engine could not spawn"},
        ),
        "agent_steps": (
            ("scenario", "member"),
            steps,
            {"units": "1", "long_name": "sum over days of agents alive"},
        ),
    }
    for k, kind in INFLOW_GROUPS.items():
        data_vars[k] = (
            dims3,
            inflow[k],
            {**_PEOPLE, "long_name": f"people entering {kind} places from other kinds that day"},
        )
    coords = {
        "scenario": (
            "scenario",
            np.array(run.scenarios, dtype=object),
            {"long_name": "scenario name"},
        ),
        "scenario_title": (
            "scenario",
            np.array([case.scenario(n).title for n in run.scenarios], dtype=object),
        ),
        "scenario_days": (
            "scenario",
            np.array([case.scenario(n).days for n in run.scenarios], dtype=np.int32),
            {"units": "days"},
        ),
        "member": ("member", np.arange(M, dtype=np.int32), {"long_name": "ensemble member"}),
        "day": (
            "day",
            np.arange(D, dtype=np.int32),
            {"units": "1", "long_name": f"day of the run (day 0 = {case.start_date})"},
        ),
        "time": (
            "day",
            (start + pd.to_timedelta(np.arange(D), unit="D")).values,
            {"standard_name": "time", "long_name": "date"},
        ),
        "place": (
            "place",
            np.array(geo.names, dtype=object),
            {"cf_role": "timeseries_id", "long_name": "place name"},
        ),
        "lat": ("place", geo.lat, {"standard_name": "latitude", "units": "degrees_north"}),
        "lon": ("place", geo.lon, {"standard_name": "longitude", "units": "degrees_east"}),
        "kind": (
            "place",
            np.array(geo.kinds, dtype=object),
            {"long_name": "place kind in the case file"},
        ),
    }
    for j, k in enumerate(INPUT_NAMES):
        r = getattr(case.inputs, k)
        coords[f"input_{k}"] = (
            "member",
            run.draws[:, j].astype(np.float64),
            {
                "units": r.unit,
                "long_name": r.description or k,
                "valid_min": r.low,
                "valid_max": r.high,
                "comment": f"drawn uniformly from [low, high]; source: {r.source}",
            },
        )
    ds = xr.Dataset(data_vars=data_vars, coords=coords)
    ds["time"].encoding.update({"units": time_units, "calendar": "standard", "dtype": "int32"})
    ds.attrs = {
        "Conventions": "CF-1.8",
        "featureType": "timeSeries",
        "title": f"Enclave ensemble: {case.title}",
        "case": case.case,
        "source": f"Enclave {enclave.__version__} (Flee 3.1 rules, enclave.displacement.engine)",
        "seed": int(run.seed),
        "seed_comment": "numpy.random.SeedSequence(seed): child 0 draws the inputs per member "
        "(shared by scenarios), child 1 spawns one engine seed per scenario x member",
        "scale": int(cfg.scale),
        "scale_comment": "one agent stands for this many people; values are agents x scale",
        "members": int(M),
        "border_lever": cfg.border or "case default",
        "start_date": case.start_date,
    }
    return ds


def save_netcdf(ds: xr.Dataset, path: Path) -> None:
    """NetCDF4 (h5netcdf), compressed, written atomically."""
    enc = {}
    for name, var in ds.data_vars.items():
        if var.dtype.kind == "f" and var.ndim >= 3:
            enc[name] = {"zlib": True, "complevel": 4}
    write_atomic(path, lambda tmp: ds.to_netcdf(tmp, engine="h5netcdf", encoding=enc))
