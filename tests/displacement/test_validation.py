"""UNHCR data: interpolation, multi-file camps, registration corrections, refugee debt, ARD."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from enclave.displacement.flee_run import average_relative_difference
from enclave.displacement.validation import (
    Series,
    read_validation,
    refugee_spawning,
    step_sum,
)

START = date(2020, 1, 1)


def test_interpolation_truncates_and_holds_ends():
    s = Series(np.array([2.0, 5.0]), np.array([10.0, 20.0]))
    assert [s.at(d) for d in range(8)] == [10, 10, 10, 13, 16, 20, 20, 20]


def test_step_sum_stops_at_the_second_files_last_date():
    # Flee's AddCSVTables walks the second file only: later rows of the first are dropped
    a = Series(np.array([0.0, 10.0]), np.array([100.0, 200.0]))
    b = Series(np.array([0.0]), np.array([5.0]))
    assert step_sum(a, b).counts.tolist() == [105.0]


def test_step_sum_of_two_files():
    a = Series(np.array([0.0, 10.0]), np.array([100.0, 200.0]))
    b = Series(np.array([5.0, 10.0]), np.array([7.0, 9.0]))
    summed = step_sum(a, b)
    assert summed.days.tolist() == [0.0, 5.0, 10.0]
    assert summed.counts.tolist() == [100.0, 207.0, 209.0]


def test_validation_folder_with_quirks_and_corrections(tmp_path):
    folder = tmp_path / "val"
    folder.mkdir()
    (folder / "data_layout.csv").write_text("total,refugees.csv\nCampA,a.csv,a2.csv\n")
    (folder / "refugees.csv").write_text("Date,Refugees\n2020-01-01,100\n2020-01-11,300\n")
    (folder / "a.csv").write_text("#sep=,\n,\n2020-01-01,50\n2020-01-05,100\n2020-01-09,40\n")
    (folder / "a2.csv").write_text("DateTime,x\n2020-01-01,0\n2020-01-20,0\n")
    corrections = tmp_path / "registration_corrections.csv"
    corrections.write_text('"CampA","2020-01-09","normalize"\n')
    data = read_validation(folder, START, 11, corrections)
    camp = data.camps["CampA"]
    # before 2020-01-09 the data are scaled by 40/100
    assert camp.counts.tolist() == pytest.approx([20.0, 40.0, 40.0])
    assert data.total.at(5) == 200


def test_refugee_debt():
    total = Series(np.array([0.0, 1.0, 2.0, 3.0]), np.array([100.0, 80.0, 90.0, 130.0]))
    new, raw, debt = refugee_spawning(total, 4, insert_day0=True)
    # day 0: placed in camps (0 new); day 1: -20 -> debt 20; day 2: +10-20 -> debt 10;
    # day 3: +40 - 10 = 30 new
    assert new.tolist() == [0, 0, 0, 30]
    assert debt.tolist() == [0, 20, 10, 0]
    assert raw.tolist() == [100, 80, 90, 130]


def test_ard_hand_computed():
    sim = np.array([[10, 0], [30, 10]])
    data = np.array([[5, 5], [20, 20]])
    # day 0: (5 + 5) / 10 = 1.0; day 1: (10 + 10) / 40 = 0.5 -> mean 0.75
    assert average_relative_difference(sim, data) == pytest.approx(0.75)
    # rescaled: day 0 sim x1 -> same 1.0; day 1 sim x1 -> 0.5
    assert average_relative_difference(sim, data, rescale=True) == pytest.approx(0.75)
    assert average_relative_difference(np.array([[0, 0]]), np.array([[0, 0]])) == 0.0


def test_camp_data_equal_flee_31_own_data_columns(flee_data):
    """Interpolation, multi-file sums and corrections give Flee 3.1's own numbers exactly:
    the ``<camp> data`` columns of its reference runs, every camp, every day."""
    import csv

    from enclave.displacement.flee_io import read_instance

    from ..conftest import INSTANCES

    for name, folder in INSTANCES.items():
        instance = read_instance(flee_data / "instances" / name)
        data = read_validation(
            flee_data / "validation" / folder,
            instance.start_date,
            instance.length,
            flee_data / "instances" / name / "registration_corrections.csv",
        )
        with open(flee_data / "reference" / f"{name}.csv", newline="") as handle:
            rows = list(csv.DictReader(handle))
        for c in instance.camps:
            camp = instance.network.names[c]
            reference = [int(float(r[f"{camp} data"])) for r in rows]
            assert data.camps[camp].daily(instance.length).tolist() == reference, camp
