"""Closed forms of the matrix LQR cost and its first three derivatives.

For ``x_{t+1} = A x_t + B u_t``, ``u_t = -W x_t`` and ``M = A - B W`` stable::

    P  = M' P M + Q + W' R W           C(W) = tr(P Sigma0)
    S  = M S M' + Sigma0                E = (R + B'PB) W - B'PA
    grad C(W) = 2 E S                                  (Fazel et al. 2018)
    hess C(W)[U] = 2 ((R + B'PB) U - B'P_U M) S + 2 E S_U

with ``P_U``, ``S_U`` the directional derivatives of ``P``, ``S`` (each one more
Stein solve), and the third derivative ``T(W)[U, V]`` (the gradient of
``D^3 C(W)[U, V, .]``) from the mixed second derivatives ``P_UV``, ``S_UV``.
:class:`LQRPoint` holds these at one ``W`` in any backend
(:mod:`symlqr.matrix.backend`); the ``*_float`` helpers are numpy shortcuts.

>>> import numpy as np
>>> A, B, Q, R = (np.array([[1.0]]),) * 4
>>> round(cost(np.array([[0.6]]), A, B, Q, R), 6)      # (1 + 0.36) / (1 - 0.16)
1.619048
>>> W = optimal_gain(A, B, Q, R); round(float(W[0, 0]), 10)
0.6180339887
>>> abs(float(gradient(W, A, B, Q, R)[0, 0])) < 1e-12
True
"""
from __future__ import annotations

import numpy as np
import scipy.linalg as sla

from .backend import FLOAT

__all__ = ["LQRPoint", "spectral_radius", "is_stabilizing", "cost", "gradient",
           "hessian_apply", "hessian", "riccati", "optimal_gain", "exact_cost_gradient"]


