"""The dated question: as_of and horizon on the actor table and the bands, no look-ahead."""

from __future__ import annotations

import csv
import io
from importlib import resources

import pytest

from enclave.errors import EnclaveInputError
from enclave.politics import idlib_actors, load_bands, parse_actors


def _embedded_text() -> str:
    ref = resources.files("enclave.politics").joinpath("data/idlib_actors.csv")
    return ref.read_text("utf-8")


def test_idlib_table_and_bands_are_dated():
    a, b = idlib_actors(), load_bands()
    assert (a.as_of, a.horizon) == ("2018-09-07", "2019-01-05")
    assert (b.as_of, b.horizon) == (a.as_of, a.horizon)


def test_no_source_after_as_of_in_the_idlib_table():
    """Russia and Turkey no longer cite the 17 Sep Sochi memorandum, nor any row a later page."""
    rows = list(csv.DictReader(io.StringIO(_embedded_text())))
    for r in rows:
        text = " ".join(v for k, v in r.items() if k.endswith("_source"))
        assert "sochi dmz" not in text.lower(), r["id"]
        assert "vestikavkaza" not in text and "l-accord-de-edlib" not in text, r["id"]
        assert "20180910" not in text, r["id"]
        assert r["evidence_date"] <= r["as_of"], r["id"]


def test_evidence_after_as_of_is_an_input_error():
    text = _embedded_text()
    lines = text.splitlines()
    # move the Russia row's evidence date to the day of the Sochi memorandum
    i = next(k for k, ln in enumerate(lines) if ln.startswith("russia,"))
    lines[i] = lines[i].replace(
        ",2018-09-07,2019-01-05,2018-09-07,", ",2018-09-07,2019-01-05,2018-09-17,"
    )
    assert lines[i] != text.splitlines()[i]
    with pytest.raises(EnclaveInputError, match="after as_of 2018-09-07"):
        parse_actors("\n".join(lines), "t.csv")


def test_horizon_must_follow_as_of():
    text = (
        "id,actor,position,capability,salience,as_of,horizon\n"
        "a,A,10,0.5,0.5,2018-09-07,2018-09-01\n"
        "b,B,90,0.5,0.5,2018-09-07,2018-09-01\n"
    )
    with pytest.raises(EnclaveInputError, match="not after as_of"):
        parse_actors(text, "t.csv")
