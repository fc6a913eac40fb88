"""Second-order Taylor models over boxes of gains (symlqr/matrix/taylor2.py)
against float closed forms at random points of each box (scipy's Lyapunov
solver for P, numpy for the rest), against the first-order models, and the
preconditioned exclusion on quadratic models against scipy's root finder (and,
in tests/test_matrix_taylor.py, never excluding ``W*`` from ``F``'s range)."""
import numpy as np
import pytest
import scipy.linalg as sla
from flint import arb, arb_mat
from scipy.optimize import root

import symlqr.matrix.taylor2 as taylor2
from symlqr.matrix.backend import FLOAT
from symlqr.matrix.lqr import LQRPoint
from symlqr.matrix.taylor import TAYLOR, gain_box
from symlqr.matrix.taylor2 import TAYLOR2, gain_box2

from test_matrix_taylor import _inside, _random_task, _samples


def _float_chain(A, B, Q, R, S, W, eta):
    """``F = W - eta grad g``, ``C(F)`` and the MAML direction ``J grad f(F)``."""
    g = LQRPoint(FLOAT, (A, B, Q, R), W, S)
    F = W - eta * np.asarray(g.grad)
    if np.max(np.abs(np.linalg.eigvals(A - B @ F))) >= 1:
        return None
    f = LQRPoint(FLOAT, (A, B, Q, R), F, S)
    gf = np.asarray(f.grad)
    return F, f.cost, gf - eta * np.asarray(g.hess(gf))


@pytest.mark.parametrize("shape", [(2, 1), (3, 1), (2, 2)])
def test_second_order_models_hold_the_float_closed_forms_at_random_points(shape, monkeypatch):
    """``P``, ``grad C``, ``hess C``, ``C`` and, composed, ``F(W)``, ``C(F(W))``
    and the MAML direction at random points and the corners of each box lie in
    the models' ranges; both ways of bounding a Stein remainder (the Brouwer
    check and the steps from the whole box's ball solve) are exercised."""
    d, r = shape
    rng = np.random.default_rng(d * 10 + r + 1)
    fallback = []
    meet = taylor2._meet
    monkeypatch.setattr(taylor2, "_meet", lambda a, b: fallback.append(1) or meet(a, b))
    eta = 0.05
    checked = 0
    for _ in range(4):
        A, B, W0 = _random_task(rng, d, r)
        Q, R, S = np.eye(d), np.eye(r), np.eye(d)
        mats = tuple(arb_mat(x.tolist()) for x in (A, B, Q, R))
        Sb = arb_mat(S.tolist())
        for rad in (0.01, 0.08):
            lo, hi = (W0 - rad).reshape(-1), (W0 + rad).reshape(-1)
            try:
                W = gain_box2(lo, hi, r, d)
                p = LQRPoint(TAYLOR2, mats, W, Sb)
                P, grad, hess, cost = p.P.range(), p.grad.range(), p.hess_dense(), p.cost
                F = W - p.grad * arb(eta)
                f = LQRPoint(TAYLOR2, mats, F, Sb)
                gf = f.grad
                direction = (gf - p.hess(gf) * arb(eta)).range()
                Fr, fcost = F.range(), f.cost
            except ZeroDivisionError:
                continue
            H = [x for row in hess for x in row]
            for w in _samples(rng, lo, hi, 40):
                Wf = w.reshape(r, d)
                M = A - B @ Wf
                if np.max(np.abs(np.linalg.eigvals(M))) >= 1:
                    continue
                q = LQRPoint(FLOAT, (A, B, Q, R), Wf, S)
                assert _inside(sla.solve_discrete_lyapunov(M.T, Q + Wf.T @ R @ Wf), P)
                assert _inside(q.grad, grad)
                assert _inside(np.array(q.hess_dense()), H)
                assert _inside([q.cost], [cost])
                chain = _float_chain(A, B, Q, R, S, Wf, eta)
                if chain is not None:
                    assert _inside(chain[0], Fr) and _inside([chain[1]], [fcost])
                    assert _inside(chain[2], direction)
                checked += 1
    assert checked > 150 and fallback


def test_second_order_remainders_shrink_like_the_cube_of_the_box():
    """Halving the box divides the remainder of ``P`` and of ``grad C`` by
    about 8 (more than 4 asked), and on small boxes the second-order range of
    ``grad C`` is narrower than the first-order one."""
    rng = np.random.default_rng(3)
    A, B, W0 = _random_task(rng, 3, 1)
    mats = tuple(arb_mat(x.tolist()) for x in (A, B, np.eye(3), np.eye(1)))
    S = arb_mat(np.eye(3).tolist())
    size = lambda m: max(float(abs(x).upper()) for x in m.entries())
    width = lambda m: max(float(x.rad()) for x in m.range().entries())
    rems, narrower = [], 0
    for rad in (0.004, 0.002, 0.001):
        lo, hi = (W0 - rad).reshape(-1), (W0 + rad).reshape(-1)
        p2 = LQRPoint(TAYLOR2, mats, gain_box2(lo, hi, 1, 3), S)
        p1 = LQRPoint(TAYLOR, mats, gain_box(lo, hi, 1, 3), S)
        rems.append((size(p2.P.R), size(p2.grad.R)))
        narrower += width(p2.grad) < width(p1.grad)
    for (a, b), (c, e) in zip(rems, rems[1:]):
        assert c < a / 4 and e < b / 4
    assert narrower == 3


def test_misses_on_quadratic_models_never_excludes_a_value_taken():
    """Models ``X M + (X u)(X v) + b`` (``X`` the box, quadratic in it, no
    remainder): a point that the model takes at some ``t`` in the box (a random
    ``t``, or a solution scipy's ``root`` finds in the box) is never said to be
    missed, and points taken only outside the box are missed often."""
    rng = np.random.default_rng(17)
    missed_outside = trials_outside = 0
    for _ in range(150):
        n = int(rng.integers(2, 4))
        lo = rng.uniform(-1, 0, n)
        hi = lo + rng.uniform(0.2, 1, n)
        M = rng.normal(size=(n, n)) + 2 * np.eye(n)
        u, v = rng.normal(size=(n, 1)) * 0.3, rng.normal(size=(1, n))
        b = rng.normal(size=(1, n))
        X = gain_box2(lo, hi, 1, n)
        Xu = X * arb_mat(u.tolist())                        # 1 x 1
        model = X * arb_mat(M.tolist()) + Xu * (X * arb_mat(np.diag(v[0]).tolist())) \
            + arb_mat(b.tolist())
        c, rad = (lo + hi) / 2, (hi - lo) / 2
        value = lambda t: ((c + rad * t) @ M + float((c + rad * t) @ u[:, 0])
                           * ((c + rad * t) * v[0]) + b[0])
        t0 = rng.uniform(-1, 1, n)
        assert not model.misses([arb(float(x)) for x in value(t0)])
        t1 = rng.uniform(-1, 1, n) * 3
        pt = value(t1)
        sol = root(lambda t: value(t) - pt, np.zeros(n))
        got = model.misses([arb(float(x)) for x in pt])
        if sol.success and np.max(np.abs(sol.x)) < 1 - 1e-9:
            assert not got
        if np.max(np.abs(t1)) > 1.5:
            trials_outside += 1
            missed_outside += got
    assert trials_outside > 50 and missed_outside > trials_outside / 4
