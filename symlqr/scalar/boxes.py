"""Interval branch-and-bound for the roots of ``h'`` on a closed interval.

Every box ``X = [lo, hi]`` (float ends, so exact rationals) gets, in one pass
over all tasks (:func:`~symlqr.scalar.taskterms.interval_terms`), enclosures of
``h'(X)``, ``h''(X)`` and of ``h'(m)`` at its midpoint ``m``. Then, in order:

1. *exclusion*: ``0`` not in ``h'(X) ∩ (h'(m) + h''(X) (X - m))`` (the natural
   and the mean-value enclosure): no root in ``X``;
2. *interval Newton* when ``0`` is not in ``h''(X)``:
   ``N = m - h'(m) / h''(X)``. Every root of ``h'`` in ``X`` lies in ``N``, so
   ``N ∩ X = ∅`` proves no root; ``N ⊂ int X`` proves exactly one root, simple,
   in the interior of ``X`` (Moore's theorem; uniqueness also because ``h'`` is
   strictly monotone on ``X``), a minimum of ``h`` when ``h''(X) > 0`` and a
   maximum when ``h''(X) < 0``; otherwise ``X`` shrinks to ``N ∩ X``;
3. otherwise ``X`` is bisected, down to a relative width ``2^-tol_bits``, or
   until floats run out (``h'(m)`` itself not separated from 0 on a box of
   relative width ``<= 2^-24``). Such boxes are merged and the same three steps
   run on them with ``flint.arb`` balls at 128, then 256 bits (one task at a
   time, exact rational box ends), within a budget of arb boxes; what is left
   is reported *undecided* with the reason ("precision" or "time").

Boxes only ever share end points and a proven root lies in the interior of
its box, so no root is counted twice, and the boxes left over cover every
root. Nothing is sampled.

>>> from fractions import Fraction
>>> from symlqr.tasks import figure
>>> from symlqr.scalar.taskterms import TaskParams
>>> ts = figure("fig1")
>>> p = TaskParams.from_tasks(ts.tasks, ts.eta, ts.weights)
>>> res = isolate(p, 0.1, 1.8)
>>> [r.kind for r in res.roots], res.undecided
(['min', 'max', 'min', 'max', 'min'], [])
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Optional

import flint
import numpy as np

from ..branch.core import Boxes, Step, branch_and_bound
from .intervals import IV
from .taskterms import TaskParams, interval_terms, terms

__all__ = ["RootBox", "Isolation", "isolate", "tighten", "arb_terms", "arb_ball", "arb_fractions", "strip_sign"]


@dataclass
class RootBox:
    """A box ``[lo, hi]`` holding exactly one root of ``h'``, a simple one."""
    lo: float
    hi: float
    kind: str                       # "min" (h'' > 0 on the box) or "max"
    exact_ends: bool = False        # ends are Fractions (found in arb), not floats


@dataclass
class Isolation:
    roots: list = field(default_factory=list)
    undecided: list = field(default_factory=list)      # (lo, hi, reason)
    boxes: int = 0                                      # boxes evaluated


def _eval_with_mid(params: TaskParams, lo, hi):
    m = len(lo)
    mid = 0.5 * lo + 0.5 * hi
    t = interval_terms(np.concatenate([lo, mid]), np.concatenate([hi, mid]), params)
    X = IV(lo, hi)
    ex = {k: v[:m] for k, v in t.items()}
    em = {k: v[m:] for k, v in t.items()}
    centred = em["dh"] + ex["d2h"] * (X - IV(mid))
    dh = ex["dh"].intersect(centred)
    return mid, dh, ex["d2h"], em["dh"], ex, em


def _newton(mid, dh_mid: IV, d2: IV) -> IV:
    return IV(mid) - dh_mid / d2


