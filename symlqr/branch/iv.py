"""Vectorized float64 interval arithmetic with outward rounding (numpy).

An :class:`IV` holds arrays ``lo <= hi`` and stands for every real ``x`` with
``lo <= x <= hi`` elementwise. Every operation computes the float result of
each endpoint formula and then steps one ulp outward with ``np.nextafter``:

    [a, b] + [c, d] = [down(a + c), up(b + d)]
    [a, b] * [c, d] = [down(min P), up(max P)],  P = {ac, ad, bc, bd}
    [a, b] / [c, d] = [a, b] * [1/d, 1/c]   (entire line when 0 in [c, d])

Soundness. numpy's ``+ - * /`` on float64 are IEEE-754 correctly rounded to
nearest (no fused multiply-add in ufuncs), so each float result ``r`` of an
exact value ``v`` satisfies ``|r - v| <= ulp(r) / 2``; hence
``nextafter(r, -inf) <= v <= nextafter(r, +inf)``. This includes overflow
(``r = inf`` means ``v`` is beyond the largest float, which ``nextafter(inf,
-inf)`` bounds below) and gradual underflow (the error is at most half the
smallest subnormal). Undefined endpoint results (``0 * inf``, ``inf - inf``)
give ``nan``; ``nan`` propagates through later operations (``np.minimum``
and ``np.maximum`` propagate it) and an element with a ``nan`` end is read as
the entire line by :meth:`IV.sum` and :meth:`IV.entire_if_nan` (the only
exception, ``[0, 0] * x = [0, 0]``, is exact for every finite ``x``).
Constants enter through :func:`IV.exact` from exact rationals, rounded
outward the same way (``float(Fraction)`` is correctly rounded). A sum over a
task axis (:meth:`IV.sum`) adds the classical bound ``gamma_n sum |x_i|``
(``gamma_n = n u / (1 - n u)``, ``u = 2^-53``) on the error of any float
summation order, with a factor 2 of margin for the rounding of the bound
itself.

>>> x = IV.exact([Fraction(1, 3)])
>>> bool(x.lo[0] < 1 / 3 < x.hi[0]) or bool(x.lo[0] <= 1 / 3 <= x.hi[0])
True
>>> y = (x * 3 - 1)
>>> bool(y.lo[0] <= 0 <= y.hi[0])
True
"""
from __future__ import annotations

from fractions import Fraction
from typing import Iterable

import numpy as np

__all__ = ["IV", "to_float_interval"]

_INF = np.inf
_U = 2.0 ** -53


def _dn(x):
    return np.nextafter(x, -_INF)


def _up(x):
    return np.nextafter(x, _INF)


def _clean(lo, hi):
    lo = np.where(np.isnan(lo), -_INF, lo)
    hi = np.where(np.isnan(hi), _INF, hi)
    return lo, hi


def to_float_interval(x: Fraction) -> tuple[float, float]:
    """Floats ``lo <= x <= hi`` (``lo == hi`` when ``x`` is a float exactly).

    >>> to_float_interval(Fraction(1, 2))
    (0.5, 0.5)
    """
    x = Fraction(x)
    f = float(x)                       # correctly rounded
    if Fraction(f) == x:
        return f, f
    return float(_dn(f)), float(_up(f))


