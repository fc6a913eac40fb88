"""Global switches inside a piece: where the global minimum changes between
two local minima of equal value, or a proof that it does not.

On a branch of stationary points ``h_W = 0``, so its value
``V(p) = h(W(p), p)`` has ``V'(p) = h_p(W(p), p)`` (envelope theorem). On a
parameter interval ``[u, v]`` every minimum's branch is trapped in a box
``X x [u, v]`` (its polynomial has no root on the box's two fences, by
interval exclusion or exact root counting), so for the current global
minimum ``g`` and another minimum ``j`` the slope of ``d = V_j - V_g`` lies
in the interval ``D = h_p(X_j, P) - h_p(X_g, P)``. Then, with ``d`` known
exactly (by the sign of a certified comparison) at rational ends:

* ``D`` excludes 0: ``d`` is strictly monotone, so ``d > 0`` at both ends
  proves ``d > 0`` on ``[u, v]`` (and at one end plus the right direction of
  ``D`` proves it on the side towards the other end);
* otherwise ``d(x) - sup|D| |p - x| > 0`` (from each known end) proves it;
* otherwise ``[u, v]`` is split at a rational point where the landscape is
  certified; a change of the global minimum between two certified points is
  a switch (by continuity), narrowed by certified probes.

At an end ``e`` of a piece that is an exact rational (the range's ends ``LO``,
where the family is regular: ``delta`` at any ``LO``, ``eta`` and ``scale`` at
``LO > 0``, and ``HI``; a rational critical value), the landscape can be
certified at ``e`` itself; when it has the piece's stationary points (the same
kinds in the same order) the branches end there, and where the first-order
bounds fail: a single global minimum ``g`` at ``e`` gives a known end, and
minima tied with ``g`` there (``delta = 0``: the tasks coincide) are separated
by second-order bounds (:mod:`~symlqr.atlas.curvature`: ``D(e) >= 0``,
``D'(e) = 0`` exactly when both attain the lower bound of ``h``, ``D''``
enclosed on the trap boxes).

Where a branch cannot be trapped along a partition, two fallbacks: the same
search in charts regular at ``eta = 0`` (:mod:`~symlqr.atlas.charts`: next to
``eta = 0`` and wherever near-wall branches move fast; the splits are then squares
of rationals), and the values alone from fenced boxes of the branches
(:mod:`~symlqr.atlas.values`: next to a fold). The charts are not tried on a
segment that ends at a critical value other than ``eta = 0`` and not exact (a
fold, :meth:`SwitchSearch.at_fold`): for ``e > 0`` a chart only changes the
coordinates (``W = w0 + e s``, ``eta = e^2``), so the branch that folds there
folds in the chart too (``ds/de`` unbounded with ``dW/deta``), while each of its
Taylor shifts costs about four times more (Figure 3a: 72 columns in ``e``
against 16 in ``eta``; its one such search failed after 173 shifts, 2.1 s); the
cut towards the fold (``FOLD_SPLIT``) proves these segments. Nor are they tried
on a segment ``[u, v]`` that ends closer to such a critical value than the finest
step of :meth:`SwitchSearch.separated` (``(v - u) / NEAR_FOLD``): the search in
``(W, eta)`` has just failed there, and the branch that folds beyond the end
moves as fast in the chart (Figure 3d: its sample ``1/36`` lies ``1.95e-5``
below the fold ``0.0277973``; the four chart searches on segments ending there
failed on that branch, in the interior chart and the wall chart ``w0 = 0``,
after 1115 shifts and 115 s in all). Only where a proof is tried changes: a
segment whose chart search is skipped is cut as after a failed one. The same
holds for the search in ``(W, p)`` itself on a segment with both ends certified
that ends that close to a fold beyond it (:meth:`SwitchSearch.beside_fold`):
it is treated as untrapped without trying.

A range where none of this succeeds within the budget is undecided: its
piece carries no global/spurious label (``Piece.decided`` is False).

>>> from symlqr.tasks import figure
>>> from symlqr.scalar.landscape import certify
>>> global_index(certify(figure("fig2")))          # the indices of the global minima
(2,)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from math import isqrt, sqrt
from typing import Callable, Optional

from mpmath import iv

from ..exact.precision import iv_workprec
from ..exact.realroots import iv_from_fraction, simplest_between
from ..scalar.landscape import Landscape
from .bivariate import at_p, deg_w
from .branches import (Shifter, arb_between, arb_to_iv, lower_bound_positive, rows_in_p,
                       sign_change_node)
from .valueslope import ValueSlope
from .curvature import ValueCurvature, second_order_positive
from .events import CriticalValue
from .family import Family
from .values import separated_by_values
from .farbound import far_above
from .refine import MAX_PARTS, ROUNDS, Track, track, worst_steps
from .parts import global_index, landscape_counts, landscape_labels, undecided_parts

# Where (0, v] is cut when neither the far bounds (:mod:`.farbound`) nor the charts
# prove it: at a square in [v lo, v hi], well below the middle (the far bounds reach
# about v = 1/1024 on fig3a); None: the middle, as without the far bounds.
FAR_SPLIT = (Fraction(1, 400), Fraction(1, 50))
# Where a segment ending at a critical value (a fold: a branch there is not trapped)
# is cut when it is not proven: at a fraction in [a, b] of the way towards that end
# (the branch cannot be trapped only close to the fold; the rest is proven at once).
FOLD_SPLIT = (Fraction(3, 4), Fraction(15, 16))
# Refinements of the second-order bounds from a range end (:meth:`SwitchSearch.second_order`).
SECOND_ROUNDS = 24
# The finest step of :meth:`SwitchSearch.separated`'s traps is (v - u) / NEAR_FOLD
# (8 sub-intervals, each halved up to 4 times): no chart search on a segment that
# ends closer than that to a fold (:meth:`SwitchSearch.at_fold`).
NEAR_FOLD = 128

__all__ = ["Piece", "factor_of", "global_index", "on_bound_global", "SwitchSearch",
           "split_piece"]


@dataclass
class Piece:
    """An open interval of the parameter with constant certified counts.

    ``decided`` is False when which minimum is global is not proven constant
    on the piece: then no minimum carries a global/spurious label. ``parts``
    (:class:`~symlqr.atlas.parts.Part`) is non-empty when it is proven on some
    sub-ranges of the piece and not on others."""
    lo: Optional[CriticalValue]          # None: the range's lower end LO (excluded)
    hi: Optional[CriticalValue]          # None: the range's upper end HI (included)
    sample: Fraction
    landscape: Landscape
    checks: list = field(default_factory=list)      # further points certified
    switch_free: Optional[bool] = None
    switch_note: str = ""
    decided: bool = True
    parts: list = field(default_factory=list)

    @property
    def counts(self) -> dict:
        return landscape_counts(self.landscape, self.decided)

    def labels(self) -> list:
        """Each point's label (:func:`~symlqr.scalar.kinds.point_label`); on a
        piece whose global minimum is not decided every minimum is "undecided min"."""
        return landscape_labels(self.landscape, self.decided)

    def edge(self, side: int):
        """The part at the lower (``side = 0``) or upper (``-1``) end, or the piece."""
        return self.parts[side] if self.parts else self


def factor_of(fam: Family, point, p: Fraction) -> Optional[int]:
    """Index of the irreducible factor of ``N(W, p)`` that vanishes at the point."""
    for a, (g, _m) in enumerate(fam.n_factors):
        if deg_w(g) >= 1 and point.W.sign_of(at_p(g, p)) == 0:
            return a
    return None


def on_bound_global(fam: Family, ls: Landscape, p: Fraction) -> bool:
    """Does a global minimum lie on a factor of ``N`` on which ``h`` equals its
    lower bound for every ``p`` (exact)?"""
    for pt in ls.minima():
        if pt.is_global:
            a = factor_of(fam, pt, p)
            if a is not None and fam.on_bound[a]:
                return True
    return False


def _box(u: Fraction, v: Fraction):
    return iv.mpf([iv_from_fraction(u).a, iv_from_fraction(v).b])


def _value(ls: Landscape, k: int) -> Fraction:
    h = ls.points[k].h
    return (h.lo + h.hi) / 2


@dataclass
class SwitchSearch:
    """The switch analysis of one piece (see the module docstring).

    ``run(p)`` certifies the landscape at the rational ``p``; ``check()`` is
    the cooperative deadline; ``budget`` caps the certifications."""
    fam: Family
    run: Callable
    check: Callable
    minima: list                 # indices of the local minima (constant on the piece)
    bits: int = 40
    budget: int = 40
    depth: int = 6
    degenerate: Optional[Fraction] = None   # where the family degenerates (eta = 0)
    # charts(ru, rv, Lu, Lv, g): proof on [ru^2, rv^2] in charts regular at p = 0
    # (:class:`~symlqr.atlas.charts.ChartProof`), tried where branches cannot be trapped
    charts: Optional[Callable] = None
    untrapped: bool = False
    # the piece's ends where the landscape can be certified (:meth:`from_end`)
    ends: tuple = ()
    # the piece's ends that are critical values neither degenerate nor exact (folds)
    folds: tuple = ()
    tied: set = field(default_factory=set)    # segments (u, v) whose end had tied minima
    second: list = field(default_factory=list)   # segments proven by second-order bounds
    why: dict = field(default_factory=dict)   # (u, v) of an undecided segment -> reason
    certified_at: list = field(default_factory=list)
    _slope: Optional[ValueSlope] = None
    _shifters: dict = field(default_factory=dict)
    _far_tried: dict = field(default_factory=dict)
    _curvature: Optional[ValueCurvature] = None
    _ends: dict = field(default_factory=dict)

    def landscape(self, p: Fraction) -> Landscape:
        self.check()
        self.budget -= 1
        self.certified_at.append(p)
        return self.run(p)

    def value_slope(self) -> ValueSlope:
        if self._slope is None:
            self._slope = ValueSlope(self.fam.h.num, self.fam.h.den)
        return self._slope

    # -- the slopes of the values along a partition ------------------------------
    def shifter(self, a: int) -> Shifter:
        if a not in self._shifters:
            self._shifters[a] = Shifter(rows_in_p(self.fam.n_factors[a][0]))
        return self._shifters[a]

    def track(self, k: int, L: Landscape, x: Fraction, travel: list,
              depth: int) -> Optional[Track]:
        """The :class:`~symlqr.atlas.refine.Track` of minimum ``k`` (of the
        landscape ``L`` certified at ``x = travel[0]``) along ``travel``."""
        a = factor_of(self.fam, L.points[k], x)
        if a is None:
            return None
        w = L.points[k].W
        accept = self.value_slope().accept(self.fam.n_factors[a][0])
        return track(self.shifter(a), accept, arb_between(w.lo, w.hi), travel, depth)

    def tracks(self, nodes: list, known: list, depth: int) -> Optional[dict]:
        """``{k: Track}``: each minimum's branch trapped along ``nodes`` with
        steps halved up to ``depth`` times where needed
        (:func:`~symlqr.atlas.branches.trap_refined`), from the first known end;
        None when a branch is not trapped."""
        L, x = known[0]
        travel = nodes if x == nodes[0] else nodes[::-1]
        out = {}
        with iv_workprec(96):
            for k in self.minima:
                self.check()
                out[k] = self.track(k, L, x, travel, depth)
                if out[k] is None:
                    return None
        return out

    def separated(self, u, v, Lu, Lv, g: int) -> tuple:
        """``(True, None)`` with a proof that ``V_j > V_g`` on ``[u, v]`` for
        every other minimum ``j`` (slopes enclosed along a partition of 8
        sub-intervals, steps halved where a branch needs it, then the steps
        where the enclosures are too wide halved again: :mod:`.refine`), or
        ``(False, x)`` with ``x`` a rational node where ``V_j < V_g`` is proven
        (a switch lies between it and a known end; no finer partition can
        help) or None."""
        known = [(L, x) for L, x in ((Lu, u), (Lv, v)) if L is not None]
        nodes = [u + (v - u) * Fraction(i, 8) for i in range(9)]
        tracks = self.tracks(nodes, known, 4)
        if tracks is None:
            self.untrapped = True
            return False, None         # no branch trap down to 1/128: finer parts fail too
        values: dict = {}                     # (k, q) -> V_k(q) enclosed (node_value)
        for _round in range(ROUNDS):
            self.check()
            fine, sl = merge_steps({k: t.intervals() for k, t in tracks.items()}, v)
            j, hint = self._pair_failing(fine, sl, Lu, Lv, g, tracks, values)
            if j is None or hint is not None:
                return j is None, hint
            if len(fine) > MAX_PARTS:
                break
            todo = worst_steps(fine, sl[j], sl[g], tracks[j], tracks[g])
            with iv_workprec(96):
                if not sum(t.halve(lo, hi) for t, lo, hi in todo):
                    break
        return False, None

    def _pair_failing(self, fine, sl, Lu, Lv, g: int, tracks: Optional[dict] = None,
                      values: Optional[dict] = None) -> tuple:
        """``(j, hint)``: a minimum ``j`` whose separation from ``g`` is not
        proven on the fine partition (None: all are), and a node where
        ``V_j < V_g`` is proven (or None). Where the gaps at the ends carried
        along the slopes do not prove it, the gaps at the inner nodes where both
        branches' steps start are added (:meth:`node_gaps`)."""
        with iv_workprec(96):
            for j in self.minima:
                if j == g:
                    continue
                ends = [None if L is None else
                        iv_from_fraction(L.points[j].h.lo - L.points[g].h.hi) for L in (Lu, Lv)]
                D = [sj - sg for sj, sg in zip(sl[j], sl[g])]
                if lower_bound_positive(fine, D, ends[0], ends[1]):
                    continue
                if tracks is not None and lower_bound_positive(
                        fine, D, ends[0], ends[1],
                        self.node_gaps(fine, tracks, j, g, {} if values is None else values)):
                    continue
                tops = [None if L is None else
                        iv_from_fraction(L.points[j].h.hi - L.points[g].h.lo) for L in (Lu, Lv)]
                i = sign_change_node(fine, D, tops[0], tops[1])
                return j, (None if i is None else fine[i])
        return None, None

    def node_gaps(self, fine: list, tracks: dict, j: int, g: int, values: dict) -> list:
        """Lower bounds of ``V_j - V_g`` at the inner nodes of ``fine`` where a
        step of both branches starts (None elsewhere): ``V_k(q) = h(W_k(q), q)``
        lies in ``h`` over the ball that holds the branch at ``q`` (the step's
        start, proven by its trap), enclosed by :meth:`node_value`; ``values``
        keeps them by ``(k, q)`` (a step halved keeps its start)."""
        starts = {k: {q0: B for q0, _q1, _D, B in tracks[k].steps} for k in (j, g)}
        out = [None] * len(fine)
        for i in range(1, len(fine) - 1):
            q = fine[i]
            got = []
            for k in (j, g):
                B = starts[k].get(q)
                if B is None:
                    break
                if (k, q) not in values:
                    values[(k, q)] = self.node_value(k, B, q)
                got.append(values[(k, q)])
            if len(got) == 2 and None not in got:
                out[i] = iv.mpf((got[0] - got[1]).a)
        return out

    def node_value(self, k: int, B, q: Fraction):
        """An interval holding ``h`` on ``B x {q}`` (``B`` an arb ball of ``W``),
        or None where the closed forms do not enclose it (the ball leaves the
        domain)."""
        try:
            return self.fam.value_enclosure(arb_to_iv(B), iv_from_fraction(q))
        except ZeroDivisionError:
            return None

    # -- the recursion ------------------------------------------------------------
    def resolve(self, u, v, Lu, Lv, depth=None) -> list:
        """Segments ``(status, u, v, L, x)`` covering ``[u, v]`` with status
        ``"ok"`` (the global minimum proven constant), ``"switch"`` or
        ``"undecided"``, and ``L`` the landscape certified at a point ``x`` of
        the segment's closure; ``Lu``/``Lv`` are the landscapes at the ends
        (None at an end that is a critical value)."""
        depth = self.depth if depth is None else depth
        gu = None if Lu is None else global_index(Lu)
        gv = None if Lv is None else global_index(Lv)
        end = (Lu, u) if Lu is not None else (Lv, v)
        if (Lu is not None and (gu is None or len(gu) != 1)) or \
                (Lv is not None and (gv is None or len(gv) != 1)):
            self.why[(u, v)] = WHY_NOT_ONE
            return [("undecided", u, v, *end)]
        if Lu is not None and Lv is not None and gu != gv:
            return self.narrow(u, v, Lu, Lv, depth)
        g = (gu or gv)[0]
        self.untrapped = Lu is None and u == self.degenerate
        if self.untrapped:
            ok, hint = False, None     # branches reach the walls there: no trap in (W, p) can
        elif self.beside_fold(u, v, Lu, Lv):
            self.untrapped, ok, hint = True, False, None    # as the search would end there
        else:
            ok, hint = self.separated(u, v, Lu, Lv, g)
        if not ok and hint is None:
            if Lu is None and u in self.ends and Lv is not None:
                ok = self.from_end(u, v, Lv, g)
            elif Lv is None and v in self.ends and Lu is not None:
                ok = self.from_end(v, u, Lu, g)
        if not ok and self.untrapped and u != self.degenerate:      # cheaper than charts
            known = [(L, x) for L, x in ((Lu, u), (Lv, v)) if L is not None]
            ok = separated_by_values(self.fam, u, v, known, self.minima, g, factor_of,
                                     self._shifters)
        at_zero = Lu is None and u == self.degenerate == 0 and Lv is not None
        cut = None
        if not ok and at_zero:
            ok = self._far(u, v, Lv, v, g)
            cut = None if ok else self._zero_cut(v, g, depth)
            if cut is not None and cut[2]:          # (0, m] by the far bounds: no charts
                m, Lm = cut[0], cut[1]
                return [("ok", u, m, Lm, m)] + self.resolve(m, v, Lm, Lv, depth - 1)
        elif not ok and self.untrapped and self.degenerate == 0 and self.charts is not None:
            for L, x in ((Lv, v), (Lu, u)):          # the regions differ: either end may do
                if L is not None and not ok:
                    ok = self._far(u, v, L, x, g, (Lu if x == v else Lv,))
        if not ok and self.untrapped and self.charts is not None and not self.at_fold(u, v, Lu, Lv):
            ok = self._in_charts(u, v, Lu, Lv, g)
        if ok:
            return [("ok", u, v, *end)]
        if depth <= 0 or self.budget <= 0:
            self.why[(u, v)] = WHY_TIED if (u, v) in self.tied \
                else WHY_UNTRAPPED if self.untrapped else WHY_WIDE
            return [("undecided", u, v, *end)]
        if cut is not None:
            m, Lm = cut[0], cut[1]
            return self.resolve(u, m, Lu, Lm, depth - 1) + self.resolve(m, v, Lm, Lv, depth - 1)
        if hint is not None and u < hint < v:
            m = simplest_between(hint - (hint - u) / 64, hint + (v - hint) / 64)
        else:
            lo, hi = u + (v - u) / 4, v - (v - u) / 4
            if self.untrapped and FOLD_SPLIT is not None and not at_zero \
                    and (Lu is None) != (Lv is None):
                a, b = FOLD_SPLIT                   # towards the critical end
                lo, hi = (u + (v - u) * a, u + (v - u) * b) if Lv is None else \
                    (v - (v - u) * b, v - (v - u) * a)
            m = simplest_between(lo, hi)
            if self.untrapped and self.charts is not None:
                m = _square_between(lo, hi) or m
            if at_zero and self.charts is not None and FAR_SPLIT is not None:
                lo, hi = FAR_SPLIT                          # towards the far bounds' reach
                m = _square_between(v * lo, v * hi) or m
        Lm = self.landscape(m)
        return self.resolve(u, m, Lu, Lm, depth - 1) + self.resolve(m, v, Lm, Lv, depth - 1)

    def at_fold(self, u, v, Lu, Lv) -> bool:
        """Does ``[u, v]`` end at a critical value that is neither the degenerate
        point nor exact (a fold: no landscape there, and not one of ``ends``), or
        within ``(v - u) / NEAR_FOLD`` of one of the piece's ``folds`` (outside
        ``[u, v]``: ``u - f`` or ``f - v`` at most that)?

        >>> s = SwitchSearch(None, None, None, [], degenerate=Fraction(0), ends=(Fraction(1),),
        ...                  folds=(Fraction(2),))
        >>> s.at_fold(Fraction(0), Fraction(1, 2), None, "L"), s.at_fold(Fraction(1, 2), Fraction(1), "L", None)
        (False, False)
        >>> s.at_fold(Fraction(1, 4), Fraction(1, 2), "L", None)
        True
        >>> u = Fraction(1, 2)        # v - u = 1.49: 2 - v = 1/128 within (v - u) / 128
        >>> s.at_fold(u, Fraction(255, 128), "L", "L"), s.at_fold(u, Fraction(254, 128), "L", "L")
        (True, False)
        """
        return (Lu is None and u != self.degenerate and u not in self.ends) or \
            (Lv is None and v != self.degenerate and v not in self.ends) or \
            any((u - f if f <= u else f - v) * NEAR_FOLD <= v - u for f in self.folds)

    def beside_fold(self, u, v, Lu, Lv) -> bool:
        """Is ``[u, v]`` (both ends certified) within its finest trap step,
        ``(v - u) / NEAR_FOLD``, of a fold of the piece beyond an end? Then no
        search in ``(W, p)`` runs on it (:meth:`resolve`): the branch that folds
        there moves too fast for the finest step to trap it, and the search
        would end untrapped after trapping the others and this one up to that
        step (Figure 3d, the fold ``0.0277973`` beyond the sample ``1/36``:
        0.34, 0.61 and 0.88 finest steps beyond ``[1/49, 1/36]``,
        ``[4/169, 1/36]`` and ``[0.0249307, 1/36]``, untrapped after 287, 156
        and 115 shifts, 38 s; at 1.42 steps, on ``[0.0260146, 1/36]``, it is
        proven). The segment is treated as after that failure (``untrapped``:
        the far bounds, then a cut), so the search's path is the one it took.

        >>> s = SwitchSearch(None, None, None, [], folds=(Fraction(2),))
        >>> u = Fraction(1, 2)        # v - u = 1.49: 2 - v = 1/128 within (v - u) / 128
        >>> s.beside_fold(u, Fraction(255, 128), "L", "L"), s.beside_fold(u, Fraction(254, 128), "L", "L")
        (True, False)
        >>> s.beside_fold(u, Fraction(255, 128), "L", None)        # ends at a critical value
        False
        """
        return Lu is not None and Lv is not None and self.at_fold(u, v, Lu, Lv)

    # -- from an exact end of the piece, certified there -----------------------------
    def end_landscape(self, x: Fraction, ref: Landscape) -> Optional[tuple]:
        """``(L, factors)``: the landscape certified at the piece's end ``x`` (kept;
        not listed in ``certified_at``: ``x`` may lie outside the range) when it is
        certified with the stationary points of ``ref`` (the same kinds in the
        same order: the branches of the piece end there, each minimum a root of
        exactly one factor of ``N``, ``factors[k]``); None otherwise."""
        if x not in self._ends:
            self.check()
            self.budget -= 1
            try:
                L = self.run(x)
            except (ValueError, ArithmeticError):        # InputError: no valid tasks at x
                L = None
            got = None
            if L is not None and L.certified and \
                    [p.kind for p in L.points] == [p.kind for p in ref.points]:
                factors = {}
                for k in self.minima:
                    roots = [a for a, (f, _m) in enumerate(self.fam.n_factors)
                             if deg_w(f) >= 1 and L.points[k].W.sign_of(at_p(f, x)) == 0]
                    if len(roots) != 1:
                        break
                    factors[k] = roots[0]
                else:
                    got = (L, factors)
            self._ends[x] = got
        return self._ends[x]

    def from_end(self, e: Fraction, o: Fraction, Lo: Landscape, g: int) -> bool:
        """A proof that ``g`` is the only global minimum between the piece's end
        ``e`` (excluded) and ``o`` (where ``Lo`` is certified), from the landscape
        certified at ``e`` (``g`` one of its global minima): with both ends known
        when ``g`` is the only one there (:meth:`separated`), else by
        second-order bounds from ``e`` (:meth:`second_order`)."""
        got = self.end_landscape(e, Lo)
        if got is None:
            return False
        L, factors = got
        G = global_index(L)
        if G is None or g not in G:
            return False
        if G == (g,):
            return (self.separated(e, o, L, Lo, g) if e < o else
                    self.separated(o, e, Lo, L, g))[0]
        self.tied.add((min(e, o), max(e, o)))
        return self.second_order(e, o, L, factors, g)

    def curvature(self) -> ValueCurvature:
        if self._curvature is None:
            self._curvature = ValueCurvature(self.fam.h.num, self.fam.h.den)
        return self._curvature

    def end_slope_gap(self, L: Landscape, e: Fraction, j: int, g: int):
        """An interval holding ``D'(e) = V_j'(e) - V_g'(e)`` (in ``p``): exactly 0
        when both minima attain the lower bound of ``h`` at ``e`` (``F_i(W) =
        W*_i`` for every task, decided exactly by ``certify``; then ``h_p =
        sum_i w_i (dC_i/dp)(W*_i)`` at both, as ``C_i'(W*_i) = 0``), else from
        ``h_p`` enclosed at the two points (None where not finite)."""
        n = len(L.taskset.tasks)
        if all(len(L.points[k].adapted_to_optimum) == n for k in (j, g)):
            return iv.mpf(0)
        vs, got = self.value_slope(), []
        for k in (j, g):
            w = L.points[k].W
            D = vs.on_box(arb_between(w.lo, w.hi), e, e)
            if D is None:
                return None
            got.append(arb_to_iv(D))
        return got[0] - got[1]

    def second_order(self, e: Fraction, o: Fraction, L: Landscape, factors: dict,
                     g: int) -> bool:
        """``V_j > V_g`` between the end ``e`` (excluded) and ``o`` for every
        minimum ``j != g``, from ``D(e) >= 0`` (``g`` is global at ``e``), the
        enclosure of ``D'(e)`` (:meth:`end_slope_gap`) and ``D''`` enclosed on
        each branch's trap boxes from ``e``
        (:class:`~symlqr.atlas.curvature.ValueCurvature`), integrated twice
        (:func:`~symlqr.atlas.curvature.second_order_positive`, in the distance
        from ``e``); the steps up to the first sub-interval where that fails are
        refined (largest losses first), up to ``SECOND_ROUNDS`` times."""
        nodes = [e + (o - e) * Fraction(i, 8) for i in range(9)]      # from e
        up = e < o
        curv = self.curvature()
        tracks = {}
        with iv_workprec(96):
            for k in self.minima:
                self.check()
                sh = self.shifter(factors[k])
                w = L.points[k].W
                tracks[k] = track(sh, curv.accept(sh), arb_between(w.lo, w.hi), nodes, 4)
                if tracks[k] is None:
                    return False
            gaps = {}
            for j in self.minima:
                if j != g:
                    d1 = self.end_slope_gap(L, e, j, g)
                    if d1 is None:
                        return False
                    d0 = max(Fraction(0), L.points[j].h.lo - L.points[g].h.hi)
                    gaps[j] = (d0, iv.mpf((d1 if up else -d1).a))      # d/dt, t = |p - e|
            for _round in range(SECOND_ROUNDS):
                self.check()
                fine, sl = merge_steps({k: t.intervals() for k, t in tracks.items()}, max(e, o))
                m, failing = len(fine) - 1, None
                for j, (d0, d1) in gaps.items():
                    D2 = [sj - sg for sj, sg in zip(sl[j], sl[g])]
                    ok, i = second_order_positive(fine if up else fine[::-1],
                                                  D2 if up else D2[::-1], d0, d1)
                    if not ok:
                        failing = (j, i)
                        break
                if failing is None:
                    self.second.append((min(e, o), max(e, o)))
                    return True
                if m > MAX_PARTS:
                    return False
                j, i = failing
                a, b = (0, i + 1) if up else (m - 1 - i, m)    # the sub-intervals up to it
                todo = worst_steps(fine[a:b + 1], sl[j][a:b], sl[g][a:b], tracks[j], tracks[g])
                if not sum(t.halve(lo, hi) for t, lo, hi in todo):
                    return False
        return False

    def _zero_cut(self, v, g: int, depth: int) -> Optional[tuple]:
        """``(m, L, proven)``: the cut of ``(0, v]`` towards the far bounds' reach
        (a square in ``[v lo, v hi]``, ``FAR_SPLIT``), the landscape certified
        there, and whether the far bounds prove ``g`` global on ``(0, m]``
        (then the charts on ``(0, v]``, whose traps fail next to a wall when
        ``v`` is large, are skipped); None without charts or budget."""
        if self.charts is None or FAR_SPLIT is None or depth <= 0 or self.budget <= 0:
            return None
        m = _square_between(v * FAR_SPLIT[0], v * FAR_SPLIT[1])
        if m is None:
            return None
        Lm = self.landscape(m)
        return m, Lm, global_index(Lm) == (g,) and self._far(Fraction(0), m, Lm, m, g)

    def _far(self, u, v, L, x, g: int, also: tuple = ()) -> bool:
        """:func:`~symlqr.atlas.farbound.far_above` on ``[u, v]`` from ``L`` at ``x``
        (``also``: the landscape at the other end, for its quick refusal), each
        attempt made once."""
        key = (u, v, x, g)
        if key not in self._far_tried:
            self._far_tried[key] = far_above(self.fam, v, L, g, self.minima, factor_of,
                                             self.check, u, x,
                                             tuple(M for M in also if M is not None))
        return self._far_tried[key]

    def _in_charts(self, u, v, Lu, Lv, g) -> bool:
        """The separation on ``[u, v]`` in the charts of ``p = e^2``: from the
        known ends that are squares of rationals, over ``[ru, rv]`` with
        ``ru^2 <= u`` and ``rv^2 >= v`` (a proof on a larger range holds on
        ``[u, v]``)."""
        ends = []
        for x, L, up in ((u, Lu, False), (v, Lv, True)):
            r = _square_root(x)
            if r is None:
                L, r = None, _sqrt_bound(x, up)
            ends.append((r, L))
        (ru, Lu2), (rv, Lv2) = ends
        if Lu2 is None and Lv2 is None:
            return False
        return self.charts(ru, rv, Lu2, Lv2, g)

    def narrow(self, u, v, Lu, Lv, depth) -> list:
        """The global minimum differs at ``u`` and ``v``: a switch lies between
        (continuity); narrow it by certified probes around the root of the
        interpolated difference of the two values, then prove both sides."""
        a, b = global_index(Lu)[0], global_index(Lv)[0]
        x, y, Lx, Ly = u, v, Lu, Lv
        tol = max(Fraction(1), abs(v)) / Fraction(2) ** self.bits
        delta = (y - x) / 8
        while y - x > tol and self.budget > 0:
            dx, dy = _value(Lx, b) - _value(Lx, a), _value(Ly, b) - _value(Ly, a)
            est = x + (y - x) * dx / (dx - dy) if dx != dy else (x + y) / 2
            w = y - x
            est = min(max(est, x + w / 64), y - w / 64)
            delta = min(delta, w / 4)
            q1 = simplest_between(max(x, est - delta), est)
            probes = [q1, simplest_between(est, min(y, est + delta))]
            hits = 0
            for q in probes:
                if not x < q < y:
                    continue
                Lq = self.landscape(q)
                gq = global_index(Lq)
                if gq == (a,):
                    x, Lx, hits = q, Lq, hits + 1
                elif gq == (b,):
                    y, Ly, hits = q, Lq, hits + 1
                    break
                else:                 # a third state: resolve both halves on their own
                    return self.resolve(x, q, Lx, Lq, depth) + self.resolve(q, y, Lq, Ly, depth)
            delta = max(delta / 16, tol / 4) if hits == 2 else max((y - x) / 8, tol / 4)
        left = self.resolve(u, x, Lu, Lx, depth) if x > u else []
        right = self.resolve(y, v, Ly, Lv, depth) if y < v else []
        return left + [("switch", x, y, Lx, x)] + right


