"""One task: boxes decided by the chain rule, without the numerators of ``grad h``.

For one task, ``h(W) = f(F(W))`` with ``F(W) = W - eta grad g(W)`` (``g`` the
cost with the adaptation covariance, ``f`` with ``Sigma0``), so

    ``grad h(W) = J(W) grad f(F(W))``,   ``J(W) = I - eta hess g(W)`` (symmetric).

On a box ``X`` where ``W`` is proven stabilizing and ``J`` proven nonsingular
(inertia of the enclosure of ``J`` over ``X``), a stationary point of ``h`` in
the domain has ``grad f(F(W)) = 0`` with ``F(W)`` stabilizing, hence ``F(W) =
W*`` (the Riccati gain: the only stationary point of an LQR cost with
``Sigma0 > 0``, Fazel et al. 2018). The stationary points of ``h`` in ``X`` are
then the zeros of ``Phi(W) = F(W) - W*``, whose Jacobian is ``J``:

* ``F(X)`` (the mean-value form ``F(c) + J(X) (X - c)``, intersected with the
  direct enclosure, or the Taylor model of ``F`` preconditioned by the inverse of
  its linear part, :meth:`~symlqr.matrix.taylor.TaylorMatrix.misses`) misses the
  ball around ``W*`` (proven by Krawczyk on ``grad f``,
  :func:`~symlqr.matrix.boxes.newton_box`): **no stationary point**;
* Krawczyk's operator of ``Phi``, ``K = c - Y Phi(c) + (I - Y J(X)) (X - c)``,
  misses ``X``: none; lies in the interior of ``X``: exactly one, which
  :func:`~symlqr.matrix.certificate.certify_point` then certifies (its own
  Krawczyk box ``B`` on ``grad h`` holds one zero: the same one when ``B`` lies
  in ``X`` or ``K`` in ``B``).

FO-MAML's direction is ``grad f(F(W))`` itself: its zeros are those of ``Phi``
with no condition on ``J``; Krawczyk still needs ``J`` nonsingular, so both
methods run the same test. This is the certificate of
:func:`~symlqr.matrix.certificate._one_task_tests` (``global_by_chain_rule``)
applied to whole boxes; it needs no polynomial of degree 71 (``r d = 3``),
only Stein solves over the box in Taylor models (``J`` and ``F(X)``,
:func:`~symlqr.matrix.hypothesis_boxes._hessians`; :mod:`~symlqr.matrix.taylor`),
a few milliseconds per box. With the level, ``h = w C(F(W)) > L`` over the box
excludes it too. Where ``J`` is not proven nonsingular (near points where
``eta hess g`` has the eigenvalue 1: the spurious stationary points of ``h``),
``grad h = J grad f(F)`` in Taylor models excluding 0 (preconditioned likewise)
excludes the box, and else
the tests of :class:`~symlqr.matrix.direct_boxes.BoxRule` on ``grad h`` itself
(Krawczyk with the Taylor-model Hessian of ``h``); what they leave open is cut.
Where the first-order tests leave a box open, the same three exclusions run
once more in second-order models (:meth:`ChainRule.second_order`,
:mod:`~symlqr.matrix.taylor2`), at the box sizes where they pass often enough
(a :class:`~symlqr.matrix.look_ahead.Gate` set by the search): there the
first-order remainders, not the functions' curvature, left the box open.

>>> from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
>>> A = [["1/2", "1/10"], [0, "1/2"]]
>>> ts = MatrixTaskSet([MatrixTask(A, [[0], [1]], [[1, 0], [0, 1]], [[1]])], "1/100")
>>> rule = ChainRule.for_taskset(ts, "maml", 1)     # W* = [0.01749..., 0.27099...]
>>> rule.test([0.5, 0.5], [0.6, 0.6])[0]
'none'
>>> verdict, cert = rule.test([-0.1, 0.1], [0.1, 0.4])  # holds W*, and F(W*) = W*
>>> verdict, cert.type, bool(cert.global_by_chain_rule)
('one', 'min', True)
"""
from __future__ import annotations

from typing import Optional

import numpy as np
from flint import arb, arb_mat

