"""Bad input: one line on stderr, exit status 2, no traceback, nothing written.

Every case runs ``python -m symlqr.certify`` in-process (the same code path as
the console, through ``run_main``) with ``--output`` pointing into an empty
folder, and checks the exact message, that stdout is empty and that the
folder is still empty afterwards. A few cases also run as real processes, and
every script in ``proofs/`` (discovered at run time) gets the common bad
inputs, since they share the runner ``symlqr.paper.verdicts.proof_main``.
"""
import glob
import json
import os
import runpy
import subprocess
import sys

import pytest

from symlqr.certify import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROG = "python -m symlqr.certify"
NOT_A_NUMBER = "is not a number (use a decimal such as 0.1, an integer, or a fraction p/q)"
TASK_FIELDS = "expected 4 to 6 comma-separated fields A,B,Q,R[,s0[,s0a]]"
LQR_Q = "the state cost must be >= 0, otherwise C(W) is not an LQR cost"
LQR_R = "the control cost must be > 0, otherwise C(W) is not an LQR cost"


def certify_in_process(args, capsys, folder):
    """Run the command line with ``--output`` into ``folder``; returns
    (exit status, stdout, stderr)."""
    out = os.path.join(folder, "out.json")
    status = main(list(args) + ["--output", out])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def assert_one_line_error(status, out, err, message, prog=PROG):
    assert status == 2, err
    assert out == ""
    assert "Traceback" not in err
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert err == f"{prog}: error: {message}\n"


def assert_nothing_written(folder, inputs=()):
    assert sorted(os.listdir(folder)) == sorted(inputs)


