"""Start a command: import its module, then run its ``main()``.

The command modules import sympy, FLINT and the engine (about half a second);
that import runs with SIGINT blocked, and a Ctrl-C during it gets the same one
line and exit status 130 as a Ctrl-C later on (where :func:`symlqr.cli.common.run_main` answers it), not a
traceback. This module imports nothing of symlqr, so it is loaded at once.

>>> launch("symlqr.cli.main", "symlqr", ["--version"])   # doctest: +ELLIPSIS
symlqr ...
0
"""
from __future__ import annotations

import importlib
import signal
import sys
from typing import Optional

__all__ = ["launch", "console", "lazy_main"]

EXIT_INTERRUPTED = 130


def launch(module: str, prog: str, argv: Optional[list] = None, *, entry: str = "main",
           args: tuple = ()) -> int:
    """``module.<entry>(*args[, argv])`` once ``module`` is imported; ``prog:
    interrupted`` (exit 130) when Ctrl-C comes while it loads. ``--version`` and
    the like exit through ``SystemExit`` as usual (its code is returned)."""
    main = _import_uninterrupted(module, entry)
    if main is None:
        print(f"{prog}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    try:
        return main(*args, argv) if argv is not None else main(*args)
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        raise


def _import_uninterrupted(module: str, entry: str):
    """``module.<entry>``, imported with SIGINT blocked (a KeyboardInterrupt raised
    inside the initialisation of a C extension such as FLINT or numpy can crash
    the interpreter); None when a Ctrl-C came meanwhile (it is then discarded)."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        main = getattr(importlib.import_module(module), entry)
    finally:
        interrupted = signal.SIGINT in signal.sigpending()
        if interrupted:                 # drop the pending signal instead of raising it
            handler = signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
            signal.signal(signal.SIGINT, handler)
        else:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
    return None if interrupted else main


def lazy_main(module: str):
    """A module ``__getattr__`` that gives ``main`` of ``module`` when asked for:
    the thin entry modules (``symlqr.certify``, ...) import nothing heavy until then.

    >>> lazy_main("symlqr.cli.main")("main").__module__
    'symlqr.cli.main'
    """
    def __getattr__(name):
        if name == "main":
            return importlib.import_module(module).main
        raise AttributeError(f"no attribute {name!r} (only 'main', from {module})")
    return __getattr__


def console() -> int:
    """The ``symlqr`` console script."""
    return launch("symlqr.cli.main", "symlqr")
