"""The field ``QQ(w1, ..., wn)`` of rational functions of the gain entries, and
dense matrices over it: reduced fractions ``num / den`` of ``flint.fmpq_mpoly``
polynomials (``den`` monic, ``gcd = 1``), the scalars of the backend
:class:`~symlqr.matrix.ratfunc.RationalFunctionBackend`.

>>> from flint import fmpq_mpoly_ctx
>>> x = RatFunc(fmpq_mpoly_ctx.get(("w1",), "degrevlex").gens()[0])
>>> (1 / (1 - x * x)) * (1 - x)                    # reduced fractions
(1) / (w1 + 1)
"""
from __future__ import annotations

from fractions import Fraction

from flint import fmpq

from ..exact.ratfunc import FractionArithmetic

__all__ = ["RatFunc", "RatMat"]


class RatFunc(FractionArithmetic):
    """A reduced fraction ``num / den`` of ``fmpq_mpoly`` polynomials, ``den`` monic."""
    __slots__ = ("num", "den")

    def __init__(self, num, den=None, reduce=True):
        if den is None:
            den = num.context().from_dict({}) + 1
        if reduce and not den.is_one():
            g = num.gcd(den)
            if not g.is_one():
                num, den = num / g, den / g
            lc = den.leading_coefficient()
            if lc != 1:
                num, den = num / lc, den / lc
        self.num, self.den = num, den

    def _lift(self, other):
        if isinstance(other, RatFunc):
            return other
        ctx = self.num.context()
        if isinstance(other, Fraction):
            other = fmpq(other.numerator, other.denominator)
        return RatFunc(ctx.from_dict({}) + other, None, reduce=False)

    def __add__(self, other):
        o = self._lift(other)
        if self.den == o.den:
            return RatFunc(self.num + o.num, self.den)
        g = self.den.gcd(o.den)
        a, b = self.den / g, o.den / g
        return RatFunc(self.num * b + o.num * a, a * o.den)

    def __neg__(self):
        return RatFunc(-self.num, self.den, reduce=False)

    def __mul__(self, other):
        o = self._lift(other)
        g1, g2 = self.num.gcd(o.den), o.num.gcd(self.den)
        num, den = (self.num / g1) * (o.num / g2), (self.den / g2) * (o.den / g1)
        return RatFunc(num, den, reduce=False)._monic()

    def _monic(self):
        lc = self.den.leading_coefficient()
        if lc != 1:
            self.num, self.den = self.num / lc, self.den / lc
        return self

    def inverse(self):
        if self.num.is_zero():
            raise ZeroDivisionError("division by the zero rational function")
        return RatFunc(self.den, self.num, reduce=False)._monic()

    def __truediv__(self, other):
        return self * self._lift(other).inverse()

    def is_zero(self) -> bool:
        return self.num.is_zero()

    def __eq__(self, other):
        o = self._lift(other)
        return self.num == o.num and self.den == o.den

    def __hash__(self):
        return hash((str(self.num), str(self.den)))

    def __repr__(self):
        return f"({self.num}) / ({self.den})" if not self.den.is_one() else str(self.num)


class RatMat:
    """Dense matrix of :class:`RatFunc` with the slice of the ``fmpq_mat`` API the
    closed forms use (``*``, ``+``, ``-``, ``transpose``, ``entries``, ``[i, j]``)."""

    def __init__(self, rows, cols=None, entries=None):
        if cols is None:
            self.r, self.c = len(rows), len(rows[0])
            self.e = [x for row in rows for x in row]
        else:
            self.r, self.c, self.e = rows, cols, list(entries)

    def nrows(self):
        return self.r

    def ncols(self):
        return self.c

    def entries(self):
        return list(self.e)

    def __getitem__(self, ij):
        return self.e[ij[0] * self.c + ij[1]]

    def __setitem__(self, ij, v):
        self.e[ij[0] * self.c + ij[1]] = v

    def transpose(self):
        return RatMat(self.c, self.r, [self.e[i * self.c + j] for j in range(self.c)
                                       for i in range(self.r)])

    def __add__(self, o):
        return RatMat(self.r, self.c, [a + b for a, b in zip(self.e, o.e)])

    def __sub__(self, o):
        return RatMat(self.r, self.c, [a - b for a, b in zip(self.e, o.e)])

    def __neg__(self):
        return RatMat(self.r, self.c, [-a for a in self.e])

    def __mul__(self, o):
        if not isinstance(o, RatMat):
            return RatMat(self.r, self.c, [a * o for a in self.e])
        out = []
        for i in range(self.r):
            for j in range(o.c):
                terms = [self.e[i * self.c + k] * o.e[k * o.c + j] for k in range(self.c)]
                out.append(_sum(terms))
        return RatMat(self.r, o.c, out)

    __rmul__ = __mul__


def _sum(terms):
    out = terms[0]
    for t in terms[1:]:
        out = out + t
    return out
