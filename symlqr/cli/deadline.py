"""A hard deadline for the command line: ``--timeout`` holds even inside one
long step (a root isolation of a high-degree polynomial runs for minutes
between two of the library's cooperative deadline checks).

The library (``symlqr.scalar``) only checks its ``deadline`` cooperatively;
signals are the command line's business. :func:`hard_deadline` uses
``SIGALRM``, so it applies only in the main thread of a POSIX process;
elsewhere the cooperative checks alone apply.

>>> import time
>>> with hard_deadline(time.monotonic() + 60):
...     pass
"""
from __future__ import annotations

import signal
import threading
import time
from contextlib import contextmanager
from typing import Callable, Optional

from mpmath import iv, mp

from ..scalar.deadline import Timeout

__all__ = ["hard_deadline", "STAGES", "next_stage"]

#: The stages of ``certify`` in order, as named to its ``progress`` callback.
STAGES = ("optimal gains", "domain", "stationary points", "values", "global minima")


def next_stage(finished: list) -> str:
    """What runs after the finished stages (for a timeout message).

    >>> next_stage(["optimal gains", "domain"])
    'computing stationary points'
    """
    k = len(finished)
    return f"computing {STAGES[k]}" if k < len(STAGES) else "finishing"


@contextmanager
def hard_deadline(deadline: Optional[float], stage: Callable[[], str] = lambda: "working"):
    """Raise :class:`~symlqr.scalar.deadline.Timeout` (``stage()`` says where)
    at ``deadline`` (a ``time.monotonic()`` value; ``None``: no deadline). The
    previous handler, a pending outer timer and mpmath's precisions are restored."""
    if (deadline is None or not hasattr(signal, "setitimer")
            or threading.current_thread() is not threading.main_thread()):
        yield
        return
    active = [True]

    def on_alarm(signum, frame):
        if active[0]:
            active[0] = False
            raise Timeout(stage())

    saved_prec = (mp.prec, iv.prec)
    old_handler = signal.signal(signal.SIGALRM, on_alarm)
    t0 = time.monotonic()
    old_delay, old_interval = signal.setitimer(signal.ITIMER_REAL, max(deadline - t0, 0.001))
    try:
        yield
    finally:
        active[0] = False
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:
            signal.signal(signal.SIGALRM, old_handler if old_handler is not None
                          else signal.SIG_DFL)
            mp.prec, iv.prec = saved_prec
            if old_delay > 0:
                signal.setitimer(signal.ITIMER_REAL,
                                 max(old_delay - (time.monotonic() - t0), 0.001), old_interval)
