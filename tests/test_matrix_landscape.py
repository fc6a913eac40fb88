"""The matrix branch-and-bound against independent computations: the exact scalar
engine (1 x 1 gains), numpy spectral radii, float evaluations of the gradient and
of h at random points of excluded boxes, and exact evaluation of polynomials
against their Bernstein enclosures."""
from __future__ import annotations

import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
from flint import fmpq_mpoly_ctx

from symlqr.branch import bernstein as bz
from symlqr.matrix.domain import stabilizing_box
from symlqr.matrix.landscape import complete_landscape
from symlqr.matrix.levels import lower_bound
from symlqr.matrix.objective import in_domain, maml_value
from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
from symlqr.scalar.landscape import certify
from symlqr.tasks import Task, TaskSet

SCALAR_CASES = [
    ([(1, 1, 2, 2), (1, 1, "1/10", "1/10")], "1/100"),     # Figure 2
    ([(1, 1, 1, 1)], "1/10"),
    ([(1, 1, 1, 1), (2, 1, 1, 1)], "1/20"),
    ([("9/10", 1, 1, 3), ("11/10", "1/2", 2, 1)], "1/10"),
]


@pytest.mark.parametrize("tasks,eta", SCALAR_CASES)
def test_one_by_one_gains_agree_with_the_exact_scalar_engine(tasks, eta):
    ts = MatrixTaskSet([MatrixTask.from_scalar(*t) for t in tasks], eta)
    exact = certify(TaskSet([Task(*t) for t in tasks], eta=eta))
    # with the default level: exactly the points with h <= L (the rest may be pruned)
    res = complete_landscape(ts)
    assert res.complete, res.reason
    low = [float(p.W) for p in exact.points if float(maml_value(np.array([[float(p.W)]]), ts))
           < float(res.level) * (1 - 1e-9)]
    got = [p.W[0][0] for p in res.points]
    assert all(min(abs(g - x) for g in got) < 1e-9 for x in low)
    assert all(min(abs(g - float(p.W)) for p in exact.points) < 1e-9 for g in got)
    # without the level: every stationary point, as the exact engine
    res = complete_landscape(ts, prune=False)
    assert res.complete, res.reason
    assert [p.type for p in res.points] == [p.kind.name.lower() for p in exact.points]
    assert np.allclose([p.W[0][0] for p in res.points], [float(p.W) for p in exact.points],
                       atol=1e-9)
    want = ["global" if "global" in p.label else "spurious" if "spurious" in p.label else "-"
            for p in exact.points]
    assert res.labels == want


def test_figure2_labels_and_epsilon():
    tasks, eta = SCALAR_CASES[0]
    ts = MatrixTaskSet([MatrixTask.from_scalar(*t) for t in tasks], eta)
    full = complete_landscape(ts, prune=False)            # every stationary point
    assert full.labels == ["spurious", "-", "global", "-", "spurious"]
    res = complete_landscape(ts)              # {h <= L}: a maximum above L may be pruned
    assert [x for x in res.labels if x != "-"] == ["spurious", "global", "spurious"]
    assert res.benign is False
    lo, hi = res.epsilon
    assert lo <= Fraction("0.355246281991025434") <= hi and hi - lo < Fraction(1, 10 ** 12)


def test_excluded_boxes_rechecked_at_random_points():
    ts = MatrixTaskSet([MatrixTask.from_scalar(1, 1, 2, 2), MatrixTask.from_scalar(1, 1, "1/10", "1/10")],
                       "1/100")
    res = complete_landscape(ts, audit=400)
    rng = np.random.default_rng(1)
    checked = 0
    for lo, hi, why in res.outcome.audit:
        for x in rng.uniform(lo[0], hi[0], size=5):
            W = np.array([[x]])
            if why.startswith("outside"):
                assert not in_domain(W, ts), (lo, hi, why)
                checked += 1
            elif why.startswith("grad h != 0") and in_domain(W, ts):
                g = (maml_value(W + 1e-7, ts) - maml_value(W - 1e-7, ts)) / 2e-7
                assert abs(g) > 0
                checked += 1
    assert checked > 50


