"""User text is never evaluated: not by eval, exec, pickle or sympify.

Hostile strings go through every entry point (command-line arguments, task
files in JSON and TOML, the Python parsing API, the proofs/ scripts) while
``eval``, ``exec``, ``compile``, ``os.system``, ``subprocess.Popen``, pickle
loading and sympy's string parser are replaced by tripwires. Each run must
end with a one-line error (exit 2), no tripwire may fire, and no file
``PWNED`` may appear. A static scan of the sources backs this up.
"""
import ast
import builtins
import glob
import json
import os
import pickle
import runpy
import subprocess
import sys

import pytest

import symlqr
from symlqr.certify import main
from symlqr.taskfiles import load_tasks_file
from symlqr.tasks import InputError, Task, TaskSet, as_rational, figure, parse_rational

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = os.path.dirname(os.path.abspath(symlqr.__file__))
PROOF_SCRIPTS = sorted(p for p in glob.glob(os.path.join(ROOT, "proofs", "*.py"))
                       if not os.path.basename(p).startswith("_"))

PAYLOADS = [
    "__import__('os').system('touch PWNED')",
    "exec(\"open('PWNED', 'w').close()\")",
    "eval(\"__import__('os').system('touch PWNED')\")",
    "1; __import__('os').system('touch PWNED')",
    "(lambda: __import__('subprocess').call(['touch', 'PWNED']))()",
    "$(touch PWNED)",
    "`touch PWNED`",
    "open('PWNED','w')",
    "Symbol('PWNED')",
    "1/2 if open('PWNED','w') else 0",
]
MARKER = "PWNED"
# a pickle that runs ``touch PWNED`` when unpickled
PICKLE_BOMB = b"cos\nsystem\n(S'touch PWNED'\ntR."


class Tripwire(AssertionError):
    pass


@pytest.fixture
def tripwires(monkeypatch, tmp_path):
    """Work in an empty folder with every evaluator wrapped in a tripwire that
    fires when user text (every payload contains the marker ``PWNED``) reaches
    it; trusted calls (runpy compiling a script, pytest's reports) pass."""
    fired = []

    def wire(name, real):
        def call(*args, **kwargs):
            if MARKER in repr(args) or MARKER in repr(kwargs):
                fired.append((name, args))
                raise Tripwire(f"{name} called with {args!r}")
            return real(*args, **kwargs)
        return call

    import sympy.parsing.sympy_parser as sympy_parser
    for owner, attr, label in ((builtins, "eval", "eval"), (builtins, "exec", "exec"),
                               (builtins, "compile", "compile"), (os, "system", "os.system"),
                               (subprocess, "Popen", "subprocess.Popen"),
                               (pickle, "loads", "pickle.loads"), (pickle, "load", "pickle.load"),
                               (sympy_parser, "parse_expr", "sympy parse_expr")):
        monkeypatch.setattr(owner, attr, wire(label, getattr(owner, attr)))
    monkeypatch.chdir(tmp_path)
    yield fired
    assert fired == []
    assert not os.path.exists(tmp_path / "PWNED")
    assert not os.path.exists(os.path.join(ROOT, "PWNED"))


def test_tripwires_catch_an_evaluation(tripwires):
    """The tripwires can fire: eval, pickle and sympy's string parsing of a
    payload are caught, while trusted evaluations still work."""
    import sympy
    assert eval("1 + 1") == 2
    with pytest.raises(Tripwire):
        eval("'PWNED'")
    with pytest.raises(Tripwire):
        sympy.sympify("PWNED + 1")
    with pytest.raises(Tripwire):
        pickle.loads(PICKLE_BOMB)
    assert [name for name, _ in tripwires] == ["eval", "sympy parse_expr", "pickle.loads"]
    tripwires.clear()


def run_cli(args, capsys):
    status = main(list(args))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def assert_refused(status, out, err):
    assert status == 2, err
    assert out == "" and "Traceback" not in err and err.count("\n") == 1
    assert "Tripwire" not in err


