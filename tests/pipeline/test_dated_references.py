"""Dated references: an observed count up to a date is compared with the run on that day,
not with the run's total."""

from __future__ import annotations

import pandas as pd
import pytest
from pydantic import ValidationError
from tests.idlib.conftest import SMALL_CASE

import enclave
from enclave.scenario.model import Case

DATED = """\
references:
  - key: counted_by_day_3
    label: counted by 10 Sept
    low: 100
    date: "2018-09-10"
    compare_with: [attack]
    source: test
  - key: total
    label: the whole run
    low: 100
    compare_with: [attack]
    source: test
"""


def test_a_dated_count_is_compared_with_the_cumulative_count_on_its_day(tmp_path):
    path = tmp_path / "tiny.yaml"
    path.write_text(SMALL_CASE + DATED)
    res = enclave.run_case(path, tmp_path / "out", members=3, seed=1, workers=1,
                           sensitivity=False)  # fmt: skip
    cmp = res.comparison.set_index("reference")
    daily = pd.read_csv(tmp_path / "out" / "daily.csv")
    on_day = daily[
        (daily.scenario == "attack")
        & (daily.variable == "newly_displaced_cumulative")
        & (daily.day == 3)
    ].iloc[0]
    dated = cmp.loc["counted_by_day_3"]
    assert dated["day"] == 3 and dated["date"] == "2018-09-10"
    assert dated["median"] == pytest.approx(on_day["median"])
    total = cmp.loc["total"]
    assert pd.isna(total["day"]) and total["date"] == ""
    # the attack goes on displacing people after day 3: the two comparisons differ
    assert total["median"] > dated["median"]


def test_a_dated_reference_before_the_start_is_refused():
    import yaml

    data = yaml.safe_load(SMALL_CASE + DATED)
    data["references"][0]["date"] = "2018-09-01"
    with pytest.raises(ValidationError, match="before the case's start_date"):
        Case.model_validate(data)
    data["references"][0]["date"] = "2018-09-10"
    data["references"][0]["metric"] = "to_government"
    with pytest.raises(ValidationError, match="newly_displaced only"):
        Case.model_validate(data)
