"""Labels decided down to eta = 0 (symlqr.atlas.charts), against float scans.

The piece next to eta = 0 must carry global/spurious labels, and they must be
those a dense float scan of h sees at step sizes down to 1e-7, where the
near-wall minima sit within ~1e-3 of a wall (the scan adds points spaced
geometrically towards each wall).
"""
from fractions import Fraction

import numpy as np
import pytest

from symlqr.atlas import atlas
from symlqr.atlas.charts import Chart, ChartProof, wall_points
from symlqr.atlas.family import Family
from symlqr.atlas.switches import global_index
from symlqr.scalar.landscape import certify
from symlqr.scalar.numeric import maml_objective_float
from symlqr.tasks import Task, TaskSet, figure


def _float_minima(ts: TaskSet, walls: list) -> list:
    """``(W, h)`` of the local minima of h on a grid refined towards the walls."""
    W = [np.linspace(min(walls) - 2, max(walls) + 2, 400_001)]
    for w0 in walls:
        d = np.logspace(-9, -1, 4001)
        W += [w0 + d, w0 - d]
    W = np.unique(np.concatenate(W))
    W = W[np.concatenate(([True], np.diff(W) > 1e-14))]     # no float twins (noise minima)
    h = maml_objective_float(W, ts)
    ok = np.isfinite(h)
    i = np.where(ok[1:-1] & ok[:-2] & ok[2:] & (h[1:-1] < h[:-2]) & (h[1:-1] <= h[2:]))[0] + 1
    return [(W[k], h[k]) for k in i]


def _check_first_piece(ts: TaskSet, at, etas) -> None:
    pc = at.pieces[0]
    assert pc.decided and not pc.parts, pc.switch_note
    labels = [lab for lab in pc.labels() if lab.endswith("min")]
    walls = [float(w) for w in wall_points(at.family)]
    for eta in etas:
        assert eta < (pc.hi.lo if pc.hi is not None else at.hi)
        mins = _float_minima(at.family.taskset_at(eta), walls)
        assert len(mins) == len(labels), (eta, mins)
        hs = [h for _w, h in mins]
        best = int(np.argmin(hs))
        gap = sorted(hs)[1] - hs[best]
        assert gap > 1e-6, (eta, hs)              # the float scan can tell them apart
        assert labels[best] == "global min", (eta, labels, hs)


def test_chart_proof_on_fig3b_agrees_with_float_scans_down_to_1e_7():
    """The proof in the charts alone: from the landscape certified at eta = 1/100,
    the first minimum (next to the wall 0) is the global one on (0, 1/100]."""
    fam = Family(figure("fig3b"), "eta")
    run = lambda p: certify(fam.taskset_at(p), digits=10)
    L = run(Fraction(1, 100))
    g = global_index(L)[0]
    assert ChartProof(fam, run, lambda: None)(Fraction(0), Fraction(1, 10), None, L, g)
    mins = [k for k, p in enumerate(L.points) if p.is_local_min]
    for eta in (Fraction(1, 10**7), Fraction(1, 10**5), Fraction(1, 1000)):
        hs = [h for _w, h in _float_minima(fam.taskset_at(eta), [0.0, 2.0])]
        assert len(hs) == len(mins)
        assert mins[int(np.argmin(hs))] == g


@pytest.mark.slow
def test_fig3b_piece_next_to_zero_is_labelled_as_float_scans_see_it():
    ts = figure("fig3b")
    at = atlas(ts, "eta", 0, Fraction(1, 20))
    assert at.certified
    etas = [Fraction(1, 10**7), Fraction(1, 10**5), Fraction(1, 1000), Fraction(1, 100),
            Fraction(1, 25)]
    _check_first_piece(ts, at, etas)


@pytest.mark.slow
def test_issue12_family_switch_next_to_zero_is_labelled_on_both_sides():
    tasks = [Task(*map(Fraction, ("-1.3", "-1.63", "7.9", "6.2", "2.036"))),
             Task(*map(Fraction, ("-1.2", "-1.5", "1", "2", "1")))]
    ts = TaskSet(tasks, 1)
    at = atlas(ts, "eta", 0, Fraction(1, 100))
    assert at.certified
    assert at.critical_values[0].kind == "switch"
    sw = float(at.critical_values[0].lo)
    _check_first_piece(ts, at, [Fraction(1, 10**6), Fraction(1, 10**4), Fraction(sw / 2)])


