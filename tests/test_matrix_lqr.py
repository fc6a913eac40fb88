"""Matrix LQR closed forms against independent computations: rollouts of the
dynamics, finite differences, scipy's Riccati solver, python-control's dlqr,
and the scalar engine for d = r = 1."""
from fractions import Fraction

import numpy as np
import pytest
import sympy
from flint import arb, fmpq

from symlqr.matrix.backend import EXACT, FLOAT, ArbBackend
from symlqr.matrix.lqr import (LQRPoint, cost, gradient, hessian, hessian_apply,
                               optimal_gain, riccati, spectral_radius)
from symlqr.matrix.objective import MamlPoint, maml_hessian, maml_point
from symlqr.matrix.algorithm import evaluate
from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet

try:                                    # after the reorganization (issue 9)
    from symlqr.scalar import lqr as scalar_lqr
    from symlqr.scalar.maml import MamlObjective
except ImportError:
    from symlqr import lqr as scalar_lqr
    from symlqr.maml import MamlObjective
from symlqr.tasks import Task, figure


def random_task(d, r, seed, scale=0.6):
    rng = np.random.default_rng(seed)
    A = rng.standard_normal((d, d)) * scale / np.sqrt(d)
    B = rng.standard_normal((d, r))
    L = rng.standard_normal((d, d))
    Q = L @ L.T / d + 0.1 * np.eye(d)
    R = np.eye(r) + 0.2 * np.ones((r, r))
    S = np.eye(d) + 0.3 * np.diag(rng.random(d))
    return A, B, Q, R, S


def stable_gain(A, B, Q, R, seed, noise=0.05):
    W = optimal_gain(A, B, Q, R)
    rng = np.random.default_rng(seed)
    W = W + noise * rng.standard_normal(W.shape)
    assert spectral_radius(W, A, B) < 1
    return W


@pytest.mark.parametrize("d,r", [(1, 1), (3, 2), (5, 2)])
def test_cost_equals_rollout_of_the_dynamics(d, r):
    A, B, Q, R, S = random_task(d, r, seed=d)
    W = stable_gain(A, B, Q, R, seed=1)
    L = np.linalg.cholesky(S)               # E x0 x0' = S: x0 over the columns of L
    M = A - B @ W
    X, total = L.copy(), 0.0
    for _ in range(3000):
        total += np.trace(X.T @ (Q + W.T @ R @ W) @ X)
        X = M @ X
    assert cost(W, A, B, Q, R, S) == pytest.approx(total, rel=1e-10)


def test_cost_is_infinite_for_a_destabilizing_gain():
    A, B, Q, R = np.array([[2.0]]), np.array([[1.0]]), np.eye(1), np.eye(1)
    assert cost(np.array([[0.5]]), A, B, Q, R) == float("inf")


@pytest.mark.parametrize("d,r", [(2, 1), (4, 2), (6, 3)])
def test_gradient_and_hessian_match_central_differences(d, r):
    A, B, Q, R, S = random_task(d, r, seed=10 + d)
    W = stable_gain(A, B, Q, R, seed=2)
    U = np.random.default_rng(3).standard_normal(W.shape)
    eps = 1e-6
    fd = (cost(W + eps * U, A, B, Q, R, S) - cost(W - eps * U, A, B, Q, R, S)) / (2 * eps)
    assert np.sum(gradient(W, A, B, Q, R, S) * U) == pytest.approx(fd, rel=1e-6)
    fd2 = (gradient(W + eps * U, A, B, Q, R, S) - gradient(W - eps * U, A, B, Q, R, S)) / (2 * eps)
    np.testing.assert_allclose(hessian_apply(W, U, A, B, Q, R, S), fd2, rtol=1e-5,
                               atol=1e-6 * np.abs(fd2).max())
    H = hessian(W, A, B, Q, R, S)
    np.testing.assert_allclose(H, H.T, atol=1e-9 * np.abs(H).max())
    np.testing.assert_allclose(H @ U.reshape(-1), fd2.reshape(-1), rtol=1e-5,
                               atol=1e-6 * np.abs(fd2).max())


