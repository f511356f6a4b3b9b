"""Run Flee 3.1 (the benchmark extra) on an exported instance for a few days."""

from __future__ import annotations

import contextlib
import io
import os
from pathlib import Path


def run_flee(folder: Path, days: int) -> list[int]:
    """Agents alive after each day (Flee's own Ecosystem, run the way its run.py does)."""
    from flee import InputGeography, flee, spawning
    from flee.datamanager import handle_refugee_data, read_period

    folder = Path(folder)
    sink = io.StringIO()
    cwd = os.getcwd()
    counts = []
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        try:
            os.chdir(folder)
            flee.SimulationSettings.ReadFromYML("simsetting.yml")
            flee.SimulationSettings.ConflictInputFile = "input_csv/conflicts.csv"
            start_date, _length = read_period.read_conflict_period("input_csv/sim_period.csv")
            e = flee.Ecosystem()
            ig = InputGeography.InputGeography()
            ig.ReadConflictInputCSV("input_csv/conflicts.csv")
            ig.ReadLocationsFromCSV("input_csv/locations.csv")
            ig.ReadLinksFromCSV("input_csv/routes.csv")
            ig.ReadClosuresFromCSV("input_csv/closures.csv")
            e, lm = ig.StoreInputGeographyInEcosystem(e)
            d = handle_refugee_data.RefugeeTable(
                csvformat="generic",
                data_directory="source_data",
                start_date=start_date,
                data_layout="data_layout.csv",
            )
            for name in e.get_camp_names():
                spawning.add_initial_refugees(e, d, lm[name])
            for t in range(days):
                ig.AddNewConflictZones(e, t)
                spawning.spawn_daily_displaced(e, t, d)
                spawning.refresh_spawn_weights(e)
                e.enact_border_closures(t)
                e.evolve()
                counts.append(len(e.agents))
        finally:
            os.chdir(cwd)
    return counts
