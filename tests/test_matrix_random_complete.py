"""Complete landscapes of random systems against an independent oracle.

Random 2 x 1, 3 x 1 and 2 x 2 gains with one to three tasks (exact rationals;
the other tasks' ``A`` perturbed, ``Q`` random diagonal), on a box around the
first task's ``W*``: every zero of ``grad h`` that scipy's ``root`` (hybr, in
floats) reaches from random starts in the box, inside it, in the domain and with
float ``h <= L``, is one of the certified points (within ``1e-5``) or lies in a box
listed undecided; every certified point is a float zero of ``grad h``. The
complete runs here all finish (``complete: true`` is asserted)."""
import time
from fractions import Fraction as Fr

import numpy as np
import pytest
from scipy.optimize import root

from symlqr.matrix.landscape import complete_landscape
from symlqr.matrix.lqr import optimal_gain
from symlqr.matrix.objective import maml_point
from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet


def _q(x, den=20):
    return Fr(int(round(x * den)), den)


def _taskset(seed, d, r, k):
    rng = np.random.default_rng(seed)
    while True:
        A = rng.uniform(-0.6, 0.6, (d, d)) + np.eye(d) * rng.uniform(0.3, 1.0)
        B = rng.uniform(-1, 1, (d, r))
        A = [[_q(x) for x in row] for row in A]
        B = [[_q(x) for x in row] for row in B]
        Af, Bf = np.array(A, dtype=float), np.array(B, dtype=float)
        C = np.hstack([np.linalg.matrix_power(Af, i) @ Bf for i in range(d)])
        if np.linalg.svd(C, compute_uv=False).min() > 0.2:
            break
    tasks = []
    for i in range(k):
        Ai = [[x + (_q(rng.uniform(-0.1, 0.1)) if i else 0) for x in row] for row in A]
        Q = [[_q(rng.uniform(0.5, 2)) if a == b else 0 for b in range(d)] for a in range(d)]
        R = [[int(a == b) for b in range(r)] for a in range(r)]
        tasks.append(MatrixTask(Ai, B, Q, R))
    return MatrixTaskSet(tasks, "1/100")


def _check(seed, d, r, k, half, budget=300):
    ts = _taskset(seed, d, r, k)
    t = ts.tasks[0]
    Ws = optimal_gain(*[np.array(getattr(t, x), dtype=float) for x in "ABQR"]).reshape(-1)
    box = [(_q(w - half, 1000), _q(w + half, 1000)) for w in Ws]
    t0 = time.perf_counter()
    res = complete_landscape(ts, box=box, stop=lambda: "time" if time.perf_counter() - t0 > budget
                             else None)
    assert res.complete, (res.reason, res.outcome.undecided[:3])
    level = float(res.level)
    lo = np.array([float(a) for a, _ in box])
    hi = np.array([float(b) for _, b in box])
    pts = [np.array(p.W, dtype=float).reshape(-1) for p in res.points]
    for p in pts:
        assert np.linalg.norm(maml_point(p.reshape(r, d), ts).grad) < 1e-6

    def grad(w):
        p = maml_point(w.reshape(r, d), ts)
        return np.full(w.size, 1e6) if p is None else np.asarray(p.grad, dtype=float).reshape(-1)
    rng = np.random.default_rng(seed + 1)
    found = []
    for _ in range(60):
        sol = root(grad, lo + rng.uniform(size=lo.size) * (hi - lo), method="hybr", tol=1e-13)
        w = sol.x
        p = maml_point(w.reshape(r, d), ts)
        if not sol.success or p is None or np.linalg.norm(p.grad) > 1e-7:
            continue
        if np.all(w > lo + 1e-6) and np.all(w < hi - 1e-6) and p.h <= level * (1 - 1e-9):
            found.append(w)
    assert found                          # the oracle reaches at least W*'s neighbour
    for w in found:
        near = any(np.linalg.norm(p - w) < 1e-5 for p in pts)
        waiting = any(np.all(w >= np.array(a)) and np.all(w <= np.array(b))
                      for a, b, _ in res.outcome.undecided)
        assert near or waiting, (w, pts)


@pytest.mark.parametrize("seed,d,r", [(0, 2, 1), (1, 2, 1), (0, 2, 2)])
def test_one_task_against_scipy_root(seed, d, r):
    _check(seed, d, r, 1, 0.3 if r == 1 else 0.05)


@pytest.mark.slow
@pytest.mark.parametrize("seed,d,r,k,half", [(0, 2, 1, 2, 0.3), (0, 2, 1, 3, 0.3),
                                             (1, 2, 1, 2, 0.3), (1, 2, 1, 3, 0.3),
                                             (0, 3, 1, 1, 0.05), (1, 3, 1, 1, 0.05),
                                             (1, 2, 2, 1, 0.05)])
def test_several_tasks_and_three_by_one_against_scipy_root(seed, d, r, k, half):
    _check(seed, d, r, k, half)