def test_third_derivative_matches_differences_of_the_hessian_and_is_symmetric():
    A, B, Q, R, S = random_task(3, 2, seed=7)
    W = stable_gain(A, B, Q, R, seed=4)
    rng = np.random.default_rng(5)
    U, V = rng.standard_normal(W.shape), rng.standard_normal(W.shape)
    p, eps = LQRPoint(FLOAT, (A, B, Q, R), W, S), 1e-6
    fd = (LQRPoint(FLOAT, (A, B, Q, R), W + eps * V, S).hess(U)
          - LQRPoint(FLOAT, (A, B, Q, R), W - eps * V, S).hess(U)) / (2 * eps)
    np.testing.assert_allclose(p.third(U, V), fd, rtol=1e-5, atol=1e-6 * np.abs(fd).max())
    np.testing.assert_allclose(p.third(U, V), p.third(V, U), atol=1e-10 * np.abs(fd).max())


@pytest.mark.parametrize("d,r", [(2, 1), (4, 2), (10, 3)])
def test_optimal_gain_agrees_with_python_control_dlqr_and_zeroes_the_gradient(d, r):
    control = pytest.importorskip("control")
    A, B, Q, R, S = random_task(d, r, seed=20 + d, scale=1.2)
    K, P, _ = control.dlqr(A, B, Q, R)
    W = optimal_gain(A, B, Q, R)
    np.testing.assert_allclose(W, K, rtol=1e-8, atol=1e-10)
    p = LQRPoint(FLOAT, (A, B, Q, R), W, S)
    np.testing.assert_allclose(p.P, P, rtol=1e-8)
    assert np.abs(p.grad).max() < 1e-8 * max(1.0, np.abs(p.P).max())
    assert p.cost == pytest.approx(np.trace(riccati(A, B, Q, R) @ S), rel=1e-10)


def test_large_d_uses_the_bilinear_lyapunov_solver_and_agrees_with_kronecker():
    A, B, Q, R, S = random_task(12, 2, seed=3)
    W = stable_gain(A, B, Q, R, seed=1, noise=0.01)
    p = LQRPoint(FLOAT, (A, B, Q, R), W, S)
    M = A - B @ W
    P = np.linalg.solve(np.eye(144) - np.kron(M.T, M.T), (Q + W.T @ R @ W).reshape(-1))
    np.testing.assert_allclose(p.P, P.reshape(12, 12), rtol=1e-9)


@pytest.mark.parametrize("row", [(1, 1, 2, 2, 1, 1), ("0.5", 2, 1, 3, 2, "1/2"),
                                 (-1, "0.7", "0.1", 1, 1, 3)])
def test_one_by_one_task_matches_the_scalar_engine(row):
    task = Task(*row)
    mt = MatrixTask.from_scalar(task.A, task.B, task.Q, task.R, task.s0, task.s0a)
    A, B, Q, R, S0, _ = mt.floats()
    Ws = float(scalar_lqr.optimal_gain(task.A, task.B, task.Q, task.R))
    W = Fraction(Ws).limit_denominator(1000) + Fraction(1, 50)
    exact = scalar_lqr.cost(W, task.A, task.B, task.Q, task.R, task.s0)
    grad = scalar_lqr.cost_gradient(W, task.A, task.B, task.Q, task.R, task.s0)
    p = LQRPoint(EXACT, tuple(EXACT.asmat(getattr(mt, k)) for k in "ABQR"),
                 EXACT.asmat([[W]]), EXACT.asmat(mt.Sigma0))
    assert p.cost == fmpq(int(sympy.numer(exact)), int(sympy.denom(exact)))
    assert p.grad[0, 0] == fmpq(int(sympy.numer(grad)), int(sympy.denom(grad)))
    assert float(optimal_gain(A, B, Q, R)[0, 0]) == pytest.approx(Ws, rel=1e-12)


