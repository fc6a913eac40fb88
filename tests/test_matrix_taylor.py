"""Taylor models over boxes of gains (symlqr/matrix/taylor.py) against float
closed forms at random points of each box (numpy Stein solves, scipy's
Lyapunov solver for P) and against the ball closed forms they replace."""
import numpy as np
import pytest
import scipy.linalg as sla
from flint import arb_mat

from symlqr.matrix.backend import ArbBackend, FLOAT
from symlqr.matrix.hypothesis_boxes import _ball
from symlqr.matrix.lqr import LQRPoint
from symlqr.matrix.objective import MamlPoint, maml_point
from symlqr.matrix.taylor import TAYLOR, gain_box
from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet

ARB = ArbBackend()


def _inside(value, ball, slack=1e-9):
    v = np.asarray(value, dtype=float).reshape(-1)
    ents = ball.entries() if hasattr(ball, "entries") else ball
    for x, e in zip(v, ents):
        lo, hi = float(e.lower()), float(e.upper())
        if not lo - slack * (1 + abs(x)) <= x <= hi + slack * (1 + abs(x)):
            return False
    return True


def _random_task(rng, d, r):
    while True:
        A = rng.normal(size=(d, d)) * 0.5
        B = rng.normal(size=(d, r))
        W0 = rng.normal(size=(r, d)) * 0.2
        if np.max(np.abs(np.linalg.eigvals(A - B @ W0))) < 0.8:
            return A, B, W0


def _samples(rng, lo, hi, count=60):
    lo, hi = np.asarray(lo), np.asarray(hi)
    corners = np.array(np.meshgrid(*[[0, 1]] * len(lo))).reshape(len(lo), -1).T
    return np.concatenate([lo + (hi - lo) * rng.uniform(size=(count, len(lo))),
                           lo + (hi - lo) * corners])


@pytest.mark.parametrize("shape", [(2, 1), (3, 1), (2, 2)])
def test_lqr_taylor_models_hold_the_float_closed_forms_at_random_points(shape):
    """``P`` (scipy's Lyapunov solver), ``grad C``, ``hess C`` and ``C`` at 60
    random points and every corner of each box lie in the models' ranges."""
    d, r = shape
    rng = np.random.default_rng(d * 10 + r)
    checked = 0
    for _ in range(4):
        A, B, W0 = _random_task(rng, d, r)
        Q, R, S = np.eye(d), np.eye(r), np.eye(d)
        mats = tuple(arb_mat(x.tolist()) for x in (A, B, Q, R))
        for rad in (0.01, 0.05):
            lo, hi = (W0 - rad).reshape(-1), (W0 + rad).reshape(-1)
            try:
                p = LQRPoint(TAYLOR, mats, gain_box(lo, hi, r, d), arb_mat(S.tolist()))
                P, grad, hess, cost = p.P.range(), p.grad.range(), p.hess_dense(), p.cost
            except ZeroDivisionError:
                continue
            H = [x for row in hess for x in row]
            for w in _samples(rng, lo, hi):
                W = w.reshape(r, d)
                M = A - B @ W
                if np.max(np.abs(np.linalg.eigvals(M))) >= 1:
                    continue
                q = LQRPoint(FLOAT, (A, B, Q, R), W, S)
                assert _inside(sla.solve_discrete_lyapunov(M.T, Q + W.T @ R @ W), P)
                assert _inside(q.grad, grad)
                assert _inside(np.array(q.hess_dense()), H)
                assert _inside([q.cost], [cost])
                checked += 1
    assert checked > 200


