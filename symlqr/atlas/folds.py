"""The folds of a large factor of ``N(W, p)`` without its discriminant: a
certified search in the plane ``(W, p)``.

A fold is a solution of ``f = f_W = 0`` (``f`` an irreducible factor of the
numerator of ``h'``). The discriminant of ``f`` in ``W`` has every fold's
``p`` among its roots, but for four or more tasks its degree reaches the
thousands (Figure 3a: 1626, coefficients of 60000 bits; Figure 3d: about
13000) and it costs minutes to hours. Instead :func:`~symlqr.atlas.solve2.solve2`
searches the box ``[w_lo, w_hi] x [lo, hi]`` (``[w_lo, w_hi]``: where every
task's own closed loop ``A_i - B_i W`` is stable, which holds the domain),
excluding boxes where ``f`` or ``f_W`` has one sign or where a domain
condition is negative, and isolating each solution in a Krawczyk box that
holds it alone. Where ``N(W, 0)`` has a multiple root at a wall (``eta -> 0``),
the corner is covered by the toric charts of :mod:`~symlqr.atlas.corners`.
Each fold is then a :class:`FoldValue` (the ``p``-side of its box, refined by
Krawczyk's iteration), and whether it lies in the domain is read off the
signs of the domain conditions on its box.

When anything stays undecided (a box of the search, a corner, a fold's
position against the ends of the range) the factor goes back to the exact
discriminant (:func:`fold_search` leaves it out), so the answer is never
less certain than before.

>>> from symlqr.tasks import figure
>>> from symlqr.atlas.family import Family
>>> w_hull(Family(figure("fig3c"), "eta"))
(Fraction(0, 1), Fraction(2, 1))
"""
from __future__ import annotations

from fractions import Fraction
from typing import Callable, Optional

import flint
import numpy as np

from ..exact.precision import MAX_BITS
from ..exact.ratfunc import to_fmpq
from ..exact.realroots import count_real_roots, real_roots, squarefree_factors
from .bivariate import at_p, coeffs_in_w, deg_w, in_p
from .corners import corner_free
from .eliminate import degree_bound, integer_rows
from .family import Family
from .singular import BoxBracket, SingularValue, clusters, singular_value
from .solve2 import refine, solve2

__all__ = ["MIN_DEGREE", "FoldValue", "w_hull", "fold_search", "exact_folds", "decide_fold",
           "decide_singular"]

#: factors whose discriminant has a degree bound above this are searched in the plane
MIN_DEGREE = 600


class Fallback(Exception):
    """The search could not decide; the exact discriminant is used instead."""


def w_hull(fam: Family) -> Optional[tuple]:
    """``[w_lo, w_hi]``: the ``W`` with ``|A_i - B_i W| <= 1`` for every task
    (``A_i``, ``B_i`` free of ``p``, ``B_i != 0``), else None."""
    lo = hi = None
    for fields in fam.fields:
        A, B = (in_p(fields[k]) for k in ("A", "B"))
        if A.degree() > 0 or B.degree() > 0 or B.is_zero():
            return None
        a, b = Fraction(*map(int, (A[0].p, A[0].q))), Fraction(*map(int, (B[0].p, B[0].q)))
        ends = sorted(((a - 1) / b, (a + 1) / b))
        lo = ends[0] if lo is None else max(lo, ends[0])
        hi = ends[1] if hi is None else min(hi, ends[1])
    return (lo, hi) if lo is not None and lo < hi else None


class FoldValue(BoxBracket):
    """The parameter value of a fold, held by a box ``((W_lo, W_hi), (p_lo,
    p_hi))`` in which ``f = f_W = 0`` has exactly one solution; narrowed by
    Krawczyk's iteration (:func:`~symlqr.atlas.solve2.refine`). It offers
    what the atlas asks of a critical value's number: ``lo``, ``hi``,
    ``bracket``, ``bisect``, ``decimal``."""

    is_rational = False

    def __init__(self, f, box):
        self.f, self.g = f, f.derivative("W")
        self.box = [tuple(Fraction(e) for e in side) for side in box]

    def refine(self, bits: int) -> None:
        """Both sides narrower than ``2^-bits`` (times ``max(1, |x|)``)."""
        box = refine(self.f, self.g, self.box, bits)
        if box is None:
            raise ArithmeticError("a fold's box does not narrow")
        self.box = box

    def balls(self) -> tuple:
        """Arb balls of ``W`` and ``p``."""
        (a, b), (c, d) = self.box
        return tuple(flint.arb(to_fmpq(x)).union(flint.arb(to_fmpq(y))) for x, y in ((a, b), (c, d)))


