"""Real algebraic numbers, exact real-root isolation and certified signs.

A :class:`RealAlgebraic` is the unique root of a squarefree ``f`` in QQ[W]
inside a rational isolating interval ``[lo, hi]`` (``f(lo) f(hi) < 0``), or an
exact rational (``lo == hi``). Everything that decides something here is exact
or enclosed:

* roots are found by sympy's exact real-root isolation (continued fractions
  over ZZ) on the irreducible factors given by FLINT, so a count is exact;
* refinement is Newton's method in mpmath, accepted only after the new bracket
  is checked by exact rational sign evaluation;
* a sign ``sign g(alpha)`` is 0 exactly when ``gcd(f, g)`` has the root in the
  bracket, otherwise it is read off an mpmath interval enclosure that excludes 0;
* two algebraic numbers are equal exactly when the gcd of their polynomials
  has a root in the intersection of their brackets, otherwise brackets are
  refined until disjoint.

>>> import flint
>>> r = real_roots(flint.fmpq_poly([-2, 0, 1]))       # W^2 - 2
>>> [(str(a.decimal(10)), m) for a, m in r]
[('-1.414213562', 1), ('1.414213562', 1)]
>>> r[1][0].sign_of(flint.fmpq_poly([-2, 0, 1]))
0
"""
from __future__ import annotations

from fractions import Fraction


import flint
from mpmath import iv, mp, mpf
from mpmath.libmp import to_rational
from sympy.polys.domains import QQ, ZZ
from sympy.polys.rootisolation import (dup_count_real_roots,
                                       dup_isolate_real_roots_sqf)

from .ratfunc import RationalFunction, to_fmpq, to_fraction

__all__ = ["RealAlgebraic", "real_roots", "count_real_roots", "squarefree_factors",
           "iv_from_fraction", "iv_poly", "iv_rational_function", "mpf_to_fraction",
           "iv_to_fractions", "simplest_between",
           "PrecisionExhausted", "MAX_BITS"]

#: Default cap on the bits of refinement before a decision is called undecided.
MAX_BITS = 4000


class PrecisionExhausted(ArithmeticError):
    """A sign or comparison could not be decided within the precision cap."""


# ---------------------------------------------------------------------------
# conversions between exact rationals, flint and mpmath intervals
# ---------------------------------------------------------------------------
def mpf_to_fraction(x) -> Fraction:
    """Exact value of a finite mpmath ``mpf`` as a Fraction."""
    man, exp = mpf(x).man_exp
    man = int(man)
    return Fraction(man * 2 ** exp) if exp >= 0 else Fraction(man, 2 ** (-exp))


def iv_to_fractions(v) -> tuple[Fraction, Fraction]:
    """Exact endpoints of an mpmath interval, read from its raw representation
    (``v.a``/``v.b`` would re-round at the *current* precision)."""
    a, b = v._mpi_
    return Fraction(*map(int, to_rational(a))), Fraction(*map(int, to_rational(b)))


def iv_from_fraction(x) -> "iv.mpf":
    """Tight interval containing the rational ``x`` at the current ``iv.prec``."""
    x = to_fraction(x)
    if x.denominator == 1:
        return iv.mpf(x.numerator)
    return iv.mpf(x.numerator) / x.denominator


def iv_poly(p: flint.fmpq_poly, x) -> "iv.mpf":
    """Interval Horner evaluation of ``p`` on the interval ``x``."""
    coeffs = p.coeffs()
    if not coeffs:
        return iv.mpf(0)
    acc = iv_from_fraction(to_fraction(coeffs[-1]))
    for c in reversed(coeffs[:-1]):
        acc = acc * x + iv_from_fraction(to_fraction(c))
    return acc


def iv_rational_function(f: RationalFunction, x) -> "iv.mpf":
    """Interval enclosure of ``f`` on ``x`` (raises if the denominator encloses 0)."""
    d = iv_poly(f.den, x)
    if d.a <= 0 <= d.b:
        raise ZeroDivisionError("denominator enclosure contains 0")
    return iv_poly(f.num, x) / d


