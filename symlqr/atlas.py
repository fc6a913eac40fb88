"""Certified one-parameter atlas of the MAML landscape: the exact parameter
values where the counts of minima, global minima and spurious minima change.

A *family* ``h(W; p) = sum_i w_i C_i(F_i(W; p); p)`` varies one parameter ``p``:

    eta     F_i(W; p) = W - p C_i'(W)                      (the step size)
    scale   the last task's Q and R multiplied by p           (Figure 2's "identical tasks")
    delta   task_i(p) = t_1 + p (t_i - t_1), componentwise   (Proposition 3's task spread)

With ``p`` symbolic, ``dh/dW = N(W, p) / M(W, p)`` with ``N`` in QQ[W, p] and the
domain is cut out by polynomials ``g_l(W, p)`` (stability of ``W`` and of every
``F_i``). On an interval of ``p`` where no irreducible factor of ``N`` has a
double root, no two factors share a root, no factor meets a wall and the walls
neither meet nor degenerate -- all *inside the closure of the domain* -- the
stationary points move continuously without meeting, so their number, order
and types are constant. The candidate values are the real roots of
discriminants, resultants and leading coefficients in ``W`` (exact, FLINT),
isolated exactly; at each candidate ``c`` the common root ``W_c`` is computed
exactly in the number field QQ(c) (Euclid's algorithm modulo the minimal
polynomial of ``c``) and the signs of the walls at ``(W_c, c)`` are decided
exactly, which labels the candidate:

* ``fold``   -- ``h' = h'' = 0`` at a point inside the domain (equation (3));
* ``domain`` -- a stationary point reaches a wall (enters or leaves the domain),
  or the domain itself changes shape;

candidates whose event lies outside the domain are dropped. Which minimum is
global can change only where two minima have equal values (a ``switch``): on
each piece the value of every minimum is trapped by exact root counting in
``p`` and enclosed by interval arithmetic, which proves there is no switch, or
certified bisection in ``p`` encloses one. The counts on every piece are read
from a full :func:`~symlqr.landscape.certify` at a rational point inside it.

>>> from symlqr.tasks import figure
>>> at = atlas(figure("fig1"), "eta", Fraction(1, 20), Fraction(3, 10))
>>> [(cv.kind, cv.decimal(6)) for cv in at.critical_values]
[('fold', '0.0815595'), ('fold', '0.0973086'), ('fold', '0.103166')]
>>> [p.counts["spurious_min"] for p in at.pieces]
[0, 0, 1, 0]
"""
from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Optional

import flint
from mpmath import iv

from . import lqr
from .landscape import Enclosure, Landscape, Timeout, certify, _simplest_between
from .ratfunc import to_fmpq, to_fraction
from .realroots import (RealAlgebraic, count_real_roots, real_roots, sort_disjoint,
                        squarefree_factors)
from .realroots import iv_from_fraction
from .tasks import InputError, Task, TaskSet

__all__ = ["PARAMETERS", "Family", "CriticalValue", "Piece", "Atlas", "atlas",
           "parse_vary", "main"]

#: The parameters that can be varied.
PARAMETERS = ("eta", "scale", "delta")

_FIELDS = ("A", "B", "Q", "R", "s0", "s0a")
_CTX = flint.fmpq_mpoly_ctx.get(("W", "p"))
_W, _P = _CTX.gens()


# ---------------------------------------------------------------------------
# bivariate polynomials: conversions
# ---------------------------------------------------------------------------
def _const(x):
    return _CTX.from_dict({(0, 0): to_fmpq(Fraction(x))})


def _in_p(f) -> flint.fmpq_poly:
    """A polynomial of ``f`` in QQ[W, p] free of ``W`` as an ``fmpq_poly`` in ``p``."""
    d = f.to_dict()
    deg = max((k[1] for k in d), default=0)
    coeffs = [flint.fmpq(0)] * (deg + 1)
    for (i, j), c in d.items():
        assert i == 0
        coeffs[j] = c
    return flint.fmpq_poly(coeffs)


def _at_p(f, p: Fraction) -> flint.fmpq_poly:
    """``f(W, p)`` for a rational ``p``, as an ``fmpq_poly`` in ``W``."""
    d = f.subs({"p": to_fmpq(p)}).to_dict()
    deg = max((k[0] for k in d), default=0)
    coeffs = [flint.fmpq(0)] * (deg + 1)
    for (i, _j), c in d.items():
        coeffs[i] = c
    return flint.fmpq_poly(coeffs)


def _at_w(f, w: Fraction) -> flint.fmpq_poly:
    """``f(w, p)`` for a rational ``w``, as an ``fmpq_poly`` in ``p``."""
    return _in_p(f.subs({"W": to_fmpq(w)}))


def _coeffs_in_w(f) -> list:
    """``f = sum_k a_k(p) W^k`` as the list of ``a_k`` (``fmpq_poly`` in ``p``)."""
    d = f.to_dict()
    degw = max((k[0] for k in d), default=0)
    degp = max((k[1] for k in d), default=0)
    rows = [[flint.fmpq(0)] * (degp + 1) for _ in range(degw + 1)]
    for (i, j), c in d.items():
        rows[i][j] = c
    return [flint.fmpq_poly(r) for r in rows]


