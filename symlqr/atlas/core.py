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
discriminants, resultants and leading coefficients in ``W`` (exact: evaluated
at integers and interpolated, :mod:`~symlqr.atlas.eliminate`), isolated
exactly; at each candidate ``c`` the common root ``W_c`` is enclosed from the
first subresultant in ball arithmetic and the signs of the walls at
``(W_c, c)`` are decided on balls that exclude 0, which labels the candidate
(:mod:`~symlqr.atlas.events`):

* ``fold``   -- ``h' = h'' = 0`` at a point inside the domain (equation (3));
* ``domain`` -- a stationary point reaches a wall (enters or leaves the domain),
  or the domain itself changes shape;

candidates whose event lies outside the domain are dropped. Which minimum is
global can change only where two minima have equal values (a ``switch``): on
each piece every minimum's branch is continued in validated boxes and the
slope of its value enclosed (:mod:`~symlqr.atlas.branches`), which proves the
global minimum constant, or a change between two certified points encloses a
switch (:mod:`~symlqr.atlas.switches`); where neither succeeds the piece
carries no global/spurious label and the atlas is not certified. The counts on
every piece are read from a full :func:`~symlqr.scalar.landscape.certify` at a
rational point inside it.

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
from typing import Callable, Optional

from ..results import Result
from ..exact.realroots import simplest_between, sort_disjoint, squarefree_factors
from ..scalar.landscape import Landscape, Timeout, certify
from ..tasks import TaskSet
from .charts import ChartProof
from .events import KIND_TEXT, CriticalValue, candidate_polys, decide_event, main_kind
from .family import PARAMETERS, Family, check_range
from .folds import exact_folds, fold_search
from .isolate import roots_between
from .parts import decimal_toward
from .switches import Piece, on_bound_global, split_piece
from .theorem2 import theorem2_analysis

__all__ = ["PARAMETERS", "Family", "CriticalValue", "Piece", "Atlas", "atlas"]


# ---------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------
@dataclass
class Atlas(Result):
    """The certified atlas; see :func:`atlas`. It has the protocol of every
    result (:class:`symlqr.results.Result`; CSV: one row a piece)."""
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
        """The JSON document of ``python -m symlqr.atlas --json``."""
        d = self.digits
        fam = self.family
        ts = fam.taskset
        cvs = [{"kind": cv.kind, "value": cv.decimal(d), "interval": [str(cv.lo), str(cv.hi)],
                "detail": cv.detail, "W": list(cv.W)} for cv in self.critical_values]
        pieces = []
        for pc in self.pieces:
            lo = str(self.lo) if pc.lo is None else pc.lo.decimal(d)
            hi = str(self.hi) if pc.hi is None else pc.hi.decimal(d)
            entry = {"lo": lo, "hi": hi, "lo_included": False, "hi_included": pc.hi is None,
                     "sample": str(pc.sample), "counts": pc.counts, "points": pc.labels(),
                     "checked_at": [str(x) for x in pc.checks],
                     "switch_free": pc.switch_free}
            if not pc.decided:
                entry["labels_decided"] = False
            pieces += [_part_entry(entry, part, d) for part in pc.parts] or [entry]
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


    def to_rows(self) -> list:
        """One flat dict a piece: its ends, its counts, its points' labels."""
        return [{"lo": p["lo"], "hi": p["hi"], "hi_included": p["hi_included"],
                 **(p["counts"] or {}), "points": ", ".join(map(str, p["points"])),
                 "switch_free": p["switch_free"]} for p in self.to_dict()["pieces"]]


def _part_entry(entry: dict, part, d: int) -> dict:
    """The JSON piece of one part of a split piece: its rational ends (where
    the switch search proved) as ``lo_exact``/``hi_exact``, their decimals
    rounded towards the proven side (a proven part contains its ends, an
    unproven one excludes them), so no label is shown off its proven range."""
    e = dict(entry, sample=str(part.sample), counts=part.counts, points=part.labels(),
             switch_free=True if part.decided else None)
    e.pop("labels_decided", None)
    if not part.decided:
        e["labels_decided"] = False
    if part.lo is not None:
        e.update(lo=decimal_toward(part.lo, d, up=part.decided), lo_exact=str(part.lo),
                 lo_included=part.decided)
    if part.hi is not None:
        e.update(hi=decimal_toward(part.hi, d, up=not part.decided), hi_exact=str(part.hi),
                 hi_included=part.decided)
    return e


class _Clock:
    """Stage timings and the cooperative deadline of one atlas run."""

    def __init__(self, deadline: Optional[float], progress: list):
        self.deadline, self.progress = deadline, progress
        self.timings: dict = {}
        self.stage = "starting"
        self.t0 = time.perf_counter()

    def check(self, stage: Optional[str] = None) -> None:
        if stage is not None:
            self.stage = stage
        if self.deadline is not None and time.monotonic() > self.deadline:
            raise Timeout(self.stage)

    def lap(self, name: str) -> None:
        t = time.perf_counter()
        self.timings[name] = self.timings.get(name, 0.0) + t - self.t0
        self.t0 = t
        self.progress.append(name)


