"""python -m symlqr.maml and python -m symlqr.verify: documents, files, bad input."""
import json
import subprocess
import sys

import numpy as np
import pytest

from symlqr.cli import maml as maml_cli
from symlqr.cli import verify as verify_cli

TWO_STATE = {"eta": "0.01", "tasks": [
    {"A": [[1, "0.1"], [0, 1]], "B": [[0], [1]], "Q": [[1, 0], [0, 1]], "R": [[1]]},
    {"A": [["1.1", "0.1"], [0, "0.9"]], "B": [[0], [1]], "Q": [[1, 0], [0, 2]], "R": [["0.5"]],
     "Sigma0": [[2, 0], [0, 1]]}]}
POINT_KEYS = {"W", "type", "certified", "h", "box_radius", "theorem2", "gap_upper", "runs"}


@pytest.fixture
def two_state(tmp_path):
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps(TWO_STATE))
    return str(path)


def run(main, argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_maml_json_document_has_the_interface_fields(two_state, capsys, tmp_path):
    traj = tmp_path / "runs.npz"
    code, out, err = run(maml_cli.main, [two_state, "--json", "--starts", "3", "--iters", "300",
                                         "--trajectories", str(traj)], capsys)
    doc = json.loads(out)
    assert code in (0, 3) and err == ""
    assert doc["points"] and doc["completeness"].startswith("found by search")
    for p in doc["points"]:
        assert POINT_KEYS <= set(p)
        assert len(p["W"]) == 1 and len(p["W"][0]) == 2
        assert p["type"] in ("min", "max", "saddle", "undecided")
        if p["certified"]:
            lo, hi = (float(x) for x in p["h"])
            assert lo <= hi and isinstance(p["gap_upper"], str) and p["theorem2"] is None
    assert sum(p["runs"] for p in doc["points"]) + doc["runs_unresolved"] + \
        doc["runs_stalled"] == 3
    for entry in doc["runs"]:        # stalled: stopped at the limit well above the point's h
        if entry["stalled"]:
            assert entry["point"] is None and not entry["converged"]
            assert entry["h_final"] > min(float(p["h"][1]) for p in doc["points"]) + 1e-8
    data = np.load(traj)
    assert data["W_0"].shape[1:] == (1, 2) and len(data["h_0"]) == len(data["W_0"])
    assert (code == 0) == all(p["certified"] for p in doc["points"])


def test_python_dash_m_maml_runs_with_defaults_on_a_scalar_task_file(tmp_path):
    path = tmp_path / "scalar.toml"
    path.write_text('eta = "0.01"\n[[tasks]]\nA = 1\nB = 1\nQ = 2\nR = 2\n')
    proc = subprocess.run([sys.executable, "-m", "symlqr.maml", str(path), "--json",
                           "--starts", "3"], capture_output=True, text=True, timeout=120)
    doc = json.loads(proc.stdout)
    assert proc.returncode == 0, proc.stderr
    assert all(p["certified"] and p["type"] == "min" and p["theorem2"] is not None
               for p in doc["points"])


def test_maml_writes_a_gap_plot_and_json_trajectories(two_state, capsys, tmp_path):
    pytest.importorskip("matplotlib")
    png, traj = tmp_path / "gap.png", tmp_path / "runs.json"
    code, out, _ = run(maml_cli.main, [two_state, "--starts", "2", "--iters", "30",
                                       "--no-certify", "--plot", str(png),
                                       "--trajectories", str(traj), "--method", "fomaml"],
                       capsys)
    assert png.read_bytes()[:4] == b"\x89PNG"
    runs = json.loads(traj.read_text())["runs"]
    assert len(runs) == 2 and len(runs[0]["trajectory"]) == len(runs[0]["h"])
    assert "limit point" in out


@pytest.mark.parametrize("content,args,message", [
    ('{"eta": 1, "tasks": [{"A": [[1, 2]], "B": [[1]], "Q": [[1]], "R": [[1]]}]}', [],
     "A must be square"),
    ('{"eta": 1, "tasks": [{"A": [[1]], "B": [[1]], "Q": [[1]], "R": [["-1"]]}]}', [],
     "R must be positive definite"),
    ('{"eta": 1, "tasks": [{"A": [[1, 0], [0, 1]], "B": [[1], [0]], "Q": [[1, 2], [0, 1]], '
     '"R": [[1]]}]}', [], "Q must be a symmetric"),
    ('{"eta": 1, "tasks": [{"A": [["__import__(\'os\')"]], "B": [[1]], "Q": [[1]], '
     '"R": [[1]]}]}', [], "is not a number"),
    ('{"eta": 1, "tasks": [{"A": [[2, 0], [0, 2]], "B": [[1], [0]], "Q": [[1, 0], [0, 1]], '
     '"R": [[1]]}]}', [], "no stabilizing"),
    ('{"tasks": [{"A": 1, "B": 1, "Q": 2, "R": 2}]}', [], "step size"),
    ('{"eta": 1, "tasks": [{"A": 1, "B": 1, "Q": 2, "R": 2}]}', ["--iters", "-1"], "--iters"),
    ('{"eta": 1, "tasks": [{"A": 1, "B": 1, "Q": 2, "R": 2}]}', ["--beta", "0"], "--beta"),
    ('{"eta": 1, "tasks": [{"A": 1, "B": 1, "Q": 2, "R": 2}]}', ["--trajectories", "x.txt"],
     ".json or .npz"),
    ('{"eta": 1, "tasks": [', [], "invalid JSON"),
])
def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys, content, args, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    out_file = tmp_path / "out.json"
    code, out, err = run(maml_cli.main, [str(path), "--output", str(out_file), *args], capsys)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not out_file.exists()


def test_verify_certifies_a_users_point_and_rejects_a_non_stationary_one(two_state, capsys):
    code, out, _ = run(maml_cli.main, [two_state, "--json", "--starts", "2", "--iters", "300"],
                       capsys)
    W = next(p["W"] for p in json.loads(out)["points"] if p["certified"])
    near = [[w + 1e-4 for w in W[0]]]
    code, out, err = run(verify_cli.main, [two_state, "--json", "--W", json.dumps(near),
                                           "--W", "[[3, 3]]"], capsys)
    doc = json.loads(out)
    first, second = doc["points"]
    assert first["certified"] and first["exists_unique"] and first["distance"] < 1e-3
    assert not second["certified"] and second["distance"] is None
    A, B = np.array([[1, 0.1], [0, 1]]), np.array([[0], [1]])    # task 1, W = [[3, 3]]
    assert max(abs(np.linalg.eigvals(A - B @ np.array([[3, 3]])))) > 1
    assert second["at_input"]["stabilizing"] is False and second["answered"]
    assert code == 0                      # both questions decided: one point, one outside


def test_verify_rejects_a_gain_of_the_wrong_shape(two_state, capsys):
    code, out, err = run(verify_cli.main, [two_state, "--W", "[[1, 2, 3]]"], capsys)
    assert code == 2 and "expected 1 row(s) of 2 number(s)" in err


SCALED = {"eta": "0.01", "tasks": [
    {"A": [[1, "0.1"], [0, 1]], "B": [[0], [1]], "Q": [[2, 0], [0, 2]], "R": [[2]]},
    {"A": [[1, "0.1"], [0, 1]], "B": [[0], [1]], "Q": [["0.1", 0], [0, "0.1"]],
     "R": [["0.1"]]}]}


@pytest.mark.parametrize("method", ["maml", "fomaml"])
def test_two_adaptation_steps_give_certified_points_of_the_right_object(tmp_path, capsys,
                                                                       method):
    """--steps 2 used to report the runs only; now every limit point is certified
    as a zero of grad h_2 (maml) or of the FO-MAML direction, and says which."""
    path = tmp_path / "scaled.json"
    path.write_text(json.dumps(SCALED))
    code, out, err = run(maml_cli.main, [str(path), "--json", "--starts", "2", "--iters",
                                         "300", "--steps", "2", "--method", method], capsys)
    doc = json.loads(out)
    assert doc["points"] and err == ""
    for p in doc["points"]:
        assert p["certified"] and p["steps"] == 2 and p["method"] == method
        assert p["type"] in (("min", "max", "saddle") if method == "maml" else
                             ("attracting", "repelling", "saddle"))
        assert ("grad h" in p["certified_object"]) == (method == "maml")
        assert float(p["gap_upper"]) >= 0


def test_maml_text_shows_each_point_W_and_why_theorem_2_does_not_apply(two_state, capsys):
    argv = [two_state, "--starts", "2", "--iters", "300"]
    code, text, _ = run(maml_cli.main, argv, capsys)
    code, out, _ = run(maml_cli.main, argv + ["--json"], capsys)
    for p in json.loads(out)["points"]:
        assert verify_cli.gain_text(p["W"]) in text
    assert "theorem2: not applicable (2 tasks)" in text and "None" not in text
