"""Certified fixed points of a MAML variant: the domain, the roots of the
update direction ``g`` and their types, ``h`` at each of them, and the gap to
``min h`` (see :mod:`symlqr.scalar.variants` for the formulas).

Stages, each exact or enclosed:

1. *Domain.* Level 0 is the intersection of the stable intervals (rational
   ends). Level ``j`` keeps, inside each component of level ``j - 1``, the
   cells where every ``D_i(F_i^j) > 0``: the real roots of its numerator and
   denominator are isolated exactly *inside that component only*
   (:func:`symlqr.exact.bisection.isolate_in`) and each cell is read at a
   rational sample. Components are open intervals with real algebraic ends.
2. *Fixed points.* The numerator ``N`` of ``g`` is split into squarefree
   parts ``f_m`` (FLINT); the roots of each ``f_m`` in each component are
   isolated exactly by Descartes' rule. The denominator of ``g`` is proven
   free of roots in the component (its poles are walls).
3. *Types.* Brackets are refined until pairwise disjoint and inside the
   component; then ``N`` has exactly one root in each, so the sign of ``g``
   just left and right of a root is the exact sign of ``N`` at rational points
   beside it times the sign of the denominator. ``- to +`` is attracting
   (for ``maml``: a strict local minimum of ``h``), ``+ to -`` repelling,
   a root of multiplicity ``>= 2`` degenerate.
4. *Values.* ``h`` at each point and at the open ends of the components is
   enclosed (Arb balls); ``min h`` (or its infimum) over the local minima of
   ``h`` and the limits at the open ends is found by
   :func:`symlqr.scalar.values.global_minima`, as for one-step MAML: an
   order is decided by disjoint enclosures refined up to ``max_bits``, an
   equality only by an exact proof (both values on the lower bound
   ``sum_i w_i C_i(W*_i)``, i.e. ``F_i^K(w) = W*_i`` for every task, or equal
   minimal polynomials). For ``fomaml`` and ``reptile`` an attracting point
   ties with ``min h`` only by such a proof or by being the same algebraic
   number as a global minimum of ``h``; ``h - min h`` is then exactly 0.
   Anything else is reported undecided, and an undecided ``min h`` is
   enclosed over every candidate, never taken from one.

>>> from symlqr.tasks import figure
>>> fp = fixed_points(figure("fig2"), "fomaml", 1)
>>> [p.type for p in fp.points]
['repelling', 'attracting', 'repelling']
>>> [p.is_global for p in fp.attracting()]
[True]
"""
from __future__ import annotations

import time
from fractions import Fraction
from typing import Optional

import flint

from . import lqr
from .cells import rational_between
from .deadline import checker, deadline_from
from .values import Valued, Value, compare, global_minima, lower_bound, start_bits
from .variant_results import FixedPoint, FixedPoints
from .variants import VariantObjective, root_bound
from ..exact.balls import enclose as ball_enclose
from ..exact.bisection import isolate_in
from ..exact.enclosure import Enclosure
from ..exact.ratfunc import RationalFunction, to_fmpq
from ..exact.realroots import MAX_BITS, RealAlgebraic, sort_disjoint

__all__ = ["FixedPoint", "FixedPoints", "fixed_points", "domain_components", "roots_in",
           "BallValue", "ties_with_min"]


# ---------------------------------------------------------------------------
# stage 1: the domain
# ---------------------------------------------------------------------------
def _bracket(end, poly: flint.fmpq_poly, upper: bool) -> Fraction:
    """A rational at or beyond the component end (``None``: a root bound)."""
    if end is None:
        b = root_bound(poly) if poly.degree() > 0 else Fraction(1)
        return b if upper else -b
    return end.hi if upper else end.lo


def _strictly_inside(r: RealAlgebraic, lo, hi) -> bool:
    return (lo is None or r.compare(lo) > 0) and (hi is None or r.compare(hi) < 0)


