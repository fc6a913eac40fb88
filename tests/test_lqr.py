"""Closed forms of the scalar LQR cost against independent computations:
rollouts of the dynamics, scipy's Riccati solver, sympy's own derivatives."""
from fractions import Fraction

import pytest
import sympy

from symlqr.scalar import lqr
from symlqr.scalar.numeric import dare_gain, dare_solution
from symlqr.exact.ratfunc import RationalFunction
from symlqr.tasks import FIGURE_NAMES, Task, figure

TASKS = [Task(1, 1, 2, 2), Task(1, 1, "0.1", "0.1"), Task("1.01", 1, 1, 1), Task(1, "1.01", 1, 1),
         Task("0.99", 1, 1, 1), Task(1, 1, 3, 5), Task("1/2", -2, 1, 3, 2), Task(-3, "1/2", "1/7", 4),
         Task("0.3", 0, 1, 1), Task(2, -1, 0, 1, "1/3"), Task("-0.9", 5, 10, "1/100", 3, 2)]


def _stable_points(task, n=7):
    lo, hi = lqr.stable_interval(task.A, task.B)
    if lo is None:
        lo, hi = Fraction(-3), Fraction(3)
    return [lo + (hi - lo) * Fraction(k, n + 1) for k in range(1, n + 1)]


@pytest.mark.parametrize("task", TASKS, ids=str)
def test_cost_closed_form_equals_rollout_of_the_dynamics(task):
    C = lqr.cost_function(task)
    for W in _stable_points(task):
        exact = float(C(W))
        roll = lqr.rollout_cost(float(W), *(float(v) for v in (task.A, task.B, task.Q, task.R, task.s0)))
        assert roll == pytest.approx(exact, rel=1e-9)


@pytest.mark.parametrize("task", TASKS, ids=str)
def test_gradient_and_hessian_equal_sympy_derivatives_of_the_cost(task):
    W = sympy.Symbol("W")
    expr = lqr.cost(W, task.A, task.B, task.Q, task.R, task.s0)
    assert lqr.gradient_function(task) == RationalFunction.from_sympy(sympy.diff(expr, W), W)
    assert lqr.hessian_function(task) == RationalFunction.from_sympy(sympy.diff(expr, W, 2), W)
    assert lqr.cost_function(task) == RationalFunction.from_sympy(expr, W)


@pytest.mark.parametrize("task", TASKS, ids=str)
def test_optimal_gain_matches_scipy_riccati_solver(task):
    w_star = lqr.optimal_gain_algebraic(task)
    assert float(w_star) == pytest.approx(dare_gain(task), rel=1e-9, abs=1e-12)
    p = lqr.optimal_cost_algebraic(task)
    assert float(p) == pytest.approx(float(task.s0) ** 2 * dare_solution(task), rel=1e-9, abs=1e-12)
    # C(W*) = s0^2 P exactly: the enclosures of both agree to 100 bits
    lo, hi = w_star.enclose(lqr.cost_function(task), 100)
    plo, phi = p.enclose(RationalFunction.identity(), 100)
    assert max(lo, plo) <= min(hi, phi)


@pytest.mark.parametrize("task", [t for t in TASKS if t.B != 0], ids=str)
def test_sympy_closed_forms_of_riccati_and_gain_agree_with_exact_roots(task):
    P = lqr.riccati(task.A, task.B, task.Q, task.R)
    W = lqr.optimal_gain(task.A, task.B, task.Q, task.R)
    assert float(P) * float(task.s0) ** 2 == pytest.approx(float(lqr.optimal_cost_algebraic(task)), rel=1e-12)
    assert float(W) == pytest.approx(float(lqr.optimal_gain_algebraic(task)), rel=1e-12, abs=1e-14)


def test_stationarity_polynomial_has_exactly_one_root_in_the_stable_interval():
    for name in FIGURE_NAMES:
        for t in figure(name).tasks:
            lo, hi = lqr.stable_interval(t.A, t.B)
            from symlqr.exact.realroots import count_real_roots
            assert count_real_roots(lqr.stationarity_poly(t), lo, hi) == 1


def test_stable_interval_handles_sign_of_B_and_B_zero():
    assert lqr.stable_interval(1, 1) == (0, 2)
    assert lqr.stable_interval(1, -2) == (-1, 0)
    assert lqr.stable_interval(Fraction(1, 2), 0) == (None, None)
    assert lqr.stable_interval(1, 0) is None


def test_figure_1_optimal_gain_is_the_golden_ratio_conjugate():
    w = lqr.optimal_gain_algebraic(Task(1, 1, 2, 2))
    assert w.decimal(20) == "0.6180339887498948482"   # nstr drops the trailing 0
    assert lqr.optimal_gain(1, 1, 2, 2) == (sympy.sqrt(5) - 1) / 2
