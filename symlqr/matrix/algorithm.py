"""Algorithm 1 of the paper (MAML) with exact model-based gradients, and variants.

One run from ``W_0`` repeats ``W <- W - beta d(W)`` for ``iters`` iterations on a
batch of tasks (all tasks, or ``batch`` tasks drawn by weight with replacement
and weighted equally), where ``d`` is

* ``maml``:    ``grad h_K(W)``, exact: ``J(W_0) ... J(W_{K-1}) grad f(W_K)`` along the
  ``K = steps`` adaptation steps ``W_{k+1} = W_k - eta grad g(W_k)``;
* ``fomaml``:  ``sum_i w_i grad f_i(W_K)`` (first-order MAML, the ``J`` dropped);
* ``reptile``: ``sum_i w_i (W - W_K) / (eta K)`` (Reptile's step ``W + eps (W_K - W)``
  with ``eps = beta / (eta K)``).

Floats only: nothing here is certified. A step that would leave the domain
(``W`` or an adapted gain not stabilizing) is halved until it stays inside
(counted in ``Run.halvings``); the run stops early when ``||d||_max < tol``.
Without a given ``beta`` (the default), a full-batch ``maml`` run starts from
:func:`auto_beta` and backtracks (Armijo's rule on ``h``, step doubled after
each accepted step): gradient descent on ``h`` with a line search, so its
limit points are stationary points of ``h`` like those of the constant step.

>>> from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
>>> ts = MatrixTaskSet([MatrixTask.from_scalar(1, 1, 2, 2)], "0.01")
>>> run = run_maml(ts, [[0.5]], iters=500)
>>> run.converged, round(run.W[0][0], 4)
(True, 0.618)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from .backend import FLOAT
from .lqr import LQRPoint, is_stabilizing, optimal_gain
from .objective import in_domain, maml_point

__all__ = ["Run", "run_maml", "direction", "evaluate", "auto_beta", "random_starts", "METHODS", "optimal_costs"]

METHODS = ("maml", "fomaml", "reptile")


@dataclass
class Run:
    """One run of Algorithm 1 (floats)."""
    start: list
    W: list
    h: list = field(default_factory=list)            # h(W_t) on all tasks, t = 0..T
    trajectory: list = field(default_factory=list)   # W_t, t = 0..T
    converged: bool = False
    iterations: int = 0
    halvings: int = 0
    stopped: str = ""
    beta: float = 0.0

    def to_dict(self) -> dict:
        return {"start": self.start, "W": self.W, "h": self.h, "trajectory": self.trajectory,
                "converged": self.converged, "iterations": self.iterations,
                "halvings": self.halvings, "stopped": self.stopped, "beta": self.beta}


def _adapt_path(W, t, eta, steps):
    """``([W_0, ..., W_K], [g-points at W_0 .. W_{K-1}])`` or ``None``."""
    path, pts = [W], []
    for _ in range(steps):
        V = path[-1]
        if not is_stabilizing(V, t[0], t[1]):
            return None
        pts.append(LQRPoint(FLOAT, t[:4], V, t[5]))
        path.append(V - eta * pts[-1].grad)
    return (path, pts) if is_stabilizing(path[-1], t[0], t[1]) else None


def evaluate(W, tasks, weights, eta: float, method: str = "maml", steps: int = 1):
    """``(h, d)``: the objective ``sum_i w_i f_i(W_K)`` on these float tasks and the
    update direction of ``method`` at ``W``; ``None`` outside the domain."""
    out, h = np.zeros_like(W), 0.0
    for t, w in zip(tasks, weights):
        res = _adapt_path(W, t, eta, steps)
        if res is None:
            return None
        path, pts = res
        f = LQRPoint(FLOAT, t[:4], path[-1], t[4])
        h += w * f.cost
        if method == "reptile":
            out += w * (W - path[-1]) / (eta * steps)
            continue
        v = f.grad
        if method == "maml":
            for g in reversed(pts):
                v = v - eta * g.hess(v)
        out += w * v
    return h, out


def direction(W, tasks, weights, eta: float, method: str = "maml", steps: int = 1):
    """The update direction ``d(W)`` of ``method`` (``None`` outside the domain)."""
    res = evaluate(W, tasks, weights, eta, method, steps)
    return None if res is None else res[1]


def auto_beta(W, taskset, method: str = "maml", steps: int = 1) -> float:
    """``0.5 / max |eig D d(W)|`` in floats, ``D d`` the Jacobian of the update
    direction (``hess h_K`` for maml): the default step size of a run."""
    p = maml_point(W, taskset, steps)
    if p is None:
        return 1e-3
    J = np.array(p.direction_jacobian_dense(method))
    ev = np.linalg.eigvalsh(J) if method == "maml" else np.linalg.eigvals(J)
    norm = float(np.max(np.abs(ev)))
    return 0.5 / norm if norm > 0 else 1e-3


def run_maml(taskset, W0, *, beta: Optional[float] = None, iters: int = 1000,
             method: str = "maml", steps: int = 1, batch: Optional[int] = None,
             tol: float = 1e-9, rng: Optional[np.random.Generator] = None,
             record: bool = True, on_step: Optional[Callable[[int], None]] = None) -> Run:
    """Run Algorithm 1 from ``W0`` (see the module docstring); ``beta=None``
    uses :func:`auto_beta` at ``W0``."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    W = np.atleast_2d(np.asarray(W0, dtype=float))
    tasks, weights = taskset.float_tasks(), [float(w) for w in taskset.weights]
    eta, rng = float(taskset.eta), rng or np.random.default_rng(0)
    run = Run(start=W.tolist(), W=W.tolist())
    cur = evaluate(W, tasks, weights, eta, method, steps)
    if cur is None:
        run.stopped = "start not in the domain"
        return run
    adaptive = beta is None and method == "maml" and not batch
    beta = auto_beta(W, taskset, method, steps) if beta is None else beta
    run.beta = beta
    if record:
        run.trajectory.append(W.tolist())
        run.h.append(cur[0])
    for it in range(iters):
        d = _batch_direction(W, cur, tasks, weights, eta, method, steps, batch, rng)
        if d is None:
            run.stopped = "direction undefined (adapted gain not stabilizing)"
            break
        if not batch and float(np.max(np.abs(d))) < tol:
            run.converged, run.stopped = True, "gradient below tolerance"
            break
        step, nxt = _step(W, d, cur[0], beta, adaptive, run, (tasks, weights, eta, method,
                                                              steps))
        if nxt is None:
            run.stopped = "no step stays in the domain" + (" and decreases h" if adaptive else "")
            break
        if adaptive:
            beta = 2 * step
        W, cur = W - step * d, nxt
        run.iterations = it + 1
        if record:
            run.trajectory.append(W.tolist())
            run.h.append(cur[0])
        if on_step:
            on_step(it)
    else:
        run.stopped = "iteration limit"
    run.W = W.tolist()
    return run


