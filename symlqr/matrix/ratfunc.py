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
from ..exact.ratfunc import FractionArithmetic

__all__ = ["RatFunc", "RatMat", "RationalFunctionBackend", "symbolic_gain", "symbolic_point",
           "gradient_rational_functions", "gradient_numerators", "direction_rational_functions",
           "direction_numerators", "stability_denominators", "integer_coefficients"]


class RatFunc(FractionArithmetic):
    """A reduced fraction ``num / den`` of ``fmpq_mpoly`` polynomials, ``den`` monic."""
    __slots__ = ("num", "den")

    def __init__(self, num, den=None, reduce=True):
        if den is None:
            den = num.context().from_dict({}) + 1
        if reduce and not den.is_one():
            g = num.gcd(den)
            if not g.is_one():
                num, den = num / g, den / g
            lc = den.leading_coefficient()
            if lc != 1:
                num, den = num / lc, den / lc
        self.num, self.den = num, den

    def _lift(self, other):
        if isinstance(other, RatFunc):
            return other
        ctx = self.num.context()
        if isinstance(other, Fraction):
            other = fmpq(other.numerator, other.denominator)
        return RatFunc(ctx.from_dict({}) + other, None, reduce=False)

    def __add__(self, other):
        o = self._lift(other)
        if self.den == o.den:
            return RatFunc(self.num + o.num, self.den)
        g = self.den.gcd(o.den)
        a, b = self.den / g, o.den / g
        return RatFunc(self.num * b + o.num * a, a * o.den)

    def __neg__(self):
        return RatFunc(-self.num, self.den, reduce=False)

    def __mul__(self, other):
        o = self._lift(other)
        g1, g2 = self.num.gcd(o.den), o.num.gcd(self.den)
        num, den = (self.num / g1) * (o.num / g2), (self.den / g2) * (o.den / g1)
        return RatFunc(num, den, reduce=False)._monic()

    def _monic(self):
        lc = self.den.leading_coefficient()
        if lc != 1:
            self.num, self.den = self.num / lc, self.den / lc
        return self

    def inverse(self):
        if self.num.is_zero():
            raise ZeroDivisionError("division by the zero rational function")
        return RatFunc(self.den, self.num, reduce=False)._monic()

    def __truediv__(self, other):
        return self * self._lift(other).inverse()

    def is_zero(self) -> bool:
        return self.num.is_zero()

    def __eq__(self, other):
        o = self._lift(other)
        return self.num == o.num and self.den == o.den

    def __hash__(self):
        return hash((str(self.num), str(self.den)))

    def __repr__(self):
        return f"({self.num}) / ({self.den})" if not self.den.is_one() else str(self.num)


class RatMat:
    """Dense matrix of :class:`RatFunc` with the slice of the ``fmpq_mat`` API the
    closed forms use (``*``, ``+``, ``-``, ``transpose``, ``entries``, ``[i, j]``)."""

    def __init__(self, rows, cols=None, entries=None):
        if cols is None:
            self.r, self.c = len(rows), len(rows[0])
            self.e = [x for row in rows for x in row]
        else:
            self.r, self.c, self.e = rows, cols, list(entries)

    def nrows(self):
        return self.r

    def ncols(self):
        return self.c

    def entries(self):
        return list(self.e)

    def __getitem__(self, ij):
        return self.e[ij[0] * self.c + ij[1]]

    def __setitem__(self, ij, v):
        self.e[ij[0] * self.c + ij[1]] = v

    def transpose(self):
        return RatMat(self.c, self.r, [self.e[i * self.c + j] for j in range(self.c)
                                       for i in range(self.r)])

    def __add__(self, o):
        return RatMat(self.r, self.c, [a + b for a, b in zip(self.e, o.e)])

    def __sub__(self, o):
        return RatMat(self.r, self.c, [a - b for a, b in zip(self.e, o.e)])

    def __neg__(self):
        return RatMat(self.r, self.c, [-a for a in self.e])

    def __mul__(self, o):
        if not isinstance(o, RatMat):
            return RatMat(self.r, self.c, [a * o for a in self.e])
        out = []
        for i in range(self.r):
            for j in range(o.c):
                terms = [self.e[i * self.c + k] * o.e[k * o.c + j] for k in range(self.c)]
                out.append(_sum(terms))
        return RatMat(self.r, o.c, out)

    __rmul__ = __mul__