def _sign(v) -> int:
    return (v > 0) - (v < 0)


def _fmpz_coeffs_high_first(f: flint.fmpq_poly) -> list:
    return [ZZ(int(c)) for c in reversed(f.numer().coeffs())]


def simplest_between(lo: Fraction, hi: Fraction) -> Fraction:
    """A short rational strictly inside ``(lo, hi)``, by the continued-fraction
    (Stern-Brocot) descent; a loop rather than a recursion, so brackets of
    rationals with hundreds of digits do not exhaust the recursion limit."""
    assert lo < hi
    import math
    heads = []
    while True:
        if math.floor(lo) + 1 < hi:
            x = Fraction(0) if lo < 0 < hi else Fraction(math.floor(lo) + 1)
            break
        fl = math.floor(lo)
        # both in [fl, fl+1]: continue on reciprocals of the fractional parts
        a, b = lo - fl, min(hi - fl, Fraction(1))
        heads.append(fl)
        if a == 0:
            x = Fraction(math.floor(1 / b) + 1)
            break
        lo, hi = 1 / b, 1 / a
    for fl in reversed(heads):
        x = fl + 1 / x
    return x


# ---------------------------------------------------------------------------
# exact root isolation
# ---------------------------------------------------------------------------
def squarefree_factors(p: flint.fmpq_poly) -> list[tuple[flint.fmpq_poly, int]]:
    """Irreducible factors over QQ with multiplicities, monic, in a
    deterministic order (by degree, then coefficients)."""
    if p.is_zero():
        raise ValueError("the zero polynomial has no finite factorization")
    _, facs = p.factor()
    out = []
    for f, m in facs:
        f = f / f.leading_coefficient()
        out.append((f, m))
    out.sort(key=lambda fm: (fm[0].degree(), [to_fraction(c) for c in fm[0].coeffs()]))
    return out


def count_real_roots(f: flint.fmpq_poly, lo=None, hi=None) -> int:
    """Exact number of distinct real roots of ``f`` in ``[lo, hi]`` by Sturm
    sequences (sympy ``dup_count_real_roots``), an independent check of the
    isolation."""
    g = f.gcd(f.derivative())
    sqf = f / g if not g.is_constant() else f
    kw = {}
    if lo is not None:
        kw["inf"] = QQ(to_fraction(lo).numerator, to_fraction(lo).denominator)
    if hi is not None:
        kw["sup"] = QQ(to_fraction(hi).numerator, to_fraction(hi).denominator)
    return int(dup_count_real_roots(_fmpz_coeffs_high_first(sqf), ZZ, **kw))


def _sign_variations(p: flint.fmpq_poly) -> int:
    signs = [c > 0 for c in p.coeffs() if c != 0]
    return sum(1 for u, v in zip(signs, signs[1:]) if u != v)


def _moebius_variations(f: flint.fmpq_poly, a: Fraction, b: Fraction) -> int:
    """Sign variations of ``(1 + t)^n f(a + (b - a)/(1 + t))``: by Descartes'
    rule an upper bound on the roots of ``f`` in ``(a, b)``, exact when 0 or 1."""
    n = f.degree()
    fa, fb = to_fmpq(a), to_fmpq(b)
    f01 = f(flint.fmpq_poly([fa, fb - fa]))
    rev = flint.fmpq_poly(list(reversed(f01.coeffs())) + [0] * (n + 1 - f01.length()))
    return _sign_variations(rev(flint.fmpq_poly([1, 1])))