# ---------------------------------------------------------------------------
# the steps
# ---------------------------------------------------------------------------
def candidates(fam: Family, lo: Fraction, hi: Fraction, check: Callable,
               search: bool = True) -> list:
    """Step 1: the real roots in ``(lo, hi]`` of the eliminants, sorted, each
    with the events (reasons) whose eliminant vanishes there; the folds of the
    large factors of ``N`` from the search in the plane
    (:func:`~symlqr.atlas.folds.fold_search`) when ``search``."""
    folds = fold_search(fam, lo, hi, check) if search else {}
    factors: list = []          # (irreducible fmpq_poly in p, [reasons])
    for poly, reason in candidate_polys(fam, check, searched=set(folds)) + exact_folds(fam, folds):
        if poly.is_zero() or poly.degree() < 1:
            continue
        check()
        for f, _m in squarefree_factors(poly):
            for entry in factors:
                if entry[0] == f:
                    entry[1].append(reason)
                    break
            else:
                factors.append((f, [reason]))
    out = []
    for f, reasons in factors:
        check()
        for r in roots_between(f, lo, hi):
            if r.is_rational and r.lo == lo:
                continue
            out.append((r, reasons))
    for a, values in folds.items():
        out += [(v, [("fold-box", a, a)]) for v in values]
    try:
        return sort_disjoint(out)
    except ArithmeticError:             # a fold not separated from another candidate
        if not folds:
            raise
        return candidates(fam, lo, hi, check, search=False)


def decide_events(fam: Family, cands: list, check: Callable) -> list:
    """Step 2: decide each candidate's events exactly; keep those inside the
    closure of the domain (and the unresolved ones, conservatively) as
    ``CriticalValue``s."""
    cvs = []
    for c, reasons in cands:
        kinds, loose, where = set(), set(), []
        for reason in reasons:
            check()
            status, wc = decide_event(fam, c, reason)
            if status == "outside":
                continue
            kind = reason[0]
            if kind in ("fold-box", "fold-singular"):
                kind = "fold"
            if kind in ("walls", "infinity", "infinity-wall"):
                kind = "domain"
            if kind == "fold" and status == "boundary":
                kind = "domain"
            if status == "unresolved":
                loose.add(kind)
                continue
            kinds.add(kind)
            where.append(wc.mid().str(8, radius=False))
        if not (kinds or loose):
            continue
        text = "; ".join(KIND_TEXT[x] for x in sorted(kinds or loose))
        if not kinds:
            text = "possibly: " + text + " (location of the event not resolved; kept)"
        cvs.append(CriticalValue(main_kind(kinds or loose), c.lo, c.hi, text, value=c,
                                 W=sorted(set(where))))
    return cvs


def pieces_between(cvs: list, lo: Fraction, hi: Fraction, run: Callable) -> list:
    """Step 3: one piece between consecutive critical values, certified at a
    short rational sample well inside it; the pieces cover ``(lo, hi]`` in
    order. An event exactly at ``hi`` is kept (as the last critical value, the
    last piece then open at ``hi``) only when the landscape certified at
    ``hi`` differs from the last piece's; otherwise it is removed from ``cvs``
    (nothing happens there: ``hi`` belongs to the last piece)."""
    at_hi = [cv for cv in cvs if cv.value.is_rational and cv.lo == hi]
    inner = [cv for cv in cvs if not any(cv is e for e in at_hi)]
    bounds = [None] + inner + [None]
    out = []
    for a, b in zip(bounds, bounds[1:]):
        for _ in range(60):                      # keep samples well inside
            if a is not None and b is not None and a.hi >= b.lo:
                a.value.bisect(), b.value.bisect()
                a.lo, a.hi, b.lo, b.hi = a.value.lo, a.value.hi, b.value.lo, b.value.hi
        _inside(a, lambda cv: cv.hi < hi)        # brackets strictly inside (LO, HI)
        _inside(b, lambda cv: cv.lo > lo)
        x = a.hi if a is not None else lo
        if b is None:
            s = hi if not at_hi and (a is None or a.hi < hi) else simplest_between(x, hi)
        else:
            s = simplest_between(x, b.lo)
        out.append(Piece(a, b, s, run(s)))
    if at_hi:
        last, L = out[-1], run(hi)
        if _signature(L) == _signature(last.landscape):
            last.checks.append(hi)
        else:
            cv = at_hi[0]
            cv.detail += f"; at {hi} itself: {_counts_text(L)}"
            last.hi = cv
            inner.append(cv)
    cvs[:] = inner
    return out


def _counts_text(ls: Landscape) -> str:
    c = ls.counts()
    return (f"{c['min']} minima ({_n(c['global_min'])} global), {c['max']} maxima, "
            f"{len(ls.domain)} domain components")


def _inside(cv, ok: Callable, steps: int = 400) -> None:
    """Bisect a critical value's bracket until ``ok(cv)`` (its bracket no longer
    reaches an end of the range); a value inside the open range gets there."""
    for _ in range(steps):
        if cv is None or ok(cv) or cv.value.is_rational:
            return
        cv.value.bisect()
        cv.lo, cv.hi = cv.value.lo, cv.value.hi


