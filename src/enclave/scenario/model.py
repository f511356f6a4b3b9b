"""The case file format: places, roads, border policy, uncertain inputs and scenarios.

A *case* is one YAML file describing a place and time (``idlib-2018``). Every model here is
a frozen pydantic model with ``extra="forbid"``, so a misspelt key is an error naming its
path. Cross-field checks that need the whole case (place names in roads and phases, roads
along an advance route) live in :meth:`Case._check_references`.

Phases of a scenario's conflict timeline (``type`` picks the kind):

- ``strikes``: air strikes or shelling on some places from ``start`` to ``end`` (exclusive).
- ``advance``: a front moving place by place along ``route``; the front stays
  ``days_per_place`` days at each place, hitting it from ``lead_days`` before it arrives
  to ``linger_days`` after it moves on; the place changes hands when the front moves on.
- ``capture``: places change hands on ``day``.
- ``ceasefire``: intensity multiplied by ``factor`` on some places between two days
  (applied after all other phases, whatever their order).
- ``corridor``: front-line roads (between a government-held place and one that is not)
  open, or get a daily quota, between two days. Front-line roads are closed otherwise.
  Policy ``share``: the daily quota of each such road is ``front_crossing_rate`` (an input,
  calibratable) x the people living at the road's non-government end on day 0.
"""

from __future__ import annotations

import datetime as _dt
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

PLACE_KINDS = (
    "town",
    "idp_camp_cluster",
    "border_crossing",
    "turkish_held_area",
    "turkey",
    "regime_area",
)
PlaceKindName = Literal[
    "town", "idp_camp_cluster", "border_crossing", "turkish_held_area", "turkey", "regime_area"
]

#: Who holds a place; codes used in ``control[day, place]``.
CONTROL_CODES = {"opposition": 0, "government": 1, "turkish_held": 2, "turkey": 3}
ControlName = Literal["opposition", "government", "turkish_held", "turkey"]

#: Control on day 0 when a place does not say.
DEFAULT_CONTROL: dict[str, str] = {
    "town": "opposition",
    "idp_camp_cluster": "opposition",
    "border_crossing": "opposition",
    "turkish_held_area": "turkish_held",
    "turkey": "turkey",
    "regime_area": "government",
}

_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Place(_Strict):
    """A node: a town, a camp cluster, a crossing, or a destination area."""

    name: str = Field(min_length=1)
    kind: PlaceKindName
    lat: float = Field(ge=-90, le=90, description="WGS84 latitude, degrees north")
    lon: float = Field(ge=-180, le=180, description="WGS84 longitude, degrees east")
    population: int | None = Field(
        None, ge=0, description="relative weight (people) before scaling to the enclave total"
    )
    population_source: str | None = None
    residents: int | None = Field(
        None, ge=0, description="camp clusters: people living in the camps on day 0"
    )
    residents_source: str | None = None
    capacity: int | None = Field(
        None,
        ge=1,
        description="camp clusters: people the camps hold; omitted = residents / camp_occupancy",
    )
    capacity_source: str | None = None
    control: ControlName | None = Field(None, description="who holds it on day 0")
    country: str | None = Field(None, description="defaults to Turkey for kind turkey")
    admin1: str | None = Field(
        None,
        description=(
            "first-level administrative unit (a Syrian governorate): observed figures given"
            " per governorate are compared with the places of that unit"
        ),
    )
    notes: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _abroad_alias(cls, data: object) -> object:
        # kind "abroad" (the shared geography's name for a place across the border) is the
        # engine's "turkey" kind: a sink reached only over border links
        if isinstance(data, dict) and data.get("kind") == "abroad":
            data = {**data, "kind": "turkey"}
        return data

    @model_validator(mode="after")
    def _camp_fields(self) -> Place:
        if self.kind not in ("idp_camp_cluster", "turkish_held_area") and (
            self.residents is not None or self.capacity is not None
        ):
            raise ValueError(
                "residents and capacity are only for kinds idp_camp_cluster, turkish_held_area"
            )
        if self.kind == "idp_camp_cluster" and self.residents is None:
            raise ValueError("a camp cluster needs residents (people in its camps on day 0)")
        return self


