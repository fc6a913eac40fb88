"""The proofs/ scripts for Lemma 1, Theorems 1-3 and Propositions 1-2.

Decided values are checked against independent float computations (mpmath
numerical derivatives of the closed-form cost, numpy scans), and the exact
edges (a hypothesis that fails only by equality) against exact rationals.
"""
import json
import os
import re
import subprocess
import sys
from fractions import Fraction

import mpmath
import pytest

from symlqr import FIGURE_NAMES, Task, TaskSet, figure
from symlqr.scalar import lqr
from symlqr.scalar.numeric import scan_local_minima
from symlqr.cli.proofs import parse_interval
from symlqr.paper.theorems import (hessian_sup, lemma1_checks, proposition1_checks,
                             proposition2_checks, theorem1_checks, theorem2_checks,
                             theorem3_checks)
from symlqr.paper.verdicts import exit_status

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCRIPTS = ("lemma1", "theorem1", "theorem2", "proposition1", "proposition2", "theorem3")


def run(script, *args):
    p = subprocess.run([sys.executable, os.path.join("proofs", f"{script}.py"), *args],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def statuses(checks, row):
    return [c.verdicts[row].status for c in checks]


# -- independent oracle: mpmath derivatives of the closed form ---------------
def _cost(task, s0):
    A, B, Q, R = (mpmath.mpf(Fraction(v).numerator) / Fraction(v).denominator
                  for v in (task.A, task.B, task.Q, task.R))
    s0 = mpmath.mpf(Fraction(s0).numerator) / Fraction(s0).denominator
    return lambda W: s0 ** 2 * (Q + R * W ** 2) / (1 - (A - B * W) ** 2)


def derivs(task, w):
    """(g'(w), g''(w)) by mpmath numerical differentiation at 40 digits."""
    with mpmath.workdps(40):
        g = _cost(task, task.s0_adapt)
        w = mpmath.mpf(w.numerator) / w.denominator
        return mpmath.diff(g, w, 1), mpmath.diff(g, w, 2)


def midpoint(point):
    lo, hi = (Fraction(x) for x in point["W_interval"])
    return (lo + hi) / 2


def task_of(ts, point):
    return ts.tasks[point["task"] - 1] if point["task"] else ts.tasks[0]


# ---------------------------------------------------------------------------
# every script on every figure, through the command line
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("script", SCRIPTS)
def test_script_runs_on_all_six_figures_without_counterexample(script):
    code, out, err = run(script, "all", "--json", "--digits", "12")
    assert code == 0, err
    docs = json.loads(out)
    assert [d["name"] for d in docs] == list(FIGURE_NAMES)
    for d in docs:
        assert d["exit_status"] == 0
        assert d["checks"], d["name"]
        for c in d["checks"]:
            assert not c["counterexample"]
            assert all(v["status"] in ("holds", "fails") for v in c["verdicts"])


def test_text_table_names_hypotheses_conclusions_and_per_task_objectives():
    code, out, _ = run("theorem2", "fig2")
    assert code == 0
    assert "Theorem 2 on task 2's own objective at w* = " in out
    assert "[H] eta < 1/|g''(w*)|" in out and "[C] w* is a global minimizer of h" in out


# ---------------------------------------------------------------------------
# Theorem 2 and Proposition 1
# ---------------------------------------------------------------------------
def test_theorem2_fig1_hypothesis_holds_only_at_the_optimal_gain():
    checks, extra = theorem2_checks(figure("fig1"))
    assert statuses(checks, 0) == ["fails", "holds", "fails"]
    assert statuses(checks, 1) == ["holds", "holds", "holds"]
    W = [float(midpoint(p)) for p in extra["points"]]
    assert W[1] == pytest.approx((5 ** 0.5 - 1) / 2, abs=1e-15)


@pytest.mark.parametrize("name", FIGURE_NAMES)
def test_theorem2_margin_agrees_with_mpmath_derivative(name):
    ts = figure(name)
    checks, extra = theorem2_checks(ts, digits=15)
    assert len(checks) == len(extra["points"])
    for c, p in zip(checks, extra["points"]):
        _, d2 = derivs(task_of(ts, p), midpoint(p))
        margin = 1 / abs(d2) - mpmath.mpf(ts.eta.numerator) / ts.eta.denominator
        v = c.verdicts[0]
        if abs(margin) < 1e-10:            # an exact edge: decided by exact arithmetic only
            assert v.status == "fails" and "0 exactly" in v.value
            continue
        assert v.status == ("holds" if margin > 0 else "fails")
        certified = float(v.value.split("= ")[1].split(" ")[0])
        assert certified == pytest.approx(float(margin), rel=1e-9)


def test_fig3d_task7_spurious_minimum_sits_exactly_on_the_equality_eta_equals_1_over_C2():
    """A single-task MAML objective with a spurious minimum: there F'(w*) = 0,
    i.e. eta = 1/C''(w*) exactly. A float check sees a margin of ~1e-17 and may
    call the hypothesis true (a false alarm against the paper)."""
    ts = figure("fig3d")
    checks, extra = theorem2_checks(ts)
    on7 = [(c, p) for c, p in zip(checks, extra["points"]) if p["task"] == 7]
    assert len(on7) == 2
    (c1, _), (c2, p2) = on7
    assert [v.status for v in c1.verdicts] == ["fails", "holds"]
    assert c2.verdicts[0].status == "fails"
    assert c2.verdicts[0].value.startswith("1/|g''(w*)| - eta = 0 exactly")
    assert "fails by equality" in c2.verdicts[0].detail
    assert c2.verdicts[1].status == "fails"          # spurious, but no counterexample
    assert not c2.counterexample and exit_status(checks) == 0
    _, d2 = derivs(ts.tasks[6], midpoint(p2))
    assert abs(1 / d2 - mpmath.mpf(1) / 10) < 1e-12
    # the spurious minimum is real: a dense float scan finds two minima, the second higher
    Ws, hs = scan_local_minima(TaskSet([ts.tasks[6]], ts.eta), 1e-4, 2 - 1e-4, 200_001)
    assert len(Ws) == 2 and abs(Ws[1] - float(midpoint(p2))) < 1e-4 and hs[1] > hs[0]


def test_theorem2_equality_at_rational_optimal_gain_is_fails_by_equality():
    # task (1,1,1,2): W* = 1/2, C''(1/2) = 32/3; eta = 3/32 = 1/C''(W*) exactly.
    d1, d2 = derivs(Task(1, 1, 1, 2), Fraction(1, 2))
    assert abs(d1) < 1e-12 and abs(d2 - mpmath.mpf(32) / 3) < 1e-12
    code, out, err = run("theorem2", "--task", "1,1,1,2,1", "--eta", "3/32", "--json")
    assert code == 0, err
    doc = json.loads(out)
    first = doc["checks"][0]
    assert doc["points"][0]["W"] == "1/2"
    hyp, concl = first["verdicts"]
    assert hyp["status"] == "fails" and hyp["value"].startswith("1/|g''(w*)| - eta = 0 exactly")
    assert "exactly 32/3" in hyp["value"] and "fails by equality" in hyp["detail"]
    assert concl["status"] == "holds"              # W* is always a global minimizer of h


@pytest.mark.parametrize("eta, status", [("3/32", "fails"),
                                         ("0.09374999999999999999999999999", "holds"),
                                         ("0.09375000000000000000000000001", "fails")])
def test_theorem2_decides_eta_within_1e_minus_29_of_the_bound(eta, status):
    ts = TaskSet([Task(1, 1, 1, 2)], eta)
    checks, extra = theorem2_checks(ts)
    at_half = [c for c, p in zip(checks, extra["points"]) if p["W"] == "1/2"]
    assert len(at_half) == 1 and at_half[0].verdicts[0].status == status


def test_theorem2_uses_the_adaptation_state_s0a_for_C2():
    ts = TaskSet([Task(1, 1, 2, 2, 1, 2)], "0.01")      # g = C with s0a = 2: g'' = 4 C''
    checks, extra = theorem2_checks(ts)
    for c, p in zip(checks, extra["points"]):
        _, d2 = derivs(ts.tasks[0], midpoint(p))
        assert c.verdicts[0].status == ("holds" if 1 / abs(d2) > 0.01 else "fails")
    mid = [c for c, p in zip(checks, extra["points"]) if abs(midpoint(p) - Fraction(618, 1000)) < 0.01]
    assert mid and "g''(w*) = 49.04" in mid[0].verdicts[0].value      # 4 * 12.26


def test_proposition1_fig1_and_fig2_per_task():
    checks, _ = proposition1_checks(figure("fig1"))
    assert [[v.status for v in c.verdicts] for c in checks] == [
        ["holds", "fails", "holds"], ["holds", "holds", "holds"], ["holds", "fails", "holds"]]
    checks, extra = proposition1_checks(figure("fig2"))
    assert extra["per_task"] and [p["task"] for p in extra["points"]] == [1, 1, 1, 2, 2, 2]
    assert statuses(checks, 1) == ["fails", "holds", "fails"] * 2
    assert all(c.verdicts[2].value == "h(w*) - min h = 0 (proven exactly)" for c in checks)


def test_proposition1_on_a_tasks_file_with_weights(tmp_path):
    f = tmp_path / "tasks.json"
    f.write_text(json.dumps({"eta": "0.05", "weights": [1, 3],
                             "tasks": [{"A": 1, "B": 1, "Q": 2, "R": 2},
                                       {"A": "0.5", "B": 1, "Q": 1, "R": 1, "s0": 2}]}))
    code, out, err = run("proposition1", "--tasks-file", str(f), "--json")
    assert code == 0, err
    doc = json.loads(out)
    ts = TaskSet([Task(1, 1, 2, 2), Task(Fraction(1, 2), 1, 1, 1, 2)], "0.05")
    assert {p["task"] for p in doc["points"]} == {1, 2}
    for c, p in zip(doc["checks"], doc["points"]):
        assert f"on task {p['task']}'s own objective" in c["result"]
        _, d2 = derivs(task_of(ts, p), midpoint(p))
        assert c["verdicts"][1]["status"] == ("holds" if 1 / abs(d2) > 0.05 else "fails")


# ---------------------------------------------------------------------------
# Lemma 1
# ---------------------------------------------------------------------------
def test_lemma1_fig1_F_is_open_at_all_three_minima_with_signs_minus_plus_minus():
    checks, extra = lemma1_checks(figure("fig1"))
    assert [[v.status for v in c.verdicts] for c in checks] == [["holds"] * 3] * 3
    signs = [re.search(r"\(([<>]) 0: F strictly", c.verdicts[1].value).group(1) for c in checks]
    assert signs == ["<", ">", "<"]
    for c, p in zip(checks, extra["points"]):        # F' = 1 - eta g'' independently
        _, d2 = derivs(figure("fig1").tasks[0], midpoint(p))
        certified = float(c.verdicts[1].value.split("= ")[1].split(" ")[0])
        assert certified == pytest.approx(float(1 - d2 / 100), rel=1e-9)


def test_lemma1_fig2_whole_task_set_openness_fails_and_two_minima_are_spurious():
    checks, extra = lemma1_checks(figure("fig2"))
    joint = [c for c in checks if c.result == "Lemma 1 on the whole task set"]
    assert len(joint) == 3 and extra["task_set_counts"]["spurious_min"] == 2
    assert statuses(joint, 0) == ["holds"] * 3
    assert statuses(joint, 1) == ["fails"] * 3
    assert statuses(joint, 2) == ["fails", "holds", "fails"]
    assert not any(c.counterexample for c in checks)


def test_lemma1_edge_F_prime_zero_at_optimal_gain_has_F_local_minimum():
    checks, extra = lemma1_checks(TaskSet([Task(1, 1, 1, 2)], "3/32"))
    v = checks[0].verdicts[1]
    assert extra["points"][0]["W"] == "1/2"
    assert v.status == "fails" and "F'(w*) = 0 exactly and F^(2)(w*) > 0" in v.value
    assert checks[0].verdicts[2].status == "holds"


def test_lemma1_fig3d_task7_F_has_local_maximum_at_the_spurious_minimum():
    checks, extra = lemma1_checks(TaskSet([figure("fig3d").tasks[6]], "0.1"))
    assert statuses(checks, 1) == ["holds", "fails"]
    assert "F has a local maximum at w*" in checks[1].verdicts[1].value
    assert statuses(checks, 2) == ["holds", "fails"]


# ---------------------------------------------------------------------------
# Theorem 1
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("name", FIGURE_NAMES)
def test_theorem1_M_is_infinite_on_the_stable_interval_of_every_figure_task(name):
    checks, _ = theorem1_checks(figure(name))
    assert len(checks) == len(figure(name).tasks)
    for c in checks:
        assert [v.status for v in c.verdicts[:3]] == ["holds", "fails", "fails"]
        assert c.verdicts[1].value == "M = +inf" and "pole" in c.verdicts[1].detail


def test_theorem1_per_task_conclusions_fig3d_task7_is_not_global():
    checks, _ = theorem1_checks(figure("fig3d"))
    concl = [c.verdicts[3].status for c in checks]
    assert concl == ["holds"] * 6 + ["fails"] + ["holds"] * 4
    assert checks[6].verdicts[3].value == "2 local minima: 1 global, 1 spurious"


def test_theorem1_interval_M_matches_a_dense_float_scan():
    import numpy as np
    cands, where = hessian_sup(Task(1, 1, 2, 2), (Fraction(1, 2), Fraction(3, 2)))
    checks, _ = theorem1_checks(figure("fig1"), parse_interval("0.5,1.5"))
    M = float(checks[0].verdicts[1].value.split("= ")[1].split(" ")[0])
    W = np.linspace(0.5, 1.5, 100_001)
    with mpmath.workdps(30):
        g = _cost(Task(1, 1, 2, 2), 1)
        scan = max(abs(float(mpmath.diff(g, mpmath.mpf(float(w)), 2))) for w in W[::500])
    assert scan <= M * (1 + 1e-12) and M == pytest.approx(scan, rel=1e-3)
    # the maximum is at the right end: M = C''(3/2) = 2176/27 exactly
    assert checks[0].verdicts[1].value.endswith("(exactly 2176/27)")
    _, d2 = derivs(Task(1, 1, 2, 2), Fraction(3, 2))
    assert abs(d2 - mpmath.mpf(2176) / 27) < 1e-12
    assert [v.status for v in checks[0].verdicts] == ["holds", "holds", "holds", "holds"]
    assert "1 local minimum in the interval" in checks[0].verdicts[3].value


@pytest.mark.parametrize("eta, status", [("27/512", "fails"), ("0.052734374999999999999", "holds"),
                                         ("0.052734375000000000001", "fails")])
def test_theorem1_interval_edge_eta_equals_1_over_M_exactly(eta, status):
    checks, _ = theorem1_checks(TaskSet([Task(1, 1, 2, 2)], eta), parse_interval("1/2,1"))
    v = checks[0].verdicts[2]
    assert v.status == status
    if eta == "27/512":
        assert v.value == "1/M - eta = 0 exactly" and "fails by equality" in v.detail


def test_theorem1_B_zero_task_has_finite_M_on_the_whole_line():
    # B = 0, |A| < 1: C(W) = (Q + R W^2)/(1 - A^2), C'' = 2R/(1 - A^2) = 16/3 everywhere
    checks, _ = theorem1_checks(TaskSet([Task("0.5", 0, 1, 2)], "0.1"))
    assert [v.status for v in checks[0].verdicts] == ["holds", "holds", "holds", "holds"]
    assert "exactly 16/3" in checks[0].verdicts[1].value


@pytest.mark.parametrize("args, message", [
    (["fig1", "--interval", "0,1"], "not inside the stable interval"),
    (["fig1", "--interval", "1"], "expected two numbers"),
    (["fig1", "--interval", "1,0.5"], "need a < b"),
    (["--task", "1,1,2", "--eta", "0.1"], "expected 4 to 6"),
])
def test_theorem1_bad_input_exits_2_with_one_line(args, message):
    code, out, err = run("theorem1", *args)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err


# ---------------------------------------------------------------------------
# Proposition 2 and Theorem 3 (normalized step)
# ---------------------------------------------------------------------------
def test_proposition2_fig1_skips_the_kink_and_sides_are_decided():
    """The kink W* (g'(W*) = 0, h undefined) is no minimizer: the checks run at
    W* - eta and W* + eta only, and the margin matches mpmath's derivatives."""
    checks, extra = proposition2_checks(figure("fig1"))
    assert [p["kind"] for p in extra["points"]] == ["smooth", "smooth"]
    assert statuses(checks, 1) == ["fails", "holds"]
    assert statuses(checks, 2) == ["holds"] * 2
    w_star = (5 ** 0.5 - 1) / 2
    for c, p in zip(checks, extra["points"]):
        assert abs(abs(midpoint(p) - w_star) - 0.01) < 1e-12
        d1, d2 = derivs(figure("fig1").tasks[0], midpoint(p))
        margin = abs(d1) / abs(d2) - mpmath.mpf("0.01")
        assert c.verdicts[1].status == ("holds" if margin > 0 else "fails")
        assert float(c.verdicts[1].value.split("= ")[1].split(" ")[0]) == pytest.approx(
            float(margin), rel=1e-8)


def test_theorem3_fig2_normalized_has_no_spurious_minima_plain_has_two():
    code, out, err = run("theorem3", "fig2", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["alpha"] == ["1/2", "10"]
    assert doc["normalized_counts"]["min"] == 2 and doc["normalized_counts"]["spurious_min"] == 0
    assert doc["plain_counts"]["spurious_min"] == 2 and doc["plain_counts"]["global_min"] == 1
    main, plain = doc["checks"][:2], doc["checks"][2]
    assert [[v["status"] for v in c["verdicts"]] for c in main] == [
        ["holds", "holds", "holds", "fails", "holds"],
        ["holds", "holds", "holds", "holds", "holds"]]
    assert main[0]["verdicts"][3]["detail"].startswith("per task: 1 fails, 2 fails")
    assert [v["status"] for v in plain["verdicts"]] == ["holds", "holds", "holds", "fails", "fails"]
    assert plain["verdicts"][-1]["value"] == "3 local minima: 1 global, 2 spurious"
    assert not plain["counterexample"]


@pytest.mark.parametrize("name, failing", [("fig3a", "A_1 = ... = A_k"),
                                           ("fig3b", "alpha_i Q_i and alpha_i R_i equal across tasks (alpha_i > 0)"),
                                           ("fig3c", "alpha_i Q_i and alpha_i R_i equal across tasks (alpha_i > 0)"),
                                           ("fig3d", "alpha_i Q_i and alpha_i R_i equal across tasks (alpha_i > 0)")])
def test_theorem3_scaled_task_hypothesis_fails_exactly_on_figure3(name, failing):
    checks, extra = theorem3_checks(figure(name))
    assert extra["alpha"] is None or name == "fig3a"
    for c in checks:
        assert {v.statement: v.status for v in c.verdicts}[failing] == "fails"
    spurious = extra["normalized_counts"]["spurious_min"]
    assert sum(c.verdicts[-1].status == "fails" for c in checks[:-1]) == spurious


def test_theorem3_custom_scaled_tasks_with_rational_alpha():
    # Q_i R_j = Q_j R_i exactly: (2, 3), (4, 6), (2/3, 1) -> alpha = (1/3, 1/6, 1)
    ts = TaskSet([Task(1, 1, 2, 3), Task(1, 1, 4, 6), Task(1, 1, "2/3", 1)], "0.01", [1, 2, 3])
    checks, extra = theorem3_checks(ts)
    assert extra["alpha"] == ["1/3", "1/6", "1"]
    assert extra["normalized_counts"]["spurious_min"] == 0
    assert all(c.verdicts[2].status == "holds" for c in checks)
    # the common kink W* (C_i'(W*) = 0 for every task) is out of the domain: no check there
    w_star = float(lqr.optimal_gain(1, 1, 2, 3))
    assert len(checks) == 3 and all(abs(midpoint(p) - w_star) > 1e-3
                                    for p in extra["points"][:-1])
    # breaking the scaling by 1e-30 is detected exactly
    ts2 = TaskSet([Task(1, 1, 2, 3), Task(1, 1, Fraction(4) + Fraction(1, 10 ** 30), 6)], "0.01")
    assert theorem3_checks(ts2)[0][0].verdicts[2].status == "fails"


def test_timeout_exits_3():
    code, out, err = run("theorem3", "fig3d", "--timeout", "1e-9")
    assert code == 3 and "timeout" in err
