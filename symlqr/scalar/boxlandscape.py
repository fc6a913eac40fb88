"""The interval engine: the certified landscape in time linear in the tasks.

    h(W) = sum_i w_i C_i(F_i(W)),   F_i(W) = W - eta C_i'(W)   (gradient adaptation)

1. *Domain*, exactly: per-task walls merged (:mod:`symlqr.scalar.walls`); identical
   tasks are merged first, with summed weights.
2. *Walls*: next to each end of a domain interval ``h -> +inf``; the sign of
   ``h'`` on a strip ``(a, L]`` is proven by :func:`~symlqr.scalar.boxes.strip_sign`
   (a bound on the blowing-up terms against an enclosure of the rest).
3. *Stationary points* on ``[L, U]``: interval branch-and-bound with interval
   Newton (:func:`~symlqr.scalar.boxes.isolate`), O(k) per box, all tasks at once.
   Each point is a certified box with rational (float) ends holding exactly
   one simple root; its type is the sign of ``h''`` on the box.
4. *Values* ``h`` on the boxes, enclosed; minima are compared by disjoint
   enclosures, refined with ``flint.arb`` up to ``max_bits``. Two minima are
   proven equal only when both sit at the lower bound ``sum_i w_i C_i(W*_i)``:
   one distinct task with ``F'`` nonzero on the box (then ``F(w) = W*``), or
   tasks sharing one optimal gain ``W*`` inside the box (then ``w = W*``).

Anything not decided is listed in ``Landscape.undecided`` with the reason.

>>> from symlqr.tasks import figure
>>> ls = certify_interval(figure("fig2"))
>>> ls.counts()["spurious_min"], ls.certified
(2, True)
"""
from __future__ import annotations

import time
from fractions import Fraction
from typing import Callable, Optional

import flint
import numpy as np

from .boxes import Isolation, arb_fractions, isolate, strip_sign, tighten
from .boxvalues import BoxPoint, exact_facts, mirror_symmetric, rank_minima, refine_value
from .intervals import to_float_interval
from .kinds import PointKind
from .deadline import Timeout
from .results import DomainInterval, Landscape
from ..exact.enclosure import Enclosure
from ..exact.realroots import MAX_BITS, RealAlgebraic
from .taskterms import TaskParams, interval_terms, merge_identical
from ..tasks import InputError, TaskSet
from .walls import domain as exact_domain

__all__ = ["certify_interval", "CertifiedBox", "IntervalLandscape", "Unsupported", "REFINE_BUDGET"]

#: Refine every point's value to ``digits`` in arb when tasks x points is at most this.
REFINE_BUDGET = 4000


class Unsupported(InputError):
    """The interval engine does not handle this input (the exact engine does)."""


class IntervalLandscape(Landscape):
    """A :class:`Landscape` from the interval engine; its JSON document says so
    (``"engine": "interval"``) and states, per point, what ``W_interval`` is."""

    boxes: int = 0

    def to_dict(self) -> dict:
        doc = super().to_dict()
        doc["engine"] = "interval"
        doc["boxes_evaluated"] = self.boxes
        for d, p in zip(doc["stationary_points"], self.points):
            d["W_certified"] = ("exact: the common optimal gain W* of the tasks"
                                if isinstance(p.W, RealAlgebraic) else
                                "box: W_interval holds exactly one root of h', a simple one "
                                "(interval Newton); not an exact algebraic number")
            if p.optimum_undetermined:
                d["adapted_to_optimum_undetermined"] = [i + 1 for i in p.optimum_undetermined]
            if p.critical_undetermined:
                d["adaptation_critical_undetermined"] = [i + 1 for i in p.critical_undetermined]
        return doc


class CertifiedBox:
    """The position of a stationary point found by the interval engine: a box
    ``[lo, hi]`` with rational ends proven to hold exactly one root of ``h'``
    (not an exact algebraic number)."""

    is_rational = False
    poly = None

    def __init__(self, lo, hi):
        self.lo, self.hi = Fraction(lo), Fraction(hi)

    def decimal(self, digits: int = 30) -> str:
        """The midpoint with at most ``digits`` digits, never more than certified."""
        return Enclosure(self.lo, self.hi).decimal(digits)

    def width(self) -> Fraction:
        return self.hi - self.lo

    def copy(self) -> "CertifiedBox":
        return CertifiedBox(self.lo, self.hi)

    def __float__(self):
        return float((self.lo + self.hi) / 2)

    def __repr__(self):
        return f"CertifiedBox([{float(self.lo)!r}, {float(self.hi)!r}])"


