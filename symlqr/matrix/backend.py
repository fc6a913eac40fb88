"""Three arithmetics for the matrix closed forms: floats, exact rationals, balls.

Every closed form in :mod:`symlqr.matrix.lqr` and :mod:`symlqr.matrix.objective`
is written once against a *backend* (the mpmath idea of a context). A backend
gives matrix products, transposes, constants, and the two Stein (discrete
Lyapunov) solves with a fixed closed-loop matrix ``M``::

    P = M' P M + Y          (value function, "P-solve")
    S = M S M' + Y          (state covariance, "S-solve")

* :data:`FLOAT` -- numpy arrays; Stein solves by one LU of ``I - M (x) M`` for
  ``d <= KRON_MAX_D`` (reused for every right-hand side), else
  ``scipy.linalg.solve_discrete_lyapunov`` (bilinear, O(d^3)).
* :data:`EXACT` -- ``flint.fmpq_mat``: exact rationals for rational inputs.
* :class:`ArbBackend` -- ``flint.arb_mat`` balls; every result contains the
  exact value for every point of the input balls (used by the certificates).

>>> import numpy as np
>>> st = FLOAT.stein(np.array([[0.5]]))
>>> float(st.P(np.array([[3.0]]))[0, 0])        # P = 0.25 P + 3
4.0
>>> from flint import fmpq_mat
>>> EXACT.stein(fmpq_mat([[1, 0], [0, 0]]) / 2).S(fmpq_mat([[1, 0], [0, 1]]))
[4/3, 0]
[  0, 1]
"""
from __future__ import annotations

import numpy as np
import scipy.linalg as sla
from flint import arb, arb_mat, ctx, fmpq, fmpq_mat

__all__ = ["FLOAT", "EXACT", "ArbBackend", "KRON_MAX_D", "FloatBackend", "ExactBackend",
           "FloatStein"]

KRON_MAX_D = 10   # largest d solved through a factored d^2 x d^2 Kronecker system
KRON_CHEAP_D = 4  # above 53 bits, "auto" uses the Kronecker form over balls only up to here


class FloatStein:
    """Float Stein solves with a fixed ``M`` (one LU of ``I - M (x) M`` for small ``d``).

    ``S_many`` / ``P_many`` solve several right-hand sides with the same factors
    (one vector solve each: OpenBLAS's multi-right-hand-side path starts threads
    that cost milliseconds per call on a loaded machine)."""

    def __init__(self, M):
        self.M = M
        d = M.shape[0]
        self.lu = sla.lu_factor(np.eye(d * d) - np.kron(M, M)) if d <= KRON_MAX_D else None

    def _many(self, Ys, trans: int):
        if not Ys:
            return []
        if self.lu is None:
            M = self.M.T if trans else self.M
            return [sla.solve_discrete_lyapunov(M, Y) for Y in Ys]
        d = Ys[0].shape[0]
        return [sla.lu_solve(self.lu, np.asarray(Y).reshape(d * d), trans=trans).reshape(d, d)
                for Y in Ys]

    def S_many(self, Ys):
        return self._many(Ys, 0)

    def P_many(self, Ys):
        return self._many(Ys, 1)

    def S(self, Y):
        return self._many([Y], 0)[0]

    def P(self, Y):
        return self._many([Y], 1)[0]


class FloatBackend:
    """numpy float64 arithmetic (no guarantees; the search and the oracles)."""
    name = "float"

    def asmat(self, rows):
        return np.array(rows, dtype=float)

    def scalar(self, q):
        return float(q)

    def mm(self, *ms):
        out = ms[0]
        for m in ms[1:]:
            out = out @ m
        return out

    def T(self, m):
        return m.T

    def scale(self, c, m):
        return float(c) * m

    def trace(self, m):
        return float(np.trace(m))

    def dot(self, u, v):
        return float(np.sum(u * v))

    def entries(self, m):
        """Row-major entries (the coordinates in :meth:`basis`)."""
        return m.reshape(-1).tolist()

    def from_columns(self, cols):
        """The matrix whose columns are the entry lists ``cols``."""
        return np.array(cols, dtype=float).T

    def rows(self, m):
        """A matrix as a list of rows."""
        return m.tolist()

    def basis(self, r, d):
        out = []
        for k in range(r * d):
            e = np.zeros((r, d))
            e.flat[k] = 1.0
            out.append(e)
        return out

    def stein(self, M):
        return FloatStein(M)


