"""Folds at a singular point of the curve ``f = 0``: where the search in the
plane cannot isolate them.

The search of :mod:`~symlqr.atlas.folds` isolates each solution of ``f = f_W =
0`` in a Krawczyk box, which needs the Jacobian of ``(f, f_W)`` to be regular
there. At a singular point ``n`` of the curve ``f = 0`` (``f = f_W = f_p = 0``:
Figure 3d has one at ``(W, eta) = (1/2, 27/112)``, exactly, and two more) the
first row of that Jacobian vanishes, so the boxes around ``n`` stay
undecided. On a box ``X`` around them:

1. Krawczyk's operator for ``(f_W, f_p)`` proves one zero ``n`` of the
   gradient of ``f`` in ``X`` and encloses it (a box refined on demand);
2. ``f_WW`` and ``det Hess f = f_WW f_pp - f_Wp^2`` exclude 0 on ``X``, and
   ``f_W`` has opposite strict signs on the two sides ``W = W_lo``,
   ``W = W_hi`` of ``X`` (Bernstein ranges on ``X`` and on its faces).

Then for every ``p`` of ``X`` the curve ``C = {f_W = 0}`` crosses ``X`` at one
``W = phi(p)`` (``f_W`` strictly monotone in ``W``), every fold in ``X`` is a
zero of ``g(p) = f(phi(p), p)`` (``g' = f_p`` on ``C``, ``g'' = det Hess f /
f_WW``), ``g'`` vanishes at ``p_n`` (``n`` lies on ``C``) and ``|g''| >= m =
inf |det Hess f / f_WW|`` has one sign on ``X``. So ``|g(p) - g(p_n)| >= m (p -
p_n)^2 / 2`` and every fold in ``X`` has

    |p - p_n| <= rho = sqrt(2 |f(n)| / m),

with ``|f(n)|`` bounded by the range of ``f`` on the box of ``n``. Refining that
box makes the bracket ``[p_n - rho, p_n + rho]`` as narrow as asked. It holds
every fold of ``X``: the singular point itself when ``f(n) = 0`` (which the
bounds confirm to any precision but, for an irrational ``n``, do not prove),
else at most two folds or none. The pieces on both sides of the bracket are
certified the same way in every case.

>>> from fractions import Fraction as Q
>>> from symlqr.atlas.bivariate import W, P, const
>>> box = [(Q(-1, 64), Q(1, 64)), (Q(-1, 64), Q(1, 64))]
>>> singular_value(W ** 3 - P ** 2, box) is None        # a cusp: f_WW = 0 there
True
>>> v = singular_value(W ** 2 - P ** 2, box)             # a node: two lines cross
>>> v.refine(40); v.lo <= 0 <= v.hi and v.hi - v.lo < Q(1, 2 ** 38)
True
>>> f = (W - const(Q(1, 2))) ** 2 + (P - const(Q(1, 4))) ** 2    # an isolated real point
>>> v = singular_value(f, [(Q(63, 128), Q(65, 128)), (Q(31, 128), Q(33, 128))])
>>> v.refine(60); v.lo <= Q(1, 4) <= v.hi and v.hi - v.lo < Q(1, 2 ** 58)
True
"""
from __future__ import annotations

import math
from fractions import Fraction
from typing import Optional

import flint
import numpy as np

from ..branch import bernstein as bz
from ..exact.enclosure import Enclosure
from ..exact.isolation import count_real_roots, squarefree_factors
from ..exact.ratfunc import to_fmpq
from .solve2 import _arb, _ends, _eval, _gradient_row, _rows, dyadic_hull, krawczyk_ball, refine

__all__ = ["SingularValue", "singular_value", "clusters"]


def clusters(boxes: list) -> list:
    """The hulls ``[(W_lo, W_hi), (p_lo, p_hi)]`` (Fractions) of the groups of
    ``boxes`` (``(lo, hi)`` float pairs) whose closures touch, chained."""
    groups: list = []
    for lo, hi in boxes:
        box = [(Fraction(a), Fraction(b)) for a, b in zip(lo, hi)]
        touching = [g for g in groups if all(a <= d and c <= b for (a, b), (c, d) in zip(g, box))]
        for g in touching:
            groups.remove(g)
            box = [(min(a, c), max(b, d)) for (a, b), (c, d) in zip(g, box)]
        groups.append(box)
    return groups


