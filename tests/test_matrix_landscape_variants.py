"""The complete branch-and-bound on the update directions of MAML with K steps,
FO-MAML and Reptile, against independent float computations.

1x1 tasks: the scalar cost ``C(W) = (Q + R W^2) s / (1 - (A - B W)^2)`` and its
derivative in closed form (written here, not symlqr's), the iterates
``W_{k+1} = W_k - eta C_a'(W_k)``, the directions (``h_K'`` by mpmath's
high-precision numerical derivative), a dense scan of the domain and
``scipy.optimize.brentq`` at each sign change. 2x1: ``scipy.optimize.root``
from a grid of starts on symlqr's float direction (numpy backend).
"""
from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from scipy.optimize import brentq, root

from symlqr.matrix.landscape import complete_landscape
from symlqr.matrix.objective import maml_point
from symlqr.matrix.ratfunc import direction_numerators, stability_denominators
from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
from symlqr.tasks import figure


def _fig(name):
    fig = figure(name)
    ts = MatrixTaskSet([MatrixTask.from_scalar(t.A, t.B, t.Q, t.R, t.s0, t.s0a)
                        for t in fig.tasks], fig.eta, fig.weights, name=name)
    return fig, ts


class Scalar:
    """Independent scalar LQR: cost, derivative, iterates and the three directions."""

    def __init__(self, tasks, weights, eta):
        """``tasks``: ``(A, B, Q, R, s0, s0a)`` numbers (``Sigma0 = s0^2``)."""
        self.tasks = [(float(A), float(B), float(Q), float(R), float(s0) ** 2, float(s0a) ** 2)
                      for A, B, Q, R, s0, s0a in tasks]
        self.w = [float(x) for x in weights]
        self.eta = float(eta)

    @classmethod
    def of(cls, fig):
        return cls([(t.A, t.B, t.Q, t.R, t.s0, t.s0a if t.s0a is not None else t.s0)
                    for t in fig.tasks], fig.weights, fig.eta)

    @staticmethod
    def cost(W, A, B, Q, R, s):
        m = A - B * W
        return (Q + R * W * W) * s / (1 - m * m)

    @staticmethod
    def dcost(W, A, B, Q, R, s):
        m = A - B * W
        den = 1 - m * m
        return s * (2 * R * W / den - (Q + R * W * W) * 2 * m * B / den ** 2)

    def iterates(self, W, t, K):
        A, B, Q, R, s, sa = t
        out = [W]
        for _ in range(K):
            if abs(A - B * out[-1]) >= 1:
                return None
            out.append(out[-1] - self.eta * self.dcost(out[-1], A, B, Q, R, sa))
        return out if abs(A - B * out[-1]) < 1 else None

    def in_domain(self, W, K):
        return all(self.iterates(W, t, K) is not None for t in self.tasks)

    def h(self, W, K):
        return sum(w * self.cost(self.iterates(W, t, K)[-1], *t[:5])
                   for w, t in zip(self.w, self.tasks))

    def direction(self, W, method, K):
        if method == "maml":
            with mpmath.workdps(40):
                return float(mpmath.diff(lambda x: self.h(x, K), mpmath.mpf(W)))
        total = 0.0
        for w, t in zip(self.w, self.tasks):
            WK = self.iterates(W, t, K)[-1]
            total += w * (self.dcost(WK, *t[:5]) if method == "fomaml"
                          else (W - WK) / (self.eta * K))
        return total


def scan_zeros(sc, method, K, lo, hi, n=6000):
    """Zeros of the direction in the domain within ``(lo, hi)``: sign changes on a
    dense grid of domain points (both ends and the midpoint in the domain), then
    brentq; only sign changes where the direction is small at the root."""
    xs = np.linspace(lo, hi, n)
    ok = [sc.in_domain(x, K) for x in xs]
    vals = [sc.direction(x, method, K) if o else None for x, o in zip(xs, ok)]
    out = []
    for a, b, fa, fb in zip(xs[:-1], xs[1:], vals[:-1], vals[1:]):
        if fa is None or fb is None or fa * fb > 0 or not sc.in_domain((a + b) / 2, K):
            continue
        z = brentq(lambda x: sc.direction(x, method, K), a, b, xtol=1e-14)
        scale = max(abs(fa), abs(fb))
        if abs(sc.direction(z, method, K)) < 1e-6 * max(1.0, scale):
            out.append(z)
    return out