def _deg_w(f) -> int:
    return f.degrees()[0]


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
        self.etas = [_P if param == "eta" else _const(taskset.eta) for _ in range(self.n)]
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
            D = _const(1) - (A - B * _W) ** 2
            c = A * B * R * _W ** 2 + (R * (_const(1) - A * A) + B * B * Q) * _W - A * B * Q
            grad = _Bi(_const(2) * s0a * s0a * c, D * D)
            F = W - _Bi(self.etas[i]) * grad
            AF = _Bi(A) - _Bi(B) * F
            DF = _Bi(_const(1)) - AF * AF
            cost = (_Bi(Q) + _Bi(R) * F * F) * _Bi(s0 * s0) / DF
            h = h + cost * _Bi(_const(self.taskset.weights[i]))
            conds += [_Bi(D), DF]
            cF = _Bi(A * B * R) * F * F + _Bi(R * (_const(1) - A * A) + B * B * Q) * F \
                - _Bi(A * B * Q)
            bound.append(cF.num)              # F_i(W) = W*_i (or its twin root) iff 0
        self.h = h
        self.bound_polys = bound
        self.conditions = conds              # all > 0 on the domain
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

    def touch_poly(self, a: int) -> Optional[flint.fmpq_poly]:
        """``gcd_i Res_W(f_a, c_i(F_i))``: its roots contain every ``p`` where a root
        of the factor ``f_a`` of ``N`` has ``F_i(W) = W*_i`` for all tasks, i.e.
        reaches the lower bound of ``h`` (None when ``f_a`` lies on the bound)."""
        g = self.n_factors[a][0]
        if self.on_bound[a] or _deg_w(g) == 0:
            return None
        G = None
        for L in self.bound_polys:
            r = _in_p(g.resultant(L, "W"))
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
            f = {k: _dual_lin(self.fields[i][k], P) for k in _FIELDS}
            eta = P if self.param == "eta" else _Dual(iv_from_fraction(self.taskset.eta))
            A, B, Q, R, s0, s0a = (f[k] for k in _FIELDS)
            D = 1 - (A - B * Wd) * (A - B * Wd)
            if D.v.a <= 0:
                raise ZeroDivisionError("W not stable on the whole box")
            c = A * B * R * Wd * Wd + (R * (1 - A * A) + B * B * Q) * Wd - A * B * Q
            F = Wd - eta * 2 * s0a * s0a * c / (D * D)
            DF = 1 - (A - B * F) * (A - B * F)
            if DF.v.a <= 0:
                raise ZeroDivisionError("F not stable on the whole box")
            total = total + _Dual(iv_from_fraction(self.taskset.weights[i])) * s0 * s0 * (
                Q + R * F * F) / DF
        return total.v, total.d


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


def _dual_lin(f, P: "_Dual") -> "_Dual":
    """A polynomial in ``p`` (from QQ[W, p], free of W) at the dual number ``P``."""
    acc = _Dual(iv.mpf(0))
    for c in reversed(_in_p(f).coeffs()):
        acc = acc * P + _Dual(iv_from_fraction(to_fraction(c)))
    return acc


def _irreducible(f) -> list:
    """Irreducible factors of ``f`` in QQ[W, p] with multiplicities (constants dropped)."""
    if f.is_zero():
        return []
    _c, facs = f.factor()
    return [(g, m) for g, m in facs if not g.is_constant()]


# ---------------------------------------------------------------------------
# the common root of two polynomials at a parameter value (ball arithmetic)
# ---------------------------------------------------------------------------
class _Prec:
    """Temporarily set FLINT's working precision (bits) for arb balls."""

    def __init__(self, bits):
        self.bits = bits

    def __enter__(self):
        self.old = flint.ctx.prec
        flint.ctx.prec = self.bits

    def __exit__(self, *exc):
        flint.ctx.prec = self.old


def _ball(c: RealAlgebraic):
    """An arb ball containing ``c`` (from its exact bracket)."""
    return flint.arb(to_fmpq(c.lo)).union(flint.arb(to_fmpq(c.hi)))


def _horner(coeffs, x):
    acc = flint.arb(0)
    for a in reversed(coeffs):
        acc = acc * x + a
    return acc


def _poly_ball(f: flint.fmpq_poly, x):
    return _horner([flint.arb(c) for c in f.coeffs()], x)


def _bi_ball(rows: list, w, x):
    """``sum_k a_k(x) w^k`` for ``rows = [a_k]`` (``fmpq_poly`` in p)."""
    return _horner([_poly_ball(a, x) for a in rows], w)


def _subresultant1(F: list, G: list):
    """``(s1, s0)`` with ``S_1(W) = s1 W + s0`` the first subresultant of two
    polynomials given by ball coefficients, highest degree first; when
    ``Res = 0`` and ``s1 != 0`` their gcd has degree 1 and its root is ``-s0/s1``."""
    m, n = len(F) - 1, len(G) - 1
    size = m + n - 2
    cols = m + n - 1
    rows = []
    for k in range(n - 1):
        rows.append([flint.arb(0)] * k + list(F) + [flint.arb(0)] * (cols - k - m - 1))
    for k in range(m - 1):
        rows.append([flint.arb(0)] * k + list(G) + [flint.arb(0)] * (cols - k - n - 1))
    first = [r[:size - 1] for r in rows]
    M1 = flint.arb_mat([a + [r[cols - 2]] for a, r in zip(first, rows)])
    M0 = flint.arb_mat([a + [r[cols - 1]] for a, r in zip(first, rows)])
    return M1.det(), M0.det()


def _exact_degree(rows: list, c: RealAlgebraic) -> list:
    """Drop leading coefficients that vanish exactly at ``c``."""
    rows = list(rows)
    while rows and c.sign_of(rows[-1]) == 0:
        rows.pop()
    return rows


# ---------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------
@dataclass
class CriticalValue:
    """A certified critical value of the parameter.

    ``value`` is a RealAlgebraic (fold, domain) whose bracket is a certified
    enclosure, or ``None`` for a switch, which is enclosed by ``lo < hi``
    (rationals) and certified by continuity."""
    kind: str                      # "fold", "domain", "switch", "touch", "degenerate"
    lo: Fraction
    hi: Fraction
    detail: str
    value: Optional[RealAlgebraic] = None
    W: list = field(default_factory=list)   # decimal locations of the event

    def decimal(self, digits: int = 15) -> str:
        if self.value is not None:
            return self.value.decimal(digits)
        return Enclosure(self.lo, self.hi).decimal(digits)

    def contains(self, x: Fraction) -> bool:
        return self.lo <= x <= self.hi


