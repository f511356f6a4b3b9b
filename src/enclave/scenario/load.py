"""Read a case file (YAML) into a validated :class:`~enclave.scenario.model.Case`.

Every problem is raised as :class:`enclave.errors.EnclaveInputError` naming the file, the
line (where the YAML gives one) and the field path, e.g.
``case.yaml:42:scenarios[1].phases[0].route[2]: no place named 'Sarakib'``.
"""

from __future__ import annotations

import datetime
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from enclave.errors import EnclaveInputError
from enclave.io import parse_yaml
from enclave.scenario.model import Advance, Case, Corridor

EMBEDDED = ("idlib-2018", "idlib-2019", "idlib-2019-20")
_RULES_FROM_INPUTS = (
    "displaced_per_conflict_day",
    "conflict_driven_spawning",
    "conflict_spawn_mode",
    "take_from_population",
)


def embedded_path(name: str) -> Path:
    """Path of an embedded case file (shipped in the package)."""
    return Path(str(resources.files("enclave.scenario") / "data" / f"{name}.yaml"))


def resolve(case: str | Path | None) -> Path:
    """A case argument (embedded name, path, or None = ``idlib-2018``) -> a file path."""
    if case is None:
        return embedded_path(EMBEDDED[0])
    text = str(case)
    if text in EMBEDDED:
        return embedded_path(text)
    path = Path(text)
    if not path.exists():
        names = ", ".join(EMBEDDED)
        raise EnclaveInputError(path, None, f"no such case file (embedded cases: {names})")
    return path


def load(case: str | Path | None = None) -> Case:
    """Load and check a case: an embedded name (``idlib-2018``), a YAML path, or None."""
    path = resolve(case)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise EnclaveInputError(path, None, f"cannot read: {exc}") from None
    return loads(text, path)


def loads(text: str, file: str | Path = "<string>") -> Case:
    """Parse and check case YAML text; ``file`` names it in errors."""
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        data = parse_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{mark.line + 1}" if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise EnclaveInputError(file, where, f"not valid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise EnclaveInputError(file, "1", "a case file must be a YAML mapping (key: value)")
    # keys starting with "x-" hold YAML anchors for reuse (as in docker-compose); ignored
    data = {k: v for k, v in data.items() if not (isinstance(k, str) and k.startswith("x-"))}
    if isinstance(data.get("inputs_from"), str):
        data = _shared_inputs(data, file)
    if isinstance(data.get("geography"), str):
        data = _with_geography(data, file)
    data = _with_events(data, file)
    try:
        case = Case.model_validate(data)
    except ValidationError as exc:
        errs = exc.errors(include_url=False)
        # a misspelt key also makes the right one "missing": name the misspelling first
        err = next((e for e in errs if e["type"] == "extra_forbidden"), errs[0])
        loc = _clean_loc(err["loc"], data)
        raise EnclaveInputError(file, _where(root, loc), _problem(err)) from None
    problem = check_references(case)
    if problem is not None:
        loc, msg = problem
        raise EnclaveInputError(file, _where(root, loc), msg)
    return case


# --------------------------------------------------------------------------- geography
GEOGRAPHY_KIND = {
    "town": "town",
    "idp_camp_cluster": "idp_camp_cluster",
    "border_crossing": "border_crossing",
    "abroad": "turkey",
}


#: SOURCES.md rule C2: room for new arrivals in a town of the Turkish-held north.
TURKISH_HELD_ROOM = 0.5


def geography_dir(name: str) -> Path:
    return Path(str(resources.files("enclave.scenario") / "data" / "geography" / name))


def _num(text: str | None) -> int | None:
    text = (text or "").strip()
    return int(float(text)) if text else None