class LQRPoint:
    """``C`` and its derivatives at one gain ``W`` (an ``r x d`` matrix).

    ``task`` is a tuple ``(A, B, Q, R)`` of backend matrices and ``Sigma`` the
    initial-state covariance, both in the backend ``bk``. Directional
    derivatives are cached per direction key (any hashable) when given.
    """

    def __init__(self, bk, task, W, Sigma):
        A, B, Q, R = task
        self.bk, self.A, self.B, self.Q, self.R, self.W, self.Sigma = bk, A, B, Q, R, W, Sigma
        mm, T = bk.mm, bk.T
        self.M = A - mm(B, W)
        self.stein = bk.stein(self.M)
        self.P = self.stein.P(Q + mm(T(W), R, W))
        self.S = self.stein.S(Sigma)
        self.K = R + mm(T(B), self.P, B)                  # R + B'PB
        self.E = mm(self.K, W) - mm(T(B), self.P, A)      # (R + B'PB) W - B'PA
        self._first = {}

    @property
    def cost(self):
        """``C(W) = tr(P Sigma0)``."""
        return self.bk.trace(self.bk.mm(self.P, self.Sigma))

    @property
    def grad(self):
        """``grad C(W) = 2 E S``."""
        return self.bk.scale(2, self.bk.mm(self.E, self.S))

    def first_many(self, Us, keys=None):
        """``[(M_U, P_U, S_U)]``: derivatives of ``M, P, S`` along each ``U`` in
        ``Us`` (the Stein solves of all directions in one batch per equation)."""
        keys = list(keys) if keys is not None else [None] * len(Us)
        mm, T = self.bk.mm, self.bk.T
        todo = [j for j, k in enumerate(keys) if k is None or k not in self._first]
        MUs = {j: -mm(self.B, Us[j]) for j in todo}
        aa, bb = [], []
        for j in todo:
            a = mm(T(Us[j]), self.R, self.W) + mm(T(MUs[j]), self.P, self.M)
            b = mm(MUs[j], self.S, T(self.M))
            aa.append(a + T(a))
            bb.append(b + T(b))
        done = dict(zip(todo, zip([MUs[j] for j in todo], self.stein.P_many(aa),
                                  self.stein.S_many(bb))))
        for j in todo:
            if keys[j] is not None:
                self._first[keys[j]] = done[j]
        return [done[j] if j in done else self._first[k] for j, k in enumerate(keys)]

    def first(self, U, key=None):
        """``(M_U, P_U, S_U)``: derivatives of ``M, P, S`` along ``U``."""
        return self.first_many([U], [key])[0]

    def hess_many(self, Us, keys=None):
        """``[hess C(W)[U] for U in Us]`` with
        ``hess C(W)[U] = 2 ((R + B'PB) U - B'P_U M) S + 2 E S_U``."""
        bk, mm, T = self.bk, self.bk.mm, self.bk.T
        BT = T(self.B)
        return [bk.scale(2, mm(mm(self.K, U) - mm(BT, PU, self.M), self.S) + mm(self.E, SU))
                for U, (_, PU, SU) in zip(Us, self.first_many(Us, keys))]

    def hess(self, U, key=None):
        """``hess C(W)[U] = 2 ((R + B'PB) U - B'P_U M) S + 2 E S_U``."""
        return self.hess_many([U], [key])[0]

    def third_many(self, Us, V, keysU=None, keyV=None):
        """``[T(W)[U, V] for U in Us]``: the matrix ``G`` with
        ``<G, Z> = D^3 C(W)[U, V, Z]`` (one batch of mixed Stein solves)."""
        bk, mm, T = self.bk, self.bk.mm, self.bk.T
        B, M, P, S, R = self.B, self.M, self.P, self.S, self.R
        MV, PV, SV = self.first(V, keyV)
        firsts = self.first_many(Us, keysU)
        aa, bb = [], []
        for U, (MU, PU, SU) in zip(Us, firsts):
            a = (mm(T(MV), PU, M) + mm(T(MU), PV, M) + mm(T(U), R, V) + mm(T(MU), P, MV))
            b = mm(MV, SU, T(M)) + mm(MU, SV, T(M)) + mm(MU, S, T(MV))
            aa.append(a + T(a))
            bb.append(b + T(b))
        BT = T(B)
        out = []
        for U, (MU, PU, SU), PUV, SUV in zip(Us, firsts, self.stein.P_many(aa),
                                             self.stein.S_many(bb)):
            t1 = mm(mm(BT, PV, B, U) - mm(BT, PUV, M) + mm(BT, PU, B, V), S)
            t2 = mm(mm(self.K, U) - mm(BT, PU, M), SV)
            t3 = mm(mm(self.K, V) - mm(BT, PV, M), SU)
            out.append(bk.scale(2, t1 + t2 + t3 + mm(self.E, SUV)))
        return out

    def third(self, U, V, keyU=None, keyV=None):
        """``T(W)[U, V]``: the matrix ``G`` with ``<G, Z> = D^3 C(W)[U, V, Z]``."""
        return self.third_many([U], V, [keyU], keyV)[0]

    def hess_dense(self):
        """``hess C(W)`` as an ``rd x rd`` list of rows in the row-major basis."""
        basis = self.bk.basis(*_shape(self.W))
        cols = [self.bk.entries(H) for H in
                self.hess_many(basis, [("e", k) for k in range(len(basis))])]
        return [list(row) for row in zip(*cols)]


def _shape(W):
    return (W.nrows(), W.ncols()) if hasattr(W, "nrows") else W.shape


def _float_task(A, B, Q, R):
    return tuple(np.atleast_2d(np.asarray(x, dtype=float)) for x in (A, B, Q, R))


def spectral_radius(W, A, B) -> float:
    """``max |eig(A - B W)|`` in floats."""
    A, B, W = (np.atleast_2d(np.asarray(x, dtype=float)) for x in (A, B, W))
    return float(np.max(np.abs(np.linalg.eigvals(A - B @ W))))


