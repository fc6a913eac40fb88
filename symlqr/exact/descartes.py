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

__all__ = ["sign", "sign_variations", "moebius_transform", "moebius_variations"]


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


def moebius_transform(f: flint.fmpq_poly, a: flint.fmpq, b: flint.fmpq) -> flint.fmpq_poly:
    """``(1 + t)^n f(a + (b - a)/(1 + t))`` with ``n = deg f``, for ``a < b`` in QQ."""
    n = f.degree()
    f01 = f(flint.fmpq_poly([a, b - a]))                      # (a, b) -> (0, 1)
    rev = flint.fmpq_poly(list(reversed(f01.coeffs())) + [0] * (n + 1 - f01.length()))
    return rev(flint.fmpq_poly([1, 1]))                       # t -> t + 1


def moebius_variations(f: flint.fmpq_poly, a: flint.fmpq, b: flint.fmpq) -> int:
    """Descartes' bound on the roots of ``f`` in ``(a, b)``: exact when 0 or 1."""
    return sign_variations(moebius_transform(f, a, b))
