"""Bernstein enclosures of polynomials over boxes, with outward rounding.

On a box ``X = [a_1, b_1] x ... x [a_k, b_k]`` a polynomial of degree ``n_j``
in ``x_j`` is ``p(x) = sum_I c_I B_I(t)`` with ``x_j = a_j + (b_j - a_j) t_j``
and the tensor Bernstein basis ``B_I(t) = prod_j C(n_j, i_j) t_j^i_j
(1 - t_j)^(n_j - i_j)``. Since the ``B_I`` are nonnegative and sum to 1 on the
box,

    min_I c_I  <=  p(x)  <=  max_I c_I      for every x in X     (range enclosure)

and ``c_0 = p(a)`` at the corner. Splitting ``X`` across ``x_j`` at the
fraction ``s`` gives both halves' coefficients by de Casteljau's recurrence
along that axis, ``c <- (1 - s) c_i + s c_{i+1}``, and the derivative
``dp/dx_j`` has the coefficients ``n_j (c_{I+e_j} - c_I) / (b_j - a_j)`` of
degree ``n_j - 1`` (Garloff; Mourrain and Pavone, "Subdivision methods for
solving polynomial equations", 2009). The enclosure converges to the range
as the box shrinks (quadratically in the width).

The coefficients on the first box come from the exact rational polynomial by
exact arithmetic (FLINT ``fmpq_mat`` products, one per variable), are scaled
by a power of two and rounded outward to float64 pairs ``lo <= c <= hi``;
every later operation rounds outward: a result ``r = fl(u a + s b)`` is
widened by ``(|u a| + |s b|) 2^-52`` and one ulp, which exceeds the three
rounding errors of its computation (each at most half an ulp of its own
result). Arrays carry a first axis over a batch of boxes.

>>> from flint import fmpq_mpoly_ctx
>>> from fractions import Fraction as Q
>>> ctx = fmpq_mpoly_ctx.get(("x", "y"), "lex")
>>> x, y = ctx.gens()
>>> lo, hi, factor = coefficients(x * x + y * y - 1, [(Q(0), Q(2)), (Q(0), Q(2))], scale=False)
>>> lo.shape, float(lo.min()) < -0.99, float(hi.max()) > 6.99      # range [-1, 7]
((1, 3, 3), True, True)
>>> (l1, h1), (l2, h2) = split(lo, hi, 0, 0.5)                     # x in [0, 1] and [1, 2]
>>> bool(l2.min() > 0)                                             # x >= 1: x^2 + y^2 - 1 >= 0
False
>>> (a, b), (c, d) = split(l2, h2, 1, 0.5)                         # y in [0, 1] and [1, 2]
>>> bool(c.min() > 0)                                              # x, y >= 1: p >= 1
True
"""
from __future__ import annotations

from fractions import Fraction
from functools import lru_cache
import math
from math import comb, gcd

import numpy as np
from flint import arb, arb_mat, ctx, fmpq, fmpq_mat, fmpq_poly, fmpz_mat, fmpz_poly

from . import restrict
from .casteljau import (_basis_table, _down, _groups, _shared_fraction, _split_plan,  # noqa: F401
                        _table_error, _up, cut_fractions, split)

__all__ = ["Source", "ball_ends", "coefficients", "elevate", "positive_where", "centre_values", "split", "cut_fractions", "ranges", "derivative_ranges",
           "exact_value", "combine", "centre_gradients", "positive_where_possible"]

_INF = np.inf
PROBE_LOWER = 8         # Source.on_best tries one rung lower every this many calls
PARTIAL_KEPT = 16       # Source._from_monomials keeps this many conversions along the first sides,
PARTIAL_BALLS = 200_000  # and at most this many balls in all (Figure 3d: 16 x 9548)
KEPT_PREC = 128         # Source.on_kept restricts at this precision,
KEPT_LOG2 = -50         # and keeps balls narrower than 2^this of the largest
FIRST_KEPT = 8          # Source.on_kept keeps this many restrictions along the first side


def _dense(p, nvars: int, at_least=None):
    """Dense coefficient tensor (numpy object array of ``fmpq``) and degrees (each
    at least ``at_least``'s, the higher monomials' coefficients 0)."""
    degs = tuple(int(max(0, d)) for d in p.degrees()) if not p.is_zero() else (0,) * nvars
    if at_least is not None:
        degs = tuple(max(d, int(e)) for d, e in zip(degs, at_least))
    C = np.empty(tuple(d + 1 for d in degs), dtype=object)
    C.fill(fmpq(0))
    for mon, c in zip(p.monoms(), p.coeffs()):
        C[tuple(int(e) for e in mon)] = c
    return C, degs


