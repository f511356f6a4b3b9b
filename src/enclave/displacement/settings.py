"""Reading Flee's ``simsetting.yml`` into :class:`MoveRules`.

Every key that Flee 3.1 or a later Flee defines is accepted. Keys that Enclave honours set
the rules; keys that Flee 3.1 itself does not act on (logging, later-Flee keys, the decay
interval Flee fixes at 30) are accepted silently; keys Flee 3.1 acts on but Enclave does not
(demographic conditionals, stay_close_to_home, ...) give one warning listing them, only when
they are switched on; a key no Flee version defines is an error naming it, so that a typo
cannot pass silently. ``use_v1_rules`` applies its preset after every other key, as Flee's.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import yaml

from enclave.displacement.rules import MoveRules
from enclave.errors import EnclaveInputError, warn_input

# section -> {flee key: MoveRules field} for honoured keys
HONOURED = {
    "move_rules": {
        "max_move_speed": "max_move_speed",
        "max_walk_speed": "max_walk_speed",
        "max_crossing_speed": "max_crossing_speed",
        "foreign_weight": "foreign_weight",
        "camp_weight": "camp_weight",
        "conflict_weight": "conflict_weight",
        "conflict_movechance": "conflict_movechance",
        "camp_movechance": "camp_movechance",
        "idpcamp_movechance": "idpcamp_movechance",
        "default_movechance": "default_movechance",
        "awareness_level": "awareness_level",
        "capacity_buffer": "capacity_buffer",
        "avoid_short_stints": "avoid_short_stints",
        "start_on_foot": "start_on_foot",
        "softening": "softening",
        "weight_softening": "weight_softening",
        "weight_power": "weight_power",
        "distance_power": "distance_power",
        "movechance_pop_base": "movechance_pop_base",
        "movechance_pop_scale_factor": "movechance_pop_scale_factor",
        "use_v1_rules": None,  # handled below: a preset of five rules
    },
    "spawn_rules": {
        "take_from_population": "take_from_population",
        "insert_day0": "insert_day0",
        "conflict_zone_spawning_only": "conflict_zone_spawning_only",
        "camps_are_sicks": "camps_are_sinks",  # Flee's own (misspelt) key
        "conflict_spawn_decay": "conflict_spawn_decay",
        "conflict_driven_spawning": None,  # a section: spawn_mode, displaced_per_conflict_day
    },
    "optimisations": {"hasten": "hasten"},
}

# keys Flee defines that Flee 3.1 itself does not act on (log levels, later-Flee keys, keys
# the run script decides): accepted without a word, as Flee 3.1 runs the same without them
FLEE_IGNORES = {
    "": {"number_of_steps", "conflict_input_file", "flood_rules"},
    "log_levels": {"agent", "link", "camp", "init", "conflict", "idp_totals", "granularity"},
    "move_rules": {"capacity_scaling", "flood_rules"},
    "spawn_rules": {
        "sum_from_camps",
        "empty_camps_on_day0",
        "read_from_agents_csv_file",
        "camps_are_sinks",
        # Flee 3.1 fixes the decay interval at 30 days (get_conflict_decay)
        "conflict_spawn_decay_interval",
    },
    "optimisations": set(),
}
# keys Flee 3.1 acts on when they are set (true) and Enclave does not: one warning listing them
NOT_HONOURED = {
    "": set(),
    "log_levels": set(),
    "move_rules": {
        "stay_close_to_home",
        "home_distance_power",
        "use_pop_for_loc_weight",
        "pop_power_for_loc_weight",
        "ChildrenAvoidHazards",
        "BoysTakeRisk",
        "MatchCampEthnicity",
        "MatchTownEthnicity",
        "MatchConflictEthnicity",
    },
    "spawn_rules": {"flood_zone_spawning_only", "flood_driven_spawning"},
    "optimisations": set(),
}
# of those, the ones that only matter when another key is on
_DEPENDENT = {"home_distance_power", "pop_power_for_loc_weight"}
SECTIONS = ("log_levels", "spawn_rules", "move_rules", "optimisations")
SPAWN_MODES = {"constant": "constant", "poisson": "poisson", "pop_ratio": "pop_ratio"}


def read_settings(path: str | Path | None, *, overrides: dict[str, Any] | None = None) -> MoveRules:
    """Read a ``simsetting.yml`` (``None``: Flee's defaults) into validated rules."""
    values: dict[str, Any] = dict(overrides or {})
    if path is None:
        return MoveRules(**values)
    path = Path(path)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise EnclaveInputError(path, None, "settings file not found") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else None
        raise EnclaveInputError(path, where, f"not valid YAML ({err.__class__.__name__})") from None
    if not isinstance(document, dict):
        raise EnclaveInputError(path, None, "expected a mapping of sections at the top level")
    ignored: list[str] = []
    v1 = False
    for key, section in document.items():
        if key in FLEE_IGNORES[""]:
            continue
        if key not in SECTIONS:
            raise EnclaveInputError(path, str(key), "unknown key (no Flee version defines it)")
        if section is None:
            continue
        if not isinstance(section, dict):
            raise EnclaveInputError(path, str(key), "expected a mapping")
        v1 = _read_section(path, key, section, values, ignored) or v1
    if v1:  # Flee applies the preset after reading every key, whatever their order
        values.update(V1_RULES)
    if ignored:
        warn_input(
            path, None, "keys defined by Flee but not honoured by Enclave: " + ", ".join(ignored)
        )
    try:
        return MoveRules(**values)
    except Exception as err:  # pydantic.ValidationError: name the first bad field
        errors = getattr(err, "errors", lambda: [])()
        if errors:
            first = errors[0]
            field = ".".join(str(p) for p in first.get("loc", ()))
            raise EnclaveInputError(path, _flee_key(field), first.get("msg", str(err))) from None
        raise EnclaveInputError(path, None, str(err)) from None


def _flee_key(field: str) -> str:
    for section, keys in HONOURED.items():
        for flee_key, ours in keys.items():
            if ours == field:
                return f"{section}.{flee_key}"
    return field


V1_RULES = dict(
    max_move_speed=200.0,
    start_on_foot=False,
    avoid_short_stints=False,
    camp_weight=2.0,
    conflict_weight=0.25,
)


def _read_section(path, section, entries, values, ignored) -> bool:
    """Read one section into ``values``; True where it asks for Flee's v1 preset."""
    honoured = HONOURED.get(section, {})
    v1 = False
    for key, value in entries.items():
        where = f"{section}.{key}"
        if key in FLEE_IGNORES.get(section, set()):
            continue
        if key in NOT_HONOURED.get(section, set()):
            if value and key not in _DEPENDENT:  # the switch itself is reported
                ignored.append(where)
            continue
        if key not in honoured:
            raise EnclaveInputError(path, where, "unknown key (no Flee version defines it)")
        if key == "use_v1_rules":
            _expect(path, where, value, bool)
            v1 = bool(value)
            continue
        if key == "conflict_driven_spawning":
            _read_conflict_spawning(path, where, value, values)
            continue
        field = honoured[key]
        expected = MoveRules.model_fields[field].annotation
        values[field] = _coerce(path, where, value, expected)
    return v1


def _read_conflict_spawning(path, where, value, values) -> None:
    if value is None:
        value = {}
    if not isinstance(value, dict):
        raise EnclaveInputError(path, where, "expected a mapping (spawn_mode, ...)")
    values["conflict_driven_spawning"] = True
    mode = value.get("spawn_mode", "constant")
    if not isinstance(mode, str) or mode.lower() not in SPAWN_MODES:
        raise EnclaveInputError(
            path, f"{where}.spawn_mode", f"must be constant, Poisson or pop_ratio, not {mode!r}"
        )
    values["conflict_spawn_mode"] = SPAWN_MODES[mode.lower()]
    default = 0.01 if values["conflict_spawn_mode"] == "pop_ratio" else 500
    rate = value.get("displaced_per_conflict_day", default)
    rate = _coerce(path, f"{where}.displaced_per_conflict_day", rate, float)
    if values["conflict_spawn_mode"] != "pop_ratio":
        rate = float(int(rate))  # Flee 3.1 reads it with int() outside pop_ratio mode
    values["displaced_per_conflict_day"] = rate
    for key in value:
        if key not in ("spawn_mode", "displaced_per_conflict_day"):
            raise EnclaveInputError(path, f"{where}.{key}", "unknown key")


def _expect(path, where, value, kind) -> None:
    if kind is bool and not isinstance(value, bool):
        raise EnclaveInputError(path, where, f"expected true or false, got {value!r}")


def _coerce(path, where, value, expected):
    """Check a YAML value against the rule's type: numbers for numbers, booleans for flags."""
    text = str(expected)
    if expected is bool:
        _expect(path, where, value, bool)
        return value
    if expected is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise EnclaveInputError(path, where, f"expected an integer, got {value!r}")
        return value
    if expected is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
            raise EnclaveInputError(path, where, f"expected a number, got {value!r}")
        return float(value)
    if "tuple" in text:  # conflict_spawn_decay: a list of numbers
        if value is None:
            return None
        if not isinstance(value, list) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in value
        ):
            raise EnclaveInputError(path, where, f"expected a list of numbers, got {value!r}")
        return tuple(float(v) for v in value)
    return value
