"""The bottom line says whether its figures are calibrated, on which data, fitted to what."""

import pandas as pd
import xarray as xr

from enclave.calibration.files import embedded_calibration, read_calibration
from enclave.report.html import render
from enclave.scenario import load


def _page(out, res, calibration):
    with xr.open_dataset(out / "results.nc", engine="h5netcdf") as ds:
        ds = ds.load()
    return render(ds, load(None), res.summary, res.comparison, None, calibration=calibration)


def test_bottom_line_names_calibration(idlib_small_run):
    out, res = idlib_small_run
    cal = read_calibration(embedded_calibration("idlib-2019"))
    page = _page(out, res, cal)
    top = page.split("<h2 id='summary'>")[0]
    assert "Calibrated figures." in top and "calibration_idlib-2019.yaml" in top
    assert "observed_2019.csv" in top and "fitted on case idlib-2019" in top
    for name, v in cal["parameters"].items():
        assert f"{name} <b>{v['value']:.4g}</b> [{v['p05']:.4g} – {v['p95']:.4g}]" in top
    plain = _page(out, res, None)
    assert (
        "Calibrated figures." not in plain and "Uncalibrated" in plain.split("<h2 id='summary'>")[0]
    )


def test_default_run_is_calibrated_with_the_prior_beside_it(idlib_small_run):
    """idlib-2018 loads the shipped 2019 calibration by default, says so, and shows the
    uncalibrated prior's figures beside the calibrated ones (prior_summary.csv too)."""
    out, res = idlib_small_run
    page = (out / "report.html").read_text("utf-8")
    top = page.split("<h2 id='summary'>")[0]
    assert "Calibrated figures." in top and "Uncalibrated" not in top
    assert "<h2 id='prior'>Calibrated against the prior</h2>" in top
    prior = pd.read_csv(out / "prior_summary.csv")
    assert res.prior_summary is not None and len(prior) == len(res.summary)
    cal = read_calibration(embedded_calibration("idlib-2019"))
    spawn = cal["parameters"]["spawn_rate"]
    with xr.open_dataset(out / "results.nc", engine="h5netcdf") as ds:
        drawn = ds["input_spawn_rate"].values
    # members draw whole posterior particles (a particle may lie outside the 90 % interval),
    # not values from the 0.01-0.03 prior
    post = cal["posterior"]
    particles = {round(p[post["names"].index("spawn_rate")], 6) for p in post["particles"]}
    assert all(round(float(v), 6) in particles for v in drawn)
    assert (drawn > 0.03).mean() > 0.5 and spawn["p05"] > 0.03
    nd = lambda t: t[(t.metric == "newly_displaced") & (t.scenario == "full-offensive")]  # noqa: E731
    assert float(nd(res.summary)["median"].iloc[0]) != float(nd(prior)["median"].iloc[0])


def test_prior_flag_runs_uncalibrated(tmp_path):
    from enclave.cli import main

    out = tmp_path / "prior"
    args = ["run", "--prior", "--members", "1", "--scale", "2000", "--no-sensitivity"]
    assert main([*args, "--out", str(out), "--workers", "1"]) == 0
    page = (out / "report.html").read_text("utf-8")
    assert "Uncalibrated" in page and not (out / "prior_summary.csv").exists()
    assert main([*args, "--calibration", "idlib-2019", "--out", str(tmp_path / "x")]) == 2
