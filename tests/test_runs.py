"""A user's gain and run certified (symlqr.matrix.runs, python -m symlqr.verify --run):
checked against central differences, numpy spectral radii and float values of h."""
import json

import numpy as np
import pytest

from symlqr.cli import verify as verify_cli
from symlqr.matrix.algorithm import run_maml
from symlqr.matrix.lqr import spectral_radius
from symlqr.matrix.objective import maml_value
from symlqr.matrix.runs import certify_run, check_gain, stationary_within
from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet

EXAMPLE = "examples/scaled_costs_2state.json"
TASKS = [dict(A=[[1, "0.1"], [0, 1]], B=[[0], [1]], Q=[[2, 0], [0, 2]], R=[[2]]),
         dict(A=[[1, "0.1"], [0, 1]], B=[[0], [1]], Q=[["0.1", 0], [0, "0.1"]], R=[["0.1"]])]


@pytest.fixture(scope="module")
def ts():
    return MatrixTaskSet([MatrixTask(**t) for t in TASKS], "0.01")


@pytest.fixture
def task_file(tmp_path):
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps({"eta": "0.01", "tasks": TASKS}))
    return str(path)


def central_gradient(W, ts, step=1e-6):
    W = np.asarray(W, dtype=float)
    g = np.zeros_like(W)
    for idx in np.ndindex(W.shape):
        E = np.zeros_like(W)
        E[idx] = step
        g[idx] = (maml_value(W + E, ts) - maml_value(W - E, ts)) / (2 * step)
    return g


def run(argv, capsys):
    code = verify_cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_gain_check_encloses_the_gradient_norm_and_finds_no_point_within_a_tight_radius(ts):
    W = np.array([[1.27, 0.59]])
    g = check_gain(W, ts)
    norm = np.linalg.norm(central_gradient(W, ts))
    lo, hi = (float(x) for x in g.grad_norm)
    assert g.stabilizing and g.grad_nonzero and lo * (1 - 1e-6) <= norm <= hi * (1 + 1e-6)
    cert, dist, why = stationary_within(W, ts)
    assert cert is None and "beyond" in why
    cert, dist, why = stationary_within(W, ts, radius=1.0)
    assert cert.certified and cert.type == "min"
    assert abs(dist - np.max(np.abs(np.array(cert.W) - W))) < 1e-9 and 0.5 < dist < 1.0
    assert np.linalg.norm(central_gradient(np.array(cert.W), ts)) < 1e-6


def test_verify_text_answers_about_the_users_W_first(task_file, capsys):
    code, out, _ = run([task_file, "--W", "[[1.27, 0.59]]"], capsys)
    lines = out.splitlines()
    assert lines[1] == "W 1 = [1.27 0.59]" and "grad h(W) proven nonzero" in lines[3]
    assert "no certified stationary point within radius" in lines[4]
    assert "reached by Newton from W" in out and "theorem2: not applicable (2 tasks)" in out
    assert "None" not in out and code == 0
    code, out, _ = run([task_file, "--W", "[[1.27, 0.59]]", "--radius", "1", "--json"], capsys)
    p = json.loads(out)["points"][0]
    assert p["within_radius"] and p["at_input"]["grad_nonzero"] and p["spurious"] is None
    assert p["input"] == [[1.27, 0.59]] and p["distance"] <= 1


def test_a_converged_run_is_certified_at_its_last_iterate(ts):
    r = run_maml(ts, np.array([[1.27, 0.59]]), iters=500)
    res = certify_run(ts, r.trajectory)
    assert res.status == "converged" and res.within.certified and res.within.type == "min"
    assert all(x["stabilizing"] is True for x in res.iterates)
    lo, hi = (float(x) for x in res.gap)       # h(W_T) - sum_i w_i C_i(W*_i)
    assert lo <= maml_value(np.array(r.trajectory[-1]), ts) - float(res.lower_bound[0]) + 1e-9
    assert "converged" in str(res) and res.to_dict()["iterations"] == len(r.trajectory)