def roots_in(p: flint.fmpq_poly, lo, hi) -> list[tuple[RealAlgebraic, int]]:
    """Distinct roots of ``p`` strictly inside ``(lo, hi)`` (RealAlgebraic or
    ``None`` ends) with multiplicities, sorted, brackets pairwise disjoint and
    strictly inside the interval.

    >>> roots_in(flint.fmpq_poly([-2, 0, 1]) ** 2, None, RealAlgebraic.rational(1))
    [(RealAlgebraic(root of x^2 + (-2) in [-2, -1/2]), 2)]
    """
    if p.is_zero() or p.degree() <= 0:
        return []
    a, b = _bracket(lo, p, False), _bracket(hi, p, True)
    out = []
    _, parts = p.numer().factor_squarefree()
    for f, m in parts:
        fq = flint.fmpq_poly(f)
        for x, y in isolate_in(fq, a, b):
            r = RealAlgebraic.rational(x) if x == y else RealAlgebraic(fq, x, y)
            if _strictly_inside(r, lo, hi):
                out.append((r, m))
    out = sort_disjoint(out)
    for r, _ in out:                      # brackets strictly inside (lo, hi)
        while (lo is not None and r.lo <= lo.hi) or (hi is not None and r.hi >= hi.lo):
            r.bisect()
            if lo is not None and not lo.is_rational and r.lo <= lo.hi:
                lo.bisect()
            if hi is not None and not hi.is_rational and r.hi >= hi.lo:
                hi.bisect()
    return out


def _split(comp, cond: RationalFunction) -> list:
    """The sub-intervals of ``comp`` where ``cond > 0``."""
    lo, hi = comp
    walls = [r for r, _ in sort_disjoint(roots_in(cond.num, lo, hi) + roots_in(cond.den, lo, hi))]
    ends = [lo] + walls + [hi]
    out = []
    for a, b in zip(ends, ends[1:]):
        if cond(rational_between(a, b)) > 0:
            out.append((a, b))
    return out


def domain_components(obj: VariantObjective, check=lambda stage: None) -> list:
    """Components ``(lo, hi)`` of ``{W : D_i(F_i^j(W)) > 0, all i, j <= K}``."""
    s = obj.stable_interval()
    if s is None:
        return []
    comps = [tuple(None if x is None else RealAlgebraic.rational(x) for x in s)]
    for j in range(1, obj.steps + 1):
        for cond in obj.conditions(j):
            check(f"isolating the walls of level {j}")
            comps = [c for comp in comps for c in _split(comp, cond)]
    return comps


# ---------------------------------------------------------------------------
# stages 2 and 3: fixed points and their types
# ---------------------------------------------------------------------------
def _sign(v) -> int:
    return (v > 0) - (v < 0)


def _sides(roots: list, lo, hi) -> list[tuple[Fraction, Fraction]]:
    """Rational points just left and right of each root, with no other root
    (nor a component end) in between."""
    out = []
    for k, (r, _) in enumerate(roots):
        prev = roots[k - 1][0] if k > 0 else lo
        nxt = roots[k + 1][0] if k + 1 < len(roots) else hi
        if r.is_rational:
            left = rational_between(prev, r) if prev is not None else r.lo - 1
            right = rational_between(r, nxt) if nxt is not None else r.hi + 1
        else:
            left, right = r.lo, r.hi
        out.append((left, right))
    return out


def _classify(obj, comps, check) -> list[FixedPoint]:
    g = obj.direction()
    points = []
    for k, (lo, hi) in enumerate(comps):
        check("isolating fixed points")
        if roots_in(g.den, lo, hi):
            raise ArithmeticError("the update direction has a pole inside the domain")
        sden = _sign(g.den(to_fmpq(rational_between(lo, hi))))
        roots = roots_in(g.num, lo, hi)
        for (r, m), (a, b) in zip(roots, _sides(roots, lo, hi)):
            left, right = _sign(g.num(to_fmpq(a))) * sden, _sign(g.num(to_fmpq(b))) * sden
            stab = ("attracting" if left < 0 < right else
                    "repelling" if left > 0 > right else "none")
            if m > 1:
                typ = "degenerate"
            elif obj.method == "maml":
                typ = {"attracting": "min", "repelling": "max"}[stab]
            else:
                typ = stab
            points.append(FixedPoint(r, typ, stab, m, k, method=obj.method))
    return points


