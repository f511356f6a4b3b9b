"""Case files: load and check a case (YAML), and turn a scenario into engine inputs."""

from enclave.scenario.load import EMBEDDED, load, loads, resolve
from enclave.scenario.model import Case, Scenario

__all__ = ["EMBEDDED", "Case", "Scenario", "load", "loads", "resolve"]
