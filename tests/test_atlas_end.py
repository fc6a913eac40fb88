"""Labels decided next to a range end where minima tie (symlqr.atlas.curvature).

At ``delta = 0`` the two tasks of Figure 3b coincide and its three minima have
the same value (the lower bound 2); their differences grow like ``delta^2``.
The atlas separates them by second-order bounds from the end; the labels must
be those ``certify`` gives at points inside the piece, for tasks built here by
hand (``task_2 = t_1 + delta (t_2 - t_1)``), not through the atlas's family.
"""
from fractions import Fraction

import flint
import pytest
from mpmath import iv
from mpmath.libmp import to_rational

from symlqr.atlas import atlas
from symlqr.atlas.branches import Shifter, arb_between, rows_in_p
from symlqr.atlas.curvature import ValueCurvature, second_order_positive
from symlqr.atlas.family import Family
from symlqr.atlas.refine import track
from symlqr.atlas.switches import SwitchSearch, factor_of, global_index
from symlqr.scalar.landscape import certify
from symlqr.tasks import Task, TaskSet, figure

F = Fraction


def _fig3b_at(d: Fraction) -> TaskSet:
    """Figure 3b's tasks (1, 1, 1, 2) and (1, 1, 2, 1) spread by ``d``, eta = 1/10."""
    return TaskSet([Task(1, 1, 1, 2), Task(1, 1, 1 + d, 2 - d)], F(1, 10))


def _exact(x) -> Fraction:
    """The mpmath interval ``x`` (a point: an end of an interval) as a Fraction."""
    return Fraction(*to_rational(x._mpi_[0]))


def _min_labels(labels) -> list:
    return [lab for lab in labels if lab.endswith("min")]


@pytest.mark.parametrize("lo, hi, deltas", [
    (F(0), F(1, 20), [F(1, 1000), F(1, 200), F(1, 100), F(17, 1000), F(1, 25)]),
    (F(-1, 20), F(0), [F(-1, 1000), F(-1, 100), F(-3, 100), F(-49, 1000)]),
])
def test_fig3b_delta_labels_next_to_the_tie_agree_with_certify(lo, hi, deltas):
    """The piece next to delta = 0 (the range's excluded lower end, or an exact
    critical value at its included upper end) is labelled, and certify agrees."""
    at = atlas(figure("fig3b"), "delta", lo, hi)
    assert at.certified, at.undecided
    pc = at.pieces[0] if lo == 0 else at.pieces[-1]
    assert pc.decided and not pc.parts, pc.switch_note
    assert "second derivatives" in pc.switch_note           # proven from the tie
    want = _min_labels(pc.labels())
    assert want.count("global min") == 1
    for d in deltas:
        assert (pc.lo is None or pc.lo.hi < d) and (pc.hi is None or d < pc.hi.lo)
        L = certify(_fig3b_at(d))
        assert L.certified
        assert _min_labels(p.label for p in L.points) == want, (d, want)


def test_value_curvature_holds_the_second_differences_of_the_values():
    """``V(p + h) - 2 V(p) + V(p - h) = h^2 V''(xi)`` for some ``xi`` in
    ``(p - h, p + h)``: the enclosures of ``V''`` along the branch over that range
    (their hull) must hold it, each minimum, on both sides of delta = 0."""
    fam = Family(figure("fig3b"), "delta")
    vc = ValueCurvature(fam.h.num, fam.h.den)
    h = F(1, 1000)
    for p in (F(0), F(1, 50)):
        Ls = [certify(fam.taskset_at(p + s * h), digits=40) for s in (-1, 0, 1)]
        mins = [k for k, pt in enumerate(Ls[0].points) if pt.is_local_min]
        assert len(mins) == 3
        for k in mins:
            a = factor_of(fam, Ls[0].points[k], p - h)
            sh = Shifter(rows_in_p(fam.n_factors[a][0]))
            w = Ls[0].points[k].W
            tr = track(sh, vc.accept(sh), arb_between(w.lo, w.hi),
                       [p - h + h * F(i, 8) for i in range(17)], 4)
            assert tr is not None
            lo = min(_exact(D.a) for _a, _b, D in tr.intervals())
            hi = max(_exact(D.b) for _a, _b, D in tr.intervals())
            V = [L.points[k].h for L in Ls]
            sd_lo = (V[0].lo - 2 * V[1].hi + V[2].lo) / h ** 2
            sd_hi = (V[0].hi - 2 * V[1].lo + V[2].hi) / h ** 2
            assert lo <= sd_lo and sd_hi <= hi, (p, k, float(sd_lo), float(lo), float(hi))
            assert hi - lo < F(1, 100)               # and tight enough to be of use