def _random_poly(rng, ctx, deg):
    x, y = ctx.gens()
    p = ctx.from_dict({})
    for i in range(deg + 1):
        for j in range(deg + 1 - i):
            p += int(rng.integers(-50, 50)) * x ** i * y ** j
    return p


@pytest.mark.parametrize("d", [2, 3])
def test_stabilizing_box_holds_random_stabilizing_gains(d):
    rng = np.random.default_rng(d)
    A = [[Fraction(int(v), 4) for v in row] for row in rng.integers(-4, 5, size=(d, d))]
    B = [[Fraction(1)] if i == d - 1 else [Fraction(0)] for i in range(d)]
    A[d - 2][d - 1] = Fraction(1)                       # controllable companion-like pair
    ts = MatrixTaskSet([MatrixTask(A, B, np.eye(d).astype(int).tolist(), [[1]])], "1/100")
    box = stabilizing_box(ts)
    assert box is not None
    Af, Bf = np.array(A, dtype=float), np.array(B, dtype=float)
    lo = np.array([float(a) for a, _ in box])
    hi = np.array([float(b) for _, b in box])
    inside = 0
    for _ in range(3000):
        W = rng.uniform(2 * lo - hi, 2 * hi - lo)
        if max(abs(np.linalg.eigvals(Af - Bf @ W[None, :]))) < 1:
            inside += 1
            assert np.all(W >= lo) and np.all(W <= hi)
    assert inside > 0


def test_level_lower_bound_below_float_h():
    ts = MatrixTaskSet([MatrixTask([[1, "1/10"], [0, 1]], [[0], [1]], [[1, 0], [0, 1]], [[1]])], "1/100")
    rng = np.random.default_rng(3)
    done = 0
    for _ in range(40):
        c = rng.uniform([0.2, 0.5], [1.5, 2.0])
        lo, hi = c - 0.01, c + 0.01
        bound = lower_bound(ts, lo.tolist(), hi.tolist())
        if bound is None:
            continue
        for _ in range(5):
            W = rng.uniform(lo, hi)[None, :]
            if in_domain(W, ts):
                assert float(bound) <= maml_value(W, ts) * (1 + 1e-12)
                done += 1
    assert done > 20


def _run(*args):
    return subprocess.run([sys.executable, "-m", "symlqr.maml", *args], capture_output=True,
                          text=True, timeout=300)


def test_cli_complete_branch_and_bound(tmp_path):
    f = tmp_path / "t.json"
    f.write_text('{"eta": "1/100", "tasks": [{"A": [[1]], "B": [[1]], "Q": [[2]], "R": [[2]]},'
                 ' {"A": [[1]], "B": [[1]], "Q": [["0.1"]], "R": [["0.1"]]}]}')
    out = _run(str(f), "--complete")
    assert out.returncode == 0, out.stderr
    assert "complete: every stationary point" in out.stdout and "spurious" in out.stdout
    bad = _run(str(f), "--complete", "--box", "0:1,2:3")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "--box" in bad.stderr


def test_a_run_gets_its_gap_to_min_h_from_a_complete_landscape():
    from symlqr.matrix.runs import certify_run
    ts = MatrixTaskSet([MatrixTask.from_scalar(1, 1, 2, 2), MatrixTask.from_scalar(1, 1, "1/10", "1/10")],
                       "1/100")
    land = complete_landscape(ts)
    # a run that ends at the spurious minimum near W = 0.146 (floats: gradient descent)
    from symlqr.matrix.objective import maml_gradient
    W = np.array([[0.2]])
    its = [W.copy()]
    for _ in range(400):
        W = W - 0.02 * maml_gradient(W, ts)
        its.append(W.copy())
    res = certify_run(ts, np.array(its), landscape=land, every=100)
    lo, hi = (float(x) for x in res.gap_to_min)
    h = maml_value(its[-1], ts)
    # min h by a float scan, the best grid point then polished by scipy's bounded search
    # (20,001 grid points took 24 s; 2,001 and the polish 2.5 s)
    from scipy.optimize import minimize_scalar
    grid = np.linspace(0.08, 1.8, 2001)
    vals = [maml_value(np.array([[w]]), ts) for w in grid]
    k = int(np.argmin(vals))
    near = minimize_scalar(lambda w: maml_value(np.array([[w]]), ts), method="bounded",
                           bounds=(grid[max(k - 1, 0)], grid[min(k + 1, len(grid) - 1)]),
                           options={"xatol": 1e-12})
    best = min(vals[k], float(near.fun))
    assert lo <= h - best + 1e-9 and h - best - 1e-6 <= hi
    assert lo > 0.05                    # a spurious minimum: proven above min h


