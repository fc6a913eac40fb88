"""Hard deadlines and interrupts: the heavy work of a command runs in worker processes.

A FLINT call (root isolation, factorization) runs in C for minutes and no Python
check can interrupt it, so a command runs its heavy work with :func:`run_in_worker`
(one computation) or :func:`run_each` (many items in a few worker processes; a
worker is killed and replaced when its item runs out of time): a child process
(``fork`` where the platform has it, else ``spawn``) computes
``fn(*args, progress=relay)`` and sends the result back pickled; the parent
waits, shows progress, and at the deadline or on Ctrl-C kills the child's whole
process group (the child and anything it started), so::

    --timeout SECONDS   stops within about a second of SECONDS (exit 3), any size
    SIGINT / Ctrl-C     stops within about a second (exit 130)

and nothing is written: the parent writes files only after the result arrived.
``fn`` must return plain data (documents, text, bytes), never open files.
SIGINT is blocked while a child is forked, and the child ignores it: a Ctrl-C
reaches the parent only, which kills the children (no traceback from a child).

The child calls ``relay(stage, done, total)`` to report progress (``total``
None when unknown; ``done == total``: the stage finished);
the parent passes each report to its own ``progress`` callable (a tqdm bar on a
terminal, see :class:`symlqr.cli.progress.StageProgress`) and keeps the last stage
for the timeout message.

>>> run_in_worker(pow, 2, 10, progress=None, takes_progress=False)
1024
>>> seen = {}
>>> run_each(abs, [-3, 4], lambda k, kind, value: seen.update({k: (kind, value)}), workers=2)
>>> sorted(seen.items())          # in the order the workers finish
[(0, ('ok', 3)), (1, ('ok', 4))]
"""
from __future__ import annotations

import ctypes
import math
import multiprocessing
import multiprocessing.connection
import os
import signal
import sys
import time
import traceback
from typing import Callable, Optional

from ..exact.realroots import PrecisionExhausted
from ..scalar.landscape import Timeout
from ..tasks import InputError

__all__ = ["run_in_worker", "run_stage", "run_each", "WorkerCrashed", "StoppedAt", "Deadline",
           "GRACE_SECONDS"]

#: After the deadline the worker gets this long to stop by itself (and say in
#: which stage), then its process group is killed.
GRACE_SECONDS = 0.5

#: Longest single wait of the parent (a huge --timeout waits in slices).
_SLICE = 0.25

#: Exceptions re-raised in the parent with their message (the rest is a crash).
_KNOWN = {"InputError": InputError, "PrecisionExhausted": PrecisionExhausted,
          "RecursionError": RecursionError, "MemoryError": MemoryError}


class WorkerCrashed(RuntimeError):
    """The worker died or raised an unexpected error; ``str(err)`` holds its traceback."""


class StoppedAt(Exception):
    """A command stopped at its ``--timeout``: ``str(exc)`` is the line to print (exit 3)."""


class Deadline:
    """A ``--timeout`` in seconds as a point in time, of any positive size.

    ``remaining()`` is never negative; an infinite or astronomically large
    timeout simply never arrives (no conversion to ``time_t``).

    >>> d = Deadline(1e308)
    >>> d.passed(), d.remaining() > 1e300, d.monotonic() is None
    (False, True, True)
    """

    def __init__(self, seconds: Optional[float]):
        self.seconds = seconds
        start = time.monotonic()
        self._at = math.inf if seconds is None else start + seconds
        if self._at - start > 1e9:                 # beyond 30 years: never
            self._at = math.inf

    def remaining(self) -> float:
        return max(0.0, self._at - time.monotonic())

    def passed(self) -> bool:
        return time.monotonic() >= self._at

    def monotonic(self) -> Optional[float]:
        """The ``time.monotonic()`` value for the library's cooperative checks (None: never)."""
        return None if math.isinf(self._at) else self._at

    def kill_at(self) -> float:
        """When the parent kills the worker: the deadline plus :data:`GRACE_SECONDS`."""
        return self._at + GRACE_SECONDS