class IV:
    """An array of closed intervals ``[lo, hi]`` (broadcasting like numpy)."""

    __slots__ = ("lo", "hi")
    __array_priority__ = 100

    def __init__(self, lo, hi=None):
        self.lo = np.asarray(lo, dtype=np.float64)
        self.hi = self.lo if hi is None else np.asarray(hi, dtype=np.float64)

    @classmethod
    def exact(cls, values: Iterable) -> "IV":
        """Tight enclosures of exact rationals."""
        pairs = [to_float_interval(Fraction(v)) for v in values]
        return cls(np.array([p[0] for p in pairs]), np.array([p[1] for p in pairs]))

    @staticmethod
    def _lift(x) -> "IV":
        if isinstance(x, IV):
            return x
        if isinstance(x, int) and abs(x) < 2 ** 53:
            return IV(float(x))
        lo, hi = to_float_interval(Fraction(x))
        return IV(lo, hi)

    def __add__(self, other):
        o = IV._lift(other)
        return IV(_dn(self.lo + o.lo), _up(self.hi + o.hi))

    __radd__ = __add__

    def __neg__(self):
        return IV(-self.hi, -self.lo)

    def __sub__(self, other):
        o = IV._lift(other)
        return IV(_dn(self.lo - o.hi), _up(self.hi - o.lo))

    def __rsub__(self, other):
        return IV._lift(other) - self

    def __mul__(self, other):
        o = IV._lift(other)
        with np.errstate(invalid="ignore", over="ignore"):
            p1, p2 = self.lo * o.lo, self.lo * o.hi
            p3, p4 = self.hi * o.lo, self.hi * o.hi
        lo = _dn(np.minimum(np.minimum(p1, p2), np.minimum(p3, p4)))
        hi = _up(np.maximum(np.maximum(p1, p2), np.maximum(p3, p4)))
        if np.isnan(lo).any():            # 0 * inf: exactly 0 if a factor is [0, 0]
            zero = ((self.lo == 0) & (self.hi == 0)) | ((o.lo == 0) & (o.hi == 0))
            lo, hi = np.where(zero, 0.0, lo), np.where(zero, 0.0, hi)
        return IV(lo, hi)

    __rmul__ = __mul__

    def reciprocal(self) -> "IV":
        """``1 / x``; the entire line when ``0`` is in ``x``."""
        zero = (self.lo <= 0) & (self.hi >= 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            lo, hi = _dn(1.0 / self.hi), _up(1.0 / self.lo)
        return IV(np.where(zero, -_INF, lo), np.where(zero, _INF, hi))

    def __truediv__(self, other):
        return self * IV._lift(other).reciprocal()

    def __rtruediv__(self, other):
        return IV._lift(other) * self.reciprocal()

    def __pow__(self, n: int):
        """Only ``n = 2`` (the square, without the dependency of ``x * x``)."""
        if n != 2:
            raise ValueError("IV ** n is implemented for n = 2 only")
        a, b = self.lo * self.lo, self.hi * self.hi
        lo = np.where(self.lo >= 0, a, np.where(self.hi <= 0, b, 0.0))
        hi = np.maximum(a, b)
        lo = np.where(lo > 0, _dn(lo), lo)
        return IV(lo, _up(hi))

    # -- queries ----------------------------------------------------------------
    def sum(self, axis: int = -1) -> "IV":
        """Rigorous sum along ``axis`` (see the module docstring); an element
        with a ``nan`` endpoint counts as the entire line."""
        lo, hi = self.entire_if_nan()
        n = lo.shape[axis]
        g = 2.0 * (n + 1) * _U / (1.0 - (n + 1) * _U)
        with np.errstate(invalid="ignore", over="ignore"):
            s_lo, s_hi = np.sum(lo, axis=axis), np.sum(hi, axis=axis)
            e_lo = g * np.sum(np.abs(lo), axis=axis) + 2.0 ** -1070
            e_hi = g * np.sum(np.abs(hi), axis=axis) + 2.0 ** -1070
            return IV(*_clean(_dn(s_lo - e_lo), _up(s_hi + e_hi)))

    def entire_if_nan(self) -> tuple:
        """``(lo, hi)`` with every element that has a ``nan`` end widened to
        ``(-inf, inf)`` (lazy propagation: a ``nan`` marks a lost bound)."""
        bad = np.isnan(self.lo) | np.isnan(self.hi)
        if not bad.any():
            return self.lo, self.hi
        return np.where(bad, -_INF, self.lo), np.where(bad, _INF, self.hi)

    def contains_zero(self):
        return (self.lo <= 0) & (self.hi >= 0)

    def intersect(self, other: "IV") -> "IV":
        return IV(np.maximum(self.lo, other.lo), np.minimum(self.hi, other.hi))

    def mid(self):
        return 0.5 * self.lo + 0.5 * self.hi

    def __getitem__(self, key):
        return IV(self.lo[key], self.hi[key])

    def __repr__(self):
        return f"IV({self.lo!r}, {self.hi!r})"
