"""A non-Idlib case (Daraa-style, Jordanian border) reads in its own words, and the
metrics mean what their definitions say."""

import io
import re

import numpy as np
import xarray as xr
from rich.console import Console

from enclave.analysis.summary import DEFINITIONS, member_metrics
from enclave.report.terminal import print_table
from enclave.scenario import load

from .conftest import DARAA

IDLIB_WORDS = ("Idlib", "Turkey", "Turkish", "M4", "M5", "Atmeh", "Sochi", "Aleppo")


def _visible(html: str) -> str:
    return re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "", html)


def test_daraa_report_and_table_have_no_idlib_words(daraa_run):
    out, res = daraa_run
    html = _visible((out / "report.html").read_text(encoding="utf-8"))
    buf = io.StringIO()
    print_table(res.summary, load(DARAA), 3, 20, None, Console(file=buf, width=80), explain=True)
    table = buf.getvalue()
    for word in IDLIB_WORDS:
        assert not re.search(rf"\b{word}\b", html, re.I), word
        assert not re.search(rf"\b{word}\b", table, re.I), word
    assert "Jordan" in html and "June 2018" in html and "N5" in html
    assert "the Golan ceasefire-line area" in html
    assert "closed by the case default" in table
    assert max(len(line) for line in table.splitlines()) <= 80
    assert "n=k/N" in table and "Nasib camps" in table.replace("\n", " ")
    assert "2.5e+06" not in html and "'end': None" not in html
    assert "<h2 id='politics'>" not in html  # the case has no actor table or weights


def test_results_carry_metrics_and_needs(daraa_run):
    out, _ = daraa_run
    with xr.open_dataset(out / "results.nc", engine="h5netcdf") as ds:
        for k, (unit, _label, definition) in DEFINITIONS.items():
            assert ds[f"metric_{k}"].attrs["comment"] == definition
            assert ds[f"metric_{k}"].attrs["units"] == unit
        assert list(ds["need_item"].values) == [
            "covered_space",
            "shelter_kits",
            "water",
            "food",
            "latrines",
            "health_units",
        ]
        assert float(ds["need_per_person"].sel(need_item="water")) == 15.0
        # the gap is people above capacity x the standard
        gap = ds["needs_gap_people"].sum("place", min_count=1)
        got = ds["needs_gap"].sel(need_item="covered_space").transpose(*gap.dims)
        np.testing.assert_allclose(got.values, 3.5 * gap.values, rtol=1e-5)
        assert float(ds["needs_people"].sum()) > 0


def _toy(occ_camp: list[float], cap: float) -> xr.Dataset:
    d = len(occ_camp)
    occ = np.zeros((1, 1, d, 2))
    occ[0, 0, :, 0] = occ_camp
    occ[0, 0, :, 1] = 100.0
    z3 = np.zeros((1, 1, d))
    return xr.Dataset(
        {
            "occupancy": (("scenario", "member", "day", "place"), occ),
            "capacity": (("member", "place"), np.array([[cap, np.nan]])),
            "newly_displaced": (("scenario", "member", "day"), z3 + 1.0),
            "inflow_turkish_held": (("scenario", "member", "day"), z3),
            "inflow_government": (("scenario", "member", "day"), z3),
            "inflow_turkey": (("scenario", "member", "day"), z3),
        },
        coords={
            "scenario": ["s"],
            "place": ["camp", "town"],
            "kind": ("place", ["idp_camp_cluster", "town"]),
            "day": np.arange(d),
            "scenario_days": ("scenario", [d]),
        },
    )


def test_camp_that_starts_full_overflows_only_when_it_rises_above_day0():
    # starts at 1.2 x capacity, dips, then rises above its day-0 level on day 4
    mm = member_metrics(_toy([120, 110, 100, 115, 130, 90], 100.0), ["camp"])
    assert mm["camp_first_over_day"].sel(place="camp").item() == 4
    assert mm["first_overflow_day"].item() == 4
    assert mm["camp_person_days_over"].sel(place="camp").item() == 20 + 10 + 0 + 15 + 30 + 0
    assert mm["peak_overload"].item() == 1.3
    assert mm["flight_day_90"].item() == 5  # 6 equal days: 90 % reached on day 5


def test_camp_under_capacity_overflows_on_first_day_above_it():
    mm = member_metrics(_toy([50, 90, 101, 99], 100.0), ["camp"])
    assert mm["camp_first_over_day"].sel(place="camp").item() == 2
    never = member_metrics(_toy([120, 110, 120, 119], 100.0), ["camp"])
    assert np.isnan(never["first_overflow_day"].item())


def test_table_legend_by_default_definitions_on_explain(daraa_run):
    """Default: one legend line and no definitions; --explain: every metric defined; 80 cols."""
    _, res = daraa_run
    outs = {}
    for explain in (False, True):
        buf = io.StringIO()
        print_table(res.summary, load(DARAA), 3, 20, None, Console(file=buf, width=200), explain)
        outs[explain] = buf.getvalue()
        assert max(len(line) for line in outs[explain].splitlines()) <= 80
    assert "--explain" in outs[False] and "Definitions:" not in outs[False]
    assert " • " not in outs[False]
    n_metrics = res.summary["metric"].nunique()
    assert outs[True].count(" • ") == n_metrics
