"""The adaptive partitions of the switch search (symlqr.atlas.refine): a step
trapped again in halves from its start ball still holds the branch (branches
known in closed form), the steps chosen are those of the widest slope
enclosures, and Figure 3a's segment [1/16, 1/7], where two minima's values
come within 4e-6 of each other, is proven with the global minimum the one that
``certify`` finds at rational eta across it."""
from fractions import Fraction

import flint
import pytest
from mpmath import iv

from symlqr.atlas.bivariate import CTX, P, W, const
from symlqr.atlas.branches import Shifter, arb_between, rows_in_p
from symlqr.atlas.refine import Track, track, worst_steps
from symlqr.exact.precision import iv_workprec


def _box(Y, q0, q1):
    return Y                       # the "slope" of a step: its box, to check it


def _holds(t: Track, branch) -> None:
    """Every step's box holds the exact branch at both its ends; the steps tile."""
    iv_ = t.intervals()
    assert all(a[1] == b[0] for a, b in zip(iv_, iv_[1:]))
    for lo, hi, D in iv_:
        for q in (lo, hi):
            x = branch(q)
            assert D.a <= x <= D.b, (q, x, D)


@pytest.mark.parametrize("f, branch, B", [
    (W * W - P, lambda q: float(q) ** 0.5, flint.arb(1)),
    ((W - 3 * P - const(Fraction(1, 2))) * (W - const(2) - P / 5) * (W - const(3)),
     lambda q: 3 * float(q) + 0.5, flint.arb(flint.fmpq(7, 2))),
])
def test_a_halved_step_still_holds_the_branch(f, branch, B):
    nodes = [Fraction(1) + Fraction(i, 4) for i in range(5)]
    t = track(Shifter(rows_in_p(f)), _box, B, nodes, 1)
    assert t is not None
    before = len(t.steps)
    lo, hi, _ = t.intervals()[1]
    assert t.halve(lo, hi)
    assert len(t.steps) >= before + 1
    _holds(t, branch)
    assert [s for s in t.intervals() if s[0] == lo][0][1] <= (lo + hi) / 2


def test_the_widest_enclosures_are_halved_on_the_branch_that_makes_them():
    nodes = [Fraction(i, 4) for i in range(5)]
    wide = [iv.mpf([0, w]) for w in (1, 1, 10, 1)]
    thin = [iv.mpf([0, 1e-6])] * 4
    tj = Track(None, None, [(a, b, D, None) for a, b, D in zip(nodes, nodes[1:], wide)])
    tg = Track(None, None, [(a, b, D, None) for a, b, D in zip(nodes, nodes[1:], thin)])
    got = worst_steps(nodes, wide, thin, tj, tg)
    assert [(t is tj, lo, hi) for t, lo, hi in got] == [(True, Fraction(1, 2), Fraction(3, 4))]


@pytest.mark.slow
def test_fig3a_close_values_are_separated_and_certify_agrees():
    from symlqr.atlas.family import Family
    from symlqr.atlas.switches import SwitchSearch, global_index
    from symlqr.scalar.landscape import certify
    from symlqr.tasks import figure
    fam = Family(figure("fig3a"), "eta")
    run = lambda p: certify(fam.taskset_at(p))
    u, v = Fraction(1, 16), Fraction(1, 7)
    Lu, Lv = run(u), run(v)
    mins = [k for k, p in enumerate(Lu.points) if p.is_local_min]
    g = global_index(Lu)[0]
    assert global_index(Lv) == (g,)
    ok, _hint = SwitchSearch(fam, run, lambda: None, mins).separated(u, v, Lu, Lv, g)
    assert ok
    for i in range(1, 8):
        p = u + (v - u) * Fraction(i, 8)
        L = run(p)
        assert global_index(L) == (g,)
        gap = min(L.points[j].h.lo - L.points[g].h.hi for j in mins if j != g)
        assert gap > 0


def _gaps_hold(search, nodes, known, run, g, square):
    """Every node gap of ``search`` (``node_gaps``) lies below ``V_j - V_g`` as the
    landscape certified there gives it (at ``q^2`` in the charts), and is close to
    it (the balls at the nodes are tight); returns how many nodes had one."""
    tracks = search.tracks(nodes, known, 4)
    assert tracks is not None
    seen = 0
    for j in search.minima:
        if j == g:
            continue
        fine = sorted({q for t in tracks.values() for q, _q1, _D, _B in t.steps} | {nodes[-1]})
        with iv_workprec(96):
            gaps = search.node_gaps(fine, tracks, j, g, {})
        for q, lb in zip(fine, gaps):
            if lb is None:
                continue
            L = run(q * q if square else q)
            top = L.points[j].h.hi - L.points[g].h.lo      # V_j - V_g <= top
            low = L.points[j].h.lo - L.points[g].h.hi
            assert float(lb.a) <= float(top), (q, float(lb.a), float(top))
            assert float(lb.a) > float(low) - 1e-9, (q, float(lb.a), float(low))
            seen += 1
    return seen


@pytest.mark.slow
def test_node_gaps_lie_below_the_certified_gaps_in_w_eta_and_in_the_charts():
    """The gaps of ``V_j - V_g`` at the inner nodes (``h`` over the ball that holds
    each branch where its step starts) against ``certify`` at those nodes: on
    Figure 3a's ``[1/16, 1/7]`` in ``(W, eta)`` and on ``e`` in ``[1/19, 1/5]`` in
    the charts next to ``eta = 0`` (a wall chart's ``W = w0 + e s``)."""
    from symlqr.atlas.charts import ChartSearch
    from symlqr.atlas.family import Family
    from symlqr.atlas.farbound import wall_points
    from symlqr.atlas.switches import SwitchSearch, global_index
    from symlqr.scalar.landscape import certify
    from symlqr.tasks import figure
    fam = Family(figure("fig3a"), "eta")
    run = lambda p: certify(fam.taskset_at(p))
    u, v = Fraction(1, 16), Fraction(1, 7)
    Lu = run(u)
    mins = [k for k, p in enumerate(Lu.points) if p.is_local_min]
    g = global_index(Lu)[0]
    nodes = [u + (v - u) * Fraction(i, 8) for i in range(9)]
    assert _gaps_hold(SwitchSearch(fam, run, lambda: None, mins), nodes, [(Lu, u)], run, g,
                      False) >= 3
    ru, rv = Fraction(1, 19), Fraction(1, 5)
    Lr = run(rv * rv)
    mins = [k for k, p in enumerate(Lr.points) if p.is_local_min]
    g = global_index(Lr)[0]
    search = ChartSearch(fam, run, lambda: None, mins, walls=wall_points(fam))
    nodes = [rv - (rv - ru) * Fraction(i, 8) for i in range(9)]
    assert _gaps_hold(search, nodes, [(Lr, rv)], run, g, True) >= 3
    assert any(w0 is not None for w0 in search._chosen.values())     # a wall chart was used
