"""The report's figures drawn in forked processes are the ones drawn here.

The fork checks run in a fresh interpreter: the test process may hold other threads (a
browser session, a Dask cluster of an earlier test), where ``draw_all`` rightly declines
to fork.
"""

import os
import subprocess
import sys
import threading

from enclave.report.parallel import can_fork, draw_all

CHILD = """
import os, sys
import xarray as xr
from enclave.report.html import render
from enclave.report.parallel import can_fork, draw_all
from enclave.scenario import load
from enclave.analysis.summary import compare_references, daily_bands, summarise

def pid(state, job):
    return f"{os.getpid()}:{job}"

assert can_fork()
out = draw_all(pid, None, list(range(6)), workers=2)
assert [o.split(":")[1] for o in out] == [str(j) for j in range(6)], out
assert str(os.getpid()) not in {o.split(":")[0] for o in out}, out
with xr.open_dataset(sys.argv[1], engine="h5netcdf") as ds:
    ds = ds.load()
case = load(None)
zone = case.border.zone
summary = summarise(ds, zone)
comparison = compare_references(summary, case.references, daily_bands(ds, zone), case.start_date)
pages = [render(ds, case, summary, comparison, None, workers=n) for n in (1, 2)]
assert pages[0] == pages[1]
assert pages[0].count("data:image/png;base64,") >= 3 * len(case.scenarios)
print("ok")
"""


def _pid(state, job) -> str:  # noqa: ANN001
    return f"{os.getpid()}:{job}"


def test_forked_figures_are_the_same_and_in_order(idlib_small_run):
    out, _ = idlib_small_run
    run = subprocess.run(
        [sys.executable, "-c", CHILD, str(out / "results.nc")],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0 and run.stdout.strip().endswith("ok"), run.stderr[-2000:]


def test_another_thread_keeps_the_drawing_here():
    stop = threading.Event()
    t = threading.Thread(target=stop.wait)
    t.start()
    try:
        assert not can_fork()
        out = draw_all(_pid, None, [0, 1, 2], workers=2)
        assert {o.split(":")[0] for o in out} == {str(os.getpid())}
    finally:
        stop.set()
        t.join()
