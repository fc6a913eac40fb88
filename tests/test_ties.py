"""Ties between mirror-image minima (issue 18): when the tasks come in pairs
``(A, B, Q, R)``, ``(-A, B, Q, R)`` with equal weights, ``h(W) = h(-W)`` and
the two mirror minima are proven global; breaking the symmetry separates them.
Checked against float evaluations of ``h`` from the closed forms."""
from fractions import Fraction as F

import pytest

from symlqr.scalar.engines import certify_landscape
from symlqr.tasks import Task, TaskSet

PAIRS = [Task(F(2, 5), F(1, 2), F(1, 10), F(1, 100)), Task(F(-2, 5), F(1, 2), F(1, 10), F(1, 100)),
         Task(F(2, 5), 1, 10, F(1, 100)), Task(F(-2, 5), 1, 10, F(1, 100))]


def h_float(tasks, weights, eta, W):
    """``sum_i w_i C_i(W - eta C_i'(W))`` from the scalar closed form, in floats."""
    def C(t, w):
        a = float(t.A) - float(t.B) * w
        return (float(t.Q) + float(t.R) * w * w) * float(t.s0) ** 2 / (1 - a * a)

    total = 0.0
    for t, wt in zip(tasks, weights):
        d = 1e-6
        grad = (C(t, W + d) - C(t, W - d)) / (2 * d)
        total += float(wt) * C(t, W - float(eta) * grad)
    return total


@pytest.mark.parametrize("weights", [None, [1, 1, 3, 3]])
def test_mirror_pairs_tie_is_proven(weights):
    ts = TaskSet(PAIRS, eta=F(1, 100), weights=weights)
    ls = certify_landscape(ts, engine="exact")
    mins = ls.minima()
    assert ls.certified and len(mins) == 2
    assert all(p.is_global for p in mins)
    a, b = (float(p.W) for p in mins)
    assert a == pytest.approx(-b)
    assert h_float(ts.tasks, ts.weights, ts.eta, a) == pytest.approx(
        h_float(ts.tasks, ts.weights, ts.eta, b), rel=1e-9)


def test_broken_symmetry_is_separated_not_tied():
    ts = TaskSet(PAIRS, eta=F(1, 100), weights=[1, 2, 1, 2])
    ls = certify_landscape(ts, engine="exact")
    mins = ls.minima()
    assert ls.certified
    assert [p.is_global for p in mins].count(True) == 1
    vals = [h_float(ts.tasks, ts.weights, ts.eta, float(p.W)) for p in mins]
    best = min(range(len(mins)), key=vals.__getitem__)
    assert mins[best].is_global


def test_interval_engine_proves_the_mirror_tie_and_agrees_with_the_exact_engine():
    ts = TaskSet(PAIRS, eta=F(1, 100), weights=[1, 1, 3, 3])
    box = certify_landscape(ts, engine="interval")
    exact = certify_landscape(ts, engine="exact")
    assert box.certified and [p.is_global for p in box.minima()] == [True, True]
    for p, q in zip(box.minima(), exact.minima()):
        assert p.W.lo <= q.W.hi and q.W.lo <= p.W.hi


def test_fourteen_mirror_tasks_through_auto_use_the_interval_engine_and_tie():
    tasks = PAIRS + [Task(s * F(2, 5), 1, 10 + k, F(1, 100)) for k in range(1, 6) for s in (1, -1)]
    ts = TaskSet(tasks, eta=F(1, 100))
    ls = certify_landscape(ts)                     # auto: more than 12 distinct tasks
    assert ls.to_dict().get("engine") == "interval" and ls.certified
    mins = ls.minima()
    assert len(mins) == 2 and all(p.is_global for p in mins)
    assert h_float(tasks, ts.weights, ts.eta, float(mins[0].W)) == pytest.approx(
        h_float(tasks, ts.weights, ts.eta, float(mins[-1].W)), rel=1e-9)


def test_no_mirror_tie_when_another_box_meets_the_mirror_image():
    from symlqr.scalar.boxvalues import _mirror_tie, mirror_symmetric

    class P:
        def __init__(self, lo, hi):
            self.W = type("B", (), {"lo": F(lo), "hi": F(hi)})()
    a, b, c = P(1, 2), P(-2, -1), P(-3, F(-3, 2))
    assert _mirror_tie(a, b, [a, b], []) and not _mirror_tie(a, b, [a, b, c], [])
    assert not _mirror_tie(a, b, [a, b], [(F(-5, 4), F(-1, 2))])       # an open box meets it
    assert not mirror_symmetric(PAIRS[:3], [1, 1, 1])
