"""Resources: long rationals, hundreds of tasks, huge magnitudes, --timeout.

Each either works or stops with one clear line: rationals with 300-digit
numerators are certified; hundreds of tasks drawn from a few distinct ones are
certified; hundreds of distinct tasks are refused up front (the degree bound
of h' is above ``MAX_DEGREE``); magnitudes beyond the precision cap end as
"undecided" (exit 3), never as a traceback or a guess; ``--timeout`` stops
within the time given, even inside one long root isolation, and says how far
it got.
"""
import json
import os
import time
from fractions import Fraction

import pytest

import symlqr.scalar.landscape as landscape
from symlqr.certify import main
from symlqr.scalar.landscape import MAX_DEGREE, Timeout, TooLarge, certify, degree_bound
from symlqr.exact.realroots import simplest_between
from symlqr.tasks import Task, TaskSet, figure

PROG = "python -m symlqr.certify"
BIG = 10 ** 300


def run(args, capsys):
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_rationals_with_300_digit_numerators_are_certified(capsys):
    """A = 1 + 7/10^300 and Q = 2 + 1/10^300: Figure 1 up to a perturbation
    far below any float; the exact engine still sees five stationary points."""
    A = f"{BIG + 7 * 10 ** 0}/{BIG}"
    Q = f"{2 * BIG + 1}/{BIG}"
    assert len(A.split("/")[0]) == 301
    status, out, err = run(["--task", f"{A},1,{Q},2,1", "--eta", "0.01", "--json"], capsys)
    assert status == 0 and err == ""
    doc = json.loads(out)
    assert doc["certified"] is True
    assert doc["counts"]["stationary"] == 5 and doc["counts"]["min"] == 3
    assert doc["tasks"][0]["A"] == A


def test_300_digit_decimal_step_size_is_read_exactly(capsys):
    eta = "0." + "0" * 299 + "1"                              # 1e-300 as a decimal
    status, out, err = run(["--task", "1,1,2,2,1", "--task", "1,1,0.1,0.1,1",
                            "--eta", "1/100", "--weights", f"1,{1 + Fraction(eta)}", "--json"],
                           capsys)
    assert status == 0, err
    doc = json.loads(out)
    assert doc["counts"]["spurious_min"] == 2 and doc["certified"] is True


def test_huge_magnitudes_are_certified_or_undecided_never_a_traceback(capsys, tmp_path):
    """A = 10^40: the stable interval has width 2e-40 around 1e40. Either the
    engine decides every sign (exit 0, certified) or it says which one it could
    not decide within the precision cap (exit 3, nothing written)."""
    out = tmp_path / "x.json"
    status, stdout, err = run(["--task", "1e40,1,2,2,1", "--eta", "0.01", "--json",
                               "--output", str(out)], capsys)
    assert status in (0, 3), err
    if status == 0:
        assert err == "" and json.loads(stdout)["certified"] is True
        assert json.loads(out.read_text())["counts"]["min"] == 1
    else:
        assert stdout == "" and not out.exists()
        assert err.startswith(f"{PROG}: undecided: ") and err.count("\n") == 1


def test_precision_cap_reached_is_undecided_with_how_far_it_got(capsys, tmp_path, monkeypatch):
    """When a sign is not decided within the cap, the command line says so on
    one line, with the stages finished, exit 3, and writes nothing."""
    import symlqr.cli.certify as command
    from symlqr.exact.realroots import PrecisionExhausted

    def exhausted(taskset, adaptation, digits, deadline, progress):
        progress("optimal gains")
        progress("domain")
        raise PrecisionExhausted("sign not decided within 4000 bits")

    monkeypatch.setattr(command, "certify", exhausted)
    out = tmp_path / "x.json"
    status, stdout, err = run(["fig1", "--output", str(out)], capsys)
    assert status == 3 and stdout == ""
    assert err == (f"{PROG}: undecided: sign not decided within 4000 bits on fig1 (finished "
                   "stages: optimal gains, domain); the numbers are too large or too close "
                   "together for the precision cap, nothing is reported\n")
    assert os.listdir(tmp_path) == []


def test_decimal_of_a_huge_value_does_not_overflow_floats():
    """Values beyond 1e308 with enclosures tighter than 1e-308 (s0 = 1e300
    gives h of about 3.2e600) are printed, not an OverflowError."""
    from symlqr.scalar.landscape import Enclosure
    big = Fraction(10) ** 600
    e = Enclosure(big * Fraction(3236, 1000), big * Fraction(3236, 1000) + 1)
    assert e.decimal(10) == "3.236e+600"
    assert Enclosure(Fraction(1, 10**400), Fraction(1, 10**400) + Fraction(1, 10**800)
                     ).decimal(5) == "1.0e-400"


def test_hundreds_of_tasks_from_a_few_distinct_ones_are_certified(capsys):
    """300 tasks, three distinct (with weights 1..7): identical tasks add
    identical terms, so the degree stays that of three tasks."""
    pool = ["1,1,2,2,1", "1.05,0.95,1,3,1", "0.97,1.02,3,1,1"]
    args = []
    for i in range(300):
        args += ["--task", pool[i % 3]]
    weights = ",".join(str(1 + i % 7) for i in range(300))
    status, out, err = run(args + ["--eta", "0.01", "--weights", weights, "--json"], capsys)
    assert status == 0, err
    doc = json.loads(out)
    assert len(doc["tasks"]) == 300 and doc["certified"] is True and doc["counts"]["min"] >= 1


