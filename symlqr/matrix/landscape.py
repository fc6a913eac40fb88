"""Complete matrix landscapes: every stationary point of ``h`` in a box, the rest excluded.

:func:`complete_landscape` runs the validated branch-and-bound
(:func:`symlqr.branch.core.branch_and_bound` with the decider of
:mod:`symlqr.matrix.subdivision`) over a box ``R`` of gains: by default a box
proven to hold every stabilizing gain (:func:`~symlqr.matrix.domain.stabilizing_box`,
``r = 1`` and ``(A_i, B_i)`` controllable), so the region is the whole domain
(level ``L = inf``: saddles and maxima next to the boundary included).

When no box is left undecided (``complete``) the certified points are every
stationary point of ``h`` in ``R``, and then

* ``min h`` over the stationary points is enclosed (the least certified local
  minimum); it is ``min h`` over the domain when ``R`` holds the domain and the
  infimum is attained (:func:`attained`);
* a minimum is **global** when its ``h`` enclosure is the only one meeting the
  lowest enclosure of ``min h``, **spurious** when its enclosure lies above
  another minimum's, else undecided (distinct points with equal ``h`` cannot
  be told apart by enclosures);
* ``epsilon`` on ``{h <= L}`` is enclosed: the largest ``h - min h`` over the
  local minima with ``h <= L``; ``benign`` is true when every minimum is
  proven global, false when one is proven spurious.

The level ``L`` (default: the largest ``h`` at the starts Algorithm 1 uses,
:func:`~symlqr.matrix.algorithm.random_starts`; descent with Armijo steps never
raises ``h``, so every such run stays in ``{h <= L}``) selects the minima
``epsilon`` speaks of.

>>> from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
>>> ts = MatrixTaskSet([MatrixTask([[1]], [[1]], [[1]], [[1]])], "1/10")
>>> res = complete_landscape(ts)
>>> res.complete, [p.type for p in res.points], res.benign
(True, ['min', 'max', 'min', 'max', 'min'], True)
"""
from __future__ import annotations

import contextlib
import os
import time
import warnings
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Optional

import numpy as np
from scipy.linalg import LinAlgWarning

from ..branch.core import Outcome, branch_and_bound
from .edges import edge_tubes
from .domain import adapted_gains, conditions, stabilizing_box, stability_vertices
from .level_sets import level_conditions, spectral_conditions
from .ratfunc import direction_numerators, stability_denominators
from .complete import reduce_common_factor
from .subdivision import ABOVE, Decider, Later
from .reduced_boxes import NUMERATORS_UP_TO
from .chain_boxes import ChainRule
from .direct_boxes import BoxRule
from .validated import decimal_bound
from ..results import Result

