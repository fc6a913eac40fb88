"""A task set drawn from a distribution says so in every output (issue 18: 1000
task lines before the answer, and the text and JSON called it 'custom' with no
spec or seed)."""
import json
import subprocess
import sys

from symlqr.distributions import Distribution

SPEC = "A=1,B=1,Q=loguniform(0.1,10),R=loguniform(0.1,10)"


def _run(*extra):
    return subprocess.run([sys.executable, "-m", "symlqr.certify", "--distribution", SPEC,
                           "--seed", "7", "--eta", "0.05", *extra],
                          capture_output=True, text=True, timeout=300)


def test_text_summarizes_many_tasks_and_names_spec_n_and_seed():
    r = _run("--n", "40")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert lines[0].startswith("distribution: ")
    assert sum(line.startswith("  task ") for line in lines) == 5
    assert "  ... and 35 more tasks (all in the JSON: --json)" in lines
    note = next(line for line in lines if line.startswith("  note: drawn from "))
    assert "n=40" in note and "seed=7" in note and "Q=loguniform(0.1, 10)" in note


def test_json_records_spec_and_seed_and_every_task():
    r = _run("--n", "3", "--json")
    doc = json.loads(r.stdout)
    d = Distribution.parse(SPEC).with_(n=3, seed=7)
    assert doc["name"] == "distribution" and doc["note"] == f"drawn from {d}"
    drawn = [t.as_tuple() for t in d.draw()]
    assert [tuple(str(v) for v in t) for t in drawn] == [
        tuple(t[k] for k in ("A", "B", "Q", "R", "s0", "s0a")) for t in doc["tasks"]]
