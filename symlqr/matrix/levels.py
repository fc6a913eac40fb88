"""A proven lower bound of ``h`` over a box of gains, for the level test ``h > L``.

For a Schur-stable ``N = A - B F`` the cost is ``C(F) = tr(P Sigma0)`` with
``P = sum_{t >= 0} (N^t)' (Q + F' R F) N^t``, a sum of positive semidefinite
terms, so for every ``T``

    C(F) >= sum_{t < T} tr((Q + F' R F) N^t Sigma0 (N^t)')          (each term >= 0)

and the bound holds, in Arb balls, for every ``F`` in a ball (where ``N`` is
proven stable on the ball, the Stein solve gives the whole cost instead); it needs
no Stein solve for ``F`` and grows without bound as ``N`` nears the stability boundary
(where the prototype's Stein enclosures of ``P(F(X))`` blew up). ``F_i(X)`` is
enclosed by the Stein solves at ``W`` (which must be proven stabilizing on the
box). Then ``h(W) = sum_i w_i C_i(F_i(W)) >= sum_i w_i (lower bound)`` on the
part of the box inside the domain, and a box whose bound exceeds ``L`` holds
no point of ``{h <= L}``.

>>> from fractions import Fraction
>>> from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
>>> ts = MatrixTaskSet([MatrixTask([[1]], [[1]], [[1]], [[1]])], "1/10")
>>> exceeds(ts, [0.05], [0.06], Fraction(5)), exceeds(ts, [0.6], [0.61], Fraction(5))
(True, False)
"""
from __future__ import annotations

import warnings

from fractions import Fraction

import numpy as np
from flint import arb, arb_mat, ctx
from scipy.linalg import LinAlgWarning

from .backend import ArbBackend
from .lqr import LQRPoint
from .validated import certify_stable, certify_stable_gains

__all__ = ["exceeds", "lower_bound", "lower_bound_at", "float_level_at"]

ARB = ArbBackend()


def _box(lo, hi, r, d) -> arb_mat:
    return arb_mat(r, d, [arb(a).union(arb(b)) for a, b in zip(lo, hi)])


def lower_bound(taskset, lo, hi, terms: int = 64, prec: int = 64, steps: int = 1):
    """A proven lower bound (an ``arb`` ball's lower end, as a Fraction) of ``h``
    (``h_K`` with ``K = steps`` adaptation steps) on the box's points that lie in
    the domain; ``None`` when ``W`` (or an iterate ``W_k``, ``k < K``) is not
    proven stabilizing on the box (the Stein solves there need it)."""
    r, d = taskset.shape
    old, ctx.prec = ctx.prec, prec
    try:
        X = _box(lo, hi, r, d)
        eta = ARB.scalar(taskset.eta)
        total = Fraction(0)
        for w, t in zip(taskset.weights, taskset.tasks):
            A, B, Q, R, S0, S0a = (ARB.asmat(getattr(t, k)) for k in
                                   ("A", "B", "Q", "R", "Sigma0", "Sigma0a"))
            F = X
            for _ in range(steps):
                if not certify_stable_gains(A, B, F):
                    return None
                try:
                    F = F - LQRPoint(ARB, (A, B, Q, R), F, S0a).grad * eta
                except (ZeroDivisionError, np.linalg.LinAlgError, ValueError):
                    return None
            total += Fraction(w) * _truncated(A - B * F, Q + F.transpose() * R * F, S0, terms)
        return total
    finally:
        ctx.prec = old


def _stein_cost(N, Qf, S0) -> Fraction:
    """``tr(P Sigma0)`` with ``P = N' P N + Qf`` enclosed over the ball (the whole
    cost, when ``N`` is proven Schur stable on the ball), its lower end; else 0."""
    with warnings.catch_warnings():       # float guesses inside the validated solves
        warnings.simplefilter("ignore", LinAlgWarning)
        if not certify_stable(N):
            return Fraction(0)
        try:
            P = ARB.stein(N).P(Qf)
        except (ZeroDivisionError, np.linalg.LinAlgError, ValueError):
            return Fraction(0)
    low = (P * S0).trace().lower()
    return _fraction(low) if low.is_finite() and low > 0 else Fraction(0)


