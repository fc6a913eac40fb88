"""Certified landscapes of the paper's figures: regression counts, agreement with
a dense float scan, and the hard cases (a minimum hugging the domain edge,
exact ties, undecided reporting)."""

import pytest

import symlqr.scalar.values as values
from symlqr import certify_landscape as certify
from symlqr.scalar.kinds import PointKind
from symlqr.scalar.maml import MamlObjective
from symlqr.scalar.numeric import scan_local_minima
from symlqr.exact.realroots import count_real_roots
from symlqr.tasks import Task, TaskSet, figure

# (stationary, min, max, degenerate, global_min, spurious_min)
EXPECTED = {
    "fig1": (5, 3, 2, 0, 3, 0),
    "fig2": (5, 3, 2, 0, 1, 2),
    "fig3a": (5, 3, 2, 0, 1, 2),
    "fig3b": (3, 2, 1, 0, 1, 1),
    "fig3c": (1, 1, 0, 0, 1, 0),
    "fig3d": (1, 1, 0, 0, 1, 0),
}
KEYS = ("stationary", "min", "max", "degenerate", "global_min", "spurious_min")


@pytest.fixture(scope="module")
def landscapes():
    return {name: certify(figure(name)) for name in EXPECTED}


@pytest.mark.parametrize("name", EXPECTED)
def test_certified_counts_of_each_figure(landscapes, name):
    ls = landscapes[name]
    assert ls.certified
    assert tuple(ls.counts()[k] for k in KEYS) == EXPECTED[name]


def test_fig1_has_three_global_minima_all_mapped_onto_W_star(landscapes):
    ls = landscapes["fig1"]
    assert all(p.is_global and p.adapted_to_optimum == (0,) for p in ls.minima())
    maxima = [p for p in ls.points if p.kind is PointKind.MAX]
    assert all(p.adaptation_critical == (0,) for p in maxima)      # F'(W) = 0 there
    assert ls.epsilon.lo == ls.epsilon.hi == 0


def test_fig2_has_two_spurious_minima_and_global_minimum_at_W_star(landscapes):
    ls = landscapes["fig2"]
    mins = ls.minima()
    assert [p.is_global for p in mins] == [False, True, False]
    assert mins[1].W.decimal(15) == "0.618033988749895"
    assert mins[1].adapted_to_optimum == (0, 1)
    assert float(ls.epsilon.lo) == pytest.approx(0.3552462819910256, rel=1e-12)


@pytest.mark.parametrize("name", EXPECTED)
def test_dense_float_scan_finds_the_same_minima(landscapes, name):
    ls = landscapes[name]
    for di in ls.domain:
        lo, hi = float(di.lo), float(di.hi)
        n = 400_001
        W, h = scan_local_minima(figure(name), lo, hi, n)
        cert = [p for p in ls.minima() if p.component == ls.domain.index(di)]
        assert len(W) == len(cert)
        spacing = (hi - lo) / (n - 1)
        for w, v, p in zip(W, h, cert):
            assert abs(w - float(p.W)) <= spacing
            assert v == pytest.approx(float(p.h.lo), rel=1e-6)


@pytest.mark.parametrize("name", ["fig1", "fig2", "fig3b"])
def test_stationary_count_agrees_with_an_independent_sturm_count(landscapes, name):
    """The engine isolates roots with continued fractions on irreducible
    factors; here the numerator of h' is counted by Sturm sequences between
    rational points just inside each domain interval (Sturm is too slow past
    degree ~40, hence the smaller figures)."""
    ls = landscapes[name]
    dh = MamlObjective(figure(name)).piece(()).derivative()
    total = 0
    for di in ls.domain:
        a, b = di.lo.copy(), di.hi.copy()
        while count_real_roots(dh.num, a.lo, a.hi):
            a.bisect()
        while count_real_roots(dh.num, b.lo, b.hi):
            b.bisect()
        total += count_real_roots(dh.num, a.hi, b.lo)
    assert total == ls.counts()["stationary"]