def _range(src: bz.Source, box: list) -> tuple:
    """Rational ends of the Bernstein range of ``src`` on ``box``."""
    lo, hi, fac = src.on_best(box)
    r_lo, r_hi = bz.ranges(lo, hi)
    return Fraction(float(r_lo[0])) / fac, Fraction(float(r_hi[0])) / fac


def _faces_w(src: bz.Source, box: list) -> tuple:
    """The ranges of the polynomial on the faces ``W = W_lo`` and ``W = W_hi`` of
    ``box`` (the first and last rows of its Bernstein coefficients)."""
    lo, hi, fac = src.on_best(box)
    return tuple((Fraction(float(lo[0, k].min())) / fac, Fraction(float(hi[0, k].max())) / fac)
                 for k in (0, -1))


def _one_sign(r: tuple) -> int:
    return 1 if r[0] > 0 else -1 if r[1] < 0 else 0


def _gradient_zero(rows: list, srcs: list, X: list, prec: int = 256) -> Optional[list]:
    """The box ``K & X`` when Krawczyk's operator for the two polynomials (``rows``
    for values at the centre, ``srcs`` for the Jacobian's Bernstein ranges on
    ``X``) proves one zero in ``X``, else None."""
    widths = np.array([float(b - a) for a, b in X])
    with flint.ctx.workprec(prec):
        J, F, c = [], [], [_arb((a + b) / 2) for a, b in X]
        for r, src in zip(rows, srcs):
            lo, hi, fac = src.on_best(X)
            row = _gradient_row(lo, hi, widths)
            if row is None:
                return None
            J.append([x / _arb(fac) for x in row])
            F.append(_eval(r, c))
        status, K = krawczyk_ball(F, J, [_arb(a, b) for a, b in X], c)
    if status != "unique":
        return None
    return [(max(a, _ends(k)[0]), min(b, _ends(k)[1])) for k, (a, b) in zip(K, X)]


class BoxBracket:
    """``lo``, ``hi``, ``bracket``, ``bisect`` and ``decimal`` of a critical value held by the ``p``-side of
    ``self.box`` (``((W_lo, W_hi), (p_lo, p_hi))``), as the atlas asks of them."""

    @property
    def lo(self) -> Fraction:
        return self.box[1][0]

    @property
    def hi(self) -> Fraction:
        return self.box[1][1]

    def bracket(self) -> tuple:
        return to_fmpq(self.lo), to_fmpq(self.hi)

    def bisect(self) -> None:
        """Halve (at least) the width in ``p`` (``self.refine(bits)`` narrows)."""
        w = self.hi - self.lo
        if w < Fraction(1, 2 ** 600):
            raise ArithmeticError("a fold not separated from another candidate")
        self.refine(1 - math.floor(math.log2(w)) + 1)

    def decimal(self, digits: int = 15) -> str:
        self.refine(int(digits * 3.33) + 16)
        return Enclosure(self.lo, self.hi).decimal(digits)


