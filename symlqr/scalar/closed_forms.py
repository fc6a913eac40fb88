"""The scalar LQR closed forms, written once over ``+ - *`` and instantiated in
every arithmetic (mpmath's "one algorithm, several contexts").

For the policy ``a_t = -W s_t`` of the task ``(A, B, Q, R)`` from ``s0``:

    D(W)  = 1 - (A - B W)^2                          (W stable iff D(W) > 0)
    c(W)  = A B R W^2 + (R (1 - A^2) + B^2 Q) W - A B Q
    C(W)  = s0^2 (Q + R W^2) / D(W)
    C'(W) = 2 s0^2 c(W) / D(W)^2
    F(W)  = W - eta C'(W)                            (C' at the adaptation state s0a)

Each function takes the task's numbers and ``W`` in any ring whose elements
support ``+ - *`` with each other and with the integers 1 and 2: Python or
numpy floats, Fractions, sympy expressions, FLINT ``fmpq``/``fmpq_poly``/
``fmpq_mpoly``, mpmath intervals, dual numbers, rational functions. Quotients
are returned as ``(numerator, denominator)`` pairs, so that polynomial rings
(which have no division) get exact numerators and denominators; in a field,
:func:`ratio` divides. The callers: :mod:`symlqr.scalar.lqr` (sympy and
FLINT), :mod:`symlqr.scalar.numeric` (floats), :mod:`symlqr.atlas.family`
(polynomials in ``W`` and the varied parameter, and interval dual numbers).

>>> from fractions import Fraction
>>> ratio(cost(1, 1, 2, 2, 1, Fraction(1, 2)))               # floats or exact alike
Fraction(10, 3)
>>> import flint
>>> W = flint.fmpq_poly([0, 1])
>>> stationarity(1, 1, 2, 2, W)                               # c(W) in QQ[W]
2*x^2 + 2*x + (-2)
>>> cost(1, 1, 2, 2, 1, 0.5)
(2.5, 0.75)
"""
from __future__ import annotations

__all__ = ["closed_loop", "stationarity", "cost", "gradient", "adaptation", "ratio"]


def closed_loop(A, B, W):
    """``D(W) = 1 - (A - B W)^2``: the closed loop is stable iff ``D(W) > 0``.

    >>> closed_loop(1, 1, 0.5)
    0.75
    """
    a = A - B * W
    return 1 - a * a


def stationarity(A, B, Q, R, W):
    """``c(W) = A B R W^2 + (R (1 - A^2) + B^2 Q) W - A B Q``: the numerator of
    ``C'`` up to ``2 s0^2``, so ``C'(W) = 0 <=> c(W) = 0`` on the stable set.

    >>> stationarity(1, 1, 2, 2, 1)
    2
    """
    return A * B * R * W * W + (R * (1 - A * A) + B * B * Q) * W - A * B * Q


def cost(A, B, Q, R, s0, W) -> tuple:
    """``C(W) = s0^2 (Q + R W^2) / D(W)`` as ``(numerator, denominator)``.

    >>> cost(1, 1, 2, 2, 1, 1)
    (4, 1)
    """
    return s0 * s0 * (Q + R * W * W), closed_loop(A, B, W)


def gradient(A, B, Q, R, s0, W) -> tuple:
    """``C'(W) = 2 s0^2 c(W) / D(W)^2`` as ``(numerator, denominator)``.

    >>> gradient(1, 1, 2, 2, 1, 1)
    (4, 1)
    """
    D = closed_loop(A, B, W)
    return 2 * s0 * s0 * stationarity(A, B, Q, R, W), D * D


def adaptation(A, B, Q, R, s0a, eta, W) -> tuple:
    """``F(W) = W - eta C'(W)`` as ``(numerator, denominator)`` (``C'`` at ``s0a``).

    >>> from fractions import Fraction
    >>> ratio(adaptation(1, 1, 2, 2, 1, Fraction(1, 100), 1))
    Fraction(24, 25)
    """
    num, den = gradient(A, B, Q, R, s0a, W)
    return W * den - eta * num, den


def ratio(pair: tuple):
    """``numerator / denominator`` of a pair, in a ring with division."""
    num, den = pair
    return num / den
