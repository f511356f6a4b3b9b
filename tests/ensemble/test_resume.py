"""Kill -9 in the middle of ``enclave run``, resume, and get the uninterrupted results."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import numpy as np
import xarray as xr

from enclave.cli import main
from enclave.ensemble.store import STORE

ARGS = ["--members", "300", "--workers", "1", "--no-sensitivity", "--scale", "1", "--seed", "5"]


def _stored(out):
    folder = out / STORE
    return len(list(folder.glob("[0-9]*.npz"))) if folder.exists() else 0


def test_kill_and_resume_equals_uninterrupted(tiny_path, tmp_path):
    killed = tmp_path / "killed"
    proc = subprocess.Popen(
        [sys.executable, "-c", "import sys; from enclave.cli import main; sys.exit(main())"]
        + ["run", str(tiny_path), "--out", str(killed), *ARGS],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while _stored(killed) < 10 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    n_before = _stored(killed)
    assert 10 <= n_before < 600, n_before  # killed part-way, with members on disk
    assert not (killed / "results.nc").exists()

    assert main(["run", str(tiny_path), "--out", str(killed), *ARGS, "--resume"]) == 0
    assert not (killed / STORE).exists()  # complete: the store is gone
    whole = tmp_path / "whole"
    assert main(["run", str(tiny_path), "--out", str(whole), *ARGS]) == 0
    a = xr.open_dataset(killed / "results.nc", engine="h5netcdf")
    b = xr.open_dataset(whole / "results.nc", engine="h5netcdf")
    assert set(a.data_vars) == set(b.data_vars)
    for name in a.data_vars:
        np.testing.assert_array_equal(a[name].values, b[name].values, err_msg=name)
    assert a.attrs == b.attrs


def test_resume_with_other_settings_is_refused(tiny_path, tmp_path, capsys):
    from enclave.ensemble.store import MemberStore

    out = tmp_path / "o"
    MemberStore(out, {"seed": 1}, 4).open(resume=False)  # a run that was interrupted
    rc = main(["run", str(tiny_path), "--out", str(out), *ARGS, "--resume"])
    err = capsys.readouterr().err
    assert rc == 2 and "different settings" in err and err.strip().count("\n") == 0
    assert (out / STORE / "manifest.json").exists()  # the old store is left alone


def test_resume_without_a_store_is_refused(tiny_path, tmp_path, capsys):
    rc = main(["run", str(tiny_path), "--out", str(tmp_path / "o"), *ARGS, "--resume"])
    err = capsys.readouterr().err
    assert rc == 2 and "no interrupted run" in err
