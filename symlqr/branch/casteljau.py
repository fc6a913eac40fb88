"""De Casteljau splits of Bernstein coefficient enclosures, with outward rounding.

The coefficients of a batch of boxes (float pairs ``lo <= c <= hi``, first axis the
box, as :mod:`symlqr.branch.bernstein` makes them) cut across one variable at a
fraction of each box's width give both halves' coefficients by two nonnegative
matrices per box (:func:`split`); the matrices are built once for all boxes that
share a fraction. :func:`_down` and :func:`_up` are the one-ulp outward steps used
throughout. Re-exported by :mod:`symlqr.branch.bernstein`.

>>> import numpy as np
>>> lo = hi = np.array([[0.0, 0.0, 4.0]])          # x^2 on [0, 2] (degree 2)
>>> (l1, h1), (l2, h2) = split(lo, hi, 0, 0.5)       # on [0, 1]: 0, 0, 1; on [1, 2]: 1, 2, 4
>>> [bool(a <= v <= b) for a, b, v in zip(np.r_[l1[0], l2[0]], np.r_[h1[0], h2[0]], [0, 0, 1, 1, 2, 4])]
[True, True, True, True, True, True]
"""
from __future__ import annotations

from functools import lru_cache
from typing import Optional

import numpy as np

__all__ = ["split", "cut_fractions"]

_INF = np.inf


