"""The command line: tables, the JSON schema, exit codes, files."""
import json
import os
import subprocess
import sys
from fractions import Fraction

import pytest

from symlqr.certify import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "symlqr.certify", *args], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT)


def test_fig2_table_marks_two_spurious_minima():
    r = run("fig2")
    assert r.returncode == 0, r.stderr
    rows = [line.rstrip() for line in r.stdout.splitlines()]
    assert sum(x.endswith("spurious min") for x in rows) == 2
    assert sum(x.endswith("global min") for x in rows) == 1
    assert "certified: yes" in r.stdout


def test_json_schema_of_one_figure(capsys):
    assert main(["fig1", "--json", "--digits", "25"]) == 0
    doc = json.loads(capsys.readouterr().out)
    for key in ("eta", "tasks", "domain", "stationary_points", "counts", "epsilon", "certified"):
        assert key in doc
    assert doc["eta"] == "1/100" and doc["certified"] is True
    assert doc["counts"] == {"stationary": 5, "min": 3, "max": 2, "degenerate": 0,
                             "global_min": 3, "spurious_min": 0, "attracting": 3, "repelling": 2}
    assert (doc["method"], doc["steps"]) == ("maml", 1)
    for p in doc["stationary_points"]:
        assert p["type"] in ("min", "max", "degenerate")
        lo, hi = (Fraction(x) for x in p["W_interval"])
        assert lo <= Fraction(p["W"]) <= hi or abs(Fraction(p["W"]) - lo) < Fraction(1, 10**24)
        assert hi - lo < Fraction(1, 10**25)
        assert len(p["W"].replace("-", "").replace(".", "").lstrip("0")) <= 25   # significant digits
        assert ("global" in p) == (p["type"] == "min")
        Fraction(p["h"])


def test_all_prints_six_certified_documents_with_names(capsys):
    assert main(["all", "--json", "--digits", "12"]) == 0
    docs = json.loads(capsys.readouterr().out)
    assert [d["name"] for d in docs] == ["fig1", "fig2", "fig3a", "fig3b", "fig3c", "fig3d"]
    assert all(d["certified"] for d in docs)
    assert "four tasks" in docs[2]["note"]


def test_all_prints_six_tables(capsys):
    assert main(["all", "--digits", "10"]) == 0
    out = capsys.readouterr().out
    assert out.count("certified: yes") == 6


def test_custom_tasks_equal_the_figure(capsys):
    assert main(["--task", "1,1,2,2,1", "--task", "1,1,0.1,0.1,1", "--eta", "0.01", "--json"]) == 0
    custom = json.loads(capsys.readouterr().out)
    assert main(["fig2", "--json"]) == 0
    fig = json.loads(capsys.readouterr().out)
    for k in ("stationary_points", "counts", "epsilon", "domain"):
        assert custom[k] == fig[k]


