"""Validated building blocks on ``arb_mat`` balls: inertia, stability, Krawczyk.

* :func:`inertia` -- the numbers of positive and negative eigenvalues shared
  by every symmetric matrix in a ball matrix ``S``: a float eigenvector basis
  ``V`` of the midpoint, the congruence ``V' S V`` in balls, and Gershgorin
  intervals, or where one touches 0 the pivots of ``V' S V = L D L'`` in balls.
  If no interval (pivot) contains 0, ``V' S V`` (hence ``V``) is nonsingular and
  Sylvester's law of inertia transfers the count to ``S``.
* :func:`real_part_inertia` -- the numbers of eigenvalues with positive and
  negative real part shared by every (nonsymmetric) matrix in a ball matrix
  ``J``: a float ``P`` with ``J0' P + P J0 = I``; if ``J' P + P J > 0`` is proven
  over the ball, the Ostrowski--Schneider inertia theorem gives ``In(J) = In(P)``.
* :func:`certify_stable` -- every ``M`` in a ball matrix has spectral radius
  ``< 1``: a float Lyapunov matrix ``P0`` and ``P0 > 0``, ``P0 - M' P0 M > 0``.
* :func:`certify_stable_gains` -- the same for ``A - B W`` over a box of gains
  ``W``: also by one ``P0`` at the box's corners (convexity; no wrapping).
* :func:`proven_unstable` -- some eigenvalue of every matrix in a ball matrix lies
  outside the unit disk (Arb's rigorous eigenvalue enclosures).
* :func:`krawczyk` -- the Krawczyk operator ``x~ - Y g(x~) + (I - Y J(X))(X - x~)``
  mapped into the interior of ``X`` proves one and only one zero in ``X``.
* :func:`decimal_interval` -- outward-rounded decimal strings of a ball.

>>> from flint import arb_mat, arb
>>> inertia(arb_mat([[2, arb(1, 1e-9)], [arb(1, 1e-9), -3]]))
(1, 1)
>>> real_part_inertia(arb_mat([[1, 5], [0, arb(-2, 1e-9)]]))
(1, 1)
>>> certify_stable(arb_mat([[arb("0.5", 1e-6), 1], [0, "0.9"]]))
True
>>> proven_unstable(arb_mat([[arb("1.01", 1e-6), 1], [0, "0.9"]]))
True
>>> decimal_interval(arb(1) / 3, 6)
['0.333333', '0.333334']
"""
from __future__ import annotations

import math
import warnings
from fractions import Fraction
from typing import Optional

import numpy as np
import scipy.linalg as sla
from flint import acb_mat, arb, arb_mat

__all__ = ["inertia", "real_part_inertia", "certify_stable", "certify_stable_gains", "proven_unstable", "krawczyk", "decimal_interval", "decimal_up",
           "to_float", "ball_matrix", "float_ends"]


def to_float(m) -> np.ndarray:
    """Midpoints of an ``arb_mat`` (or list of rows of ``arb``) as floats."""
    if isinstance(m, arb_mat):                  # float(arb) is the rounded midpoint
        return np.array([float(x) for x in m.entries()]).reshape(m.nrows(), m.ncols())
    return np.array([[float(x.mid()) for x in row] for row in m])


def ball_matrix(mid: np.ndarray, rad: float = 0.0) -> arb_mat:
    """``arb_mat`` with the float midpoints ``mid`` (exact) and radius ``rad``."""
    mid = np.atleast_2d(np.asarray(mid, dtype=float))
    if not rad:
        return arb_mat(mid.tolist())
    return arb_mat([[arb(float(v), rad) for v in row] for row in mid])


def inertia(S) -> Optional[tuple]:
    """``(n_pos, n_neg)`` for every symmetric matrix in the ball matrix ``S``, or
    ``None`` (undecided): Gershgorin intervals of ``T = V' S V`` first, and when one
    touches 0, the pivots of ``T = L D L'`` (Gaussian elimination in balls)."""
    T = _congruence(S)
    if T is None:
        return None
    return _gershgorin_inertia(T) or _ldl_inertia(T)


def _congruence(S) -> Optional[list]:
    """Rows of ``V' S V`` in balls, ``V`` a float eigenvector basis of the midpoint."""
    S = S if isinstance(S, arb_mat) else arb_mat(S)
    mid = to_float(S)
    mid = (mid + mid.T) / 2
    if not np.all(np.isfinite(mid)):
        return None
    _, V = np.linalg.eigh(mid)
    Vb = ball_matrix(V)
    return (Vb.transpose() * S * Vb).tolist()


def _gershgorin_inertia(rows) -> Optional[tuple]:
    """No Gershgorin interval of ``T`` contains 0: ``T`` (hence ``V``) is nonsingular
    and the signs of the intervals count the eigenvalues (continuity in ``t`` of
    ``diag T + t offdiag T``). First order in the off-diagonal widths."""
    n, pos, neg = len(rows), 0, 0
    for i in range(n):
        off = sum((abs(rows[i][j]) for j in range(n) if j != i), arb(0))
        c = rows[i][i]
        if c - off > 0:
            pos += 1
        elif c + off < 0:
            neg += 1
        else:
            return None
    return pos, neg