@dataclass
class Piece:
    """An open interval of the parameter with constant certified counts."""
    lo: Optional[CriticalValue]          # None: the range's lower end LO (excluded)
    hi: Optional[CriticalValue]          # None: the range's upper end HI (included)
    sample: Fraction
    landscape: Landscape
    checks: list = field(default_factory=list)      # further samples certified
    switch_free: Optional[bool] = None
    switch_note: str = ""

    @property
    def counts(self) -> dict:
        return self.landscape.counts()


@dataclass
class Atlas:
    """The certified atlas; see :func:`atlas`."""
    family: Family
    lo: Fraction
    hi: Fraction
    critical_values: list
    pieces: list
    candidates: int
    undecided: list
    timings: dict
    theorem2: Optional[dict] = None
    digits: int = 15

    @property
    def certified(self) -> bool:
        return not self.undecided

    def to_dict(self) -> dict:
        d = self.digits
        fam = self.family
        ts = fam.taskset
        cvs = []
        for cv in self.critical_values:
            cvs.append({"kind": cv.kind, "value": cv.decimal(d),
                        "interval": [str(cv.lo), str(cv.hi)], "detail": cv.detail,
                        "W": list(cv.W)})
        pieces = []
        for pc in self.pieces:
            pieces.append({
                "lo": str(self.lo) if pc.lo is None else pc.lo.decimal(d),
                "hi": str(self.hi) if pc.hi is None else pc.hi.decimal(d),
                "lo_included": False, "hi_included": pc.hi is None,
                "sample": str(pc.sample), "counts": pc.counts,
                "points": [p.type if p.type != "min" else
                           ("global min" if p.is_global else "spurious min" if p.is_global is False
                            else "min") for p in pc.landscape.points],
                "checked_at": [str(x) for x in pc.checks],
                "switch_free": pc.switch_free})
        doc = {"name": ts.name, "parameter": fam.param,
               "range": [str(self.lo), str(self.hi)], "range_note":
               "the half-open interval (LO, HI]: LO excluded, HI included",
               "eta": None if fam.param == "eta" else str(ts.eta),
               "weights": [str(w) for w in ts.weights],
               "tasks": [t.to_dict() for t in ts.tasks],
               "critical_values": cvs, "pieces": pieces,
               "candidates_examined": self.candidates,
               "certified": self.certified, "undecided": list(self.undecided),
               "seconds": {k: round(v, 4) for k, v in self.timings.items()}}
        if self.theorem2 is not None:
            doc["theorem2"] = self.theorem2
        return doc


# ---------------------------------------------------------------------------
# the algorithm
# ---------------------------------------------------------------------------
def _check_range(fam: Family, lo: Fraction, hi: Fraction) -> None:
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


def _candidate_polys(fam: Family) -> list:
    """``(fmpq_poly in p, reason)`` for every event that can change the landscape."""
    out = []
    nf = [g for g, _m in fam.n_factors]
    for a, (g, _m) in enumerate(fam.n_factors):
        if _deg_w(g) == 0:
            out.append((_in_p(g), ("degenerate", a, None)))
            continue
        if _deg_w(g) >= 2:
            out.append((_in_p(g.discriminant("W")), ("fold", a, a)))
        out.append((_coeffs_in_w(g)[-1], ("infinity", a, None)))
        for b in range(a + 1, len(nf)):
            if _deg_w(nf[b]) >= 1:
                out.append((_in_p(g.resultant(nf[b], "W")), ("fold", a, b)))
        for l, wall in enumerate(fam.walls):
            out.append((_in_p(g.resultant(wall, "W")), ("domain", a, l)))
    for a in range(len(nf)):
        G = fam.touch_poly(a)
        if G is not None:
            out.append((G, ("touch", a, None)))
    for l, wall in enumerate(fam.walls):
        if _deg_w(wall) >= 2:
            out.append((_in_p(wall.discriminant("W")), ("walls", l, l)))
        out.append((_coeffs_in_w(wall)[-1], ("infinity-wall", l, None)))
        for k in range(l + 1, len(fam.walls)):
            out.append((_in_p(wall.resultant(fam.walls[k], "W")), ("walls", l, k)))
    return out


def _event_at(fam: Family, c: RealAlgebraic, reason: tuple, max_bits: int = 4096):
    """Decide an event at the candidate ``c``.

    The common root ``W_c`` of the two polynomials of the event at ``p = c`` is
    ``-s0/s1`` from their first subresultant, enclosed in a ball (valid when the
    ball of ``s1`` excludes 0: then the gcd has degree exactly 1, so ``W_c`` is
    real and unique); the signs of the domain conditions at ``(W_c, c)`` are
    read off balls that exclude 0, or are exactly 0 for the event's own wall.

    Returns ``(status, enclosure of W_c)`` with status ``"inside"`` (the open
    domain), ``"boundary"`` (a wall, in the closure of the domain), ``"outside"``
    or ``"unresolved"`` (kept as a critical value, conservatively)."""
    kind, a, b = reason
    if kind in ("degenerate", "infinity", "infinity-wall"):
        return "unresolved", None
    zero_walls = []
    if kind == "fold":
        f = fam.n_factors[a][0]
        g = f.derivative("W") if a == b else fam.n_factors[b][0]
    elif kind == "domain":
        f, g = fam.n_factors[a][0], fam.walls[b]
        zero_walls = [b]
    elif kind == "touch":
        f, g = fam.n_factors[a][0], fam.bound_polys[0]
    else:
        f = fam.walls[a]
        g = f.derivative("W") if a == b else fam.walls[b]
        zero_walls = [a, b]
    fr, gr = _exact_degree(_coeffs_in_w(f), c), _exact_degree(_coeffs_in_w(g), c)
    if len(fr) < 2 or len(gr) < 2:
        return "unresolved", None
    cond_rows = [(_coeffs_in_w(cd.num), _coeffs_in_w(cd.den)) for cd in fam.conditions]
    zero_rows = [_coeffs_in_w(fam.walls[k]) for k in zero_walls]
    bits = 128
    while bits <= max_bits:
        c.refine_bits(bits + 32)
        with _Prec(bits):
            x = _ball(c)
            F = [_poly_ball(r, x) for r in reversed(fr)]
            G = [_poly_ball(r, x) for r in reversed(gr)]
            s1, s0 = _subresultant1(F, G)
            if not s1.contains(0):
                w = -s0 / s1
                if kind == "touch" and any(
                        not _bi_ball(_coeffs_in_w(L), w, x).contains(0)
                        for L in fam.bound_polys[1:]):
                    return "outside", w
                signs = []
                for num, den in cond_rows:
                    s = []
                    for rows in (num, den):
                        v = _bi_ball(rows, w, x)
                        if v > 0:
                            s.append(1)
                        elif v < 0:
                            s.append(-1)
                        elif any(_divides(z, rows) for z in zero_rows):
                            s.append(0)
                        else:
                            s.append(None)
                    signs.append(None if None in s else s[0] * s[1])
                if any(sg is not None and sg < 0 for sg in signs):
                    return "outside", w
                if None not in signs:
                    return ("boundary" if 0 in signs else "inside"), w
        bits *= 2
    return "unresolved", None


