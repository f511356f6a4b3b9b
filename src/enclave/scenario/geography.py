"""A case's places and directed links as arrays, in the engine's link order."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from enclave.scenario.model import CONTROL_CODES, DEFAULT_CONTROL, Case


@dataclass(frozen=True)
class Geography:
    """Places and directed links of a case (links in CSR order, as ``Network.build``)."""

    names: tuple[str, ...]
    kinds: tuple[str, ...]  # case kinds (town, idp_camp_cluster, ...)
    control0: np.ndarray  # int8 [P], control codes on day 0
    lat: np.ndarray
    lon: np.ndarray
    roads: tuple[tuple[int, int, float], ...]  # undirected, case order
    road_names: tuple[str, ...]
    link_from: np.ndarray  # int32 [L]
    link_to: np.ndarray  # int32 [L]
    link_km: np.ndarray  # float64 [L]

    @property
    def n_places(self) -> int:
        return len(self.names)

    @property
    def n_links(self) -> int:
        return len(self.link_from)

    def index(self, name: str) -> int:
        return self.names.index(name)

    @property
    def border_out(self) -> np.ndarray:
        """Links from a Syrian place into Turkey (the border links the policy applies to)."""
        k = np.array([kind == "turkey" for kind in self.kinds])
        return ~k[self.link_from] & k[self.link_to]

    @property
    def border_back(self) -> np.ndarray:
        """Links from Turkey back into Syria."""
        k = np.array([kind == "turkey" for kind in self.kinds])
        return k[self.link_from] & ~k[self.link_to]

    def link_names(self) -> list[str]:
        return [f"{self.names[a]} -> {self.names[b]}" for a, b in zip(self.link_from, self.link_to)]


def directed_links(
    roads: list[tuple[int, int, float]] | tuple[tuple[int, int, float], ...],
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Roads -> directed links a->b, b->a, stably sorted by origin (``Network.build``'s order)."""
    src, dst, km = [], [], []
    for a, b, d in roads:
        src += [a, b]
        dst += [b, a]
        km += [d, d]
    src_a = np.asarray(src, dtype=np.int32)
    order = np.argsort(src_a, kind="stable")
    return (
        src_a[order],
        np.asarray(dst, dtype=np.int32)[order],
        np.asarray(km, dtype=np.float64)[order],
    )


def geography(case: Case) -> Geography:
    names = tuple(case.place_names)
    idx = {n: i for i, n in enumerate(names)}
    roads = tuple((idx[r.from_], idx[r.to], float(r.km)) for r in case.roads)
    lf, lt, lk = directed_links(roads)
    control0 = np.array(
        [CONTROL_CODES[p.control or DEFAULT_CONTROL[p.kind]] for p in case.places], dtype=np.int8
    )
    return Geography(
        names=names,
        kinds=tuple(p.kind for p in case.places),
        control0=control0,
        lat=np.array([p.lat for p in case.places]),
        lon=np.array([p.lon for p in case.places]),
        roads=roads,
        road_names=tuple(r.road for r in case.roads),
        link_from=lf,
        link_to=lt,
        link_km=lk,
    )
