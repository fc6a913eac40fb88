"""Real algebraic numbers with exact signs, comparisons and decimals.

A :class:`RealAlgebraic` is the unique root of a squarefree ``poly`` in QQ[W]
inside a rational bracket ``[lo, hi]`` (``poly(lo) poly(hi) < 0``), or an exact
rational (``lo == hi``). The *number* never changes. The bracket is a cache:
any method may narrow it (exact bisection, or a Newton proposal accepted only
after an exact sign check), and no answer depends on how narrow it is:

* ``sign_of(g)`` is 0 exactly when ``gcd(poly, g)`` has the root in the
  bracket, otherwise it is read off Descartes' rule or an interval enclosure
  that excludes 0;
* ``compare``/``equals`` decide equality by a gcd and order by disjoint brackets;
* ``decimal(d)`` is the correct rounding of the number to ``d`` significant
  digits, decided exactly (integer arithmetic on the bracket's ends);
* ``enclose(f, bits)`` returns a certified interval of relative width about
  ``2**-bits`` (its ends, not its truth, depend on the cached bracket).

Use :meth:`refined` for a narrower copy that leaves the original untouched.

>>> import flint
>>> a = RealAlgebraic(flint.fmpq_poly([-2, 0, 1]), 1, 2)          # sqrt(2)
>>> a.sign_of(flint.fmpq_poly([-2, 0, 1])), a.compare(RealAlgebraic.rational(Fraction(3, 2)))
(0, -1)
>>> a.decimal(20), float(a)
('1.4142135623730950488', 1.4142135623730951)
"""
from __future__ import annotations

from fractions import Fraction

import flint
from mpmath import iv

from .descartes import moebius_variations, sign
from .digits import correctly_rounded, format_rounded
from .intervals import iv_from_fraction, iv_poly, iv_rational_function, iv_to_fractions
from .newton import newton_point
from .precision import GUARD_BITS_DISPLAY, MAX_BITS, bits_for_digits, iv_workprec
from .ratfunc import RationalFunction, to_fmpq, to_fraction

__all__ = ["RealAlgebraic", "PrecisionExhausted"]


class PrecisionExhausted(ArithmeticError):
    """A sign or comparison could not be decided within the precision cap."""


def _linear(r: flint.fmpq) -> flint.fmpq_poly:
    return flint.fmpq_poly([-r, 1])


