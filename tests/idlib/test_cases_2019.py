"""Historical cases on the shared geography, built from event tables."""

import csv

from enclave.scenario import load, loads
from enclave.scenario.load import geography_dir


def azaz_population() -> int:
    with open(geography_dir("nw-syria") / "places.csv", encoding="utf-8") as f:
        return int(next(r for r in csv.DictReader(f) if r["name"] == "Azaz")["population_2018"])


def test_idlib_2019_shares_geography_and_inputs_with_2018():
    c18, c19 = load("idlib-2018"), load("idlib-2019")
    assert set(c18.border.zone) <= set(c19.place_names)
    assert len(c19.place_names) > 2 * len([p for p in c18.places if p.kind == "idp_camp_cluster"])
    # shared unchanged, except the prior of the fitted spawn rate
    for k in type(c18.inputs).model_fields:
        if k not in ("spawn_rate", "camp_occupancy"):
            assert getattr(c19.inputs, k) == getattr(c18.inputs, k), k
    assert c19.inputs.spawn_rate.calibrate and c19.inputs.spawn_rate.high == 0.2
    assert c19.geography_name == "nw-syria"
    kinds = {p.name: p.kind for p in c19.places}
    assert kinds["Azaz"] == "turkish_held_area" and kinds["Reyhanli"] == "turkey"
    azaz = next(p for p in c19.places if p.name == "Azaz")
    assert azaz.capacity == int(0.5 * azaz_population())
    sc = c19.scenarios[0]
    caps = [p for p in sc.phases if p.type == "capture"]
    # Khan Shaykhun taken on 21 Aug 2019 = day 123 from 20 Apr
    assert any(p.places == ["Khan Shaykhun"] and p.day == 123 for p in caps)
    assert sc.phases[-1].type == "corridor" and sc.phases[-1].policy == "share"


def test_geography_override_and_abroad_alias():
    text = """
case: t
title: T
start_date: "2019-04-20"
geography: idlib-2018
places:
  - {name: Idlib, kind: town, lat: 35.93, lon: 36.63, population: 1}
  - {name: Nowhere, kind: abroad, lat: 36.5, lon: 36.5, country: Turkey}
roads:
  - {from: Nowhere, to: Reyhanli, km: 5, road: road}
scenarios:
  - {name: s, title: S, description: d, days: 5}
"""
    c = loads(text)
    assert c.places[0].population == 1
    assert c.places[-1].kind == "turkey" and c.places[-1].name == "Nowhere"
