"""Scale benchmark: 3.3 million agents, ~100 places, 365 days, on 1 and 2 threads.

A synthetic, seeded network: 100 places scattered over 600 x 600 km — 15 conflict zones,
65 towns (home country) and 20 camps (abroad, on the east side; their capacities add up to
``--camp-room`` x the agents) — joined by roads to their 3 nearest neighbours plus a
spanning tree, so the graph is connected. All agents exist from day 0 (60 % in conflict
zones, 40 % in towns). Flee's rules with move chances conflict 1.0, town 0.3 and camp
``--camp-movechance`` (0.1), ``start_on_foot`` and ``avoid_short_stints``: more than a tenth
of the agents move every day. The daily link departures are printed (hops: an agent that
crosses several places in a day counts once per link it sets off on).

Each thread count runs in its own child process, so that its peak RSS is its own. Numba's
compile is done on a small warm-up run first and is not part of the engine time.

    python benchmarks/scale.py                    # 3.3 M agents, 365 days, threads 1 and 2
    python benchmarks/scale.py --agents 330000 --days 30 --threads 2
    python benchmarks/scale.py --camp-room 0.5 --camp-movechance 0.15   # heavier traffic

Figures, not assertions.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def synthetic_network(
    seed: int = 7, n_places: int = 100, camp_room: float = 1.2, agents: int = 3_300_000
):
    """The ~100-place network described in the module docstring; the camps' capacities add
    up to ``camp_room`` x ``agents``."""
    from enclave.displacement.network import Network, PlaceKind

    rng = np.random.default_rng(seed)
    n_conflict, n_camp = 15, 20
    n_town = n_places - n_conflict - n_camp
    xy = np.empty((n_places, 2))
    xy[:n_conflict] = rng.uniform([0, 0], [250, 600], size=(n_conflict, 2))  # west
    xy[n_conflict : n_conflict + n_town] = rng.uniform([50, 0], [550, 600], size=(n_town, 2))
    xy[n_conflict + n_town :] = rng.uniform([500, 0], [600, 600], size=(n_camp, 2))  # east
    kind = (
        [int(PlaceKind.CONFLICT_ZONE)] * n_conflict
        + [int(PlaceKind.TOWN)] * n_town
        + [int(PlaceKind.CAMP)] * n_camp
    )
    country = ["Home"] * (n_conflict + n_town) + ["Abroad"] * n_camp
    population = np.zeros(n_places, dtype=np.int64)
    population[: n_conflict + n_town] = rng.integers(20_000, 400_000, n_conflict + n_town)
    capacity = np.zeros(n_places, dtype=np.int64)
    room = rng.uniform(0.5, 1.5, n_camp)
    capacity[n_conflict + n_town :] = np.round(camp_room * agents * room / room.sum())

    dist = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    edges: set[tuple[int, int]] = set()
    for p in range(n_places):  # 3 nearest neighbours
        for q in np.argsort(dist[p])[1:4]:
            edges.add((min(p, int(q)), max(p, int(q))))
    in_tree = {0}  # Prim's spanning tree: the graph is connected
    while len(in_tree) < n_places:
        best = None
        for p in in_tree:
            for q in range(n_places):
                if q not in in_tree and (best is None or dist[p, q] < dist[best[0], best[1]]):
                    best = (p, q)
        in_tree.add(best[1])
        edges.add((min(best), max(best)))
    roads = [(a, b, float(round(1.25 * dist[a, b] + 5.0))) for a, b in sorted(edges)]
    return Network.build(
        names=[f"P{i:03d}" for i in range(n_places)],
        kind=kind,
        country=country,
        population=population,
        capacity=capacity,
        lat=xy[:, 1] / 111.0,
        lon=xy[:, 0] / 111.0,
        roads=roads,
    )


def synthetic_drivers(network, agents: int, days: int, seed: int = 7):
    from enclave.displacement.api import Drivers
    from enclave.displacement.network import PlaceKind

    n_p, n_l = network.n_places, network.n_links
    is_conflict = network.kind == PlaceKind.CONFLICT_ZONE
    is_town = network.kind == PlaceKind.TOWN
    conflict = np.zeros((days, n_p), dtype=np.float32)
    conflict[:, is_conflict] = 1.0
    onset = np.full((days, n_p), -1, dtype=np.int32)
    onset[:, is_conflict] = 0
    rng = np.random.default_rng(seed + 1)
    share = np.zeros(n_p)
    w = network.population.astype(np.float64)
    share[is_conflict] = 0.6 * w[is_conflict] / w[is_conflict].sum()
    share[is_town] = 0.4 * w[is_town] / w[is_town].sum()
    initial = rng.multinomial(agents, share / share.sum()).astype(np.int64)
    return Drivers(
        conflict=conflict,
        conflict_onset=onset,
        link_capacity=np.full((days, n_l), -1, dtype=np.int64),
        initial_agents=initial,
        new_displaced=np.zeros(days, dtype=np.int64),
    )


def synthetic_rules(camp_movechance: float = 0.1):
    from enclave.displacement.rules import MoveRules

    return MoveRules(
        max_move_speed=200.0,
        camp_weight=2.0,
        softening=10.0,
        default_movechance=0.3,
        camp_movechance=camp_movechance,
        start_on_foot=True,
        avoid_short_stints=True,
    )


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def child(
    agents: int, days: int, threads: int, seed: int, camp_room: float, camp_movechance: float
) -> dict:
    """One measured run in this process; returns the figures as a dict."""
    t_proc = time.perf_counter()
    from enclave.displacement import engine

    network = synthetic_network(seed, camp_room=camp_room, agents=agents)
    rules = synthetic_rules(camp_movechance)
    t0 = time.perf_counter()  # warm-up: compile (or load from cache) the kernels
    engine.simulate(network, synthetic_drivers(network, 10_000, 3, seed), rules, seed, threads)
    warmup = time.perf_counter() - t0

    drivers = synthetic_drivers(network, agents, days, seed)
    rss_before = rss_mib()
    t0 = time.perf_counter()
    res = engine.simulate(network, drivers, rules, seed, threads=threads)
    wall = time.perf_counter() - t0
    moves = res.link_entries.sum(axis=1)
    alive = res.agents_alive
    per_agent = getattr(engine, "BYTES_PER_AGENT", None)
    return {
        "agents": int(drivers.initial_agents.sum()),
        "days": days,
        "threads": threads,
        "places": network.n_places,
        "links": network.n_links,
        "agent_steps": int(res.agent_steps),
        "engine_seconds": float(res.seconds),
        "simulate_wall_s": wall,
        "warmup_s": warmup,
        "agent_steps_per_s": res.agent_steps / res.seconds,
        "moves_min": int(moves.min()),
        "moves_mean": float(moves.mean()),
        "moves_max": int(moves.max()),
        "moves_min_share": float((moves / np.maximum(alive, 1)).min()),
        "moves_day": [int(m) for m in moves[:5]] + [int(moves[-1])],
        "in_camps_end": int(res.occupancy[-1][network.kind == 2].sum()),
        "bytes_per_agent_state": per_agent,
        "rss_before_mib": rss_before,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "process_s": time.perf_counter() - t_proc,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--agents", type=int, default=3_300_000)
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument(
        "--camp-room", type=float, default=1.2, help="camp capacities / agents (default 1.2)"
    )
    ap.add_argument("--camp-movechance", type=float, default=0.1, help="default 0.1")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.child:
        figures = child(
            args.agents,
            args.days,
            args.threads[0],
            args.seed,
            args.camp_room,
            args.camp_movechance,
        )
        print(json.dumps(figures))
        return 0

    results = []
    for th in args.threads:
        print(
            f"running {args.agents:,} agents x {args.days} days on {th} thread(s) ...",
            file=sys.stderr,
            flush=True,
        )
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            "--agents",
            str(args.agents),
            "--days",
            str(args.days),
            "--threads",
            str(th),
            "--seed",
            str(args.seed),
            "--camp-room",
            str(args.camp_room),
            "--camp-movechance",
            str(args.camp_movechance),
        ]
        t0 = time.perf_counter()
        p = subprocess.run(cmd, capture_output=True, text=True)
        if p.returncode != 0:
            sys.stderr.write(p.stderr[-4000:])
            return p.returncode
        r = json.loads(p.stdout.strip().splitlines()[-1])
        r["process_wall_s"] = time.perf_counter() - t0
        results.append(r)

    r0 = results[0]
    print(
        f"synthetic network: {r0['places']} places, {r0['links']} links; "
        f"{r0['agents']:,} agents x {r0['days']} days (seed {args.seed}); camp capacity "
        f"{args.camp_room} x agents, camp move chance {args.camp_movechance}"
    )
    for r in results:
        print(
            f"threads {r['threads']}: {r['agent_steps_per_s']:,.0f} agent-steps/s "
            f"({r['agent_steps']:,} agent-steps in {r['engine_seconds']:.2f} s engine time; "
            f"simulate() {r['simulate_wall_s']:.2f} s, whole process {r['process_wall_s']:.2f} s, "
            f"compile/warm-up {r['warmup_s']:.2f} s)"
        )
        print(
            f"  moves (link departures) per day: min {r['moves_min']:,} "
            f"({100 * r['moves_min_share']:.1f} % of agents), mean {r['moves_mean']:,.0f}, "
            f"max {r['moves_max']:,}; first days {r['moves_day'][:5]}, last {r['moves_day'][-1]:,}"
        )
        bpa = r["bytes_per_agent_state"]
        growth = (r["peak_rss_mib"] - r["rss_before_mib"]) * 2**20 / r["agents"]
        print(
            f"  peak RSS {r['peak_rss_mib']:.0f} MiB "
            f"(before the run {r['rss_before_mib']:.0f} MiB); "
            f"engine state {bpa if bpa is not None else '?'} bytes/agent; "
            f"peak RSS growth / agent {growth:.1f} B; in camps at end {r['in_camps_end']:,}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
