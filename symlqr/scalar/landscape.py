"""Certified landscape of a MAML objective: domain, stationary points, types,
global versus spurious minima, and the epsilon of epsilon-globality.

Pipeline (every step exact or enclosed):

1. *Cells.* The real roots of the wall polynomials (stability of ``W`` and of
   every ``F_i(W)``; for normalized adaptation also the kinks ``C_i' = 0``)
   are isolated exactly; between consecutive roots membership in the domain
   and the adaptation mode are constant and are read at a rational sample.
2. *Stationary points.* On each cell ``h`` is one rational function; the real
   roots of the numerator of ``h'`` inside the cell are isolated exactly, so
   the list is complete (an exact count, never a sample).
3. *Types.* At a root of multiplicity ``m`` of that numerator, the sign of
   ``h'`` just right of it is ``sign(num^(m)) * sign(den)`` there (decided
   exactly), and left of it that times ``(-1)^m``: ``m`` odd gives a strict
   minimum or maximum, ``m >= 2`` means ``h'' = 0`` (type ``degenerate``).
4. *Values.* ``h`` at each minimum is enclosed in an mpmath interval. Minima
   are compared by disjoint enclosures, refined up to ``max_bits``; ties are
   proven exactly, either because ``F_i(w) = W*_i`` for every task (then
   ``h(w) = sum_i w_i C_i(W*_i)``, a lower bound of ``h``) or because the two
   values are the same root of their minimal polynomials. Anything left is
   reported as undecided, never guessed.

>>> from symlqr.tasks import figure
>>> ls = certify(figure("fig1"))
>>> ls.counts()["min"], ls.counts()["global_min"], ls.certified
(3, 3, True)
"""
from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Optional

import flint
from mpmath import iv, mp

from . import lqr
from .maml import MamlObjective
from ..exact.enclosure import Enclosure
from ..exact.ratfunc import RationalFunction, to_fmpq
from ..exact.realroots import (MAX_BITS, RealAlgebraic, count_real_roots, real_roots,
                        simplest_between, sort_disjoint, squarefree_factors)
from ..tasks import InputError, TaskSet

__all__ = ["certify", "Landscape", "StationaryPoint", "DomainInterval", "Timeout",
           "MINPOLY_MAX_DEGREE", "MAX_DEGREE", "TooLarge", "degree_bound"]

#: Largest degree of a point's polynomial for the exact minimal-polynomial tie test.
MINPOLY_MAX_DEGREE = 48

#: Largest bound on the degree of the numerator of ``h'`` that :func:`certify`
#: attempts (see :func:`degree_bound`): 50 distinct tasks. Measured on one core:
#: degree 400 about 10-40 s, 600 about 1 min, 800-1000 about 2-4 min. The FLINT
#: factorization inside (C code, which no timeout can interrupt) takes about 6 s
#: at degree 800, 14 s at 1000 and 31 s at 1200.
MAX_DEGREE = 1000


class TooLarge(InputError):
    """The task set is beyond :data:`MAX_DEGREE`; ``str(err)`` is one line."""


def degree_bound(taskset: TaskSet, adaptation: str = "gradient") -> int:
    """Upper bound on the degree of the numerator of ``h'`` on one mode.

    Each ``C_i(F_i(W))`` is a ratio of polynomials of degree ``<= 10``
    (gradient adaptation; ``<= 2`` normalized), identical tasks give identical
    terms, so ``h`` has a denominator of degree ``<= 10 n`` and ``h'`` a
    numerator of degree ``< 20 n`` for ``n`` distinct tasks (``4 n``).

    >>> from symlqr.tasks import figure
    >>> degree_bound(figure("fig3d"))      # the exact degree is 218
    220
    """
    n = len({t.as_tuple() for t in taskset.tasks})
    return (20 if adaptation == "gradient" else 4) * n


class Timeout(RuntimeError):
    """Raised when the deadline passes; ``stage`` says how far it got."""

    def __init__(self, stage: str):
        super().__init__(f"timed out while {stage}")
        self.stage = stage


