"""MAML compositions: adaptation maps and the single-step MAML objective.

For tasks ``i`` with weights ``w_i`` (summing to 1) and step size ``eta``:

    gradient adaptation:    F_i(W) = W - eta * C_i'(W)            (C_i' uses s0a)
    normalized adaptation:  F_i(W) = W - eta * C_i'(W) / |C_i'(W)|
    MAML objective:         h(W)   = sum_i w_i * C_i(F_i(W))       (C_i uses s0)

on the domain ``{W : |A_i - B_i W| < 1 and |A_i - B_i F_i(W)| < 1 for all i}``.

With gradient adaptation ``h`` is one rational function. With normalized
adaptation it is rational on each *mode* ``s = (sign C_i'(W))_i``; at a kink
``W = W*_i`` (``C_i'(W) = 0``) the step is ``0/0``, so ``h`` is undefined
there, as in the paper's formula: kinks are out of the domain, and a mode
with a ``0`` has no piece (:meth:`MamlObjective.piece` refuses it).

>>> from symlqr.tasks import figure
>>> h = MamlObjective(figure("fig1")).piece(())
>>> h.degree()
(10, 10)
"""
from __future__ import annotations

from fractions import Fraction
from typing import Sequence

import flint
import sympy

from . import closed_forms as cf
from . import lqr
from ..exact.ratfunc import RationalFunction, to_fmpq
from ..exact.realroots import RealAlgebraic
from ..tasks import InputError, Task, TaskSet

__all__ = ["ADAPTATIONS", "adaptation_map", "adapted_cost", "MamlObjective",
           "maml_objective_expr", "adaptation_map_expr"]

ADAPTATIONS = ("gradient", "normalized")


def adaptation_map(task: Task, eta) -> RationalFunction:
    """``F(W) = W - eta C'(W)`` with ``C'`` taken at the adaptation state ``s0a``.

    >>> adaptation_map(Task(1, 1, 2, 2), Fraction(1, 100))(1)
    Fraction(24, 25)
    """
    A, B, Q, R, s0a = (to_fmpq(v) for v in (task.A, task.B, task.Q, task.R, task.s0_adapt))
    return RationalFunction(*cf.adaptation(A, B, Q, R, s0a, to_fmpq(Fraction(eta)),
                                           flint.fmpq_poly([0, 1])))


def adapted_cost(task: Task, inner: RationalFunction) -> RationalFunction:
    """``C(inner(W))`` with ``C`` at the task's ``s0``."""
    return lqr.cost_function(task).compose(inner)


def adaptation_map_expr(W, task: Task, eta, adaptation: str = "gradient"):
    """Sympy expression of ``F(W)`` (for display and exploration)."""
    t = task
    g = lqr.cost_gradient(W, t.A, t.B, t.Q, t.R, t.s0_adapt)
    eta = sympy.Rational(Fraction(eta).numerator, Fraction(eta).denominator)
    return W - eta * (g if adaptation == "gradient" else g / sympy.Abs(g))


def maml_objective_expr(W, taskset: TaskSet, adaptation: str = "gradient"):
    """Sympy expression ``sum_i w_i C_i(F_i(W))`` (for display and exploration).

    >>> from symlqr.tasks import figure
    >>> W = sympy.Symbol("W")
    >>> maml_objective_expr(W, figure("fig1")).subs(W, 1)
    1201/312
    """
    total = sympy.Integer(0)
    for t, w in zip(taskset.tasks, taskset.weights):
        F = adaptation_map_expr(W, t, taskset.eta, adaptation)
        total += sympy.Rational(w.numerator, w.denominator) * lqr.cost(F, t.A, t.B, t.Q, t.R, t.s0)
    return total


