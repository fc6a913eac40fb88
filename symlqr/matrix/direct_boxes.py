"""Boxes decided by Taylor models of ``h`` and ``grad h``, for any number of tasks.

Over a box ``X`` of gains with ``W`` proven stabilizing for every task
(:func:`~symlqr.matrix.validated.certify_stable_gains`), the MAML point in
first-order Taylor models (:mod:`~symlqr.matrix.taylor`: every Stein solve of
``g_i`` at ``W`` and of ``f_i`` at ``F_i(W) = W - eta grad g_i(W)``, linear part in
``W`` exact) encloses, for every ``W`` in ``X``:

* ``h(W) = sum_i w_i C_i(F_i(W))``: above the level ``L`` with every ``F_i(X)``
  proven stabilizing, **the box is excluded** (``h > L``);
* the update direction (``grad h``; FO-MAML's, Reptile's): excluding 0 in some
  component, **no stationary point** (the Stein systems are proven nonsingular
  over the box, so the formula is the direction at every domain point of it);
* where a Stein solve at ``F_i(X)`` is not proven nonsingular: the closed loop
  ``A_i - B_i F_i`` proven unstable on the box, or outside ``{h <= L}``, by the
  domain's and level's necessary conditions on the model of ``F_i``
  (:mod:`~symlqr.matrix.adapted_boxes`), **the box is excluded**;
* where these leave the box open, the same two tests in second-order models
  (:meth:`BoxRule.second_order`, behind a gate set by the search);
* else Krawczyk's operator with the direction's Jacobian over ``X`` (the
  Hessian of ``h`` in Taylor models, its range) and the direction at the centre
  (Arb): it misses ``X`` (none) or lies inside (one zero, which
  :func:`~symlqr.matrix.certificate.certify_point` then certifies);
* where it does neither and float Newton steps from the centre converge in or
  next to ``X`` (:meth:`BoxRule.inner`): the zero there certified, and
  Krawczyk's operator in second-order models (:mod:`~symlqr.matrix.taylor2`)
  on boxes around it, from one holding ``X`` down by halves, proves the largest
  box ``U`` in which it is the only zero. The search then cuts ``U`` out of
  ``X`` (Kearfott's box complement, :func:`~symlqr.branch.splitting.complement`):
  ``X`` within ``U`` is found (the zero inside ``X``) or excluded (the zero
  outside it), and the pieces around go on. The rule keeps the zeros so
  proven (:meth:`BoxRule.known`) for the boxes that come later. Bisection
  alone chases a zero for ever: a zero near the cut lies on the face of both
  halves, and in ``n`` dimensions all ``2^n`` boxes around it fail.

No polynomial is expanded, so the cost does not grow with the degree of the
numerators of ``grad h`` (71 for one 3 x 1 task, about twice that for two): a
few to a few tens of milliseconds a box. One task has the sharper chain rule
(:mod:`~symlqr.matrix.chain_boxes`), which builds on this rule.

>>> from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
>>> A = [["1/2", "1/10"], [0, "1/2"]]
>>> ts = MatrixTaskSet([MatrixTask(A, [[0], [1]], [[1, 0], [0, 1]], [[1]]),
...                     MatrixTask(A, [[0], [1]], [[2, 0], [0, 1]], [[1]])], "1/100")
>>> rule = BoxRule.for_taskset(ts)
>>> rule.test([0.5, 0.5], [0.6, 0.6])[0]
'none'
>>> verdict, cert = rule.test([-0.02, 0.22], [0.08, 0.32])   # the global minimum
>>> verdict, cert.type, [round(float(w), 4) for w in cert.W[0]]
('one', 'min', [0.0261, 0.2737])
"""
from __future__ import annotations

from typing import Optional

import numpy as np
from flint import arb, arb_mat

from .adapted_boxes import AdaptedTest
from .boxes import ARB
from .hypothesis_boxes import _ball, _eye, _tasks
from .objective import MamlPoint, maml_point
from .taylor import TAYLOR, gain_box
from .taylor2 import TAYLOR2, gain_box2
from .validated import certify_stable_gains

__all__ = ["BoxRule", "NOT_STABLE", "SECOND_OPEN", "DIRECT_NONE", "DIRECT_GRAD", "IN_UNIQUE",
           "peel_ends", "DIRECT_ABOVE"]

NOT_STABLE = "W not proven stabilizing on the box"
DIRECT_NONE = ("grad h != 0: Krawczyk's operator of grad h (Taylor models over the box) "
               "misses the box")
