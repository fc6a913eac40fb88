"""Validated boxes around float zeros: the Krawczyk test with midpoint refinement,
box widening and the precision policy, and the enclosure of an LQR optimum.

:func:`newton_box` turns a float zero ``W~`` of a map ``g`` (``grad h``, an update
direction, ``grad C``) into a box ``X = W~ +- rho`` with a proof (Krawczyk,
:func:`~symlqr.matrix.validated.krawczyk`) that ``g`` has exactly one zero in ``X``;
:func:`optimum_enclosure` encloses ``min C = C(W*)`` for one task that way.
``ARB`` is the ball backend shared by the certificates (its Stein solver is set per
call by :func:`~symlqr.matrix.certificate.certify_point`).

>>> from symlqr.matrix.tasks import MatrixTask
>>> c = optimum_enclosure(arb_tasks_of(MatrixTask.from_scalar(1, 1, 2, 2)))
>>> c.overlaps(1 + arb(5).sqrt()), float(c.rad()) < 1e-12      # P* = 1 + sqrt(5)
(True, True)
"""
from __future__ import annotations

import numpy as np
from flint import arb, arb_mat, ctx

from .backend import FLOAT, ArbBackend
from .lqr import LQRPoint, optimal_gain
from .validated import ball_matrix, certify_stable_gains, inertia, krawczyk, to_float

__all__ = ["ARB", "PRECISIONS", "FACTORS", "arb_tasks", "arb_tasks_of", "newton_box",
           "optimum_enclosure", "lower_bound_enclosure"]

ARB = ArbBackend()
PRECISIONS = (53, 106, 212, 424)   # the last is the cap
FACTORS = (1.0, 1e2, 1e4)          # box radii tried, times the enclosed Newton step
KEYS = ("A", "B", "Q", "R", "Sigma0", "Sigma0a")


def arb_tasks_of(task) -> tuple:
    """One :class:`~symlqr.matrix.tasks.MatrixTask` as ``arb_mat`` balls (exact where
    the rationals are dyadic) at the working precision."""
    return tuple(ARB.asmat(getattr(task, k)) for k in KEYS)


def arb_tasks(taskset):
    """The tasks as ``arb_mat`` tuples at the working precision (the last task set's
    conversions are kept, per precision)."""
    if _ARB_TASKS.get("set") is not taskset:
        _ARB_TASKS.clear()
        _ARB_TASKS["set"] = taskset
    key = ("prec", ctx.prec)
    if key not in _ARB_TASKS:
        _ARB_TASKS[key] = [arb_tasks_of(t) for t in taskset.tasks]
    return _ARB_TASKS[key]


_ARB_TASKS: dict = {}


def _vec(m) -> arb_mat:
    return arb_mat(m.nrows() * m.ncols(), 1, m.entries())


def _widen(Wa, rho) -> arb_mat:
    return arb_mat(Wa.nrows(), Wa.ncols(), [arb(x.mid(), rho) for x in Wa.entries()])


def newton_box(Wf, Yf, grad_at, jac_over):
    """Krawczyk box around the zero of ``grad_at`` near the float point ``Wf``.

    ``Yf`` approximates the inverse Jacobian (floats). Above 53 bits the
    midpoint is first refined by Newton steps in ball arithmetic (exact midpoints,
    not floats; at most five, until a step is at rounding level); ``grad_at(W~).grad`` then encloses ``g(W~)``: at 53
    bits with the Kronecker Stein solver, whose bounds do not amplify the
    rounding widths of earlier solves; above 53 bits with the O(d^3) solver at
    twice the working precision (its loose bound then scales rounding widths far
    below what the box needs; ``grad_at`` must read the precision when called).
    The width of ``g(W~)`` sets the box, and the box the width of ``J(X)``.
    Box radii start at 4x the enclosed Newton step
    ``|Y g(W~)|`` (which carries the rounding errors) and grow by ``FACTORS``.
    ``jac_over(X)`` returns ``(J(X), payload)`` or a reason string (e.g. the
    stabilization of ``X`` is not proven). Returns ``(X, rho, J, payload, D, p0)``
    (``p0 = grad_at(W~)``) or the last reason."""
    r, d = Wf.shape
    Wa, Yb = ball_matrix(Wf), ball_matrix(Yf)
    try:
        scale = max(1.0, float(np.max(np.abs(Wf))))
        for k in range(5 if ctx.prec > 53 else 0):     # until the step is at rounding level
            step = Yb * _vec(grad_at(Wa).grad)
            size = max(abs(float(x)) for x in step.entries())
            if k == 0 and size > 1e-6 * scale:
                return "W is not a zero up to float accuracy (a Newton step of %.2g)" % size
            Wa = (Wa - arb_mat(r, d, step.entries())).mid()
            if size <= 2.0 ** (4 - ctx.prec) * scale:
                break
        tight = ARB.method in ("auto", "mixed") and ctx.prec <= 53
        old, ARB.method = ARB.method, ("kron" if tight else ARB.method)
        prec = ctx.prec
        ctx.prec = prec if tight or ARB.method != "auto" else 2 * prec
        try:                                    # the enclosure that matters
            p0 = grad_at(Wa)
            g0 = _vec(p0.grad)
        finally:
            ARB.method, ctx.prec = old, prec
    except ZeroDivisionError:
        return "a Stein (Lyapunov) system at the point is not provably nonsingular"
    u = max(float(abs(x).upper()) for x in (Yb * g0).entries())
    base = max(4 * u, 2.0 ** (8 - ctx.prec) * scale)
    reason = "no box tried"
    for f in FACTORS:
        rho = base * f
        X = _widen(Wa, rho)
        try:
            res = jac_over(X)
        except ZeroDivisionError:
            res = "a Stein (Lyapunov) system over the box is not provably nonsingular"
        if isinstance(res, str):
            reason = res
            continue
        D = krawczyk(np.zeros(r * d), rho, g0, res[0])
        if D is not None:
            return X, rho, res[0], res[1], D, p0
        reason = "Krawczyk test failed (no proof of a unique zero of the gradient in the box)"
        if _spread(Yf, res[0]) > 0.25:      # wider boxes only widen hess h: next precision
            break
    return reason