def contract_places(folder: Path) -> tuple[list[dict], list[dict]]:
    """Places and roads of a shared geography (``places.csv``/``roads.csv``, the data contract).

    Kinds: an opposition-held town stays a ``town``; a government-held town becomes a
    ``regime_area`` (people who reach it stay: the model has no returns from government
    areas); a town of the Turkish-held north becomes a ``turkish_held_area`` with its
    hosting room as capacity (a Flee camp: people reach it, stay while there is room and
    can move on at the camp move chance); ``abroad`` is the ``turkey`` sink.
    """
    import csv

    places, roads = [], []
    with open(folder / "places.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            kind = GEOGRAPHY_KIND.get(row["kind"], row["kind"])
            held = row.get("held_by_2018", "")
            if kind == "town" and held == "government":
                kind = "regime_area"
            elif kind == "town" and held == "turkish_held":
                kind = "turkish_held_area"
            p = {
                "name": row["name"],
                "kind": kind,
                "lat": float(row["lat"]),
                "lon": float(row["lon"]),
                "country": row.get("country") or None,
                "admin1": row.get("governorate") or None,
            }
            if kind == "town":
                p["population"] = _num(row.get("population_2018"))
                p["population_source"] = row.get("population_source") or None
            if kind in ("idp_camp_cluster", "turkish_held_area"):
                p["capacity"] = _num(row.get("capacity"))
                p["capacity_source"] = row.get("capacity_source") or None
                pop = _num(row.get("population_2018"))
                if kind == "turkish_held_area" and p["capacity"] is None and pop:
                    # SOURCES.md rule C2 (uniform): hosting room = 0.5 x population_2018
                    p["capacity"] = max(1, int(TURKISH_HELD_ROOM * pop))
                    p["capacity_source"] = "assumption: SOURCES.md rule C2, 0.5 x population_2018"
                if kind == "idp_camp_cluster":
                    p["residents"] = _num(row.get("residents_2018")) or 0
                    p["residents_source"] = row.get("residents_source") or None
            if held in ("opposition", "government", "turkish_held", "turkey"):
                p["control"] = held
            p["notes"] = row.get("notes") or None
            places.append(p)
    with open(folder / "roads.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            roads.append(
                {
                    "from": row["from"],
                    "to": row["to"],
                    "km": float(row["km"]),
                    "road": row.get("road") or "road",
                    "source": row.get("source") or None,
                }
            )
    return places, roads


def _shared_inputs(data: dict, file: str | Path) -> dict:
    """``inputs_from: CASE``: inputs, border and rules not given are CASE's, unchanged.

    An ``inputs`` mapping in the case overrides single inputs (the others stay CASE's)."""
    name = data.pop("inputs_from")
    if name not in EMBEDDED:
        raise EnclaveInputError(file, "inputs_from", f"no embedded case named '{name}'")
    base = parse_yaml(embedded_path(name).read_text(encoding="utf-8"))
    if isinstance(base.get("inputs_from"), str):
        base = _shared_inputs(base, embedded_path(name))
    merged = {**{k: base[k] for k in ("inputs", "border", "rules") if k in base}, **data}
    if isinstance(data.get("inputs"), dict) and isinstance(base.get("inputs"), dict):
        merged["inputs"] = {**base["inputs"], **data["inputs"]}  # per-input overrides
    return merged


def _with_geography(data: dict, file: str | Path) -> dict:
    """Fill a case's places and roads from the geography it names (case entries override)."""
    name = data["geography"]
    folder = geography_dir(name)
    if (folder / "places.csv").exists():
        try:
            places, roads = contract_places(folder)
        except (OSError, KeyError, ValueError) as exc:
            raise EnclaveInputError(folder / "places.csv", None, f"bad geography: {exc}") from None
    elif name in EMBEDDED:
        base = parse_yaml(embedded_path(name).read_text(encoding="utf-8"))
        if isinstance(base.get("geography"), str):  # that case's places come from a geography
            base = _with_geography(base, embedded_path(name))
        places, roads = base.get("places", []), base.get("roads", [])
        # inputs, border and rules not given are shared unchanged with that case
        data = {**{k: base[k] for k in ("inputs", "border", "rules") if k in base}, **data}
    else:
        raise EnclaveInputError(file, "geography", f"no embedded geography named '{name}'")
    over = {p.get("name"): p for p in data.get("places", []) or [] if isinstance(p, dict)}
    merged = [over.pop(p["name"], p) for p in places] + list(over.values())
    return {**data, "places": merged, "roads": list(roads) + list(data.get("roads", []) or [])}


def events_path(name: str, file: str | Path) -> Path:
    embedded = Path(str(resources.files("enclave.scenario") / "data" / "events" / f"{name}.csv"))
    if embedded.exists():
        return embedded
    path = Path(name)
    if not path.is_absolute():
        path = Path(file).parent / path
    return path


def _with_events(data: dict, file: str | Path) -> dict:
    """Expand each scenario's ``events`` table into phases (and border, if it sets one)."""
    from enclave.scenario.events import event_phases, read_events

    scenarios = data.get("scenarios")
    if not isinstance(scenarios, list) or not isinstance(data.get("start_date"), str):
        return data
    names = [p.get("name") for p in data.get("places", []) or [] if isinstance(p, dict)]
    out = []
    for sc in scenarios:
        tables = sc.get("events") if isinstance(sc, dict) else None
        if isinstance(tables, str):
            tables = [tables]
        if isinstance(tables, list) and all(isinstance(t, str) for t in tables):
            events = [e for t in tables for e in read_events(events_path(t, file), names)]
            t0 = date.fromisoformat(data["start_date"])
            for t in sc.get("control_from") or []:
                events = [
                    e
                    for e in read_events(events_path(t, file), names)
                    if e.event == "captured" and e.date < t0
                ] + events
            sc = {**sc, "events": ";".join(tables)}
            days = int(sc.get("days", 0) or 0)
            phases, border = event_phases(events, data["start_date"], days)
            sc = {**sc, "phases": [p.model_dump() for p in phases] + list(sc.get("phases") or [])}
            if border is not None and sc.get("border") is None:
                sc["border"] = [b.model_dump() for b in border]
        out.append(sc)
    return {**data, "scenarios": out}


# --------------------------------------------------------------------------- checks
def check_references(case: Case) -> tuple[tuple, str] | None:
    """Cross-field checks; the first problem as (field path, message), or None."""
    names: dict[str, int] = {}
    for i, p in enumerate(case.places):
        if p.name in names:
            return ("places", i, "name"), f"place '{p.name}' is listed twice"
        names[p.name] = i

    def unknown(name: str) -> str:
        return f"no place named '{name}'"

    linked: set[frozenset[str]] = set()
    has_road: set[str] = set()
    for i, r in enumerate(case.roads):
        for key, end in (("from", r.from_), ("to", r.to)):
            if end not in names:
                return ("roads", i, key), unknown(end)
        if r.from_ == r.to:
            return ("roads", i, "to"), "a road must join two different places"
        linked.add(frozenset((r.from_, r.to)))
        has_road.update((r.from_, r.to))
    for i, p in enumerate(case.places):
        if p.name not in has_road:
            return ("places", i, "name"), f"place '{p.name}' has no road"
    for i, z in enumerate(case.border.zone):
        if z not in names:
            return ("border", "zone", i), unknown(z)

    seen: set[str] = set()
    for si, s in enumerate(case.scenarios):
        if s.name in seen:
            return ("scenarios", si, "name"), f"scenario '{s.name}' is listed twice"
        seen.add(s.name)
        for pi, ph in enumerate(s.phases):
            base = ("scenarios", si, "phases", pi)
            first = ph.day if hasattr(ph, "day") else ph.start
            key = "day" if hasattr(ph, "day") else "start"
            if first >= s.days:
                return base + (key,), f"day {first} is past the scenario's {s.days} days"
            places = getattr(ph, "places", None)
            if isinstance(places, list):
                for j, n in enumerate(places):
                    if n not in names:
                        return base + ("places", j), unknown(n)
            if isinstance(ph, Advance):
                for j, n in enumerate(ph.route):
                    if n not in names:
                        return base + ("route", j), unknown(n)
                    if j and frozenset((ph.route[j - 1], n)) not in linked:
                        return base + ("route", j), f"no road from '{ph.route[j - 1]}' to '{n}'"
            if isinstance(ph, Corridor) and isinstance(ph.between, list):
                for j, (a, b) in enumerate(ph.between):
                    for k, n in enumerate((a, b)):
                        if n not in names:
                            return base + ("between", j, k), unknown(n)
                    if frozenset((a, b)) not in linked:
                        return base + ("between", j), f"no road between '{a}' and '{b}'"
        if s.border:
            for bi, b in enumerate(s.border):
                if b.from_day >= s.days:
                    return ("scenarios", si, "border", bi, "from_day"), (
                        f"day {b.from_day} is past the scenario's {s.days} days"
                    )
    if case.weights is not None:
        for band, name in case.weights.bands.items():
            if name not in seen:
                return ("weights", "bands", band), f"no scenario named '{name}'"
    for ri, ref in enumerate(case.references):
        for j, name in enumerate(ref.compare_with):
            if name not in seen:
                return ("references", ri, "compare_with", j), f"no scenario named '{name}'"
    for key in _RULES_FROM_INPUTS:
        if key in case.rules:
            return ("rules", key), "set by the model (spawning from inputs.spawn_rate); remove it"
    if "distance_power" in case.rules and "distance_power" in case.inputs.model_fields_set:
        return ("rules", "distance_power"), (
            "also set under inputs.distance_power: keep one (inputs when it is uncertain or"
            " calibrated, rules when it is fixed)"
        )
    from enclave.displacement.rules import MoveRules

    try:
        MoveRules(**case.rules)
    except ValidationError as exc:
        err = exc.errors(include_url=False)[0]
        return ("rules",) + tuple(err["loc"]), _problem(err)
    return None


# --------------------------------------------------------------------------- locations
def _clean_loc(loc: tuple, data: Any) -> tuple:
    """Drop pydantic's union tags (``'advance'``) that are not keys in the data."""
    out: list = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
            out.append(part)
        elif isinstance(node, dict) and part == "from_" and "from" in node:
            node = node["from"]
            out.append("from")
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            out.append(part)
        elif isinstance(part, str) and not isinstance(node, dict | list):
            continue
        elif isinstance(node, dict) and isinstance(part, str) and part[:1].islower():
            # a missing key, or a union tag: keep missing keys (named in the path)
            if part in _TAGS:
                continue
            out.append(part)
            node = None
        else:
            out.append(part)
            node = None
    return tuple(out)


_TAGS = {
    "strikes",
    "advance",
    "capture",
    "ceasefire",
    "corridor",
    "list[tuple[str,str]]",
    "list[str]",
    "literal['all']",
    "literal['front']",
}


def _path(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _where(root: yaml.Node | None, loc: tuple) -> str:
    """``LINE:path`` (the line of the deepest node of ``loc`` found in the YAML)."""
    line = None
    node = root
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            nxt = None
            for k, v in node.value:
                if k.value == str(part):
                    nxt = v
                    line = k.start_mark.line + 1
                    break
            node = nxt
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if 0 <= part < len(node.value):
                node = node.value[part]
                line = node.start_mark.line + 1
            else:
                node = None
        else:
            break
        if node is None:
            break
    if line is None and root is not None:
        line = root.start_mark.line + 1
    path = _path(loc)
    return f"{line}:{path}" if path else str(line)


def _problem(err: dict) -> str:
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        key = err["loc"][-1] if err.get("loc") else ""
        return f"unknown field '{key}' (check the spelling; see docs/case-format.md)"
    if err["type"] == "string_type" and isinstance(err.get("input"), datetime.date):
        return f'YAML read {err["input"]} as a date: quote it ("{err["input"]}")'
    if err["type"] == "missing":
        return "required field is missing"
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if err["type"] == "union_tag_invalid":
        return msg.replace("Input tag", "phase type")
    return msg