# ---------------------------------------------------------------------------
# result objects
# ---------------------------------------------------------------------------
@dataclass
class DomainInterval:
    """An interval of the domain, open unless an end is a kink that belongs to
    the domain; ``None`` ends are infinite. ``lo is hi`` marks an isolated
    point of the domain."""
    lo: Optional[RealAlgebraic]
    hi: Optional[RealAlgebraic]
    lo_closed: bool = False                    # a kink end that belongs to the domain
    hi_closed: bool = False
    lo_limit: Optional[Enclosure] = None      # finite limit of h at lo (None: +inf)
    hi_limit: Optional[Enclosure] = None
    lo_segment: Optional[dict] = field(default=None, repr=False)
    hi_segment: Optional[dict] = field(default=None, repr=False)

    @property
    def is_point(self) -> bool:
        return self.lo is not None and self.lo is self.hi


@dataclass
class StationaryPoint:
    """A certified stationary point (or kink) of ``h``."""
    W: RealAlgebraic
    type: str                      # "min", "max" or "degenerate"
    extremum: str                  # "min", "max" or "none"
    multiplicity: int              # of the root of h' (0 for a kink)
    kind: str                      # "smooth" or "kink"
    mode: tuple
    component: int
    h: Enclosure = None
    is_global: Optional[bool] = None
    adapted_to_optimum: tuple = ()     # tasks i with F_i(W) = W*_i exactly
    adaptation_critical: tuple = ()    # tasks i with F_i'(W) = 0 exactly (gradient)
    one_sided: dict = field(default_factory=dict)   # kinks: side -> "up"/"down"

    @property
    def is_local_min(self) -> bool:
        return self.extremum == "min"


@dataclass
class Landscape:
    """The certified landscape; see :func:`certify`."""
    taskset: TaskSet
    adaptation: str
    digits: int
    domain: list
    points: list
    min_value: Optional[Enclosure]
    infimum_attained: Optional[bool]
    epsilon: Optional[Enclosure]
    lower_bound: Enclosure
    undecided: list
    seconds: float = 0.0

    @property
    def certified(self) -> bool:
        return not self.undecided

    def minima(self) -> list:
        return [p for p in self.points if p.is_local_min]

    def counts(self) -> dict:
        mins = self.minima()
        return {
            "stationary": len(self.points),
            "min": sum(p.type == "min" for p in self.points),
            "max": sum(p.type == "max" for p in self.points),
            "degenerate": sum(p.type == "degenerate" for p in self.points),
            "global_min": sum(p.is_global is True for p in mins),
            "spurious_min": sum(p.is_global is False for p in mins),
            "attracting": sum(p.type == "min" for p in self.points),   # h' from - to +
            "repelling": sum(p.type == "max" for p in self.points),
        }

    def to_dict(self) -> dict:
        """The JSON document of ``python -m symlqr.certify --json``."""
        d = self.digits
        doc = {
            "name": self.taskset.name,
            "method": "maml",
            "steps": 1,
            "adaptation": self.adaptation,
            "eta": str(self.taskset.eta),
            "weights": [str(w) for w in self.taskset.weights],
            "tasks": [t.to_dict() for t in self.taskset.tasks],
            "digits": d,
            "domain": [_interval_doc(iv_, d) for iv_ in self.domain],
            "stationary_points": [_point_doc(p, d) for p in self.points],
            "counts": self.counts(),
            "min_value": None if self.min_value is None else self.min_value.decimal(d),
            "min_value_interval": None if self.min_value is None else self.min_value.outward(d + 5),
            "infimum_attained": self.infimum_attained,
            "lower_bound": self.lower_bound.decimal(d),
            "epsilon": None if self.epsilon is None else self.epsilon.decimal(d),
            "epsilon_interval": None if self.epsilon is None else self.epsilon.outward(d + 5),
            "certified": self.certified,
            "undecided": list(self.undecided),
        }
        if self.taskset.note:
            doc["note"] = self.taskset.note
        return doc

    def _repr_html_(self) -> str:
        from ..render.report import html_table
        return html_table(self.to_dict())

    def _repr_latex_(self) -> str:
        """The stationary points as a LaTeX array (Jupyter, nbconvert)."""
        from ..render.report import latex_table
        return latex_table(self.to_dict())


def _end_doc(x: Optional[RealAlgebraic], digits: int, inf: str):
    if x is None:
        return inf, None
    return x.decimal(digits), [str(x.lo), str(x.hi)]


def _interval_doc(di: DomainInterval, digits: int) -> dict:
    lo, lo_iv = _end_doc(di.lo, digits, "-inf")
    hi, hi_iv = _end_doc(di.hi, digits, "inf")
    return {"lo": lo, "hi": hi, "lo_interval": lo_iv, "hi_interval": hi_iv,
            "h_limit_lo": "inf" if di.lo_limit is None else di.lo_limit.decimal(digits),
            "h_limit_hi": "inf" if di.hi_limit is None else di.hi_limit.decimal(digits)}


