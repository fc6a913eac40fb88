"""The MAML objective (2) of the paper on matrix LQR tasks, with derivatives.

For tasks ``i`` with weights ``w_i``, adaptation cost ``g_i = C_i`` with
``Sigma0a`` and outer cost ``f_i = C_i`` with ``Sigma0``::

    F_i(W) = W - eta grad g_i(W)                       (adaptation)
    h(W)   = sum_i w_i f_i(F_i(W))
    J_i    = I - eta hess g_i(W)                       (symmetric operator)
    grad h = sum_i w_i J_i grad f_i(F_i(W))
    hess h[U] = sum_i w_i ( J_i hess f_i(F_i)[J_i U] - eta T_{g_i}(W)[U, grad f_i(F_i)] )

``T_g`` is the third derivative (:meth:`LQRPoint.third`). :class:`MamlPoint`
evaluates all of it at one ``W`` in any backend; :func:`maml_terms` is the
float shortcut with a domain check (``W`` and every ``F_i(W)`` stabilizing).

>>> from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
>>> ts = MatrixTaskSet([MatrixTask.from_scalar(1, 1, 2, 2)], "0.01")
>>> import numpy as np
>>> p = maml_point(np.array([[0.6]]), ts)
>>> round(p.h, 6), bool(abs(p.grad[0, 0]) < 1)
(3.237614, True)
"""
from __future__ import annotations

import numpy as np

from .backend import FLOAT
from .lqr import LQRPoint, is_stabilizing

__all__ = ["MamlPoint", "maml_point", "in_domain", "maml_value", "maml_gradient",
           "maml_hessian", "fomaml_gradient", "adapt"]


class MamlPoint:
    """``h``, ``grad h``, ``hess h`` at ``W`` for backend tasks.

    ``tasks`` is a list of ``(A, B, Q, R, Sigma0, Sigma0a)`` backend matrices,
    ``weights`` and ``eta`` backend scalars."""

    def __init__(self, bk, tasks, weights, eta, W):
        self.bk, self.weights, self.eta, self.W = bk, list(weights), eta, W
        self.g, self.f, self.F = [], [], []
        for t in tasks:
            g = LQRPoint(bk, t[:4], W, t[5])
            F = W - bk.scale(eta, g.grad)
            self.g.append(g)
            self.F.append(F)
            self.f.append(LQRPoint(bk, t[:4], F, t[4]))
        self._gf = [f.grad for f in self.f]

    @property
    def h(self):
        """``h(W) = sum_i w_i f_i(F_i(W))``."""
        return sum((w * f.cost for w, f in zip(self.weights, self.f)), self.bk.zero
                   if hasattr(self.bk, "zero") else 0.0)

    def J(self, i, U, key=None):
        """``J_i U = U - eta hess g_i(W)[U]``."""
        return U - self.bk.scale(self.eta, self.g[i].hess(U, key))

    @property
    def grad(self):
        """``grad h(W) = sum_i w_i J_i grad f_i(F_i(W))``."""
        out = None
        for i, w in enumerate(self.weights):
            term = self.bk.scale(w, self.J(i, self._gf[i], key="gf"))
            out = term if out is None else out + term
        return out

    @property
    def fomaml_grad(self):
        """First-order MAML direction ``sum_i w_i grad f_i(F_i(W))`` (drops ``J_i``)."""
        out = None
        for w, gf in zip(self.weights, self._gf):
            out = self.bk.scale(w, gf) if out is None else out + self.bk.scale(w, gf)
        return out

    def hess(self, U, key=None):
        """``hess h(W)[U]`` (an ``r x d`` matrix)."""
        bk, out = self.bk, None
        for i, w in enumerate(self.weights):
            JU = self.J(i, U, key)
            a = self.J(i, self.f[i].hess(JU))
            b = self.g[i].third(U, self._gf[i], keyU=key, keyV="gf")
            term = bk.scale(w, a - bk.scale(self.eta, b))
            out = term if out is None else out + term
        return out

    def hess_dense(self):
        """``hess h(W)`` as ``rd x rd`` rows (row-major ``vec`` of ``W``)."""
        basis = self.bk.basis(*_shape(self.W))
        cols = [self.bk.entries(self.hess(E, key=("e", k))) for k, E in enumerate(basis)]
        return [list(row) for row in zip(*cols)]

    def adaptation_hess_dense(self, i):
        """``hess g_i(W)`` as ``rd x rd`` rows (for ``J_i`` and Theorem 2)."""
        g = self.g[i]
        basis = self.bk.basis(*_shape(self.W))
        cols = [self.bk.entries(g.hess(E, key=("e", k))) for k, E in enumerate(basis)]
        return [list(row) for row in zip(*cols)]


def _shape(W):
    return (W.nrows(), W.ncols()) if hasattr(W, "nrows") else W.shape


def in_domain(W, taskset) -> bool:
    """``W`` and every ``F_i(W)`` stabilizing, in floats (no certificate)."""
    W = np.atleast_2d(np.asarray(W, dtype=float))
    eta = float(taskset.eta)
    for t in taskset.float_tasks():
        A, B = t[0], t[1]
        if not is_stabilizing(W, A, B):
            return False
        F = W - eta * LQRPoint(FLOAT, t[:4], W, t[5]).grad
        if not (np.all(np.isfinite(F)) and is_stabilizing(F, A, B)):
            return False
    return True


def maml_point(W, taskset):
    """Float :class:`MamlPoint` at ``W``, or ``None`` outside the domain."""
    W = np.atleast_2d(np.asarray(W, dtype=float))
    if not in_domain(W, taskset):
        return None
    return MamlPoint(FLOAT, taskset.float_tasks(), [float(w) for w in taskset.weights],
                     float(taskset.eta), W)


def maml_value(W, taskset) -> float:
    """``h(W)`` in floats, ``+inf`` outside the domain."""
    p = maml_point(W, taskset)
    return float("inf") if p is None else p.h


def maml_gradient(W, taskset):
    """``grad h(W)`` in floats (domain points only)."""
    return maml_point(W, taskset).grad


def fomaml_gradient(W, taskset):
    """FO-MAML direction in floats (domain points only)."""
    return maml_point(W, taskset).fomaml_grad


def maml_hessian(W, taskset):
    """``hess h(W)`` as an ``rd x rd`` float array."""
    return np.array(maml_point(W, taskset).hess_dense())


def adapt(W, task, eta: float, steps: int = 1):
    """``steps`` gradient steps ``W <- W - eta grad g(W)`` on one float task
    ``(A, B, Q, R, Sigma0, Sigma0a)``; ``None`` if an iterate is not stabilizing."""
    W = np.atleast_2d(np.asarray(W, dtype=float))
    for _ in range(steps):
        if not is_stabilizing(W, task[0], task[1]):
            return None
        W = W - eta * LQRPoint(FLOAT, task[:4], W, task[5]).grad
    return W if is_stabilizing(W, task[0], task[1]) else None