def is_stabilizing(W, A, B, margin: float = 0.0) -> bool:
    """``spectral_radius(A - B W) < 1 - margin`` (floats, not a certificate)."""
    rho = spectral_radius(W, A, B)
    return bool(np.isfinite(rho) and rho < 1 - margin)


def _point(W, A, B, Q, R, Sigma0=None):
    t = _float_task(A, B, Q, R)
    W = np.atleast_2d(np.asarray(W, dtype=float))
    Sig = np.eye(t[0].shape[0]) if Sigma0 is None else np.atleast_2d(np.asarray(Sigma0, float))
    return LQRPoint(FLOAT, t, W, Sig)


def cost(W, A, B, Q, R, Sigma0=None) -> float:
    """``C(W) = tr(P_W Sigma0)`` in floats; ``+inf`` when ``A - B W`` is not stable."""
    if not is_stabilizing(W, A, B):
        return float("inf")
    return _point(W, A, B, Q, R, Sigma0).cost


def gradient(W, A, B, Q, R, Sigma0=None):
    """``grad C(W) = 2((R + B'PB)W - B'PA) Sigma_W`` in floats (stable ``W`` only)."""
    return _point(W, A, B, Q, R, Sigma0).grad


def hessian_apply(W, U, A, B, Q, R, Sigma0=None):
    """``hess C(W)[U]`` (an ``r x d`` matrix) in floats: two extra Stein solves."""
    return _point(W, A, B, Q, R, Sigma0).hess(np.atleast_2d(np.asarray(U, float)))


def hessian(W, A, B, Q, R, Sigma0=None):
    """``hess C(W)`` as an ``rd x rd`` array (row-major ``vec`` of ``W``)."""
    return np.array(_point(W, A, B, Q, R, Sigma0).hess_dense())


def riccati(A, B, Q, R):
    """``P*`` of the discrete algebraic Riccati equation (scipy)."""
    return sla.solve_discrete_are(*_float_task(A, B, Q, R))


def optimal_gain(A, B, Q, R):
    """``W* = (R + B'P*B)^{-1} B'P*A``, the unique minimizer of ``C`` (Sigma0 > 0)."""
    A, B, Q, R = _float_task(A, B, Q, R)
    P = riccati(A, B, Q, R)
    return np.linalg.solve(R + B.T @ P @ B, B.T @ P @ A)


def exact_cost_gradient(task, W, covariance: str = "Sigma0"):
    """``(C(W), grad C(W))`` as exact ``Fraction`` values for a rational gain ``W``
    (``task`` a :class:`~symlqr.matrix.tasks.MatrixTask`; rows of rationals).
    Stability of ``A - B W`` is checked in floats first (``ValueError`` if not).

    >>> from fractions import Fraction
    >>> from symlqr.matrix.tasks import MatrixTask
    >>> c, g = exact_cost_gradient(MatrixTask.from_scalar(1, 1, 2, 2), [[Fraction(1, 2)]])
    >>> c, g             # C = 2 (1 + 1/4) / (1 - 1/4), C' = 2 c(W) / (1 - (A - B W)^2)^2
    (Fraction(10, 3), [[Fraction(-16, 9)]])
    """
    from fractions import Fraction
    from .backend import EXACT
    Wf = [[Fraction(x) for x in row] for row in W]
    A, B, Q, R = (task.floats()[k] for k in range(4))
    if not is_stabilizing(np.array(Wf, dtype=float), A, B):
        raise ValueError("A - B W is not stable: C(W) = +inf")
    mats = tuple(EXACT.asmat(getattr(task, k)) for k in ("A", "B", "Q", "R"))
    p = LQRPoint(EXACT, mats, EXACT.asmat(Wf), EXACT.asmat(getattr(task, covariance)))
    q = lambda x: Fraction(int(x.p), int(x.q))
    return q(p.cost), [[q(p.grad[i, j]) for j in range(len(Wf[0]))] for i in range(len(Wf))]
