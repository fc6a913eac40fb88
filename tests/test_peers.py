"""The peers' systems (examples/peers/), the zeroth-order estimator and rank-one Sigma0.

Independent checks: the task files against the generator script, the Toso cost
against their own finite-horizon recursion, exact derivatives against central
differences, the estimator against the exact gradient, a certified point against a
long float run, scipy's Lyapunov solver for the rank-one cost.
"""
import importlib.util
import json
import pathlib
import sys
from fractions import Fraction

import numpy as np
import pytest
import scipy.linalg as sla

from symlqr.matrix.certificate import certify_point, optimum_enclosure
from symlqr.matrix.boxes import arb_tasks_of
from symlqr.matrix.lqr import cost, gradient, optimal_gain, spectral_radius
from symlqr.matrix.objective import in_domain, maml_point, maml_value
from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet, load_matrix_tasks_file
from symlqr.matrix.validated import ball_matrix, certify_stable
from flint import fmpq, fmpq_mat
from symlqr.matrix.zeroth_order import gradient_estimate, hessian_estimate, lqr_cost
from symlqr.tasks import InputError

ROOT = pathlib.Path(__file__).resolve().parent.parent
PEERS = ROOT / "examples" / "peers"


def _generator():
    spec = importlib.util.spec_from_file_location("make_peers", PEERS / "make_peers.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("make_peers", mod)
    spec.loader.exec_module(mod)
    return mod


MP = _generator()


def taskset(name):
    d = load_matrix_tasks_file(str(PEERS / f"{name}.json"))
    return MatrixTaskSet(d["tasks"], d["eta"], d["weights"], d["name"])


def k0(which):
    doc = json.loads((PEERS / "K0.json").read_text())
    entry = doc["pan_rounds"][0] if which == "pan" else doc[which]
    return np.array(entry["K0"], dtype=float)


def test_task_files_are_what_the_generator_makes_and_load():
    docs = MP.documents()
    assert sorted(docs) == sorted(p.name for p in PEERS.glob("*.json"))
    for name, doc in docs.items():
        assert json.loads((PEERS / name).read_text()) == json.loads(MP.dumps(doc)), name
        if name != "K0.json":
            ts = taskset(name[:-5])
            assert len(ts.tasks) == 10 and ts.shape == (2, 4)
    # the notebooks' nominal task is task 1, the others within eps = 0.01 (spectral norm)
    ts = taskset("toso_notebook_A")
    A = [t[0] for t in ts.float_tasks()]
    assert np.array_equal(A[0], MP.A_NOTEBOOK)
    assert max(np.linalg.norm(a - b, 2) for a in A for b in A) < 0.01


def test_toso_cost_matches_their_finite_horizon_recursion_and_printed_value():
    t = taskset("toso_notebook_A").float_tasks()[0]
    A, B, Q, R, S = t[:5]
    x0, K = MP.X0_TOSO, k0("toso_notebook")
    P = Q.copy()
    for _ in range(501):                      # their lqr_cost: P_0 = Q, N + 1 = 501 steps
        M = A - B @ K
        P = Q + K.T @ R @ K + M.T @ P @ M
    assert np.isclose(cost(K, A, B, Q, R, S), x0 @ P @ x0, rtol=1e-12)
    assert np.isclose(cost(K, A, B, Q, R, S), 22.546370377402766, rtol=1e-12)   # cell 6


def test_pan_tasks_are_the_seeded_variants():
    A, B = MP.pan_nominal()
    assert np.isclose(np.max(np.abs(np.linalg.eigvals(A))), 1 / 1.1)
    t = taskset("pan_zomaml_1e-3").float_tasks()
    s = taskset("pan_zomaml_1.1e-4").float_tasks()
    # the same standard normals at both scales (one seed): differences scale by 1e-3/1.1e-4
    for a, b in zip(t[1:], s[1:]):
        assert np.allclose((a[0] - A) * 1.1e-4, (b[0] - A) * 1e-3, atol=1e-15)
    rs = np.random.RandomState(2025)
    rs.rand(2, 4)
    assert np.allclose(t[1][0], A + 1e-3 * rs.standard_normal((4, 4)), atol=1e-15)


def test_starting_gain_stabilizes_the_notebooks_A_not_the_reports():
    K = k0("toso_notebook")
    doc = json.loads((PEERS / "K0.json").read_text())["toso_notebook"]
    for A, key in ((MP.A_NOTEBOOK, "rho_notebook_A"), (MP.A_REPORT, "rho_report_A")):
        assert np.isclose(spectral_radius(K, A, MP.B_BOEING), doc[key], rtol=1e-12)
    M = lambda A: ball_matrix(A) - ball_matrix(MP.B_BOEING) * ball_matrix(K)
    assert certify_stable(M(MP.A_NOTEBOOK))            # proven stable (Lyapunov, balls)
    # exact: det(I - M) = prod (1 - l_i) > 0 for every Schur-stable real M; here it is < 0
    q = lambda m: [[fmpq(Fraction(str(v)).numerator, Fraction(str(v)).denominator) for v in row]
                   for row in m]
    Mq = fmpq_mat(q(MP.A_REPORT)) - fmpq_mat(q(MP.B_BOEING)) * fmpq_mat(q(K))
    assert (fmpq_mat(4, 4, [int(i == j) for i in range(4) for j in range(4)]) - Mq).det() < 0
    assert in_domain(K, taskset("toso_notebook_A"))
    assert not in_domain(K, taskset("toso_report_A"))


def _central_gradient(f, W, step):
    g = np.zeros_like(W)
    for idx in np.ndindex(*W.shape):
        E = np.zeros_like(W)
        E[idx] = step
        g[idx] = (f(W + E) - f(W - E)) / (2 * step)
    return g


@pytest.mark.parametrize("name,which,step", [("toso_notebook_A", "toso_notebook", 1e-6),
                                             ("pan_zomaml_1e-3", "pan", 1e-5)])
def test_exact_gradient_and_hessian_at_the_starting_gains(name, which, step):
    ts, W = taskset(name), k0(which)
    p = maml_point(W, ts)
    fd = _central_gradient(lambda V: maml_value(V, ts), W, step)
    assert np.linalg.norm(p.grad - fd) <= 1e-5 * np.linalg.norm(p.grad)
    H = np.array(p.hess_dense())
    cols = []
    for idx in np.ndindex(*W.shape):
        E = np.zeros_like(W)
        E[idx] = step
        cols.append(((maml_point(W + E, ts).grad - maml_point(W - E, ts).grad)
                     / (2 * step)).ravel())
    assert np.linalg.norm(H - np.array(cols).T) <= 1e-4 * np.linalg.norm(H)


def test_zeroth_order_gradient_converges_to_the_exact_gradient():
    t = taskset("pan_zomaml_1e-3").float_tasks()[0]
    W = k0("pan")
    c = lambda V: lqr_cost(V, *t[:5])
    g = gradient(W, *t[:5])
    errs = [np.mean([np.linalg.norm(gradient_estimate(c, W, radius=1e-3, samples=m, seed=s)
                                    - g) for s in range(3)]) / np.linalg.norm(g)
            for m in (10, 100, 800)]
    assert errs[2] < 0.2 and errs[2] < errs[1] < errs[0]
    # the mean over seeds of a few samples is unbiased up to O(radius^2)
    mean = np.mean([gradient_estimate(c, W, radius=1e-3, samples=20, seed=s)
                    for s in range(80)], axis=0)
    assert np.linalg.norm(mean - g) < 0.2 * np.linalg.norm(g)


def test_hessian_estimates_the_papers_form_is_a_multiple_of_identity_stein_is_not():
    t = taskset("pan_zomaml_1e-3").float_tasks()[0]
    W = k0("pan")
    c = lambda V: lqr_cost(V, *t[:5])
    H = np.array(maml_point(W, MatrixTaskSet([taskset("pan_zomaml_1e-3").tasks[0]],
                                             "1e-12")).hess_dense())
    flat = hessian_estimate(c, W, radius=1.1e-3, samples=50, form="flat", seed=1)
    scale = np.mean(np.diag(flat))
    assert np.linalg.norm(flat - scale * np.eye(8)) < 1e-4 * abs(scale)
    toso = hessian_estimate(c, W, radius=1.1e-3, samples=50, form="toso", seed=1)
    assert toso.shape == (2, 2)
    stein = hessian_estimate(c, W, radius=1e-2, samples=3000, form="stein", seed=1)
    assert np.linalg.norm(stein - H) < 0.35 * np.linalg.norm(H)
    with pytest.raises(ValueError):
        hessian_estimate(c, W, radius=1e-3, samples=2, form="nope")


def test_rank_one_sigma0_is_accepted_and_weakens_only_the_global_claims():
    A, B, Q, R = [[1, "0.1"], [0, 1]], [[0], [1]], [[1, 0], [0, 1]], [[1]]
    t = MatrixTask(A, B, Q, R, [[1, 2], [2, 4]])                # x0 = (1, 2)
    assert not t.definite and t.Sigma0[1][1] == Fraction(4)
    Af, Bf, Qf, Rf, S = t.floats()[:5]
    W = optimal_gain(Af, Bf, Qf, Rf)
    P = sla.solve_discrete_lyapunov((Af - Bf @ W).T, Qf + W.T @ Rf @ W)
    assert np.isclose(cost(W, Af, Bf, Qf, Rf, S), np.array([1, 2]) @ P @ np.array([1, 2]))
    enc = optimum_enclosure(arb_tasks_of(t))                    # W* still minimizes C
    assert enc is not None and enc.contains(float(np.array([1, 2]) @ P @ np.array([1, 2])))
    c = certify_point(W, MatrixTaskSet([t], "0.01"))
    assert c.certified and c.type == "min" and c.theorem2 is None
    # x0 excites both modes: S at F(w*) proven definite, so grad C(F) = 0 still forces W*
    assert c.global_by_chain_rule is True and c.gap_upper == "0"
    assert any("Theorem 2 assumes Sigma0 > 0" in r for r in c.reasons)
    # x0 = e1 spans an invariant subspace of every A - B W: hess C(W*) is singular, W* is
    # not an isolated zero of grad C, yet min C = C(W*) is enclosed (box proven with I)
    t = MatrixTask([["1/2", 0], [0, "1/2"]], [[1], [0]], Q, R, [[1, 0], [0, 0]])
    Af, Bf, Qf, Rf, S = t.floats()[:5]
    W = optimal_gain(Af, Bf, Qf, Rf)
    H = np.array(maml_point(W, MatrixTaskSet([t], "1e-9")).hess_dense())
    assert abs(np.linalg.det(H)) < 1e-12
    enc = optimum_enclosure(arb_tasks_of(t))
    assert enc is not None and enc.contains(sla.solve_discrete_lyapunov(
        (Af - Bf @ W).T, Qf + W.T @ Rf @ W)[0, 0])
    for bad in ([[1, 2], [2, 1]], [[0, 0], [0, 0]]):
        with pytest.raises(InputError, match="semidefinite and nonzero"):
            MatrixTask(A, B, Q, R, bad)


def _pan_limit():
    ts, W = taskset("pan_zomaml_1e-3"), k0("pan")
    for _ in range(300):                                        # the published step 5e-2
        W = W - 5e-2 * maml_point(W, ts).grad
    return ts, W


@pytest.mark.slow
def test_certified_limit_point_of_pans_run_against_a_long_float_run():
    from symlqr.matrix.algorithm import run_maml
    ts, W300 = _pan_limit()
    c = certify_point(W300, ts)
    assert c.certified and c.type == "min" and float(c.gap_upper) < 1e-5
    run = run_maml(ts, W300, iters=20000, tol=1e-11)
    assert run.converged
    far = np.array(run.W)
    assert np.max(np.abs(far - np.array(c.W))) < 1e-6
    assert float(c.h[0]) - 1e-12 <= maml_value(far, ts) <= float(c.h[1]) + 1e-9


@pytest.mark.slow
def test_notebook_8_redoes_both_runs_and_certifies_their_limit_points(tmp_path, monkeypatch):
    import nbformat
    from nbclient import NotebookClient
    spec = tmp_path / "jupyter" / "kernels" / "symlqr-peers-tests"
    spec.mkdir(parents=True)
    spec.joinpath("kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "symlqr peers tests", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    nb = nbformat.read(ROOT / "notebooks" / "08_published_runs.ipynb", as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="symlqr-peers-tests",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    outs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    text = "\n".join(o.get("text", "") for o in outs if o.output_type == "stream")
    assert "toso_notebook   report             3.0730  NOT stable" in text
    assert "toso_notebook   notebooks          0.9502  stable" in text
    assert "exact gradient, step 8e-6: leaves the domain at iteration 2" in text
    assert text.count("certified: True, type min") == 2
    assert "machine: " in text and "cores" in text
    assert sum("image/png" in o.get("data", {}) for o in outs) == 3
