"""Rational functions of one variable over QQ, the one exact representation of
the hot path.

A :class:`RationalFunction` is ``num(W) / den(W)`` with ``num, den`` in QQ[W]
(python-flint ``fmpq_poly``), kept reduced (``gcd(num, den) = 1``) and with a
monic denominator, so that equal functions have equal representations.

>>> from fractions import Fraction
>>> W = RationalFunction.identity()
>>> f = (1 + W**2) / (1 - W)
>>> f(Fraction(1, 2))
Fraction(5, 2)
>>> f.derivative()
RationalFunction(((-1)*W^2 + 2*W + 1) / (W^2 + (-2)*W + 1))
"""
from __future__ import annotations

from fractions import Fraction
from typing import Iterable

import flint
import sympy

__all__ = ["RationalFunction", "FractionArithmetic", "to_fmpq", "to_fraction", "poly_from_coeffs", "poly_str",
           "poly_to_sympy"]


def to_fmpq(x) -> flint.fmpq:
    """Exact conversion of an int, Fraction, sympy Rational or fmpq to ``fmpq``."""
    if isinstance(x, flint.fmpq):
        return x
    if isinstance(x, bool):
        raise TypeError("booleans are not numbers here")
    if isinstance(x, int):
        return flint.fmpq(x)
    if isinstance(x, Fraction):
        return flint.fmpq(x.numerator, x.denominator)
    if isinstance(x, sympy.Rational):
        return flint.fmpq(int(x.p), int(x.q))
    num, den = getattr(x, "numerator", None), getattr(x, "denominator", None)
    if num is not None and den is not None:
        return flint.fmpq(int(num), int(den))
    raise TypeError(f"not an exact rational: {x!r}")


def to_fraction(x) -> Fraction:
    """Exact conversion of an fmpq (or any exact rational) to ``Fraction``."""
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int):
        return Fraction(x)
    if isinstance(x, flint.fmpq):
        return Fraction(int(x.p), int(x.q))
    return Fraction(int(x.numerator), int(x.denominator))


def poly_from_coeffs(coeffs: Iterable) -> flint.fmpq_poly:
    """``fmpq_poly`` from exact coefficients, constant term first."""
    return flint.fmpq_poly([to_fmpq(c) for c in coeffs])


def poly_str(p: flint.fmpq_poly, var: str = "W") -> str:
    """Readable string of a polynomial in ``var``."""
    return str(p).replace("x", var)


def poly_to_sympy(p: flint.fmpq_poly, var: sympy.Symbol) -> sympy.Expr:
    """The polynomial as a sympy expression in ``var``."""
    return sum((sympy.Rational(int(c.p), int(c.q)) * var**k
                for k, c in enumerate(p.coeffs())), sympy.Integer(0))


class FractionArithmetic:
    """The field operations of a fraction ``num / den`` that follow from ``_lift``
    (a constant or another fraction as a fraction), ``+``, unary ``-``, ``*`` and
    ``/``: the reflected and the subtracting ones. Shared by the univariate
    :class:`RationalFunction` and the multivariate fractions of
    :mod:`symlqr.matrix.ratfunc`.

    >>> W = RationalFunction.identity()
    >>> (1 - W) == -(W - 1), 2 * W == W + W, 1 / W == W ** -1
    (True, True, True)
    """
    __slots__ = ()

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        return self + (-self._lift(other))

    def __rsub__(self, other):
        return self._lift(other) - self

    def __rmul__(self, other):
        return self * other

    def __rtruediv__(self, other):
        return self._lift(other) / self


