"""Stage 5 of the certificate: values of ``h``, global versus spurious minima, epsilon.

``h`` at each stationary point and its finite limits at the ends of the
domain intervals (walls, infinity and, with normalized adaptation, the two
sides of each kink) are enclosed in intervals. ``min h`` is the infimum of
these values: it may be a limit that no point attains (``infimum_attained``). Minima are compared by disjoint enclosures,
refined up to ``max_bits``; ties are proven exactly, either because
``F_i(w) = W*_i`` for every task (then ``h(w) = sum_i w_i C_i(W*_i)``, a lower
bound of ``h``), because the two points are mirror images ``w, -w`` of an
exact symmetry ``h(W) = h(-W)``, or because the two values are the same root
of their minimal polynomials. Anything left is reported as undecided, never guessed.

>>> from symlqr.tasks import figure
>>> from symlqr.scalar.maml import MamlObjective
>>> from symlqr.scalar.cells import components, domain_cells
>>> from symlqr.scalar.points import classify, stationary_points
>>> obj = MamlObjective(figure("fig2"))
>>> comps = components(domain_cells(obj))
>>> m = values_and_minima(obj, classify(obj, stationary_points(obj, comps)), comps)
>>> [p.is_global for p in m.points if p.is_local_min], m.epsilon.decimal(3)
([False, True, False], '0.355')
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Optional, Sequence

import flint

from . import lqr
from .cells import Component
from .deadline import Check, no_check
from .maml import MamlObjective
from .results import DomainInterval, Kink, StationaryPoint
from ..exact.enclosure import Enclosure
from ..exact.ratfunc import RationalFunction, to_fmpq
from ..exact.precision import MAX_BITS, bits_for_digits
from ..exact.realroots import RealAlgebraic, count_real_roots

__all__ = ["Value", "Valued", "Minima", "compare", "exactly_equal", "mirror_images", "point_values",
           "global_minima", "values_and_minima", "lower_bound", "MINPOLY_MAX_DEGREE", "start_bits"]

#: Largest degree of a point's polynomial for the exact minimal-polynomial tie test.
MINPOLY_MAX_DEGREE = 48


def start_bits(digits: int) -> int:
    """Bits of the first enclosure of a value reported with ``digits`` digits."""
    return bits_for_digits(digits)


class Value:
    """``func(point)`` for a RealAlgebraic point, or an exact rational; its
    enclosures are cached by precision."""

    def __init__(self, func: Optional[RationalFunction], point: Optional[RealAlgebraic],
                 exact: Optional[Fraction] = None, at_lower_bound: bool = False, label: str = ""):
        self.func, self.point, self.exact = func, point, exact
        self.at_lower_bound = at_lower_bound
        self.label = label
        self._enc: dict = {}
        if exact is None and point is not None and point.is_rational:
            self.exact = func(point.lo)

    def enclose(self, bits: int) -> Enclosure:
        if self.exact is not None:
            return Enclosure.exact(self.exact)
        if bits not in self._enc:
            self._enc[bits] = Enclosure.of(self.point.enclose(self.func, bits))
        return self._enc[bits]

    def minimal_polynomial(self) -> Optional[flint.fmpq_poly]:
        """Squarefree part of the characteristic polynomial of the value over
        QQ (exact), or None when the point's degree exceeds the cap."""
        if self.exact is not None:
            return flint.fmpq_poly([-to_fmpq(self.exact), 1])
        f = self.point.poly
        d = f.degree()
        if d > MINPOLY_MAX_DEGREE:
            return None
        den = self.func.den % f
        g, s, _ = den.xgcd(f)
        if not g.is_one():
            return None
        v = (self.func.num * s) % f
        cols, cur = [], flint.fmpq_poly([1])
        for _ in range(d):
            prod = (v * cur) % f
            cols.append([prod.coeffs()[k] if k < prod.length() else 0 for k in range(d)])
            cur = cur * flint.fmpq_poly([0, 1])
        M = flint.fmpq_mat(d, d, [cols[j][i] for i in range(d) for j in range(d)])
        chi = M.charpoly()
        gg = chi.gcd(chi.derivative())
        return chi / gg if not gg.is_constant() else chi


def _reflected(p: flint.fmpq_poly) -> flint.fmpq_poly:
    """``p(-x)``."""
    return flint.fmpq_poly([c if k % 2 == 0 else -c for k, c in enumerate(p.coeffs())])