def _square_root(x: Fraction) -> Optional[Fraction]:
    """``r >= 0`` with ``r^2 = x`` when ``x`` is the square of a rational, else None."""
    a, b = isqrt(x.numerator), isqrt(x.denominator)
    return Fraction(a, b) if x >= 0 and a * a == x.numerator and b * b == x.denominator else None


def _sqrt_bound(x: Fraction, up: bool) -> Fraction:
    """A short rational ``r >= 0`` with ``r^2 >= x`` (``up``) or ``r^2 <= x``."""
    r = Fraction(sqrt(float(x)))
    while (r * r < x) if up else (r * r > x):
        r = r * (1 + Fraction(1, 2 ** 50)) if up else r * (1 - Fraction(1, 2 ** 50))
    return r


def _square_between(a: Fraction, b: Fraction) -> Optional[Fraction]:
    """A square of a short rational strictly between ``0 <= a < b``, or None."""
    r = simplest_between(Fraction(sqrt(float(a))), Fraction(sqrt(float(b))))
    return r * r if a < r * r < b else None


def merge_steps(steps: dict, last) -> tuple:
    """``(fine nodes, {k: [slope on each fine sub-interval]})`` from each
    branch's steps ``(q0, q1, slope)``: the fine nodes are the union of all
    branches' steps (a box over a step holds the branch on every part of it)."""
    fine = sorted({e[0] for st in steps.values() for e in st} | {last})
    out = {}
    for k, st in steps.items():
        seq, i = [], 0
        for q in fine[:-1]:
            while st[i][1] <= q:
                i += 1
            seq.append(st[i][2])
        out[k] = seq
    return fine, out


