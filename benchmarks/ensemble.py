"""Ensemble throughput: members per minute on the local process pool and on a 2-worker Dask
LocalCluster, in one run, with their ratio; and what a large ensemble needs on a cluster.

Both backends run the same members of the embedded ``idlib-2018`` case (every scenario, the
default member size: the case's ``default_scale`` people per agent) and must give identical
arrays. Times include starting the workers (a spawn pool; a LocalCluster), since a run pays
for them; the Dask time on an already running cluster is printed as well. From the engine's
per-member cost (agent-steps per second) the script estimates a 10,000-member ensemble at
one agent per person. The machine may be shared: figures, not assertions.

    python benchmarks/ensemble.py                  # 10 members per scenario, 2 workers
    python benchmarks/ensemble.py --members 25 --workers 2 --cores 256
"""

from __future__ import annotations

import argparse
import logging
import time

import numpy as np

from enclave.ensemble.backends import DaskBackend, ProcessBackend
from enclave.ensemble.runner import RunConfig, member_specs, run_specs
from enclave.scenario import load


def _timed(config, specs, backend):  # noqa: ANN001, ANN202
    t0 = time.perf_counter()
    out = run_specs(config, specs, backend)
    return out, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=10, help="members per scenario")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--scale", type=int, default=None, help="people per agent (case default)")
    ap.add_argument("--target", type=int, default=10_000, help="members of the estimate")
    ap.add_argument("--cores", type=int, default=256, help="cluster cores of the estimate")
    a = ap.parse_args()

    case = load("idlib-2018")
    scale = a.scale or case.default_scale
    names = [s.name for s in case.scenarios]
    config = RunConfig(case=case, scale=scale)
    specs, _ = member_specs(case, names, a.members, seed=0)
    n = len(specs)
    run_specs(config, specs[:1], ProcessBackend(1))  # warm the compile cache once

    local, t_local = _timed(config, specs, ProcessBackend(a.workers))
    dask, t_dask = _timed(config, specs, DaskBackend(workers=a.workers))
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=a.workers,
        threads_per_worker=1,
        host="127.0.0.1",
        dashboard_address=None,
        silence_logs=logging.ERROR,
    ) as cluster:
        run_specs(config, specs[: a.workers], DaskBackend(cluster.scheduler_address))  # warm
        _, t_warm = _timed(config, specs, DaskBackend(cluster.scheduler_address))

    same = all(
        np.array_equal(x.occupancy, y.occupancy, equal_nan=True)
        and np.array_equal(x.newly_displaced, y.newly_displaced, equal_nan=True)
        for x, y in zip(local, dask)
    )
    per_min = {k: 60 * n / t for k, t in (("local", t_local), ("dask", t_dask), ("warm", t_warm))}
    print(
        f"idlib-2018: {len(names)} scenarios x {a.members} members = {n} runs, scale {scale}, "
        f"{a.workers} workers"
    )
    print(f"local process pool : {t_local:6.1f} s  {per_min['local']:6.1f} members/min")
    print(
        f"dask LocalCluster  : {t_dask:6.1f} s  {per_min['dask']:6.1f} members/min "
        f"(cluster start included)"
    )
    print(
        f"dask, running      : {t_warm:6.1f} s  {per_min['warm']:6.1f} members/min "
        f"(cluster already up)"
    )
    print(
        f"dask / local time  : {t_dask / t_local:.3f} (start included), "
        f"{t_warm / t_local:.3f} (cluster up); target overhead < 10 %"
    )
    print(f"identical arrays   : {same}")
    print(
        "engine seconds     : "
        f"local {sum(o.seconds for o in local):.1f}, dask {sum(o.seconds for o in dask):.1f} "
        "(summed over members: the members' own cost on each backend)"
    )

    eng = np.array([o.seconds for o in local])
    steps = np.array([o.agent_steps for o in local], dtype=float)
    rate = steps.sum() / eng.sum()
    # one agent per person: scale x the agents, so scale x the agent-steps of a member
    steps_1 = steps.mean() * scale
    sec_1 = steps_1 / rate
    core_h = a.target * sec_1 / 3600
    agents_mean = max(o.agent_steps / max(1, case.scenario(o.scenario).days) for o in local)
    print(
        f"engine: {eng.mean():.2f} s and {steps.mean():.3g} agent-steps per member at scale "
        f"{scale} ({rate / 1e6:.1f} M agent-steps/s per core)"
    )
    print(
        f"estimate, {a.target:,} members at 1 agent per person: {sec_1:.1f} s per member, "
        f"{core_h:,.1f} core-hours; {core_h / a.cores * 60:,.0f} min on {a.cores} cores "
        f"(+ start-up); ~{agents_mean * scale * 26 / 1e6:.0f} MB engine state per member "
        f"(26 B/agent, mean agents alive x scale); results "
        f"{config.days * 2 * len(case.places) * 4 * a.target / 1e9:.1f} GB float32 "
        f"(occupancy + arrivals)"
    )


if __name__ == "__main__":
    main()