def _ldl_inertia(rows) -> Optional[tuple]:
    """Gaussian elimination without pivoting in balls: if every pivot ball excludes
    0, every matrix ``T0`` in ``T`` has the pivots ``d_k`` in those balls, and for a
    symmetric ``T0 = L D L'`` (Sylvester: ``In(T0) = In(D)``). Second order in the
    off-diagonal widths, where Gershgorin is first order."""
    T = [list(r) for r in rows]
    n, pos, neg = len(T), 0, 0
    for k in range(n):
        p = T[k][k]
        if p > 0:
            pos += 1
        elif p < 0:
            neg += 1
        else:
            return None
        for i in range(k + 1, n):
            f = T[i][k] / p
            for j in range(k + 1, n):
                T[i][j] -= f * T[k][j]
    return pos, neg


def real_part_inertia(J) -> Optional[tuple]:
    """``(n_pos, n_neg)``: how many eigenvalues with positive / negative real part
    every matrix in the ball matrix ``J`` has, or ``None`` (undecided).

    Proof (Ostrowski and Schneider 1962): if ``P`` is symmetric and
    ``J' P + P J`` is positive definite, then ``J`` has no eigenvalue on the
    imaginary axis and ``In(J) = In(P)``. ``P`` solves ``J0' P + P J0 = I`` in
    floats (``J0`` the midpoint); both inertias are proven in balls."""
    J = J if isinstance(J, arb_mat) else arb_mat(J)
    J0 = to_float(J)
    n = J0.shape[0]
    if not np.all(np.isfinite(J0)):
        return None
    try:
        with warnings.catch_warnings():     # an imaginary-axis pair: P is then not proven
            warnings.simplefilter("ignore", RuntimeWarning)
            P = sla.solve_continuous_lyapunov(J0.T, np.eye(n))
    except (np.linalg.LinAlgError, ValueError):
        return None
    P = (P + P.T) / 2
    if not np.all(np.isfinite(P)):
        return None
    Pb = ball_matrix(P)
    if inertia(J.transpose() * Pb + Pb * J) != (n, 0):
        return None
    return inertia(Pb)


def _lyapunov_guess(M0: np.ndarray) -> Optional[arb_mat]:
    """A float ``P0`` with ``P0 - M0' P0 M0 = I`` as an exact ball matrix, proven
    ``P0 > 0``; ``None`` where ``M0`` is not stable in floats or the guess fails
    (a failure proves nothing)."""
    d = M0.shape[0]
    if not np.all(np.isfinite(M0)) or np.max(np.abs(np.linalg.eigvals(M0))) >= 1:
        return None
    try:
        P0 = sla.solve_discrete_lyapunov(M0.T, np.eye(d))
    except (np.linalg.LinAlgError, ValueError):
        return None
    if not np.all(np.isfinite(P0)):
        return None
    Pb = ball_matrix((P0 + P0.T) / 2)
    return Pb if inertia(Pb) == (d, 0) else None


def certify_stable(M) -> bool:
    """``True`` only if every matrix in the ball matrix ``M`` is Schur stable
    (proof: ``P0 > 0`` and ``P0 - M' P0 M > 0`` for a float ``P0``)."""
    M = M if isinstance(M, arb_mat) else arb_mat(M)
    Pb = _lyapunov_guess(to_float(M))
    return Pb is not None and inertia(Pb - M.transpose() * Pb * M) == (M.nrows(), 0)


VERTICES = 256          # gain boxes with at most this many corners get the corner test


def certify_stable_gains(A, B, X) -> bool:
    """``True`` only if ``A - B W`` is Schur stable for every ``W`` in the ball
    matrix ``X``: :func:`certify_stable` on the ball ``A - B X``, and where that
    fails (the products ``M' P0 M`` of a ball widen with it), the **corner test**:
    one float ``P0 > 0`` (the Lyapunov matrix of the centre) with
    ``P0 - M_v' P0 M_v > 0`` at every corner ``W_v`` of the box. ``M = A - B W`` is
    affine in ``W`` and ``M -> x' M' P0 M x`` convex for each ``x``, so on the box
    (the corners' convex hull) ``x' M' P0 M x <= max_v x' M_v' P0 M_v x < x' P0 x``:
    a common quadratic Lyapunov function, no wrapping. At most :data:`VERTICES`
    corners (``2^k`` for ``k`` entries of ``X`` with a radius).

    >>> A, B = arb_mat([["0.5", "0.1"], [0, "0.5"]]), arb_mat([[0], [1]])
    >>> X = arb_mat([[arb("0.6", "0.3"), arb("1.0", "0.3")]])
    >>> certify_stable(A - B * X), certify_stable_gains(A, B, X)
    (False, True)
    """
    if certify_stable(A - B * X):
        return True
    ents = X.entries()
    wide = [i for i, x in enumerate(ents) if x.rad() > 0]
    if not wide or 2 ** len(wide) > VERTICES or not all(x.is_finite() for x in ents):
        return False
    Pb = _lyapunov_guess(to_float(A - B * X))
    if Pb is None:
        return False
    d = Pb.nrows()
    ends = [(x.lower(), x.upper()) for x in ents]
    for corner in range(2 ** len(wide)):
        W = [x for x in ents]
        for bit, i in enumerate(wide):
            W[i] = ends[i][(corner >> bit) & 1]
        M = A - B * arb_mat(X.nrows(), X.ncols(), W)
        if inertia(Pb - M.transpose() * Pb * M) != (d, 0):
            return False
    return True


