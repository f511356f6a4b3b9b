"""Two case-file messages from the analyst's review: a misspelt key inside a phase, and an
unquoted date."""

import pytest

from enclave.errors import EnclaveInputError
from enclave.scenario.load import loads

from .conftest import DARAA


def _error(text: str) -> str:
    with pytest.raises(EnclaveInputError) as exc:
        loads(text, "typo.yaml")
    return str(exc.value)


def test_misspelt_key_in_a_phase_is_named():
    text = DARAA.read_text().replace("days_per_place: 5", "days_per_plase: 5")
    msg = _error(text)
    assert "unknown field 'days_per_plase'" in msg and "required field is missing" not in msg
    assert "scenarios[0].phases[0].days_per_plase" in msg


def test_unquoted_date_says_to_quote_it():
    msg = _error(DARAA.read_text().replace('start_date: "2018-06-19"', "start_date: 2018-06-19"))
    assert "start_date" in msg and 'quote it ("2018-06-19")' in msg
