"""Task indices a user sees are 1-based everywhere: the number a JSON document gives for a
task (``adapted_to_optimum``, ``adaptation_critical``, a proof's ``task``) is the number
the text output prints for that task ("task k: A=... B=..."). Checked independently:
``W*_k`` of the task printed as "task k" comes from scipy's discrete Riccati solver, and
``F_k(W) = W - eta C_k'(W)`` from a central finite difference of the closed-loop cost."""
import json
import re
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
from scipy.linalg import solve_discrete_are

TASK_LINE = re.compile(r"task (\d+): A=(\S+) B=(\S+) Q=(\S+) R=(\S+) s0=(\S+) s0a=(\S+)")


def run(*argv):
    r = subprocess.run([sys.executable, *argv], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    return r.stdout


def printed_tasks(text):
    """{k: (A, B, Q, R, s0a)} for every line "task k: ..." of the text output."""
    return {int(m[0]): tuple(float(Fraction(v)) for v in (m[1], m[2], m[3], m[4], m[6]))
            for m in TASK_LINE.findall(text)}


def w_star(A, B, Q, R, s0a):
    P = solve_discrete_are(np.array([[A]]), np.array([[B]]), np.array([[Q]]),
                           np.array([[R]]))[0, 0]
    return B * P * A / (B * B * P + R)


def cost(W, A, B, Q, R, s0):
    return s0 ** 2 * (Q + R * W * W) / (1 - (A - B * W) ** 2)


def adapt(W, task, eta, steps=1, h=1e-7):
    A, B, Q, R, s0a = task
    for _ in range(steps):
        W = W - eta * (cost(W + h, A, B, Q, R, s0a) - cost(W - h, A, B, Q, R, s0a)) / (2 * h)
    return W


def adapted_tasks(doc, tasks, W, steps=1):
    eta = float(Fraction(doc["eta"]))
    return [k for k, t in sorted(tasks.items())
            if abs(adapt(W, t, eta, steps) - w_star(*t)) < 1e-6]


@pytest.mark.parametrize("name,expected", [("fig1", [[1], [1], [1]]), ("fig2", None)])
def test_certify_json_task_index_is_the_number_the_text_prints(name, expected):
    text = run("-m", "symlqr.certify", name, "--digits", "20")
    doc = json.loads(run("-m", "symlqr.certify", name, "--json", "--digits", "20"))
    tasks = printed_tasks(text)
    assert sorted(tasks) == list(range(1, len(doc["tasks"]) + 1))
    opt = [p["adapted_to_optimum"] for p in doc["stationary_points"] if p["adapted_to_optimum"]]
    if expected is not None:                 # fig1: each of the three minima has F(W) = W*
        assert opt == expected
    assert opt, "no point adapted to an optimum: the check below would be empty"
    for p in doc["stationary_points"]:
        assert p["adapted_to_optimum"] == adapted_tasks(doc, tasks, float(p["W"]))
        for k in p["adaptation_critical"]:
            assert 1 <= k <= len(tasks)


def test_variants_json_task_index_is_the_number_the_text_prints():
    args = ("-m", "symlqr.certify", "fig2", "--steps", "2", "--digits", "20")
    tasks = printed_tasks(run(*args))
    doc = json.loads(run(*args, "--json"))
    assert doc["steps"] == 2 and len(tasks) == len(doc["tasks"]) == 2
    seen = set()
    for p in doc["stationary_points"]:
        assert p["adapted_to_optimum"] == adapted_tasks(doc, tasks, float(p["W"]), steps=2)
        seen.update(p["adapted_to_optimum"])
    assert seen, "no fixed point adapted to an optimum: the check above would be vacuous"


def test_proof_json_task_is_the_number_in_its_text_line():
    text = run("proofs/theorem2.py", "fig2", "--digits", "20")
    doc = json.loads(run("proofs/theorem2.py", "fig2", "--json", "--digits", "20"))
    doc = doc[0] if isinstance(doc, list) else doc
    heads = re.findall(r"on task (\d+)'s own objective at w\* = (\S+)", text)
    assert [(p["task"], p["W"]) for p in doc["points"]] == [(int(k), w) for k, w in heads]
    assert {p["task"] for p in doc["points"]} == {1, 2}
    assert [s["task"] for s in doc["landscapes"]] == [1, 2]
