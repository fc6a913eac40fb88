"""The one-parameter family ``h(W; p) = sum_i w_i C_i(F_i(W; p); p)`` as exact
polynomials in QQ[W, p], and its interval evaluation.

    eta     F_i(W; p) = W - p C_i'(W)                      (the step size)
    scale   the last task's Q and R multiplied by p           (Figure 2's "identical tasks")
    delta   task_i(p) = t_1 + p (t_i - t_1), componentwise   (Proposition 3's task spread)

``dh/dW = N(W, p) / M(W, p)`` with ``N`` in QQ[W, p] (:attr:`Family.numerator`,
factored into irreducibles), the domain cut out by the walls ``g_l(W, p)``
(stability of ``W`` and of every ``F_i``), and ``h`` with its derivative in
``p`` enclosed on boxes by interval arithmetic (forward mode).

>>> from symlqr.tasks import figure
>>> fam = Family(figure("fig1"), "eta")
>>> fam.taskset_at(Fraction(1, 10)).eta
Fraction(1, 10)
"""
from __future__ import annotations

from fractions import Fraction
from typing import Optional

import flint
from mpmath import iv
from mpmath.libmp import fone, fzero, from_int, mpf_gt, mpf_le, mpf_lt
from mpmath.libmp.libmpi import mpi_add, mpi_div, mpi_mul, mpi_sub

from ..exact.ratfunc import to_fmpq, to_fraction
from ..scalar import closed_forms as cf
from ..exact.realroots import iv_from_fraction
from ..tasks import InputError, Task, TaskSet
from .eliminate import as_fmpq_poly, eliminant
from .bivariate import CTX, P, W, at_p, at_w, coeffs_in_w, const, deg_w, in_p, irreducible

__all__ = ["PARAMETERS", "Family", "check_range"]

#: The parameters that can be varied.
PARAMETERS = ("eta", "scale", "delta")

_FIELDS = ("A", "B", "Q", "R", "s0", "s0a")
# the closed forms in _build / value_interval use these short names
_CTX, _W, _P, _const, _in_p = CTX, W, P, const, in_p
_at_p, _at_w, _coeffs_in_w, _deg_w, _irreducible = at_p, at_w, coeffs_in_w, deg_w, irreducible


class _Bi:
    """``num / den`` with ``num, den`` in QQ[W, p], reduced by their gcd."""

    __slots__ = ("num", "den")

    def __init__(self, num, den=None, reduce: bool = True):
        den = _const(1) if den is None else den
        if reduce:
            g = num.gcd(den)
            if not g.is_one() and not g.is_zero():
                num, den = num / g, den / g
        self.num, self.den = num, den

    def __add__(self, o):
        o = o if isinstance(o, _Bi) else _Bi(o)
        if self.den == o.den:
            return _Bi(self.num + o.num, self.den)
        return _Bi(self.num * o.den + o.num * self.den, self.den * o.den)

    def __neg__(self):
        return _Bi(-self.num, self.den, reduce=False)

    def __sub__(self, o):
        return self + (-(o if isinstance(o, _Bi) else _Bi(o)))

    def __rsub__(self, o):
        return _Bi(_const(o)) - self

    def __mul__(self, o):
        o = o if isinstance(o, _Bi) else _Bi(o)
        return _Bi(self.num * o.num, self.den * o.den)

    def __truediv__(self, o):
        o = o if isinstance(o, _Bi) else _Bi(o)
        return _Bi(self.num * o.den, self.den * o.num)

    def dW(self) -> "_Bi":
        return _Bi(self.num.derivative("W") * self.den - self.num * self.den.derivative("W"),
                   self.den * self.den)


