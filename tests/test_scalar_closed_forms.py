"""The closed forms of symlqr.scalar.closed_forms, written once, agree with
sympy's own formulas in every arithmetic they are instantiated in: sympy
symbols, FLINT polynomials in W and in (W, p), floats, mpmath intervals and
the interval dual numbers of the atlas."""
from fractions import Fraction

import pytest
import sympy

from symlqr.atlas.family import Family
from symlqr.scalar import closed_forms as cf
from symlqr.scalar import lqr
from symlqr.scalar.maml import MamlObjective, adaptation_map, maml_objective_expr
from symlqr.scalar.numeric import cost_float, gradient_float
from symlqr.exact.ratfunc import RationalFunction, to_fmpq, to_fraction
from symlqr.exact.realroots import iv_from_fraction
from symlqr.tasks import Task, figure

A, B, Q, R, S, W, ETA = sympy.symbols("A B Q R s0 W eta")
# the paper's formulas, typed in independently of closed_forms
COST = S**2 * (Q + R * W**2) / (1 - (A - B * W)**2)
TASKS = [Task(1, 1, 2, 2), Task("1/2", -2, 1, 3, 2), Task(-3, "1/2", "1/7", 4, 1, "1/3"),
         Task("0.3", 0, 1, 1)]


def values(t):
    return {A: sympy.Rational(str(t.A)), B: sympy.Rational(str(t.B)), Q: sympy.Rational(str(t.Q)),
            R: sympy.Rational(str(t.R)), S: sympy.Rational(str(t.s0))}


def test_symbolic_closed_forms_are_the_cost_and_its_derivative():
    assert sympy.simplify(cf.ratio(cf.cost(A, B, Q, R, S, W)) - COST) == 0
    assert sympy.simplify(cf.ratio(cf.gradient(A, B, Q, R, S, W)) - sympy.diff(COST, W)) == 0
    F = cf.ratio(cf.adaptation(A, B, Q, R, S, ETA, W))
    assert sympy.simplify(F - (W - ETA * sympy.diff(COST, W))) == 0
    c = cf.stationarity(A, B, Q, R, W)
    assert sympy.simplify(sympy.diff(COST, W) * (1 - (A - B * W)**2)**2 / (2 * S**2) - c) == 0


@pytest.mark.parametrize("task", TASKS, ids=str)
def test_flint_instances_equal_sympys_formulas(task):
    v = values(task)
    assert lqr.cost_function(task) == RationalFunction.from_sympy(COST.subs(v), W)
    assert lqr.gradient_function(task) == RationalFunction.from_sympy(
        sympy.diff(COST, W).subs(v), W)
    eta = sympy.Rational(1, 7)
    sa = sympy.Rational(str(task.s0_adapt))
    F = (W - eta * sympy.diff(COST, W)).subs({**v, S: sa})
    assert adaptation_map(task, Fraction(1, 7)) == RationalFunction.from_sympy(F, W)


@pytest.mark.parametrize("task", TASKS, ids=str)
def test_float_and_interval_instances_hold_the_exact_value(task):
    v = values(task)
    lo, hi = lqr.stable_interval(task.A, task.B) or (None, None)
    lo, hi = (Fraction(-2), Fraction(2)) if lo is None else (lo, hi)
    for k in range(1, 6):
        w = lo + (hi - lo) * Fraction(k, 6)
        exact_c = COST.subs(v).subs(W, sympy.Rational(str(w)))
        exact_g = sympy.diff(COST, W).subs(v).subs(W, sympy.Rational(str(w)))
        assert float(cost_float(float(w), task)) == pytest.approx(float(exact_c), rel=1e-12)
        assert float(gradient_float(float(w), task)) == pytest.approx(float(exact_g), rel=1e-9,
                                                                      abs=1e-12)
        ivs = [iv_from_fraction(Fraction(x)) for x in (task.A, task.B, task.Q, task.R, task.s0)]
        enc = cf.ratio(cf.cost(*ivs, iv_from_fraction(w)))
        q = Fraction(int(sympy.numer(exact_c)), int(sympy.denom(exact_c)))
        assert iv_from_fraction(q) in enc and float(enc.delta) < 1e-12 * (1 + abs(float(q)))