# ---------------------------------------------------------------------------
# stage 4: values of h, min h and gaps
# ---------------------------------------------------------------------------
class BallValue(Value):
    """A :class:`symlqr.scalar.values.Value` enclosed in Arb ball arithmetic:
    50 times faster than the mpmath enclosure at the degree-1000 points of K = 3.

    >>> sqrt2 = RealAlgebraic(flint.fmpq_poly([-2, 0, 1]), 1, 2)
    >>> e = BallValue(RationalFunction(flint.fmpq_poly([0, 0, 1])), sqrt2).enclose(64)
    >>> e.lo <= 2 <= e.hi and e.hi - e.lo < Fraction(1, 2 ** 60)
    True
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.balls: dict = {}

    def enclose(self, bits: int) -> Enclosure:
        if self.exact is not None:
            return Enclosure.exact(self.exact)
        if bits not in self.balls:
            self.balls[bits] = ball_enclose(self.point, self.func, bits)
        return self.balls[bits]


def _boundary_values(h: RationalFunction, comps) -> list:
    """Finite limits of ``h`` at the open ends of the components (never attained)."""
    out = []
    for lo, hi in comps:
        for end in (lo, hi):
            if end is None:
                lim = h.limit_at_infinity()
                if lim is not None:
                    out.append(BallValue(None, None, exact=lim, label="limit at infinity"))
            elif not end.is_root_of(h.den):
                out.append(BallValue(h, end.copy(), label="limit at a domain boundary"))
    return out


def _point_value(h, opt, p, n_tasks: int) -> BallValue:
    """``h(w)`` at a fixed point; marks the tasks with ``F_i^K(w) = W*_i`` exactly."""
    p.adapted_to_optimum = tuple(i for i, G in enumerate(opt)
                                 if p.W.is_root_of(G.num) and not p.W.is_root_of(G.den))
    return BallValue(h, p.W, at_lower_bound=len(p.adapted_to_optimum) == n_tasks)


def ties_with_min(p, v, refs: list, bits: int, max_bits: int = MAX_BITS,
                  check=lambda where: None) -> Optional[bool]:
    """Is ``h(p) = min h``? ``refs``: ``(value, point)`` of the proven global
    minima of ``h``. Equality only by an exact proof (the same point, both on
    the lower bound, or equal minimal polynomials), inequality by disjoint
    enclosures; None when neither is reached within ``max_bits``.

    >>> square = RationalFunction(flint.fmpq_poly([0, 0, 1]))          # h(x) = x^2
    >>> q = FixedPoint(RealAlgebraic(flint.fmpq_poly([-2, 0, 1]), 1, 2), "min", "attracting", 1, 0)
    >>> p = FixedPoint(RealAlgebraic(flint.fmpq_poly([-3, 0, 1]), 1, 2), "attracting",
    ...                "attracting", 1, 0)
    >>> ties_with_min(p, BallValue(square, p.W), [(BallValue(square, q.W), q)], 64)   # 3 > 2
    False
    """
    v_ref, q = refs[0]
    if p.W.equals(q.W):
        return True
    r = compare(v, v_ref, bits, max_bits, check)
    return {0: True, 1: False}.get(r)


def _mark_globality(obj, points, vals, comps, bits, digits, max_bits, check):
    """``min h`` over the domain (among the local minima of ``h`` and the limits
    at the open ends, :func:`symlqr.scalar.values.global_minima`) and
    ``is_global`` of every attracting point; returns the :class:`Minima`."""
    h, opt, n = obj.objective(), obj.optimum_conditions(), len(obj.tasks)
    if obj.method == "maml":
        mins = [(v, p) for v, p in zip(vals, points) if p.stability == "attracting"]
    else:          # the local minima of h are the attracting points of maml's g = h'
        maml = VariantObjective(obj.taskset, "maml", obj.steps)
        mins = [(_point_value(h, opt, q, n), q) for q in _classify(maml, comps, check)
                if q.stability == "attracting"]
    cands = mins + [(v, None) for v in _boundary_values(h, comps)]
    minima = global_minima(Valued([], [], cands, lower_bound(obj, bits), bits, digits),
                           max_bits, check)
    if minima.undecided and cands:      # the least value is not decided: widen to all candidates
        minima.min_value = Enclosure(min(v.enclose(bits).lo for v, _ in cands),
                                     minima.min_value.hi)
    if obj.method != "maml":
        refs = [(v, q) for v, q in mins if q.is_global]
        for p, v in zip(points, vals):
            if p.stability != "attracting" or minima.min_value is None:
                continue
            check("comparing values of h with min h")
            if refs:
                p.is_global = ties_with_min(p, v, refs, bits, max_bits, check)
            elif minima.infimum_attained is False:
                p.is_global = False     # inf h is a limit at an open end, never attained
            if p.is_global is None and not minima.undecided:
                minima.undecided.append(f"attracting point at W ~ {p.W.decimal(12)}: h not "
                                        f"separated from min h within {max_bits} bits, and "
                                        "no exact equality proof")
    return minima


def _values(obj, points, comps, bits, digits, max_bits, check):
    """Enclose ``h`` at every point, find ``inf h`` over the domain and mark
    ``is_global`` and ``gap = h - min h`` on the attracting points."""
    h, opt, n = obj.objective(), obj.optimum_conditions(), len(obj.tasks)
    vals = []
    for p in points:
        check("evaluating h at the fixed points")
        vals.append(_point_value(h, opt, p, n))
        p.h = vals[-1].enclose(bits)
    minima = _mark_globality(obj, points, vals, comps, bits, digits, max_bits, check)
    m = minima.min_value
    for p in points:
        if p.stability == "attracting" and m is not None:
            p.gap = (Enclosure.exact(0) if p.is_global else
                     Enclosure(max(Fraction(0), p.h.lo - m.hi), max(Fraction(0), p.h.hi - m.lo)))
    return minima


def fixed_points(taskset, method: str = "maml", steps: int = 1, digits: int = 30,
                 max_bits: int = MAX_BITS, deadline: Optional[float] = None,
                 progress=None, timeout: Optional[float] = None) -> FixedPoints:
    """Certify the fixed points ``g(W) = 0`` of ``method`` with ``steps``
    inner steps on the domain, their types, ``h`` there and ``h - min h``.

    Raises :class:`symlqr.scalar.deadline.Timeout` past ``deadline``
    (``time.monotonic()``) or ``timeout`` seconds from the call;
    ``progress(stage)`` is called as each stage ends.

    >>> from symlqr.tasks import figure
    >>> fp = fixed_points(figure("fig1"), "maml", 2, digits=8)
    >>> [p.type for p in fp.points].count("min"), all(p.is_global for p in fp.attracting())
    (5, True)
    """
    t0 = time.perf_counter()
    progress = progress if progress is not None else (lambda stage: None)
    check = checker(deadline_from(timeout, deadline))

    obj = VariantObjective(taskset, method, steps)
    bits = start_bits(digits)
    for t in taskset.tasks:
        lqr.optimal_gain_algebraic(t)
    comps = domain_components(obj, check)
    progress("domain")
    points = _classify(obj, comps, check)
    progress("fixed points")
    minima = _values(obj, points, comps, bits, digits, max_bits, check)
    progress("values")
    out = FixedPoints(taskset, method, steps, comps, points, minima.min_value,
                      minima.infimum_attained, minima.lower_bound,
                      undecided=list(minima.undecided), digits=digits)
    out.seconds = time.perf_counter() - t0
    return out
