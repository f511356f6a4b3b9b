"""Event table -> phases: the one written rule, checked by hand on a 3-event table."""

import numpy as np
import pytest

from enclave.conflict import timeline
from enclave.errors import EnclaveInputError
from enclave.scenario import loads
from enclave.scenario.events import event_phases, read_events
from enclave.scenario.geography import geography
from enclave.scenario.model import BorderPolicy

A, B, CAMP, X, T, G = range(6)
TABLE = """date,end_date,event,places,by,source,note
2018-09-08,2018-09-10,strikes,A;B,,https://example.org/1,
2018-09-12,2018-09-13,ground_fighting,B,,https://example.org/2,
2018-09-14,,captured,B,government,https://example.org/3,
"""


def test_three_events_by_hand(tmp_path, small_text):
    f = tmp_path / "ev.csv"
    f.write_text(TABLE)
    case = loads(small_text)
    events = read_events(f, case.place_names)
    phases, border = event_phases(events, "2018-09-07", 20)
    assert border is None
    sc = case.scenario("attack").model_copy(update={"phases": phases, "days": 20})
    tl = timeline(sc, geography(case), [BorderPolicy(from_day=0, policy="closed")])
    # strikes 8-10 Sept = days 1..3 at 0.5 on A and B
    assert tl.intensity[:, A].tolist() == [0, 0.5, 0.5, 0.5] + [0] * 16
    # ground fighting 12-13 Sept = days 5-6, lead 3 (from day 2), linger 3 (to day 9), at 1.0,
    # but captured by the government on 14 Sept = day 7: no conflict there from then on
    want_b = [0, 0.5] + [1.0] * 5 + [0] * 13
    assert tl.intensity[:, B].tolist() == want_b
    assert tl.control[:, B].tolist() == [0] * 7 + [1] * 13
    # taken by the opposition instead, the fighting lingers as the rule says
    sc_opp = sc.model_copy(
        update={
            "phases": [
                p.model_copy(update={"by": "opposition"}) if p.type == "capture" else p
                for p in phases
            ]
        }
    )
    tl_opp = timeline(sc_opp, geography(case), [BorderPolicy(from_day=0, policy="closed")])
    assert tl_opp.intensity[:, B].tolist() == [0, 0.5] + [1.0] * 8 + [0] * 10
    assert np.all(tl.intensity[:, [CAMP, X, T, G]] == 0)


def test_ceasefire_and_border_rows(tmp_path):
    f = tmp_path / "ev.csv"
    f.write_text(
        TABLE
        + "2018-09-09,2018-09-09,ceasefire,all,,https://example.org/4,\n"
        + "2018-09-11,,border_policy,X,,https://example.org/5,open for a week\n"
    )
    phases, border = event_phases(read_events(f), "2018-09-07", 20)
    cf = [p for p in phases if p.type == "ceasefire"][0]
    assert (cf.start, cf.end, cf.factor, cf.places) == (2, 3, 0.2, "all")
    assert [(b.from_day, b.policy) for b in border] == [(0, "closed"), (4, "open")]


@pytest.mark.parametrize(
    "row, where",
    [
        ("2018-09-08,,strikes,Nowhere,,https://x,\n", "5:places"),
        ("2018-09-08,,bombing,A,,https://x,\n", "5:event"),
        ("2018-13-08,,strikes,A,,https://x,\n", "5:date"),
        ("2018-09-08,,strikes,A,,,\n", "5:source"),
        ("2018-09-08,,captured,A,rebels,https://x,\n", "5:by"),
    ],
)
def test_bad_rows_name_line_and_field(tmp_path, small_text, row, where):
    f = tmp_path / "ev.csv"
    f.write_text(TABLE + row)
    with pytest.raises(EnclaveInputError) as err:
        read_events(f, loads(small_text).place_names)
    assert f"ev.csv:{where}:" in err.value.one_line()
