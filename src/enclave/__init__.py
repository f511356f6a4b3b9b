"""Enclave: what happens to the people of a besieged enclave if the offensive comes.

Stages (data flows one way): scenario -> politics -> conflict -> displacement -> ensemble
-> analysis -> report. Each sub-package is a plain-data Python API; ``enclave.cli`` is a thin
layer over them.
"""

__version__ = "0.1.0"

__all__ = ["__version__", "run_case"]


def __getattr__(name: str):  # noqa: ANN202
    """``enclave.run_case`` without importing the whole pipeline at ``import enclave``."""
    if name == "run_case":
        from enclave.pipeline import run_case

        return run_case
    raise AttributeError(f"module 'enclave' has no attribute {name!r}")
