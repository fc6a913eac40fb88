"""The paper's hypotheses over a region against independent float computations:
numpy Hessians (``symlqr.matrix.lqr.hessian``) at random points of the boxes
proven ``eta ||hess g|| < 1``, the refuting point and the singular boxes
re-checked in floats, and the chain-rule verdict against the exact scalar engine."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from symlqr.matrix.hypotheses import NONSINGULAR, PROVEN, decide_hypotheses
from symlqr.matrix.lqr import hessian, is_stabilizing
from symlqr.matrix.objective import in_domain
from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
from symlqr.scalar.landscape import certify
from symlqr.tasks import Task, TaskSet

ONE = MatrixTaskSet([MatrixTask.from_scalar(1, 1, 1, 1)], "1/10")


def _hess(ts, W, i=0):
    A, B, Q, R, _, Sa = ts.tasks[i].floats()       # g_i: the adaptation covariance
    return hessian(np.atleast_2d(W).reshape(ts.shape), A, B, Q, R, Sa)


def _samples(audit, reason, rng, per_box=20):
    for lo, hi, why in audit:
        if why != reason:
            continue
        for _ in range(per_box):
            yield rng.uniform(lo, hi)


def _check_proven_boxes(ts, res, rng):
    eta = float(ts.eta)
    checked, biggest = 0, 0.0
    for W in _samples(res.theorem1.outcome.audit, PROVEN, rng):
        for i, t in enumerate(ts.tasks):
            A, B = t.floats()[:2]
            assert is_stabilizing(W.reshape(ts.shape), A, B)    # proven in Arb on the box
            norm = np.linalg.norm(_hess(ts, W, i), 2)
            assert eta * norm < 1
            biggest = max(biggest, norm)
            checked += 1
    assert checked > 10
    assert res.theorem1.M_upper is not None and biggest <= float(res.theorem1.M_upper)


def test_proven_box_one_by_one_against_numpy():
    res = decide_hypotheses(ONE, box=[("0.5", "0.8")], audit=200)
    assert res.theorem1.verdict == "proven" and res.chain.verdict == "proven"
    _check_proven_boxes(ONE, res, np.random.default_rng(0))
    # the bound is not loose: the float Hessian near the box's left end comes close
    near = np.linalg.norm(_hess(ONE, np.array([0.5])), 2)
    assert float(res.theorem1.M_upper) < 1.05 * near


def test_proven_box_two_states_against_numpy():
    ts = MatrixTaskSet([MatrixTask([[1, "1/10"], [0, 1]], [[0], [1]], [[1, 0], [0, 1]], [[1]])],
                       "1/100")
    res = decide_hypotheses(ts, box=[("0.56", "0.62"), ("0.68", "0.74")], audit=400)
    assert res.theorem1.verdict == "proven", res.theorem1.reason
    _check_proven_boxes(ts, res, np.random.default_rng(1))
    rng = np.random.default_rng(2)
    eta = float(ts.eta)
    for W in _samples(res.chain.outcome.audit, NONSINGULAR, rng):
        J = np.eye(2) - eta * _hess(ts, W)
        assert abs(np.linalg.det(J)) > 0


def test_refuting_point_checks_in_floats():
    res = decide_hypotheses(ONE)
    assert res.theorem1.verdict == "refuted"
    w = res.theorem1.witnesses[0]
    W = np.array(w["W"]).reshape(ONE.shape)
    assert in_domain(W, ONE)
    norm = np.linalg.norm(_hess(ONE, W), 2)
    assert float(ONE.eta) * norm > 1 and norm >= float(w["norm_lower"])


def test_chain_rule_against_the_exact_scalar_engine():
    exact = certify(TaskSet([Task(1, 1, 1, 1)], eta="1/10"))
    minima = [float(p.W) for p in exact.points if p.kind.name == "MIN"]
    assert len(minima) == 3 and all("global" in p.label for p in exact.points
                                    if p.kind.name == "MIN")
    res = decide_hypotheses(ONE)
    # on the whole domain the argument fails: every singular box has a sign change of
    # 1 - eta C''(W) in floats, and the exact engine's minima are all global anyway
    assert res.chain.verdict == "fails" and res.chain.outcome.undecided == []
    eta = float(ONE.eta)
    for item in res.chain.witnesses:
        (lo, hi), = item["box"]
        xs = np.linspace(lo, hi, 201)
        vals = [1 - eta * _hess(ONE, np.array([x]))[0, 0] for x in xs]
        assert min(vals) < 0 < max(vals)
    # near each minimum the nonsingularity is proven: the chain rule says global, as exact does
    for w in minima:
        near = decide_hypotheses(ONE, box=[(w - 0.01, w + 0.01)])
        assert near.chain.verdict == "proven", near.chain.reason
        assert "global" in near.chain.conclusion


def test_several_tasks_theorem1_per_task_and_no_chain_rule():
    ts = MatrixTaskSet([MatrixTask.from_scalar(1, 1, 1, 1), MatrixTask.from_scalar(1, 1, 2, 2)],
                       "1/100")
    res = decide_hypotheses(ts, box=[("0.55", "0.7")], audit=100)
    assert res.chain.verdict == "not applicable"
    assert res.theorem1.verdict == "proven"
    assert "does not follow" in res.theorem1.conclusion
    _check_proven_boxes(ts, res, np.random.default_rng(3))


def _run(*args):
    return subprocess.run([sys.executable, "-m", "symlqr.maml", *args], capture_output=True,
                          text=True, timeout=300)


def test_cli_bad_box_in_process(tmp_path, capsys):
    from symlqr.cli.maml import main
    f = tmp_path / "t.json"
    f.write_text('{"eta": "1/10", "tasks": [{"A": [[1]], "B": [[1]], "Q": [[1]], "R": [[1]]}]}')
    assert main([str(f), "--hypotheses", "--box", "0:1,2:3"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--box" in err


@pytest.mark.slow
def test_cli_hypotheses(tmp_path):
    f = tmp_path / "t.json"
    f.write_text('{"eta": "1/10", "tasks": [{"A": [[1]], "B": [[1]], "Q": [[1]], "R": [[1]]}]}')
    out = _run(str(f), "--hypotheses")
    assert out.returncode == 0, out.stderr
    assert "theorem1: refuted" in out.stdout and "chain rule: fails" in out.stdout
    bad = _run(str(f), "--hypotheses", "--box", "0:1,2:3")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "--box" in bad.stderr


@pytest.mark.slow
def test_cli_hypotheses_json_level_and_required_box(tmp_path):
    f = tmp_path / "t.json"
    f.write_text('{"eta": "1/10", "tasks": [{"A": [[1]], "B": [[1]], "Q": [[1]], "R": [[1]]}]}')
    ok = _run(str(f), "--hypotheses", "--box", "0.5:0.8", "--level", "3", "--json")
    assert ok.returncode == 0, ok.stderr
    doc = json.loads(ok.stdout)
    assert doc["theorem1"]["verdict"] == "proven" and doc["chain_rule"]["verdict"] == "proven"
    assert doc["level"] == "3" and float(doc["theorem1"]["M_upper"]) * 0.1 < 1
    g = tmp_path / "r2.json"
    g.write_text('{"eta": "1/10", "tasks": [{"A": [[1]], "B": [[1, 1]], "Q": [[1]], '
                 '"R": [[1, 0], [0, 1]]}]}')
    nobox = _run(str(g), "--hypotheses")
    assert nobox.returncode == 2 and nobox.stderr.count("\n") == 1 and "--box" in nobox.stderr


def test_refuted_two_states_checks_in_floats():
    ts = MatrixTaskSet([MatrixTask([[1, "1/10"], [0, 1]], [[0], [1]], [[1, 0], [0, 1]], [[1]])],
                       "1/50")          # eta ||hess C(W*)|| is about 1.36 in floats
    res = decide_hypotheses(ts, box=[("0.56", "0.62"), ("0.68", "0.74")], chain=False)
    assert res.theorem1.verdict == "refuted", res.theorem1.reason
    W = np.array(res.theorem1.witnesses[0]["W"]).reshape(ts.shape)
    assert in_domain(W, ts) and 0.56 <= W[0, 0] <= 0.62 and 0.68 <= W[0, 1] <= 0.74
    assert float(ts.eta) * np.linalg.norm(_hess(ts, W), 2) > 1


def test_chain_rule_two_states_singular_and_nonsingular_boxes_in_floats():
    ts = MatrixTaskSet([MatrixTask([[1, "1/10"], [0, 1]], [[0], [1]], [[1, 0], [0, 1]], [[1]])],
                       "1/100")
    res = decide_hypotheses(ts, box=[("0.52", "0.56"), ("1.46", "1.50")], min_width=2.0 ** -6,
                            audit=200)
    assert res.chain.verdict == "fails"
    eta = float(ts.eta)

    def det(W):
        return np.linalg.det(np.eye(2) - eta * _hess(ts, np.asarray(W)))

    for item in res.chain.witnesses:
        a, b = item["corners"]
        assert in_domain(np.array([a]), ts) and in_domain(np.array([b]), ts)
        assert det(a) * det(b) < 0                      # an eigenvalue crosses 0 between them
    rng = np.random.default_rng(4)
    # the part of the box left of the singular set (det J < 0 in floats there)
    left = decide_hypotheses(ts, box=[("0.52", "0.535"), ("1.46", "1.50")], min_width=2.0 ** -6,
                             audit=200)
    boxes = [(lo, hi) for run in (res, left) for lo, hi, why in run.chain.outcome.audit
             if why == NONSINGULAR]
    assert boxes and left.chain.verdict != "fails"
    for lo, hi in boxes:
        signs = {np.sign(det(rng.uniform(lo, hi))) for _ in range(10)}
        assert len(signs) == 1 and 0 not in signs       # no sign change inside a proven box
