"""The Taylor-model box tests for several tasks (symlqr/matrix/direct_boxes.py)
and the look-ahead on halves (symlqr/matrix/look_ahead.py), against independent
computations: multistart ``scipy.optimize.root`` on the float direction (no zero
in an excluded box; the point found is scipy's), float ``h`` at samples (no
domain point below the level in a box excluded by the level), and the exact
scalar engine on 1 x 1 gains with the whole path of ``r d >= 3`` forced."""
from fractions import Fraction

import numpy as np
import pytest

from symlqr.matrix.direct_boxes import DIRECT_ABOVE, DIRECT_GRAD, DIRECT_NONE, BoxRule
from symlqr.matrix.objective import in_domain, maml_value
from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet

from test_matrix_chain_boxes import _roots_in, _task


@pytest.mark.parametrize("seed,d,method", [(0, 2, "maml"), (1, 2, "fomaml"), (2, 3, "maml"),
                                          (4, 2, "reptile")])
def test_verdicts_of_two_tasks_against_scipy(seed, d, method):
    rng = np.random.default_rng(seed)
    base = _task(rng, d)
    other = MatrixTask(base.A, base.B, (3 * np.eye(d, dtype=int)).tolist(), [[1]])
    ts = MatrixTaskSet([base, other], Fraction(1, 50))
    zeros = [z for _ in range(4) for z in _roots_in(ts, np.full(d, -1.0), np.full(d, 1.5), method, rng, 6)]
    assert zeros
    level = Fraction(maml_value(zeros[0].reshape(1, d), ts) * 1.5).limit_denominator(1000)
    rule = BoxRule.for_taskset(ts, method, 1, level)
    seen = {"none": 0, "one": 0, "open": 0}
    for k in range(24):
        width = 0.004 * 2.0 ** rng.integers(0, 6)
        centre = zeros[k % len(zeros)] + rng.normal(size=d) * (0.001 * width if k < 4 else 0.3)
        lo, hi = centre - width / 2, centre + width / 2
        verdict, what = rule.test(lo, hi)
        seen[verdict] += 1
        if verdict == "none":
            assert what in (DIRECT_GRAD, DIRECT_NONE, DIRECT_ABOVE) or \
                what.endswith("over the box)")          # adapted_boxes: F_i(X) outside
            assert _roots_in(ts, lo, hi, method, rng) == []
            if what.startswith("outside the domain"):
                for x in rng.uniform(lo, hi, size=(20, d)):
                    assert not in_domain(x.reshape(1, d), ts)
            if what == DIRECT_ABOVE or what.startswith("h > L"):
                for x in rng.uniform(lo, hi, size=(20, d)):
                    if in_domain(x.reshape(1, d), ts):
                        assert maml_value(x.reshape(1, d), ts) > float(level)
        elif verdict == "one":
            W = np.array(what.W, dtype=float).reshape(-1)
            assert np.all(W > lo) and np.all(W < hi)
            for x in _roots_in(ts, lo, hi, method, rng):
                assert np.allclose(x, W, atol=1e-7)
    assert seen["none"] > 0 and seen["one"] > 0


@pytest.mark.parametrize("tasks,eta", [([(1, 1, 2, 2), (1, 1, "1/10", "1/10")], "1/100"),
                                       ([("9/10", 1, 1, 3), ("11/10", "1/2", 2, 1)], "1/10")])
def test_lazy_path_of_several_tasks_gives_the_exact_scalar_answer(monkeypatch, tasks, eta):
    """Two tasks, the path of ``r d >= 3`` (numerators never made, boxes decided
    by the Taylor-model tests and the look-ahead) forced on a 1 x 1 gain: the
    exact scalar engine's points and types in ``{h <= L}`` (default level). (Over
    the whole domain, without a level, boxes next to the domain's boundary stay
    undecided at the finest width: no numerator is made for several tasks.)"""
    import symlqr.matrix.landscape as ls
    import symlqr.matrix.subdivision as sd
    from symlqr.matrix.landscape import complete_landscape
    from symlqr.scalar.landscape import certify
    from symlqr.tasks import Task, TaskSet
    monkeypatch.setattr(sd, "LARGE", 8)
    monkeypatch.setattr(ls, "LATER_AT", 1)
    made = []
    monkeypatch.setattr(ls, "_numerators", lambda *a: made.append(1) or [])
    parts = []
    import symlqr.matrix.look_ahead as la
    monkeypatch.setattr(la.LookAhead, "test", lambda self, *a, _t=la.LookAhead.test:
                        (lambda v: (parts.extend(v), v)[1])(_t(self, *a)))
    ts = MatrixTaskSet([MatrixTask.from_scalar(*t) for t in tasks], eta)
    res = complete_landscape(ts)
    assert res.complete, res.outcome.undecided[:3]
    assert not made and parts                 # no numerator; boxes decided ahead
    exact = [p for p in certify(TaskSet([Task(*t) for t in tasks], eta=eta)).points
             if float(p.h) <= float(res.level)]
    assert exact
    assert [p.type for p in res.points] == [p.kind.name.lower() for p in exact]
    assert np.allclose([p.W[0][0] for p in res.points], [float(p.W) for p in exact], atol=1e-9)


def test_second_order_tests_of_two_tasks_decide_boxes_left_open():
    """``BoxRule.second_order`` on the 3 x 1 chain with two tasks (``Q = I``,
    ``2 I``): boxes around scipy's zeros of ``grad h`` are never excluded, and
    of random boxes that the first-order tests leave open (``W`` proven
    stabilizing), some are excluded, each with no zero scipy finds in it."""
    from symlqr.matrix.lqr import optimal_gain
    A = [["1/2", "1/10", 0], [0, "1/2", "1/10"], [0, 0, "1/2"]]
    tasks = [MatrixTask(A, [[0], [0], [1]], (k * np.eye(3, dtype=int)).tolist(), [[1]])
             for k in (1, 2)]
    ts = MatrixTaskSet(tasks, "1/100")
    rule = BoxRule.for_taskset(ts)
    rng = np.random.default_rng(1)
    star = optimal_gain(*[np.array(getattr(tasks[0], k), dtype=float) for k in "ABQR"])
    zeros = _roots_in(ts, star.reshape(-1) - 0.05, star.reshape(-1) + 0.05, "maml", rng, 4)
    assert zeros
    for z in zeros[:1]:
        for width in (1e-3, 1e-2, 5e-2):
            off = (rng.random(3) - 0.5) * width * 0.8
            assert rule.second_order(z + off - width / 2, z + off + width / 2)[0] == "open"
    decided = 0
    for _ in range(60):
        w = np.array([0.6, 0.6, 0.12]) * 2.0 ** -rng.integers(0, 5)
        c = star.reshape(-1) + rng.normal(size=3) * [0.5, 0.5, 0.1]
        lo, hi = c - w / 2, c + w / 2
        first = rule.direct(lo, hi)
        if first[0] != "open" or first[1] == "W not proven stabilizing on the box":
            continue
        verdict, what = rule.second_order(lo, hi)
        if verdict == "none":
            assert what == DIRECT_GRAD
            assert _roots_in(ts, lo, hi, "maml", rng, 4) == []
            decided += 1
    assert decided >= 3, decided
