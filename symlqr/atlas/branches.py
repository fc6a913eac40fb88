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
from math import comb
from typing import Optional

import flint
from mpmath import iv

from ..exact.ratfunc import to_fmpq

__all__ = ["trap_boxes", "trap_refined", "sign_change_node", "Shifter", "arb_to_iv", "arb_between",
           "lower_bound_positive", "rows_in_p"]


def arb_between(u: Fraction, v: Fraction):
    """An arb ball containing ``[min(u, v), max(u, v)]``."""
    return flint.arb(to_fmpq(u)).union(flint.arb(to_fmpq(v)))


def _horner(coeffs: list, x):
    acc = flint.arb(0)
    for c in reversed(coeffs):
        acc = acc * x + c
    return acc


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


def rows_in_p(f) -> list:
    """``f = sum_j b_j(W) p^j`` as the list of ``b_j`` (``fmpq_poly`` in ``W``)."""
    d = f.to_dict()
    degw = max(k[0] for k in d)
    degp = max(k[1] for k in d)
    rows = [[flint.fmpq(0)] * (degw + 1) for _ in range(degp + 1)]
    for (i, j), c in d.items():
        rows[j][i] = c
    return [flint.fmpq_poly(r) for r in rows]


class Shifter:
    """Taylor shifts of ``g(W, p) = sum_j b_j(W) p^j`` (rows ``b_j``,
    ``fmpq_poly`` in ``W``) as ball matrices: the coefficients of
    ``g(w0 + t, c + s) = sum_{k,i} S[k, i] t^k s^i`` are

        S = M G Q,   M[i, k] = C(k, i) w0^(k-i),  Q[j, i] = C(j, i) c^(j-i)

    with ``G[k, j]`` the coefficient of ``W^k p^j`` (``M = D^-1 Pas D`` with
    ``D = diag(w0^k)``, built directly; ``Q`` block diagonal, one block per
    polynomial, applied block by block): FLINT matrix products in ball
    arithmetic (every coefficient of ``S`` is
    enclosed), instead of exact rational compositions. Evaluating the shifted
    polynomial on small centred boxes is tight (no cancellation between large
    coefficients).

    >>> from symlqr.atlas.bivariate import P, W
    >>> sh = Shifter(rows_in_p(W * W - P)).shift(Fraction(1), Fraction(1))
    >>> sh.value(flint.arb(0), flint.arb(0)), sh.d_t(flint.arb(0), flint.arb(0))
    (0, 2.00000000000000)
    """

    def __init__(self, *polys: list):
        self.n = max(r.degree() for rows in polys for r in rows) + 1
        self.blocks, start = [], 0                    # the columns of each polynomial
        for rows in polys:
            self.blocks.append((start, len(rows)))
            start += len(rows)
        n, self.m = self.n, start
        self.bits = shift_bits(n)
        with flint.ctx.workprec(self.bits):
            cf = [r.coeffs() + [0] * (n - len(r.coeffs())) for rows in polys for r in rows]
            self.G = flint.arb_mat([[flint.arb(c[k]) for c in cf] for k in range(n)])
            self.Gblocks = [flint.arb_mat([[self.G[r, start + j] for j in range(k)]
                                           for r in range(n)]) for start, k in self.blocks]
            self.pas = flint.arb_mat([[comb(k, i) for k in range(n)] for i in range(n)])
        self._start, self._streak = FIRST_BITS, 0      # where the ladder starts (shift)

    def shift(self, w0: Fraction, c: Fraction) -> "Shifted":
        """The shift about ``(w0, c)``, at the lowest precision of a ladder
        whose low-order coefficients come out accurate (:meth:`Shifted.accurate`):
        whole 64-bit words from :data:`FIRST_BITS` (two), climbing to the words
        that the bits lost call for (each kept when ``_FIRST_OK`` bits are
        correct), then ``low_bits(n)`` (kept with 48 correct bits) and
        ``shift_bits(n)``. Every rung is a valid enclosure; the precision only
        decides how tight (the cost grows with the words: at degree 99 about
        13 ms at 128 bits against 30 ms at 248). The ladder starts at the rung
        kept last (one word lower after ``_STREAK`` shifts kept there), since
        the bits lost change slowly along a branch: a failed try costs a shift."""
        low = low_bits(self.n)
        bits = self._start
        while bits < low:
            got = self._shift(w0, c, bits)
            lost = got.lost_bits(bits)
            if lost is not None and bits - lost >= _FIRST_OK:
                return self._kept_at(bits, got)
            need = None if lost is None else _words(lost + _FIRST_OK + 8)
            if need is None or need <= bits or need >= low:
                break
            bits = need
        if low < self.bits:
            got = self._shift(w0, c, low)
            if got.accurate(48):
                return self._kept_at(low, got)
        return self._kept_at(low, self._shift(w0, c, self.bits))

    def _kept_at(self, bits: int, got: "Shifted") -> "Shifted":
        """Start the next ladder at ``bits`` (where this one ended), or one word
        lower after ``_STREAK`` shifts kept at the start."""
        if bits != self._start:
            self._start, self._streak = max(bits, self._start), 0
            return got
        self._streak += 1
        if self._streak >= _STREAK and bits > FIRST_BITS:
            self._start, self._streak = max(FIRST_BITS, _words(bits) - 64), 0
        return got

    def _shift(self, w0: Fraction, c: Fraction, bits: int) -> "Shifted":
        with flint.ctx.workprec(bits):
            M = None if w0 == 0 else _w_matrix(self.pas, self.n, bits, w0)
            mats = []
            for Gk in self.Gblocks:                   # p -> c + s, one polynomial at a time
                Q = _p_matrix(Gk.ncols(), bits, c)
                mats.append(Gk * Q if M is None else M * (Gk * Q))
            return Shifted(mats, w0, c)