def _point_doc(p: StationaryPoint, digits: int) -> dict:
    doc = {"W": p.W.decimal(digits), "W_interval": [str(p.W.lo), str(p.W.hi)],
           "type": p.type, "extremum": p.extremum, "multiplicity": p.multiplicity,
           "kind": p.kind, "h": p.h.decimal(digits), "h_interval": p.h.outward(digits + 5),
           "domain_interval": p.component,
           "adapted_to_optimum": list(p.adapted_to_optimum),
           "adaptation_critical": list(p.adaptation_critical)}
    if p.is_local_min:
        doc["global"] = p.is_global
    if p.kind == "kink":
        doc["one_sided"] = dict(p.one_sided)
    return doc


# ---------------------------------------------------------------------------
# certified values and their comparison
# ---------------------------------------------------------------------------
class _Value:
    """``func(point)`` for a RealAlgebraic point, or an exact rational."""

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


def _exactly_equal(a: _Value, b: _Value, bits: int) -> Optional[bool]:
    """Exact equality of two values: True/False when proven, None otherwise."""
    if a.at_lower_bound and b.at_lower_bound:
        return True
    if a.exact is not None and b.exact is not None:
        return a.exact == b.exact
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


def _compare(a: _Value, b: _Value, start_bits: int, max_bits: int, check) -> Optional[int]:
    """-1, 0, 1 when decided (0 only by an exact proof), None otherwise."""
    if a.at_lower_bound and b.at_lower_bound:
        return 0
    bits, tried_exact = start_bits, False
    while bits <= max_bits:
        check("comparing values of h")
        ea, eb = a.enclose(bits), b.enclose(bits)
        if ea.hi < eb.lo:
            return -1
        if eb.hi < ea.lo:
            return 1
        if not tried_exact and (bits >= 2 * start_bits or ea.lo == ea.hi == eb.lo == eb.hi):
            tried_exact = True
            eq = _exactly_equal(a, b, bits)
            if eq is True:
                return 0
        bits *= 2
    return None


# ---------------------------------------------------------------------------
# the engine
# ---------------------------------------------------------------------------
def _rational_between(a: Optional[RealAlgebraic], b: Optional[RealAlgebraic]) -> Fraction:
    """A simple rational strictly between two disjoint brackets (``None`` = infinity)."""
    if a is None and b is None:
        return Fraction(0)
    if a is None:
        return Fraction(int(b.lo) - 1 if b.lo > 0 else -(int(-b.lo) + 2))
    if b is None:
        return Fraction(int(a.hi) + 1 if a.hi >= 0 else -(int(-a.hi)) + 1)
    lo, hi = a.hi, b.lo
    # simplest fraction in the open interval (lo, hi) via Stern-Brocot search
    return simplest_between(lo, hi)


def _sign(v) -> int:
    return (v > 0) - (v < 0)


# ---------------------------------------------------------------------------
# resource guard: a hard deadline behind the cooperative ``check(stage)`` calls
# ---------------------------------------------------------------------------
@contextmanager
def _hard_deadline(deadline: Optional[float], stage: list):
    """Raise :class:`Timeout` at ``deadline`` even inside one long step (a root
    isolation of a high-degree polynomial runs for minutes between two
    cooperative checks). Uses ``SIGALRM``, so only in the main thread of a
    POSIX process; elsewhere only the cooperative checks apply. The previous
    handler, a pending outer timer and mpmath's precisions are restored."""
    if (deadline is None or not hasattr(signal, "setitimer")
            or threading.current_thread() is not threading.main_thread()):
        yield
        return
    active = [True]

    def on_alarm(signum, frame):
        if active[0]:
            active[0] = False
            raise Timeout(stage[0])

    saved_prec = (mp.prec, iv.prec)
    old_handler = signal.signal(signal.SIGALRM, on_alarm)
    t0 = time.monotonic()
    old_delay, old_interval = signal.setitimer(signal.ITIMER_REAL,
                                               max(deadline - t0, 0.001))
    try:
        yield
    finally:
        active[0] = False
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:
            signal.signal(signal.SIGALRM, old_handler if old_handler is not None
                          else signal.SIG_DFL)
            mp.prec, iv.prec = saved_prec
            if old_delay > 0:
                signal.setitimer(signal.ITIMER_REAL,
                                 max(old_delay - (time.monotonic() - t0), 0.001), old_interval)