DIRECT_GRAD = "grad h != 0: grad h enclosed over the box by Taylor models excludes 0"
SECOND_OPEN = "not decided in second-order Taylor models either"
DIRECT_ABOVE = ("h > L on the box: h enclosed over the box by Taylor models, every F_i(X) "
                "proven stabilizing")
INFLATE = 6       # uniqueness boxes tried around a zero: X's half-widths over 2^k, k < INFLATE
IN_UNIQUE = ("grad h != 0: inside the box where Krawczyk's operator proves a certified zero "
             "unique, and that zero lies outside this box")


def krawczyk_verdict(X, c, g0, J, lo, hi):
    """Krawczyk's operator ``K = c - Y g(c) + (I - Y J(X)) (X - c)`` (``Y`` the
    float inverse of the midpoint of ``J``) on the box with float ends ``lo``,
    ``hi`` (``X`` their hull, rounded outward; ``J`` enclosing the Jacobian on
    ``[lo, hi]``): ``"none"`` when ``K`` misses ``X``; ``(K, ends)`` (``ends``
    the float pairs ``(lo_k, hi_k)``) when ``K`` lies inside ``(lo, hi)`` itself
    (by inclusion isotonicity the operator of ``[lo, hi]`` lies in ``K``, so
    exactly one zero is proven in ``[lo, hi]``, the box the search reports, and
    it lies in ``K``); else the reason."""
    n = len(g0)
    mid = np.array([[float(J[i, k].mid()) for k in range(n)] for i in range(n)])
    if not np.all(np.isfinite(mid)):
        return "the Jacobian over the box is not finite"
    try:
        Y = arb_mat(np.linalg.inv(mid).tolist())
    except np.linalg.LinAlgError:
        return "the midpoint of the Jacobian is singular"
    dX = arb_mat(n, 1, [x - m for x, m in zip(X.entries(), c.entries())])
    K = arb_mat(n, 1, c.entries()) - Y * arb_mat(n, 1, list(g0)) + (_eye(n) - Y * J) * dX
    xs, ks = X.entries(), K.entries()
    if any(not k.overlaps(x) for k, x in zip(ks, xs)):
        return "none"
    ends = [(float(a), float(b)) for a, b in zip(lo, hi)]
    if all(k > arb(a) and k < arb(b) for k, (a, b) in zip(ks, ends)):
        return ks, ends
    return "Krawczyk's operator not inside the box"


def _against(cert, lo, hi) -> Optional[tuple]:
    """:meth:`BoxRule.known` for one certificate (exact float comparisons)."""
    Z, U = cert.zero_box, cert.unique_box
    if not all(ul < b and a < uh for (ul, uh), a, b in zip(U, lo, hi)):
        return None                                   # no volume in common
    if not all(ul < zl and zh < uh for (ul, uh), (zl, zh) in zip(U, Z)):
        return None                                   # (not met: K lies inside U)
    if all(a < zl and zh < b for (zl, zh), a, b in zip(Z, lo, hi)):
        if all(ul <= a and b <= uh for (ul, uh), a, b in zip(U, lo, hi)):
            return "one", cert
        return "inner", cert
    if any(zh < a or b < zl for (zl, zh), a, b in zip(Z, lo, hi)):
        if all(ul <= a and b <= uh for (ul, uh), a, b in zip(U, lo, hi)):
            return "none", IN_UNIQUE
        return "around", cert
    return None                                       # the zero on the box's face


SLIVER = 1 / 16   # pieces of a box cut around a unique box: at least this share of its side


def peel_ends(cert, lo, hi) -> Optional[list]:
    """Where to cut the box ``[lo, hi]`` around the ``unique_box`` ``U`` of
    ``cert`` (a verdict ``"inner"`` or ``"around"`` of :func:`_against`): per
    side the ends of ``U``, moved inward (into ``U``) where the piece outside
    would be thinner than :data:`SLIVER` of the box's side (a sliver is a box
    no test decides and that the search cuts down to the finest width); None
    where a cut would pass within that distance of the certified zero (a
    piece touching the zero is no better than a bisection through it: the
    box is then bisected as before). The box within the returned ends lies in
    ``U``, and holds the zero exactly when the box did.

    >>> class C: unique_box, zero_box = [(0.0, 1.0)], [(0.5, 0.5)]
    >>> class D: unique_box, zero_box = [(0.0, 0.52)], [(0.5, 0.5)]
    >>> peel_ends(C, [-0.01], [3.0]), peel_ends(D, [-1.0], [3.0])   # D: a cut 0.02 from z
    ([(0.17812499999999998, 1.0)], None)
    """
    out = []
    for (ul, uh), (zl, zh), a, b in zip(cert.unique_box, cert.zero_box, lo, hi):
        a, b = float(a), float(b)
        least = SLIVER * (b - a)
        c0, c1 = max(ul, a), min(uh, b)
        if a < c0 < a + least:
            c0 = a + least
        if b - least < c1 < b:
            c1 = b - least
        if not c0 < c1:
            return None
        for c in [x for x, cut in ((c0, c0 > a), (c1, c1 < b)) if cut]:
            if zl - least < c < zh + least:
                return None
        out.append((c0, c1))
    return out