def locate_switches(fam: Family, pieces: list, lo, hi, run, check, bits, undecided) -> tuple:
    """Step 4: prove the global minimum constant on each piece or split it at
    certified switches; a touch where the global minimum sits on the lower
    bound is a switch (two global minima there)."""
    new_pieces, switch_cvs = [], []
    charts = ChartProof(fam, run, check, bits) if fam.param == "eta" else None
    for pc in pieces:
        if not pc.landscape.certified:
            undecided.append(f"certification at {fam.param} = {pc.sample} undecided: "
                             + "; ".join(pc.landscape.undecided))
        check("locating global switches")
        a = pc.lo.hi if pc.lo is not None else lo
        b = pc.hi.lo if pc.hi is not None else hi
        extra, pcs = split_piece(fam, pc, a, b, run, check, bits, undecided, charts)
        switch_cvs += extra
        new_pieces += pcs
    return new_pieces, switch_cvs


def _describe(fam: Family, cvs: list, pieces: list) -> None:
    """Name each critical value's change from the parts of the pieces next to it."""
    for k, cv in enumerate(cvs):
        left = pieces[k].edge(-1) if k < len(pieces) else None
        if cv.kind == "touch" and k + 1 < len(pieces) and left.decided and \
                on_bound_global(fam, left.landscape, left.sample):
            cv.kind = "switch"
            cv.detail = ("a second stationary point reaches the lower bound sum_i w_i C_i(W*_i), "
                         "which the global minimum attains: two global minima at this value")
        if k + 1 < len(pieces) and cv.value is not None:
            cv.detail += "; " + _change_text(left, pieces[k + 1].edge(0), cv.kind)


def _critical_values(fam: Family, lo: Fraction, hi: Fraction, clock: _Clock) -> tuple:
    """Steps 1 and 2: the candidates and the critical values decided among them."""
    clock.check("computing discriminants and resultants and isolating their roots")
    cands = candidates(fam, lo, hi, clock.check)
    clock.lap("candidates")
    clock.check("deciding candidate events")
    cvs = decide_events(fam, cands, clock.check)
    clock.lap("events")
    return cands, cvs


def atlas(taskset: TaskSet, param: str, lo, hi, digits: int = 15,
          deadline: Optional[float] = None, progress: Optional[list] = None,
          switch_bits: int = 40) -> Atlas:
    """Certify the landscape of ``h(W; p)`` for ``p`` in ``(lo, hi]``.

    Parameters
    ----------
    taskset : TaskSet
    param : "eta", "scale" or "delta"
    lo, hi : the range ``(lo, hi]`` (``lo`` excluded, ``hi`` included)
    digits : digits of the decimal values
    deadline : ``time.monotonic()`` value after which :class:`Timeout` is
        raised; checked between FLINT calls, so it holds within about a second
    switch_bits : a switch is narrowed until its enclosure is narrower than
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
    clock = _Clock(deadline, progress if progress is not None else [])
    check = clock.check
    lo, hi = Fraction(lo), Fraction(hi)
    fam = Family(taskset, param)
    check_range(fam, lo, hi)
    clock.lap("family")
    cands, cvs = _critical_values(fam, lo, hi, clock)

    def run(p):
        check(f"certifying at {fam.param} = {p}")
        return certify(fam.taskset_at(p), digits=digits, deadline=deadline)

    pieces = pieces_between(cvs, lo, hi, run)
    clock.lap("certify pieces")
    undecided: list = []
    pieces, switch_cvs = locate_switches(fam, pieces, lo, hi, run, check, switch_bits,
                                         undecided)
    cvs = sorted(cvs + switch_cvs, key=lambda cv: cv.lo)
    _describe(fam, cvs, pieces)
    clock.lap("switches")

    at = Atlas(fam, lo, hi, cvs, pieces, len(cands), undecided, clock.timings, digits=digits)
    if fam.param == "eta" and fam.n == 1:
        at.theorem2 = theorem2_analysis(fam, at.pieces, at.hi, digits)
        clock.lap("theorem 2")
    return at


def _signature(ls: Landscape) -> tuple:
    return (tuple((p.kind, p.is_global) for p in ls.points), len(ls.domain))


def _change_text(left, right, kind: str) -> str:
    a, b = left.counts, right.counts
    if _signature(left.landscape) == _signature(right.landscape) and left.decided == right.decided:
        if kind == "fold":
            return ("counts unchanged across it (two stationary points pass through each "
                    "other; a degenerate point at the critical value itself)")
        return "counts unchanged across it"
    parts = []
    for k in ("stationary", "min", "max", "global_min", "spurious_min"):
        if a[k] != b[k]:
            parts.append(f"{k} {_n(a[k])} -> {_n(b[k])}")
    if len(left.landscape.domain) != len(right.landscape.domain):
        parts.append(f"domain components {len(left.landscape.domain)} -> "
                     f"{len(right.landscape.domain)}")
    return ", ".join(parts) if parts else "types or order of the points change"


def _n(x) -> str:
    return "undecided" if x is None else str(x)
