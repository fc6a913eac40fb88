"""Validated continuation of a branch of stationary points in the parameter,
and a certified lower bound on the difference of two branches' values.

A branch ``W(p)`` of roots of ``f(W, p)`` (a factor of ``N``) with
``W(p0)`` in the ball ``B`` stays, for ``p`` in ``[p0, p1]``, inside
``Y = B + [-d, d]`` when ``f_W`` excludes 0 on ``Y x [p0, p1]`` and
``M = sup |f_p / f_W| <= d / |p1 - p0|`` there (``|W'| <= M`` while ``W``
is in ``Y``, so it cannot reach the edge of ``Y``). Interval Newton at ``p1``
then tightens the ball. Along a partition of ``[u, v]`` this gives one box
per sub-interval, and ``h_p`` on that box encloses the slope of the branch's
value ``V(p) = h(W(p), p)`` (envelope theorem: ``V' = h_p`` on a branch).

>>> import flint
>>> from symlqr.atlas.bivariate import P, W
>>> boxes = trap_boxes(W * W - P, flint.arb(1), [Fraction(1), Fraction(9, 8), Fraction(5, 4)])
>>> [b.contains(flint.arb(flint.fmpq(x, 16)).sqrt()) for b, x in zip(boxes, (17, 19))]
[True, True]
"""
from __future__ import annotations

from fractions import Fraction
from typing import Optional

import flint
from mpmath import iv

from ..exact.ratfunc import to_fmpq
# the Taylor shifts, kept in their own module; imported from here by the rest
from .shifts import (FIRST_BITS, Shifted, Shifter, _P_MATS, _STREAK, _W_MATS, low_bits,
                     rows_in_p, shift_bits)

__all__ = ["trap_boxes", "trap_refined", "sign_change_node", "Shifter", "Shifted", "arb_to_iv",
           "arb_between", "lower_bound_positive", "rows_in_p", "shift_bits", "low_bits",
           "FIRST_BITS", "_STREAK", "_W_MATS", "_P_MATS"]


def arb_between(u: Fraction, v: Fraction):
    """An arb ball containing ``[min(u, v), max(u, v)]``."""
    return flint.arb(to_fmpq(u)).union(flint.arb(to_fmpq(v)))


def _exact_iv(x) -> "iv.mpf":
    man, exp = x.man_exp()
    return iv.mpf(int(man)) * iv.mpf(2) ** int(exp)


def arb_to_iv(x) -> "iv.mpf":
    """An mpmath interval containing the arb ball ``x`` (outward)."""
    return iv.mpf([_exact_iv(x.lower()).a, _exact_iv(x.upper()).b])


def _dyadic(x) -> Fraction:
    """A short dyadic rational near the midpoint of the ball ``x`` (about 8 bits
    finer than its radius, at most 64 bits): exact Taylor shifts stay cheap."""
    mid, rad = x.mid(), x.rad()
    bits = 64 if rad == 0 else int(min(64, max(16, 8 - float(rad.log_base(2)))))
    if abs(mid) > 1:
        bits += int(float(abs(mid).log_base(2)))
    man = int((mid * 2 ** bits).floor().unique_fmpz())
    return Fraction(man, 2 ** bits)


def _centre(p0: Fraction, p1: Fraction) -> Fraction:
    """The midpoint of ``p0`` and ``p1`` (any point between them would do)."""
    return (p0 + p1) / 2


