"""Certified one-parameter atlas of the MAML landscape: the exact parameter
values where the counts of minima, global minima and spurious minima change.

A *family* ``h(W; p) = sum_i w_i C_i(F_i(W; p); p)`` varies one parameter ``p``:

    eta     F_i(W; p) = W - p C_i'(W)                      (the step size)
    scale   the last task's Q and R multiplied by p           (Figure 2's "identical tasks")
    delta   task_i(p) = t_1 + p (t_i - t_1), componentwise   (Proposition 3's task spread)

With ``p`` symbolic, ``dh/dW = N(W, p) / M(W, p)`` with ``N`` in QQ[W, p] and the
domain is cut out by polynomials ``g_l(W, p)`` (stability of ``W`` and of every
``F_i``). On an interval of ``p`` where no irreducible factor of ``N`` has a
double root, no two factors share a root, no factor meets a wall and the walls
neither meet nor degenerate -- all *inside the closure of the domain* -- the
stationary points move continuously without meeting, so their number, order
and types are constant. The candidate values are the real roots of
discriminants, resultants and leading coefficients in ``W`` (exact, FLINT),
isolated exactly; at each candidate ``c`` the common root ``W_c`` is computed
exactly in the number field QQ(c) (Euclid's algorithm modulo the minimal
polynomial of ``c``) and the signs of the walls at ``(W_c, c)`` are decided
exactly, which labels the candidate:

* ``fold``   -- ``h' = h'' = 0`` at a point inside the domain (equation (3));
* ``domain`` -- a stationary point reaches a wall (enters or leaves the domain),
  or the domain itself changes shape;

candidates whose event lies outside the domain are dropped. Which minimum is
global can change only where two minima have equal values (a ``switch``): on
each piece the value of every minimum is trapped by exact root counting in
``p`` and enclosed by interval arithmetic, which proves there is no switch, or
certified bisection in ``p`` encloses one. The counts on every piece are read
from a full :func:`~symlqr.scalar.landscape.certify` at a rational point inside it.

>>> from symlqr.tasks import figure
>>> at = atlas(figure("fig1"), "eta", Fraction(1, 20), Fraction(3, 10))
>>> [(cv.kind, cv.decimal(6)) for cv in at.critical_values]
[('fold', '0.0815595'), ('fold', '0.0973086'), ('fold', '0.103166')]
>>> [p.counts["spurious_min"] for p in at.pieces]
[0, 0, 1, 0]
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from fractions import Fraction
from typing import Optional

from ..scalar import lqr
from ..scalar.kinds import point_label
from .events import _KIND_TEXT, CriticalValue, _candidate_polys, _event_at, _main_kind
from .family import PARAMETERS, Family, _check_range
from ..exact.enclosure import Enclosure
from ..scalar.landscape import Landscape, Timeout, certify
from ..exact.ratfunc import to_fmpq
from ..exact.realroots import real_roots, simplest_between, sort_disjoint, squarefree_factors
from .switches import Piece, _bound_global, _switches
from ..tasks import TaskSet

__all__ = ["PARAMETERS", "Family", "CriticalValue", "Piece", "Atlas", "atlas"]

# ---------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------
@dataclass
class Atlas:
    """The certified atlas; see :func:`atlas`."""
    family: Family
    lo: Fraction
    hi: Fraction
    critical_values: list
    pieces: list
    candidates: int
    undecided: list
    timings: dict
    theorem2: Optional[dict] = None
    digits: int = 15

    @property
    def certified(self) -> bool:
        return not self.undecided

    def to_dict(self) -> dict:
        d = self.digits
        fam = self.family
        ts = fam.taskset
        cvs = []
        for cv in self.critical_values:
            cvs.append({"kind": cv.kind, "value": cv.decimal(d),
                        "interval": [str(cv.lo), str(cv.hi)], "detail": cv.detail,
                        "W": list(cv.W)})
        pieces = []
        for pc in self.pieces:
            pieces.append({
                "lo": str(self.lo) if pc.lo is None else pc.lo.decimal(d),
                "hi": str(self.hi) if pc.hi is None else pc.hi.decimal(d),
                "lo_included": False, "hi_included": pc.hi is None,
                "sample": str(pc.sample), "counts": pc.counts,
                "points": [point_label(p.kind, p.is_global) for p in pc.landscape.points],
                "checked_at": [str(x) for x in pc.checks],
                "switch_free": pc.switch_free})
        doc = {"name": ts.name, "parameter": fam.param,
               "range": [str(self.lo), str(self.hi)], "range_note":
               "the half-open interval (LO, HI]: LO excluded, HI included",
               "eta": None if fam.param == "eta" else str(ts.eta),
               "weights": [str(w) for w in ts.weights],
               "tasks": [t.to_dict() for t in ts.tasks],
               "critical_values": cvs, "pieces": pieces,
               "candidates_examined": self.candidates,
               "certified": self.certified, "undecided": list(self.undecided)}
        # wall-clock timings stay out of the document (same input, same bytes);
        # they are in Atlas.timings and printed by benchmarks/bench_atlas.py
        if self.theorem2 is not None:
            doc["theorem2"] = self.theorem2
        return doc


# ---------------------------------------------------------------------------
# the algorithm
# ---------------------------------------------------------------------------
def _signature(ls: Landscape) -> tuple:
    return (tuple((p.kind, p.is_global) for p in ls.points), len(ls.domain))


def atlas(taskset: TaskSet, param: str, lo, hi, digits: int = 15,
          deadline: Optional[float] = None, progress: Optional[list] = None,
          switch_grid: int = 8, switch_bits: int = 40) -> Atlas:
    """Certify the landscape of ``h(W; p)`` for ``p`` in ``(lo, hi]``.

    Parameters
    ----------
    taskset : TaskSet
    param : "eta", "scale" or "delta"
    lo, hi : the range ``(lo, hi]`` (``lo`` excluded, ``hi`` included)
    digits : digits of the decimal values
    deadline : ``time.monotonic()`` value after which :class:`Timeout` is raised
    switch_grid : rational points per piece at which the global minimum is
        identified (a change between two of them is enclosed by bisection)
    switch_bits : a switch is bisected until its enclosure is narrower than
        ``2**-switch_bits`` times ``max(1, |p|)``

    Returns
    -------
    Atlas

    Examples
    --------
    >>> from symlqr.tasks import figure
    >>> at = atlas(figure("fig2"), "eta", Fraction(1, 100), Fraction(1, 10))
    >>> [(cv.kind, cv.decimal(6)) for cv in at.critical_values]
    [('fold', '0.0435802'), ('fold', '0.0755378')]
    >>> [p.counts["spurious_min"] for p in at.pieces]
    [2, 1, 0]
    """
    progress = progress if progress is not None else []
    lo, hi = Fraction(lo), Fraction(hi)
    timings: dict = {}
    t0 = time.perf_counter()

    def check(stage):
        if deadline is not None and time.monotonic() > deadline:
            raise Timeout(stage)

    def lap(name):
        nonlocal t0
        t = time.perf_counter()
        timings[name] = timings.get(name, 0.0) + t - t0
        t0 = t
        progress.append(name)

    fam = Family(taskset, param)
    _check_range(fam, lo, hi)
    lap("family")

    # 1. candidate values: exact real roots of discriminants and resultants --------
    check("computing discriminants and resultants")
    factors: list = []          # (irreducible fmpq_poly in p, [reasons])
    for poly, reason in _candidate_polys(fam):
        if poly.is_zero() or poly.degree() < 1:
            continue
        for f, _m in squarefree_factors(poly):
            for entry in factors:
                if entry[0] == f:
                    entry[1].append(reason)
                    break
            else:
                factors.append((f, [reason]))
    lap("eliminants")
    check("isolating candidate values")
    cands = []
    for f, reasons in factors:
        for r, _m in real_roots(f, lo, hi):
            if r.is_rational and r.lo == lo:
                continue
            cands.append((r, reasons))
    cands = sort_disjoint(cands)
    lap("isolation")

    # 2. decide each candidate exactly ------------------------------------------------
    undecided: list = []
    kept: list = []
    for c, reasons in cands:
        check("deciding candidate events")
        kinds, loose, where = set(), set(), []
        for reason in reasons:
            status, wc = _event_at(fam, c, reason)
            if status == "outside":
                continue
            kind = reason[0]
            if kind in ("walls", "infinity", "infinity-wall"):
                kind = "domain"
            if kind == "fold" and status == "boundary":
                kind = "domain"
            if status == "unresolved":
                loose.add(kind)
                continue
            kinds.add(kind)
            where.append(wc.mid().str(8, radius=False))
        if kinds or loose:
            kept.append((c, kinds or loose, bool(kinds), sorted(set(where))))
    lap("events")

    # 3. pieces, each certified at a rational sample ---------------------------------
    def sample_between(a, b):
        x = a.hi if a is not None else lo
        y = b.lo if b is not None else hi
        if b is None:
            return hi if (a is None or a.hi < hi) else simplest_between(x, y)
        return simplest_between(x, y)

    def run(p):
        check(f"certifying at {fam.param} = {p}")
        return certify(fam.taskset_at(p), digits=digits)

    bounds = [None] + [k[0] for k in kept] + [None]
    raw = []
    for a, b in zip(bounds, bounds[1:]):
        if b is not None and b.is_rational and b.lo == hi:
            continue
        for _ in range(60):                      # keep samples well inside
            if a is not None and b is not None and a.hi >= b.lo:
                a.bisect(), b.bisect()
        s = sample_between(a, b)
        raw.append(s)
    landscapes = [run(s) for s in raw]
    lap("certify pieces")

    # drop kept candidates that change nothing and have no degenerate point
    cvs: list = []
    pieces: list = []
    for k, (c, kinds, resolved, where) in enumerate(kept):
        text = "; ".join(_KIND_TEXT[x] for x in sorted(kinds))
        if not resolved:
            text = "possibly: " + text + " (location of the event not resolved; kept)"
        cv = CriticalValue(_main_kind(kinds), c.lo, c.hi, text, value=c, W=where)
        cvs.append(cv)
    for k, (s, ls) in enumerate(zip(raw, landscapes)):
        lo_cv = cvs[k - 1] if k > 0 else None
        hi_cv = cvs[k] if k < len(cvs) else None
        pieces.append(Piece(lo_cv, hi_cv, s, ls))
        if not ls.certified:
            undecided.append(f"certification at {fam.param} = {s} undecided: "
                             + "; ".join(ls.undecided))
    lap("labels")

    # 4. global switches inside each piece -------------------------------------------
    new_pieces, switch_cvs = [], []
    for pc in pieces:
        check("locating global switches")
        extra, pcs = _switches(fam, pc, lo, hi, run, switch_grid, switch_bits, undecided)
        switch_cvs += extra
        new_pieces += pcs
    pieces = new_pieces
    cvs = sorted(cvs + switch_cvs, key=lambda cv: cv.lo)
    for k, cv in enumerate(cvs):
        if cv.kind == "touch" and k + 1 < len(pieces) and _bound_global(fam, pieces[k]):
            cv.kind = "switch"
            cv.detail = ("a second stationary point reaches the lower bound sum_i w_i C_i(W*_i), "
                         "which the global minimum attains: two global minima at this value")
        if k + 1 < len(pieces) and cv.value is not None:
            cv.detail += "; " + _change_text(pieces[k].landscape, pieces[k + 1].landscape,
                                             cv.kind)
    lap("switches")

    at = Atlas(fam, lo, hi, cvs, pieces, len(cands), undecided, timings, digits=digits)
    if fam.param == "eta" and fam.n == 1:
        at.theorem2 = _theorem2(fam, at, digits)
        lap("theorem 2")
    return at


def _change_text(left: Landscape, right: Landscape, kind: str) -> str:
    a, b = left.counts(), right.counts()
    if _signature(left) == _signature(right):
        if kind == "fold":
            return ("counts unchanged across it (two stationary points pass through each "
                    "other; a degenerate point at the critical value itself)")
        return "counts unchanged across it"
    parts = []
    for k in ("stationary", "min", "max", "global_min", "spurious_min"):
        if a[k] != b[k]:
            parts.append(f"{k} {a[k]} -> {b[k]}")
    if len(left.domain) != len(right.domain):
        parts.append(f"domain components {len(left.domain)} -> {len(right.domain)}")
    return ", ".join(parts) if parts else "types or order of the points change"


def _theorem2(fam: Family, at: Atlas, digits: int) -> dict:
    """Theorem 2 for one task: the hypothesis ``eta < 1/|C''(w*)|`` at the
    minimizer ``W*`` versus the exact largest ``eta`` with a global objective."""
    task = fam.taskset.tasks[0]
    wstar = lqr.optimal_gain_algebraic(task)
    H = lqr.hessian_function(task, task.s0_adapt)     # the adaptation's C
    lo_h, hi_h = wstar.enclose(H, int(digits * 3.4) + 20)
    bound = Enclosure(1 / hi_h, 1 / lo_h)
    first_bad = None
    for pc in at.pieces:
        if pc.counts["spurious_min"] > 0 or pc.counts["global_min"] == 0:
            first_bad = pc
            break
    doc = {"hypothesis": "eta < 1/|C''(w*)| at the minimizer w* = W* (F(W*) = W* for every eta)",
           "bound": bound.decimal(digits), "bound_interval": [str(bound.lo), str(bound.hi)]}
    if first_bad is None:
        doc["global_for_all_eta_in_range"] = True
        doc["largest_global_eta"] = str(at.hi)
    else:
        doc["global_for_all_eta_in_range"] = False
        cv = first_bad.lo
        doc["largest_global_eta"] = None if cv is None else cv.decimal(digits)
        doc["largest_global_eta_interval"] = None if cv is None else [str(cv.lo), str(cv.hi)]
        doc["first_spurious_piece"] = first_bad.sample.__str__()
    # at each piece's sample: at how many minima does the hypothesis hold?
    per = []
    for pc in at.pieces:
        eta = fam.taskset_at(pc.sample).eta
        holds = 0
        for p in pc.landscape.minima():          # |eta C''(w)| < 1, decided exactly
            below = p.W.sign_of(H * (-to_fmpq(eta)) + 1) > 0
            above = p.W.sign_of(H * to_fmpq(eta) + 1) > 0
            holds += below and above
        per.append({"sample": str(pc.sample), "minima": len(pc.landscape.minima()),
                    "hypothesis_holds_at": holds})
    doc["per_piece"] = per
    if first_bad is not None and first_bad.lo is not None:
        c = first_bad.lo
        doc["ratio_largest_global_to_bound"] = Enclosure(c.lo / bound.hi, c.hi / bound.lo).decimal(6)
    return doc
