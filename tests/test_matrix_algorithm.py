"""Algorithm 1 and its variants on matrix tasks: directions against the closed
forms, domain-keeping steps, random starts, stochastic batches."""
import numpy as np
import pytest

from symlqr.matrix.algorithm import direction, random_starts, run_maml
from symlqr.matrix.lqr import LQRPoint
from symlqr.matrix.backend import FLOAT
from symlqr.matrix.objective import in_domain, maml_point, maml_value
from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet


@pytest.fixture
def tasks():
    return MatrixTaskSet([
        MatrixTask([[1, "0.1"], [0, 1]], [[0], [1]], [[1, 0], [0, 1]], [[1]]),
        MatrixTask([["1.1", "0.1"], [0, "0.9"]], [[0], [1]], [[1, 0], [0, 2]], [["0.5"]],
                   [[2, 0], [0, 1]], [[1, 0], [0, 3]])], "0.01", [1, 3])


def test_the_three_directions_match_their_closed_forms(tasks):
    W = random_starts(tasks, 1, np.random.default_rng(0))[0]
    ft, w, eta = tasks.float_tasks(), [float(x) for x in tasks.weights], float(tasks.eta)
    p = maml_point(W, tasks)
    np.testing.assert_allclose(direction(W, ft, w, eta, "maml"), p.grad, rtol=1e-12)
    np.testing.assert_allclose(direction(W, ft, w, eta, "fomaml"), p.fomaml_grad, rtol=1e-12)
    adapt_grad = sum(wi * LQRPoint(FLOAT, t[:4], W, t[5]).grad for wi, t in zip(w, ft))
    np.testing.assert_allclose(direction(W, ft, w, eta, "reptile"), adapt_grad, rtol=1e-10)


def test_random_starts_lie_in_the_domain(tasks):
    starts = random_starts(tasks, 6, np.random.default_rng(1), spread=1.0)
    assert len(starts) == 6 and all(in_domain(W, tasks) for W in starts)


@pytest.mark.parametrize("method,batch", [("maml", None), ("fomaml", None), ("reptile", None),
                                          ("maml", 1)])
def test_every_iterate_stays_in_the_domain(tasks, method, batch):
    W0 = random_starts(tasks, 1, np.random.default_rng(2))[0]
    run = run_maml(tasks, W0, beta=0.002, iters=40, method=method, batch=batch,
                   rng=np.random.default_rng(3))
    assert len(run.trajectory) == run.iterations + 1 >= 2
    assert all(np.isfinite(maml_value(np.array(W), tasks)) for W in run.trajectory)
    if method == "fomaml":      # not a descent direction of h: it may stop at the boundary
        assert run.iterations == 40 or run.stopped == "no step stays in the domain"
    else:
        assert run.iterations == 40 and run.h[-1] < run.h[0]


def test_default_maml_decreases_h_monotonically_and_stops_at_a_small_gradient():
    ts = MatrixTaskSet([MatrixTask.from_scalar(1, 1, 2, 2)], "0.01")
    run = run_maml(ts, [[0.3]], iters=2000, tol=1e-10)
    assert run.converged and all(b <= a + 1e-12 * abs(a) for a, b in zip(run.h, run.h[1:]))
    assert abs(maml_point(np.array(run.W), ts).grad[0, 0]) < 1e-10