from .boxes import ARB, newton_box
from .backend import FLOAT
from .hypothesis_boxes import _ball, _eye, _hessians
from .lqr import LQRPoint, hessian, optimal_gain
from .taylor import TAYLOR
from .taylor2 import TAYLOR2, gain_box2
from .direct_boxes import DIRECT_NONE, NOT_STABLE, SECOND_OPEN, BoxRule, krawczyk_verdict
from .look_ahead import SKIPPED
from .validated import certify_stable_gains, inertia, to_float

__all__ = ["ChainRule", "CHAIN_NONE", "CHAIN_PRODUCT", "CHAIN_KRAWCZYK_NONE", "DIRECT_NONE",
           "NOT_STABLE", "CHAIN_ABOVE"]

CHAIN_NONE = ("grad h != 0 (one task, chain rule): F(W) = W - eta grad g(W) misses W* and "
              "I - eta hess g is nonsingular on the box")
CHAIN_PRODUCT = ("grad h != 0 (one task, chain rule): J(X) grad f(F(X)) excludes 0, "
                 "J = I - eta hess g and grad f(F) in Taylor models over the box")
CHAIN_ABOVE = ("h > L on the box (one task): h = w C(F(W)) in Taylor models over the box, "
               "F(X) proven stabilizing")
SINGULAR = "I - eta hess g not proven nonsingular on the box"
CHAIN_KRAWCZYK_NONE = ("grad h != 0 (one task, chain rule): I - eta hess g nonsingular on the "
                       "box and Krawczyk's operator of F(W) - W* misses the box")