def distinct_tasks(k):
    return [Task(Fraction(900 + (37 * i) % 200, 1000), Fraction(900 + (53 * i) % 200, 1000),
                 1 + i % 3, 1 + (i // 3) % 3) for i in range(k)]


def test_hundreds_of_distinct_tasks_are_refused_up_front(capsys, tmp_path):
    f = tmp_path / "many.json"
    tasks = distinct_tasks(200)
    f.write_text(json.dumps({"eta": "1/100", "tasks": [
        {k: str(getattr(t, k)) for k in ("A", "B", "Q", "R")} for t in tasks]}))
    t0 = time.monotonic()
    status, out, err = run(["--tasks-file", str(f)], capsys)
    assert time.monotonic() - t0 < 30
    assert status == 2 and out == ""
    assert err == (f"{PROG}: error: too large: 200 distinct tasks give h' a numerator of degree "
                   f"up to 4000, above the limit {MAX_DEGREE} (minutes at degree 600, growing "
                   "faster than cubically); use fewer distinct tasks (repeated tasks cost "
                   "nothing), or call symlqr.scalar.landscape.certify(..., max_degree=None)\n")


def test_degree_bound_is_an_upper_bound_and_nearly_tight():
    from symlqr.scalar.maml import MamlObjective
    for ts in (figure("fig2"), figure("fig3d"), TaskSet(distinct_tasks(7), "0.01")):
        exact = MamlObjective(ts).piece(()).derivative().num.degree()
        assert exact < degree_bound(ts) <= exact + 4
    fig2 = figure("fig2")
    exact = max(MamlObjective(fig2, "normalized").piece((s, s)).derivative().num.degree()
                for s in (-1, 1))
    assert exact < degree_bound(fig2, "normalized")


def test_an_empty_domain_is_answered_whatever_the_number_of_tasks():
    """Many distinct tasks but no common stable gain: the answer (an empty
    domain) needs no h', so the degree limit does not apply."""
    tasks = distinct_tasks(100) + [Task(5, 1, 1, 1)]           # stable only on (4, 6)
    ls = certify(TaskSet(tasks, "0.01"))
    assert ls.domain == [] and ls.certified


def test_timeout_stops_inside_a_long_root_isolation(capsys, tmp_path):
    """24 distinct tasks (h' of degree 478) take about 40 s; --timeout 2 stops
    within the time given plus a margin (one FLINT factorization, about 1.5 s
    here, cannot be interrupted), inside the sympy root isolation."""
    f = tmp_path / "forty.json"
    f.write_text(json.dumps({"eta": "1/100", "tasks": [
        {k: str(getattr(t, k)) for k in ("A", "B", "Q", "R")} for t in distinct_tasks(24)]}))
    out = tmp_path / "x.json"
    t0 = time.monotonic()
    status, stdout, err = run(["--tasks-file", str(f), "--timeout", "2", "--output", str(out)],
                              capsys)
    elapsed = time.monotonic() - t0
    assert status == 3 and stdout == ""
    assert elapsed < 2 + 6
    assert err.startswith(f"{PROG}: timeout after 2 s on custom while ")
    assert "finished stages: optimal gains, domain" in err and err.count("\n") == 1
    assert not out.exists()


def test_engine_is_sound_after_a_timeout():
    """A Timeout raised asynchronously leaves no trace: mpmath precisions are
    restored and the next certification is the usual one."""
    from mpmath import iv, mp
    from symlqr.cli.deadline import hard_deadline
    before = (mp.prec, iv.prec)
    with pytest.raises(Timeout):
        deadline = time.monotonic() + 0.5
        with hard_deadline(deadline):
            certify(TaskSet(distinct_tasks(24), "0.01"), deadline=deadline)
    assert (mp.prec, iv.prec) == before
    assert certify(figure("fig2")).counts()["spurious_min"] == 2


def test_outer_alarm_survives_a_nested_deadline():
    """certify with a deadline inside code that has its own SIGALRM timer
    puts the outer handler and the remaining time back."""
    import signal
    fired = []
    old = signal.signal(signal.SIGALRM, lambda *a: fired.append(1))
    try:
        signal.setitimer(signal.ITIMER_REAL, 3.0)
        from symlqr.cli.deadline import hard_deadline
        with hard_deadline(time.monotonic() + 60):
            certify(figure("fig1"), deadline=time.monotonic() + 60)
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 0 < remaining < 3.0
        signal.setitimer(signal.ITIMER_REAL, 0.01)
        time.sleep(0.1)
        assert fired == [1]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def test_rational_between_very_close_brackets_needs_no_recursion():
    """Brackets whose continued fractions agree for thousands of terms (Fibonacci
    ratios): the search is a loop, so the recursion limit is never hit."""
    a, b = 1, 1
    for _ in range(3000):
        a, b = b, a + b
    lo = Fraction(a, b)
    hi = lo + Fraction(1, b * b * 4)
    x = simplest_between(lo, hi)
    assert lo < x < hi
    assert simplest_between(Fraction(-1, 3), Fraction(1, 2)) == 0
    assert simplest_between(Fraction(1, 3), Fraction(1, 2)) == Fraction(1, 2) or \
        Fraction(1, 3) < simplest_between(Fraction(1, 3), Fraction(1, 2)) < Fraction(1, 2)
