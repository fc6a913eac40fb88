"""Shared command-line plumbing for ``python -m symlqr.certify`` and ``proofs/``.

Task selection (a figure name, ``--task``, ``--tasks-file``, ``--eta``,
``--weights``), one-line errors with exit code 2, and atomic file writes.
Only the functions named ``main``/``run_main`` print.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from typing import Callable

from .tasks import (FIGURE_NAMES, InputError, Task, TaskSet, figure, load_tasks_file,
                    parse_rational)

__all__ = ["OneLineParser", "add_task_arguments", "tasksets_from_args", "write_atomic",
           "run_main", "EXIT_OK", "EXIT_FAIL", "EXIT_INPUT", "EXIT_UNDECIDED"]

EXIT_OK, EXIT_FAIL, EXIT_INPUT, EXIT_UNDECIDED = 0, 1, 2, 3


class OneLineParser(argparse.ArgumentParser):
    """argparse that reports errors as one line (``prog: error: ...``), exit 2."""

    def error(self, message):
        raise InputError(message)


def add_task_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("names", nargs="*", metavar="NAME",
                   help=f"figure of the paper: {', '.join(FIGURE_NAMES)}, or all")
    p.add_argument("--task", action="append", default=[], metavar="A,B,Q,R,s0[,s0a]",
                   help="a custom task (repeatable); exact rationals such as 0.1 or 1/3")
    p.add_argument("--eta", metavar="ETA", help="step size of the adaptation (custom tasks)")
    p.add_argument("--weights", metavar="w1,w2,...",
                   help="task weights (normalized to sum 1); default uniform")
    p.add_argument("--tasks-file", metavar="FILE", help="tasks in a .json or .toml file")


def tasksets_from_args(args) -> list[TaskSet]:
    """The task sets selected on the command line (figures, or one custom set)."""
    custom = bool(args.task or args.tasks_file)
    if args.names and custom:
        raise InputError("give either figure names or --task/--tasks-file, not both")
    if not args.names and not custom:
        raise InputError(f"nothing to do: give a figure name ({', '.join(FIGURE_NAMES)}, all) "
                         "or --task/--tasks-file")
    if args.names:
        if args.eta is not None or args.weights is not None:
            raise InputError("--eta and --weights apply to custom tasks; a figure has its own")
        names = []
        for n in args.names:
            names.extend(FIGURE_NAMES if n == "all" else [n])
        return [figure(n) for n in names]
    tasks, eta, weights = [], None, None
    if args.tasks_file:
        data = load_tasks_file(args.tasks_file)
        tasks += data["tasks"]
        eta, weights = data["eta"], data["weights"]
    tasks += [Task.parse(t) for t in args.task]
    if args.eta is not None:
        eta = parse_rational(args.eta, "eta")
    if eta is None:
        raise InputError("custom tasks need a step size: --eta (or eta in the tasks file)")
    if args.weights is not None:
        weights = [parse_rational(w, "weight") for w in args.weights.split(",")]
    return [TaskSet(tasks, eta, weights)]


def write_atomic(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder
    and a rename, so an interrupted run never leaves a truncated file."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise InputError(f"cannot write {path!r}: folder {folder!r} does not exist")
    fd, tmp = tempfile.mkstemp(prefix=".symlqr-", dir=folder)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def run_main(prog: str, body: Callable[[list], int], argv=None) -> int:
    """Run ``body(argv)``; bad input becomes one line on stderr and exit 2."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        return body(argv)
    except InputError as exc:
        print(f"{prog}: error: {exc}", file=sys.stderr)
        return EXIT_INPUT
    except KeyboardInterrupt:
        print(f"{prog}: interrupted", file=sys.stderr)
        return 130
    except RecursionError:
        print(f"{prog}: error: input too large (recursion limit)", file=sys.stderr)
        return EXIT_INPUT
    except MemoryError:
        print(f"{prog}: error: out of memory; the input is too large for this machine",
              file=sys.stderr)
        return EXIT_INPUT
