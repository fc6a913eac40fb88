"""proofs/assumption1.py, theorem4.py, proposition3.py, equation3.py and the
modules behind them (symlqr.paper.continuity, symlqr.paper.equation3).

Independent oracles: dense float scans of the MAML objective (numeric), mpmath
finite differences of the cost, and the closed form C''(0) = 2 s0^2 (R + B^2 Q)
of a task with A = 0.
"""
from __future__ import annotations

import json
import runpy
import subprocess
import sys
from fractions import Fraction as F
from pathlib import Path

import numpy as np
import pytest
import sympy
from mpmath import diff as mp_diff, mp, mpf

from symlqr.paper import continuity as cont
from symlqr.paper import equation3 as eq3
from symlqr.paper import hs_cases
from symlqr.scalar.landscape import certify
from symlqr.scalar.numeric import cost_float, dare_gain, maml_objective_float, scan_local_minima
from symlqr.tasks import FIGURE_NAMES, Task, TaskSet, figure

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ("assumption1", "theorem4", "proposition3", "equation3")


def run(script, argv, monkeypatch, capsys):
    """Run proofs/<script>.py in-process as __main__; return (exit code, stdout, stderr)."""
    monkeypatch.setattr(sys, "argv", [f"{script}.py"] + list(argv))
    with pytest.raises(SystemExit) as exc:
        runpy.run_path(str(ROOT / "proofs" / f"{script}.py"), run_name="__main__")
    out = capsys.readouterr()
    return exc.value.code, out.out, out.err


def statuses(doc):
    return [v["status"] for c in doc["checks"] for v in c["verdicts"]]


def float_epsilon(ts, n=200_001):
    """epsilon of h from a dense float scan (max local min - min on the grid)."""
    W = np.linspace(-1.0, 3.0, n)
    h = maml_objective_float(W, ts)
    _, mins = scan_local_minima(ts, -1.0, 3.0, n)
    return float(mins.max() - h[np.isfinite(h)].min())


# ---------------------------------------------------------------------------
# every script on all six figures
# ---------------------------------------------------------------------------
@pytest.fixture(scope="module")
def all_figures():
    """JSON documents of every script on `all` (run once)."""
    import contextlib
    import io
    mp_ = pytest.MonkeyPatch()
    docs = {}
    for s in SCRIPTS:
        buf = io.StringIO()
        mp_.setattr(sys, "argv", [f"{s}.py", "all", "--json"])
        with contextlib.redirect_stdout(buf), pytest.raises(SystemExit) as exc:
            runpy.run_path(str(ROOT / "proofs" / f"{s}.py"), run_name="__main__")
        docs[s] = (exc.value.code, json.loads(buf.getvalue()))
    mp_.undo()
    return docs


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_script_decides_every_row_holds_on_all_six_figures(all_figures, script):
    code, docs = all_figures[script]
    assert code == 0
    assert [d["name"] for d in docs] == list(FIGURE_NAMES)
    for d in docs:
        assert d["exit_status"] == 0
        assert statuses(d) and set(statuses(d)) == {"holds"}, (d["name"], statuses(d))


def test_theorem4_epsilon_of_delta_matches_a_dense_float_scan(all_figures):
    """Certified epsilon(delta) vs a float scan, and the sampled tail that reaches
    epsilon' = 1/1000 is the one the float values predict."""
    for doc in all_figures["theorem4"][1]:
        ts = figure(doc["name"])
        fam = doc["family"]
        floats = []
        for p in reversed(fam["deltas"]):                  # increasing delta
            d = F(p["delta"])
            fe = float_epsilon(cont.delta_family(ts, d))
            lo, hi = (float(x) for x in p["epsilon_interval"])
            assert lo - 1e-7 <= fe <= hi + 1e-7, (doc["name"], p["delta"], fe, lo, hi)
            assert abs(fe - 1e-3) > 1e-6                   # the float oracle is conclusive
            floats.append((d, fe))
        predicted_tail = None
        for d, fe in floats:
            if fe > 1e-3:
                break
            predicted_tail = d
        assert fam["tail_delta"] == str(predicted_tail), doc["name"]
        assert fam["base"]["epsilon"] == "0"


