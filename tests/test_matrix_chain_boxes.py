"""The chain rule over boxes (one task), against independent computations.

A box the rule excludes must hold no stationary point of ``h`` in the domain:
multistart ``scipy.optimize.root`` on the float gradient from points of the box
finds none there. A box where it finds one point holds scipy's point, and
``F(W) = W*`` there with ``W*`` from scipy's Riccati solver.
"""
from fractions import Fraction

import numpy as np
import pytest
from scipy.linalg import solve_discrete_are
from scipy.optimize import root

from symlqr.matrix.chain_boxes import CHAIN_NONE, CHAIN_PRODUCT, ChainRule
from symlqr.matrix.direct_boxes import IN_UNIQUE
from symlqr.matrix.objective import fomaml_gradient, in_domain, maml_gradient, maml_point
from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet


def _task(rng, d):
    A = [[Fraction(int(x), 20) for x in row] for row in rng.integers(-14, 15, size=(d, d))]
    B = [[Fraction(int(x), 4)] for x in rng.integers(1, 6, size=d)]
    return MatrixTask(A, B, np.eye(d, dtype=int).tolist(), [[1]])


def _riccati_gain(t):
    A, B, Q, R = (np.array(getattr(t, k), dtype=float) for k in "ABQR")
    P = solve_discrete_are(A, B, Q, R)
    return np.linalg.solve(R + B.T @ P @ B, B.T @ P @ A).reshape(-1)


def _roots_in(ts, lo, hi, method, rng, starts=8):
    """Zeros of the float update direction of ``method`` (``MamlPoint`` in floats)
    found by scipy from points of the box, kept when inside it and in the domain."""
    r, d = ts.shape

    def fun(x):
        p = maml_point(x.reshape(r, d), ts)
        return np.full(len(x), 1e6) if p is None else np.asarray(p.direction(method)).reshape(-1)
    found = []
    for _ in range(starts):
        x0 = lo + rng.random(len(lo)) * (hi - lo)
        if not in_domain(x0.reshape(r, d), ts):
            continue
        sol = root(fun, x0, method="hybr")
        x = sol.x
        if sol.success and np.all(x > lo) and np.all(x < hi) and in_domain(x.reshape(r, d), ts) \
                and np.linalg.norm(fun(x)) < 1e-8:
            found.append(x)
    return found


@pytest.mark.parametrize("seed,d,method", [(0, 2, "maml"), (1, 2, "fomaml"), (2, 3, "maml"),
                                          (3, 2, "maml")])
def test_verdicts_against_scipy(seed, d, method):
    rng = np.random.default_rng(seed)
    ts = MatrixTaskSet([_task(rng, d)], Fraction(1, 50))
    rule = ChainRule.for_taskset(ts, method, 1)
    assert rule is not None
    star = _riccati_gain(ts.tasks[0])
    assert np.allclose(star, [float(x.mid()) for x in rule.star], atol=1e-9)
    seen = {"none": 0, "one": 0, "open": 0, "inner": 0, "around": 0}
    for k in range(24):
        width = 0.002 if k == 0 else 0.004 * 2.0 ** rng.integers(0, 5)
        centre = star + rng.normal(size=d) * (0.002 * width if k == 0 else 0.05 if k % 2 else 0.4)
        lo, hi = centre - width / 2, centre + width / 2
        verdict, what = rule.test(lo, hi)
        seen[verdict] += 1
        if verdict == "none":     # (or F(X) proven unstable: adapted_boxes)
            assert what in (CHAIN_NONE, CHAIN_PRODUCT, IN_UNIQUE) or \
                what.startswith("outside the domain")
            assert _roots_in(ts, lo, hi, method, rng) == []
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
                assert np.allclose(x, W, atol=1e-7)     # the only one
            g = (maml_gradient if method == "maml" else fomaml_gradient)(W.reshape(1, d), ts)
            assert np.linalg.norm(g) < 1e-6
    assert seen["none"] > 0 and seen["one"] + seen["inner"] > 0   # the test ran both ways