def _isolate_in_open_interval(f: flint.fmpq_poly, a: Fraction, b: Fraction) -> list["RealAlgebraic"]:
    """Roots of ``f`` (squarefree, ``f(a) f(b) != 0``) in ``(a, b)``, exactly.

    The Moebius map ``x = a + (b - a) / (1 + t)`` sends ``t > 0`` onto
    ``(a, b)``; ``g(t) = (1 + t)^n f(x(t))`` is ``f`` scaled onto (0, 1),
    reversed and shifted by 1 (three linear compositions in FLINT). Descartes'
    rule of signs on ``g`` decides 0 or 1 roots outright; otherwise the positive
    roots of ``g`` are isolated exactly (sympy) and mapped back."""
    n = f.degree()
    fa, fb = to_fmpq(a), to_fmpq(b)
    f01 = f(flint.fmpq_poly([fa, fb - fa]))                   # (a, b) -> (0, 1)
    rev = flint.fmpq_poly(list(reversed(f01.coeffs())) + [0] * (n + 1 - f01.length()))
    g = rev(flint.fmpq_poly([1, 1]))                          # t -> t + 1
    v = _sign_variations(g)
    if v == 0:
        return []
    if v == 1:
        return [RealAlgebraic(f, a, b)]
    out = []
    for u, w in dup_isolate_real_roots_sqf(_fmpz_coeffs_high_first(g), ZZ, inf=QQ(0)):
        u = Fraction(int(u.numerator), int(u.denominator))
        w = Fraction(int(w.numerator), int(w.denominator))
        to_x = lambda t: a + (b - a) / (1 + t)
        if u == w:
            out.append(RealAlgebraic.rational(to_x(u)) if u > 0 else None)
            continue
        out.append(RealAlgebraic(f, to_x(w), to_x(u)))       # decreasing map
    return [r for r in out if r is not None]


def _isolate_irreducible(f: flint.fmpq_poly, lo=None, hi=None) -> list["RealAlgebraic"]:
    if f.degree() == 1:
        c = f.coeffs()
        r = to_fraction(-c[0] / c[1])
        if (lo is None or r >= lo) and (hi is None or r <= hi):
            return [RealAlgebraic(f, r, r)]
        return []
    if lo is not None and hi is not None:
        lo, hi = to_fraction(lo), to_fraction(hi)
        # f is irreducible of degree >= 2: no rational roots, so f(lo) f(hi) != 0
        return _isolate_in_open_interval(f, lo, hi) if lo < hi else []
    kw = {}
    if lo is not None:
        kw["inf"] = QQ(to_fraction(lo).numerator, to_fraction(lo).denominator)
    if hi is not None:
        kw["sup"] = QQ(to_fraction(hi).numerator, to_fraction(hi).denominator)
    out = []
    for a, b in dup_isolate_real_roots_sqf(_fmpz_coeffs_high_first(f), ZZ, **kw):
        a = Fraction(int(a.numerator), int(a.denominator))
        b = Fraction(int(b.numerator), int(b.denominator))
        out.append(RealAlgebraic(f, a, b))
    return out


def real_roots(p: flint.fmpq_poly, lo=None, hi=None) -> list[tuple["RealAlgebraic", int]]:
    """All distinct real roots of ``p`` (in ``[lo, hi]`` when given), sorted,
    each with its multiplicity, with pairwise disjoint isolating intervals.

    The count is exact: ``p`` is split into irreducible factors over QQ (FLINT)
    and each factor's real roots are isolated exactly (sympy).

    >>> import flint
    >>> [(str(a), m) for a, m in real_roots(flint.fmpq_poly([0, 0, 1, 1]))]
    [('-1', 1), ('0', 2)]
    """
    roots: list[tuple[RealAlgebraic, int]] = []
    for f, m in squarefree_factors(p):
        for r in _isolate_irreducible(f, lo, hi):
            roots.append((r, m))
    return sort_disjoint(roots)


def sort_disjoint(items: list) -> list:
    """Sort ``(RealAlgebraic, payload)`` pairs whose numbers are pairwise
    distinct, refining brackets until they are pairwise disjoint."""
    items = list(items)
    while True:
        items.sort(key=lambda t: (t[0].lo, t[0].hi))
        clash = False
        for (a, _), (b, _) in zip(items, items[1:]):
            if a.hi >= b.lo:
                if a.is_rational and b.is_rational and a.lo == b.lo:
                    raise ValueError("sort_disjoint: equal numbers given")
                a.bisect()
                b.bisect()
                clash = True
        if not clash:
            return items


