"""Deadlines and interrupts of python -m symlqr.maml, .verify, .sweep and the proofs.

Each command runs in a real process in a session of its own; the test waits
until the command's worker processes run (Linux /proc), then sends SIGINT to
the whole process group, as Ctrl-C in a terminal does, or lets ``--timeout``
pass. Facts checked: exit 130 (interrupt) or 3 (timeout) within a few seconds,
exactly one line on stderr, nothing on stdout, no file written, and no process
of the session left behind (workers killed, not orphaned).
"""
import json
import os
import signal
import subprocess
import sys
import time

import pytest

pytestmark = pytest.mark.skipif(not os.path.isdir("/proc/self/task"),
                                reason="process checks read Linux /proc")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TWO_STATE = {"eta": "0.01", "tasks": [
    {"A": [[1, "0.1"], [0, 1]], "B": [[0], [1]], "Q": [[1, 0], [0, 1]], "R": [[1]]},
    {"A": [["1.1", "0.1"], [0, "0.9"]], "B": [[0], [1]], "Q": [[1, 0], [0, 2]], "R": [["0.5"]],
     "Sigma0": [[2, 0], [0, 1]]}]}
#: Runs that take minutes: Algorithm 1 for 10^5 starts; a sweep whose points are
#: 20 near-equal tasks certified exactly (minutes inside FLINT root isolation each).
LONG_MAML = ["--starts", "100000", "--iters", "100000"]
LONG_SWEEP = ["--distribution", "A=uniform(0.99,1.01),B=1,Q=1,R=1", "--n", "20", "--eta",
              "0.01", "--grid", "seed=0:3:4", "--workers", "2", "--engine", "exact"]


def _session(sid: int) -> set:
    """The pids of the processes in session ``sid`` (field 6 of /proc/PID/stat)."""
    pids = set()
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                stat = open(f"/proc/{name}/stat").read()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[3]) == sid and fields[0] != "Z":
                pids.add(int(name))
    return pids


