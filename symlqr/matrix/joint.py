"""The domain conditions jointly, for a box at the finest width.

A nonnegative combination ``sum_k mu_k g_k`` of the signed condition numerators
(``g_k > 0`` on the domain) with every Bernstein coefficient ``<= 0`` proves that
some condition fails at every point of the box: it holds no point of the domain.
``mu`` comes from a linear program (scipy's HiGHS) and is checked with outward
rounding on fresh coefficients; at a vertex of the stabilizing set, where the
conditions vanish to second order, the box is blown up into sectors first
(:meth:`JointTest._outside_jointly`; mixed into
:class:`~symlqr.matrix.subdivision.Decider`).
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np
from flint import fmpq

from ..branch import bernstein as bz
from ..branch.core import Boxes

__all__ = ["JointTest", "at_corner"]


def at_corner(lo, hi, v) -> np.ndarray:
    """Per box (rows of ``lo``, ``hi``): the point ``v`` is one of its corners."""
    return ((lo == v) | (hi == v)).all(axis=1)


def _nonpositive_combination(polys, signs, box) -> bool:
    """Some ``mu >= 0``, ``sum mu = 1``, with every Bernstein coefficient of
    ``sum_k mu_k s_k p_k`` on ``box`` at most 0, found by a linear program on
    float coefficients and checked on exact ones with outward rounding
    (:meth:`Decider._outside_jointly`)."""
    return bool(_nonpositive_parts([bz.Source(p, len(box)).on(box)[:2] for p in polys], signs))


def _nonpositive_parts(coefficients, signs) -> tuple:
    """:func:`_nonpositive_combination` on given coefficient enclosures ``(lo,
    hi)`` (one box each, shape ``(1, ...)``; any positive scale per polynomial):
    the indices of the conditions with ``mu_k > 0`` (empty, false, when no
    combination is found)."""
    parts = [(lo, hi) if sign > 0 else (-hi, -lo) for (lo, hi), sign in zip(coefficients, signs)]
    # a condition with no coefficient below 0 only adds to the sum (its mu is 0)
    index = [k for k, (lo, _) in enumerate(parts) if (lo < 0).any()]
    parts = [parts[k] for k in index]
    if not parts:
        return ()
    n = parts[0][0].ndim - 1
    degs = [max(q[0].shape[1 + v] for q in parts) - 1 for v in range(n)]
    parts = [bz.elevate(lo, hi, degs) for lo, hi in parts]
    G = np.array([(0.5 * (lo + hi)).reshape(-1) for lo, hi in parts])     # (K, coefficients)
    if not np.isfinite(G).all():
        return ()
    alive = _usable(G)
    if not alive.any():
        return ()
    index = [index[k] for k in np.nonzero(alive)[0]]
    parts = [parts[k] for k in np.nonzero(alive)[0]]
    G = G[alive]
    G = G[:, (G > 0).any(axis=0)]       # a coefficient <= 0 in every condition holds for any mu
    if G.shape[1] == 0:
        G = np.zeros((len(parts), 1))
    K = len(parts)
    # the margin is asked relative to each coefficient's size, except where no
    # condition is negative (a corner where those that can be used vanish)
    size = np.where((G < 0).any(axis=0), np.abs(G).max(axis=0), 0.0)
    lp = _margin_lp(G, size)
    if lp is None:
        return ()
    mu = np.maximum(lp[:K], 0.0)
    mu[mu < 1e-12 * mu.max()] = 0.0
    _, hi = bz.combine(parts, mu[None, :])
    if mu.sum() > 0 and (hi <= 0).all():
        return tuple(index[k] for k in np.nonzero(mu)[0])
    return ()


def _margin_lp(G, size, first: int = 8, add: int = 64, rounds: int = 30):
    """``(mu, t)`` maximizing ``t <= 1`` with ``G' mu + size t <= 0``, ``mu >= 0``,
    ``sum mu = 1`` (scipy's HiGHS), or ``None`` when ``t <= 0``. The rows are
    generated: the LP on a few rows (per condition its ``first`` largest), then
    the ``add`` rows its answer violates most are added, until none is (a few
    small LPs instead of one on every coefficient; the relaxation's ``t <= 0``
    already answers ``None``). Floats: the combination is checked afterwards."""
    from scipy.optimize import linprog
    K, m = G.shape
    scaled = G / np.where(size > 0, size, 1.0)
    first = min(first, m)
    rows = np.unique(np.argpartition(-scaled, first - 1, axis=1)[:, :first].reshape(-1))
    A_eq = np.hstack([np.ones((1, K)), np.zeros((1, 1))])
    for _ in range(rounds):
        A_ub = np.hstack([G[:, rows].T, size[rows, None]])
        try:
            lp = linprog(np.r_[np.zeros(K), -1.0], A_ub=A_ub, b_ub=np.zeros(len(rows)),
                         A_eq=A_eq, b_eq=[1.0], bounds=[(0, None)] * K + [(None, 1.0)],
                         method="highs")
        except ValueError:
            return None
        if lp.status != 0 or lp.x[-1] <= 0:
            return None
        slack = G.T @ lp.x[:K] + size * lp.x[-1]
        top = np.argpartition(-slack, min(add, m) - 1)[:add]
        worst = np.setdiff1d(top, rows)
        worst = worst[slack[worst] > 0]
        if len(worst) == 0:
            return lp.x
        rows = np.union1d(rows, worst)
    return None


def _usable(G) -> np.ndarray:
    """Per condition (row of ``G``): it can have ``mu_k > 0``. A coefficient
    where no usable condition is below 0 forces ``mu_k = 0`` on every condition
    above 0 there (``sum_k mu_k G_ki <= 0`` with no negative term); repeated
    until nothing changes. Only shrinks the linear program: the combination is
    checked on the coefficients afterwards."""
    alive = np.ones(len(G), dtype=bool)
    while alive.any():
        rows = G[alive]
        stuck = ~(rows < 0).any(axis=0)                 # coefficients with no negative term
        kill = alive.copy()
        kill[alive] = (rows[:, stuck] > 0).any(axis=1)
        if not kill.any():
            break
        alive &= ~kill
    return alive


class JointTest:
    """Mixed into the decider: the joint test of the domain conditions."""

    def _outside_jointly(self, boxes: Boxes, j: int, anew: bool = True) -> bool:
        """Box ``j`` holds no point of the domain when some ``mu >= 0``, not all
        zero, makes ``sum_k mu_k g_k <= 0`` on it, ``g_k = s_k num_k`` the domain
        conditions with ``s_k`` the sign of their denominator on the domain (all
        ``g_k > 0`` there): at each point some ``g_k <= 0``. This decides boxes
        at a corner of the domain, where every condition and numerator vanishes
        and no single sign is definite. ``mu`` comes from a linear program on the
        coefficients' midpoints (scipy's HiGHS, maximizing the margin relative
        to each coefficient's size) and is then checked on exact coefficients
        (:meth:`symlqr.branch.bernstein.Source.on`), combined with outward
        rounding, zeros staying exact (a corner where all ``g_k = 0``).

        Where the box has a vertex ``v`` of the stabilizing set (one of the
        ``corners``) as a corner of its own, the conditions can vanish there to
        second order with a cross term, whose Bernstein coefficient next to the
        corner keeps its sign however small the box. The box is then blown up at
        ``v``: for each side ``k``, the sector where side ``k`` has the largest
        relative offset from ``v`` is ``w_k = v_k + x``, ``w_j = v_j + x s_j``
        (signs toward the box), ``x`` in ``[0, W_k]``, ``s_j`` in ``[0, W_j / W_k]``
        (rounded up), and each ``g_k(x, s) / x^m`` (``x^m`` its largest power of
        ``x``, positive for ``x > 0``; ``v`` itself is outside the open domain)
        is tested as above. The sectors cover the box. ``anew=False``: only the
        coefficients the box carries (no conversion, no sectors)."""
        signed = self._signed_conditions(boxes, j)
        if len(signed) < 2:
            return False
        nn = self.nn
        stored = [(boxes.data[f"{nn + c}lo"][j:j + 1], boxes.data[f"{nn + c}hi"][j:j + 1])
                  for c, _, _ in signed]
        signs = [sg for _, _, sg in signed]
        if _nonpositive_parts(stored, signs):
            return True
        if not anew:
            return False
        box = [(Fraction(a), Fraction(b)) for a, b in zip(boxes.lo[j], boxes.hi[j])]
        v = self._corner_of(boxes.lo[j], boxes.hi[j])
        if v is None:                 # coefficients anew, in balls (exactly if those are wide)
            fresh = []
            for c, _, _ in signed:
                fresh.append(self.sources[nn + c].on_best(box)[:2])
            return bool(_nonpositive_parts(fresh, signs))
        exact = [self.sources[nn + c].on(box)[:2] for c, _, _ in signed]
        if _nonpositive_parts(exact, signs):           # exact zeros at the vertex
            return True
        signed = [(p, sg) for _, p, sg in signed]
        n = self.n
        gens = self.conds[0].num.context().gens()
        sigma = [1 if Fraction(boxes.lo[j][k]) == v[k] else -1 for k in range(n)]
        widths = [b - a for a, b in box]
        for k in range(n):
            x = gens[k]
            subs = [fmpq(v[i].numerator, v[i].denominator)
                    + (sigma[i] * x if i == k else sigma[i] * x * gens[i]) for i in range(n)]
            sector = []
            for i in range(n):
                if i == k:
                    sector.append((Fraction(0), widths[k]))
                else:
                    up = float(np.nextafter(float(widths[i] / widths[k]), np.inf))
                    sector.append((Fraction(0), max(Fraction(up), widths[i] / widths[k])))
            polys = []
            for p, _ in signed:
                q = p.compose(*subs)
                if q.is_zero():
                    break
                m = min(int(e[k]) for e in q.monoms())
                polys.append(q / x ** m if m else q)
            else:
                if _nonpositive_combination(polys, [sg for _, sg in signed], sector):
                    continue
            return False
        return True

    def _jointly_with_level(self, boxes: Boxes, j: int):
        """The joint test on the coefficients box ``j`` carries, with the level
        conditions (:mod:`~symlqr.matrix.level_sets`, necessary for ``h <= L``
        in the domain) beside the domain's: ``sum_k mu_k g_k <= 0`` on the box
        proves that at each point a domain condition fails or ``h > L``. Along
        the stability boundary of ``W`` the conditions of ``F(W)``'s stability
        vanish with the common denominator, while ``tr(R F Sigma0 F')``'s stays
        negative (``F`` runs off to infinity there): together with those of
        ``W``'s stability they decide boxes across that boundary that neither
        decides alone. The reason (:data:`~symlqr.matrix.reasons.JOINTLY` when
        no level condition is used, else ``JOINTLY_LEVEL``), or ``None``."""
        from .reasons import JOINTLY, JOINTLY_LEVEL
        signed = self._signed_conditions(boxes, j, ("domain", "level"))
        if len(signed) < 2:
            return None
        nn = self.nn
        stored = [(boxes.data[f"{nn + c}lo"][j:j + 1], boxes.data[f"{nn + c}hi"][j:j + 1])
                  for c, _, _ in signed]
        used = _nonpositive_parts(stored, [sg for _, _, sg in signed])
        if not used:
            return None
        level = any(self.conds[signed[k][0]].kind == "level" for k in used)
        return JOINTLY_LEVEL if level else JOINTLY

    def _signed_conditions(self, boxes: Boxes, j: int, kinds=("domain",)) -> list:
        """``(index, num, s)`` per condition of these ``kinds`` whose denominator's
        sign ``s`` on the domain's part of box ``j`` is known (its range, else
        ``den_sign``)."""
        nn = self.nn
        out = []
        for c_i, c in enumerate(self.conds):
            if f"{nn + c_i}lo" not in boxes.data:
                continue        # dropped from the batch: positive there, no help to a combination
            sign = 1
            if c.den is not None:
                k = self.den_key[c_i]
                dlo, dhi = bz.ranges(boxes.data[f"{k}lo"][j:j + 1], boxes.data[f"{k}hi"][j:j + 1])
                sign = 1 if dlo[0] > 0 else -1 if dhi[0] < 0 else (c.den_sign or 0)
            if sign and c.kind in kinds:     # (the joint test says "outside the domain")
                out.append((c_i, c.num, sign))
        return out

    def _corner_of(self, lo, hi):
        for w, v in zip(self.corners, self.corner_floats):
            if at_corner(lo[None, :], hi[None, :], v)[0]:
                return w
        return None