def same_zero(cert, ks, ends) -> bool:
    """Whether the certified zero of ``cert`` is the one zero proven in the box
    with float ends ``ends`` (pairs ``(lo, hi)``) with Krawczyk's operator
    ``ks``: the certificate's ``zero_box`` (where its zero lies) inside the box,
    or ``ks`` inside its ``unique_box`` (where no other zero lies); decided on
    exact ends."""
    if cert.zero_box is None or cert.unique_box is None:
        return False
    return all(a <= zl and zh <= b for (zl, zh), (a, b) in zip(cert.zero_box, ends)) or \
        all(k > arb(ul) and k < arb(uh) for k, (ul, uh) in zip(ks, cert.unique_box))


class BoxRule:
    """The tests of the module docstring (one adaptation step; MAML, FO-MAML or
    Reptile): :meth:`test` gives ``("none", reason)``, ``("one", certificate)``
    or ``("open", why)`` for a box."""

    def __init__(self, taskset, method: str = "maml", level=None):
        self.taskset, self.method = taskset, method
        self.shape = taskset.shape
        self.tasks = _tasks(taskset)
        self.eta = ARB.scalar(taskset.eta)
        self.weights = [ARB.scalar(x) for x in taskset.weights]
        self.level = level         # L: boxes with h > L proven are excluded too
        self.adapted = AdaptedTest(taskset, level)
        self.second = None        # tests in second-order models after the first-order ones
        self.zeros: list = []     # certificates whose zero_box and unique_box are known
        self.failed: list = []    # float zeros whose certificate failed (not tried again)
        self.peel = True          # look for a zero's unique box in open boxes (inner)

    @staticmethod
    def applies(taskset, method: str = "maml", steps: int = 1) -> bool:
        """One adaptation step (the Taylor models of ``W_K`` for ``K > 1`` are
        not built here)."""
        return int(steps) == 1 and method in ("maml", "fomaml", "reptile")

    @classmethod
    def for_taskset(cls, taskset, method: str = "maml", steps: int = 1,
                    level=None) -> Optional["BoxRule"]:
        return cls(taskset, method, level) if cls.applies(taskset, method, steps) else None

    def test(self, lo, hi) -> tuple:
        """:meth:`known` zeros, :meth:`direct`, then where it leaves the box open
        with ``W`` proven stabilizing, :attr:`second` (second-order models) when set."""
        return self.known(lo, hi) or self.second_chance(lo, hi, self.direct(lo, hi))

    def known(self, lo, hi) -> Optional[tuple]:
        """The verdict of a zero certified before (:meth:`inner`) on the box:
        ``("one"/"inner", certificate)`` when its ``zero_box`` lies inside the
        box; where it lies outside, ``("none", IN_UNIQUE)`` for a box inside its
        ``unique_box`` and ``("around", certificate)`` for a box that meets it
        (no zero in their intersection: the search cuts it out); else None."""
        for cert in self.zeros:
            got = _against(cert, lo, hi)
            if got is not None:
                return got
        return None

    def second_chance(self, lo, hi, got) -> tuple:
        """``got``, or the exclusion of :attr:`second` (a
        :class:`~symlqr.matrix.look_ahead.Gate` on :meth:`second_order`, set by
        the search) where ``got`` left the box open with ``W`` proven stabilizing."""
        if got[0] == "open" and got[1] != NOT_STABLE and self.second is not None:
            second = self.second.test(lo, hi)
            if second[0] == "none":
                return second
        return got

    def second_order(self, lo, hi) -> tuple:
        """The level and direction tests of :meth:`direct` in second-order Taylor
        models (:mod:`~symlqr.matrix.taylor2`; the direction's exclusion
        preconditioned by its linear part): ``("none", reason)`` or ``("open",
        SECOND_OPEN)``. On the 3 x 1 chain with two tasks (``Q = I``, ``2 I``) it
        excluded 12 of 16 random boxes that the first-order tests left open,
        at 22 ms a box against 9.5 ms."""
        r, d = self.shape
        try:
            p = MamlPoint(TAYLOR2, self.tasks, self.weights, self.eta,
                          gain_box2(list(lo), list(hi), r, d), 1)
            if self.level is not None and p.h > ARB.scalar(self.level) and all(
                    certify_stable_gains(t[0], t[1], F.range()) for t, F in zip(self.tasks, p.F)):
                return "none", DIRECT_ABOVE
            if p.direction(self.method).misses():
                return "none", DIRECT_GRAD
        except (ZeroDivisionError, ValueError, np.linalg.LinAlgError):
            pass
        return "open", SECOND_OPEN

    def direct(self, lo, hi) -> tuple:
        """The level, the direction's range, then Krawczyk (module docstring)."""
        r, d = self.shape
        X = _ball(lo, hi, r, d)
        if not all(certify_stable_gains(t[0], t[1], X) for t in self.tasks):
            return "open", NOT_STABLE
        try:
            pX = MamlPoint(TAYLOR, self.tasks, self.weights, self.eta, gain_box(lo, hi, r, d), 1)
            if self.level is not None and pX.h > ARB.scalar(self.level) and all(
                    certify_stable_gains(t[0], t[1], F.range()) for t, F in zip(self.tasks, pX.F)):
                return "none", DIRECT_ABOVE
            if any(not x.contains(0) for x in pX.direction(self.method).entries()):
                return "none", DIRECT_GRAD
            verdict = self._krawczyk_with(pX, X, lo, hi)
        except (ZeroDivisionError, ValueError, np.linalg.LinAlgError):
            why = self.adapted.outside(lo, hi)      # F_i(X) reaches unstable gains?
            if why is not None:
                return "none", why
            return "open", "a Stein system over the box not proven nonsingular"
        got = self._verdict(verdict, DIRECT_NONE)
        if got[0] == "open" and self.peel and self.zero_nearby(lo, hi):
            return self.inner(lo, hi) or got
        return got

    def inner(self, lo, hi) -> Optional[tuple]:
        """A zero of the direction inside the box, with the largest box around it
        proven to hold no other (module docstring): ``("inner", certificate)``,
        its ``unique_box`` that box and its ``zero_box`` (inside it and inside
        the open box ``X``) where the zero lies; ``("one", certificate)`` when
        that box holds all of ``X``; else None. Float Newton steps only choose
        where to look (:func:`~symlqr.matrix.certificate.polish`); the zero is
        certified by :func:`~symlqr.matrix.certificate.certify_point` and the
        box by Krawczyk's operator, which proves the zero in it unique; the
        certified zero lies in it, so they are the same.

        >>> from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
        >>> ts = MatrixTaskSet([MatrixTask([["1/2"]], [[1]], [[1]], [[1]])], "1/100")
        >>> verdict, cert = BoxRule(ts).inner([0.0], [0.3])    # W* = 0.2656...
        >>> verdict, cert.type, 0.0 < cert.unique_box[0][0] < cert.zero_box[0][0] < 0.27 < cert.unique_box[0][1]
        ('inner', 'min', True)
        """
        from .certificate import certify_point, polish
        r, d = self.shape
        lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
        half = 0.5 * (hi - lo)
        z, _ = polish((lo + half).reshape(r, d), self.taskset, method=self.method)
        # a zero inside the box or next to it (then its unique box is cut out of
        # this one), not known yet, and not one whose certificate failed before
        if z is None or not np.all(np.abs(z.reshape(-1) - lo - half) <= 2 * half) or any(
                all(a <= x <= b for (a, b), x in zip(c.unique_box, z.reshape(-1)))
                for c in self.zeros) or \
                any(np.allclose(z.reshape(-1), f, rtol=1e-9, atol=1e-12) for f in self.failed):
            return None
        try:
            cert = certify_point(z, self.taskset, method=self.method)
        except (ZeroDivisionError, np.linalg.LinAlgError, ValueError):
            cert = None
        if cert is None or not (cert.exists_unique and cert.stabilizing) or cert.zero_box is None:
            self.failed.append(z.reshape(-1))
            return None
        Z = cert.zero_box
        w = np.array(cert.W, dtype=float).reshape(-1)
        U = self._uniqueness_box(w, np.maximum(np.abs(w - lo), np.abs(hi - w)))
        if U is not None and all(ul < zl and zh < uh for (ul, uh), (zl, zh) in zip(U, Z)):
            cert.unique_box = U
        self.zeros.append(cert)
        return _against(cert, lo, hi)

    def _uniqueness_box(self, w, half) -> Optional[list]:
        """The float ends of the largest box ``w +- half / 2^k`` (``k <
        INFLATE``; ``half`` first covers the whole box ``X``) on which
        Krawczyk's operator of the direction, with its Jacobian in second-order
        Taylor models, lies inside the box: the direction has exactly one zero
        there. None if none passes."""
        r, d = self.shape
        for k in range(INFLATE):
            rho = half / 2.0 ** k
            a, b = w - rho, w + rho
            try:
                pX = MamlPoint(TAYLOR2, self.tasks, self.weights, self.eta,
                               gain_box2(list(a), list(b), r, d), 1)
                verdict = self._krawczyk_with(pX, _ball(a, b, r, d), a, b)
            except (ZeroDivisionError, ValueError, np.linalg.LinAlgError):
                continue
            if isinstance(verdict, tuple):
                return verdict[1]
        return None

    def _krawczyk_with(self, pX, X, lo, hi):
        """:func:`krawczyk_verdict` on ``[lo, hi]`` (``X`` its hull) with the
        direction's Jacobian over the box from the model point ``pX`` (first- or
        second-order Taylor models) and the direction at ``X``'s centre in Arb."""
        r, d = self.shape
        JX = arb_mat(pX.direction_jacobian_dense(self.method))
        c = arb_mat(r, d, [arb(x.mid()) for x in X.entries()])
        g0 = MamlPoint(ARB, self.tasks, self.weights, self.eta, c, 1).direction(self.method)
        return krawczyk_verdict(X, c, g0.entries(), JX, lo, hi)

    def _verdict(self, got, none_reason) -> tuple:
        if isinstance(got, str):
            return ("none", none_reason) if got == "none" else ("open", got)
        return self._certify(*got)

    def _certify(self, ks, xs) -> tuple:
        from .certificate import certify_point
        r, d = self.shape
        W = np.array([float(k.mid()) for k in ks]).reshape(r, d)
        try:
            cert = certify_point(W, self.taskset, method=self.method)
        except (ZeroDivisionError, np.linalg.LinAlgError, ValueError) as exc:
            return "open", f"the point's certificate failed: {type(exc).__name__}"
        if not (cert.exists_unique and cert.stabilizing):
            return "open", "the point's certificate failed: " + "; ".join(cert.reasons)
        # the box holds one zero (in K); the certificate's zero lies in its zero_box
        # and is the only one in its unique_box: they are the same zero when the
        # zero_box lies in the box, or K in the unique_box
        if same_zero(cert, ks, xs):
            return "one", cert
        return "open", "the point's Krawczyk box and the box hold the zero apart"

    def zero_nearby(self, lo, hi, reach: float = 2.0) -> bool:
        """Whether a float Newton step of the direction from the box's centre
        lands within ``reach`` half-widths of the centre on every side (or the
        step cannot be taken). Only chooses where :meth:`direct` is worth its
        cost (Krawczyk proves a zero only where Newton converges); never a proof.

        >>> from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
        >>> ts = MatrixTaskSet([MatrixTask([["1/2"]], [[1]], [[1]], [[1]])], "1/100")
        >>> rule = BoxRule(ts)
        >>> rule.zero_nearby([0.2], [0.3]), rule.zero_nearby([0.6], [0.7])   # W* = 0.2656...
        (True, False)
        """
        r, d = self.shape
        lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
        c = 0.5 * (lo + hi)
        try:
            p = maml_point(c.reshape(r, d), self.taskset)
            if p is None:
                return True
            g = np.asarray(p.direction(self.method), dtype=float).reshape(-1)
            J = np.asarray(p.direction_jacobian_dense(self.method), dtype=float)
            step = np.linalg.solve(J, -g)
        except (np.linalg.LinAlgError, ValueError, FloatingPointError, ZeroDivisionError):
            return True
        if not np.all(np.isfinite(step)):
            return True
        return bool(np.all(np.abs(step) <= reach * 0.5 * (hi - lo)))

    def split_scores(self, lo, hi) -> Optional[np.ndarray]:
        """Per side of the box: how much ``grad h`` can change across it,
        ``sum_i |d grad h_i / dw_k(c)| w_k`` with the float Hessian of ``h`` at the
        centre (only the order of cuts); ``None`` outside the domain."""
        r, d = self.shape
        c = (0.5 * (np.asarray(lo) + np.asarray(hi))).reshape(r, d)
        try:
            p = maml_point(c, self.taskset)
            H = None if p is None else np.array(p.hess_dense())
        except (np.linalg.LinAlgError, ValueError, FloatingPointError):
            return None
        if H is None:
            return None
        score = np.abs(H).sum(axis=0) * (np.asarray(hi) - np.asarray(lo))
        return score if np.all(np.isfinite(score)) else None
