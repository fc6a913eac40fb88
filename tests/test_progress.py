"""Long commands show progress on stderr when it is a terminal (issue 18):
``--compare`` counts the variants, a sweep shows its bar before the first
point ends. Checked through the callbacks and, end to end, on a real
pseudo-terminal."""
import os
import pty
import struct
import subprocess
import sys

import pytest

from symlqr.tasks import Task, TaskSet

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_compare_reports_each_variant(monkeypatch):
    import symlqr.cli.certify as cli
    monkeypatch.setattr(cli, "MAX_STEPS", 1)
    seen = []
    ts = TaskSet([Task(1, 1, 1, 1)], eta="1/100")
    out = cli.compare_all(ts, 8, None, None, lambda *a: seen.append(a))
    ticks = [a for a in seen if a[0] == "variants"]
    assert ticks[0] == ("variants", 0, 3) and ticks[-1] == ("variants", 3, 3)
    assert [a[1] for a in ticks] == [0, 1, 2, 3] and len(out["docs"]) == 3


def test_sweep_bar_starts_before_the_first_point(monkeypatch):
    import symlqr.cli.sweep as cli
    calls = []

    class Recorder(list):
        def __init__(self, *a, **k):
            super().__init__()

        def tick(self, *a):
            calls.append(a)

        def close(self):
            calls.append("close")
    monkeypatch.setattr(cli, "StageProgress", Recorder)
    assert cli.main(["fig1", "--grid", "eta=0.01,0.02", "--workers", "1"]) == 0
    assert calls[0] == ("points", 0, 2)
    assert calls[-2] == ("points", 2, 2) and calls[-1] == "close"


def _on_a_terminal(argv, timeout=120) -> str:
    """Run ``python argv`` with stderr on a pseudo-terminal of 100 columns; its stderr."""
    fcntl = pytest.importorskip("fcntl")
    termios = pytest.importorskip("termios")
    pytest.importorskip("tqdm")
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))
    env = {**os.environ, "PYTHONPATH": ROOT, "COLUMNS": "100"}
    proc = subprocess.Popen([sys.executable, *argv], stdout=subprocess.DEVNULL, stderr=slave,
                            stdin=subprocess.DEVNULL, env=env, cwd=ROOT)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout)
    os.close(master)
    return b"".join(chunks).decode(errors="replace")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
def test_sweep_draws_a_bar_on_a_terminal():
    err = _on_a_terminal(["-m", "symlqr.sweep", "fig1", "--grid", "eta=0.01,0.02",
                          "--workers", "1"])
    assert "points:" in err and "/2" in err


class _FakeBar:
    made: list = []

    def __init__(self, desc=None, total=None, **kw):
        self.desc, self.total, self.n, self.postfix, self.closed = desc, total, 0, "", False
        _FakeBar.made.append(self)

    def update(self, k):
        self.n += k

    def set_postfix_str(self, text, refresh=True):
        self.postfix = text

    def close(self):
        self.closed = True


def test_commands_that_report_only_stages_get_a_bar_counting_them():
    """``atlas`` (and the exact engine) report finished stages only: the bar counts
    them (issue 18: atlas showed nothing for 15 s); a bar of work within a stage
    replaces it, and the stages bar comes back after."""
    from symlqr.cli.progress import STAGES, StageProgress
    _FakeBar.made = []
    p = StageProgress(show=False)
    p._tqdm = _FakeBar
    p.finished("optimal gains")
    p.finished("domain")
    (bar,) = _FakeBar.made
    assert (bar.desc, bar.total, bar.n, bar.postfix) == ("stages", len(STAGES), 2, "done: domain")
    p.tick("stationary points", 64, None)
    assert bar.closed and _FakeBar.made[-1].desc == "stationary points"
    assert p.running() == "computing stationary points"
    p.finished("stationary points")
    assert _FakeBar.made[-1].desc == "stages" and _FakeBar.made[-1].n == 3
    assert p.running() == "computing values"
    q = StageProgress(show=False)
    q._tqdm = _FakeBar
    q.finished("candidates")                       # not one of certify's stages: no total
    assert _FakeBar.made[-1].total is None and _FakeBar.made[-1].n == 1


def test_the_stages_bar_starts_again_for_the_next_task_set():
    from symlqr.cli.progress import StageProgress
    _FakeBar.made = []
    p = StageProgress(show=False)
    p._tqdm = _FakeBar
    p.finished("optimal gains")
    p.finished("domain")
    del p[:]                                   # certify 'all': the next figure starts
    p.finished("optimal gains")
    assert _FakeBar.made[0].closed and _FakeBar.made[-1].n == 1