def certify(taskset: TaskSet, adaptation: str = "gradient", digits: int = 30,
            max_bits: int = MAX_BITS, deadline: Optional[float] = None,
            progress: Optional[list] = None,
            max_degree: Optional[int] = MAX_DEGREE) -> Landscape:
    """Certify the landscape of ``h(W) = sum_i w_i C_i(F_i(W))``.

    Parameters
    ----------
    taskset : TaskSet
    adaptation : "gradient" or "normalized"
    digits : significant digits of the decimal values reported
    max_bits : precision cap for comparisons before "undecided"
    deadline : ``time.monotonic()`` value after which :class:`Timeout` is raised
    progress : optional list that receives the name of each finished stage
    max_degree : refuse (:class:`TooLarge`) when :func:`degree_bound` exceeds it
        and the domain is not empty; ``None`` for no limit

    Returns
    -------
    Landscape

    Examples
    --------
    >>> from symlqr.tasks import figure
    >>> ls = certify(figure("fig2"))
    >>> ls.counts()["spurious_min"]
    2
    """
    stage = ["starting"]
    with _hard_deadline(deadline, stage):
        return _certify(taskset, adaptation, digits, max_bits, deadline, progress, stage,
                        max_degree)


def _certify(taskset: TaskSet, adaptation: str, digits: int, max_bits: int,
             deadline: Optional[float], progress: Optional[list], stage: list,
             max_degree: Optional[int]) -> Landscape:
    t_start = time.perf_counter()
    progress = progress if progress is not None else []

    def check(where: str):
        stage[0] = where
        if deadline is not None and time.monotonic() > deadline:
            raise Timeout(where)

    obj = MamlObjective(taskset, adaptation)
    n_tasks = len(taskset.tasks)
    start_bits = int(digits * 3.33) + 16
    undecided: list[str] = []

    # each task's cost has exactly one stationary point on its stable interval
    check("certifying each task's optimal gain")
    for t in taskset.tasks:
        lqr.optimal_gain_algebraic(t)
    progress.append("optimal gains")

    # 1. cells ---------------------------------------------------------------
    check("isolating the domain boundary")
    factors = []
    for p in obj.wall_polys():
        for f, _ in squarefree_factors(p):
            if not any(f == g for g in factors):
                factors.append(f)
    bps = [r for r, _ in sort_disjoint([(r, None) for f in factors
                                        for r, _m in real_roots(f)])]
    cells = []   # (lo_bp_index or None, hi_bp_index or None, sample, mode, in_domain)
    for k in range(len(bps) + 1):
        lo = bps[k - 1] if k > 0 else None
        hi = bps[k] if k < len(bps) else None
        x = _rational_between(lo, hi)
        mode = obj.mode_at(x)
        cells.append({"lo": lo, "hi": hi, "sample": x, "mode": mode,
                      "in": obj.in_domain(x, mode)})
    bp_info = []
    for bp in bps:
        if adaptation == "normalized":
            mode = obj.mode_at(bp)
            bp_info.append({"mode": mode, "in": obj.in_domain(bp, mode), "kink": 0 in mode})
        else:   # every wall is a root of a condition: never inside the domain
            bp_info.append({"mode": (), "in": False, "kink": False})
    progress.append("domain")

    # 2. components (maximal in-domain runs) and smooth segments ---------------
    domain, segments, kinks = _components(cells, bps, bp_info)
    if segments and max_degree is not None and degree_bound(taskset, adaptation) > max_degree:
        n = len({t.as_tuple() for t in taskset.tasks})
        raise TooLarge(f"too large: {n} distinct tasks give h' a numerator of degree up to "
                       f"{degree_bound(taskset, adaptation)}, above the limit {max_degree} "
                       "(minutes at degree 600, growing faster than cubically); use fewer "
                       "distinct tasks (repeated tasks cost nothing), or call "
                       "symlqr.scalar.landscape.certify(..., max_degree=None)")

    # 3. stationary points on each smooth segment -------------------------------
    points: list[StationaryPoint] = []
    by_mode: dict = {}
    for seg in segments:
        by_mode.setdefault(seg["mode"], []).append(seg)
    for mode, segs in by_mode.items():
        check("isolating stationary points")
        h = obj.piece(mode)
        dh = h.derivative()
        if dh.is_zero():
            undecided.append(f"h is constant on mode {mode}: every point is stationary")
            continue
        lo_q = None if segs[0]["lo"] is None else segs[0]["lo"].lo
        hi_q = None if segs[-1]["hi"] is None else segs[-1]["hi"].hi
        for r, m in real_roots(dh.num, lo_q, hi_q):
            seg = _locate(r, segs)
            if seg is None:
                continue
            check("classifying stationary points")
            right = r.sign_of(_nth_derivative(dh.num, m), max_bits) * r.sign_of(dh.den, max_bits)
            left = right * (-1) ** m
            extremum = ("min" if (left < 0 < right) else "max" if (left > 0 > right) else "none")
            typ = extremum if m == 1 else "degenerate"
            points.append(StationaryPoint(r, typ, extremum, m, "smooth", mode, seg["component"]))
    # kinks of the normalized adaptation (points where some C_i'(W) = 0)
    for kink in kinks:
        check("classifying kinks")
        bp, mode = kink["at"], kink["mode"]
        hk = obj.piece(mode)
        sides = {}
        for side, seg, sgn in (("left", kink["left"], -1), ("right", kink["right"], 1)):
            if seg is not None:
                sides[side] = _one_sided(obj.piece(seg["mode"]) - hk, bp, sgn, max_bits)
        if all(v == "up" for v in sides.values()):
            extremum = "min"            # includes an isolated point of the domain
        elif sides and all(v == "down" for v in sides.values()):
            extremum = "max"
        else:
            extremum = "none"
        typ = extremum if extremum != "none" else "degenerate"
        points.append(StationaryPoint(bp, typ, extremum, 0, "kink", mode, kink["component"],
                                      one_sided=sides))
    points.sort(key=lambda p: (p.W.lo, p.W.hi))
    progress.append("stationary points")

    # 4. exact structure at each point and values -----------------------------
    vals = {}
    for p in points:
        check("evaluating h at the stationary points")
        opt = []
        crit = []
        for i in range(n_tasks):
            G = obj.optimum_condition(i, p.mode)
            if p.W._has_common_root(G.num) and not p.W._has_common_root(G.den):
                opt.append(i)
            if (adaptation == "gradient"
                    and p.W._has_common_root(obj.adaptation_derivative(i, p.mode).num)):
                crit.append(i)
        p.adapted_to_optimum, p.adaptation_critical = tuple(opt), tuple(crit)
        v = _Value(obj.piece(p.mode), p.W, at_lower_bound=len(opt) == n_tasks)
        vals[id(p)] = v
        p.h = v.enclose(start_bits)
    progress.append("values")

    # lower bound sum_i w_i C_i(W*_i)
    lb_lo, lb_hi = Fraction(0), Fraction(0)
    for t, w in zip(taskset.tasks, taskset.weights):
        P = lqr.optimal_cost_algebraic(t)
        e = Enclosure.of(P.enclose(RationalFunction.identity(), start_bits))
        lb_lo += w * e.lo
        lb_hi += w * e.hi
    lower_bound = Enclosure(lb_lo, lb_hi)

    # 5. boundary limits (open ends of the components) --------------------------
    boundary_vals = []
    for di in domain:
        for end, closed, seg, attr in ((di.lo, di.lo_closed, di.lo_segment, "lo_limit"),
                                       (di.hi, di.hi_closed, di.hi_segment, "hi_limit")):
            if closed or seg is None:
                continue
            f = obj.piece(seg["mode"])
            if end is None:
                lim = f.limit_at_infinity()
                if lim is not None:
                    setattr(di, attr, Enclosure.exact(lim))
                    boundary_vals.append(_Value(None, None, exact=lim, label="limit at infinity"))
            elif not end._has_common_root(f.den):
                v = _Value(f, end.copy(), label="limit at a domain boundary")
                setattr(di, attr, v.enclose(start_bits))
                boundary_vals.append(v)

    # 6. global minima and epsilon ---------------------------------------------
    check("comparing minima")
    minima = [p for p in points if p.is_local_min]
    min_value, infimum_attained, epsilon = None, None, None
    cands = [(vals[id(p)], p) for p in minima] + [(v, None) for v in boundary_vals]
    if cands:
        ref_v, ref_p = min(cands, key=lambda c: c[0].enclose(start_bits).hi)
        while True:
            results = []
            for v, p in cands:
                if v is ref_v:
                    results.append(0)
                    continue
                results.append(_compare(v, ref_v, start_bits, max_bits, check))
            smaller = [c for c, r in zip(cands, results) if r == -1]
            if not smaller:
                break
            ref_v, ref_p = min(smaller, key=lambda c: c[0].enclose(start_bits).hi)
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
        min_value = ref_v.enclose(start_bits)
        infimum_attained = any(p is not None and r == 0 for (v, p), r in zip(cands, results))
        if any_undecided:
            infimum_attained = None if not infimum_attained else True
        if minima:
            if all(p.is_global for p in minima):
                epsilon = Enclosure.exact(0)
            else:
                his = [vals[id(p)].enclose(start_bits) for p in minima]
                epsilon = Enclosure(max(Fraction(0), max(e.lo for e in his) - min_value.hi),
                                    max(e.hi for e in his) - min_value.lo)
    progress.append("global minima")

    return Landscape(taskset, adaptation, digits, domain, points, min_value, infimum_attained,
                     epsilon, lower_bound, undecided, time.perf_counter() - t_start)


