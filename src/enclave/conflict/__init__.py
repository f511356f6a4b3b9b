"""Conflict timelines: scenario phases -> intensity, control and link capacity arrays."""

from enclave.conflict.timeline import Timeline, border_schedule, timeline

__all__ = ["Timeline", "border_schedule", "timeline"]
