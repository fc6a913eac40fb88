"""Cooperative deadlines and progress for the landscape stages.

The library never installs signal handlers: each stage calls ``check(where)``
between steps and inside its loops, and ``check`` raises :class:`Timeout` once
``time.monotonic()`` has passed the deadline. A hard deadline (a step that
runs for minutes inside FLINT) belongs to the command line.

>>> check = checker(None)
>>> check("isolating stationary points")          # no deadline: never raises
>>> import time
>>> checker(time.monotonic() - 1)("comparing minima")
Traceback (most recent call last):
...
symlqr.scalar.deadline.Timeout: timed out while comparing minima

The Python API takes ``timeout=`` in seconds from the call and ``deadline=``
as an absolute ``time.monotonic()`` value (the command line's deadline);
:func:`deadline_from` combines them.
"""
from __future__ import annotations

import time
from numbers import Real
from typing import Callable, Optional

from ..tasks import InputError

__all__ = ["Timeout", "Check", "Progress", "checker", "no_check", "deadline_from"]

#: ``check(where)``: raise :class:`Timeout` when the deadline has passed.
Check = Callable[[str], None]
#: ``progress(stage_name)``: called when a named stage has finished.
Progress = Callable[[str], None]


class Timeout(RuntimeError):
    """Raised when the deadline passes; ``stage`` says how far it got."""

    def __init__(self, stage: str):
        super().__init__(f"timed out while {stage}")
        self.stage = stage


def no_check(where: str) -> None:
    """A :data:`Check` without a deadline."""


def checker(deadline: Optional[float], on_check: Optional[Callable[[str], None]] = None) -> Check:
    """A :data:`Check` raising :class:`Timeout` after ``deadline`` (a
    ``time.monotonic()`` value; ``None``: never). ``on_check(where)`` is called
    first, so a caller can tell which step is running."""
    def check(where: str) -> None:
        if on_check is not None:
            on_check(where)
        if deadline is not None and time.monotonic() > deadline:
            raise Timeout(where)
    return check


def deadline_from(timeout: Optional[float] = None,
                  deadline: Optional[float] = None) -> Optional[float]:
    """The absolute deadline (a ``time.monotonic()`` value, or ``None``) of
    ``timeout`` seconds from now and an absolute ``deadline``: the earlier one.

    >>> deadline_from() is None, deadline_from(deadline=12.5)
    (True, 12.5)
    >>> 0 < deadline_from(timeout=2) - time.monotonic() <= 2
    True
    >>> deadline_from(timeout=-1)
    Traceback (most recent call last):
    ...
    symlqr.tasks.InputError: timeout = -1: give the seconds allowed, a number > 0 (or None)
    """
    if timeout is not None:
        if isinstance(timeout, bool) or not isinstance(timeout, Real) or not timeout > 0:
            raise InputError(f"timeout = {timeout!r}: give the seconds allowed, a number > 0 "
                             "(or None)")
        ends = time.monotonic() + float(timeout)
        deadline = ends if deadline is None else min(deadline, ends)
    return deadline
