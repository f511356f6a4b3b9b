"""enclave run end to end (small): files, report structure, no external URL, atomic writes."""

from html.parser import HTMLParser

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from enclave.cli import main
from enclave.pipeline import run as run_mod
from enclave.pipeline.run import run_case


class _Report(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []
        self.srcs = []
        self.hrefs = []
        self.figures = {}  # scenario -> list of image src
        self._scenario = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for key in ("src", "href"):
            if key in a:
                self.urls.append(a[key])
        if "src" in a:
            self.srcs.append(a["src"])
        if "href" in a:
            self.hrefs.append(a["href"])
        if tag == "figure" and "data-scenario" in a:
            self._scenario = a["data-scenario"]
            self.figures.setdefault(self._scenario, [])
        if tag == "img" and self._scenario:
            self.figures[self._scenario].append(a.get("src", ""))

    def handle_endtag(self, tag):
        if tag == "figure":
            self._scenario = None


@pytest.fixture(scope="module")
def idlib_run(tmp_path_factory, idlib):
    out = tmp_path_factory.mktemp("idlib")
    res = run_case(idlib, out, members=3, seed=5, scale=400, workers=1)
    return out, res


def test_run_writes_every_file(idlib_run):
    out, res = idlib_run
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(
        [
            "results.nc",
            "summary.csv",
            "daily.csv",
            "comparison.csv",
            "camps.csv",
            "report.html",
            "sensitivity.csv",
            "weights.csv",
        ]
    ) or names == sorted(
        [
            "results.nc",
            "summary.csv",
            "daily.csv",
            "comparison.csv",
            "camps.csv",
            "report.html",
            "sensitivity.csv",
        ]
    )
    s = pd.read_csv(out / "summary.csv")
    assert set(s.scenario) == {
        "full-offensive",
        "limited-offensive",
        "negotiated-deal",
        "stalemate",
    }
    assert {
        "newly_displaced",
        "into_turkish_held",
        "at_border_peak",
        "first_overflow_day",
        "peak_overload",
    } <= set(s.metric)
    nd = s[s.metric == "newly_displaced"].set_index("scenario")["median"]
    # the full offensive displaces more people than the deal
    assert nd["full-offensive"] > nd["limited-offensive"] > nd["negotiated-deal"]
    sens = pd.read_csv(out / "sensitivity.csv")
    assert set(sens.input) == {
        "enclave_population",
        "idp_share",
        "leave_share_residents",
        "leave_share_idps",
        "spawn_rate",
        "front_crossing_rate",
        "ground_leave_share",
        "distance_power",
    }  # camp_occupancy is fixed by the geography's rule C1: no swing to measure
    with xr.open_dataset(out / "results.nc", engine="h5netcdf") as ds:
        assert dict(ds.sizes) == {
            "scenario": 4,
            "member": 3,
            "day": 120,
            "place": 94,
            "week": 18,
            "need_item": 6,
        }
        # every summary metric is in the file with its plain-words definition
        for name in ("newly_displaced", "first_overflow_day", "camp_person_days_over"):
            v = ds[f"metric_{name}"]
            assert len(v.attrs["comment"]) > 30 and v.attrs["units"]
        assert set(ds["metric_camp_peak_ratio"].dims) == {"scenario", "member", "place"}
        assert float(ds["needs_people"].sum()) > 0


def test_camp_table_answers_which_camps_overflow_and_when(idlib_run):
    out, res = idlib_run
    camps = pd.read_csv(out / "camps.csv")
    assert len(camps) == 4 * 14  # every camp cluster of the geography, in every scenario
    assert set(camps.columns) >= {
        "camp_cluster",
        "capacity",
        "peak_occupancy",
        "peak_ratio",
        "first_day_over",
        "first_date_over",
        "members_over",
    }
    # the camp table agrees with the summary's per-cluster metrics
    s = res.summary[res.summary.metric == "camp_first_over_day"]
    for r in camps.itertuples():
        row = s[(s.scenario == r.scenario) & (s.place == r.camp_cluster)].iloc[0]
        assert r.members_over == row.members_with_value
        assert (r.members_over == 0) == np.isnan(r.first_day_over)
    assert (camps.peak_occupancy >= camps.day0_occupancy - 1e-6).all()
    text = (out / "report.html").read_text(encoding="utf-8")
    assert text.count("<details open class='camps'") == 4


def test_report_is_self_contained_with_a_figure_per_scenario(idlib_run):
    out, _ = idlib_run
    text = (out / "report.html").read_text(encoding="utf-8")
    parser = _Report()
    parser.feed(text)
    # nothing is loaded from outside: every src is inline; hrefs are source links only
    assert all(u.startswith("data:") for u in parser.srcs)
    assert any(u.startswith("https://") for u in parser.hrefs)
    assert "<link" not in text.lower()
    assert set(parser.figures) == {
        "full-offensive",
        "limited-offensive",
        "negotiated-deal",
        "stalemate",
    }
    for imgs in parser.figures.values():
        assert imgs and all(i.startswith("data:image/png;base64,") and len(i) > 5000 for i in imgs)
    assert "<script" not in text.lower() and "@import" not in text
    for word in (
        "Against the planning figures",
        "Bottom line",
        "Peak shelter gap",
        "Turkey",
        "487,000",
        "Assumptions",
        "Sources",
        "one at a time",
    ):
        assert word in text


def test_failed_run_writes_nothing(tmp_path, small_case, monkeypatch):
    def boom(*a, **k):
        raise RuntimeError("report failed")

    monkeypatch.setattr(run_mod, "render", boom)
    with pytest.raises(RuntimeError):
        run_case(small_case, tmp_path / "out", members=2, seed=1, workers=1, sensitivity=False)
    # only the members persisted for --resume remain (hidden); no result file
    left = [p.name for p in (tmp_path / "out").iterdir()] if (tmp_path / "out").exists() else []
    assert left in ([], [".members"])


def test_failed_write_leaves_old_files_alone(tmp_path, small_case, monkeypatch):
    out = tmp_path / "out"
    run_case(small_case, out, members=2, seed=1, workers=1, sensitivity=False)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}

    def broken(ds, path):
        raise OSError("disk full")

    monkeypatch.setattr(run_mod, "save_netcdf", broken)
    with pytest.raises(OSError):
        run_case(small_case, out, members=2, seed=2, workers=1, sensitivity=False)
    # the members kept for --resume sit in .members; every earlier file is unchanged
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.name != ".members"}
    assert after == before


def test_cli_run_small_case(tmp_path, small_text, capsys):
    case = tmp_path / "tiny.yaml"
    case.write_text(small_text)
    out = tmp_path / "res"
    rc = main(
        [
            "run",
            str(case),
            "--out",
            str(out),
            "--members",
            "2",
            "--seed",
            "4",
            "--workers",
            "1",
            "--no-sensitivity",
            "--border",
            "open",
        ]
    )
    assert rc == 0
    captured = capsys.readouterr()
    assert "people newly displaced" in captured.out and "attack" in captured.out
    assert (out / "report.html").exists() and (out / "results.nc").exists()
    with xr.open_dataset(out / "results.nc", engine="h5netcdf") as ds:
        assert ds.attrs["border_lever"] == "open" and ds.attrs["seed"] == 4
        assert int(ds["border_capacity"].max()) == -1
    assert main(["run", str(case), "--border", "sideways", "--out", str(out)]) == 2
    assert main(["run", str(case), "--members", "0", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "--members: must be at least 1" in err and "Traceback" not in err
