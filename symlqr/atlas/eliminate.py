"""Exact eliminants in ``W`` of polynomials in QQ[W, p], by evaluation and
interpolation in ``p``.

    disc_W f (p)       the discriminant of ``f(W, p)`` in ``W``
    Res_W(f, g)(p)     the resultant of ``f(W, p)`` and ``g(W, p)`` in ``W``

Both are polynomials in ``p`` whose degree is at most ``D``, the largest sum of
``p``-degrees over a permutation of the Sylvester matrix (an assignment
problem, :func:`degree_bound`). At ``D + 1`` consecutive integers ``t`` where
the leading coefficients in ``W`` do not vanish, the eliminant of the
specialized integer polynomials ``f(W, t)``, ``g(W, t)`` is computed by FLINT
(``fmpz_poly``, a few milliseconds each) and equals the eliminant at ``t``;
Newton's divided differences on consecutive integers stay integers for a
polynomial with integer coefficients, so the interpolation is exact integer
arithmetic. The result is the same polynomial as FLINT's ``fmpq_mpoly``
resultant up to a nonzero constant factor, which changes no root, at a small
fraction of its cost (seconds instead of minutes for degree 38 in ``W``).

``check`` (a callable, optional) is called between FLINT calls, so a
cooperative deadline is honoured within one specialization.

>>> import flint
>>> ctx = flint.fmpq_mpoly_ctx.get(("W", "p"))
>>> W, p = ctx.gens()
>>> eliminant(W * W - p)                                  # disc_W(W^2 - p) = 4 p
4*x
>>> eliminant(W * W - p, W - p - 1)                       # (p + 1)^2 - p
x^2 + x + 1
"""
from __future__ import annotations

from math import lcm
from typing import Callable, Optional

import flint
import numpy as np
from scipy.optimize import linear_sum_assignment

__all__ = ["eliminant", "integer_rows", "degree_bound", "as_fmpq_poly"]


def integer_rows(f) -> list:
    """``f = c * sum_k a_k(p) W^k`` with ``c > 0`` rational: the list of ``a_k``
    as ``fmpz_poly`` in ``p`` (the denominators cleared).

    >>> import flint
    >>> W, p = flint.fmpq_mpoly_ctx.get(("W", "p")).gens()
    >>> integer_rows(W * W / 2 - p / 3)
    [(-2)*x, 0, 3]
    """
    d = f.to_dict()
    den = 1
    for c in d.values():
        den = lcm(den, int(c.q))
    degw = max(k[0] for k in d)
    degp = max(k[1] for k in d)
    rows = [[0] * (degp + 1) for _ in range(degw + 1)]
    for (i, j), c in d.items():
        rows[i][j] = int(c.p) * (den // int(c.q))
    return [flint.fmpz_poly(r) for r in rows]


def _sylvester_degrees(F: list, G: list) -> np.ndarray:
    """``p``-degrees of the entries of the Sylvester matrix of ``F``, ``G``
    (rows of coefficients, lowest power of ``W`` first; -1 for a zero entry)."""
    n, m = len(F) - 1, len(G) - 1
    size = n + m
    deg = np.full((size, size), -1, dtype=np.int64)
    for r in range(m):                          # m shifted copies of F
        for k, a in enumerate(reversed(F)):
            deg[r, r + k] = a.degree()
    for r in range(n):                          # n shifted copies of G
        for k, a in enumerate(reversed(G)):
            deg[m + r, r + k] = a.degree()
    return deg


def degree_bound(F: list, G: list) -> int:
    """An upper bound on ``deg_p Res_W``: the determinant of the Sylvester
    matrix is a sum over permutations of products of entries, so its degree is
    at most the largest sum of entry degrees over a permutation with nonzero
    entries (solved exactly as an assignment problem).

    >>> import flint
    >>> degree_bound([flint.fmpz_poly([0, -1]), 0, 1], [0, 2])   # W^2 - p and 2 W
    1
    """
    F = [flint.fmpz_poly(a) for a in F]
    G = [flint.fmpz_poly(a) for a in G]
    deg = _sylvester_degrees(F, G)
    big = int(deg.max()) * deg.shape[0] + 1
    cost = np.where(deg >= 0, -deg, big)        # a zero entry is never chosen
    rows, cols = linear_sum_assignment(cost)
    if (deg[rows, cols] < 0).any():
        return 0                                 # the determinant is identically 0
    return int(deg[rows, cols].sum())


def _newton_interpolate(start: int, values: list, check: Optional[Callable]) -> flint.fmpz_poly:
    """The polynomial with integer coefficients taking ``values[j]`` at
    ``start + j``: divided differences on consecutive integers are integers
    (they are the coefficients in the basis ``prod (x - start - i)``)."""
    c = [flint.fmpz(v) for v in values]
    D = len(c) - 1
    for k in range(1, D + 1):
        if check is not None and k % 32 == 0:
            check()
        for i in range(D, k - 1, -1):
            c[i] = (c[i] - c[i - 1]) // k       # exact: see the docstring
    P = flint.fmpz_poly([c[D]])
    for k in range(D - 1, -1, -1):
        P = P * flint.fmpz_poly([-(start + k), 1]) + c[k]
    return P


def _nodes(lead: flint.fmpz_poly, count: int) -> int:
    """First integer ``s >= 0`` such that ``lead`` vanishes at none of ``s .. s+count-1``."""
    zeros = sorted(int(r) for r, _m in lead.roots() if r >= 0) if lead.degree() > 0 else []
    s = 0
    for z in zeros:
        if s <= z < s + count:
            s = z + 1
    return s


def eliminant(f, g=None, check: Optional[Callable] = None) -> flint.fmpz_poly:
    """``disc_W f`` (``g`` None) or ``Res_W(f, g)`` as an integer polynomial in
    ``p``, up to a nonzero constant factor; ``f``, ``g`` in QQ[W, p] of degree
    at least 1 in ``W``."""
    F = integer_rows(f)
    if g is None:
        dF = [a * k for k, a in enumerate(F)][1:]
        bound = degree_bound(F, dF) - F[-1].degree()      # disc = +- Res(f, f') / lc
        lead = F[-1]
        rows = [F]
    else:
        G = integer_rows(g)
        bound = degree_bound(F, G)
        lead = F[-1] * G[-1]
        rows = [F, G]
    bound = max(bound, 0)
    start = _nodes(lead, bound + 1)
    values = []
    for t in range(start, start + bound + 1):
        if check is not None:
            check()
        polys = [flint.fmpz_poly([a(t) for a in R]) for R in rows]
        values.append(polys[0].discriminant() if g is None else polys[0].resultant(polys[1]))
    return _newton_interpolate(start, values, check)


def as_fmpq_poly(f: flint.fmpz_poly) -> flint.fmpq_poly:
    """``f`` with rational coefficients."""
    return flint.fmpq_poly([int(c) for c in f.coeffs()]) if f.degree() >= 0 else flint.fmpq_poly([0])