# ---------------------------------------------------------------------------
# real algebraic numbers
# ---------------------------------------------------------------------------
class RealAlgebraic:
    """The root of squarefree ``poly`` in ``[lo, hi]``.

    Invariant: either ``lo == hi`` is the (rational) root, or ``lo < hi``,
    ``poly(lo) * poly(hi) < 0`` and ``poly`` has exactly one root in
    ``(lo, hi)``.

    >>> import flint
    >>> a = RealAlgebraic(flint.fmpq_poly([-2, 0, 1]), 1, 2)
    >>> a.refine_bits(60); float(a)
    1.4142135623730951
    """

    __slots__ = ("poly", "lo", "hi", "_slo")

    def __init__(self, poly: flint.fmpq_poly, lo, hi):
        self.poly = poly
        self.lo, self.hi = to_fraction(lo), to_fraction(hi)
        if self.lo > self.hi:
            raise ValueError("empty bracket")
        if self.lo < self.hi:
            s_lo, s_hi = _sign(poly(to_fmpq(self.lo))), _sign(poly(to_fmpq(self.hi)))
            if s_lo * s_hi >= 0:
                raise ValueError("bracket does not show a sign change")
            self._slo = s_lo
        else:
            if poly(to_fmpq(self.lo)) != 0:
                raise ValueError("rational point is not a root")
            self._slo = 0

    @classmethod
    def rational(cls, r) -> "RealAlgebraic":
        r = to_fraction(r)
        return cls(flint.fmpq_poly([to_fmpq(-r), 1]), r, r)

    @property
    def is_rational(self) -> bool:
        return self.lo == self.hi

    def width(self) -> Fraction:
        return self.hi - self.lo

    def copy(self) -> "RealAlgebraic":
        c = object.__new__(RealAlgebraic)
        c.poly, c.lo, c.hi, c._slo = self.poly, self.lo, self.hi, self._slo
        return c

    # -- refinement ---------------------------------------------------------
    def bisect(self) -> None:
        """Halve the bracket exactly (no-op for a rational)."""
        if self.is_rational:
            return
        m = (self.lo + self.hi) / 2
        s = _sign(self.poly(to_fmpq(m)))
        if s == 0:
            self.lo = self.hi = m
            self.poly = flint.fmpq_poly([to_fmpq(-m), 1])
            self._slo = 0
        elif s == self._slo:
            self.lo = m
        else:
            self.hi = m

    def _scale(self) -> Fraction:
        return max(Fraction(1), abs(self.lo), abs(self.hi))

    def refine_bits(self, bits: int) -> None:
        """Shrink the bracket to width ``<= 2**-bits * max(1, |x|)``.

        Newton's method in mpmath proposes a bracket; it is accepted only after
        the exact sign change of ``poly`` at its rational endpoints is checked.
        Exact bisection is the fallback."""
        target = self._scale() / (Fraction(2) ** bits)
        if self.is_rational or self.width() <= target:
            return
        while self.width() > target and self.width() * 2 ** 40 > target:
            self.bisect()                 # a few exact steps to enter the Newton basin
            if self.is_rational:
                return
            if self.width() < self._scale() / 2 ** 30:
                break
        if self.width() > target:
            self._newton(bits)
        while self.width() > target:
            self.bisect()

    def _newton(self, bits: int) -> None:
        """Newton steps in mpmath from the bracket's midpoint; the result is
        kept only if an exact sign check confirms the new bracket. Guard bits
        grow when cancellation in the polynomial evaluation stalls the
        iteration."""
        guard = 40
        for _attempt in range(4):
            if self._newton_once(bits, guard):
                return
            guard *= 4

    def _newton_once(self, bits: int, guard: int) -> bool:
        old = mp.prec
        try:
            mp.prec = bits + guard
            coeffs = [mpf(int(c.p)) / int(c.q) for c in self.poly.coeffs()]
            dcoeffs = [k * c for k, c in enumerate(coeffs)][1:]
            x = (mpf(self.lo.numerator) / self.lo.denominator
                 + mpf(self.hi.numerator) / self.hi.denominator) / 2
            tol = abs(x) * mpf(2) ** (-(bits + 8)) + mpf(2) ** (-(bits + 8))
            prev = None
            for k in range(12 + bits.bit_length()):
                d = _mp_horner(dcoeffs, x)
                if d == 0:
                    return False
                step = _mp_horner(coeffs, x) / d
                x -= step
                if abs(step) <= tol:
                    break
                if prev is not None and k >= 3 and abs(step) > abs(prev) / 4:
                    break                  # no longer quadratic: at the noise floor
                prev = step
            c = mpf_to_fraction(x)
        finally:
            mp.prec = old
        delta = self._scale() / (Fraction(2) ** (bits + 2))
        lo, hi = max(self.lo, c - delta), min(self.hi, c + delta)
        if not (self.lo <= lo < hi <= self.hi):
            return False
        s_lo, s_hi = _sign(self.poly(to_fmpq(lo))), _sign(self.poly(to_fmpq(hi)))
        if s_lo == 0 or s_hi == 0:
            r = lo if s_lo == 0 else hi
            self.lo = self.hi = r
            self.poly, self._slo = flint.fmpq_poly([to_fmpq(-r), 1]), 0
            return True
        if s_lo * s_hi < 0:                       # exact check of the bracket
            self.lo, self.hi, self._slo = lo, hi, s_lo
            return True
        return False

    # -- enclosures ---------------------------------------------------------
    def enclose(self, f, bits: int = 128, max_bits: int = MAX_BITS) -> tuple[Fraction, Fraction]:
        """Exact rational bounds ``(lo, hi)`` of ``f(x)`` (polynomial or
        RationalFunction), of relative width about ``2**-bits``, from an mpmath
        interval evaluation on the refined bracket."""
        b = bits
        while True:
            self.refine_bits(b + 10)
            old = iv.prec
            try:
                iv.prec = b + 40
                if self.is_rational:
                    x = iv_from_fraction(self.lo)
                else:
                    x = iv.mpf([iv_from_fraction(self.lo).a, iv_from_fraction(self.hi).b])
                val = (iv_rational_function(f, x) if isinstance(f, RationalFunction)
                       else iv_poly(f, x))
                lo, hi = iv_to_fractions(val)
            except ZeroDivisionError:
                lo = hi = None
            finally:
                iv.prec = old
            if lo is not None:
                w, scale = hi - lo, max(abs(lo), abs(hi))
                if w <= scale / Fraction(2) ** bits or w <= Fraction(1, 2 ** (bits + 60)) or b >= max_bits:
                    return lo, hi
            elif b >= max_bits:
                raise PrecisionExhausted("denominator not separated from 0")
            b *= 2

    # -- exact decisions ----------------------------------------------------
    def _has_common_root(self, g: flint.fmpq_poly) -> bool:
        """Exact: is the number a root of ``g``?"""
        if self.is_rational:
            return g(to_fmpq(self.lo)) == 0
        h = self.poly.gcd(g)
        if h.is_constant():
            return False
        return _sign(h(to_fmpq(self.lo))) * _sign(h(to_fmpq(self.hi))) < 0

    def sign_of(self, g, max_bits: int = MAX_BITS) -> int:
        """Exact sign of ``g(x)`` for a polynomial or RationalFunction ``g``.

        Zero is decided by a gcd; a nonzero sign by an enclosure excluding 0.
        Raises :class:`PrecisionExhausted` past ``max_bits`` (which cannot
        happen in exact arithmetic, but bounds the work)."""
        if isinstance(g, RationalFunction):
            if self._has_common_root(g.den):
                raise ZeroDivisionError("sign_of: the number is a pole")
            return self.sign_of(g.num, max_bits) * self.sign_of(g.den, max_bits)
        if g.is_zero():
            return 0
        if self.is_rational:
            return _sign(g(to_fmpq(self.lo)))
        if self._has_common_root(g):
            return 0
        # exact fast path for moderate degrees (the Moebius transform of a
        # high-degree g on a tiny bracket has huge coefficients): no root of g
        # in the bracket (Descartes) => sign g(lo)
        for _ in range(3 if g.degree() <= 64 else 0):
            if g.degree() <= 0:
                return _sign(g(to_fmpq(self.lo)))
            s_lo = _sign(g(to_fmpq(self.lo)))
            if s_lo != 0 and _moebius_variations(g, self.lo, self.hi) == 0:
                return s_lo
            cur = int(self._scale() / self.width()).bit_length()   # bits of the bracket now
            self.refine_bits(2 * cur + 32)
            if self.is_rational:
                return _sign(g(to_fmpq(self.lo)))
        bits = 64
        while bits <= max_bits:
            lo, hi = self.enclose(g, bits, max_bits=bits)
            if lo > 0:
                return 1
            if hi < 0:
                return -1
            bits *= 2
        raise PrecisionExhausted(f"sign not decided within {max_bits} bits")

    def equals(self, other: "RealAlgebraic") -> bool:
        """Exact equality of two real algebraic numbers."""
        lo, hi = max(self.lo, other.lo), min(self.hi, other.hi)
        if lo > hi:
            return False
        if self.is_rational:
            return other._has_common_root(self.poly) if other.lo <= self.lo <= other.hi else False
        if other.is_rational:
            return other.equals(self)
        h = self.poly.gcd(other.poly)
        if h.is_constant():
            return False
        if lo == hi:
            return h(to_fmpq(lo)) == 0
        s_lo, s_hi = _sign(h(to_fmpq(lo))), _sign(h(to_fmpq(hi)))
        return s_lo * s_hi < 0 or s_lo == 0 or s_hi == 0

    def compare(self, other, max_bits: int = MAX_BITS) -> int:
        """Exact order: -1, 0, 1. ``other`` may be a rational."""
        if not isinstance(other, RealAlgebraic):
            other = RealAlgebraic.rational(other)
        if self.equals(other):
            return 0
        while True:
            if self.hi < other.lo:
                return -1
            if other.hi < self.lo:
                return 1
            if self.width() >= other.width():
                self.bisect()
            else:
                other.bisect()

    # -- display --------------------------------------------------------------
    def decimal(self, digits: int = 30) -> str:
        """Decimal string with ``digits`` significant digits, from a bracket
        refined well below that precision."""
        if self.is_rational:
            old = mp.dps
            try:
                mp.dps = digits + 5
                return mp.nstr(mpf(self.lo.numerator) / self.lo.denominator, digits)
            finally:
                mp.dps = old
        bits = int(digits * 3.33) + 20
        self.refine_bits(bits)
        old = mp.dps
        try:
            mp.dps = digits + 10
            m = (mpf(self.lo.numerator) / self.lo.denominator
                 + mpf(self.hi.numerator) / self.hi.denominator) / 2
            return mp.nstr(m, digits)
        finally:
            mp.dps = old

    def __float__(self):
        self.refine_bits(60)
        return float((self.lo + self.hi) / 2)

    def __repr__(self):
        if self.is_rational:
            return f"RealAlgebraic({self.lo})"
        return f"RealAlgebraic(root of {str(self.poly)} in [{self.lo}, {self.hi}])"

    def __str__(self):
        if self.is_rational:
            return str(self.lo)
        return self.decimal(15)


def _mp_horner(cs, x):
    acc = cs[-1]
    for c in reversed(cs[:-1]):
        acc = acc * x + c
    return acc
