"""Real roots of an irreducible polynomial in a range, isolated by Arb.

The eliminants of a two-task family reach degree ~200 in ``p`` with
coefficients of thousands of bits; exact continued-fraction isolation
(sympy, pure Python) takes minutes on them. FLINT's
``arb_fmpz_poly_complex_roots`` (``fmpz_poly.complex_roots``) isolates all
complex roots in C: its enclosures are pairwise disjoint and a real root is
returned with an imaginary part exactly 0 (proven real). The real part ``[a, b]``
of such an enclosure therefore holds exactly one root and no other; the sign
change of ``f`` at ``a`` and ``b`` is checked exactly again when the
:class:`~symlqr.exact.realroots.RealAlgebraic` is made. A root whose bracket
reaches ``lo`` or ``hi`` is bisected exactly until the comparison is decided
(an irrational root never equals a rational end). Anything unexpected falls
back to the exact isolation of :func:`~symlqr.exact.realroots.real_roots`.

>>> import flint
>>> [r.decimal(8) for r in roots_between(flint.fmpq_poly([-2, 0, 1]), 0, 2)]
['1.4142136']
"""
from __future__ import annotations

from fractions import Fraction

import flint

from ..exact.ratfunc import to_fmpq
from ..exact.realroots import RealAlgebraic, real_roots

__all__ = ["roots_between", "refine"]

_BITS = 200          # accurate bits of the Arb enclosures (later refinement is then free)


def _exact(x) -> flint.fmpq:
    man, exp = x.man_exp()
    man, exp = int(man), int(exp)
    return flint.fmpq(man * 2 ** exp) if exp >= 0 else flint.fmpq(man, 2 ** -exp)


def roots_between(f: flint.fmpq_poly, lo, hi, bits: int = _BITS) -> list:
    """The real roots of the irreducible ``f`` in ``[lo, hi]``, as
    :class:`RealAlgebraic` numbers with brackets about ``2**-bits`` wide."""
    lo, hi = to_fmpq(Fraction(lo)), to_fmpq(Fraction(hi))
    if f.degree() <= 1:
        return [r for r, _m in real_roots(f, lo, hi)]
    try:
        with flint.ctx.workprec(bits):
            found = flint.fmpz_poly(f.numer()).complex_roots()
        out = []
        for z, _m in found:
            if z.imag != 0:
                continue
            a, b = _exact(z.real.lower()), _exact(z.real.upper())
            if b < lo or a > hi:
                continue
            r = RealAlgebraic(f, a, b)
            if _decide(r, lo, hi):
                out.append(r)
        return out
    except (ValueError, ArithmeticError):
        return [r for r, _m in real_roots(f, lo, hi)]


def _decide(r: RealAlgebraic, lo, hi, steps: int = 4000) -> bool:
    """Is ``r`` in ``[lo, hi]``? (exact bisection while its bracket holds an end)."""
    for _ in range(steps):
        a, b = to_fmpq(r.lo), to_fmpq(r.hi)
        if b < lo or a > hi:
            return False
        if (lo < a or (r.is_rational and lo <= a)) and (b < hi or (r.is_rational and b <= hi)):
            return True
        r.bisect()
    raise ArithmeticError("root not separated from an end of the range")


def refine(r: RealAlgebraic, bits: int) -> None:
    """Narrow the bracket of ``r`` to width ``<= 2**-bits * max(1, |r|)`` by
    interval Newton in Arb: on a bracket ``X`` where ``f'`` excludes 0 the
    root is the only one, and it stays in ``X & (m - f(m) / f'(X))``; the
    bracket's ends are exact binary rationals. Exact bisection while ``f'``
    may vanish on the bracket, and :meth:`RealAlgebraic.refine_bits` as the
    fallback.

    >>> import flint
    >>> from symlqr.exact.realroots import RealAlgebraic
    >>> r = RealAlgebraic(flint.fmpq_poly([-2, 0, 1]), 1, 2)
    >>> refine(r, 300); r.hi - r.lo < Fraction(1, 2 ** 300)
    True
    """
    if r.is_rational:
        return
    target = max(Fraction(1), abs(r.lo), abs(r.hi)) / 2 ** bits
    if r.hi - r.lo <= target:
        return
    with flint.ctx.workprec(bits + 64):
        f = flint.arb_poly(r.poly)
        df = flint.arb_poly(r.poly.derivative())
        for _ in range(4 * bits.bit_length() + 64):
            X = flint.arb(to_fmpq(r.lo)).union(flint.arb(to_fmpq(r.hi)))
            d = df(X)
            if d.contains(0):
                r.bisect()
            else:
                m = X.mid()
                N = m - f(m) / d
                if not X.overlaps(N):
                    break
                Y = X.intersection(N)
                lo, hi = max(to_fmpq(r.lo), _exact(Y.lower())), min(to_fmpq(r.hi), _exact(Y.upper()))
                if not lo < hi:
                    break
                r.narrow(lo, hi)
            if r.is_rational or r.hi - r.lo <= target:
                return
    r.refine_bits(bits)