def test_box_around_the_optimum_is_found():
    t = MatrixTask([["1/2", "1/10"], [0, "1/2"]], [[0], [1]], [[1, 0], [0, 1]], [[1]])
    ts = MatrixTaskSet([t], "1/100")
    star = _riccati_gain(t)
    verdict, cert = ChainRule.for_taskset(ts).test(star - 0.05, star + 0.05)
    assert verdict == "one" and cert.type == "min" and cert.global_by_chain_rule
    assert np.allclose(np.array(cert.W, dtype=float).reshape(-1), star, atol=1e-12)


def test_where_it_does_not_apply():
    t = MatrixTask([["1/2", "1/10"], [0, "1/2"]], [[0], [1]], [[1, 0], [0, 1]], [[1]])
    u = MatrixTask([["1/2", "1/10"], [0, "3/5"]], [[0], [1]], [[1, 0], [0, 1]], [[1]])
    assert ChainRule.for_taskset(MatrixTaskSet([t, u], "1/100")) is None       # two tasks
    assert ChainRule.for_taskset(MatrixTaskSet([t], "1/100"), "maml", 2) is None
    assert ChainRule.for_taskset(MatrixTaskSet([t], "1/100"), "reptile", 1) is None
    x0 = MatrixTask(t.A, t.B, t.Q, t.R, [[1, 1], [1, 1]])                       # Sigma0 = x0 x0'
    assert ChainRule.for_taskset(MatrixTaskSet([x0], "1/100")) is None


def test_unstable_box_stays_open():
    t = MatrixTask([["1/2", "1/10"], [0, "1/2"]], [[0], [1]], [[1, 0], [0, 1]], [[1]])
    rule = ChainRule.for_taskset(MatrixTaskSet([t], "1/100"))
    assert rule.test([-3.0, -3.0], [3.0, 3.0])[0] == "open"


def test_boxes_around_every_stationary_point_found_by_scipy():
    """The example of docs/matrix.md (13 stationary points, most of them where
    ``I - eta hess g`` is close to singular): a box around any zero that scipy
    finds is never excluded, and a point the rule finds is that zero."""
    t = MatrixTask([[1, "1/10"], [0, 1]], [[0], [1]], [[1, 0], [0, 1]], [[1]])
    ts = MatrixTaskSet([t], "1/100")
    rule = ChainRule.for_taskset(ts)
    rng = np.random.default_rng(7)
    zeros = []
    for x in np.linspace(0.05, 1.9, 9):
        for y in np.linspace(0.2, 2.2, 9):
            for z in _roots_in(ts, np.array([x - 0.1, y - 0.1]), np.array([x + 0.1, y + 0.1]),
                               "maml", rng, starts=2):
                if not any(np.allclose(z, q, atol=1e-6) for q in zeros):
                    zeros.append(z)
    assert len(zeros) >= 5
    verdicts = []
    for z in zeros:
        for width in (1e-4, 1e-3, 1e-2, 5e-2):
            off = (rng.random(2) - 0.5) * width * 0.8
            verdict, what = rule.test(z + off - width / 2, z + off + width / 2)
            verdicts.append(verdict)
            assert verdict != "none", (z, width, what)
            if verdict == "one":
                assert np.allclose(np.array(what.W, dtype=float).reshape(-1), z, atol=1e-7)
    assert "one" in verdicts


def _chain_3state():
    from symlqr.matrix.tasks import load_matrix_tasks_file
    doc = load_matrix_tasks_file("examples/chain_3state.json")
    return MatrixTaskSet(doc["tasks"], doc["eta"], doc["weights"])


def _chain_3state_zeros(ts, rng) -> list:
    """scipy's four zeros of ``grad h`` of ``examples/chain_3state.json`` from
    starts near ``W*``, its other global minimum and its two saddles."""
    star = _riccati_gain(ts.tasks[0])
    zeros = []
    for x0 in (star, [0.0065, -0.057, 1.375], [-0.03, -0.09, -0.24], [0.0073, -0.032, 1.178]):
        for z in _roots_in(ts, np.array(x0) - 1e-3, np.array(x0) + 1e-3, "maml", rng, 3):
            if not any(np.allclose(z, q, atol=1e-8) for q in zeros):
                zeros.append(z)
    assert len(zeros) == 4
    return zeros



