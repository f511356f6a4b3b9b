"""Enclave: what happens to the people of a besieged enclave if the offensive comes.

Stages (data flows one way): scenario -> politics -> conflict -> displacement -> ensemble
-> analysis -> report. Each sub-package is a plain-data Python API; ``enclave.cli`` is a thin
layer over them.
"""

__version__ = "0.1.0"
