"""First-order Taylor models of matrices over a box of gains (no wrapping to first order).

Over a box ``W = c + sum_k rho_k t_k E_k`` (``t_k`` in ``[-1, 1]``), a
:class:`TaylorMatrix` ``(c, D, R)`` stands for every matrix

    ``c + sum_k D_k t_k + R``,  ``R`` a ball matrix (the remainder),

and holds the true value at every point of the box. Sums and products keep the
linear part exact (``(c_f + L_f + R_f)(c_g + L_g + R_g) = c_f c_g + (c_f L_g + L_f
c_g) + [c_f R_g + R_f c_g + U_f U_g]``, ``U`` the ball of ``L + R``), so the
dependence on ``t`` cancels where it cancels in the formula (``F(W) = W - eta grad
g(W)``, ``I - eta hess g``). Stein solves ``P = M' P M + Y`` take the centre's
solve ``P_0``, the first-order terms ``S_c(P_k) = Y_k + M_k' P_0 M_c + M_c' P_0 M_k``
(``S_c(Z) = Z - M_c' Z M_c``), and the exact remainder equation

    ``S_c(P - P_lin) = R_Y + L_M' (P - P_0) M_c + M_c' (P - P_0) L_M
    + R_M' P M_c + M_c' P R_M + dM' P dM``

with ``P`` bounded a priori by the ball solve over the whole box (then once more by
the model's own range, intersected). Every quantity of
:class:`~symlqr.matrix.lqr.LQRPoint` (``P``, ``S``, ``grad``, ``hess``) thereby
comes as a Taylor model; :meth:`TaylorMatrix.range` is its enclosure over the box.
On boxes of side 0.1 centred in the 3 x 1 example's level set the ball closed
forms overestimate ``hess g`` 78 times (median, against its sampled range), the
models 1.9 times, at 1.6 times the cost (``python benchmarks/bench_taylor_boxes.py``).

>>> from flint import arb_mat
>>> from symlqr.matrix.lqr import LQRPoint
>>> one = arb_mat([[1]])
>>> W = gain_box([0.5], [0.7], 1, 1)            # W in [0.5, 0.7], A = B = Q = R = 1
>>> p = LQRPoint(TAYLOR, (one, one, one, one), W, one)
>>> lo, hi = p.cost.lower(), p.cost.upper()     # C(W) = (1 + W^2) / (1 - (1 - W)^2)
>>> bool(lo <= (1 + 0.25) / 0.75 and (1 + 0.49) / 0.91 <= hi), float(hi - lo) < 0.3
(True, True)
"""
from __future__ import annotations

import numpy as np
from flint import arb, arb_mat

from .backend import ArbBackend

__all__ = ["TaylorMatrix", "TaylorBackend", "TAYLOR", "gain_box"]


def _zero(r, c) -> arb_mat:
    return arb_mat(r, c)


def _unit(m: arb_mat) -> arb_mat:
    """The ball matrix ``m * [-1, 1]`` (entrywise)."""
    return arb_mat(m.nrows(), m.ncols(), [arb(0, abs(x).upper()) for x in m.entries()])


def target(rng: list, point) -> tuple:
    """``(point's balls, apart)``: the point as a list of balls (zero when
    ``None``) and whether some entry of the enclosure ``rng`` misses it."""
    pt = [arb(0)] * len(rng) if point is None else list(
        point.entries() if isinstance(point, arb_mat) else point)
    return pt, any(not x.overlaps(y) for x, y in zip(rng, pt))


def float_inverse(cols: list, n: int):
    """A float inverse of the midpoints of the ``n x n`` matrix with columns
    ``cols`` (lists of balls), or ``None`` (not finite, or singular)."""
    mid = np.array([[float(cols[k][i].mid()) for k in range(n)] for i in range(n)])
    if not np.all(np.isfinite(mid)):
        return None
    try:
        Y = np.linalg.inv(mid)
    except np.linalg.LinAlgError:
        return None
    return Y if np.all(np.isfinite(Y)) else None