def _trap_step(shifter: Shifter, B, p0, p1, fence: bool = True):
    """One step of :func:`trap_boxes`: ``(box over [p0, p1], ball at p1)`` or None.

    The box follows the branch's tangent: with ``t = W - w0``, ``sigma = p - p0``
    and ``lam`` the slope ``-f_p / f_W`` at the start (a short rational), the
    branch is ``t = lam sigma + tau(sigma)`` with ``tau(0)`` in ``T0`` and
    ``tau' = -f_p / f_W - lam``. When ``f_W`` excludes 0 and ``tau'`` lies in
    ``R`` on the parallelogram ``{lam sigma + tau : tau in T}`` (enclosed on
    one, else ``_SLICES`` sub-boxes along ``sigma``, balls of the one Taylor shift)
    and ``T0 + R [0, p1 - p0]`` lies in ``T``, the branch cannot leave the
    parallelogram over the step. Following the tangent keeps ``T`` small: the
    quotient ``f_p / f_W`` of a factor of high degree varies fast across the
    branch (both carry the far roots' product), not along it."""
    if not B.is_finite():
        return None
    c, w0 = _centre(p0, p1), _dyadic(B)
    g = shifter.shift(w0, c)
    S = arb_between(p0 - c, p1 - c)
    h = p1 - p0
    span = arb_between(Fraction(0), h)                       # p - p0 over the step
    T0 = B - flint.arb(to_fmpq(w0))
    lam = _tangent(g, T0, p0 - c)
    for slices in (1, _SLICES):              # one slice is often enough, and cheaper
        got = _contained(g, T0, lam, p0 - c, h, slices)
        if got is not None:
            break
    else:
        return _fenced(g, T0, S) if fence else None
    R, reach = got
    L = flint.arb(to_fmpq(lam))
    # interval Newton at p1 tightens the ball (the branch is its only root)
    T1, s1 = L * flint.arb(to_fmpq(h)) + T0 + R * flint.arb(to_fmpq(h)), flint.arb(to_fmpq(p1 - c))
    for _newton in range(6):
        m = T1.mid()
        N = m - g.value(m, s1) / g.d_t(T1, s1)
        if not T1.overlaps(N):
            break
        T1 = T1.intersection(N)
    w = flint.arb(to_fmpq(w0))
    return reach + L * span + w, T1 + w


_SLICES = 8


def _contained(g, T0, lam: Fraction, s0: Fraction, h: Fraction, slices: int):
    """``(R, reach)`` with ``reach = T0 + R [0, h]`` inside the ``T`` on which
    the drift ``R`` was enclosed (:func:`_drift`), ``T`` widened up to five
    times; None when ``f_W`` may vanish or the reach is not contained."""
    span = arb_between(Fraction(0), h)
    T = T0
    for _attempt in range(6):
        R = _drift(g, T, lam, s0, h, slices)
        if R is None:
            return None
        reach = T0 + R * span                         # tau(sigma) for sigma in the step, if in T
        if T.contains(reach):
            return R, reach
        T = T.union(reach + (reach - reach.mid()))           # widen and retry
    return None


def _tangent(g, T0, s0: Fraction) -> Fraction:
    """A short dyadic rational near the branch's slope ``-f_p / f_W`` at the
    centre of ``T0`` and ``s = s0`` (0 where it is not finite)."""
    s = flint.arb(to_fmpq(s0))
    ft = g.d_t(T0.mid(), s)
    if ft.contains(0):
        return Fraction(0)
    q = -g.d_s(T0.mid(), s) / ft
    if not q.is_finite():
        return Fraction(0)
    return Fraction(int((q.mid() * 2 ** 40).floor().unique_fmpz()), 2 ** 40)


def _drift(g, T, lam: Fraction, s0: Fraction, h: Fraction, slices: int = _SLICES):
    """An arb ball holding ``-f_p / f_W - lam`` on the parallelogram
    ``t = lam sigma + tau``, ``s = s0 + sigma``, ``tau`` in ``T``, ``sigma``
    between 0 and ``h`` (the union over ``slices`` slices of ``sigma``), or
    None where ``f_W`` may vanish."""
    L, out = flint.arb(to_fmpq(lam)), None
    for i in range(slices):
        sig = arb_between(h * i / slices, h * (i + 1) / slices)
        t, s = T + L * sig, flint.arb(to_fmpq(s0)) + sig
        fW = g.d_t(t, s)
        if fW.contains(0):
            return None
        q = -g.d_s(t, s) / fW - L
        out = q if out is None else out.union(q)
    return out


def _fenced(g, T0, S):
    """Fallback of :func:`_trap_step` where ``f_W`` may vanish (near a fold):
    a box ``T0 + [-r, r]`` whose two ends are no root of ``g`` for any ``s`` in
    ``S`` (``g`` excludes 0 there) holds the branch over the whole step, since
    the branch would have to cross an end to leave. The ball at the step's end
    is then the box itself."""
    base = max(T0.rad().abs_upper(), flint.arb(2) ** -100)
    for k in range(0, 120, 6):
        r = base * flint.arb(2) ** k
        T = T0 + flint.arb(0, r)
        ends = (T0.lower() - r, T0.upper() + r)
        if all(not g.value(flint.arb(e), S).contains(0) for e in ends):
            w = flint.arb(to_fmpq(g.w0))
            return T + w, T + w
        if r > 1:
            break
    return None