class MamlObjective:
    """The MAML objective of a task set, as exact rational pieces.

    Parameters
    ----------
    taskset : TaskSet
    adaptation : "gradient" (the paper's equation (2)) or "normalized"

    Examples
    --------
    >>> from symlqr.tasks import figure
    >>> obj = MamlObjective(figure("fig2"), "normalized")
    >>> obj.mode_at(Fraction(1, 2))
    (-1, -1)
    """

    def __init__(self, taskset: TaskSet, adaptation: str = "gradient"):
        if adaptation not in ADAPTATIONS:
            raise InputError(f"unknown adaptation {adaptation!r}; choose gradient or normalized")
        if adaptation == "normalized" and any(t.s0_adapt == 0 for t in taskset.tasks):
            raise InputError("normalized adaptation needs s0a != 0 (C_i' vanishes identically)")
        self.taskset = taskset
        self.adaptation = adaptation
        self.tasks: Sequence[Task] = taskset.tasks
        self.eta = taskset.eta
        self.weights = taskset.weights
        self._D = [lqr.closed_loop_denominator(t) for t in self.tasks]
        self._c = [lqr.stationarity_poly(t) for t in self.tasks]
        self._pieces: dict = {}
        self._slopes: dict = {}
        self._maps: dict = {}
        self._conditions: dict = {}
        self._optimum: dict = {}
        self._critical: dict = {}

    # -- adaptation maps -----------------------------------------------------
    def adapted(self, i: int, mode: tuple = ()) -> RationalFunction:
        """``F_i`` on ``mode`` (gradient: the mode is ``()``); ``ValueError``
        at a kink (``mode[i] = 0``: the normalized step is ``0/0``)."""
        if mode and mode[i] == 0:
            raise ValueError(f"F_{i + 1} is undefined at a kink: C_{i + 1}'(W) = 0 makes "
                             "the normalized step 0/0")
        key = (i, mode[i] if mode else None)
        if key not in self._maps:
            if self.adaptation == "gradient":
                self._maps[key] = adaptation_map(self.tasks[i], self.eta)
            else:
                shift = to_fmpq(self.eta) * mode[i]
                self._maps[key] = RationalFunction.identity() - shift
        return self._maps[key]

    def piece(self, mode: tuple = ()) -> RationalFunction:
        """``h`` as one rational function on ``mode``."""
        if mode not in self._pieces:
            total = RationalFunction.constant(0)
            for i, (t, w) in enumerate(zip(self.tasks, self.weights)):
                total = total + to_fmpq(w) * adapted_cost(t, self.adapted(i, mode))
            self._pieces[mode] = total
        return self._pieces[mode]

    def slope(self, mode: tuple = ()) -> RationalFunction:
        """``h'`` on ``mode`` (cached: at degree 1000 the reduction by a gcd costs seconds)."""
        if mode not in self._slopes:
            self._slopes[mode] = self.piece(mode).derivative()
        return self._slopes[mode]

    def optimum_condition(self, i: int, mode: tuple = ()) -> RationalFunction:
        """``c_i(F_i(W))``: it vanishes (with ``F_i(W)`` stable) exactly where
        ``F_i(W) = W*_i``, since ``c_i`` has ``W*_i`` as its only root in the
        stable interval. Cached per task and mode."""
        key = (i, mode[i] if mode else None)
        if key not in self._optimum:
            self._optimum[key] = RationalFunction(self._c[i]).compose(self.adapted(i, mode))
        return self._optimum[key]

    def adaptation_derivative(self, i: int, mode: tuple = ()) -> RationalFunction:
        """``F_i'(W)`` (cached per task and mode)."""
        key = (i, mode[i] if mode else None)
        if key not in self._critical:
            self._critical[key] = self.adapted(i, mode).derivative()
        return self._critical[key]

    # -- domain ----------------------------------------------------------------
    def conditions(self, mode: tuple = ()) -> list[RationalFunction]:
        """Functions that must all be ``> 0`` on the domain: ``D_i(W)`` (W stable)
        and ``D_i(F_i(W))`` (adapted policy stable)."""
        if mode not in self._conditions:
            out = []
            for i, D in enumerate(self._D):
                out.append(RationalFunction(D))
                out.append(RationalFunction(D).compose(self.adapted(i, mode)))
            self._conditions[mode] = out
        return self._conditions[mode]

    def wall_polys(self) -> list[flint.fmpq_poly]:
        """Polynomials whose real roots contain every boundary of the domain and
        every kink; between consecutive roots the mode and the domain
        membership are constant."""
        polys = []
        if self.adaptation == "gradient":
            for cond in self.conditions(()):
                polys += [cond.num, cond.den]
        else:
            eta = to_fmpq(self.eta)
            for D, c in zip(self._D, self._c):
                polys += [D, c]
                for s in (-1, 1):
                    polys.append(RationalFunction(D).compose(
                        RationalFunction.identity() - eta * s).num)
        return [p for p in polys if not p.is_constant()]

    def mode_at(self, x) -> tuple:
        """The sign vector ``(sign C_i'(x))_i`` (``()`` for gradient adaptation;
        a ``0`` marks a kink); ``x`` rational or RealAlgebraic, decided exactly."""
        if self.adaptation == "gradient":
            return ()
        return tuple(_sign_at(c, x) for c in self._c)

    def in_domain(self, x, mode: tuple = ()) -> bool:
        """Exact: is ``x`` in the domain (with the given mode)? Never at a
        kink (a ``0`` in ``mode``), where ``h`` is undefined."""
        if 0 in mode:
            return False
        for cond in self.conditions(mode):
            try:
                if _sign_at(cond, x) <= 0:
                    return False
            except ZeroDivisionError:
                return False
        return True


def _sign_at(f, x) -> int:
    """Exact sign of a polynomial or RationalFunction at a rational or RealAlgebraic."""
    if isinstance(x, RealAlgebraic):
        return x.sign_of(f)
    if isinstance(f, RationalFunction):
        v = f(x)
    else:
        v = f(to_fmpq(x))
    return (v > 0) - (v < 0)
