"""Report: the self-contained report.html and the enclave run pipeline."""
