"""Politics: actor bargaining models, their forecasts, and the odds of each scenario.

Stage contract (guides/design.md): an actor table (ids, positions, capabilities and
saliences as arrays, :class:`Actors`) and a model name go in; a trajectory (rounds x actors),
a forecast and the scenario odds from bands kept in data come out.

Models: ``mean`` / ``median`` (:mod:`.baselines`), ``eum`` (:mod:`.eum`, Bueno de Mesquita as
replicated by Scholz, Calbert & Smith 2011), ``smp`` (:mod:`.smp` / :mod:`.ktab`, KTAB's
Spatial Model of Politics as KTAB's C++ computes it). Uncertainty and odds: :mod:`.odds`;
levers and the sweep: :mod:`.levers`; the ``enclave bargain`` command: :mod:`.cli`.

The question is dated: the embedded Idlib table and bands are as of 2018-09-07 (Tehran
summit) with horizon 2019-01-05 (day 120 of ``idlib-2018``); no input cites later evidence.
EUM runs with the forecast defaults (``least_move``, capitulation on: invariant to the scale's
direction); ``EUMOptions.scholz2011()`` / ``--preset scholz2011`` is the replication.
``smp`` reproduces KTAB's reference position and probability histories digit for digit
(``tests/politics/test_ktab.py``; ``python benchmarks/politics_ktab.py`` prints the distance
per turn); the former smp-lite remains only as :func:`.smp.run_smp_lite`.

For the chain (``weights: politics`` in a case file)::

    from enclave.politics import scenario_odds
    scenario_odds()  # {"full-offensive": p, "limited-offensive": p, ...} for Idlib 2018

``scenario_odds()`` is the fixed equal-weight ensemble over the validated models (eum,
median, mean, smp); ``scenario_odds(model="eum")`` one model.

For the report's politics section (plain data and matplotlib figures, no global state)::

    from enclave.politics import compare_models, explain, trajectory_figure, distribution_figure
    info = explain()                 # pivotal actor + margin, moves per round, trajectory,
                                     # Monte Carlo forecast distribution (EUM by default)
    trajectory_figure(info)          # positions and the weighted median per round
    distribution_figure(info)        # forecasts over the runs against the bands
    cmp = compare_models()           # all four models on common random numbers:
                                     # cmp.models[m].odds, cmp.ensemble, cmp.weights
    MODEL_LABELS["smp"]              # how each model is named in print
    score_table()                    # Brier per model and ensemble by dated period
"""

from enclave.politics.actors import Actors, idlib_actors, parse_actors, read_actors
from enclave.politics.baselines import weighted_mean, weighted_median
from enclave.politics.ensemble import ENSEMBLE_WEIGHTS, MODEL_LABELS, compare_models
from enclave.politics.eum import EUMOptions, run_eum
from enclave.politics.explain import distribution_figure, explain, pivotal, trajectory_figure
from enclave.politics.forecast import MODELS, Trajectory, forecast
from enclave.politics.levers import Lever, apply_levers, parse_set, sweep
from enclave.politics.odds import Bands, OddsResult, load_bands, odds, scenario_odds
from enclave.politics.score import brier, score_table
from enclave.politics.smp import run_smp

__all__ = [
    "ENSEMBLE_WEIGHTS",
    "MODELS",
    "MODEL_LABELS",
    "Actors",
    "Bands",
    "EUMOptions",
    "Lever",
    "OddsResult",
    "Trajectory",
    "apply_levers",
    "brier",
    "compare_models",
    "distribution_figure",
    "explain",
    "forecast",
    "idlib_actors",
    "load_bands",
    "odds",
    "parse_actors",
    "parse_set",
    "pivotal",
    "read_actors",
    "run_eum",
    "run_smp",
    "scenario_odds",
    "score_table",
    "sweep",
    "trajectory_figure",
    "weighted_mean",
    "weighted_median",
]