def test_maml_taylor_model_holds_h_and_grad_h_for_two_tasks_and_is_tighter_than_balls():
    """``h`` and ``grad h`` of two 3 x 1 tasks (the MAML point in Taylor models)
    hold the float values at random points; on boxes of side 0.05 to 0.2 the
    models' ``grad h`` is narrower than the ball closed forms' on most boxes."""
    A = [["1/2", "1/10", 0], [0, "1/2", "1/10"], [0, 0, "1/2"]]
    tasks = [MatrixTask(A, [[0], [0], [1]], np.eye(3).tolist(), [[1]]),
             MatrixTask(A, [[0], [0], [1]], (2 * np.eye(3)).tolist(), [[1]])]
    ts = MatrixTaskSet(tasks, "1/100")
    keys = ("A", "B", "Q", "R", "Sigma0", "Sigma0a")
    arb_tasks = [tuple(ARB.asmat(getattr(t, k)) for k in keys) for t in ts.tasks]
    w = [ARB.scalar(x) for x in ts.weights]
    eta = ARB.scalar(ts.eta)
    rng = np.random.default_rng(5)
    tighter, boxes, checked = 0, 0, 0
    for _ in range(12):
        c = np.array([0.0, 0.02, 0.3]) + rng.normal(size=3) * [0.3, 0.3, 0.3]
        for side in (0.05, 0.2):
            lo, hi = c - side / 2, c + side / 2
            try:
                pt = MamlPoint(TAYLOR, arb_tasks, w, eta, gain_box(lo, hi, 1, 3), 1)
                g_t, h_t = pt.grad.range(), pt.h
            except ZeroDivisionError:
                continue
            for x in _samples(rng, lo, hi, 30):
                fp = maml_point(x.reshape(1, 3), ts)
                if fp is None:
                    continue
                assert _inside(fp.grad, g_t) and _inside([fp.h], [h_t])
                checked += 1
            try:
                g_b = MamlPoint(ARB, arb_tasks, w, eta, _ball(lo, hi, 1, 3), 1).grad
            except ZeroDivisionError:
                tighter, boxes = tighter + 1, boxes + 1
                continue
            width = lambda m: max(float(x.rad()) for x in m.entries())
            tighter += width(g_t) < width(g_b)
            boxes += 1
    assert checked > 300 and boxes > 10 and tighter >= 0.8 * boxes


def test_misses_is_exact_on_linear_models_and_beats_the_entrywise_ranges():
    """``TaylorMatrix.misses`` on ``W M + b`` (linear in the box, no remainder)
    against numpy: the box misses the point iff the solution ``t`` of
    ``a + G t = 0`` leaves ``[-1, 1]^n``; where the margin is clear the two agree,
    and some of the misses are not seen by the entrywise ranges."""
    from flint import arb
    rng = np.random.default_rng(11)
    agree = better = 0
    for _ in range(300):
        n = int(rng.integers(2, 4))
        lo = rng.uniform(-1, 0, n)
        hi = lo + rng.uniform(0.1, 1, n)
        M = rng.normal(size=(n, n))
        M[:, 0] += 3 * M[:, 1]                      # correlated columns
        pt = rng.normal(size=n) * 2
        model = gain_box(lo, hi, 1, n) * arb_mat(M.tolist())
        c, rad = (lo + hi) / 2, (hi - lo) / 2
        t = np.linalg.solve((M.T * rad).astype(float), pt - M.T @ c)
        margin = np.max(np.abs(t)) - 1
        got = model.misses([arb(float(x)) for x in pt])
        entrywise = any(not x.contains(arb(float(y))) for x, y in zip(model.entries(), pt))
        if abs(margin) > 1e-6:
            assert got == (margin > 0)
            agree += 1
            better += got and not entrywise
        assert not entrywise or got
    assert agree > 250 and better > 10


@pytest.mark.parametrize("order", [1, 2])
def test_misses_never_excludes_the_fixed_point_of_the_adaptation(order):
    """``F(W) = W - eta grad g(W)`` has ``F(W*) = W*``: no box holding ``W*``
    may be said to miss it (boxes of several sizes around and beside ``W*``),
    in first- and in second-order models (:mod:`symlqr.matrix.taylor2`)."""
    from flint import arb
    from symlqr.matrix.lqr import optimal_gain
    from symlqr.matrix.taylor2 import TAYLOR2, gain_box2
    box, backend = (gain_box, TAYLOR) if order == 1 else (gain_box2, TAYLOR2)
    rng = np.random.default_rng(5)
    checked = 0
    for _ in range(4):
        A, B, _ = _random_task(rng, 2, 1)
        Q, R = np.eye(2), np.eye(1)
        Ws = optimal_gain(A, B, Q, R).reshape(-1)
        mats = tuple(arb_mat(x.tolist()) for x in (A, B, Q, R))
        star = [arb(float(x)) for x in Ws]
        for size in (1e-3, 1e-2, 5e-2):
            off = rng.uniform(-0.9, 0.9, len(Ws)) * size
            W = box(Ws - size + off, Ws + size + off, 1, 2)
            try:
                g = LQRPoint(backend, mats, W, arb_mat(np.eye(2).tolist()))
            except (ZeroDivisionError, ValueError, np.linalg.LinAlgError):
                continue
            F = W - g.grad * arb(0.01)
            assert not F.misses(star)
            checked += 1
    assert checked >= 8