def _divides(wall_rows: list, rows: list) -> bool:
    """Is the wall (an irreducible polynomial) a factor of the condition polynomial?"""
    wall, cond = _from_rows(wall_rows), _from_rows(rows)
    return not cond.is_zero() and cond.gcd(wall).degrees() == wall.degrees()


def _from_rows(rows: list):
    d = {}
    for i, a in enumerate(rows):
        for j, cf in enumerate(a.coeffs()):
            if cf != 0:
                d[(i, j)] = cf
    return _CTX.from_dict(d) if d else _const(0)


_KIND_TEXT = {
    "fold": "h' and h'' vanish together at a point of the domain (a fold, equation (3))",
    "domain": "a stationary point reaches a wall of the domain (enters or leaves it)",
    "walls": "the domain changes shape (two walls meet)",
    "degenerate": "h' vanishes identically in W",
    "infinity": "a stationary point escapes to infinity",
    "infinity-wall": "a wall escapes to infinity",
    "touch": "a stationary point attains the lower bound sum_i w_i C_i(W*_i) of h here "
             "(F_i(W) = W*_i for every task)",
}


def _signature(ls: Landscape) -> tuple:
    return (tuple((p.type, p.is_global) for p in ls.points), len(ls.domain))


def atlas(taskset: TaskSet, param: str, lo, hi, digits: int = 15,
          deadline: Optional[float] = None, progress: Optional[list] = None,
          switch_grid: int = 8, switch_bits: int = 40) -> Atlas:
    """Certify the landscape of ``h(W; p)`` for ``p`` in ``(lo, hi]``.

    Parameters
    ----------
    taskset : TaskSet
    param : "eta", "scale" or "delta"
    lo, hi : the range ``(lo, hi]`` (``lo`` excluded, ``hi`` included)
    digits : digits of the decimal values
    deadline : ``time.monotonic()`` value after which :class:`Timeout` is raised
    switch_grid : rational points per piece at which the global minimum is
        identified (a change between two of them is enclosed by bisection)
    switch_bits : a switch is bisected until its enclosure is narrower than
        ``2**-switch_bits`` times ``max(1, |p|)``

    Returns
    -------
    Atlas

    Examples
    --------
    >>> from symlqr.tasks import figure
    >>> at = atlas(figure("fig2"), "eta", Fraction(1, 100), Fraction(1, 10))
    >>> [(cv.kind, cv.decimal(6)) for cv in at.critical_values]
    [('fold', '0.0435802'), ('fold', '0.0755378')]
    >>> [p.counts["spurious_min"] for p in at.pieces]
    [2, 1, 0]
    """
    progress = progress if progress is not None else []
    lo, hi = Fraction(lo), Fraction(hi)
    timings: dict = {}
    t0 = time.perf_counter()

    def check(stage):
        if deadline is not None and time.monotonic() > deadline:
            raise Timeout(stage)

    def lap(name):
        nonlocal t0
        t = time.perf_counter()
        timings[name] = timings.get(name, 0.0) + t - t0
        t0 = t
        progress.append(name)

    fam = Family(taskset, param)
    _check_range(fam, lo, hi)
    lap("family")

    # 1. candidate values: exact real roots of discriminants and resultants --------
    check("computing discriminants and resultants")
    factors: list = []          # (irreducible fmpq_poly in p, [reasons])
    for poly, reason in _candidate_polys(fam):
        if poly.is_zero() or poly.degree() < 1:
            continue
        for f, _m in squarefree_factors(poly):
            for entry in factors:
                if entry[0] == f:
                    entry[1].append(reason)
                    break
            else:
                factors.append((f, [reason]))
    lap("eliminants")
    check("isolating candidate values")
    cands = []
    for f, reasons in factors:
        for r, _m in real_roots(f, lo, hi):
            if r.is_rational and r.lo == lo:
                continue
            cands.append((r, reasons))
    cands = sort_disjoint(cands)
    lap("isolation")

    # 2. decide each candidate exactly ------------------------------------------------
    undecided: list = []
    kept: list = []
    for c, reasons in cands:
        check("deciding candidate events")
        kinds, loose, where = set(), set(), []
        for reason in reasons:
            status, wc = _event_at(fam, c, reason)
            if status == "outside":
                continue
            kind = reason[0]
            if kind in ("walls", "infinity", "infinity-wall"):
                kind = "domain"
            if kind == "fold" and status == "boundary":
                kind = "domain"
            if status == "unresolved":
                loose.add(kind)
                continue
            kinds.add(kind)
            where.append(wc.mid().str(8, radius=False))
        if kinds or loose:
            kept.append((c, kinds or loose, bool(kinds), sorted(set(where))))
    lap("events")

    # 3. pieces, each certified at a rational sample ---------------------------------
    def sample_between(a, b):
        x = a.hi if a is not None else lo
        y = b.lo if b is not None else hi
        if b is None:
            return hi if (a is None or a.hi < hi) else _simplest_between(x, y)
        return _simplest_between(x, y)

    def run(p):
        check(f"certifying at {fam.param} = {p}")
        return certify(fam.taskset_at(p), digits=digits)

    bounds = [None] + [k[0] for k in kept] + [None]
    raw = []
    for a, b in zip(bounds, bounds[1:]):
        if b is not None and b.is_rational and b.lo == hi:
            continue
        for _ in range(60):                      # keep samples well inside
            if a is not None and b is not None and a.hi >= b.lo:
                a.bisect(), b.bisect()
        s = sample_between(a, b)
        raw.append(s)
    landscapes = [run(s) for s in raw]
    lap("certify pieces")

    # drop kept candidates that change nothing and have no degenerate point
    cvs: list = []
    pieces: list = []
    for k, (c, kinds, resolved, where) in enumerate(kept):
        text = "; ".join(_KIND_TEXT[x] for x in sorted(kinds))
        if not resolved:
            text = "possibly: " + text + " (location of the event not resolved; kept)"
        cv = CriticalValue(_main_kind(kinds), c.lo, c.hi, text, value=c, W=where)
        cvs.append(cv)
    for k, (s, ls) in enumerate(zip(raw, landscapes)):
        lo_cv = cvs[k - 1] if k > 0 else None
        hi_cv = cvs[k] if k < len(cvs) else None
        pieces.append(Piece(lo_cv, hi_cv, s, ls))
        if not ls.certified:
            undecided.append(f"certification at {fam.param} = {s} undecided: "
                             + "; ".join(ls.undecided))
    lap("labels")

    # 4. global switches inside each piece -------------------------------------------
    new_pieces, switch_cvs = [], []
    for pc in pieces:
        check("locating global switches")
        extra, pcs = _switches(fam, pc, lo, hi, run, switch_grid, switch_bits, undecided)
        switch_cvs += extra
        new_pieces += pcs
    pieces = new_pieces
    cvs = sorted(cvs + switch_cvs, key=lambda cv: cv.lo)
    for k, cv in enumerate(cvs):
        if cv.kind == "touch" and k + 1 < len(pieces) and _bound_global(fam, pieces[k]):
            cv.kind = "switch"
            cv.detail = ("a second stationary point reaches the lower bound sum_i w_i C_i(W*_i), "
                         "which the global minimum attains: two global minima at this value")
        if k + 1 < len(pieces) and cv.value is not None:
            cv.detail += "; " + _change_text(pieces[k].landscape, pieces[k + 1].landscape,
                                             cv.kind)
    lap("switches")

    at = Atlas(fam, lo, hi, cvs, pieces, len(cands), undecided, timings, digits=digits)
    if fam.param == "eta" and fam.n == 1:
        at.theorem2 = _theorem2(fam, at, digits)
        lap("theorem 2")
    return at