def test_wall_chart_is_regular_at_zero_and_agrees_with_h():
    """H(s, e) = h(w0 + e s, e^2) in the wall chart: its value slope is finite
    on a box reaching e = 0, and H matches the float h at a point with e > 0."""
    fam = Family(figure("fig3b"), "eta")
    ch = Chart(fam, Fraction(0))
    import flint
    Y = flint.arb(flint.fmpq(23, 20), flint.fmpq(1, 100))
    D = ch.value_slope().on_box(Y, Fraction(0), Fraction(1, 100))
    assert D is not None and D.is_finite()
    # the chart's numerator of h' vanishes at the near-wall minimum's chart coordinate
    e = 1e-3
    mins = _float_minima(fam.taskset_at(Fraction(1, 10**6)), [0.0, 2.0])
    s = mins[0][0] / e
    f = ch.shifter(fam.n_factors.index(max(fam.n_factors, key=lambda x: x[0].degrees())))
    g = f.shift(Fraction(0), Fraction(0))
    lo, hi = (g.value(flint.arb(s * (1 + d)), flint.arb(e)) for d in (-3e-2, 3e-2))
    assert (lo < 0 < hi) or (hi < 0 < lo)


def test_no_chart_search_next_to_a_fold(monkeypatch):
    """Each piece's search knows its ends that are folds (critical values neither
    at eta = 0 nor exact), and no chart search runs on a segment that ends closer
    to one than the finest trap step, (v - u) / NEAR_FOLD; the atlas stays certified."""
    from symlqr.atlas import switches
    seen, charted = [], []
    at_fold = switches.SwitchSearch.at_fold

    def recorded(self, u, v, Lu, Lv):
        got = at_fold(self, u, v, Lu, Lv)
        seen.append((self.folds, u, v, got))
        return got
    monkeypatch.setattr(switches.SwitchSearch, "at_fold", recorded)
    in_charts = switches.SwitchSearch._in_charts

    def charts(self, u, v, Lu, Lv, g):
        charted.append((self.folds, u, v))
        return in_charts(self, u, v, Lu, Lv, g)
    monkeypatch.setattr(switches.SwitchSearch, "_in_charts", charts)
    at = atlas(figure("fig3b"), "eta", 0, Fraction(3, 10))
    assert at.certified
    ends = {x for cv in at.critical_values
            if not (cv.value is not None and cv.value.is_rational and cv.lo == cv.hi)
            for x in (cv.lo, cv.hi)}
    assert seen and any(f for f, *_ in seen)
    assert all(set(f) <= ends for f, *_ in seen)
    for folds, u, v in charted:
        assert all(min(abs(u - f), abs(v - f)) * switches.NEAR_FOLD > v - u for f in folds)
    near = switches.SwitchSearch(None, None, None, [], ends=(), folds=(Fraction(1),))
    assert near.at_fold(Fraction(0), Fraction(255, 256), "L", "L")
    assert not near.at_fold(Fraction(0), Fraction(63, 64), "L", "L")


def test_no_search_in_w_eta_beside_a_fold(monkeypatch):
    """A segment with both ends certified that ends within its finest trap step
    of a fold beyond it is not searched in (W, eta): it is untrapped at once
    (then the values, the far bounds and the cuts as after a failed search);
    a segment farther from the fold is searched."""
    from types import SimpleNamespace as NS
    from symlqr.atlas import switches
    calls, values = [], []

    def separated(self, u, v, Lu, Lv, g):
        calls.append((u, v))
        return True, None

    def by_values(*args):
        values.append(args[1:3])
        return False
    monkeypatch.setattr(switches.SwitchSearch, "separated", separated)
    monkeypatch.setattr(switches, "separated_by_values", by_values)
    L = NS(points=[NS(is_local_min=True, is_global=True), NS(is_local_min=True, is_global=False)])
    s = switches.SwitchSearch(None, None, lambda: None, [0, 1], degenerate=Fraction(0),
                              folds=(Fraction(2),), depth=0)
    u, near, far = Fraction(1, 2), Fraction(255, 128), Fraction(254, 128)
    got = s.resolve(u, near, L, L)
    assert calls == [] and values == [(u, near)] and s.untrapped
    assert got[0][0] == "undecided" and s.why[(u, near)] == switches.WHY_UNTRAPPED
    assert s.resolve(u, far, L, L)[0][0] == "ok" and calls == [(u, far)]
    assert s.resolve(u, Fraction(2), L, None)[0][0] == "ok" and calls[-1] == (u, Fraction(2))
