"""Compromise baselines: the capability x salience weighted mean and weighted median.

With weights ``w_i = c_i s_i`` (capability x salience):

- weighted mean:   ``x̄ = Σ_i w_i x_i / Σ_i w_i``;
- weighted median: the smallest actor position ``x_(m)`` (positions sorted) at which the
  cumulative weight reaches at least half the total, ``Σ_{k<=m} w_(k) >= ½ Σ_k w_k``. In one
  dimension this is Black's median voter: it minimises ``Σ_i w_i |x_i - p|`` over the actor
  positions and is the Condorcet winner under linear utilities with votes
  ``v_k(a, b) = w_k (|x_k - b| - |x_k - a|)`` (Bueno de Mesquita 1994; Scholz, Calbert &
  Smith 2011, §3.2, eqs 26-29). These two forecast about as well as the bargaining models
  in the literature, so they are the baselines every model is compared with.

Both functions work on the last axis and broadcast over leading (batch) axes, so a Monte
Carlo ensemble of ``B`` draws is one call on ``(B, n)`` arrays.
"""

from __future__ import annotations

import numpy as np

__all__ = ["weighted_mean", "weighted_median"]

# Relative slack when comparing a cumulative weight with half the total, so that sums that
# are equal on paper (e.g. 0.5 + 0.5 vs 1.0 / 2) are not split by rounding.
_HALF_RTOL = 1e-12


def weighted_mean(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``Σ w x / Σ w`` over the last axis (broadcasts over leading axes)."""
    x = np.asarray(x, float)
    w = np.broadcast_to(np.asarray(w, float), x.shape)
    return (w * x).sum(axis=-1) / w.sum(axis=-1)


def weighted_median(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Smallest position whose cumulative weight reaches half the total (last axis)."""
    x = np.asarray(x, float)
    w = np.broadcast_to(np.asarray(w, float), x.shape)
    order = np.argsort(x, axis=-1, kind="stable")
    xs = np.take_along_axis(x, order, axis=-1)
    cum = np.cumsum(np.take_along_axis(w, order, axis=-1), axis=-1)
    half = 0.5 * cum[..., -1:] * (1.0 - _HALF_RTOL)
    m = np.argmax(cum >= half, axis=-1)
    return np.take_along_axis(xs, m[..., None], axis=-1)[..., 0]
