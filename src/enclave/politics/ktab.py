"""KTAB's Spatial Model of Politics (SMP), turn by turn as KTAB's C++ computes it.

Source: KAPSARC's KTAB (MIT licence, "Copyright (c) 2015 KAPSARC"; read at
github.com/lsyaseen/KTAB, HEAD 3b5b063, a copy of KAPSARC/KTAB). Each function below names
the KTAB function it follows. Settings are KTAB's defaults for CSV input, the ones its
2017-05-30 reference runs print: VictoryProbModel Linear, VotingRule Prop, PCEModel
Conditional, StateTransitions Deterministic, BigRRange Mid, BigRAdjust OneThird,
ThirdPartyCommit SemiCommit, InterVecBrgn S2P2, BargnModel InitOnlyInterp, identity
ideal-accommodation (ideals track positions).

One turn (``SMPState::stepBCN`` -> ``doBCN``), positions and saliences on the 0-1 scale:

1. Assessment (``SMPState::setAllAUtil``): ``vDiff[i, j]`` = salience-weighted distance of
   i's ideal (= position) to j's position (``SMPModel::bvDiff``); risk-neutral utilities
   ``1 - vDiff``; risk attitudes ``R`` from the conditional PCE over all actor positions
   (``Model::bigRfromProb``, Mid); h's estimate of the utility matrix
   ``aUtil[h][i, j] = bsUtil(vDiff[i, j], (2 R_h + R_i) / 3)`` (OneThird).
2. Targeting (``SMPState::bestChallengeUtils``, ``probEduChlg(i, i, i, j)``,
   ``bestChallenge``): i's estimate of the probability that i beats j and of i's expected
   gain; principals vote with weight capability x total salience, each third party n joins
   the side it favours in the "little" contest (``Actor::vProbLittle``) and votes by the
   SemiCommit sum of utilities (``Actor::thirdPartyVoteSU``); i targets the j with the
   largest gain above 1e-5 (first in index order on ties).
3. Proposal (``SMPActor::interpolateBrgn``, ``interpBrgnSnPm(2, 2, ...)``): per dimension,
   weights ``s_ik² p²`` and ``s_jk² (1 - p)²``, the 1e-6 offset on the proposer's side for
   i's new coordinate and on the target's side for j's, each rounded to 4 decimals (0.01 on
   the 0-100 scale). InitOnlyInterp: only the initiator's bargain is put to the vote.
4. Resolution (``SMPState::updateBestBrgnPositions``): for every actor k, its status quo
   and the bargains it is party to are scored by each actor a as the mean utility of the
   state after the bargain (own risk attitude for the two moved positions, ``aUtil[a][a, n]``
   for the rest), and the conditional scalar PCE (``Model::scalarPCE``, weights = power)
   picks the most probable (first on ties, ``ndxMaxAbs``). All actors move at once.

The run stops (``smpStopFn``: at least 2, at most 100 steps) when the summed Euclidean
move of a step, over that of the first step plus 1e-4, falls below 0.02. The reported
probability of each actor (``SMPModel::showVPHistory``, ``SMPState::pDist(-1)``) is the
conditional PCE over the unique positions (equal within 1e-3 on the 0-1 scale,
``State::setUENdx``), with each actor's own utilities.

Where KTAB would throw (every position the same, so no risk attitude can be inferred), this
module uses risk neutrality for that turn instead; nothing random is used (deterministic
state transitions).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "KtabResult",
    "POS_TOL",
    "proposals",
    "run_ktab_batch",
    "run_ktab_smp",
]

SCALE = 100.0
POS_TOL = 1e-3  # SMPModel::posTol: positions closer than this (0-1 scale) are one option
MIN_C = 1e-8  # Model::coalitions
MIN_CLTN = 1e-10  # SMPState::probEduChlg
MIN_SIG_EDU = 1e-5  # SMPState::bestChallenge
MIN_W = 1e-6  # SMPActor::interpBrgnSnPm


def _bs_util(sd: np.ndarray, r: np.ndarray) -> np.ndarray:
    """``SMPModel::bsUtil``: ``(1 - sd)(1 + sd R)``, ``(1 - sd)(1 + R)`` beyond sd = 1."""
    return (1.0 - sd) * (1.0 + np.minimum(sd, 1.0) * r)


def _bv_diff(ideal: np.ndarray, s: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """``SMPModel::bvDiff``: ``sd[b, i, m]`` from actor i's ideal to point ``pts[b, m]``.

    ``ideal`` and ``s`` are ``(B, n, d)``; ``pts`` is ``(B, m, d)``. An actor with no
    salience at all (KTAB stops with an error; a Monte Carlo draw clipped at 0 can do it) is
    indifferent: distance 0 to every point.
    """
    ds = (ideal[:, :, None, :] - pts[:, None, :, :]) * s[:, :, None, :]
    den = (s * s).sum(axis=2)[:, :, None]
    return np.sqrt((ds * ds).sum(axis=3) / np.where(den > 0, den, 1.0))


def _pairwise(u: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``Model::coalitions`` + ``vProb`` (Prop, Linear): ``P[b, i, j]`` option i beats j.

    ``u[b, actor, option]``, ``w[b, actor]``. Votes are antisymmetric, so the coalition
    against i over j is the coalition for j over i (the same sums, bit for bit).
    """
    v = w[:, :, None, None] * (u[:, :, :, None] - u[:, :, None, :])
    cij = MIN_C + np.maximum(v, 0.0).sum(axis=1)
    cji = np.swapaxes(cij, 1, 2)
    p = cij / (cij + cji)
    m = p.shape[-1]
    p[:, np.arange(m), np.arange(m)] = 0.5
    return p