def decide_fold(fam: Family, v: FoldValue, max_bits: int = MAX_BITS) -> tuple:
    """``(status, W ball)`` as :func:`~symlqr.atlas.events.decide_event`: the
    signs of the domain conditions on the fold's box, narrowed until decided."""
    from .events import _condition_sign, verdict_of_signs
    rows = [(coeffs_in_w(cd.num), [(coeffs_in_w(g), m) for g, m in poles])
            for cd, poles in zip(fam.conditions, fam.pole_factors)]
    bits = 64
    while bits <= max_bits:
        v.refine(bits)
        with flint.ctx.workprec(bits + 64):
            w, x = v.balls()
            signs = [_condition_sign(num, den, w, x, []) for num, den in rows]
        got = verdict_of_signs(signs, w)
        if got is not None:
            return got
        bits *= 2
    return "unresolved", None


def decide_singular(fam: Family, c, v: SingularValue, max_bits: int = MAX_BITS) -> tuple:
    """``(status, W ball)`` as :func:`~symlqr.atlas.events.decide_event` for the
    folds in the box ``X`` of a singular point ``n`` made exact by
    :func:`exact_folds` (``v.phi``: ``p - p_n`` or the irreducible polynomial of
    ``p_n``), at a root ``c`` of ``v.phi``, without the Sylvester matrix of
    ``f`` and ``f_W`` (size 429 for Figure 3d). As ``f(n) = 0`` the one fold in
    ``X`` is ``n`` itself (:mod:`~symlqr.atlas.singular`), at ``p = p_n``, and
    every other fold of ``f`` with ``p`` in the range is one of the search's
    own values. So: ``"outside"`` (no fold of ``X`` at ``c``) when ``c != p_n``,
    proven by ``c`` lying outside the bracket of ``p_n``; ``c = p_n`` when
    ``v.phi`` has one root (Sturm) in the hull of ``c``'s bracket and the box
    of ``n``; then the signs of the
    domain conditions at ``n``: exact at a rational ``n`` (``v.exact()``), else
    on the balls of the box of ``n`` (narrowed by Krawczyk's iteration for
    ``f_W = f_p = 0``), a condition divisible by one of the two walls through
    ``n`` (``v.crossing``) counting as 0 there (as for a domain event).
    ``"unresolved"`` when ``c`` cannot be placed or a sign stays undecided up
    to ``max_bits``.

    >>> from types import SimpleNamespace
    >>> from fractions import Fraction as Q
    >>> from symlqr.atlas.bivariate import W, P, const
    >>> f = (P - W) * (P + W - const(1))                 # a node at (1/2, 1/2)
    >>> fam = SimpleNamespace(walls=[], conditions=[SimpleNamespace(num=W), SimpleNamespace(num=P - W)],
    ...                       pole_factors=[[], []])
    >>> box = [(Q(1, 2) - Q(1, 2 ** 30), Q(1, 2) + Q(1, 2 ** 30))] * 2
    >>> (phi, (_kind, _a, v)), = exact_folds(fam, {0: [singular_value(f, box)]})
    >>> (c, _m), = real_roots(phi)
    >>> decide_singular(fam, c, v)[0]                     # W = 1/2 > 0, p - W = 0 there
    'boundary'
    """
    from .events import _condition_sign, _near_sign, verdict_of_signs
    try:
        q = v.exact() if c.is_rational else None
    except ArithmeticError:
        return "unresolved", None
    if q is not None:
        if c.lo != q[1]:
            return "outside", None
        wn, pn = (to_fmpq(x) for x in q)
        signs = []
        for cd, poles in zip(fam.conditions, fam.pole_factors):
            num = _exact_sign(at_p(cd.num, q[1])(wn))
            signs.append(_near_sign(num, [(_exact_sign(at_p(g, q[1])(wn)), m) for g, m in poles]))
        status = "outside" if min(signs) < 0 else "boundary" if 0 in signs else "inside"
        with flint.ctx.workprec(64):
            return status, flint.arb(wn)
    if v.crossing is None or not c.is_root_of(v.phi):
        return "unresolved", None
    rows = [(coeffs_in_w(cd.num), [(coeffs_in_w(g), m) for g, m in poles])
            for cd, poles in zip(fam.conditions, fam.pole_factors)]
    zero_rows = [coeffs_in_w(g) for g in v.crossing]
    bits = 64
    while bits <= max_bits:
        try:
            v.refine(bits)
        except ArithmeticError:
            return "unresolved", None
        c.refine_bits(bits + 8)
        (wa, wb), (pa, pb) = v.n_box
        if c.hi < v.lo or c.lo > v.hi:            # every fold of X has p in [v.lo, v.hi]
            return "outside", None
        lo, hi = min(pa, c.lo), max(pb, c.hi)     # holds c and p_n, both roots of phi
        if count_real_roots(v.phi, to_fmpq(lo), to_fmpq(hi)) == 1:
            with flint.ctx.workprec(bits + 64):    # c = p_n: the one root of phi there
                w, x = (flint.arb(to_fmpq(a)).union(flint.arb(to_fmpq(b))) for a, b in v.n_box)
                signs = [_condition_sign(num, den, w, x, zero_rows) for num, den in rows]
            got = verdict_of_signs(signs, w)
            if got is not None:
                return got
        bits *= 2
    return "unresolved", None


