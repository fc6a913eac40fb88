"""Exact rationals in and out of mpmath intervals: the one bridge between QQ
and interval arithmetic.

``iv_from_fraction(x)`` is the tightest interval holding the rational ``x`` at
the current ``iv.prec``; ``iv_to_fractions(v)`` reads an interval's endpoints
exactly; ``iv_poly``/``iv_rational_function`` evaluate by interval Horner.

>>> from fractions import Fraction
>>> from symlqr.exact.precision import iv_workprec
>>> with iv_workprec(20):
...     lo, hi = iv_to_fractions(iv_from_fraction(Fraction(1, 3)))
>>> lo < Fraction(1, 3) < hi, hi - lo < Fraction(1, 2**19)
(True, True)
"""
from __future__ import annotations

from fractions import Fraction

import flint
from mpmath import iv, mpf
from mpmath.libmp import from_int, mpf_div, round_ceiling, round_floor, to_rational

from .ratfunc import RationalFunction

__all__ = ["mpf_to_fraction", "mpf_to_fmpq", "iv_to_fractions", "iv_from_fraction",
           "iv_poly", "iv_rational_function"]


def mpf_to_fraction(x) -> Fraction:
    """Exact value of a finite mpmath ``mpf`` as a Fraction.

    >>> mpf_to_fraction(mpf(0.375)), mpf_to_fraction(mpf(-0.375))
    (Fraction(3, 8), Fraction(-3, 8))
    """
    sign, man, exp, _bc = mpf(x)._mpf_
    man = -int(man) if sign else int(man)
    return Fraction(man * 2 ** exp) if exp >= 0 else Fraction(man, 2 ** (-exp))


def mpf_to_fmpq(x) -> flint.fmpq:
    """Exact value of a finite mpmath ``mpf`` (or its raw ``_mpf_`` tuple) as an ``fmpq``.

    >>> mpf_to_fmpq(mpf(-0.375))
    -3/8
    """
    sign, man, exp, _bc = x if isinstance(x, tuple) else x._mpf_
    man = -int(man) if sign else int(man)
    return flint.fmpq(man * 2 ** exp) if exp >= 0 else flint.fmpq(man, 2 ** (-exp))


def iv_to_fractions(v) -> tuple[Fraction, Fraction]:
    """Exact endpoints of an mpmath interval, read from its raw representation
    (``v.a``/``v.b`` would re-round at the *current* precision)."""
    a, b = v._mpi_
    return Fraction(*map(int, to_rational(a))), Fraction(*map(int, to_rational(b)))


def iv_from_fraction(x) -> "iv.mpf":
    """Tight interval containing the rational ``x`` (int, Fraction or fmpq) at
    the current ``iv.prec``: ``iv.mpf(p) / q``. When ``p`` and ``q`` fit in the
    precision that is one division rounded down and one rounded up, done
    directly in mpmath's ``libmp`` (the same bits, without interval objects)."""
    if isinstance(x, int):
        return iv.mpf(x)
    if isinstance(x, flint.fmpq):
        p, q = int(x.p), int(x.q)
    else:
        p, q = int(x.numerator), int(x.denominator)
    if q == 1:
        return iv.mpf(p)
    prec = iv.prec
    if p.bit_length() <= prec and q.bit_length() <= prec:
        P, Q = from_int(p), from_int(q)
        return iv.make_mpf((mpf_div(P, Q, prec, round_floor), mpf_div(P, Q, prec, round_ceiling)))
    return iv.mpf(p) / q


def iv_poly(p: flint.fmpq_poly, x) -> "iv.mpf":
    """Interval Horner evaluation of ``p`` on the interval ``x``."""
    coeffs = p.coeffs()
    if not coeffs:
        return iv.mpf(0)
    acc = iv_from_fraction(coeffs[-1])
    for c in reversed(coeffs[:-1]):
        acc = acc * x + iv_from_fraction(c)
    return acc


def iv_rational_function(f: RationalFunction, x) -> "iv.mpf":
    """Interval enclosure of ``f`` on ``x`` (raises if the denominator encloses 0)."""
    d = iv_poly(f.den, x)
    if d.a <= 0 <= d.b:
        raise ZeroDivisionError("denominator enclosure contains 0")
    return iv_poly(f.num, x) / d