@pytest.fixture
def tasks(tmp_path):
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps(TWO_STATE))
    return str(path)


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start(module, args, cwd):
    """The command in a new session (its pid is the session's id), with SIGINT at
    its default: a test run started as a background job of a shell inherits SIGINT
    ignored, and the command rightly keeps it so (it then cannot be interrupted)."""
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.Popen([sys.executable, "-m", module, *args], cwd=cwd, env=env,
                            text=True, start_new_session=True, preexec_fn=_default_sigint,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _workers_running(proc, count=1, seconds=60) -> set:
    """Wait until the command has ``count`` worker processes; the session's pids."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < seconds:
        pids = _session(proc.pid)
        if len(pids) > count:
            return pids
        assert proc.poll() is None, proc.communicate()
        time.sleep(0.05)
    raise AssertionError("the command started no worker process")


def _interrupt(proc):
    """Ctrl-C to the process group: (seconds until exit, stdout, stderr)."""
    t0 = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    return time.monotonic() - t0, out, err


def _timed_out(proc, seconds: float) -> str:
    """Wait for the command to stop at its --timeout: exit 3 within ``seconds`` + 3 s
    of its workers' start, nothing on stdout, one line on stderr (returned)."""
    _workers_running(proc)
    t0 = time.monotonic()
    stdout, stderr = proc.communicate(timeout=60)
    assert (proc.returncode, stdout) == (3, ""), stderr
    assert time.monotonic() - t0 < seconds + 3
    assert stderr.count("\n") == 1
    return stderr


def _no_process_left(proc):
    """Nothing of the command's session runs after it ended (checked for a moment,
    so that a worker reparented to init would be seen)."""
    time.sleep(0.2)
    assert _session(proc.pid) == set()


def test_ctrl_c_stops_maml_runs_within_seconds_with_exit_130_and_no_files(tasks, tmp_path):
    out = tmp_path / "out.json"
    proc = _start("symlqr.maml", [tasks, *LONG_MAML, "--output", str(out), "--trajectories",
                                  str(tmp_path / "t.npz")], str(tmp_path))
    _workers_running(proc)
    time.sleep(0.5)                                  # inside Algorithm 1
    seconds, stdout, stderr = _interrupt(proc)
    assert (proc.returncode, stdout, stderr) == (130, "", "python -m symlqr.maml: interrupted\n")
    assert seconds < 3
    assert sorted(os.listdir(tmp_path)) == ["tasks.json"]
    _no_process_left(proc)


@pytest.mark.slow
def test_maml_timeout_stops_the_runs_with_exit_3_and_no_files(tasks, tmp_path):
    out = tmp_path / "out.json"
    proc = _start("symlqr.maml", [tasks, *LONG_MAML, "--timeout", "1", "--output", str(out)],
                  str(tmp_path))
    stderr = _timed_out(proc, 1)
    assert stderr.startswith("python -m symlqr.maml: timeout after 1 s while computing ")
    assert sorted(os.listdir(tmp_path)) == ["tasks.json"]
    _no_process_left(proc)


def _many_gains(tmp_path, count=5000) -> str:
    path = tmp_path / "gains.json"
    path.write_text(json.dumps([[["1.4065", "0.6615"]]] * count))
    return str(path)


def test_verify_timeout_stops_with_exit_3_one_line_and_no_file(tasks, tmp_path):
    out = tmp_path / "out.json"
    proc = _start("symlqr.verify", [tasks, "--points", _many_gains(tmp_path), "--timeout", "1",
                                    "--output", str(out)], str(tmp_path))
    stderr = _timed_out(proc, 1)
    assert stderr.startswith("python -m symlqr.verify: timeout after 1 s on point ")
    assert stderr.endswith(" of 5000 while certifying it\n")
    assert not out.exists()
    _no_process_left(proc)


@pytest.mark.slow
def test_ctrl_c_stops_verify_with_exit_130(tasks, tmp_path):
    proc = _start("symlqr.verify", [tasks, "--points", _many_gains(tmp_path), "--output",
                                    str(tmp_path / "out.json")], str(tmp_path))
    _workers_running(proc)
    time.sleep(0.5)
    seconds, stdout, stderr = _interrupt(proc)
    assert (proc.returncode, stdout, stderr) == (130, "",
                                                 "python -m symlqr.verify: interrupted\n")
    assert seconds < 3
    assert sorted(os.listdir(tmp_path)) == ["gains.json", "tasks.json"]
    _no_process_left(proc)


def test_ctrl_c_stops_a_sweep_and_its_workers_inside_flint(tmp_path):
    out = tmp_path / "t.csv"
    proc = _start("symlqr.sweep", [*LONG_SWEEP, "--output", str(out)], str(tmp_path))
    _workers_running(proc, count=2)
    time.sleep(0.5)                                  # both workers in root isolation
    seconds, stdout, stderr = _interrupt(proc)
    assert (proc.returncode, stdout, stderr) == (130, "", "python -m symlqr.sweep: interrupted\n")
    assert seconds < 3
    assert os.listdir(tmp_path) == []
    _no_process_left(proc)


def test_sweep_timeout_kills_each_point_inside_flint_and_says_so_in_its_row(tmp_path):
    """4 points of minutes each, 2 workers, --timeout 1: two rounds of about
    1.5 s (each killed worker replaced); every row 'timeout' with the reason, the
    table written (exit 3)."""
    out = tmp_path / "t.csv"
    proc = _start("symlqr.sweep", [*LONG_SWEEP, "--timeout", "1", "--json", "--output",
                                   str(out)], str(tmp_path))
    _workers_running(proc, count=2)
    t0 = time.monotonic()
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 3 and stderr == ""
    assert time.monotonic() - t0 < 2 * 1.5 + 3
    rows = json.loads(stdout)
    assert [r["seed"] for r in rows] == [0, 1, 2, 3]
    assert all(r["status"] == "timeout" and r["reason"].startswith("timed out after 1 s while")
               and r["epsilon"] is None for r in rows)
    assert out.read_text().count("\n") == 5          # header and 4 rows
    _no_process_left(proc)


@pytest.mark.parametrize("command", ["maml", "verify", "sweep"])
def test_timeout_of_any_positive_size_is_accepted(command, tasks, capsys):
    """1e308 and 1e999 seconds: a deadline that never comes, not an OverflowError."""
    from symlqr.cli import maml, sweep, verify
    argv = {"maml": (maml.main, [tasks, "--starts", "1", "--iters", "50", "--no-certify",
                                 "--json"]),
            "verify": (verify.main, [tasks, "--W", "[[1.4065, 0.6615]]", "--json"]),
            "sweep": (sweep.main, ["fig1", "--workers", "1", "--json"])}
    main, args = argv[command]
    for seconds in ("1e308", "1e999")[:2 if command == "sweep" else 1]:
        assert main([*args, "--timeout", seconds]) in (0, 3)
        out, err = capsys.readouterr()
        assert err == "" and json.loads(out)


@pytest.mark.slow
def test_a_dask_sweep_honours_timeout_and_ctrl_c(tmp_path):
    """The command is a Dask client. --timeout 1: each point not back 1.5 s after
    its timeout gets a 'timeout' row (the remote thread cannot be killed). Ctrl-C
    cancels its futures and closes the client; the cluster (not the command's)
    keeps running and is free again."""
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=50) as cluster:
        args = [a for a in LONG_SWEEP if a not in ("--workers", "2")]
        args[args.index("seed=0:3:4")] = "seed=0:1:2"
        t0 = time.monotonic()
        proc = _start("symlqr.sweep", [*args, "--scheduler", cluster.scheduler_address,
                                       "--timeout", "1", "--json"], str(tmp_path))
        stdout, stderr = proc.communicate(timeout=60)
        assert (proc.returncode, stderr) == (3, "")
        assert time.monotonic() - t0 < 2.5 + 8            # start-up, connection, 2.5 s
        # each point: abandoned by the client 1.5 s after its timeout, or (when the
        # remote worker's own cooperative check fires first) its stage named
        rows = json.loads(stdout)
        assert [r["status"] for r in rows] == ["timeout"] * 2
        assert all(r["reason"].startswith("timed out after 1 s while ") for r in rows), rows
        _no_process_left(proc)
        proc = _start("symlqr.sweep", [*args, "--scheduler", cluster.scheduler_address,
                                       "--output", str(tmp_path / "t.csv")], str(tmp_path))
        with distributed.Client(cluster) as client:
            t0 = time.monotonic()
            while not any(client.processing().values()):
                assert time.monotonic() - t0 < 60 and proc.poll() is None
                time.sleep(0.1)
            seconds, stdout, stderr = _interrupt(proc)
            assert (proc.returncode, stdout, stderr) == (
                130, "", "python -m symlqr.sweep: interrupted\n")
            assert seconds < 4
            assert os.listdir(tmp_path) == []
            _no_process_left(proc)
            t0 = time.monotonic()
            while any(client.processing().values()):  # the cancelled tasks leave the queue
                assert time.monotonic() - t0 < 10
                time.sleep(0.1)