# ---------------------------------------------------------------------------
# command-line arguments
# ---------------------------------------------------------------------------
T = "1,1,2,2,1"          # a valid task
ARGUMENT_CASES = {
    # non-numeric values
    "non_numeric_field": (["--task", "abc,1,1,1,1", "--eta", "0.1"],
                          f"--task 1: field A: 'abc' {NOT_A_NUMBER}"),
    "non_numeric_in_second_task": (["--task", T, "--task", "1,1,x,1,1", "--eta", "0.1"],
                                   f"--task 2: field Q: 'x' {NOT_A_NUMBER}"),
    "python_expression_as_number": (["--task", "1,1,2**2,2,1", "--eta", "0.1"],
                                    f"--task 1: field Q: '2**2' {NOT_A_NUMBER}"),
    "non_ascii_digits": (["--task", "\u0661,1,1,1,1", "--eta", "0.1"],
                         f"--task 1: field A: '\u0661' {NOT_A_NUMBER}"),
    "non_numeric_eta": (["--task", T, "--eta", "small"], f"--eta: 'small' {NOT_A_NUMBER}"),
    "non_numeric_weight": (["--task", T, "--task", T, "--eta", "0.1", "--weights", "1,two"],
                           f"--weights: weight 2: 'two' {NOT_A_NUMBER}"),
    "empty_weight": (["--task", T, "--task", T, "--eta", "0.1", "--weights", "1,,2"],
                     f"--weights: weight 2: '' {NOT_A_NUMBER}"),
    "fraction_with_zero_denominator": (["--task", "1/0,1,1,1,1", "--eta", "0.1"],
                                       "--task 1: field A: '1/0' divides by zero"),
    # NaN and infinities
    "nan_field": (["--task", "nan,1,1,1,1", "--eta", "0.1"],
                  "--task 1: field A: 'nan' is not a finite number"),
    "inf_field": (["--task", "1,inf,1,1,1", "--eta", "0.1"],
                  "--task 1: field B: 'inf' is not a finite number"),
    "minus_infinity_field": (["--task", "1,1,1,1,-Infinity", "--eta", "0.1"],
                             "--task 1: field s0: '-Infinity' is not a finite number"),
    "nan_eta": (["--task", T, "--eta", "NaN"], "--eta: 'NaN' is not a finite number"),
    "inf_weight": (["--task", T, "--task", T, "--eta", "0.1", "--weights", "inf,1"],
                   "--weights: weight 1: 'inf' is not a finite number"),
    "exponent_too_large": (["--task", "1e99999,1,1,1,1", "--eta", "0.1"],
                           "--task 1: field A: exponent in '1e99999' is beyond +-5000"),
    "number_too_long": (["--task", "1," + "1" * 5001 + ",1,1,1", "--eta", "0.1"],
                        "--task 1: field B: number has more than 5000 characters"),
    # empty task lists and wrong number of fields
    "empty_task": (["--task", "", "--eta", "0.1"], f"--task 1: task '': {TASK_FIELDS}, got 1"),
    "three_fields": (["--task", "1,1,2", "--eta", "0.1"],
                     f"--task 1: task '1,1,2': {TASK_FIELDS}, got 3"),
    "seven_fields": (["--task", "1,1,2,2,1,1,1", "--eta", "0.1"],
                     f"--task 1: task '1,1,2,2,1,1,1': {TASK_FIELDS}, got 7"),
    # eta <= 0
    "eta_zero": (["--task", T, "--eta", "0"], "eta = 0 <= 0: the step size must be > 0"),
    "eta_negative": (["--task", T, "--eta=-1/2"], "eta = -1/2 <= 0: the step size must be > 0"),
    "eta_negative_integer": (["--task", T, "--eta", "-2"], "eta = -2 <= 0: the step size must be > 0"),
    "negative_value_not_attached": (["--task", T, "--eta", "-1/2"],
                                    "eta = -1/2 <= 0: the step size must be > 0"),
    "value_missing_before_next_option": (["--task", T, "--eta", "--json"],
                                         "argument --eta: expected one argument (for a value "
                                         "starting with '-' write --eta=VALUE)"),
    "eta_missing": (["--task", T], "custom tasks need a step size: --eta (or eta in the tasks file)"),
    # weights
    "weight_negative": (["--task", T, "--task", T, "--eta", "0.1", "--weights", "1,-1"],
                        "weight 2 = -1 < 0: weights must be >= 0"),
    "weights_sum_to_zero": (["--task", T, "--task", T, "--eta", "0.1", "--weights", "0,0"],
                            "weights sum to zero: at least one weight must be > 0"),
    "too_few_weights": (["--task", T, "--task", T, "--eta", "0.1", "--weights", "1"],
                        "1 weight for 2 tasks: give one weight per task"),
    "too_many_weights": (["--task", T, "--eta", "0.1", "--weights", "1,2,3"],
                         "3 weights for 1 task: give one weight per task"),
    # not an LQR cost
    "Q_negative": (["--task", "1,1,-1,1,1", "--eta", "0.1"], f"--task 1: Q = -1 < 0: {LQR_Q}"),
    "R_zero": (["--task", "1,1,1,0,1", "--eta", "0.1"], f"--task 1: R = 0 <= 0: {LQR_R}"),
    "R_negative": (["--task", "1,1,1,-0.5,1", "--eta", "0.1"], f"--task 1: R = -1/2 <= 0: {LQR_R}"),
    # no stabilizing W
    "B_zero_A_unstable": (["--task", "2,0,1,1,1", "--eta", "0.1"],
                          "--task 1: task (A=2, B=0) has no stabilizing W: "
                          "|A - B W| = |A| >= 1 for every W"),
    "B_zero_A_marginal": (["--task=-1,0,1,1,1", "--eta", "0.1"],
                          "--task 1: task (A=-1, B=0) has no stabilizing W: "
                          "|A - B W| = |A| >= 1 for every W"),
    "s0_zero": (["--task", "1,1,1,1,0", "--eta", "0.1"],
                "--task 1: s0 = 0 makes the task's cost identically zero"),
    # figures and options
    "unknown_figure": (["fig9"], "unknown figure 'fig9'; choose one of fig1, fig2, fig3a, "
                                 "fig3b, fig3c, fig3d or all"),
    "unknown_figure_after_a_good_one": (["fig1", "Fig2"], "unknown figure 'Fig2'; choose one of "
                                        "fig1, fig2, fig3a, fig3b, fig3c, fig3d or all"),
    "figure_and_task": (["fig1", "--task", T], "give either figure names or "
                                               "--task/--tasks-file/--distribution, not both"),
    "figure_and_weights": (["fig1", "--weights", "1"],
                           "--weights applies to custom tasks; a figure has its own weights "
                           "(--eta with a figure changes its step)"),
    "figure_and_bad_eta": (["fig1", "--eta", "0"], "eta = 0 <= 0: the step size must be > 0"),
    "nothing_to_do": ([], "nothing to do: give a figure name (fig1, fig2, fig3a, fig3b, fig3c, "
                          "fig3d, all) or --task/--tasks-file/--distribution"),
    "unknown_option": (["fig1", "--bogus"], "unrecognized arguments: --bogus"),
    "unknown_adaptation": (["fig1", "--adaptation", "newton"],
                           "argument --adaptation: invalid choice: 'newton' "
                           "(choose from 'gradient', 'normalized')"),
    "digits_not_an_integer": (["fig1", "--digits", "abc"],
                              "argument --digits: invalid int value: 'abc'"),
    "digits_zero": (["fig1", "--digits", "0"], "--digits must be between 1 and 1000"),
    "digits_huge": (["fig1", "--digits", "100000"], "--digits must be between 1 and 1000"),
    "timeout_not_a_number": (["fig1", "--timeout", "soon"],
                             "--timeout 'soon': give a number of seconds > 0, such as 60 or 0.5"),
    "timeout_negative": (["fig1", "--timeout", "-1"], "--timeout must be > 0 seconds"),
    "timeout_zero": (["fig1", "--timeout", "0"], "--timeout must be > 0 seconds"),
    "timeout_nan": (["fig1", "--timeout", "nan"],
                    "--timeout nan: give a finite number of seconds > 0"),
    "timeout_infinite": (["fig1", "--timeout", "inf"],
                         "--timeout inf: give a finite number of seconds > 0"),
}