def isolate(params: TaskParams, L: float, U: float, tol_bits: int = 42, initial: int = 32,
            max_boxes: int = 200_000, check: Optional[Callable[[str], None]] = None,
            progress: Optional[Callable[[int], None]] = None) -> Isolation:
    """Certified roots of ``h'`` in ``[L, U]`` (see the module docstring); the
    float stage runs on the shared driver :func:`symlqr.branch.core.branch_and_bound`."""
    res = Isolation()
    grid = np.linspace(L, U, initial + 1)
    grid[0], grid[-1] = L, U
    hard: list = []                     # boxes beyond float precision
    decide = _FloatStage(params, tol_bits, hard)

    def stop():
        if check is not None:
            check("isolating stationary points (interval branch-and-bound)")
        return None

    def tick(out):
        if progress is not None:
            progress(out.boxes - tick.seen)
            tick.seen = out.boxes
    tick.seen = 0
    roots = Boxes(grid[:-1, None].copy(), grid[1:, None].copy())
    out = branch_and_bound(roots, decide, batch=1 << 30, max_boxes=max_boxes, stop=stop,
                           progress=tick)
    res.boxes = out.boxes
    res.roots = list(out.found)
    res.undecided = [(a, b, why) for a, b in
                     _merge([(lo[0], hi[0]) for lo, hi, _ in out.undecided])
                     for why in [out.stopped or "time"]]
    budget = max(200, min(20_000, 2_000_000 // max(len(params), 1)))
    for a, b in _merge(hard):
        roots, left, used = arb_isolate(params, Fraction(a), Fraction(b), budget, check)
        budget = max(0, budget - used)
        res.boxes += used
        res.roots += roots
        res.undecided += left
    res.roots.sort(key=lambda r: r.lo)
    return res


class _FloatStage:
    """The float64 decider of :func:`isolate` (steps 1-3 of the module docstring)
    for :func:`~symlqr.branch.core.branch_and_bound`; boxes beyond float
    precision are collected in ``hard`` for the arb stage."""

    def __init__(self, params: TaskParams, tol_bits: int, hard: list):
        self.params, self.tol_bits, self.hard = params, tol_bits, hard

    def __call__(self, boxes: Boxes) -> Step:
        lo, hi = boxes.lo[:, 0], boxes.hi[:, 0]
        mid, dh, d2, dh_mid, _, _ = _eval_with_mid(self.params, lo, hi)
        keep = dh.contains_zero()
        mono = ~d2.contains_zero()
        nlo, nhi = _newton(mid, dh_mid, d2).entire_if_nan()
        inside = mono & keep & (nlo > lo) & (nhi < hi)
        empty = mono & keep & ((nhi < lo) | (nlo > hi))
        step = Step(excluded={"h' != 0 on the box": ~keep, "interval Newton: no root": empty})
        step.found = [(int(j), RootBox(float(lo[j]), float(hi[j]), "min" if d2.lo[j] > 0 else "max"))
                      for j in np.nonzero(inside)[0]]
        go = keep & ~inside & ~empty
        clo, chi = np.maximum(lo, nlo), np.minimum(hi, nhi)
        shrink = go & mono & (chi - clo < 0.5 * (hi - lo))
        scale = np.maximum(1.0, np.abs(mid))
        width = hi - lo
        # float precision exhausted: h'(m) itself is not separated from 0 on a small box
        noisy = dh_mid.contains_zero() & ~mono & (width <= scale * 2.0 ** -24)
        tiny = go & ~shrink & ((width <= scale * 2.0 ** -self.tol_bits) | noisy)
        self.hard += [(float(lo[j]), float(hi[j])) for j in np.nonzero(tiny)[0]]
        step.excluded["beyond float precision: handed to the arb stage"] = tiny
        split = go & ~shrink & ~tiny
        nlo_ = np.concatenate([clo[shrink], lo[split], mid[split]])
        nhi_ = np.concatenate([chi[shrink], mid[split], hi[split]])
        step.children = Boxes(nlo_[:, None], nhi_[:, None])
        return step


def _merge(boxes: list) -> list:
    out: list = []
    for a, b in sorted(boxes):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(b, out[-1][1]))
        else:
            out.append((a, b))
    return out


# ---------------------------------------------------------------------------
# higher precision: flint.arb balls, one task at a time
# ---------------------------------------------------------------------------
def arb_ball(lo: Fraction, hi: Fraction, prec: Optional[int] = None) -> "flint.arb":
    """An arb ball holding ``[lo, hi]``, built at ``prec`` bits (default: the
    current precision) or more: enough bits that rounding the ends widens the
    ball by at most about ``(hi - lo) / 256``, whatever the caller's context
    (at 53 bits two roots ``1e-17`` apart would share one ball).

    >>> b = arb_ball(Fraction(2, 5), Fraction(2, 5) + Fraction(1, 10 ** 18))
    >>> float(b.rad()) < 1e-17
    True
    """
    need = max(flint.ctx.prec, prec or 0)
    if hi > lo:
        scale = max(abs(lo), abs(hi))
        need = max(need, scale.numerator.bit_length() - scale.denominator.bit_length()
                   - ((hi - lo).numerator.bit_length() - (hi - lo).denominator.bit_length())
                   + 12)
    old = flint.ctx.prec
    try:
        flint.ctx.prec = need
        a = flint.arb(flint.fmpq(lo.numerator, lo.denominator))
        b = flint.arb(flint.fmpq(hi.numerator, hi.denominator))
        return a.union(b)
    finally:
        flint.ctx.prec = old


def arb_terms(params: TaskParams, X, prec: int, second: bool = True) -> dict:
    """Sums of ``h, h', h''`` on the arb ball ``X`` at ``prec`` bits."""
    old = flint.ctx.prec
    try:
        flint.ctx.prec = prec
        acc = {"h": flint.arb(0), "dh": flint.arb(0), "d2h": flint.arb(0)}
        for i in range(len(params)):
            t = terms(X, params.arb(i), second)
            for k in acc:
                if k in t:
                    acc[k] += t[k]
        return acc
    finally:
        flint.ctx.prec = old


def _arb_step(params: TaskParams, a: Fraction, b: Fraction, prec: int):
    """One box at ``prec`` bits: ``("none",)``, ``("root", kind)``,
    ``("shrink", lo, hi)``, ``("split",)`` or ``("stuck",)``."""
    old = flint.ctx.prec
    try:
        flint.ctx.prec = prec
        X, m = arb_ball(a, b), arb_ball((a + b) / 2, (a + b) / 2)
        t = arb_terms(params, X, prec)
        tm = arb_terms(params, m, prec, second=False)
        flint.ctx.prec = prec
        dh = t["dh"]
        centred = tm["dh"] + t["d2h"] * (X - m)
        if not dh.contains(0) or not centred.contains(0):
            return ("none",)
        if not t["d2h"].contains(0):
            nlo, nhi = arb_fractions(m - tm["dh"] / t["d2h"])
            if nhi < a or nlo > b:
                return ("none",)
            if a < nlo and nhi < b:
                return ("root", "min" if t["d2h"] > 0 else "max")
            lo, hi = max(a, nlo), min(b, nhi)
            if hi - lo < (b - a) / 2:
                return ("shrink", lo, hi)
        if tm["dh"].contains(0) or (b - a) < max(1, abs(a)) * Fraction(1, 2 ** (prec - 24)):
            return ("stuck",)
        return ("split",)
    finally:
        flint.ctx.prec = old


def arb_isolate(params: TaskParams, lo: Fraction, hi: Fraction, budget: int,
                check: Optional[Callable[[str], None]] = None) -> tuple:
    """The same branch-and-bound in arb at 128 then 256 bits, on one box beyond
    float precision; returns ``(roots, undecided, boxes used)``."""
    roots, used = [], 0
    todo = [(lo, hi)]
    for prec in (128, 256):
        stuck: list = []
        while todo:
            if used >= budget:
                return roots, _undecided(todo + stuck, "time: budget of arb boxes used"), used
            if check is not None:
                check("isolating stationary points (arb, %d bits)" % prec)
            a, b = todo.pop()
            used += 1
            r = _arb_step(params, a, b, prec)
            if r[0] == "root":
                roots.append(RootBox(a, b, r[1], exact_ends=True))
            elif r[0] == "shrink":
                todo.append((r[1], r[2]))
            elif r[0] == "split":
                m = (a + b) / 2
                todo += [(a, m), (m, b)]
            elif r[0] == "stuck":
                stuck.append((a, b))
        todo = _merge(stuck)
    return roots, _undecided(todo, "precision: h' and h'' enclosures both contain 0 at 53, "
                             "128 and 256 bits (a double root, or roots closer than that?)"), used


def _undecided(boxes: list, reason: str) -> list:
    return [(a, b, reason) for a, b in _merge(boxes)]


def arb_fractions(x) -> tuple[Fraction, Fraction]:
    """Exact rational ends ``mid - rad, mid + rad`` of an arb ball (no rounding:
    ``x.lower()`` would round to the current precision). A ball that is not
    finite (an enclosure that blew up) raises :class:`ArithmeticError`.

    >>> arb_fractions(flint.arb(1) / 4)
    (Fraction(1, 4), Fraction(1, 4))
    """
    if not x.is_finite():
        raise ArithmeticError("an arb enclosure is not finite")

    def exact(v) -> Fraction:
        man, exp = (int(e) for e in v.man_exp())
        return Fraction(man * 2 ** exp) if exp >= 0 else Fraction(man, 2 ** (-exp))
    m, r = exact(x.mid()), exact(x.rad())
    return m - r, m + r


# ---------------------------------------------------------------------------
# refining proven root boxes
# ---------------------------------------------------------------------------
def tighten(params: TaskParams, roots: list, rounds: int = 12) -> list:
    """Shrink each root box by interval Newton steps (``X := N(X) ∩ X``, which
    keeps the root) until the width stalls; returns ``(lo, hi, h enclosure)``
    with ``h`` enclosed by ``h(X) ∩ (h(m) + h'(X) (X - m))``."""
    if not roots:
        return []
    assert not any(r.exact_ends for r in roots), "tighten takes float boxes only"
    lo = np.array([r.lo for r in roots])
    hi = np.array([r.hi for r in roots])
    for _ in range(rounds):
        mid, dh, d2, dh_mid, _, _ = _eval_with_mid(params, lo, hi)
        nlo, nhi = _newton(mid, dh_mid, d2).entire_if_nan()
        clo, chi = np.maximum(lo, nlo), np.minimum(hi, nhi)
        ok = ~d2.contains_zero() & (clo <= chi)
        better = ok & (chi - clo < 0.75 * (hi - lo))
        lo, hi = np.where(better, clo, lo), np.where(better, chi, hi)
        if not better.any():
            break
    mid, _, _, _, ex, em = _eval_with_mid(params, lo, hi)
    hv = ex["h"].intersect(em["h"] + ex["dh"] * (IV(lo, hi) - IV(mid)))
    return [(float(a), float(b), (float(c), float(d)))
            for a, b, c, d in zip(lo, hi, hv.lo, hv.hi)]


# ---------------------------------------------------------------------------
# the strips next to the walls
# ---------------------------------------------------------------------------
def strip_sign(params: TaskParams, lo: float, hi: float) -> Optional[int]:
    """A proven sign of ``h'`` on the part of ``[lo, hi]`` inside the domain,
    for a box around one end of a domain interval, or ``None``.

    On the domain every ``e_i = D_i(F_i(W)) > 0``; for tasks whose enclosure of
    ``e_i`` on the box reaches 0 (those blowing up at the wall),
    ``h_i' = P_i / e_i^2`` with ``0 < e_i <= sup e_i(box)``, so
    ``|h_i'| >= min |P_i| / (sup e_i)^2`` with the sign of ``P_i``. When those
    signs agree and the bound exceeds the enclosure of the other tasks' sum,
    the sign of ``h'`` is proven on the whole strip."""
    X = IV(np.array([[lo]]), np.array([[hi]]))
    t = terms(X, params.intervals(), second=False)
    elo, ehi = t["e"].entire_if_nan()
    plo, phi = t["P"].entire_if_nan()
    dwlo, _ = t["DW"].entire_if_nan()
    adapts = params.iv["ka"].hi[None, :] > 0        # s0a = 0: F_i(W) = W, no pole of F_i
    if ((dwlo <= 0) & adapts).any():
        return None
    near = elo <= 0
    if not near.any():
        return None
    dlo, dhi = t["dh"].entire_if_nan()
    rest = IV(np.where(near, 0.0, dlo), np.where(near, 0.0, dhi)).sum(axis=1)
    sign = np.where(plo > 0, 1, np.where(phi < 0, -1, 0))[near]
    if not (len(set(sign.tolist())) == 1 and sign[0] != 0) or not np.isfinite(ehi[near]).all():
        return None
    pmin = np.minimum(np.abs(plo), np.abs(phi))
    bound = (IV(np.where(near, pmin, 0.0)) / IV(np.where(near, ehi, 1.0)) ** 2)
    total = IV(np.where(near, bound.lo, 0.0)).sum(axis=1)
    s = int(sign[0])
    if s < 0 and (rest - IV(total.lo)).hi[0] < 0:
        return -1
    if s > 0 and (rest + IV(total.lo)).lo[0] > 0:
        return 1
    return None