def _die_with_parent() -> None:
    """Linux: the kernel kills this process when its parent dies (even by SIGKILL)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)              # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _become_worker(int_digits) -> None:
    """In the child: Ctrl-C is the parent's, a process group of its own, dies with the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # the parent decides on Ctrl-C
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    if int_digits is not None:                     # as in the parent (spawn starts afresh)
        sys.set_int_max_str_digits(int_digits)
    try:
        os.setpgid(0, 0)                           # own group: killed as a whole
    except OSError:
        pass
    _die_with_parent()


def _outcome(fn: Callable, args: tuple, relay: Optional[Callable]) -> tuple:
    """The message for ``fn(*args[, progress=relay])``: its value or what it raised."""
    try:
        return "ok", (fn(*args) if relay is None else fn(*args, progress=relay))
    except Timeout as exc:
        return "timeout", exc.stage
    except KeyboardInterrupt:
        return "interrupt", None
    except BaseException as exc:                   # noqa: BLE001 - reported to the parent
        name = type(exc).__name__
        if name in _KNOWN or isinstance(exc, InputError):
            return "raise", (name if name in _KNOWN else "InputError", str(exc))
        return "crash", "".join(traceback.format_exception(exc))


def _send(conn, message: tuple) -> None:
    try:
        conn.send(message)                         # pickled: only ever read by our parent
    except Exception as exc:                       # noqa: BLE001 - an unpicklable result
        conn.send(("crash", f"the result cannot be sent to the parent: {exc!r}"))


def _child(conn, fn: Callable, args: tuple, takes_progress: bool, int_digits) -> None:
    """One computation, its progress relayed: :func:`run_in_worker`."""
    _become_worker(int_digits)

    def relay(stage: str, done: int, total) -> None:
        conn.send(("progress", (stage, done, total)))
    _send(conn, _outcome(fn, args, relay if takes_progress else None))
    conn.close()


def _serve(conn, fn: Callable, args: tuple, takes_progress: bool, int_digits) -> None:
    """``fn(item)`` for each item the parent sends, until it closes the pipe: :func:`run_each`."""
    _become_worker(int_digits)
    while True:
        try:
            item = conn.recv()
        except (EOFError, OSError):
            return
        _send(conn, _outcome(fn, (item,), None))


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


class _Job:
    """One worker process computing ``fn(*args)`` in its own process group, and
    the pipe it reports on; it adds itself to ``jobs`` as soon as it runs, so the
    caller's cleanup finds it even when a Ctrl-C arrives right then. SIGINT is
    blocked while it starts (the child, still in our group for a moment, must not
    see a Ctrl-C meant for the parent)."""

    def __init__(self, fn: Callable, args: tuple, takes_progress: bool, jobs: list,
                 target: Callable = _child):
        ctx = _context()
        self.index, self.kill_at = None, math.inf     # the item in work (run_each)
        self.pipe, send = ctx.Pipe(duplex=target is _serve)
        digits = getattr(sys, "get_int_max_str_digits", lambda: None)()
        self.proc = ctx.Process(target=target, args=(send, fn, args, takes_progress, digits))
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            self.proc.start()
            jobs.append(self)
            try:
                os.setpgid(self.proc.pid, self.proc.pid)
            except OSError:
                pass
        finally:
            send.close()
            signal.pthread_sigmask(signal.SIG_SETMASK, old)

    def message(self, doing: str) -> tuple:
        """The next message (call when the pipe is ready); a dead worker is a crash."""
        try:
            return self.pipe.recv()
        except (EOFError, OSError):
            self.proc.join(1)
            return "crash", f"the worker died (exit code {self.proc.exitcode}) while {doing}"

    def stop(self) -> None:
        """Kill the worker's process group (the worker and its children), then reap it."""
        self.pipe.close()
        if self.proc.pid is None:
            return
        if self.proc.exitcode is None:
            for kill in (lambda: os.killpg(self.proc.pid, signal.SIGKILL), self.proc.kill):
                try:
                    kill()
                except (OSError, AttributeError):
                    pass
        self.proc.join(5)


