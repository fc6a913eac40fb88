"""Slow checks of the interval engine (issue 11): 1,000 tasks against a dense
float scan, more random agreement with the exact engine, and a tangency closer
than 256 bits can separate, which must end undecided, never guessed."""
import random
from fractions import Fraction as Fr

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from symlqr.scalar.boxlandscape import certify_interval
from symlqr.scalar.landscape import certify
from symlqr.scalar.numeric import maml_objective_float
from symlqr.tasks import Task, TaskSet

from test_scale import _agree, _near_tangent_eta, _random_taskset

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("kind", ["scaled", "hetero"])
def test_1000_tasks_agree_with_a_dense_float_scan(kind):
    rng = random.Random(11)
    if kind == "scaled":
        ts = TaskSet([Task(1, 1, s, s) for s in (Fr(rng.randint(10, 300), 100)
                                                  for _ in range(1000))], Fr(1, 100))
    else:
        ts = _random_taskset(rng, 1000)
    ls = certify_interval(ts)
    assert ls.certified
    for di in ls.domain:
        W = np.linspace(float(di.lo), float(di.hi), 40_001)[1:-1]
        h = maml_objective_float(W, ts)
        d = np.sign(np.diff(h))
        turns = np.nonzero(d[1:] != d[:-1])[0] + 1
        pts = [p for p in ls.points if float(di.lo) < float(p.W) < float(di.hi)]
        assert ["min" if d[j] > 0 else "max" for j in turns] == [p.kind.value for p in pts]


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10 ** 6), st.integers(1, 6), st.booleans())
def test_engines_agree_on_many_random_task_sets(seed, n, hetero):
    ts = _random_taskset(random.Random(seed), n, hetero)
    e = certify(ts)
    if e.domain:
        _agree(e, certify_interval(ts))


def test_tangency_far_below_float_precision_is_undecided_or_exactly_right():
    """eta within 2^-100 of the birth of a min/max pair: the two roots are about
    2^-50 apart, inside a cluster where h' is below float noise."""
    t, lo, hi = _near_tangent_eta(100)
    for eta in (lo, hi):
        ts = TaskSet([t], eta)
        i = certify_interval(ts)
        if i.certified:
            assert i.counts() == certify(ts).counts()
        else:
            assert all("precision" in u or "time" in u for u in i.undecided)
            assert all(p.is_global is not True for p in i.minima())
            assert i.epsilon is None or i.min_value is None or i.epsilon.hi >= 0