def _check_1x1(name, method, K):
    fig, ts = _fig(name)
    res = complete_landscape(ts, method=method, steps=K, level=None, prune=False,
                             max_boxes=20000)
    assert res.complete, res.reason
    assert res.method == method and res.steps == K
    found = sorted(p.W[0][0] for p in res.points)
    assert all(p.certified for p in res.points)
    sc = Scalar.of(fig)
    lo, hi = res.box[0]
    scanned = scan_zeros(sc, method, K, lo, hi)
    assert scanned, "the scan found nothing: the comparison would be empty"
    for z in scanned:                  # nothing the scan finds is missing
        assert min(abs(z - w) for w in found) < 1e-6 * max(1, abs(z)), (z, found)
    for w in found:                    # every certified zero is a zero of the direction
        assert sc.in_domain(w, K)
        assert abs(sc.direction(w, method, K)) < 1e-6
    return res, found, scanned


@pytest.mark.parametrize("method,K", [pytest.param("maml", 2, marks=pytest.mark.slow),
                                      ("fomaml", 1), ("reptile", 1), ("reptile", 2)])
def test_1x1_fig2_matches_float_scan(method, K):
    res, found, scanned = _check_1x1("fig2", method, K)
    if method == "maml":
        assert "min" in [p.type for p in res.points]
        assert any(lab == "global" for lab in res.labels)
    else:
        assert all(p.type in ("attracting", "repelling", "saddle") for p in res.points)
        assert set(res.labels) == {"-"} and res.min_h is None and res.epsilon is None
    # the type from the sign of the derivative of the scalar direction (floats)
    sc = Scalar.of(_fig("fig2")[0])
    for p in res.points:
        w = p.W[0][0]
        slope = (sc.direction(w + 1e-7, method, K) - sc.direction(w - 1e-7, method, K)) / 2e-7
        want = {"maml": ("min", "max"), "fomaml": ("attracting", "repelling"),
                "reptile": ("attracting", "repelling")}[method][0 if slope > 0 else 1]
        assert p.type == want, (w, p.type, slope)


@pytest.mark.slow
@pytest.mark.parametrize("name,method,K", [("fig2", "fomaml", 2), ("fig3b", "maml", 2),
                                           ("fig1", "fomaml", 1)])
def test_1x1_more_matches_float_scan(name, method, K):
    _check_1x1(name, method, K)


def test_one_step_maml_numerators_unchanged():
    fig, ts = _fig("fig2")
    from symlqr.matrix.ratfunc import gradient_numerators
    assert gradient_numerators(ts) == direction_numerators(ts, "maml", 1)
    # K steps: the boundary polynomials include the Stein determinants of every iterate
    assert len(stability_denominators(ts, 2)) > len(stability_denominators(ts, 1))


def test_fomaml_one_task_zero_is_the_lqr_optimum():
    """One task: every zero of the FO-MAML direction has ``grad C(W_K) = 0``, so
    ``W_K = W*``; checked against the scalar Riccati optimum (A = B = Q = R = 1:
    ``P^2 = 1 + P``, ``W* = P / (1 + P) = (sqrt 5 - 1) / 2``)."""
    ts = MatrixTaskSet([MatrixTask.from_scalar(1, 1, 1, 1)], "1/10")
    res = complete_landscape(ts, method="fomaml", steps=2, level=None, prune=False)
    assert res.complete and res.points
    sc = Scalar([(1, 1, 1, 1, 1, 1)], [1], Fraction(1, 10))
    for p in res.points:
        assert abs(sc.iterates(p.W[0][0], sc.tasks[0], 2)[-1] - (np.sqrt(5) - 1) / 2) < 1e-9
        assert p.global_by_chain_rule
    # the exclusions name the map whose zeros they are about, not grad h
    gradient = [r for r in res.outcome.excluded if "!= 0" in r]
    assert gradient and all(r.startswith("g_FO != 0") for r in gradient)