def test_run_each_kills_an_item_at_its_timeout_and_returns_the_others():
    """time.sleep(30) is not stopped by anything inside its worker: the parent
    kills the worker 0.5 s after the 0.3 s timeout and a fresh worker takes the
    remaining items."""
    from symlqr.cli.worker import run_each
    seen = {}
    t0 = time.monotonic()
    run_each(time.sleep, [0, 30, 0.01, 30, 0], lambda k, kind, value: seen.update({k: kind}),
             workers=2, timeout=0.3)
    assert seen == {0: "ok", 1: "timeout", 2: "ok", 3: "timeout", 4: "ok"}
    assert time.monotonic() - t0 < 3


def test_run_each_raises_a_workers_error_after_killing_the_others():
    from symlqr.cli.worker import WorkerCrashed, run_each
    t0 = time.monotonic()
    with pytest.raises(WorkerCrashed, match="ZeroDivisionError"):
        run_each(lambda x: 1 / x if x == 0 else time.sleep(x), [30, 0], lambda *a: None,
                 workers=2)
    assert time.monotonic() - t0 < 3


def test_verify_draws_a_bar_on_a_terminal_and_keeps_stdout_json(tasks, tmp_path):
    """stderr a terminal (a pty 100 columns wide): a tqdm bar on stderr, the JSON
    document alone on stdout."""
    pty = pytest.importorskip("pty")
    pytest.importorskip("tqdm")
    import fcntl
    import struct
    import termios
    import threading
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-m", "symlqr.verify", tasks, "--points",
                             _many_gains(tmp_path, 3), "--json"], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=slave)
    os.close(slave)
    err = bytearray()

    def read():
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            err.extend(chunk)
    reader = threading.Thread(target=read)
    reader.start()
    stdout = proc.stdout.read()
    proc.wait(60)
    reader.join(5)
    os.close(master)
    assert proc.returncode == 0
    assert len(json.loads(stdout)["points"]) == 3
    assert b"/3 [" in err and b"point/s]" in err     # e.g. 'points:  33%|###  | 1/3 [...'
    assert json.loads(stdout)["points"][0]["certified"]