def _down(x) -> np.ndarray:
    """``np.nextafter(x, -inf)`` for float64 arrays, bit for bit, several times
    faster: one integer step on the bits, ``-1`` for ``x > 0`` and ``+1`` for
    ``x < 0`` (``(i >> 63) | 1`` is the sign of the bits ``i`` as an integer);
    zeros, infinities and NaN go through ``np.nextafter`` itself."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 0:
        return np.nextafter(x, -_INF)
    i = x.view(np.int64)
    out = (i - ((i >> 63) | 1)).view(np.float64)
    bad = ~np.isfinite(x) | (x == 0)
    if bad.any():
        out[bad] = np.nextafter(x[bad], -_INF)
    return out


def _up(x) -> np.ndarray:
    """``np.nextafter(x, inf)`` for float64 arrays, bit for bit (see :func:`_down`).

    >>> v = np.array([0.0, -0.0, 1.0, -1.0, 5e-324, -5e-324, np.inf, -np.inf, np.nan, 1e308])
    >>> all(np.array_equal(f(v), np.nextafter(v, t), equal_nan=True) for f, t in ((_up, np.inf), (_down, -np.inf)))
    True
    """
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 0:
        return np.nextafter(x, _INF)
    i = x.view(np.int64)
    out = (i + ((i >> 63) | 1)).view(np.float64)
    bad = ~np.isfinite(x) | (x == 0)
    if bad.any():
        out[bad] = np.nextafter(x[bad], _INF)
    return out


def cut_fractions(lo, hi, at: float):
    """Float cuts ``c = lo + at (hi - lo)`` and the fractions ``s = (c - lo) / (hi - lo)``
    in floats: ``|s - (c - lo) / (hi - lo)| <= 3.01 * 2^-53`` (three roundings,
    ``s <= 1``), and ``1 - s`` is within ``4 * 2^-53`` of its exact value, both
    inside the ``2^-50`` that :func:`split` allows for."""
    c = lo + at * (hi - lo)
    c = np.minimum(np.maximum(c, lo), hi)
    return c, (c - lo) / (hi - lo)


_LD_EPS = float(np.finfo(np.longdouble).eps)       # 2^-63 on x86-64, 2^-52 where it is double


def _basis_table(s, n: int) -> np.ndarray:
    """``T[i, k, j] = B^k_j(s_i)`` (``j <= k <= n``), the Bernstein basis of every
    degree up to ``n`` at ``s_i``, by ``B^k_j = (1 - s) B^{k-1}_j + s B^{k-1}_{j-1}``
    in ``long double`` and rounded to double: all terms are nonnegative, so each
    entry is within a relative :func:`_table_error` of its exact value at the
    float ``s_i`` (``1 - s``, two products and a sum per step, each within
    ``eps / 2`` of ``long double``, then one rounding to double)."""
    m = len(s)
    T = np.zeros((m, n + 1, n + 1), dtype=np.longdouble)
    T[:, 0, 0] = 1
    sl = s.astype(np.longdouble)[:, None]
    u = 1 - sl
    for k in range(1, n + 1):
        T[:, k, :k] = u * T[:, k - 1, :k]
        T[:, k, 1:k + 1] += sl * T[:, k - 1, :k]
    return T.astype(float)


def _table_error(n: int) -> float:
    """Relative error bound of :func:`_basis_table` up to degree ``n``, doubled."""
    return 2 * (2.0 ** -53 + n * 2.5 * _LD_EPS)


def split(lo, hi, var: int, at, plans: Optional[dict] = None):
    """The coefficients on both halves of every box cut across variable ``var``
    at the fraction ``at`` of its width (a float, or one per box, as given by
    :func:`cut_fractions` up to ``2^-50``): ``((lo_left, hi_left), (lo_right, hi_right))``.

    De Casteljau's scheme as two nonnegative matrices per box,
    ``c^L_r = sum_j B^r_j(s) c_j`` and ``c^R_r = sum_j B^(n-r)_(j-r)(s) c_j``
    (:func:`_basis_table`), applied by batched matrix products. Each result is
    widened by ``(e_T + (n + 3) 2^-53) sum_j T_rj max(|lo_j|, |hi_j|)`` (the table's relative
    error :func:`_table_error` and any summation order's) plus ``2^-48 r sum_k
    T_(r-1)k |c_{k+1} - c_k|`` (the fraction's ``2^-50``, by the mean value
    theorem: the derivative in ``s`` of ``sum_j B^r_j(s) c_j`` is ``r sum_k
    B^(r-1)_k(s) (c_{k+1} - c_k)``; at a point ``xi`` between the weights differ
    from the table's by at most ``2 n 2^-50`` each, hence the extra
    ``2 n^3 2^-98 max_k |c_{k+1} - c_k|``; the factor 2 covers the table's own
    rounding) and the underflow. When every box's fraction is within ``2^-50``
    of the first box's, that one fraction serves them all (one matrix product
    for the batch, :func:`_shared_fraction`) and the fraction's allowance is
    doubled (``2^-47`` and ``8 n^3 2^-98``); else the boxes that share a float
    fraction share its matrix (:func:`_groups`: built once, the same numbers
    as one matrix per box). The outer
    corners are copied exactly (an exact zero there stays exact). ``plans``: a
    dict kept by the caller across polynomials cut at the same fractions (the
    matrices depend only on ``at`` and the degree)."""
    ax = var + 1
    m = lo.shape[0]
    n = lo.shape[ax] - 1
    if plans is not None and n in plans:
        groups = plans[n]
    else:
        groups = _groups(np.broadcast_to(np.asarray(at, dtype=float).reshape(-1), (m,)), n)
        if plans is not None:
            plans[n] = groups
    # |c_{k+1} - c_k| bounded above, and the derivatives' weights: output r of the
    # left half moves with s at r sum_k B^(r-1)_k(s) (c_{k+1} - c_k), of the right
    # half at (n - r) sum_k B^(n-r-1)_k(s) (c_{r+k+1} - c_{r+k})
    b_lo = np.moveaxis(lo, ax, -1).reshape(m, -1, n + 1)
    b_hi = np.moveaxis(hi, ax, -1).reshape(m, -1, n + 1)
    with np.errstate(invalid="ignore", over="ignore"):
        diff = _up(np.maximum(np.abs(b_hi[..., 1:] - b_lo[..., :-1]),
                                       np.abs(b_lo[..., 1:] - b_hi[..., :-1])))
    shape = np.moveaxis(lo, ax, -1).shape
    size = np.maximum(np.abs(b_lo), np.abs(b_hi))       # the rounding's weights, both ends
    out = [np.empty(b_lo.shape) for _ in range(4)]      # left lo, hi; right lo, hi
    for rows, plan, dev in groups:
        parts = [x[rows] for x in (b_lo, b_hi, size, diff)]
        for side, (MT, DT) in enumerate(plan):
            out[2 * side][rows], out[2 * side + 1][rows] = _halve(*parts, MT, DT, n, dev,
                                                                  tall=dev == 2)
    llo, lhi, rlo, rhi = (x.reshape(shape) for x in out)
    for left_end, right_end, arr in ((llo, rlo, lo), (lhi, rhi, hi)):
        b = np.moveaxis(arr, ax, -1)
        left_end[..., 0] = b[..., 0]
        right_end[..., n] = b[..., n]
    back = [np.moveaxis(x, -1, ax) for x in (llo, lhi, rlo, rhi)]
    return (back[0], back[1]), (back[2], back[3])


def _halve(b_lo, b_hi, size, diff, MT, DT, n: int, dev: int, tall: bool):
    """One half's ``(lo, hi)`` for :func:`split`, shape ``(m, r, n + 1)``, from the
    boxes' coefficients along the cut variable (last axis) and one plan's
    matrices (``MT`` 2-D: one for every box; 3-D: one per box). ``tall``: the
    boxes' rows stacked into one product each; else one product per box (a
    2-D ``MT`` broadcast: the same numbers as one matrix per box)."""
    with np.errstate(invalid="ignore", over="ignore"):
        if tall:                    # one matrix for every box: one product each
            c_lo, c_hi, c_size = _products((b_lo, b_hi, size), MT)
            c_step = _products((diff,), DT)[0] if n else 0.0
        else:                       # one batched product for the three (taller: faster)
            r = b_lo.shape[1]
            both = np.matmul(np.concatenate((b_lo, b_hi, size), axis=1), MT)
            c_lo, c_hi, c_size = both[:, :r], both[:, r:2 * r], both[:, 2 * r:]
            c_step = np.matmul(diff, DT) if n else 0.0
        step = (c_step + diff.max(axis=2, keepdims=True) * (2.0 * n ** 3 * 2.0 ** -98)
                * dev ** 2) if n else 0.0
        err = c_size * (_table_error(n) + (n + 3) * 2.0 ** -53) \
            + step * (dev * 2.0 ** -48) + (n + 1) * 2.0 ** -1070
        return _down(c_lo - err), _up(c_hi + err)


def _groups(s, n: int) -> list:
    """``[(rows, plan, dev)]`` for :func:`split`: the boxes ``rows`` cut with the
    matrices ``plan``, built at a fraction within ``dev * 2^-50`` of each one's
    exact fraction. All boxes at one shared fraction (:func:`_shared_fraction`,
    ``dev = 2``); else each float fraction that several boxes share has one
    matrix for those boxes (built once and kept: their own fraction, ``dev =
    1``, and one product per box as before, so the numbers are those of one
    matrix per box), and the boxes with a fraction of their own one matrix each."""
    shared = _shared_fraction(s)
    if shared is not None:
        return [(slice(None), _shared_plan(n, shared), 2)]
    values, inv, counts = np.unique(s, return_inverse=True, return_counts=True)
    many = (counts >= 2) & np.isfinite(values)
    if not many.any():
        return [(slice(None), _split_plan(s.copy(), n), 1)]
    out = [(np.nonzero(inv == g)[0], _shared_plan(n, float(values[g])), 1)
           for g in np.nonzero(many)[0]]
    alone = np.nonzero(~many[inv])[0]
    if len(alone):
        out.append((alone, _split_plan(s[alone].copy(), n), 1))
    return out


def _shared_fraction(s) -> Optional[float]:
    """One float within ``2^-50`` of every box's fraction ``s`` (so within
    ``2 * 2^-50`` of every exact one: :func:`split` then doubles the allowance
    for the fraction's error), else None. The differences of floats in ``[1/4,
    1]`` that close are exact (Sterbenz)."""
    if not len(s):
        return None
    s0 = float(s[0])
    if not 0.25 <= s0 <= 1 or not bool(np.all(np.abs(s - s0) <= 2.0 ** -50)):
        return None
    return s0


@lru_cache(maxsize=256)
def _shared_plan(n: int, s0: float):
    """:func:`_split_plan` for every box cut at the one fraction ``s0``: the
    matrices without the box axis (kept, read-only)."""
    plan = [tuple(np.ascontiguousarray(M[0]) for M in pair)
            for pair in _split_plan(np.array([s0]), n)]
    for pair in plan:
        for M in pair:
            M.setflags(write=False)
    return plan


def _products(arrays, M) -> list:
    """``x @ M`` for every ``x`` of shape ``(m, r, k)``, as one product of the
    stacked rows (``M`` of shape ``(k, k')``)."""
    m, r, k = arrays[0].shape
    rows = np.concatenate([x.reshape(m * r, k) for x in arrays])
    prod = rows @ M
    return [prod[i * m * r:(i + 1) * m * r].reshape(m, r, -1) for i in range(len(arrays))]


@lru_cache(maxsize=64)
def _split_index(n: int):
    """Index arrays placing the basis table's entries in the right half's matrix
    and in both halves' derivative weights (see :func:`_split_plan`)."""
    rr, jj = np.nonzero(np.triu(np.ones((n + 1, n + 1), dtype=bool)))       # j >= r
    lr, lk = np.nonzero(np.tril(np.ones((n + 1, max(n, 1)), dtype=bool), -1))  # k < r
    dr, dk = np.nonzero(np.triu(np.ones((n + 1, max(n, 1)), dtype=bool)))      # r <= k < n
    return (rr, jj), (lr, lk), (dr, dk)


def _split_plan(s, n: int):
    """``((M_left^T, D_left^T), (M_right^T, D_right^T))`` per box for :func:`split`:
    ``M_left[r, j] = B^r_j(s)``, ``M_right[r, j] = B^(n-r)_(j-r)(s)``, and the
    derivative weights ``D_left[r, k] = r B^(r-1)_k(s)`` (``k < r``),
    ``D_right[r, k] = (n - r) B^(n-r-1)_(k-r)(s)`` (``r <= k < n``); each built
    in its transposed layout directly (C-contiguous, no copy)."""
    m = len(s)
    T = _basis_table(s, n)
    (rr, jj), (lr, lk), (dr, dk) = _split_index(n)
    left = np.ascontiguousarray(T.transpose(0, 2, 1))
    right = np.zeros_like(T)
    right[:, jj, rr] = T[:, n - rr, jj - rr]
    d_left = np.zeros((m, max(n, 1), n + 1))
    d_right = np.zeros((m, max(n, 1), n + 1))
    if n:
        d_left[:, lk, lr] = lr * T[:, lr - 1, lk]
        keep = dk < n
        dr, dk = dr[keep], dk[keep]
        d_right[:, dk, dr] = (n - dr) * T[:, n - dr - 1, dk - dr]
    return [(left, d_left), (right, d_right)]
