"""Stein solves over ``QQ(w1, ..., wn)``: ``S = M S M' + Y`` and ``P = M' P M + Y``
for matrices ``M`` of rational functions of the gain entries (the closed loops
``A - B W`` and ``A - B F(W)``), as the rational-function backend's ``stein``
(:class:`~symlqr.matrix.ratfunc.RationalFunctionBackend`)."""
from __future__ import annotations

from flint import fmpq, fmpq_mpoly_ctx

from .ratmat import RatFunc, RatMat

__all__ = ["RatStein"]


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

    >>> from symlqr.matrix.ratfunc import RationalFunctionBackend
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