@pytest.mark.parametrize("args,message", ARGUMENT_CASES.values(), ids=ARGUMENT_CASES.keys())
def test_bad_argument_is_one_line_exit_2_and_writes_nothing(args, message, capsys, tmp_path):
    status, out, err = certify_in_process(args, capsys, str(tmp_path))
    assert_one_line_error(status, out, err, message)
    assert_nothing_written(str(tmp_path))


# ---------------------------------------------------------------------------
# task files
# ---------------------------------------------------------------------------
GOOD_TASK = '{"A": 1, "B": 1, "Q": 2, "R": 2}'
FILE_CASES = {
    "json_truncated": ("t.json", '{"eta": 0.1, "tasks": [' + GOOD_TASK,
                       "invalid JSON at line 1 column 56: Expecting ',' delimiter"),
    "json_empty_file": ("t.json", "", "invalid JSON at line 1 column 1: Expecting value"),
    "json_nan": ("t.json", '{"eta": 0.1, "tasks": [{"A": NaN, "B": 1, "Q": 1, "R": 1}]}',
                 "NaN is not a finite number"),
    "json_infinity": ("t.json", '{"eta": 0.1, "tasks": [{"A": 1, "B": -Infinity, "Q": 1, '
                                '"R": 1}]}', "-Infinity is not a finite number"),
    "json_nan_as_text": ("t.json", '{"eta": 0.1, "tasks": [{"A": "nan", "B": 1, "Q": 1, '
                                   '"R": 1}]}', "task 1: A: 'nan' is not a finite number"),
    "json_top_level_list": ("t.json", "[" + GOOD_TASK + "]", "expected a top-level 'tasks' list or a [distribution] table"),
    "json_empty_task_list": ("t.json", '{"eta": 0.1, "tasks": []}',
                             None),     # the TaskSet message, without file prefix
    "json_task_is_a_list": ("t.json", '{"eta": 0.1, "tasks": [[1, 1, 2, 2, 1]]}',
                            "task 1: each task must be a table/object with keys "
                            "A, B, Q, R, s0[, s0a]"),
    "json_missing_key": ("t.json", '{"eta": 0.1, "tasks": [' + GOOD_TASK + ', {"A": 1, "B": 1, '
                                   '"Q": 2}]}', "task 2: task is missing R"),
    "json_unknown_key": ("t.json", '{"eta": 0.1, "tasks": [{"A": 1, "B": 1, "Q": 2, "R": 2, '
                                   '"K": 3}]}',
                         "task 1: task has unknown key(s) ['K']; allowed: A, B, Q, R, s0, s0a"),
    "json_unknown_top_key": ("t.json", '{"eta": 0.1, "step": 1, "tasks": [' + GOOD_TASK + ']}',
                             "unknown key(s) ['step']; allowed: tasks, eta, weights, distribution, method, "
                             "steps"),
    "json_null_value": ("t.json", '{"eta": 0.1, "tasks": [{"A": null, "B": 1, "Q": 2, "R": 2}]}',
                        f"task 1: A: null {NOT_A_NUMBER}"),
    "json_boolean_value": ("t.json", '{"eta": 0.1, "tasks": [{"A": 1, "B": true, "Q": 2, '
                                     '"R": 2}]}', "task 1: B: expected a number, got a boolean"),
    "json_negative_Q": ("t.json", '{"eta": 0.1, "tasks": [{"A": 1, "B": 1, "Q": -2, "R": 2}]}',
                        f"task 1: Q = -2 < 0: {LQR_Q}"),
    "json_zero_R": ("t.json", '{"eta": 0.1, "tasks": [{"A": 1, "B": 1, "Q": 2, "R": 0.0}]}',
                    f"task 1: R = 0 <= 0: {LQR_R}"),
    "json_weights_not_a_list": ("t.json", '{"eta": 0.1, "weights": 1, "tasks": [' + GOOD_TASK
                                + ']}', "'weights' must be a list"),
    "json_weight_nonnumeric": ("t.json", '{"eta": 0.1, "weights": ["a"], "tasks": [' + GOOD_TASK
                               + ']}', f"weight 1: 'a' {NOT_A_NUMBER}"),
    "json_eta_nonnumeric": ("t.json", '{"eta": "fast", "tasks": [' + GOOD_TASK + ']}',
                            f"eta: 'fast' {NOT_A_NUMBER}"),
    "json_huge_exponent": ("t.json", '{"eta": 0.1, "tasks": [{"A": 1e9999, "B": 1, "Q": 2, '
                                     '"R": 2}]}', "task 1: A: exponent in '1e9999' is beyond +-5000"),
    "json_deeply_nested": ("t.json", "[" * 100000 + "]" * 100000, "input too large (recursion limit)"),
    "toml_malformed": ("t.toml", 'eta = 0.1\n[[tasks]\nA = 1\n',
                       "invalid TOML: Expected ']]' at the end of an array declaration "
                       "(at line 2, column 8)"),
    "toml_duplicate_key": ("t.toml", 'eta = 0.1\n[[tasks]]\nA = 1\nB = 1\nQ = 1\nR = 1\nR = 2\n',
                           "invalid TOML: Cannot overwrite a value (at line 7, column 6)"),
    "toml_inf": ("t.toml", 'eta = 0.1\n[[tasks]]\nA = inf\nB = 1\nQ = 1\nR = 1\n',
                 "task 1: A: 'inf' is not a finite number"),
    "toml_nan": ("t.toml", 'eta = 0.1\n[[tasks]]\nA = 1\nB = 1\nQ = -nan\nR = 1\n',
                 "task 1: Q: '-nan' is not a finite number"),
    "toml_eta_inf": ("t.toml", 'eta = +inf\n[[tasks]]\nA = 1\nB = 1\nQ = 1\nR = 1\n',
                     "eta: '+inf' is not a finite number"),
    "toml_date": ("t.toml", 'eta = 0.1\n[[tasks]]\nA = 1979-05-27\nB = 1\nQ = 1\nR = 1\n',
                  f"task 1: A: a date {NOT_A_NUMBER}"),
    "toml_no_tasks": ("t.toml", 'eta = 0.1\n', "expected a top-level 'tasks' list or a [distribution] table"),
    "toml_no_stabilizing_W": ("t.toml", 'eta = 0.1\n[[tasks]]\nA = 1.5\nB = 0\nQ = 1\nR = 1\n',
                              "task 1: task (A=3/2, B=0) has no stabilizing W: "
                              "|A - B W| = |A| >= 1 for every W"),
    "not_utf8": ("t.json", b'{"eta": 0.1, "tasks": [{"A": "\xff"}]}', "not UTF-8 text"),
    "wrong_suffix": ("t.yaml", "tasks: []", "name must end in .json or .toml"),
}