def test_figure_tails_reach_the_requested_epsilon_at_decreasing_deltas(all_figures):
    tails = {d["name"]: d["family"]["tail_delta"] for d in all_figures["theorem4"][1]}
    largest = {d["name"]: d["family"]["largest_delta_reaching_epsilon"]
               for d in all_figures["theorem4"][1]}
    assert tails == {"fig1": "1", "fig2": "1/64", "fig3a": "1/16", "fig3b": "1/4",
                     "fig3c": "1/32", "fig3d": "1/64"}
    # fig3c/fig3d are global at delta = 1 but not at delta = 1/4: epsilon is not monotone
    assert largest["fig3c"] == largest["fig3d"] == "1"


def test_proposition3_uses_the_same_family_and_spread(all_figures):
    t4 = {d["name"]: d for d in all_figures["theorem4"][1]}
    for d in all_figures["proposition3"][1]:
        assert d["family"]["tail_delta"] == t4[d["name"]]["family"]["tail_delta"]
        ts = figure(d["name"])
        spread = max(sum(abs(getattr(a, f) - getattr(b, f)) for f in "ABQR")
                     for a in ts.tasks for b in ts.tasks)
        assert F(d["spread"]) == spread


def test_assumption1_counts_match_the_certified_landscape(all_figures):
    want = {"fig1": 5, "fig2": 5, "fig3a": 5, "fig3b": 3, "fig3c": 1, "fig3d": 1}
    for d in all_figures["assumption1"][1]:
        assert d["landscape"]["counts"]["stationary"] == want[d["name"]]
        # one check for h, one per task, one for all admissible tasks
        assert len(d["checks"]) == 1 + len(figure(d["name"]).tasks) + 1


def test_equation3_on_figures_has_trivial_gcd_and_no_task_solutions(all_figures):
    for d in all_figures["equation3"][1]:
        assert d["maml_system"]["gcd_degree"] == 0
        assert d["maml_system"]["solutions_in_domain"] == []
        assert all(t["solutions"] == [] for t in d["task_substitution"])
        assert d["equation3"]["meets_admissible_region"] is False


