"""Second-order Taylor models of matrices over a box of gains.

Over a box ``W = c + sum_k rho_k t_k E_k`` (``t`` in ``[-1, 1]^n``) a
:class:`Taylor2Matrix` stands for every matrix

    ``c + sum_k D_k t_k + sum_{k <= l} E_kl t_k t_l + R``,  ``R`` a ball matrix,

and holds the true value at every point of the box. Products keep the polynomial
part to second order exactly (the coefficients are balls only through rounding)
and bound what is cut off, ``L_f Q_g + Q_f (L_g + Q_g)`` and the terms with a
remainder, in the remainder. Where the first-order models of
:mod:`~symlqr.matrix.taylor` bound the whole curvature of ``F(W) = W - eta grad
g(W)`` and of ``grad h`` in their remainder, here only third-order terms are
left there; on the boxes of the 3 x 1 example where the first-order product
test fails, the remainders were 2 to 30 times the sampled deviation of the
function from its linear part, while the deviation itself was a third to a
half of the linear part (``docs/matrix.md``).

Stein solves ``P = M' P M + Y`` with ``M = M_c + dM``: the polynomial part by two
Picard steps ``P <- S_c^-1(Y + N(P))`` coefficient by coefficient (``S_c(Z) = Z -
M_c' Z M_c``, ``N(P) = dM' P M_c + M_c' P dM + dM' P dM`` raises the order by
one, so two steps make the orders 0 to 2 exact), then the remainder ``Delta = P -
P_2``: it solves ``Delta = T_t(Delta) = S_c^-1(Y + N(P_2 + Delta) - S_c(P_2))`` at
every point ``t``, an affine map whose fixed point is unique where ``M`` is
Schur stable (proven over the box by the ball solve of the whole box). A ball
``B`` (the truncation's own bound, inflated) with ``T(B)`` in ``B``, evaluated in
model arithmetic over the whole box, holds a fixed point of every ``T_t``
(Brouwer), so ``Delta`` lies in ``T(B)``; where that check fails, ``Delta`` is
bounded by the whole box's ball solve minus the range of ``P_2`` and then by
``T`` of itself until it stops shrinking (each step gains an order of the box
width until only third-order terms are left; three steps left it 1.3 to 14
times above its limit on boxes of the 3 x 1 example).

>>> from flint import arb_mat
>>> from symlqr.matrix.lqr import LQRPoint
>>> one = arb_mat([[1]])
>>> W = gain_box2([0.5], [0.7], 1, 1)           # W in [0.5, 0.7], A = B = Q = R = 1
>>> p = LQRPoint(TAYLOR2, (one, one, one, one), W, one)
>>> lo, hi = p.cost.lower(), p.cost.upper()     # C(W) = (1 + W^2) / (1 - (1 - W)^2)
>>> bool(lo <= (1 + 0.25) / 0.75 and (1 + 0.49) / 0.91 <= hi), float(hi - lo) < 0.12
(True, True)
"""
from __future__ import annotations

from functools import lru_cache

from flint import arb, arb_mat

from .backend import ArbBackend
from .taylor import SteinForms, TaylorBackend, float_inverse, gain_box, target

__all__ = ["Taylor2Matrix", "Taylor2Backend", "TAYLOR2", "gain_box2"]

_UNIT = arb(0, 1)          # t in [-1, 1]
_SQUARE = arb(0.5, 0.5)    # t^2 in [0, 1]


