"""Stationary points closer than a double's spacing (issue 18): the interval
engine ends certified or undecided, never in a crash, and agrees with the
exact engine (exact real-root isolation, an independent method)."""
from fractions import Fraction as F

import pytest

from symlqr.scalar.boxes import arb_ball, arb_fractions
from symlqr.scalar.engines import certify_landscape
from symlqr.tasks import Task, TaskSet

# a min/max pair 7.4e-17 apart (the exact engine's positions)
TWO = TaskSet([Task(1, 1, 2, 2), Task(1, 1, F(1, 10), F(1, 10))],
              eta=F("0.0435802420097411990296630450810"))
# 13 scaled copies of (1, 1, 2, 2) within 1e-31 of the fold where two of five
# stationary points merge (found by bisection on eta with the exact engine)
THIRTEEN = TaskSet([Task(1, 1, F(2, k), F(2, k)) for k in range(1, 14)],
                   eta=F(781977500437488525811137654531, 5 * 10 ** 31))


def _check_against_exact(ts, engine):
    exact = certify_landscape(ts, engine="exact")
    other = certify_landscape(ts, engine=engine)
    if not other.certified:          # undecided is allowed, with a reason
        assert other.undecided
        return
    assert other.counts() == exact.counts()
    for p, q in zip(other.points, exact.points):
        assert p.kind == q.kind
        assert p.W.lo <= q.W.hi and q.W.lo <= p.W.hi       # the boxes meet
        assert p.h.lo <= q.h.hi and q.h.lo <= p.h.hi


def test_two_tasks_close_pair_interval_engine():
    exact = certify_landscape(TWO, engine="exact")
    w = [p.W for p in exact.points]
    assert abs(float(w[1].lo) - float(w[0].hi)) < 1e-15     # the case is what it claims
    _check_against_exact(TWO, "interval")


@pytest.mark.slow
def test_thirteen_tasks_near_fold_auto_engine():
    _check_against_exact(THIRTEEN, "auto")


def test_arb_ball_is_not_wider_than_the_box_at_low_context_precision():
    lo = F(2, 5)
    hi = lo + F(1, 10 ** 18)
    a, b = arb_fractions(arb_ball(lo, hi))
    assert a <= lo and hi <= b
    assert (b - a) < 2 * (hi - lo)


def test_arb_fractions_rejects_infinite_ball_cleanly():
    import flint
    with pytest.raises(ArithmeticError):
        arb_fractions(flint.arb(1) / flint.arb(0))


def test_an_enclosure_that_blows_up_is_handed_to_the_exact_engine(monkeypatch):
    import symlqr.scalar.engines as engines

    def boom(*a, **k):
        raise ArithmeticError("an arb enclosure is not finite")
    monkeypatch.setattr(engines, "certify_interval", boom)
    ls = engines.certify_landscape(TWO, engine="interval")
    assert ls.certified and ls.counts()["stationary"] == 5