@pytest.mark.parametrize("suffix,text", [
    (".json", '{"eta": "0.01", "tasks": [{"A": 1, "B": 1, "Q": 2, "R": 2}, '
              '{"A": 1, "B": 1, "Q": 0.1, "R": 0.1, "s0": 1}]}'),
    (".toml", 'eta = 0.01\n[[tasks]]\nA = 1\nB = 1\nQ = 2\nR = 2\n'
              '[[tasks]]\nA = 1\nB = 1\nQ = 0.1\nR = "1/10"\n'),
])
def test_tasks_file_reads_decimals_exactly(tmp_path, capsys, suffix, text):
    f = tmp_path / ("tasks" + suffix)
    f.write_text(text)
    assert main(["--tasks-file", str(f), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["tasks"][1]["Q"] == "1/10" and doc["counts"]["spurious_min"] == 2


def test_output_file_holds_the_json_document(tmp_path, capsys):
    out = tmp_path / "fig1.json"
    assert main(["fig1", "--output", str(out), "--json"]) == 0
    assert json.loads(out.read_text()) == json.loads(capsys.readouterr().out)
    assert os.listdir(tmp_path) == ["fig1.json"]


@pytest.mark.parametrize("args,message", [
    (["fig9"], "unknown figure 'fig9'"),
    (["--task", "1,1,2", "--eta", "0.1"], "expected 4 to 6 comma-separated fields"),
    (["--task", "1,1,2,0,1", "--eta", "0.1"], "R = 0 <= 0: the control cost must be > 0"),
    (["--task", "1,1,2,2,1"], "custom tasks need a step size"),
    ([], "nothing to do"),
])
def test_bad_input_is_one_line_and_exit_2(args, message):
    r = run(*args)
    assert r.returncode == 2
    assert r.stdout == ""
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in r.stderr


def test_timeout_stops_cleanly_with_exit_3_and_says_how_far_it_got(tmp_path):
    out = tmp_path / "x.json"
    r = run("fig3d", "--timeout", "0.000001", "--output", str(out))
    assert r.returncode == 3
    assert "timeout" in r.stderr and "finished stages" in r.stderr
    assert not out.exists()


def test_undecided_result_exits_3(monkeypatch, capsys):
    import symlqr.scalar.landscape as landscape
    import symlqr.scalar.values as values
    monkeypatch.setattr(values, "MINPOLY_MAX_DEGREE", 0)
    monkeypatch.setattr(values, "mirror_images", lambda a, b: False)   # the tie's other proof
    monkeypatch.setattr(landscape, "MAX_BITS", 256)
    from symlqr.scalar.engines import certify_landscape as real
    monkeypatch.setattr("symlqr.cli.certify.certify_landscape",
                        lambda *a, **k: real(*a, **{**k, "max_bits": 256}))
    assert main(["--task", "0.5,1,1,1,1", "--task", "0.5,-1,1,1,1", "--eta", "0.1"]) == 3
    assert "certified: NO" in capsys.readouterr().out


def test_negative_leading_values_are_values_not_options(capsys):
    """(-1, -1, 2, 2) is (1, 1, 2, 2) with A -> -A, B -> -B: the same cost."""
    assert main(["--task", "-1,-1,2,2,1", "--eta", "0.01", "--json"]) == 0
    mirrored = json.loads(capsys.readouterr().out)
    assert main(["fig1", "--json"]) == 0
    assert mirrored["stationary_points"] == json.loads(capsys.readouterr().out)["stationary_points"]


def test_output_file_is_readable_like_any_new_file(tmp_path):
    out = tmp_path / "x.json"
    assert main(["fig1", "--output", str(out)]) == 0
    mask = os.umask(0)
    os.umask(mask)
    assert (out.stat().st_mode & 0o777) == (0o666 & ~mask)


# ---------------------------------------------------------------------------
# first contact: the symlqr command, python -m symlqr, --version, short tasks
# ---------------------------------------------------------------------------
def test_symlqr_command_dispatches_to_certify_atlas_and_proofs(capsys):
    from symlqr.cli.main import main as symlqr
    assert symlqr(["certify", "fig1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["counts"]["global_min"] == 3
    assert symlqr(["proof", "theorem2", "fig1", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["name"] == "fig1" and doc["checks"][0]["result"] == "Theorem 2"
    assert symlqr(["atlas", "fig1", "--vary", "eta=0:0.1"]) == 0
    assert "critical values" in capsys.readouterr().out


def test_symlqr_command_errors_are_one_line_with_the_subcommand_as_prog(capsys):
    from symlqr.cli.main import main as symlqr
    assert symlqr(["certify", "fig9"]) == 2
    assert capsys.readouterr().err.startswith("symlqr certify: error: unknown figure 'fig9'")
    assert symlqr(["prove", "fig1"]) == 2
    assert capsys.readouterr().err.startswith("symlqr: error: unknown command 'prove'")
    assert symlqr(["proof", "theorem9"]) == 2
    assert capsys.readouterr().err.startswith("symlqr proof: error: unknown result 'theorem9'")


def test_python_m_symlqr_and_version_in_a_real_process():
    import symlqr
    r = subprocess.run([sys.executable, "-m", "symlqr", "certify", "--version"],
                       capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert r.returncode == 0 and r.stdout.strip() == f"symlqr certify (symlqr {symlqr.__version__})"
    r = subprocess.run([sys.executable, "-m", "symlqr", "--version"], capture_output=True,
                       text=True, timeout=120, cwd=ROOT)
    assert r.stdout.strip() == f"symlqr {symlqr.__version__}"


@pytest.mark.parametrize("command", [["-m", "symlqr.certify"], ["-m", "symlqr.atlas"],
                                     ["proofs/theorem4.py"]])
def test_every_command_has_version(command, capsys):
    import runpy
    import symlqr
    argv = sys.argv
    try:
        sys.argv = [command[-1], "--version"]
        with pytest.raises(SystemExit) as stop:
            if command[0] == "-m":
                runpy.run_module(command[1], run_name="__main__")
            else:
                runpy.run_path(os.path.join(ROOT, command[0]), run_name="__main__")
    finally:
        sys.argv = argv
    assert stop.value.code == 0
    assert capsys.readouterr().out.strip().endswith(f"(symlqr {symlqr.__version__})")


def test_console_script_is_declared():
    import configparser
    cfg = configparser.ConfigParser()
    cfg.read(os.path.join(ROOT, "setup.cfg"))
    assert cfg["options.entry_points"]["console_scripts"].strip() == \
        "symlqr = symlqr.cli.launch:console"


def test_launch_runs_the_commands_main_and_returns_its_exit_code(capsys):
    from symlqr.cli.launch import launch
    assert launch("symlqr.cli.main", "symlqr", ["--version"]) == 0
    assert capsys.readouterr().out.startswith("symlqr ")
    assert launch("symlqr.cli.main", "symlqr", ["nosuchcommand"]) == 2
    assert "unknown command" in capsys.readouterr().err


def _loading_extensions(pid: int) -> bool:
    """The process has begun to load the engine's C extensions (numpy, FLINT),
    i.e. it is past the interpreter's own start and inside the command's import."""
    try:
        with open(f"/proc/{pid}/maps") as fh:
            maps = fh.read()
    except OSError:
        return True
    return "flint" in maps or "numpy" in maps


@pytest.mark.skipif(not os.path.exists("/proc/self/maps"), reason="needs /proc")
@pytest.mark.parametrize("command", [["-m", "symlqr.certify", "fig2"], ["-m", "symlqr", "certify", "fig2"],
                                     ["-m", "symlqr.atlas", "fig1", "--vary", "eta=0:0.1"]])
def test_ctrl_c_while_the_engine_loads_is_one_line_and_exit_130(command, tmp_path):
    """SIGINT as soon as the command starts loading numpy and FLINT (a Ctrl-C in
    the interpreter's own first milliseconds is Python's, not ours)."""
    import signal
    import time
    out = tmp_path / "out.json"
    proc = subprocess.Popen([sys.executable, *command, "--output", str(out)], cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            start_new_session=True)
    stop = time.monotonic() + 30
    while not _loading_extensions(proc.pid) and time.monotonic() < stop:
        time.sleep(0.002)
    os.killpg(proc.pid, signal.SIGINT)
    err = proc.communicate(timeout=30)[1].decode()
    assert proc.returncode == 130, err
    assert err.strip().endswith(": interrupted") and len(err.strip().splitlines()) == 1, err
    assert not out.exists()


def test_task_with_four_fields_has_s0_one(capsys):
    assert main(["--task", "1,1,2,2", "--eta", "0.01", "--json"]) == 0
    short = json.loads(capsys.readouterr().out)
    assert main(["fig1", "--json"]) == 0
    fig = json.loads(capsys.readouterr().out)
    assert short["tasks"][0]["s0"] == "1" and short["stationary_points"] == fig["stationary_points"]