def _truncated(N, Qf, S0, terms: int) -> Fraction:
    acc = Fraction(0)
    S = S0
    for _ in range(terms):
        term = (Qf * S).trace()
        low = term.lower()
        if low.is_finite() and low > 0:
            acc += _fraction(low)
        S = N * S * N.transpose()
        if not all(x.is_finite() for x in S.entries()):
            break
    return acc


def _fraction(x: arb) -> Fraction:
    man, exp = (int(e) for e in x.mid().man_exp())
    return Fraction(man * 2 ** exp) if exp >= 0 else Fraction(man, 2 ** (-exp))


def lower_bound_at(taskset, gains, terms: int = 64, prec: int = 64) -> Fraction:
    """The same bound from enclosures of the adapted gains themselves: ``gains[i]``
    lists ``(lo, hi)`` for the entries of ``F_i`` (row-major) over the box, e.g.
    from Bernstein enclosures of the rational functions ``F_i(W)``; no Stein
    solve, so it holds across the boundary of the stabilizing set."""
    r, d = taskset.shape
    old, ctx.prec = ctx.prec, prec
    try:
        total = Fraction(0)
        for w, t, F in zip(taskset.weights, taskset.tasks, gains):
            A, B, Q, R, S0 = (ARB.asmat(getattr(t, k)) for k in ("A", "B", "Q", "R", "Sigma0"))
            Fb = _box([a for a, _ in F], [b for _, b in F], r, d)
            N, Qf = A - B * Fb, Q + Fb.transpose() * R * Fb
            total += Fraction(w) * max(_stein_cost(N, Qf, S0), _truncated(N, Qf, S0, terms))
        return total
    finally:
        ctx.prec = old


def exceeds(taskset, lo, hi, level: Fraction, terms: int = 64, steps: int = 1) -> bool:
    """True when ``h > level`` (``h_K``, ``K = steps``) is proven on every point of
    the box in the domain."""
    b = lower_bound(taskset, lo, hi, terms, steps=steps)
    return b is not None and b > level


def float_level_at(taskset, gains) -> np.ndarray:
    """Float estimates (no proof: only to skip level tests that cannot succeed) of
    ``sum_i w_i C_i(F_i)`` for a batch of adapted gains, ``gains`` of shape
    ``(m, tasks, r, d)``: ``C_i(F) = tr(P Sigma0)``, ``P = N' P N + Q + F' R F``,
    ``N = A_i - B_i F`` (one ``d^2 x d^2`` solve per box); ``inf`` where ``N`` is
    not stable in floats or the solve fails.

    >>> from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
    >>> ts = MatrixTaskSet([MatrixTask([[1]], [[1]], [[1]], [[1]])], "1/10")
    >>> [round(float(x), 6) for x in float_level_at(ts, np.array([[[[0.5]]], [[[1.5]]]]))]
    [1.666667, 4.333333]
    """
    m, _, r, d = gains.shape
    total = np.zeros(m)
    eye = np.eye(d * d)
    for k, (w, t) in enumerate(zip(taskset.weights, taskset.tasks)):
        A, B, Q, R, S0 = (np.array(getattr(t, x), dtype=float) for x in ("A", "B", "Q", "R", "Sigma0"))
        F = gains[:, k]
        N = A[None] - B[None] @ F
        Qf = Q[None] + np.swapaxes(F, 1, 2) @ R[None] @ F
        NT = np.swapaxes(N, 1, 2)
        K = eye[None] - np.einsum("mij,mkl->mikjl", NT, NT).reshape(m, d * d, d * d)
        with np.errstate(all="ignore"):
            stable = np.isfinite(N).all(axis=(1, 2))
            stable[stable] = np.abs(np.linalg.eigvals(N[stable])).max(axis=1) < 1
            cost = np.full(m, np.inf)
            if stable.any():
                P = np.linalg.solve(K[stable], Qf[stable].reshape(-1, d * d, 1)).reshape(-1, d, d)
                cost[stable] = np.einsum("mij,ji->m", P, S0)
        total += float(w) * np.where(np.isfinite(cost), cost, np.inf)
    return total
