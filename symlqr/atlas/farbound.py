"""Minima far above the global one next to ``p = 0``: excluded by a lower bound
of ``h`` on a region that holds their branch, without trapping the branch.

On ``(0, v]`` a minimum ``j`` of the landscape certified at ``v`` lies on the
factor ``f_a`` of ``N``; its branch stays (by continuity, inside the domain) in
``X = [c1, c2]`` when each end is either a rational wall (``W`` on the boundary
of a task's own stable set: never in the domain) or a *fence* (``f_a(c, p)``
has no root for ``p`` in ``[0, v]``: exact root count). Then

    V_j(p) >= inf h(X x [0, v])  >  sup_p h(W_0, p)  >=  min h(., p)

(the lower bound by :meth:`~symlqr.atlas.family.Family.value_lower_bound` on
boxes split until it holds; ``W_0`` a rational point next to the global
minimum, in the domain for every ``p`` of ``[0, v]``) proves that ``j`` is
never global on ``(0, v]``. When every minimum but ``g`` is excluded, ``g`` is
the only global minimum there (``h -> +inf`` at the walls). Next to ``eta =
0`` the near-wall minima of Figure 3a (values 3.4 and 6.8 at ``eta = 10^-4``
against 1.619) are excluded this way, where their branches cannot be trapped.

>>> from symlqr.tasks import figure
>>> from symlqr.atlas.family import Family
>>> [str(w) for w in wall_points(Family(figure("fig3b"), "eta"))]
['0', '2']
"""
from __future__ import annotations

from fractions import Fraction
from typing import Callable, Optional

import flint
from mpmath import iv

from ..exact.bisection import count_in
from ..exact.precision import iv_workprec
from ..exact.ratfunc import to_fmpq, to_fraction
from ..exact.isolation import simplest_between
from ..exact.realroots import iv_from_fraction
from ..exact.intervals import iv_to_fractions
from .bivariate import at_w, deg_w
from .family import Family

__all__ = ["wall_points", "fence", "branch_region", "min_h_above", "bounded_below", "below_top", "far_above"]

BOXES = 800           # bounds computed per region before giving up (fig3a: 378 at most)


def wall_points(fam: Family) -> list:
    """The rational walls ``w0`` free of the parameter (``W`` on the boundary
    of a task's own stable set), sorted."""
    out = set()
    for g in fam.walls:
        d = g.to_dict()
        if deg_w(g) == 1 and all(j == 0 for _i, j in d):
            a1, a0 = d.get((1, 0), 0), d.get((0, 0), 0)
            out.add(to_fraction(-flint.fmpq(a0) / flint.fmpq(a1)))
    return sorted(out)


def fence(g, c: Fraction, v: Fraction, u: Fraction = Fraction(0)) -> bool:
    """Is ``g(c, p) != 0`` for every ``p`` in ``[u, v]`` (exact)?"""
    q = at_w(g, c)
    if q.degree() < 0:
        return False
    if q.degree() >= 1:
        q = q / q.gcd(q.derivative())
    return q.degree() == 0 or count_in(q, u, v) == 0


def branch_region(fam: Family, a: int, lo: Fraction, hi: Fraction, v: Fraction,
                  walls: list, u: Fraction = Fraction(0)) -> Optional[tuple]:
    """``(c1, c2)`` holding the branch through ``[lo, hi]`` (at ``p = v``) for every
    ``p`` in ``[u, v]`` (``(0, v]`` for ``u = 0``): the nearest wall on the side of the nearer wall, a fence
    a short rational in ``[lo - 5d/4, lo - d]`` or ``[hi + d, hi + 5d/4]`` (``d = 2^-10 ...
    2^-1``) on the other."""
    below = [w for w in walls if w <= lo]
    above = [w for w in walls if w >= hi]
    if not below and not above:
        return None
    g = fam.n_factors[a][0]
    up = bool(above) and (not below or above[0] - hi < lo - below[-1])
    for k in range(10, 0, -1):
        d = Fraction(1, 2 ** k)           # a short rational fence: exact counts stay cheap
        c = (simplest_between(lo - d - d / 4, lo - d) if up
             else simplest_between(hi + d, hi + d + d / 4))
        if (up and below and c <= below[-1]) or (not up and above and c >= above[0]):
            return None
        if fence(g, c, v, u):
            w0 = above[0] if up else below[-1]
            return (c, _wall_side(g, hi, w0, v, u)) if up else (_wall_side(g, lo, w0, v, u), c)
    return None


def _wall_side(g, x: Fraction, w0: Fraction, v: Fraction, u: Fraction) -> Fraction:
    """For ``u > 0`` a fence between the branch's end ``x`` and the wall ``w0``
    (a box touching the wall has no enclosure of ``F_k``), else the wall."""
    if u > 0:
        for k in range(1, 8):
            c = x + (w0 - x) * (1 - Fraction(1, 2 ** k))
            c = simplest_between(min(c, x + (c - x) * 7 / 8), max(c, x + (c - x) * 7 / 8))
            if fence(g, c, v, u):
                return c
    return w0


