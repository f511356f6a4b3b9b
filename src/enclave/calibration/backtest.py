"""The blind back-test: ``idlib-2019-20`` run with the 2019 calibration only.

Per member (inputs drawn from the calibrated case: the fitted inputs from their 90 %
intervals, the others from their sourced ranges):

1. the 2019 offensive (``idlib-2019``) is run with the same inputs; its last day gives the
   people already displaced per place on 1 December 2019 (they start as agents where they
   ended, like camp residents), and the willing people left per town are the expected
   remainder of Flee's pop_ratio spawning, ``willing x prod_d (1 - spawn_rate x I[d])``
   over the 2019 timeline (the engine does not report per-town spawning). The two months
   from 30 Sept to 1 Dec 2019 are taken as quiet (no sourced displacement used).
2. ``idlib-2019-20`` is run from that state.

Outputs: cumulative people newly displaced since 1 Dec 2019 (each once: new agents plus
people already displaced who flee again when the conflict reaches them) on 1 Dec + 7k days
to 1 Mar 2020 and on 5 Mar 2020; the split on 5 Mar by control of each place that day (the
rise of the people at places of each region since day 0, over the newly displaced; people on
roads count at the destination of the links entered on the last days; people displaced
before 1 Dec are left out where their place kept its holder; ``nw_idlib`` is the rest);
the camp clusters over capacity and the first day each overflows.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date as Date
from datetime import timedelta

import numpy as np
import pandas as pd

from enclave.calibration.fit import REGION_OF_CONTROL
from enclave.conflict.timeline import timeline
from enclave.ensemble.inputs import border_policies, ground_joiners, member_inputs, people
from enclave.ensemble.runner import MemberSpec, RunConfig, member_specs, run_member
from enclave.scenario.geography import geography
from enclave.scenario.model import Case

REGIONS = ("nw_idlib", "north_aleppo", "government", "turkey")


def weekly_days(case: Case) -> list[int]:
    """Day 0 and every 7th day of the case's scenario, and its last day (the split's day):
    the dates come from the case file, none is written here."""
    end = case.scenarios[0].days - 1
    days = list(range(0, end + 1, 7))
    return days + ([end] if end not in days else [])


def carried_state(
    case19: Case, case20: Case, values: dict[str, float], scale: int, seed: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(willing people left, people displaced, people not willing left) per place after
    the 2019 run."""
    if case19.place_names != case20.place_names:
        raise ValueError("the two cases must share one geography")
    sc = case19.scenarios[0]
    out = run_member(RunConfig(case=case19, scale=scale), MemberSpec(sc.name, 0, values, seed))
    occ_end = np.nan_to_num(out.occupancy[sc.days - 1].astype(np.float64))
    ppl = people(case19, values)
    tl = timeline(sc, geography(case19), border_policies(case19, sc, None))
    keep = 1.0 - np.clip(values["spawn_rate"] * tl.intensity.astype(np.float64), 0, 1)
    joining = ground_joiners(tl.intensity, ppl.unwilling, values)
    joined = np.zeros((sc.days, len(ppl.willing))) if joining is None else joining[: sc.days]
    willing = ppl.willing.copy()
    for d in range(sc.days):  # the engine's order: join, then spawn
        willing = (willing + joined[d]) * keep[d]
    return willing, occ_end, ppl.unwilling - joined.sum(axis=0)