class SingularValue(BoxBracket):
    """The folds of ``f`` in a box ``X`` around a singular point of ``f = 0``
    (module docstring), with the interface of
    :class:`~symlqr.atlas.folds.FoldValue`: ``lo``, ``hi``, ``bracket``,
    ``refine``, ``bisect``, ``decimal``, ``balls``."""

    is_rational = False

    def __init__(self, f, X: list, n_box: list, m: Fraction, slope: Fraction):
        self.f, self.X, self.n_box, self.m, self.slope = f, X, n_box, m, slope
        self.crossing: Optional[tuple] = None      # the two walls through n (on_walls)
        self.grad = (f.derivative("W"), f.derivative("p"))
        self.src = bz.Source(f, 2)
        self._set_bracket()

    def _set_bracket(self) -> None:
        lo, hi = _range(self.src, self.n_box)
        top = max(abs(lo), abs(hi))
        with flint.ctx.workprec(128):
            rho = _ends((2 * _arb(top) / _arb(self.m)).sqrt())[1]
        (_, _), (a, b) = self.n_box
        self.box = [self.X[0], (max(self.X[1][0], a - rho), min(self.X[1][1], b + rho))]

    def refine(self, bits: int) -> None:
        """The bracket narrower than ``2^-bits`` (times ``max(1, |p|)``)."""
        for extra in (4, 12, 24, 48, 96):
            width = self.hi - self.lo
            if width <= max(1, abs(self.lo), abs(self.hi)) / Fraction(2) ** bits:
                return
            box = refine(*self.grad, self.n_box, bits + extra)
            if box is None:
                break
            self.n_box = box
            self._set_bracket()
        if self.hi - self.lo > max(1, abs(self.lo), abs(self.hi)) / Fraction(2) ** bits:
            raise ArithmeticError("a singular point's bracket does not narrow")

    def exact(self) -> Optional[tuple]:
        """``(W_n, p_n)`` when ``n`` is a rational point (denominators up to
        ``2^24``) where ``f``, ``f_W`` and ``f_p`` vanish exactly: then it is the
        gradient's one zero in ``X``, ``f(n) = 0``, and every fold of ``X`` has
        ``p = p_n`` exactly; else None."""
        self.refine(80)
        (wa, wb), (pa, pb) = self.n_box
        q = tuple(((a + b) / 2).limit_denominator(2 ** 24) for a, b in ((wa, wb), (pa, pb)))
        if not all(a <= x <= b for x, (a, b) in zip(q, self.n_box)):
            return None
        pt = tuple(to_fmpq(x) for x in q)
        return q if all(g(*pt) == 0 for g in (self.f,) + self.grad) else None

    def on_walls(self, walls: list) -> Optional[flint.fmpq_poly]:
        """The irreducible polynomial in ``p`` of ``p_n`` when ``n`` is proven to
        be where two walls cross (one linear in ``p``: ``p = -b_0(W) / b_1(W)``,
        the crossing ``(alpha, -b_0(alpha) / b_1(alpha))`` with ``alpha`` the one
        root in ``X`` of an irreducible factor ``mu`` of their resultant in ``p``)
        and ``f``, ``f_W``, ``f_p`` vanish there exactly (reduced modulo ``mu``):
        then the crossing is the gradient's one zero in ``X`` and ``f(n) = 0``
        (the two walls kept in ``self.crossing``). Else None."""
        self.refine(120)
        with flint.ctx.workprec(512):
            w, p = self.balls()
            near = [g for g in walls if _eval(_rows(g), [w, p]).contains(0)]
        for i, lin in enumerate(near):
            rows = _p_rows(lin)
            if len(rows) != 2:
                continue
            for other in near[:i] + near[i + 1:]:
                got = self._crossing(rows, lin, other)
                if got is not None:
                    self.crossing = (lin, other)
                    return got
        return None

    def _crossing(self, rows: list, lin, other) -> Optional[flint.fmpq_poly]:
        (xa, xb), (pa, pb) = self.X
        R = _p_rows(lin.resultant(other, "p"))[0]
        inside = [mu for mu, _m in squarefree_factors(R)
                  if count_real_roots(mu, to_fmpq(xa), to_fmpq(xb)) > 0]
        if len(inside) != 1 or count_real_roots(inside[0], to_fmpq(xa), to_fmpq(xb)) != 1:
            return None
        mu = inside[0]
        b0, b1 = rows
        if (b1 % mu).is_zero() or not all(_vanishes(g, b0, b1, mu) for g in (self.f,) + self.grad):
            return None
        a, b = _root_bracket(mu, xa, xb)
        with flint.ctx.workprec(512):
            alpha = _arb(a).union(_arb(b))
            pn = -flint.arb_poly(b0)(alpha) / flint.arb_poly(b1)(alpha)
            lo, hi = _ends(pn)
        if not (pa < lo and hi < pb):
            return None
        P = _p_rows(lin.resultant(other, "W"), in_w=False)[0]
        hits = [phi for phi, _m in squarefree_factors(P)
                if count_real_roots(phi, to_fmpq(lo), to_fmpq(hi)) > 0]
        if len(hits) != 1 or count_real_roots(hits[0], to_fmpq(lo), to_fmpq(hi)) != 1:
            return None
        return hits[0]

    def balls(self) -> tuple:
        """Arb balls of ``W`` and ``p``: ``W = phi(p)`` moves at most ``slope``
        ``|p - p_n|`` from the box of ``n``."""
        (wa, wb), (pa, pb) = self.n_box
        reach = self.slope * max(self.hi - pa, pb - self.lo)
        w = (max(self.X[0][0], wa - reach), min(self.X[0][1], wb + reach))
        return tuple(_arb(a).union(_arb(b)) for a, b in (w, (self.lo, self.hi)))