def _bound_global(fam, pc) -> bool:
    """Does a global minimum of the piece lie on a factor of N that stays on the
    lower bound (exact)?"""
    for p in pc.landscape.minima():
        if p.is_global:
            a = _factor_of(fam, p, pc.sample)
            if a is not None and fam.on_bound[a]:
                return True
    return False


def _main_kind(kinds: set) -> str:
    if kinds == {"touch"}:
        return "touch"
    for k in ("fold", "domain", "degenerate"):
        if k in kinds:
            return k
    return sorted(kinds)[0]


def _change_text(left: Landscape, right: Landscape, kind: str) -> str:
    a, b = left.counts(), right.counts()
    if _signature(left) == _signature(right):
        if kind == "fold":
            return ("counts unchanged across it (two stationary points pass through each "
                    "other; a degenerate point at the critical value itself)")
        return "counts unchanged across it"
    parts = []
    for k in ("stationary", "min", "max", "global_min", "spurious_min"):
        if a[k] != b[k]:
            parts.append(f"{k} {a[k]} -> {b[k]}")
    if len(left.domain) != len(right.domain):
        parts.append(f"domain components {len(left.domain)} -> {len(right.domain)}")
    return ", ".join(parts) if parts else "types or order of the points change"


def _global_index(ls: Landscape) -> Optional[tuple]:
    mins = [k for k, p in enumerate(ls.points) if p.is_local_min]
    if any(ls.points[k].is_global is None for k in mins):
        return None
    return tuple(k for k in mins if ls.points[k].is_global)


def _factor_of(fam: Family, point, p: Fraction) -> Optional[int]:
    """Index of the irreducible factor of ``N(W, p)`` that vanishes at the point."""
    for a, (g, _m) in enumerate(fam.n_factors):
        if _deg_w(g) >= 1 and point.W._has_common_root(_at_p(g, p)):
            return a
    return None


def _box(u: Fraction, v: Fraction):
    return iv.mpf([iv_from_fraction(u).a, iv_from_fraction(v).b])


def _fence_ok(f, w: Fraction, u: Fraction, v: Fraction) -> bool:
    """Exact: ``f(w, p) != 0`` for every ``p`` in ``[u, v]``."""
    g = _at_w(f, w)
    if g.is_zero():
        return False
    if g.degree() < 1:
        return True
    return count_real_roots(g, u, v) == 0