def _sum(terms):
    out = terms[0]
    for t in terms[1:]:
        out = out + t
    return out


def _solve(K: RatMat, Y: RatMat) -> RatMat:
    """``K^-1 Y`` by Gauss-Jordan elimination over the rational functions."""
    n, m = K.r, Y.c
    a = [[K[i, j] for j in range(n)] + [Y[i, j] for j in range(m)] for i in range(n)]
    for k in range(n):
        piv = next((i for i in range(k, n) if not a[i][k].is_zero()), None)
        if piv is None:
            raise ZeroDivisionError("singular Stein system")
        a[k], a[piv] = a[piv], a[k]
        inv = a[k][k].inverse()
        a[k] = [x * inv for x in a[k]]
        for i in range(n):
            if i != k and not a[i][k].is_zero():
                f = a[i][k]
                a[i] = [x - f * y for x, y in zip(a[i], a[k])]
    return RatMat(n, m, [a[i][n + j] for i in range(n) for j in range(m)])


class RatStein:
    """``S = M S M' + Y`` and ``P = M' P M + Y`` (the ``S``-solve with ``M'``) for the
    right-hand sides given. For ``M = A - B W`` (entries of degree <= 1) Gauss-Jordan
    over ``QQ(w)``; otherwise (``M = A - B F(W)``) a generic solve and one substitution.

    The nonconstant entries of ``M`` become symbols ``z``, the unknown entries of
    ``Y`` symbols ``y`` (for symmetric ``Y``, every ``Y`` the closed forms pass,
    only the ``d(d+1)/2`` entries ``j <= l``). Gauss-Jordan elimination over
    ``QQ(z, y)`` gives each entry of ``S`` as ``N(z, y) / D(z)`` (small: ``M``'s
    constant entries are numbers). With ``z = zn / q``, ``y = yn / r`` (common
    denominators), ``N`` and ``D`` are homogenized and composed as polynomials,
    and each entry is reduced once: the same reduced fractions as solving over
    ``QQ(w)`` directly (the first design, :class:`_RatSteinReference`), without
    the gcds of large intermediate fractions. ``S_many`` / ``P_many`` share one
    generic solve. Either way, for symmetric ``Y`` the ``d(d+1)/2`` unknowns ``j <= l``.

    >>> bk = RationalFunctionBackend(1)
    >>> w = bk.gens()[0]
    >>> M = RatMat([[1 / (2 + w)]])
    >>> RatStein(M, bk.one).S(RatMat([[bk.one]]))[0, 0]     # S = 1 / (1 - M^2)
    (w1^2 + 4*w1 + 4) / (w1^2 + 4*w1 + 3)
    """

    def __init__(self, M: RatMat, one: RatFunc):
        self.M = M

    def S_many(self, Ys):
        """``S`` for several right-hand sides (the batched interface of the backends)."""
        return _stein_solve(self.M, Ys) if Ys else []

    def P_many(self, Ys):
        """``P`` for several right-hand sides."""
        return _stein_solve(self.M.transpose(), Ys) if Ys else []

    def S(self, Y):
        return self.S_many([Y])[0]

    def P(self, Y):
        return self.P_many([Y])[0]


def _lcm(polys):
    out = polys[0]
    for p in polys[1:]:
        if p != out:
            out = out * (p / out.gcd(p))
    return out


def _stein_solve(M: RatMat, Ys) -> list:
    """``[S]`` with ``S = M S M' + Y`` for each ``Y`` in ``Ys`` (see :class:`RatStein`)."""
    d = M.r
    sym = all(Y[i, j] == Y[j, i] for Y in Ys for i in range(d) for j in range(i))
    idx = [(i, k) for i in range(d) for k in range(i if sym else 0, d)]
    if all(x.den.is_constant() and x.num.total_degree() <= 1 for x in M.e):
        return [_unvech(d, idx, _stein_solve_gj(M, Y, idx)) for Y in Ys]    # M = A - B W
    var = [n for n, x in enumerate(M.e) if not (x.num.is_constant() and x.den.is_constant())]
    nz, ny = len(var), len(idx)
    ctx = fmpq_mpoly_ctx.get(tuple(f"z{k}" for k in range(nz)) + tuple(
        f"y{k}" for k in range(ny)) + ("t",), "degrevlex")
    gens = [RatFunc(g) for g in ctx.gens()]
    zero = RatFunc(ctx.from_dict({}), None, reduce=False)
    Mg = RatMat(d, d, [zero + sum(x.num.to_dict().values(), fmpq(0)) for x in M.e])
    for k, n in enumerate(var):
        Mg.e[n] = gens[k]
    Yg = RatMat(d, d, [None] * (d * d))
    for k, (i, j) in enumerate(idx):
        Yg[i, j] = gens[nz + k]
        if sym:
            Yg[j, i] = gens[nz + k]
    sol = _stein_solve_gj(Mg, Yg, idx)
    q = _lcm([M.e[n].den for n in var]) if var else M.e[0].den
    zn = [M.e[n].num * (q / M.e[n].den) for n in var]
    out = []
    for Y in Ys:
        r = _lcm([Y[i, j].den for (i, j) in idx])
        yn = [Y[i, j].num * (r / Y[i, j].den) for (i, j) in idx]
        out.append(_unvech(d, idx, [_substitute(s, nz, zn + yn + [q], r) for s in sol]))
    return out


