"""BLAS threads of the atlas command (``SYMLQR_BLAS_THREADS``, symlqr.cli.blas).

The command runs in a fresh interpreter whose ``compute`` (the function the worker
process runs) is wrapped to report, from inside the worker after the real work,
the thread counts threadpoolctl finds in every BLAS library then loaded; the
reference is the same count in a fresh interpreter that only imports numpy and scipy.
"""
import json
import os
import subprocess
import sys

import pytest

threadpoolctl = pytest.importorskip("threadpoolctl")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

PROBE = """
import json, sys
from threadpoolctl import threadpool_info
import symlqr.cli.{command} as cli
real = cli.compute

def probe(*args, **kw):
    out = real(*args, **kw)
    seen = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
    print("BLAS " + json.dumps(seen), file=sys.stderr)
    return out

cli.compute = probe
sys.exit(cli.main(sys.argv[1:]))
"""

COMMANDS = {"atlas": ["fig1", "--vary", "eta=0:0.3", "--json"],
            "maml": [os.path.join(ROOT, "examples", "scaled_costs_2state.json"), "--starts", "2",
                     "--iters", "20", "--seed", "1", "--json"]}


def run(command, value, tmp_path):
    script = tmp_path / f"probe_{command}.py"
    script.write_text(PROBE.format(command=command))
    env = {k: v for k, v in os.environ.items()
           if k not in ("SYMLQR_BLAS_THREADS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                        "MKL_NUM_THREADS", "BLIS_NUM_THREADS")}
    env["PYTHONPATH"] = ROOT
    if value is not None:
        env["SYMLQR_BLAS_THREADS"] = value
    return subprocess.run([sys.executable, str(script), *COMMANDS[command]], env=env,
                          capture_output=True, text=True, timeout=120, cwd=tmp_path)


def worker_threads(r) -> list:
    lines = [x for x in r.stderr.splitlines() if x.startswith("BLAS ")]
    assert r.returncode == 0 and len(lines) == 1, r.stderr
    return json.loads(lines[0][5:])


def library_default() -> int:
    """The BLAS libraries' own thread count in a fresh interpreter (no limit set)."""
    code = ("import numpy, scipy.linalg, threadpoolctl as t; "
            "print(max(i['num_threads'] for i in t.threadpool_info() if i['user_api'] == 'blas'))")
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    return int(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                              text=True, check=True).stdout)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_worker_runs_with_one_blas_thread_and_the_same_output(command, tmp_path):
    limited, opted_out = run(command, None, tmp_path), run(command, "default", tmp_path)
    assert worker_threads(limited) and set(worker_threads(limited)) == {1}
    assert max(worker_threads(opted_out)) == library_default()
    assert limited.stdout == opted_out.stdout
    doc = json.loads(limited.stdout)
    assert doc["certified"] if command == "atlas" else doc["points"]


def test_a_number_of_threads_is_honoured(tmp_path):
    assert set(worker_threads(run("atlas", "3", tmp_path))) == {3}


@pytest.mark.parametrize("value", ["0", "two", "1e3", "99999"])
def test_bad_value_is_one_line_exit_2(value, tmp_path):
    r = run("atlas", value, tmp_path)
    assert r.returncode == 2 and r.stdout == ""
    assert r.stderr.count("\n") == 1 and "SYMLQR_BLAS_THREADS" in r.stderr, r.stderr
