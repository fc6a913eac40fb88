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
   enclosed; ``min h`` (or its infimum) is decided by disjoint enclosures
   refined up to ``max_bits``; ties are proven exactly when
   ``F_i^K(w) = W*_i`` for every task (then ``h(w)`` is the lower bound
   ``sum_i w_i C_i(W*_i)``). Anything else is reported undecided.

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
from .deadline import checker
from .variant_results import FixedPoint, FixedPoints
from .variants import VariantObjective, root_bound
from ..exact.balls import enclose as ball_enclose
from ..exact.bisection import isolate_in
from ..exact.enclosure import Enclosure
from ..exact.ratfunc import RationalFunction, to_fmpq
from ..exact.realroots import MAX_BITS, RealAlgebraic, simplest_between, sort_disjoint

__all__ = ["FixedPoint", "FixedPoints", "fixed_points", "domain_components",
           "roots_in"]


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


def _between(a, b) -> Fraction:
    """A short rational strictly between two ordered ends (``None``: infinite)."""
    if a is None and b is None:
        return Fraction(0)
    if a is None:
        return Fraction(int(b.lo) - 1 if b.lo > 0 else -(int(-b.lo) + 2))
    if b is None:
        return Fraction(int(a.hi) + 1 if a.hi >= 0 else -(int(-a.hi)) + 1)
    return simplest_between(a.hi, b.lo)


def _split(comp, cond: RationalFunction) -> list:
    """The sub-intervals of ``comp`` where ``cond > 0``."""
    lo, hi = comp
    walls = [r for r, _ in sort_disjoint(roots_in(cond.num, lo, hi) + roots_in(cond.den, lo, hi))]
    ends = [lo] + walls + [hi]
    out = []
    for a, b in zip(ends, ends[1:]):
        if cond(_between(a, b)) > 0:
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
            left = _between(prev, r) if prev is not None else r.lo - 1
            right = _between(r, nxt) if nxt is not None else r.hi + 1
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
        sden = _sign(g.den(to_fmpq(_between(lo, hi))))
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
            points.append(FixedPoint(r, typ, stab, m, k))
    return points


# ---------------------------------------------------------------------------
# stage 4: values of h, min h and gaps
# ---------------------------------------------------------------------------
class _Val:
    """``h`` at a point (enclosed), or an exact number; ``low`` marks a value
    proven equal to the lower bound ``sum_i w_i C_i(W*_i)``."""

    def __init__(self, f=None, x=None, exact=None, low=False):
        self.f, self.x, self.exact, self.low = f, x, exact, low
        self.boundary = False
        self._enc: dict = {}
        if exact is None and x is not None and x.is_rational:
            self.exact = f(x.lo)

    def enclose(self, bits: int) -> Enclosure:
        if self.exact is not None:
            return Enclosure.exact(self.exact)
        if bits not in self._enc:
            self._enc[bits] = ball_enclose(self.x, self.f, bits)
        return self._enc[bits]


def _order(a: _Val, b: _Val, bits: int, max_bits: int, check) -> Optional[int]:
    """-1, 0, 1 (0 only when proven), None when undecided within ``max_bits``."""
    if a is b or (a.low and b.low):
        return 0
    if a.exact is not None and b.exact is not None:
        return (a.exact > b.exact) - (a.exact < b.exact)
    while bits <= max_bits:
        check("comparing values of h")
        ea, eb = a.enclose(bits), b.enclose(bits)
        if ea.hi < eb.lo:
            return -1
        if eb.hi < ea.lo:
            return 1
        bits *= 2
    return None


def _lower_bound(ts, bits: int) -> Enclosure:
    lo = hi = Fraction(0)
    for t, w in zip(ts.tasks, ts.weights):
        e = Enclosure.of(lqr.optimal_cost_algebraic(t).enclose(RationalFunction.identity(), bits))
        lo, hi = lo + w * e.lo, hi + w * e.hi
    return Enclosure(lo, hi)


def _boundary_values(h: RationalFunction, comps) -> list[_Val]:
    """Finite limits of ``h`` at the open ends of the components (never attained)."""
    out = []
    for lo, hi in comps:
        for end in (lo, hi):
            if end is None:
                lim = h.limit_at_infinity()
                v = None if lim is None else _Val(exact=lim)
            else:
                v = None if end.is_root_of(h.den) else _Val(h, end.copy())
            if v is not None:
                v.boundary = True
                out.append(v)
    return out