def run_member_backtest(case19: Case, case20: Case, spec: MemberSpec, scale: int) -> dict:
    from enclave.displacement.engine import simulate

    rng = np.random.default_rng(spec.seed)
    s19, s20 = (int(x) for x in rng.integers(2**31, size=2))
    state = carried_state(case19, case20, spec.values, scale, s19)
    sc = case20.scenarios[0]
    geo = geography(case20)
    mi = member_inputs(case20, sc, spec.values, scale, geo=geo, state=state)
    res = simulate(mi.network, mi.drivers, mi.rules, seed=s20, threads=1)
    k = float(scale)
    new = res.spawned.astype(np.int64).copy()
    new[0] -= int(mi.drivers.initial_agents.sum())
    hit = mi.drivers.conflict > 0
    new += (res.initial_departures * hit).sum(axis=1)
    cum = np.cumsum(new) * k
    last = sc.days - 1
    occ = res.occupancy.astype(np.float64) * k
    start = mi.drivers.initial_agents.astype(np.float64) * k
    # people on roads on the last day: at the destinations of the links entered lately
    entries = res.link_entries[max(0, last - 2) : last + 1].sum(axis=0).astype(np.float64)
    at = occ[last].copy()
    if entries.sum() > 0 and res.on_links[last] > 0:
        np.add.at(at, geo.link_to, res.on_links[last] * k * entries / entries.sum())
    control = mi.timeline.control[last]
    # people displaced before day 0 stay out of the split where the place kept its holder;
    # at a place that changed hands they left (or count as having fled again)
    same = mi.timeline.control[0] == control
    total = max(float(cum[last]), 1.0)
    split = {}
    for code, region in REGION_OF_CONTROL.items():
        if region != "nw_idlib":
            m = control == code
            split[region] = max(0.0, float((at[m] - start[m] * same[m]).sum()) / total)
    split["nw_idlib"] = 1.0 - sum(split.values())
    cap = mi.network.capacity.astype(np.float64) * k
    camps = [i for i, kd in enumerate(geo.kinds) if kd == "idp_camp_cluster" and cap[i] > 0]
    first = {}
    for i in camps:
        over = np.flatnonzero(occ[:, i] > cap[i])
        first[geo.names[i]] = int(over[0]) if len(over) else -1
    return {
        "cum": cum,
        "split": split,
        "first_over": first,
        "capacity": {geo.names[i]: float(cap[i]) for i in camps},
    }


def backtest(
    case19: Case,
    case20: Case,
    members: int,
    seed: int,
    scale: int,
    on_done: Callable[[], None] | None = None,
) -> dict:
    """Run ``members`` members; the weekly table, the split and the camps over capacity."""
    specs, _ = member_specs(case20, [case20.scenarios[0].name], members, seed)
    outs = []
    for spec in specs:
        outs.append(run_member_backtest(case19, case20, spec, scale))
        if on_done is not None:
            on_done()
    t0 = Date.fromisoformat(case20.start_date)
    days = weekly_days(case20)
    cum = np.array([o["cum"] for o in outs])
    weekly = []
    for d in days:
        q5, q50, q95 = np.percentile(cum[:, d], [5, 50, 95])
        weekly.append(
            {
                "date": (t0 + timedelta(days=d)).isoformat(),
                "median": float(q50),
                "p05": float(q5),
                "p95": float(q95),
            }
        )
    split = {}
    for r in REGIONS:
        v = np.array([o["split"][r] for o in outs])
        q5, q50, q95 = np.percentile(v, [5, 50, 95])
        split[r] = {"median": float(q50), "p05": float(q5), "p95": float(q95)}
    camps = []
    for name, capv in outs[0]["capacity"].items():
        f = np.array([o["first_over"][name] for o in outs])
        share = float(np.mean(f >= 0))
        med = float(np.median(f[f >= 0])) if (f >= 0).any() else float("nan")
        camps.append(
            {
                "cluster": name,
                "capacity": capv,
                "share_of_members_over": share,
                "first_overflow_date": (t0 + timedelta(days=int(med))).isoformat()
                if med == med
                else "",
            }
        )
    return {
        "weekly": weekly,
        "split": split,
        "split_date": (t0 + timedelta(days=days[-1])).isoformat(),
        "camps": camps,
    }


def forecast_frame(result: dict) -> pd.DataFrame:
    rows = [
        {
            "table": "weekly",
            "key": w["date"],
            "median": w["median"],
            "p05": w["p05"],
            "p95": w["p95"],
        }
        for w in result["weekly"]
    ]
    split = f"split_{result['split_date']}"
    rows += [{"table": split, "key": r, **v} for r, v in result["split"].items()]
    rows += [
        {
            "table": "camp_over_capacity",
            "key": c["cluster"],
            "median": c["share_of_members_over"],
            "p05": float("nan"),
            "p95": float("nan"),
            "note": c["first_overflow_date"],
        }
        for c in result["camps"]
    ]
    return pd.DataFrame(rows)