def _task_2x1():
    return MatrixTaskSet([MatrixTask([[1, "1/10"], [0, 1]], [[0], [1]], [[1, 0], [0, 1]],
                                     [[1]])], "1/100")


@pytest.mark.filterwarnings("ignore::RuntimeWarning", "ignore::scipy.linalg.LinAlgWarning")
@pytest.mark.parametrize("method", ["reptile", pytest.param("fomaml", marks=pytest.mark.slow)])
def test_2x1_matches_multistart_root(method):
    """2x1, K = 1: the complete answer on ``{h <= L}`` (default level; without it
    FO-MAML leaves zeros of the numerators undecided where ``W_1`` meets the
    stability boundary, ``h ~ 1e12``) against scipy.optimize.root from a grid of
    starts on the float direction (numpy backend)."""
    ts = _task_2x1()
    res = complete_landscape(ts, method=method, steps=1, max_boxes=50000)
    assert res.complete, res.reason
    found = [np.array(p.W).reshape(-1) for p in res.points]
    (a0, b0), (a1, b1) = res.box
    roots = []
    for x in np.linspace(a0, b0, 13)[1:-1]:
        for y in np.linspace(a1, b1, 9)[1:-1]:
            if maml_point(np.array([[x, y]]), ts) is None:
                continue
            f = lambda v: maml_point(v.reshape(1, 2), ts).direction(method).reshape(-1) \
                if maml_point(v.reshape(1, 2), ts) is not None else np.full(2, 1e6)
            sol = root(f, np.array([x, y]))
            end = maml_point(sol.x.reshape(1, 2), ts)
            if sol.success and end is not None and np.max(np.abs(f(sol.x))) < 1e-9 \
                    and end.h < float(res.level) * (1 - 1e-9):
                roots.append(sol.x)
    assert roots
    for z in roots:
        assert min(np.max(np.abs(z - w)) for w in found) < 1e-6, (z, found)
    for w in found:
        assert np.max(np.abs(maml_point(w.reshape(1, 2), ts).direction(method))) < 1e-6


ONE_TASK = 'eta = "0.1"\n[[tasks]]\nA = 1\nB = 1\nQ = 1\nR = 1\n'


def _tasks_file(tmp_path):
    path = tmp_path / "t.toml"
    path.write_text(ONE_TASK)
    return str(path)


def test_cli_complete_fomaml_1x1(tmp_path):
    out = tmp_path / "o.json"
    cmd = [sys.executable, "-m", "symlqr.maml", _tasks_file(tmp_path),
           "--complete", "--method", "fomaml", "--json", "--output", str(out)]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    doc = json.loads(out.read_text())
    assert doc["method"] == "fomaml" and doc["steps"] == 1 and doc["complete"]
    assert doc["points"] and all(p["method"] == "fomaml" for p in doc["points"])
    assert "level L are of h" in doc["objective"]


@pytest.mark.parametrize("extra,needle", [
    (["--engine", "msolve", "--steps", "2"], "--engine msolve"),
    (["--engine", "msolve", "--method", "reptile"], "--engine msolve"),
])
def test_cli_bad_combinations(extra, needle, tmp_path):
    cmd = [sys.executable, "-m", "symlqr.maml", _tasks_file(tmp_path), "--complete", *extra]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0] and "Traceback" not in run.stderr


def test_cli_hypotheses_refuses_method(tmp_path):
    cmd = [sys.executable, "-m", "symlqr.maml", _tasks_file(tmp_path), "--hypotheses",
           "--method", "fomaml"]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert run.returncode == 2 and "--method" in run.stderr


@pytest.mark.parametrize("name", ["fig2", "fig3b"])
def test_iterate_conditions_hold_and_den_sign_at_domain_samples(name):
    """Every condition of ``conditions(ts, 2)`` is ``> 0`` at domain points found by
    the independent scalar check, and a proven ``den_sign`` is the sign there."""
    from flint import fmpq
    from symlqr.matrix.domain import conditions
    fig, ts = _fig(name)
    sc = Scalar.of(fig)
    conds = conditions(ts, 2)
    assert any("^(2)" in c.name for c in conds)
    grid = [Fraction(k, 200) for k in range(-200, 601)]
    pts = [q for q in grid if sc.in_domain(float(q), 2)]
    assert len(pts) > 50
    for x in pts[::8]:
        at = fmpq(x.numerator, x.denominator)
        for c in conds:
            num = c.num(at)
            den = 1 if c.den is None else c.den(at)
            assert num * den > 0, (c.name, x)
            if c.den_sign is not None:
                assert (den > 0) == (c.den_sign > 0), (c.name, x)