class _KronStein:
    """Stein solves through ``vec``: row-major ``vec(M S M') = (M (x) M) vec S`` and
    ``vec(M' P M) = (M (x) M)' vec P``; the inverse is computed once and applied
    to all right-hand sides of a batch in one matrix product."""

    def __init__(self, M, mattype, one, inverse, refine=False):
        d = M.nrows()
        K = _kron_system(M, mattype)
        self.d, self.mattype, self.refine = d, mattype, refine
        self.K, self.KT = K, K.transpose()
        self.Kinv = inverse(K)
        self.KinvT = self.Kinv.transpose()
        if refine:
            mids = np.array([float(x) for x in self.Kinv.entries()]).reshape(d * d, d * d)
            self.mid_inv = {False: mids, True: mids.T}

    def _apply(self, transpose, Ys):
        if not Ys:
            return []
        K, Kinv = (self.KT, self.KinvT) if transpose else (self.K, self.Kinv)
        d, k, mt = self.d, len(Ys), self.mattype
        y = mt(k, d * d, [e for Y in Ys for e in Y.entries()]).transpose()   # d^2 x k
        if self.refine:             # x = x~ + K^-1 (y - K x~): wide K^-1 meets a small residual
            ym = np.array([float(v) for v in y.entries()]).reshape(d * d, k)
            x0 = mt((self.mid_inv[transpose] @ ym).tolist())
            v = x0 + Kinv * (y - K * x0)
        else:
            v = Kinv * y
        ents = v.transpose().entries()
        n = d * d
        return [mt(d, d, ents[j * n:(j + 1) * n]) for j in range(k)]

    def S_many(self, Ys):
        return self._apply(False, Ys)

    def P_many(self, Ys):
        return self._apply(True, Ys)

    def S(self, Y):
        return self._apply(False, [Y])[0]

    def P(self, Y):
        return self._apply(True, [Y])[0]


def _kron_system(M, mattype):
    """``I - M (x) M`` as the product ``I - (M (x) I)(I (x) M)`` (both factors sparse
    with exact zeros, so every entry is the single product ``m_ij m_kl``)."""
    d = M.nrows()
    e = M.entries()
    n = d * d
    left = [0] * (n * n)            # (M (x) I)[(i,k),(j,l)] = m_ij [k == l]
    right = [0] * (n * n)           # (I (x) M)[(i,k),(j,l)] = [i == j] m_kl
    for i in range(d):
        for j in range(d):
            a = e[i * d + j]
            for k in range(d):
                left[(i * d + k) * n + j * d + k] = a
                right[(i * d + j) * n + i * d + k] = e[j * d + k]
    eye = mattype(n, n, [int(p == q) for p in range(n) for q in range(n)])
    return eye - mattype(n, n, left) * mattype(n, n, right)