def run_in_worker(fn: Callable, *args, timeout=None, progress: Optional[Callable] = None,
                  takes_progress: bool = True, describe: Optional[Callable[[], str]] = None):
    """``fn(*args, progress=relay)`` computed in a worker process, killed at the deadline.

    Parameters
    ----------
    fn : a module-level function returning plain picklable data
    timeout : seconds (any positive size), a :class:`Deadline`, or None
    progress : ``progress(stage, done, total)`` called in the parent for each report
    takes_progress : False when ``fn`` has no ``progress`` keyword
    describe : ``describe()`` says what the worker was doing when it was killed
        (default: "working after STAGE", the last stage it reported)

    Raises
    ------
    Timeout
        at the deadline (``stage``: from ``describe``, or the worker's own
        cooperative :class:`Timeout`)
    KeyboardInterrupt
        on SIGINT, after the worker was killed
    InputError, PrecisionExhausted, RecursionError, MemoryError
        as raised in the worker (the message is kept)
    WorkerCrashed
        any other error in the worker (its traceback), or a worker that died
    """
    kill_at = (timeout if isinstance(timeout, Deadline) else Deadline(timeout)).kill_at()
    stage, jobs = "starting", []
    try:
        job = _Job(fn, args, takes_progress, jobs)
        while True:
            if job.pipe.poll(min(_SLICE, max(0.0, kill_at - time.monotonic()))):
                kind, payload = job.message(stage)
                if kind != "progress":
                    return _result(kind, payload)
                stage = payload[0]
                if progress is not None:
                    progress(*payload)
            if time.monotonic() >= kill_at:
                raise Timeout(describe() if describe else
                              "starting" if stage == "starting" else f"working after {stage}")
    finally:
        for job in jobs:
            job.stop()


def run_stage(fn: Callable, *args, timeout, where="", **kw):
    """:func:`run_in_worker` under ``--timeout`` (seconds or a :class:`Deadline`); at
    the deadline :class:`StoppedAt` with the line ``timeout after T s{where} while
    STAGE`` (``where``: text, or a function called then, e.g. naming the task set).

    >>> run_stage(abs, -2, timeout=1e308, takes_progress=False)
    2
    """
    try:
        return run_in_worker(fn, *args, timeout=timeout, **kw)
    except Timeout as exc:
        seconds = timeout.seconds if isinstance(timeout, Deadline) else timeout
        place = where() if callable(where) else where
        raise StoppedAt(f"timeout after {seconds:g} s{place} while {exc.stage}") from None


def run_each(fn: Callable, items, on_result: Callable, *, workers: int = 1, timeout=None) -> None:
    """``fn(item)`` for every item in ``workers`` worker processes; an item still
    running :data:`GRACE_SECONDS` after ``timeout`` seconds (any positive size, or
    None) from its start is stopped by killing its worker, which a fresh one replaces.

    ``on_result(index, kind, value)`` is called in the parent as each item
    ends: ``kind`` is ``"ok"`` (``value`` is ``fn(item)``) or ``"timeout"``
    (``value``: the stage the worker named, None when it was killed). Errors
    are raised as by :func:`run_in_worker`; on any exit (Ctrl-C included) the
    workers are killed.
    """
    pending, pool, workers = list(enumerate(items))[::-1], [], max(1, workers)
    try:
        while pending or any(job.index is not None for job in pool):
            while len(pool) < min(workers, len(pending) + len(pool)):
                _Job(fn, (), False, pool, target=_serve)
            for job in pool:
                if job.index is None and pending:
                    job.index, item = pending.pop()
                    job.kill_at = Deadline(timeout).kill_at()
                    job.pipe.send(item)
            busy = [job for job in pool if job.index is not None]
            ready = multiprocessing.connection.wait([job.pipe for job in busy], _SLICE)
            for job in busy:
                if job.pipe in ready:
                    kind, payload = job.message(f"on item {job.index + 1}")
                elif time.monotonic() >= job.kill_at:
                    kind, payload = "timeout", None
                else:
                    continue
                index, job.index = job.index, None
                if kind == "timeout" and payload is None or kind == "crash":
                    pool.remove(job)                   # killed (or dead): replaced
                    job.stop()
                on_result(index, *(("ok", _result(kind, payload)) if kind != "timeout"
                                   else (kind, payload)))
    finally:
        for job in pool:
            job.stop()


def _result(kind: str, payload):
    if kind == "ok":
        return payload
    if kind == "timeout":
        raise Timeout(payload)
    if kind == "interrupt":
        raise KeyboardInterrupt
    if kind == "raise":
        name, text = payload
        raise _KNOWN[name](text)
    raise WorkerCrashed(payload)