def test_level_lower_bound_for_k_steps_below_h_k():
    """``levels.lower_bound(..., steps=2)`` is below ``h_2`` (independent scalar
    formulas) at sample points of small boxes, and proves ``h_2 > L`` on a box
    where the float minimum of ``h_2`` exceeds ``L``; the one-step bound is not a
    bound of ``h_2`` (why the decider passes ``steps`` to it)."""
    from symlqr.matrix.levels import exceeds, lower_bound
    fig, ts = _fig("fig2")
    sc = Scalar.of(fig)
    for a in (0.1, 0.3, 0.6, 1.2, 1.7):
        lo, hi = a, a + 0.001
        b = lower_bound(ts, [lo], [hi], steps=2)
        assert b is not None
        vals = [sc.h(x, 2) for x in np.linspace(lo, hi, 21) if sc.in_domain(x, 2)]
        assert float(b) <= min(vals) + 1e-9
        assert exceeds(ts, [lo], [hi], Fraction(min(vals)) * Fraction(97, 100), steps=2)
    one = lower_bound(ts, [0.1], [0.101], steps=1)
    assert float(one) > min(sc.h(x, 2) for x in np.linspace(0.1, 0.101, 21))


def test_two_steps_with_the_level_test_against_a_dense_scan():
    """MAML with K = 2 on Figure 2's tasks, pruned by ``h_2 > L`` at the default
    level: complete, and every zero of the float derivative of ``h_2`` (dense scan,
    brentq) in the domain with ``h_2 <= L`` is a certified point."""
    from scipy.optimize import brentq
    fig, ts = _fig("fig2")
    sc = Scalar.of(fig)
    res = complete_landscape(ts, steps=2)
    assert res.complete, res.reason
    level = float(res.level)
    xs = [x for x in np.linspace(-1.5, 3.0, 9001) if sc.in_domain(x, 2)]
    d = [(sc.h(x + 1e-7, 2) - sc.h(x - 1e-7, 2)) / 2e-7 for x in xs]
    pts = [p.W[0][0] for p in res.points]
    checked = 0
    for x0, x1, d0, d1 in zip(xs, xs[1:], d, d[1:]):
        if x1 - x0 > 1e-3 or d0 * d1 > 0:
            continue
        z = brentq(lambda x: (sc.h(x + 1e-7, 2) - sc.h(x - 1e-7, 2)) / 2e-7, x0, x1)
        if sc.h(z, 2) <= level * (1 - 1e-6):
            assert min(abs(z - p) for p in pts) < 1e-4, z
            checked += 1
    assert checked >= 3


def test_contour_of_h_K_with_steps(tmp_path):
    """``--contour`` with ``--steps 2`` draws ``h_2``: the curve is the float ``h_2``
    (checked against the scalar formulas' two-step rollout above) and the CLI
    writes the picture."""
    pytest.importorskip("matplotlib")
    from symlqr.matrix.objective import maml_value
    from symlqr.render.landscape_plot import _h
    fig, ts = _fig("fig2")
    sc = Scalar.of(fig)
    for x in np.linspace(-0.5, 2.5, 13):
        z = _h(ts, [x], 2)                   # what the picture draws for 1 x 1 gains
        want = sc.h(x, 2) if sc.in_domain(x, 2) else np.inf
        assert (z == want == np.inf) or abs(z - want) < 1e-9 * max(1.0, abs(want))
    assert maml_value(np.array([[0.6]]), ts, 2) != maml_value(np.array([[0.6]]), ts, 1)
    out = tmp_path / "h2.png"
    cmd = [sys.executable, "-m", "symlqr.maml", _tasks_file(tmp_path), "--complete",
           "--steps", "2", "--contour", str(out)]
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert out.read_bytes()[:4] == b"\x89PNG"
