"""Kinks of normalized adaptation (issue 12): at ``W*_i`` the step
``C_i'(W)/|C_i'(W)|`` is 0/0, so ``h`` is undefined there. Each kink is
reported with its one-sided limits and whether descent runs into it from each
side; minima are counted only where ``h`` is defined. Checked against
independent float computations: closed-loop rollouts, dense scans of ``h'``,
and gradient descent with a constant step (Algorithm 1's outer loop)."""
import json

import numpy as np
import pytest

from symlqr.scalar import lqr
from symlqr.scalar.landscape import certify
from symlqr.scalar.numeric import gradient_float, maml_objective_float
from symlqr.tasks import Task, TaskSet, figure

#: The kink W = 1/2 (task 1's W*) is also the domain's left end (W = 1/2 is
#: unstable for task 2), and h rises to the right of it: descent stalls there.
STALL = TaskSet([Task(1, 1, 1, 2), Task("3/2", 1, 1, 100)], "0.4", [1, 10])
CASES = [(figure("fig3c"), "fig3c"), (figure("fig2"), "fig2"), (figure("fig3b"), "fig3b"),
         (STALL, "stall")]


@pytest.fixture(scope="module")
def landscapes():
    return {name: (ts, certify(ts, "normalized", digits=20)) for ts, name in CASES}


def rollout_h(W: float, ts: TaskSet) -> float:
    """``h(W)`` from closed-loop rollouts, with the normalized step ``sign C_i'(W)``
    of the float gradient (never evaluated at a kink)."""
    total = 0.0
    for t, w in zip(ts.tasks, ts.weights):
        A, B, Q, R = (float(v) for v in (t.A, t.B, t.Q, t.R))
        if abs(A - B * W) >= 1:
            return float("inf")
        g = float(gradient_float(W, t, t.s0_adapt))
        assert g != 0
        total += float(w) * lqr.rollout_cost(W - float(ts.eta) * np.sign(g), A, B, Q, R,
                                             float(t.s0), tol=1e-17)
    return total


def slope(W, ts: TaskSet, e: float = 1e-9):
    """Central difference of float ``h`` (normalized adaptation; nan outside the domain)."""
    with np.errstate(invalid="ignore"):
        return (maml_objective_float(W + e, ts, "normalized")
                - maml_objective_float(W - e, ts, "normalized")) / (2 * e)


def room(ls, k) -> float:
    """Distance from the kink to the nearest other point, kink or domain end."""
    xs = [float(p.W) for p in ls.points] + [float(j.W) for j in ls.kinks if j is not k]
    xs += [float(e) for d in ls.domain for e in (d.lo, d.hi) if e is not None]
    x = float(k.W)
    return min([abs(y - x) for y in xs if abs(y - x) > 1e-12] + [0.05])


@pytest.mark.parametrize("name", [n for _, n in CASES])
def test_rollouts_beside_each_kink_converge_to_its_one_sided_limits(landscapes, name):
    ts, ls = landscapes[name]
    assert ls.kinks
    for k in ls.kinks:
        x = float(k.W)
        for side, lim, sgn in ((k.left, k.left_limit, -1), (k.right, k.right_limit, 1)):
            if side is None:
                continue
            gaps = [abs(rollout_h(x + sgn * d, ts) - float(lim)) for d in (1e-3, 1e-5, 1e-7)]
            assert gaps[2] < 1e-5 * float(lim) and gaps[2] < gaps[0]


@pytest.mark.parametrize("name", [n for _, n in CASES])
def test_dense_scan_of_h_prime_beside_each_kink_matches_the_descent_flags(landscapes, name):
    """``h' < 0`` at every scan point just left of a kink exactly when descent
    from the left runs in; ``h' > 0`` just right exactly when descent from the right does."""
    ts, ls = landscapes[name]
    for k in ls.kinks:
        x, r = float(k.W), room(ls, k)
        near = np.linspace(1e-6, 0.2 * r, 400)
        if k.left is not None:
            s = np.sign(slope(x - near, ts))
            assert np.all(s == (-1 if k.descent_from_left else 1))
        else:
            assert k.descent_from_left is False
        if k.right is not None:
            s = np.sign(slope(x + near, ts))
            assert np.all(s == (1 if k.descent_from_right else -1))
        else:
            assert k.descent_from_right is False


