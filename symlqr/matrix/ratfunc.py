"""Exact rational functions of the gain entries, and ``grad h`` as polynomials.

``W`` is a matrix of symbols ``w1, ..., wn`` (row-major). Every closed form of
:mod:`symlqr.matrix.lqr` and :mod:`symlqr.matrix.objective` runs unchanged in
the backend :data:`RATFUNC`, whose scalars are reduced fractions
``num / den`` of ``flint.fmpq_mpoly`` polynomials (``den`` monic, ``gcd = 1``)
and whose Stein solves are exact (fraction-free elimination of the polynomial
system, :class:`RatStein`). :func:`gradient_numerators` returns the
numerators of ``grad h``: every stationary point of ``h`` in the domain is a
common zero of them (in the domain every denominator is a product of factors of
``det(I - M (x) M)`` for ``W`` and the adapted ``F_i(W)``, which are nonzero
for stable closed loops).

>>> from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
>>> ts = MatrixTaskSet([MatrixTask.from_scalar(1, 1, 2, 2)], "1/10")
>>> N, = gradient_numerators(ts)                  # h'(w) = N(w) / D(w), one parameter
>>> int(N.total_degree()), N(fmpq(0))              # w = 0: M = 1, on the boundary
(18, 0)
>>> x = RatFunc(RationalFunctionBackend(1).ctx.gens()[0])
>>> (1 / (1 - x * x)) * (1 - x)                    # reduced fractions
(1) / (w1 + 1)
"""
from __future__ import annotations

from fractions import Fraction
from functools import lru_cache

from flint import fmpq, fmpq_mpoly_ctx

from .backend import FlintBackend
from .ratmat import RatFunc, RatMat, _sum
from .ratstein import RatStein, _RatSteinReference  # noqa: F401  (the first design: tests)

__all__ = ["RatFunc", "RatMat", "RationalFunctionBackend", "symbolic_gain", "symbolic_point",
           "symbolic_iterates", "Iterates",
           "gradient_rational_functions", "gradient_numerators", "direction_rational_functions",
           "direction_numerators", "stability_denominators", "integer_coefficients",
           "degrees_along_a_line"]


class RationalFunctionBackend(FlintBackend):
    """Backend (see :mod:`symlqr.matrix.backend`) over ``QQ(w1, ..., wn)``; products,
    transposes and coordinates as in :class:`~symlqr.matrix.backend.FlintBackend`."""
    name = "ratfunc"
    stein_class = RatStein      # _RatSteinReference: the first design (tests, benchmark)

    def __init__(self, nvars: int):
        self.ctx = fmpq_mpoly_ctx.get(tuple(f"w{k + 1}" for k in range(nvars)), "degrevlex")
        self.zero = RatFunc(self.ctx.from_dict({}), None, reduce=False)
        self.one = self.zero + 1

    def gens(self):
        return [RatFunc(g) for g in self.ctx.gens()]

    def scalar(self, q):
        return self.zero + (fmpq(q.numerator, q.denominator) if hasattr(q, "numerator")
                            else fmpq(q))

    def asmat(self, rows):
        return RatMat([[self.scalar(x) for x in row] for row in rows])

    def scale(self, c, m):
        return m * c

    def trace(self, m):
        return _sum([m[i, i] for i in range(m.r)])

    def dot(self, u, v):
        return _sum([a * b for a, b in zip(u.e, v.e)])

    def basis(self, r, d):
        out = []
        for k in range(r * d):
            out.append(RatMat(r, d, [self.one if i == k else self.zero for i in range(r * d)]))
        return out

    def stein(self, M):
        return self.stein_class(M, self.one)


def symbolic_gain(bk: RationalFunctionBackend, r: int, d: int) -> RatMat:
    """``W`` with entries ``w1, ..., w_{rd}`` (row-major)."""
    return RatMat(r, d, bk.gens())


def _tasks(bk, taskset):
    return [tuple(bk.asmat(getattr(t, k)) for k in ("A", "B", "Q", "R", "Sigma0", "Sigma0a"))
            for t in taskset.tasks]