def test_theorem4_script_runs_from_the_repo_root():
    r = subprocess.run([sys.executable, "proofs/theorem4.py", "fig3a", "--deltas", "1,1/16"],
                       cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "[C] some B_delta(t_bar)" in r.stdout and "holds" in r.stdout


# ---------------------------------------------------------------------------
# the delta family
# ---------------------------------------------------------------------------
def test_delta_family_interpolates_every_field():
    ts = TaskSet([Task(1, 1, 2, 2, 1, 3), Task(F(1, 2), 2, 1, 4, 2, 1)], "0.01", [1, 3])
    half = cont.delta_family(ts, F(1, 2))
    assert half.tasks[0] == ts.tasks[0]
    assert half.tasks[1].as_tuple() == (F(3, 4), F(3, 2), F(3, 2), 3, F(3, 2), 2)
    assert half.eta == ts.eta and half.weights == ts.weights
    assert cont.delta_family(ts, 1).tasks == ts.tasks


def test_delta_zero_objective_is_the_base_tasks_single_objective():
    ts = figure("fig3a")
    W = np.linspace(0.05, 1.95, 2001)
    fam0 = maml_objective_float(W, cont.delta_family(ts, 0))
    single = maml_objective_float(W, TaskSet([ts.tasks[0]], ts.eta))
    fin = np.isfinite(single)
    assert np.array_equal(np.isfinite(fam0), fin)
    assert np.allclose(fam0[fin], single[fin], rtol=1e-12)


def test_epsilon_of_fig2_family_shrinks_like_delta_squared():
    s = cont.epsilon_sweep(figure("fig2"), [F(1, 32), F(1, 64)])
    r = [p.epsilon.hi / p.delta ** 2 for p in s.points]
    assert abs(r[0] / r[1] - 1) < F(1, 50)


def test_parse_deltas_and_epsilon_are_exact():
    from symlqr.cli.proofs import parse_deltas, parse_epsilon
    assert parse_deltas("0.5,1/8, 1") == (F(1), F(1, 2), F(1, 8))
    assert parse_epsilon("1e-3") == F(1, 1000)
    assert parse_deltas(None)[-1] == F(1, 64)


# ---------------------------------------------------------------------------
# a degenerate stationary point, decided exactly at the edge
# ---------------------------------------------------------------------------
def _h2_at_zero(eta):
    """h''(0) by mpmath finite differences for the task (0, 1, 1, 1)."""
    mp.dps = 40
    ts = TaskSet([Task(0, 1, 1, 1)], eta)
    e = mpf(eta.numerator) / eta.denominator

    def h(W):
        g = 2 * (W + W) / (1 - W * W) ** 2          # C'(W) = 2 c / D^2, c = (R + B^2 Q) W
        Fw = W - e * g
        return (1 + Fw * Fw) / (1 - Fw * Fw)
    del ts
    return mp_diff(h, mpf(0), 2)


@pytest.mark.parametrize("eta, singular", [(F(1, 4), True), (F(1, 4) - F(1, 10 ** 9), False),
                                           (F(1, 4) + F(1, 10 ** 9), False)])
def test_singular_hessian_of_h_is_decided_exactly_at_eta_one_over_curvature(
        eta, singular, monkeypatch, capsys):
    # for A = 0: C''(0) = 2 (R + B^2 Q) = 4, F'(0) = 1 - 4 eta, h''(0) = C''(0) F'(0)^2
    assert abs(_h2_at_zero(eta)) < 1e-20 if singular else abs(_h2_at_zero(eta)) > 1e-20
    code, out, _ = run("assumption1", ["--task", "0,1,1,1,1", "--eta", str(eta), "--json"],
                       monkeypatch, capsys)
    doc = json.loads(out)
    row = doc["checks"][0]["verdicts"][3]
    assert row["statement"] == "nonsingular Hessian at every stationary point"
    assert row["status"] == ("fails" if singular else "holds")
    assert code == 0                     # a failing hypothesis is not a counterexample
    ms = eq3.maml_singular_points(TaskSet([Task(0, 1, 1, 1)], eta))
    assert [r.decimal(5) for r in ms.in_domain] == (["0.0"] if singular else [])


def test_gcd_route_agrees_with_multiplicity_route():
    cases = [figure(n) for n in FIGURE_NAMES] + [TaskSet([Task(0, 1, 1, 1)], F(1, 4)),
                                                 TaskSet([Task(0, 1, 1, 1), Task(0, 1, 2, 1)],
                                                         F(1, 4))]
    for ts in cases:
        reg = cont.regularity(certify(ts, digits=10))
        ms = eq3.maml_singular_points(ts)
        assert len(ms.in_domain) == len(reg.singular)
        for r, p in zip(ms.in_domain, reg.singular):
            assert r.equals(p.W)


def test_theorem4_reports_failed_assumption_at_t_bar_without_a_counterexample(
        monkeypatch, capsys):
    code, out, _ = run("theorem4", ["--task", "0,1,1,1,1", "--task", "0,1,2,1,1",
                                    "--eta", "1/4", "--deltas", "1,1/2", "--json"],
                       monkeypatch, capsys)
    doc = json.loads(out)
    assert statuses(doc) == ["holds", "holds", "holds", "fails", "holds", "holds"]
    assert "delta = 0: W = 0.0" in doc["checks"][0]["verdicts"][3]["value"]
    assert doc["checks"][0]["counterexample"] is False and code == 0


# ---------------------------------------------------------------------------
# existence statements: undecided, never fails
# ---------------------------------------------------------------------------
def test_conclusion_is_undecided_not_failed_when_no_sampled_delta_reaches(
        monkeypatch, capsys):
    code, out, _ = run("theorem4", ["fig2", "--deltas", "1,1/2", "--json"], monkeypatch, capsys)
    doc = json.loads(out)
    concl = doc["checks"][0]["verdicts"][-1]
    assert concl["role"] == "conclusion" and concl["status"] == "undecided"
    assert "extend --deltas" in concl["value"]
    assert code == 3


def test_proposition3_implicit_hypothesis_fails_when_base_has_a_spurious_minimum(
        monkeypatch, capsys):
    # task (1, 1, 2, 2) with eta = 1/10 alone: a spurious minimum 3.456e-4 above the global
    base = TaskSet([Task(1, 1, 2, 2)], "0.1")
    assert abs(float_epsilon(base) - 3.456e-4) < 1e-6
    code, out, _ = run("proposition3", ["--task", "1,1,2,2,1", "--task", "1,1,1,1,1",
                                        "--eta", "0.1", "--epsilon", "1e-4",
                                        "--deltas", "1/4,1/16", "--json"], monkeypatch, capsys)
    doc = json.loads(out)
    assert statuses(doc) == ["holds", "holds", "holds", "holds", "fails", "undecided"]
    assert doc["family"]["largest_delta_reaching_epsilon"] == "1/4"   # global there
    assert doc["family"]["tail_delta"] is None
    assert code == 3


def test_proposition3_hypotheses_fail_for_a_non_admissible_segment_and_distinct_s0(
        monkeypatch, capsys):
    # B crosses 0 at delta = 1/2 with A = 2: not stabilizable there
    ok, why = cont.admissible_segment(TaskSet([Task(2, 1, 1, 1), Task(2, -1, 1, 1)], "0.01"))
    assert not ok and "delta = 1/2" in why
    code, out, _ = run("proposition3", ["--task", "2,1,1,1,1", "--task", "2,-1,1,1,1",
                                        "--eta", "0.01", "--deltas", "1,1/4", "--json"],
                       monkeypatch, capsys)
    assert json.loads(out)["checks"][0]["verdicts"][0]["status"] == "fails"
    code, out, _ = run("proposition3", ["--task", "1,1,1,1,1", "--task", "1,1,1,1,2",
                                        "--eta", "0.01", "--deltas", "1/64", "--json"],
                       monkeypatch, capsys)
    assert json.loads(out)["checks"][0]["verdicts"][3]["status"] == "fails"


@pytest.mark.parametrize("script, argv", [
    ("theorem4", ["fig2", "--deltas", "0"]),
    ("theorem4", ["fig2", "--deltas", "2"]),
    ("theorem4", ["fig2", "--epsilon", "0"]),
    ("proposition3", ["fig2", "--epsilon", "1e-3;"]),
    ("theorem4", ["--task", "1,1,1,1,1", "--task", "1,1,1,1,-1", "--eta", "0.1"]),
    ("equation3", ["fig1", "--wbar", "__import__('os')"]),
    ("assumption1", ["fig9"]),
])
def test_bad_input_is_one_line_on_stderr_and_exit_2(script, argv, monkeypatch, capsys):
    code, out, err = run(script, argv, monkeypatch, capsys)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


# ---------------------------------------------------------------------------
# equation (3)
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("wbar", [None, F(0), F(1, 2), F(-3), F(7, 3)])
def test_hs_misses_the_admissible_region(wbar):
    hs = eq3.hs_system(wbar)
    assert hs.meets_region is False
    assert [str(c.condition[0]) for c in hs.cases][:3] == ["A", "B", "Q"]
    # the reduced first equation is c(Wb) up to sign (C' = 2 s0^2 c / D^2)
    A, B, Q, R, s0, Wb = eq3.SYMBOLS
    W = Wb if wbar is None else sympy.Rational(wbar.numerator, wbar.denominator)
    c = A * B * R * W ** 2 + (R * (1 - A ** 2) + B ** 2 * Q) * W - A * B * Q
    assert sympy.cancel(hs.reduced[0] / c).is_number


def test_case_analysis_leaves_a_feasible_system_undecided():
    A, B, Q, R, s0, Wb = eq3.SYMBOLS
    cases = hs_cases.analyse_cases([A - sympy.Rational(1, 2)], [], Wb, hs_cases.generators(None), 0)
    assert [c.status for c in cases] == ["undecided"]
    assert hs_cases.strict_sign(B ** 2 * Q + R, hs_cases.generators(None)) == 1
    assert hs_cases.strict_sign(-R - Q * Wb ** 2, hs_cases.generators(None)) == -1
    assert hs_cases.strict_sign(A * R, hs_cases.generators(None)) == 0
    assert hs_cases.strict_sign(B ** 2 * Q, hs_cases.generators(None)) == 0      # not strict


@pytest.mark.parametrize("seed", range(6))
def test_random_tasks_have_positive_curvature_at_their_optimum(seed):
    """Proposition 5's hypothesis, exactly, against an mpmath finite difference at
    scipy's Riccati gain."""
    rng = np.random.default_rng(seed)
    A, B = F(int(rng.integers(-30, 31)), 10), F(int(rng.integers(1, 31)), 10)
    Q, R = F(int(rng.integers(0, 40)), 10), F(int(rng.integers(1, 40)), 10)
    t = Task(A, B, Q if Q or abs(A) != 1 else F(1), R)
    enc, sign = cont.hessian_at_optimum(t)
    assert sign == 1 and eq3.task_singular_points(t) == []
    mp.dps = 30
    C = lambda W: float(cost_float(float(W), t))  # noqa: E731
    h2 = float(mp_diff(lambda W: mpf(C(W)), mpf(dare_gain(t)), 2, h=mpf("1e-4")))
    assert abs(h2 - float(enc.lo)) <= 1e-4 * max(1.0, abs(h2))