def test_a_stalled_run_is_reported_stalled(ts):
    r = run_maml(ts, np.array([[1.27, 0.59]]), iters=30, beta=1e-7)
    res = certify_run(ts, r.trajectory)
    g0, g1 = (np.linalg.norm(central_gradient(np.array(W), ts)) for W in
              (r.trajectory[-11], r.trajectory[-1]))
    assert g1 > 0.9 * g0                        # floats agree: |grad h| barely moved
    assert res.status == "stalled" and res.within is None
    assert res.iterates[-1]["grad_nonzero"] and res.nearest.certified


def test_a_diverging_run_is_reported_diverging(ts):
    W0 = np.array([[0.59, 0.71]])
    g = central_gradient(W0, ts)
    Ws = [W0 + 0.002 * t * g / np.linalg.norm(g) for t in range(12)]   # ascent
    hs = [maml_value(W, ts) for W in Ws]
    assert all(a < b for a, b in zip(hs, hs[1:]))
    res = certify_run(ts, Ws)
    assert res.status == "diverging" and res.left_domain_at is None


def test_a_run_that_leaves_the_domain(ts, tmp_path):
    W0 = np.array([[0.59, 0.71]])
    Ws = [W0 * (1 + 0.5 * t) for t in range(12)]
    res = certify_run(ts, Ws)
    t_out = next(t for t, W in enumerate(Ws)
                 if max(spectral_radius(W, *t_[:2]) for t_ in ts.float_tasks()) >= 1)
    assert res.status == "left the domain" and 0 < res.left_domain_at <= t_out
    assert all(x["stabilizing"] for x in res.iterates[:res.left_domain_at])
    assert res.iterates[-1]["stabilizing"] is False    # proven unstable (Arb eigenvalues)
    assert max(spectral_radius(Ws[-1], *t_[:2]) for t_ in ts.float_tasks()) > 1.05


def test_gradient_estimates_in_the_file_are_compared_with_the_exact_gradient(ts, task_file,
                                                                            tmp_path, capsys):
    r = run_maml(ts, np.array([[1.27, 0.59]]), iters=8)
    Ws = np.array(r.trajectory)
    cd = np.array([central_gradient(W, ts) for W in Ws])
    path = tmp_path / "run.npz"
    np.savez(path, iterates=Ws, gradients=cd)
    code, out, _ = run([task_file, "--run", str(path), "--json"], capsys)
    doc = json.loads(out)
    assert all(float(x["grad_error"][1]) < 1e-5 for x in doc["iterates"])
    np.savez(path, iterates=Ws, gradients=cd * 1.1)      # a 10% too long estimate
    code, out, _ = run([task_file, "--run", str(path), "--json"], capsys)
    for x in json.loads(out)["iterates"]:
        lo, hi = (float(v) for v in x["grad_error"])
        assert lo - 1e-5 <= 0.1 <= hi + 1e-5
    code, out, _ = run([task_file, "--run", str(path)], capsys)
    assert "relative error against the exact gradient at most 0.1" in out


def test_a_csv_run_reads_like_the_npz_one(ts, task_file, tmp_path, capsys):
    Ws = np.array(run_maml(ts, np.array([[1.27, 0.59]]), iters=5).trajectory)
    csv = tmp_path / "run.csv"
    csv.write_text("w11,w12\n" + "\n".join(",".join(repr(float(v)) for v in W.ravel()) for W in Ws))
    np.savez(tmp_path / "run.npz", Ws)                    # one unnamed array: arr_0
    docs = []
    for name in ("run.csv", "run.npz"):
        code, out, err = run([task_file, "--run", str(tmp_path / name), "--json"], capsys)
        assert code != 2, err
        docs.append(json.loads(out))
    strip = lambda d: [dict(x, reasons=None) for x in d["iterates"]]
    assert strip(docs[0]) == strip(docs[1]) and docs[0]["status"] == docs[1]["status"]


