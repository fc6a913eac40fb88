"""Taylor shifts of a polynomial ``g(W, p)`` about a point ``(w0, c)`` as ball
matrices (:class:`Shifter`), evaluated with their partial derivatives on small
centred boxes (:class:`Shifted`): the branch traps of
:mod:`~symlqr.atlas.branches` and the value slopes of
:mod:`~symlqr.atlas.valueslope` evaluate every polynomial this way. A shift is
re-centred from a recent one at two words when that stays accurate
(:meth:`Shifter._recentred`), else computed from the coefficients with a
precision that climbs a ladder of 64-bit words (:meth:`Shifter._ladder`); the
shift matrices of the last few centres are kept.

>>> from symlqr.atlas.bivariate import P, W
>>> g = Shifter(rows_in_p(W * W - P)).shift(Fraction(1), Fraction(1))
>>> g.value(flint.arb(0), flint.arb(0)), g.d_s(flint.arb(0), flint.arb(0))
(0, -1.00000000000000)
"""
from __future__ import annotations

from fractions import Fraction
from math import comb
from typing import Optional

import flint

from ..exact.ratfunc import to_fmpq

__all__ = ["Shifter", "Shifted", "rows_in_p", "shift_bits", "low_bits", "FIRST_BITS"]


def _horner(coeffs: list, x):
    acc = flint.arb(0)
    for c in reversed(coeffs):
        acc = acc * x + c
    return acc



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
    coefficients). The products are FLINT's classical ones (one ``arb_dot``
    per entry): a polynomial with more columns in ``p`` than FLINT's cutoff
    for them (:func:`_cutoff`; the charts' factors, 64 to 72 columns) is
    shifted in column chunks below it, ``S[:, i0:i1] = M (G Q[:, i0:i1])``
    (:func:`_chunks`), where FLINT's block algorithm took about twice as long
    (79 x 79 times 79 x 64 at 128 bits: 6.2 ms against 2.6 ms) and gave wider
    balls.

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
        self._start, self._streak = FIRST_BITS, 0      # where the ladder starts (shift)
        self._anchors: list = []                       # recent shifts (:meth:`_recentred`)

    def shift(self, w0: Fraction, c: Fraction) -> "Shifted":
        """The shift about ``(w0, c)``: re-centred from a recent shift at
        :data:`FIRST_BITS` when that is accurate (:meth:`_recentred`), else
        from ``G`` up the ladder of :meth:`_ladder`.

        >>> from symlqr.atlas.bivariate import P, W
        >>> sh = Shifter(rows_in_p(W ** 3 - P))
        >>> sh.shift(Fraction(1), Fraction(1)).value(flint.arb(0), flint.arb(0))
        0
        >>> b = sh.shift(Fraction(9, 8), Fraction(17, 16))      # re-centred from the first
        >>> b.value(flint.arb(0), flint.arb(0)).contains(flint.arb(flint.fmpq(185, 512)))
        True
        """
        got = self._recentred(w0, c)
        if got is None:
            got = self._ladder(w0, c)
        self._anchors.append(got)
        if len(self._anchors) > _ANCHORS:
            del self._anchors[0]
        return got

    def _recentred(self, w0: Fraction, c: Fraction) -> Optional["Shifted"]:
        """The shift about ``(w0, c)`` from the kept shift ``S`` about ``(a, b)``
        nearest to it (of the last :data:`_ANCHORS` whose matrices are computed):

            S' = M(w0 - a) S Q(c - b)

        exactly as polynomials (``g(a + (w0 - a) + t, b + (c - b) + s)``: a
        Taylor shift of a Taylor shift), in ball arithmetic at
        :data:`FIRST_BITS`, so every coefficient is enclosed whatever the balls
        of ``S``. ``S`` already holds the cancellation between ``G``'s large
        coefficients, and a short step loses few more bits, so two words do
        where a shift from ``G`` needs many (Figure 3d: 384 to 482 bits at
        degree 216). Kept when the value and first derivatives at the centre
        carry ``_FIRST_OK`` correct bits, as the ladder's first rung asks of a
        shift from ``G`` (the first two rows are computed first, as in
        :meth:`_shift`); None otherwise (the ladder then shifts from ``G``)."""
        best = None
        for got in self._anchors:
            if got._mats is None:
                continue
            d = max(abs(w0 - got.w0), abs(c - got.c))
            if best is None or d < best[0]:
                best = (d, got)
        if best is None:
            return None
        anchor = best[1]
        if best[0] == 0:
            return anchor
        dw, dc, bits = w0 - anchor.w0, c - anchor.c, FIRST_BITS
        with flint.ctx.workprec(bits):
            Ss = anchor.full()
            cuts = [_chunks(self.n, S.ncols(), bits) for S in Ss]
            first = [S * _p_matrix(S.ncols(), bits, dc, *ch[0]) for S, ch in zip(Ss, cuts)]
            head = first if dw == 0 else [_w_head(self.n, bits, dw) * X for X in first]

        def finish() -> list:
            with flint.ctx.workprec(bits):
                M = None if dw == 0 else _w_matrix(self.n, bits, dw)
                mats = []
                for S, ch, X0 in zip(Ss, cuts, first):
                    parts = [X0] + [S * _p_matrix(S.ncols(), bits, dc, i0, i1)
                                    for i0, i1 in ch[1:]]
                    parts = parts if M is None else [M * X for X in parts]
                    mats.append(parts[0] if len(parts) == 1 else tuple(parts))
                return mats
        got = Shifted(None, w0, c, head, finish)
        lost = got.lost_bits(bits)
        if lost is None or bits - lost < _FIRST_OK:
            return None
        return got

    def _ladder(self, w0: Fraction, c: Fraction) -> "Shifted":
        """The shift about ``(w0, c)`` from ``G``, at the lowest precision of a ladder
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
        """The shift at ``bits``, each polynomial's ``S`` in the column chunks of
        :func:`_chunks` (one chunk: the matrix itself). The first chunk's
        ``X = G Q[:, i0:i1]`` and its first two rows ``H X`` (``H`` the first two
        rows of ``M``) are computed first (FLINT's classical product: the same
        dot products, so the same balls as those rows of ``M X``), and ``M``,
        the other chunks and the rest of the product only when the shift is used
        (``Shifted.mats``): a rung of the ladder that loses too many bits
        (:meth:`shift` reads only those rows) costs neither ``M`` nor the
        products (Figure 3d's charts: 56 of 105 shifts at 128 bits of their
        factor with 131 columns fail). (With several FLINT threads the products
        are ``arb_mat_mul_threaded``'s: all at once.)"""
        with flint.ctx.workprec(bits):
            cuts = [_chunks(self.n, Gk.ncols(), bits) for Gk in self.Gblocks]
            if flint.ctx.threads > 1:
                M = None if w0 == 0 else _w_matrix(self.n, bits, w0)
                mats = []
                for Gk, ch in zip(self.Gblocks, cuts):
                    k = Gk.ncols()
                    parts = []
                    for i0, i1 in ch:                   # p -> c + s, columns i0 .. i1 - 1
                        X = Gk * _p_matrix(k, bits, c, i0, i1)
                        parts.append(X if M is None else M * X)
                    mats.append(parts[0] if len(parts) == 1 else tuple(parts))
                return Shifted(mats, w0, c)
            # p -> c + s, the first chunk's columns of each polynomial
            first = [Gk * _p_matrix(Gk.ncols(), bits, c, *ch[0])
                     for Gk, ch in zip(self.Gblocks, cuts)]
            if w0 == 0 and all(len(ch) == 1 for ch in cuts):
                return Shifted(first, w0, c)
            if w0 == 0:
                head = first
            else:
                H = _w_head(self.n, bits, w0)
                head = [H * Xk for Xk in first]

        def finish() -> list:
            with flint.ctx.workprec(bits):
                M = None if w0 == 0 else _w_matrix(self.n, bits, w0)
                mats = []
                for Gk, ch, X0 in zip(self.Gblocks, cuts, first):
                    parts = [X0] + [Gk * _p_matrix(Gk.ncols(), bits, c, i0, i1)
                                    for i0, i1 in ch[1:]]
                    parts = parts if M is None else [M * X for X in parts]
                    mats.append(parts[0] if len(parts) == 1 else tuple(parts))
                return mats
        return Shifted(None, w0, c, head, finish)


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


def _cutoff(bits: int) -> int:
    """FLINT's ``arb_mat_mul`` multiplies by the classical algorithm (one
    ``arb_dot`` per entry) when a dimension is at most this (``arb_mat/mul.c``:
    60 up to 128 bits, 50 up to 512, else 40), else by its block algorithm."""
    return 60 if bits <= 128 else 50 if bits <= 512 else 40


def _chunks(n: int, k: int, bits: int) -> list:
    """The column ranges ``(i0, i1)`` in which a polynomial with ``n`` rows in
    ``W`` and ``k`` columns in ``p`` is shifted at ``bits``: all at once when
    ``M (G Q)`` is a classical product there (``min(n, k)`` at most
    :func:`_cutoff`), else in nearly equal chunks of at most the cutoff's
    width (each product then classical).

    >>> _chunks(79, 16, 192), _chunks(79, 72, 128), _chunks(79, 71, 192)
    ([(0, 16)], [(0, 36), (36, 72)], [(0, 35), (35, 71)])
    """
    cut = _cutoff(bits)
    if min(n, k) <= cut:
        return [(0, k)]
    q = -(-k // cut)
    return [(j * k // q, (j + 1) * k // q) for j in range(q)]


# C(i + d, i) as exact balls, by diagonal d (prefixes serve smaller sizes)
_PASCAL: list = []


def _pascal(n: int) -> list:
    """``[[C(i + d, i) for i < n - d] for d < n]`` as exact arb balls (kept)."""
    if len(_PASCAL) < n:
        _PASCAL[:] = [[flint.arb(comb(i + d, i)) for i in range(n - d)] for d in range(n)]
    return _PASCAL


_PLACES: dict = {}


def _places(n: int, transpose: bool) -> list:
    """The index pairs ``(i, i + d)`` (``transpose``: ``(i + d, i)``) of each
    diagonal ``d`` of an ``n x n`` matrix (kept)."""
    got = _PLACES.get((n, transpose))
    if got is None:
        got = _PLACES[(n, transpose)] = [[(i + d, i) if transpose else (i, i + d)
                                          for i in range(n - d)] for d in range(n)]
    return got


def _xpowers(x: Fraction, n: int) -> list:
    """``[1, x, ..., x^(n-1)]`` in balls at the working precision (products in turn)."""
    xq, xp = flint.arb(to_fmpq(x)), [flint.arb(1)]
    for _ in range(n - 1):
        xp.append(xp[-1] * xq)
    return xp


def _binomial(n: int, x: Fraction, transpose: bool = False):
    """``M[i, k] = C(k, i) x^(k - i)`` (``i <= k < n``; ``transpose``: at ``[k, i]``)
    in balls at the working precision: the coefficients of ``t -> x + t``, each
    entry the product of the exact ``C(k, i)`` and the ball ``x^(k-i)``, set
    diagonal by diagonal.

    >>> M = _binomial(3, Fraction(2))
    >>> [[int(M[i, k].unique_fmpz()) for k in range(3)] for i in range(3)]
    [[1, 2, 4], [0, 1, 4], [0, 0, 1]]
    """
    xp, pas, places = _xpowers(x, n), _pascal(n), _places(n, transpose)
    M = flint.arb_mat(n, n)
    for d in range(n):
        xd = xp[d]
        for ik, c in zip(places[d], pas[d]):
            M[ik] = c * xd
    return M


def _w_matrix(n: int, bits: int, w0: Fraction):
    """``M[i, k] = C(k, i) w0^(k - i)`` (``W -> w0 + t``; ``= D^-1 Pas D``) at
    ``bits`` (the current working precision)."""
    return _kept(_W_MATS, (n, bits, w0), lambda: _binomial(n, w0))


def _w_head(n: int, bits: int, w0: Fraction):
    """The first ``min(2, n)`` rows of :func:`_w_matrix` (the same balls)."""
    M = _W_MATS.get((n, bits, w0))
    r = min(2, n)
    H = flint.arb_mat(r, n)
    if M is not None:
        for i in range(r):
            for k in range(i, n):
                H[i, k] = M[i, k]
        return H
    xp, pas = _xpowers(w0, n), _pascal(n)
    for d in range(n):
        for i in range(min(r, n - d)):
            H[i, i + d] = pas[d][i] * xp[d]
    return H


def _p_matrix(k: int, bits: int, c: Fraction, i0: int = 0, i1: Optional[int] = None):
    """``Q[j, i] = C(j, i) c^(j - i)`` (``p -> c + s``) of size ``k`` at ``bits``, or
    its columns ``i0 .. i1 - 1`` (a ``k x (i1 - i0)`` matrix, the same balls)."""
    if i1 is None or (i0, i1) == (0, k):
        return _kept(_P_MATS, (k, bits, c), lambda: _binomial(k, c, transpose=True))
    return _kept(_P_MATS, (k, bits, c, i0, i1), lambda: _columns(k, c, i0, i1))


def _columns(k: int, c: Fraction, i0: int, i1: int):
    """The columns ``i0 .. i1 - 1`` of ``Q[j, i] = C(j, i) c^(j - i)`` (size ``k``)
    at the working precision, entry by entry as :func:`_binomial` computes them.

    >>> Q = _columns(3, Fraction(2), 1, 3)
    >>> [[int(Q[j, i].unique_fmpz()) for i in range(2)] for j in range(3)]
    [[0, 0], [1, 0], [4, 1]]
    """
    cp, pas = _xpowers(c, k), _pascal(k)
    Q = flint.arb_mat(k, i1 - i0)
    for d in range(k):
        cd, cs = cp[d], pas[d]
        for i in range(i0, min(i1, k - d)):
            Q[i + d, i - i0] = cs[i] * cd
    return Q


#: The first precision of :meth:`Shifter.shift` (two 64-bit words) and the correct
#: bits it asks of the low-order coefficients there (more than the 48 asked at
#: ``low_bits``: the boxes were proven with results at least that accurate).
FIRST_BITS, _FIRST_OK = 128, 96
#: Shifts kept at the ladder's start before it tries one word lower.
_STREAK = 8
#: Recent shifts kept per :class:`Shifter` to re-centre from (:meth:`Shifter._recentred`).
_ANCHORS = 8


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


_LAST_POWERS: list = [None]


def _powers(t, n: int) -> list:
    """``[1, t, ..., t^(n-1)]`` at the working precision; the last list is kept
    for the same ball object, size and precision (a value and its derivative,
    or two polynomials, are evaluated at the same ``t`` one after the other:
    the same balls, not recomputed)."""
    last = _LAST_POWERS[0]
    prec = flint.ctx.prec
    if last is not None and last[0] is t and last[1] == n and last[2] == prec:
        return last[3]
    pw = [flint.arb(1)]
    for _ in range(n - 1):
        pw.append(pw[-1] * t)
    _LAST_POWERS[0] = (t, n, prec, pw)
    return pw


_INTS: list = []
_LAST_VECTORS: list = [None, None]


def _ints(n: int) -> list:
    """``[0, 1, ..., n-1]`` as exact arb balls (kept; a product with one is the
    product with the Python integer, ball for ball)."""
    if len(_INTS) < n:
        _INTS[:] = [flint.arb(k) for k in range(max(n, 2 * len(_INTS)))]
    return _INTS


def _vector(t, n: int, deriv: bool):
    """The row ``[1, t, ..., t^(n-1)]`` (``deriv``: ``[0, 1, 2 t, ...,
    (n-1) t^(n-2)]``) as a ``1 x n`` ball matrix at the working precision; the
    last of each is kept for the same ball object, size and precision (as
    :func:`_powers`: the polynomials of one shift are evaluated at the same
    ``t``)."""
    last = _LAST_VECTORS[deriv]
    prec = flint.ctx.prec
    if last is not None and last[0] is t and last[1] == n and last[2] == prec:
        return last[3]
    pw = _powers(t, n)
    if deriv:
        v, ks = flint.arb_mat(1, n), _ints(n)
        for k in range(1, n):
            v[0, k] = pw[k - 1] * ks[k]
    else:
        v = flint.arb_mat([pw])
    _LAST_VECTORS[deriv] = (t, n, prec, v)
    return v


def _joined(parts: tuple):
    """The column chunks ``parts`` side by side as one matrix."""
    n = parts[0].nrows()
    S = flint.arb_mat(n, sum(P.ncols() for P in parts))
    col = 0
    for P in parts:
        for r in range(n):
            for j in range(P.ncols()):
                S[r, col + j] = P[r, j]
        col += P.ncols()
    return S


class Shifted:
    """``sum_{k,i} S[k, i] t^k s^i`` about ``(w0, c)`` (see :class:`Shifter`),
    evaluated with its partial derivatives on balls ``t``, ``s``; ``part``
    picks one of the polynomials shifted together (``mats``: one ``S`` each;
    inside, an ``S`` shifted in column chunks is kept as the tuple of its chunks)."""

    __slots__ = ("_mats", "_head", "_finish", "_full", "w0", "c")

    def __init__(self, mats: Optional[list], w0: Fraction, c: Fraction,
                 head: Optional[list] = None, finish=None):
        """``mats``, or (:meth:`Shifter._shift`) their first rows ``head`` and
        ``finish()`` that computes them when first asked for."""
        self._mats, self._head, self._finish, self.w0, self.c = mats, head, finish, w0, c
        self._full: Optional[list] = None

    def _store(self) -> list:
        """Each polynomial's ``S`` or tuple of column chunks (computed if not yet)."""
        if self._mats is None:
            self._mats, self._head, self._finish = self._finish(), None, None
        return self._mats

    @property
    def mats(self) -> list:
        return [_joined(S) if isinstance(S, tuple) else S for S in self._store()]

    def full(self) -> list:
        """:attr:`mats`, joined once and kept (a shift re-centred from: its chunks
        side by side, the same balls)."""
        if self._full is None:
            self._full = self.mats
        return self._full

    def _first_rows(self) -> list:
        """The matrices (their first chunks), or their first rows where the rest
        is not computed yet (all that :meth:`lost_bits` and :meth:`accurate` read)."""
        if self._mats is None:
            return self._head
        return [S[0] if isinstance(S, tuple) else S for S in self._mats]

    def lost_bits(self, prec: int) -> Optional[float]:
        """Bits lost at the working precision ``prec``: ``prec`` minus the
        correct bits of :meth:`accurate`'s coefficients (the fewest); None when
        one is not finite or all are zero."""
        correct = None
        for S in self._first_rows():
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
        for S in self._first_rows():
            ent = [S[0, 0]] + ([S[1, 0]] if S.nrows() > 1 else []) + \
                ([S[0, 1]] if S.ncols() > 1 else [])
            top = max(abs(e.mid()) for e in ent)
            if top == 0 or any(e.rad() > top * flint.arb(2) ** -bits for e in ent):
                return False
        return True

    def _row(self, t, deriv: bool, part: int) -> list:
        """The entries of ``v S`` for the polynomial ``part``: ``v = [t^k]`` or
        ``[k t^(k-1)]`` (:func:`_vector`), chunk by chunk."""
        S = self._store()[part]
        if isinstance(S, tuple):
            v = _vector(t, S[0].nrows(), deriv)
            return [e for P in S for e in (v * P).entries()]
        return (_vector(t, S.nrows(), deriv) * S).entries()

    @staticmethod
    def _dot(cs: list, s, deriv: bool):
        if deriv:
            return _horner([c * k for c, k in zip(cs[1:], _ints(len(cs))[1:])], s)
        return _horner(cs, s)

    def value(self, t, s, part: int = 0):
        return self._dot(self._row(t, False, part), s, False)

    def d_t(self, t, s, part: int = 0):
        return self._dot(self._row(t, True, part), s, False)

    def d_s(self, t, s, part: int = 0):
        return self._dot(self._row(t, False, part), s, True)

    def mean_values(self, t, s) -> list:
        """Each polynomial on ``t x s`` by the mean-value form about the centre."""
        first = [S[0] if isinstance(S, tuple) else S for S in self._store()]
        return [first[k][0, 0] + self._dot(self._row(t, True, k), s, False) * t
                + self._dot(self._row(t, False, k), s, True) * s
                for k in range(len(first))]