def _exact_sign(x) -> int:
    return (x > 0) - (x < 0)


def _corners(fam: Family, f, hull: tuple, lo: Fraction, conds: list, check) -> list:
    """The :class:`~symlqr.atlas.corners.Corner` s next to ``p = lo``, proven free
    of folds by their charts; :class:`Fallback` when ``f(W, lo)`` has a multiple
    root in the hull that they do not cover (a side of the corner beyond the
    hull lies outside the domain)."""
    wl, wr = hull
    out = []
    for h, m in squarefree_factors(at_p(f, lo)):
        if m < 2:
            continue
        roots = [r for r, _ in real_roots(h, to_fmpq(wl), to_fmpq(wr))]
        if not roots:
            continue
        if lo != 0 or fam.param != "eta" or h.degree() != 1:
            raise Fallback("a multiple root of N at the end of the range")
        w0 = Fraction(roots[0].lo)
        for sigma in (-1, 1):
            if (sigma < 0 and w0 <= wl) or (sigma > 0 and w0 >= wr):
                out.append(_Beyond(w0, sigma))
                continue
            check()
            got = corner_free(f, w0, sigma, conds, check)
            if got is None:
                raise Fallback(f"the corner at W = {w0} not proven")
            out.append(got)
    return out


class _Beyond:
    """The side ``sigma`` of a wall ``w0`` at an end of the hull: outside it
    (some task's own closed loop unstable), no point of the domain."""

    def __init__(self, w0: Fraction, sigma: int):
        self.w0, self.sigma = w0, sigma

    def covers(self, lo, hi):
        return np.ones(len(lo), dtype=bool)


def _covered_by(corners: list):
    """Boxes whose part on each side of a corner's wall ``w0`` (where it has
    one) is covered by that side's charts (or lies beyond the hull)."""
    def covered(lo, hi):
        out = np.zeros(len(lo), dtype=bool)
        for w0 in {c.w0 for c in corners}:
            sides = {c.sigma: c for c in corners if c.w0 == w0}
            up = float(np.nextafter(float(w0), np.inf))
            dn = float(np.nextafter(float(w0), -np.inf))
            left_part = lo[:, 0] < up                  # (conservative: a part may exist)
            right_part = hi[:, 0] > dn
            ok = np.ones(len(lo), dtype=bool)
            for sigma, part in ((-1, left_part), (1, right_part)):
                side = sides.get(sigma)
                if side is None:
                    ok &= ~part
                else:
                    ok &= ~part | side.covers(lo, hi)
            out |= ok
        return out
    return covered