def _cond_pce(p: np.ndarray) -> np.ndarray:
    """``Model::condPCE``: ``p_i = prod_j P[i, j]``, normalised (last axis = options)."""
    pi = p.prod(axis=-1)
    return pi / pi.sum(axis=-1, keepdims=True)


def _big_r(prob: np.ndarray) -> np.ndarray:
    """``Model::bigRfromProb`` (Mid) per row; risk neutral where every probability is equal."""
    hi = prob.max(axis=1, keepdims=True)
    lo = prob.min(axis=1, keepdims=True)
    span = hi - lo
    ok = span > 0
    r = (3.0 * prob - (hi + 2.0 * lo)) / (2.0 * np.where(ok, span, 1.0))
    return np.where(ok, r, 0.0)


def _unique_indices(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``KBase::ueIndices`` with ``SMPState::equivNdx`` (norm < posTol), and ``posProb``'s map.

    ``x`` is one state ``(n, d)``. Returns the indices of the unique positions (first
    appearance) and, for every actor, the index into them that ``State::posProb`` reads
    (the last equivalent one).
    """
    n = x.shape[0]
    close = np.sqrt(((x[:, None, :] - x[None, :, :]) ** 2).sum(axis=2)) < POS_TOL
    uns: list[int] = []
    for i in range(n):
        if not any(close[i, k] for k in uns):
            uns.append(i)
    u = np.asarray(uns)
    cu = close[:, u]
    last = cu.shape[1] - 1 - np.argmax(cu[:, ::-1], axis=1)
    return u, last


@dataclass(frozen=True)
class _Assessment:
    risk: np.ndarray  # (B, n)
    a_util: np.ndarray  # (B, h, i, j): h's estimate of i's utility of j's position


def _assess(x: np.ndarray, s: np.ndarray, c: np.ndarray) -> _Assessment:
    """``SMPState::setAllAUtil`` with ideals = positions, for a batch ``(B, n, d)``."""
    vdiff = _bv_diff(x, s, x)
    rn = _bs_util(vdiff, np.zeros(1))
    risk = _big_r(_cond_pce(_pairwise(rn, c)))
    est = ((2.0 * risk)[:, :, None] + risk[:, None, :]) / 3.0  # est[b, h, i] (OneThird)
    a_util = _bs_util(vdiff[:, None, :, :], est[:, :, :, None])
    return _Assessment(risk, a_util)


def _turn_probs(x: np.ndarray, c: np.ndarray, a: _Assessment) -> np.ndarray:
    """``SMPState::pDist(-1)`` mapped to actors by ``State::posProb``; one state (B = 1)."""
    uniq, last = _unique_indices(x[0])
    n = x.shape[1]
    ii = np.arange(n)
    own = a.a_util[0, ii, ii, :]  # aUtil[i](i, j)
    return _cond_pce(_pairwise(own[None][:, :, uniq], c))[0][last]


def _challenges(s: np.ndarray, c: np.ndarray, a: _Assessment) -> tuple[np.ndarray, np.ndarray]:
    """``probEduChlg(i, i, i, j)`` for every ordered pair: ``(P[b, i, j], gain[b, i, j])``."""
    n = c.shape[1]
    au = a.a_util  # au[b, h, a, o]; every term below is i's own estimate (h = i)
    own = np.diagonal(au, axis1=1, axis2=2)  # [b, o, i] = au[b, i, i, o]
    u_ij = np.swapaxes(own, 1, 2)  # [b, i, j] = au[b, i, i, j]
    u_ii = np.diagonal(u_ij, axis1=1, axis2=2)[:, :, None]  # au[b, i, i, i]
    u_ni = np.swapaxes(np.diagonal(au, axis1=1, axis2=3), 1, 2)  # [b, i, n] = au[b, i, n, i]
    u_nn = np.diagonal(au, axis1=2, axis2=3)  # [b, i, n] = au[b, i, n, n]
    u_ji = u_ni  # [b, i, j] = au[b, i, j, i]
    u_jj = u_nn  # [b, i, j] = au[b, i, j, j]
    ssum = s.sum(axis=2)
    wsc = ssum * c  # capability x total salience
    con_i = wsc[:, :, None] * (u_ii - u_ij)
    con_j = wsc[:, None, :] * (u_ji - u_jj)
    chij = MIN_CLTN + np.maximum(con_i, 0.0) + np.maximum(con_j, 0.0)
    chji = MIN_CLTN + np.maximum(-con_i, 0.0) + np.maximum(-con_j, 0.0)
    # third parties n, as [b, i, j, n]: Actor::vProbLittle, then thirdPartyVoteSU (SemiCommit)
    u_nj = np.swapaxes(au, 2, 3)  # [b, i, j, n] = au[b, i, n, j]
    wn = wsc[:, None, None, :]
    uni = u_ni[:, :, None, :]
    con_n = wn * (uni - u_nj)
    cni = chij[..., None] + np.maximum(con_n, 0.0)
    cnj = chji[..., None] + np.maximum(-con_n, 0.0)
    pin = cni / (cni + cnj)
    unn = u_nn[:, :, None, :]
    # (pin (2 uni + unn) + pjn 3 unj) - (pin 3 uni + pjn (2 unj + unn))
    vk = wn * (pin * (unn - uni) + (1.0 - pin) * (u_nj - unn))
    vk *= _third_party_mask(n)
    chij = chij + np.maximum(vk, 0.0).sum(axis=3)
    chji = chji + np.maximum(-vk, 0.0).sum(axis=3)
    phij = chij / (chij + chji)
    phji = chji / (chij + chji)
    uhkij = u_ii + u_ii
    uhkji = u_ij + u_ij
    eu_sq = u_ii + u_ij
    sj = ssum[:, None, :]
    eu_chlg = (1.0 - sj) * uhkij + sj * (phij * uhkij + phji * uhkji)
    return phij, eu_chlg - eu_sq


_MASKS: dict[int, np.ndarray] = {}


def _third_party_mask(n: int) -> np.ndarray:
    """``[i, j, n]``: 1 where n is neither principal."""
    if n not in _MASKS:
        k = np.arange(n)
        third = (k[None, None, :] != k[:, None, None]) & (k[None, None, :] != k[None, :, None])
        _MASKS[n] = third.astype(float)
    return _MASKS[n]


def _round4(v: np.ndarray) -> np.ndarray:
    """``interpBrgnSnPm``'s round4: ``(int)(0.5 + 1e4 x) / 1e4`` (x >= 0 here)."""
    return np.trunc(0.5 + v * 10000.0) / 10000.0


def _interp_s2p2(
    ti: np.ndarray, si: np.ndarray, pi: np.ndarray, tj: np.ndarray, sj: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``SMPActor::interpBrgnSnPm(2, 2, ...)`` per bargain and dimension (``pi`` per bargain)."""
    pj = 1.0 - pi
    wi = (si * si) * (pi * pi)[..., None]
    wj = (sj * sj) * (pj * pj)[..., None]
    den = wi + MIN_W + wj
    bi = _round4(((wi + MIN_W) * ti + wj * tj) / den)
    bj = _round4((wi * ti + (MIN_W + wj) * tj) / den)
    return bi, bj


@dataclass(frozen=True)
class _Step:
    new: np.ndarray  # (B, n, d)
    target: np.ndarray  # (B, n) j targeted by i, -1 if none
    chosen: np.ndarray  # (B, n) initiator of the adopted bargain, -1 for the status quo


def _step(x: np.ndarray, s: np.ndarray, c: np.ndarray, a: _Assessment) -> _Step:
    """``SMPState::doBCN``: targeting, proposals and resolution for one turn of a batch.

    Bargain slot m holds the bargain initiated by actor m (InitOnlyInterp: at most one per
    initiator); option 0 is the status quo. KTAB lists each actor's options in thread order,
    which matters only for exact ties; here they are in initiator order after the status quo.
    """
    nb, n = c.shape
    ii = np.arange(n)
    bb = np.arange(nb)[:, None]
    p, gain = _challenges(s, c, a)
    gain[:, ii, ii] = -np.inf
    ok = gain > MIN_SIG_EDU
    target = np.argmax(np.where(ok, gain, -np.inf), axis=2)  # first maximum (strict >)
    active = ok.any(axis=2)  # (B, m)
    target = np.where(active, target, -1)
    tj = np.where(active, target, 0)
    piij = p[bb, ii[None, :], tj]
    bi, bj = _interp_s2p2(x, s, piij, x[bb, tj], s[bb, tj])  # (B, m, d)
    # utility to actor a of the state after bargain m: mean over the n positions, with a's
    # own risk attitude for the two that move (SMPActor::posUtil) and aUtil[a](a, .) else
    own = a.a_util[:, ii, ii, :]  # (B, a, n) = aUtil[a](a, n)
    r = a.risk[:, :, None]
    u_init = _bs_util(_bv_diff(x, s, bi), r)  # (B, a, m)
    u_rcvr = _bs_util(_bv_diff(x, s, bj), r)
    tot = own.sum(axis=2)[:, :, None]
    rest = tot - own - np.take_along_axis(own, np.broadcast_to(tj[:, None, :], own.shape), 2)
    u_opt = np.concatenate([tot, u_init + u_rcvr + rest], axis=2) / n  # (B, a, 1 + m)
    pv = _pairwise(u_opt, c)  # (B, 1 + m, 1 + m)
    member = np.zeros((nb, n, n + 1), bool)  # member[b, k, option]
    member[:, :, 0] = True
    party = (ii[None, :, None] == ii[None, None, :]) | (ii[None, :, None] == target[:, None, :])
    member[:, :, 1:] = party & active[:, None, :]
    sub = np.where(member[:, :, None, :], pv[:, None, :, :], 1.0).prod(axis=3)  # (B, k, opt)
    sub = np.where(member, sub, 0.0)
    prob = sub / sub.sum(axis=2, keepdims=True)
    pick = np.argmax(prob, axis=2) - 1  # first maximum (ndxMaxAbs); -1 = status quo
    mk = np.where(pick < 0, 0, pick)
    as_init = mk == ii[None, :]
    chosen_pos = np.where(as_init[..., None], bi[bb, mk], bj[bb, mk])
    new = np.where((pick < 0)[..., None], x, chosen_pos)
    return _Step(new, target, np.where(pick < 0, -1, mk))


@dataclass(frozen=True)
class KtabResult:
    """A KTAB SMP run, positions on the input scale.

    Attributes:
        positions: ``(T + 1, n, d)`` positions of turns 0..T (KTAB's "History of actor
            positions over time").
        probs: ``(T + 1, n)`` winning probability of each actor's position per turn.
        risk: ``(T + 1, n)`` inferred risk attitudes R_i of each turn's state.
        target: ``(T, n)`` whom each actor challenged in each step (-1: nobody).
        mover: ``(T, n)`` the initiator of the bargain each actor adopted (-1: none).
        stop_ratio: ``(T,)`` each step's summed move over the first step's (+1e-4).
    """

    positions: np.ndarray
    probs: np.ndarray
    risk: np.ndarray
    target: np.ndarray
    mover: np.ndarray
    stop_ratio: np.ndarray


def run_ktab_smp(
    position: np.ndarray,
    capability: np.ndarray,
    salience: np.ndarray,
    *,
    min_turns: int = 2,
    max_turns: int = 100,
    min_delta_ratio: float = 0.02,
    scale: float = SCALE,
) -> KtabResult:
    """Run KTAB's SMP (``SMPModel::configExec`` stopping rule) on one actor table.

    Args:
        position: ``(n, d)`` or ``(n,)`` positions on a 0-``scale`` scale.
        capability: ``(n,)`` KTAB "power" (raw weights).
        salience: ``(n, d)`` or ``(n,)`` saliences as fractions; each actor's total must not
            exceed 1 (KTAB's rule).
        min_turns, max_turns, min_delta_ratio: ``smpStopFn``'s 2, 100 and 0.02.
        scale: the issue-scale length (KTAB: 100).
    """
    x0 = np.asarray(position, float)
    x0 = x0[:, None] if x0.ndim == 1 else x0
    s = np.asarray(salience, float)
    s = np.array(np.broadcast_to(s[:, None] if s.ndim == 1 else s, x0.shape), float)[None]
    c = np.asarray(capability, float)[None]
    x = x0[None] / scale
    hist, probs, risks, targets, movers, ratios = [x[0]], [], [], [], [], []
    a = _assess(x, s, c)
    d01 = None
    for it in range(1, max_turns + 1):
        probs.append(_turn_probs(x, c, a))
        risks.append(a.risk[0])
        st = _step(x, s, c, a)
        targets.append(st.target[0])
        movers.append(st.chosen[0])
        dist = float(np.sqrt(((st.new[0] - x[0]) ** 2).sum(axis=1)).sum())  # stateDist
        if d01 is None:
            d01 = dist + 1e-4
        x = st.new
        hist.append(x[0])
        a = _assess(x, s, c)
        ratios.append(dist / d01)
        if it >= min_turns and dist / d01 < min_delta_ratio:
            break
    probs.append(_turn_probs(x, c, a))
    risks.append(a.risk[0])
    h = np.stack(hist)
    pos = np.where(h == x0[None] / scale, x0[None], h * scale)  # unmoved: bit-identical
    return KtabResult(
        positions=pos,
        probs=np.stack(probs),
        risk=np.stack(risks),
        target=np.stack(targets),
        mover=np.stack(movers),
        stop_ratio=np.asarray(ratios),
    )


def proposals(
    position: np.ndarray, capability: np.ndarray, salience: np.ndarray, *, scale: float = SCALE
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One state's targeting and proposals (``doBCN(i)`` for every i), before resolution.

    Returns ``target`` ``(n,)`` (-1: no advantageous target) and the positions the
    initiator's bargain proposes for the initiator and for its target, ``(n, d)`` each on
    the input scale (rows of actors without a target are their own position).
    """
    x0 = np.asarray(position, float)
    x0 = x0[:, None] if x0.ndim == 1 else x0
    s = np.asarray(salience, float)
    s = np.array(np.broadcast_to(s[:, None] if s.ndim == 1 else s, x0.shape), float)[None]
    c = np.asarray(capability, float)[None]
    x = x0[None] / scale
    a = _assess(x, s, c)
    p, gain = _challenges(s, c, a)
    n = x0.shape[0]
    ii = np.arange(n)
    gain[:, ii, ii] = -np.inf
    ok = gain[0] > MIN_SIG_EDU
    target = np.where(ok.any(axis=1), np.argmax(np.where(ok, gain[0], -np.inf), axis=1), -1)
    tj = np.where(target >= 0, target, ii)
    bi, bj = _interp_s2p2(x[0], s[0], p[0, ii, tj], x[0, tj], s[0, tj])
    has = (target >= 0)[:, None]
    return target, np.where(has, bi, x[0]) * scale, np.where(has, bj, x[0, tj]) * scale


def run_ktab_batch(
    position: np.ndarray,
    capability: np.ndarray,
    salience: np.ndarray,
    *,
    min_turns: int = 2,
    max_turns: int = 100,
    min_delta_ratio: float = 0.02,
    scale: float = SCALE,
) -> tuple[np.ndarray, np.ndarray]:
    """Many independent KTAB SMP runs at once (the Monte Carlo draws), without probabilities.

    Args:
        position: ``(B, n, d)`` (or ``(B, n)`` for one dimension) on a 0-``scale`` scale.
        capability: ``(B, n)``; salience: ``(B, n, d)`` or ``(B, n)``.

    Returns:
        ``positions`` ``(T + 1, B, n, d)`` on the input scale, each run held at its last state
        after it stopped, and ``turns`` ``(B,)``, the number of steps each run took. Every run
        is the one :func:`run_ktab_smp` gives for its inputs.
    """
    x0 = np.asarray(position, float)
    x0 = x0[..., None] if x0.ndim == 2 else x0
    s = np.asarray(salience, float)
    s = np.array(np.broadcast_to(s[..., None] if s.ndim == 2 else s, x0.shape), float)
    c = np.array(np.broadcast_to(np.asarray(capability, float), x0.shape[:2]), float)
    x = x0 / scale
    nb = x.shape[0]
    hist = [x]
    going = np.ones(nb, bool)
    turns = np.zeros(nb, int)
    d01 = np.zeros(nb)
    for it in range(1, max_turns + 1):
        idx = np.flatnonzero(going)
        if idx.size == 0:
            break
        xs, ss, cs = x[idx], s[idx], c[idx]
        new = _step(xs, ss, cs, _assess(xs, ss, cs)).new
        dist = np.sqrt(((new - xs) ** 2).sum(axis=2)).sum(axis=1)
        if it == 1:
            d01 = dist + 1e-4
        x = x.copy()
        x[idx] = new
        hist.append(x)
        turns[idx] = it
        stop = (it >= min_turns) & (dist / d01[idx] < min_delta_ratio)
        going[idx[stop]] = False
    h = np.stack(hist)
    return np.where(h == x0[None] / scale, x0[None], h * scale), turns
