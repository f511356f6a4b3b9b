"""Ensembles: members with independent seeds and drawn inputs -> one xarray Dataset."""

from enclave.ensemble.backends import Backend, ProcessBackend, SerialBackend, make_backend
from enclave.ensemble.dataset import save_netcdf, to_dataset, write_atomic
from enclave.ensemble.runner import (
    EnsembleRun,
    MemberOutput,
    MemberSpec,
    RunConfig,
    member_specs,
    run_ensemble,
    run_member,
    run_specs,
)

__all__ = [
    "Backend",
    "EnsembleRun",
    "MemberOutput",
    "MemberSpec",
    "ProcessBackend",
    "RunConfig",
    "SerialBackend",
    "make_backend",
    "member_specs",
    "run_ensemble",
    "run_member",
    "run_specs",
    "save_netcdf",
    "to_dataset",
    "write_atomic",
]
