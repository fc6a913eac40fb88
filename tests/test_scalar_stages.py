"""Each stage of the certificate on its own (issue 9), against independent
computations: dense float scans of ``h`` and ``h'``, exact sympy evaluation at
rational points bracketing each root, and rollouts of the closed loop."""
import time
from fractions import Fraction

import numpy as np
import pytest
import sympy

from symlqr.scalar import lqr
from symlqr.scalar.cells import components, domain_cells, kink_sites
from symlqr.scalar.deadline import Timeout, checker
from symlqr.scalar.kinds import PointKind
from symlqr.scalar.landscape import certify
from symlqr.scalar.maml import MamlObjective, maml_objective_expr
from symlqr.scalar.numeric import dare_solution, gradient_float, maml_objective_float
from symlqr.scalar.points import classify, stationary_points
from symlqr.scalar.values import global_minima, point_values, values_and_minima
from symlqr.tasks import figure

CASES = [("fig1", "gradient"), ("fig2", "gradient"), ("fig3b", "gradient"),
         ("fig2", "normalized"), ("fig3c", "normalized")]


def stages(name, adaptation):
    obj = MamlObjective(figure(name), adaptation)
    cells = domain_cells(obj)
    comps = components(cells)
    return obj, cells, comps


def rollout_h(W, taskset, adaptation="gradient", mode=None):
    """``h(W)`` from closed-loop rollouts of every adapted policy (floats);
    ``mode`` fixes the normalized steps ``sign C_i'(W)`` (the piece of one side
    of a kink, evaluated at the kink: its one-sided limit)."""
    total = 0.0
    for i, (t, w) in enumerate(zip(taskset.tasks, taskset.weights)):
        A, B, Q, R = (float(v) for v in (t.A, t.B, t.Q, t.R))
        if abs(A - B * W) >= 1:
            return float("inf")
        g = float(lqr.cost_gradient(sympy.nsimplify(W), t.A, t.B, t.Q, t.R, t.s0_adapt))
        step = g if adaptation == "gradient" else float(np.sign(g) if mode is None else mode[i])
        total += float(w) * lqr.rollout_cost(W - float(taskset.eta) * step, A, B, Q, R,
                                             float(t.s0), tol=1e-17)
    return total


def inside(x, lo, hi):
    return (lo is None or float(lo) < x) and (hi is None or x < float(hi))


@pytest.mark.parametrize("name,adaptation", CASES)
def test_domain_cells_membership_matches_a_dense_float_scan(name, adaptation):
    """Inside each open cell, ``h`` is finite in floats exactly when the cell is
    in the domain (checked at 50 points away from the cell's ends)."""
    obj, cells, _ = stages(name, adaptation)
    assert [c.is_point for c in cells] == [k % 2 == 1 for k in range(len(cells))]
    finite = [c for c in cells if not c.is_point and c.lo is not None and c.hi is not None]
    assert any(c.in_domain for c in finite)
    for c in finite:
        a, b = float(c.lo), float(c.hi)
        xs = np.linspace(a + (b - a) * 1e-3, b - (b - a) * 1e-3, 50)
        h = maml_objective_float(xs, obj.taskset, adaptation)
        assert bool(np.all(np.isfinite(h))) == c.in_domain
        assert bool(np.any(np.isfinite(h))) == c.in_domain


@pytest.mark.parametrize("name,adaptation", CASES)
def test_components_cover_exactly_where_h_is_finite(name, adaptation):
    obj, _, comps = stages(name, adaptation)
    lo = min(float(c.lo) for c in comps) - 0.5
    hi = max(float(c.hi) for c in comps) + 0.5
    xs = np.linspace(lo, hi, 20001)
    h = maml_objective_float(xs, obj.taskset, adaptation)
    covered = np.array([sum(inside(x, c.lo, c.hi) for c in comps) for x in xs])
    assert covered.max() == 1                         # components are disjoint
    assert np.array_equal(covered == 1, np.isfinite(h))
    for c in comps:                  # one mode: the sign of every C_i' at 20 float samples
        a, b = float(c.lo), float(c.hi)
        xs = np.linspace(a, b, 22)[1:-1]
        for i, t in enumerate(obj.tasks):
            if adaptation == "normalized":
                g = np.sign(gradient_float(xs, t, t.s0_adapt))
                assert np.all(g == c.mode[i])
            else:
                assert c.mode == ()