class FlintBackend:
    """The matrix operations shared by the backends over FLINT-like matrix types
    (``mattype``, ``zero``): products, transposes, traces, coordinates."""
    mattype = None

    def asmat(self, rows):
        return self.mattype([[self.scalar(x) for x in row] for row in rows])

    def scalar(self, q):
        return self.zero + fmpq(q.numerator, q.denominator) if hasattr(q, "numerator") \
            else self.zero + q

    def mm(self, *ms):
        out = ms[0]
        for m in ms[1:]:
            out = out * m
        return out

    def T(self, m):
        return m.transpose()

    def scale(self, c, m):
        return m * (self.zero + c)

    def trace(self, m):
        return sum((m[i, i] for i in range(m.nrows())), self.zero)

    def dot(self, u, v):
        return sum((a * b for a, b in zip(u.entries(), v.entries())), self.zero)

    def entries(self, m):
        """Row-major entries (the coordinates in :meth:`basis`)."""
        return m.entries()

    def from_columns(self, cols):
        """The matrix whose columns are the entry lists ``cols``."""
        return self.mattype(len(cols), len(cols[0]), [x for c in cols for x in c]).transpose()

    def rows(self, m):
        """A matrix as a list of rows."""
        return m.tolist()

    def basis(self, r, d):
        out = []
        for k in range(r * d):
            e = self.mattype(r, d)
            e[k // d, k % d] = 1
            out.append(e)
        return out


class ExactBackend(FlintBackend):
    """Exact rationals (``fmpq_mat``); Stein solves by an exact Kronecker solve."""
    name = "exact"
    mattype = fmpq_mat
    zero = fmpq(0)

    def stein(self, M):
        return _KronStein(M, fmpq_mat, fmpq(1), lambda K: K.inv())


class ArbBackend(FlintBackend):
    """Ball arithmetic (``arb_mat``) at the working precision of ``flint.ctx``.

    Stein solves: ``method="lyapunov"`` encloses the solution by a certified
    contraction bound (:mod:`symlqr.matrix.stein`, O(d^3), but its uniform error
    bound is loose); ``method="kron"`` inverts ``I - M (x) M`` by Arb's
    preconditioned solver (O(d^6), tight; ``"kron_arb"`` uses Arb's own solver
    everywhere, the slower first design kept as a baseline). ``"auto"`` (default) takes Kronecker
    for ``d <= KRON_MAX_D`` at 53 bits, and above 53 bits only for
    ``d <= KRON_CHEAP_D`` and an ``M`` that is not a point up to rounding (above
    53 bits the loose bound mostly scales tiny rounding widths; the certificate
    falls back to ``"kron"`` when a point is not proven this way). A closed loop
    not proven stable, or a singular system, raises ``ZeroDivisionError``."""
    name = "arb"
    mattype = arb_mat
    zero = arb(0)

    def __init__(self, method: str = "auto"):
        if method not in ("lyapunov", "kron", "auto", "mixed", "kron_arb"):
            raise ValueError("method must be 'auto', 'mixed', 'lyapunov', 'kron' or 'kron_arb'")
        self.method = method

    def _use_lyapunov(self, M) -> bool:
        if self.method not in ("auto", "mixed"):
            return self.method == "lyapunov"
        if M.nrows() > KRON_MAX_D:
            return True
        if ctx.prec <= 53:
            return False
        if M.nrows() > KRON_CHEAP_D and self.method == "auto":   # above 53 bits widths are
            return True                                          # tiny: O(d^3) beats O(d^6)
        ents = M.entries()
        big = max(float(abs(x).upper()) for x in ents)
        return max(float(x.rad()) for x in ents) <= 2.0 ** (-ctx.prec // 2) * max(big, 1.0)

    def stein(self, M):
        if self._use_lyapunov(M):
            from .stein import LyapunovStein
            try:
                return LyapunovStein(M)
            except ZeroDivisionError:
                if self.method != "auto" or M.nrows() > KRON_MAX_D:
                    raise
        if self.method == "kron_arb":        # Arb's own preconditioned solver (baseline)
            def inverse(K):
                n = K.nrows()
                return K.solve(arb_mat(n, n, [int(i == j) for i in range(n) for j in range(n)]),
                               algorithm="precond")
            return _KronStein(M, arb_mat, arb(1), inverse, refine=True)
        return _KronStein(M, arb_mat, arb(1), _approximate_inverse, refine=True)


def _approximate_inverse(K: arb_mat) -> arb_mat:
    """Ball matrix containing ``K^-1`` for every matrix in the ball ``K``:
    ``Y`` = float inverse of the midpoint, ``C = I - Y K`` in balls, and
    ``|K^-1 - Y|_ij <= ||K^-1 - Y||_2 <= ||C||_F ||Y||_F / (1 - ||C||_F)`` when
    ``||C||_F < 1`` (``K^-1 - Y = (I - Y K) K^-1`` and ``||K^-1|| <= ||Y|| / (1 - ||C||)``;
    the Frobenius norms from ``tr(C'C)`` in balls, no Python loop over entries)."""
    n = K.nrows()
    mid = np.array([float(x) for x in K.entries()]).reshape(n, n)
    try:
        Y = np.linalg.inv(mid)
    except np.linalg.LinAlgError:
        raise ZeroDivisionError("singular Kronecker system") from None
    if not np.all(np.isfinite(Y)):
        raise ZeroDivisionError("singular Kronecker system")
    Yb = arb_mat(Y.tolist())
    eye = arb_mat(n, n, [int(p == q) for p in range(n) for q in range(n)])
    C = eye - Yb * K
    c = _frobenius_upper(C)
    if not c < 1:
        raise ZeroDivisionError("Kronecker system not proven nonsingular")
    delta = (c * _frobenius_upper(Yb) / (1 - c)).upper()
    if not delta < 1e300:
        raise ZeroDivisionError("Kronecker system not proven nonsingular")
    return Yb + arb_mat(n, n, [arb(0, delta)] * (n * n))


def _frobenius_upper(A: arb_mat) -> arb:
    """An exact ``arb`` upper bound of ``||A||_F`` for every matrix in the ball ``A``
    (``v v'`` with ``v`` the entries as one row: O(n^2), not a matrix product)."""
    v = arb_mat(1, A.nrows() * A.ncols(), A.entries())
    s = (v * v.transpose())[0, 0]
    return arb(s.upper()).sqrt().upper() if s.upper() > 0 else arb(0)


FLOAT = FloatBackend()
EXACT = ExactBackend()