class RealAlgebraic:
    """The root of squarefree ``poly`` in ``[lo, hi]``.

    Invariant: either ``lo == hi`` is the (rational) root, or ``lo < hi``,
    ``poly(lo) * poly(hi) < 0`` and ``poly`` has exactly one root in
    ``(lo, hi)``. ``lo``/``hi`` (Fractions) show the narrowest bracket known
    so far; inside the exact layer the bracket is kept as FLINT ``fmpq``.

    >>> import flint
    >>> a = RealAlgebraic(flint.fmpq_poly([-2, 0, 1]), 1, 2)
    >>> b = a.refined(60)
    >>> a.hi - a.lo, b.hi - b.lo <= Fraction(1, 2**59)
    (Fraction(1, 1), True)
    """

    __slots__ = ("poly", "_lo", "_hi", "_slo")

    def __init__(self, poly: flint.fmpq_poly, lo, hi):
        self.poly = poly
        self._lo, self._hi = to_fmpq(lo), to_fmpq(hi)
        if self._lo > self._hi:
            raise ValueError("empty bracket")
        if self._lo < self._hi:
            s_lo, s_hi = sign(poly(self._lo)), sign(poly(self._hi))
            if s_lo * s_hi >= 0:
                raise ValueError("bracket does not show a sign change")
            self._slo = s_lo
        else:
            if poly(self._lo) != 0:
                raise ValueError("rational point is not a root")
            self._slo = 0

    @classmethod
    def rational(cls, r) -> "RealAlgebraic":
        r = to_fmpq(r)
        return cls(_linear(r), r, r)

    # -- the bracket ----------------------------------------------------------
    @property
    def lo(self) -> Fraction:
        return to_fraction(self._lo)

    @property
    def hi(self) -> Fraction:
        return to_fraction(self._hi)

    def bracket(self) -> tuple[flint.fmpq, flint.fmpq]:
        """The current bracket ``(lo, hi)`` as FLINT rationals."""
        return self._lo, self._hi

    @property
    def is_rational(self) -> bool:
        return self._lo == self._hi

    def width(self) -> Fraction:
        return to_fraction(self._hi - self._lo)

    def copy(self) -> "RealAlgebraic":
        """The same number with its own bracket cache."""
        c = object.__new__(RealAlgebraic)
        c.poly, c._lo, c._hi, c._slo = self.poly, self._lo, self._hi, self._slo
        return c

    def refined(self, bits: int) -> "RealAlgebraic":
        """A copy whose bracket has relative width ``<= 2**-bits``; ``self`` is
        unchanged."""
        c = self.copy()
        c.refine_bits(bits)
        return c

    def _set_root(self, r: flint.fmpq) -> None:
        """The number turned out to be the rational ``r``."""
        self._lo = self._hi = r
        self.poly, self._slo = _linear(r), 0

    def _narrow(self, lo: flint.fmpq, hi: flint.fmpq, s_lo: int) -> None:
        """Replace the bracket by a sub-bracket with a checked sign change."""
        assert self._lo <= lo < hi <= self._hi and s_lo == self._slo
        self._lo, self._hi = lo, hi

    # -- refinement (narrows the cache; never changes the number) --------------
    def narrow(self, lo, hi) -> None:
        """Replace the bracket by ``[lo, hi]`` inside it, for a caller that has
        proven the root lies there (the signs of ``poly`` at ``lo`` and ``hi``
        decided, e.g. by Arb balls in :mod:`symlqr.exact.balls`)."""
        self._narrow(to_fmpq(lo), to_fmpq(hi), self._slo)

    def bisect(self) -> None:
        """Halve the bracket exactly (no-op for a rational)."""
        if self.is_rational:
            return
        m = (self._lo + self._hi) / 2
        s = sign(self.poly(m))
        if s == 0:
            self._set_root(m)
        elif s == self._slo:
            self._narrow(m, self._hi, s)
        else:
            self._narrow(self._lo, m, self._slo)

    def _scale(self) -> flint.fmpq:
        return max(flint.fmpq(1), abs(self._lo), abs(self._hi))

    def refine_bits(self, bits: int) -> None:
        """Narrow the bracket to width ``<= 2**-bits * max(1, |x|)``.

        Newton's method in mpmath proposes a bracket; it is accepted only after
        the exact sign change of ``poly`` at its rational endpoints is checked.
        Exact bisection is the fallback."""
        target = self._scale() / 2 ** bits
        width = lambda: self._hi - self._lo
        if self.is_rational or width() <= target:
            return
        while width() > target and width() * 2 ** 40 > target:
            self.bisect()                 # a few exact steps to enter the Newton basin
            if self.is_rational:
                return
            if width() < self._scale() / 2 ** 30:
                break
        if width() > target:
            self._newton(bits)
        while width() > target:
            self.bisect()

    def _newton(self, bits: int) -> None:
        """Newton steps from the bracket's midpoint; guard bits grow when
        cancellation in the polynomial evaluation stalls the iteration."""
        guard = 40
        for _attempt in range(4):
            if self._newton_once(bits, guard):
                return
            guard *= 4

    def _newton_once(self, bits: int, guard: int) -> bool:
        """Accept the bracket ``c +- scale 2**-(bits+2)`` around the Newton
        point ``c`` only after an exact sign check."""
        c = newton_point(self.poly, self._lo, self._hi, bits, guard)
        if c is None:
            return False
        delta = self._scale() / 2 ** (bits + 2)
        lo, hi = max(self._lo, c - delta), min(self._hi, c + delta)
        if not (self._lo <= lo < hi <= self._hi):
            return False
        s_lo, s_hi = sign(self.poly(lo)), sign(self.poly(hi))
        if s_lo == 0 or s_hi == 0:
            self._set_root(lo if s_lo == 0 else hi)
            return True
        if s_lo * s_hi < 0:                       # exact check of the bracket
            self._narrow(lo, hi, s_lo)
            return True
        return False

    # -- enclosures -------------------------------------------------------------
    def _enclose_once(self, f, b: int):
        """Interval value of ``f`` on the bracket at ``b + 40`` bits, or None
        when a denominator enclosure holds 0."""
        with iv_workprec(b + 40):
            try:
                if self.is_rational:
                    x = iv_from_fraction(self._lo)
                else:
                    x = iv.mpf([iv_from_fraction(self._lo).a, iv_from_fraction(self._hi).b])
                val = (iv_rational_function(f, x) if isinstance(f, RationalFunction)
                       else iv_poly(f, x))
            except ZeroDivisionError:
                return None
            return iv_to_fractions(val)

    def enclose(self, f, bits: int = 128, max_bits: int = MAX_BITS) -> tuple[Fraction, Fraction]:
        """Exact rational bounds ``(lo, hi)`` of ``f(x)`` (polynomial or
        RationalFunction), of relative width about ``2**-bits``, from an mpmath
        interval evaluation on the refined bracket."""
        b = bits
        while True:
            self.refine_bits(b + 10)
            bounds = self._enclose_once(f, b)
            if bounds is not None:
                lo, hi = bounds
                w, scale = hi - lo, max(abs(lo), abs(hi))
                if w <= scale / Fraction(2) ** bits or w <= Fraction(1, 2 ** (bits + 60)) or b >= max_bits:
                    return lo, hi
            elif b >= max_bits:
                raise PrecisionExhausted("denominator not separated from 0")
            b *= 2

    # -- exact decisions ----------------------------------------------------------
    def is_root_of(self, g: flint.fmpq_poly) -> bool:
        """Exact: is the number a root of ``g``?"""
        if self.is_rational:
            return g(self._lo) == 0
        h = self.poly.gcd(g)
        if h.is_constant():
            return False
        return sign(h(self._lo)) * sign(h(self._hi)) < 0


    def _sign_by_descartes(self, g: flint.fmpq_poly):
        """Sign of ``g`` (no root of ``g`` at the number) when Descartes' rule
        shows no root of ``g`` in the bracket, refining up to three times;
        None otherwise. Exact; for moderate degrees (the Moebius transform of a
        high-degree ``g`` on a tiny bracket has huge coefficients)."""
        for _ in range(3 if g.degree() <= 64 else 0):
            if g.degree() <= 0 or self.is_rational:
                return sign(g(self._lo))
            s_lo = sign(g(self._lo))
            if s_lo != 0 and moebius_variations(g, self._lo, self._hi) == 0:
                return s_lo
            cur = int(self._scale() / (self._hi - self._lo)).bit_length()   # bits now
            self.refine_bits(2 * cur + 32)
        if self.is_rational:
            return sign(g(self._lo))
        return None

    def sign_of(self, g, max_bits: int = MAX_BITS) -> int:
        """Exact sign of ``g(x)`` for a polynomial or RationalFunction ``g``.

        Zero is decided by a gcd; a nonzero sign by Descartes' rule or by an
        enclosure excluding 0. Raises :class:`PrecisionExhausted` past
        ``max_bits`` (which cannot happen in exact arithmetic, but bounds the work)."""
        if isinstance(g, RationalFunction):
            if self.is_root_of(g.den):
                raise ZeroDivisionError("sign_of: the number is a pole")
            return self.sign_of(g.num, max_bits) * self.sign_of(g.den, max_bits)
        if g.is_zero():
            return 0
        if self.is_rational:
            return sign(g(self._lo))
        if self.is_root_of(g):
            return 0
        s = self._sign_by_descartes(g)
        if s is not None:
            return s
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
        lo, hi = max(self._lo, other._lo), min(self._hi, other._hi)
        if lo > hi:
            return False
        if self.is_rational:
            return other.is_root_of(self.poly) if other._lo <= self._lo <= other._hi else False
        if other.is_rational:
            return other.equals(self)
        h = self.poly.gcd(other.poly)
        if h.is_constant():
            return False
        if lo == hi:
            return h(lo) == 0
        s_lo, s_hi = sign(h(lo)), sign(h(hi))
        return s_lo * s_hi < 0 or s_lo == 0 or s_hi == 0

    def compare(self, other, max_bits: int = MAX_BITS) -> int:
        """Exact order: -1, 0, 1. ``other`` may be a rational. Both brackets
        may narrow; neither number changes."""
        if not isinstance(other, RealAlgebraic):
            other = RealAlgebraic.rational(other)
        if self.equals(other):
            return 0
        while True:
            if self._hi < other._lo:
                return -1
            if other._hi < self._lo:
                return 1
            if self._hi - self._lo >= other._hi - other._lo:
                self.bisect()
            else:
                other.bisect()

    # -- display --------------------------------------------------------------------
    def decimal(self, digits: int = 30) -> str:
        """The number correctly rounded to ``digits`` significant digits (ties
        away from zero), formatted as mpmath's ``nstr`` formats it. Decided
        exactly: the bracket is refined until both of its ends round to the
        same decimal (always reached: an irrational number is never a tie).

        >>> import flint
        >>> RealAlgebraic(flint.fmpq_poly([-2, 0, 1]), 1, 2).decimal(5)
        '1.4142'
        """
        if self.is_rational:
            return format_rounded(self._lo, digits)
        bits = bits_for_digits(digits, GUARD_BITS_DISPLAY)
        self.refine_bits(bits)
        c = self
        while not c.is_rational and (correctly_rounded(c._lo, digits)
                                     != correctly_rounded(c._hi, digits)):
            c = c.copy() if c is self else c          # further steps on a copy
            bits *= 2
            c.refine_bits(bits)
        return format_rounded(c._lo, digits)

    def __float__(self):
        """The nearest double, decided exactly (both bracket ends round to it)."""
        self.refine_bits(60)
        c, bits = self, 60
        while float(to_fraction(c._lo)) != float(to_fraction(c._hi)):
            c = c.copy() if c is self else c          # further steps on a copy
            bits *= 2
            c.refine_bits(bits)
        return float(to_fraction(c._lo))

    def __repr__(self):
        if self.is_rational:
            return f"RealAlgebraic({self.lo})"
        return f"RealAlgebraic(root of {str(self.poly)} in [{self.lo}, {self.hi}])"

    def __str__(self):
        if self.is_rational:
            return str(self.lo)
        return self.decimal(15)
