"""The domain's Jury conditions for d >= 3 and the spectral conditions of {h <= L},
against numpy's eigenvalues, scipy's Lyapunov solver and float h."""
from fractions import Fraction

import numpy as np
import pytest
import scipy.linalg as sla
from flint import fmpq

from symlqr.matrix.domain import _four, charpoly_coefficients, stabilizing_box
from symlqr.matrix.level_sets import spectral_conditions, spectral_radius_bound
from symlqr.matrix.objective import adapt, maml_value
from symlqr.matrix.ratfunc import RationalFunctionBackend
from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet


def _value(f, args=(fmpq(0),)):
    """An exact rational function ``num / den`` at a rational point, as a Fraction."""
    den = f.den(*args) if f.den is not None else 1
    return Fraction(str(f.num(*args))) / Fraction(str(den))


@pytest.mark.parametrize("d", [3, 4, 5])
def test_jury_conditions_decide_schur_stability_against_numpy_eigenvalues(d):
    """The four conditions and the rest of Jury's table are all positive exactly
    when every eigenvalue (numpy) lies inside the unit disc, for random rational
    matrices on both sides; the characteristic polynomial's coefficients match
    numpy's ``poly``."""
    rng = np.random.default_rng(d)
    bk = RationalFunctionBackend(1)
    stable = 0
    for _ in range(150):
        M = rng.normal(size=(d, d)) * 1.1 / np.sqrt(d)
        Mq = [[Fraction(float(x)).limit_denominator(1000) for x in row] for row in M]
        Mf = np.array([[float(x) for x in row] for row in Mq])
        rho = max(abs(np.linalg.eigvals(Mf)))
        if abs(rho - 1) < 1e-9:
            continue
        conds = _four(bk.asmat(Mq), bk, "M")
        assert len(conds) == 4 + 2 * (d - 2)
        got = all(_value(f) > 0 for _, f in conds)
        assert got == (rho < 1)
        stable += rho < 1
        coeffs = [float(_value(c)) for c in charpoly_coefficients(bk.asmat(Mq), bk)]
        assert np.allclose(coeffs[::-1], np.poly(Mf), atol=1e-9)
    assert 15 < stable < 135


def test_jury_conditions_of_a_symbolic_3x1_closed_loop_against_eigenvalues():
    """``A - B W`` with symbolic ``W`` (3 x 1 gains): at random rational gains of the
    proven box around the stabilizing gains (``stabilizing_box``) the
    conditions (polynomials in W) hold exactly where the closed loop is stable;
    without the Jury rows most gains passing the four are unstable."""
    from symlqr.matrix.ratfunc import symbolic_gain
    A = [[Fraction(1, 2), Fraction(1, 10), 0], [0, Fraction(1, 2), Fraction(1, 10)],
         [0, 0, Fraction(1, 2)]]
    B = [[0], [0], [1]]
    bk = RationalFunctionBackend(3)
    W = symbolic_gain(bk, 1, 3)
    conds = _four(bk.asmat(A) - bk.asmat(B) * W, bk, "M_1")
    ts = MatrixTaskSet([MatrixTask(A, B, np.eye(3).tolist(), [[1]])], "1/100")
    lo, hi = (np.array([float(b[k]) for b in stabilizing_box(ts)]) for k in (0, 1))
    rng = np.random.default_rng(0)
    four_only_unstable = agree = 0
    for _ in range(300):
        w = [Fraction(float(x)).limit_denominator(10 ** 6) for x in rng.uniform(lo, hi)]
        args = [fmpq(x.numerator, x.denominator) for x in w]
        vals = [_value(f, args) for _, f in conds]
        M = np.array(A, dtype=float) - np.array(B, dtype=float) @ np.array([[float(x) for x in w]])
        stable = max(abs(np.linalg.eigvals(M))) < 1
        assert all(v > 0 for v in vals) == stable
        agree += 1
        four_only_unstable += all(v > 0 for v in vals[:4]) and not stable
    assert agree == 300 and four_only_unstable > 10