def cli_variants(payload):
    """The payload in each place of the command line."""
    t = "1,1,2,2,1"
    return [
        [payload],
        ["fig1", payload],
        ["--task", payload, "--eta", "0.1"],
        ["--task", f"{payload},1,2,2,1", "--eta", "0.1"],
        ["--task", f"1,{payload},2,2,1", "--eta", "0.1"],
        ["--task", f"1,1,2,2,{payload}", "--eta", "0.1"],
        ["--task", f"1,1,2,2,1,{payload}", "--eta", "0.1"],
        ["--task", t, f"--eta={payload}"],
        ["--task", t, "--eta", "0.1", f"--weights={payload}"],
        ["--task", t, "--task", t, "--eta", "0.1", f"--weights=1,{payload}"],
        ["fig1", f"--digits={payload}"],
        ["fig1", f"--timeout={payload}"],
        ["fig1", f"--adaptation={payload}"],
        [f"--tasks-file={payload}"],
        [f"--tasks-file={payload}.json"],
        ["fig1", f"--output={payload}/x.json"],
    ]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_text_on_the_command_line_is_refused_never_run(payload, tripwires, capsys):
    for args in cli_variants(payload):
        assert_refused(*run_cli(args, capsys))


def file_variants(payload):
    task = {"A": 1, "B": 1, "Q": 2, "R": 2}
    docs = [{"eta": "0.1", "tasks": [dict(task, **{k: payload})]} for k in ("A", "B", "Q", "R")]
    docs += [{"eta": "0.1", "tasks": [dict(task, s0=payload)]},
             {"eta": "0.1", "tasks": [dict(task, s0a=payload)]},
             {"eta": payload, "tasks": [task]},
             {"eta": "0.1", "weights": [payload], "tasks": [task]},
             {"eta": "0.1", "tasks": [dict(task, **{payload: 1})]},
             {"eta": "0.1", payload: 1, "tasks": [task]},
             {"eta": "0.1", "tasks": payload}]
    return docs


def toml_text(doc):
    """A TOML rendering of a small document (strings as TOML literal strings
    in double quotes, escaped)."""
    def value(v):
        if isinstance(v, str):
            return json.dumps(v)
        if isinstance(v, list):
            return "[" + ", ".join(value(x) for x in v) + "]"
        return str(v)
    lines = [f"{json.dumps(k)} = {value(v)}" for k, v in doc.items() if k != "tasks"]
    tasks = doc["tasks"]
    if isinstance(tasks, str):
        lines.append(f"tasks = {value(tasks)}")
    else:
        for t in tasks:
            lines.append("[[tasks]]")
            lines += [f"{json.dumps(k)} = {value(v)}" for k, v in t.items()]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_text_in_task_files_is_refused_never_run(payload, tripwires, capsys, tmp_path):
    for k, doc in enumerate(file_variants(payload)):
        for suffix, text in ((".json", json.dumps(doc)), (".toml", toml_text(doc))):
            f = tmp_path / f"tasks{k}{suffix}"
            f.write_text(text)
            assert_refused(*run_cli(["--tasks-file", str(f)], capsys))


def test_pickle_and_raw_code_as_task_file_are_refused(tripwires, capsys, tmp_path):
    for name, data in (("p.json", PICKLE_BOMB), ("p.toml", PICKLE_BOMB),
                       ("c.json", b"__import__('os').system('touch PWNED')"),
                       ("c.toml", b"__import__('os').system('touch PWNED')")):
        f = tmp_path / name
        f.write_bytes(data)
        assert_refused(*run_cli(["--tasks-file", str(f)], capsys))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_text_through_the_python_api_raises_input_error(payload, tripwires):
    calls = [
        lambda: parse_rational(payload),
        lambda: as_rational(payload),
        lambda: Task.parse(payload),
        lambda: Task.parse(f"1,1,{payload},2,1"),
        lambda: Task(payload, 1, 1, 1),
        lambda: Task.from_mapping({"A": 1, "B": 1, "Q": 1, "R": payload}),
        lambda: TaskSet([Task(1, 1, 2, 2)], payload),
        lambda: TaskSet([Task(1, 1, 2, 2)], "0.1", [payload]),
        lambda: figure(payload),
        lambda: load_tasks_file(payload),
        lambda: load_tasks_file(payload + ".toml"),
    ]
    for call in calls:
        with pytest.raises(InputError):
            call()


