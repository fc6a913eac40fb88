"""Values of ``h`` at interval-engine stationary points: exact facts, higher
precision, global versus spurious minima and epsilon.

* A task ``i`` is *not* adapted to its optimum at a point when the enclosure of
  ``c_i(F_i(X))`` on its box excludes 0, and not adaptation-critical when
  ``F_i'(X)`` excludes 0; otherwise the fact is *undetermined* (listed so).
* A minimum is proven to sit at the lower bound ``sum_i w_i C_i(W*_i)`` (so
  that ties are exact) in two cases: one distinct task and ``F'(X)`` excludes
  0 (``h' = w C'(F) F' = 0`` forces ``c(F(w)) = 0``, so ``F(w) = W*``); or all
  tasks share one optimal gain ``W*`` (checked exactly) lying inside the box
  (``W*`` is a root of ``h'`` and the box holds only one).
* Values are refined by interval Newton in ``flint.arb`` at doubling
  precision until enclosures are disjoint, up to ``max_bits``.

>>> from symlqr.scalar.boxlandscape import certify_interval
>>> from symlqr.tasks import figure
>>> ls = certify_interval(figure("fig1"))
>>> [p.is_global for p in ls.minima()], ls.epsilon.hi
([True, True, True], Fraction(0, 1))
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Optional

import flint
import numpy as np

from . import lqr
from .boxes import arb_ball, arb_fractions, arb_terms
from .intervals import IV, to_float_interval
from .results import StationaryPoint
from ..exact.enclosure import Enclosure
from ..exact.realroots import RealAlgebraic
from .taskterms import TaskParams, terms

__all__ = ["BoxPoint", "exact_facts", "refine_value", "rank_minima", "mirror_symmetric"]


@dataclass
class BoxPoint(StationaryPoint):
    """A stationary point of the interval engine: ``W`` is a certified box
    (or the exact ``W*`` when proven), facts not decided are listed."""
    optimum_undetermined: tuple = ()
    critical_undetermined: tuple = ()
    at_lower_bound: bool = False


def _origin(taskset, tasks) -> list:
    pos: dict = {}
    for j, t in enumerate(tasks):
        pos[t.as_tuple()] = j
    out: list = [[] for _ in tasks]
    for i, t in enumerate(taskset.tasks):
        out[pos[t.as_tuple()]].append(i)
    return out


def shared_optimum(tasks) -> Optional[RealAlgebraic]:
    """The common optimal gain ``W*`` of all tasks, or None (exact)."""
    w0 = lqr.optimal_gain_algebraic(tasks[0])
    w0.refine_bits(60)
    x = IV.exact([w0.lo]) if w0.is_rational else IV(float(w0.lo), float(w0.hi))
    for t in tasks[1:]:                      # cheap interval test first
        c = lqr.stationarity_poly(t)
        val = sum((IV.exact([Fraction(int(q.p), int(q.q))]) * _pow(x, e)
                   for e, q in enumerate(c.coeffs())), IV(0.0))
        if not val.contains_zero().all():
            return None
    for t in tasks[1:]:
        lo, hi = lqr.stable_interval(t.A, t.B)
        if w0.sign_of(lqr.stationarity_poly(t)) != 0 or w0.compare(lo) <= 0 \
                or w0.compare(hi) >= 0:
            return None
    return w0


def _pow(x: IV, e: int) -> IV:
    out = IV(1.0)
    for _ in range(e):
        out = out * x
    return out


def exact_facts(points: list, taskset, tasks, params: TaskParams) -> None:
    """Fill ``adapted_to_optimum``, ``adaptation_critical``, the undetermined
    lists and ``at_lower_bound`` of each point; a point proven to be ``W*``
    gets the exact position."""
    origin = _origin(taskset, tasks)
    wstar = None
    if points:
        wstar = shared_optimum(tasks)
    for p in points:
        X = IV(np.array([[to_float_interval(p.W.lo)[0]]]),
               np.array([[to_float_interval(p.W.hi)[1]]]))
        t = terms(X, params.intervals(), second=False)
        clo, chi = t["cF"].entire_if_nan()
        flo, fhi = t["Fp"].entire_if_nan()
        opt_unknown = ((clo <= 0) & (chi >= 0))[0]
        crit_unknown = ((flo <= 0) & (fhi >= 0))[0]
        at_lb = False
        if len(tasks) == 1 and not crit_unknown[0]:
            at_lb = True
        elif wstar is not None and p.W.lo < wstar.lo and wstar.hi < p.W.hi:
            at_lb = True
            p.W = wstar.copy()
        if at_lb:
            opt_unknown[:] = False
        p.at_lower_bound = at_lb
        p.adapted_to_optimum = tuple(sorted(i for j in range(len(tasks)) if at_lb
                                            for i in origin[j]))
        p.optimum_undetermined = tuple(sorted(i for j in np.nonzero(opt_unknown)[0]
                                              for i in origin[j]))
        p.critical_undetermined = tuple(sorted(i for j in np.nonzero(crit_unknown)[0]
                                               for i in origin[j]))


def refine_value(params: TaskParams, p: StationaryPoint, prec: int) -> Enclosure:
    """``h`` at the point, by arb interval Newton on its box at ``prec`` bits;
    a box position shrinks to the Newton-refined box (it keeps the root)."""
    X = arb_ball(p.W.lo, p.W.hi)
    old = flint.ctx.prec
    for _ in range(40):
        flint.ctx.prec = prec
        m = flint.arb(X.mid())
        flint.ctx.prec = old
        t = arb_terms(params, X, prec)
        tm = arb_terms(params, m, prec, second=False)
        flint.ctx.prec = prec
        try:
            N = m - tm["dh"] / t["d2h"]
            if not N.is_finite():      # h'' not separated from 0: keep the proven box
                N = X
            if not X.overlaps(N):
                raise ArithmeticError("interval Newton left the root box")
            Y = X.intersection(N)
            h = (tm["h"] + t["dh"] * (X - m)).intersection(t["h"])
        finally:
            flint.ctx.prec = old
        done = Y.rad() >= X.rad() * 0.75 or Y.rel_accuracy_bits() > prec - 24
        X = Y
        if done:
            break
    if not isinstance(p.W, RealAlgebraic):
        lo, hi = arb_fractions(X)
        if p.W.lo <= lo <= hi <= p.W.hi:
            p.W = type(p.W)(lo, hi)
    return Enclosure(*arb_fractions(h))


def mirror_symmetric(tasks, weights) -> bool:
    """Is ``h(W) = h(-W)`` by the tasks alone? Task ``(A, B, Q, R, s0, s0a)`` has
    ``C(W) = s0^2 (Q + R W^2) / (1 - (A - B W)^2)``, the same for ``(-A, -B)``, and
    ``C(-W)`` is the cost of ``(A, -B)`` (its gradient step is mirrored too). So
    ``h`` is even when the weights per cost function are the same after
    ``B -> -B`` (e.g. pairs ``(A, B, Q, R)``, ``(-A, B, Q, R)`` of equal weight).

    >>> from symlqr.tasks import Task
    >>> ts = [Task(2, 1, 1, 1), Task(-2, 1, 1, 1)]
    >>> mirror_symmetric(ts, [1, 1]), mirror_symmetric(ts, [1, 2])
    (True, False)
    """
    def canon(A, B, t):
        if B < 0 or (B == 0 and A < 0):
            A, B = -A, -B
        return (A, B, t.Q, t.R, t.s0 ** 2, t.s0_adapt ** 2)
    same, mirrored = {}, {}
    for t, w in zip(tasks, weights):
        same[canon(t.A, t.B, t)] = same.get(canon(t.A, t.B, t), 0) + w
        mirrored[canon(t.A, -t.B, t)] = mirrored.get(canon(t.A, -t.B, t), 0) + w
    return same == mirrored


def _mirror_tie(a, b, points: list, open_boxes: list) -> bool:
    """Exact proof of ``h(a) = h(b)`` when ``h`` is even: ``-a``'s root lies in
    ``-box(a)``, every root lies in a point's box or an open box, so when only
    ``b``'s box meets ``-box(a)``, ``b``'s one root is ``-a``'s root."""
    lo, hi = -Fraction(a.W.hi), -Fraction(a.W.lo)
    boxes = [(Fraction(p.W.lo), Fraction(p.W.hi), p) for p in points] + [
        (Fraction(x), Fraction(y), None) for x, y in open_boxes]
    meets = [q for x, y, q in boxes if x <= hi and lo <= y]
    return len(meets) == 1 and meets[0] is b and a is not b