@pytest.mark.parametrize("name", ["fig1", "fig2", "fig3b"])
def test_maml_objective_matches_the_scalar_composition(name):
    ts = figure(name)
    mts = MatrixTaskSet([MatrixTask.from_scalar(*t.as_tuple()) for t in ts.tasks], ts.eta,
                        ts.weights)
    obj = MamlObjective(ts)
    x = sympy.Symbol("x")
    h = obj.piece().to_sympy(x)
    W = Fraction(3, 5)
    tasks = [tuple(EXACT.asmat(getattr(t, k)) for k in ("A", "B", "Q", "R", "Sigma0", "Sigma0a"))
             for t in mts.tasks]
    p = MamlPoint(EXACT, tasks, [EXACT.scalar(w) for w in mts.weights], EXACT.scalar(mts.eta),
                  EXACT.asmat([[W]]))
    hv = sympy.Rational(3, 5)
    assert p.h == fmpq(int(sympy.numer(sympy.together(h.subs(x, hv)))),
                       int(sympy.denom(sympy.together(h.subs(x, hv)))))
    dh = sympy.together(sympy.diff(h, x).subs(x, hv))
    assert p.grad[0, 0] == fmpq(int(sympy.numer(dh)), int(sympy.denom(dh)))
    d2h = float(sympy.diff(h, x, 2).subs(x, hv))
    assert float(maml_hessian([[0.6]], mts)[0, 0]) == pytest.approx(d2h, rel=1e-9)


def _random_taskset(d, r, k, eta="0.002"):
    tasks = []
    for i in range(k):
        A, B, Q, R, S = random_task(d, r, seed=100 + i, scale=0.5)
        rows = lambda m: [[str(round(v, 3)) for v in row] for row in m]
        Ssym = np.round(S, 3)
        tasks.append(MatrixTask(rows(A), rows(B), rows(np.round((Q + Q.T) / 2, 3)), rows(R),
                                rows(Ssym), None if i % 2 else rows(np.eye(d))))
    return MatrixTaskSet(tasks, eta, list(range(1, k + 1)))


def test_maml_gradient_and_hessian_match_central_differences():
    ts = _random_taskset(3, 2, 3)
    W = np.zeros((2, 3))
    p = maml_point(W, ts)
    assert p is not None
    U, eps = np.random.default_rng(0).standard_normal(W.shape), 1e-6
    hp, hm = maml_point(W + eps * U, ts), maml_point(W - eps * U, ts)
    assert np.sum(p.grad * U) == pytest.approx((hp.h - hm.h) / (2 * eps), rel=1e-6)
    fd = (hp.grad - hm.grad) / (2 * eps)
    np.testing.assert_allclose(p.hess(U), fd, rtol=1e-5, atol=1e-6 * np.abs(fd).max())
    H = np.array(p.hess_dense())
    np.testing.assert_allclose(H, H.T, atol=1e-9 * np.abs(H).max())


def test_multi_step_maml_gradient_matches_central_differences():
    ts = _random_taskset(2, 1, 2)
    tasks, w, eta = ts.float_tasks(), [float(x) for x in ts.weights], float(ts.eta)
    W = np.zeros((1, 2))
    U, eps = np.array([[0.3, -0.7]]), 1e-6
    h, d = evaluate(W, tasks, w, eta, "maml", steps=3)
    hp = evaluate(W + eps * U, tasks, w, eta, "maml", steps=3)[0]
    hm = evaluate(W - eps * U, tasks, w, eta, "maml", steps=3)[0]
    assert np.sum(d * U) == pytest.approx((hp - hm) / (2 * eps), rel=1e-6)


def test_ball_arithmetic_encloses_the_exact_rational_values():
    ts = _random_taskset(3, 1, 2)
    W = [[Fraction(1, 10), Fraction(-1, 20), Fraction(0)]]
    arbk = ArbBackend()
    vals = {}
    for bk in (EXACT, arbk):
        tasks = [tuple(bk.asmat(getattr(t, k)) for k in
                       ("A", "B", "Q", "R", "Sigma0", "Sigma0a")) for t in ts.tasks]
        vals[bk.name] = MamlPoint(bk, tasks, [bk.scalar(w) for w in ts.weights],
                                  bk.scalar(ts.eta), bk.asmat(W))
    ex, ball = vals["exact"], vals["arb"]
    assert ball.h.contains(arb(ex.h))
    for a, b in zip(ball.grad.entries(), ex.grad.entries()):
        assert a.contains(arb(b))
    assert ball.h.rad() < 1e-10
