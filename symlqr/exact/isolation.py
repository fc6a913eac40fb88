"""Exact real-root isolation over QQ: counts, isolating brackets, sorting.

The count is exact: a polynomial is split into irreducible factors over QQ
(FLINT) and each factor's real roots are isolated exactly (Descartes' rule on
Moebius transforms, and sympy's continued-fraction isolation over ZZ); Sturm
sequences (sympy ``dup_count_real_roots``) give an independent count.

>>> import flint
>>> [(str(a), m) for a, m in real_roots(flint.fmpq_poly([0, 0, 1, 1]))]
[('-1', 1), ('0', 2)]
>>> count_real_roots(flint.fmpq_poly([-2, 0, 1]), 0, 10)
1
"""
from __future__ import annotations

import functools
import math
from fractions import Fraction

import flint
from sympy.polys.domains import QQ, ZZ
from sympy.polys.rootisolation import dup_count_real_roots, dup_isolate_real_roots_sqf

from .algebraic import RealAlgebraic
from .descartes import moebius_transform, sign_variations
from .digits import distinguishing_decimals
from .ratfunc import to_fmpq

__all__ = ["real_roots", "count_real_roots", "squarefree_factors", "sort_disjoint",
           "simplest_between", "distinct_decimals"]


def _zz_coeffs_high_first(f: flint.fmpq_poly) -> list:
    return [ZZ(int(c)) for c in reversed(f.numer().coeffs())]


def _qq(x) -> "QQ":
    return QQ(int(x.numerator), int(x.denominator))


def _fmpq(x) -> flint.fmpq:
    """An fmpq from a sympy QQ element."""
    return flint.fmpq(int(x.numerator), int(x.denominator))


def simplest_between(lo: Fraction, hi: Fraction) -> Fraction:
    """A short rational strictly inside ``(lo, hi)``, by the continued-fraction
    (Stern-Brocot) descent; a loop rather than a recursion, so brackets of
    rationals with hundreds of digits do not exhaust the recursion limit.

    >>> simplest_between(Fraction(31, 10), Fraction(32, 10))
    Fraction(19, 6)
    """
    assert lo < hi
    heads = []
    while True:
        if math.floor(lo) + 1 < hi:
            x = Fraction(0) if lo < 0 < hi else Fraction(math.floor(lo) + 1)
            break
        fl = math.floor(lo)
        # both in [fl, fl+1]: continue on reciprocals of the fractional parts
        a, b = lo - fl, min(hi - fl, Fraction(1))
        heads.append(fl)
        if a == 0:
            x = Fraction(math.floor(1 / b) + 1)
            break
        lo, hi = 1 / b, 1 / a
    for fl in reversed(heads):
        x = fl + 1 / x
    return x


def squarefree_factors(p: flint.fmpq_poly) -> list[tuple[flint.fmpq_poly, int]]:
    """Irreducible factors over QQ with multiplicities, monic, in a
    deterministic order (by degree, then coefficients)."""
    if p.is_zero():
        raise ValueError("the zero polynomial has no finite factorization")
    _, facs = p.factor()
    out = [(f / f.leading_coefficient(), m) for f, m in facs]
    out.sort(key=lambda fm: (fm[0].degree(), fm[0].coeffs()))
    return out


def count_real_roots(f: flint.fmpq_poly, lo=None, hi=None) -> int:
    """Exact number of distinct real roots of ``f`` in ``[lo, hi]`` by Sturm
    sequences (sympy ``dup_count_real_roots``), an independent check of the
    isolation."""
    g = f.gcd(f.derivative())
    sqf = f / g if not g.is_constant() else f
    kw = {}
    if lo is not None:
        kw["inf"] = _qq(lo)
    if hi is not None:
        kw["sup"] = _qq(hi)
    return int(dup_count_real_roots(_zz_coeffs_high_first(sqf), ZZ, **kw))