def _trap(fam, a: int, spots: list, u: Fraction, v: Fraction):
    """A rational interval ``[xl, xh]`` containing the branch of factor ``a``
    through the given points for every ``p`` in ``[u, v]`` (within the piece):
    ``f_a`` has no root on its ends for ``p`` in ``[u, v]`` (exact root
    counting), so the continuous branch cannot leave it. None if not found."""
    f = fam.n_factors[a][0]
    lo = min(s.lo for s in spots)
    hi = max(s.hi for s in spots)
    base = max(hi - lo, max(Fraction(1), abs(hi)) / Fraction(2) ** 30)
    for scale in (Fraction(1, 4), Fraction(2), Fraction(1, 64), Fraction(16)):
        xl, xh = lo - base * scale, hi + base * scale
        if _fence_ok(f, xl, u, v) and _fence_ok(f, xh, u, v):
            return xl, xh
    return None


def _prove_no_switch(fam, u, v, Lu, Lv, g_idx, m_idx, run, depth, undecided_ranges):
    """Prove ``h(branch j) > h(branch g)`` on ``[u, v]`` for every minimum ``j != g``.

    On a branch ``h_W = 0``, so its value ``V(p) = h(W(p), p)`` has ``V' = h_p``
    there (envelope theorem). With every branch trapped in a box ``X x [u, v]``
    (:func:`_trap`) and ``h_p`` enclosed on the box, the difference of two
    values at ``p`` differs from its certified value at a known end by at
    most ``|p - end| * sup |h_p^j - h_p^g|``. If that cannot be shown, the
    interval is split at a certified midpoint; unproven sub-ranges are
    appended to ``undecided_ranges``."""
    known = [(L, x) for L, x in ((Lu, u), (Lv, v)) if L is not None]
    P = _box(u, v)
    slopes = {}
    ok = True
    old = iv.prec
    iv.prec = 96
    try:
        for i in m_idx:
            spots = [L.points[i].W for L, _x in known]
            a = _factor_of(fam, known[0][0].points[i], known[0][1])
            X = None if a is None else _trap(fam, a, spots, u, v)
            if X is None:
                ok = False
                break
            try:
                slopes[i] = fam.value_interval(_box(*X), P)[1]
            except ZeroDivisionError:
                ok = False
                break
        if ok:
            L, x = known[0]
            span = iv_from_fraction(v - u)
            for j in m_idx:
                if j == g_idx:
                    continue
                gap = iv_from_fraction(L.points[j].h.lo) - iv_from_fraction(L.points[g_idx].h.hi)
                drift = slopes[j] - slopes[g_idx]
                worst = max(abs(drift.a), abs(drift.b)) * span
                if not (gap - worst).a > 0:
                    ok = False
                    break
    finally:
        iv.prec = old
    if ok:
        return
    if depth <= 0:
        undecided_ranges.append((u, v))
        return
    m = _simplest_between(u + (v - u) / 4, v - (v - u) / 4)
    Lm = run(m)
    ref = known[0][0]
    if [p.type for p in Lm.points] != [p.type for p in ref.points] or \
            _global_index(Lm) != _global_index(ref):
        undecided_ranges.append((u, v))
        return
    _prove_no_switch(fam, u, m, Lu, Lm, g_idx, m_idx, run, depth - 1, undecided_ranges)
    _prove_no_switch(fam, m, v, Lm, Lv, g_idx, m_idx, run, depth - 1, undecided_ranges)


def _proof_of_piece(fam, pc, pts, sig, LO, HI, run, depth=3) -> list:
    """Run :func:`_prove_no_switch` over the whole piece; returns the unproven ranges."""
    ls = sig[pts[0]]
    gi = _global_index(ls)
    if gi is None or len(gi) != 1:
        a = pc.lo.lo if pc.lo is not None else LO
        b = pc.hi.hi if pc.hi is not None else HI
        return [(a, b)]
    m_idx = [k for k, p in enumerate(ls.points) if p.is_local_min]
    bad: list = []
    lo_end = pc.lo.lo if pc.lo is not None else LO
    hi_end = pc.hi.hi if pc.hi is not None else HI
    if lo_end < pts[0]:
        _prove_no_switch(fam, lo_end, pts[0], None, sig[pts[0]], gi[0], m_idx, run, depth, bad)
    for x, y in zip(pts, pts[1:]):
        _prove_no_switch(fam, x, y, sig[x], sig[y], gi[0], m_idx, run, depth, bad)
    if pts[-1] < hi_end:
        _prove_no_switch(fam, pts[-1], hi_end, sig[pts[-1]], None, gi[0], m_idx, run, depth, bad)
    return bad


