"""The Dask backend: a real LocalCluster (processes, loopback) gives the local numbers."""

from __future__ import annotations

import time

import numpy as np
import pytest

from enclave.cli import main
from enclave.ensemble import ProcessBackend, run_ensemble, to_dataset
from enclave.ensemble.backends import DaskBackend, make_backend


def _same(a, b):
    for name in a.data_vars:
        np.testing.assert_array_equal(a[name].values, b[name].values, err_msg=name)


def test_local_cluster_gives_the_process_pool_numbers(tiny):
    seen = []
    dask = run_ensemble(
        tiny, members=3, seed=11, backend=DaskBackend(workers=2), on_done=lambda: seen.append(1)
    )
    local = run_ensemble(tiny, members=3, seed=11, backend=ProcessBackend(2))
    assert len(seen) == 6
    _same(to_dataset(dask), to_dataset(local))
    # and it is not trivially equal: a different seed changes the numbers
    other = to_dataset(run_ensemble(tiny, members=3, seed=12, backend=ProcessBackend(2)))
    assert not np.array_equal(other["occupancy"].values, to_dataset(local)["occupancy"].values)


def test_on_result_streams_every_index_once(tiny):
    got = {}
    items = [3, 1, 2]
    out = DaskBackend(workers=2).map(pow, 2, items, on_result=lambda i, r: got.setdefault(i, r))
    assert out == [8, 2, 4] and got == {0: 8, 1: 2, 2: 4}


def test_scheduler_address_implies_dask():
    assert isinstance(make_backend("processes", 2, "tcp://127.0.0.1:1"), DaskBackend)
    with pytest.raises(ValueError):
        make_backend("mpi")


def test_unreachable_scheduler_is_one_line_exit_2_within_seconds(tiny_path, tmp_path, capsys):
    t0 = time.perf_counter()
    rc = main(
        [
            "run",
            str(tiny_path),
            "--out",
            str(tmp_path / "o"),
            "--members",
            "1",
            "--no-sensitivity",
            "--scheduler",
            "tcp://127.0.0.1:9",
        ]
    )
    elapsed = time.perf_counter() - t0
    err = capsys.readouterr().err
    assert rc == 2 and elapsed < 10, elapsed
    assert "cannot reach Dask scheduler" in err and "Traceback" not in err
    assert err.strip().count("\n") == 0


def test_bad_backend_is_one_line(tiny_path, tmp_path, capsys):
    rc = main(["run", str(tiny_path), "--out", str(tmp_path / "o"), "--backend", "mpi"])
    err = capsys.readouterr().err
    assert rc == 2 and "--backend" in err and err.strip().count("\n") == 0