@pytest.mark.parametrize("name,content,message", FILE_CASES.values(), ids=FILE_CASES.keys())
def test_bad_tasks_file_is_one_line_exit_2_and_writes_nothing(name, content, message, capsys,
                                                               tmp_path):
    f = tmp_path / name
    f.write_bytes(content if isinstance(content, bytes) else content.encode())
    status, out, err = certify_in_process(["--tasks-file", str(f)], capsys, str(tmp_path))
    if message is None:
        expected = "no tasks given: the task list is empty"
    elif message == "input too large (recursion limit)":
        expected = message
    else:
        expected = f"tasks file {str(f)!r}: {message}"
    assert_one_line_error(status, out, err, expected)
    assert_nothing_written(str(tmp_path), [name])


def test_missing_tasks_file(capsys, tmp_path):
    f = str(tmp_path / "none.json")
    status, out, err = certify_in_process(["--tasks-file", f], capsys, str(tmp_path))
    assert_one_line_error(status, out, err, f"tasks file {f!r}: No such file or directory")
    assert_nothing_written(str(tmp_path))


def test_folder_given_as_tasks_file(capsys, tmp_path):
    d = tmp_path / "tasks.json"
    d.mkdir()
    status, out, err = certify_in_process(["--tasks-file", str(d)], capsys, str(tmp_path))
    assert_one_line_error(status, out, err, f"tasks file {str(d)!r}: Is a directory")
    assert_nothing_written(str(tmp_path), ["tasks.json"])


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="root reads files whatever their permissions")
def test_unreadable_tasks_file(capsys, tmp_path):
    f = tmp_path / "t.json"
    f.write_text('{"eta": 0.1, "tasks": [' + GOOD_TASK + ']}')
    f.chmod(0)
    status, out, err = certify_in_process(["--tasks-file", str(f)], capsys, str(tmp_path))
    assert_one_line_error(status, out, err, f"tasks file {str(f)!r}: Permission denied")