# ---------------------------------------------------------------------------
# the family h(W; p)
# ---------------------------------------------------------------------------
class Family:
    """A one-parameter family of task sets and its MAML objective in QQ(W, p).

    Parameters
    ----------
    taskset : TaskSet (its ``eta`` is replaced by ``p`` when ``param == "eta"``)
    param : "eta", "scale" or "delta"

    Examples
    --------
    >>> from symlqr.tasks import figure
    >>> fam = Family(figure("fig2"), "scale")
    >>> fam.taskset_at(Fraction(20)).tasks[1].Q
    Fraction(2, 1)
    >>> Family(figure("fig1"), "eta").numerator.degrees()      # N(W, eta): degrees in W, eta
    (18, 3)
    """

    def __init__(self, taskset: TaskSet, param: str):
        if param not in PARAMETERS:
            raise InputError(f"unknown parameter {param!r}; choose eta, scale or delta")
        if param == "delta" and len(taskset.tasks) < 2:
            raise InputError("--vary delta needs at least two tasks (it scales the "
                             "deviation of every task from the first)")
        self.taskset, self.param = taskset, param
        self.n = len(taskset.tasks)
        # task fields as polynomials in p
        self.fields = [self._fields(i) for i in range(self.n)]
        # their coefficients in p as Fractions, for the interval evaluations
        self._coeffs = [{k: [to_fraction(c) for c in _in_p(f).coeffs()] for k, f in fd.items()}
                        for fd in self.fields]
        self.etas = [_P if param == "eta" else _const(taskset.eta) for _ in range(self.n)]
        self._ivs: dict = {}                 # constant intervals per precision (_const_iv)
        self._build()

    def _fields(self, i: int) -> dict:
        t, t1 = self.taskset.tasks[i], self.taskset.tasks[0]
        out = {}
        for k in _FIELDS:
            v = t.s0_adapt if k == "s0a" else getattr(t, k)
            if self.param == "delta":
                v1 = t1.s0_adapt if k == "s0a" else getattr(t1, k)
                out[k] = _const(v1) + _P * _const(v - v1)
            elif self.param == "scale" and i == self.n - 1 and k in ("Q", "R"):
                out[k] = _P * _const(v)
            else:
                out[k] = _const(v)
        return out

    def field_value(self, i: int, k: str, p: Fraction) -> Fraction:
        return to_fraction(_in_p(self.fields[i][k])(to_fmpq(p)))

    def taskset_at(self, p: Fraction) -> TaskSet:
        """The task set of the family at the rational ``p``."""
        tasks = [Task(*(self.field_value(i, k, p) for k in _FIELDS)) for i in range(self.n)]
        eta = p if self.param == "eta" else self.taskset.eta
        name = f"{self.taskset.name} at {self.param} = {p}"
        return TaskSet(tasks, eta, self.taskset.weights, name=name)

    def _build(self):
        W = _Bi(_W)
        h = _Bi(_const(0))
        conds, bound = [], []
        for i in range(self.n):
            f = self.fields[i]
            A, B, Q, R, s0, s0a = (f[k] for k in _FIELDS)
            # the closed forms in QQ[W, p] (D, C') and in QQ(W, p) (C and c at F)
            D = cf.closed_loop(A, B, _W)
            F = W - _Bi(self.etas[i]) * _Bi(*cf.gradient(A, B, Q, R, s0a, _W))
            Ab, Bb, Qb, Rb = (_Bi(x) for x in (A, B, Q, R))
            num, DF = cf.cost(Ab, Bb, Qb, Rb, _Bi(s0), F)
            h = h + num / DF * _Bi(_const(self.taskset.weights[i]))
            conds += [_Bi(D), DF]
            cF = cf.stationarity(Ab, Bb, Qb, Rb, F)
            bound.append(cF.num)              # F_i(W) = W*_i (or its twin root) iff 0
        self.h = h
        self.bound_polys = bound
        self.conditions = conds              # all > 0 on the domain
        # the irreducible factors of each condition's denominator (its poles)
        self.pole_factors = [_irreducible(cd.den) for cd in conds]
        self.numerator = h.dW().num          # N(W, p)
        self.n_factors = _irreducible(self.numerator)
        walls = []
        for cond in conds:
            for q in (cond.num, cond.den):
                for g, _m in _irreducible(q):
                    if _deg_w(g) >= 1 and not any(g == x for x in walls):
                        walls.append(g)
        self.walls = walls
        # factors of N on which h equals its lower bound sum_i w_i C_i(W*_i) identically
        self.on_bound = [_deg_w(g) >= 1 and all(L.gcd(g).degrees() == g.degrees()
                                                for L in self.bound_polys)
                         for g, _m in self.n_factors]

    def touch_poly(self, a: int, check=None) -> Optional[flint.fmpq_poly]:
        """``gcd_i Res_W(f_a, c_i(F_i))``: its roots contain every ``p`` where a root
        of the factor ``f_a`` of ``N`` has ``F_i(W) = W*_i`` for all tasks, i.e.
        reaches the lower bound of ``h`` (None when ``f_a`` lies on the bound)."""
        g = self.n_factors[a][0]
        if self.on_bound[a] or _deg_w(g) == 0:
            return None
        G = None
        for L in self.bound_polys:
            r = as_fmpq_poly(eliminant(g, L, check))
            G = r if G is None else G.gcd(r)
        return G

    # -- interval evaluation ----------------------------------------------------
    def value_interval(self, Wv, pv):
        """Interval enclosures ``(h, dh/dp)`` of ``h(W, p)`` and its partial
        derivative in ``p`` on the box ``W x p`` (mpmath intervals), evaluated
        task by task in forward-mode differentiation; raises ZeroDivisionError
        unless the whole box lies in the domain."""
        P = _Dual(pv, iv.mpf(1))
        Wd = _Dual(Wv)
        total = _Dual(iv.mpf(0))
        for i in range(self.n):
            f = {k: _dual_coeffs(self._coeffs[i][k], P) for k in _FIELDS}
            eta = P if self.param == "eta" else _Dual(iv_from_fraction(self.taskset.eta))
            A, B, Q, R, s0, s0a = (f[k] for k in _FIELDS)
            if cf.closed_loop(A, B, Wd).v.a <= 0:
                raise ZeroDivisionError("W not stable on the whole box")
            F = Wd - eta * cf.ratio(cf.gradient(A, B, Q, R, s0a, Wd))
            num, DF = cf.cost(A, B, Q, R, s0, F)
            if DF.v.a <= 0:
                raise ZeroDivisionError("F not stable on the whole box")
            total = total + _Dual(iv_from_fraction(self.taskset.weights[i])) * (num / DF)
        return total.v, total.d


    def value_lower_bound(self, Wv, pv):
        """A lower bound of ``h`` on the points of the box ``W x p`` that lie in
        the domain (mpmath intervals; ``+inf`` when none does), term by term:
        ``w_i C_i(F_i(W))`` by interval arithmetic where ``D_i(F_i) > 0`` on the
        whole box, ``num.a / sup D_i(F_i)`` where only some of it is stable
        (``0 < D_i(F_i)`` on the domain), else ``0`` (``C_i = s0^2 (Q + R F^2) / D_i(F) >= 0`` on the
        domain when ``Q, R >= 0``; raises ZeroDivisionError otherwise). Crude but
        finite next to a wall, where ``F_k`` sweeps task ``k``'s stable set.

        The closed forms (:mod:`~symlqr.scalar.closed_forms`) operation by
        operation on mpmath's interval endpoints (``mpi_mul`` and the like, what
        its interval objects call: the same intervals, without the objects),
        with the products of constant fields kept per task and precision (the
        far bounds evaluate this thousands of times).

        >>> from symlqr.tasks import figure
        >>> fam = Family(figure("fig1"), "eta")
        >>> float(fam.value_lower_bound(iv.mpf([0.6, 0.62]), iv.mpf([0, 0.01]))) > 1
        True
        """
        prec = iv.prec
        w = Wv._mpi_
        total = _ZERO
        for i, A, B, Q, R, eta, D in self._per_task(Wv, pv):
            if mpf_le(D[1], fzero):
                return float("inf")              # no point of the box is in the domain
            term = None
            if mpf_gt(D[0], fzero):
                F, num = self._adapted(i, pv, True, w, eta, D, Q, R, prec)
                DF = _closed_loop(A, B, F, prec)
                if mpf_le(DF[1], fzero):
                    return float("inf")          # F_i never stable on the box
                if mpf_gt(DF[0], fzero):
                    term = mpi_div(num, DF, prec)[0]
                elif mpf_le(fzero, num[0]):       # on the domain 0 < D_i(F) <= DF.b
                    term = mpi_div((num[0], num[0]), (DF[1], DF[1]), prec)[0]
            if term is None:
                if mpf_lt(Q[0], fzero) or mpf_lt(R[0], fzero):
                    raise ZeroDivisionError("no sign of C_i on the box")
                term = fzero
            if self.taskset.weights[i] < 0:
                raise ZeroDivisionError("a negative weight")
            wi = self._const_iv(("w", i), self.taskset.weights[i])._mpi_
            total = mpi_add(total, mpi_mul(wi, (term, term), prec), prec)
        return iv.make_mpf((total[0], total[0]))

    def _per_task(self, Wv, pv):
        """Per task: ``(i, A, B, Q, R, eta, D)`` on mpmath interval endpoints at
        the box ``W x p`` (``D`` the closed loop's interval at ``W``)."""
        prec = iv.prec
        w, p = Wv._mpi_, pv._mpi_
        for i in range(self.n):
            A, B, Q, R, s0, s0a = (self._field_mpi(i, k, pv) for k in _FIELDS)
            eta = p if self.param == "eta" else iv_from_fraction(self.taskset.eta)._mpi_
            yield i, A, B, Q, R, eta, _closed_loop(A, B, w, prec)

    def _adapted(self, i, pv, lower, w, eta, D, Q, R, prec) -> tuple:
        """``(F_i, s0^2 (Q + R F_i^2))`` on mpmath interval endpoints: the adapted
        gain ``F_i = w - eta 2 s0a^2 (stationarity) / D^2`` and its cost's
        numerator (``D`` the closed loop's interval; ``lower`` as in
        :meth:`_products`). ZeroDivisionError where ``D^2`` holds 0."""
        AB, ABR, lin, ABQ, two_s0a2, s02 = self._products(i, pv, lower)
        num = mpi_mul(two_s0a2, _stationarity(ABR, lin, ABQ, w, prec), prec)
        den = mpi_mul(D, D, prec)
        if mpf_le(den[0], fzero) and mpf_le(fzero, den[1]):
            raise ZeroDivisionError("interval division by an interval containing 0")
        F = mpi_sub(w, mpi_mul(eta, mpi_div(num, den, prec), prec), prec)
        return F, mpi_mul(s02, mpi_add(Q, mpi_mul(mpi_mul(R, F, prec), F, prec), prec), prec)

    def value_enclosure(self, Wv, pv):
        """The enclosure of ``h`` on the box ``W x p`` that :meth:`value_interval`
        gives (the same interval: the same operations on mpmath's interval
        endpoints, in the same order, without the derivative), raising
        ZeroDivisionError in the same cases (unless the whole box lies in the
        domain).

        >>> from symlqr.tasks import figure
        >>> fam = Family(figure("fig1"), "eta")
        >>> box = (iv.mpf([0.6, 0.62]), iv.mpf([0.01, 0.02]))
        >>> fam.value_enclosure(*box) == fam.value_interval(*box)[0]
        True
        """
        prec = iv.prec
        w = Wv._mpi_
        total = _ZERO
        for i, A, B, Q, R, eta, D in self._per_task(Wv, pv):
            if mpf_le(D[0], fzero):
                raise ZeroDivisionError("W not stable on the whole box")
            F, num = self._adapted(i, pv, False, w, eta, D, Q, R, prec)
            DF = _closed_loop(A, B, F, prec)
            if mpf_le(DF[0], fzero):
                raise ZeroDivisionError("F not stable on the whole box")
            wi = iv_from_fraction(self.taskset.weights[i])._mpi_
            total = mpi_add(total, mpi_mul(wi, mpi_div(num, DF, prec), prec), prec)
        return iv.make_mpf(total)

    def _field_mpi(self, i: int, k: str, pv) -> tuple:
        """Task ``i``'s field ``k`` on ``p`` in ``pv`` as mpmath interval endpoints:
        a constant field its interval (kept), else by Horner's rule as
        the value part of :func:`_dual_coeffs` computes it (the constants kept
        as :meth:`_const_iv` keeps them: the same intervals)."""
        cs = self._coeffs[i][k]
        if len(cs) <= 1:
            return self._const_iv((i, k), cs[0] if cs else 0)._mpi_
        prec, p = iv.prec, pv._mpi_
        acc = _ZERO
        for c in reversed(cs):
            acc = mpi_add(mpi_mul(acc, p, prec), iv_from_fraction(c)._mpi_, prec)
        return acc

    def _products(self, i: int, pv, lower: bool) -> tuple:
        """``(A B, A B R, R (1 - A^2) + B^2 Q, A B Q, 2 s0a^2, s0^2)`` of task ``i``
        as mpmath's interval objects compute them in :func:`~symlqr.scalar.closed_forms.gradient`
        and :func:`~symlqr.scalar.closed_forms.cost` (``lower``: ``2 * s0a`` as an
        interval times the integer, else as :class:`_Dual` does), kept per task and
        precision when the task's fields are constant."""
        prec = iv.prec
        const = all(len(self._coeffs[i][k]) <= 1 for k in _FIELDS)
        key = ("products", i, lower, prec)
        if const and key in self._ivs:
            return self._ivs[key]
        A, B, Q, R, s0, s0a = (self._field_mpi(i, k, pv) for k in _FIELDS)
        AB = mpi_mul(A, B, prec)
        lin = mpi_add(mpi_mul(R, mpi_sub(_ONE, mpi_mul(A, A, prec), prec), prec),
                      mpi_mul(mpi_mul(B, B, prec), Q, prec), prec)
        two = mpi_mul(_TWO, s0a, prec) if lower else mpi_mul(s0a, _TWO, prec)
        got = (AB, mpi_mul(AB, R, prec), lin, mpi_mul(AB, Q, prec),
               mpi_mul(two, s0a, prec), mpi_mul(s0, s0, prec))
        if const:
            self._ivs[key] = got
        return got

    def _const_iv(self, key, x):
        """``iv_from_fraction(x)`` at the current precision, kept per ``key`` and
        precision (the far bounds ask for the same constants thousands of times)."""
        key = (key, iv.prec)
        got = self._ivs.get(key)
        if got is None:
            got = self._ivs[key] = iv_from_fraction(x)
        return got