def test_descent_never_runs_in_from_both_sides_of_a_kink(landscapes):
    """``h'`` jumps down across ``W*_i`` (``F_i' = 1`` on both sides), so a kink
    stalls descent only where the domain ends."""
    for ts, ls in landscapes.values():
        for k in ls.kinks:
            assert not (k.descent_from_left and k.descent_from_right)
            assert k.stalls == ((k.descent_from_left and k.right is None)
                                or (k.descent_from_right and k.left is None))


def descend(ts: TaskSet, w: float, beta: float, steps: int, stop: float,
            far: float = np.inf) -> list:
    """Float gradient descent ``W <- W - beta h'(W)`` on the normalized objective,
    until ``h`` is no longer finite beside the iterate, the iterate is within
    1e-9 of ``stop`` or farther than ``far`` from it, or the steps run out."""
    path = [w]
    for _ in range(steps):
        d = slope(w, ts)
        if not np.isfinite(d) or not 1e-9 <= abs(w - stop) <= far:
            break
        w = w - beta * float(d)
        path.append(w)
    return path


def test_gradient_descent_runs_into_a_stalling_kink_and_stays_there(landscapes):
    """STALL: descent from the right runs into the kink W = 1/2 at the domain's
    end; float descent started inside gets there and cannot go on."""
    ts, ls = landscapes["stall"]
    k = next(k for k in ls.kinks if k.stalls)
    x = float(k.W)
    assert k.left is None and k.descent_from_right is True
    path = descend(ts, x + 0.5 * room(ls, k), 1e-3, 20000, x)
    assert min(path) < x + 1e-4                        # reached the kink
    assert float(ls.min_value) < float(k.right_limit)  # and it is no minimizer


@pytest.mark.parametrize("name", ["fig3c", "fig3b"])
def test_gradient_descent_from_the_descent_side_runs_into_the_kink(landscapes, name):
    """Started just beside a kink on a side where descent runs in, Algorithm 1's
    constant step reaches the kink; on a side where it does not, it moves away."""
    ts, ls = landscapes[name]
    for k in ls.kinks:
        x, r = float(k.W), room(ls, k)
        for side, runs, sgn in ((k.left, k.descent_from_left, -1),
                                (k.right, k.descent_from_right, 1)):
            if side is None:
                continue
            start = x + sgn * 0.5 * r
            beta = 0.01 * r / abs(float(slope(start, ts)))     # steps of about r/100
            path = descend(ts, start, beta, 1000, x, far=r)
            reached = min(sgn * (p - x) for p in path) <= 0        # at or past the kink
            assert reached == runs


def test_fig3c_minima_drop_by_exactly_the_former_kink_minima(landscapes):
    """The issue's count: with ``sign(0) = 0`` Figure 3c normalized reported 8
    minima (1 global, 7 spurious). Recomputed here in floats: a kink was a
    "minimum" when the value with the zero step (``F_i(W*_i) = W*_i``) lay below
    both sides. The certified minima are the other ones, all found by a scan."""
    ts, ls = landscapes["fig3c"]
    former = 0
    for k in ls.kinks:
        x = float(k.W)
        zero_step = sum(float(w) * lqr.rollout_cost(
            x - float(ts.eta) * (0.0 if i in k.tasks else np.sign(gradient_float(x, t, t.s0_adapt))),
            float(t.A), float(t.B), float(t.Q), float(t.R), float(t.s0), tol=1e-17)
            for i, (t, w) in enumerate(zip(ts.tasks, ts.weights)))
        former += zero_step < min(rollout_h(x - 1e-7, ts), rollout_h(x + 1e-7, ts))
    assert former == 5
    assert len(ls.minima()) == 8 - former == 3
    assert ls.counts()["spurious_min"] == 2 and ls.counts()["global_min"] == 1
    W = np.linspace(0.001, 1.999, 400001)
    h = maml_objective_float(W, ts, "normalized")
    ok = np.isfinite(h[1:-1]) & (h[1:-1] < h[:-2]) & (h[1:-1] < h[2:])
    scan = W[1:-1][ok]
    kinks = [float(k.W) for k in ls.kinks]
    scan = [x for x in scan if min(abs(x - y) for y in kinks) > 1e-4]   # jumps are no minima
    assert len(scan) == 3
    assert all(abs(x - float(p.W)) < 1e-5 for x, p in zip(scan, ls.minima()))