def trap_boxes(f, B, nodes: list) -> Optional[list]:
    """Boxes ``Y_i`` (arb balls in ``W``) holding the branch of roots of ``f``
    (in QQ[W, p]) through ``W(nodes[0])`` in ``B`` for ``p`` between
    ``nodes[i]`` and ``nodes[i + 1]`` (nodes monotone, in the direction of
    travel); None where the a-priori bound fails."""
    shifter = f if isinstance(f, Shifter) else Shifter(rows_in_p(f))
    out = []
    with flint.ctx.workprec(128):
        for p0, p1 in zip(nodes, nodes[1:]):
            step = _trap_step(shifter, B, p0, p1)
            if step is None:
                return None
            out.append(step[0])
            B = step[1]
    return out


def trap_refined(f, B, nodes: list, accept, depth: int = 4,
                 starts: Optional[list] = None) -> Optional[list]:
    """Like :func:`trap_boxes`, with each step halved (up to ``depth`` times)
    where interval Newton cannot trap the branch or ``accept(Y, q0, q1)``
    refuses the box (returns None); the fence of :func:`_fenced` is used on
    the finest steps only (its boxes are wide). Returns ``[(q0, q1, Y,
    accept(Y, q0, q1))]`` in the direction of travel, or None.

    The halvings carry over from one step to the next (:class:`_Level`):
    a step starts at the level where the last one succeeded, and tries one
    level coarser after ``_Level.STREAK`` successes there; every box is still
    proven by :func:`_trap_step` and ``accept``, only the failed tries are
    fewer (each costs a Taylor shift). ``starts``, when given, receives the
    ball holding the branch at the start of each step (to trap a step again,
    halved: :mod:`~symlqr.atlas.refine`)."""
    shifter = f if isinstance(f, Shifter) else Shifter(rows_in_p(f))
    out: list = []
    level = _Level()
    with flint.ctx.workprec(128):
        for p0, p1 in zip(nodes, nodes[1:]):
            B = _trap_split(shifter, B, p0, p1, 0, depth, out, accept, level, starts)
            if B is None:
                return None
    return out


class _Level:
    """The number of halvings to start each step of :func:`trap_refined` at."""
    STREAK = 4

    def __init__(self):
        self.start, self.streak = 0, 0

    def success(self, level: int) -> None:
        if level > self.start:           # the second half of a step split before: no news
            return
        self.start, self.streak = level, self.streak + 1
        if self.streak >= self.STREAK and self.start > 0:
            self.start, self.streak = self.start - 1, 0

    def failure(self, level: int) -> None:
        self.start, self.streak = max(self.start, level + 1), 0


def _trap_split(shifter, B, p0, p1, level, depth, out, accept, state, starts=None):
    if level >= min(state.start, depth):
        step = _trap_step(shifter, B, p0, p1, fence=level >= depth)
        if step is not None:
            got = accept(step[0], p0, p1)
            if got is not None:
                out.append((p0, p1, step[0], got))
                if starts is not None:
                    starts.append(B)
                state.success(level)
                return step[1]
        if level >= depth:
            return None
        state.failure(level)
    m = (p0 + p1) / 2
    B = _trap_split(shifter, B, p0, m, level + 1, depth, out, accept, state, starts)
    return None if B is None else _trap_split(shifter, B, m, p1, level + 1, depth, out,
                                              accept, state, starts)


