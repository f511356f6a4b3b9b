"""KTAB's reference histories (``ktab_ref_*`` CSVs) and the distance of a run to them.

The reference runs are KTAB's 2017-05-30 logs (``examples/smp/doc/20170530_ref-*.txt``),
extracted to ``../shared/data/bargaining/ktab_ref_<case>_{positions,probs}.csv``: positions
printed with one decimal (``%5.1f``), probabilities with four (``%.4f``).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from enclave.politics.actors import Actors, read_actors
from enclave.politics.ktab import KtabResult, run_ktab_smp

__all__ = ["CASES", "Distance", "distance", "load_reference"]

CASES = ("SOE-Pol-Comp", "dummyData_3Dim")


def load_reference(folder: str | Path, case: str) -> tuple[Actors, np.ndarray, np.ndarray]:
    """Actors of ``ktab_<case>.csv``, reference positions ``(T+1, n, d)`` and probs ``(T+1, n)``."""
    folder = Path(folder)
    a = read_actors(folder / f"ktab_{case}.csv")
    with open(folder / f"ktab_ref_{case}_positions.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    turns = max(int(r["turn"]) for r in rows)
    pos = np.full((turns + 1, a.n, len(a.dimensions)), np.nan)
    for r in rows:
        pos[int(r["turn"]), a.ids.index(r["actor"]), a.dimensions.index(r["dimension"])] = float(
            r["position"]
        )
    prob = np.full((turns + 1, a.n), np.nan)
    with open(folder / f"ktab_ref_{case}_probs.csv", newline="") as fh:
        for r in csv.DictReader(fh):
            prob[int(r["turn"]), a.ids.index(r["actor"])] = float(r["prob"])
    return a, pos, prob


@dataclass(frozen=True)
class Distance:
    """Per-turn distance of a run to KTAB's reference.

    Attributes:
        turns: (ours, KTAB's) number of steps.
        position: ``(T+1,)`` max |position - reference| per turn (0-100 scale).
        prob: ``(T+1,)`` max |probability - reference| per turn.
        printed_mismatch: how many numbers differ once printed as KTAB prints them.
        run: the run itself.
    """

    turns: tuple[int, int]
    position: np.ndarray
    prob: np.ndarray
    printed_mismatch: int
    run: KtabResult


def distance(folder: str | Path, case: str) -> Distance:
    """Run KTAB's SMP on ``case`` and measure it against the reference, turn by turn."""
    a, ref_pos, ref_prob = load_reference(folder, case)
    run = run_ktab_smp(a.position, a.capability, a.s)
    t = min(len(run.positions), len(ref_pos))
    dp = np.abs(run.positions[:t] - ref_pos[:t]).max(axis=(1, 2))
    dq = np.abs(run.probs[:t] - ref_prob[:t]).max(axis=1)
    printed = np.vectorize(lambda v: float(f"{v:5.1f}"))(run.positions[:t])
    printed_p = np.vectorize(lambda v: float(f"{v:.4f}"))(run.probs[:t])
    bad = int((printed != ref_pos[:t]).sum() + (printed_p != ref_prob[:t]).sum())
    return Distance((len(run.positions) - 1, len(ref_pos) - 1), dp, dq, bad, run)