def test_cost_bound_behind_the_spectral_conditions_against_scipy():
    """``C = tr(P Sigma0) >= lambda_min(Q) lambda_min(Sigma0) / (1 - |l|^2)`` for every
    eigenvalue ``l`` of the closed loop (scipy's discrete Lyapunov solver)."""
    rng = np.random.default_rng(1)
    for _ in range(200):
        d = int(rng.integers(1, 5))
        M = rng.normal(size=(d, d))
        M *= rng.uniform(0.2, 0.999) / max(abs(np.linalg.eigvals(M)))
        G = rng.normal(size=(d, d))
        Q = G @ G.T + 0.1 * np.eye(d)
        H = rng.normal(size=(d, d))
        S = H @ H.T + 0.1 * np.eye(d)
        P = sla.solve_discrete_lyapunov(M.T, Q)
        C = np.trace(P @ S)
        q = np.linalg.eigvalsh(Q).min() * np.linalg.eigvalsh(S).min()
        lam = max(abs(np.linalg.eigvals(M)))
        assert C >= q / (1 - lam ** 2) * (1 - 1e-9)


def _near_boundary(ts, centre, rng, rays: int = 40):
    """Gains of the domain along random rays from ``centre``, near where each ray
    leaves the domain (bisection on float ``h``), at 0.9 to 0.999 of the way."""
    out = []
    for _ in range(rays):
        u = rng.normal(size=centre.shape)
        a, b = 0.0, 1.0
        while np.isfinite(maml_value(centre + b * u, ts)) and b < 1e3:
            a, b = b, 2 * b
        for _ in range(40):
            m = 0.5 * (a + b)
            a, b = (m, b) if np.isfinite(maml_value(centre + m * u, ts)) else (a, m)
        out += [centre + a * f * u for f in (0.9, 0.97, 0.99, 0.999)]
    return out


def test_spectral_conditions_hold_on_the_level_set_and_cut_the_rest():
    """Docs example (2 x 1 gains, where the four conditions of ``N / s`` are all of
    Jury's test): at random gains of the domain and at gains next to its
    boundary, the spectral conditions are all positive exactly where every
    eigenvalue of the adapted closed loop (numpy) has modulus below ``s``; every
    gain with float ``h <= L`` passes them; and some gains are cut."""
    t = MatrixTask([[1, "1/10"], [0, 1]], [[0], [1]], [[1, 0], [0, 1]], [[1]])
    ts = MatrixTaskSet([t], "1/100")
    L = Fraction(30)
    s = spectral_radius_bound(ts, L, 0)
    assert s is not None and 0 < s < 1
    conds = spectral_conditions(ts, L)
    assert len(conds) == 4 and all(c.kind == "level" for c in conds)
    A, B = np.array(t.A, dtype=float), np.array(t.B, dtype=float)
    rng = np.random.default_rng(5)
    points = [np.array([rng.uniform([-2, 0], [6, 4])]) for _ in range(300)]
    points += _near_boundary(ts, np.array([[0.9, 1.5]]), rng)
    inside = cut = 0
    for W in points:
        h = maml_value(W, ts)
        F = adapt(W, ts.float_tasks()[0], float(ts.eta))
        if not np.isfinite(h) or F is None:
            continue
        w = [Fraction(float(x)) for x in W.ravel()]
        vals = [_value(c, [fmpq(x.numerator, x.denominator) for x in w]) for c in conds]
        rho = max(abs(np.linalg.eigvals(A - B @ F)))
        if abs(rho - float(s)) > 1e-9:
            assert all(v > 0 for v in vals) == (rho < float(s))
        if h <= float(L) * (1 - 1e-9):
            inside += 1
            assert all(v > 0 for v in vals)
        cut += rho > float(s)
    assert inside > 10 and cut > 10


def _chain_task(d):
    A = [[Fraction(1, 2) if i == j else Fraction(1, 10) if j == i + 1 else 0 for j in range(d)]
         for i in range(d)]
    eye = [[int(i == j) for j in range(d)] for i in range(d)]
    return MatrixTask(A, [[int(i == d - 1)] for i in range(d)], eye, [[1]])


