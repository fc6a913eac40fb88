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
from typing import Optional

__all__ = ["StageProgress", "next_stage", "STAGES"]

#: The stages of ``certify`` in order, as named to its ``progress`` callback.
STAGES = ("optimal gains", "domain", "stationary points", "values", "global minima")


def next_stage(finished: list) -> str:
    """What runs after the finished stages (for a timeout message).

    >>> next_stage(["optimal gains", "domain"])
    'computing stationary points'
    """
    k = len(finished)
    return f"computing {STAGES[k]}" if k < len(STAGES) else "finishing"


class StageProgress(list):
    """The list of finished stages, with ``finished`` and ``tick`` callbacks."""

    def __init__(self, show: Optional[bool] = None):
        super().__init__()
        if show is None:
            show = sys.stderr.isatty()
        self._bar = None
        self._stage: Optional[str] = None
        self._tqdm = None
        if show:
            try:
                from tqdm import tqdm
                self._tqdm = tqdm
            except ImportError:
                self._tqdm = None

    def finished(self, stage: str) -> None:
        """``progress(stage)``: a stage is done."""
        self.append(stage)
        if self._stage == stage:
            self.close()
            self._stage = None

    def running(self) -> str:
        """What runs now (for a timeout message)."""
        if self._stage is not None:
            return f"computing {self._stage}"
        return next_stage(self)

    def tick(self, stage: str, done: int, total: Optional[int]) -> None:
        """``ticks(stage, done, total)``: work within a stage (total None: unknown)."""
        if stage != self._stage:
            self.close()
            self._stage = stage
            if self._tqdm is not None:
                self._bar = self._tqdm(desc=stage, total=total, file=sys.stderr, leave=False,
                                       unit="box" if total is None else "task")
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
