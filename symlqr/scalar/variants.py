"""MAML variants as exact rational functions: K-step MAML, first-order MAML
(FO-MAML) and Reptile.

For tasks ``i`` with weights ``w_i``, step ``eta`` and ``K >= 1`` inner steps

    F_i(W)   = W - eta C_i'(W)                (C_i' at the adaptation state s0a)
    F_i^K    = F_i o ... o F_i                (K times; F_i^0(W) = W)
    h(W)     = sum_i w_i C_i(F_i^K(W))        (the K-step MAML objective, C_i at s0)

the outer update is ``W <- W - beta g(W)`` with the update direction

    maml:     g(W) = h'(W)
    fomaml:   g(W) = sum_i w_i C_i'(F_i^K(W))          (the Jacobian of F_i^K dropped)
    reptile:  g(W) = sum_i w_i (W - F_i^K(W))          (K = 1: eta * (average cost)')

on the domain ``{W : F_i^j(W) stable for every task i and every j <= K}``:
the conditions ``D_i(F_i^j(W)) > 0`` with ``D_i(x) = 1 - (A_i - B_i x)^2``.
Each ``F_i^j`` is one rational function over QQ (exact composition), so ``h``
and ``g`` are rational and their fixed points are the roots of the numerator
of ``g``. Composition multiplies degrees: ``F_i`` has degree 5, ``F_i^K``
degree ``5^K``.

>>> from symlqr.tasks import figure
>>> v = VariantObjective(figure("fig2"), "maml", 2)
>>> v.direction().num.degree(), v.objective().den.degree()
(198, 100)
>>> VariantObjective(figure("fig1"), "reptile", 1).direction() == (
...     v.eta * VariantObjective(figure("fig1"), "maml", 1).average_cost().derivative())
True
"""
from __future__ import annotations

from fractions import Fraction

import flint

import numpy as np

from . import lqr
from .maml import adaptation_map
from .numeric import cost_float, gradient_float
from ..exact.ratfunc import RationalFunction, to_fmpq
from ..tasks import InputError, TaskSet

__all__ = ["METHODS", "MAX_STEPS", "VariantObjective", "iterates", "check_method",
           "objective_float"]

METHODS = ("maml", "fomaml", "reptile")

#: Largest number of inner steps accepted (the degree of ``g`` grows like ``5^K``).
MAX_STEPS = 3


def check_method(method: str, steps, adaptation: str = "gradient") -> int:
    """Validate ``method`` and ``steps`` (one-line :class:`InputError`); return ``steps``.

    >>> check_method("reptile", 2)
    2
    """
    if method not in METHODS:
        raise InputError(f"unknown method {method!r}; choose maml, fomaml or reptile")
    if isinstance(steps, bool) or not isinstance(steps, int):
        raise InputError(f"steps must be an integer >= 1, got {steps!r}")
    if not 1 <= steps <= MAX_STEPS:
        raise InputError(f"steps = {steps}: give 1 <= steps <= {MAX_STEPS} (the degree of the "
                         f"update grows like 5^steps: about 1000 at steps = 3 on two tasks)")
    if adaptation != "gradient" and (method != "maml" or steps != 1):
        raise InputError("--adaptation normalized is only available for maml with steps = 1")
    return steps


def iterates(task, eta, steps: int) -> list[RationalFunction]:
    """``[F^0, F^1, ..., F^K]`` with ``F^0(W) = W`` and ``F^j = F o F^(j-1)``.

    >>> from symlqr.tasks import Task
    >>> [f(Fraction(1)) for f in iterates(Task(1, 1, 2, 2), Fraction(1, 100), 2)]
    [Fraction(1, 1), Fraction(24, 25), Fraction(9000649, 9734400)]
    """
    F = adaptation_map(task, eta)
    out = [RationalFunction.identity(), F]
    for _ in range(steps - 1):
        out.append(F.compose(out[-1]))
    return out[:steps + 1]