@lru_cache(maxsize=2)
def symbolic_point(taskset, steps: int = 1):
    """``(backend, MamlPoint)`` at the symbolic ``W`` (``steps`` adaptation steps);
    the last two are kept (the numerators, boundary polynomials, domain conditions
    and adapted gains of one run share them: with ``K = 2`` on ``2 x 1`` gains
    they take minutes)."""
    from .objective import MamlPoint
    r, d = taskset.tasks[0].r, taskset.tasks[0].d
    bk = RationalFunctionBackend(r * d)
    W = symbolic_gain(bk, r, d)
    return bk, MamlPoint(bk, _tasks(bk, taskset), [bk.scalar(w) for w in taskset.weights],
                         bk.scalar(taskset.eta), W, steps)


class Iterates:
    """The adaptation path at the symbolic ``W``: ``iterates[i] = [W_1, ..., W_K]``
    of task ``i`` and ``F[i] = W_K`` (no outer point)."""

    def __init__(self, W, iterates):
        self.W, self.iterates = W, iterates
        self.F = [its[-1] for its in iterates]


@lru_cache(maxsize=2)
def symbolic_iterates(taskset, steps: int = 1):
    """``(backend, Iterates)``: ``W_{k+1} = W_k - eta grad g_i(W_k)`` at the symbolic
    ``W``, the part of :func:`symbolic_point` the domain conditions and the
    adapted gains need. It skips the outer point ``f_i`` at ``F_i(W)`` (a Stein
    solve over rational functions of ``F``'s degree), which is most of
    :func:`symbolic_point`'s cost: for the 4 x 1 chain (``r d = 4``) the
    iterates take a fraction of a second, the point did not finish in 14 minutes.

    >>> from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
    >>> ts = MatrixTaskSet([MatrixTask.from_scalar(1, 1, 2, 2)], "1/10")
    >>> bk, it = symbolic_iterates(ts)
    >>> it.F[0].entries() == symbolic_point(ts)[1].F[0].entries()
    True
    """
    from .lqr import LQRPoint
    r, d = taskset.tasks[0].r, taskset.tasks[0].d
    bk = RationalFunctionBackend(r * d)
    W = symbolic_gain(bk, r, d)
    eta = bk.scalar(taskset.eta)
    out = []
    for t in _tasks(bk, taskset):
        V, its = W, []
        for _ in range(int(steps)):
            V = V - bk.scale(eta, LQRPoint(bk, t[:4], V, t[5]).grad)
            its.append(V)
        out.append(its)
    return bk, Iterates(W, out)


def direction_rational_functions(taskset, method: str = "maml", steps: int = 1) -> list:
    """The entries (row-major) of the update direction of ``method`` with ``K =
    steps`` adaptation steps, as :class:`RatFunc` in ``w1..wn``: ``maml``
    ``grad h_K``; ``fomaml`` ``sum_i w_i grad f_i(W_K)``; ``reptile``
    ``sum_i w_i (W - W_K) / (eta K)`` (:meth:`MamlPoint.direction`)."""
    from .certificate import METHODS
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    if int(steps) < 1:
        raise ValueError("steps must be at least 1")
    return symbolic_point(taskset, int(steps))[1].direction(method).entries()


def gradient_rational_functions(taskset) -> list:
    """The entries of ``grad h`` (row-major) as :class:`RatFunc` in ``w1..wn``."""
    return direction_rational_functions(taskset)


def direction_numerators(taskset, method: str = "maml", steps: int = 1) -> list:
    """Numerators of :func:`direction_rational_functions`, scaled to coprime integer
    coefficients (``fmpq_mpoly``); a constant numerator is kept.

    >>> from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
    >>> ts = MatrixTaskSet([MatrixTask.from_scalar(1, 1, 2, 2)], "1/10")
    >>> [[int(direction_numerators(ts, m, K)[0].total_degree()) for K in (1, 2)]
    ...  for m in ("maml", "fomaml", "reptile")]           # degrees grow about 5x per step
    [[18, 98], [18, 98], [2, 22]]
    """
    return [integer_coefficients(g.num)
            for g in direction_rational_functions(taskset, method, steps)]