class RationalFunction(FractionArithmetic):
    """``num(W)/den(W)`` over QQ, reduced, with monic denominator.

    Parameters
    ----------
    num, den : fmpq_poly or coefficient lists (constant term first)

    Examples
    --------
    >>> W = RationalFunction.identity()
    >>> (W / (W**2 - W)).den
    x + (-1)
    """

    __slots__ = ("num", "den")

    def __init__(self, num, den=None, *, reduced: bool = False):
        num = num if isinstance(num, flint.fmpq_poly) else poly_from_coeffs(
            num if isinstance(num, (list, tuple)) else [num])
        if den is None:
            den = flint.fmpq_poly([1])
        elif not isinstance(den, flint.fmpq_poly):
            den = poly_from_coeffs(den if isinstance(den, (list, tuple)) else [den])
        if den.is_zero():
            raise ZeroDivisionError("rational function with zero denominator")
        if not reduced:
            g = num.gcd(den)
            if not g.is_one():
                num, den = num / g, den / g   # exact division in QQ[x]
        lc = den.leading_coefficient()
        if lc != 1:
            num, den = num / lc, den / lc
        self.num, self.den = num, den

    # -- construction -----------------------------------------------------
    @classmethod
    def identity(cls) -> "RationalFunction":
        """The function ``W``."""
        return cls(flint.fmpq_poly([0, 1]), reduced=True)

    @classmethod
    def constant(cls, c) -> "RationalFunction":
        return cls(flint.fmpq_poly([to_fmpq(c)]), reduced=True)

    @classmethod
    def from_sympy(cls, expr, var: sympy.Symbol) -> "RationalFunction":
        """From a sympy expression that is rational in ``var`` with rational
        coefficients (no user strings ever reach this)."""
        n, d = sympy.fraction(sympy.together(expr))
        pn, pd = sympy.Poly(n, var, domain="QQ"), sympy.Poly(d, var, domain="QQ")
        conv = lambda P: poly_from_coeffs(
            [Fraction(int(c.p), int(c.q)) for c in reversed(P.all_coeffs())])
        return cls(conv(pn), conv(pd))

    def to_sympy(self, var: sympy.Symbol) -> sympy.Expr:
        """The function as a sympy expression in ``var`` (display, exploration, tests).

        >>> W = RationalFunction.identity()
        >>> ((W + 1) / (2 * W)).to_sympy(sympy.Symbol("x"))
        (x/2 + 1/2)/x
        """
        return poly_to_sympy(self.num, var) / poly_to_sympy(self.den, var)

    # -- arithmetic -------------------------------------------------------
    @staticmethod
    def _lift(x) -> "RationalFunction":
        return x if isinstance(x, RationalFunction) else RationalFunction.constant(x)

    def __add__(self, other):
        o = self._lift(other)
        g = self.den.gcd(o.den)
        if g.is_one():
            return RationalFunction(self.num * o.den + o.num * self.den, self.den * o.den)
        a, b = self.den / g, o.den / g
        return RationalFunction(self.num * b + o.num * a, self.den * b)

    def __neg__(self):
        return RationalFunction(-self.num, self.den, reduced=True)

    def __mul__(self, other):
        o = self._lift(other)
        return RationalFunction(self.num * o.num, self.den * o.den)

    def __truediv__(self, other):
        o = self._lift(other)
        if o.num.is_zero():
            raise ZeroDivisionError("division by the zero function")
        return RationalFunction(self.num * o.den, self.den * o.num)

    def __pow__(self, k: int):
        if k < 0:
            return RationalFunction.constant(1) / self ** (-k)
        return RationalFunction(self.num ** k, self.den ** k, reduced=True)

    def __eq__(self, other):
        o = self._lift(other) if not isinstance(other, RationalFunction) else other
        return self.num == o.num and self.den == o.den

    def __hash__(self):
        return hash((tuple(self.num.coeffs()), tuple(self.den.coeffs())).__repr__())

    # -- calculus and composition -----------------------------------------
    def derivative(self) -> "RationalFunction":
        """``(num' den - num den') / den^2``."""
        return RationalFunction(self.num.derivative() * self.den
                                - self.num * self.den.derivative(), self.den ** 2)

    def compose(self, inner: "RationalFunction") -> "RationalFunction":
        """``self(inner(W))`` by homogeneous substitution of ``p/q``."""
        p, q = inner.num, inner.den
        dn, dd = self.num.degree(), self.den.degree()
        d = max(dn, dd, 0)

        def homog(poly):
            out = flint.fmpq_poly([0])
            for k, c in enumerate(poly.coeffs()):
                if c != 0:
                    out += c * p ** k * q ** (d - k)
            return out
        return RationalFunction(homog(self.num), homog(self.den))

    def __call__(self, x):
        """Exact value at a rational ``x`` (``ZeroDivisionError`` at a pole)."""
        xq = to_fmpq(x)
        d = self.den(xq)
        if d == 0:
            raise ZeroDivisionError("evaluation at a pole")
        return to_fraction(self.num(xq) / d)

    def limit_at_infinity(self):
        """Limit at ``+-infinity`` (the same at both ends for a finite limit):
        ``Fraction(0)`` if ``deg num < deg den``, the ratio of leading
        coefficients if the degrees are equal, ``None`` if ``|f| -> infinity``.

        >>> W = RationalFunction.identity()
        >>> ((2 * W**2 + 1) / (3 * W**2)).limit_at_infinity(), (W**3 / (W + 1)).limit_at_infinity()
        (Fraction(2, 3), None)
        """
        dn, dd = self.num.degree(), self.den.degree()
        if dn < dd:
            return Fraction(0)
        if dn == dd:
            return to_fraction(self.num.leading_coefficient() / self.den.leading_coefficient())
        return None

    def is_zero(self) -> bool:
        return self.num.is_zero()

    def degree(self) -> tuple[int, int]:
        return (self.num.degree(), self.den.degree())

    def __repr__(self):
        return f"RationalFunction(({poly_str(self.num)}) / ({poly_str(self.den)}))"
