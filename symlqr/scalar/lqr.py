"""Closed forms of the scalar LQR cost, its derivatives and the Riccati solution.

For the policy ``a_t = -W s_t`` the closed loop is ``s_{t+1} = (A - B W) s_t`` and

    C(W) = s0^2 (Q + R W^2) / (1 - (A - B W)^2)      for |A - B W| < 1,

(``+inf`` otherwise). Its gradient is

    C'(W) = 2 s0^2 c(W) / (1 - (A - B W)^2)^2,
    c(W)  = A B R W^2 + (R (1 - A^2) + B^2 Q) W - A B Q,

so the stationary points of ``C`` are the roots of the quadratic ``c``; exactly
one lies in the stable interval and it is the optimal gain
``W* = B P A / (B^2 P + R)``, where ``P > 0`` solves the scalar Riccati equation
``B^2 P^2 + (R (1 - A^2) - Q B^2) P - Q R = 0``.

The formulas of ``D``, ``c``, ``C`` and ``C'`` are written once, in
:mod:`symlqr.scalar.closed_forms`; here they are instantiated in sympy (``cost``,
``cost_gradient``, ``cost_hessian``, ``riccati`` and ``optimal_gain`` take
Symbols or exact numbers alike) and in FLINT (``cost_function`` and friends
return the exact :class:`~symlqr.exact.ratfunc.RationalFunction` used by the
certification engine).

>>> import sympy
>>> A, B, Q, R, W = sympy.symbols("A B Q R W")
>>> sympy.factor(cost_gradient(W, A, B, Q, R) - sympy.diff(cost(W, A, B, Q, R), W))
0
>>> optimal_gain(1, 1, 2, 2)
-1/2 + sqrt(5)/2
"""
from __future__ import annotations

from fractions import Fraction
from typing import Optional

import flint
import sympy

from . import closed_forms as cf
from ..exact.ratfunc import RationalFunction, to_fmpq
from ..exact.realroots import RealAlgebraic, real_roots
from ..tasks import Task

__all__ = ["cost", "cost_gradient", "cost_hessian", "stationarity_polynomial", "riccati",
           "optimal_gain", "stable_interval", "cost_function", "gradient_function",
           "hessian_function", "closed_loop_denominator", "stationarity_poly",
           "optimal_gain_algebraic", "optimal_cost_algebraic", "riccati_poly", "rollout_cost"]


def _S(x):
    if isinstance(x, Fraction):
        return sympy.Rational(x.numerator, x.denominator)
    return sympy.sympify(x) if isinstance(x, (int, sympy.Basic)) else x


# ---------------------------------------------------------------------------
# sympy layer: symbols or exact numbers
# ---------------------------------------------------------------------------
def cost(W, A, B, Q, R, s0=1):
    """``C(W) = s0^2 (Q + R W^2) / (1 - (A - B W)^2)`` as a sympy expression.

    >>> cost(sympy.Rational(1, 2), 1, 1, 2, 2)
    10/3
    """
    W, A, B, Q, R, s0 = map(_S, (W, A, B, Q, R, s0))
    return cf.ratio(cf.cost(A, B, Q, R, s0, W))


def stationarity_polynomial(W, A, B, Q, R):
    """``c(W) = A B R W^2 + (R (1 - A^2) + B^2 Q) W - A B Q``: ``C'(W) = 0 <=> c(W) = 0``."""
    W, A, B, Q, R = map(_S, (W, A, B, Q, R))
    return cf.stationarity(A, B, Q, R, W)


def cost_gradient(W, A, B, Q, R, s0=1):
    """``C'(W) = 2 s0^2 c(W) / (1 - (A - B W)^2)^2``."""
    W, A, B, Q, R, s0 = map(_S, (W, A, B, Q, R, s0))
    return cf.ratio(cf.gradient(A, B, Q, R, s0, W))


def cost_hessian(W, A, B, Q, R, s0=1):
    """``C''(W)``, the derivative of :func:`cost_gradient`, over a common denominator.

    >>> cost_hessian(1, 1, 1, 2, 2)
    12
    """
    x = sympy.Dummy("x")
    expr = sympy.together(sympy.diff(cost_gradient(x, A, B, Q, R, s0), x))
    return sympy.cancel(expr).subs(x, _S(W))


def riccati(A, B, Q, R):
    """Stabilizing solution ``P`` of ``P = A^2 P + Q - A^2 B^2 P^2 / (B^2 P + R)``.

    For ``B != 0``: the positive root of ``B^2 P^2 + (R (1 - A^2) - Q B^2) P - Q R``;
    for ``B = 0`` (and ``|A| < 1``): ``Q / (1 - A^2)``.

    >>> riccati(1, 1, 2, 2)
    1 + sqrt(5)
    """
    A, B, Q, R = map(_S, (A, B, Q, R))
    if B == 0:
        return Q / (1 - A**2)
    b = R * (1 - A**2) - Q * B**2
    return sympy.simplify((-b + sympy.sqrt(b**2 + 4 * B**2 * Q * R)) / (2 * B**2))


