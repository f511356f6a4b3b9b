"""The bottom line says whether its figures are calibrated, on which data, fitted to what."""

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


def test_run_report_says_uncalibrated_by_default(idlib_small_run):
    out, _ = idlib_small_run
    assert "Uncalibrated" in (out / "report.html").read_text("utf-8")
