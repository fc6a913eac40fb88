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