def _folds_of(fam: Family, f, hull: tuple, lo: Fraction, hi: Fraction, check) -> list:
    conds = [(cd.num, poles) for cd, poles in zip(fam.conditions, fam.pole_factors)]
    corners = _corners(fam, f, hull, lo, conds, check)
    pad = (hi - lo) / 64
    out = solve2(f, f.derivative("W"), [hull, (lo - pad, hi + pad)], conditions=conds,
                 covered=_covered_by(corners) if corners else None, check=check)
    values = []
    for v in [FoldValue(f, box) for box in out.found] + _singular(f, out.undecided):
        for _ in range(200):        # decided against both ends (hi itself: the exact path)
            if v.hi <= lo or v.lo > hi or (lo < v.lo and v.hi < hi):
                break
            v.bisect()
        else:
            raise Fallback("a fold at an end of the range")
        if lo < v.lo and v.hi < hi:
            values.append(v)
    return values


def _singular(f, undecided: list) -> list:
    """The boxes left undecided at the finest width, grouped, each group a
    :class:`~symlqr.atlas.singular.SingularValue` (a singular point of ``f = 0``
    that holds every fold of the group); :class:`Fallback` when a group is not
    one, or when boxes were left for another reason (time, budget)."""
    finest = "neither excluded nor isolated at the finest width"
    if any(why != finest for _lo, _hi, why in undecided):
        raise Fallback(f"{len(undecided)} boxes of the fold search undecided")
    hulls = clusters([(lo, hi) for lo, hi, _why in undecided])
    if len(hulls) > 16:
        raise Fallback(f"{len(undecided)} boxes of the fold search undecided")
    out = []
    for hull in hulls:
        v = singular_value(f, hull)
        if v is None:
            raise Fallback("undecided boxes of the fold search not around a singular point")
        out.append(v)
    return out


def exact_folds(fam: Family, folds: dict) -> list:
    """``(p - p_n, ("fold-singular", a, v))`` for each value ``v`` of ``folds`` (as
    :func:`fold_search` returns them) that is a rational singular point
    (:meth:`~symlqr.atlas.singular.SingularValue.exact`), taken out of
    ``folds``, and each that is proven to be where two walls cross
    (:meth:`~symlqr.atlas.singular.SingularValue.on_walls`, its irreducible
    polynomial in ``p``): as an exact root it merges with the same root of another
    eliminant (Figure 3d's three singular points lie where two walls cross, one
    at ``eta = 27/112``), which the bracket could never be separated from."""
    out = []
    for a, values in folds.items():
        keep = []
        for v in values:
            poly = None
            if isinstance(v, SingularValue):
                try:
                    got = v.exact()
                    poly = flint.fmpq_poly([-to_fmpq(got[1]), 1]) if got else v.on_walls(fam.walls)
                except ArithmeticError:         # the bracket does not narrow: kept as it is
                    poly = None
            if poly is None:
                keep.append(v)
            else:
                v.phi = poly
                out.append((poly, ("fold-singular", a, v)))
        values[:] = keep
    return out


def fold_search(fam: Family, lo: Fraction, hi: Fraction, check: Callable,
                min_degree: Optional[int] = None) -> dict:
    """``{a: [FoldValue, ...]}``: every fold with ``p`` in ``(lo, hi]`` of each
    factor ``a`` of ``N`` whose discriminant's degree bound exceeds
    ``min_degree`` and whose search was decided (the other factors keep the
    exact discriminant)."""
    min_degree = MIN_DEGREE if min_degree is None else min_degree
    hull = w_hull(fam)
    if hull is None:
        return {}
    out = {}
    for a, (f, _m) in enumerate(fam.n_factors):
        if deg_w(f) < 2:
            continue
        F = integer_rows(f)
        if degree_bound(F, [c * k for k, c in enumerate(F)][1:]) <= min_degree:
            continue
        try:
            out[a] = _folds_of(fam, f, hull, Fraction(lo), Fraction(hi), check)
        except (Fallback, ArithmeticError):
            continue
    return out