def mirror_images(a: Value, b: Value) -> bool:
    """Exact proof that ``a`` and ``b`` are mirror images: ``b.func(-x) = a.func(x)``
    as rational functions and ``b.point = -a.point`` as algebraic numbers, so
    the values are equal. This is the tie of the two minima of ``h`` when ``h``
    is even, e.g. when the tasks come in pairs ``(A, B, Q, R)``, ``(-A, B, Q, R)``
    with equal weights (``C`` of the second at ``W`` is ``C`` of the first at
    ``-W``, and its gradient step is mirrored too).

    >>> sq = RationalFunction(flint.fmpq_poly([1, 0, 1]))         # 1 + x^2, even
    >>> r2 = RealAlgebraic(flint.fmpq_poly([-2, 0, 1]), 1, 2)     # sqrt 2
    >>> m2 = RealAlgebraic(flint.fmpq_poly([-2, 0, 1]), -2, -1)   # -sqrt 2
    >>> mirror_images(Value(sq, r2), Value(sq, m2)), mirror_images(Value(sq, r2), Value(sq, r2))
    (True, False)
    """
    fa, fb, pa, pb = a.func, b.func, a.point, b.point
    if fa is None or fb is None or pa is None or pb is None:
        return False
    if fa.num * _reflected(fb.den) != _reflected(fb.num) * fa.den:
        return False
    lo, hi = pa.bracket()
    return RealAlgebraic(_reflected(pa.poly), -hi, -lo).equals(pb)


def exactly_equal(a: Value, b: Value, bits: int) -> Optional[bool]:
    """Exact equality of two values: True/False when proven, None otherwise
    (equal when both lie on the lower bound, are equal rationals, are mirror
    images under an exact symmetry ``W -> -W`` (:func:`mirror_images`), or are
    the same root of their minimal polynomials)."""
    if a.at_lower_bound and b.at_lower_bound:
        return True
    if a.exact is not None and b.exact is not None:
        return a.exact == b.exact
    if mirror_images(a, b):
        return True
    pa, pb = a.minimal_polynomial(), b.minimal_polynomial()
    if pa is None or pb is None:
        return None
    g = pa.gcd(pb)
    if g.is_constant():
        return False
    ea, eb = a.enclose(bits), b.enclose(bits)
    lo, hi = min(ea.lo, eb.lo), max(ea.hi, eb.hi)
    if (count_real_roots(pa, lo, hi) == 1 and count_real_roots(pb, lo, hi) == 1
            and count_real_roots(g, lo, hi) >= 1):
        return True
    return None


def compare(a: Value, b: Value, start: int, max_bits: int = MAX_BITS,
            check: Check = no_check) -> Optional[int]:
    """-1, 0, 1 when decided (0 only by an exact proof), None otherwise."""
    if a.at_lower_bound and b.at_lower_bound:
        return 0
    bits, tried_exact = start, False
    while bits <= max_bits:
        check("comparing values of h")
        ea, eb = a.enclose(bits), b.enclose(bits)
        if ea.hi < eb.lo:
            return -1
        if eb.hi < ea.lo:
            return 1
        if not tried_exact and (bits >= 2 * start or ea.lo == ea.hi == eb.lo == eb.hi):
            tried_exact = True
            if exactly_equal(a, b, bits) is True:
                return 0
        bits *= 2
    return None


@dataclass
class Minima:
    """The result of :func:`values_and_minima`: the points with their values and
    globality, the domain with the limits of ``h`` at its open ends, the least
    value (``infimum_attained``: by a local minimum rather than only as a limit),
    epsilon, the lower bound ``sum_i w_i C_i(W*_i)``, and what is undecided."""
    points: list
    domain: list
    min_value: Optional[Enclosure]
    infimum_attained: Optional[bool]
    epsilon: Optional[Enclosure]
    lower_bound: Enclosure
    undecided: list


def lower_bound(objective: MamlObjective, bits: int) -> Enclosure:
    """``sum_i w_i C_i(W*_i)`` enclosed: no value of ``h`` lies below it."""
    lo, hi = Fraction(0), Fraction(0)
    for t, w in zip(objective.tasks, objective.weights):
        P = lqr.optimal_cost_algebraic(t)
        e = Enclosure.of(P.enclose(RationalFunction.identity(), bits))
        lo += w * e.lo
        hi += w * e.hi
    return Enclosure(lo, hi)


@dataclass
class Valued:
    """The result of :func:`point_values`: the points with ``h`` enclosed, the
    domain with the limits of ``h`` at its open ends, the values to compare
    (``(Value, point)``; ``point`` is ``None`` for a limit at an end), the
    lower bound and the starting precision."""
    points: list
    domain: list
    candidates: list
    lower_bound: Enclosure
    bits: int
    digits: int = 30


def point_values(objective: MamlObjective, points: list[StationaryPoint],
                 comps: list[Component], digits: int = 30, check: Check = no_check,
                 kinks: Sequence[Kink] = ()) -> Valued:
    """Enclose ``h`` at every point (to about ``digits`` digits), the lower
    bound, and the finite limits of ``h`` at the ends of the domain intervals,
    which are also the one-sided limits of ``h`` at the ``kinks`` (filled in)."""
    bits = start_bits(digits)
    n_tasks = len(objective.tasks)
    valued = []
    for p in points:
        check("evaluating h at the stationary points")
        v = Value(objective.piece(p.mode), p.W, at_lower_bound=len(p.adapted_to_optimum) == n_tasks)
        valued.append((replace(p, h=v.enclose(bits)), v))
    bound = lower_bound(objective, bits)
    domain, boundary = _domain_limits(objective, comps, bits)
    for k in kinks:
        k.left_limit = None if k.left is None else domain[k.left].hi_limit
        k.right_limit = None if k.right is None else domain[k.right].lo_limit
    cands = [(v, p) for p, v in valued if p.is_local_min] + [(v, None) for v in boundary]
    return Valued([p for p, _v in valued], domain, cands, bound, bits, digits)


