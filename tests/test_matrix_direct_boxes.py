"""The Taylor-model box tests for several tasks (symlqr/matrix/direct_boxes.py)
and the look-ahead on halves (symlqr/matrix/look_ahead.py), against independent
computations: multistart ``scipy.optimize.root`` on the float direction (no zero
in an excluded box; the point found is scipy's), float ``h`` at samples (no
domain point below the level in a box excluded by the level), and the exact
scalar engine on 1 x 1 gains with the whole path of ``r d >= 3`` forced."""
from fractions import Fraction

import numpy as np
import pytest

from symlqr.matrix.direct_boxes import DIRECT_ABOVE, DIRECT_GRAD, DIRECT_NONE, IN_UNIQUE, BoxRule
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
    seen = {"none": 0, "one": 0, "open": 0, "inner": 0, "around": 0}
    for k in range(24):
        width = 0.004 * 2.0 ** rng.integers(0, 6)
        centre = zeros[k % len(zeros)] + rng.normal(size=d) * (0.001 * width if k < 4 else 0.3)
        lo, hi = centre - width / 2, centre + width / 2
        verdict, what = rule.test(lo, hi)
        seen[verdict] += 1
        if verdict == "none":
            assert what in (DIRECT_GRAD, DIRECT_NONE, DIRECT_ABOVE, IN_UNIQUE) or \
                what.endswith("over the box)")          # adapted_boxes: F_i(X) outside
            assert _roots_in(ts, lo, hi, method, rng) == []
            if what.startswith("outside the domain"):
                for x in rng.uniform(lo, hi, size=(20, d)):
                    assert not in_domain(x.reshape(1, d), ts)
            if what == DIRECT_ABOVE or what.startswith("h > L"):
                for x in rng.uniform(lo, hi, size=(20, d)):
                    if in_domain(x.reshape(1, d), ts):
                        assert maml_value(x.reshape(1, d), ts) > float(level)
        elif verdict == "around":  # no zero where the box meets a known zero's unique box
            U = np.array(what.unique_box)
            assert _roots_in(ts, np.maximum(lo, U[:, 0]), np.minimum(hi, U[:, 1]), method, rng) == []
        elif verdict in ("one", "inner"):
            W = np.array(what.W, dtype=float).reshape(-1)
            assert np.all(W > lo) and np.all(W < hi)
            if verdict == "inner":   # the claim is about the box within the unique box
                U = np.array(what.unique_box)
                lo, hi = np.maximum(lo, U[:, 0]), np.minimum(hi, U[:, 1])
            for x in _roots_in(ts, lo, hi, method, rng):
                assert np.allclose(x, W, atol=1e-7)
    assert seen["none"] > 0 and seen["one"] + seen["inner"] > 0


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


def test_a_zero_next_to_the_cut_is_certified_with_a_unique_box_and_the_sibling_cut_out():
    """The 3 x 1 chain with two tasks, scipy's zero ``z`` of ``grad h``: on the box
    ``z +- 0.2`` (too wide for first-order Krawczyk) ``BoxRule.direct`` certifies
    the zero and proves a box ``U`` around it, inside the box, in which it is the
    only zero (``"inner"``); on the box just
    beside it, whose face passes ``1e-7`` from ``z``, the part inside ``U`` is
    excluded (``"around"``, or ``"none"`` when it lies in ``U``), and scipy finds
    no zero there; a box around ``z`` tested later gets the kept verdict."""
    from symlqr.matrix.lqr import optimal_gain
    A = [["1/2", "1/10", 0], [0, "1/2", "1/10"], [0, 0, "1/2"]]
    tasks = [MatrixTask(A, [[0], [0], [1]], (k * np.eye(3, dtype=int)).tolist(), [[1]])
             for k in (1, 2)]
    ts = MatrixTaskSet(tasks, "1/100")
    star = optimal_gain(*[np.array(getattr(tasks[0], k), dtype=float) for k in "ABQR"])
    rng = np.random.default_rng(3)
    z = _roots_in(ts, star.reshape(-1) - 0.05, star.reshape(-1) + 0.05, "maml", rng, 4)[0]
    rule = BoxRule.for_taskset(ts)
    w = np.array([0.2, 0.2, 0.2])
    verdict, cert = rule.direct(z - w, z + w)
    assert verdict == "inner" and cert.type == "min" and rule.zeros == [cert]
    assert rule.test(z - w, z + w) == ("inner", cert)                 # kept
    W = np.array(cert.W, dtype=float).reshape(-1)
    U = np.array(cert.unique_box)
    assert np.allclose(W, z, atol=1e-9) and np.all(U[:, 0] < z) and np.all(z < U[:, 1])
    assert np.all(U[:, 1] - U[:, 0] > 1e-3)                           # not a tiny box
    lo, hi = z - w, z + w
    lo[0] = z[0] + 1e-7
    hi[0] = z[0] + 2 * w[0]
    verdict, what = rule.test(lo, hi)
    assert verdict in ("around", "none")
    if verdict == "none":
        assert what == IN_UNIQUE
    else:
        assert what is cert
    assert _roots_in(ts, np.maximum(lo, U[:, 0]), np.minimum(hi, U[:, 1]), "maml", rng, 8) == []
    assert rule.test(z - w / 4, z + w / 4) == ("one", cert)          # inside U


def test_boeing_family_complete_on_a_box_around_a_minimum():
    """The Boeing 747 family (``r d = 8``, ten tasks): no symbolic iterates, only
    the conditions on ``W``; on ``W +- 1e-4`` around scipy's BFGS minimum the
    branch-and-bound is complete with one point, a minimum at BFGS's point with
    BFGS's ``h`` (its unique box, proven in second-order models, holds the whole
    box or all but pieces excluded); a float scan of ``|grad h|`` finds no other
    near-zero."""
    from pathlib import Path

    from scipy.optimize import minimize

    from symlqr.matrix.landscape import complete_landscape
    from symlqr.matrix.lqr import optimal_gain
    from symlqr.matrix.objective import maml_point
    from symlqr.matrix.tasks import load_matrix_tasks_file
    d = load_matrix_tasks_file(str(Path(__file__).parent.parent / "examples" / "boeing747_10tasks.json"))
    ts = MatrixTaskSet(d["tasks"], d["eta"], d["weights"])
    A, B, Q, R = (np.array(x, dtype=float) for x in ts.float_tasks()[0][:4])

    def value(w):
        p = maml_point(w.reshape(ts.shape), ts)
        return 1e12 if p is None else p.h

    def grad(w):
        return np.asarray(maml_point(w.reshape(ts.shape), ts).grad, dtype=float).reshape(-1)
    got = minimize(value, optimal_gain(A, B, Q, R).reshape(-1), jac=grad, method="BFGS",
                   options={"gtol": 1e-10})
    W = got.x
    res = complete_landscape(ts, box=[(float(w) - 1e-4, float(w) + 1e-4) for w in W])
    assert res.complete and [p.type for p in res.points] == ["min"]
    assert np.allclose(np.array(res.points[0].W, dtype=float).reshape(-1), W, atol=1e-6)
    h = [float(x) for x in res.points[0].h]
    assert h[0] - 1e-9 <= got.fun <= h[1] + 1e-9
    rng = np.random.default_rng(0)
    for V in W + rng.uniform(-1e-4, 1e-4, size=(100, 8)):
        if np.linalg.norm(V - W) > 1e-6:
            assert np.linalg.norm(grad(V)) > 1e-8