@pytest.mark.parametrize("name", EXPECTED)
def test_stationary_count_agrees_with_arb_complex_root_isolation(landscapes, name):
    """An independent certified algorithm (Arb's complex root isolation via
    python-flint, which returns real roots with an exactly zero imaginary
    part): its real roots inside the domain are the certified points."""
    ls = landscapes[name]
    dh = MamlObjective(figure(name)).piece(()).derivative()
    real = []
    for z, m in dh.num.numer().complex_roots():
        if z.imag == 0:
            mid, rad = float(z.real.mid()), float(z.real.rad())
            real.append((mid - rad, mid + rad))
    inside = []
    for lo, hi in real:
        for di in ls.domain:
            if float(di.lo.hi) < lo and hi < float(di.hi.lo):
                inside.append((lo, hi))
            else:   # the ball must be clearly outside, never straddling an end
                assert hi < float(di.lo.lo) or lo > float(di.hi.hi) or \
                    (hi < float(di.hi.lo) and lo > float(di.lo.hi))
    assert len(inside) == ls.counts()["stationary"]
    for (lo, hi), p in zip(sorted(inside), ls.points):
        assert lo - 1e-12 <= float(p.W) <= hi + 1e-12


def test_fig1_task_with_tiny_eta_keeps_the_minimum_hugging_the_domain_edge():
    ls = certify(TaskSet([Task(1, 1, 2, 2)], "1e-9"))
    assert ls.certified and ls.counts()["min"] == 3 and ls.counts()["global_min"] == 3
    (di,) = ls.domain
    left, _, right = ls.minima()
    assert float(left.W) - float(di.lo) < 1e-4
    assert float(di.hi) - float(right.W) < 1e-4
    # a float scan at this resolution cannot see the left minimum's valley at all
    assert left.h.decimal(20) == right.h.decimal(20) == "3.2360679774997896964"


def test_normalized_adaptation_makes_fig2_global():
    """Theorem 3 on Figure 2: no spurious minimum. The two global minima sit
    where ``F_i(W) = W*`` exactly; ``W*`` itself is a kink (``h`` undefined),
    not a point, with both one-sided limits above the minimum and descent
    running into it from neither side."""
    ls = certify(figure("fig2"), "normalized")
    assert ls.certified and ls.infimum_attained is True
    assert ls.counts()["spurious_min"] == 0 and ls.counts()["global_min"] == 2
    assert all(p.adapted_to_optimum == (0, 1) for p in ls.minima())
    (k,) = ls.kinks
    assert k.tasks == (0, 1) and abs(float(k.W) - (5 ** 0.5 - 1) / 2) < 1e-15
    assert k.left_limit.lo > ls.min_value.hi and k.right_limit.lo > ls.min_value.hi
    assert (k.descent_from_left, k.descent_from_right, k.stalls) == (False, False, False)


def test_mirrored_tasks_tie_is_proven_exactly_by_minimal_polynomials():
    ts = TaskSet([Task("0.5", 1, 1, 1), Task("0.5", -1, 1, 1)], "0.1")
    ls = certify(ts)
    a, b = ls.minima()
    assert ls.certified and a.is_global and b.is_global
    assert a.adapted_to_optimum == () and b.adapted_to_optimum == ()   # no lower-bound proof


def test_a_tie_without_exact_proof_is_reported_undecided(monkeypatch):
    monkeypatch.setattr(values, "MINPOLY_MAX_DEGREE", 0)
    monkeypatch.setattr(values, "mirror_images", lambda a, b: False)   # its mirror proof off
    ts = TaskSet([Task("0.5", 1, 1, 1), Task("0.5", -1, 1, 1)], "0.1")
    ls = certify(ts, max_bits=256)
    assert not ls.certified
    assert [p.is_global for p in ls.minima()] == [None, None]
    assert "no exact equality proof" in ls.undecided[0]


def test_single_task_domain_is_never_empty_because_F_fixes_W_star():
    ls = certify(TaskSet([Task(1, 1, 2, 2)], 1000))
    assert ls.certified and len(ls.domain) == 1 and ls.counts()["global_min"] >= 1


@pytest.mark.parametrize("tasks,eta", [
    ([Task(1, 1, 2, 2), Task(1, -1, 2, 2)], "0.01"),      # disjoint stable intervals
    ([Task(1, 1, 2, 2), Task(1, 1, 10, 1)], 1000),        # distinct W*, huge step
])
def test_empty_domain_is_a_certified_answer(tasks, eta):
    ls = certify(TaskSet(tasks, eta))
    assert ls.certified and ls.domain == [] and ls.counts()["stationary"] == 0
    assert ls.epsilon is None and ls.min_value is None


def test_weights_change_values_but_are_normalized():
    a = certify(TaskSet(figure("fig2").tasks, "0.01", [1, 1]))
    b = certify(TaskSet(figure("fig2").tasks, "0.01", [3, 3]))
    assert a.to_dict() == b.to_dict()
    c = certify(TaskSet(figure("fig2").tasks, "0.01", [1, 3]))
    assert c.to_dict()["weights"] == ["1/4", "3/4"]