class TaylorMatrix:
    """``c + sum_k D[k] t_k + R`` for ``t`` in ``[-1, 1]^n`` (module docstring)."""
    __slots__ = ("c", "D", "R", "_spread")

    def __init__(self, c: arb_mat, D: list, R: arb_mat = None):
        self.c, self.D = c, D
        self.R = _zero(c.nrows(), c.ncols()) if R is None else R
        self._spread = None

    # -- shape and enclosure -------------------------------------------------
    def nrows(self):
        return self.c.nrows()

    def ncols(self):
        return self.c.ncols()

    def spread(self) -> arb_mat:
        """A ball matrix holding ``L + R`` (the part that varies over the box)."""
        if self._spread is None:
            out = self.R
            for Dk in self.D:
                out = out + _unit(Dk)
            self._spread = out
        return self._spread

    def range(self) -> arb_mat:
        """An enclosure of every matrix the model stands for."""
        return self.c + self.spread()

    def entries(self):
        return self.range().entries()

    def transpose(self) -> "TaylorMatrix":
        return TaylorMatrix(self.c.transpose(), [Dk.transpose() for Dk in self.D],
                            self.R.transpose())

    def trace(self) -> arb:
        """``tr`` of every matrix in the model: the linear part's trace is exact."""
        tr = lambda m: sum((m[i, i] for i in range(m.nrows())), arb(0))
        out = tr(self.c) + tr(self.R)
        for Dk in self.D:
            out += arb(0, abs(tr(Dk)).upper())
        return out

    def misses(self, point=None) -> bool:
        """Proven: no matrix of the model equals ``point`` (an ``arb_mat`` or list
        of balls, row-major; zero when ``None``) anywhere on the box.

        With ``v = vec(c - point)``, ``G`` the columns ``vec(D_k)`` and ``Y`` a float
        inverse of ``mid(G)``, every row ``i`` gives ``(Y v)_i + sum_k (Y G)_ik t_k +
        (Y vec(R))_i``, whose range over ``t`` in ``[-1, 1]^n`` is proven by balls; a
        row whose range excludes 0 proves it (and so does a row of the identity:
        the entrywise ranges). For a linear model this is exact: the box misses the
        point if and only if ``|G^-1 v|_inf > 1``, where the entrywise test asks
        ``|v_i| > sum_k |G_ik|`` for one ``i`` (weaker wherever the columns are
        correlated, as ``F(W) = W - eta grad g(W)``'s are on stiff tasks).

        >>> W = gain_box([0.0, 0.0], [2.0, 2.0], 1, 2)
        >>> M = W * arb_mat([[1, 1], [1, -1]])          # (w1 + w2, w1 - w2)
        >>> pt = [arb(0.5), arb(-1.5)]                  # w = (-0.5, 1): outside the box
        >>> [x.contains(y) for x, y in zip(M.entries(), pt)], M.misses(pt)
        ([True, True], True)
        >>> M.misses([arb(2), arb(0)])                  # w = (1, 1), the centre
        False
        """
        pt, apart = target(self.range().entries(), point)
        if apart:
            return True
        v = [x - y for x, y in zip(self.c.entries(), pt)]
        cols = [Dk.entries() for Dk in self.D]
        n, m = len(v), len(cols)
        Y = float_inverse(cols, n) if n == m and n else None
        if Y is None:
            return False
        rest = self.R.entries()
        one = arb(0, 1)
        for i in range(n):
            y = [arb(float(a)) for a in Y[i]]
            val = sum((y[j] * (v[j] + rest[j]) for j in range(n)), arb(0))
            for k in range(m):
                val += sum((y[j] * cols[k][j] for j in range(n)), arb(0)) * one
            if not val.contains(0):
                return True
        return False

    # -- arithmetic ----------------------------------------------------------
    @staticmethod
    def _lift(x, like) -> "TaylorMatrix":
        if isinstance(x, TaylorMatrix):
            return x
        return TaylorMatrix(x, [_zero(x.nrows(), x.ncols()) for _ in like.D])

    def __add__(self, o):
        if isinstance(o, TaylorMatrix):
            return TaylorMatrix(self.c + o.c, [a + b for a, b in zip(self.D, o.D)], self.R + o.R)
        return TaylorMatrix(self.c + o, self.D, self.R)

    __radd__ = __add__

    def __neg__(self):
        return TaylorMatrix(-self.c, [-Dk for Dk in self.D], -self.R)

    def __sub__(self, o):
        return self + (-o)

    def __rsub__(self, o):
        return (-self) + o

    def __mul__(self, o):
        if isinstance(o, TaylorMatrix):
            R = self.c * o.R + self.R * o.c + self.spread() * o.spread()
            return TaylorMatrix(self.c * o.c, [self.c * b + a * o.c for a, b in zip(self.D, o.D)], R)
        if isinstance(o, arb_mat):
            return TaylorMatrix(self.c * o, [Dk * o for Dk in self.D], self.R * o)
        o = arb(o)                                   # a scalar
        return TaylorMatrix(self.c * o, [Dk * o for Dk in self.D], self.R * o)

    def __rmul__(self, o):
        if isinstance(o, arb_mat):
            return TaylorMatrix(o * self.c, [o * Dk for Dk in self.D], o * self.R)
        return self * o