@lru_cache(maxsize=None)
def _layout(n: int) -> tuple:
    """``(pairs, table, square)`` for ``n`` variables: the coefficient index of
    ``t_k t_l`` (``k <= l``) in ``pairs``; ``table`` the triples ``(a, b, out)``
    whose product ``coef_a coef_b`` lands in ``out`` (total degree at most 2);
    ``square[i]`` whether index ``i`` is a ``t_k^2``."""
    pairs = {}
    for k in range(n):
        for l in range(k, n):
            pairs[(k, l)] = 1 + n + len(pairs)
    K = 1 + n + len(pairs)
    deg = [0] + [1] * n + [2] * len(pairs)
    var = [None] + [k for k in range(n)] + [None] * len(pairs)
    table = []
    for a in range(K):
        for b in range(K):
            if deg[a] + deg[b] > 2:
                continue
            if deg[a] == 0:
                table.append((a, b, b))
            elif deg[b] == 0:
                table.append((a, b, a))
            else:
                k, l = sorted((var[a], var[b]))
                table.append((a, b, pairs[(k, l)]))
    square = [False] * (1 + n) + [k == l for (k, l) in pairs]
    return pairs, tuple(table), tuple(square)


class Taylor2Matrix:
    """``sum_i coef[i] m_i(t) + R`` (module docstring); ``coef[i]`` is ``None``
    for a zero coefficient, index 0 the constant, ``1..n`` the linear terms, then
    ``t_k t_l`` for ``k <= l``."""
    __slots__ = ("coef", "R", "n", "shape", "_u")

    def __init__(self, coef: list, R: arb_mat, n: int):
        self.coef, self.R, self.n = coef, R, n
        self.shape = (R.nrows(), R.ncols())
        self._u = None

    @classmethod
    def const(cls, m: arb_mat, n: int) -> "Taylor2Matrix":
        K = len(_layout(n)[2])
        return cls([m] + [None] * (K - 1), arb_mat(m.nrows(), m.ncols()), n)

    @property
    def c(self) -> arb_mat:
        c = self.coef[0]
        return arb_mat(*self.shape) if c is None else c

    @property
    def D(self) -> list:
        return [arb_mat(*self.shape) if x is None else x for x in self.coef[1:1 + self.n]]

    def nrows(self):
        return self.shape[0]

    def ncols(self):
        return self.shape[1]

    # -- enclosures -------------------------------------------------------------
    def _units(self) -> tuple:
        """``(U1, U2)``: balls holding the linear and the quadratic part over the box."""
        if self._u is None:
            n, sq = self.n, _layout(self.n)[2]
            U1 = arb_mat(*self.shape)
            U2 = arb_mat(*self.shape)
            for i, x in enumerate(self.coef):
                if x is None or i == 0:
                    continue
                if i <= n:
                    U1 = U1 + x * _UNIT
                else:
                    U2 = U2 + x * (_SQUARE if sq[i] else _UNIT)
            self._u = (U1, U2)
        return self._u

    def spread(self) -> arb_mat:
        U1, U2 = self._units()
        return U1 + U2 + self.R

    def range(self) -> arb_mat:
        """An enclosure of every matrix the model stands for."""
        return self.c + self.spread()

    def entries(self):
        return self.range().entries()

    def transpose(self) -> "Taylor2Matrix":
        return Taylor2Matrix([None if x is None else x.transpose() for x in self.coef],
                             self.R.transpose(), self.n)

    def trace(self) -> arb:
        """``tr`` over the box: the polynomial part's trace bounded term by term."""
        tr = lambda m: sum((m[i, i] for i in range(m.nrows())), arb(0))
        sq = _layout(self.n)[2]
        out = tr(self.R)
        for i, x in enumerate(self.coef):
            if x is None:
                continue
            t = tr(x)
            out += t if i == 0 else t * (_SQUARE if sq[i] else _UNIT)
        return out

    def misses(self, point=None) -> bool:
        """Proven: no matrix of the model equals ``point`` (``arb_mat`` or balls,
        row-major; zero when ``None``) on the box. Rows of the model minus the
        point, multiplied by a float inverse ``Y`` of the linear part's columns
        ``G``, are ``(Y v)_i + sum_k (Y G)_ik t_k + sum_{k<=l} (Y E_kl)_i t_k t_l +
        (Y R)_i``; a row whose range over the box excludes 0 proves it (so does
        an entry's own range).

        >>> W = gain_box2([0.0, 0.0], [2.0, 2.0], 1, 2)
        >>> M = W * arb_mat([[1, 1], [1, -1]])          # (w1 + w2, w1 - w2)
        >>> M.misses([arb(0.5), arb(-1.5)]), M.misses([arb(2), arb(0)])
        (True, False)
        """
        rng = self.range().entries()
        pt, apart = target(rng, point)
        if apart:
            return True
        n = self.n
        m = len(rng)
        if m != n or n == 0:
            return False
        ents = [None if x is None else x.entries() for x in self.coef]
        zero = [arb(0)] * m
        v = [x - y for x, y in zip(ents[0] or zero, pt)]
        cols = [e or zero for e in ents[1:1 + n]]
        Y = float_inverse(cols, n)
        if Y is None:
            return False
        Yb = arb_mat(Y.tolist())
        col = lambda e: arb_mat(m, 1, e)
        sq = _layout(n)[2]
        total = Yb * (col(v) + col(self.R.entries()))
        for i in range(1, len(self.coef)):
            if ents[i] is None:
                continue
            total = total + (Yb * col(ents[i])) * (_UNIT if i <= n or not sq[i] else _SQUARE)
        return any(not x.contains(0) for x in total.entries())

    # -- arithmetic -------------------------------------------------------------
    def __add__(self, o):
        if not isinstance(o, Taylor2Matrix):
            c = self.coef[0]
            return Taylor2Matrix([o if c is None else c + o] + self.coef[1:], self.R, self.n)
        coef = [a if b is None else b if a is None else a + b for a, b in zip(self.coef, o.coef)]
        return Taylor2Matrix(coef, self.R + o.R, self.n)

    __radd__ = __add__

    def __neg__(self):
        return Taylor2Matrix([None if x is None else -x for x in self.coef], -self.R, self.n)

    def __sub__(self, o):
        return self + (-o)

    def __rsub__(self, o):
        return (-self) + o

    def mul(self, o: "Taylor2Matrix", remainder: bool = True) -> "Taylor2Matrix":
        """The product of two models; ``remainder=False`` drops the remainder
        (the polynomial part alone, for the Picard steps of a Stein solve)."""
        K = len(self.coef)
        out = [None] * K
        f, g = self.coef, o.coef
        for a, b, t in _layout(self.n)[1]:
            x, y = f[a], g[b]
            if x is None or y is None:
                continue
            p = x * y
            out[t] = p if out[t] is None else out[t] + p
        r, c = self.shape[0], o.shape[1]
        if not remainder:
            return Taylor2Matrix(out, arb_mat(r, c), self.n)
        U1f, U2f = self._units()
        U1g, U2g = o._units()
        Rf, Rg = self.R, o.R
        R = U1f * U2g + U2f * (U1g + U2g) + Rf * (U1g + U2g + Rg) + (U1f + U2f) * Rg
        if f[0] is not None:
            R = R + f[0] * Rg
        if g[0] is not None:
            R = R + Rf * g[0]
        return Taylor2Matrix(out, R, self.n)

    def __mul__(self, o):
        if isinstance(o, Taylor2Matrix):
            return self.mul(o)
        if not isinstance(o, arb_mat):
            o = arb(o)
        return Taylor2Matrix([None if x is None else x * o for x in self.coef], self.R * o, self.n)

    def __rmul__(self, o):
        if isinstance(o, arb_mat):
            return Taylor2Matrix([None if x is None else o * x for x in self.coef], o * self.R,
                                 self.n)
        return self * o


