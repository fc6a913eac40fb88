"""Which minimum is global on a short parameter range, from the values alone.

Next to a fold a minimum's branch ``W_j(p)`` meets a maximum and vanishes;
``f_W -> 0`` there, so no box along a partition traps it with a bounded
slope. It stays, however, in a *fenced* box ``X_j``: an interval whose two
ends are roots of the branch's factor of ``N`` for no ``p`` in ``[u, v]``
(the branch starts inside it at a certified end and cannot cross an end;
it may only vanish inside). With every minimum fenced over ``[u, v]``,

    inf h(X_j x [u, v])  >  sup h(X_g x [u, v])      for every other minimum j

proves ``V_j > V_g`` on ``[u, v]`` (``V_g <= sup h`` on its box since the
branch lies in it; ``V_j >= inf h`` likewise), with ``h`` enclosed by interval
arithmetic on the closed forms (:meth:`~symlqr.atlas.family.Family.value_enclosure`).
No slope is needed: this holds where the values are far apart compared to
how much ``h`` varies on the boxes (Figure 3c next to its second fold: gap
0.18).

>>> from fractions import Fraction
>>> from symlqr.tasks import figure
>>> from symlqr.atlas.family import Family
>>> fenced_box(Family(figure("fig1"), "eta"), 3, Fraction(61, 100), Fraction(61, 100),
...            Fraction(1, 20), Fraction(1, 19)) is not None
True
"""
from __future__ import annotations

from fractions import Fraction
from typing import Optional

import flint
from mpmath import iv

from ..exact.precision import iv_workprec
from ..exact.ratfunc import to_fmpq
from ..exact.realroots import iv_from_fraction
from .branches import Shifter, arb_between, arb_to_iv, rows_in_p
from .family import Family

__all__ = ["fenced_box", "separated_by_values"]


def fenced_box(fam: Family, a: int, lo: Fraction, hi: Fraction, u: Fraction, v: Fraction,
               shifters: Optional[dict] = None):
    """The narrowest ``X = [lo - r, hi + r]`` (``r`` growing by factors of
    ``sqrt 2``) whose ends are no root of the factor ``a`` of ``N`` for any
    ``p`` in ``[u, v]``, as an mpmath interval (None if none up to ``r = 1``)."""
    shifters = {} if shifters is None else shifters
    if a not in shifters:
        shifters[a] = Shifter(rows_in_p(fam.n_factors[a][0]))
    c, w = (u + v) / 2, (lo + hi) / 2
    with flint.ctx.workprec(128):
        g = shifters[a].shift(w, c)
        T0, S = arb_between(lo - w, hi - w), arb_between(u - c, v - c)
        r = max(T0.rad().abs_upper(), flint.arb(2) ** -60)
        while r < 1:
            ends = (T0.lower() - r, T0.upper() + r)
            if all(not g.value(flint.arb(e), S).contains(0) for e in ends):
                return arb_to_iv(T0 + flint.arb(0, r) + flint.arb(to_fmpq(w)))
            r = r * flint.arb(2).sqrt()
    return None


def _h_bounds(fam: Family, X, P, parts: int = 64):
    """``(inf, sup)`` of ``h`` on ``X x P`` from ``parts`` slices of ``X``."""
    lo, hi = None, None
    for i in range(parts):
        a = X.a + (X.b - X.a) * i / parts
        b = X.b if i == parts - 1 else X.a + (X.b - X.a) * (i + 1) / parts
        h = fam.value_enclosure(iv.mpf([iv.mpf(a).a, iv.mpf(b).b]), P)
        lo = h.a if lo is None else min(lo, h.a)
        hi = h.b if hi is None else max(hi, h.b)
    return lo, hi


def separated_by_values(fam: Family, u: Fraction, v: Fraction, known: list, minima: list,
                        g: int, factor_of, shifters: dict) -> bool:
    """Is ``V_j > V_g`` on ``[u, v]`` for every minimum ``j != g``, from fenced
    boxes of every minimum (started at the points of the certified landscape
    ``L`` at ``x``, ``known = [(L, x), ...]``) and the enclosures of ``h`` on
    them (see the module docstring)?"""
    L, x = known[0]
    P = iv.mpf([iv_from_fraction(u).a, iv_from_fraction(v).b])
    bounds = {}
    with iv_workprec(96):
        for k in minima:
            a = factor_of(fam, L.points[k], x)
            if a is None:
                return False
            W = L.points[k].W
            X = fenced_box(fam, a, W.lo, W.hi, u, v, shifters)
            if X is None:
                return False
            try:
                bounds[k] = _h_bounds(fam, X, P)
            except ZeroDivisionError:
                return False
        top = bounds[g][1]
        return all(bounds[j][0] > top for j in minima if j != g)