class Road(_Strict):
    """An undirected road between two places; becomes two directed links."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    from_: str = Field(alias="from", min_length=1)
    to: str = Field(min_length=1)
    km: float = Field(gt=0)
    road: str = "road"
    source: str | None = None


class Range(_Strict):
    """An uncertain input: drawn uniformly from [low, high] for each ensemble member."""

    low: float
    high: float
    central: float | None = Field(None, description="value used for one-at-a-time baselines")
    unit: str = "1"
    description: str = ""
    source: str = Field(min_length=1, description="where the range comes from, or why")
    calibrate: bool = Field(
        False, description="fitted by 'enclave calibrate'; [low, high] is then the prior range"
    )

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.high < self.low:
            raise ValueError(f"high ({self.high}) is below low ({self.low})")
        if self.central is not None and not self.low <= self.central <= self.high:
            raise ValueError(f"central ({self.central}) is outside [{self.low}, {self.high}]")
        return self

    @property
    def mid(self) -> float:
        return self.central if self.central is not None else 0.5 * (self.low + self.high)

    @property
    def width(self) -> float:
        return self.high - self.low


def _unused(reason: str, description: str):  # noqa: ANN202
    """An optional input: a case that leaves it out gets 0 (the rule it drives is off)."""
    return Field(
        default_factory=lambda: Range(low=0.0, high=0.0, source=f"not used: {reason}"),
        description=description,
    )


class Inputs(_Strict):
    """The uncertain inputs the model reads (each a range with its source)."""

    enclave_population: Range = Field(description="people in the enclave: towns and camps")
    idp_share: Range = Field(description="share of the enclave population already displaced")
    leave_share_residents: Range = Field(
        description="share of residents who leave if the conflict reaches them"
    )
    leave_share_idps: Range = Field(
        description="share of people already displaced who leave again if the conflict reaches them"
    )
    spawn_rate: Range = Field(
        description="share of the willing who leave per day at intensity 1 (Flee pop_ratio)"
    )
    camp_occupancy: Range = Field(
        description="camp residents / capacity on day 0 (derives capacities not given)"
    )
    front_crossing_rate: Range = _unused(
        "no corridor with policy share in this case",
        "share of the people living at a front place (not government-held) who may cross"
        " each front road leaving it per day, where a corridor has policy share",
    )
    ground_leave_share: Range = _unused(
        "air strikes and ground fighting alike",
        "share of the people who would not leave under air strikes who do leave once"
        " ground fighting (conflict intensity 1) reaches their place",
    )

    distance_power: Range = Field(
        default_factory=lambda: Range(
            low=1.0, high=1.0, central=1.0, source="Flee 3.1's default distance_power, not varied"
        ),
        description="Flee's distance_power: a route weighs 1 / (softening + km) ** power; a"
        " lower power sends people farther (default Flee's 1, fixed)",
    )

    @field_validator("distance_power")
    @classmethod
    def _not_negative(cls, r: Range) -> Range:
        if r.low < 0:
            raise ValueError("must be at least 0")
        return r

    @field_validator(
        "idp_share", "leave_share_residents", "leave_share_idps", "spawn_rate", "camp_occupancy"
    )
    @classmethod
    def _positive(cls, r: Range) -> Range:
        if r.low <= 0:
            raise ValueError("must be above 0")
        return r

    @field_validator(
        "idp_share", "leave_share_residents", "leave_share_idps", "spawn_rate", "ground_leave_share"
    )
    @classmethod
    def _fraction(cls, r: Range) -> Range:
        if r.high > 1:
            raise ValueError("a share must be at most 1")
        return r


INPUT_NAMES = tuple(Inputs.model_fields)


class BorderPolicy(_Strict):
    """Turkey's border from ``from_day`` on: closed, a daily quota per border link, or open."""

    from_day: int = Field(0, ge=0)
    policy: Literal["closed", "quota", "open"]
    quota_per_day: int | None = Field(None, ge=1, description="people per day per border link")

    @model_validator(mode="after")
    def _quota(self) -> BorderPolicy:
        if self.policy == "quota" and self.quota_per_day is None:
            raise ValueError("policy quota needs quota_per_day")
        return self