def lower_bound_positive(nodes: list, slopes: list, gap_lo, gap_hi,
                         inner: Optional[list] = None) -> bool:
    """Is ``d > 0`` on ``[nodes[0], nodes[-1]]``, given ``d' in slopes[i]`` (mpmath
    intervals) between consecutive nodes and ``d(nodes[0]) >= gap_lo``,
    ``d(nodes[-1]) >= gap_hi`` (None: unknown), and ``d(nodes[i]) >= inner[i]``
    where ``inner`` (one entry per node, None: unknown) says so?

    Lower bounds at the nodes are carried forward from the first node and
    backward from the last; inside a sub-interval ``d >= lam L1 + (1 - lam) L2``
    for the two linear lower bounds ``L1``, ``L2`` and any ``lam`` in [0, 1].

    >>> from mpmath import iv
    >>> lower_bound_positive([0, 1, 2], [iv.mpf([-1, 1])] * 2, iv.mpf(1), iv.mpf(1))
    False
    >>> lower_bound_positive([0, 1, 2], [iv.mpf([-0.4, 0.4])] * 2, iv.mpf(1), iv.mpf(1))
    True
    >>> lower_bound_positive([0, 1, 2], [iv.mpf([-1, 1])] * 2, iv.mpf(1), iv.mpf(1),
    ...                      [None, iv.mpf(1), None])          # d >= 1 known at the middle too
    True
    """
    K = len(slopes)
    deltas = [iv.mpf(Fraction(b - a).numerator) / Fraction(b - a).denominator
              for a, b in zip(nodes, nodes[1:])]
    known = [None] * (K + 1) if inner is None else inner
    fwd = [None] * (K + 1)
    bwd = [None] * (K + 1)
    fwd[0], bwd[K] = _best(gap_lo, known[0]), _best(gap_hi, known[K])
    for i in range(K):
        step = None if fwd[i] is None else fwd[i] + deltas[i] * min(slopes[i].a, 0)
        fwd[i + 1] = _best(step, known[i + 1])
    for i in range(K - 1, -1, -1):
        step = None if bwd[i + 1] is None else bwd[i + 1] - deltas[i] * max(slopes[i].b, 0)
        bwd[i] = _best(step, known[i])
    low = [_best(f, b) for f, b in zip(fwd, bwd)]
    for i in range(K):
        a, b = slopes[i].a, slopes[i].b
        l1, l2, d = low[i], low[i + 1], deltas[i]
        if l1 is None and l2 is None:
            return False
        if l2 is None or a >= 0:
            bound = l1 + d * min(a, 0) if a < 0 else l1
        elif l1 is None or b <= 0:
            bound = l2 - d * max(b, 0) if b > 0 else l2
        else:
            lam = iv.mpf(b / (b - a)).mid           # any value in [0, 1] is valid
            lam = min(max(lam, 0), 1)
            resid = lam * iv.mpf(a) + (1 - lam) * iv.mpf(b)
            bound = lam * l1 + (1 - lam) * (l2 - d * b) + d * min(resid.a, 0)
        if not iv.mpf(bound).a > 0:
            return False
    return True


def sign_change_node(nodes: list, slopes: list, top_lo, top_hi) -> Optional[int]:
    """Index of a node where ``d < 0`` is proven, given ``d' in slopes[i]`` and
    ``d(nodes[0]) <= top_lo``, ``d(nodes[-1]) <= top_hi`` (None: unknown);
    upper bounds are carried forward and backward as in
    :func:`lower_bound_positive`. None when no node is proven negative.

    >>> from mpmath import iv
    >>> sign_change_node([0, 1, 2], [iv.mpf([-3, -2])] * 2, iv.mpf(1), None)
    1
    """
    K = len(slopes)
    deltas = [iv.mpf(Fraction(b - a).numerator) / Fraction(b - a).denominator
              for a, b in zip(nodes, nodes[1:])]
    up = [None] * (K + 1)
    up[0] = top_lo
    for i in range(K):
        if up[i] is not None:
            up[i + 1] = up[i] + deltas[i] * slopes[i].b
    if top_hi is not None:
        cur = top_hi
        for i in range(K, -1, -1):
            if i < K:
                cur = cur - deltas[i] * slopes[i].a
            if up[i] is None or iv.mpf(cur).b < iv.mpf(up[i]).b:
                up[i] = cur
    for i in range(1, K):
        if up[i] is not None and iv.mpf(up[i]).b < 0:
            return i
    return None


def _best(f, b):
    if f is None:
        return b
    if b is None:
        return f
    return f if iv.mpf(f).a >= iv.mpf(b).a else b
