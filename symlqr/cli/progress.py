"""Progress of long runs on stderr: a tqdm bar when stderr is a terminal.

The library calls ``progress(stage)`` when a stage finishes and, for the
interval engine, ``ticks(stage, done, total)`` as work proceeds (``total``
None when unknown). :class:`StageProgress` is the list of finished stages (for
timeout messages), knows the stage running now, and draws a bar only when
stderr is a terminal and tqdm is installed (``pip install 'symlqr[progress]'``);
nothing goes to stdout or into JSON.

>>> p = StageProgress(show=False)
>>> p.finished("domain"); p.tick("stationary points", 64, None); p, p.running()
(['domain'], 'computing stationary points')
"""
from __future__ import annotations

import sys
import time
from typing import Callable, Optional

__all__ = ["StageProgress", "StageRelay", "Ticker", "next_stage", "STAGES"]

#: The ``_stage`` of the bar that counts finished stages.
_STAGES_BAR = "\0stages"

#: The stages of ``certify`` in order, as named to its ``progress`` callback.
STAGES = ("optimal gains", "domain", "stationary points", "values", "global minima")


def next_stage(finished: list, stages: tuple = STAGES) -> str:
    """What runs after the finished stages (for a timeout message).

    >>> next_stage(["optimal gains", "domain"])
    'computing stationary points'
    """
    k = len(finished)
    return f"computing {stages[k]}" if k < len(stages) else "finishing"


class StageProgress(list):
    """The list of finished stages, with ``finished`` and ``tick`` callbacks."""

    def __init__(self, show: Optional[bool] = None, unit: Optional[str] = None,
                 stages: tuple = STAGES):
        super().__init__()
        self._unit, self._stages = unit, stages
        self.done = 0                           # the last ``done`` of :meth:`tick`
        if show is None:
            show = sys.stderr.isatty()
        self._bar = None
        self._stage: Optional[str] = None
        self._tqdm = None
        if show:
            try:
                from tqdm import tqdm
                tqdm.monitor_interval = 0       # no monitor thread: commands fork workers
                self._tqdm = tqdm
            except ImportError:
                self._tqdm = None

    def finished(self, stage: str) -> None:
        """``progress(stage)``: a stage is done. Between bars of work within a
        stage (:meth:`tick`), a bar counts the finished stages (out of the known
        stages when ``stage`` is one of them) and names the last one, so that a
        command whose library reports only stages (``atlas``, the exact engine)
        still shows that it is moving."""
        self.append(stage)
        if self._stage == stage:
            self.close()
            self._stage = None
        if self._tqdm is None or self._stage not in (None, _STAGES_BAR):
            return
        if self._bar is not None and self._bar.n > len(self):    # a new task set began
            self.close()
        if self._stage is None:
            known = all(s in self._stages for s in self)
            self._stage = _STAGES_BAR
            self._bar = self._tqdm(desc="stages", total=len(self._stages) if known else None,
                                   file=sys.stderr, leave=False, unit="stage")
        self._bar.set_postfix_str(f"done: {stage}", refresh=False)
        self._bar.update(len(self) - self._bar.n)

    def running(self) -> str:
        """What runs now (for a timeout message)."""
        if self._stage not in (None, _STAGES_BAR):
            return f"computing {self._stage}"
        return next_stage(self, self._stages)

    def tick(self, stage: str, done: int, total: Optional[int]) -> None:
        """``ticks(stage, done, total)``: work within a stage (total None: unknown)."""
        self.done = done
        if stage != self._stage:
            self.close()
            self._stage = stage
            if self._tqdm is not None:
                self._bar = self._tqdm(desc=stage, total=total, file=sys.stderr, leave=False,
                                       unit=self._unit or ("box" if total is None else "task"))
        if self._bar is None:
            return
        if total is None:
            self._bar.update(done)
        else:
            self._bar.update(max(0, done - self._bar.n))

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        if self._stage == _STAGES_BAR:
            self._stage = None


class StageRelay(list):
    """The library's list of finished stages, each also reported as
    ``progress(stage, 1, 1)`` (the worker relays it to the parent's bar).

    >>> seen = []
    >>> r = StageRelay(lambda *a: seen.append(a)); r.append("domain"); r += ["values"]
    >>> list(r), seen
    (['domain', 'values'], [('domain', 1, 1), ('values', 1, 1)])
    """

    def __init__(self, progress: Callable):
        super().__init__()
        self._progress = progress

    def append(self, stage) -> None:
        super().append(stage)
        self._progress(stage, 1, 1)

    def extend(self, stages) -> None:
        for s in stages:
            self.append(s)

    def __iadd__(self, stages):
        self.extend(stages)
        return self


class Ticker:
    """A counter of work done (``step()``, or ``set(done)``) reported as
    ``progress(stage, done, total)`` at most every ``every`` seconds, and when
    ``done`` reaches ``total``: a worker relays thousands of iterations to the
    parent's bar without a message for each one.

    >>> seen = []
    >>> t = Ticker(lambda *a: seen.append(a), "runs", 3, every=3600)
    >>> t.step(); t.step(); t.set(3); seen
    [('runs', 1, 3), ('runs', 3, 3)]
    """

    def __init__(self, progress: Callable, stage: str, total: Optional[int],
                 every: float = 0.2):
        self._progress, self._stage, self._total, self._every = progress, stage, total, every
        self.done, self._last = 0, -float("inf")

    def step(self, *_ignored) -> None:
        self.set(self.done + 1)

    def set(self, done: int) -> None:
        self.done = done
        now = time.monotonic()
        if now - self._last >= self._every or done == self._total:
            self._last = now
            self._progress(self._stage, done, self._total)