def gain_box(lo, hi, r: int, d: int) -> TaylorMatrix:
    """The box ``[lo, hi]`` of ``r x d`` gains (row-major float ends) as the model
    ``c + sum_k rho_k t_k E_k`` (``c`` the exact midpoints, ``rho_k`` rounded up)."""
    n = r * d
    c, D = [], []
    for k, (a, b) in enumerate(zip(lo, hi)):
        a, b = arb(a), arb(b)
        mid = arb(((a + b) / 2).mid())
        rad = arb(max(abs(b - mid).upper(), abs(mid - a).upper()))
        c.append(mid)
        Dk = [arb(0)] * n
        Dk[k] = rad
        D.append(arb_mat(r, d, Dk))
    return TaylorMatrix(arb_mat(r, d, c), D)


class SteinForms:
    """``P``, ``S`` and their batches from one ``_solve(Y, transpose)``."""

    def P(self, Y):
        return self._solve(Y, False)

    def S(self, Y):
        return self._solve(Y, True)

    def P_many(self, Ys):
        return [self.P(Y) for Y in Ys]

    def S_many(self, Ys):
        return [self.S(Y) for Y in Ys]


class _TaylorStein(SteinForms):
    """Stein solves with a Taylor model ``M`` (module docstring): the centre's
    Kronecker solver for the model's terms, the ball solver over the whole box
    for the a priori bound of the solution."""

    def __init__(self, M: TaylorMatrix, arb_backend: ArbBackend):
        self.M = M
        self.centre = arb_backend.stein(M.c)          # ZeroDivisionError: not proven
        self.whole = arb_backend.stein(M.range())
        self.dM = TaylorMatrix(_zero(M.nrows(), M.ncols()), M.D, M.R)
        self.UL = TaylorMatrix(_zero(M.nrows(), M.ncols()), M.D).spread()

    def _solve(self, Y, transpose: bool) -> TaylorMatrix:
        """``P = M' P M + Y`` (``transpose=False``; ``S = M S M' + Y`` otherwise)."""
        Y = TaylorMatrix._lift(Y, self.M)
        c_solve = self.centre.S if transpose else self.centre.P
        # q(X, Z, V) = X' Z V  (P form)  or  X Z V'  (S form)
        q = (lambda X, Z, V: X * Z * V.transpose()) if transpose else \
            (lambda X, Z, V: X.transpose() * Z * V)
        Mc = self.M.c
        P0 = c_solve(Y.c)
        Pk = [c_solve(Yk + q(Dk, P0, Mc) + q(Mc, P0, Dk)) for Yk, Dk in zip(Y.D, self.M.D)]
        bound = (self.whole.S if transpose else self.whole.P)(Y.range())
        UL, UM, RM = self.UL, self.dM.spread(), self.M.R
        model = TaylorMatrix(P0, Pk)
        for _ in range(2):                   # the a priori bound, then the model's own
            dP = bound - P0
            rest = (Y.R + q(UL, dP, Mc) + q(Mc, dP, UL) + q(RM, bound, Mc) + q(Mc, bound, RM)
                    + q(UM, bound, UM))
            model = TaylorMatrix(P0, Pk, c_solve(rest))
            rng = model.range()
            tighter = [a.intersection(b) if a.overlaps(b) else a
                       for a, b in zip(rng.entries(), bound.entries())]
            bound = arb_mat(rng.nrows(), rng.ncols(), tighter)
        return model


class TaylorBackend(ArbBackend):
    """:class:`~symlqr.matrix.backend.ArbBackend` whose gains may be Taylor models
    (:func:`gain_box`): every closed form of :class:`~symlqr.matrix.lqr.LQRPoint`
    then comes as a :class:`TaylorMatrix` over the box (``model`` and ``solver``
    name the model class and its Stein solver; :mod:`~symlqr.matrix.taylor2` sets
    its own)."""
    name = "taylor"
    model, solver = TaylorMatrix, _TaylorStein

    def stein(self, M):
        if isinstance(M, self.model):
            return self.solver(M, ArbBackend("kron"))
        return super().stein(M)

    def trace(self, m):
        return m.trace() if isinstance(m, self.model) else super().trace(m)


TAYLOR = TaylorBackend()
