"""The pipeline: one place that drives a run, case -> members -> engine runs -> Dataset ->
analysis -> files. The CLI (``enclave run``), calibration and any future web page call it;
``enclave.report`` only renders a results Dataset it is given.
"""

from enclave.pipeline.run import RunOutputs, run_case, runs_needed

__all__ = ["RunOutputs", "run_case", "runs_needed"]