def _lowest(cands: list, bits: int, max_bits: int, check):
    """The lowest candidate and whether some candidate was left undecided."""
    ref = min(cands, key=lambda c: c.enclose(bits).hi)
    while True:
        lower, undecided = None, False
        for c in cands:
            if c is ref:
                continue
            r = _order(c, ref, bits, max_bits, check)
            if r == -1:
                lower = c
                break
            undecided = undecided or r is None
        if lower is None:
            return ref, undecided
        ref = lower


def _values(obj, points, comps, bits, max_bits, check):
    """Enclose ``h`` at every point, find ``inf h`` over the domain and mark
    ``is_global`` and ``gap`` on the points; return (inf h, attained, notes)."""
    h, opt = obj.objective(), obj.optimum_conditions()
    vals = []
    for p in points:
        check("evaluating h at the fixed points")
        p.adapted_to_optimum = tuple(i for i, G in enumerate(opt)
                                     if p.W.is_root_of(G.num)
                                     and not p.W.is_root_of(G.den))
        v = _Val(h, p.W, low=len(p.adapted_to_optimum) == len(obj.tasks))
        p.h = v.enclose(bits)
        vals.append(v)
    if obj.method == "maml":
        minima = [v for v, p in zip(vals, points) if p.stability == "attracting"]
    else:          # the local minima of h are the attracting points of maml's g = h'
        maml = VariantObjective(obj.taskset, "maml", obj.steps)
        minima = []
        for q in _classify(maml, comps, check):
            if q.stability == "attracting":
                minima.append(_Val(h, q.W, low=all(
                    q.W.is_root_of(c.num) and not q.W.is_root_of(c.den)
                    for c in opt)))
    cands = minima + _boundary_values(h, comps)
    if not cands:
        return None, None, []
    ref, undecided = _lowest(cands, bits, max_bits, check)
    notes = ["a candidate for min h is not separated from the lowest value within "
             f"{max_bits} bits, and no exact equality proof"] if undecided else []
    m = ref.enclose(bits)
    attained = any(c is ref or (not c.boundary
                                and _order(c, ref, bits, max_bits, check) == 0)
                   for c in minima)
    for p, v in zip(points, vals):
        if p.stability != "attracting":
            continue
        r = _order(v, ref, bits, max_bits, check)
        p.is_global = None if (r is None or undecided) else (r == 0)
        p.gap = (Enclosure.exact(0) if p.is_global else
                 Enclosure(max(Fraction(0), p.h.lo - m.hi), max(Fraction(0), p.h.hi - m.lo)))
    return m, (None if undecided and not attained else attained), notes


def fixed_points(taskset, method: str = "maml", steps: int = 1, digits: int = 30,
                 max_bits: int = MAX_BITS, deadline: Optional[float] = None,
                 progress=None) -> FixedPoints:
    """Certify the fixed points ``g(W) = 0`` of ``method`` with ``steps``
    inner steps on the domain, their types, ``h`` there and ``h - min h``.

    Raises :class:`symlqr.scalar.deadline.Timeout` past ``deadline``
    (``time.monotonic()``); ``progress(stage)`` is called as each stage ends.

    >>> from symlqr.tasks import figure
    >>> fp = fixed_points(figure("fig1"), "maml", 2, digits=8)
    >>> [p.type for p in fp.points].count("min"), all(p.is_global for p in fp.attracting())
    (5, True)
    """
    t0 = time.perf_counter()
    progress = progress if progress is not None else (lambda stage: None)
    check = checker(deadline)

    obj = VariantObjective(taskset, method, steps)
    bits = int(digits * 3.33) + 16
    for t in taskset.tasks:
        lqr.optimal_gain_algebraic(t)
    comps = domain_components(obj, check)
    progress("domain")
    points = _classify(obj, comps, check)
    progress("fixed points")
    m, attained, notes = _values(obj, points, comps, bits, max_bits, check)
    progress("values")
    out = FixedPoints(taskset, method, steps, comps, points, m, attained,
                      _lower_bound(taskset, bits), undecided=notes)
    out.seconds = time.perf_counter() - t0
    return out