def test_fig2_normalized_still_has_no_spurious_minimum_theorem3(landscapes):
    ts, ls = landscapes["fig2"]
    assert ls.certified and ls.counts()["spurious_min"] == 0 and ls.counts()["global_min"] == 2
    assert ls.infimum_attained is True and float(ls.epsilon) == 0


def test_infimum_not_attained_when_a_kink_limit_is_below_every_minimum():
    """Two tasks at eta = 0.2: h falls into the kink W*_1 from the left and jumps
    up; the infimum of h is that one-sided limit, which no point attains, the
    only minimum is spurious, and epsilon is measured against the infimum."""
    ts = TaskSet([Task(1, 1, 1, 10), Task(1, 1, 1, 100)], "0.2")
    ls = certify(ts, "normalized", digits=20)
    W = np.linspace(0.0005, 1.9995, 400001)
    h = maml_objective_float(W, ts, "normalized")
    assert float(ls.min_value) <= np.nanmin(h[np.isfinite(h)])
    k = next(k for k in ls.kinks if k.left_limit == ls.min_value)
    assert ls.infimum_attained is False and k.descent_from_left
    assert rollout_h(float(k.W) - 1e-9, ts) == pytest.approx(float(ls.min_value), rel=1e-7)
    assert all(p.is_global is False for p in ls.minima())
    assert len(ls.minima()) == 1 and ls.certified
    gap = max(float(p.h) for p in ls.minima()) - float(ls.min_value)
    assert float(ls.epsilon) == pytest.approx(gap, rel=1e-9) and gap > 0
    assert "(infimum, not attained)" in str(ls)
    pytest.importorskip("matplotlib")
    from symlqr.render.plot import landscape_figure
    ax = landscape_figure(ls, zoom=False, samples=200).axes[0]
    assert "inf h not attained" in ax.get_title()


def test_json_and_text_report_kinks_and_the_infimum(landscapes):
    ts, ls = landscapes["fig3c"]
    doc = json.loads(json.dumps(ls.to_dict()))
    assert len(doc["kinks"]) == 5 and doc["infimum_attained"] is True
    assert doc["infimum"] == doc["min_value"]
    assert all(p["kind"] == "smooth" and "one_sided" not in p for p in doc["stationary_points"])
    for k, kd in zip(ls.kinks, doc["kinks"]):
        lo, hi = (float(v) for v in kd["left_limit"])
        assert lo <= float(k.left_limit) <= hi and kd["tasks"] == [i + 1 for i in k.tasks]
        assert (kd["descent_from_left"], kd["descent_from_right"], kd["stalls"]) == \
               (k.descent_from_left, k.descent_from_right, k.stalls)
    text = str(ls)
    assert "kinks (C_i'(W) = 0" in text and text.count("passes on") == 3
    assert "kinks" not in certify(figure("fig2")).to_dict()        # gradient: no kinks


def test_reprs_are_short_and_h_is_undefined_at_a_kink(landscapes):
    ts, ls = landscapes["fig3c"]
    assert repr(ls).endswith("5 kinks (0 stall), certified)")
    assert repr(ls.kinks[0]) == ("Kink(W≈0.5, task 2, limits 2.91429 | 2.91726, descent runs "
                                 "in from the left and passes on to the right)")
    assert np.isnan(maml_objective_float(0.5, ts, "normalized"))
    with pytest.raises(ValueError, match="undefined at a kink"):
        from symlqr.scalar.maml import MamlObjective
        MamlObjective(ts, "normalized").piece((-1, 0, -1, -1, -1))
