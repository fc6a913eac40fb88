"""Boxes of gains whose adapted gains ``F_i(X)`` are proven outside the domain or the level set.

Over a box ``X`` with ``W`` proven stabilizing, the adaptation step ``F_i(W) = W -
eta grad g_i(W)`` comes as a first-order Taylor model (:mod:`~symlqr.matrix.taylor`,
``F = c + sum_k D_k t_k + R``). The closed loop ``N_i = A_i - B_i F_i`` must be
Schur stable at every point of the domain, so its characteristic polynomial
``p(z) = det(z I - N_i) = sum_k a_k z^k`` satisfies the necessary conditions of
:mod:`~symlqr.matrix.domain` (``p(1) > 0``, ``(-1)^d p(-1) > 0``, ``1 -+ det N_i > 0``
and Jury's rows). With one input (``r = 1``) the coefficients are affine in ``F``,
``a = c_0 + L F'`` (:func:`~symlqr.matrix.domain._charpoly_affine`, exact), so the
model of ``a`` keeps ``F``'s linear part exactly; for ``d = 2`` and any ``r`` they are
``-tr N`` and ``det N`` in model products. A condition whose model lies at or
below 0 on the box proves ``N_i`` unstable at every ``W`` of it: **the box is
outside the domain**. With a level ``L`` the same conditions of ``N_i / s_i``
(``s_i`` from :func:`~symlqr.matrix.level_sets.spectral_radius_bound`: every
eigenvalue of ``N_i`` has modulus below ``s_i`` where ``h <= L``) and the first
term of the cost, ``w_i tr(R_i F_i Sigma0_i F_i') < L' - sum_j w_j tr(Q_j Sigma0_j)``
(:func:`~symlqr.matrix.level_sets.level_conditions`), exclude boxes of ``{h > L}``.

These are the conditions :mod:`~symlqr.matrix.domain` and
:mod:`~symlqr.matrix.level_sets` give as rational functions of ``W``, evaluated on
the model instead: no polynomial of ``F``'s degree is carried by the boxes, and
:class:`~symlqr.matrix.direct_boxes.BoxRule` tries them where the Stein solves at
``F_i(X)`` cannot be proven (``F_i(X)`` reaches unstable gains).

>>> from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
>>> A = [["1/2", "1/10"], [0, "1/2"]]
>>> ts = MatrixTaskSet([MatrixTask(A, [[0], [1]], [[1, 0], [0, 1]], [[1]]),
...                     MatrixTask(A, [[0], [1]], [[2, 0], [0, 1]], [[1]])], "1/100")
>>> test = AdaptedTest(ts)
>>> test.outside([-5.075, 0.678], [-5.055, 0.698])  # W stable, rho(A - B F_1(W)) about 6.7
'outside the domain: det(I + N_1) > 0 proven false (Taylor models of F_1 over the box)'
>>> test.outside([0.0, 0.25], [0.05, 0.3]) is None   # around W*: nothing to exclude
True
"""
from __future__ import annotations

from fractions import Fraction
from typing import Optional

from flint import arb, arb_mat, fmpq

from .boxes import ARB
from .domain import _charpoly_affine, _four
from .hypothesis_boxes import _tasks
from .level_sets import SLACK, _q_terms, spectral_radius_bound
from .lqr import LQRPoint
from .taylor import TAYLOR, TaylorMatrix, gain_box

__all__ = ["AdaptedTest", "ADAPTED_OUTSIDE", "ADAPTED_ABOVE"]

ADAPTED_OUTSIDE = "outside the domain: {} proven false (Taylor models of F_{} over the box)"
ADAPTED_ABOVE = "h > L on the box: {} proven false (Taylor models of F_{} over the box)"


def _arb(q) -> arb:
    q = Fraction(q)
    return arb(fmpq(q.numerator, q.denominator))


class _One:
    """What :func:`~symlqr.matrix.domain._four` needs of a backend: ``one``."""

    def __init__(self, one):
        self.one = one