def _axis_matrix(n: int, a: Fraction, b: Fraction) -> fmpq_mat:
    """``M = Bern @ Shift`` for one variable: monomial coefficients in ``x`` to
    Bernstein coefficients on ``[a, b]``."""
    A, w = fmpq(a.numerator, a.denominator), fmpq((b - a).numerator, (b - a).denominator)
    shift = fmpq_mat(n + 1, n + 1, [comb(j, i) * A ** (j - i) * w ** i if i <= j else fmpq(0)
                                    for i in range(n + 1) for j in range(n + 1)])
    bern = fmpq_mat(n + 1, n + 1, [fmpq(comb(i, l), comb(n, l)) if l <= i else fmpq(0)
                                   for i in range(n + 1) for l in range(n + 1)])
    return bern * shift


def exact_coefficients(p, box) -> np.ndarray:
    """The Bernstein coefficients of ``p`` on ``box`` (pairs of Fractions), exactly,
    as an object array of ``fmpq`` (the slow, plain version of :class:`Source`)."""
    C, degs = _dense(p, len(box))
    for axis, (n, (a, b)) in enumerate(zip(degs, box)):
        M = _axis_matrix(n, Fraction(a), Fraction(b))
        C = _along(C, axis, M, fmpq_mat)
    return C


def _along(C: np.ndarray, axis: int, M, matrix, entry=None) -> np.ndarray:
    """``M`` applied along ``axis`` of the object tensor ``C`` (one FLINT matrix
    product: ``matrix`` is ``fmpq_mat``, ``fmpz_mat`` or ``arb_mat``; ``entry``
    converts the product's entries back)."""
    moved = np.moveaxis(C, axis, 0)
    shape = moved.shape
    flat = moved.reshape(shape[0], -1)
    prod = M * matrix(flat.shape[0], flat.shape[1], list(flat.reshape(-1)))
    out = np.empty(flat.shape, dtype=object)
    out.reshape(-1)[:] = prod.entries() if entry is None else [entry(x) for x in prod.entries()]
    return np.moveaxis(out.reshape(shape), 0, axis)


