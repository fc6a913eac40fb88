"""Validated Stein (discrete Lyapunov) solves for ball matrices, in O(d^3).

For every ``M`` in a ball matrix and ``Y`` in a ball matrix, enclose the
solution of ``X = M X M' + Y`` (``S``-solve) or ``X = M' X M + Y`` (``P``-solve):

1. a float ``G > 0`` with ``M0' G M0 = q^2 (G - I)`` for the midpoint ``M0`` and
   ``q = (1 + rho(M0)) / 2``; certified for the whole ball: ``q^2 G - M' G M > 0``
   and ``G - t I > 0`` (inertia, :func:`~symlqr.matrix.validated.inertia`).
   Then ``E -> M E M'`` contracts by ``q^2`` in the norm ``||L' E L||_2``
   (``G = L L'``), and likewise ``E -> M' E M`` in ``||L^-1 E L^-T||_2``;
2. an approximate solution ``X~`` (scipy, refined in ball arithmetic above
   53 bits), the residual ``R = Y + M X~ M' - X~`` in balls, and
   ``|X - X~|_ij <= ||G||_F ||R||_F / (t (1 - q^2))``.

No ``d^2 x d^2`` system is formed. A ball that is not proven stable raises
``ZeroDivisionError`` (as a singular system would).

>>> from flint import arb_mat, arb
>>> st = LyapunovStein(arb_mat([[arb("0.5", 1e-9)]]))
>>> X = st.P(arb_mat([[3]]))               # P = 0.25 P + 3, P = 4
>>> X[0, 0].contains(4), X[0, 0].rad() < 1e-7
(True, True)
"""
from __future__ import annotations

import numpy as np
import scipy.linalg as sla
from flint import arb, arb_mat, ctx

from .validated import ball_matrix, inertia, to_float

__all__ = ["LyapunovStein"]


class LyapunovStein:
    """Stein solves with one ball matrix ``M`` (see the module docstring)."""

    def __init__(self, M: arb_mat):
        M0 = to_float(M)
        d = M0.shape[0]
        if not np.all(np.isfinite(M0)):
            raise ZeroDivisionError("closed loop is not finite")
        rho = float(np.max(np.abs(np.linalg.eigvals(M0))))
        if rho >= 1:
            raise ZeroDivisionError("closed loop is not stable")
        q = (1 + rho) / 2
        G = sla.solve_discrete_lyapunov(M0.T / q, np.eye(d))
        G = (G + G.T) / 2
        t = float(np.min(np.linalg.eigvalsh(G))) / 2
        Gb, q2 = ball_matrix(G), arb(q) * arb(q)
        eye = arb_mat([[int(i == j) for j in range(d)] for i in range(d)])
        if inertia(Gb * q2 - M.transpose() * Gb * M) != (d, 0) or \
                inertia(Gb - eye * arb(t)) != (d, 0):
            raise ZeroDivisionError("no contraction certificate for the closed loop")
        gnorm = _frobenius(Gb)
        self.factor = gnorm / (arb(t) * (1 - q2))
        self.M, self.MT, self.M0, self.d = M, M.transpose(), M0, d
        from .backend import FloatStein
        self.fl = FloatStein(M0)

    def _solve_many(self, Ys, transpose: bool):
        """All right-hand sides ``Ys`` at once: one batched float solve, residuals
        in balls (small ``arb_mat`` products), float refinement above 53 bits, and
        the contraction bound ``factor * ||R||_F`` added to every entry."""
        if not Ys:
            return []
        A, AT = (self.MT, self.M) if transpose else (self.M, self.MT)
        solve = self.fl.P_many if transpose else self.fl.S_many
        Xs = [ball_matrix(x) for x in solve([to_float(Y) for Y in Ys])]
        Rs = [Y + A * X * AT - X for Y, X in zip(Ys, Xs)]
        live = list(range(len(Ys)))
        for it in range(0 if ctx.prec <= 53 else (ctx.prec + 52) // 53):  # refinement above 53 bits
            if it:                      # where the input's width dominates refining cannot help
                live = [j for j in live if _frobenius(Rs[j].mid()) > _frobenius(Rs[j]) / 2]
            if not live:
                break
            dXs = solve([to_float(Rs[j]) for j in live])
            for j, dX in zip(live, dXs):
                Xs[j] = (Xs[j] + ball_matrix(dX)).mid()
                Rs[j] = Ys[j] + A * Xs[j] * AT - Xs[j]
        out = []
        for X, R in zip(Xs, Rs):
            e = (self.factor * _frobenius(R)).upper()
            err = arb(0, e) if e < 1e300 else arb(0, 1e300)
            out.append(X + arb_mat(self.d, self.d, [err] * (self.d * self.d)))
        return out

    def S_many(self, Ys):
        """``X = M X M' + Y`` for every ``Y`` in ``Ys``."""
        return self._solve_many(Ys, False)

    def P_many(self, Ys):
        """``X = M' X M + Y`` for every ``Y`` in ``Ys``."""
        return self._solve_many(Ys, True)

    def S(self, Y):
        """``X = M X M' + Y``."""
        return self._solve_many([Y], False)[0]

    def P(self, Y):
        """``X = M' X M + Y``."""
        return self._solve_many([Y], True)[0]


def _frobenius(A) -> arb:
    """An upper bound of the Frobenius norm (an exact ball), from ``tr(A'A)`` (for
    small ``d`` one ``arb_mat`` product beats creating ``d^2`` Python objects)."""
    s = (A.transpose() * A).trace()
    return arb(abs(s).upper()).sqrt().upper()