def rank_minima(points: list, params: TaskParams, start_bits: int, max_bits: int,
                hidden_low: bool, undecided: list, check, mirror: Optional[list] = None) -> tuple:
    """Mark global / spurious minima; return ``(min_value, attained, epsilon)``.
    ``mirror``: when ``h`` is even (:func:`mirror_symmetric`) and every root of
    ``h'`` lies in a point's box or an open box, the open boxes; ties between
    mirror-image minima are then proven (:func:`_mirror_tie`)."""
    minima = [p for p in points if p.is_local_min]
    if not minima:
        return None, None, None
    bits = {id(p): 53 for p in minima}

    def compare(a, b) -> Optional[int]:
        if a.at_lower_bound and b.at_lower_bound:
            return 0
        if mirror is not None and _mirror_tie(a, b, points, mirror):
            return 0
        while True:
            if a.h.hi < b.h.lo:
                return -1
            if b.h.hi < a.h.lo:
                return 1
            nxt = max(bits[id(a)], bits[id(b)], start_bits // 2) * 2
            if nxt > max_bits:
                return None
            check("comparing values of h")
            for q in (a, b):
                if bits[id(q)] < nxt:
                    q.h = refine_value(params, q, nxt)
                    bits[id(q)] = nxt

    ref = min(minima, key=lambda q: q.h.hi)
    while True:
        results = [0 if q is ref else compare(q, ref) for q in minima]
        smaller = [q for q, r in zip(minima, results) if r == -1]
        if not smaller:
            break
        ref = min(smaller, key=lambda q: q.h.hi)
    unsure = hidden_low or any(r is None for r in results)
    for q, r in zip(minima, results):
        q.is_global = None if r is None else (r == 0)
        if r is None:
            undecided.append(f"minimum at W ~ {q.W.decimal(12)}: value not separated from the "
                             f"lowest value within {max_bits} bits, and no exact equality proof")
        if unsure and r == 0:
            q.is_global = None
    if hidden_low:
        return None, None, None
    # the lowest value lies in [min lo, min hi] over all minima, whatever is undecided
    min_value = Enclosure(min(q.h.lo for q in minima), min(q.h.hi for q in minima))
    attained = None if unsure else True
    if all(q.is_global for q in minima):
        eps = Enclosure.exact(0)
    else:
        eps = Enclosure(max(Fraction(0), max(q.h.lo for q in minima) - min_value.hi),
                        max(q.h.hi for q in minima) - min_value.lo)
    return min_value, attained, eps
