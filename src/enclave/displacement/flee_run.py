"""Run a Flee instance with Enclave's engine and score it as Flee does (Python API).

``run_flee(instance, validation)`` reads the folders, runs the engine and returns the
per-day table of Flee's ``out.csv`` plus the summary (ARD, agent-steps, time).
``write_outputs`` writes ``out.csv`` and ``summary.json`` atomically.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from enclave.displacement.api import Drivers, SimResult
from enclave.displacement.engine import simulate
from enclave.displacement.flee_io import FleeInstance, day_dates, read_instance, read_period
from enclave.displacement.rules import MoveRules
from enclave.displacement.settings import read_settings
from enclave.displacement.validation import ValidationData, read_validation, refugee_spawning
from enclave.errors import warn_input


@dataclass(frozen=True)
class FleeRun:
    instance: FleeInstance
    validation: ValidationData
    rules: MoveRules
    result: SimResult
    camp_names: list[str]
    camp_sim: np.ndarray  # int64 [D, C]
    camp_data: np.ndarray  # int64 [D, C]
    raw_total: np.ndarray  # int64 [D]
    debt: np.ndarray  # int64 [D]

    @property
    def ard(self) -> float:
        return average_relative_difference(self.camp_sim, self.camp_data)

    @property
    def ard_rescaled(self) -> float:
        return average_relative_difference(self.camp_sim, self.camp_data, rescale=True)

    def summary(self) -> dict:
        return {
            "instance": str(self.instance.folder),
            "days": int(self.instance.length),
            "seed": int(self.result.seed),
            "ard": self.ard,
            "ard_rescaled": self.ard_rescaled,
            "agent_steps": int(self.result.agent_steps),
            "seconds": float(self.result.seconds),
            "agents_at_end": int(self.result.agents_alive[-1]),
            "agent_steps_per_second": float(self.result.agent_steps / self.result.seconds),
        }


def average_relative_difference(sim: np.ndarray, data: np.ndarray, rescale: bool = False) -> float:
    """Flee's validation error: mean over days of sum_c |sim - data| / max(sum_c data, 1).

    ``rescale``: simulated camp counts are first scaled so that their total equals the
    UNHCR camp total of the day.
    """
    sim = sim.astype(np.float64)
    data = data.astype(np.float64)
    data_total = data.sum(axis=1)
    if rescale:
        sim_total = sim.sum(axis=1)
        factor = np.divide(data_total, sim_total, out=np.ones_like(sim_total), where=sim_total > 0)
        sim = sim * factor[:, None]
    per_day = np.abs(sim - data).sum(axis=1) / np.maximum(data_total, 1.0)
    return float(per_day.mean())


def run_flee(
    instance_dir: str | Path,
    validation_dir: str | Path,
    settings: str | Path | None = None,
    days: int | None = None,
    seed: int = 0,
    flee_compat: bool = False,
    threads: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> FleeRun:
    rules = read_settings(settings)
    instance = read_instance(instance_dir, days, rules.hasten, flee_compat)
    _warn_auto_camps(instance, rules, settings)
    days = instance.length
    validation = read_validation(
        validation_dir,
        instance.start_date,
        days,
        Path(instance_dir) / "registration_corrections.csv",
        rules.hasten,
        note_late_corrections=days < read_period(Path(instance_dir))[1],
    )
    names = instance.network.names
    camp_names = [names[c] for c in instance.camps]
    data = np.zeros((days, len(camp_names)), dtype=np.int64)
    initial = np.zeros(instance.network.n_places, dtype=np.int64)
    for j, (c, name) in enumerate(zip(instance.camps, camp_names)):
        series = validation.camps.get(name)
        if series is None:
            warn_input(Path(validation_dir) / "data_layout.csv", None, f"no data for camp {name!r}")
            continue
        data[:, j] = series.daily(days)
        if rules.insert_day0:
            initial[c] = series.at(0)
    if rules.conflict_driven_spawning:
        # Flee's spawn_daily_displaced checks this first: the conflicts spawn, not the
        # refugee table (whose raw total and debt then stay 0, as in Flee's out.csv)
        new = None
        raw = np.zeros(days, dtype=np.int64)
        debt = np.zeros(days, dtype=np.int64)
    else:
        new, raw, debt = refugee_spawning(validation.total, days, rules.insert_day0)
    drivers = Drivers(
        conflict=instance.conflict,
        conflict_onset=instance.conflict_onset,
        link_capacity=instance.link_capacity,
        initial_agents=initial,
        new_displaced=new,
    )
    result = simulate(instance.network, drivers, rules, seed, threads=threads, progress=progress)
    sim = result.occupancy[:, list(instance.camps)]
    return FleeRun(instance, validation, rules, result, camp_names, sim, data, raw, debt)


def out_csv_lines(run: FleeRun) -> list[str]:
    """Flee's out.csv, column for column (``runscripts/run.py``)."""
    header = ["Day", "Date"]
    for name in run.camp_names:
        header += [f"{name} sim", f"{name} data", f"{name} error"]
    header += [
        "Total error",
        "refugees in camps (UNHCR)",
        "total refugees (simulation)",
        "raw UNHCR refugee count",
        "refugees in camps (simulation)",
        "refugee_debt",
    ]
    lines = [",".join(header)]
    alive = run.result.agents_alive
    dates = day_dates(run.instance.start_date, run.instance.length)
    for day, when in enumerate(dates):
        sim, data = run.camp_sim[day], run.camp_data[day]
        cells = [str(day), when]
        for s, d in zip(sim, data):
            # flee.postprocessing.analysis.rel_error / abs_error round to 4 digits
            error = round(abs(s / d - 1.0), 4) if d >= 0.00001 else 0.0
            cells += [str(int(s)), str(int(d)), repr(float(error))]
        raw = int(run.raw_total[day])
        if raw > 0:
            abs_errors = [round(abs(float(s) - float(d)), 4) for s, d in zip(sim, data)]
            total_error = float(np.sum(abs_errors)) / float(raw)
            cells += [
                repr(total_error),
                str(int(data.sum())),
                str(int(alive[day])),
                str(raw),
                str(int(sim.sum())),
                str(int(run.debt[day])),
            ]
        else:
            cells += ["0", "0", "0", "0", "0", "0"]  # the v3.1 run script's row when raw = 0
        lines.append(",".join(cells))
    return lines


