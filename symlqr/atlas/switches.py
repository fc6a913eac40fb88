"""Global switches inside a piece: where the global minimum changes between
two local minima of equal value, or a proof that it does not.

On a branch of stationary points ``h_W = 0``, so its value
``V(p) = h(W(p), p)`` has ``V'(p) = h_p(W(p), p)`` (envelope theorem). With
each branch trapped in a box by exact root counting in ``p`` and ``h_p``
enclosed on the box, the values of the minima are proven separated on the
piece; otherwise a change of the global minimum between rational samples is
enclosed by certified bisection.

>>> from symlqr.atlas.family import _P, _W
>>> _fence_ok(_W * _W - _P, Fraction(1), Fraction(2), Fraction(3))   # 1 - p != 0 on [2, 3]
True
>>> _fence_ok(_W * _W - _P, Fraction(1), Fraction(0), Fraction(3))   # p = 1 is a root
False
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Optional

from mpmath import iv

from .events import CriticalValue
from .family import Family, _at_p, _at_w, _deg_w
from ..scalar.landscape import Landscape
from ..exact.realroots import count_real_roots, iv_from_fraction, simplest_between

__all__ = ["Piece"]


@dataclass
class Piece:
    """An open interval of the parameter with constant certified counts."""
    lo: Optional[CriticalValue]          # None: the range's lower end LO (excluded)
    hi: Optional[CriticalValue]          # None: the range's upper end HI (included)
    sample: Fraction
    landscape: Landscape
    checks: list = field(default_factory=list)      # further samples certified
    switch_free: Optional[bool] = None
    switch_note: str = ""

    @property
    def counts(self) -> dict:
        return self.landscape.counts()


def _bound_global(fam, pc) -> bool:
    """Does a global minimum of the piece lie on a factor of N that stays on the
    lower bound (exact)?"""
    for p in pc.landscape.minima():
        if p.is_global:
            a = _factor_of(fam, p, pc.sample)
            if a is not None and fam.on_bound[a]:
                return True
    return False


def _global_index(ls: Landscape) -> Optional[tuple]:
    mins = [k for k, p in enumerate(ls.points) if p.is_local_min]
    if any(ls.points[k].is_global is None for k in mins):
        return None
    return tuple(k for k in mins if ls.points[k].is_global)


def _factor_of(fam: Family, point, p: Fraction) -> Optional[int]:
    """Index of the irreducible factor of ``N(W, p)`` that vanishes at the point."""
    for a, (g, _m) in enumerate(fam.n_factors):
        if _deg_w(g) >= 1 and point.W._has_common_root(_at_p(g, p)):
            return a
    return None


def _box(u: Fraction, v: Fraction):
    return iv.mpf([iv_from_fraction(u).a, iv_from_fraction(v).b])


def _fence_ok(f, w: Fraction, u: Fraction, v: Fraction) -> bool:
    """Exact: ``f(w, p) != 0`` for every ``p`` in ``[u, v]``."""
    g = _at_w(f, w)
    if g.is_zero():
        return False
    if g.degree() < 1:
        return True
    return count_real_roots(g, u, v) == 0


def _trap(fam, a: int, spots: list, u: Fraction, v: Fraction):
    """A rational interval ``[xl, xh]`` containing the branch of factor ``a``
    through the given points for every ``p`` in ``[u, v]`` (within the piece):
    ``f_a`` has no root on its ends for ``p`` in ``[u, v]`` (exact root
    counting), so the continuous branch cannot leave it. None if not found."""
    f = fam.n_factors[a][0]
    lo = min(s.lo for s in spots)
    hi = max(s.hi for s in spots)
    base = max(hi - lo, max(Fraction(1), abs(hi)) / Fraction(2) ** 30)
    for scale in (Fraction(1, 4), Fraction(2), Fraction(1, 64), Fraction(16)):
        xl, xh = lo - base * scale, hi + base * scale
        if _fence_ok(f, xl, u, v) and _fence_ok(f, xh, u, v):
            return xl, xh
    return None


def _prove_no_switch(fam, u, v, Lu, Lv, g_idx, m_idx, run, depth, undecided_ranges):
    """Prove ``h(branch j) > h(branch g)`` on ``[u, v]`` for every minimum ``j != g``.

    On a branch ``h_W = 0``, so its value ``V(p) = h(W(p), p)`` has ``V' = h_p``
    there (envelope theorem). With every branch trapped in a box ``X x [u, v]``
    (:func:`_trap`) and ``h_p`` enclosed on the box, the difference of two
    values at ``p`` differs from its certified value at a known end by at
    most ``|p - end| * sup |h_p^j - h_p^g|``. If that cannot be shown, the
    interval is split at a certified midpoint; unproven sub-ranges are
    appended to ``undecided_ranges``."""
    known = [(L, x) for L, x in ((Lu, u), (Lv, v)) if L is not None]
    P = _box(u, v)
    slopes = {}
    ok = True
    old = iv.prec
    iv.prec = 96
    try:
        for i in m_idx:
            spots = [L.points[i].W for L, _x in known]
            a = _factor_of(fam, known[0][0].points[i], known[0][1])
            X = None if a is None else _trap(fam, a, spots, u, v)
            if X is None:
                ok = False
                break
            try:
                slopes[i] = fam.value_interval(_box(*X), P)[1]
            except ZeroDivisionError:
                ok = False
                break
        if ok:
            L, x = known[0]
            span = iv_from_fraction(v - u)
            for j in m_idx:
                if j == g_idx:
                    continue
                gap = iv_from_fraction(L.points[j].h.lo) - iv_from_fraction(L.points[g_idx].h.hi)
                drift = slopes[j] - slopes[g_idx]
                worst = max(abs(drift.a), abs(drift.b)) * span
                if not (gap - worst).a > 0:
                    ok = False
                    break
    finally:
        iv.prec = old
    if ok:
        return
    if depth <= 0:
        undecided_ranges.append((u, v))
        return
    m = simplest_between(u + (v - u) / 4, v - (v - u) / 4)
    Lm = run(m)
    ref = known[0][0]
    if [p.kind for p in Lm.points] != [p.kind for p in ref.points] or \
            _global_index(Lm) != _global_index(ref):
        undecided_ranges.append((u, v))
        return
    _prove_no_switch(fam, u, m, Lu, Lm, g_idx, m_idx, run, depth - 1, undecided_ranges)
    _prove_no_switch(fam, m, v, Lm, Lv, g_idx, m_idx, run, depth - 1, undecided_ranges)


def _proof_of_piece(fam, pc, pts, sig, LO, HI, run, depth=3) -> list:
    """Run :func:`_prove_no_switch` over the whole piece; returns the unproven ranges."""
    ls = sig[pts[0]]
    gi = _global_index(ls)
    if gi is None or len(gi) != 1:
        a = pc.lo.lo if pc.lo is not None else LO
        b = pc.hi.hi if pc.hi is not None else HI
        return [(a, b)]
    m_idx = [k for k, p in enumerate(ls.points) if p.is_local_min]
    bad: list = []
    lo_end = pc.lo.lo if pc.lo is not None else LO
    hi_end = pc.hi.hi if pc.hi is not None else HI
    if lo_end < pts[0]:
        _prove_no_switch(fam, lo_end, pts[0], None, sig[pts[0]], gi[0], m_idx, run, depth, bad)
    for x, y in zip(pts, pts[1:]):
        _prove_no_switch(fam, x, y, sig[x], sig[y], gi[0], m_idx, run, depth, bad)
    if pts[-1] < hi_end:
        _prove_no_switch(fam, pts[-1], hi_end, sig[pts[-1]], None, gi[0], m_idx, run, depth, bad)
    return bad


def _switches(fam, pc: Piece, LO, HI, run, grid, bits, undecided):
    """Prove that the global minimum does not change inside a piece, or enclose
    the changes; returns the new switch critical values and the piece, split
    at them.

    * If a global minimum lies on a factor of ``N`` that divides every
      ``c_i(F_i)`` (so ``h`` equals its lower bound there for every ``p``),
      another point can become global only by reaching the lower bound: those
      ``p`` are roots of the touch eliminants, already critical values. Proven.
    * Otherwise the global minimum is identified at ``grid`` rational points;
      a change between two of them is enclosed by certified bisection (by
      continuity the enclosure contains a switch). Between the points this is
      a sampled check, recorded as such."""
    ls = pc.landscape
    mins = ls.minima()
    finite_limits = any(d.lo_limit is not None or d.hi_limit is not None for d in ls.domain)
    if len(mins) < 2 and not finite_limits:
        pc.switch_free, pc.switch_note = True, "at most one local minimum and h -> +inf at the walls"
        return [], [pc]
    glob = [p for p in mins if p.is_global]
    if not finite_limits and any(fam.on_bound[_factor_of(fam, p, pc.sample)] for p in glob
                                 if _factor_of(fam, p, pc.sample) is not None):
        pc.switch_free = True
        pc.switch_note = ("a global minimum equals the lower bound sum_i w_i C_i(W*_i) on the "
                          "whole piece, and no other stationary point reaches it inside (exact)")
        return [], [pc]
    a = pc.lo.hi if pc.lo is not None else LO
    b = pc.hi.lo if pc.hi is not None else HI
    step = (b - a) / (grid + 1)
    pts = sorted({simplest_between(a + step * k - step / 8, a + step * k + step / 8)
                  for k in range(1, grid + 1)} | {pc.sample})
    pts = [x for x in pts if a < x < b or (pc.hi is None and x == b)]
    sig = {x: (ls if x == pc.sample else run(x)) for x in pts}
    pc.checks = [x for x in pts if x != pc.sample]
    for x in pts:
        if [p.kind for p in sig[x].points] != [p.kind for p in ls.points]:
            undecided.append(f"{fam.param} = {x}: stationary points differ from those at "
                             f"{pc.sample} in the same piece (an event was missed)")
    note = ""
    out_cvs, out_pieces = [], []
    start = pc.lo
    first = pts[0]
    for x, y in zip(pts, pts[1:]):
        gx, gy = _global_index(sig[x]), _global_index(sig[y])
        if gx is None or gy is None or gx == gy:
            continue
        u, v = x, y
        while v - u > max(Fraction(1), abs(v)) / Fraction(2) ** bits:
            m = simplest_between(u + (v - u) / 4, v - (v - u) / 4)
            gm = _global_index(run(m))
            if gm == gx:
                u = m
            elif gm == gy:
                v = m
            else:
                break
        cv = CriticalValue("switch", u, v, "two local minima have equal values: the global "
                           f"minimum changes (certified at {fam.param} = {u} and {v}; by "
                           "continuity a switch lies between)")
        out_cvs.append(cv)
        out_pieces.append(Piece(start, cv, first, sig[first], switch_note=note))
        start, first = cv, y
    last = Piece(start, pc.hi, first, sig[first], switch_note=note)
    last.checks = pc.checks if not out_cvs else []
    out_pieces.append(last)
    if finite_limits:
        undecided.append(f"piece around {fam.param} = {pc.sample}: h has a finite limit at "
                         "a wall; switches against it are not analysed")
        return out_cvs, out_pieces
    # prove the absence of further switches on each part
    for k, part in enumerate(out_pieces):
        lo_cv, hi_cv = part.lo, part.hi
        inner = [x for x in pts if (lo_cv is None or x > lo_cv.hi) and (hi_cv is None or x < hi_cv.lo)
                 or (hi_cv is None and x == HI)]
        bad = _proof_of_piece(fam, part, inner, sig, LO, HI, run) if inner else [(None, None)]
        if bad:
            part.switch_free = None
            part.switch_note = ("no switch between sampled points proven absent on "
                                + ", ".join(f"[{_short(x)}, {_short(y)}]" for x, y in bad))
            undecided.append(f"piece around {fam.param} = {part.sample}: {part.switch_note}")
        else:
            part.switch_free = True
            part.switch_note = ("the values of the minima are separated on the whole piece "
                                "(branches trapped by exact root counting in the parameter, "
                                "values enclosed by interval arithmetic)")
    return out_cvs, out_pieces


def _short(x) -> str:
    return "?" if x is None else f"{float(x):.6g}"
