"""Hard deadlines and interrupts: the heavy work of a command runs in a worker process.

A FLINT call (root isolation, factorization) runs in C for minutes and no Python
check can interrupt it, so a command runs its heavy work with :func:`run_in_worker`:
a child process (``fork`` where the platform has it, else ``spawn``) computes
``fn(*args, progress=relay)`` and sends the result back pickled; the parent
waits, shows progress, and at the deadline or on Ctrl-C kills the child's whole
process group (the child and anything it started), so::

    --timeout SECONDS   stops within about a second of SECONDS (exit 3), any size
    SIGINT / Ctrl-C     stops within about a second (exit 130)

and nothing is written: the parent writes files only after the result arrived.
``fn`` must return plain data (documents, text, bytes), never open files.

The child calls ``relay(stage, done, total)`` to report progress (``total``
None when unknown; ``done == total``: the stage finished);
the parent passes each report to its own ``progress`` callable (a tqdm bar on a
terminal, see :class:`symlqr.cli.common.StageProgress`) and keeps the last stage
for the timeout message.

>>> run_in_worker(pow, 2, 10, progress=None, takes_progress=False)
1024
"""
from __future__ import annotations

import ctypes
import math
import multiprocessing
import os
import signal
import sys
import time
import traceback
from typing import Callable, Optional

from ..exact.realroots import PrecisionExhausted
from ..scalar.landscape import Timeout
from ..tasks import InputError

__all__ = ["run_in_worker", "WorkerCrashed", "Deadline", "GRACE_SECONDS"]

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


def _die_with_parent() -> None:
    """Linux: the kernel kills this process when its parent dies (even by SIGKILL)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)              # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _child(conn, fn: Callable, args: tuple, takes_progress: bool, int_digits) -> None:
    if int_digits is not None:                     # as in the parent (spawn starts afresh)
        sys.set_int_max_str_digits(int_digits)
    try:
        os.setpgid(0, 0)                           # own group: killed as a whole
    except OSError:
        pass
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)   # the parent decides on Ctrl-C

    def relay(stage: str, done: int, total) -> None:
        conn.send(("progress", (stage, done, total)))

    try:
        value = fn(*args, progress=relay) if takes_progress else fn(*args)
        message = ("ok", value)
    except Timeout as exc:
        message = ("timeout", exc.stage)
    except KeyboardInterrupt:
        message = ("interrupt", None)
    except BaseException as exc:                   # noqa: BLE001 - reported to the parent
        name = type(exc).__name__
        if name in _KNOWN or isinstance(exc, InputError):
            message = ("raise", (name if name in _KNOWN else "InputError", str(exc)))
        else:
            message = ("crash", "".join(traceback.format_exception(exc)))
    try:
        conn.send(message)                         # pickled: only ever read by our parent
    except Exception as exc:                       # noqa: BLE001 - an unpicklable result
        conn.send(("crash", f"the result cannot be sent to the parent: {exc!r}"))
    conn.close()


def _context():
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _kill(proc) -> None:
    """Kill the worker's process group (the worker and its children), then reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (OSError, AttributeError):
        pass
    try:
        proc.kill()
    except OSError:
        pass
    proc.join(5)


def run_in_worker(fn: Callable, *args, timeout: Optional[float] = None,
                  progress: Optional[Callable] = None, takes_progress: bool = True,
                  describe: Optional[Callable[[], str]] = None):
    """``fn(*args, progress=relay)`` computed in a worker process, killed at the deadline.

    Parameters
    ----------
    fn : a module-level function returning plain picklable data
    timeout : seconds (any positive size) or None
    progress : ``progress(stage, done, total)`` called in the parent for each report
    takes_progress : False when ``fn`` has no ``progress`` keyword
    describe : ``describe()`` says what the worker was doing when it was killed
        (default: "after STAGE", the last stage it reported)

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
    deadline = timeout if isinstance(timeout, Deadline) else Deadline(timeout)
    ctx = _context()
    receive, send = ctx.Pipe(duplex=False)
    int_digits = getattr(sys, "get_int_max_str_digits", lambda: None)()
    proc = ctx.Process(target=_child, args=(send, fn, args, takes_progress, int_digits),
                       daemon=False)
    stage = "starting"
    if describe is None:
        def describe():
            return "starting" if stage == "starting" else f"working after {stage}"
    try:
        proc.start()
        send.close()
        try:
            os.setpgid(proc.pid, proc.pid)
        except OSError:
            pass
        kill_at = deadline.remaining() + GRACE_SECONDS + time.monotonic()
        while True:
            wait = min(_SLICE, max(0.0, kill_at - time.monotonic()))
            if receive.poll(wait):
                try:
                    kind, payload = receive.recv()
                except EOFError:
                    raise WorkerCrashed(f"the worker died (exit code {_exitcode(proc)}) "
                                        f"while {stage}") from None
                if kind == "progress":
                    stage = payload[0]
                    if progress is not None:
                        progress(*payload)
                    continue
                proc.join(5)
                return _result(kind, payload)
            if time.monotonic() >= kill_at:
                raise Timeout(describe())
            if not proc.is_alive() and not receive.poll(0):
                raise WorkerCrashed(f"the worker died (exit code {_exitcode(proc)}) "
                                    f"while {stage}")
    finally:
        receive.close()
        if proc.is_alive():
            _kill(proc)


def _exitcode(proc) -> object:
    proc.join(1)
    return proc.exitcode


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