# The shift matrices depend only on (size, precision, centre): a trap step and its
# value slope share the centre in p, a step halved again starts from the same ball
# (so the same centre in W); the last few are kept (the same balls, not recomputed).
_KEPT = 8
_W_MATS: dict = {}
_P_MATS: dict = {}


def _kept(cache: dict, key, make):
    got = cache.get(key)
    if got is None:
        got = cache[key] = make()
        if len(cache) > _KEPT:
            del cache[next(iter(cache))]              # the oldest
    return got


def _w_matrix(pas, n: int, bits: int, w0: Fraction):
    """``M[i, k] = C(k, i) w0^(k - i)`` (``W -> w0 + t``; ``= D^-1 Pas D``) at
    ``bits`` (the current working precision)."""
    def make():
        x, xp = flint.arb(to_fmpq(w0)), [flint.arb(1)]
        for _ in range(n):
            xp.append(xp[-1] * x)
        M = flint.arb_mat(n, n)
        for k in range(n):
            for i in range(k + 1):
                M[i, k] = pas[i, k] * xp[k - i]
        return M
    return _kept(_W_MATS, (n, bits, w0), make)


def _p_matrix(k: int, bits: int, c: Fraction):
    """``Q[j, i] = C(j, i) c^(j - i)`` (``p -> c + s``) of size ``k`` at ``bits``."""
    def make():
        cq, cpow = flint.arb(to_fmpq(c)), [flint.arb(1)]
        for _ in range(k):
            cpow.append(cpow[-1] * cq)
        Q = flint.arb_mat(k, k)
        for j in range(k):
            for i in range(j + 1):
                Q[j, i] = comb(j, i) * cpow[j - i]
        return Q
    return _kept(_P_MATS, (k, bits, c), make)


#: The first precision of :meth:`Shifter.shift` (two 64-bit words) and the correct
#: bits it asks of the low-order coefficients there (more than the 48 asked at
#: ``low_bits``: the boxes were proven with results at least that accurate).
FIRST_BITS, _FIRST_OK = 128, 96
#: Shifts kept at the ladder's start before it tries one word lower.
_STREAK = 8