def test_excluded_boxes_of_a_two_by_one_gain_rechecked_in_floats():
    """Outside-the-domain exclusions (including those read through the sign of a
    denominator on the stabilizing set) against float spectral radii; level
    exclusions against float h; gradient exclusions against float gradients."""
    from symlqr.matrix.objective import maml_gradient
    ts = MatrixTaskSet([MatrixTask([[1, "1/10"], [0, 1]], [[0], [1]], [[1, 0], [0, 1]], [[1]])],
                       "1/100")
    res = complete_landscape(ts, max_boxes=1200, audit=5000)
    rng = np.random.default_rng(5)
    kinds = set()
    for lo, hi, why in res.outcome.audit:
        for _ in range(3):
            W = rng.uniform(lo, hi)[None, :]
            inside = in_domain(W, ts)
            if why.startswith("outside"):
                assert not inside, (lo, hi, why)
            elif why.startswith("h > L") and inside:
                assert maml_value(W, ts) > float(res.level)
            elif why.startswith("grad h != 0") and inside:
                assert np.linalg.norm(maml_gradient(W, ts)) > 0
            kinds.add(why.split(":")[0])
    assert {"outside the domain", "grad h != 0", "h > L on the box"} <= kinds


def test_verify_run_complete_from_the_command_line(tmp_path):
    f = tmp_path / "t.json"
    f.write_text('{"eta": "1/100", "tasks": [{"A": [[1]], "B": [[1]], "Q": [[2]], "R": [[2]]},'
                 ' {"A": [[1]], "B": [[1]], "Q": [["0.1"]], "R": [["0.1"]]}]}')
    run = tmp_path / "run.npz"
    np.savez(run, iterates=np.array([[[0.7]], [[0.65]], [[0.62]], [[0.6180339887]]]))
    out = subprocess.run([sys.executable, "-m", "symlqr.verify", str(f), "--run", str(run),
                          "--complete"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "h(W_T) - min h in" in out.stdout           # the global minimum: gap near 0


def test_certify_stable_answers_not_proven_where_the_float_guess_fails(monkeypatch):
    import scipy.linalg as sla
    from symlqr.matrix import validated

    def broken(*a, **k):
        raise np.linalg.LinAlgError("singular")
    monkeypatch.setattr(sla, "solve_discrete_lyapunov", broken)
    assert validated.certify_stable([[0.5, 0.0], [0.0, 0.5]]) is False


def test_centre_values_enclose_the_exact_value_at_the_centre():
    rng = np.random.default_rng(11)
    ctx = fmpq_mpoly_ctx.get(("x", "y"), "lex")
    for _ in range(5):
        p = _random_poly(rng, ctx, 7)
        a, b = sorted(rng.uniform(-2, 2, 2)), sorted(rng.uniform(-2, 2, 2))
        box = [(Fraction(a[0]), Fraction(a[1])), (Fraction(b[0]), Fraction(b[1]))]
        lo, hi, f = bz.coefficients(p, box)
        clo, chi = bz.centre_values(lo, hi)
        v = bz.exact_value(p, [(x + y) / 2 for x, y in box]) * f
        assert Fraction(float(clo[0])) <= v <= Fraction(float(chi[0]))
