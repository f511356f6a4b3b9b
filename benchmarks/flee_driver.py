"""Run the real Flee 3.1 (PyPI ``flee==3.1``) on a Flee instance folder, as its run script does.

Flee's ``runscripts/run.py`` of the v3.1 tag is not shipped in the wheel; this driver makes the
same calls in the same order with Flee 3.1's API:

1. read the period (``conflict_period.csv``, or ``sim_period.csv``);
2. ``SimulationSettings.ReadFromYML(simsetting.yml)``; ``ConflictInputFile = conflicts.csv``;
3. ``InputGeography``: ``ReadConflictInputCSV``, ``ReadLocationsFromCSV``, ``ReadLinksFromCSV``,
   ``ReadClosuresFromCSV``, ``StoreInputGeographyInEcosystem``;
4. ``RefugeeTable(csvformat="generic", data_directory=VALIDATION, start_date=START,
   data_layout="data_layout.csv")`` and ``ReadL1Corrections(registration_corrections.csv)``;
5. ``spawning.add_initial_refugees`` for every camp (day-0 stocks);
6. every day: ``AddNewConflictZones``, ``spawn_daily_displaced``, ``refresh_spawn_weights``,
   ``enact_border_closures``, ``evolve``, then one ``out.csv`` row with Flee's columns.

``out.csv`` is written to a file (Flee's script prints it on stdout). Flee itself has no seed;
``seed`` (optional) seeds the two generators Flee draws from (``random`` and ``numpy.random``)
so that a run can be repeated.

Besides ``out.csv`` the run returns what the benchmarks and the statistical test need: the
camp curves, agents alive per day (agent-steps = their sum), the time of the day loop, the
ARD of ``../shared/data/flee/README.md`` and, on request, every place's count per day.

CLI::

    python benchmarks/flee_driver.py mali --days 300 --out /tmp/flee_mali
    python benchmarks/flee_driver.py PATH/TO/INSTANCE --validation PATH/TO/VALIDATION \
        --settings simsetting.yml --out DIR
    python benchmarks/flee_driver.py --tiny DIR    # write the tiny test graph and run it

With ``--json`` the summary is printed as one JSON object on stdout (used by flee_peer.py);
Flee's own log lines go to stderr (or nowhere, unless ``--verbose``).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import random
import resource
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
SHARED_FLEE = (REPO / ".." / "shared" / "data" / "flee").resolve()

#: instance name -> (instance folder, validation folder) under ../shared/data/flee
INSTANCES = {
    "mali": ("instances/mali", "validation/mali2012"),
    "burundi": ("instances/burundi", "validation/burundi2015"),
    "car": ("instances/car", "validation/car2013"),
    "ssudan": ("instances/ssudan", "validation/ssudan2014"),
}


def resolve_instance(name_or_path: str, validation: str | None = None) -> tuple[Path, Path]:
    """A shared instance name (mali, burundi, car, ssudan) or an instance folder path."""
    if name_or_path in INSTANCES and not Path(name_or_path).is_dir():
        inst, val = INSTANCES[name_or_path]
        return SHARED_FLEE / inst, Path(validation) if validation else SHARED_FLEE / val
    if validation is None:
        raise SystemExit(f"--validation is needed for instance folder {name_or_path}")
    return Path(name_or_path), Path(validation)


def default_settings() -> Path:
    return SHARED_FLEE / "simsetting.yml"


def ard(sim: np.ndarray, data: np.ndarray, rescaled: bool = False) -> float:
    """Flee's validation error (``../shared/data/flee/README.md``), over the simulated days.

    ``sim[d, c]`` and ``data[d, c]``: simulated and UNHCR count of camp c at the end of day d.
    E(d) = sum_c |sim - data| / max(sum_c data, 1), averaged over days. ``rescaled``: sim is
    first scaled so that its camp total equals the UNHCR camp total of that day.
    """
    sim = np.asarray(sim, dtype=np.float64)
    data = np.asarray(data, dtype=np.float64)
    tot_data = data.sum(axis=1)
    if rescaled:
        tot_sim = sim.sum(axis=1)
        scale = np.where(tot_sim > 0, tot_data / np.where(tot_sim > 0, tot_sim, 1.0), 1.0)
        sim = sim * scale[:, None]
    err = np.abs(sim - data).sum(axis=1) / np.maximum(tot_data, 1.0)
    return float(err.mean()) if len(err) else float("nan")


@dataclass
class FleeRun:
    instance: str
    start_date: str
    days: int
    camps: list[str]
    sim: np.ndarray  # int64 [D, C]: camp counts at end of day
    data: np.ndarray  # int64 [D, C]: UNHCR (interpolated) camp counts
    agents: np.ndarray  # int64 [D]: agents alive at the end of each day
    loop_seconds: float  # time of the day loop (spawning + evolve + bookkeeping)
    setup_seconds: float  # reading inputs and day-0 stocks
    seed: int | None
    places: list[str] = field(default_factory=list)
    occupancy: np.ndarray | None = None  # int64 [D, P] agents at each place (not on links)
    on_links: np.ndarray | None = None  # int64 [D]

    @property
    def agent_steps(self) -> int:
        return int(self.agents.sum())

    @property
    def ard(self) -> float:
        return ard(self.sim, self.data)

    @property
    def ard_rescaled(self) -> float:
        return ard(self.sim, self.data, rescaled=True)

    def summary(self) -> dict:
        return {
            "instance": self.instance,
            "days": self.days,
            "seed": self.seed,
            "agents_end": int(self.agents[-1]) if len(self.agents) else 0,
            "agent_steps": self.agent_steps,
            "loop_seconds": self.loop_seconds,
            "setup_seconds": self.setup_seconds,
            "agent_steps_per_s": self.agent_steps / self.loop_seconds
            if self.loop_seconds > 0
            else float("nan"),
            "ard": self.ard,
            "ard_rescaled": self.ard_rescaled,
            "peak_rss_mib": peak_rss_mib(),
        }


def peak_rss_mib() -> float:
    """Peak resident set size of this process (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _read_period(instance_dir: Path) -> tuple[str, int]:
    from flee.datamanager import read_period

    for name in ("conflict_period.csv", "sim_period.csv"):
        p = instance_dir / name
        if p.is_file():
            return read_period.read_conflict_period(str(p))
    raise FileNotFoundError(f"{instance_dir}: neither conflict_period.csv nor sim_period.csv")


def _reset_flee_module_state() -> None:
    """Flee 3.1 keeps the refugee debt and raw total in module globals of ``flee.spawning``;
    reset them so that several runs in one process start alike (a fresh process needs none)."""
    from flee import spawning

    setattr(spawning, "__refugees_raw", 0)  # noqa: B010 (module-level dunder names)
    setattr(spawning, "__refugee_debt", 0)  # noqa: B010
    getattr(spawning, "__demographics").clear()  # noqa: B009


@contextlib.contextmanager
def _flee_output(verbose: bool):
    """Flee prints its log on stdout and stderr; silence it unless verbose."""
    if verbose:
        with contextlib.redirect_stdout(sys.stderr):
            yield
        return
    with (
        open(os.devnull, "w") as null,
        contextlib.redirect_stdout(null),
        contextlib.redirect_stderr(null),
    ):
        yield


def run_flee(
    instance_dir: str | Path,
    validation_dir: str | Path,
    settings: str | Path | None = None,
    days: int | None = None,
    seed: int | None = None,
    out_csv: str | Path | None = None,
    record_places: bool = False,
    verbose: bool = False,
) -> FleeRun:
    """Run Flee 3.1 on an instance folder, in this process; see the module docstring."""
    from flee import InputGeography, flee, spawning
    from flee.datamanager import handle_refugee_data
    from flee.postprocessing import analysis
    from flee.SimulationSettings import SimulationSettings

    instance_dir = Path(instance_dir)
    validation_dir = Path(validation_dir)
    settings = Path(settings) if settings is not None else default_settings()

    with _flee_output(verbose):
        t_setup = time.perf_counter()
        _reset_flee_module_state()
        if seed is not None:
            random.seed(seed)
            np.random.seed(seed % 2**32)  # noqa: NPY002 (Flee draws from it)

        start_date, end_time = _read_period(instance_dir)
        if days is not None and days > 0:
            end_time = int(days)

        SimulationSettings.ReadFromYML(str(settings))
        SimulationSettings.ConflictInputFile = str(instance_dir / "conflicts.csv")

        e = flee.Ecosystem()
        ig = InputGeography.InputGeography()
        ig.ReadConflictInputCSV(SimulationSettings.ConflictInputFile)
        ig.ReadLocationsFromCSV(str(instance_dir / "locations.csv"))
        ig.ReadLinksFromCSV(str(instance_dir / "routes.csv"))
        ig.ReadClosuresFromCSV(str(instance_dir / "closures.csv"))
        e, lm = ig.StoreInputGeographyInEcosystem(e)

        d = handle_refugee_data.RefugeeTable(
            csvformat="generic",
            data_directory=str(validation_dir),
            start_date=start_date,
            data_layout="data_layout.csv",
            population_scaledown_factor=SimulationSettings.optimisations[
                "PopulationScaleDownFactor"
            ],  # v3.1 run.py passes hasten here
        )
        d.ReadL1Corrections(str(instance_dir / "registration_corrections.csv"))

        camps = e.get_camp_names()
        for name in camps:
            spawning.add_initial_refugees(e, d, lm[name])
        setup_seconds = time.perf_counter() - t_setup

        header = "Day,Date,"
        for name in camps:
            header += f"{name} sim,{name} data,{name} error,"
        header += (
            "Total error,refugees in camps (UNHCR),total refugees (simulation),"
            "raw UNHCR refugee count,refugees in camps (simulation),refugee_debt"
        )
        rows = [header]

        n_c, n_p = len(camps), len(e.locations)
        sim = np.zeros((end_time, n_c), dtype=np.int64)
        data = np.zeros((end_time, n_c), dtype=np.int64)
        agents = np.zeros(end_time, dtype=np.int64)
        occupancy = np.zeros((end_time, n_p), dtype=np.int64) if record_places else None
        on_links = np.zeros(end_time, dtype=np.int64) if record_places else None
        start = dt.date.fromisoformat(start_date)

        loop_seconds = 0.0
        for t in range(end_time):
            t0 = time.perf_counter()
            ig.AddNewConflictZones(e, t)
            _new, refugees_raw, refugee_debt = spawning.spawn_daily_displaced(e, t, d)
            spawning.refresh_spawn_weights(e)
            e.enact_border_closures(t)
            e.evolve()
            loop_seconds += time.perf_counter() - t0

            loc_data = [d.get_field(name, t) for name in camps]
            in_camps = 0
            out = f"{t},{start + dt.timedelta(days=t)}"
            abs_errors = []
            for j, name in enumerate(camps):
                n = lm[name].numAgents
                in_camps += n
                sim[t, j] = n
                data[t, j] = loc_data[j]
                abs_errors.append(analysis.abs_error(n, loc_data[j]))
                out += f",{n},{loc_data[j]},{analysis.rel_error(n, loc_data[j])}"
            n_agents = e.numAgents()
            agents[t] = n_agents
            if refugees_raw > 0:
                out += (
                    f",{float(np.sum(abs_errors)) / float(refugees_raw)},{int(sum(loc_data))},"
                    f"{n_agents},{refugees_raw},{in_camps},{refugee_debt}"
                )
            else:
                out += ",0,0,0,0,0,0"  # v3.1 runscripts/run.py
            rows.append(out)
            if record_places:
                for p, loc in enumerate(e.locations):
                    occupancy[t, p] = loc.numAgents
                on_links[t] = n_agents - int(occupancy[t].sum())

    if out_csv is not None:
        out_csv = Path(out_csv)
        out_csv.parent.mkdir(parents=True, exist_ok=True)
        tmp = out_csv.with_suffix(out_csv.suffix + ".tmp")
        tmp.write_text("\n".join(rows) + "\n", encoding="utf-8")
        tmp.replace(out_csv)

    return FleeRun(
        instance=str(instance_dir),
        start_date=start_date,
        days=end_time,
        camps=list(camps),
        sim=sim,
        data=data,
        agents=agents,
        loop_seconds=loop_seconds,
        setup_seconds=setup_seconds,
        seed=seed,
        places=[loc.name for loc in e.locations],
        occupancy=occupancy,
        on_links=on_links,
    )


# --------------------------------------------------------------------------- tiny graph

#: The tiny test graph: (name, country, kind, population or capacity).
#: A is the only conflict zone. From A: B (town, 30 km) leads to camp K1 (100 km on); the
#: marker M (60 km) leads on to the forwarding hub H (60 km) and camp K2 (150 km on); C is a
#: dead-end town (80 km). Camps are across the border (foreign).
TINY_PLACES = [
    ("A", "Home", "conflict_zone", 100000),
    ("B", "Home", "town", 5000),
    ("C", "Home", "town", 5000),
    ("M", "Home", "marker", 0),
    ("H", "Home", "forwarding_hub", 0),
    ("K1", "Abroad", "camp", 0),
    ("K2", "Abroad", "camp", 0),
]
TINY_ROUTES = [
    ("A", "B", 30),
    ("B", "K1", 100),
    ("A", "M", 60),
    ("M", "H", 60),
    ("H", "K2", 150),
    ("A", "C", 80),
]

#: Settings of the tiny graph: Flee keys, move chances below 1 so that staying is measurable.
TINY_SETTINGS = """\
log_levels:
  agent: 0
  camp: 0
  init: 0
  conflict: 0
  link: 0
move_rules:
  max_move_speed: 200.0
  max_walk_speed: 35.0
  camp_weight: 2.0
  softening: 10.0
  conflict_movechance: 0.6
  default_movechance: 0.3
  camp_movechance: 0.001
  start_on_foot: True
  avoid_short_stints: True
  distance_power: 1.0
optimisations:
  hasten: 1
"""


def write_instance(
    root: str | Path,
    places: list[tuple[str, str, str, int]],
    routes: list[tuple[str, str, float]],
    settings: str,
    days: int,
    refugees: list[tuple[int, int]] = ((0, 0),),
    conflict: dict[str, list[float]] | None = None,
    closures: list[tuple[str, str, str, int, int]] = (),
    capacity: dict[str, int] | None = None,
) -> tuple[Path, Path, Path]:
    """Write a small Flee instance folder; return (instance, validation, settings).

    ``places``: (name, country, kind, population) rows; ``refugees``: (day, cumulative
    total) rows of ``refugees.csv``; ``conflict[name]``: intensity per day (default: 1 at
    conflict zones, 0 elsewhere, every day); ``closures``: (type, name1, name2, start, end);
    ``capacity[name]``: a camp's capacity (locations.csv's population column for camps).
    """
    root = Path(root)
    inst, val = root / "instance", root / "validation"
    inst.mkdir(parents=True, exist_ok=True)
    val.mkdir(parents=True, exist_ok=True)
    start = dt.date(2020, 1, 1)
    capacity = capacity or {}
    lines = ["#name,region,country,latitude,longitude,location_type,conflict_date,population"]
    for i, (name, country, kind, pop) in enumerate(places):
        pop = capacity.get(name, pop)
        lines.append(f"{name},{name},{country},{i * 0.1:.1f},{i * 0.1:.1f},{kind},0,{pop}")
    (inst / "locations.csv").write_text("\n".join(lines) + "\n")
    (inst / "routes.csv").write_text(
        "#name1,name2,distance,forced_redirection\n"
        + "".join(f"{a},{b},{km},0\n" for a, b, km in routes)
    )
    (inst / "closures.csv").write_text(
        "#closure_type,name1,name2,closure_start,closure_end\n"
        + "".join(f"{k},{a},{b},{s},{e}\n" for k, a, b, s, e in closures)
    )
    (inst / "registration_corrections.csv").write_text("")
    names = [p[0] for p in places]
    if conflict is None:
        conflict = {p[0]: [1.0] * (days + 1) for p in places if p[2] == "conflict_zone"}
    rows = ["#Day," + ",".join(names)] + [
        f"{d}," + ",".join(f"{conflict[n][d]:g}" if n in conflict else "0" for n in names)
        for d in range(days + 1)
    ]
    (inst / "conflicts.csv").write_text("\n".join(rows) + "\n")
    period = f"StartDate,{start}\nLength,{days}\n"
    (inst / "conflict_period.csv").write_text(period)
    (inst / "sim_period.csv").write_text(period)
    camps = [p[0] for p in places if "camp" in p[2]]
    layout = ["total,refugees.csv"] + [f"{c},{c.lower()}.csv" for c in camps]
    (val / "data_layout.csv").write_text("\n".join(layout) + "\n")
    (val / "refugees.csv").write_text(
        "Date,Refugee_numbers\n"
        + "".join(f"{start + dt.timedelta(days=d)},{n}\n" for d, n in refugees)
    )
    for c in camps:
        (val / f"{c.lower()}.csv").write_text(
            f"Date,count\n{start},0\n{start + dt.timedelta(days=days)},0\n"
        )
    settings_path = root / "simsetting.yml"
    settings_path.write_text(settings)
    return inst, val, settings_path


def write_tiny_instance(
    root: str | Path, agents: int = 1000, days: int = 10
) -> tuple[Path, Path, Path]:
    """Write the tiny graph as a Flee instance folder; return (instance, validation, settings).

    ``agents`` are displaced on day 1 (``refugees.csv`` goes from 0 to ``agents`` between day
    0 and day 1), all at the conflict zone A; no day-0 camp stocks, no closures.
    """
    return write_instance(
        root, TINY_PLACES, TINY_ROUTES, TINY_SETTINGS, days, refugees=[(0, 0), (1, agents)]
    )


# --------------------------------------------------------------------------- CLI


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "instance", nargs="?", default="mali", help="mali|burundi|car|ssudan or an instance folder"
    )
    ap.add_argument("--validation", help="validation folder (for an instance folder)")
    ap.add_argument("--settings", help="simsetting.yml (default: the shared one)")
    ap.add_argument("--days", type=int, default=None, help="days to simulate (default: the period)")
    ap.add_argument("--seed", type=int, default=None, help="seed Python's and numpy's generators")
    ap.add_argument("--out", type=Path, default=None, help="folder for out.csv")
    ap.add_argument(
        "--tiny",
        type=Path,
        default=None,
        metavar="DIR",
        help="write the tiny test graph into DIR and run it",
    )
    ap.add_argument("--json", action="store_true", help="print the summary as JSON on stdout")
    ap.add_argument("--verbose", action="store_true", help="show Flee's own log on stderr")
    args = ap.parse_args(argv)

    try:
        import flee  # noqa: F401
    except ImportError:
        print("error: flee is not installed (pip install -e .[bench])", file=sys.stderr)
        return 2

    if args.tiny is not None:
        inst, val, settings = write_tiny_instance(args.tiny)
        name = "tiny"
    else:
        inst, val = resolve_instance(args.instance, args.validation)
        settings = args.settings
        name = args.instance
    out_csv = args.out / "out.csv" if args.out else None
    t0 = time.perf_counter()
    run = run_flee(
        inst, val, settings, days=args.days, seed=args.seed, out_csv=out_csv, verbose=args.verbose
    )
    summary = run.summary()
    summary["instance"] = name
    summary["run_seconds"] = time.perf_counter() - t0
    if args.out:
        (args.out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
    if args.json:
        print(json.dumps(summary))
    else:
        print(
            f"flee 3.1 {name}: {run.days} days, agents at end {summary['agents_end']}, "
            f"agent-steps {run.agent_steps:,}, day loop {run.loop_seconds:.1f} s "
            f"({summary['agent_steps_per_s']:,.0f} agent-steps/s), "
            f"ARD {run.ard:.3f}, rescaled {run.ard_rescaled:.3f}, "
            f"peak RSS {summary['peak_rss_mib']:.0f} MiB",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