def _boxes_near(zeros, rng, count: int, halvings: int):
    """``count`` random boxes ``(lo, hi)`` near the zeros in turn: sides
    ``(0.3, 0.3, 0.06)`` halved 0 to ``halvings - 1`` times, centres within three
    sides of the zero."""
    for k in range(count):
        z = zeros[k % len(zeros)]
        width = np.array([0.3, 0.3, 0.06]) * 2.0 ** -rng.integers(0, halvings)
        centre = z + (rng.random(3) - 0.5) * 6 * width
        yield centre - width / 2, centre + width / 2

def test_chain_3state_points_by_chain_rule_and_direct_krawczyk():
    """``examples/chain_3state.json``: scipy's zeros of ``grad h`` from starts
    between its two global minima (``F(W) = W*`` at both) are certified on boxes
    of side ``1e-3`` around them, with the types of numpy's Hessian eigenvalues;
    the saddles (``I - eta hess g`` singular there) by :meth:`ChainRule.direct`."""
    from symlqr.matrix.objective import maml_hessian
    ts = _chain_3state()
    rule = ChainRule.for_taskset(ts)
    zeros = _chain_3state_zeros(ts, np.random.default_rng(0))
    types = []
    for z in zeros:
        verdict, cert = rule.test(z - 6e-4, z + 4e-4)
        assert verdict == "one"
        assert np.allclose(np.array(cert.W, dtype=float).reshape(-1), z, atol=1e-9)
        ev = np.linalg.eigvalsh(maml_hessian(z.reshape(1, 3), ts))
        assert cert.type == ("min" if ev.min() > 0 else "saddle")
        types.append(cert.type)
    assert sorted(types) == ["min", "min", "saddle", "saddle"]


@pytest.mark.parametrize("task,eta", [((1, 1, 2, 2), "1/100"), (("9/10", 1, 1, 3), "1/10"),
                                      (("11/10", "1/2", 2, 1), "1/5")])
def test_lazy_path_with_the_chain_rule_gives_the_exact_scalar_answer(monkeypatch, task, eta):
    """One task, the path of the large numerators (``r d >= 3``) forced on a 1 x 1
    gain, where the chain rule, the direct Krawczyk test and the joint test decide
    boxes before any numerator: the exact scalar engine's points and types, every
    one of the five (three minima: ``F(w) = W*`` at each; two maxima, where
    ``1 - eta C''`` vanishes), the whole domain (no level)."""
    import symlqr.matrix.subdivision as sd
    from symlqr.matrix.landscape import complete_landscape
    from symlqr.scalar.landscape import certify
    from symlqr.tasks import Task, TaskSet
    monkeypatch.setattr(sd, "LARGE", 8)
    tests = []
    monkeypatch.setattr(ChainRule, "test", lambda self, lo, hi, _t=ChainRule.test:
                        (lambda v: (tests.append(v[0]), v)[1])(_t(self, lo, hi)))
    ts = MatrixTaskSet([MatrixTask.from_scalar(*task)], eta)
    res = complete_landscape(ts, prune=False)
    assert res.complete, res.reason
    assert tests.count("none") > 0 and tests.count("one") > 0
    exact = certify(TaskSet([Task(*task)], eta=eta))
    assert [p.type for p in res.points] == [p.kind.name.lower() for p in exact.points]
    assert np.allclose([p.W[0][0] for p in res.points], [float(p.W) for p in exact.points],
                       atol=1e-9)