def values_and_minima(objective: MamlObjective, points: list[StationaryPoint],
                      comps: list[Component], digits: int = 30, max_bits: int = MAX_BITS,
                      check: Check = no_check, kinks: Sequence[Kink] = ()) -> Minima:
    """:func:`point_values`, then :func:`global_minima`."""
    return global_minima(point_values(objective, points, comps, digits, check, kinks),
                         max_bits, check)


def _domain_limits(objective: MamlObjective, comps: list[Component], bits: int):
    """The domain intervals with the finite limits of ``h`` at their ends,
    and those limits as values to compare with the minima."""
    domain, boundary = [], []
    for comp in comps:
        f = objective.piece(comp.mode)
        lims = {}
        for end, side in ((comp.lo, "lo_limit"), (comp.hi, "hi_limit")):
            if end is None:
                lim = f.limit_at_infinity()
                if lim is not None:
                    lims[side] = Enclosure.exact(lim)
                    boundary.append(Value(None, None, exact=lim, label="limit at infinity"))
            elif not end.is_root_of(f.den):
                v = Value(f, end.copy(), label="limit at a domain boundary")
                lims[side] = v.enclose(bits)
                boundary.append(v)
        domain.append(DomainInterval(comp.lo, comp.hi, **lims))
    return domain, boundary


def _lowest(cands: list, bits: int, max_bits: int, check: Check):
    """The candidate with the least value and each candidate's comparison with it."""
    ref = min(cands, key=lambda c: c[0].enclose(bits).hi)[0]
    while True:
        results = [0 if v is ref else compare(v, ref, bits, max_bits, check) for v, _p in cands]
        smaller = [c for c, r in zip(cands, results) if r == -1]
        if not smaller:
            return ref, results
        ref = min(smaller, key=lambda c: c[0].enclose(bits).hi)[0]


def _epsilon(ref: Value, mins: list, digits: int, bits: int, max_bits: int) -> Enclosure:
    """``max h(local minima) - min h``, enclosed, refined (on copies of the
    points, so no reported bracket narrows) until its decimal certifies
    ``digits`` digits or past ``max_bits``."""
    start = bits
    while True:
        encs = [v.enclose(bits) if bits == start or v.exact is not None
                else Enclosure.of(v.point.copy().enclose(v.func, bits)) for v in [ref] + mins]
        m, his = encs[0], encs[1:]
        eps = Enclosure(max(Fraction(0), max(e.lo for e in his) - m.hi), max(e.hi for e in his) - m.lo)
        if eps.certified_digits(digits) == digits or 2 * bits > max_bits:
            return eps
        bits *= 2


def global_minima(val: Valued, max_bits: int = MAX_BITS, check: Check = no_check) -> Minima:
    """The least value among the local minima and the limits at the open ends;
    which minima attain it (exact ties), epsilon, and what stays undecided."""
    check("comparing minima")
    points, cands, bits = val.points, val.candidates, val.bits
    undecided: list[str] = []
    if not cands:
        return Minima(points, val.domain, None, None, None, val.lower_bound, undecided)
    ref, results = _lowest(cands, bits, max_bits, check)
    any_undecided = False
    for (v, p), r in zip(cands, results):
        if p is None:
            if r is None:
                any_undecided = True
                undecided.append("a boundary limit of h could not be compared "
                                 "with the lowest local minimum")
            continue
        if r is None:
            any_undecided = True
            undecided.append(f"minimum at W ~ {p.W.decimal(12)}: value not separated from "
                             f"the lowest value within {max_bits} bits, and no exact "
                             "equality proof")
        p.is_global = None if r is None else (r == 0)
    if any_undecided:
        # a value not separated from the reference might lie below it: the
        # reference (and what ties with it) cannot be certified global
        for (v, p), r in zip(cands, results):
            if p is not None and r == 0:
                p.is_global = None
    min_value = ref.enclose(bits)
    attained = any(p is not None and r == 0 for (v, p), r in zip(cands, results))
    if any_undecided:
        # an undecided value may lie below the reference: the infimum is
        # attained for sure only if a minimum ties the reference and every
        # undecided value is itself a local minimum's
        limit_undecided = any(p is None and r is None for (v, p), r in zip(cands, results))
        attained = True if attained and not limit_undecided else None
    minima = [(v, p) for v, p in cands if p is not None]
    epsilon = None
    if minima:
        if all(p.is_global for _v, p in minima):
            epsilon = Enclosure.exact(0)
        else:
            epsilon = _epsilon(ref, [v for v, _p in minima], val.digits, bits,
                               bits if any_undecided else max_bits)
    return Minima(points, val.domain, min_value, attained, epsilon, val.lower_bound,
                  undecided)
