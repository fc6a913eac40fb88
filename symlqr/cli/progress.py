"""Progress of long runs on stderr: a tqdm bar when stderr is a terminal.

The library reports ``progress(stage, done, total)`` (``total`` None when
unknown); a stage is finished when ``done == total``. :class:`StageProgress`
is the list of finished stages (for timeout messages) and draws a bar only when
stderr is a terminal and tqdm is installed (``pip install 'symlqr[progress]'``),
never in JSON output.

>>> p = StageProgress(show=False)
>>> p("domain", 10, 10); p("stationary points", 64, None); p
['domain']
"""
from __future__ import annotations

import sys
from typing import Optional

__all__ = ["StageProgress"]


class StageProgress(list):
    """A ``progress(stage, done, total)`` callback that is the list of finished stages."""

    def __init__(self, show: Optional[bool] = None):
        super().__init__()
        if show is None:
            show = sys.stderr.isatty()
        self._bar = None
        self._stage = None
        self._tqdm = None
        if show:
            try:
                from tqdm import tqdm
                self._tqdm = tqdm
            except ImportError:
                self._tqdm = None

    def __call__(self, stage: str, done: int, total: Optional[int]) -> None:
        if total is not None and done >= total and (not self or self[-1] != stage):
            self.append(stage)
        if self._tqdm is None:
            return
        if stage != self._stage:
            self.close()
            self._stage = stage
            self._bar = self._tqdm(desc=stage, total=total, file=sys.stderr, leave=False,
                                   unit="box" if total is None else "task")
        if total is None:
            self._bar.update(done)
        else:
            self._bar.update(max(0, done - self._bar.n))

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