class Source:
    """A polynomial ready for Bernstein coefficients on any box with float ends.

    With ``p = c P`` (``P`` integer coefficients, ``c > 0``) and a side
    ``[a, a + w]`` with ``a = alpha 2^-s``, ``w = omega 2^-s`` (integers
    ``alpha, omega``: float ends are dyadic), ``x^j = 2^-sj (alpha + omega t)^j``,
    so the Bernstein coefficients along that variable are
    ``(2^-sn / L) Bint Shift`` applied to the coefficients, with the integer
    matrices ``Shift[i, j] = C(j, i) alpha^(j-i) omega^i 2^(s(n-j))`` and
    ``Bint[i, l] = C(i, l) L / C(n, l)`` (``L = lcm_l C(n, l)``). Everything is
    an integer matrix product (FLINT ``fmpz_mat``); the positive factor in front
    is kept exactly. Integers are then shifted to at most about 2^1000 and
    rounded outward to floats. ``degrees``: work in at least these degrees
    (the coefficients of the higher monomials are 0; the Bernstein coefficients
    are then the degree-elevated ones, exactly)."""

    #: The precisions of :meth:`on_best`, lowest first (an instance may set its own).
    ladder = (128, 192, 448, 1024, 2048)

    def __init__(self, p, nvars: int, degrees=None):
        C, self.degs = _dense(p, nvars, degrees)
        den = 1
        for c in C.reshape(-1):
            den = den * int(c.q) // gcd(den, int(c.q))
        self.scale = Fraction(1, den)                    # p = scale * P
        self.P = np.vectorize(lambda c: int(c.p) * (den // int(c.q)), otypes=[object])(C)
        self.bint = [self._bint(n) for n in self.degs]
        self._cache: dict = {}
        self._partial: dict = {}                        # see _from_monomials
        self._rung = 0                                  # see on_best
        self._calls = 0
        self._anchors: list = []                        # see anchor
        self._kept: list = []                           # see keep and on_kept
        self._keep = 0
        self._first: dict = {}                          # see on_kept
        # on_kept's restrictions too wide and kept, and its first sides computed and shared
        self.stats = {"too wide": 0, "kept": 0, "first computed": 0, "first shared": 0}

    @staticmethod
    @lru_cache(maxsize=64)
    def _bint(n: int):
        """``(Bint, L)`` of degree ``n`` (kept: the same for every polynomial; never
        changed in place)."""
        L = 1
        for l in range(n + 1):
            L = L * comb(n, l) // gcd(L, comb(n, l))
        return fmpz_mat(n + 1, n + 1, [comb(i, l) * L // comb(n, l) if l <= i else 0
                                       for i in range(n + 1) for l in range(n + 1)]), L

    def _axis(self, k: int, a: Fraction, b: Fraction):
        n = self.degs[k]
        w = b - a
        s = max(0, (a.denominator.bit_length() - 1), (w.denominator.bit_length() - 1))
        alpha, omega = int(a * 2 ** s), int(w * 2 ** s)
        shift = fmpz_mat(n + 1, n + 1, [comb(j, i) * alpha ** (j - i) * omega ** i << (s * (n - j))
                                        if i <= j else 0
                                        for i in range(n + 1) for j in range(n + 1)])
        B, L = self.bint[k]
        return B * shift, Fraction(1, L << (s * n))

    def value(self, point) -> Fraction:
        """``p`` at a rational point, exactly (as :func:`exact_value`, about ten
        times faster: nested ``fmpz_poly`` evaluations, the last variable first)."""
        if "rows" not in self._cache:
            flat = self.P.reshape(-1, self.P.shape[-1])
            self._cache["rows"] = [fmpz_poly([int(x) for x in row]) for row in flat]
        xs = [fmpq(Fraction(x).numerator, Fraction(x).denominator) for x in point]
        vals = np.array([r(xs[-1]) for r in self._cache["rows"]], dtype=object)
        vals = vals.reshape(self.P.shape[:-1])
        for k in range(len(xs) - 2, -1, -1):          # the remaining variables, last first
            flat = vals.reshape(-1, vals.shape[-1])
            vals = np.array([fmpq_poly(list(row))(xs[k]) for row in flat],
                            dtype=object).reshape(vals.shape[:-1])
        v = vals.reshape(-1)[0] if isinstance(vals, np.ndarray) else vals
        return Fraction(int(v.p), int(v.q)) * self.scale

    def anchor(self, box):
        """:meth:`on`, and the exact coefficients kept: :meth:`on_balls` of a box
        inside this one starts from them (:mod:`symlqr.branch.restrict`)."""
        C, factor = self._exact(box)
        self._anchors.append(([(Fraction(a), Fraction(b)) for a, b in box],
                              [(float(a), float(b)) for a, b in box], C, factor))
        return self._floats(C, factor)

    def on_balls(self, box, prec: int = 192):
        """``(lo, hi, factor)`` as :meth:`on`, computed in Arb balls at ``prec`` bits
        (rigorous, and far faster than exact integers on small boxes, whose ends
        have long binary expansions): from the exact coefficients on the
        smallest :meth:`anchor` box holding ``box`` by the blossom's nonnegative
        matrices (:func:`symlqr.branch.restrict.restriction`), else from the
        monomial coefficients by the matrices of :meth:`on`; ``None`` when the
        balls are wider than ``2^-30`` of the largest coefficient or leave the
        float range (then use :meth:`on`)."""
        box = [(Fraction(a), Fraction(b)) for a, b in box]
        old = ctx.prec
        try:
            ctx.prec = prec
            got = self._from_anchor(box, prec)
            if got is None:
                got = self._from_monomials(box, prec)
            C, factor = got
            out = _ball_floats(C.reshape(-1))
        finally:
            ctx.prec = old
        if out is None:
            return None
        if self._keep:
            ends = [(float(a), float(b)) for a, b in box]
            self._kept.append((box, ends, C, factor) + _log2_size(C.reshape(-1), factor))
            if len(self._kept) > self._keep:
                del self._kept[0]
        lo, hi, f = out
        return lo.reshape((1,) + C.shape), hi.reshape((1,) + C.shape), f * factor

    def keep(self, count: int) -> None:
        """Keep the balls of the last ``count`` conversions of :meth:`on_balls`
        (with their boxes) for :meth:`on_kept`."""
        self._keep = count

    def on_kept(self, box, size: float = 0.0):
        """``(lo, hi, factor)`` as :meth:`on`, restricted from the balls ``C`` of a
        kept conversion (:meth:`keep`) on a box holding ``box``, the smallest
        whose balls are narrow enough (the restriction along the first side
        shared, :meth:`_first_side`): ``C' = M_1 ... M_k C`` along each side
        with the blossom's nonnegative matrices (rows summing to 1,
        :func:`symlqr.branch.restrict.restriction`) in Arb balls, so every
        coefficient is enclosed whatever ``C``'s balls are. ``size``: an
        estimate of ``log2`` of the largest coefficient of ``p`` on ``box`` (from
        its noisy floats, say); the precision is chosen to keep
        :data:`KEPT_LOG2` against it, doubled once if the balls come out wider.
        Kept only when the balls are narrower than ``2^KEPT_LOG2`` of the
        largest (about the floats' own rounding), else ``None`` (then use
        :meth:`on_best`).

        >>> from flint import fmpq_mpoly_ctx
        >>> x, y = fmpq_mpoly_ctx.get(("x", "y"), "lex").gens()
        >>> src = Source((3 * x - 1) ** 9 * (y + 2) - 1, 2)
        >>> src.keep(4)
        >>> _ = src.on_balls([(Fraction(0), Fraction(1)), (Fraction(0), Fraction(1))], 448)
        >>> sub = [(Fraction(1, 4), Fraction(3, 8)), (Fraction(0), Fraction(1, 2))]
        >>> lo, hi, f = src.on_kept(sub)
        >>> c = exact_coefficients((3 * x - 1) ** 9 * (y + 2) - 1, sub)
        >>> bool(lo[0, 0, 0] <= f * Fraction(int(c[0, 0].p), int(c[0, 0].q)) <= hi[0, 0, 0])
        True
        >>> src.on_kept([(Fraction(1, 2), Fraction(2)), (Fraction(0), Fraction(1))]) is None
        True
        """
        box = [(Fraction(a), Fraction(b)) for a, b in box]
        best = None
        for i, (outer, ends, C, g, top, rad) in enumerate(self._kept):
            if not all(A <= float(a) and float(b) <= B for (a, b), (A, B) in zip(box, ends)):
                continue
            loss = max(0.0, top - size)             # bits lost to the smaller coefficients
            if rad + loss > KEPT_LOG2 - 8:          # its own balls are too wide for box
                continue
            vol = np.prod([(float(b) - float(a)) / (B - A) for (a, b), (A, B) in zip(box, ends)])
            if best is None or vol < best[0]:
                best = (vol, i, loss)
        if best is None:
            return None
        _, i, loss = best
        outer, _, C0, g, _, _ = self._kept[i]
        t = restrict.fractions_in(box, outer)
        if t is None:
            return None
        prec = max(KEPT_PREC, 64 * -(-int(loss - KEPT_LOG2 + 24) // 64))
        for prec in (prec, 2 * prec):
            with ctx.workprec(prec):
                C = self._first_side(C0, t[0], prec)
                for k, (t0, t1) in enumerate(t[1:], 1):
                    C = _along(C, k, restrict.restriction(self.degs[k], t0, t1), arb_mat)
                out = _ball_floats(C.reshape(-1), 2.0 ** KEPT_LOG2)
            self.stats["kept" if out is not None else "too wide"] += 1
            if out is not None:
                lo, hi, f = out
                return lo.reshape((1,) + C.shape), hi.reshape((1,) + C.shape), f * g
        return None

    def _first_side(self, C0, t, prec):
        """``C0`` restricted along its first side to ``t = (t0, t1)`` at ``prec``
        bits (:meth:`on_kept`); the last :data:`FIRST_KEPT` are kept, by the balls
        ``C0`` (the object itself), ``t`` and ``prec``: boxes cut across their
        other sides share their first side (Figure 3d's fold search: the product
        along ``W`` at degree 216 is most of a restriction), and the same
        computation gives the same balls."""
        key = (id(C0), t, prec)
        got = self._first.get(key)
        if got is not None and got[0] is C0:
            self.stats["first shared"] += 1
            return got[1]
        self.stats["first computed"] += 1
        C = _along(C0, 0, restrict.restriction(self.degs[0], *t), arb_mat)
        self._first[key] = (C0, C)
        while len(self._first) > FIRST_KEPT:
            del self._first[next(iter(self._first))]        # the oldest
        return C

    def _from_anchor(self, box, prec):
        """Balls of ``(1 / f) * (coefficients of p)`` on ``box`` and ``1 / f``, from the
        smallest anchor holding ``box``; ``None`` when none does. (The anchor's
        integers enter whole: the restriction weighs those near the sub-box most,
        and they can be far smaller than the largest.)"""
        found = []
        for i, (outer, ends, _, _) in enumerate(self._anchors):
            if all(A <= float(a) and float(b) <= B for (a, b), (A, B) in zip(box, ends)):
                found.append((np.prod([(float(b) - float(a)) / (B - A)
                                       for (a, b), (A, B) in zip(box, ends)]), i))
        for _, i in sorted(found):
            t = restrict.fractions_in(box, self._anchors[i][0])     # exactly
            if t is not None:
                break
        else:
            return None
        _, _, exact, factor = self._anchors[i]
        key = ("anchor", i, prec)
        if key not in self._cache:
            self._cache[key] = [arb(int(x)) for x in exact.reshape(-1)]
        C = np.empty(exact.shape, dtype=object)
        C.reshape(-1)[:] = self._cache[key]
        for k, (t0, t1) in enumerate(t):
            C = _along(C, k, restrict.restriction(self.degs[k], t0, t1), arb_mat)
        return C, 1 / factor

    def _from_monomials(self, box, prec):
        """Balls of ``Ls * (Bernstein coefficients of P)`` on ``box`` and
        ``Ls / scale`` (so the balls are that times those of ``p``). The balls
        after the first sides (all but the last) are kept for the last
        :data:`PARTIAL_KEPT` such prefixes and precisions (at most
        :data:`PARTIAL_BALLS` balls in all): boxes cut across
        their last side share them (Figure 3d's search in ``(W, eta)``: the
        products along ``W`` at degree 216 are most of a conversion), and the
        same computation gives the same balls."""
        key = ("P", prec)
        if key not in self._cache:
            self._cache[key] = [arb(int(x)) for x in self.P.reshape(-1)]
        C = np.empty(self.P.shape, dtype=object)
        C.reshape(-1)[:] = self._cache[key]
        Ls = 1
        last = len(box) - 1
        for k, (a, b) in enumerate(box):
            n = self.degs[k]
            Ls *= self.bint[k][1]
            part = (prec, tuple(box[:k + 1]))       # C after the first k + 1 sides
            if k < last and part in self._partial:
                C = self._partial[part]
                continue
            A, w = _arb_exact(a), _arb_exact(b - a)
            pa = [arb(1)]
            pw = [arb(1)]
            for _ in range(n):
                pa.append(pa[-1] * A)
                pw.append(pw[-1] * w)
            C_ = _binomials(n)
            shift = arb_mat(n + 1, n + 1, [C_[j][i] * pa[j - i] * pw[i] if i <= j else 0
                                           for i in range(n + 1) for j in range(n + 1)])
            Bk = self._cache.get(("B", k, prec))
            if Bk is None:                      # (Bint in balls: once per axis and precision)
                Bk = self._cache[("B", k, prec)] = arb_mat(self.bint[k][0].tolist())
            C = _along(_along(C, k, shift, arb_mat), k, Bk, arb_mat)   # B (shift C): no n^3
            if k < last and C.size <= PARTIAL_BALLS:
                self._partial[part] = C
                while len(self._partial) > PARTIAL_KEPT or \
                        sum(x.size for x in self._partial.values()) > PARTIAL_BALLS:
                    del self._partial[next(iter(self._partial))]       # the oldest
        return C, Fraction(Ls) / self.scale

    def restart(self) -> None:
        """Forget the ladder's state: the next :meth:`on_best` starts at its first
        rung, as on a new Source (the conversions kept stay: they depend only on
        the polynomial and the precision)."""
        self._rung = 0
        self._calls = 0

    def on_best(self, box):
        """:meth:`on_balls` at each precision of :attr:`ladder` (128, 192, 448,
        1024 and 2048 bits unless set), the first that is
        tight enough (a polynomial that vanishes to high order near the box
        loses that many bits to cancellation), else :meth:`on` (exact). The
        ladder starts at the precision that served last time (boxes come deeper
        and deeper into the same places; a failed rung costs a whole
        conversion), and one rung below it every :data:`PROBE_LOWER` calls (so
        that it comes down again where less is needed)."""
        ladder = self.ladder
        self._calls += 1
        below = self._calls % PROBE_LOWER == 0 or self._rung == len(ladder)
        start = max(0, self._rung - 1) if below else self._rung
        for rung in range(start, len(ladder)):
            got = self.on_balls(box, ladder[rung])
            if got is not None:
                self._rung = rung
                return got
        self._rung = len(ladder)
        return self.on(box)

    def on(self, box):
        """``(lo, hi, factor)`` as :func:`coefficients` (``factor`` a positive Fraction)."""
        return self._floats(*self._exact(box))

    def _exact(self, box):
        """Integers ``v`` and a Fraction ``factor > 0``: the Bernstein coefficients
        of ``p`` on ``box`` are ``factor * v``, exactly."""
        C = self.P
        factor = self.scale
        for k, (a, b) in enumerate(box):
            M, f = self._axis(k, Fraction(a), Fraction(b))
            factor *= f
            C = _along(C, k, M, fmpz_mat, int)
        return C, factor

    @staticmethod
    def _floats(C, factor):
        """``(lo, hi, factor')`` from exact coefficients ``factor * C`` (:meth:`_exact`)."""
        vals = C.reshape(-1)
        bits = max((abs(v).bit_length() for v in vals), default=0)
        shift = max(0, bits - 60)                       # keep 60 bits of the largest
        q = [v >> shift for v in vals]                  # floor: q <= v / 2^shift < q + 1
        f = np.array([float(x) for x in q])
        # exact where nothing was shifted out and the float is the integer itself
        exact = np.array([(shift == 0 and int(a) == x) or v == 0 for a, x, v in zip(f, q, vals)],
                         dtype=bool)
        lo = np.where(exact, f, np.nextafter(f, -_INF))
        hi = np.where(exact, f, np.nextafter(np.array([float(x + 1) if shift else float(x)
                                                       for x in q]), _INF))
        # scaled by 2^-e (exact) so that the largest is about 1: derivatives on tiny
        # boxes (n / width up to 2^40 and more) stay far from overflow
        e = min(bits, 60)
        lo, hi = lo * 2.0 ** -e, hi * 2.0 ** -e
        # the coefficients of p are factor * v = factor 2^(shift + e) (our floats)
        return lo.reshape((1,) + C.shape), hi.reshape((1,) + C.shape), \
            1 / (factor * Fraction(2) ** (shift + e))


def _log2_size(entries, g) -> tuple:
    """``(log2 max |mid| / g, log2 max rad - log2 max |mid|)`` of balls (floats,
    estimates that choose a precision, not enclosures)."""
    top = max((int(m).bit_length() + int(e) for m, e in (x.mid().man_exp() for x in entries)
               if m != 0), default=-10 ** 6)
    rad = max((int(m).bit_length() + int(e) for m, e in (x.rad().man_exp() for x in entries)
               if m != 0), default=-10 ** 6)
    return top - log2_of(g), rad - top


def log2_of(q) -> float:
    """``log2 q`` of a positive Fraction, whatever its size (a float estimate)."""
    q = Fraction(q)
    return math.log2(q.numerator) - math.log2(q.denominator)


def _ball_floats(entries, tight: float = 2.0 ** -30):
    """Float enclosures ``(lo, hi, factor)`` of balls ``entries`` (flat, at the
    current precision): ``lo <= factor * x <= hi`` for each, ``factor`` a power
    of two bringing the largest near 1; ``None`` when the balls are wider than
    ``tight`` (``2^-30``) of the largest or leave the float range."""
    mid = np.array([float(x.mid()) for x in entries])
    top = 0
    big = float(np.abs(mid).max()) if len(mid) else 0.0
    if not (np.isfinite(mid).all() and 2.0 ** -900 < big < 2.0 ** 900):
        # a power of two brings the largest midpoint near 1 (exactly, in balls)
        top = max((int(m).bit_length() + int(e) for m, e in
                   (x.mid().man_exp() for x in entries) if m != 0), default=0)
        shift = arb(2) ** (-top)
        entries = [x * shift for x in entries]
        mid = np.array([float(x.mid()) for x in entries])
    rad = np.array([float(x.rad()) for x in entries])
    if not (np.isfinite(mid).all() and np.isfinite(rad).all()):
        return None
    big = float(np.abs(mid).max())
    if big == 0 or big > 2.0 ** 900 or big < 2.0 ** -900:
        return None
    err = rad + np.spacing(np.abs(mid)) + np.spacing(rad)       # float(mid), float(rad) rounded
    if err.max() > big * tight:
        return None
    e = int(np.floor(np.log2(big)))
    scale = 2.0 ** -e                                          # exact power of two
    lo = np.nextafter((mid - err) * scale, -_INF)
    hi = np.nextafter((mid + err) * scale, _INF)
    return lo, hi, Fraction(scale) * Fraction(2) ** (-top)


@lru_cache(maxsize=16)
def _binomials(n: int) -> tuple:
    """``C[j][i] = C(j, i)`` for ``0 <= i <= j <= n`` (kept: Pascal's triangle once
    per degree instead of ``n^2 / 2`` calls of ``comb`` per conversion)."""
    rows = [(1,)]
    for _ in range(n):
        r = rows[-1]
        rows.append((1,) + tuple(a + b for a, b in zip(r, r[1:])) + (1,))
    return tuple(rows)


def _arb_exact(q: Fraction) -> arb:
    return arb(fmpq(q.numerator, q.denominator))


def ball_ends(x: arb) -> tuple:
    """Exact rational ends ``mid -+ rad`` of an arb ball."""
    def exact(v) -> Fraction:
        man, exp = (int(e) for e in v.man_exp())
        return Fraction(man * 2 ** exp) if exp >= 0 else Fraction(man, 2 ** (-exp))
    m, r = exact(x.mid()), exact(x.rad())
    return m - r, m + r


def coefficients(p, box, scale: bool = True):
    """Float enclosures ``(lo, hi, factor)``: ``lo``, ``hi`` of shape ``(1, n_1 + 1,
    ..., n_k + 1)`` enclose the Bernstein coefficients of ``factor * p`` on ``box``
    (a list of ``(a_j, b_j)`` with float, i.e. dyadic, ends) for the
    ``fmpq_mpoly`` ``p``; ``factor > 0`` is a Fraction (signs and zeros are those
    of ``p``'s coefficients). With ``scale=False`` the factor is 1 (exact
    conversion, then outward rounding; for small polynomials)."""
    if not scale:
        C = exact_coefficients(p, box)
        fr = [Fraction(int(c.p), int(c.q)) for c in C.reshape(-1)]
        f = np.array([float(c) for c in fr], dtype=float).reshape(C.shape)
        exact = np.array([Fraction(v) == c for v, c in zip(f.reshape(-1), fr)]).reshape(C.shape)
        lo = np.where(exact, f, np.nextafter(f, -_INF))
        hi = np.where(exact, f, np.nextafter(f, _INF))
        return lo[None], hi[None], Fraction(1)
    return Source(p, len(box)).on(box)


@lru_cache(maxsize=256)
def _elevation(m: int, n: int) -> np.ndarray:
    """``E^T`` for ``E[i, k] = C(m, k) C(n - m, i - k) / C(n, i)``: Bernstein
    coefficients of degree ``m`` to degree ``n >= m`` (nonnegative, rows sum to
    1); kept, read-only."""
    E = np.zeros((n + 1, m + 1))
    for i in range(n + 1):
        for k in range(max(0, i - (n - m)), min(m, i) + 1):
            E[i, k] = comb(m, k) * comb(n - m, i - k) / comb(n, i)
    ET = np.ascontiguousarray(E.T)
    ET.setflags(write=False)
    return ET


def elevate(lo, hi, degrees):
    """Enclosures of the coefficients of the same polynomials in degree ``degrees``
    (per variable, each at least the current one). Each coefficient is a convex
    combination ``sum_k E[i, k] c_k``; the float ``E`` and the products are
    widened by ``(n + 3) 2^-52 sum_k |E[i, k] c_k|`` (plus one ulp), above their
    rounding errors."""
    for var, n in enumerate(degrees):
        ax = var + 1
        m = lo.shape[ax] - 1
        if n == m:
            continue
        if n < m:
            raise ValueError("elevate: the degree can only grow")
        ET = _elevation(m, n)
        out = []
        for arr, down in ((lo, True), (hi, False)):
            moved = np.moveaxis(arr, ax, -1)
            shape = moved.shape[:-1] + (n + 1,)
            moved = np.ascontiguousarray(moved).reshape(-1, m + 1)     # one BLAS product
            r = (moved @ ET).reshape(shape)
            size = (np.abs(moved) @ ET).reshape(shape)
            err = size * ((n + 3) * 2.0 ** -52) + 2.0 ** -1070
            # a sum of exact zeros: no product |c_k| E[i, k] (E >= 2^-n where > 0)
            # rounds to 0 unless some |c_k| < 2^(n - 1074); then counted apart
            if ((moved != 0) & (np.abs(moved) < 2.0 ** min(0, n - 1070))).any():
                zero = (((moved != 0) @ (ET > 0).astype(float)) == 0).reshape(shape)
            else:
                zero = size == 0
            with np.errstate(invalid="ignore"):
                r = _down(r - err) if down else _up(r + err)
            out.append(np.moveaxis(np.where(zero, 0.0, r), -1, ax))
        lo, hi = out
    return lo, hi


def positive_where(a_lo, c_hi):
    """True per box when ``p - lam q > 0`` on the box for some ``lam >= 0`` is proven
    from coefficient bounds of the same degree (``a_lo`` lower bounds of ``p``'s,
    ``c_hi`` upper bounds of ``q``'s): then ``p > 0`` wherever ``q >= 0``.
    ``lam`` is taken in the middle of the interval the coefficients allow and the
    inequality is checked again with the products rounded upward."""
    m = a_lo.shape[0]
    a = a_lo.reshape(m, -1)
    c = c_hi.reshape(m, -1)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = a / c
    upper = np.where(c > 0, ratio, _INF).min(axis=1)
    lower = np.maximum(np.where(c < 0, ratio, -_INF).max(axis=1), 0.0)
    lam = np.where(np.isfinite(upper), 0.5 * (lower + upper), lower + 1.0)
    lam = np.where(np.isfinite(lam), lam, 0.0)
    with np.errstate(invalid="ignore", over="ignore"):
        t = _up(lam[:, None] * c)
        ok = (a - t > 0).all(axis=1)
    return ok & (lower < upper)


def _corners(arr) -> np.ndarray:
    """The corner coefficients of each box, shape ``(m, 2^k)``."""
    for ax in range(1, arr.ndim):
        arr = np.take(arr, [0, arr.shape[ax] - 1], axis=ax)
    return arr.reshape(len(arr), -1)


def positive_where_possible(a_lo, c_hi) -> np.ndarray:
    """False per box where :func:`positive_where` must fail on ``a_lo`` and any
    upper bounds ``>= c_hi`` at the corners (those of ``c_hi`` raised to a higher
    degree, say): already the corner coefficients (the values at the box's
    corners, in every degree) admit no ``lam >= 0`` with ``a - lam c > 0``
    (``max(0, max_{c<0} a/c) >= min_{c>0} a/c`` with a margin for the
    quotients' rounding, or ``a <= 0`` where ``c = 0``). A filter: True
    proves nothing.

    >>> a = np.array([[[1.0, 2.0], [3.0, 4.0]], [[-1.0, 2.0], [3.0, 4.0]]])
    >>> c = np.array([[[-1.0, 1.0], [1.0, 1.0]], [[0.0, 1.0], [1.0, 1.0]]])
    >>> positive_where_possible(a, c).tolist()
    [True, False]
    """
    a, c = _corners(a_lo), _corners(c_hi)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = a / c
        upper = np.where(c > 0, ratio, _INF).min(axis=1)
        lower = np.maximum(np.where(c < 0, ratio, -_INF).max(axis=1), 0.0)
        sure = lower > upper + 2.0 ** -40 * (np.abs(lower) + np.abs(upper))
    return ~(sure | ((c == 0) & (a <= 0)).any(axis=1))


def _centre_weights(n: int) -> np.ndarray:
    """``C(n, i) / 2^n``: the Bernstein basis at ``t = 1/2``, each within a
    relative ``2^-53`` (exact for ``n <= 56``, where every ``C(n, i) < 2^53``)."""
    return np.array([comb(n, i) for i in range(n + 1)], dtype=float) / 2.0 ** n


def centre_values(lo, hi):
    """Enclosures ``(lo, hi)`` of each polynomial's value at its box's exact centre,
    shape ``(m,)``: ``sum_I c_I B_I(1/2, ..., 1/2)``, one axis at a time as a
    dot product with the nonnegative weights ``C(n, i) / 2^n`` (exact floats),
    widened by ``(n + 4) 2^-52 sum_i w_i |c_i|`` (plus the underflow), above the
    error of any float summation order (``gamma_{n+2}`` with a factor 2) plus
    that of the weights' own rounding (``2^-53 sum_i w_i |c_i|``)."""
    while lo.ndim > 1:
        n = lo.shape[-1] - 1
        w = _centre_weights(n)
        with np.errstate(invalid="ignore", over="ignore"):
            r_lo, r_hi = lo @ w, hi @ w
            err_lo = (np.abs(lo) @ w) * ((n + 4) * 2.0 ** -52) + (n + 1) * 2.0 ** -1070
            err_hi = (np.abs(hi) @ w) * ((n + 4) * 2.0 ** -52) + (n + 1) * 2.0 ** -1070
            lo = _down(r_lo - err_lo)
            hi = _up(r_hi + err_hi)
    return lo, hi


def combine(parts, weights):
    """Enclosures of the coefficients of ``sum_j y_j p_j`` per box, from those of
    the ``p_j`` (``parts``: ``(lo, hi)`` pairs of one shape ``(m, ...)``) and float
    weights ``y_j`` (``weights``: shape ``(m, J)``, exact as given). Each product
    and each partial sum is a correctly rounded float stepped one ulp outward.

    >>> lo = np.array([[1.0, 2.0]]); hi = lo.copy()
    >>> a, b = combine([(lo, hi), (-lo, -hi)], np.array([[3.0, 1.0]]))
    >>> bool(a[0, 0] <= 2.0 <= b[0, 0]) and bool(a[0, 1] <= 4.0 <= b[0, 1])
    True
    """
    out_lo = out_hi = None
    for j, (lo, hi) in enumerate(parts):
        y = weights[:, j].reshape((-1,) + (1,) * (lo.ndim - 1))
        with np.errstate(invalid="ignore", over="ignore"):
            a = _down(np.where(y >= 0, y * lo, y * hi))
            b = _up(np.where(y >= 0, y * hi, y * lo))
            a = np.where((y == 0) | ((lo == 0) & (hi == 0)), 0.0, a)     # exact zeros
            b = np.where((y == 0) | ((lo == 0) & (hi == 0)), 0.0, b)
            if out_lo is None:
                out_lo, out_hi = a, b
            else:
                out_lo = _outward(out_lo + a, -_INF)
                out_hi = _outward(out_hi + b, _INF)
    return out_lo, out_hi


def _outward(r, to):
    """One ulp toward ``to`` for a float sum, except for an exact zero (a nonzero
    exact sum of two floats never rounds to 0, subnormals being exact)."""
    return np.where(r == 0, r, _down(r) if to < 0 else _up(r))


def centre_gradients(lo, hi, widths):
    """Float approximations (not enclosures) of ``grad p`` at each box's centre,
    shape ``(m, k)``: the derivative's coefficients ``n (c_{i+1} - c_i) / w`` of
    the coefficients' midpoints, contracted with the Bernstein basis at ``1/2``.
    For preconditioners, where any finite matrix is sound."""
    mid = 0.5 * (lo + hi)
    m, k = lo.shape[0], lo.ndim - 1
    out = np.zeros((m, k))
    with np.errstate(all="ignore"):
        for var in range(k):
            ax = var + 1
            n = mid.shape[ax] - 1
            if n == 0:
                continue
            v = np.diff(mid, axis=ax) * n
            while v.ndim > 1:
                v = v @ _centre_weights(v.shape[-1] - 1)
            out[:, var] = v / widths[:, var]
    return out


def ranges(lo, hi):
    """``(min lo, max hi)`` over each box's coefficients: enclosures of the range."""
    m = lo.shape[0]
    return lo.reshape(m, -1).min(axis=1), hi.reshape(m, -1).max(axis=1)


def derivative_ranges(lo, hi, var: int, widths):
    """Enclosures of the range of ``dp/dx_var`` over each box (``widths``: the
    boxes' widths in ``x_var``, shape ``(m,)``)."""
    ax = var + 1
    n = lo.shape[ax] - 1
    m = lo.shape[0]
    if n == 0:
        return np.zeros(m), np.zeros(m)
    upper = (slice(None),) * ax + (slice(1, None),)       # c_{i+1}, as views
    lower = (slice(None),) * ax + (slice(0, n),)          # c_i
    # the extremes first, then one step outward: min(down(x)) = down(min(x)) since
    # the step is monotone, bit for bit, and n times less work
    dlo = _down((lo[upper] - hi[lower]).reshape(m, -1).min(axis=1))
    dhi = _up((hi[upper] - lo[lower]).reshape(m, -1).max(axis=1))
    s_lo = _down(n / widths)
    s_hi = _up(n / widths)
    with np.errstate(invalid="ignore"):
        lo_out = _down(np.where(dlo >= 0, dlo * s_lo, dlo * s_hi))
        hi_out = _up(np.where(dhi >= 0, dhi * s_hi, dhi * s_lo))
    return lo_out, hi_out


def exact_value(p, point) -> Fraction:
    """``p`` at a rational point, exactly."""
    args = [fmpq(Fraction(x).numerator, Fraction(x).denominator) for x in point]
    v = p(*args)
    return Fraction(int(v.p), int(v.q))
