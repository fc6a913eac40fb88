"""Bernstein coefficients on a sub-box from those on a box, in Arb balls.

If ``p(t) = sum_j c_j B^n_j(t)`` on ``[0, 1]`` (``B^n_j(t) = C(n, j) t^j
(1 - t)^(n - j)``), its Bernstein coefficients on ``[t0, t1]`` are the values of
its blossom at ``t0`` (``n - r`` times) and ``t1`` (``r`` times) (Ramshaw 1989;
Farin, "Curves and Surfaces for CAGD", ch. 4):

    c'_r = sum_j M[r, j] c_j,   sum_j M[r, j] z^j = ((1 - t0) + t0 z)^(n - r) ((1 - t1) + t1 z)^r

so ``M`` is computed with polynomial products and has only nonnegative entries
(rows sum to 1): the product ``M c`` loses no accuracy to cancellation beyond
the ratio ``max |c| / max |c'|``. This is how a small box's coefficients are
recomputed from an *anchor* box's exact ones (:class:`~symlqr.branch.bernstein.Source`):
the Bernstein basis on a box is far better conditioned than the monomial basis
at the origin, whose conversions to a small box far from the origin lose
hundreds of bits.

>>> from fractions import Fraction as Q
>>> from flint import fmpq
>>> M = restriction(2, Q(0), Q(1, 2))           # x^2 = B^2_2 on [0, 1]; on [0, 1/2]: (0, 0, 1/4)
>>> [float(x.mid()) for x in (M * arb_mat([[0], [0], [1]])).entries()]
[0.0, 0.0, 0.25]
"""
from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

from flint import arb, arb_mat, arb_poly, ctx, fmpq

__all__ = ["restriction", "fractions_in"]


def _arb(q: Fraction) -> arb:
    return arb(fmpq(q.numerator, q.denominator))


def restriction(n: int, t0: Fraction, t1: Fraction) -> arb_mat:
    """``M`` (``(n + 1) x (n + 1)``, Arb balls at the current precision) taking
    the Bernstein coefficients of a degree-``n`` polynomial on ``[0, 1]`` to
    those on ``[t0, t1]`` (exact rationals, ``0 <= t0 < t1 <= 1``), by the
    blossom (module docstring). Every entry encloses the exact one. The last
    few are kept (polynomials of one degree converted on one box share them;
    the matrix is only read)."""
    return _restriction(n, Fraction(t0), Fraction(t1), ctx.prec)


@lru_cache(maxsize=16)
def _restriction(n: int, t0: Fraction, t1: Fraction, prec: int) -> arb_mat:
    if t0 == 0 and t1 == 1:
        return arb_mat([[int(i == j) for j in range(n + 1)] for i in range(n + 1)])
    a, b = _arb(t0), _arb(t1)
    u0, u1 = arb_poly([1 - a, a]), arb_poly([1 - b, b])
    p0, p1 = [arb_poly([1])], [arb_poly([1])]
    for _ in range(n):
        p0.append(p0[-1] * u0)
        p1.append(p1[-1] * u1)
    zero = arb(0)
    rows = []
    for r in range(n + 1):
        c = (p0[n - r] * p1[r]).coeffs()
        rows += c + [zero] * (n + 1 - len(c))
    return arb_mat(n + 1, n + 1, rows)


def fractions_in(box, outer) -> list:
    """``(t0, t1)`` per side: where ``box`` lies in ``outer`` (both lists of
    ``(lo, hi)`` Fractions), as fractions of each of ``outer``'s sides; ``None``
    when ``box`` is not inside ``outer``.

    >>> from fractions import Fraction as Q
    >>> fractions_in([(Q(1), Q(2))], [(Q(0), Q(4))])
    [(Fraction(1, 4), Fraction(1, 2))]
    """
    out = []
    for (a, b), (A, B) in zip(box, outer):
        if not A <= a < b <= B:
            return None
        out.append(((a - A) / (B - A), (b - A) / (B - A)))
    return out
