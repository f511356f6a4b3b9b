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
    return np.where(sd <= 1.0, (1.0 - sd) * (1.0 + sd * r), (1.0 - sd) * (1.0 + r))


def _bv_diff(ideal: np.ndarray, s: np.ndarray, pts: np.ndarray) -> np.ndarray:
    """``SMPModel::bvDiff``: ``sd[i, m]`` from actor i's ideal to point ``pts[..., m, :]``.

    ``ideal`` and ``s`` are ``(n, d)``; ``pts`` is ``(m, d)`` (same points for every actor)
    or ``(n, m, d)``.
    """
    p = pts if pts.ndim == 3 else pts[None, :, :]
    ds = (ideal[:, None, :] - p) * s[:, None, :]
    return np.sqrt((ds * ds).sum(axis=2) / (s * s).sum(axis=1)[:, None])


def _cond_pce_weights(u: np.ndarray, w: np.ndarray) -> np.ndarray:
    """``Model::scalarPCE`` (Prop, Linear, Conditional) over the columns of ``u[actor, opt]``."""
    du = u[:, :, None] - u[:, None, :]
    v = w[:, None, None] * du
    cij = MIN_C + np.where(v > 0, v, 0.0).sum(axis=0)
    cji = MIN_C + np.where(v < 0, -v, 0.0).sum(axis=0)
    p = cij / (cij + cji)
    np.fill_diagonal(p, 0.5)
    pi = p.prod(axis=1)
    return pi / pi.sum()


def _big_r(prob: np.ndarray) -> np.ndarray:
    """``Model::bigRfromProb`` (Mid); risk neutral where every probability is equal."""
    hi, lo = prob.max(), prob.min()
    if not hi > lo:
        return np.zeros_like(prob)
    return (3.0 * prob - (hi + 2.0 * lo)) / (2.0 * (hi - lo))


