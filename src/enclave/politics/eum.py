"""Bueno de Mesquita's expected-utility model (EUM), as replicated by Scholz et al. (2011).

Source: Scholz, Calbert & Smith, "Unravelling Bueno de Mesquita's group decision model",
ICAART 2011, pp. 18-30 ([S-IC]); the replication's code as described by
github.com/jmckib/bdm-scholz-expected-utility-model. The equations below follow
``shared/data/bargaining/expected_results.md`` §1.5; (D1)-(D3) are the three places where
implementations differ, each an option of :class:`EUMOptions`. The preset
``EUMOptions.scholz2011()`` ("S-variant") reproduces the published figures; the defaults
are the forecast defaults (scale-direction invariant, see :class:`EUMOptions`).

Inputs: capability ``c_i``, position ``x_i`` (one dimension), salience ``s_i`` in [0, 1],
status-quo probability ``Q`` (1.0), range ``R = max x(0) - min x(0)`` fixed from the initial
positions. Weights ``w_k = c_k s_k``.

Probability that i prevails against j (eqs 30-31), voter exponent ``r_k``::

    v_k(i, j) = w_k [ (|x_k - x_j| / R)^{r_k} - (|x_k - x_i| / R)^{r_k} ]
    P(i, j)   = Σ_k max(0, v_k(i, j)) / D          (P = 0 when x_i = x_j)

(D1) ``denominator="global"``: ``D = Σ_k Σ_p Σ_q |v_k(p, q)|`` over every voter and every
ordered pair of actor positions (the replication's code); ``"dyad"``: ``D = Σ_k |v_k(i, j)|``
(eq. 31 as printed, so that P(i, j) + P(j, i) = 1).

Utilities of "a acts towards b" for an observer with exponent ρ (eqs 15, 16, 22-24), with
``d = |x_a - x_b| / R`` and ``e = (|x_a - μ| + |x_a - x_b|) / R``::

    U_s = 2 - 4 (0.5 - 0.5 d)^ρ      U_f = 2 - 4 (0.5 + 0.5 d)^ρ     U_sq = 2 - 4 (0.5)^ρ
    U_b = 2 - 4 (0.5 - 0.25 e)^ρ     U_w = 2 - 4 (0.5 + 0.25 e)^ρ

Expected utility of a challenging b, net of not challenging (eqs 5-7, 25a, 25b)::

    EU(a→b) = s_b [P(a,b) U_s + (1 - P(a,b)) U_f] + (1 - s_b) U_s
              - Q U_sq - (1 - Q) [T U_b + (1 - T) U_w]          (T = 1, as Fig. 11 needs)

Risk exponents (§5, eqs 32-34), recomputed from r = 1 at the start of every round::

    S_i = Σ_{j≠i} EU(j→i)|_{r=1};   R_i = (2 S_i - max S - min S) / (max S - min S)
    r_i = (1 - R_i / 3) / (1 + R_i / 3)          (in [0.5, 2])

(D2) ``risk_exponent="evaluator"``: when i evaluates the dyad (i, j) both ``a = EU(i→j)`` and
``b = EU(j→i)`` use r_i (the code; Figs 7-9); ``"own"``: b uses r_j (BDM 1985's wording).

Offers in which i moves (§6.1, Fig. 6), over j with x_j ≠ x_i::

    confrontation  b > a > 0                 -> x_j
    compromise     a < 0 < b,  b > |a|       -> x_i + (x_j - x_i) |a / b|      (eq. 36)
    capitulation   a < 0 < b,  |a| > b       -> x_j    (only with capitulation=True)

(D3) classes are taken in the order confrontation > compromise > capitulation; within
confrontation and capitulation i takes the smallest move; within compromise
``compromise="min_position"`` takes the offer minimising ``(|a| x_i + |b| x_j)/(|a| + |b|)``
(the code; needed for Table 2 rounds 6-8), ``"least_move"`` the smallest move (the paper's
text). Ties go to the first actor in input order. All actors choose against the state at the
start of the round; moves are applied together; then the median and mean are recomputed.

Median: the c·s-weighted median (Condorcet winner under linear votes); mean: c·s-weighted.
Forecast: the median after the last round and the mean of the medians of rounds 1..N (the
EC example oscillates, so both are reported).

Every function takes arrays with a leading batch axis ``(B, n)`` so a Monte Carlo ensemble
runs as one call.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from enclave.politics.baselines import weighted_mean, weighted_median

__all__ = [
    "EUMOptions",
    "EUMResult",
    "dyad_eus",
    "probability_matrix",
    "risk_exponents",
    "run_eum",
]


@dataclass(frozen=True)
class EUMOptions:
    """Variant settings. The defaults are the forecast defaults; :meth:`scholz2011` is the
    replication preset ("S-variant") that reproduces Scholz et al. (2011).

    Why two sets: the replication's compromise rule (``min_position``: the offer with the
    lowest EU-weighted *position*) and its capitulation switch (off, through a typo in its
    code) reproduce its Table 2, but the first depends on the direction of the issue scale
    (flipping the Idlib scale moved the deal odds from 0.217 to 0.252) and the second is not
    the paper's rule. A forecast must not depend on which end of the scale is called 0, so
    the defaults are ``least_move`` (the text's rule: the compromise that moves the actor
    least) with capitulation on; both are symmetric under x -> lo + hi - x
    (``tests/politics/test_mirror.py``).

    Attributes:
        q: status-quo probability Q (Scholz: 1.0).
        denominator: (D1) ``"global"`` triple-sum or ``"dyad"``-specific denominator of P.
        risk_exponent: (D2) ``"evaluator"`` (r_i for both EUs of the dyad) or ``"own"``.
        compromise: (D3) ``"least_move"`` (the text; default) or ``"min_position"`` (the
            replication's code, scale-direction dependent).
        capitulation: allow capitulation offers (the paper's rule; default True). The
            replication's code behaves as False (a typo makes its capitulation test always
            false): on the EC data this changes nothing, and on the Sultan data it is what
            keeps every actor still, as expected_results.md §2 states.
    """

    q: float = 1.0
    denominator: Literal["global", "dyad"] = "global"
    risk_exponent: Literal["evaluator", "own"] = "evaluator"
    compromise: Literal["min_position", "least_move"] = "least_move"
    capitulation: bool = True

    @classmethod
    def scholz2011(cls, **changes: object) -> EUMOptions:
        """The replication preset (``--preset scholz2011``): Scholz et al. (2011)'s code."""
        fields: dict[str, object] = {"compromise": "min_position", "capitulation": False}
        fields.update(changes)
        return cls(**fields)  # type: ignore[arg-type]

    @classmethod
    def preset(cls, name: str, **changes: object) -> EUMOptions:
        """``"forecast"`` (the defaults) or ``"scholz2011"``; ``changes`` override fields."""
        if name == "scholz2011":
            return cls.scholz2011(**changes)
        if name == "forecast":
            return cls(**changes)  # type: ignore[arg-type]
        raise ValueError(f"unknown preset {name!r} (one of forecast, scholz2011)")

    def __post_init__(self) -> None:
        if not 0.0 <= self.q <= 1.0:
            raise ValueError(f"q must lie in [0, 1], got {self.q}")
        for name, allowed in (
            ("denominator", ("global", "dyad")),
            ("risk_exponent", ("evaluator", "own")),
            ("compromise", ("min_position", "least_move")),
        ):
            if getattr(self, name) not in allowed:
                raise ValueError(f"{name} must be one of {allowed}, got {getattr(self, name)!r}")


@dataclass(frozen=True)
class EUMResult:
    """Trajectory of an EUM run (leading batch axis B).

    Attributes:
        positions: ``(B, N + 1, n)`` positions for rounds 0..N.
        median: ``(B, N + 1)`` c·s-weighted median per round.
        mean: ``(B, N + 1)`` c·s-weighted mean per round.
        risk: ``(B, N, n)`` risk exponents r_i used in rounds 1..N.
        mover_of: ``(B, N, n)`` in round t, the index j of the actor whose offer actor i
            accepted (-1: none; i kept its position).
        offer: ``(B, N, n)`` kind of that offer: 0 none, 1 conflict (i gives in to j),
            2 compromise, 3 capitulation (see :data:`OFFER_KINDS`).
    """

    positions: np.ndarray
    median: np.ndarray
    mean: np.ndarray
    risk: np.ndarray
    mover_of: np.ndarray | None = None
    offer: np.ndarray | None = None

    @property
    def final_median(self) -> np.ndarray:
        """Median after the last round, ``(B,)``."""
        return self.median[:, -1]

    @property
    def mean_of_medians(self) -> np.ndarray:
        """Mean of the round medians of rounds 1..N (round 0 when N = 0), ``(B,)``."""
        rounds = self.median[:, 1:] if self.median.shape[1] > 1 else self.median
        return rounds.mean(axis=1)


def probability_matrix(
    x: np.ndarray,
    w: np.ndarray,
    r: np.ndarray,
    span: np.ndarray,
    denominator: str = "global",
) -> np.ndarray:
    """P(i, j) that i prevails against j, ``(B, n, n)`` (eqs 30-31 with option D1)."""
    # a[b, k, i] = (|x_k - x_i| / R)^{r_k}
    a = (np.abs(x[:, :, None] - x[:, None, :]) / span[:, None, None]) ** r[:, :, None]
    # max(0, v_k(i, j)) / w_k = max(0, a[k, j] - a[k, i])
    pos = a[:, :, None, :] - a[:, :, :, None]
    np.maximum(pos, 0.0, out=pos)
    num = np.einsum("bk,bkij->bij", w, pos)
    if denominator == "global":  # Σ_k Σ_p Σ_q |v_k(p, q)| = 2 Σ_k Σ_p Σ_q max(0, v_k(p, q))
        den = 2.0 * np.einsum("bk,bk->b", w, pos.sum(axis=(2, 3)))[:, None, None]
    else:  # Σ_k |v_k(i, j)| = Σ_k max(0, v_k(i, j)) + Σ_k max(0, v_k(j, i))
        den = num + np.swapaxes(num, 1, 2)
    same = x[:, :, None] == x[:, None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(same | (den == 0), 0.0, num / np.where(den == 0, 1.0, den))


def _basic_utilities(dist: np.ndarray, rho: np.ndarray | float) -> tuple[np.ndarray, ...]:
    """U_s, U_f and U_sq for distance ``d`` and exponent ρ (eqs 15, 16, 22)."""
    if np.isscalar(rho) and rho == 1.0:
        return 2.0 * dist, -2.0 * dist, np.zeros(())  # 2 - 4(0.5 ∓ 0.5 d)
    u_s = 2.0 - 4.0 * (0.5 - 0.5 * dist) ** rho
    u_f = 2.0 - 4.0 * (0.5 + 0.5 * dist) ** rho
    u_sq = 2.0 - 4.0 * 0.5**rho
    return u_s, u_f, u_sq


def _eu(
    p_ab: np.ndarray,
    utils: tuple[np.ndarray, ...],
    e: np.ndarray,
    s_b: np.ndarray,
    rho: np.ndarray | float,
    q: float,
) -> np.ndarray:
    """EU(a→b) from the observer's utilities (eqs 5-7, 25); all arrays broadcast."""
    u_s, u_f, u_sq = utils
    eu = s_b * (p_ab * u_s + (1.0 - p_ab) * u_f) + (1.0 - s_b) * u_s - q * u_sq
    if q < 1.0:  # T = 1: the no-challenge branch moves b to μ, better for a
        eu = eu - (1.0 - q) * (2.0 - 4.0 * np.clip(0.5 - 0.25 * e, 0.0, None) ** rho)
    return eu


def dyad_eus(
    x: np.ndarray,
    s: np.ndarray,
    p: np.ndarray,
    r_eval: np.ndarray | float,
    r_other: np.ndarray | float,
    span: np.ndarray,
    mu: np.ndarray,
    q: float,
) -> tuple[np.ndarray, np.ndarray]:
    """``a[i, j] = EU(i→j)`` with ``r_eval[i]`` and ``b[i, j] = EU(j→i)`` with ``r_other``.

    ``r_eval`` is ``(B, n, 1)``; ``r_other`` is the same array (the evaluator's r_i, variant
    D2 "evaluator") or ``(B, 1, n)`` (j's own r_j); the scalar 1.0 stands for r = 1.
    Shapes: x, s ``(B, n)``; p ``(B, n, n)``; span, mu ``(B,)``.
    """
    dist = np.abs(x[:, :, None] - x[:, None, :]) / span[:, None, None]  # symmetric
    to_mu = np.abs(x - mu[:, None]) / span[:, None]
    e_ij = to_mu[:, :, None] + dist  # a = i acting towards j
    e_ji = to_mu[:, None, :] + dist  # a = j acting towards i
    u_eval = _basic_utilities(dist, r_eval)
    u_other = u_eval if r_other is r_eval else _basic_utilities(dist, r_other)
    a = _eu(p, u_eval, e_ij, s[:, None, :], r_eval, q)
    b = _eu(np.swapaxes(p, 1, 2), u_other, e_ji, s[:, :, None], r_other, q)
    return a, b


def risk_exponents(
    x: np.ndarray, c: np.ndarray, s: np.ndarray, span: np.ndarray, q: float = 1.0, **kw: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Security sums S_i, rescaled R_i and exponents r_i (eqs 32-34), each ``(B, n)``."""
    w = c * s
    mu = weighted_median(x, w)
    p = probability_matrix(x, w, np.ones_like(x), span, kw.get("denominator", "global"))
    _, b = dyad_eus(x, s, p, 1.0, 1.0, span, mu, q)
    n = x.shape[1]
    b = np.where(np.eye(n, dtype=bool)[None], 0.0, b)
    sec = b.sum(axis=2)  # S_i = Σ_{j≠i} EU(j→i)
    hi, lo = sec.max(axis=1, keepdims=True), sec.min(axis=1, keepdims=True)
    width = hi - lo
    big_r = np.where(width > 0, (2.0 * sec - hi - lo) / np.where(width > 0, width, 1.0), 0.0)
    r = (1.0 - big_r / 3.0) / (1.0 + big_r / 3.0)
    return sec, big_r, r


def _first_min(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of the smallest finite key per row (first on ties) and whether any exists."""
    return np.argmin(key, axis=-1), np.isfinite(key).any(axis=-1)


OFFER_KINDS = ("none", "conflict", "compromise", "capitulation")


def _round(
    x: np.ndarray, c: np.ndarray, s: np.ndarray, span: np.ndarray, opt: EUMOptions
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """One round: new positions, exponents used, whose offer each accepted and its kind."""
    _, _, r = risk_exponents(x, c, s, span, opt.q, denominator=opt.denominator)
    w = c * s
    mu = weighted_median(x, w)
    p = probability_matrix(x, w, r, span, opt.denominator)
    r_eval = r[:, :, None]
    r_other = r_eval if opt.risk_exponent == "evaluator" else r[:, None, :]
    a, b = dyad_eus(x, s, p, r_eval, r_other, span, mu, opt.q)

    xi, xj = x[:, :, None], x[:, None, :]
    valid = xi != xj
    move = np.abs(xj - xi)
    inf = np.inf
    conf = valid & (b > a) & (a > 0)
    neg_pos = valid & (a < 0) & (b > 0)
    comp = neg_pos & (b > np.abs(a))
    capit = neg_pos & (np.abs(a) > b) & opt.capitulation
    with np.errstate(divide="ignore", invalid="ignore"):
        comp_pos = xi + (xj - xi) * np.abs(a / b)
        if opt.compromise == "min_position":
            comp_key = (np.abs(a) * xi + np.abs(b) * xj) / (np.abs(a) + np.abs(b))
        else:
            comp_key = np.abs(comp_pos - xi)

    new = x.copy()
    decided = np.zeros(x.shape, dtype=bool)
    who = np.full(x.shape, -1)
    kind = np.zeros(x.shape, dtype=np.int8)
    for code, (mask, key, target) in enumerate(
        (
            (conf, move, np.broadcast_to(xj, move.shape)),
            (comp, comp_key, comp_pos),
            (capit, move, np.broadcast_to(xj, move.shape)),
        ),
        start=1,
    ):
        j, has = _first_min(np.where(mask, key, inf))
        pick = has & ~decided
        chosen = np.take_along_axis(target, j[:, :, None], axis=2)[:, :, 0]
        new = np.where(pick, chosen, new)
        who = np.where(pick, j, who)
        kind = np.where(pick, code, kind)
        decided |= has
    return new, r, who, kind


def run_eum(
    position: np.ndarray,
    capability: np.ndarray,
    salience: np.ndarray,
    rounds: int = 10,
    options: EUMOptions | None = None,
) -> EUMResult:
    """Run the EUM for ``rounds`` rounds.

    Args:
        position: ``(n,)`` or ``(B, n)`` positions (one dimension).
        capability: same shape, > 0 (any scale: P is invariant to scaling c).
        salience: same shape, fractions in [0, 1].
        rounds: number of bargaining rounds N (no stopping rule, as in Scholz et al.).
        options: variant settings (:class:`EUMOptions`); default = the forecast defaults
            (use ``EUMOptions.scholz2011()`` to reproduce the replication).

    Returns:
        :class:`EUMResult` with a leading batch axis (B = 1 for 1-D input).
    """
    opt = options or EUMOptions()
    x = np.atleast_2d(np.asarray(position, float)).copy()
    c = np.broadcast_to(np.atleast_2d(np.asarray(capability, float)), x.shape)
    s = np.broadcast_to(np.atleast_2d(np.asarray(salience, float)), x.shape)
    span = x.max(axis=1) - x.min(axis=1)
    span = np.where(span > 0, span, 1.0)  # identical positions: nothing can move
    w = c * s
    traj = [x]
    risks, whos, kinds = [], [], []
    for _ in range(rounds):
        x, r, who, kind = _round(x, c, s, span, opt)
        traj.append(x)
        risks.append(r)
        whos.append(who)
        kinds.append(kind)
    pos = np.stack(traj, axis=1)
    risk = np.stack(risks, axis=1) if risks else np.empty((x.shape[0], 0, x.shape[1]))
    return EUMResult(
        positions=pos,
        median=weighted_median(pos, w[:, None, :]),
        mean=weighted_mean(pos, w[:, None, :]),
        risk=risk,
        mover_of=np.stack(whos, axis=1) if whos else np.empty((x.shape[0], 0, x.shape[1]), int),
        offer=np.stack(kinds, axis=1) if kinds else np.empty((x.shape[0], 0, x.shape[1]), int),
    )