def _words(bits: float) -> int:
    """``bits`` rounded up to whole 64-bit words (Arb computes in words)."""
    return 64 * max(1, -int(-bits // 64))


def shift_bits(n: int) -> int:
    """Working precision of the Taylor shifts of a polynomial with ``n``
    coefficients in ``W``: 128 bits up to degree 40; beyond, 5 bits more per
    degree (the binomial sums of a shift lose about that much: with 128 bits
    the branches of Figure 3c's factor of degree 96 were not trapped at all).

    >>> shift_bits(37), shift_bits(97)
    (128, 413)
    """
    return 128 + 5 * max(0, n - 40)


def low_bits(n: int) -> int:
    """The precision tried first (:meth:`Shifter.shift`): 2 bits per degree
    beyond 40 (enough for Figure 3c's factor of degree 96 at every shift of its
    atlas: the same trap boxes succeed as at :func:`shift_bits`).

    >>> low_bits(37), low_bits(97)
    (128, 242)
    """
    return 128 + 2 * max(0, n - 40)


class Shifted:
    """``sum_{k,i} S[k, i] t^k s^i`` about ``(w0, c)`` (see :class:`Shifter`),
    evaluated with its partial derivatives on balls ``t``, ``s``; ``part``
    picks one of the polynomials shifted together (``mats``: one ``S`` each)."""

    __slots__ = ("mats", "w0", "c")

    def __init__(self, mats: list, w0: Fraction, c: Fraction):
        self.mats, self.w0, self.c = mats, w0, c

    def lost_bits(self, prec: int) -> Optional[float]:
        """Bits lost at the working precision ``prec``: ``prec`` minus the
        correct bits of :meth:`accurate`'s coefficients (the fewest); None when
        one is not finite or all are zero."""
        correct = None
        for S in self.mats:
            ent = [S[0, 0]] + ([S[1, 0]] if S.nrows() > 1 else []) + \
                ([S[0, 1]] if S.ncols() > 1 else [])
            if not all(e.is_finite() for e in ent):
                return None
            top, rad = max(abs(e.mid()) for e in ent), max(e.rad() for e in ent)
            if top == 0:
                if rad > 0:
                    return None             # noise only
                continue                    # exact zeros
            got = float(prec) if rad == 0 else float((top / rad).log_base(2))
            correct = got if correct is None else min(correct, got)
        return None if correct is None else prec - correct

    def accurate(self, bits: int) -> bool:
        """Do the value and first derivatives at the centre (``S[0, 0]``,
        ``S[1, 0]``, ``S[0, 1]`` of each polynomial) carry radii below
        ``2^-bits`` of the largest of them?"""
        for S in self.mats:
            ent = [S[0, 0]] + ([S[1, 0]] if S.nrows() > 1 else []) + \
                ([S[0, 1]] if S.ncols() > 1 else [])
            top = max(abs(e.mid()) for e in ent)
            if top == 0 or any(e.rad() > top * flint.arb(2) ** -bits for e in ent):
                return False
        return True

    def _row(self, t, deriv: bool) -> list:
        n = self.mats[0].nrows()
        pw = [flint.arb(1)]
        for _ in range(n - 1):
            pw.append(pw[-1] * t)
        v = flint.arb_mat([[flint.arb(0)] + [pw[k - 1] * k for k in range(1, n)] if deriv
                           else pw])
        return [v * S for S in self.mats]

    def _dot(self, rows: list, s, deriv: bool, part: int):
        row = rows[part]
        m = row.ncols()
        if deriv:
            return _horner([row[0, i] * i for i in range(1, m)], s)
        return _horner([row[0, i] for i in range(m)], s)

    def value(self, t, s, part: int = 0):
        return self._dot(self._row(t, False), s, False, part)

    def d_t(self, t, s, part: int = 0):
        return self._dot(self._row(t, True), s, False, part)

    def d_s(self, t, s, part: int = 0):
        return self._dot(self._row(t, False), s, True, part)

    def mean_values(self, t, s) -> list:
        """Each polynomial on ``t x s`` by the mean-value form about the centre."""
        r0, r1 = self._row(t, False), self._row(t, True)
        return [self.mats[k][0, 0] + self._dot(r1, s, False, k) * t
                + self._dot(r0, s, True, k) * s for k in range(len(self.mats))]


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


def lower_bound_positive(nodes: list, slopes: list, gap_lo, gap_hi) -> bool:
    """Is ``d > 0`` on ``[nodes[0], nodes[-1]]``, given ``d' in slopes[i]`` (mpmath
    intervals) between consecutive nodes and ``d(nodes[0]) >= gap_lo``,
    ``d(nodes[-1]) >= gap_hi`` (None: unknown)?

    Lower bounds at the nodes are carried forward from the first node and
    backward from the last; inside a sub-interval ``d >= lam L1 + (1 - lam) L2``
    for the two linear lower bounds ``L1``, ``L2`` and any ``lam`` in [0, 1].

    >>> from mpmath import iv
    >>> lower_bound_positive([0, 1, 2], [iv.mpf([-1, 1])] * 2, iv.mpf(1), iv.mpf(1))
    False
    >>> lower_bound_positive([0, 1, 2], [iv.mpf([-0.4, 0.4])] * 2, iv.mpf(1), iv.mpf(1))
    True
    """
    K = len(slopes)
    deltas = [iv.mpf(Fraction(b - a).numerator) / Fraction(b - a).denominator
              for a, b in zip(nodes, nodes[1:])]
    fwd = [None] * (K + 1)
    bwd = [None] * (K + 1)
    fwd[0], bwd[K] = gap_lo, gap_hi
    for i in range(K):
        if fwd[i] is not None:
            fwd[i + 1] = fwd[i] + deltas[i] * min(slopes[i].a, 0)
    for i in range(K - 1, -1, -1):
        if bwd[i + 1] is not None:
            bwd[i] = bwd[i + 1] - deltas[i] * max(slopes[i].b, 0)
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
