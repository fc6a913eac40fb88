"""K-step MAML, FO-MAML and Reptile on matrix tasks: derivatives against finite
differences and Arb/exact arithmetic, certificates against the scalar engine's
exact fixed points (d = r = 1), and the batched Stein solves against one-by-one
solves and scipy."""
from fractions import Fraction

import numpy as np
import pytest
import scipy.linalg as sla
from flint import arb, arb_mat, ctx

from symlqr.matrix.backend import EXACT, FLOAT, ArbBackend
from symlqr.matrix.certificate import certify_point
from symlqr.matrix.objective import MamlPoint, maml_point
from symlqr.matrix.algorithm import evaluate
from symlqr.matrix.search import search
from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
from symlqr.matrix.validated import real_part_inertia
from symlqr.scalar.fixedpoints import fixed_points
from symlqr.tasks import figure

METHODS = ("maml", "fomaml", "reptile")


def two_tasks(eta="0.02"):
    return MatrixTaskSet([
        MatrixTask([[1, "0.1"], [0, "0.9"]], [[0], [1]], [[1, 0], [0, 1]], [[1]]),
        MatrixTask([["0.8", "0.2"], ["0.1", 1]], [["0.5"], [1]], [[2, 0], [0, 1]], [[1]],
                   [[2, 0], [0, 1]])], eta)


def as_matrix(ts):
    return MatrixTaskSet([MatrixTask.from_scalar(*t.as_tuple()) for t in ts.tasks], ts.eta,
                         ts.weights, name=ts.name)


W0 = np.array([[0.3, 0.9]])


@pytest.mark.parametrize("steps", [2, 3])
@pytest.mark.parametrize("method", METHODS)
def test_direction_jacobian_matches_central_differences(method, steps):
    ts, eps = two_tasks(), 1e-6
    p = maml_point(W0, ts, steps)
    J = np.array(p.direction_jacobian_dense(method))
    fd = np.zeros_like(J)
    for k in range(W0.size):
        E = np.zeros_like(W0)
        E.flat[k] = eps
        up, dn = maml_point(W0 + E, ts, steps), maml_point(W0 - E, ts, steps)
        fd[:, k] = (up.direction(method) - dn.direction(method)).reshape(-1) / (2 * eps)
    np.testing.assert_allclose(J, fd, rtol=1e-6, atol=1e-7 * np.abs(fd).max())
    if method == "maml":                    # grad h_K itself against differences of h_K
        basis = [eps * np.eye(W0.size)[k].reshape(W0.shape) for k in range(W0.size)]
        g = [(maml_point(W0 + E, ts, steps).h - maml_point(W0 - E, ts, steps).h) / (2 * eps)
             for E in basis]
        np.testing.assert_allclose(p.grad.reshape(-1), g, rtol=1e-6)
        np.testing.assert_allclose(J, J.T, atol=1e-10 * np.abs(J).max())   # a Hessian


@pytest.mark.parametrize("method", METHODS)
def test_directions_agree_with_algorithm_1_and_its_own_adaptation_loop(method):
    ts = two_tasks()
    res = evaluate(W0, ts.float_tasks(), [float(w) for w in ts.weights], float(ts.eta),
                   method, 3)
    p = maml_point(W0, ts, 3)
    assert abs(res[0] - p.h) <= 1e-12 * abs(p.h)
    np.testing.assert_allclose(res[1], p.direction(method), rtol=1e-12, atol=1e-14)


def test_two_step_hessian_in_exact_rationals_and_balls_contains_the_float_one():
    ts = two_tasks()
    W = [[Fraction(3, 10), Fraction(9, 10)]]
    ref = np.array(maml_point(np.array(W, dtype=float), ts, 2).hess_dense())
    tasks = [tuple(EXACT.asmat(getattr(t, k)) for k in ("A", "B", "Q", "R", "Sigma0", "Sigma0a"))
             for t in ts.tasks]
    ex = MamlPoint(EXACT, tasks, [EXACT.scalar(w) for w in ts.weights], EXACT.scalar(ts.eta),
                   EXACT.asmat(W), 2)
    H = np.array([[float(x) for x in row] for row in ex.hess_dense()])
    np.testing.assert_allclose(H, ref, rtol=1e-9)
    arbk = ArbBackend()
    old, ctx.prec = ctx.prec, 106
    try:
        at = [tuple(arbk.asmat(getattr(t, k)) for k in ("A", "B", "Q", "R", "Sigma0", "Sigma0a"))
              for t in ts.tasks]
        pa = MamlPoint(arbk, at, [arbk.scalar(w) for w in ts.weights], arbk.scalar(ts.eta),
                       arbk.asmat(W), 2)
        Ha = pa.hess_dense()
        assert all(Ha[i][j].contains(ex.hess_dense()[i][j]) for i in range(2) for j in range(2))
    finally:
        ctx.prec = old


def scalar_points(name, method, steps):
    return fixed_points(figure(name), method, steps, digits=20).to_dict()["stationary_points"]