def _spread(Yf, JX) -> float:
    """Float estimate of ``|| |Y| rad(J(X)) ||_inf``, the part of ``I - Y J(X)``
    that grows with the box (a heuristic to stop widening, not a proof)."""
    rad = np.array([[float(x.rad()) for x in row] for row in JX.tolist()])
    return float(np.max(np.sum(np.abs(Yf) @ rad, axis=1)))


def optimum_enclosure(task):
    """Ball enclosing ``min C = C(W*)`` (outer covariance ``Sigma0``) for one arb
    task tuple, with ``W*`` proven by Krawczyk on ``grad C`` and every point of
    its box proven stabilizing; ``None`` if not proven at this precision.

    ``W*`` (Riccati) does not depend on the covariance and minimizes ``C`` for
    every ``Sigma0 >= 0`` (``P_W >= P*``); when ``Sigma0`` is not proven definite
    (rank one: ``hess C(W*)`` may be singular and ``W*`` not an isolated zero of
    ``grad C``) the box is proven on ``grad C`` with ``Sigma0 = I`` (unique zero
    ``W*``) and ``C`` with the task's ``Sigma0`` is enclosed over that box."""
    A, B, Q, R, S0 = task[:5]
    d = A.nrows()
    Sk = S0 if inertia(S0) == (d, 0) else arb_mat(d, d, [int(i == j) for i in range(d)
                                                         for j in range(d)])
    Af, Bf, Qf, Rf, Sf = (to_float(x) for x in (A, B, Q, R, Sk))
    Wf = optimal_gain(Af, Bf, Qf, Rf)
    Yf = np.linalg.inv(np.array(LQRPoint(FLOAT, (Af, Bf, Qf, Rf), Wf, Sf).hess_dense()))

    def jac(X):
        if not certify_stable_gains(A, B, X):
            return "stabilization of the box around W* is not proven"
        pX = LQRPoint(ARB, (A, B, Q, R), X, Sk)
        return arb_mat(pX.hess_dense()), pX

    old = ctx.prec
    try:
        for prec in sorted({old, *PRECISIONS}):
            if prec < old:
                continue
            ctx.prec = prec
            res = newton_box(Wf, Yf, lambda W: LQRPoint(ARB, (A, B, Q, R), W, Sk), jac)
            if not isinstance(res, str):
                return res[3].cost if Sk is S0 else LQRPoint(ARB, (A, B, Q, R), res[0],
                                                             S0).cost
    finally:
        ctx.prec = old
    return None


def lower_bound_enclosure(taskset):
    """Ball enclosing ``sum_i w_i C_i(W*_i) = sum_i w_i min C_i <= min h`` (each
    ``C_i(F_i(W)) >= min C_i``), every ``W*_i`` proven by its own Krawczyk box;
    ``None`` when some optimum was not enclosed. At the working precision."""
    total = arb(0)
    for w, t in zip(taskset.weights, arb_tasks(taskset)):
        c = optimum_enclosure(t)
        if c is None:
            return None
        total += ARB.scalar(w) * c
    return total