def _unvech(d, idx, values) -> RatMat:
    vals = dict(zip(idx, values))
    return RatMat(d, d, [vals[(i, k)] if (i, k) in vals else vals[(k, i)]
                         for i in range(d) for k in range(d)])


def _homogenize(p, nz):
    """``t^e p(z / t, y)`` with ``e`` the largest degree of ``p`` in ``z``; ``(poly, e)``."""
    terms = p.to_dict()
    e = max(sum(x[:nz]) for x in terms)
    return p.context().from_dict({x[:-1] + (e - sum(x[:nz]),): c
                                  for x, c in terms.items()}), e


def _substitute(s, nz, args, r):
    """``s(z = zn / q, y = yn / r)`` for ``s = N / D``, ``N`` linear in ``y``, ``D`` free of
    ``y``; ``args = zn + yn + [q]``."""
    if s.num.is_zero():
        return RatFunc(args[0].context().from_dict({}), None, reduce=False)
    (N, en), (D, ed) = _homogenize(s.num, nz), _homogenize(s.den, nz)
    N, D, q = N.compose(*args), D.compose(*args), args[-1]
    D = D * r
    if en > ed:
        D = D * q ** (en - ed)
    elif ed > en:
        N = N * q ** (ed - en)
    return RatFunc(N, D)


def _stein_solve_gj(M: RatMat, Y: RatMat, idx) -> list:
    """Entries ``idx`` of ``S = M S M' + Y`` by Gauss-Jordan over :class:`RatFunc`
    (symmetric unknowns when ``idx`` holds only ``i <= k``)."""
    sym = len(idx) < M.r * M.r
    one = M.e[0] * 0 + 1
    rows = []
    for (i, k) in idx:
        row = []
        for (j, l) in idx:
            c = M[i, j] * M[k, l]
            if sym and j < l:
                c = c + M[i, l] * M[k, j]
            row.append(one - c if (i, k) == (j, l) else -c)
        rows.append(row)
    return _solve(RatMat(rows), RatMat(len(idx), 1, [Y[i, k] for (i, k) in idx])).e


class _RatSteinReference:
    """The first design, kept as the reference of the tests and the benchmark: the
    exact inverse of ``I - M (x) M`` by Gauss-Jordan over :class:`RatFunc`."""

    def __init__(self, M: RatMat, one: RatFunc):
        d, e = M.r, M.e
        zero = one * 0
        rows = [[(one if i * d + k == j * d + l else zero) - e[i * d + j] * e[k * d + l]
                 for j in range(d) for l in range(d)] for i in range(d) for k in range(d)]
        eye = RatMat(d * d, d * d, [one if i == j else zero for i in range(d * d)
                                    for j in range(d * d)])
        self.d = d
        self.Kinv = _solve(RatMat(rows), eye)
        self.KinvT = self.Kinv.transpose()

    def _apply(self, Kinv, Y):
        return RatMat(self.d, self.d, (Kinv * RatMat(self.d * self.d, 1, Y.entries())).e)

    def S_many(self, Ys):
        return [self._apply(self.Kinv, Y) for Y in Ys]

    def P_many(self, Ys):
        return [self._apply(self.KinvT, Y) for Y in Ys]

    def S(self, Y):
        return self.S_many([Y])[0]

    def P(self, Y):
        return self.P_many([Y])[0]


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