@pytest.mark.parametrize("method", METHODS)
def test_two_step_certificates_match_the_exact_scalar_fixed_points_on_fig1(method):
    mts = as_matrix(figure("fig1"))
    points = scalar_points("fig1", method, 2)
    assert len(points) >= 3
    for sp in points:
        lo, hi = (float(Fraction(x)) for x in sp["W_interval"])
        c = certify_point(np.array([[float(sp["W"])]]), mts, method=method, steps=2)
        assert c.certified and c.exists_unique and c.stabilizing
        assert c.type == (sp["type"] if method == "maml" else sp["stability"])
        assert abs(c.W[0][0] - (lo + hi) / 2) <= c.box_radius + 1e-14
        hlo, hhi = (Fraction(x) for x in c.h)
        assert hlo <= Fraction(sp["h_interval"][1]) and Fraction(sp["h_interval"][0]) <= hhi
        if sp.get("global") is False:
            assert not c.global_by_chain_rule
        if c.global_by_chain_rule:          # proven global: the exact engine agrees
            assert sp["adapted_to_optimum"] == [1] and Fraction(c.gap_upper) == 0
        assert c.theorem2 is None and c.to_dict()["steps"] == 2


def test_fomaml_zero_is_certified_as_the_update_direction_zero_not_grad_h():
    """For two tasks the FO-MAML fixed point is not a stationary point of h:
    the certificate proves a zero of the FO-MAML direction (and says so)."""
    ts = two_tasks()
    res = search(ts, starts=2, iters=400, method="fomaml", steps=2)
    assert res.points
    c = res.points[0]
    assert c.certified and c.type == "attracting" and c.method == "fomaml"
    assert "fomaml update direction" in c.to_dict()["certified_object"]
    p = maml_point(np.array(c.W), ts, 2)
    assert np.max(np.abs(p.fomaml_grad)) < 1e-9 < np.max(np.abs(p.grad))


def test_real_part_inertia_agrees_with_numpy_eigenvalues():
    rng = np.random.default_rng(3)
    decided = 0
    for _ in range(8):
        J = rng.standard_normal((5, 5)) + np.diag(rng.choice([-4.0, 4.0], 5))
        ev = np.linalg.eigvals(J)
        got = real_part_inertia(arb_mat(J.tolist()))
        if got is not None:
            decided += 1
            assert got == (int(np.sum(ev.real > 0)), int(np.sum(ev.real < 0)))
    assert decided >= 6
    assert real_part_inertia(arb_mat([[arb(0, 1e-3), 1], [-1, arb(0, 1e-3)]])) is None


@pytest.mark.parametrize("d", [3, 11])
def test_batched_float_stein_solves_match_scipy(d):
    rng = np.random.default_rng(d)
    M = rng.standard_normal((d, d))
    M *= 0.8 / np.max(np.abs(np.linalg.eigvals(M)))
    Ys = [(lambda Y: Y + Y.T)(rng.standard_normal((d, d))) for _ in range(4)]
    st = FLOAT.stein(M)
    for X, Y in zip(st.S_many(Ys), Ys):
        np.testing.assert_allclose(X, sla.solve_discrete_lyapunov(M, Y), rtol=1e-9, atol=1e-12)
    for X, Y in zip(st.P_many(Ys), Ys):
        np.testing.assert_allclose(X, sla.solve_discrete_lyapunov(M.T, Y), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("method", ["lyapunov", "kron"])
def test_batched_ball_stein_solves_contain_the_exact_rational_solutions(method):
    M = [[Fraction(1, 2), Fraction(1, 3), 0], [0, Fraction(-2, 5), Fraction(1, 7)],
         [Fraction(1, 9), 0, Fraction(3, 10)]]
    Ys = [[[Fraction(i + j + k, 3) if i == j else Fraction(k, 5) for j in range(3)]
           for i in range(3)] for k in range(1, 4)]
    arbk = ArbBackend(method)
    old, ctx.prec = ctx.prec, 106
    try:
        st_a, st_e = arbk.stein(arbk.asmat(M)), EXACT.stein(EXACT.asmat(M))
        for many_a, one_e in ((st_a.S_many, st_e.S), (st_a.P_many, st_e.P)):
            outs = many_a([arbk.asmat(Y) for Y in Ys])
            for Xa, Y in zip(outs, Ys):
                Xe = one_e(EXACT.asmat(Y))
                assert all(Xa[i, j].contains(Xe[i, j]) for i in range(3) for j in range(3))
                assert max(float(x.rad()) for x in Xa.entries()) < 1e-25
    finally:
        ctx.prec = old


def test_two_step_maml_on_fig2_bounds_the_gap_of_every_non_global_minimum():
    """Two tasks: no chain rule; the certified gap bound must lie above the exact
    h(w) - min h of the scalar engine, and the types must agree."""
    doc = fixed_points(figure("fig2"), "maml", 2, digits=20).to_dict()
    mts = as_matrix(figure("fig2"))
    hmin = Fraction(doc["min_value_interval"][0])
    checked = 0
    for sp in doc["stationary_points"]:
        c = certify_point(np.array([[float(sp["W"])]]), mts, steps=2)
        assert c.certified and c.type == sp["type"] and c.global_by_chain_rule is None
        if sp["type"] == "min":
            assert Fraction(c.gap_upper) >= Fraction(sp["h_interval"][0]) - hmin
            checked += sp["global"] is False
    assert checked >= 2
