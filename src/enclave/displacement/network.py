"""The place graph the engine moves agents over, as flat arrays.

Places are nodes with a kind (Flee's location types), a population and, for camps, a
capacity. Links are *directed* (a road between two places is two links, as in Flee's
``Ecosystem.linkUp``), stored in CSR order by origin so that a place's out-links are
``link_to[offsets[p]:offsets[p + 1]]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

import numpy as np


class PlaceKind(IntEnum):
    """Flee's location types (``flee.Location.__init__`` matches them by substring)."""

    TOWN = 0  # "town" / "default": default move chance; ForceTownMove applies
    CONFLICT_ZONE = 1  # "conflict_zone" active from day 0 (conflict_date == 0)
    CAMP = 2  # "camp": camp move chance, camp weight, capacity
    IDP_CAMP = 3  # "idpcamp": a camp with the IDP-camp move chance
    FORWARDING_HUB = 4  # "forwarding_hub": move chance 1
    MARKER = 5  # "marker": move chance 1, never a route's end point


CAMP_KINDS = (PlaceKind.CAMP, PlaceKind.IDP_CAMP)


@dataclass(frozen=True)
class Network:
    """Places and directed links.

    ``capacity`` < 1 means unlimited (Flee's ``capacity=-1``). ``movechance_override``
    (NaN = use the rule for the place's kind) lets a scenario pin a place's daily move
    chance while it is not a conflict zone, e.g. for people already displaced who stay put
    until the front arrives (a conflict zone always has the conflict move chance).
    ``deactivation_probability`` is the daily chance that an agent settled in a camp leaves
    the model (Flee's camps-as-sinks); 0 everywhere by default.
    """

    names: tuple[str, ...]
    kind: np.ndarray  # int8 [P], PlaceKind codes
    country: tuple[str, ...]
    foreign: np.ndarray  # bool [P]
    population: np.ndarray  # int64 [P] (non-camp places)
    capacity: np.ndarray  # int64 [P] (camps; < 1 = unlimited)
    lat: np.ndarray  # float64 [P]
    lon: np.ndarray  # float64 [P]
    link_from: np.ndarray  # int32 [L], sorted by origin
    link_to: np.ndarray  # int32 [L]
    link_km: np.ndarray  # float64 [L]
    link_speed: np.ndarray  # float64 [L], km/day override, NaN = rules' speed
    movechance_override: np.ndarray = field(default=None)  # float64 [P]
    deactivation_probability: np.ndarray = field(default=None)  # float64 [P]

    def __post_init__(self) -> None:
        n = len(self.names)
        if self.movechance_override is None:
            object.__setattr__(self, "movechance_override", np.full(n, np.nan))
        if self.deactivation_probability is None:
            object.__setattr__(self, "deactivation_probability", np.zeros(n))
        order = np.argsort(self.link_from, kind="stable")
        if np.any(order != np.arange(len(order))):
            raise ValueError("links must be sorted by origin (use Network.build)")

    @property
    def n_places(self) -> int:
        return len(self.names)

    @property
    def n_links(self) -> int:
        return len(self.link_from)

    @property
    def offsets(self) -> np.ndarray:
        """CSR offsets: out-links of place p are ``offsets[p]:offsets[p+1]``."""
        counts = np.bincount(self.link_from, minlength=self.n_places)
        return np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)

    def index(self, name: str) -> int:
        return self.names.index(name)

    def link_index(self, origin: str, destination: str) -> list[int]:
        """Indices of the links from ``origin`` to ``destination`` (Flee allows duplicates)."""
        o, d = self.index(origin), self.index(destination)
        return [int(i) for i in np.flatnonzero((self.link_from == o) & (self.link_to == d))]

    @classmethod
    def build(
        cls,
        names: list[str],
        kind: list[int] | np.ndarray,
        country: list[str],
        population: list[int] | np.ndarray,
        capacity: list[int] | np.ndarray,
        lat: list[float] | np.ndarray,
        lon: list[float] | np.ndarray,
        roads: list[tuple[int, int, float]] | list[tuple[int, int, float, float]],
        home_country: str | None = None,
        movechance_override: np.ndarray | None = None,
        deactivation_probability: np.ndarray | None = None,
    ) -> Network:
        """Make a network from places and undirected roads ``(a, b, km[, speed])``.

        Each road becomes the links a->b and b->a, in the order Flee's ``linkUp`` adds
        them; links are then stably sorted by origin (so a place's out-links keep the order
        in which its roads were listed, as Flee's ``Location.links`` does).
        """
        home = home_country if home_country is not None else country[0]
        src, dst, km, speed = [], [], [], []
        for road in roads:
            a, b, d = int(road[0]), int(road[1]), float(road[2])
            s = float(road[3]) if len(road) > 3 else np.nan
            src += [a, b]
            dst += [b, a]
            km += [d, d]
            speed += [s, s]
        src_a = np.asarray(src, dtype=np.int32)
        order = np.argsort(src_a, kind="stable")
        return cls(
            names=tuple(names),
            kind=np.asarray(kind, dtype=np.int8),
            country=tuple(country),
            foreign=np.array([c != home for c in country], dtype=bool),
            population=np.asarray(population, dtype=np.int64),
            capacity=np.asarray(capacity, dtype=np.int64),
            lat=np.asarray(lat, dtype=np.float64),
            lon=np.asarray(lon, dtype=np.float64),
            link_from=src_a[order],
            link_to=np.asarray(dst, dtype=np.int32)[order],
            link_km=np.asarray(km, dtype=np.float64)[order],
            link_speed=np.asarray(speed, dtype=np.float64)[order],
            movechance_override=movechance_override,
            deactivation_probability=deactivation_probability,
        )
