"""BLAS threads of a command: one by default, ``SYMLQR_BLAS_THREADS`` to change it.

The atlas and the matrix branch-and-bound (``maml --complete``) multiply many small
matrices (Bernstein subdivisions) where OpenBLAS's threads only compete for the cores:
on a shared 2-core machine Figure 3a's atlas spent 1.7 times the CPU with the default
threads (docs/atlas.md), and ``maml examples/scaled_costs_2state.json --complete`` took
55 s and 80 s of wall time (42 s and 50 s of user time) against 17 s and 36 s (17 s and
18 s) with one thread (two runs each, load about 3.5); ``certify`` gains nothing
(measured) and is left alone. A command asks for it with ``run_main(...,
one_blas_thread=True)``.
numpy is imported with the package, before a command could set ``OPENBLAS_NUM_THREADS``,
so :func:`blas_threads` limits the BLAS libraries already loaded at run time with
``threadpoolctl``, and sets ``OPENBLAS_NUM_THREADS``, ``MKL_NUM_THREADS`` and
``BLIS_NUM_THREADS`` for those loaded later (scipy's own OpenBLAS) and for spawned
workers; forked workers (:mod:`symlqr.cli.worker`) inherit the limit. Everything is
restored on exit. The numbers computed are the same; only the speed changes.

``SYMLQR_BLAS_THREADS``: unset or empty, one thread; ``N`` (1 to 1024), N threads;
``default``, the BLAS library's own choice (nothing is changed). Without
``threadpoolctl`` installed only the variables are set.

>>> blas_limit({}), blas_limit({"SYMLQR_BLAS_THREADS": "4"})
(1, 4)
>>> blas_limit({"SYMLQR_BLAS_THREADS": "default"}) is None
True
>>> with blas_threads({"SYMLQR_BLAS_THREADS": "2"}) as n:
...     n, os.environ["OPENBLAS_NUM_THREADS"]
(2, '2')
"""
from __future__ import annotations

import contextlib
import os
import re
from typing import Iterator, Mapping, Optional

from ..tasks import InputError

__all__ = ["ENV", "blas_limit", "blas_threads"]

#: The variable a user sets to choose the number of BLAS threads ("default": no limit).
ENV = "SYMLQR_BLAS_THREADS"

#: Read at load time by BLAS libraries loaded later (and by spawned workers).
_LIBRARY_VARIABLES = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS")


def blas_limit(environ: Mapping[str, str] = os.environ) -> Optional[int]:
    """The number of BLAS threads asked for by ``SYMLQR_BLAS_THREADS`` (None: the
    library's own choice); anything else is a one-line :class:`InputError`."""
    text = environ.get(ENV, "").strip()
    if not text:
        return 1
    if text.lower() == "default":
        return None
    if re.fullmatch(r"\d{1,4}", text) and 1 <= int(text) <= 1024:
        return int(text)
    raise InputError(f"{ENV}={text[:20]!r}: give a number of threads from 1 to 1024, or "
                     "'default' (the BLAS library's own choice)")


@contextlib.contextmanager
def blas_threads(environ: Optional[Mapping[str, str]] = None) -> Iterator[Optional[int]]:
    """Run the body with the BLAS thread limit of :func:`blas_limit` (yielded)."""
    limit = blas_limit(os.environ if environ is None else environ)
    if limit is None:
        yield None
        return
    saved = {name: os.environ.get(name) for name in _LIBRARY_VARIABLES}
    os.environ.update({name: str(limit) for name in _LIBRARY_VARIABLES})
    try:
        with _loaded_libraries_limited(limit):
            yield limit
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _loaded_libraries_limited(limit: int):
    """threadpoolctl's limit on the BLAS libraries loaded now (nothing without it)."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(limits=limit, user_api="blas")
