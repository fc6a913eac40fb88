"""Descartes' rule of signs on an interval, exactly over QQ.

The Moebius map ``x = a + (b - a) / (1 + t)`` sends ``t > 0`` onto ``(a, b)``;
``g(t) = (1 + t)^n f(x(t))`` is ``f`` scaled onto (0, 1), reversed and shifted
by 1 (three linear compositions in FLINT). The sign variations of ``g``'s
coefficients bound the number of roots of ``f`` in ``(a, b)`` from above, and
equal it when they are 0 or 1.

>>> import flint
>>> f = flint.fmpq_poly([-2, 0, 1])                  # W^2 - 2
>>> moebius_variations(f, flint.fmpq(1), flint.fmpq(2)), moebius_variations(f, flint.fmpq(2), flint.fmpq(3))
(1, 0)
"""
from __future__ import annotations

import flint

__all__ = ["sign", "sign_variations", "unit_transform", "unit_variations", "moebius_transform",
           "moebius_variations"]


def sign(v) -> int:
    """-1, 0 or 1 (exact for fmpq, Fraction and int)."""
    return (v > 0) - (v < 0)


def sign_variations(p: flint.fmpq_poly) -> int:
    """Sign changes in the coefficient sequence of ``p`` (zeros skipped).

    >>> sign_variations(flint.fmpq_poly([1, 0, -1, 2]))
    2
    """
    signs = [c > 0 for c in p.coeffs() if c != 0]
    return sum(1 for u, v in zip(signs, signs[1:]) if u != v)


def unit_transform(P):
    """``(1 + t)^n P(1/(1 + t))`` with ``n = deg P``: the roots of ``P`` in
    ``(0, 1)`` become the roots ``t > 0`` (``P`` in ZZ[x] or QQ[x]; the result
    has the same type).

    >>> unit_transform(flint.fmpz_poly([-1, 3]))                # 3x - 1: t = 2
    (-1)*x + 2
    """
    kind = type(P)
    rev = kind(list(reversed(P.coeffs())))                   # x^n P(1/x)
    return rev(kind([1, 1]))                                  # x -> 1 + t


def unit_variations(P) -> int:
    """Descartes' bound on the roots of ``P`` in ``(0, 1)``: the sign variations
    of :func:`unit_transform`, exact when 0 or 1.

    >>> unit_variations(flint.fmpz_poly([-2, 0, 4])), unit_variations(flint.fmpz_poly([-2, 0, 1]))
    (1, 0)
    """
    return sign_variations(unit_transform(P))


def moebius_transform(f: flint.fmpq_poly, a: flint.fmpq, b: flint.fmpq) -> flint.fmpq_poly:
    """``(1 + t)^n f(a + (b - a)/(1 + t))`` with ``n = deg f``, for ``a < b`` in QQ:
    ``f`` scaled onto ``(0, 1)``, then :func:`unit_transform`."""
    return unit_transform(f(flint.fmpq_poly([a, b - a])))    # (a, b) -> (0, 1)


def moebius_variations(f: flint.fmpq_poly, a: flint.fmpq, b: flint.fmpq) -> int:
    """Descartes' bound on the roots of ``f`` in ``(a, b)``: exact when 0 or 1."""
    return sign_variations(moebius_transform(f, a, b))
