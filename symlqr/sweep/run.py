"""Run a sweep: every point certified in this process, in local worker
processes (``multiprocessing``), or on a Dask cluster.

The rows come back sorted by point index whatever the engine and the order of
completion, so the same sweep gives the same table on every engine.

    local   a ``multiprocessing`` pool of ``workers`` processes (default: the
            machine's cores); ``workers=1`` evaluates in this process
    dask    a ``dask.distributed.Client`` (or a scheduler address such as
            ``"tcp://host:8786"``); its workers need symlqr installed

``progress(done, total)`` is called in this process after each finished point.

>>> from symlqr.tasks import figure
>>> from symlqr.sweep.points import Options, Source, make_points
>>> pts = make_points([Source.of(figure(n)) for n in ("fig1", "fig2")], [])
>>> [r["spurious_min"] for r in run_sweep(pts, Options(), workers=1)]
[0, 2]
"""
from __future__ import annotations

import functools
import multiprocessing
import os
import threading
from typing import Callable, Optional

from ..tasks import InputError
from .points import Options, evaluate
from .table import SweepRows

__all__ = ["run_sweep", "dask_client"]


def _serial(points, options, progress) -> list:
    rows = []
    for p in points:
        rows.append(evaluate(p, options))
        progress(len(rows), len(points))
    return rows


def _local(points, options, workers: int, progress, initializer) -> list:
    """A ``multiprocessing`` pool: workers forked from this process when it runs a
    single thread (fast, and scripts need no ``__main__`` guard), else started by
    ``forkserver``/``spawn`` (forking a threaded process can deadlock). On any
    exit, Ctrl-C included, the pool is terminated: a point deep inside FLINT does
    not keep the command waiting."""
    methods = multiprocessing.get_all_start_methods()
    method = ("fork" if "fork" in methods and threading.active_count() == 1 else
              "forkserver" if "forkserver" in methods else "spawn")
    rows = []
    ctx = multiprocessing.get_context(method)
    with ctx.Pool(workers, initializer=initializer) as pool:          # exit: terminate()
        for row in pool.imap_unordered(functools.partial(evaluate, options=options), points):
            rows.append(row)
            progress(len(rows), len(points))
    return rows


def dask_client(scheduler):
    """A ``dask.distributed.Client`` for an address, or ``scheduler`` itself."""
    if not isinstance(scheduler, str):
        return scheduler
    try:
        from dask.distributed import Client
    except ImportError:
        raise InputError("--scheduler needs Dask: pip install 'symlqr[dask]'") from None
    try:
        return Client(scheduler, timeout="10s")
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(f"cannot reach the Dask scheduler {scheduler!r}: "
                         f"{str(exc).splitlines()[0] if str(exc) else type(exc).__name__}") \
            from None


def _dask(points, options, client, progress) -> list:
    from dask.distributed import as_completed
    futures = client.map(evaluate, points, options=options, pure=False)
    rows = []
    try:
        for fut in as_completed(futures):
            rows.append(fut.result())
            progress(len(rows), len(points))
    except BaseException:
        client.cancel(futures)
        raise
    return rows


def run_sweep(points: list, options: Optional[Options] = None, *, workers: Optional[int] = None,
              client=None, progress: Optional[Callable[[int, int], None]] = None,
              initializer: Optional[Callable[[], None]] = None) -> SweepRows:
    """Evaluate every point; the rows (dicts, :data:`~symlqr.sweep.points.COLUMNS`)
    sorted by point index.

    Parameters
    ----------
    points : from :func:`~symlqr.sweep.points.make_points`
    options : how each point is certified (:class:`~symlqr.sweep.points.Options`)
    workers : local processes (default ``os.cpu_count()``; 1 = this process)
    client : a ``dask.distributed.Client`` or a scheduler address; then Dask runs it
    progress : ``progress(done, total)`` after each finished point
    initializer : run once in each local worker process (the command line makes
        its workers ignore Ctrl-C, which the parent handles by terminating them)
    """
    options = options or Options()
    progress = progress or (lambda done, total: None)
    if workers is not None and workers < 1:
        raise InputError(f"workers = {workers}: give at least 1")
    if isinstance(client, str):                    # our own client: closed when done
        with dask_client(client) as own:
            rows = _dask(points, options, own, progress)
    elif client is not None:
        rows = _dask(points, options, client, progress)
    elif (workers or os.cpu_count() or 1) == 1 or len(points) <= 1:
        rows = _serial(points, options, progress)
    else:
        rows = _local(points, options, min(workers or os.cpu_count() or 1, len(points)),
                      progress, initializer)
    return SweepRows(sorted(rows, key=lambda r: r["index"]))
