"""Destination shares given per governorate are compared with that governorate's places."""

import numpy as np
import pytest

from enclave.calibration.fit import region_people
from enclave.calibration.observed import load_observed
from enclave.errors import EnclaveInputError
from enclave.scenario import load


def test_shipped_destination_rows_name_governorates():
    regions = {r for _, r, _ in load_observed().shares}
    # OCHA's 2019 destinations: "northern and eastern Idleb" / "northern and western Aleppo
    # governorate" (the latter includes the opposition-held western Aleppo countryside)
    assert regions == {"admin1:Idlib", "admin1:Aleppo", "government"}


def test_admin1_people_are_the_units_places_not_held_by_the_government():
    case = load("idlib-2019")
    names = [p.name for p in case.places]
    units = {p.name: p.admin1 for p in case.places}
    assert units["Atarib"] == "Aleppo" and units["Azaz"] == "Aleppo"
    assert units["Aleppo"] == "Aleppo" and units["Atmeh camps"] == "Idlib"
    days = case.scenarios[0].days
    occ = np.zeros((days, len(names)))
    for name, n in (("Atarib", 10), ("Azaz", 20), ("Aleppo", 40), ("Atmeh camps", 80)):
        occ[:, names.index(name)] = n
    reg = region_people(case, occ, ("admin1:Aleppo", "admin1:Idlib"))
    # Atarib (opposition) + Azaz (Turkish-held); government-held Aleppo city is not counted
    assert reg["admin1:Aleppo"][0] == 30 and reg["admin1:Idlib"][0] == 80
    assert reg["north_aleppo"][0] == 20 and reg["government"][0] == 40
    with pytest.raises(EnclaveInputError, match="no place"):
        region_people(case, occ, ("admin1:Nowhere",))
