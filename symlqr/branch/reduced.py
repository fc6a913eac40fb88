"""Bernstein coefficients of lower degree with a proven remainder.

On a box small against the polynomial's scale a polynomial of degree
``n = (n_1, ..., n_k)`` is close to one of much lower degree ``m``: the
Bernstein coefficients of a degree-71 numerator of a 3 x 1 gain take 373,248
floats, those of degree 16 take 4,913, and on a box of a sixteenth of the first
box's side the two differ by about ``1e-11`` of the values (measured on the
3 x 1 example of docs/matrix.md). Such a box then carries

* the coefficients ``r`` of a degree-``m`` polynomial ``q`` (floats, exact as
  given), widened to ``[r - e, r + e]``, where ``e >= max |p - q|`` over the
  box is proven from the full coefficients: ``q`` raised to degree ``n`` has
  the coefficients ``E r`` (:func:`symlqr.branch.bernstein.elevate`, outward),
  so ``|p - q| <= max_I |c_I - (E r)_I|`` (the Bernstein basis is nonnegative
  and sums to 1). The widened coefficients say, at every point ``x`` of the
  box, ``p(x) in [q(x) - e, q(x) + e]``: every test that reads values from
  coefficients (ranges, nonnegative combinations, values at the centre, splits,
  degree raising) stays sound;
* for each variable ``t_j`` (the box's own unit coordinate) a bound ``e_j`` on
  ``|d(p - q)/dt_j|`` over the box, from the coefficients
  ``n_j (d_{I + e_j} - d_I)`` of that derivative, ``d = c - E r``: a
  derivative read from the widened coefficients of ``q`` is that of ``q``
  only, and the Krawczyk operator needs ``dp/dt_j`` itself. Divided by the
  box's width it is a bound in ``x_j`` that holds on every part of the box.

``q`` comes from interpolation at Chebyshev points (near best; any ``q`` is
sound, the remainder is what is proven).

>>> import numpy as np
>>> from fractions import Fraction as Q
>>> from flint import fmpq, fmpq_mpoly_ctx
>>> from symlqr.branch.bernstein import Source
>>> x, y = fmpq_mpoly_ctx.get(("x", "y"), "lex").gens()
>>> p = (1 + x / 3) ** 12 * (1 - y / 5) ** 9 - fmpq(1, 2)
>>> lo, hi, f = Source(p, 2).on([(Q(0), Q(1, 8)), (Q(0), Q(1, 8))])
>>> rlo, rhi, e, ed = reduce(lo, hi, (8, 8))
>>> rlo.shape, bool(e[0] < 1e-8 * np.abs(lo).max())
((1, 9, 9), True)
>>> bool((rlo <= rhi).all()) and bool(rlo.min() > 0)       # p > 0 on the box
True
"""
from __future__ import annotations

from functools import lru_cache
from math import comb

import numpy as np

from .bernstein import elevate, split

__all__ = ["reduce", "restrict"]

_INF = np.inf


def _basis(n: int, t: np.ndarray) -> np.ndarray:
    """``B^n_j(t_i)`` (rows: points) in floats."""
    j = np.arange(n + 1)
    c = np.array([comb(n, k) for k in j], dtype=float)
    return c * t[:, None] ** j * (1 - t[:, None]) ** (n - j)


@lru_cache(maxsize=None)
def _approximation(n: int, m: int) -> np.ndarray:
    """``(m + 1, n + 1)``: degree-``n`` coefficients to the degree-``m``
    coefficients of the interpolant at ``m + 1`` Chebyshev points of ``[0, 1]``."""
    nodes = 0.5 * (1 - np.cos(np.pi * (np.arange(m + 1) + 0.5) / (m + 1)))
    return np.linalg.solve(_basis(m, nodes), _basis(n, nodes))


def _along(C: np.ndarray, axis: int, M: np.ndarray) -> np.ndarray:
    return np.moveaxis(np.tensordot(M, np.moveaxis(C, axis, 0), axes=(1, 0)), 0, axis)


def reduce(lo, hi, degrees):
    """``(rlo, rhi, e, ed)`` for a batch of coefficient enclosures ``lo, hi``
    (shape ``(b, n_1 + 1, ..., n_k + 1)``): coefficients of degree
    ``min(m_j, n_j)`` widened by the proven remainder ``e`` (shape ``(b,)``),
    and ``ed`` (shape ``(b, k)``) bounding ``|d(p - q)/dt_j|`` over each box
    (module docstring). Where the input holds infinities the remainder is
    infinite."""
    ns = [s - 1 for s in lo.shape[1:]]
    ms = [min(int(m), n) for m, n in zip(degrees, ns)]
    r = 0.5 * lo + 0.5 * hi
    for ax, (n, m) in enumerate(zip(ns, ms)):
        if m < n:
            r = _along(r, ax + 1, _approximation(n, m))
    with np.errstate(invalid="ignore", over="ignore"):
        r = np.where(np.isfinite(r), r, 0.0)
        e_lo, e_hi = elevate(r, r, ns)
        d_lo = np.nextafter(lo - e_hi, -_INF)            # c - E r, enclosed
        d_hi = np.nextafter(hi - e_lo, _INF)
        b = lo.shape[0]
        big = np.maximum(np.abs(d_lo), np.abs(d_hi)).reshape(b, -1).max(axis=1)
        e = np.nextafter(big, _INF)
        e = np.where(np.isfinite(e), e, _INF)
        ed = np.zeros((b, len(ns)))
        for ax, n in enumerate(ns):
            if n == 0:
                continue
            a = np.take(d_hi, range(1, n + 1), axis=ax + 1) - np.take(d_lo, range(0, n), axis=ax + 1)
            c = np.take(d_hi, range(0, n), axis=ax + 1) - np.take(d_lo, range(1, n + 1), axis=ax + 1)
            step = np.nextafter(np.maximum(a, c), _INF).reshape(b, -1).max(axis=1)
            ed[:, ax] = np.nextafter(n * step, _INF)
        ed = np.where(np.isfinite(ed), ed, _INF)
        shape = (b,) + (1,) * len(ns)
        rlo = np.nextafter(r - e.reshape(shape), -_INF)
        rhi = np.nextafter(r + e.reshape(shape), _INF)
    return rlo, rhi, e, ed


def restrict(lo, hi, box, part):
    """The coefficients on ``part`` (a sub-box, float ends) from those on ``box``
    (one box, shape ``(1, ...)``): two cuts per variable by
    :func:`symlqr.branch.bernstein.split` (rounded outward)."""
    for var, ((a, b), (c, d)) in enumerate(zip(box, part)):
        a, b, c, d = float(a), float(b), float(c), float(d)
        if d < b:
            (lo, hi), _ = split(lo, hi, var, (d - a) / (b - a))
            b = d
        if c > a:
            _, (lo, hi) = split(lo, hi, var, (c - a) / (b - a))
    return lo, hi
