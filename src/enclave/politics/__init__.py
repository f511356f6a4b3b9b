"""Politics: actor bargaining models, their forecasts, and the odds of each scenario.

Stage contract (guides/design.md): an actor table (ids, positions, capabilities and
saliences as arrays, :class:`Actors`) and a model name go in; a trajectory (rounds x actors),
a forecast and the scenario odds from bands kept in data come out.

Models: ``mean`` / ``median`` (:mod:`.baselines`), ``eum`` (:mod:`.eum`, Bueno de Mesquita as
replicated by Scholz, Calbert & Smith 2011), ``smp`` (:mod:`.smp`, KTAB's Spatial Model of
Politics). Uncertainty and odds: :mod:`.odds`; levers and the sweep: :mod:`.levers`; the
``enclave bargain`` command: :mod:`.cli`.

For the chain (``weights: politics`` in a case file)::

    from enclave.politics import scenario_odds
    scenario_odds()  # {"full-offensive": p, "limited-offensive": p, ...} for Idlib 2018
"""

from enclave.politics.actors import Actors, idlib_actors, parse_actors, read_actors
from enclave.politics.baselines import weighted_mean, weighted_median
from enclave.politics.eum import EUMOptions, run_eum
from enclave.politics.forecast import MODELS, Trajectory, forecast
from enclave.politics.levers import Lever, apply_levers, parse_set, sweep
from enclave.politics.odds import Bands, OddsResult, load_bands, odds, scenario_odds
from enclave.politics.smp import run_smp

__all__ = [
    "MODELS",
    "Actors",
    "Bands",
    "EUMOptions",
    "Lever",
    "OddsResult",
    "Trajectory",
    "apply_levers",
    "forecast",
    "idlib_actors",
    "load_bands",
    "odds",
    "parse_actors",
    "parse_set",
    "read_actors",
    "run_eum",
    "run_smp",
    "scenario_odds",
    "sweep",
    "weighted_mean",
    "weighted_median",
]
