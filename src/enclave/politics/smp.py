"""KTAB's Spatial Model of Politics (SMP): ``run_smp`` (KTAB's own loop) and ``run_smp_lite``.

``run_smp`` is the SMP as KTAB computes it (:mod:`enclave.politics.ktab`: assessment,
targeting, S2P2 bargains, scalar-PCE resolution and KTAB's stopping rule). It reproduces
KTAB's 2017-05-30 reference position and probability histories for SOE-Pol-Comp (2-D,
13 actors, 27 turns) and dummyData_3Dim (3-D, 7 actors, 10 turns) to every printed digit
(``tests/politics/test_ktab.py``), so it is the validated model ``smp``.

``run_smp_lite`` is Enclave's former simplification ("smp-lite", not validated): KTAB's
assessment phase with a bargaining loop of Enclave's own. It is kept for comparison only;
no model name or ensemble weight uses it.

Source: KAPSARC's KTAB (MIT licence; read at github.com/lsyaseen/KTAB, a copy of
KAPSARC/KTAB): ``examples/smp/libsrc/smp.cpp`` (``SMPModel::bvDiff``, ``bsUtil``,
``SMPState::setAllAUtil``) and ``kmodel/libsrc/kmodel.cpp`` (``Model::vote``, ``coalitions``,
``vProb``, ``condPCE``, ``bigRfromProb``); Efird, Lester & Wise (2016), *J. East Asian
Studies* 16(1):117-145, pp. 122-126. Equations as in ``shared/data/bargaining/
expected_results.md`` §3.1 (default CSV settings: Linear, Prop, Conditional, Mid, OneThird).

Assessment phase (shared by both; reproduced exactly against KTAB's reference logs):

1. Positions and saliences are divided by 100 (:data:`SCALE`).
2. Distance of actor i to position j::

       sd_ij = sqrt( Σ_d (s_id (x_jd - x_id))² / Σ_d s_id² )

3. Utility ``u_ij = (1 - sd_ij)(1 + sd_ij R_i)``; the "raw" matrix has R = 0.
4. Vote of actor k for option i over option j: ``v_k(i:j) = c_k (u_ki - u_kj)`` (Prop) or
   ``c_k (½Δu + ½Δu³)`` (PropCbc). Salience is not a vote weight.
5. Coalitions ``c(i:j) = 1e-8 + Σ_k max(0, v_k(i:j))``, ``c(j:i) = 1e-8 + Σ_k max(0, -v_k)``.
6. Victory (Linear): ``P(i ≻ j) = c(i:j) / (c(i:j) + c(j:i))``.
7. Conditional PCE: ``p_i ∝ Π_j P(i ≻ j)``.
8. Risk attitude (BigRRange Mid): ``R_i = (3 p_i - (p_max + 2 p_min)) / (2 (p_max - p_min))``
   in [-0.5, 1], from the raw utilities with every actor position as an option.
9. Reported winning probabilities: the same PCE with risk-aware utilities over the *unique*
   positions; actors sharing a position share its probability.

smp-lite's bargaining (targeting, proposal, resolution), *not* KTAB's. Per turn:

- assessment as above;
- targeting: i challenges the j that maximises ``G_ij = P(x_i ≻ x_j) (u_ii - u_ij)
  - (1 - P(x_i ≻ x_j)) (u_ii - u_ij)`` from i's (risk-aware) view, if ``G_ij > 0``;
- proposal: the power-weighted compromise ``b = (P x_i + (1 - P) x_j)`` of the two positions;
- resolution (Deterministic): every actor k takes, among its status quo and the bargains it
  is party to, the one with the highest conditional-PCE probability among those options;
- the run stops when the largest move of a turn, as a fraction of the first turn's, drops
  below ``tol`` (0.02) or after ``turns`` turns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from enclave.politics.baselines import weighted_mean, weighted_median
from enclave.politics.ktab import run_ktab_smp

__all__ = [
    "SCALE",
    "SMPResult",
    "condorcet_pce",
    "distances",
    "risk_attitudes",
    "run_smp",
    "run_smp_lite",
    "turn_probabilities",
    "utilities",
    "victory_probabilities",
]

SCALE = 100.0  # KTAB positions and saliences are on 0-100


def distances(x: np.ndarray, s: np.ndarray, options: np.ndarray | None = None) -> np.ndarray:
    """``sd[k, o]``: salience-weighted distance of actor k to option o, in [0, 1].

    ``x`` ``(n, d)`` and ``s`` ``(n, d)`` are already on the 0-1 scale; ``options`` ``(m, d)``
    defaults to the actor positions.
    """
    opts = x if options is None else options
    diff = s[:, None, :] * (opts[None, :, :] - x[:, None, :])
    den = (s**2).sum(axis=1)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        sd = np.sqrt((diff**2).sum(axis=2) / np.where(den > 0, den, 1.0))
    return np.where(den > 0, sd, 0.0)


def utilities(sd: np.ndarray, big_r: np.ndarray | None = None) -> np.ndarray:
    """``u = (1 - sd)(1 + sd R)`` (R per row actor; None = risk neutral)."""
    if big_r is None:
        return 1.0 - sd
    return (1.0 - sd) * (1.0 + sd * big_r[:, None])


def victory_probabilities(u: np.ndarray, c: np.ndarray, rule: str = "prop") -> np.ndarray:
    """``P[i, j]`` that option i beats option j (Linear victory model), ``(m, m)``.

    ``u`` is ``(n_voters, m)``; ``c`` the voters' capabilities (raw weights).
    """
    du = u[:, :, None] - u[:, None, :]  # (k, i, j)
    if rule == "propcbc":
        du = 0.5 * du + 0.5 * du**3
    elif rule != "prop":
        raise ValueError(f"unknown voting rule {rule!r}")
    v = c[:, None, None] * du
    for_i = 1e-8 + np.clip(v, 0.0, None).sum(axis=0)
    for_j = 1e-8 + np.clip(-v, 0.0, None).sum(axis=0)
    return for_i / (for_i + for_j)


def condorcet_pce(p: np.ndarray) -> np.ndarray:
    """Conditional probabilistic Condorcet election: ``p_i ∝ Π_j P(i ≻ j)``."""
    logp = np.log(p).sum(axis=1)
    z = np.exp(logp - logp.max())
    return z / z.sum()


def _big_r_from_prob(prob: np.ndarray) -> np.ndarray:
    hi, lo = prob.max(), prob.min()
    if hi - lo <= 0:
        return np.zeros_like(prob)
    return (3.0 * prob - (hi + 2.0 * lo)) / (2.0 * (hi - lo))


def risk_attitudes(x: np.ndarray, s: np.ndarray, c: np.ndarray, rule: str = "prop") -> np.ndarray:
    """KTAB's inferred risk attitudes R_i (BigRRange Mid), from the raw utilities.

    All actor positions are options, duplicates included. ``x``/``s`` on the 0-1 scale.
    """
    u = utilities(distances(x, s))
    return _big_r_from_prob(condorcet_pce(victory_probabilities(u, c, rule)))


def turn_probabilities(
    x: np.ndarray, s: np.ndarray, c: np.ndarray, big_r: np.ndarray, rule: str = "prop"
) -> np.ndarray:
    """Per-actor winning probability: PCE over the unique positions, risk-aware utilities.

    Actors at the same position get that position's probability (KTAB's "prob" history).
    """
    uniq, inverse = np.unique(np.round(x, 12), axis=0, return_inverse=True)
    u = utilities(distances(x, s, uniq), big_r)
    prob = condorcet_pce(victory_probabilities(u, c, rule))
    return prob[np.ravel(inverse)]


@dataclass(frozen=True)
class SMPResult:
    """SMP run on the 0-100 scale.

    Attributes:
        positions: ``(T + 1, n, d)`` positions for turns 0..T.
        probs: ``(T + 1, n)`` winning probability of each actor's position per turn.
        risk: ``(T + 1, n)`` risk attitudes R_i assessed at each turn.
        median: ``(T + 1, d)`` capability x salience weighted median per dimension.
        mean: ``(T + 1, d)`` capability x salience weighted mean per dimension.
        partner: ``(T, n)`` (KTAB loop only) the other party of the bargain each actor
            adopted in each step, -1 for its status quo; None for smp-lite.
        initiated: ``(T, n)`` (KTAB loop only) whether the actor proposed that bargain.
    """

    positions: np.ndarray
    probs: np.ndarray
    risk: np.ndarray
    median: np.ndarray
    mean: np.ndarray
    partner: np.ndarray | None = None
    initiated: np.ndarray | None = None


def _turn(x: np.ndarray, s: np.ndarray, c: np.ndarray, rule: str) -> tuple[np.ndarray, ...]:
    """One simplified SMP turn on the 0-1 scale; returns new positions, probs, R."""
    n = x.shape[0]
    big_r = risk_attitudes(x, s, c, rule)
    probs = turn_probabilities(x, s, c, big_r, rule)
    u = utilities(distances(x, s), big_r)  # u[k, j]: k's utility of j's position
    p = victory_probabilities(u, c, rule)  # p[i, j]: x_i beats x_j
    loss = np.diag(u)[:, None] - u  # u_ii - u_ij >= 0
    gain = (2.0 * p - 1.0) * loss
    np.fill_diagonal(gain, -np.inf)
    target = np.argmax(gain, axis=1)
    active = gain[np.arange(n), target] > 1e-12
    # options[k]: k's status quo plus every bargain it is party to
    bargains = []  # (i, j, point)
    for i in np.flatnonzero(active):
        j = target[i]
        w = p[i, j]
        bargains.append((i, j, w * x[i] + (1.0 - w) * x[j]))
    new = x.copy()
    if not bargains:
        return new, probs, big_r
    # Every option once: the status quos, then the bargains. P(a beats b) depends only on
    # the voters' utilities of a and b, so each actor's election over its own options is a
    # sub-matrix of this one (same numbers as computing it per actor, ~n times cheaper).
    pts = np.concatenate([x, np.asarray([b[2] for b in bargains])])
    logp = np.log(victory_probabilities(utilities(distances(x, s, pts), big_r), c, rule))
    for k in range(n):
        idx = [k] + [n + m for m, b in enumerate(bargains) if k in (b[0], b[1])]
        if len(idx) == 1:
            continue
        sub = np.asarray(idx)
        # argmax of the PCE p_i ∝ Π_j P(i ≻ j) = argmax of Σ_j log P(i ≻ j)
        new[k] = pts[idx[int(np.argmax(logp[sub[:, None], sub].sum(axis=1)))]]
    return new, probs, big_r


def _medians(pos: np.ndarray, c: np.ndarray, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    w = c[:, None] * s  # (n, d)
    wt = np.moveaxis(np.broadcast_to(w, pos.shape), 1, 2)
    px = np.moveaxis(pos, 1, 2)  # (T+1, d, n)
    return weighted_median(px, wt), weighted_mean(px, wt)


def run_smp(
    position: np.ndarray,
    capability: np.ndarray,
    salience: np.ndarray,
    max_turns: int = 100,
    *,
    scale: float = SCALE,
) -> SMPResult:
    """Run KTAB's SMP (:func:`enclave.politics.ktab.run_ktab_smp`) to KTAB's stopping rule.

    Args:
        position: ``(n, d)`` (or ``(n,)``) positions on a 0-``scale`` issue scale.
        capability: ``(n,)`` capabilities (KTAB's "power"; only ratios matter).
        salience: ``(n, d)`` saliences as fractions (each actor's total at most 1).
        max_turns: the most turns (KTAB: 100; runs stop earlier by KTAB's rule).
        scale: the issue-scale length (KTAB: 100).

    Returns:
        :class:`SMPResult` (positions on the input scale; ``probs`` and ``risk`` per state).
    """
    x = np.asarray(position, float)
    x = x[:, None] if x.ndim == 1 else x
    s = np.asarray(salience, float)
    s = np.broadcast_to(s[:, None] if s.ndim == 1 else s, x.shape)
    c = np.asarray(capability, float)
    res = run_ktab_smp(x, c, s, max_turns=max_turns, scale=scale)
    med, mean = _medians(res.positions, c, s)
    k = np.arange(x.shape[0])[None, :]
    initiated = res.mover == k
    tgt = np.take_along_axis(res.target, np.clip(res.mover, 0, None), axis=1)
    partner = np.where(res.mover < 0, -1, np.where(initiated, tgt, res.mover))
    return SMPResult(res.positions, res.probs, res.risk, med, mean, partner, initiated)


def run_smp_lite(
    position: np.ndarray,
    capability: np.ndarray,
    salience: np.ndarray,
    turns: int = 10,
    *,
    rule: str = "prop",
    tol: float = 0.02,
    scale: float = SCALE,
) -> SMPResult:
    """Run smp-lite (KTAB assessment + Enclave's own bargaining, not validated).

    Args:
        position: ``(n, d)`` (or ``(n,)``) positions on a 0-``scale`` issue scale.
        capability: ``(n,)`` capabilities (raw weights; only ratios matter).
        salience: ``(n, d)`` saliences as fractions in [0, 1].
        turns: the most turns to run.
        rule: KTAB voting rule, ``"prop"`` or ``"propcbc"``.
        tol: stop when a turn's largest move is below ``tol`` x the first turn's.
        scale: the issue-scale length (KTAB: 100).

    Returns:
        :class:`SMPResult` (positions on the input scale).
    """
    x = np.asarray(position, float)
    x = x[:, None] if x.ndim == 1 else x
    s = np.asarray(salience, float)
    s = np.broadcast_to(s[:, None] if s.ndim == 1 else s, x.shape)
    c = np.asarray(capability, float)
    xs = x / scale
    hist, probs, risks = [x], [], []  # history on the input scale (unmoved = bit-identical)
    first_move = None
    for _ in range(turns):
        new, pr, rk = _turn(xs, s, c, rule)
        probs.append(pr)
        risks.append(rk)
        move = float(np.abs(new - xs).max())
        hist.append(np.where(new == xs, hist[-1], new * scale))
        xs = new
        first_move = move if first_move is None else first_move
        if first_move == 0 or move < tol * first_move:
            break
    big_r = risk_attitudes(xs, s, c, rule)
    probs.append(turn_probabilities(xs, s, c, big_r, rule))
    risks.append(big_r)
    pos = np.stack(hist)
    med, mean = _medians(pos, c, s)
    return SMPResult(pos, np.stack(probs), np.stack(risks), med, mean)