def proven_unstable(M) -> bool:
    """``True`` only if every matrix in the ball matrix ``M`` has an eigenvalue of
    modulus ``> 1`` (an enclosure from ``acb_mat.eig`` outside the unit disk);
    ``False`` means not proven (stable, or undecided)."""
    M = M if isinstance(M, arb_mat) else arb_mat(M)
    if not all(x.is_finite() for x in M.entries()):
        return False
    try:
        eigs = acb_mat(M).eig()
    except ValueError:                  # eigenvalues not isolated: no proof
        return False
    return any(abs(e) > 1 for e in eigs)


def krawczyk(x0: np.ndarray, rho: float, g0: arb_mat, JX: arb_mat):
    """Krawczyk test on the box ``x0 +- rho`` (``n`` coordinates).

    ``g0`` encloses ``g(x0)`` (``n x 1``), ``JX`` the Jacobian over the box.
    Returns the enclosure ``K - x0`` (``n x 1`` balls) when ``K`` lies in the
    interior of the box -- then ``g`` has exactly one zero in the box, and it
    lies in ``x0 + K - x0`` -- else ``None``."""
    n = len(x0)
    Jm = to_float(JX)
    try:
        Y = np.linalg.inv(Jm)
    except np.linalg.LinAlgError:
        return None
    if not np.all(np.isfinite(Y)):
        return None
    Yb = ball_matrix(Y)
    eye = arb_mat([[int(i == j) for j in range(n)] for i in range(n)])
    box = arb_mat(n, 1, [arb(0, rho)] * n)
    D = -(Yb * g0) + (eye - Yb * JX) * box
    r = arb(rho)
    for k in range(n):
        if not abs(D[k, 0]) < r:
            return None
    return D


def _exact(x: arb) -> Fraction:
    m, e = x.man_exp()
    m, e = int(m), int(e)
    return Fraction(m * 2 ** e) if e >= 0 else Fraction(m, 2 ** -e)


def float_ends(x: arb, inner: bool = False) -> tuple:
    """Floats ``(lo, hi)`` with ``[lo, hi]`` holding the ball ``x`` (``inner``:
    held by it, ``lo > hi`` when no float interval fits), decided on the exact
    ends (float rounding, then one step outward or inward where it went the
    wrong way).

    >>> x = arb(2, 0.5)                    # the radius is rounded up: 0.5000000009...
    >>> (lo, hi), (a, b) = float_ends(x), float_ends(x, inner=True)
    >>> lo <= a < b <= hi and x.contains(arb(a)) and x.contains(arb(b))
    True
    >>> lo, hi = float_ends(arb(1) / 3)
    >>> lo < 1 / 3 < hi
    True
    """
    a, b = _exact(x.lower()), _exact(x.upper())
    lo, hi = float(a), float(b)
    if (Fraction(lo) < a) if inner else (Fraction(lo) > a):
        lo = float(np.nextafter(lo, np.inf if inner else -np.inf))
    if (Fraction(hi) > b) if inner else (Fraction(hi) < b):
        hi = float(np.nextafter(hi, -np.inf if inner else np.inf))
    return lo, hi


def _decimal(q: Fraction, digits: int, up: bool) -> str:
    if q == 0:
        return "0"
    e = math.floor(math.log10(abs(q))) - digits + 1 if q else 0
    scaled = q / Fraction(10) ** e
    n = math.ceil(scaled) if up else math.floor(scaled)
    v = Fraction(n) * Fraction(10) ** e
    if e >= 0:
        return str(int(v))
    s = f"{abs(n)}".rjust(-e + 1, "0")
    s = s[:e] + "." + s[e:]
    s = s.rstrip("0").rstrip(".")
    return ("-" if n < 0 else "") + s


def exact_fraction(x: arb) -> Fraction:
    """The midpoint of an arb ball as an exact Fraction."""
    return _exact(x)


def decimal_bound(q: Fraction, up: bool, digits: int = 17) -> str:
    """An exact rational rounded outward (up or down) to ``digits`` decimals."""
    return _decimal(Fraction(q), digits, up)


def decimal_up(x: arb, digits: int = 17) -> str:
    """A decimal string ``>= `` every point of ``x``."""
    return _decimal(_exact(x.upper()), digits, up=True)


def decimal_interval(x: arb, digits: int = 17) -> list:
    """``[lo, hi]`` decimal strings with ``lo <= x <= hi`` (outward rounding)."""
    return [_decimal(_exact(x.lower()), digits, up=False),
            _decimal(_exact(x.upper()), digits, up=True)]
