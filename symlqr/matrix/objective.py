"""The MAML objective (2) of the paper on matrix LQR tasks, with derivatives.

For tasks ``i`` with weights ``w_i``, adaptation cost ``g_i = C_i`` with
``Sigma0a`` and outer cost ``f_i = C_i`` with ``Sigma0``::

    F_i(W) = W - eta grad g_i(W)                       (adaptation)
    h(W)   = sum_i w_i f_i(F_i(W))
    J_i    = I - eta hess g_i(W)                       (symmetric operator)
    grad h = sum_i w_i J_i grad f_i(F_i(W))
    hess h[U] = sum_i w_i ( J_i hess f_i(F_i)[J_i U] - eta T_{g_i}(W)[U, grad f_i(F_i)] )

``T_g`` is the third derivative (:meth:`LQRPoint.third`). With ``K`` adaptation
steps (``--steps K``) ``F_i = W_K`` and the chain rule runs through every step
(:class:`MamlPoint`). :class:`MamlPoint` evaluates all of it at one ``W`` in any
backend, directions in batches (one batched Stein solve per equation for all
``rd`` basis directions of a dense Hessian); it also gives the update directions
of FO-MAML and Reptile and their Jacobians. :func:`maml_point` is the float
shortcut with a domain check (``W`` and every adapted ``W_k`` stabilizing).

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
    """``h``, ``grad h``, ``hess h`` at ``W`` for backend tasks, with ``steps = K``
    adaptation steps ``W_{k+1} = W_k - eta grad g(W_k)`` (``W_0 = W``, ``F = W_K``)::

        grad h = sum_i w_i J_0 J_1 ... J_{K-1} grad f_i(W_K),   J_k = I - eta hess g_i(W_k)
        hess h[U] = sum_i w_i acc_0,  acc_K = hess f_i(W_K)[U_K],  U_{k+1} = J_k U_k,
                    acc_k = J_k acc_{k+1} - eta T_{g_i}(W_k)[U_k, z_{k+1}],
                    z_K = grad f_i(W_K),  z_k = J_k z_{k+1}

    (for ``K = 1`` the formulas of the module docstring). ``tasks`` is a list of
    ``(A, B, Q, R, Sigma0, Sigma0a)`` backend matrices, ``weights`` and ``eta``
    backend scalars. ``g[i]`` is task ``i``'s adaptation point at ``W``,
    ``path[i]`` its points at ``W_0 .. W_{K-1}``, ``F[i] = W_K``, ``iterates[i]``
    the gains ``W_1 .. W_K``, ``f[i]`` the outer point at ``W_K``."""

    def __init__(self, bk, tasks, weights, eta, W, steps: int = 1):
        self.bk, self.weights, self.eta, self.W, self.steps = bk, list(weights), eta, W, steps
        self.g, self.f, self.F, self.path, self.iterates = [], [], [], [], []
        for t in tasks:
            pts, V, its = [], W, []
            for _ in range(steps):
                pts.append(LQRPoint(bk, t[:4], V, t[5]))
                V = V - bk.scale(eta, pts[-1].grad)
                its.append(V)
            self.path.append(pts)
            self.iterates.append(its)
            self.g.append(pts[0])
            self.F.append(V)
            self.f.append(LQRPoint(bk, t[:4], V, t[4]))
        self._gf = [f.grad for f in self.f]
        self._z = None

    @property
    def h(self):
        """``h(W) = sum_i w_i f_i(F_i(W))``."""
        return sum((w * f.cost for w, f in zip(self.weights, self.f)), self.bk.zero
                   if hasattr(self.bk, "zero") else 0.0)

    def J(self, i, U, key=None):
        """``J_i U = U - eta hess g_i(W)[U]`` (adaptation at ``W``)."""
        return U - self.bk.scale(self.eta, self.g[i].hess(U, key))

    def _J_many(self, pt, Us, keys=None):
        return [U - self.bk.scale(self.eta, H) for U, H in zip(Us, pt.hess_many(Us, keys))]

    def _zs(self, i):
        """``[z_0, ..., z_K]`` of task ``i`` (``z_0`` its term of ``grad h``)."""
        if self._z is None:
            self._z = {}
        if i not in self._z:
            zs = [self._gf[i]]
            for k in range(self.steps - 1, -1, -1):
                zs.insert(0, self._J_many(self.path[i][k], [zs[0]], [("z", k + 1)])[0])
            self._z[i] = zs
        return self._z[i]

    def _sum(self, terms):
        out = None
        for w, term in zip(self.weights, terms):
            term = self.bk.scale(w, term)
            out = term if out is None else out + term
        return out

    @property
    def grad(self):
        """``grad h(W) = sum_i w_i J_0 ... J_{K-1} grad f_i(W_K)``."""
        return self._sum(self._zs(i)[0] for i in range(len(self.weights)))

    @property
    def fomaml_grad(self):
        """First-order MAML direction ``sum_i w_i grad f_i(W_K)`` (drops the ``J``)."""
        return self._sum(self._gf)

    @property
    def reptile_grad(self):
        """Reptile's direction ``sum_i w_i (W - W_K) / (eta K)``."""
        c = 1 / (self.eta * self.steps)
        return self._sum(self.bk.scale(c, self.W - F) for F in self.F)

    def _tangents(self, i, Us, keys):
        """``[[U_0 ...], ..., [U_K ...]]``: the path's derivatives along each ``U``."""
        levels, cur = [Us], Us
        for k, pt in enumerate(self.path[i]):
            cur = self._J_many(pt, cur, keys if k == 0 else None)
            levels.append(cur)
        return levels

    def _backward(self, i, levels, keys, stop: int):
        """``[acc_stop]`` along each direction: ``acc_K = hess f_i(W_K)[U_K]``,
        ``acc_k = J_k acc_{k+1} - eta T_{g_i}(W_k)[U_k, z_{k+1}]`` down to ``k = stop``."""
        zs = self._zs(i)
        acc = self.f[i].hess_many(levels[-1])
        for k in range(self.steps - 1, stop - 1, -1):
            pt = self.path[i][k]
            third = pt.third_many(levels[k], zs[k + 1], keys if k == 0 else None,
                                  ("z", k + 1))
            acc = [a - self.bk.scale(self.eta, b) for a, b in
                   zip(self._J_many(pt, acc), third)]
        return acc

    def hess_many(self, Us, keys=None):
        """``[hess h(W)[U] for U in Us]`` (``r x d`` matrices)."""
        keys = keys if keys is not None else [None] * len(Us)
        sums = [None] * len(Us)
        for i, w in enumerate(self.weights):
            acc = self._backward(i, self._tangents(i, Us, keys), keys, 0)
            sums = [self.bk.scale(w, a) if s is None else s + self.bk.scale(w, a)
                    for s, a in zip(sums, acc)]
        return sums

    def hess_dense(self):
        """``hess h(W)`` as ``rd x rd`` rows (row-major ``vec`` of ``W``).

        The last step ``acc_0 = J_0 acc_1 - eta T_0[e_j, z_1]`` uses the dense
        ``J_0`` (its columns ``J_0 e_j`` are the first tangents, already computed):
        one ``rd x rd`` product instead of ``rd`` more Stein solve pairs."""
        bk = self.bk
        basis = bk.basis(*_shape(self.W))
        keys = [("e", k) for k in range(len(basis))]
        cols = lambda ms: bk.from_columns([bk.entries(m) for m in ms])
        total = None
        for i, w in enumerate(self.weights):
            levels = self._tangents(i, basis, keys)
            acc = self._backward(i, levels, keys, 1)
            third = self.path[i][0].third_many(basis, self._zs(i)[1], keys, ("z", 1))
            term = bk.scale(w, bk.mm(cols(levels[1]), cols(acc)) - bk.scale(self.eta, cols(third)))
            total = term if total is None else total + term
        return bk.rows(total)

    def hess(self, U, key=None):
        """``hess h(W)[U]`` (an ``r x d`` matrix)."""
        return self.hess_many([U], [key])[0]

    def direction_jacobian_many(self, method, Us, keys=None):
        """Derivative of the update direction of ``method`` along each ``U``:
        ``maml`` the Hessian of ``h``; ``fomaml`` ``sum_i w_i hess f_i(W_K)[U_K]``;
        ``reptile`` ``sum_i w_i (U - U_K) / (eta K)`` (not symmetric in general)."""
        if method == "maml":
            return self.hess_many(Us, keys)
        keys = keys if keys is not None else [None] * len(Us)
        c = 1 / (self.eta * self.steps)
        sums = [None] * len(Us)
        for i, w in enumerate(self.weights):
            UK = self._tangents(i, Us, keys)[-1]
            terms = self.f[i].hess_many(UK) if method == "fomaml" else \
                [self.bk.scale(c, U - V) for U, V in zip(Us, UK)]
            sums = [self.bk.scale(w, a) if s is None else s + self.bk.scale(w, a)
                    for s, a in zip(sums, terms)]
        return sums

    def direction(self, method):
        """The update direction of ``method`` (``maml``: ``grad h``)."""
        return {"maml": lambda: self.grad, "fomaml": lambda: self.fomaml_grad,
                "reptile": lambda: self.reptile_grad}[method]()

    def _dense(self, columns):
        basis = self.bk.basis(*_shape(self.W))
        cols = [self.bk.entries(c) for c in
                columns(basis, [("e", k) for k in range(len(basis))])]
        return [list(row) for row in zip(*cols)]

    def direction_jacobian_dense(self, method):
        """Jacobian of the update direction of ``method`` as ``rd x rd`` rows."""
        if method == "maml":
            return self.hess_dense()
        return self._dense(lambda B, k: self.direction_jacobian_many(method, B, k))

    def adaptation_hess_dense(self, i, k: int = 0):
        """``hess g_i(W_k)`` as ``rd x rd`` rows (for ``J_k`` and Theorem 2)."""
        return self._dense(lambda B, keys: self.path[i][k].hess_many(
            B, keys if k == 0 else None))