_ZERO, _ONE, _TWO = (fzero, fzero), (fone, fone), (from_int(2), from_int(2))


def _closed_loop(A, B, W, prec: int) -> tuple:
    """``1 - (A - B W)^2`` on mpmath interval endpoints, as
    :func:`~symlqr.scalar.closed_forms.closed_loop` computes it with intervals."""
    a = mpi_sub(A, mpi_mul(B, W, prec), prec)
    return mpi_sub(_ONE, mpi_mul(a, a, prec), prec)


def _stationarity(ABR, lin, ABQ, W, prec: int) -> tuple:
    """``A B R W W + (R (1 - A^2) + B^2 Q) W - A B Q`` on mpmath interval
    endpoints from its constant products, in the order of
    :func:`~symlqr.scalar.closed_forms.stationarity`."""
    x = mpi_mul(mpi_mul(ABR, W, prec), W, prec)
    return mpi_sub(mpi_add(x, mpi_mul(lin, W, prec), prec), ABQ, prec)


class _Dual:
    """``v + d * eps`` with interval parts (forward-mode derivative in ``p``)."""

    __slots__ = ("v", "d")

    def __init__(self, v, d=None):
        self.v, self.d = v, (iv.mpf(0) if d is None else d)

    @staticmethod
    def _lift(o):
        return o if isinstance(o, _Dual) else _Dual(iv.mpf(o))

    def __add__(self, o):
        o = self._lift(o)
        return _Dual(self.v + o.v, self.d + o.d)

    __radd__ = __add__

    def __sub__(self, o):
        o = self._lift(o)
        return _Dual(self.v - o.v, self.d - o.d)

    def __rsub__(self, o):
        return self._lift(o) - self

    def __mul__(self, o):
        o = self._lift(o)
        return _Dual(self.v * o.v, self.d * o.v + self.v * o.d)

    __rmul__ = __mul__

    def __truediv__(self, o):
        o = self._lift(o)
        if o.v.a <= 0 <= o.v.b:
            raise ZeroDivisionError("interval division by an interval containing 0")
        q = self.v / o.v
        return _Dual(q, (self.d - q * o.d) / o.v)