WHY_NOT_ONE = "a landscape certified there has no single global minimum"
WHY_UNTRAPPED = ("a minimum's branch is not trapped in boxes, neither in (W, eta) nor in "
                 "the charts regular at eta = 0 (typically next to a fold)")
WHY_WIDE = "the enclosures of the values' slopes stay too wide to separate the values"
WHY_TIED = ("minima tied at the range's end (certified there) are not separated: the "
            "enclosures of the values' second derivatives stay too wide")

_SWITCH_TEXT = ("two local minima have equal values: the global minimum changes "
                "(certified at {param} = {u} and {v}; by continuity a switch lies between)")


def split_piece(fam: Family, pc: Piece, lo_end: Fraction, hi_end: Fraction, run: Callable,
                check: Callable, bits: int, undecided: list,
                charts: Optional[Callable] = None) -> tuple:
    """Prove that the global minimum is constant on the piece, or split it at
    certified switches; parts where neither is proven get ``decided = False``.
    ``lo_end``/``hi_end`` are the rational ends of the piece (the inner ends of
    its critical values' brackets). Returns ``(switch critical values, pieces)``."""
    ls = pc.landscape
    finite_limits = any(d.lo_limit is not None or d.hi_limit is not None for d in ls.domain)
    if finite_limits:
        pc.decided, pc.switch_free = False, None
        pc.switch_note = ("h has a finite limit at a wall; switches against it are not "
                          "analysed: no global/spurious labels on this piece")
        undecided.append(f"piece around {fam.param} = {pc.sample}: {pc.switch_note}")
        return [], [pc]
    if len(ls.minima()) < 2:
        pc.switch_free, pc.switch_note = True, "at most one local minimum and h -> +inf at the walls"
        return [], [pc]
    if on_bound_global(fam, ls, pc.sample):
        pc.switch_free = True
        pc.switch_note = ("a global minimum equals the lower bound sum_i w_i C_i(W*_i) on the "
                          "whole piece, and no other stationary point reaches it inside (exact)")
        return [], [pc]
    degenerate = Fraction(0) if fam.param in ("eta", "scale") else None
    search = SwitchSearch(fam, run, check, [k for k, p in enumerate(ls.points) if p.is_local_min],
                          bits, degenerate=degenerate, charts=charts,
                          ends=tuple(x for x, cv in ((lo_end, pc.lo), (hi_end, pc.hi))
                                     if (cv is None and x != degenerate) or
                                     _exact_at(cv, x)),
                          folds=tuple(x for x, cv in ((lo_end, pc.lo), (hi_end, pc.hi))
                                      if cv is not None and x != degenerate and
                                      not _exact_at(cv, x)))
    s = pc.sample
    segs = search.resolve(lo_end, s, None, ls)
    if s < hi_end:
        segs += search.resolve(s, hi_end, ls, None)
    return _assemble(fam, pc, segs, search.certified_at, undecided, search.why, search.second)