def test_a_deadline_inside_the_chain_tests_leaves_the_boxes_undecided(monkeypatch):
    """The deadline is read between two boxes of the chain tests: the boxes not
    reached wait in the queue and come out undecided, nothing is dropped."""
    import symlqr.matrix.subdivision as sd
    from symlqr.matrix.landscape import complete_landscape
    monkeypatch.setattr(sd, "LARGE", 8)
    calls = []
    monkeypatch.setattr(ChainRule, "test", lambda self, lo, hi, _t=ChainRule.test:
                        (calls.append(1), _t(self, lo, hi))[1])
    ts = MatrixTaskSet([MatrixTask.from_scalar(1, 1, 2, 2)], "1/100")
    full = complete_landscape(ts, prune=False)
    n = len(calls)
    calls.clear()
    res = complete_landscape(ts, prune=False, stop=lambda: "time" if len(calls) >= n // 3 else None)
    assert full.complete and not res.complete
    assert len(res.points) < len(full.points)
    for p in res.points:              # what was found is among the complete answer's points
        assert any(np.allclose(p.W, q.W, atol=1e-9) and p.type == q.type for q in full.points)


def test_numerators_made_late_give_the_same_answer(monkeypatch):
    """One task: the numerators are made only when a box first needs them
    (``LATER_AT``, lowered here to ``r d = 1`` with the large path forced). The
    answer is the exact scalar engine's, and where the chain rule decides every
    box they are never made (no ``numerators`` time)."""
    import symlqr.matrix.landscape as ls
    import symlqr.matrix.subdivision as sd
    from symlqr.scalar.landscape import certify
    from symlqr.tasks import Task, TaskSet
    monkeypatch.setattr(sd, "LARGE", 8)
    monkeypatch.setattr(ls, "LATER_AT", 1)
    task, eta = (1, 1, 2, 2), "1/100"
    ts = MatrixTaskSet([MatrixTask.from_scalar(*task)], eta)
    res = ls.complete_landscape(ts, prune=False)
    assert res.complete, res.reason
    exact = certify(TaskSet([Task(*task)], eta=eta))
    assert [p.type for p in res.points] == [p.kind.name.lower() for p in exact.points]
    assert np.allclose([p.W[0][0] for p in res.points], [float(p.W) for p in exact.points],
                       atol=1e-9)
    made = "numerators" in res.seconds
    monkeypatch.setattr(ChainRule, "test", lambda self, lo, hi: ("open", "forced open"))
    import symlqr.matrix.reduced_boxes as rb
    monkeypatch.setattr(rb, "CHAIN_FLOOR", 1 / 64)      # boxes the rule leaves open get them
    forced = ls.complete_landscape(ts, prune=False, max_boxes=3000)
    assert "numerators" in forced.seconds and forced.degrees       # made when needed
    assert not made or res.degrees


def test_boxes_across_the_stability_boundary_at_the_floor_are_listed_not_converted(monkeypatch):
    """A lazy box the chain rule leaves open because ``W`` is not proven
    stabilizing on it, at the floor, is listed undecided with the reason (no
    numerators are made for it: their conditions vanish there too); the answer
    says it is not complete."""
    import symlqr.matrix.landscape as ls
    import symlqr.matrix.reduced_boxes as rb
    import symlqr.matrix.subdivision as sd
    from symlqr.matrix.chain_boxes import NOT_STABLE
    monkeypatch.setattr(sd, "LARGE", 8)
    monkeypatch.setattr(ls, "LATER_AT", 1)
    monkeypatch.setattr(rb, "CHAIN_FLOOR", 1 / 64)
    monkeypatch.setattr(ChainRule, "test", lambda self, lo, hi: ("open", NOT_STABLE))
    ts = MatrixTaskSet([MatrixTask.from_scalar(1, 1, 2, 2)], "1/100")
    res = ls.complete_landscape(ts, prune=False, max_boxes=5000)
    assert not res.complete
    reasons = {why for _, _, why in res.outcome.undecided}
    assert rb.EDGE in reasons
    assert "numerators" not in res.seconds


def test_four_state_chain_box_around_the_optimum_complete_without_numerators():
    """``r d = 4`` (the 4 x 1 chain, one task): on a box of side 0.4 around ``W*``
    the branch-and-bound is complete with ``W*`` (``scipy``'s Riccati solution)
    its one stationary point, a global minimum, decided by the chain rule and
    Krawczyk alone (no numerator of ``grad h`` is made: their symbolic point did
    not finish in 14 minutes), the domain's conditions made in seconds; a float
    scan of ``|grad h|`` over the box finds no other near-zero in the domain."""
    from symlqr.matrix.landscape import complete_landscape
    d = 4
    A = [[Fraction(1, 2) if i == j else Fraction(1, 10) if j == i + 1 else 0 for j in range(d)]
         for i in range(d)]
    eye = [[int(i == j) for j in range(d)] for i in range(d)]
    ts = MatrixTaskSet([MatrixTask(A, [[int(i == d - 1)] for i in range(d)], eye, [[1]])], "1/100")
    Af, Bf, Qf, Rf = (np.array(getattr(ts.tasks[0], k), dtype=float) for k in "ABQR")
    P = solve_discrete_are(Af, Bf, Qf, Rf)
    Ws = np.linalg.solve(Rf + Bf.T @ P @ Bf, Bf.T @ P @ Af).reshape(-1)
    box = [(float(w) - 0.2, float(w) + 0.2) for w in Ws]
    res = complete_landscape(ts, box=box)
    assert res.complete and "numerators" not in res.seconds
    assert res.seconds["polynomials"] < 60
    assert [p.type for p in res.points] == ["min"] and res.labels == ["global"]
    assert np.allclose(np.array(res.points[0].W, dtype=float).reshape(-1), Ws, atol=1e-9)
    rng = np.random.default_rng(0)
    for W in Ws + rng.uniform(-0.2, 0.2, size=(300, 4)):
        p = maml_point(W.reshape(1, 4), ts)
        if p is not None and np.linalg.norm(W - Ws) > 1e-3:
            assert np.linalg.norm(p.grad) > 1e-6


def test_second_order_tests_decide_boxes_the_first_order_ones_leave_open():
    """``ChainRule.second_order`` (second-order Taylor models) on the 3 x 1
    example: boxes around scipy's zeros of ``grad h`` are never excluded, and of
    random boxes near them (sides 0.02 to 0.3) that the first-order tests leave
    open, some are excluded, each with no zero scipy finds from points in it and,
    for ``h > L``, float ``h > L`` at every sampled point of the domain."""
    from symlqr.matrix.chain_boxes import CHAIN_ABOVE
    ts = _chain_3state()
    level = Fraction(157, 25)
    rule = ChainRule.for_taskset(ts, level=level)
    rng = np.random.default_rng(3)
    zeros = _chain_3state_zeros(ts, rng)
    for z in zeros:
        for width in (1e-3, 1e-2, 5e-2):
            off = (rng.random(3) - 0.5) * width * 0.8
            assert rule.second_order(z + off - width / 2, z + off + width / 2)[0] == "open"
    decided = 0
    for lo, hi in _boxes_near(zeros, rng, 60, 4):
        if rule._chain(lo, hi)[0] != "open":
            continue
        verdict, what = rule.second_order(lo, hi)
        if verdict != "none":
            continue
        decided += 1
        assert _roots_in(ts, lo, hi, "maml", rng, 4) == []
        if what == CHAIN_ABOVE:
            for x in lo + rng.random((30, 3)) * (hi - lo):
                p = maml_point(x.reshape(1, 3), ts)
                assert p is None or p.h > float(level)
    assert decided >= 3, decided


def test_first_order_tests_skipped_where_they_rarely_pass():
    """With a gate that skips the first-order tests (``ChainRule.first_order``) once an
    octave has had two tries, boxes are still decided by the second-order tests
    (no zero scipy finds in an excluded box), a box around each of scipy's zeros
    is never excluded (the saddles and minima then found by ``direct``), and a
    box with ``W`` not stabilizing stays open for that reason."""
    from symlqr.matrix.chain_boxes import NOT_STABLE
    from symlqr.matrix.look_ahead import Gate, OneTest
    ts = _chain_3state()
    rule = ChainRule.for_taskset(ts, level=Fraction(157, 25))
    root = np.array([650.0, 120.0, 6.0])
    rule.second = Gate(OneTest(rule.second_order), root, tries=1, rate=0.0)
    rule.first = Gate(OneTest(rule.first_order), root, tries=2, rate=2.0, every=10 ** 6)
    rng = np.random.default_rng(4)
    zeros = _chain_3state_zeros(ts, rng)
    for z in zeros:
        for _ in range(3):                      # the first two of an octave are tried
            verdict, _ = rule.test(z - 6e-4, z + 4e-4)
            assert verdict != "none"
    decided = 0
    for lo, hi in _boxes_near(zeros, rng, 40, 3):
        verdict, _ = rule.test(lo, hi)
        if verdict == "none":
            decided += 1
            assert _roots_in(ts, lo, hi, "maml", rng, 4) == []
    assert decided >= 3, decided
    assert sum(c[2] for c in rule.first.count.values()) > 20      # tests were skipped
    far = np.array([300.0, 60.0, 4.0])                            # A - B W unstable
    for _ in range(3):                          # the third one skipped: W's proof alone
        assert rule.test(far - 0.01, far + 0.01) == ("open", NOT_STABLE)