class AdaptedTest:
    """:meth:`outside` for boxes of ``taskset``'s gains (module docstring); ``level``
    ``L`` or ``None``."""

    def __init__(self, taskset, level=None):
        self.taskset, self.shape = taskset, taskset.shape
        self.tasks = _tasks(taskset)
        self.eta = ARB.scalar(taskset.eta)
        r, d = self.shape
        self.affine = []
        for t in taskset.tasks:
            if r == 1:
                c0, L = _charpoly_affine(t.A, t.B)
                self.affine.append((arb_mat(d, 1, [arb(c0[k]) for k in range(d)]),
                                    arb_mat(d, d, [arb(L[k, j]) for k in range(d) for j in range(d)])))
            else:
                self.affine.append(None)
        self.level = None if level is None else Fraction(level)
        self.radii, self.shares = [], []
        if self.level is not None:
            w = [Fraction(x) for x in taskset.weights]
            terms = _q_terms(taskset)
            top = self.level * (1 + SLACK) + SLACK
            base = sum((wj * tj for wj, tj in zip(w, terms)), Fraction(0))
            for i in range(len(taskset.tasks)):
                s = spectral_radius_bound(taskset, self.level, i)
                self.radii.append(None if s is None or s == 0 else s)
                self.shares.append((top - base) / w[i])

    def outside(self, lo, hi) -> Optional[str]:
        """The reason when some ``F_i`` over the box ``[lo, hi]`` (row-major float
        ends) is proven outside the domain or the level set, else ``None``. ``W``
        is assumed proven stabilizing on the box by the caller (the models need
        the Stein solves at ``W``); ``None`` where they fail."""
        r, d = self.shape
        WX = gain_box(lo, hi, r, d)
        for i, t in enumerate(self.tasks):
            try:
                F = WX - LQRPoint(TAYLOR, t[:4], WX, t[5]).grad * self.eta
            except (ZeroDivisionError, ValueError):
                return None
            why = self._task(i, t, F)
            if why is not None:
                return why
        return None

    def _task(self, i: int, t, F: TaylorMatrix) -> Optional[str]:
        a = self._charpoly(i, t, F)
        one = None if a is None else TaylorMatrix._lift(arb_mat([[1]]), a[0])
        if a is not None:
            for name, value in _four(None, _One(one), f"N_{i + 1}", a + [one]):
                if _nonpositive(value):
                    return ADAPTED_OUTSIDE.format(name, i + 1)
        if self.level is None:
            return None
        _, _, _, R, S0, _ = t
        if (F * S0 * F.transpose() * R).trace() > _arb(self.shares[i]):     # tr(R F S0 F')
            return ADAPTED_ABOVE.format(f"w_{i + 1} tr(R F_{i + 1} Sigma0 F_{i + 1}') < "
                                        f"L - sum_j w_j tr(Q_j Sigma0_j)", i + 1)
        s = self.radii[i]
        if a is not None and s is not None:
            d = len(a)
            scaled = [a_k * (_arb(s) ** (k - d)) for k, a_k in enumerate(a)]   # of N / s, monic
            for name, value in _four(None, _One(one), f"N_{i + 1} / s", scaled + [one]):
                if _nonpositive(value):
                    return ADAPTED_ABOVE.format(f"{name}, s = {float(s):.6g}", i + 1)
        return None

    def _charpoly(self, i: int, t, F: TaylorMatrix) -> Optional[list]:
        """``[a_0, ..., a_{d-1}]`` of ``det(z I - (A - B F))`` as 1 x 1 models: affine
        in ``F`` for ``r = 1``; ``(det N, -tr N)`` for ``d = 2``; else ``None``."""
        r, d = self.shape
        if self.affine[i] is not None:
            c0, L = self.affine[i]
            a = L * F.transpose() + c0
            return [arb_mat(1, d, [int(j == k) for j in range(d)]) * a for k in range(d)]
        if d == 2:
            N = t[0] - t[1] * F
            e = [arb_mat(2, 1, [1, 0]), arb_mat(2, 1, [0, 1])]
            n = [[e[p].transpose() * N * e[q] for q in range(2)] for p in range(2)]
            return [n[0][0] * n[1][1] - n[0][1] * n[1][0], -(n[0][0] + n[1][1])]
        return None


def _nonpositive(value) -> bool:
    """A 1 x 1 model (or ball) proven ``<= 0`` on the whole box."""
    x = value.range()[0, 0] if isinstance(value, TaylorMatrix) else value
    return bool(x <= 0)
