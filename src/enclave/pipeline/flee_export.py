"""Write one scenario of a case as a Flee instance folder (inputs + a validation folder).

Layout (Flee 3.1 readers): ``input_csv/locations.csv``, ``routes.csv``, ``closures.csv``,
``conflicts.csv``, ``sim_period.csv``; ``source_data/data_layout.csv``, ``refugees.csv`` and
one file per camp cluster (its day-0 residents, for Flee's ``insert_day0``);
``simsetting.yml``; ``README.txt`` saying what Flee cannot express.

Values are the case's central inputs, in people (no scaling). What Flee 3.1 cannot express:
daily quotas (a road is written closed only on days when both of its directions are
closed; a quota becomes open), changes of intensity while a place stays in conflict
(Flee reads the intensity at a conflict's onset only) and the people whom ground fighting
adds to those who leave (``ground_joiners``).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from enclave.conflict.timeline import timeline
from enclave.ensemble.inputs import (
    border_policies,
    central_values,
    ground_joiners,
    people,
    rules_for,
)
from enclave.scenario.geography import geography
from enclave.scenario.model import Case

FLEE_TYPE = {
    "town": "town",
    "border_crossing": "town",
    "idp_camp_cluster": "camp",
    "turkish_held_area": "camp",
    "regime_area": "camp",
    "turkey": "camp",
}

_MOVE_KEYS = (  # noqa: SIM905
    "max_move_speed max_walk_speed foreign_weight camp_weight conflict_weight "
    "conflict_movechance camp_movechance idpcamp_movechance default_movechance "
    "awareness_level capacity_buffer avoid_short_stints start_on_foot softening "
    "weight_power distance_power"
).split()


def _csv(rows: list[list]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue()


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in name.lower()).strip("_")


def flee_files(case: Case, scenario_name: str, border: str | None = None) -> dict[str, str]:
    """Relative path -> text of every file of the Flee instance."""
    sc = case.scenario(scenario_name)
    geo = geography(case)
    values = central_values(case)
    ppl = people(case, values)
    tl = timeline(sc, geo, border_policies(case, sc, border))
    D = sc.days
    start = pd.Timestamp(case.start_date)
    conflict_any = tl.intensity.max(axis=0) > 0
    first = np.where(conflict_any, (tl.intensity > 0).argmax(axis=0), -1)

    loc = [
        ["#name", "region", "country", "lat", "lon", "location_type", "conflict_date", "population"]
    ]
    for i, p in enumerate(case.places):
        kind = FLEE_TYPE[p.kind]
        if kind == "camp":
            value = str(int(round(ppl.capacity[i]))) if ppl.capacity[i] > 0 else ""
        else:
            value = str(int(round(ppl.willing[i])))
        if kind == "town" and conflict_any[i]:
            ltype, cdate = "conflict_zone", int(first[i])
        else:
            ltype, cdate = kind, 0
        region = (p.notes or "").split("governorate: ")[-1].split(",")[0] if p.notes else ""
        loc.append([p.name, region, case.country_of(p), p.lat, p.lon, ltype, cdate, value])
    routes = [["#name1", "name2", "distance", "forced_redirection"]]
    routes += [[r.from_, r.to, r.km, 0] for r in case.roads]

    closures = [["#closure_type", "name1", "name2", "closure_start", "closure_end"]]
    lf, lt = geo.link_from, geo.link_to
    for a, b, _km in geo.roads:
        ab = np.flatnonzero((lf == a) & (lt == b))[0]
        ba = np.flatnonzero((lf == b) & (lt == a))[0]
        closed = (tl.link_capacity[:, ab] == 0) & (tl.link_capacity[:, ba] == 0)
        d = 0
        while d < D:
            if closed[d]:
                e = d
                while e < D and closed[e]:
                    e += 1
                closures.append(["link", geo.names[a], geo.names[b], d, e if e < D else D + 1])
                d = e
            else:
                d += 1

    cz = np.flatnonzero(conflict_any)
    conflicts = [["#Day"] + [geo.names[i] for i in cz]]
    for d in range(D):
        conflicts.append([d] + [f"{tl.intensity[d, i]:.3g}" for i in cz])
    period = [["StartDate", case.start_date], ["Length", D]]

    rules = rules_for(case, values)
    sim = {
        "log_levels": {"agent": 0, "link": 0, "camp": 0, "conflict": 0, "init": 0},
        "spawn_rules": {
            "take_from_population": True,
            "insert_day0": True,
            "conflict_driven_spawning": {
                "spawn_mode": "pop_ratio",
                "displaced_per_conflict_day": float(values["spawn_rate"]),
            },
        },
        "move_rules": {k: getattr(rules, k) for k in _MOVE_KEYS},
        "optimisations": {"hasten": 1},
    }
    layout = [["total", "refugees.csv"]]
    files = {}
    day0 = start.strftime("%Y-%m-%d")
    total_camps = 0
    for i, p in enumerate(case.places):
        if FLEE_TYPE[p.kind] == "camp":  # Flee's run.py asks for data for every camp
            fname = f"{_slug(p.name)}.csv"
            layout.append([p.name, fname])
            n = int(round(ppl.residents[i]))
            total_camps += n
            files[f"source_data/{fname}"] = _csv([["Date", "count"], [day0, n]])
    files["source_data/refugees.csv"] = _csv([["Date", "count"], [day0, total_camps]])
    files["source_data/data_layout.csv"] = _csv(layout)
    files["input_csv/locations.csv"] = _csv(loc)
    files["input_csv/routes.csv"] = _csv(routes)
    files["input_csv/closures.csv"] = _csv(closures)
    files["input_csv/conflicts.csv"] = _csv(conflicts)
    files["input_csv/sim_period.csv"] = _csv(period)
    files["simsetting.yml"] = yaml.safe_dump(sim, sort_keys=False)
    quota_days = int(((tl.link_capacity > 0).any(axis=1)).sum())
    joining = ground_joiners(tl.intensity, ppl.unwilling, values)
    joined = 0 if joining is None else int(round(float(joining.sum())))
    files["README.txt"] = (
        f"Flee instance exported by Enclave from case '{case.case}', scenario '{sc.name}'.\n"
        f"{sc.title}\n\nStart {case.start_date}, {D} days. Inputs at their central values: "
        + ", ".join(f"{k}={v:g}" for k, v in values.items())
        + ".\nlocations.csv: lat in column 4, lon in column 5; population = people who would"
        " leave (towns) or capacity (camps; empty = no limit).\n"
        "Camp residents on day 0 are in source_data (insert_day0).\n"
        f"Not expressible in Flee 3.1: daily quotas on {quota_days} day(s) are written as open"
        " roads; intensity changes during a conflict are read by Flee at onset only;"
        f" {joined} people who join those who leave once ground fighting reaches their place"
        " (ground_leave_share) are left out (Flee's population only falls).\n"
    )
    return files


def export_flee(case: Case, scenario_name: str, out: Path, border: str | None = None) -> list[Path]:
    """Write the instance into ``out`` (created); returns the paths written."""
    from enclave.io import write_atomic

    out = Path(out)
    written = []
    for rel, text in flee_files(case, scenario_name, border).items():
        path = out / rel
        write_atomic(path, lambda t, text=text: t.write_text(text, encoding="utf-8"))
        written.append(path)
    return written