def optimal_gain(A, B, Q, R):
    """``W* = B P A / (B^2 P + R)`` with ``P`` from :func:`riccati`."""
    A, B, Q, R = map(_S, (A, B, Q, R))
    P = riccati(A, B, Q, R)
    return sympy.radsimp(sympy.simplify(B * P * A / (B**2 * P + R)))


def stable_interval(A, B) -> Optional[tuple]:
    """The open set ``{W : |A - B W| < 1}`` as ``(lo, hi)``; ``(None, None)`` for
    the whole line (``B = 0``, ``|A| < 1``), ``None`` when empty.

    >>> stable_interval(1, 1)
    (Fraction(0, 1), Fraction(2, 1))
    """
    A, B = Fraction(A), Fraction(B)
    if B == 0:
        return (None, None) if abs(A) < 1 else None
    a, b = (A - 1) / B, (A + 1) / B
    return (min(a, b), max(a, b))


def rollout_cost(W: float, A: float, B: float, Q: float, R: float, s0: float = 1.0,
                 tol: float = 1e-15, max_steps: int = 10**7) -> float:
    """Float rollout ``sum_t (Q + R W^2) s_t^2`` with ``s_{t+1} = (A - B W) s_t``,
    summed until the terms fall below ``tol`` (an independent check of ``C``)."""
    a = A - B * W
    if abs(a) >= 1:
        return float("inf")
    s, total = float(s0), 0.0
    for _ in range(max_steps):
        term = (Q + R * W * W) * s * s
        total += term
        if term <= tol * total:
            break
        s *= a
    return total


# ---------------------------------------------------------------------------
# exact layer: RationalFunction over QQ for one task
# ---------------------------------------------------------------------------
_X = flint.fmpq_poly([0, 1])


def _exact(task: Task) -> tuple:
    return tuple(to_fmpq(v) for v in (task.A, task.B, task.Q, task.R))


def closed_loop_denominator(task: Task) -> flint.fmpq_poly:
    """``D(W) = 1 - (A - B W)^2``; ``W`` is stable iff ``D(W) > 0``."""
    A, B, _Q, _R = _exact(task)
    return cf.closed_loop(A, B, _X)


def stationarity_poly(task: Task) -> flint.fmpq_poly:
    """``c(W)`` of :func:`stationarity_polynomial` as an exact polynomial."""
    return cf.stationarity(*_exact(task), _X)


def cost_function(task: Task, s0=None) -> RationalFunction:
    """``C(W)`` as an exact RationalFunction (``s0`` defaults to the task's)."""
    return RationalFunction(*cf.cost(*_exact(task), to_fmpq(task.s0 if s0 is None else s0), _X))


def gradient_function(task: Task, s0=None) -> RationalFunction:
    """``C'(W) = 2 s0^2 c(W) / D(W)^2`` exactly."""
    s0 = to_fmpq(task.s0 if s0 is None else s0)
    return RationalFunction(*cf.gradient(*_exact(task), s0, _X))


def hessian_function(task: Task, s0=None) -> RationalFunction:
    """``C''(W)`` exactly."""
    return gradient_function(task, s0).derivative()


def riccati_poly(task: Task) -> flint.fmpq_poly:
    """``B^2 P^2 + (R (1 - A^2) - Q B^2) P - Q R`` (or ``(1 - A^2) P - Q`` if ``B = 0``)."""
    A, B, Q, R = (to_fmpq(v) for v in (task.A, task.B, task.Q, task.R))
    if B == 0:
        return flint.fmpq_poly([-Q, 1 - A * A])
    return flint.fmpq_poly([-Q * R, R * (1 - A * A) - Q * B * B, B * B])


def optimal_gain_algebraic(task: Task) -> RealAlgebraic:
    """``W*`` as a certified real algebraic number: the unique root of ``c`` in
    the stable interval (uniqueness is checked exactly, by root counting)."""
    c = stationarity_poly(task)
    lo, hi = stable_interval(task.A, task.B)
    if c.is_zero():                       # Q = 0 and |A| = 1 is excluded below
        raise ValueError("degenerate task: C is constant")
    inside = []
    for r, _ in real_roots(c):
        if (lo is None or r.compare(lo) > 0) and (hi is None or r.compare(hi) < 0):
            inside.append(r)
    if len(inside) != 1:
        raise ValueError(f"task {task.as_tuple()} has {len(inside)} stationary points "
                         "in its stable interval (expected exactly one)")
    return inside[0]


def optimal_cost_algebraic(task: Task) -> RealAlgebraic:
    """``C(W*) = s0^2 P`` as a certified real algebraic number (``P > 0`` root)."""
    s2 = to_fmpq(task.s0) ** 2
    p = riccati_poly(task)
    # roots of p(V / s0^2): V = s0^2 P
    scaled = RationalFunction(p).compose(RationalFunction(flint.fmpq_poly([0, 1 / s2]))).num
    return real_roots(scaled)[-1][0]          # the stabilizing P is the largest root