class ChainRule(BoxRule):
    """The test of the module docstring for one task; ``None`` from
    :meth:`for_taskset` where it does not apply."""

    def __init__(self, taskset, method, star: arb_mat, level=None):
        super().__init__(taskset, method, level)
        self.star = star.entries()
        self.float_task = [np.array(getattr(taskset.tasks[0], k), dtype=float)
                           for k in ("A", "B", "Q", "R", "Sigma0a")]
        self.first = None         # a Gate on the first-order tests (set by the search)

    @staticmethod
    def applies(taskset, method: str = "maml", steps: int = 1) -> bool:
        """One task, one step, MAML or FO-MAML, ``Sigma0 > 0``: where the rule is
        defined (:meth:`for_taskset` then also needs ``W*`` enclosed)."""
        return (len(taskset.tasks) == 1 and int(steps) == 1 and method in ("maml", "fomaml")
                and bool(taskset.tasks[0].definite))

    @classmethod
    def for_taskset(cls, taskset, method: str = "maml", steps: int = 1,
                    level=None) -> Optional["ChainRule"]:
        """The rule for one task, one step, MAML or FO-MAML, ``Sigma0 > 0``
        (``grad f = 0`` forces ``W*``), with ``W*`` enclosed; else ``None``. ``level``:
        ``L`` for the level test (:meth:`_above`), ``None`` for none."""
        if not cls.applies(taskset, method, steps):
            return None
        t = taskset.tasks[0]
        A, B, Q, R, S0 = (ARB.asmat(getattr(t, k)) for k in ("A", "B", "Q", "R", "Sigma0"))
        Af, Bf, Qf, Rf, Sf = (to_float(x) for x in (A, B, Q, R, S0))
        try:
            Wf = optimal_gain(Af, Bf, Qf, Rf)
            Yf = np.linalg.inv(np.array(LQRPoint(FLOAT, (Af, Bf, Qf, Rf), Wf, Sf).hess_dense()))
        except (np.linalg.LinAlgError, ValueError):
            return None

        def jac(X):
            if not certify_stable_gains(A, B, X):
                return "stabilization of the box around W* is not proven"
            p = LQRPoint(ARB, (A, B, Q, R), X, S0)
            return arb_mat(p.hess_dense()), p
        got = newton_box(Wf, Yf, lambda W: LQRPoint(ARB, (A, B, Q, R), W, S0), jac)
        return None if isinstance(got, str) else cls(taskset, method, got[0], level)

    def test(self, lo, hi) -> tuple:
        """``("none", reason)``, ``("one", certificate)`` or ``("open", why)`` for
        the box ``[lo, hi]`` (row-major float ends): the chain rule, its
        exclusions once more in second-order models where :attr:`second` is set
        (:meth:`second_chance`), then, where the box is still open with ``W``
        proven stabilizing on it, :meth:`direct`;
        where the rule failed only because ``J`` is not proven nonsingular,
        :meth:`direct` is tried only when a float Newton step from the centre
        stays near the box (:meth:`zero_nearby`): in a 120 s run on the 3 x 1
        example it decided 5 of 3,516 such boxes (31.5 s), its children are
        decided by the chain rule's product test instead.

        Where :attr:`first` is set (a :class:`~symlqr.matrix.look_ahead.Gate` on
        ``OneTest(first_order)``), the first-order tests are skipped at box sizes where
        they rarely pass: then only ``W``'s stability is proven (corners) and the
        box goes to the second-order tests, treated as if ``J`` were not proven
        nonsingular. On the 3 x 1 example below ``2^-8`` of the first box they
        passed in about 3% of their calls, the second-order ones after them in
        about half; 600 s of the whole search, one run each, back to back:
        23,264 boxes and 4.06e-4 of the volume left with the gate, 20,677 and
        6.87e-4 without (300 s: the same, 1.965e-3 either way)."""
        known = self.known(lo, hi)
        if known is not None:
            return known
        got = self.first.test(lo, hi) if self.first is not None else self._chain(lo, hi)
        if got == ("open", SKIPPED):           # sizes where they rarely pass: W's proof only
            r, d = self.shape
            A, B = self.tasks[0][:2]
            got = ("open", SINGULAR if certify_stable_gains(A, B, _ball(lo, hi, r, d))
                   else NOT_STABLE)
        got = self.second_chance(lo, hi, got)
        if got[0] == "open" and got[1] != NOT_STABLE and (
                got[1] != SINGULAR or self.zero_nearby(lo, hi)):
            other = self.direct(lo, hi)
            if other[0] != "open":
                return other
        return got

    def first_order(self, lo, hi) -> tuple:
        """The chain rule's tests in first-order models alone: ``("none", reason)``,
        ``("one", certificate)`` or ``("open", why)``."""
        return self._chain(lo, hi)

    def _chain(self, lo, hi) -> tuple:
        r, d = self.shape
        n = r * d
        X = _ball(lo, hi, r, d)
        models: list = []
        got = _hessians(self.tasks[:1], X, self.eta, models)
        if got is None:
            return "open", NOT_STABLE
        H, Fd = got[0]
        J = _eye(n) - H * self.eta
        c = arb_mat(r, d, [arb(x.mid()) for x in X.entries()])
        A, B, Q, R, _, S0a = self.tasks[0]
        try:
            Fc = (c - LQRPoint(ARB, (A, B, Q, R), c, S0a).grad * self.eta).entries()
        except (ZeroDivisionError, ValueError):
            return "open", "a Stein system at the centre not proven nonsingular"
        dX = [x - m for x, m in zip(X.entries(), c.entries())]
        F = []
        for i, direct in enumerate(Fd.entries()):
            mv = Fc[i] + sum((J[i, k] * dX[k] for k in range(n)), arb(0))
            F.append(mv.intersection(direct) if mv.overlaps(direct) else mv)
        regular = inertia(J) is not None
        misses = any(not f.overlaps(s) for f, s in zip(F, self.star))
        if (regular or self.method == "fomaml") and (
                misses or (models and models[0][1].misses(self.star))):
            return "none", CHAIN_NONE          # F(W) != W*, so grad h = J grad f(F(W)) != 0
        needed = models and (self.level is not None or not regular)
        outer = self._outer(*models[0]) if needed else None
        if outer is not None and self._above(outer):
            return "none", CHAIN_ABOVE
        if not regular:
            if outer is not None and outer[2].misses():
                return "none", CHAIN_PRODUCT
            return "open", SINGULAR
        return self._krawczyk(X, c, Fc, J, lo, hi)

    def second_order(self, lo, hi) -> tuple:
        """The chain rule's exclusions in second-order models
        (:mod:`~symlqr.matrix.taylor2`): ``("none", reason)`` or ``("open",
        SECOND_OPEN)``; the first-order tests' reasons (the same proofs on
        tighter enclosures)."""
        r, d = self.shape
        A, B, Q, R, S0, S0a = self.tasks[0]
        W = gain_box2(list(lo), list(hi), r, d)
        try:
            g = LQRPoint(TAYLOR2, (A, B, Q, R), W, S0a)
            J = _eye(r * d) - arb_mat(g.hess_dense()) * self.eta
            F = W - g.grad * self.eta
            regular = inertia(J) is not None
            if (regular or self.method == "fomaml") and F.misses(self.star):
                return "none", CHAIN_NONE
            f = LQRPoint(TAYLOR2, (A, B, Q, R), F, S0)
            if self._above((F.range(), f.cost * self.weights[0], None)):
                return "none", CHAIN_ABOVE
            gf = f.grad
            direction = gf if self.method == "fomaml" else gf - g.hess(gf) * self.eta
            if direction.misses():
                return "none", CHAIN_PRODUCT
        except (ZeroDivisionError, ValueError, np.linalg.LinAlgError):
            pass
        return "open", SECOND_OPEN

    def _outer(self, g, F):
        """``(F(X), h, the direction's model)`` over the box from the Taylor models
        of ``g`` at ``W`` and of ``F(W)`` (:mod:`~symlqr.matrix.taylor`: the
        linear part in ``W`` exact, so ``grad h = J grad f(F) = grad f(F) - eta
        hess g[grad f(F)]`` is not the product of two wide enclosures); ``None``
        where a Stein solve over ``F(X)`` is not proven nonsingular."""
        A, B, Q, R, S0, _ = self.tasks[0]
        try:
            f = LQRPoint(TAYLOR, (A, B, Q, R), F, S0)
            gf = f.grad
            direction = gf if self.method == "fomaml" else gf - g.hess(gf) * self.eta
            return F.range(), f.cost * self.weights[0], direction
        except (ZeroDivisionError, ValueError, np.linalg.LinAlgError):
            return None

    def above(self, lo, hi) -> bool:
        """``h > L`` proven on the box ``[lo, hi]`` (:meth:`_above` on the Taylor
        models over it); ``False`` where it is not proven."""
        r, d = self.shape
        models: list = []
        if _hessians(self.tasks[:1], _ball(lo, hi, r, d), self.eta, models) is None or not models:
            return False
        outer = self._outer(*models[0])
        return outer is not None and self._above(outer)

    def _above(self, outer) -> bool:
        """``h = w C(F(W)) > L`` on the box: ``A - B F`` proven Schur stable on the
        enclosure of ``F(X)`` and ``h``'s Taylor model above ``L``."""
        if self.level is None:
            return False
        F, h, _ = outer
        A, B = self.tasks[0][:2]
        return bool(certify_stable_gains(A, B, F) and h > ARB.scalar(self.level))

    def _krawczyk(self, X, c, Fc, J, lo, hi) -> tuple:
        phi = [f - s for f, s in zip(Fc, self.star)]
        return self._verdict(krawczyk_verdict(X, c, phi, J, lo, hi), CHAIN_KRAWCZYK_NONE)

    def split_scores(self, lo, hi) -> Optional[np.ndarray]:
        """Per side of the box: how much ``F`` can change across it,
        ``sum_i |dF_i/dw_k(c)| w_k`` in floats (the smear rule on ``F``; only the
        order of cuts); ``None`` where ``W`` at the centre is not stabilizing."""
        A, B, Q, R, S = self.float_task
        r, d = self.shape
        c = (0.5 * (np.asarray(lo) + np.asarray(hi))).reshape(r, d)
        if np.max(np.abs(np.linalg.eigvals(A - B @ c))) >= 1:
            return None
        try:
            Jc = np.eye(r * d) - float(self.taskset.eta) * hessian(c, A, B, Q, R, S)
        except (np.linalg.LinAlgError, ValueError):
            return None
        score = np.abs(Jc).sum(axis=0) * (np.asarray(hi) - np.asarray(lo))
        return score if np.all(np.isfinite(score)) else None