def _exact_at(cv: Optional[CriticalValue], x: Fraction) -> bool:
    """Is the critical value ``cv`` exactly the rational ``x``?"""
    return cv is not None and cv.value is not None and cv.value.is_rational and \
        cv.lo == cv.hi == x


def _assemble(fam, pc, segs, certified_at, undecided, why=None, second=()) -> tuple:
    """Parts of the piece between switch enclosures, each a Piece."""
    parts, cur = [], []
    for seg in segs:
        if seg[0] == "switch":
            parts.append((cur, seg))
            cur = []
        else:
            cur.append(seg)
    parts.append((cur, None))
    cvs, pieces, lo_cv = [], [], pc.lo
    for k, (group, sw) in enumerate(parts):
        cv = None
        if sw is not None:
            cv = CriticalValue("switch", sw[1], sw[2], _SWITCH_TEXT.format(
                param=fam.param, u=sw[1], v=sw[2]))
        hi_cv = cv if cv is not None else pc.hi
        a = lo_cv.hi if lo_cv is not None else None
        b = hi_cv.lo if hi_cv is not None else None
        known = [(L, x) for _st, _u, _v, L, x in group] or ([(sw[3], sw[4])] if sw else [])
        inside = [(L, x) for L, x in known if (a is None or x > a) and (b is None or x < b)]
        if (a is None or pc.sample > a) and (b is None or pc.sample < b):
            L, x = pc.landscape, pc.sample
        else:
            L, x = (inside or known or [(pc.landscape, pc.sample)])[0]
        decided = bool(group) and all(st == "ok" for st, *_ in group)
        piece = Piece(lo_cv, hi_cv, x, L, checks=sorted(set(certified_at) - {x}),
                      switch_free=True if decided else None, decided=decided)
        if decided:
            piece.switch_note = ("the values of the minima are separated on the whole piece "
                                 "(branches trapped by fences, slopes of the values enclosed "
                                 "by interval arithmetic)")
            near = [(u, v) for u, v in second if any(s[1] == u and s[2] == v for s in group)]
            if near:
                piece.switch_note += (
                    "; on " + ", ".join(f"[{u}, {v}]" for u, v in near) + " from an end where "
                    "minima tie, by their second derivatives (D(e) >= 0, D'(e) bounded, "
                    "D'' enclosed)")
        else:
            undecided_parts(fam, piece, group, a, b, undecided, why or {})
        pieces.append(piece)
        if cv is not None:
            cvs.append(cv)
        lo_cv = cv
    return cvs, pieces
