"""Which minimum is global next to ``eta = 0``: the switch search in charts
that stay regular as ``eta -> 0``.

At ``eta = 0`` the family degenerates: next to a wall ``w0`` of a task's
stable set (``D_k(w0) = 0``) the step ``eta C_k'(W) ~ eta / (W - w0)^2``
stays of order one where ``W - w0 ~ sqrt(eta)``, so a branch of stationary
points there converges to the wall with ``dW/deta`` unbounded, and no box in
``(W, eta)`` traps it down to 0. With ``eta = e^2`` and

    interior chart   W = s                (a branch away from the walls)
    wall chart       W = w0 + e s         (a branch next to the wall w0)

the numerator ``N(W, e^2)`` (divided by the power of ``e`` it carries) and
``h(W(s, e), e^2)`` are polynomials and a rational function in ``(s, e)``
that stay regular at ``e = 0``: a near-wall minimum becomes a branch
``s(e)`` with a finite limit (the minimum of the limit profile
``H(s, 0) = sum_i w_i C_i(F_i(s, 0))``), and its value ``V(e) = H(s(e), e)``
has the bounded slope ``V'(e) = H_e`` (envelope theorem in the chart:
``H_s = 0`` on the branch). Each minimum's branch is trapped in its chart
(the interior one first, then the walls nearest to it) by
:func:`~symlqr.atlas.branches.trap_refined`, and the values are separated
by :meth:`~symlqr.atlas.switches.SwitchSearch.separated` in the variable
``e`` on ``[0, e1]``, from a landscape certified at ``eta = e1^2`` (rational)
only: the proof covers ``(0, e1^2]``.

>>> from symlqr.tasks import figure
>>> from symlqr.atlas.family import Family
>>> [str(w) for w in wall_points(Family(figure("fig3b"), "eta"))]
['0', '2']
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Optional

import flint

from .bivariate import CTX, P, W, const, deg_w
from .branches import Shifter, rows_in_p
from .valueslope import ValueSlope
from .family import Family
from .farbound import wall_points
from .refine import Track, track
from .switches import SwitchSearch, factor_of

__all__ = ["wall_points", "Chart", "ChartSearch", "ChartProof"]


def _drop_e(f) -> tuple:
    """``f = e^k g`` with ``g`` not divisible by ``e``: ``(g, k)``."""
    d = f.to_dict()
    if not d:
        return f, 0
    k = min(j for _i, j in d)
    return CTX.from_dict({(i, j - k): c for (i, j), c in d.items()}), k


@dataclass
class Chart:
    """``W = s`` (``w0`` None) or ``W = w0 + e s``, with ``eta = e^2``."""
    fam: Family
    w0: Optional[Fraction]
    _shifters: dict = field(default_factory=dict)
    _slope: Optional[ValueSlope] = None

    def compose(self, f):
        if self.w0 is None:
            return f.compose(W, P * P)
        return f.compose(const(self.w0) + W * P, P * P)

    def factor(self, a: int):
        """The factor ``a`` of ``N`` in the chart, the power of ``e`` it carries removed."""
        return _drop_e(self.compose(self.fam.n_factors[a][0]))[0]

    def shifter(self, a: int) -> Shifter:
        if a not in self._shifters:
            self._shifters[a] = Shifter(rows_in_p(self.factor(a)))
        return self._shifters[a]

    def value_slope(self) -> ValueSlope:
        """``H_e`` of ``H(s, e) = h(W(s, e), e^2)`` with the common power of
        ``e`` removed from numerator and denominator."""
        if self._slope is None:
            (num, kn), (den, kd) = (_drop_e(self.compose(x)) for x in
                                    (self.fam.h.num, self.fam.h.den))
            k = min(kn, kd)
            num = num * P ** (kn - k) if kn > k else num
            den = den * P ** (kd - k) if kd > k else den
            self._slope = ValueSlope(num, den)
        return self._slope

    def accept(self, a: int):
        """The value-slope enclosure for a branch in this chart: ``H_e`` on the
        box (:meth:`~symlqr.atlas.valueslope.ValueSlope.on_box`). The chart's
        branches are regular at ``e = 0`` and slow, so the correction of
        :meth:`~symlqr.atlas.valueslope.ValueSlope.on_branch` gains no step here
        while its shift, with a third polynomial, costs about 1.6 times more
        (Figure 3a, ``e`` in ``[1/19, 1/5]``: 379 shifts either way)."""
        return self.value_slope().on_box

    def ball(self, w, e: Fraction):
        """An arb ball holding the chart coordinate of the point ``w``
        (a RealAlgebraic) at ``e > 0``."""
        lo, hi = Fraction(w.lo), Fraction(w.hi)
        if self.w0 is not None:
            lo, hi = (lo - self.w0) / e, (hi - self.w0) / e
        return flint.arb(flint.fmpq(lo.numerator, lo.denominator)).union(
            flint.arb(flint.fmpq(hi.numerator, hi.denominator)))


@dataclass
class ChartSearch(SwitchSearch):
    """:class:`~symlqr.atlas.switches.SwitchSearch` in the variable ``e``
    (``eta = e^2``), each minimum's branch trapped in its own chart."""
    walls: list = field(default_factory=list)
    _charts: dict = field(default_factory=dict)
    _chosen: dict = field(default_factory=dict)

    def landscape(self, e: Fraction):
        return super().landscape(e * e)

    def chart(self, w0) -> Chart:
        if w0 not in self._charts:
            self._charts[w0] = Chart(self.fam, w0)
        return self._charts[w0]

    def _order(self, k: int, w) -> list:
        """Charts to try for minimum ``k`` at the point ``w``: the one that
        worked before, else the interior, then the walls nearest to it."""
        if k in self._chosen:
            return [self._chosen[k]]
        near = sorted(self.walls, key=lambda w0: abs(Fraction(w.lo) - w0))
        return [None] + near[:2]

    def track(self, k: int, L, x: Fraction, travel: list, depth: int) -> Optional[Track]:
        """Minimum ``k``'s branch trapped in the first chart that holds it
        (:meth:`_order`), in the variable ``e``."""
        a = factor_of(self.fam, L.points[k], x * x)
        if a is None:
            return None
        w = L.points[k].W
        for w0 in self._order(k, w):
            ch = self.chart(w0)
            got = track(ch.shifter(a), ch.accept(a), ch.ball(w, x), travel, depth)
            if got is not None:
                self._chosen[k] = w0
                return got
        return None


    def node_value(self, k: int, B, e: Fraction):
        """``h`` over the chart's ball ``B`` of ``s`` at ``e``: ``W = B`` (interior
        chart) or ``w0 + e B`` (wall chart ``w0``), ``eta = e^2``; None when
        unknown."""
        if k not in self._chosen:
            return None
        w0 = self._chosen[k]
        Wb = B if w0 is None else flint.arb(flint.fmpq(w0.numerator, w0.denominator)) + \
            flint.arb(flint.fmpq(e.numerator, e.denominator)) * B
        return super().node_value(k, Wb, e * e)


class ChartProof:
    """``charts(ru, rv, Lu, Lv, g)`` of :class:`~symlqr.atlas.switches.SwitchSearch`:
    is the minimum ``g`` the only global minimum on ``[ru^2, rv^2]`` (``ru = 0``:
    on ``(0, rv^2]``), given the landscapes ``Lu``, ``Lv`` certified at ``ru^2``,
    ``rv^2`` (None where unknown)? One
    :meth:`~symlqr.atlas.switches.SwitchSearch.separated` in the charts; the
    charts' Taylor shifters are kept from one call to the next."""

    def __init__(self, fam: Family, run, check, bits: int = 40):
        self.fam, self.run, self.check, self.bits = fam, run, check, bits
        self.walls = wall_points(fam)
        self.charts: dict = {}

    def __call__(self, ru: Fraction, rv: Fraction, Lu, Lv, g: int) -> bool:
        L = Lu if Lu is not None else Lv
        mins = [k for k, p in enumerate(L.points) if p.is_local_min]
        search = ChartSearch(self.fam, self.run, self.check, mins, self.bits,
                             walls=self.walls, _charts=self.charts)
        return search.separated(ru, rv, Lu, Lv, g)[0]