def _nth_derivative(p: flint.fmpq_poly, m: int) -> flint.fmpq_poly:
    for _ in range(m):
        p = p.derivative()
    return p


def _locate(r: RealAlgebraic, segs: list) -> Optional[dict]:
    """The segment (open interval) strictly containing ``r``, if any."""
    for seg in segs:
        lo, hi = seg["lo"], seg["hi"]
        if lo is not None and r.compare(lo) <= 0:
            continue
        if hi is not None and r.compare(hi) >= 0:
            continue
        return seg
    return None


def _components(cells: list, bps: list, bp_info: list):
    """Domain components, smooth segments and kinks from the cell decomposition.

    The real line is the sequence cell_0, bp_0, cell_1, ..., cell_n. A
    component is a maximal run of in-domain elements; inside it, kinks (in-domain
    breakpoints where some ``C_i' = 0``) split it into smooth segments, open
    intervals on which ``h`` is one rational function."""
    elems = []
    for k in range(len(cells)):
        elems.append(("cell", k))
        if k < len(bps):
            elems.append(("bp", k))
    inside = lambda e: cells[e[1]]["in"] if e[0] == "cell" else bp_info[e[1]]["in"]
    domain, segments, kinks = [], [], []
    i = 0
    while i < len(elems):
        if not inside(elems[i]):
            i += 1
            continue
        j = i
        while j + 1 < len(elems) and inside(elems[j + 1]):
            j += 1
        run, comp = elems[i:j + 1], len(domain)
        first, last = run[0], run[-1]
        lo = cells[first[1]]["lo"] if first[0] == "cell" else bps[first[1]]
        hi = cells[last[1]]["hi"] if last[0] == "cell" else bps[last[1]]
        di = DomainInterval(lo, hi, lo_closed=first[0] == "bp", hi_closed=last[0] == "bp")
        seg = None
        for kind, k in run:
            if kind == "bp" and bp_info[k]["kink"]:
                kinks.append({"at": bps[k], "mode": bp_info[k]["mode"], "component": comp,
                              "left": seg, "right": None})
                seg = None
            elif kind == "cell":
                if seg is None:
                    seg = {"lo": cells[k]["lo"], "hi": cells[k]["hi"], "mode": cells[k]["mode"],
                           "component": comp}
                    segments.append(seg)
                    if kinks and kinks[-1]["component"] == comp and kinks[-1]["right"] is None \
                            and kinks[-1]["at"] is cells[k]["lo"]:
                        kinks[-1]["right"] = seg
                else:
                    seg["hi"] = cells[k]["hi"]
        di.lo_segment = _first_segment(segments, comp, first)
        di.hi_segment = _last_segment(segments, comp, last)
        domain.append(di)
        i = j + 1
    return domain, segments, kinks


def _first_segment(segments, comp, first):
    if first[0] != "cell":
        return None
    return next(s for s in segments if s["component"] == comp)


def _last_segment(segments, comp, last):
    if last[0] != "cell":
        return None
    return [s for s in segments if s["component"] == comp][-1]


def _one_sided(diff: RationalFunction, x: RealAlgebraic, direction: int, max_bits: int) -> str:
    """Is ``diff = h_side - h(x)`` positive ("up") or negative ("down") just to
    the side ``direction`` of ``x``? Decided exactly via the first nonzero
    derivative."""
    f = diff
    for k in range(0, 12):
        s = x.sign_of(f, max_bits)
        if s != 0:
            s = s * (direction ** k)
            return "up" if s > 0 else "down"
        f = f.derivative()
    return "flat"