class VariantObjective:
    """Exact rational pieces of one MAML variant on a task set.

    Parameters
    ----------
    taskset : TaskSet
    method : "maml", "fomaml" or "reptile"
    steps : number ``K >= 1`` of inner gradient steps
    """

    def __init__(self, taskset: TaskSet, method: str = "maml", steps: int = 1):
        check_method(method, steps)
        self.taskset, self.method, self.steps = taskset, method, steps
        self.tasks, self.weights, self.eta = taskset.tasks, taskset.weights, taskset.eta
        self._iter: dict = {}
        self._cache: dict = {}

    def iterates(self, i: int) -> list[RationalFunction]:
        """``[F_i^0, ..., F_i^K]`` (identical tasks share one list)."""
        key = self.tasks[i].as_tuple()
        if key not in self._iter:
            self._iter[key] = iterates(self.tasks[i], self.eta, self.steps)
        return self._iter[key]

    def _terms(self, make) -> RationalFunction:
        total = RationalFunction.constant(0)
        grouped: dict = {}
        for i, (t, w) in enumerate(zip(self.tasks, self.weights)):
            k = t.as_tuple()
            grouped[k] = (grouped.get(k, (0, i))[0] + w, i)
        for w, i in grouped.values():
            total = total + to_fmpq(w) * make(i)
        return total

    def objective(self) -> RationalFunction:
        """``h(W) = sum_i w_i C_i(F_i^K(W))``."""
        if "h" not in self._cache:
            self._cache["h"] = self._terms(
                lambda i: lqr.cost_function(self.tasks[i]).compose(self.iterates(i)[-1]))
        return self._cache["h"]

    def average_cost(self) -> RationalFunction:
        """``sum_i w_i C_i(W)`` (joint training's objective)."""
        return self._terms(lambda i: lqr.cost_function(self.tasks[i]))

    def direction(self) -> RationalFunction:
        """The update direction ``g`` of the method (see the module docstring)."""
        if "g" not in self._cache:
            if self.method == "maml":
                g = self.objective().derivative()
            elif self.method == "fomaml":
                g = self._terms(lambda i: lqr.gradient_function(self.tasks[i]).compose(
                    self.iterates(i)[-1]))
            else:
                g = self._terms(lambda i: RationalFunction.identity() - self.iterates(i)[-1])
            self._cache["g"] = g
        return self._cache["g"]

    def conditions(self, j: int) -> list[RationalFunction]:
        """``D_i(F_i^j(W))`` for every distinct task: all ``> 0`` on the domain."""
        out, seen = [], set()
        for i, t in enumerate(self.tasks):
            if t.as_tuple() in seen:
                continue
            seen.add(t.as_tuple())
            D = RationalFunction(lqr.closed_loop_denominator(t))
            out.append(D.compose(self.iterates(i)[j]))
        return out

    def optimum_conditions(self) -> list[RationalFunction]:
        """``c_i(F_i^K(W))``, zero (with ``F_i^K(W)`` stable) exactly where
        ``F_i^K(W) = W*_i``; one per task (in task order)."""
        return [RationalFunction(lqr.stationarity_poly(t)).compose(self.iterates(i)[-1])
                for i, t in enumerate(self.tasks)]

    def stable_interval(self):
        """``(lo, hi)``: intersection of the tasks' stable intervals, rational
        ends or ``None`` for infinite; ``None`` when empty."""
        lo, hi = None, None
        for t in self.tasks:
            s = lqr.stable_interval(t.A, t.B)
            if s is None:
                return None
            a, b = s
            lo = a if lo is None or (a is not None and a > lo) else lo
            hi = b if hi is None or (b is not None and b < hi) else hi
        if lo is not None and hi is not None and lo >= hi:
            return None
        return lo, hi


def root_bound(p: flint.fmpq_poly) -> Fraction:
    """Cauchy's bound: every real root ``x`` of ``p`` has ``|x| < 1 + max |a_k / a_n|``.

    >>> root_bound(flint.fmpq_poly([-6, 1, 1]))
    Fraction(7, 1)
    """
    c = [Fraction(int(x.p), int(x.q)) for x in p.coeffs()]
    return 1 + max((abs(x / c[-1]) for x in c[:-1]), default=Fraction(0))


def objective_float(W, taskset: TaskSet, steps: int = 1):
    """``h(W) = sum_i w_i C_i(F_i^K(W))`` in floats, ``+inf`` outside the domain
    (``W`` or an iterate ``F_i^j(W)``, ``j <= K``, unstable). For pictures and
    independent checks only; nothing here is certified.

    >>> from symlqr.tasks import figure
    >>> from symlqr.scalar.numeric import maml_objective_float
    >>> ts = figure("fig2")
    >>> bool(objective_float(0.6, ts, 1) == maml_objective_float(0.6, ts))
    True
    >>> round(float(objective_float(0.6180339887, ts, 3)), 6)
    1.698936
    """
    W = np.asarray(W, dtype=float)
    eta = float(taskset.eta)
    total = np.zeros_like(W)
    for t, w in zip(taskset.tasks, taskset.weights):
        A, B = float(t.A), float(t.B)
        y, stable = W, np.abs(A - B * W) < 1
        for _ in range(steps):
            y = np.where(stable, y - eta * gradient_float(np.where(stable, y, 0.0), t, t.s0_adapt),
                         0.0)
            stable = stable & (np.abs(A - B * y) < 1)
        total = total + float(w) * np.where(stable, cost_float(y, t), np.inf)
    return total
