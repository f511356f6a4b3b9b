"""Calibration files: what ``enclave calibrate`` writes and ``enclave run --calibration`` reads.

A calibration file (YAML) names the parameter set (the inputs fitted, in order) and the
geography it was fitted on; it applies only to a case that declares the same calibratable
inputs on the same geography. Applying it replaces each fitted input's range by the 90 %
interval, with the fitted value (weighted posterior median) as its central value (what the
one-at-a-time and SALib sensitivity designs use). Where the file carries the final ABC-SMC
population (``posterior``), ensemble members draw the fitted inputs as whole particles, by
weight: the posterior's shape and correlations, not independent uniforms over the
intervals (a skewed posterior drawn uniformly over its 90 % interval overweights its long
tail).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from enclave.calibration.fit import calibrated_names
from enclave.errors import EnclaveInputError
from enclave.io import parse_yaml
from enclave.scenario.model import INPUT_NAMES, Case, Posterior, Range

FORMAT = 1
REQUIRED = ("calibration", "case", "parameter_set", "geography", "parameters")
EMBEDDED = {"idlib-2019": "calibration_idlib-2019.yaml"}


def embedded_calibration(name: str) -> Path:
    return Path(str(resources.files("enclave.calibration") / "data" / EMBEDDED[name]))


def read_calibration(path: str | Path) -> dict:
    """Read a calibration file and check its shape (not yet against a case)."""
    text_path = str(path)
    file = embedded_calibration(text_path) if text_path in EMBEDDED else Path(text_path)
    try:
        data = parse_yaml(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise EnclaveInputError(file, None, f"cannot read: {exc}") from None
    except yaml.YAMLError as exc:
        raise EnclaveInputError(file, None, f"not valid YAML: {str(exc).splitlines()[0]}") from None
    if not isinstance(data, dict):
        raise EnclaveInputError(file, None, "a calibration file must be a YAML mapping")
    for key in REQUIRED:
        if key not in data:
            raise EnclaveInputError(file, key, "missing")
    if data["calibration"] != FORMAT:
        raise EnclaveInputError(file, "calibration", f"unknown format {data['calibration']!r}")
    params = data["parameters"]
    if not isinstance(params, dict) or not params:
        raise EnclaveInputError(file, "parameters", "must map input names to fitted values")
    for name, p in params.items():
        if name not in INPUT_NAMES:
            raise EnclaveInputError(file, f"parameters.{name}", "unknown parameter")
        if not isinstance(p, dict) or not all(
            isinstance(p.get(k), int | float) for k in ("value", "p05", "p95")
        ):
            raise EnclaveInputError(file, f"parameters.{name}", "needs numbers value, p05, p95")
        if not p["p05"] <= p["value"] <= p["p95"]:
            raise EnclaveInputError(file, f"parameters.{name}", "value must lie in [p05, p95]")
    if sorted(data["parameter_set"]) != sorted(params):
        raise EnclaveInputError(file, "parameter_set", "does not list the parameters given")
    post = data.get("posterior")
    if post is not None:
        try:
            Posterior.model_validate(post)
        except ValidationError as exc:
            err = exc.errors(include_url=False)[0]
            where = ".".join(str(x) for x in ("posterior", *err["loc"]))
            raise EnclaveInputError(file, where, err["msg"]) from None
        if sorted(post["names"]) != sorted(params):
            raise EnclaveInputError(file, "posterior.names", "must be the parameters given")
    data["_file"] = str(file)
    return data


def apply_calibration(case: Case, data: dict) -> Case:
    """The case with its calibratable inputs replaced by the calibration's 90 % intervals."""
    file = data["_file"]
    want = calibrated_names(case)
    if sorted(data["parameter_set"]) != sorted(want):
        raise EnclaveInputError(
            file,
            "parameter_set",
            f"{data['parameter_set']} does not match case {case.case}'s calibratable inputs {want}",
        )
    if data["geography"] != case.geography_name:
        raise EnclaveInputError(
            file,
            "geography",
            f"'{data['geography']}' does not match case {case.case}'s '{case.geography_name}'",
        )
    updates = {}
    for name, p in data["parameters"].items():
        old = getattr(case.inputs, name)
        updates[name] = Range(
            low=float(p["p05"]),
            high=float(p["p95"]),
            central=float(p["value"]),
            unit=old.unit,
            description=old.description,
            source=f"calibration {Path(file).name} ({data['case']}): 90 % interval, median",
            calibrate=False,
        )
    post = data.get("posterior")
    return case.model_copy(
        update={
            "inputs": case.inputs.model_copy(update=updates),
            "posterior": Posterior.model_validate(post) if post is not None else None,
        }
    )


def load_for_case(case: Case, path: str | Path | None) -> tuple[Case, dict | None]:
    """Apply ``path`` (or the case's default calibration) to ``case``; (case, file data)."""
    chosen = path if path is not None else case.calibration
    if chosen is None:
        return case, None
    data = read_calibration(chosen)
    return apply_calibration(case, data), data


def dump(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)