def test_second_order_positive_never_proves_a_sign_that_fails():
    """``D(t) = t^2 - 3 t^3`` (``D(0) = D'(0) = 0``, ``D'' = 2 - 18 t``) is
    positive on ``(0, 1/3)`` and negative beyond: proven on ``(0, 3/10]`` with a
    fine partition, never on ``(0, 2/5]``, whatever the partition, either way."""
    def d2(nodes):
        return [iv.mpf([float(2 - 18 * max(a, b)), float(2 - 18 * min(a, b))])
                for a, b in zip(nodes, nodes[1:])]

    for n in (8, 64, 512):
        good = [F(3, 10) * F(i, n) for i in range(n + 1)]
        bad = [F(2, 5) * F(i, n) for i in range(n + 1)]
        assert second_order_positive(bad, d2(bad), 0, 0)[0] is False
        back = [1 - x for x in bad]                   # D(1 - p) from the end p = 1
        assert second_order_positive(back, d2(bad), 0, 0)[0] is False
        if n >= 64:
            assert second_order_positive(good, d2(good), 0, 0) == (True, None)
            assert second_order_positive([1 - x for x in good], d2(good), 0, 0) == (True, None)
    # a negative slope at a tie, or a gap below 0, is refused at once
    nodes = [F(i, 8) for i in range(9)]
    assert second_order_positive(nodes, [iv.mpf([1, 2])] * 8, 0, -1e-9) == (False, 0)
    assert second_order_positive(nodes, [iv.mpf([1, 2])] * 8, -1e-9, 1) == (False, 0)


def test_slopes_at_the_tie_are_equal_where_every_task_is_at_its_optimum():
    """At delta = 0 the three minima attain the lower bound (``F_i(W) = W*_i``
    exactly), so ``D'(0) = 0`` exactly; the enclosures of ``h_p`` at the three
    points must then share a value."""
    fam = Family(figure("fig3b"), "delta")
    L = certify(fam.taskset_at(F(0)))
    mins = [k for k, pt in enumerate(L.points) if pt.is_local_min]
    assert set(global_index(L)) == set(mins)
    s = SwitchSearch(fam, lambda p: None, lambda: None, mins)
    g = mins[1]
    with flint.ctx.workprec(128):
        for j in (mins[0], mins[2]):
            assert s.end_slope_gap(L, F(0), j, g) == 0
            slopes = [s.value_slope().on_box(arb_between(L.points[k].W.lo, L.points[k].W.hi),
                                             F(0), F(0)) for k in (j, g)]
            assert slopes[0].overlaps(slopes[1]), slopes
    # at delta = 1/100 nothing ties: the gap comes from the enclosures, not 0
    L1 = certify(fam.taskset_at(F(1, 100)))
    gap = s.end_slope_gap(L1, F(1, 100), mins[0], global_index(L1)[0])
    assert gap != 0 and gap.a > 0


def test_a_tie_not_separated_stays_undecided_and_says_why(monkeypatch):
    """Without refinements the second-order bound does not close next to
    delta = 0: the segment there is undecided, with the tie as its reason, and
    the same search with them proves it."""
    import symlqr.atlas.switches as sw
    fam = Family(figure("fig3b"), "delta")
    run = lambda p: certify(fam.taskset_at(p))
    v = F(1, 100)
    Lv = run(v)
    mins = [k for k, pt in enumerate(Lv.points) if pt.is_local_min]
    monkeypatch.setattr(sw, "SECOND_ROUNDS", 0)
    s = SwitchSearch(fam, run, lambda: None, mins, depth=1, ends=(F(0),))
    segs = s.resolve(F(0), v, None, Lv)
    bad = [(u, w) for st, u, w, _L, _x in segs if st != "ok"]
    assert bad and bad[0][0] == 0 and s.why[bad[0]] == sw.WHY_TIED
    monkeypatch.setattr(sw, "SECOND_ROUNDS", 24)
    s = SwitchSearch(fam, run, lambda: None, mins, depth=1, ends=(F(0),))
    assert [st for st, *_ in s.resolve(F(0), v, None, Lv)] == ["ok"]
    assert 0 not in s.certified_at             # the end is certified, not listed as inside
