"""Real roots of a squarefree polynomial inside one interval, by Descartes'
rule of signs (:mod:`~symlqr.exact.descartes`) and bisection (the
Vincent-Collins-Akritas method) on FLINT integer polynomials.

For ``p`` squarefree and ``[a, b]`` rational, the roots of ``p`` in ``(a, b)``
are the roots in ``(0, 1)`` of ``P(x) = p(a + (b - a) x)``. The number of sign
variations of the coefficients of ``(1 + x)^n P(1 / (1 + x))`` bounds that
count from above and equals it when it is 0 or 1 (Descartes, with the Moebius
map onto ``(0, inf)``). Halving: ``P_left(x) = 2^n P(x / 2)``,
``P_right(x) = P_left(x + 1)``. Every decision is an exact integer sign.

Only the roots in the interval are looked for, so the cost follows the few
roots in a small domain, not the hundreds of roots of a high-degree
numerator elsewhere (compare :func:`symlqr.exact.realroots.real_roots`, which
isolates all of them).

>>> import flint
>>> from fractions import Fraction
>>> p = flint.fmpq_poly([-2, 0, 1]) * flint.fmpq_poly([-1, 3])     # (W^2 - 2)(3W - 1)
>>> isolate_in(p, Fraction(0), Fraction(2))
[(Fraction(0, 1), Fraction(1, 1)), (Fraction(1, 1), Fraction(2, 1))]
"""
from __future__ import annotations

from fractions import Fraction

import flint

from .descartes import unit_variations
from .ratfunc import to_fmpq, to_fraction

__all__ = ["isolate_in", "count_in"]

_SHIFT1 = flint.fmpz_poly([1, 1])


def _halve(P: flint.fmpz_poly, n: int) -> flint.fmpz_poly:
    """``2^n P(x / 2)`` as an integer polynomial."""
    c = P.coeffs()
    return flint.fmpz_poly([ck * (1 << (n - k)) for k, ck in enumerate(c)])


def _primitive(P: flint.fmpz_poly) -> flint.fmpz_poly:
    g = P.content()
    return P if g == 1 else flint.fmpz_poly([c // g for c in P.coeffs()])


def _to_unit(p: flint.fmpq_poly, a: Fraction, b: Fraction) -> flint.fmpz_poly:
    q = p(flint.fmpq_poly([to_fmpq(a), to_fmpq(b - a)]))
    return _primitive(q.numer())


def isolate_in(p: flint.fmpq_poly, a, b) -> list[tuple[Fraction, Fraction]]:
    """Isolating brackets of the roots of the squarefree ``p`` in ``[a, b]``,
    sorted: ``(r, r)`` for a rational root, else ``(lo, hi)`` with
    ``lo < hi``, ``p(lo) p(hi) < 0`` and exactly one root in ``(lo, hi)``.

    >>> import flint
    >>> isolate_in(flint.fmpq_poly([-2, 0, 1]), -1, 1)
    []
    """
    a, b = to_fraction(a), to_fraction(b)
    if a > b or p.degree() <= 0:
        return []
    out = []
    for end in ((a, b) if a < b else (a,)):
        if p(to_fmpq(end)) == 0:
            out.append((end, end))
    if a == b:
        return out
    n = p.degree()
    width = b - a
    stack = [(_to_unit(p, a, b), 0, 0)]          # (P, k, c): the interval [c/2^k, (c+1)/2^k]
    while stack:
        P, k, c = stack.pop()
        v = unit_variations(P)
        lo = a + width * Fraction(c, 1 << k)
        hi = a + width * Fraction(c + 1, 1 << k)
        if v == 0:
            continue
        if v == 1 and p(to_fmpq(lo)) != 0 and p(to_fmpq(hi)) != 0:
            out.append((lo, hi))
            continue
        L = _primitive(_halve(P, n))
        R = L(_SHIFT1)
        mid = (lo + hi) / 2
        if R.coeffs() and R.coeffs()[0] == 0:   # root exactly at the midpoint
            out.append((mid, mid))
            R = flint.fmpz_poly(R.coeffs()[1:])
        stack.append((R, k + 1, 2 * c + 1))
        stack.append((L, k + 1, 2 * c))
    out.sort()
    return out


def count_in(p: flint.fmpq_poly, a, b) -> int:
    """Number of distinct roots of the squarefree ``p`` in ``[a, b]``."""
    return len(isolate_in(p, a, b))
