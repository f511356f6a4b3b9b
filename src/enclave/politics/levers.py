"""Levers: an actor shifting, caring more or less, gaining or losing weight, or dropping out.

- ``--set ID.field=value`` sets ``position``, ``capability`` or ``salience`` (in the units
  of the table) of actor ``ID``;
- ``--drop ID`` removes actor ``ID``;
- the sweep varies every actor's position, capability and salience in turn, up and down by
  the steps in ``data/spreads.csv`` (``kind = sweep``, each an assumption with its reason),
  and drops each actor, and ranks the levers by how far they move the odds.

Named levers (``--lever NAME``, ``data/named_levers.csv``) are several changes under one
name, each a labelled assumption: ``turkey-leaves-astana`` raises Turkey's capability and
salience (the threat to leave Astana and defend its posts), beside ``--drop turkey``
(Turkey walking away with its weight).

Every lever's effect is reported signed: the change of each scenario's probability, the
scenario that gains most, and the change of P(full + limited offensive).

How far a lever moves the odds is the total-variation distance between the scenario
distributions before and after, ``TV = ½ Σ_k |p_k^after - p_k^before|`` (0: no change, 1:
disjoint). Before and after use the same random numbers (a dropped actor's draws are
removed, the others keep theirs), so a difference is the lever's, not Monte Carlo noise.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from enclave.errors import EnclaveInputError
from enclave.politics.actors import FIELDS, Actors
from enclave.politics.odds import (
    DEFAULT_RUNS,
    DEFAULT_SEED,
    OddsResult,
    draw_normals,
    load_bands,
    load_spreads,
    odds,
)

__all__ = [
    "Lever",
    "LeverOutcome",
    "apply_levers",
    "named_lever",
    "parse_set",
    "signed_effect",
    "sweep",
    "sweep_levers",
    "tv",
]

OFFENSIVE = ("full-offensive", "limited-offensive")


@dataclass(frozen=True)
class Lever:
    """One change to the table: ``field`` of ``actor`` set to ``value``, or a drop."""

    actor: str
    field: str  # "position" | "capability" | "salience" | "drop"
    value: float | None = None
    label: str = ""

    def describe(self) -> str:
        """A short label such as ``russia.position=40`` or ``drop hts``."""
        if self.label:
            return self.label
        if self.field == "drop":
            return f"drop {self.actor}"
        return f"{self.actor}.{self.field}={self.value:g}"


def parse_set(spec: str, actors: Actors) -> Lever:
    """Parse ``ID.field=value`` against ``actors``; bad specs are input errors."""
    where = f"--set {spec}"
    head, sep, text = spec.partition("=")
    actor_id, dot, name = head.strip().rpartition(".")
    if not sep or not dot or not actor_id:
        raise EnclaveInputError(None, where, "expected ID.field=value, e.g. russia.salience=50")
    if name not in FIELDS:
        raise EnclaveInputError(None, where, f"unknown field {name!r} (one of {', '.join(FIELDS)})")
    actors.index(actor_id, where)
    try:
        value = float(text)
    except ValueError:
        raise EnclaveInputError(None, where, f"not a number: {text!r}") from None
    if not np.isfinite(value):
        raise EnclaveInputError(None, where, f"not finite: {text!r}")
    return Lever(actor_id, name, value)


def named_lever(name: str, actors: Actors) -> list[Lever]:
    """The changes of a named lever (``data/named_levers.csv``) applied to ``actors``."""
    import csv
    import io
    from importlib import resources

    text = resources.files("enclave.politics").joinpath("data/named_levers.csv").read_text()
    rows = [r for r in csv.DictReader(io.StringIO(text)) if r["lever"] == name]
    if not rows:
        known = sorted({r["lever"] for r in csv.DictReader(io.StringIO(text))})
        raise EnclaveInputError(
            None, f"--lever {name}", f"unknown lever (known: {', '.join(known)})"
        )
    out = []
    for r in rows:
        i = actors.index(r["actor"], f"--lever {name}")
        value = float(r["value"])
        if r["op"] == "multiply":
            base = actors.capability[i] if r["field"] == "capability" else actors.salience[i, 0]
            value = float(base) * value
        elif r["field"] == "salience" and actors.salience_scale == "fraction":
            value /= 100.0
        out.append(
            Lever(r["actor"], r["field"], value, f"{name}: {r['actor']}.{r['field']}={value:g}")
        )
    return out


def signed_effect(before: dict[str, float], after: dict[str, float]) -> dict[str, object]:
    """Signed effect of a lever: per-scenario change, who gains most, Δ P(offensive)."""
    change = {k: after[k] - before[k] for k in before}
    gains = max(change, key=lambda k: change[k])
    out: dict[str, object] = {
        "change": change,
        "gains": gains if change[gains] > 0 else None,
        "loses": min(change, key=lambda k: change[k]) if min(change.values()) < 0 else None,
        "tv": tv(before, after),
    }
    if all(k in change for k in OFFENSIVE):
        out["offensive_change"] = sum(change[k] for k in OFFENSIVE)
    return out


def _validate(lever: Lever, actors: Actors, bounds: tuple[float, float] | None = None) -> None:
    where = f"--set {lever.describe()}"
    value = lever.value
    if lever.field == "position" and len(actors.dimensions) != 1:
        raise EnclaveInputError(
            actors.source,
            where,
            f"the table has {len(actors.dimensions)} dimensions; a position lever needs one",
        )
    if lever.field == "position" and bounds is not None and value is not None:
        if not bounds[0] <= value <= bounds[1]:
            raise EnclaveInputError(
                None,
                where,
                f"position {value:g} out of the issue scale {bounds[0]:g}-{bounds[1]:g}",
            )
    if lever.field == "capability" and value is not None and value <= 0:
        raise EnclaveInputError(None, where, f"capability must be > 0, got {value:g}")
    if lever.field == "salience" and value is not None:
        top = 100.0 if actors.salience_scale == "percent" else 1.0
        if not 0.0 <= value <= top:
            raise EnclaveInputError(None, where, f"salience {value:g} out of range 0-{top:g}")
    if lever.field == "capability" and actors.capability_scale in ("fraction", "percent"):
        top = 100.0 if actors.capability_scale == "percent" else 1.0
        if value is not None and value > top:
            raise EnclaveInputError(None, where, f"capability {value:g} out of range 0-{top:g}")


def apply_levers(
    actors: Actors, levers: list[Lever], bounds: tuple[float, float] | None = None
) -> tuple[Actors, np.ndarray]:
    """The table after ``levers``, and the mask of the original rows it keeps.

    ``bounds``: the issue scale's range (the bands'); a position outside it is an input
    error. None (a table without bands) checks positions only for being finite.
    """
    pos, cap, sal = actors.position.copy(), actors.capability.copy(), actors.salience.copy()
    keep = np.ones(actors.n, dtype=bool)
    for lever in levers:
        where = "--drop " + lever.actor if lever.field == "drop" else "--set " + lever.describe()
        i = actors.index(lever.actor, where)
        if lever.field == "drop":
            keep[i] = False
            continue
        _validate(lever, actors, bounds)
        {"position": pos, "capability": cap, "salience": sal}[lever.field][i] = lever.value
    if keep.sum() < 2:
        raise EnclaveInputError(actors.source, "--drop", "need at least two actors left")
    changed = replace(actors, position=pos, capability=cap, salience=sal)
    return changed.subset(keep), keep


def sweep_levers(
    actors: Actors, steps: dict[str, float] | None = None, bounds: tuple[float, float] = (0, 100)
) -> list[Lever]:
    """Every single-actor lever of the sweep: position ±, capability x/÷, salience ±, drop."""
    st = load_spreads("sweep") if steps is None else steps
    top = 100.0 if actors.salience_scale == "percent" else 1.0
    sal_step = st["salience"] * top / 100.0
    out: list[Lever] = []
    for i, actor_id in enumerate(actors.ids):
        x, c, s = actors.position[i, 0], actors.capability[i], actors.salience[i, 0]
        candidates = [
            ("position", float(np.clip(x + st["position"], *bounds)), f"{st['position']:+g}"),
            ("position", float(np.clip(x - st["position"], *bounds)), f"{-st['position']:+g}"),
            ("capability", c * st["capability"], f"x{st['capability']:g}"),
            ("capability", c / st["capability"], f"/{st['capability']:g}"),
            ("salience", float(np.clip(s + sal_step, 0, top)), f"{sal_step:+g}"),
            ("salience", float(np.clip(s - sal_step, 0, top)), f"{-sal_step:+g}"),
        ]
        base = {"position": x, "capability": c, "salience": s}
        for name, value, step in candidates:
            if value != base[name]:
                label = f"{actor_id}.{name}={value:g} ({step})"
                out.append(Lever(actor_id, name, value, label))
        out.append(Lever(actor_id, "drop"))
    return out


def tv(before: dict[str, float], after: dict[str, float]) -> float:
    """Total-variation distance ``½ Σ |p_after - p_before|`` between two odds tables."""
    return 0.5 * sum(abs(after[k] - before[k]) for k in before)


@dataclass(frozen=True)
class LeverOutcome:
    """A lever, the odds after it, and how far it moved them (TV distance)."""

    lever: Lever
    after: OddsResult
    shift: float
    effect: dict[str, object] | None = None


def sweep(
    actors: Actors,
    model: str = "eum",
    *,
    runs: int = DEFAULT_RUNS,
    seed: int | None = DEFAULT_SEED,
    rounds: int = 10,
    **kw: object,
) -> tuple[OddsResult, list[LeverOutcome]]:
    """Odds before, and every sweep lever ranked by how far it moves them (largest first)."""
    bands = kw.pop("bands", None) or load_bands()
    z = draw_normals(actors, runs, np.random.default_rng(seed))
    common = dict(model=model, runs=runs, seed=seed, rounds=rounds, bands=bands, **kw)
    before = odds(actors, z=z, **common)  # type: ignore[arg-type]
    results = []
    for lever in sweep_levers(actors, bounds=(bands.lo, bands.hi)):
        after_actors, keep = apply_levers(actors, [lever])
        after = odds(after_actors, z=z[:, :, keep], **common)  # type: ignore[arg-type]
        results.append(
            LeverOutcome(
                lever, after, tv(before.odds, after.odds), signed_effect(before.odds, after.odds)
            )
        )
    results.sort(key=lambda r: -r.shift)  # stable: ties keep table order
    return before, results