def singular_value(f, hull: list) -> Optional[SingularValue]:
    """A :class:`SingularValue` for a box ``X`` holding ``hull`` (``[(W_lo, W_hi),
    (p_lo, p_hi)]``, Fractions: the hull of undecided boxes of the search), when
    the conditions of the module docstring hold on ``X``; else None."""
    (wl, wh), (pl, ph) = hull
    dw, dp = (wh - wl) / 2, (ph - pl) / 2       # n may sit on the hull's side: room around it
    X = [_dyadic(wl - dw, wh + dw), _dyadic(pl - dp, ph + dp)]
    fW, fp = f.derivative("W"), f.derivative("p")
    fWW, fWp, fpp = fW.derivative("W"), fW.derivative("p"), fp.derivative("p")
    # wide enough in W that C = {f_W = 0} (slope -f_Wp / f_WW) crosses X from p_lo to p_hi
    ww, wp = (_range(bz.Source(g, 2), X) for g in (fWW, fWp))
    if not _one_sign(ww):
        return None
    reach = 2 * max(abs(wp[0]), abs(wp[1])) / min(abs(ww[0]), abs(ww[1])) * (X[1][1] - X[1][0])
    if reach > X[0][1] - X[0][0]:
        X[0] = _dyadic(X[0][0] - reach / 2, X[0][1] + reach / 2)
    n_box = _gradient_zero([_rows(fW), _rows(fp)], [bz.Source(fW, 2), bz.Source(fp, 2)], X)
    if n_box is None:
        return None
    ww, wp, pp = (_range(bz.Source(g, 2), X) for g in (fWW, fWp, fpp))
    if not _one_sign(ww):
        return None
    products = [a * b for a in ww for b in pp]
    squares = (0 if wp[0] <= 0 <= wp[1] else min(wp[0] ** 2, wp[1] ** 2), max(wp[0] ** 2, wp[1] ** 2))
    det = (min(products) - squares[1], max(products) - squares[0])
    if not _one_sign(det):
        return None
    left, right = _faces_w(bz.Source(fW, 2), X)
    if _one_sign(left) * _one_sign(right) != -1:
        return None
    ww_abs = (min(abs(ww[0]), abs(ww[1])), max(abs(ww[0]), abs(ww[1])))
    det_abs = min(abs(det[0]), abs(det[1]))
    m = det_abs / ww_abs[1]
    slope = max(abs(wp[0]), abs(wp[1])) / ww_abs[0]      # |phi'| = |f_Wp / f_WW|
    return SingularValue(f, X, n_box, m, slope)


def _p_rows(g, in_w: bool = True) -> list:
    """``g = sum_j b_j p^j`` as ``[b_j]`` (``fmpq_poly`` in ``W``); with
    ``in_w=False`` the roles swapped (``g = sum_j b_j(p) W^j``)."""
    d = g.to_dict()
    k = 1 if in_w else 0
    deg = max((int(e[k]) for e in d), default=0)
    top = max((int(e[1 - k]) for e in d), default=0)
    rows = [[flint.fmpq(0)] * (top + 1) for _ in range(deg + 1)]
    for e, c in d.items():
        rows[int(e[k])][int(e[1 - k])] = c
    return [flint.fmpq_poly(r) for r in rows]


def _vanishes(g, b0, b1, mu) -> bool:
    """``g(alpha, -b0(alpha) / b1(alpha)) = 0`` for the roots ``alpha`` of
    ``mu``: ``sum_j g_j (-b0)^j b1^(d - j)`` is 0 modulo ``mu``."""
    rows = _p_rows(g)
    d = len(rows) - 1
    acc = flint.fmpq_poly([0])
    for j, gj in enumerate(rows):
        acc = (acc + gj * (-b0) ** j * b1 ** (d - j)) % mu
    return acc.is_zero()


def _root_bracket(mu, a: Fraction, b: Fraction, steps: int = 200) -> tuple:
    """A bracket of ``2^-steps`` of the width of ``[a, b]`` around the one root
    of the irreducible ``mu`` there (a sign change: the root is simple)."""
    sa = mu(to_fmpq(a)) > 0
    for _ in range(steps):
        c = (a + b) / 2
        v = mu(to_fmpq(c))
        if v == 0:
            return c, c
        if (v > 0) == sa:
            a = c
        else:
            b = c
    return a, b


def _dyadic(a: Fraction, b: Fraction) -> tuple:
    """Float (dyadic) ends ``x <= a``, ``y >= b`` as Fractions."""
    x, y = dyadic_hull(a, b)
    return Fraction(x), Fraction(y)