def degrees_along_a_line(taskset, method: str = "maml", steps: int = 1, seed: int = 0) -> list:
    """Degrees of the numerators of the direction's entries restricted to the line
    ``W = W0 + t V`` (rational, drawn from ``seed``), computed in one variable
    (seconds where the numerators in ``r d`` variables take minutes or do not
    finish). The restriction of ``N / D`` can only cancel further, so each is a
    lower bound of the total degree, equal to it for a generic line: what a
    dense Bernstein tensor of the numerator would need (about ``(n + 1)^(r d)``
    coefficients per box).

    >>> from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
    >>> ts = MatrixTaskSet([MatrixTask.from_scalar(1, 1, 2, 2)], "1/10")
    >>> degrees_along_a_line(ts), [int(p.total_degree()) for p in direction_numerators(ts)]
    ([18], [18])
    """
    import numpy as np
    from .objective import MamlPoint
    r, d = taskset.shape
    bk = RationalFunctionBackend(1)
    t = bk.gens()[0]
    rng = np.random.default_rng(seed)
    W = RatMat(r, d, [bk.scalar(Fraction(int(rng.integers(-9, 10)), 7))
                      + t * bk.scalar(Fraction(int(rng.integers(1, 10)), 5)) for _ in range(r * d)])
    p = MamlPoint(bk, _tasks(bk, taskset), [bk.scalar(w) for w in taskset.weights],
                  bk.scalar(taskset.eta), W, int(steps))
    return [int(f.num.degrees()[0]) if not f.num.is_zero() else 0
            for f in p.direction(method).entries()]


def gradient_numerators(taskset) -> list:
    """Numerators of :func:`gradient_rational_functions`, scaled to coprime integer
    coefficients (``fmpq_mpoly``); a constant numerator is kept."""
    return direction_numerators(taskset)


def stability_denominators(taskset, steps: int = 1) -> list:
    """Polynomials that vanish on the boundary of the domain: the numerators of
    ``det(I - M (x) M)`` for ``M = A_i - B_i W_k``, ``k = 0..K`` (``W_0 = W``, ``W_K
    = F_i(W)``, ``K = steps``), and the denominators of the iterates ``W_k``. For a
    stable ``M`` with eigenvalues ``l_j``, ``det(I - M (x) M) = prod_{j,k} (1 - l_j
    l_k) != 0``; the denominators of ``W_{k+1}`` divide powers of those of ``W_k``
    and of the Stein determinant at ``W_k``."""
    bk, p = symbolic_point(taskset, int(steps))
    out = []
    for t, path, its in zip(_tasks(bk, taskset), p.path, p.iterates):
        for V in [p.W] + its:
            out.append(_kron_det(t[0] - t[1] * V, bk).num)
        for V in its:
            out.extend(x.den for x in V.entries())
    return _distinct([integer_coefficients(q) for q in out if not q.is_constant()])


def _distinct(polys) -> list:
    out = []
    for q in polys:
        if not any(q == o or q == -o for o in out):
            out.append(q)
    return out


def _kron_det(M, bk):
    d, e = M.r, M.e
    rows = [[(bk.one if i * d + k == j * d + l else bk.zero) - e[i * d + j] * e[k * d + l]
             for j in range(d) for l in range(d)] for i in range(d) for k in range(d)]
    n = d * d
    a = [list(row) for row in rows]
    det = bk.one
    for k in range(n):
        piv = next((i for i in range(k, n) if not a[i][k].is_zero()), None)
        if piv is None:
            return bk.zero
        if piv != k:
            a[k], a[piv], det = a[piv], a[k], -det
        det = det * a[k][k]
        inv = a[k][k].inverse()
        for i in range(k + 1, n):
            if not a[i][k].is_zero():
                f = a[i][k] * inv
                a[i] = [x - f * y for x, y in zip(a[i], a[k])]
    return det


def divides(f, b) -> bool:
    """Does the polynomial ``f`` divide ``b`` exactly?"""
    try:
        q = b / f
    except Exception:                 # flint raises on inexact division
        return False
    return q * f == b


def integer_coefficients(p):
    """``p`` times the positive rational making its coefficients coprime integers."""
    if p.is_zero():
        return p
    coeffs = [Fraction(int(c.p), int(c.q)) for c in p.coeffs()]
    from math import gcd, lcm
    L = 1
    for c in coeffs:
        L = lcm(L, c.denominator)
    G = 0
    for c in coeffs:
        G = gcd(G, int(c * L))
    return p * fmpq(L, G)