def gain_box2(lo, hi, r: int, d: int) -> Taylor2Matrix:
    """The box ``[lo, hi]`` of ``r x d`` gains (row-major float ends) as the model
    ``c + sum_k rho_k t_k E_k`` (:func:`~symlqr.matrix.taylor.gain_box`'s terms)."""
    first = gain_box(lo, hi, r, d)
    n = r * d
    coef = [first.c] + list(first.D) + [None] * (len(_layout(n)[2]) - 1 - n)
    return Taylor2Matrix(coef, arb_mat(r, d), n)


STEIN_STEPS = 10   # at most this many remainder steps from the a priori bound


def _meet(a: arb_mat, b: arb_mat) -> arb_mat:
    """Entrywise intersection of two enclosures of the same matrix."""
    return arb_mat(a.nrows(), a.ncols(), [x.intersection(y) if x.overlaps(y) else x
                                          for x, y in zip(a.entries(), b.entries())])


def _size(a: arb_mat) -> float:
    return max(float(abs(x).upper()) for x in a.entries())


class _Taylor2Stein(SteinForms):
    """Stein solves with a second-order model ``M`` (module docstring)."""

    def __init__(self, M: Taylor2Matrix, arb_backend: ArbBackend):
        self.M = M
        self.Mc = M.c
        self.centre = arb_backend.stein(self.Mc)          # ZeroDivisionError: not proven
        self.whole = arb_backend.stein(M.range())
        self.dM = Taylor2Matrix([None] + M.coef[1:], M.R, M.n)

    def _solve(self, Y, transpose: bool) -> Taylor2Matrix:
        """``P = M' P M + Y`` (``transpose=False``; ``S = M S M' + Y`` otherwise)."""
        n, Mc, dM = self.M.n, self.Mc, self.dM
        Y = Y if isinstance(Y, Taylor2Matrix) else Taylor2Matrix.const(Y, n)
        c_solve = self.centre.S if transpose else self.centre.P
        many = self.centre.S_many if transpose else self.centre.P_many
        dMt = dM if transpose else dM.transpose()       # dM' on the left (P form)
        McL = Mc if transpose else Mc.transpose()
        McR = Mc.transpose() if transpose else Mc
        dMR = dM.transpose() if transpose else dM

        def N(P, remainder):
            left = dMt.mul(P, remainder)
            return left * McR + (McL * P).mul(dMR, remainder) + left.mul(dMR, remainder)

        P = Taylor2Matrix.const(c_solve(Y.c), n)
        for _ in range(2):                               # orders 0..2 exact after two steps
            Z = Y + N(P, False)
            idx = [i for i, z in enumerate(Z.coef) if z is not None]
            coef = [None] * len(Z.coef)            # one Kronecker product for all of them
            for i, x in zip(idx, many([Z.coef[i] for i in idx])):
                coef[i] = x
            P = Taylor2Matrix(coef, arb_mat(*Y.shape), n)
        SP = P - McL * P * McR                           # S_c(P_2), coefficient by coefficient

        def step(delta):                                 # T(Delta): every P - P_2 in it
            rest = Y + N(Taylor2Matrix(P.coef, delta, n), True) - SP
            return c_solve(rest.range())

        guess = step(arb_mat(*Y.shape))                  # the truncation alone, inflated
        guess = arb_mat(guess.nrows(), guess.ncols(),
                        [arb(x.mid(), 2 * x.rad() + abs(x.mid()) / 4 + 1e-300)
                         for x in guess.entries()])
        got = step(guess)
        if all(a.contains(b) for a, b in zip(guess.entries(), got.entries())):
            delta = step(got)                            # T(B) in B: Brouwer (docstring)
        else:
            bound = (self.whole.S if transpose else self.whole.P)(Y.range())
            delta = bound - P.range()                    # P - P_2 at every point of the box
            for _ in range(STEIN_STEPS):
                new = _meet(step(delta), delta)
                shrunk = _size(new) < 0.9 * _size(delta)
                delta = new
                if not shrunk:
                    break
        return Taylor2Matrix(P.coef, delta, n)


class Taylor2Backend(TaylorBackend):
    """:class:`~symlqr.matrix.taylor.TaylorBackend` for second-order models
    (:func:`gain_box2`): every closed form of :class:`~symlqr.matrix.lqr.LQRPoint`
    then comes as a :class:`Taylor2Matrix`."""
    name = "taylor2"
    model, solver = Taylor2Matrix, _Taylor2Stein


TAYLOR2 = Taylor2Backend()
