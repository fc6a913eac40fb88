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

    def exhausted(taskset, adaptation, digits, deadline, progress, ticks, engine, method, steps):
        progress("optimal gains")
        progress("domain")
        raise PrecisionExhausted("sign not decided within 4000 bits")

    monkeypatch.setattr(command, "certify_landscape", exhausted)
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
    status, out, err = run(["--tasks-file", str(f), "--engine", "exact"], capsys)
    assert time.monotonic() - t0 < 30
    assert status == 2 and out == ""
    assert err == (f"{PROG}: error: too large: 200 distinct tasks give h' a numerator of degree "
                   f"up to 4000, above the limit {MAX_DEGREE} (minutes at degree 600, growing "
                   "faster than cubically); use fewer distinct tasks (repeated tasks cost "
                   "nothing), or call symlqr.scalar.landscape.certify(..., max_degree=None)\n")


def test_hundreds_of_distinct_tasks_go_to_the_interval_engine_by_default(capsys, tmp_path):
    f = tmp_path / "many.json"
    f.write_text(json.dumps({"eta": "1/100", "tasks": [
        {k: str(getattr(t, k)) for k in ("A", "B", "Q", "R")} for t in distinct_tasks(200)]}))
    status, out, err = run(["--tasks-file", str(f), "--json"], capsys)
    doc = json.loads(out)
    assert status in (0, 3) and err == ""
    assert doc["engine"] == "interval" and doc["certified"] == (status == 0)


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
    status, stdout, err = run(["--tasks-file", str(f), "--timeout", "2", "--output", str(out),
                               "--engine", "exact"], capsys)
    elapsed = time.monotonic() - t0
    assert status == 3 and stdout == ""
    assert elapsed < 2 + 6
    assert err.startswith(f"{PROG}: timeout after 2 s on custom while ")
    assert "finished stages: optimal gains, domain" in err and err.count("\n") == 1
    assert not out.exists()


def test_engine_is_sound_after_a_timeout():
    """The worker killed at the deadline leaves no trace in the caller: mpmath
    precisions are unchanged and the next certification is the usual one."""
    from mpmath import iv, mp
    from symlqr.cli.worker import run_in_worker
    before = (mp.prec, iv.prec)
    t0 = time.monotonic()
    with pytest.raises(Timeout):
        run_in_worker(certify, TaskSet(distinct_tasks(24), "0.01"), timeout=0.5,
                      takes_progress=False)
    assert time.monotonic() - t0 < 0.5 + 3
    assert (mp.prec, iv.prec) == before
    assert certify(figure("fig2")).counts()["spurious_min"] == 2


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


# ---------------------------------------------------------------------------
# hard deadlines and interrupts (the heavy work runs in a worker process)
# ---------------------------------------------------------------------------
LONG_ATLAS = ["-m", "symlqr.atlas", "fig3c", "--vary", "eta=0:0.3"]   # minutes, mostly in FLINT


def _popen(args, cwd):
    import subprocess
    import sys
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, PYTHONPATH=root + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen([sys.executable, *args], cwd=cwd, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _worker_started(pid, seconds=60):
    """Wait until process ``pid`` has a child (its worker); Linux /proc."""
    path = f"/proc/{pid}/task/{pid}/children"
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds:
        try:
            if open(path).read().strip():
                return True
        except OSError:
            return False
        time.sleep(0.05)
    return False


def test_timeout_stops_a_long_atlas_inside_flint_within_seconds(tmp_path):
    """fig3c over eta runs for minutes, mostly inside FLINT calls that no Python
    check interrupts; --timeout 2 kills the worker: exit 3, one line, no file."""
    out = tmp_path / "atlas.json"
    proc = _popen(LONG_ATLAS + ["--timeout", "2", "--output", str(out)], str(tmp_path))
    assert _worker_started(proc.pid)
    t0 = time.monotonic()
    stdout, stderr = proc.communicate(timeout=120)
    assert proc.returncode == 3, stderr
    assert time.monotonic() - t0 < 2 + 4
    assert stderr.startswith("python -m symlqr.atlas: timeout after 2 s while ")
    assert stderr.count("\n") == 1 and stdout == ""
    assert os.listdir(tmp_path) == []


def test_sigint_stops_within_seconds_with_exit_130_and_writes_nothing(tmp_path):
    import signal
    out = tmp_path / "atlas.json"
    proc = _popen(LONG_ATLAS + ["--output", str(out)], str(tmp_path))
    assert _worker_started(proc.pid)
    time.sleep(1.0)                                    # well inside the computation
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=60)
    assert time.monotonic() - t0 < 4
    assert proc.returncode == 130
    assert stderr == "python -m symlqr.atlas: interrupted\n" and stdout == ""
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("seconds", ["1e10", "1e308", "1e999", "0.5e3"])
def test_timeout_of_any_positive_size_is_accepted(seconds, capsys):
    status, out, err = run(["fig1", "--timeout", seconds], capsys)
    assert status == 0 and err == "" and "certified: yes" in out


def test_timeout_of_any_positive_size_is_accepted_by_the_proof_scripts(capsys):
    from symlqr.cli.results import proof_command
    assert proof_command("theorem2", ["fig1", "--timeout", "1e308", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["checks"][0]["result"] == "Theorem 2"


def test_the_worker_reports_the_libraries_errors_and_crashes():
    from symlqr.cli.worker import WorkerCrashed, run_in_worker
    from symlqr.tasks import InputError, parse_rational
    with pytest.raises(InputError, match="'x' is not a number"):
        run_in_worker(parse_rational, "x", takes_progress=False)
    with pytest.raises(WorkerCrashed, match="ZeroDivisionError"):
        run_in_worker(divmod, 1, 0, takes_progress=False)
    with pytest.raises(WorkerCrashed, match="died"):
        run_in_worker(os._exit, 9, takes_progress=False)


def test_library_modules_install_no_signal_handlers_and_never_print():
    """Only symlqr/cli/ (and proofs/) handle signals, parse argv or print."""
    import ast
    import symlqr
    package = os.path.dirname(os.path.abspath(symlqr.__file__))
    bad = []
    for folder, _dirs, files in os.walk(package):
        if os.path.basename(folder) == "cli":
            continue
        for name in files:
            if not name.endswith(".py"):
                continue
            path = os.path.join(folder, name)
            for node in ast.walk(ast.parse(open(path, encoding="utf-8").read())):
                if isinstance(node, (ast.Import, ast.ImportFrom)):
                    mods = [a.name for a in node.names] + [getattr(node, "module", None) or ""]
                    bad += [f"{name} imports {m}" for m in mods if m in ("signal", "argparse")]
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                        and node.func.id == "print"):
                    bad.append(f"{name}:{node.lineno} print()")
    assert bad == []
