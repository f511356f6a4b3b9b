"""Flipping the issue scale (x -> 100 - x) mirrors the forecast, draw by draw.

Common random numbers: the flipped table gets the same normals with the position ones
negated, so draw b of the flipped table is the mirror image of draw b of the original.
The odds need not mirror (the bands are not symmetric); the point forecasts must.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from enclave.politics import EUMOptions, idlib_actors, odds
from enclave.politics.odds import draw_normals

RUNS = 300


def _flipped(z: np.ndarray):
    a = idlib_actors()
    flip = replace(a, position=100.0 - a.position)
    zf = z.copy()
    zf[0] = -zf[0]
    return a, flip, zf


@pytest.mark.parametrize("model", ["eum", "mean", "median"])
def test_flip_mirrors_every_draw(model):
    a = idlib_actors()
    z = draw_normals(a, RUNS, np.random.default_rng(7))
    a, flip, zf = _flipped(z)
    v = odds(a, model, runs=RUNS, z=z).values
    vf = odds(flip, model, runs=RUNS, z=zf).values
    np.testing.assert_allclose(vf, 100.0 - v, atol=1e-9)


def test_replication_preset_is_not_mirror_invariant():
    """Why scholz2011 is not the forecast default: its compromise rule favours the low end."""
    a = idlib_actors()
    z = draw_normals(a, RUNS, np.random.default_rng(7))
    a, flip, zf = _flipped(z)
    opt = EUMOptions.scholz2011()
    v = odds(a, "eum", runs=RUNS, z=z, options=opt).values
    vf = odds(flip, "eum", runs=RUNS, z=zf, options=opt).values
    assert np.mean(np.abs(vf - (100.0 - v)) > 1.0) > 0.05
