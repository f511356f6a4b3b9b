"""Report: renders a results Dataset and its tables as a self-contained report.html.

It computes nothing that the pipeline (``enclave.pipeline``) or the analysis stage did not
hand it.
"""
