"""Why the forecast is where it is: the pivotal actor, who moved whom, trajectory, spread.

Plain functions that return data (JSON-ready dicts) and matplotlib figures, for
``enclave bargain --json`` and for the report's politics section:

- :func:`pivotal` -- the actor at the capability x salience weighted median and its margin;
- :func:`moves` -- who moved whom in each EUM round (mover, counterpart, offer type);
- :func:`explain` -- all of it for one model, plus the forecast's distribution over the
  Monte Carlo runs;
- :func:`trajectory_figure` -- positions and the weighted median, round by round;
- :func:`distribution_figure` -- the Monte Carlo forecasts against the scenario bands.

The weighted median is the smallest position at which the cumulative weight, actors sorted
by position, reaches half the total; the actor holding that position is *pivotal*. Its
margin is how much weight share lies beyond half (``share_through - 0.5``): the weight that
would have to change sides to move the median off it. When the EUM's forecast equals that
median, "EUM = where the pivotal actor is" -- :func:`explain` says how often that happens
over the draws.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from enclave.politics.actors import Actors, idlib_actors
from enclave.politics.baselines import weighted_median
from enclave.politics.eum import OFFER_KINDS, EUMOptions
from enclave.politics.forecast import Trajectory, forecast
from enclave.politics.odds import (
    DEFAULT_RUNS,
    DEFAULT_SEED,
    Bands,
    Bloc,
    draw_inputs,
    draw_normals,
    load_bands,
    odds,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["distribution_figure", "explain", "moves", "pivotal", "trajectory_figure"]


def pivotal(actors: Actors) -> dict[str, Any]:
    """The pivotal actor of a one-dimensional table and its weight margin.

    Returns ``{"actor", "position", "share_below", "share_through", "margin", "order"}``:
    shares of the total c·s weight held by actors strictly before the pivot (sorted by
    position) and up to and including it; ``margin = share_through - 0.5``; ``order`` lists
    ``(id, position, share)`` sorted by position.
    """
    x = actors.position[:, 0]
    w = actors.weight[:, 0]
    order = np.argsort(x, kind="stable")
    share = w[order] / w.sum()
    cum = np.cumsum(share)
    m = int(np.argmax(cum >= 0.5 * (1 - 1e-12)))
    i = int(order[m])
    return {
        "actor": actors.ids[i],
        "position": float(x[i]),
        "share_below": float(cum[m] - share[m]),
        "share_through": float(cum[m]),
        "margin": float(cum[m] - 0.5),
        "order": [
            (actors.ids[k], float(x[k]), float(s)) for k, s in zip(order, share, strict=True)
        ],
    }


def moves(traj: Trajectory) -> list[dict[str, Any]]:
    """Who moved whom, per round: ``[{round, actor, from, to, counterpart, offer}]``.

    EUM: ``counterpart`` is the actor whose offer ``actor`` accepted; ``offer`` is
    ``conflict`` (the actor gives in), ``compromise`` or ``capitulation``. SMP (KTAB): the
    other party of the bargain the actor adopted, ``offer`` ``bargain`` (it was targeted) or
    ``own bargain, accepted`` (it proposed it); only actors whose position changed. Empty
    for the baselines.
    """
    partner, initiated = traj.extra.get("partner"), traj.extra.get("initiated")
    if partner is not None and initiated is not None:
        out = []
        for t in range(partner.shape[0]):
            for i, aid in enumerate(traj.ids):
                before, after = traj.positions[t, i], traj.positions[t + 1, i]
                if partner[t, i] < 0 or np.array_equal(before, after):
                    continue
                out.append(
                    {
                        "round": t + 1,
                        "actor": aid,
                        "from": float(before[0]) if before.size == 1 else before.tolist(),
                        "to": float(after[0]) if after.size == 1 else after.tolist(),
                        "counterpart": traj.ids[int(partner[t, i])],
                        "offer": "own bargain, accepted" if initiated[t, i] else "bargain",
                    }
                )
        return out
    who, kind = traj.extra.get("mover_of"), traj.extra.get("offer")
    if who is None or kind is None:
        return []
    out = []
    for t in range(who.shape[0]):
        for i, aid in enumerate(traj.ids):
            if kind[t, i] == 0:
                continue
            before, after = float(traj.positions[t, i, 0]), float(traj.positions[t + 1, i, 0])
            out.append(
                {
                    "round": t + 1,
                    "actor": aid,
                    "from": before,
                    "to": after,
                    "counterpart": traj.ids[int(who[t, i])],
                    "offer": OFFER_KINDS[int(kind[t, i])],
                }
            )
    return out


def explain(
    actors: Actors | None = None,
    model: str = "eum",
    *,
    rounds: int = 10,
    runs: int = DEFAULT_RUNS,
    seed: int | None = DEFAULT_SEED,
    bands: Bands | None = None,
    options: EUMOptions | None = None,
    values: np.ndarray | None = None,
    z: np.ndarray | None = None,
    blocs: list[Bloc] | None = None,
) -> dict[str, Any]:
    """Why ``model`` forecasts what it does on ``actors`` (default: embedded Idlib 2018).

    Returns a JSON-ready dict:

    - ``pivotal``: :func:`pivotal` on the central table;
    - ``moves``: :func:`moves` of the central run (EUM only);
    - ``trajectory``: ``{"positions": {id: [round 0..N]}, "median": [...]}``;
    - ``distribution``: the Monte Carlo forecasts' 5/25/50/75/95 % quantiles, a histogram
      in 5-point bins over the bands' range, and ``share_at_round0_median``: the share of
      draws whose forecast is within 0.5 of that draw's round-0 weighted median (how often
      "the forecast is just the weighted median"). ``values`` reuses forecasts already
      computed on the normals ``z`` (default: drawn from ``seed``).
    """
    actors = idlib_actors() if actors is None else actors
    bands = load_bands() if bands is None else bands
    traj = forecast(actors, model, rounds, options=options)
    if z is None:
        z = draw_normals(actors, runs, np.random.default_rng(seed))
    if values is None:
        values = odds(
            actors,
            model,
            runs=runs,
            rounds=rounds,
            bands=bands,
            options=options,
            z=z,
            blocs=blocs,
        ).values
    v = np.asarray(values)
    x, c, s = draw_inputs(actors, z, bounds=(bands.lo, bands.hi), blocs=blocs)
    med0 = weighted_median(x, c * s)
    edges = np.arange(bands.lo, bands.hi + 5.0, 5.0)
    hist, _ = np.histogram(v, bins=edges)
    q = np.quantile(v, [0.05, 0.25, 0.5, 0.75, 0.95])
    return {
        "model": model,
        "pivotal": pivotal(actors),
        "moves": moves(traj),
        "trajectory": {
            "positions": {
                a: [float(p) for p in traj.positions[:, i, 0]] for i, a in enumerate(traj.ids)
            },
            "median": [float(m) for m in traj.median[:, 0]],
        },
        "distribution": {
            "runs": int(len(v)),
            "quantiles": dict(zip(("q05", "q25", "q50", "q75", "q95"), map(float, q), strict=True)),
            "bin_edges": [float(e) for e in edges],
            "counts": [int(h) for h in hist],
            "share_at_round0_median": float(np.mean(np.abs(v - med0) <= 0.5)),
        },
    }


def trajectory_figure(info: dict[str, Any], bands: Bands | None = None) -> Figure:
    """Positions round by round and the weighted median (bold), from :func:`explain`."""
    from matplotlib.figure import Figure  # here: matplotlib costs ~0.4 s of start-up

    bands = load_bands() if bands is None else bands
    fig = Figure(figsize=(7, 4), layout="constrained")
    ax = fig.subplots()
    tr = info["trajectory"]
    for k in range(1, len(bands.names)):
        ax.axhline(bands.lower[k], color="0.85", lw=0.8, zorder=0)
    for aid, pos in tr["positions"].items():
        ax.plot(range(len(pos)), pos, lw=1, marker=".", label=aid)
    ax.plot(range(len(tr["median"])), tr["median"], color="k", lw=3, label="weighted median")
    piv = info["pivotal"]
    ax.set_title(
        f"{info['model']}: pivotal {piv['actor']} at {piv['position']:g} "
        f"(margin {100 * piv['margin']:.1f} % of the weight)"
    )
    ax.set_xlabel("round")
    ax.set_ylabel("position on the issue scale")
    ax.set_ylim(bands.lo, bands.hi)
    ax.legend(fontsize=7, ncol=2, loc="best")
    return fig


def distribution_figure(info: dict[str, Any], bands: Bands | None = None) -> Figure:
    """Histogram of the Monte Carlo forecasts with the scenario bands, from :func:`explain`."""
    from matplotlib.figure import Figure

    bands = load_bands() if bands is None else bands
    fig = Figure(figsize=(7, 3), layout="constrained")
    ax = fig.subplots()
    d = info["distribution"]
    edges = np.asarray(d["bin_edges"])
    ax.bar(edges[:-1], d["counts"], width=np.diff(edges), align="edge", color="0.4")
    for k, name in enumerate(bands.names):
        ax.axvspan(bands.lower[k], bands.upper[k], alpha=0.08 * (k % 2 + 1), color="C0")
        ax.text(
            (bands.lower[k] + bands.upper[k]) / 2,
            0.98,
            name,
            ha="center",
            va="top",
            fontsize=7,
            transform=ax.get_xaxis_transform(),
        )
    ax.set_xlabel("forecast on the issue scale")
    ax.set_ylabel(f"runs (of {d['runs']})")
    ax.set_title(f"{info['model']}: forecast over the Monte Carlo runs")
    return fig
