"""Krawczyk's operator on the (preconditioned) numerators of a box.

``K = c - Y P(c) + (I - Y J(X)) (X - c)`` for ``P = pre N``: first for a batch in
float intervals rounded outward (:meth:`KrawczykTest._krawczyk_batch`), then,
for the boxes it may decide, in Arb balls with the exact ``N(c)``
(:meth:`KrawczykTest._krawczyk`): ``K`` misses ``X`` (no zero), or lies in
its interior (exactly one zero, then enclosed tighter by ``X <- K(X) ∩ X``;
Krawczyk 1969, Moore 1977). Mixed into
:class:`~symlqr.matrix.subdivision.Decider`.
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np
from flint import arb, arb_mat, fmpq

from ..branch import bernstein as bz
from ..branch.core import Boxes
from ..branch.iv import IV

__all__ = ["KrawczykTest", "contracting"]


def _frac(x: float) -> Fraction:
    return Fraction(x)


def _interval_arb(lo: float, hi: float) -> arb:
    return arb(lo).union(arb(hi))


def contracting(jac) -> np.ndarray:
    """Boxes whose Jacobian enclosure, preconditioned by the inverse of its
    midpoint, is within ``0.9`` of the identity in the max-row-sum norm (floats:
    only a filter; Krawczyk itself is then run in balls)."""
    m = len(jac)
    ok = np.isfinite(jac).all(axis=(1, 2, 3))
    mid = 0.5 * (jac[..., 0] + jac[..., 1])
    rad = 0.5 * (jac[..., 1] - jac[..., 0])
    good = np.zeros(m, dtype=bool)
    if not ok.any():
        return good
    idx = np.nonzero(ok)[0]
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        det = np.linalg.det(mid[idx])
    fine = np.isfinite(det) & (det != 0)
    idx = idx[fine]
    if len(idx) == 0:
        return good
    with np.errstate(over="ignore", invalid="ignore", under="ignore"):
        Y = np.linalg.inv(mid[idx])
        spread = np.abs(Y) @ rad[idx]
    good[idx] = spread.sum(axis=2).max(axis=1) < 0.9
    return good


def _ball(lo: Fraction, hi: Fraction) -> arb:
    a = arb(fmpq(lo.numerator, lo.denominator))
    b = arb(fmpq(hi.numerator, hi.denominator))
    return a.union(b)


class KrawczykTest:
    """Mixed into the decider: Krawczyk on its numerators."""

    def _jacobians(self, parts, widths) -> np.ndarray:
        """``(m, n, n, 2)``: enclosures of ``dP_j/dw_k`` over each box, ``parts``
        the ``(lo, hi)`` coefficients of the ``P_j``."""
        m = len(widths)
        out = np.empty((m, len(parts), self.n, 2))
        for j, (lo, hi) in enumerate(parts):
            for k in range(self.n):
                dlo, dhi = bz.derivative_ranges(lo, hi, k, widths[:, k])
                out[:, j, k, 0], out[:, j, k, 1] = dlo, dhi
        return out

    def _krawczyk_batch(self, boxes: Boxes, rows, jac, parts):
        """The Krawczyk operator of every box in ``rows`` at once, in float
        intervals rounded outward (:class:`symlqr.branch.iv.IV`): ``c`` the exact
        centre, ``N(c)`` enclosed from the box's Bernstein coefficients, ``Y`` the float inverse of
        the midpoint Jacobian (any matrix will do), ``K = c - Y N(c) + (I - Y J(X))
        (X - c)``. Returns ``(missed, inside)``: ``K`` misses the box in some
        coordinate (no zero: excluded), or lies inside its interior (then the
        exact Arb path proves and refines it). Boxes whose Jacobian enclosure is
        far from invertible are simply not decided here."""
        m, n = len(rows), self.n
        missed = np.zeros(m, dtype=bool)
        inside = np.zeros(m, dtype=bool)
        if m == 0 or not np.isfinite(jac).all():
            return missed, inside
        lo, hi = boxes.lo[rows], boxes.hi[rows]
        mid = 0.5 * (jac[..., 0] + jac[..., 1])
        with np.errstate(all="ignore"):
            ok = np.isfinite(np.linalg.det(mid)) & (np.abs(np.linalg.det(mid)) > 0)
        if not ok.any():
            return missed, inside
        Y = np.zeros_like(mid)
        with np.errstate(all="ignore"):
            Y[ok] = np.linalg.inv(mid[ok])
        ok &= np.isfinite(Y).all(axis=(1, 2))
        nc_lo = np.zeros((m, n))
        nc_hi = np.zeros((m, n))
        for q, (plo, phi) in enumerate(parts):   # P_j at the exact centre, from the coefficients
            nc_lo[:, q], nc_hi[:, q] = bz.centre_values(plo, phi)
        ok &= np.isfinite(nc_lo).all(axis=1) & np.isfinite(nc_hi).all(axis=1)
        NC = IV(nc_lo, nc_hi)
        Yi = IV(Y)
        J = IV(jac[..., 0], jac[..., 1])
        YN = (Yi * NC[:, None, :]).sum(axis=2)                       # (m, n)
        YJ = (Yi[:, :, :, None] * J[:, None, :, :]).sum(axis=2)      # (m, n, n)
        E = IV(np.eye(n)[None]) - YJ
        C = IV(lo) * 0.5 + IV(hi) * 0.5                             # holds the exact centre
        half = (IV(hi) - IV(lo)) * 0.5
        D = IV(-half.hi, half.hi)                                    # X - centre
        K = C - YN + (E * D[:, None, :]).sum(axis=2)
        klo, khi = K.entire_if_nan()
        with np.errstate(invalid="ignore"):
            missed = ok & ((khi < lo) | (klo > hi)).any(axis=1)
            inside = ok & ((klo > lo) & (khi < hi)).all(axis=1)
        return missed, inside

    def _values(self, c, factors) -> list:
        return [self._source(j).value(c) * f for j, f in enumerate(factors)]

    def _krawczyk(self, lo, hi, jac, factors, pre):
        """``"none"``, a refined box (list of Fraction pairs) holding exactly one zero
        of the numerators, or ``None`` (nothing proven). ``jac`` encloses the
        Jacobian of ``P = pre N`` over the box (``pre`` a float matrix, exact in
        Arb); ``P(c) = pre N(c)`` is computed in balls from the exact ``N(c)``."""
        n = self.n
        if not np.isfinite(jac).all():
            return None
        mid = 0.5 * (jac[:, :, 0] + jac[:, :, 1])
        try:
            Y = np.linalg.inv(mid)
        except np.linalg.LinAlgError:
            return None
        if not np.isfinite(Y).all():
            return None
        Ya = arb_mat(Y.tolist())
        Pre = arb_mat(np.asarray(pre, dtype=float).tolist())
        J = arb_mat([[_interval_arb(jac[j, k, 0], jac[j, k, 1]) for k in range(n)] for j in range(n)])
        E = arb_mat([[int(i == j) for j in range(n)] for i in range(n)]) - Ya * J
        X = [(_frac(a), _frac(b)) for a, b in zip(lo, hi)]
        first = True
        for _ in range(40):
            c = [float((a + b) / 2) for a, b in X]
            if not all(a <= Fraction(x) <= b for x, (a, b) in zip(c, X)):
                break
            Nc = arb_mat([[arb(fmpq(v.numerator, v.denominator))] for v in self._values(c, factors)])
            D = arb_mat([[_ball(a - Fraction(x), b - Fraction(x))] for x, (a, b) in zip(c, X)])
            K = arb_mat([[arb(x)] for x in c]) - Ya * (Pre * Nc) + E * D
            ends = [bz.ball_ends(K[i, 0]) for i in range(n)]
            if any(e[1] < a or e[0] > b for e, (a, b) in zip(ends, X)):
                return "none"
            if first:
                if not all(a < e[0] and e[1] < b for e, (a, b) in zip(ends, X)):
                    return None
                first = False
            new = [(max(a, e[0]), min(b, e[1])) for e, (a, b) in zip(ends, X)]
            shrunk = max(float((b - a) / (B - A)) if B > A else 0.0
                         for (a, b), (A, B) in zip(new, X))
            X = new
            if shrunk > 0.7 or max(float(b - a) for a, b in X) < 1e-13:
                break
        return X
