"""The case's own words for the report and the table: border countries, destinations, roads.

Nothing here names a country or a road: every word comes from the case file (``Place.country``
of the places across the border, ``Case.destination_labels``, ``Case.road_names``,
``Case.reference_period``), with plain generic words where the case says nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from enclave.scenario.model import Case

#: Place kinds that lie across the international border (``abroad`` once the case format has it).
ABROAD_KINDS = ("turkey", "abroad")

_ROAD_CODE = re.compile(r"^[A-Z]{1,3}-?\d{1,4}$")

GENERIC = {
    "turkish_held_area": "held areas by the border",
    "regime_area": "government-held areas",
    "idp_camp_cluster": "camp clusters",
    "border_crossing": "border crossings",
    "town": "towns",
}


@dataclass(frozen=True)
class Vocabulary:
    border_countries: tuple[str, ...]
    destinations: dict[str, str]
    roads: tuple[str, ...]
    reference_period: str | None

    @property
    def across(self) -> str:
        """one country, 'A and B', or 'abroad' when the case has no border country."""
        c = self.border_countries
        if not c:
            return "abroad"
        return c[0] if len(c) == 1 else ", ".join(c[:-1]) + " and " + c[-1]

    @property
    def border(self) -> str:
        """'the border with Jordan' or 'the border'."""
        return f"the border with {self.across}" if self.border_countries else "the border"

    def kind(self, kind: str) -> str:
        return self.destinations.get(kind, GENERIC.get(kind, kind.replace("_", " ")))


def vocabulary(case: Case) -> Vocabulary:
    countries = case.border_countries
    if countries is None:
        seen: list[str] = []
        for p in case.places:
            if p.kind in ABROAD_KINDS:
                c = case.country_of(p)
                if c not in seen:
                    seen.append(c)
        countries = seen
    roads = case.road_names
    if roads is None:
        # default: road codes (letters then digits, e.g. N7, A-40), named on the map
        roads = sorted({r.road for r in case.roads if _ROAD_CODE.match(r.road or "")})
    return Vocabulary(
        tuple(countries), dict(case.destination_labels), tuple(roads), case.reference_period
    )


def metric_label(metric: str, place: str, vocab: Vocabulary) -> str:
    """A metric's short label in the case's words ('crossings into Jordan')."""
    from enclave.analysis.summary import DEFINITIONS

    label = DEFINITIONS[metric][1]
    if metric == "into_turkey" and vocab.border_countries:
        label = f"crossings into {vocab.across}"
    elif metric == "into_turkish_held":
        label = f"arrivals in {vocab.kind('turkish_held_area')}"
    elif metric == "to_government":
        label = f"arrivals in {vocab.kind('regime_area')}"
    elif metric.startswith("at_border"):
        label = label.replace("the border", vocab.border)
    return f"{place}: {label}" if place else label