@pytest.mark.parametrize("script", PROOF_SCRIPTS, ids=[os.path.basename(p) for p in PROOF_SCRIPTS])
def test_hostile_text_in_proof_scripts_is_refused_never_run(script, tripwires, monkeypatch,
                                                            capsys):
    for payload in PAYLOADS[:4]:
        for args in cli_variants(payload)[:10]:
            monkeypatch.setattr(sys, "argv", [script] + args)
            with pytest.raises(SystemExit) as stop:
                runpy.run_path(script, run_name="__main__")
            captured = capsys.readouterr()
            assert_refused(stop.value.code, captured.out, captured.err)


def test_hostile_text_in_a_real_process_creates_no_file(tmp_path):
    """Without tripwires, in a separate process: the file must not appear."""
    payload = PAYLOADS[0]
    for args in (["--task", f"{payload},1,1,1,1", "--eta", "0.1"],
                 ["--task", "1,1,1,1,1", f"--eta={payload}"], [payload]):
        r = subprocess.run([sys.executable, "-m", "symlqr.certify", *args], cwd=str(tmp_path),
                           capture_output=True, text=True, timeout=120)
        assert r.returncode == 2 and r.stderr.count("\n") == 1
    assert os.listdir(tmp_path) == []


# ---------------------------------------------------------------------------
# static scan: no evaluator is even called on anything but trusted values
# ---------------------------------------------------------------------------
FORBIDDEN = {"eval", "exec", "compile", "__import__", "parse_expr", "sympify", "loads", "load",
             "system", "popen", "Popen", "literal_eval", "run_path"}
# (file, enclosing function, called name): sympify of an int or sympy object
ALLOWED = {("lqr.py", "_S", "sympify")}
# np.load of a user's run (.npz) with allow_pickle=False: arrays only, never objects
# (checked below by test_the_run_reader_refuses_pickles)
ALLOWED |= {("verify.py", "load_run", "load")}
# parsers of data, not of code
SAFE_QUALIFIED = {"re.compile", "json.loads", "json.load", "tomllib.loads", "tomli.loads"}
FORBIDDEN_MODULES = {"pickle", "marshal", "shelve", "dill", "cloudpickle", "yaml"}


def _scan(path):
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
    bad = []

    def visit(node, func):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            func = node.name
        if isinstance(node, ast.Call):
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
            qualified = (f"{f.value.id}.{f.attr}" if isinstance(f, ast.Attribute)
                         and isinstance(f.value, ast.Name) else name)
            if (name in FORBIDDEN and qualified not in SAFE_QUALIFIED
                    and (os.path.basename(path), func, name) not in ALLOWED):
                bad.append(f"{os.path.basename(path)}:{node.lineno} {name}() in {func}")
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            mods = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom)
                                                   and node.module else [])
            if any(m.split(".")[0] in FORBIDDEN_MODULES for m in mods):
                bad.append(f"{os.path.basename(path)}:{node.lineno} imports {mods}")
        for child in ast.iter_child_nodes(node):
            visit(child, func)

    visit(tree, "<module>")
    return bad


def test_sources_call_no_evaluator_on_user_text():
    files = sorted(glob.glob(os.path.join(PACKAGE, "**", "*.py"), recursive=True)) + PROOF_SCRIPTS
    assert len(files) >= 10
    bad = [b for f in files for b in _scan(f)]
    assert bad == []


def test_json_loads_in_the_task_reader_is_json_not_pickle():
    """The one allowed ``loads`` is ``json.loads`` (checked by name), and the
    one allowed ``sympify`` only ever sees ints and sympy objects."""
    src = open(os.path.join(PACKAGE, "taskfiles.py"), encoding="utf-8").read()
    assert "json.loads(" in src and "pickle" not in src
    lqr_src = open(os.path.join(PACKAGE, "scalar", "lqr.py"), encoding="utf-8").read()
    assert "sympy.sympify(x) if isinstance(x, (int, sympy.Basic)) else x" in lqr_src


def test_the_run_reader_refuses_pickles():
    """The one ``load`` allowed is numpy's, on a user's run, with pickles refused."""
    src = open(os.path.join(PACKAGE, "cli", "verify.py"), encoding="utf-8").read()
    calls = [n for n in ast.walk(ast.parse(src)) if isinstance(n, ast.Call)
             and getattr(n.func, "attr", None) == "load"]
    assert calls and all(any(k.arg == "allow_pickle" and getattr(k.value, "value", None) is False
                             for k in c.keywords) for c in calls)
