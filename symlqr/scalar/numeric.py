"""Floating-point twins of the closed forms, for independent checks and plots.

The formulas are those of :mod:`symlqr.scalar.closed_forms`, evaluated in
floats. Nothing here certifies anything: these are the numbers a user would get from
numpy and scipy, used by the tests as independent oracles (rollouts, scipy's
Riccati solver, dense scans) and by the plots.

>>> from symlqr.tasks import Task
>>> round(dare_gain(Task(1, 1, 2, 2)), 10)
0.6180339887
"""
from __future__ import annotations

import numpy as np

from . import closed_forms as cf
from ..tasks import Task, TaskSet

__all__ = ["cost_float", "gradient_float", "maml_objective_float", "dare_gain",
           "dare_solution", "scan_local_minima"]


def cost_float(W, task: Task, s0=None):
    """``C(W)`` in floats, ``+inf`` where ``|A - B W| >= 1``."""
    A, B, Q, R = (float(v) for v in (task.A, task.B, task.Q, task.R))
    s0 = float(task.s0 if s0 is None else s0)
    W = np.asarray(W, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = cf.ratio(cf.cost(A, B, Q, R, s0, W))
    return np.where(np.abs(A - B * W) < 1, out, np.inf)


def gradient_float(W, task: Task, s0=None):
    """``C'(W)`` in floats (meaningful on the stable set only)."""
    A, B, Q, R = (float(v) for v in (task.A, task.B, task.Q, task.R))
    s0 = float(task.s0 if s0 is None else s0)
    W = np.asarray(W, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return cf.ratio(cf.gradient(A, B, Q, R, s0, W))


def maml_objective_float(W, taskset: TaskSet, adaptation: str = "gradient", per_task=False):
    """``h(W) = sum_i w_i C_i(F_i(W))`` in floats (``+inf`` outside the domain).
    With ``per_task=True`` also returns the list of ``C_i(F_i(W))``.

    Normalized adaptation: the step ``C_i'(W)/|C_i'(W)|`` is ``0/0`` where the
    float ``C_i'(W)`` is zero, and ``h`` is ``nan`` there (undefined, not 0).

    >>> from symlqr.tasks import Task, TaskSet
    >>> ts = TaskSet([Task(1, 1, 1, 2)], "1/10")     # W* = 1/2 exactly
    >>> [round(float(v), 6) for v in maml_objective_float([0.4, 0.5, 0.6], ts, "normalized")]
    [2.0, nan, 2.0]
    """
    W = np.asarray(W, dtype=float)
    eta = float(taskset.eta)
    total = np.zeros_like(W)
    terms = []
    for t, w in zip(taskset.tasks, taskset.weights):
        A, B = float(t.A), float(t.B)
        g = gradient_float(W, t, t.s0_adapt)
        step = g if adaptation == "gradient" else np.where(g == 0, np.nan, np.sign(g))
        F = W - eta * step
        term = np.where(np.abs(A - B * W) < 1,
                        np.where(np.isnan(F), np.nan, cost_float(F, t)), np.inf)
        terms.append(term)
        total = total + float(w) * term
    return (total, terms) if per_task else total


def dare_solution(task: Task) -> float:
    """``P`` from ``scipy.linalg.solve_discrete_are``."""
    from scipy.linalg import solve_discrete_are
    A, B, Q, R = (np.array([[float(v)]]) for v in (task.A, task.B, task.Q, task.R))
    return float(solve_discrete_are(A, B, Q, R)[0, 0])


def dare_gain(task: Task) -> float:
    """``W* = (R + B P B)^-1 B P A`` with ``P`` from scipy."""
    P = dare_solution(task)
    A, B, R = float(task.A), float(task.B), float(task.R)
    return B * P * A / (R + B * P * B)


def scan_local_minima(taskset: TaskSet, lo: float, hi: float, n: int = 200_001,
                      adaptation: str = "gradient"):
    """Strict local minima of ``h`` on a uniform grid of ``n`` points:
    returns ``(W, h)`` arrays of grid points lower than both neighbours."""
    W = np.linspace(lo, hi, n)
    h = maml_objective_float(W, taskset, adaptation)
    fin = np.isfinite(h)
    mid = fin[1:-1] & fin[:-2] & fin[2:] & (h[1:-1] < h[:-2]) & (h[1:-1] < h[2:])
    k = np.nonzero(mid)[0] + 1
    return W[k], h[k]