def _dual_coeffs(coeffs: list, P: "_Dual") -> "_Dual":
    """The polynomial in ``p`` with the rational ``coeffs`` (lowest first) at the
    dual number ``P`` (finite), by Horner's rule. A constant (every task field
    when the parameter is eta) is its own interval: Horner's first step
    ``0 * P + c`` gives exactly that (adding 0 is exact), and the far bounds
    evaluate these fields thousands of times.

    >>> P = _Dual(iv.mpf([1, 2]), iv.mpf(1))
    >>> d = _dual_coeffs([Fraction(1), Fraction(3)], P)        # 1 + 3 p
    >>> d.v, d.d
    (mpi('4.0', '7.0'), mpi('3.0', '3.0'))
    """
    if len(coeffs) <= 1:
        return _Dual(iv_from_fraction(coeffs[0]) if coeffs else iv.mpf(0))
    acc = _Dual(iv.mpf(0))
    for c in reversed(coeffs):
        acc = acc * P + _Dual(iv_from_fraction(c))
    return acc


# ---------------------------------------------------------------------------
# range checks
# ---------------------------------------------------------------------------
def check_range(fam: Family, lo: Fraction, hi: Fraction) -> None:
    """Raise :class:`InputError` unless every rational ``p`` in ``(lo, hi]`` gives valid tasks."""
    if lo >= hi:
        raise InputError(f"empty range: LO = {lo} must be < HI = {hi}")
    if fam.param in ("eta", "scale") and lo < 0:
        raise InputError(f"{fam.param} must be > 0: the range (LO, HI] = ({lo}, {hi}] "
                         "contains values <= 0 (LO = 0 is allowed: it is excluded)")
    if fam.param == "delta":
        for i in range(fam.n):
            for k in ("Q", "R", "s0"):
                f = _in_p(fam.fields[i][k])
                a, b = to_fraction(f(to_fmpq(lo))), to_fraction(f(to_fmpq(hi)))
                bad = (k == "Q" and min(a, b) < 0) or (k == "R" and min(a, b) <= 0 and b <= 0) \
                    or (k == "R" and a < 0) or (k == "s0" and (a * b < 0 or b == 0))
                if bad:
                    raise InputError(f"task {i + 1}'s {k} becomes invalid for delta in "
                                     f"({lo}, {hi}]: {k}(delta) = {_in_p(fam.fields[i][k])} "
                                     "(with delta as x)")
    # every rational in the range gives valid tasks; check the upper end now
    fam.taskset_at(hi)