def _switches(fam, pc: Piece, LO, HI, run, grid, bits, undecided):
    """Prove that the global minimum does not change inside a piece, or enclose
    the changes; returns the new switch critical values and the piece, split
    at them.

    * If a global minimum lies on a factor of ``N`` that divides every
      ``c_i(F_i)`` (so ``h`` equals its lower bound there for every ``p``),
      another point can become global only by reaching the lower bound: those
      ``p`` are roots of the touch eliminants, already critical values. Proven.
    * Otherwise the global minimum is identified at ``grid`` rational points;
      a change between two of them is enclosed by certified bisection (by
      continuity the enclosure contains a switch). Between the points this is
      a sampled check, recorded as such."""
    ls = pc.landscape
    mins = ls.minima()
    finite_limits = any(d.lo_limit is not None or d.hi_limit is not None for d in ls.domain)
    if len(mins) < 2 and not finite_limits:
        pc.switch_free, pc.switch_note = True, "at most one local minimum and h -> +inf at the walls"
        return [], [pc]
    glob = [p for p in mins if p.is_global]
    if not finite_limits and any(fam.on_bound[_factor_of(fam, p, pc.sample)] for p in glob
                                 if _factor_of(fam, p, pc.sample) is not None):
        pc.switch_free = True
        pc.switch_note = ("a global minimum equals the lower bound sum_i w_i C_i(W*_i) on the "
                          "whole piece, and no other stationary point reaches it inside (exact)")
        return [], [pc]
    a = pc.lo.hi if pc.lo is not None else LO
    b = pc.hi.lo if pc.hi is not None else HI
    step = (b - a) / (grid + 1)
    pts = sorted({_simplest_between(a + step * k - step / 8, a + step * k + step / 8)
                  for k in range(1, grid + 1)} | {pc.sample})
    pts = [x for x in pts if a < x < b or (pc.hi is None and x == b)]
    sig = {x: (ls if x == pc.sample else run(x)) for x in pts}
    pc.checks = [x for x in pts if x != pc.sample]
    for x in pts:
        if [p.type for p in sig[x].points] != [p.type for p in ls.points]:
            undecided.append(f"{fam.param} = {x}: stationary points differ from those at "
                             f"{pc.sample} in the same piece (an event was missed)")
    note = ""
    out_cvs, out_pieces = [], []
    start = pc.lo
    first = pts[0]
    for x, y in zip(pts, pts[1:]):
        gx, gy = _global_index(sig[x]), _global_index(sig[y])
        if gx is None or gy is None or gx == gy:
            continue
        u, v = x, y
        while v - u > max(Fraction(1), abs(v)) / Fraction(2) ** bits:
            m = _simplest_between(u + (v - u) / 4, v - (v - u) / 4)
            gm = _global_index(run(m))
            if gm == gx:
                u = m
            elif gm == gy:
                v = m
            else:
                break
        cv = CriticalValue("switch", u, v, "two local minima have equal values: the global "
                           f"minimum changes (certified at {fam.param} = {u} and {v}; by "
                           "continuity a switch lies between)")
        out_cvs.append(cv)
        out_pieces.append(Piece(start, cv, first, sig[first], switch_note=note))
        start, first = cv, y
    last = Piece(start, pc.hi, first, sig[first], switch_note=note)
    last.checks = pc.checks if not out_cvs else []
    out_pieces.append(last)
    if finite_limits:
        undecided.append(f"piece around {fam.param} = {pc.sample}: h has a finite limit at "
                         "a wall; switches against it are not analysed")
        return out_cvs, out_pieces
    # prove the absence of further switches on each part
    for k, part in enumerate(out_pieces):
        lo_cv, hi_cv = part.lo, part.hi
        inner = [x for x in pts if (lo_cv is None or x > lo_cv.hi) and (hi_cv is None or x < hi_cv.lo)
                 or (hi_cv is None and x == HI)]
        bad = _proof_of_piece(fam, part, inner, sig, LO, HI, run) if inner else [(None, None)]
        if bad:
            part.switch_free = None
            part.switch_note = ("no switch between sampled points proven absent on "
                                + ", ".join(f"[{_short(x)}, {_short(y)}]" for x, y in bad))
            undecided.append(f"piece around {fam.param} = {part.sample}: {part.switch_note}")
        else:
            part.switch_free = True
            part.switch_note = ("the values of the minima are separated on the whole piece "
                                "(branches trapped by exact root counting in the parameter, "
                                "values enclosed by interval arithmetic)")
    return out_cvs, out_pieces


def _short(x) -> str:
    return "?" if x is None else f"{float(x):.6g}"


def _all_at_bound(ls: Landscape) -> bool:
    n = len(ls.taskset.tasks)
    return all(len(p.adapted_to_optimum) == n for p in ls.minima())


def _theorem2(fam: Family, at: Atlas, digits: int) -> dict:
    """Theorem 2 for one task: the hypothesis ``eta < 1/|C''(w*)|`` at the
    minimizer ``W*`` versus the exact largest ``eta`` with a global objective."""
    task = fam.taskset.tasks[0]
    wstar = lqr.optimal_gain_algebraic(task)
    H = lqr.hessian_function(task, task.s0_adapt)     # the adaptation's C
    lo_h, hi_h = wstar.enclose(H, int(digits * 3.4) + 20)
    bound = Enclosure(1 / hi_h, 1 / lo_h)
    first_bad = None
    for pc in at.pieces:
        if pc.counts["spurious_min"] > 0 or pc.counts["global_min"] == 0:
            first_bad = pc
            break
    doc = {"hypothesis": "eta < 1/|C''(w*)| at the minimizer w* = W* (F(W*) = W* for every eta)",
           "bound": bound.decimal(digits), "bound_interval": [str(bound.lo), str(bound.hi)]}
    if first_bad is None:
        doc["global_for_all_eta_in_range"] = True
        doc["largest_global_eta"] = str(at.hi)
    else:
        doc["global_for_all_eta_in_range"] = False
        cv = first_bad.lo
        doc["largest_global_eta"] = None if cv is None else cv.decimal(digits)
        doc["largest_global_eta_interval"] = None if cv is None else [str(cv.lo), str(cv.hi)]
        doc["first_spurious_piece"] = first_bad.sample.__str__()
    # at each piece's sample: at how many minima does the hypothesis hold?
    per = []
    for pc in at.pieces:
        eta = fam.taskset_at(pc.sample).eta
        holds = 0
        for p in pc.landscape.minima():          # |eta C''(w)| < 1, decided exactly
            below = p.W.sign_of(H * (-to_fmpq(eta)) + 1) > 0
            above = p.W.sign_of(H * to_fmpq(eta) + 1) > 0
            holds += below and above
        per.append({"sample": str(pc.sample), "minima": len(pc.landscape.minima()),
                    "hypothesis_holds_at": holds})
    doc["per_piece"] = per
    if first_bad is not None and first_bad.lo is not None:
        c = first_bad.lo
        doc["ratio_largest_global_to_bound"] = Enclosure(c.lo / bound.hi, c.hi / bound.lo).decimal(6)
    return doc


# ---------------------------------------------------------------------------
# command line
# ---------------------------------------------------------------------------
PROG = "python -m symlqr.atlas"