def min_h_above(fam: Family, w: Fraction, v: Fraction, slices: int = 32,
                u: Fraction = Fraction(0)) -> Optional[object]:
    """An upper bound of ``sup_p h(w, p)`` on ``[u, v]`` (so of ``min h``), or None
    when ``w`` is not in the domain on all of it."""
    top = None
    with iv_workprec(96):
        W0 = iv_from_fraction(w)
        for i in range(slices):
            a, b = u + (v - u) * i / slices, u + (v - u) * (i + 1) / slices
            P = iv.mpf([iv_from_fraction(a).a, iv_from_fraction(b).b])
            try:
                h = fam.value_enclosure(W0, P)
            except ZeroDivisionError:
                return None
            top = h.b if top is None else max(top, h.b)
    return top


def _lb(fam: Family, a, b, p, q, ends: Optional[dict] = None):
    """:meth:`~symlqr.atlas.family.Family.value_lower_bound` on ``[a, b] x [p, q]``;
    ``ends`` keeps the rationals' intervals (the boxes of one search share their ends)."""
    if ends is None:
        ends = {}
    cv = []
    for x in (a, b, p, q):
        got = ends.get(x)
        if got is None:
            got = ends[x] = iv_from_fraction(x)
        cv.append(got)
    X = iv.mpf([cv[0].a, cv[1].b])
    P = iv.mpf([cv[2].a, cv[3].b])
    return fam.value_lower_bound(X, P)


def bounded_below(fam: Family, c1: Fraction, c2: Fraction, v: Fraction, top,
                  check: Callable = lambda: None, limit: int = BOXES,
                  u: Fraction = Fraction(0)) -> bool:
    """Is ``h > top`` on every point of ``[c1, c2] x [u, v]`` in the domain?
    A box whose bound is not above ``top`` is halved in ``W`` or in ``p``,
    whichever gives the larger smaller bound of its halves (next to a wall
    corner the ``p``-side must shrink much faster than the ``W``-side); at most
    ``limit`` bounds are computed."""
    tried, ends = 0, {}
    with iv_workprec(96):
        try:
            stack = [(c1, c2, u, v, _lb(fam, c1, c2, u, v, ends))]
            while stack:
                a, b, p, q, lb = stack.pop()
                if lb > top:
                    continue
                tried += 4
                if tried > limit:
                    return False
                if tried % 64 == 0:
                    check()
                m, n = (a + b) / 2, (p + q) / 2
                halves = [[(a, m, p, q), (m, b, p, q)], [(a, b, p, n), (a, b, n, q)]]
                bounds = [[_lb(fam, *box, ends) for box in pair] for pair in halves]
                k = 0 if min(bounds[0]) >= min(bounds[1]) else 1
                stack += [(*box, x) for box, x in zip(halves[k], bounds[k])]
        except ZeroDivisionError:
            return False
    return True


def below_top(region: tuple, top, landscapes: tuple) -> Optional[int]:
    """The index of a stationary point, of one of ``landscapes`` (each certified
    at a point of ``[u, v]``), whose enclosure of ``W`` lies in ``region = [c1, c2]``
    and whose value is at most ``top`` (exact comparisons), or None. Such a
    point is a point of the domain in ``[c1, c2] x [u, v]`` where ``h <= top``,
    so :func:`bounded_below` cannot hold there: the box that contains it always
    has a lower bound ``<= top`` and is split until the limit (Figure 3a: the
    region of a near-wall minimum often reaches past the global minimum's
    ``W``, and each such attempt took about 2.5 s of bounds before failing).

    >>> from types import SimpleNamespace as NS
    >>> pt = NS(W=NS(lo=Fraction(1, 2), hi=Fraction(3, 5)), h=NS(lo=Fraction(1), hi=Fraction(1)))
    >>> below_top((Fraction(0), Fraction(1)), iv.mpf(2), (NS(points=[pt]),))
    0
    >>> below_top((Fraction(0), Fraction(1)), iv.mpf(1) / 2, (NS(points=[pt]),)) is None
    True
    """
    c1, c2 = region
    bound = iv_to_fractions(top)[1]
    for L in landscapes:
        for k, pt in enumerate(L.points):
            if pt.h is not None and c1 <= pt.W.lo and pt.W.hi <= c2 and pt.h.hi <= bound:
                return k
    return None


def far_above(fam: Family, v: Fraction, L, g: int, minima: list, factor_of,
              check: Callable = lambda: None, u: Fraction = Fraction(0),
              x: Optional[Fraction] = None, also: tuple = ()) -> bool:
    """Is ``g`` the only global minimum on ``[u, v]`` (``(0, v]`` for ``u = 0``),
    every other minimum of the landscape ``L`` certified at ``x`` (``v`` by
    default; ``u`` or ``v``) excluded by :func:`bounded_below` on its region?
    False at once when a minimum's value at ``x`` (or in a landscape of
    ``also``, certified at points of ``[u, v]``) is not above the bound ``top``
    (that point of its region would defeat the bound)."""
    x = v if x is None else x
    pt = L.points[g]
    top = min_h_above(fam, (Fraction(pt.W.lo) + Fraction(pt.W.hi)) / 2, v, u=u)
    if top is None:
        return False
    others = [j for j in minima if j != g]
    if any(float(M.points[j].h.hi) <= float(top) for M in (L, *also) for j in others):
        return False
    walls = wall_points(fam)
    for j in others:
        a = factor_of(fam, L.points[j], x)
        if a is None:
            return False
        reg = branch_region(fam, a, Fraction(L.points[j].W.lo), Fraction(L.points[j].W.hi), v,
                            walls, u)
        if reg is None or below_top(reg, top, (L, *also)) is not None \
                or not bounded_below(fam, *reg, v, top, check, u=u):
            return False
    return True