class Border(_Strict):
    """The case's border settings; every road from a Syrian place to Turkey is a border link."""

    policy: Literal["closed", "quota", "open"] = "closed"
    policy_source: str = ""
    quota_per_day: int = Field(ge=1, description="people per day per border link under quota")
    quota_source: str = Field(min_length=1)
    zone: list[str] = Field(
        default_factory=list, description="places counted as 'at the Turkish border'"
    )
    zone_source: str = ""


Places = Annotated[list[str], Field(min_length=1)]


class Strikes(_Strict):
    type: Literal["strikes"]
    label: str = ""
    places: Places | Literal["all"]
    start: int = Field(ge=0)
    end: int | None = Field(None, ge=1, description="exclusive; omitted = to the end")
    intensity: float = Field(gt=0, le=1)

    @model_validator(mode="after")
    def _span(self) -> Strikes:
        if self.end is not None and self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        return self


class Advance(_Strict):
    type: Literal["advance"]
    label: str = ""
    route: Places
    start: int = Field(ge=0)
    days_per_place: int = Field(ge=1)
    intensity: float = Field(gt=0, le=1)
    lead_days: int = Field(0, ge=0, description="shelling before the front arrives")
    linger_days: int = Field(
        0,
        ge=0,
        description="fighting after the front moves on (not where the government took the place)",
    )
    by: ControlName = "government"
    takes: bool = True


class Capture(_Strict):
    type: Literal["capture"]
    label: str = ""
    places: Places
    day: int = Field(ge=0)
    by: ControlName = "government"


class Ceasefire(_Strict):
    type: Literal["ceasefire"]
    label: str = ""
    places: Places | Literal["all"] = "all"
    start: int = Field(ge=0)
    end: int | None = Field(None, ge=1)
    factor: float = Field(0.0, ge=0, le=1, description="intensity multiplier")

    @model_validator(mode="after")
    def _span(self) -> Ceasefire:
        if self.end is not None and self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        return self


class Corridor(_Strict):
    type: Literal["corridor"]
    label: str = ""
    between: list[tuple[str, str]] | Literal["front"] = "front"
    start: int = Field(ge=0)
    end: int | None = Field(None, ge=1)
    policy: Literal["open", "quota", "share"] = "open"
    quota_per_day: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _quota(self) -> Corridor:
        if self.policy == "quota" and self.quota_per_day is None:
            raise ValueError("policy quota needs quota_per_day")
        if self.end is not None and self.end <= self.start:
            raise ValueError(f"end ({self.end}) must be after start ({self.start})")
        return self


Phase = Annotated[Strikes | Advance | Capture | Ceasefire | Corridor, Field(discriminator="type")]


class Scenario(_Strict):
    """One future: a conflict timeline given by phases."""

    name: str
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    days: int = Field(ge=1, le=3650)
    phases: list[Phase] = Field(default_factory=list)
    events: str | None = Field(
        None,
        description=(
            "event table(s) (embedded names under data/events, or CSV paths; a list in YAML)"
            " turned into phases by the one rule of enclave.scenario.events; they come first"
        ),
    )
    control_from: list[str] = Field(
        default_factory=list,
        description="event tables whose captures before the start set who holds what on day 0",
    )
    border: list[BorderPolicy] | None = Field(
        None, description="border policy over time; omitted = the case's policy"
    )

    @field_validator("name")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not _SLUG.match(v):
            raise ValueError("use lower-case letters, digits, '-' and '_' (e.g. full-offensive)")
        return v

    @field_validator("border")
    @classmethod
    def _border_days(cls, v: list[BorderPolicy] | None) -> list[BorderPolicy] | None:
        if v is not None:
            days = [b.from_day for b in v]
            if not v or days[0] != 0 or days != sorted(set(days)):
                raise ValueError("border entries need from_day 0 first and increasing days")
        return v


class PoliticsWeights(_Strict):
    """Weight scenarios by the politics forecast: issue-scale band -> scenario name."""

    source: Literal["politics"] = "politics"
    bands: dict[int, str] = Field(min_length=1)


