"""Same input, same bytes; files are written whole or not at all.

The JSON document of a run is byte-identical run after run, in one process and
across processes with different hash seeds, and whichever way the same tasks
are given (flags or a task file). ``--output`` goes through a temporary file
and a rename: a failure at any point of the write leaves neither a truncated
target nor a temporary file, and an existing target keeps its old content.
"""
import json
import os
import subprocess
import sys

import pytest

import symlqr.cli.common as cli
from symlqr.certify import main
from symlqr.tasks import InputError

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def json_of(args, capsys):
    assert main(list(args) + ["--json"]) == 0
    return capsys.readouterr().out


def test_all_figures_give_identical_json_run_after_run(capsys):
    first = json_of(["all", "--digits", "20"], capsys)
    second = json_of(["all", "--digits", "20"], capsys)
    assert first == second
    assert len(json.loads(first)) == 6


def test_normalized_adaptation_gives_identical_json_run_after_run(capsys):
    args = ["fig2", "--adaptation", "normalized"]
    assert json_of(args, capsys) == json_of(args, capsys)


def test_flags_and_task_file_give_identical_json(capsys, tmp_path):
    f = tmp_path / "t.toml"
    f.write_text('eta = "1/100"\nweights = [2, 1]\n[[tasks]]\nA = 1\nB = 1\nQ = 2\nR = 2\n'
                 '[[tasks]]\nA = 1\nB = -1\nQ = 0.1\nR = 0.1\ns0 = 1\n')
    from_file = json_of(["--tasks-file", str(f)], capsys)
    from_flags = json_of(["--task", "1,1,2,2,1", "--task", "1,-1,0.1,0.1,1", "--eta", "0.01",
                          "--weights", "2,1"], capsys)
    assert from_file == from_flags


@pytest.mark.parametrize("args", [
    ["fig3b", "--digits", "40"],
    ["--task", "1,1,2,2,1", "--task", "0.9,-1.1,1,3,-1", "--eta", "1/50",
     "--adaptation", "normalized"],
])
def test_separate_processes_with_different_hash_seeds_give_identical_bytes(args, tmp_path):
    outs = []
    for seed in ("0", "4242"):
        out = tmp_path / f"out{seed}.json"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        r = subprocess.run([sys.executable, "-m", "symlqr.certify", *args, "--json",
                            "--output", str(out)], capture_output=True, env=env, timeout=120,
                           cwd=ROOT)
        assert r.returncode == 0, r.stderr
        assert out.read_bytes() == r.stdout
        outs.append(r.stdout)
    assert outs[0] == outs[1]
    assert sorted(os.listdir(tmp_path)) == ["out0.json", "out4242.json"]


# ---------------------------------------------------------------------------
# atomic writes
# ---------------------------------------------------------------------------
def test_write_atomic_replaces_the_whole_file(tmp_path):
    target = tmp_path / "doc.json"
    target.write_bytes(b"old")
    cli.write_atomic(str(target), b"new content")
    assert target.read_bytes() == b"new content"
    assert os.listdir(tmp_path) == ["doc.json"]


class Boom(Exception):
    pass


@pytest.mark.parametrize("where", ["write", "fsync", "replace"])
def test_failure_mid_write_leaves_no_file_and_no_temporary(tmp_path, monkeypatch, where):
    target = tmp_path / "doc.json"

    def fail(*a, **k):
        raise Boom(where)

    if where == "write":
        real_fdopen = os.fdopen

        class HalfWriter:
            def __init__(self, fh):
                self.fh = fh

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.fh.close()

            def write(self, data):
                self.fh.write(data[: len(data) // 2])         # half of it reaches the disk
                self.fh.flush()
                raise Boom("write")

        monkeypatch.setattr(cli.os, "fdopen", lambda fd, mode: HalfWriter(real_fdopen(fd, mode)))
    elif where == "fsync":
        monkeypatch.setattr(cli.os, "fsync", fail)
    else:
        monkeypatch.setattr(cli.os, "replace", fail)
    with pytest.raises(Boom):
        cli.write_atomic(str(target), b"x" * 100_000)
    assert os.listdir(tmp_path) == []


def test_failure_mid_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "doc.json"
    target.write_bytes(b"old")
    monkeypatch.setattr(cli.os, "fsync", lambda fd: (_ for _ in ()).throw(KeyboardInterrupt()))
    with pytest.raises(KeyboardInterrupt):
        cli.write_atomic(str(target), b"new")
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["doc.json"]


def test_disk_error_during_write_is_a_one_line_error(tmp_path, monkeypatch, capsys):
    def no_space(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cli.os, "fsync", no_space)
    out = tmp_path / "fig1.json"
    assert main(["fig1", "--output", str(out)]) == 2
    captured = capsys.readouterr()
    assert captured.err == (f"python -m symlqr.certify: error: cannot write {str(out)!r}: "
                            "No space left on device\n")
    assert os.listdir(tmp_path) == []


def test_interrupt_during_certification_writes_nothing(tmp_path, monkeypatch, capsys):
    import symlqr.cli.certify as command

    def interrupted(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(command, "certify_landscape", interrupted)
    out = tmp_path / "fig1.json"
    assert main(["fig1", "--output", str(out)]) == 130
    assert capsys.readouterr().err == "python -m symlqr.certify: interrupted\n"
    assert os.listdir(tmp_path) == []


def test_write_atomic_refuses_a_missing_folder(tmp_path):
    with pytest.raises(InputError, match="does not exist"):
        cli.write_atomic(str(tmp_path / "no" / "x.json"), b"x")