@pytest.mark.parametrize("content, message", [
    (b"PK\x03\x04 truncated", "not a readable .npz file"),
    (None, "not a readable .npz file"),
])
def test_a_truncated_or_bad_run_file_is_one_line_and_exit_2(ts, task_file, tmp_path, capsys,
                                                           content, message):
    path, out_file = tmp_path / "run.npz", tmp_path / "out.json"
    if content is None:                               # a real file cut in half
        np.savez(path, iterates=np.zeros((50, 1, 2)))
        content = path.read_bytes()[: path.stat().st_size // 2]
    path.write_bytes(content)
    code, out, err = run([task_file, "--run", str(path), "--output", str(out_file)], capsys)
    assert code == 2 and message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not out_file.exists() and out == ""


@pytest.mark.parametrize("name, text, message", [
    ("run.csv", "1,2,3\n", "3 numbers; expected 2"),
    ("run.csv", "1,2\n1,x\n", "line 2: not a row of numbers"),
    ("run.txt", "1,2\n", "expected a .npz or .csv file"),
])
def test_bad_csv_runs_are_one_line(task_file, tmp_path, capsys, name, text, message):
    path = tmp_path / name
    path.write_text(text)
    code, out, err = run([task_file, "--run", str(path)], capsys)
    assert code == 2 and message in err and err.count("\n") == 1


@pytest.mark.parametrize("arrays, extra, message", [
    ({"iterates": np.zeros((3, 2, 2))}, [], "shape (3, 2, 2); expected (k, 1, 2)"),
    ({"a": np.zeros((3, 1, 2)), "b": np.zeros((3, 1, 2))}, [], "name one with --key"),
    ({"a": np.zeros((3, 1, 2))}, ["--key", "c"], "no array 'c' (arrays: a)"),
    ({"iterates": np.zeros((3, 1, 2)), "gradients": np.zeros((2, 1, 2))}, [],
     "2 gradients for 3 iterates"),
    ({"iterates": np.array(["a", "b"])}, [], "expected numbers"),
    (None, [], "no such file"),
    ({"iterates": np.zeros((3, 1, 2))}, ["--W", "[[1, 1]]"], "not both"),
])
def test_bad_npz_runs_are_one_line(task_file, tmp_path, capsys, arrays, extra, message):
    path = tmp_path / "run.npz"
    if arrays is not None:
        np.savez(path, **arrays)
    code, out, err = run([task_file, "--run", str(path)] + extra, capsys)
    assert code == 2 and message in err and err.count("\n") == 1 and out == ""


def test_a_huge_or_non_finite_gain(task_file, tmp_path, capsys):
    code, _, err = run([task_file, "--W", "[[1e400, 0]]"], capsys)
    assert code == 2 and "too large for a float gain" in err and err.count("\n") == 1
    path = tmp_path / "run.npz"
    np.savez(path, iterates=np.array([[[0.59, 0.71]], [[np.nan, 0.7]]]))
    code, out, _ = run([task_file, "--run", str(path), "--json"], capsys)
    doc = json.loads(out)
    assert doc["status"] == "left the domain" and doc["left_domain_at"] == 1
    assert doc["iterates"][1]["stabilizing"] is False


def test_every_keeps_the_runs_numbering_and_an_excursion_is_named(ts):
    W0 = np.array([[0.59, 0.71]])
    Ws = [W0 * (1 + 0.5 * t) for t in range(12)] + [W0] * 12     # out and back
    res = certify_run(ts, Ws, every=2)
    assert [x["t"] for x in res.iterates] == list(range(0, 24, 2)) + [23]
    t_out = next(t for t, W in enumerate(Ws)
                 if max(spectral_radius(W, *t_[:2]) for t_ in ts.float_tasks()) >= 1)
    assert res.left_domain_at == 2 * -(-t_out // 2) or res.left_domain_at < t_out
    assert res.status == "stalled" and "not all proven in the domain" in res.status_reason
    assert f"first not proven: t = {res.left_domain_at}" in str(res)
