"""Analysis: summary tables, daily bands, planning-figure comparison, sensitivity."""

from enclave.analysis.sensitivity import one_at_a_time
from enclave.analysis.summary import (
    METRICS,
    compare_references,
    daily_bands,
    member_metrics,
    summarise,
)

__all__ = [
    "METRICS",
    "compare_references",
    "daily_bands",
    "member_metrics",
    "one_at_a_time",
    "summarise",
]