def _isolate_in_open_interval(f: flint.fmpq_poly, a: flint.fmpq,
                              b: flint.fmpq) -> list[RealAlgebraic]:
    """Roots of ``f`` (squarefree, ``f(a) f(b) != 0``) in ``(a, b)``, exactly:
    Descartes' rule on the Moebius transform ``g`` decides 0 or 1 roots
    outright; otherwise the positive roots of ``g`` are isolated exactly
    (sympy) and mapped back by ``t -> a + (b - a) / (1 + t)``."""
    g = moebius_transform(f, a, b)
    v = sign_variations(g)
    if v == 0:
        return []
    if v == 1:
        return [RealAlgebraic(f, a, b)]
    out = []
    to_x = lambda t: a + (b - a) / (1 + t)
    for u, w in dup_isolate_real_roots_sqf(_zz_coeffs_high_first(g), ZZ, inf=QQ(0)):
        u, w = _fmpq(u), _fmpq(w)
        if u == w:
            if u > 0:
                out.append(RealAlgebraic.rational(to_x(u)))
            continue
        out.append(RealAlgebraic(f, to_x(w), to_x(u)))       # decreasing map
    return out


def _isolate_irreducible(f: flint.fmpq_poly, lo=None, hi=None) -> list[RealAlgebraic]:
    lo = None if lo is None else to_fmpq(lo)
    hi = None if hi is None else to_fmpq(hi)
    if f.degree() == 1:
        c = f.coeffs()
        r = -c[0] / c[1]
        if (lo is None or r >= lo) and (hi is None or r <= hi):
            return [RealAlgebraic(f, r, r)]
        return []
    if lo is not None and hi is not None:
        # f is irreducible of degree >= 2: no rational roots, so f(lo) f(hi) != 0
        return _isolate_in_open_interval(f, lo, hi) if lo < hi else []
    kw = {}
    if lo is not None:
        kw["inf"] = _qq(lo)
    if hi is not None:
        kw["sup"] = _qq(hi)
    return [RealAlgebraic(f, _fmpq(a), _fmpq(b))
            for a, b in dup_isolate_real_roots_sqf(_zz_coeffs_high_first(f), ZZ, **kw)]


def real_roots(p: flint.fmpq_poly, lo=None, hi=None) -> list[tuple[RealAlgebraic, int]]:
    """All distinct real roots of ``p`` (in ``[lo, hi]`` when given), sorted,
    each with its multiplicity, with pairwise disjoint isolating intervals.

    >>> import flint
    >>> [(a.decimal(10), m) for a, m in real_roots(flint.fmpq_poly([-2, 0, 1]))]
    [('-1.414213562', 1), ('1.414213562', 1)]
    """
    roots: list[tuple[RealAlgebraic, int]] = []
    for f, m in squarefree_factors(p):
        for r in _isolate_irreducible(f, lo, hi):
            roots.append((r, m))
    return sort_disjoint(roots)


def sort_disjoint(items: list) -> list:
    """Sort ``(RealAlgebraic, payload)`` pairs whose numbers are pairwise
    distinct, narrowing their cached brackets until they are pairwise disjoint."""
    items = list(items)
    while True:
        items.sort(key=lambda t: t[0].bracket())
        clash = False
        for (a, _), (b, _) in zip(items, items[1:]):
            if a.bracket()[1] >= b.bracket()[0]:
                if a.is_rational and b.is_rational and a.bracket() == b.bracket():
                    raise ValueError("sort_disjoint: equal numbers given")
                a.bisect()
                b.bisect()
                clash = True
        if not clash:
            return items


def distinct_decimals(numbers: list, digits: int) -> list[str]:
    """Decimals of real algebraic numbers (any order, repeats allowed), in the
    order given, with ``digits`` significant digits or more where two
    *different* numbers would otherwise print alike; equal numbers print
    alike. Each number's ``decimal(digits)`` is called as usual; the sorting
    and any longer decimals use copies, so no other bracket narrows.

    >>> from symlqr.exact.algebraic import RealAlgebraic
    >>> two, near = RealAlgebraic.rational(2), RealAlgebraic.rational(Fraction(2 * 10**12 - 1, 10**12))
    >>> distinct_decimals([two, near, two], 4)
    ['2.0', '1.999999999999', '2.0']
    """
    strings = {id(x): x.decimal(digits) for x in numbers}
    reps: list = []                                 # one copy per distinct number
    owner = {}
    for x in numbers:
        if id(x) in owner:
            continue
        same = next((r for r in reps if r.equals(x)), None)
        if same is None:
            same = x.copy()
            reps.append(same)
        owner[id(x)] = same
    reps.sort(key=functools.cmp_to_key(lambda a, b: a.compare(b)))
    for r, s in zip(reps, distinguishing_decimals(reps, digits)):
        for x in numbers:
            if owner[id(x)] is r and s != strings[id(x)]:
                strings[id(x)] = s
    return [strings[id(x)] for x in numbers]