def _step(W, d, h, beta, adaptive, run, args):
    """Halve ``beta`` until ``W - beta d`` is in the domain (and, when
    ``adaptive``, passes :func:`_accept`);
    ``(step, evaluation)``."""
    step, dd = beta, float(np.sum(d * d))
    for _ in range(60):
        nxt = evaluate(W - step * d, *args)
        if nxt is not None and (not adaptive or _accept(h, nxt, d, step, dd)):
            return step, nxt
        step /= 2
        run.halvings += 1
    return step, None


def _accept(h, nxt, d, step, dd) -> bool:
    """Armijo's sufficient decrease; where ``h`` changes only at rounding level,
    the slope test ``<d(W_new), d> >= -|d|^2 / 2`` (no overshoot past 3/2 of the
    minimum along ``d``) decides instead."""
    if abs(nxt[0] - h) > 1e-12 * abs(h):
        return nxt[0] <= h - 1e-4 * step * dd
    return float(np.sum(nxt[1] * d)) >= -0.5 * dd


def _batch_direction(W, cur, tasks, weights, eta, method, steps, batch, rng):
    if not batch:
        return cur[1]
    idx = rng.choice(len(tasks), size=batch, p=weights)
    return direction(W, [tasks[i] for i in idx], [1.0 / batch] * batch, eta, method, steps)


def optimal_costs(taskset):
    """``C_i(W*_i)`` of every task in floats (scipy Riccati); their weighted sum is
    a lower bound of ``min h`` (every ``C_i(F_i(W)) >= min C_i``)."""
    out = []
    for t in taskset.float_tasks():
        W = optimal_gain(*t[:4])
        out.append(LQRPoint(FLOAT, t[:4], W, t[4]).cost)
    return out


def random_starts(taskset, n: int, rng: Optional[np.random.Generator] = None,
                  spread: float = 0.5, max_tries: int = 200, steps: int = 1):
    """Up to ``n`` gains in the domain of ``h_K`` (``W`` and every adapted ``W_k``,
    ``k <= steps``, stabilizing): the tasks' optimal gains and their weighted mean as centres,
    plus Gaussian noise of relative size ``spread``, shrunk after each miss.
    Fewer than ``n`` are returned only if ``max_tries`` samples per start miss."""
    rng = rng or np.random.default_rng(0)
    gains = [optimal_gain(*t[:4]) for t in taskset.float_tasks()]
    mean = sum(float(w) * g for w, g in zip(taskset.weights, gains))
    centres = [c for c in [mean] + gains if in_domain(c, taskset, steps)] or [mean] + gains
    out = []
    for k in range(n):
        base = centres[k % len(centres)]
        scale = spread * max(1.0, float(np.max(np.abs(base))))
        for _ in range(max_tries):
            W = base + scale * rng.standard_normal(base.shape)
            if in_domain(W, taskset, steps):
                out.append(W)
                break
            scale *= 0.9
    return out