def atomic_write(path: Path, text: str) -> None:
    """Write to a temporary file beside ``path``, then rename: never a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
            stream.write(text)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def write_outputs(run: FleeRun, out_dir: str | Path) -> tuple[Path, Path]:
    out_dir = Path(out_dir)
    out_csv = out_dir / "out.csv"
    summary = out_dir / "summary.json"
    atomic_write(out_csv, "\n".join(out_csv_lines(run)) + "\n")
    atomic_write(summary, json.dumps(run.summary(), indent=2) + "\n")
    return out_csv, summary


def _warn_auto_camps(instance: FleeInstance, rules: MoveRules, settings) -> None:
    """Flee's Location() makes any non-camp whose type's move chance is below 0.005 a camp
    (camp weight, full-camp check, out.csv columns); Enclave does not: say so."""
    from enclave.displacement.network import PlaceKind

    kinds = instance.network.kind
    low = []
    if rules.default_movechance < 0.005:
        low += [n for n, k in zip(instance.network.names, kinds) if k == PlaceKind.TOWN]
    if rules.conflict_movechance < 0.005:
        low += [n for n, k in zip(instance.network.names, kinds) if k == PlaceKind.CONFLICT_ZONE]
    if low:
        warn_input(
            settings,
            None,
            f"Flee 3.1 turns places whose move chance is below 0.005 into camps ({len(low)}: "
            f"{', '.join(low[:3])}{', ...' if len(low) > 3 else ''}); Enclave keeps their type",
        )