@pytest.mark.parametrize("param", ["eta", "scale", "delta"])
def test_bivariate_family_and_its_interval_duals_match_sympy(param):
    """``h(W; p)`` of the atlas (polynomials in (W, p)) equals the sympy MAML
    objective of the task set at ``p``; its interval enclosure (dual numbers)
    holds ``h`` and ``dh/dp``."""
    ts = figure("fig3a") if param != "scale" else figure("fig2")
    fam = Family(ts, param)
    x = sympy.Symbol("x")
    p0, w0 = Fraction(1, 20) if param == "eta" else Fraction(3, 4), Fraction(6, 5)
    for p in (p0, p0 + Fraction(1, 100)):
        expr = maml_objective_expr(x, fam.taskset_at(p))
        exact = expr.subs(x, sympy.Rational(w0.numerator, w0.denominator))
        got = _at(fam.h.num, w0, p) / _at(fam.h.den, w0, p)
        assert got == Fraction(int(sympy.numer(exact)), int(sympy.denom(exact)))
    hv, dv = fam.value_interval(iv_from_fraction(w0), iv_from_fraction(p0))
    expr = maml_objective_expr(x, fam.taskset_at(p0))
    assert float(expr.subs(x, sympy.Rational(6, 5))) in hv
    h_lo = maml_objective_expr(x, fam.taskset_at(p0 - Fraction(1, 10**6))).subs(x, sympy.Rational(6, 5))
    h_hi = maml_objective_expr(x, fam.taskset_at(p0 + Fraction(1, 10**6))).subs(x, sympy.Rational(6, 5))
    slope = float((h_hi - h_lo) / sympy.Rational(2, 10**6))
    assert abs(slope - float(dv.mid)) < 1e-4 * (1 + abs(slope))


def _at(poly, w, p) -> Fraction:
    """A polynomial in QQ[W, p] at rational ``(w, p)``."""
    return to_fraction(poly.subs({"W": to_fmpq(w), "p": to_fmpq(p)}).to_dict().get((0, 0), 0))


def test_maml_pieces_built_from_closed_forms_equal_sympys_objective():
    ts = figure("fig2")
    x = sympy.Symbol("x")
    h = MamlObjective(ts).piece(())
    assert h == RationalFunction.from_sympy(maml_objective_expr(x, ts), x)


@pytest.mark.parametrize("task", TASKS, ids=str)
def test_interval_engine_terms_are_the_closed_forms_exactly(task):
    """taskterms.terms (the interval engine's rearranged closed forms) in exact
    Fractions equals h_i = w C(F), its first and second derivatives, typed in
    from the paper's formulas with sympy, at rational points of the domain."""
    from symlqr.scalar.taskterms import TaskParams, terms
    eta, weight = Fraction(1, 50), Fraction(2, 3)
    p = TaskParams.from_tasks([task], eta, [weight]).exact(0)
    v = values(task)
    F = (W - sympy.Rational(1, 50) * sympy.diff(COST, W)).subs(
        {**v, S: sympy.Rational(str(task.s0_adapt))})
    h = sympy.Rational(2, 3) * COST.subs(v).subs(W, F)
    lo, hi = lqr.stable_interval(task.A, task.B)
    lo, hi = (Fraction(-2), Fraction(2)) if lo is None else (lo, hi)
    dh = sympy.diff(h, W)
    expect = [F, h, dh, sympy.diff(dh, W)]
    for k in (1, 4):
        w = lo + (hi - lo) * Fraction(k, 6)
        t = terms(w, p)
        for key, e in zip(("F", "h", "dh", "d2h"), expect):
            e = e.subs(W, sympy.Rational(w.numerator, w.denominator))
            assert e.is_Rational and t[key] == Fraction(int(e.p), int(e.q)), key