def _queue_bytes() -> int:
    """A quarter of the memory available now, between 1 and 4 GiB: the queue's
    arrays above it make the smallest boxes go first (depth first), which can
    dive into a spot no test decides; below it the largest go first."""
    try:
        avail = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        avail = 0
    return int(min(4 * 2 ** 30, max(2 ** 30, avail // 4)))


QUEUE_BYTES = _queue_bytes()

__all__ = ["MatrixLandscape", "complete_landscape", "finish", "default_level", "attained", "float_box",
           "level_source"]


@dataclass(repr=False)
class MatrixLandscape(Result):
    """The answer of :func:`complete_landscape` (every ``True`` is a proof), with
    the protocol of every result (:class:`symlqr.results.Result`): ``str`` is the
    text table, ``to_rows`` one row per point, ``plot()`` the picture of ``h``
    with the certified points and the excluded and undecided boxes."""
    points: list = field(default_factory=list)          # PointCertificate
    complete: bool = False
    reason: Optional[str] = None
    box: list = field(default_factory=list)              # [(lo, hi)] floats
    box_source: str = ""
    level: Optional[Fraction] = None
    level_source: str = ""
    min_h: Optional[tuple] = None                        # (lo, hi) Fractions
    min_h_over_domain: bool = False
    attained_reason: str = ""
    epsilon: Optional[tuple] = None                      # (lo, hi) Fractions on {h <= L}
    benign: Optional[bool] = None
    labels: list = field(default_factory=list)           # per point: global/spurious/undecided/-
    outcome: Optional[Outcome] = None
    pruned: bool = False                                 # some box excluded by h > L
    degrees: list = field(default_factory=list)
    seconds: dict = field(default_factory=dict)
    taskset: Optional[object] = None                     # MatrixTaskSet (for pictures)
    name: str = ""
    parts: int = 0                                       # sub-boxes of a merged run
    method: str = "maml"                                 # whose zeros: grad h_K or g
    steps: int = 1                                       # adaptation steps K
    edges: list = field(default_factory=list)            # EdgeTube.summary() per edge (r = 1, d = 3)

    csv_columns = ("W", "type", "label", "h_lo", "h_hi", "certified")

    def __repr__(self) -> str:
        state = "complete" if self.complete else "NOT complete"
        n = len(self.points)
        return (f"MatrixLandscape({self.name!r}, {n} stationary point{'s' if n != 1 else ''}, "
                f"{state}, benign={self.benign})")

    def to_rows(self) -> list:
        """One row per stationary point: ``W`` (float midpoint, JSON text), type,
        label (global/spurious/undecided for minima, ``-`` otherwise), the ends
        of the ``h`` enclosure (decimal strings) and whether it is certified."""
        from ..results import flat_row
        return [flat_row({"W": p.W, "type": p.type, "label": lab,
                          "h_lo": p.h[0] if p.h else None, "h_hi": p.h[1] if p.h else None,
                          "certified": p.certified})
                for p, lab in zip(self.points, self.labels)]

    @property
    def region(self) -> str:
        """What ``complete`` speaks of."""
        where = "the domain" if self.box_source.startswith("proven") else "the domain within the box"
        return f"{where} and {{h <= L}}" if self.pruned else where

    @property
    def objective(self) -> str:
        """What the points are zeros of, and what ``h`` and the level are about."""
        h = "h" if self.steps == 1 else f"h_{self.steps} (MAML, {self.steps} adaptation steps)"
        if self.method == "maml":
            return f"stationary points of {h}"
        return (f"zeros of the {self.method} update direction ({self.steps} adaptation "
                f"step{'s' if self.steps != 1 else ''}); h and the level L are of {h}, "
                "the objective the method approximates")

    @property
    def minima(self) -> list:
        return [p for p in self.points if p.type == "min"]

    def to_dict(self) -> dict:
        o = self.outcome
        fmt = (lambda iv: None if iv is None else [_dec(iv[0], False), _dec(iv[1], True)])
        pts = []
        for p, lab in zip(self.points, self.labels):
            d = p.to_dict()
            d["label"] = lab
            d["spurious"] = {"spurious": True, "global": False}.get(lab)
            pts.append(d)
        return {
            "name": self.name,
            "engine": "branch-and-bound", "complete": self.complete, "reason": self.reason,
            "box": [[repr(a), repr(b)] for a, b in self.box], "box_source": self.box_source,
            "level": None if self.level is None else _dec(self.level, True),
            "level_source": self.level_source,
            "region": self.region,
            "points": pts, "min_h": fmt(self.min_h), "min_h_over_domain": self.min_h_over_domain,
            "attained": self.attained_reason, "epsilon": fmt(self.epsilon), "benign": self.benign,
            "boxes": o.boxes if o else 0,
            "excluded": dict(o.excluded) if o else {},
            "decided_fraction": o.decided_fraction if o else 0.0,
            "undecided": [{"box": [[a, b] for a, b in zip(lo, hi)], "reason": why}
                          for lo, hi, why in (o.undecided if o else [])][:50],
            "undecided_count": len(o.undecided) if o else 0,
            "degrees": self.degrees, "seconds": self.seconds,
            **({"edges": self.edges} if self.edges else {}),
            "method": self.method, "steps": self.steps, "objective": self.objective,
            **({"parts": self.parts} if self.parts else {}),
        }


def _dec(q: Fraction, up: bool, digits: int = 17) -> str:
    return decimal_bound(q, up, digits)


def float_box(box) -> list:
    """The box with its ends rounded outward to floats (exact dyadic rationals)."""
    out = []
    for a, b in box:
        fa, fb = float(a), float(b)
        if Fraction(fa) > a:
            fa = float(np.nextafter(fa, -np.inf))
        if Fraction(fb) < b:
            fb = float(np.nextafter(fb, np.inf))
        out.append((Fraction(fa), Fraction(fb)))
    return out


def default_level(taskset, starts: int = 10, seed: int = 0,
                  steps: int = 1) -> Optional[Fraction]:
    """The largest ``h`` (``h_K`` with ``K = steps``; floats, read exactly) at the
    starts of Algorithm 1."""
    from .algorithm import random_starts
    from .objective import maml_point
    rng = np.random.default_rng(seed)
    Ws = random_starts(taskset, starts, rng)
    pts = [maml_point(W, taskset, steps) for W in Ws]
    vals = [float("inf") if p is None else p.h for p in pts]
    vals = [v for v in vals if np.isfinite(v)]
    return Fraction(max(vals)) if vals else None


def level_source(starts: int) -> str:
    """What the default level means (:func:`default_level` from ``starts`` starts)."""
    return (f"largest h at the {starts} starts of Algorithm 1 "
            "(every MAML run from them stays in {h <= L})")


def attained(taskset, covers_domain: bool) -> tuple:
    """``(True, why)`` when ``h`` provably attains its infimum on the domain.

    With every task's stabilizing set bounded (``r = 1``, controllable),
    ``Q_i, R_i, Sigma0_i, Sigma0a_i > 0``: along a sequence with ``h`` bounded
    approaching the boundary, either some ``F_i(W)`` nears the boundary of task
    ``i``'s stabilizing set (then ``C_i(F_i) -> inf``) or ``W`` does, where
    ``C_i(W) -> inf`` and, by gradient domination (Fazel et al. 2018, Lemma 3),
    ``|grad C_i(W)| -> inf``, so ``F_i(W)`` leaves the bounded stabilizing
    set: both contradict bounded ``h``. So a minimizing sequence accumulates
    inside the domain, at a stationary point."""
    if not covers_domain:
        return False, "the box is not proven to hold the whole domain"
    r, d = taskset.shape
    if r != 1:
        return False, "attainment not proven (r > 1: stabilizing sets may be unbounded)"
    from .domain import _charpoly_affine
    for i, t in enumerate(taskset.tasks):
        if _charpoly_affine(t.A, t.B)[1].det() == 0:
            return False, f"attainment not proven (task {i + 1} is not controllable)"
        for key in ("Q", "R", "Sigma0", "Sigma0a"):
            if not _positive_definite(getattr(t, key)):
                return False, f"attainment not proven ({key} of task {i + 1} is not positive definite)"
    return True, ("h -> inf at the boundary of the domain (bounded stabilizing sets, "
                  "Q, R, Sigma0, Sigma0a > 0; gradient domination)")


def _positive_definite(m) -> bool:
    from .tasks import _positive_definite as pd
    return pd(m)


LATER_AT = 3      # r d from which the numerators are made only when a box needs them (one step)


def complete_landscape(taskset, *, box=None, level=None, prune: bool = True,
                       max_boxes: int = 2_000_000,
                       min_width: float = 2.0 ** -40, batch: Optional[int] = None,
                       stop: Optional[Callable[[], Optional[str]]] = None,
                       progress: Optional[Callable[[Outcome], None]] = None,
                       level_starts: int = 10, audit: int = 0, method: str = "maml",
                       steps: int = 1, memory: int = QUEUE_BYTES,
                       tubes: bool = True, blas_threads: Optional[int] = 1) -> MatrixLandscape:
    """Every stationary point of ``h`` (MAML, one gradient step) in ``box``
    (default: the proven box around the stabilizing gains), certified, and the
    rest of the box excluded by proofs (module docstring). ``audit``: keep that
    many excluded boxes with their reasons (``outcome.audit``) for re-checking.

    ``method``/``steps``: the zeros of that update direction instead
    (:func:`~symlqr.matrix.ratfunc.direction_numerators`; ``grad h_K`` for
    ``maml``, the domain asking every iterate ``W_k`` to stabilize), each
    certified by :func:`~symlqr.matrix.certificate.certify_point` for it. The
    level is of ``h_K`` (for FO-MAML and Reptile: of the MAML objective they
    approximate); global/spurious labels, ``min h`` and ``epsilon`` only for
    ``maml``. The level test bounds ``h_K`` (``K = steps``): at the enclosed
    ``W_K`` of each task, or through ``levels.exceeds(..., steps=K)``.
    ``memory``: bytes the queue of boxes may hold before the smallest boxes are
    worked first (:func:`~symlqr.branch.core.branch_and_bound`). ``tubes``: prove
    tubes around the edges of the stabilizing set when the search first nears one
    (``r = 1``, ``d = 3``; :mod:`~symlqr.matrix.edges`). ``blas_threads``: the BLAS libraries limited to
    that many threads while it runs (threadpoolctl; ``None``: left alone): the
    Bernstein splits are many small products, where threads only compete for the
    cores (:mod:`symlqr.cli.blas`); the answer is the same."""
    limit = contextlib.nullcontext()
    if blas_threads is not None:
        try:
            from threadpoolctl import threadpool_limits
            limit = threadpool_limits(limits=int(blas_threads), user_api="blas")
        except ImportError:
            pass
    with limit:
        return _complete(taskset, box, level, prune, max_boxes, min_width, batch, stop, progress,
                         level_starts, audit, method, steps, memory, tubes)


def _complete(taskset, box, level, prune, max_boxes, min_width, batch, stop, progress,
              level_starts, audit, method, steps, memory, tubes) -> MatrixLandscape:
    from .certificate import METHODS
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}")
    if not 1 <= int(steps) <= 1000:
        raise ValueError("steps must be between 1 and 1000")
    steps = int(steps)
    res = MatrixLandscape(taskset=taskset, name=taskset.name, method=method, steps=steps)
    t0 = time.perf_counter()
    box, covers = _first_box(res, taskset, box)
    r, d = taskset.shape
    if r * d >= LATER_AT and (ChainRule.applies(taskset, method, steps)
                              or BoxRule.applies(taskset, method, steps)):
        nums = Later(lambda: _numerators(res, taskset, method, steps), r * d)
    else:
        try:
            nums = _numerators(res, taskset, method, steps)
        except Unusable as e:
            res.reason = str(e)
            return res
    light = r * d > NUMERATORS_UP_TO and isinstance(nums, Later)
    bare = light and r * d > ADAPTED_UP_TO     # no symbolic iterates (Boeing: r d = 8)
    conds = conditions(taskset, steps, adapted=not bare)
    if level is None:
        level = default_level(taskset, level_starts, steps=steps)
        res.level_source = level_source(level_starts)
    else:
        res.level_source = "given"
    res.level = None if level is None else Fraction(level)
    if prune and res.level is not None and not bare:  # cheap necessary conditions of h <= L
        conds = conds + level_conditions(taskset, res.level, steps) \
            + spectral_conditions(taskset, res.level, steps)
    if light:              # r d >= 4: only the small tensors are carried by every box
        conds = [c for c in conds if carried(c)]
    res.seconds["polynomials"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    pruning = prune and res.level is not None
    dec = Decider(taskset, nums, conds, box, min_width=min_width,
                  level=res.level if pruning else None,
                  gains=adapted_gains(taskset, steps) if pruning and not light else None,
                  corners=[] if light else stability_vertices(taskset),
                  solution_kwargs={"method": method, "steps": steps},
                  tubes=(lambda: edge_tubes(taskset, conds, box, stop=stop))
                  if tubes and not light else None)
    dec.stop = stop
    roots = dec.roots(box)
    per_box = sum(v.size for v in roots.data.values()) * 8 // len(roots)
    batch = batch or int(max(8, min(4096, 64e6 // max(per_box, 1))))
    with warnings.catch_warnings():   # float guesses inside validated solves (LinAlgWarning)
        warnings.simplefilter("ignore", LinAlgWarning)
        try:
            out = branch_and_bound(roots, dec, batch=batch, max_boxes=max_boxes, stop=stop,
                                   progress=progress, outcome=Outcome(audit_limit=audit),
                                   memory=memory)
        except Unusable as e:                # numerators made late (one task, r d >= 3)
            res.reason = str(e)
            return res
    res.seconds["branch_and_bound"] = time.perf_counter() - t1
    if dec.tubes:
        res.edges = [tube.summary() for tube in dec.tubes]
        res.seconds["edges"] = dec.tube_seconds     # inside the branch-and-bound's
    return finish(res, out, taskset, covers)


BY_W_STAR = ("h >= C(W*) on the whole domain (one task), attained at a certified minimum "
             "with F(W) = W*")
CARRIED = 5_000      # r d >= 4: conditions with more Bernstein coefficients per box stay out
ADAPTED_UP_TO = 4    # r d above it: no conditions on the adapted gains (their symbolic
#                      iterates: a fraction of a second for the 4 x 1 chain, not done in
#                      15 minutes for the Boeing family, r d = 8; their tensors in five or
#                      more variables would not be carried anyway); the Taylor-model tests
#                      (direct_boxes) test F_i(X) box by box


def carried(c) -> bool:
    """For ``r d >= 4``: is the condition ``c`` small enough to be carried by
    every box (its numerator's and denominator's dense Bernstein tensors, at
    most :data:`CARRIED` coefficients together)? The adapted gains' conditions
    of the 4 x 1 chain have degree 11 in each of four variables (35,000
    coefficients with their denominator, a few megabytes a box in floats with
    their bounds); left out, they leave the boxes outside ``F``'s domain to the
    chain rule and the Taylor-model tests. Leaving a necessary condition out
    is sound: fewer boxes are excluded by it, none wrongly.

    >>> from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
    >>> ts = MatrixTaskSet([MatrixTask([[1, "1/10"], [0, 1]], [[0], [1]], [[1, 0], [0, 1]], [[1]])], "1/100")
    >>> [carried(c) for c in conditions(ts)][:2]
    [True, True]
    """
    size = 0
    for p in (c.num, c.den):
        if p is not None:
            size += int(np.prod([max(0, int(x)) + 1 for x in p.degrees()]))
    return size <= CARRIED


class Unusable(ValueError):
    """The update direction's numerators cannot serve the search (the reason)."""


def _numerators(res: MatrixLandscape, taskset, method: str, steps: int) -> list:
    """The numerators of the update direction with what vanishes only outside the
    domain divided out (:func:`~symlqr.matrix.complete.reduce_common_factor`);
    their degrees and the seconds they took go into ``res``. Raises
    :class:`Unusable` with the reason where they cannot serve."""
    t0 = time.perf_counter()
    nums = direction_numerators(taskset, method, steps)
    res.degrees = [int(p.total_degree()) for p in nums]
    if any(p.is_zero() for p in nums):
        raise Unusable("not complete: a component of the update direction is identically 0")
    nums, _, why = reduce_common_factor(nums, stability_denominators(taskset, steps))
    if why:
        raise Unusable(why)
    res.seconds["numerators"] = time.perf_counter() - t0
    return nums


def _first_box(res: MatrixLandscape, taskset, box) -> tuple:
    """``(box with float ends, covers the domain)``; ``res.box`` and its source set."""
    if box is None:
        box = stabilizing_box(taskset)
        if box is None:
            raise ValueError("no proven bounded box holds the stabilizing gains here "
                             "(r > 1 or no controllable task): give a box")
        res.box_source = "proven to hold every stabilizing gain (Schur coefficient bounds)"
        covers = True
    else:
        box = [(Fraction(a), Fraction(b)) for a, b in box]
        if any(b <= a for a, b in box) or len(box) != taskset.shape[0] * taskset.shape[1]:
            raise ValueError(f"the box needs {taskset.shape[0] * taskset.shape[1]} intervals lo < hi")
        res.box_source = "given"
        covers = False
    box = float_box(box)
    res.box = [(float(a), float(b)) for a, b in box]
    return box, covers


def finish(res: MatrixLandscape, out: Outcome, taskset, covers: bool) -> MatrixLandscape:
    """Fill ``res`` from a branch-and-bound outcome (one run, or parts merged):
    points, completeness, whether the level pruned, attainment, labels and epsilon."""
    res.outcome = out
    res.points = sorted(out.found, key=lambda p: p.W)
    res.complete = out.complete
    if not res.complete:
        res.reason = (f"not complete: {len(out.undecided)} box(es) undecided "
                      f"({out.undecided[0][2]})")
    res.pruned = any(r == ABOVE or r.startswith("h > L") for r, n in out.excluded.items() if n)
    res.min_h_over_domain, res.attained_reason = attained(taskset, covers)
    _summarize(res)
    return res


def _interval(p) -> Optional[tuple]:
    if p.h is None:
        return None
    return Fraction(p.h[0]), Fraction(p.h[1])


def _by_the_chain_rule(res: MatrixLandscape) -> None:
    """An incomplete answer: a certified minimum with ``F(W) = W*`` (one task,
    ``global_by_chain_rule``) has ``h = C(W*)``, and ``h >= C(W*)`` on the whole
    domain, so it is global and ``min h`` is its enclosure whatever is undecided;
    a certified minimum whose ``h`` lies above it is spurious, and one proven in
    ``{h <= L}`` makes ``h`` not benign there. ``epsilon`` stays undecided."""
    mins = [(k, _interval(p)) for k, p in enumerate(res.points)
            if p.type == "min" and p.h is not None]
    exact = [iv for k, iv in mins if res.points[k].global_by_chain_rule]
    if not exact:
        return
    lo, hi = max(iv[0] for iv in exact), min(iv[1] for iv in exact)
    res.min_h = (lo, hi)
    res.min_h_over_domain = True
    res.attained_reason = BY_W_STAR
    for k, iv in mins:
        if res.points[k].global_by_chain_rule:
            res.labels[k] = "global"
        elif iv[0] > hi:
            res.labels[k] = "spurious"
            if res.level is None or iv[1] <= res.level:
                res.benign = False


def _summarize(res: MatrixLandscape) -> None:
    """min h, labels, epsilon on ``{h <= L}`` and benign, from the enclosures.

    A minimum whose certificate proves ``F_i(W) = W*`` with one task
    (``global_by_chain_rule``) has ``h = C(W*)``, the lower bound of ``h`` on the
    whole domain: it is global exactly, whatever its enclosure's width. For
    FO-MAML and Reptile (zeros of their update directions, not stationary points
    of ``h``) no labels, ``min h`` or ``epsilon``."""
    res.labels = ["-" if p.type != "min" else "undecided" for p in res.points]
    if res.method != "maml":
        res.min_h_over_domain = False
        return
    if not res.complete or any(p.type == "undecided" for p in res.points):
        res.min_h_over_domain = False
        if not res.complete:
            _by_the_chain_rule(res)
            return
    mins = [(k, _interval(p)) for k, p in enumerate(res.points)
            if p.type == "min" and p.h is not None]
    if not mins:
        return
    exact = [k for k, _ in mins if res.points[k].global_by_chain_rule]
    lo = min(iv[0] for _, iv in mins)
    hi = min(iv[1] for _, iv in mins)
    if exact:
        lo = max(iv[0] for k, iv in mins if k in exact)
        hi = min(iv[1] for k, iv in mins if k in exact)
        res.min_h_over_domain = True          # h >= C(W*) on the whole domain, whatever the box
        res.attained_reason = BY_W_STAR
    res.min_h = (lo, hi)
    for k, iv in mins:
        if k in exact:
            res.labels[k] = "global"
        elif iv[0] > hi:
            res.labels[k] = "spurious"
    meeting = [k for k, iv in mins if iv[0] <= hi]
    if len(meeting) == 1:
        res.labels[meeting[0]] = "global"
    L = res.level
    inside = [(k, iv) for k, iv in mins if L is None or iv[0] <= L]
    labs = [res.labels[k] for k, _ in inside]
    if inside and all(lab == "global" for lab in labs):
        res.epsilon = (Fraction(0), Fraction(0))
    elif inside:
        e_lo = max(Fraction(0), max(iv[0] for _, iv in inside) - hi)
        e_hi = max(Fraction(0), max(iv[1] for _, iv in inside) - lo)
        res.epsilon = (e_lo, e_hi)
    if any(lab == "spurious" for lab in labs):
        res.benign = False
    elif labs and all(lab == "global" for lab in labs) and \
            not any(p.type == "undecided" for p in res.points):
        res.benign = True