def parse_vary(text: str) -> tuple:
    """``"eta=0:0.3"`` -> ``("eta", Fraction(0), Fraction(3, 10))``.

    >>> parse_vary("scale=1/2:20")
    ('scale', Fraction(1, 2), Fraction(20, 1))
    """
    from .tasks import parse_rational
    if "=" not in text or ":" not in text.split("=", 1)[1]:
        raise InputError(f"--vary {text[:40]!r}: expected PARAM=LO:HI, e.g. eta=0:0.3")
    name, rng = text.split("=", 1)
    name = name.strip()
    if name not in PARAMETERS:
        raise InputError(f"--vary: unknown parameter {name[:20]!r}; choose eta, scale or delta")
    a, b = rng.split(":", 1)
    return name, parse_rational(a, "LO"), parse_rational(b, "HI")


def _text(at: Atlas) -> str:
    doc = at.to_dict()
    out = [f"{doc['name']}: atlas of the MAML landscape over {doc['parameter']} in "
           f"({doc['range'][0]}, {doc['range'][1]}]"]
    if doc["eta"] is not None:
        out.append(f"  eta = {doc['eta']}")
    for i, t in enumerate(doc["tasks"], 1):
        out.append(f"  task {i}: A={t['A']} B={t['B']} Q={t['Q']} R={t['R']} s0={t['s0']} "
                   f"s0a={t['s0a']}")
    out.append(f"  {len(doc['critical_values'])} critical values "
               f"({doc['candidates_examined']} candidates examined)")
    out.append(f"  {'piece / critical value':<44} {'min':>4} {'glob':>5} {'spur':>5} {'max':>4}  note")
    for k, pc in enumerate(doc["pieces"]):
        lo_b = "(" + pc["lo"]
        hi_b = pc["hi"] + ("]" if pc["hi_included"] else ")")
        c = pc["counts"]
        out.append(f"  {lo_b + ', ' + hi_b:<44} {c['min']:>4} {c['global_min']:>5} "
                   f"{c['spurious_min']:>5} {c['max']:>4}  " + " ".join(pc["points"]))
        if k < len(doc["critical_values"]):
            cv = doc["critical_values"][k]
            out.append(f"    {doc['parameter']} = {cv['value']:<24} {cv['kind']}: {cv['detail']}")
    if "theorem2" in doc:
        t = doc["theorem2"]
        out.append("  Theorem 2 (single task): hypothesis eta < 1/|C''(W*)| holds at the "
                   f"minimizer W* iff eta < {t['bound']}")
        if t["global_for_all_eta_in_range"]:
            out.append("  the objective is global for every eta in the range")
        else:
            out.append(f"  the objective is global (no spurious minimum) up to eta = "
                       f"{t['largest_global_eta']}  (ratio to the bound: "
                       f"{t.get('ratio_largest_global_to_bound')})")
    out.append("  certified: " + ("yes" if doc["certified"] else "no: " + "; ".join(doc["undecided"])))
    return "\n".join(out)


def build_parser():
    from .cli import OneLineParser, add_task_arguments
    p = OneLineParser(prog=PROG, description="Certified one-parameter atlas of the MAML "
                      "landscape: critical values of eta, a task scale, or a task spread.")
    add_task_arguments(p)
    p.add_argument("--vary", required=True, metavar="PARAM=LO:HI",
                   help="eta, scale (last task's Q and R times p) or delta (task spread); "
                   "the range is (LO, HI]")
    p.add_argument("--digits", type=int, default=15, help="significant digits (default 15)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.add_argument("--output", metavar="FILE", help="write the JSON document to FILE")
    p.add_argument("--plot", metavar="FILE", help="draw the bifurcation diagram to FILE (.png, .svg, .pdf)")
    p.add_argument("--timeout", type=float, metavar="SECONDS", help="stop cleanly (exit 3)")
    return p


def _main(argv) -> int:
    from .cli import EXIT_OK, EXIT_UNDECIDED, tasksets_from_args, write_atomic
    args = build_parser().parse_args(argv)
    param, lo, hi = parse_vary(args.vary)
    if not 1 <= args.digits <= 100:
        raise InputError("--digits must be between 1 and 100")
    if args.timeout is not None and not args.timeout > 0:
        raise InputError("--timeout must be > 0 seconds")
    if args.plot and not args.plot.lower().endswith((".png", ".svg", ".pdf")):
        raise InputError("--plot FILE must end in .png, .svg or .pdf")
    if param == "eta" and args.eta is None and (args.task or args.tasks_file):
        args.eta = "1"                          # unused: eta is the varied parameter
    tasksets = tasksets_from_args(args)
    if len(tasksets) != 1:
        raise InputError("give one figure name (or one custom task set)")
    deadline = None if args.timeout is None else time.monotonic() + args.timeout
    progress: list = []
    try:
        at = atlas(tasksets[0], param, lo, hi, digits=args.digits, deadline=deadline,
                   progress=progress)
    except Timeout as exc:
        print(f"{PROG}: timeout after {args.timeout:g} s while {exc.stage} (finished: "
              f"{', '.join(progress) or 'nothing'})", file=sys.stderr)
        return EXIT_UNDECIDED
    doc = at.to_dict()
    text = json.dumps(doc, indent=2) + "\n"
    if args.plot:
        try:
            import matplotlib  # noqa: F401
        except ImportError:
            raise InputError("--plot needs matplotlib (pip install matplotlib)") from None
        from .atlas_plot import plot_atlas
        plot_atlas(at, args.plot)
    if args.output:
        write_atomic(args.output, text.encode("utf-8"))
    sys.stdout.write(text if args.json else _text(at) + "\n")
    return EXIT_OK if at.certified else EXIT_UNDECIDED


def main(argv=None) -> int:
    from .cli import run_main
    return run_main(PROG, _main, argv)


if __name__ == "__main__":
    sys.exit(main())
