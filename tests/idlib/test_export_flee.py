"""enclave export-flee: a Flee instance folder; Flee 3.1 runs it where the bench extra is."""

import csv

import pytest

from enclave.cli import main


def test_export_writes_flee_files(tmp_path, capsys):
    out = tmp_path / "flee"
    assert main(["export-flee", "limited-offensive", str(out)]) == 0
    for rel in (
        "input_csv/locations.csv",
        "input_csv/routes.csv",
        "input_csv/closures.csv",
        "input_csv/conflicts.csv",
        "input_csv/sim_period.csv",
        "simsetting.yml",
        "source_data/data_layout.csv",
        "source_data/refugees.csv",
        "source_data/atmeh_camps.csv",
    ):
        assert (out / rel).exists(), rel
    rows = list(csv.reader((out / "input_csv/locations.csv").open()))
    assert rows[0][:5] == ["#name", "region", "country", "lat", "lon"]
    assert len(rows) == 95  # the nw-syria geography's 94 places and the header
    closures = list(csv.reader((out / "input_csv/closures.csv").open()))
    border = [r for r in closures if r[1] == "Bab al-Hawa crossing" and r[2] == "Reyhanli"]
    assert border == [["link", "Bab al-Hawa crossing", "Reyhanli", "0", "121"]]
    conflicts = list(csv.reader((out / "input_csv/conflicts.csv").open()))
    assert len(conflicts) == 121 and "Saraqib" in conflicts[0]
    assert main(["export-flee", "no-such-scenario", str(out)]) == 2
    assert "no scenario" in capsys.readouterr().err


def test_flee_31_runs_the_export(tmp_path):
    pytest.importorskip("flee")
    from flee31_export import run_flee

    out = tmp_path / "flee"
    assert main(["export-flee", "idlib-2018", "negotiated-deal", str(out)]) == 0
    counts = run_flee(out, 3)
    # day-0 camp residents (Atmeh 60,000 + Qah 10,000) plus people spawned by the strikes
    assert counts[0] > 70_000 and counts[-1] > counts[0]