Ticks = Optional[Callable[[str, int, Optional[int]], None]]


def _reporter(progress: Optional[Callable[[str], None]], ticks: Ticks):
    def report(stage: str, done: int = 0, total: Optional[int] = None, finished: bool = False):
        if ticks is not None:
            ticks(stage, done, total)
        if finished and progress is not None:
            progress(stage)
    return report


def certify_interval(taskset: TaskSet, adaptation: str = "gradient", digits: int = 30,
                     max_bits: int = MAX_BITS, deadline: Optional[float] = None,
                     progress: Optional[Callable[[str], None]] = None,
                     max_boxes: int = 200_000, ticks: Ticks = None) -> Landscape:
    """Certify the landscape with interval branch-and-bound (see the module docstring).

    Parameters
    ----------
    taskset : TaskSet
    adaptation : only "gradient" (:class:`Unsupported` otherwise)
    digits : significant digits of reported values (never more than certified)
    max_bits : precision cap for separating values of minima
    deadline : ``time.monotonic()`` value after which :class:`Timeout` is raised
    progress : optional ``progress(stage_name)``, called as each stage finishes
        ("domain", "stationary points", "values", "global minima")
    max_boxes : budget of boxes; past it the rest is reported undecided
    ticks : optional ``ticks(stage, done, total)`` as work proceeds (``total``
        None when unknown): tasks of the domain stage, boxes of the stationary points
    """
    if adaptation != "gradient":
        raise Unsupported("the interval engine handles gradient adaptation only; "
                          "use engine='exact' for normalized adaptation")
    t0 = time.perf_counter()
    report = _reporter(progress, ticks)

    def check(stage: str):
        if deadline is not None and time.monotonic() > deadline:
            raise Timeout(stage)

    tasks, weights = merge_identical(taskset.tasks, taskset.weights)
    params = TaskParams.from_tasks(tasks, taskset.eta, weights)
    k = len(tasks)
    dom = _bounded_domain(tasks, taskset.eta, check, report)
    undecided: list[str] = []
    points, boxes, hidden, open_boxes = _stationary_points(params, dom, max_boxes, check,
                                                           report, undecided)
    exact_facts(points, taskset, tasks, params)
    start_bits = int(digits * 3.33) + 16
    if k * len(points) <= REFINE_BUDGET:           # cheap: report `digits` certified digits
        for p in points:
            check("evaluating h at the stationary points")
            p.h = refine_value(params, p, start_bits)
    report("values", len(points), len(points), finished=True)
    hidden = hidden or _hidden_low(params, open_boxes, points)
    lower = _lower_bound(tasks, weights)
    even = not hidden and mirror_symmetric(tasks, weights)        # h(W) = h(-W)
    min_value, attained, eps = rank_minima(points, params, start_bits, max_bits, hidden,
                                           undecided, check, open_boxes if even else None)
    report("global minima", 1, 1, finished=True)
    domain = [DomainInterval(a, b) for a, b in dom]
    out = IntervalLandscape(taskset, adaptation, digits, domain, points, min_value, attained,
                            eps, lower, undecided, time.perf_counter() - t0)
    out.boxes = boxes
    return out


def _bounded_domain(tasks, eta, check, report) -> list:
    """Stage "domain": the exact domain intervals ``(a, b)`` (RealAlgebraic ends);
    :class:`Unsupported` when one is unbounded."""
    k = len(tasks)

    def on_task(i: int):
        check("isolating the domain boundary")
        if i % 100 == 0 or i == k - 1:
            report("domain", i + 1, k)

    dom = exact_domain(tasks, eta, on_task)
    if any(a is None or b is None for a, b in dom):
        raise Unsupported("the domain is unbounded (every task has B = 0); "
                          "use engine='exact'")
    report("domain", k, k, finished=True)
    return dom


def _stationary_points(params: TaskParams, dom: list, max_boxes: int, check, report,
                       undecided: list):
    """Stage "stationary points": proven root boxes of ``h'`` in every domain
    interval, sorted. Returns ``(points, boxes, hidden, open_boxes)``; the
    reasons of what stays open are appended to ``undecided``."""
    points: list[BoxPoint] = []
    boxes, hidden, open_boxes = 0, False, []
    for comp, (a, b) in enumerate(dom):
        L, U, why = _strips(params, a, b)
        if why:
            undecided.append(why)
            hidden = True
            continue
        res: Isolation = isolate(params, L, U, max_boxes=max_boxes, check=check,
                                 progress=lambda n: report("stationary points", n, None))
        boxes += res.boxes
        for lo, hi, reason in res.undecided:
            undecided.append(f"stationary points in W ~ [{float(lo):.17g}, {float(hi):.17g}]: "
                             f"{reason}")
            open_boxes.append((to_float_interval(lo)[0], to_float_interval(hi)[1]))
        points += _points(params, res.roots, comp)
    points.sort(key=lambda q: q.W.lo)
    report("stationary points", boxes, boxes, finished=True)
    return points, boxes, hidden, open_boxes