def _shape(W):
    return (W.nrows(), W.ncols()) if hasattr(W, "nrows") else W.shape


def in_domain(W, taskset, steps: int = 1) -> bool:
    """``W`` and every adapted ``W_k`` (``k <= steps``, each task) stabilizing, in
    floats (no certificate)."""
    W = np.atleast_2d(np.asarray(W, dtype=float))
    eta = float(taskset.eta)
    for t in taskset.float_tasks():
        A, B = t[0], t[1]
        V = W
        for _ in range(steps):
            if not is_stabilizing(V, A, B):
                return False
            V = V - eta * LQRPoint(FLOAT, t[:4], V, t[5]).grad
            if not np.all(np.isfinite(V)):
                return False
        if not is_stabilizing(V, A, B):
            return False
    return True


def maml_point(W, taskset, steps: int = 1):
    """Float :class:`MamlPoint` at ``W`` (``steps`` adaptation steps), or ``None``
    outside the domain."""
    W = np.atleast_2d(np.asarray(W, dtype=float))
    if not in_domain(W, taskset, steps):
        return None
    return MamlPoint(FLOAT, taskset.float_tasks(), [float(w) for w in taskset.weights],
                     float(taskset.eta), W, steps)


def maml_value(W, taskset, steps: int = 1) -> float:
    """``h(W)`` (``h_K`` for ``steps = K``) in floats, ``+inf`` outside the domain
    (``W`` or an iterate not stabilizing)."""
    p = maml_point(W, taskset, steps)
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
