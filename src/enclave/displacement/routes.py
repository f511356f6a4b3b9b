"""Candidate routes per place, enumerated once per network (Flee's route awareness).

Flee 3.1 (``flee.moving.calculateLinkWeight``) scores every simple path of up to
``awareness_level`` hops from an agent's location; a path's score uses its *last* place and
its total length. Markers are passed through: they never end a route and do not count as a
hop. The paths depend only on the graph, so they are listed here once, flat, and the kernel
only re-weights them each day (closed links make a route unavailable for that day).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from enclave.displacement.network import Network, PlaceKind
from enclave.errors import EnclaveInputError


@dataclass(frozen=True)
class RouteTable:
    """Routes of place p are ``offsets[p]:offsets[p+1]``.

    ``links[r, :length[r]]`` are the link indices along route r, ``end[r]`` its last place,
    ``km[r]`` its total length.
    """

    offsets: np.ndarray  # int64 [P+1]
    end: np.ndarray  # int32 [R]
    km: np.ndarray  # float64 [R]
    length: np.ndarray  # int8 [R]
    links: np.ndarray  # int32 [R, H]


#: most route hops the table may hold (4 bytes each): ~80 MB. Published instances at
#: awareness 5 (up to ~90 roads) need a few thousand routes; the limit only stops a graph
#: dense enough that Flee itself, which walks the same paths for every agent's choice,
#: could not run either.
MAX_ROUTE_HOPS = 20_000_000


def enumerate_routes(network: Network, awareness_level: int) -> RouteTable:
    """List every route Flee would score, in Flee's order, for each origin place.

    ``awareness_level`` 0 is taken as "choose one of the out-links at random" (Flee 3.1's
    own awareness-0 branch returns a link index that never matches a place name, so its
    agents never move; that is a bug, not a rule): one-hop routes, weighted equally by the
    kernel.
    """
    offsets_links = network.offsets
    link_to = network.link_to
    link_km = network.link_km
    is_marker = network.kind == PlaceKind.MARKER
    depth = max(awareness_level, 1)
    ends: list[int] = []
    kms: list[float] = []
    paths: list[list[int]] = []
    route_offsets = [0]
    hops_stored = [0]

    def visit(link: int, prior_km: float, visited: list[int], links: list[int], step: int) -> None:
        end = int(link_to[link])
        path = links + [link]
        total = prior_km + float(link_km[link])
        if is_marker[end]:
            step -= 1
        else:
            ends.append(end)
            kms.append(total)
            paths.append(path)
            hops_stored[0] += len(path)
            if hops_stored[0] > MAX_ROUTE_HOPS:
                raise EnclaveInputError(
                    None,
                    "move_rules.awareness_level",
                    f"{awareness_level} on this graph means more than {MAX_ROUTE_HOPS:,} route "
                    "hops to weigh; use a lower awareness level",
                )
        if depth > step:
            for nxt in range(offsets_links[end], offsets_links[end + 1]):
                if int(link_to[nxt]) in visited or int(link_to[nxt]) == end:
                    continue
                visit(nxt, total, visited + [end], path, step + 1)

    for origin in range(network.n_places):
        for link in range(offsets_links[origin], offsets_links[origin + 1]):
            visit(link, 0.0, [origin], [], 1)
        route_offsets.append(len(ends))

    hops = max((len(p) for p in paths), default=1)
    links_arr = np.full((len(paths), hops), -1, dtype=np.int32)
    for r, path in enumerate(paths):
        links_arr[r, : len(path)] = path
    return RouteTable(
        offsets=np.asarray(route_offsets, dtype=np.int64),
        end=np.asarray(ends, dtype=np.int32),
        km=np.asarray(kms, dtype=np.float64),
        length=np.asarray([len(p) for p in paths], dtype=np.int8),
        links=links_arr,
    )