@pytest.mark.parametrize("name,adaptation", CASES)
def test_each_root_is_bracketed_by_a_sign_change_of_exact_h_prime(name, adaptation):
    """Sympy evaluates ``h'`` exactly at the rational ends of each root's
    bracket: opposite signs at a simple root; the count matches a dense float
    scan of the sign changes of ``h'``."""
    obj, _, comps = stages(name, adaptation)
    roots = stationary_points(obj, comps)
    assert roots and all(r.multiplicity == 1 for r in roots)
    W = sympy.Symbol("W")
    for r in roots:
        r.W.refine_bits(40)
        mode_expr = maml_objective_expr(W, obj.taskset, "gradient") if adaptation == "gradient" \
            else _normalized_expr(W, obj.taskset, r.component.mode)
        dh = sympy.diff(mode_expr, W)
        lo, hi = (sympy.Rational(x.numerator, x.denominator) for x in (r.W.lo, r.W.hi))
        assert sympy.sign(dh.subs(W, lo)) * sympy.sign(dh.subs(W, hi)) == -1
    scan = _float_sign_changes(obj, comps, adaptation)
    assert scan == len(roots)


def _normalized_expr(W, taskset, mode):
    """``h`` on one mode of the normalized adaptation: ``F_i = W - eta s_i``."""
    eta = sympy.Rational(taskset.eta.numerator, taskset.eta.denominator)
    return sum(sympy.Rational(w.numerator, w.denominator) * lqr.cost(W - eta * s, t.A, t.B, t.Q,
                                                                      t.R, t.s0)
               for t, w, s in zip(taskset.tasks, taskset.weights, mode))


def _float_sign_changes(obj, comps, adaptation):
    """Sign changes of the central difference of float ``h`` inside the components."""
    n = 0
    for c in comps:
        a, b = float(c.lo), float(c.hi)
        xs = np.linspace(a, b, 200001)[1:-1]
        h = maml_objective_float(xs, obj.taskset, adaptation)
        d = np.sign(np.diff(h))
        d = d[d != 0]
        n += int(np.sum(d[1:] != d[:-1]))
    return n


@pytest.mark.parametrize("name,adaptation", CASES)
def test_classify_types_agree_with_rollouts_on_both_sides(name, adaptation):
    """A certified MIN is lower than ``h`` (from rollouts) a little to each side;
    a MAX higher. No point is a kink (``h`` is defined at every point)."""
    obj, _, comps = stages(name, adaptation)
    pts = classify(obj, stationary_points(obj, comps))
    assert [p.W.lo for p in pts] == sorted(p.W.lo for p in pts)
    for p in pts:
        x = float(p.W)
        here = rollout_h(x, obj.taskset, adaptation)
        sides = [rollout_h(x + d, obj.taskset, adaptation) for d in (-1e-4, 1e-4)]
        assert p.multiplicity >= 1 and 0 not in p.mode
        if p.kind is PointKind.MIN:
            assert all(s > here for s in sides) and p.is_local_min
        elif p.kind is PointKind.MAX:
            assert all(s < here for s in sides) and not p.is_local_min
        assert p.h is None and p.is_global is None       # values come in the next stage


def test_classify_reads_the_exact_structure_at_each_point():
    """Figure 1 (one task): at each minimum ``F(W) = W*`` exactly, at each
    maximum ``F'(W) = 0`` (checked with sympy at the root's bracket)."""
    obj, _, comps = stages("fig1", "gradient")
    pts = classify(obj, stationary_points(obj, comps))
    t = obj.tasks[0]
    W = sympy.Symbol("W")
    Wstar = float(lqr.optimal_gain(t.A, t.B, t.Q, t.R))
    F = W - sympy.Rational(1, 100) * lqr.cost_gradient(W, t.A, t.B, t.Q, t.R)
    for p in pts:
        if p.kind is PointKind.MIN:
            assert p.adapted_to_optimum == (0,)
            assert abs(float(F.subs(W, sympy.nsimplify(float(p.W)))) - Wstar) < 1e-9
        else:
            assert p.adaptation_critical == (0,)
            assert abs(float(sympy.diff(F, W).subs(W, sympy.nsimplify(float(p.W))))) < 1e-6


