"""Complete matrix landscapes on a Dask cluster: the box split, each part one task.

The root box ``R`` (given, or proven to hold every stabilizing gain) is cut
``k`` times across the side widest relative to ``R`` (at the float nearest
``127/256`` of it, the off-centre cut of :mod:`symlqr.branch.core`), giving
``2^k`` sub-boxes that share only faces. Each Dask task runs
:func:`~symlqr.matrix.landscape.complete_landscape` on its sub-box with the same
level ``L`` (computed once here) and sends back the plain parts
(:func:`~symlqr.matrix.landscape_merge.part_dict`); :func:`~symlqr.matrix.landscape_merge.merge`
joins them: the points of all, ``complete`` when every part is, and the claims
about ``R`` with ``R``'s box source. A task not back by the deadline (plus a
grace) is cancelled and its sub-box reported undecided, never dropped.

The client is :func:`symlqr.sweep.run.dask_client` (an address or a
``dask.distributed.Client``); its workers need symlqr installed.

>>> from fractions import Fraction as F
>>> [[(float(a), float(b)) for a, b in part] for part in split_box([(F(0), F(2)), (F(0), F(1))], 2)]
[[(0.0, 0.9921875), (0.0, 1.0)], [(0.9921875, 2.0), (0.0, 1.0)]]
"""
from __future__ import annotations

import functools
import math
import time
from fractions import Fraction
from typing import Callable, Optional

from ..branch.core import SPLIT_AT
from ..matrix.landscape import complete_landscape, default_level, float_box, level_source
from ..matrix.landscape_merge import merge, part_dict
from .run import dask_client

__all__ = ["complete_landscape_dask", "split_box", "run_part", "GRACE"]

#: seconds a part may be late past the deadline before it is cancelled
GRACE = 30.0


def split_box(box, parts: int) -> list:
    """``2^ceil(log2 parts)`` sub-boxes (float ends, Fractions) tiling ``box``: each
    round cuts every box across its side widest relative to ``box``."""
    root = float_box(box)
    width = [b - a for a, b in root]
    boxes = [root]
    while len(boxes) < parts:
        nxt = []
        for b in boxes:
            k = max(range(len(b)), key=lambda j: (b[j][1] - b[j][0]) / width[j])
            lo, hi = b[k]
            cut = Fraction(float(lo + SPLIT_AT * (hi - lo)))
            if not lo < cut < hi:
                raise ValueError("the box is too thin to split into that many parts")
            nxt += [b[:k] + [(lo, cut)] + b[k + 1:], b[:k] + [(cut, hi)] + b[k + 1:]]
        boxes = nxt
    return boxes


def _past_wall(wall_deadline: Optional[float]) -> Optional[str]:
    if wall_deadline is not None and time.time() > wall_deadline:
        return "time: the deadline of the Dask run"
    return None


def run_part(taskset, box, level, options: dict, wall_deadline: Optional[float]) -> dict:
    """One Dask task: :func:`complete_landscape` on ``box`` (a sub-box), stopped at
    ``wall_deadline`` (``time.time()``: clocks of other machines), as plain parts."""
    res = complete_landscape(taskset, box=box, level=level,
                             stop=functools.partial(_past_wall, wall_deadline), **options)
    return part_dict(res)


def _lost(box, why: str) -> dict:
    """The parts of a sub-box whose task did not come back: one undecided box."""
    vol = math.prod(float(b - a) for a, b in box)
    return {"points": [], "reason": None, "degrees": [], "seconds": {}, "box": box,
            "outcome": {"found_boxes": [], "undecided": [([float(a) for a, _ in box],
                                                          [float(b) for _, b in box], why)],
                        "excluded": {}, "excluded_volume": {}, "volume": vol,
                        "found_volume": 0.0, "boxes": 0, "stopped": why, "audit": [],
                        "audit_limit": 0}}


def _gather(client, futures: list, boxes: list, kill_at: float, progress) -> list:
    """The parts as they finish (polled, as :mod:`symlqr.cli.sweep` does); past
    ``kill_at`` the ones not back are cancelled and their sub-boxes undecided."""
    results = [None] * len(futures)
    pending = dict(zip(futures, range(len(futures))))
    try:
        while pending and time.monotonic() < kill_at:
            for fut in [f for f in pending if f.done()]:
                results[pending.pop(fut)] = fut.result()     # a task's error is raised here
                progress(sum(r is not None for r in results), len(futures))
            if pending:
                time.sleep(0.05)
    except BaseException:
        client.cancel(futures)
        raise
    if pending:
        client.cancel(list(pending))
    return [r if r is not None else _lost(b, "time: its Dask task did not return by the deadline")
            for r, b in zip(results, boxes)]


def complete_landscape_dask(taskset, scheduler, *, parts: Optional[int] = None, box=None,
                            level=None, prune: bool = True, max_boxes: int = 2_000_000,
                            level_starts: int = 10, audit: int = 0,
                            deadline: Optional[float] = None, grace: float = GRACE,
                            progress: Optional[Callable[[int, int], None]] = None,
                            method: str = "maml", steps: int = 1, **options):
    """:func:`~symlqr.matrix.landscape.complete_landscape` with the box split into
    ``parts`` sub-boxes (default: twice the cluster's threads, a power of two, at
    least 2) run on Dask (module docstring). ``scheduler``: an address or a
    ``dask.distributed.Client``; ``deadline``: a ``time.monotonic()`` value (the
    parts stop themselves then; one not back ``grace`` seconds later is cancelled);
    ``max_boxes`` and ``audit`` are shared out among the parts; ``progress(done,
    total)`` after each part; ``method``/``steps`` as for the local run."""
    from ..matrix.domain import stabilizing_box
    if box is None:
        root = stabilizing_box(taskset)
        if root is None:
            raise ValueError("no proven bounded box holds the stabilizing gains here "
                             "(r > 1 or no controllable task): give a box")
        source, covers = "proven to hold every stabilizing gain (Schur coefficient bounds)", True
    else:
        root, source, covers = [(Fraction(a), Fraction(b)) for a, b in box], "given", False
    if level is None:
        level, why = default_level(taskset, level_starts, steps=steps), level_source(level_starts)
    else:
        level, why = Fraction(level), "given"
    progress = progress or (lambda done, total: None)
    t0 = time.perf_counter()
    own = isinstance(scheduler, str)
    client = dask_client(scheduler)
    try:
        if parts is None:
            parts = max(2, 2 * sum(client.nthreads().values()))
        if not 1 <= parts <= 4096:
            raise ValueError(f"parts = {parts}: give 1 to 4096")
        boxes = split_box(root, parts)
        share = {"prune": prune, "max_boxes": -(-max_boxes // len(boxes)),
                 "audit": -(-audit // len(boxes)), "level_starts": level_starts,
                 "method": method, "steps": steps, **options}
        wall = None if deadline is None else time.time() + (deadline - time.monotonic())
        futures = [client.submit(run_part, taskset, b, level, share, wall, pure=False)
                   for b in boxes]
        kill_at = math.inf if deadline is None else deadline + grace
        results = _gather(client, futures, boxes, kill_at, progress)
    finally:
        if own:
            client.close()
    res = merge(results, taskset, box=[(float(a), float(b)) for a, b in float_box(root)],
                box_source=source, covers=covers, level=level, level_source=why,
                method=method, steps=steps)
    res.seconds["wall"] = time.perf_counter() - t0
    return res