class Reference(_Strict):
    """A planning figure to compare results with (e.g. the UN's 2018 assumptions)."""

    key: str
    label: str
    low: float
    high: float | None = None
    unit: str = "people"
    metric: Literal["newly_displaced", "to_government", "into_turkish_held"] = "newly_displaced"
    compare_with: list[str] = Field(default_factory=list, description="scenario names")
    source: str = Field(min_length=1)
    date: _dt.date | None = Field(
        None,
        description="an observed count: compare with the people newly displaced from the "
        "case's start up to this date (newly_displaced only), not with the run's total",
    )

    @model_validator(mode="after")
    def _dated_is_newly_displaced(self) -> Reference:
        if self.date is not None and self.metric != "newly_displaced":
            raise ValueError("a dated reference compares newly_displaced only")
        return self


class Posterior(_Strict):
    """A calibration's final population: weighted joint draws of the calibrated inputs.

    Set by applying a calibration file (not written in case files): ensemble members then
    draw their calibrated inputs as whole particles, so the posterior's shape and the
    correlations between the fitted inputs carry into the ensemble."""

    names: list[str] = Field(min_length=1)
    particles: list[list[float]] = Field(min_length=1)
    weights: list[float] = Field(min_length=1)

    @model_validator(mode="after")
    def _shapes(self) -> Posterior:
        if any(n not in INPUT_NAMES for n in self.names):
            raise ValueError(f"names must be inputs ({', '.join(INPUT_NAMES)})")
        if any(len(p) != len(self.names) for p in self.particles):
            raise ValueError("every particle needs one value per name")
        if len(self.weights) != len(self.particles) or min(self.weights) < 0:
            raise ValueError("one non-negative weight per particle")
        if not sum(self.weights) > 0:
            raise ValueError("weights must not all be 0")
        return self


class Case(_Strict):
    """A whole case file."""

    case: str
    title: str = Field(min_length=1)
    description: str = ""
    start_date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    home_country: str = "Syria"
    default_scale: int = Field(50, ge=1, description="people per agent for enclave run")
    geography: str | None = Field(
        None,
        description=(
            "name of the shared geography the places and roads come from (an embedded"
            " geography folder or an embedded case); places/roads then only override"
        ),
    )
    calibration: str | None = Field(
        None, description="calibration file loaded by default (embedded name or path)"
    )
    posterior: Posterior | None = Field(
        None, description="set by an applied calibration: joint draws of the fitted inputs"
    )
    places: list[Place] = Field(min_length=2)
    roads: list[Road] = Field(min_length=1)
    border: Border
    inputs: Inputs
    rules: dict[str, float | int | bool | str] = Field(
        default_factory=dict, description="Flee move/spawn settings (MoveRules fields)"
    )
    scenarios: list[Scenario] = Field(min_length=1)
    weights: PoliticsWeights | None = None
    references: list[Reference] = Field(default_factory=list)
    assumptions: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    border_countries: list[str] | None = Field(
        None, description="countries across the border (default: the border-side places' country)"
    )
    destination_labels: dict[str, str] = Field(
        default_factory=dict,
        description="words for destination kinds in the report "
        "(e.g. regime_area: government-held areas)",
    )
    road_names: list[str] | None = Field(
        None, description="main roads drawn and named in the report (default: every named road)"
    )
    reference_period: str | None = Field(
        None, description="when the planning figures of 'references' were made, e.g. August 2018"
    )

    @model_validator(mode="after")
    def _dated_references_in_the_run(self) -> Case:
        start = _dt.date.fromisoformat(self.start_date)
        for i, ref in enumerate(self.references):
            if ref.date is not None and ref.date < start:
                raise ValueError(
                    f"references[{i}] ({ref.key}): date {ref.date} is before the case's "
                    f"start_date {self.start_date}; a dated count is compared with the run "
                    "on that day"
                )
        return self

    @field_validator("case")
    @classmethod
    def _slug(cls, v: str) -> str:
        if not _SLUG.match(v):
            raise ValueError("use lower-case letters, digits, '-' and '_'")
        return v

    # ------------------------------------------------------------------ helpers
    @property
    def geography_name(self) -> str:
        """What a calibration file must name to apply to this case."""
        return self.geography or f"inline:{self.case}"

    @property
    def place_names(self) -> list[str]:
        return [p.name for p in self.places]

    def scenario(self, name: str) -> Scenario:
        for s in self.scenarios:
            if s.name == name:
                return s
        raise KeyError(name)

    def country_of(self, place: Place) -> str:
        if place.country:
            return place.country
        return "Turkey" if place.kind == "turkey" else self.home_country