@pytest.mark.parametrize("name,adaptation", CASES)
def test_point_values_enclose_rollouts_and_the_lower_bound_is_scipys(name, adaptation):
    obj, _, comps = stages(name, adaptation)
    val = point_values(obj, classify(obj, stationary_points(obj, comps)), comps,
                       digits=20)
    for p in val.points:
        assert p.h.lo <= p.h.hi and p.h.hi - p.h.lo < Fraction(1, 10**18) * (1 + abs(p.h.hi))
        assert float(p.h) == pytest.approx(rollout_h(float(p.W), obj.taskset, adaptation),
                                           rel=1e-9)
    dare = sum(float(w) * float(t.s0) ** 2 * dare_solution(t)
               for t, w in zip(obj.tasks, obj.weights))
    assert float(val.lower_bound) == pytest.approx(dare, rel=1e-10)
    assert all(p.h.hi >= val.lower_bound.lo for p in val.points)
    assert len(val.domain) == len(comps)


@pytest.mark.parametrize("name,adaptation", CASES)
def test_global_minima_and_epsilon_match_a_dense_float_scan(name, adaptation):
    obj, _, comps = stages(name, adaptation)
    m = values_and_minima(obj, classify(obj, stationary_points(obj, comps)), comps)
    xs = np.concatenate([np.linspace(float(c.lo), float(c.hi), 200001)[1:-1] for c in comps])
    h = maml_objective_float(xs, obj.taskset, adaptation)
    mins = [p for p in m.points if p.is_local_min]
    assert float(m.min_value) == pytest.approx(np.nanmin(h[np.isfinite(h)]), rel=1e-6)
    assert all(p.is_global == (abs(float(p.h) - float(m.min_value)) < 1e-12) for p in mins)
    gap = max(float(p.h) for p in mins) - float(m.min_value)
    assert float(m.epsilon) == pytest.approx(gap, abs=1e-12)
    assert m.infimum_attained is True and m.undecided == []


def test_stages_compose_to_certify_byte_for_byte():
    """The stages run by hand give the same JSON document as certify()."""
    ts = figure("fig3a")
    obj = MamlObjective(ts)
    comps = components(domain_cells(obj))
    m = global_minima(point_values(obj, classify(obj, stationary_points(obj, comps)),
                                   comps, digits=30))
    ls = certify(ts)
    assert [p.W.decimal(30) for p in m.points] == [p.W.decimal(30) for p in ls.points]
    assert [p.is_global for p in m.points] == [p.is_global for p in ls.points]
    assert m.epsilon.decimal(30) == ls.epsilon.decimal(30)


def test_progress_names_each_finished_stage_in_order():
    seen = []
    certify(figure("fig3d"), progress=seen.append)
    assert seen == ["optimal gains", "domain", "stationary points", "values", "global minima"]


@pytest.mark.parametrize("stage", [domain_cells, "stationary_points", "classify", "values"])
def test_each_stage_honours_a_passed_deadline(stage):
    obj = MamlObjective(figure("fig2"))
    past = checker(time.monotonic() - 1)
    with pytest.raises(Timeout):
        if stage is domain_cells:
            domain_cells(obj, past)
            return
        comps = components(domain_cells(obj))
        if stage == "stationary_points":
            stationary_points(obj, comps, past)
        roots = stationary_points(obj, comps)
        if stage == "classify":
            classify(obj, roots, check=past)
        point_values(obj, classify(obj, roots), comps, check=past)


def test_certify_with_a_past_deadline_raises_timeout_before_any_stage():
    seen = []
    with pytest.raises(Timeout) as err:
        certify(figure("fig1"), deadline=time.monotonic() - 1, progress=seen.append)
    assert seen == [] and err.value.stage == "certifying each task's optimal gain"


def test_kinks_are_roots_of_some_task_gradient_between_two_components():
    """Normalized Figure 3c: every kink is a zero of some ``C_i'`` (sympy: the
    sign of ``C_i'`` changes across the kink's rational bracket), out of the
    domain, with a component on each side whose modes differ in that task."""
    obj, cells, comps = stages("fig3c", "normalized")
    sites = kink_sites(cells, comps)
    assert len(sites) == 5 == len(comps) - 1
    for k in sites:
        k.at.refine_bits(40)
        lo, hi = (sympy.Rational(x.numerator, x.denominator) for x in (k.at.lo, k.at.hi))
        (i,) = k.tasks
        t = obj.tasks[i]
        g_lo, g_hi = (lqr.cost_gradient(x, t.A, t.B, t.Q, t.R) for x in (lo, hi))
        assert (g_lo == 0 == g_hi) if lo == hi else sympy.sign(g_lo) * sympy.sign(g_hi) == -1
        assert k.left is not None and k.right is not None
        assert k.left.mode[i] == -k.right.mode[i] != 0
        assert k.left.hi is k.at is k.right.lo and not obj.in_domain(k.at, obj.mode_at(k.at))