def _points(params: TaskParams, roots: list, comp: int) -> list:
    """Stationary points from proven root boxes: float boxes tightened by
    interval Newton with ``h`` enclosed; boxes found in arb keep arb values."""
    out = []
    floats = [r for r in roots if not r.exact_ends]
    for (lo, hi, hv), r in zip(tighten(params, floats), floats):
        out.append(BoxPoint(CertifiedBox(lo, hi), PointKind(r.kind), 1, (), comp,
                            extremum=PointKind(r.kind),
                            h=Enclosure(Fraction(hv[0]), Fraction(hv[1]))))
    for r in roots:
        if r.exact_ends:
            p = BoxPoint(CertifiedBox(r.lo, r.hi), PointKind(r.kind), 1, (), comp,
                         extremum=PointKind(r.kind), h=Enclosure(Fraction(0), Fraction(0)))
            p.h = refine_value(params, p, 128)
            out.append(p)
    return out


def _hidden_low(params: TaskParams, boxes: list, points: list) -> bool:
    """Could an undecided box hold a value of ``h`` at or below the lowest minimum?"""
    if not boxes:
        return False
    best = min((p.h.hi for p in points if p.is_local_min), default=None)
    if best is None:
        return True
    lo = np.array([b[0] for b in boxes])
    hi = np.array([b[1] for b in boxes])
    h = interval_terms(lo, hi, params)["h"]
    return bool((h.lo <= to_float_interval(best)[1]).any())


def _strips(params: TaskParams, a: RealAlgebraic, b: RealAlgebraic):
    """Floats ``a < L < U < b`` with the sign of ``h'`` proven on ``(a, L]`` and
    ``[U, b)``, or a reason."""
    for bits in (60, 120, 240):
        a.refine_bits(bits)
        b.refine_bits(bits)
        a_lo, a_hi = to_float_interval(a.lo)[0], to_float_interval(a.hi)[1]
        b_lo, b_hi = to_float_interval(b.lo)[0], to_float_interval(b.hi)[1]
        width = b_lo - a_hi
        if not width > 0:
            continue
        L = _find_strip(params, a_lo, a_hi, width, +1)
        U = _find_strip(params, b_hi, b_lo, width, -1)
        if L is not None and U is not None and L < U:
            return L, U, None
    return None, None, (f"the sign of h' next to the domain ends {a.decimal(12)} and "
                        f"{b.decimal(12)} was not proven (strip bound too weak)")


def _find_strip(params, outer: float, inner: float, width: float, side: int):
    """Strip ``[outer, x]`` (``side = +1``) or ``[x, outer]`` with a proven sign."""
    for j in range(3, 52, 3):
        x = inner + side * width * 2.0 ** -j
        if x == inner:
            break
        box = (outer, x) if side > 0 else (x, outer)
        s = strip_sign(params, *box)
        if s == -side:                 # h' < 0 right of a left end, > 0 left of a right end
            return x
    return None


def _lower_bound(tasks, weights, prec: int = 200) -> Enclosure:
    """``sum_i w_i s0_i^2 P_i`` with ``P_i`` the positive Riccati root, in arb."""
    old = flint.ctx.prec
    try:
        flint.ctx.prec = prec
        total = flint.arb(0)
        for t, w in zip(tasks, weights):
            q = [flint.arb(flint.fmpq(c.numerator, c.denominator))
                 for c in (Fraction(x) for x in _riccati_coeffs(t))]
            c0, c1, c2 = q
            if t.B == 0:
                P = -c0 / c1
            else:
                P = (-c1 + (c1 * c1 - 4 * c2 * c0).sqrt()) / (2 * c2)
            s0 = flint.arb(flint.fmpq(t.s0.numerator, t.s0.denominator))
            total += flint.arb(flint.fmpq(w.numerator, w.denominator)) * s0 * s0 * P
        return Enclosure(*arb_fractions(total))
    finally:
        flint.ctx.prec = old


def _riccati_coeffs(t) -> list:
    if t.B == 0:
        return [-t.Q, 1 - t.A * t.A, Fraction(0)]
    return [-t.Q * t.R, t.R * (1 - t.A * t.A) - t.Q * t.B * t.B, t.B * t.B]
