"""Certified enclosures: an interval ``[lo, hi]`` of exact rationals that provably
holds a real number, and its decimal renderings.

>>> from fractions import Fraction
>>> e = Enclosure(Fraction(314159, 100000), Fraction(314160, 100000))
>>> e.decimal(10)            # no more digits than the enclosure certifies
'3.1416'
>>> e.outward(3)
['3.14', '3.15']
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

from mpmath import mp, mpf

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

    def decimal(self, digits: int) -> str:
        """The midpoint with ``digits`` significant digits, or fewer when the
        enclosure is wider than that (never more digits than are certified)."""
        if self.lo != self.hi:
            mid = abs(self.lo + self.hi) / 2
            width = self.hi - self.lo
            if mid > 0:
                r = mid / width      # log10 of each integer: no float overflow past 1e308
                ok = (math.floor(math.log10(r.numerator) - math.log10(r.denominator))
                      if width > 0 else digits)
                digits = max(1, min(digits, ok))
        old = mp.dps
        try:
            mp.dps = digits + 10
            mid = (mpf(self.lo.numerator) / self.lo.denominator
                   + mpf(self.hi.numerator) / self.hi.denominator) / 2
            return mp.nstr(mid, digits)
        finally:
            mp.dps = old

    def __float__(self) -> float:
        """The midpoint as a float (for plots and quick looks; not certified).

        >>> float(Enclosure(Fraction(1, 4), Fraction(3, 4)))
        0.5
        """
        return float((self.lo + self.hi) / 2)

    def outward(self, digits: int) -> list:
        """``[lo, hi]`` rounded outward to decimals of ``digits`` significant digits."""
        return [_round_decimal(self.lo, digits, down=True), _round_decimal(self.hi, digits, down=False)]


def _round_decimal(x: Fraction, digits: int, down: bool) -> str:
    if x == 0:
        return "0"
    e = math.floor(math.log10(abs(x.numerator)) - math.log10(x.denominator))
    scale = Fraction(10) ** (digits - 1 - e)
    y = x * scale
    n = math.floor(y) if down else math.ceil(y)
    val = Fraction(n) / scale
    if val.denominator == 1:
        return str(val.numerator)
    s = f"{n}e{-(digits - 1 - e)}" if abs(e) > 20 else None
    if s:
        return s
    # plain decimal string
    k = digits - 1 - e
    sign = "-" if n < 0 else ""
    digs = str(abs(n)).rjust(k + 1, "0")
    return f"{sign}{digs[:-k]}.{digs[-k:]}".rstrip("0").rstrip(".") if k > 0 else f"{sign}{digs}"
