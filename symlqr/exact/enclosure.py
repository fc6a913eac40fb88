"""Certified enclosures: an interval ``[lo, hi]`` of exact rationals that provably
holds a real number, and its decimal renderings.

The decimal of an enclosure prints only certified digits: ``k`` significant
digits are printed when *every* number in ``[lo, hi]`` rounds to the same
``k``-digit decimal (decided exactly, :func:`~symlqr.exact.digits.certified_digits`),
so the printed decimal is the correct rounding of the true value. When not
even one digit is certified the decimal is the interval itself, rounded outward.

>>> from fractions import Fraction
>>> e = Enclosure(Fraction(314159, 100000), Fraction(314160, 100000))
>>> e.decimal(10)            # no more digits than the enclosure certifies
'3.1416'
>>> e.outward(3)
['3.14', '3.15']
>>> Enclosure(Fraction(0), Fraction(308, 10**37)).decimal(30)    # no digit certified
'[0, 3.1e-35]'
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .digits import certified_digits, decimal_exponent, format_rounded, nstr_format
from .ratfunc import to_fraction

__all__ = ["Enclosure"]


@dataclass
class Enclosure:
    """A certified interval ``[lo, hi]`` of exact rationals (``lo == hi`` when exact)."""
    lo: Fraction
    hi: Fraction

    @classmethod
    def of(cls, bounds: tuple) -> "Enclosure":
        return cls(*bounds)

    @classmethod
    def exact(cls, x) -> "Enclosure":
        x = to_fraction(x)
        return cls(x, x)

    def copy(self) -> "Enclosure":
        return self

    def certified_digits(self, digits: int) -> int:
        """The most significant digits (``<= digits``) that every number of
        the enclosure rounds to alike; 0 when no digit is certified.

        >>> Enclosure(Fraction(9994, 10000), Fraction(9996, 10000)).certified_digits(10)   # 1.0
        2
        """
        return certified_digits(self.lo, self.hi, digits)

    def decimal(self, digits: int) -> str:
        """The value correctly rounded to ``digits`` significant digits, or to
        fewer when the enclosure certifies fewer; ``"[lo, hi]"`` (two digits,
        rounded outward) when it certifies none.

        >>> Enclosure(Fraction(1249, 10000), Fraction(1250, 10000)).decimal(5)
        '0.125'
        """
        k = self.certified_digits(digits)
        if k == 0:
            return f"[{_directed(self.lo, 2, down=True)}, {_directed(self.hi, 2, down=False)}]"
        return format_rounded(self.lo, k)

    def __float__(self) -> float:
        """The midpoint as a float (for plots and quick looks; not certified).

        >>> float(Enclosure(Fraction(1, 4), Fraction(3, 4)))
        0.5
        """
        return float((self.lo + self.hi) / 2)

    def outward(self, digits: int) -> list:
        """``[lo, hi]`` rounded outward to decimals of ``digits`` significant digits."""
        return [_round_decimal(self.lo, digits, down=True), _round_decimal(self.hi, digits, down=False)]


def _directed(x: Fraction, digits: int, down: bool) -> str:
    """``x`` rounded down (or up) to ``digits`` significant digits, printed as
    ``nstr`` prints it (``'3.1e-35'``)."""
    if x == 0:
        return "0"
    e = decimal_exponent(x)
    y = abs(x) * Fraction(10) ** (digits - 1 - e)
    n = y.numerator // y.denominator if down == (x > 0) else -(-y.numerator // y.denominator)
    if n == 10 ** digits:
        n, e = 10 ** (digits - 1), e + 1
    return nstr_format("-" if x < 0 else "", n, e, digits)


def _round_decimal(x: Fraction, digits: int, down: bool) -> str:
    """``x`` rounded down (or up) at its ``digits``-th significant digit."""
    if x == 0:
        return "0"
    e = decimal_exponent(x)
    scale = Fraction(10) ** (digits - 1 - e)
    y = x * scale
    n = y.numerator // y.denominator if down else -(-y.numerator // y.denominator)
    val = Fraction(n) / scale
    if val.denominator == 1:
        return str(val.numerator)
    if abs(e) > 20:
        return f"{n}e{-(digits - 1 - e)}"
    # plain decimal string
    k = digits - 1 - e
    sign = "-" if n < 0 else ""
    digs = str(abs(n)).rjust(k + 1, "0")
    return f"{sign}{digs[:-k]}.{digs[-k:]}".rstrip("0").rstrip(".") if k > 0 else f"{sign}{digs}"