@pytest.mark.parametrize("case", ["3x1", "2x2"])
def test_conditions_from_the_affine_charpoly_agree_with_the_determinants(case):
    """``_four`` from the coefficients of :func:`closed_loop_charpoly` (affine in ``V``
    for ``r = 1``; Jury's rows over a common denominator) has, at random rational
    gains, the sign of ``_four`` by determinants, for ``V`` the symbolic adapted
    gain ``F(W)`` (rational functions) of a 3 x 1 and a 2 x 2 task."""
    from symlqr.matrix.domain import closed_loop_charpoly
    from symlqr.matrix.ratfunc import symbolic_iterates
    task = _chain_task(3) if case == "3x1" else MatrixTask(
        [[1, "1/10"], [0, 1]], [[1, 0], [0, 1]], [[1, 0], [0, 1]], [[1, 0], [0, 1]])
    ts = MatrixTaskSet([task], "1/100")
    bk, it = symbolic_iterates(ts)
    V = it.F[0]
    M = bk.asmat(task.A) - bk.asmat(task.B) * V
    old = _four(M, bk, "N")
    new = _four(M, bk, "N", closed_loop_charpoly(task, V, bk))
    assert [n for n, _ in old] == [n for n, _ in new]
    rng = np.random.default_rng(7)
    n = ts.shape[0] * ts.shape[1]
    checked = 0
    for _ in range(40):
        pt = [fmpq(int(rng.integers(-40, 40)), 16) for _ in range(n)]
        vals = []
        for (_, f), (_, g) in zip(old, new):
            a, b = f.den(*pt), g.den(*pt)
            if a == 0 or b == 0:
                break
            vals.append((Fraction(str(f.num(*pt) / a)), Fraction(str(g.num(*pt) / b))))
        else:
            for x, y in vals:
                assert (x > 0) == (y > 0) and (x == 0) == (y == 0)
            checked += 1
    assert checked >= 30


def test_four_state_chain_conditions_in_seconds_and_necessary_against_eigenvalues():
    """``r d = 4`` (the 4 x 1 chain): the domain's conditions come from the adaptation
    path alone in seconds (:func:`symbolic_iterates`; the Jury rows of ``N`` with
    more than ``MAX_COEFFICIENTS`` Bernstein coefficients are left out), and at
    random gains where ``A - B W`` and ``A - B F(W)`` are both Schur stable (numpy
    eigenvalues, ``F`` from the float adaptation step) every condition holds."""
    import time
    from symlqr.matrix.domain import conditions
    ts = MatrixTaskSet([_chain_task(4)], "1/100")
    t0 = time.perf_counter()
    conds = conditions(ts)
    assert time.perf_counter() - t0 < 60
    names = [c.name for c in conds]
    assert any("Jury row 3 of M_1" in x for x in names) and "det(I - N_1) > 0" in names
    assert not any("Jury row 3 of N_1" in x for x in names)
    t = ts.tasks[0]
    A, B = (np.array(getattr(t, k), dtype=float) for k in "AB")
    from symlqr.matrix.lqr import optimal_gain
    Ws = optimal_gain(*(np.array(getattr(t, k), dtype=float) for k in "ABQR"))
    rng = np.random.default_rng(3)
    inside = 0
    for _ in range(60):
        W = Ws + rng.normal(size=Ws.shape) * np.array([[0.02, 0.05, 0.2, 0.4]])
        W = np.array([[float(Fraction(float(x)).limit_denominator(2 ** 12)) for x in W[0]]])
        ftask = tuple(np.array(getattr(t, k), dtype=float) for k in ("A", "B", "Q", "R", "Sigma0", "Sigma0a"))
        F = adapt(W, ftask, 0.01)         # None unless W and F(W) are stabilizing
        if F is None:
            continue
        pt = [fmpq(Fraction(x).numerator, Fraction(x).denominator) for x in W[0]]
        for c in conds:
            v = Fraction(str(c.num(*pt)))
            if c.den is not None:
                v /= Fraction(str(c.den(*pt)))
            assert v > 0, c.name
        inside += 1
    assert inside >= 20