# ---------------------------------------------------------------------------
# --output: checked before any work is done
# ---------------------------------------------------------------------------
def test_output_in_a_missing_folder_is_refused_before_work(capsys, tmp_path):
    target = tmp_path / "missing" / "out.json"
    status = main(["fig1", "--output", str(target)])
    err = capsys.readouterr().err
    assert_one_line_error(status, "", err, f"cannot write {str(target)!r}: folder "
                          f"{str(tmp_path / 'missing')!r} does not exist")
    assert os.listdir(tmp_path) == []


def test_output_that_is_a_folder_is_refused(capsys, tmp_path):
    status = main(["fig1", "--output", str(tmp_path)])
    err = capsys.readouterr().err
    assert_one_line_error(status, "", err,
                          f"cannot write {str(tmp_path)!r}: it is a folder; give a file name")
    assert os.listdir(tmp_path) == []


# ---------------------------------------------------------------------------
# an empty domain is an answer, not an error
# ---------------------------------------------------------------------------
def test_empty_domain_for_a_large_eta_is_certified_with_exit_0(capsys, tmp_path):
    """Tasks (1,1,1,1) and (1,1,10,1): at eta = 100 no W keeps every adapted
    gain stable (the domain is empty), at eta = 1/100 it is not."""
    out = tmp_path / "empty.json"
    tasks = ["--task", "1,1,1,1,1", "--task", "1,1,10,1,1"]
    assert main(tasks + ["--eta", "100", "--json", "--output", str(out)]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    doc = json.loads(captured.out)
    assert json.loads(out.read_text()) == doc
    assert doc["certified"] is True and doc["undecided"] == []
    assert doc["domain"] == [] and doc["stationary_points"] == []
    assert doc["counts"] == {"stationary": 0, "min": 0, "max": 0, "degenerate": 0,
                             "global_min": 0, "spurious_min": 0, "attracting": 0, "repelling": 0}
    assert main(tasks + ["--eta", "0.01", "--json"]) == 0
    small = json.loads(capsys.readouterr().out)
    assert len(small["domain"]) == 1 and small["counts"]["min"] >= 1


def test_empty_domain_is_reported_in_the_table(capsys):
    assert main(["--task", "1,1,1,1,1", "--task", "1,1,10,1,1", "--eta", "100"]) == 0
    out = capsys.readouterr().out
    assert "domain: empty" in out and "certified: yes" in out


def test_tasks_without_a_common_stable_gain_have_an_empty_domain(capsys):
    """(A, B) = (1/2, 1) is stable on (-1/2, 3/2), (4, 1) on (3, 5): no W is
    stable for both, at any eta. Still an answer."""
    assert main(["--task", "0.5,1,1,1,1", "--task", "4,1,1,1,1", "--eta", "1e-9", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["domain"] == [] and doc["certified"] is True and doc["counts"]["stationary"] == 0


# ---------------------------------------------------------------------------
# as real processes: no traceback reaches the console
# ---------------------------------------------------------------------------
@pytest.mark.parametrize("args,message", [
    (["--task", "nan,1,1,1,1", "--eta", "0.1"], "--task 1: field A: 'nan' is not a finite number"),
    (["--task", "1,1,1,1,1", "--eta", "0"], "eta = 0 <= 0: the step size must be > 0"),
    (["--task", "1,1,1,1,1", "--eta", "0.1", "--output", "/"],
     "cannot write '/': it is a folder; give a file name"),
])
def test_bad_input_in_a_real_process(args, message, tmp_path):
    r = subprocess.run([sys.executable, "-m", "symlqr.certify", *args], capture_output=True,
                       text=True, timeout=120, cwd=str(tmp_path))
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == f"{PROG}: error: {message}\n"
    assert os.listdir(tmp_path) == []


# ---------------------------------------------------------------------------
# every proofs/ script shares the runner, hence the behaviour
# ---------------------------------------------------------------------------
PROOF_SCRIPTS = sorted(p for p in glob.glob(os.path.join(ROOT, "proofs", "*.py"))
                       if not os.path.basename(p).startswith("_"))
PROOF_CASES = {
    "non_numeric": (["--task", "abc,1,1,1,1", "--eta", "0.1"],
                    f"--task 1: field A: 'abc' {NOT_A_NUMBER}"),
    "nan": (["--task", "nan,1,1,1,1", "--eta", "0.1"],
            "--task 1: field A: 'nan' is not a finite number"),
    "infinite_eta": (["--task", T, "--eta=-inf"], "--eta: '-inf' is not a finite number"),
    "wrong_field_count": (["--task", "1,1,2", "--eta", "0.1"],
                          f"--task 1: task '1,1,2': {TASK_FIELDS}, got 3"),
    "eta_zero": (["--task", T, "--eta", "0"], "eta = 0 <= 0: the step size must be > 0"),
    "weight_negative": (["--task", T, "--task", T, "--eta", "0.1", "--weights=-1,2"],
                        "weight 1 = -1 < 0: weights must be >= 0"),
    "weights_zero_sum": (["--task", T, "--eta", "0.1", "--weights", "0"],
                         "weights sum to zero: at least one weight must be > 0"),
    "weights_count": (["--task", T, "--eta", "0.1", "--weights", "1,1"],
                      "2 weights for 1 task: give one weight per task"),
    "Q_negative": (["--task", "1,1,-1,1,1", "--eta", "0.1"], f"--task 1: Q = -1 < 0: {LQR_Q}"),
    "R_zero": (["--task", "1,1,1,0,1", "--eta", "0.1"], f"--task 1: R = 0 <= 0: {LQR_R}"),
    "no_stabilizing_W": (["--task", "2,0,1,1,1", "--eta", "0.1"],
                         "--task 1: task (A=2, B=0) has no stabilizing W: "
                         "|A - B W| = |A| >= 1 for every W"),
    "unknown_figure": (["fig7"], "unknown figure 'fig7'; choose one of fig1, fig2, fig3a, "
                                 "fig3b, fig3c, fig3d or all"),
    "timeout_infinite": (["fig1", "--timeout", "inf"],
                         "--timeout inf: give a finite number of seconds > 0"),
    "digits_not_an_integer": (["fig1", "--digits", "x"],
                              "argument --digits: invalid int value: 'x'"),
}


def run_script_in_process(path, args, monkeypatch, capsys):
    """Run a proofs/ script as ``__main__`` in this process; (status, out, err)."""
    monkeypatch.setattr(sys, "argv", [path] + list(args))
    with pytest.raises(SystemExit) as stop:
        runpy.run_path(path, run_name="__main__")
    captured = capsys.readouterr()
    return stop.value.code, captured.out, captured.err


@pytest.mark.parametrize("case", PROOF_CASES, ids=PROOF_CASES.keys())
@pytest.mark.parametrize("script", PROOF_SCRIPTS, ids=[os.path.basename(p) for p in PROOF_SCRIPTS])
def test_proof_script_bad_input_is_one_line_exit_2(script, case, monkeypatch, capsys, tmp_path):
    args, message = PROOF_CASES[case]
    out = str(tmp_path / "out.json")
    status, stdout, err = run_script_in_process(script, args + ["--output", out], monkeypatch,
                                                capsys)
    assert status == 2, err
    assert stdout == "" and "Traceback" not in err
    assert err.count("\n") == 1 and err.endswith(f": error: {message}\n"), err
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("name,content,message", [
    ("t.json", '{"eta": 0.1, "tasks": [', "invalid JSON at line 1 column 24: Expecting value"),
    ("t.toml", 'eta = 0.1\n[[tasks]]\nA = nan\nB = 1\nQ = 1\nR = 1\n',
     "task 1: A: 'nan' is not a finite number"),
    ("t.json", '{"eta": 0.1, "tasks": []}', None),
])
@pytest.mark.parametrize("script", PROOF_SCRIPTS, ids=[os.path.basename(p) for p in PROOF_SCRIPTS])
def test_proof_script_bad_tasks_file(script, name, content, message, monkeypatch, capsys,
                                     tmp_path):
    f = tmp_path / name
    f.write_text(content)
    status, stdout, err = run_script_in_process(script, ["--tasks-file", str(f)], monkeypatch,
                                                capsys)
    expected = ("no tasks given: the task list is empty" if message is None
                else f"tasks file {str(f)!r}: {message}")
    assert status == 2 and stdout == ""
    assert err.count("\n") == 1 and err.endswith(f": error: {expected}\n"), err


@pytest.mark.parametrize("script", PROOF_SCRIPTS[:1], ids=[os.path.basename(p)
                                                          for p in PROOF_SCRIPTS[:1]])
def test_proof_script_bad_input_in_a_real_process(script, tmp_path):
    r = subprocess.run([sys.executable, script, "--task", "1,1,1,1,1", "--eta", "inf"],
                       capture_output=True, text=True, timeout=120, cwd=str(tmp_path))
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.endswith(": error: --eta: 'inf' is not a finite number\n")
    assert r.stderr.count("\n") == 1


# ---------------------------------------------------------------------------
# long integers: up to MAX_TEXT = 5000 characters read exactly (beyond Python's
# 4300-digit limit of int(str)), longer ones refused with one line
# ---------------------------------------------------------------------------
LONG = "7" * 4301                       # just beyond Python's default limit
LONGEST = "7" * 5000                    # the stated limit


def sevens(digits: str) -> int:
    """int("77...7") without int(str) (which the test itself could not do)."""
    return 7 * (10 ** len(digits) - 1) // 9


def _custom(args):
    from symlqr.cli.certify import build_parser
    from symlqr.cli.common import tasksets_from_args
    return tasksets_from_args(build_parser().parse_args(args))[0]


@pytest.mark.parametrize("digits", [LONG, LONGEST])
def test_long_integers_in_task_eta_and_weights_are_read_exactly(digits):
    ts = _custom(["--task", f"1,1,{digits},2", "--task", f"1,1,2,{digits[:4400]}/3",
                  "--eta", f"0.{'0' * (len(digits) - 3)}1", "--weights", f"1,{digits}"])
    n = sevens(digits)
    assert ts.tasks[0].Q == n and ts.tasks[1].R * 3 == sevens(digits[:4400])
    assert ts.eta.denominator == 10 ** (len(digits) - 2) and ts.eta.numerator == 1
    assert ts.weights[1] == n * ts.weights[0] and sum(ts.weights) == 1
    assert ts.to_dict()["tasks"][0]["Q"] == digits


def test_long_integer_on_the_command_line_comes_back_digit_for_digit(capsys, tmp_path):
    """A 4301-digit (negative) Q is parsed exactly and printed back in full in
    the one-line error, through the whole command line, without Python's
    4300-digit limit getting in the way (a computation with it would take minutes)."""
    status, out, err = certify_in_process(["--task", f"1,1,-{LONG},2", "--eta", "0.01"],
                                          capsys, str(tmp_path))
    assert_one_line_error(status, out, err, f"--task 1: Q = -{LONG} < 0: {LQR_Q}")


def test_long_integer_in_atlas_vary_is_read_exactly():
    from symlqr.cli.atlas import parse_vary
    name, lo, hi = parse_vary(f"eta=1/{LONG}:{LONG}")
    assert name == "eta" and lo * sevens(LONG) == 1 and hi == sevens(LONG)


@pytest.mark.parametrize("suffix,template", [
    (".json", '{{"eta": {n}, "tasks": [{{"A": 1, "B": 1, "Q": {n}, "R": 2}}]}}'),
    (".toml", 'eta = {n}\n[[tasks]]\nA = 1\nB = 1\nQ = {n}\nR = 2\n'),
])
@pytest.mark.parametrize("digits", [LONG, LONGEST])
def test_long_integers_in_task_files_are_read_exactly(suffix, template, digits, tmp_path):
    from symlqr.taskfiles import load_tasks_file
    f = tmp_path / ("t" + suffix)
    f.write_text(template.format(n=digits))
    data = load_tasks_file(str(f))
    assert data["eta"] == sevens(digits) and data["tasks"][0].Q == sevens(digits)


@pytest.mark.parametrize("suffix,template,size,message", [
    (".toml", 'eta = 0.1\n[[tasks]]\nA = 1\nB = 1\nQ = {n}\nR = 2\n', 5001,
     "task 1: Q: integer has more than 5000 digits"),
    (".toml", 'eta = 0.1\n[[tasks]]\nA = 1\nB = 1\nQ = {n}\nR = 2\n', 60000,
     "an integer has more than 5000 digits"),
    (".json", '{{"eta": 0.1, "tasks": [{{"A": 1, "B": 1, "Q": {n}, "R": 2}}]}}', 5001,
     "task 1: Q: number has more than 5000 characters"),
])
def test_integers_beyond_5000_digits_in_task_files_are_refused(suffix, template, size, message,
                                                                capsys, tmp_path):
    f = tmp_path / ("t" + suffix)
    f.write_text(template.format(n="7" * size))
    status, out, err = certify_in_process(["--tasks-file", str(f)], capsys, str(tmp_path))
    assert_one_line_error(status, out, err, f"tasks file {str(f)!r}: {message}")
    assert_nothing_written(str(tmp_path), [f.name])


@pytest.mark.parametrize("args,message", [
    (["--task", f"1,1,{'7' * 5001},2", "--eta", "0.1"],
     "--task 1: field Q: number has more than 5000 characters"),
    (["--task", "1,1,2,2", "--eta", "1" * 5001], "--eta: number has more than 5000 characters"),
    (["--task", "1,1,2,2", "--eta", "0.1", "--weights", "1" * 5001],
     "--weights: weight 1: number has more than 5000 characters"),
])
def test_numbers_beyond_5000_characters_are_refused(args, message, capsys, tmp_path):
    status, out, err = certify_in_process(args, capsys, str(tmp_path))
    assert_one_line_error(status, out, err, message)


def test_a_fifo_as_tasks_file_is_refused_without_hanging(tmp_path):
    fifo = tmp_path / "tasks.json"
    os.mkfifo(fifo)
    r = subprocess.run([sys.executable, "-m", "symlqr.certify", "--tasks-file", str(fifo)],
                       capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr == (f"python -m symlqr.certify: error: tasks file {str(fifo)!r}: not a "
                        "regular file (a pipe or device); give a .json or .toml file\n")


def test_a_device_as_tasks_file_is_refused(capsys, tmp_path):
    status, out, err = certify_in_process(["--tasks-file", "/dev/zero.json"], capsys,
                                          str(tmp_path))
    assert status == 2 and "No such file" in err