def _unique_indices(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``KBase::ueIndices`` with ``SMPState::equivNdx`` (norm < posTol), and ``posProb``'s map.

    Returns the indices of the unique positions (first appearance) and, for every actor,
    the index into them that ``State::posProb`` reads (the last equivalent one).
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
    vdiff: np.ndarray  # (n, n)
    risk: np.ndarray  # (n,)
    a_util: np.ndarray  # (h, i, j): h's estimate of i's utility of j's position


def _assess(x: np.ndarray, s: np.ndarray, c: np.ndarray) -> _Assessment:
    """``SMPState::setAllAUtil`` with ideals = positions."""
    vdiff = _bv_diff(x, s, x)
    zero = np.zeros(x.shape[0])
    rn = _bs_util(vdiff, zero[:, None])
    risk = _big_r(_cond_pce_weights(rn, c))
    est = ((2.0 * risk)[:, None] + risk[None, :]) / 3.0  # est[h, i] (Model::estNRA OneThird)
    a_util = _bs_util(vdiff[None, :, :], est[:, :, None])
    return _Assessment(vdiff, risk, a_util)


def _turn_probs(x: np.ndarray, c: np.ndarray, a: _Assessment) -> np.ndarray:
    """``SMPState::pDist(-1)`` mapped to actors by ``State::posProb``."""
    uniq, last = _unique_indices(x)
    n = x.shape[0]
    own = a.a_util[np.arange(n), np.arange(n), :]  # aUtil[i](i, j)
    return _cond_pce_weights(own[:, uniq], c)[last]


def _challenges(s: np.ndarray, c: np.ndarray, a: _Assessment) -> tuple[np.ndarray, np.ndarray]:
    """``probEduChlg(i, i, i, j)`` for every ordered pair: (P[i, j], gain[i, j])."""
    n = c.shape[0]
    ii = np.arange(n)
    au = a.a_util  # au[h, a, b]
    # i's own estimates, indexed [i, j]
    u_ii = au[ii, ii, ii][:, None] * np.ones((1, n))
    u_ij = au[ii, ii, :]
    u_ji = au[ii, :, ii]  # au[i, j, i] as [i, j]
    u_jj = au[:, ii, ii]  # au[i, j, j] as [i, j]
    ssum = s.sum(axis=1)
    wsc = ssum * c
    con_i = wsc[:, None] * (u_ii - u_ij)
    con_j = wsc[None, :] * (u_ji - u_jj)
    chij = MIN_CLTN + np.where(con_i > 0, con_i, 0.0) + np.where(con_j > 0, con_j, 0.0)
    chji = MIN_CLTN + np.where(con_i < 0, -con_i, 0.0) + np.where(con_j < 0, -con_j, 0.0)
    # third parties n: uni = au[i, n, i], unj = au[i, n, j], unn = au[i, n, n]  -> [i, j, n]
    u_ni = np.broadcast_to(au[ii, :, ii][:, None, :], (n, n, n))
    u_nj = np.transpose(au, (0, 2, 1))  # [i, j, n] = au[i, n, j]
    u_nn = np.broadcast_to(au[:, ii, ii][:, None, :], (n, n, n))
    wn = wsc[None, None, :]
    con_n = wn * (u_ni - u_nj)
    cni = chij[:, :, None] + np.where(con_n > 0, con_n, 0.0)
    cnj = chji[:, :, None] + np.where(con_n < 0, -con_n, 0.0)
    pin = cni / (cni + cnj)
    pjn = 1.0 - pin
    u_ik_j = pin * (u_ni + u_ni + u_nn) + pjn * (u_nj + u_nj + u_nj)
    u_i_jk = pin * (u_ni + u_ni + u_ni) + pjn * (u_nj + u_nj + u_nn)
    vk = wn * (u_ik_j - u_i_jk)
    third = (ii[None, None, :] != ii[:, None, None]) & (ii[None, None, :] != ii[None, :, None])
    vk = np.where(third, vk, 0.0)
    chij = chij + np.where(vk > 0, vk, 0.0).sum(axis=2)
    chji = chji + np.where(vk < 0, -vk, 0.0).sum(axis=2)
    phij = chij / (chij + chji)
    phji = chji / (chij + chji)
    uhkij = u_ii + u_ii
    uhkji = u_ij + u_ij
    eu_sq = u_ii + u_ij
    sj = ssum[None, :]
    eu_chlg = (1.0 - sj) * uhkij + sj * (phij * uhkij + phji * uhkji)
    return phij, eu_chlg - eu_sq


def _round4(v: np.ndarray) -> np.ndarray:
    """``interpBrgnSnPm``'s round4: ``(int)(0.5 + 1e4 x) / 1e4`` (x >= 0 here)."""
    return np.trunc(0.5 + v * 10000.0) / 10000.0


def _interp_s2p2(
    ti: np.ndarray, si: np.ndarray, pi: np.ndarray, tj: np.ndarray, sj: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``SMPActor::interpBrgnSnPm(2, 2, ...)`` per bargain row and dimension."""
    pj = 1.0 - pi
    wi = (si * si) * (pi * pi)[:, None]
    wj = (sj * sj) * (pj * pj)[:, None]
    den = wi + MIN_W + wj
    bi = _round4(((wi + MIN_W) * ti + wj * tj) / den)
    bj = _round4((wi * ti + (MIN_W + wj) * tj) / den)
    return bi, bj


@dataclass(frozen=True)
class _Step:
    new: np.ndarray
    target: np.ndarray  # (n,) j targeted by i, -1 if none
    chosen: np.ndarray  # (n,) initiator of the chosen bargain, -1 for the status quo


def _step(x: np.ndarray, s: np.ndarray, c: np.ndarray, a: _Assessment) -> _Step:
    """``SMPState::doBCN``: targeting, proposals and resolution for one turn."""
    n = x.shape[0]
    ii = np.arange(n)
    p, gain = _challenges(s, c, a)
    gain = np.where(ii[:, None] == ii[None, :], -np.inf, gain)
    ok = gain > MIN_SIG_EDU
    g = np.where(ok, gain, -np.inf)
    target = np.argmax(g, axis=1)  # first maximum in j order, as bestChallenge's strict >
    has = ok.any(axis=1)
    target = np.where(has, target, -1)
    init = ii[has]
    if init.size == 0:
        return _Step(x.copy(), target, np.full(n, -1))
    rcvr = target[has]
    piij = p[init, rcvr]
    bi, bj = _interp_s2p2(x[init], s[init], piij, x[rcvr], s[rcvr])
    nb = init.size
    # utility to each actor a of the state after bargain m (mean over positions)
    own_r = a.risk
    own = a.a_util[ii, ii, :]  # aUtil[a](a, n)
    u_init = _bs_util(_bv_diff(x, s, bi), own_r[:, None])  # (a, m)
    u_rcvr = _bs_util(_bv_diff(x, s, bj), own_r[:, None])
    rest = own.sum(axis=1)[:, None] - own[:, init] - own[:, rcvr]
    u_brg = (u_init + u_rcvr + rest) / n
    u_sq = own.sum(axis=1)[:, None] / n
    u_opt = np.concatenate([u_sq, u_brg], axis=1)  # option 0 = status quo, 1.. = bargains
    # pairwise victory probabilities of all options; each actor's election is a sub-matrix
    du = u_opt[:, :, None] - u_opt[:, None, :]
    v = c[:, None, None] * du
    cij = MIN_C + np.where(v > 0, v, 0.0).sum(axis=0)
    cji = MIN_C + np.where(v < 0, -v, 0.0).sum(axis=0)
    pv = cij / (cij + cji)
    np.fill_diagonal(pv, 0.5)
    member = np.zeros((n, nb + 1), bool)
    member[:, 0] = True
    member[init, 1 + np.arange(nb)] = True
    member[rcvr, 1 + np.arange(nb)] = True
    new = x.copy()
    chosen = np.full(n, -1)
    for k in ii:
        opts = np.flatnonzero(member[k])
        if opts.size == 1:
            continue
        sub = pv[np.ix_(opts, opts)].prod(axis=1)
        m = int(opts[int(np.argmax(sub / sub.sum()))]) - 1
        if m < 0:
            continue
        chosen[k] = init[m]
        new[k] = bi[m] if init[m] == k else bj[m]
    return _Step(new, target, chosen)


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
    s = np.array(np.broadcast_to(s[:, None] if s.ndim == 1 else s, x0.shape), float)
    c = np.asarray(capability, float)
    x = x0 / scale
    hist, probs, risks, targets, movers, ratios = [x], [], [], [], [], []
    a = _assess(x, s, c)
    d01 = None
    for it in range(1, max_turns + 1):
        probs.append(_turn_probs(x, c, a))
        risks.append(a.risk)
        st = _step(x, s, c, a)
        targets.append(st.target)
        movers.append(st.chosen)
        dist = float(np.sqrt(((st.new - x) ** 2).sum(axis=1)).sum())
        if d01 is None:
            d01 = dist + 1e-4
        x = st.new
        hist.append(x)
        a = _assess(x, s, c)
        ratios.append(dist / d01)
        if it >= min_turns and dist / d01 < min_delta_ratio:
            break
    probs.append(_turn_probs(x, c, a))
    risks.append(a.risk)
    pos = np.stack(hist) * scale
    pos[:, :, :] = np.where(np.stack(hist) == x0[None] / scale, x0[None], pos)
    return KtabResult(
        positions=pos,
        probs=np.stack(probs),
        risk=np.stack(risks),
        target=np.stack(targets),
        mover=np.stack(movers),
        stop_ratio=np.asarray(ratios),
    )
