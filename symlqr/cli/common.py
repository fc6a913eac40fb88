"""Shared command-line plumbing for every ``symlqr`` command and ``proofs/``.

Task selection (a figure name, ``--task``, ``--tasks-file``, ``--distribution``,
``--eta``, ``--weights``), the run options (``--digits``, ``--json``, ``--output``,
``--timeout``, ``--version``), one-line errors with exit code 2, and atomic
file writes. Only the functions named ``main``/``run_main`` print. The heavy
work of a command runs in a worker process (:mod:`symlqr.cli.worker`).
"""
from __future__ import annotations

import argparse
import contextlib
import decimal
import json
import math
import os
import re
import sys
from typing import Callable

from ..exact.realroots import PrecisionExhausted
from .blas import blas_threads
from .progress import StageRelay
from .worker import StoppedAt, WorkerCrashed, run_stage
from ..taskfiles import load_tasks_file
from ..tasks import FIGURE_NAMES, InputError, Task, TaskSet, figure, long_integers, parse_rational

__all__ = ["OneLineParser", "add_task_arguments", "add_run_arguments", "tasksets_from_args",
           "distributions_from_args", "add_output_arguments", "add_timeout_argument",
           "add_version_argument", "add_matrix_task_arguments", "matrix_taskset_from_args",
           "weights_from_text", "positive_number", "check_outputs", "run_stage", "StoppedAt",
           "h_cell", "gap_cell", "MATRIX_OUTPUT_HELP",
           "write_atomic", "check_output_path", "check_timeout", "timeout_seconds", "run_main",
           "load_plot", "json_payload", "deliver", "StageRelay", "PLOT_HINT",
           "EXIT_OK", "EXIT_FAIL", "EXIT_INPUT", "EXIT_UNDECIDED", "EXIT_INTERRUPTED"]

EXIT_OK, EXIT_FAIL, EXIT_INPUT, EXIT_UNDECIDED, EXIT_INTERRUPTED = 0, 1, 2, 3, 130

#: ``--output`` of the matrix commands: an undecided point (exit 3) is still written.
MATRIX_OUTPUT_HELP = ("write the JSON document to FILE (atomically; nothing on exit 2, 130 "
                      "or a timeout)")

#: How to get matplotlib; works for an installation from PyPI and from a checkout.
PLOT_HINT = "pip install matplotlib"


class OneLineParser(argparse.ArgumentParser):
    """argparse that reports errors as one line (``prog: error: ...``), exit 2."""

    def parse_args(self, args=None, namespace=None):
        """Like argparse, but ``--task -1,1,2,2,1`` and ``--eta -0.5`` work: a
        token that starts with '-' and then a digit or '.' right after an option
        that takes one value is that option's value."""
        args = list(sys.argv[1:] if args is None else args)
        takes_value = {s for a in self._actions if a.option_strings and a.nargs is None
                       and a.const is None for s in a.option_strings}
        out, i = [], 0
        while i < len(args):
            if args[i] in takes_value and i + 1 < len(args) and re.match(r"-[\d.]", args[i + 1]):
                out.append(f"{args[i]}={args[i + 1]}")
                i += 2
            else:
                out.append(args[i])
                i += 1
        return super().parse_args(out, namespace)

    def error(self, message):
        m = re.fullmatch(r"argument (--[\w-]+): (\1\b.*)", message, re.S)
        if m:                                   # the type's own message names the option
            message = m.group(2)
        m = re.fullmatch(r"argument (--[\w-]+)(?:/[^:]*)?: expected one argument", message)
        if m:
            message += f" (for a value starting with '-' write {m.group(1)}=VALUE)"
        raise InputError(message)


def add_task_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("names", nargs="*", metavar="NAME",
                   help=f"figure of the paper: {', '.join(FIGURE_NAMES)}, or all")
    p.add_argument("--task", action="append", default=[], metavar="A,B,Q,R[,s0[,s0a]]",
                   help="a custom task (repeatable); exact rationals such as 0.1 or 1/3; "
                        "s0 defaults to 1, s0a to s0")
    p.add_argument("--eta", metavar="ETA", help="step size of the adaptation (custom tasks)")
    p.add_argument("--weights", metavar="w1,w2,...",
                   help="task weights (normalized to sum 1); default uniform")
    p.add_argument("--tasks-file", metavar="FILE", help="tasks in a .json or .toml file")
    p.add_argument("--distribution", action="append", default=[], metavar="SPEC",
                   help="tasks drawn from a distribution (repeatable), e.g. 'A=1,B=1,"
                        "Q=uniform(1,5),R=loguniform(0.1,10)'; laws: a number, uniform(lo,hi),"
                        " loguniform(lo,hi), choice(v1,...); keys scale, n, seed, digits")
    p.add_argument("--n", metavar="N", help="number of tasks drawn (overrides the spec's n)")
    p.add_argument("--seed", metavar="SEED", help="seed of the draw (overrides the spec's)")


def distributions_from_args(args) -> list:
    """The ``--distribution`` specs with ``--n``/``--seed`` applied."""
    from ..distributions import Distribution
    if (args.n is not None or args.seed is not None) and not args.distribution:
        raise InputError("--n and --seed apply to --distribution")
    out = []
    for k, spec in enumerate(args.distribution):
        try:
            name = "distribution" if len(args.distribution) == 1 else f"distribution {k + 1}"
            out.append(Distribution.parse(spec, name=name).with_(n=args.n, seed=args.seed))
        except InputError as exc:
            raise InputError(f"--distribution {k + 1}: {exc}") from None
    return out


def timeout_seconds(text: str) -> float:
    """``--timeout`` as seconds: any positive number, however large (``1e308``,
    ``1e999`` mean "no practical limit"); ``inf``, ``nan``, 0 and negatives are refused.

    >>> timeout_seconds("2"), timeout_seconds("1e999"), timeout_seconds("1e-400")
    (2.0, inf, 5e-324)
    """
    s = text.strip()
    if s.lower().lstrip("+-") in ("inf", "infinity", "nan"):
        raise argparse.ArgumentTypeError(f"--timeout {s[:20]}: give a finite number of "
                                         "seconds > 0")
    try:
        value = parse_rational(s, "--timeout")
    except InputError:
        raise argparse.ArgumentTypeError(f"--timeout {s[:20]!r}: give a number of seconds "
                                         "> 0, such as 60 or 0.5") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("--timeout must be > 0 seconds")
    try:
        return float(value) or 5e-324          # below the smallest float: stop at once
    except OverflowError:
        return math.inf


def add_output_arguments(p: argparse.ArgumentParser,
                         output_help: str = "write the JSON document to FILE (atomically; "
                                            "nothing on exit 2, 3, 130)",
                         json_help: str = "print one JSON document") -> None:
    """``--json`` and ``--output FILE`` (written atomically), with their help texts."""
    p.add_argument("--json", action="store_true", help=json_help)
    p.add_argument("--output", metavar="FILE", help=output_help)


def add_timeout_argument(p: argparse.ArgumentParser,
                         help_text: str = "stop after SECONDS, also inside one long "
                                          "computation (exit 3)") -> None:
    """``--timeout SECONDS``: any positive size (:func:`timeout_seconds`)."""
    p.add_argument("--timeout", type=timeout_seconds, metavar="SECONDS", help=help_text)


def add_version_argument(p: argparse.ArgumentParser) -> None:
    from .. import __version__
    p.add_argument("--version", action="version", version=f"%(prog)s (symlqr {__version__})")


def add_run_arguments(p: argparse.ArgumentParser, digits: int = 20,
                      max_digits: int = 1000, with_digits: bool = True,
                      **output_help) -> None:
    """``--digits`` (unless ``with_digits`` is False), ``--json``, ``--output``
    (help texts: ``output_help``, ``json_help``), ``--timeout`` and ``--version``."""
    if with_digits:
        p.add_argument("--digits", type=int, default=digits,
                       help=f"significant digits, 1 to {max_digits} (default {digits})")
        p.set_defaults(max_digits=max_digits)
    add_output_arguments(p, **output_help)
    add_timeout_argument(p)
    add_version_argument(p)


def add_matrix_task_arguments(p: argparse.ArgumentParser) -> None:
    """The matrix commands' tasks: a task file and ``--eta`` overriding its step size."""
    p.add_argument("tasks_file", metavar="TASKS", help="task file (.json or .toml)")
    p.add_argument("--eta", help="adaptation step size (overrides the file's eta)")


def weights_from_text(text: str) -> list:
    """``--weights w1,w2,...`` read exactly.

    >>> weights_from_text("1, 1/2")
    [Fraction(1, 1), Fraction(1, 2)]
    """
    return [parse_rational(w, f"--weights: weight {k + 1}")
            for k, w in enumerate(text.split(","))]


def matrix_taskset_from_args(args):
    """The :class:`~symlqr.matrix.tasks.MatrixTaskSet` of ``TASKS`` with ``--eta``
    (and ``--weights``, where the command has it) applied."""
    from ..matrix.tasks import MatrixTaskSet, load_matrix_tasks_file
    data = load_matrix_tasks_file(args.tasks_file)
    eta = parse_rational(args.eta, "--eta") if args.eta is not None else data["eta"]
    if eta is None:
        raise InputError("the tasks need a step size: --eta (or eta in the tasks file)")
    weights = data["weights"]
    if getattr(args, "weights", None) is not None:
        weights = weights_from_text(args.weights)
    return MatrixTaskSet(data["tasks"], eta, weights, name=data["name"], note=data["note"])


def positive_number(text: str, what: str) -> float:
    """A finite float ``> 0`` read exactly first (never evaluated).

    >>> positive_number("1/4", "--beta")
    0.25
    """
    v = float(parse_rational(text, what))
    if not (math.isfinite(v) and v > 0):
        raise InputError(f"{what} must be a finite number > 0")
    return v


def tasksets_from_args(args) -> list[TaskSet]:
    """The task sets selected on the command line (figures, or one custom set).

    Also checks the run options every entry point shares, when present
    (``--timeout`` finite and > 0, ``--output`` writable), so that bad input
    stops before any work is done.
    """
    check_timeout(getattr(args, "timeout", None))
    max_digits = getattr(args, "max_digits", None)
    if max_digits is not None and not 1 <= args.digits <= max_digits:
        raise InputError(f"--digits must be between 1 and {max_digits}")
    if getattr(args, "output", None) is not None:
        check_output_path(args.output)
    drawn = distributions_from_args(args)
    custom = bool(args.task or args.tasks_file or drawn)
    if args.names and custom:
        raise InputError("give either figure names or --task/--tasks-file/--distribution, "
                         "not both")
    if not args.names and not custom:
        raise InputError(f"nothing to do: give a figure name ({', '.join(FIGURE_NAMES)}, all) "
                         "or --task/--tasks-file/--distribution")
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
        for key in ("method", "steps"):             # the command line's option wins
            if data.get(key) is not None:
                if not hasattr(args, key):
                    raise InputError(f"tasks file: '{key}' applies to python -m symlqr.certify "
                                     "only")
                if getattr(args, key) is None:
                    setattr(args, key, data[key])
    for k, text in enumerate(args.task):
        try:
            tasks.append(Task.parse(text))
        except InputError as exc:
            raise InputError(f"--task {k + 1}: {exc}") from None
    for d in drawn:
        tasks += d.draw()
    if args.eta is not None:
        eta = parse_rational(args.eta, "--eta")
    if eta is None:
        raise InputError("custom tasks need a step size: --eta (or eta in the tasks file)")
    if args.weights is not None:
        weights = weights_from_text(args.weights)
    notes = ([data["note"]] if args.tasks_file and data["note"] else []) + [
        f"drawn from {d}" for d in drawn]
    only_drawn = notes and not args.task and (not args.tasks_file or data["drawn_only"])
    return [TaskSet(tasks, eta, weights, name="distribution" if only_drawn else "custom",
                    note="; ".join(notes))]


def check_output_path(path: str) -> None:
    """Fail early (before any work) when ``path`` cannot be written: a missing
    folder, or a path that is a folder."""
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise InputError(f"cannot write {path!r}: folder {folder!r} does not exist")
    if os.path.isdir(path):
        raise InputError(f"cannot write {path!r}: it is a folder; give a file name")
    if not os.access(folder, os.W_OK):
        raise InputError(f"cannot write {path!r}: folder {folder!r} is not writable")


def check_outputs(*paths) -> None:
    """:func:`check_output_path` for each path given (None: not asked for)."""
    for path in paths:
        if path:
            check_output_path(path)


def write_atomic(path: str, data: bytes) -> None:
    """:func:`symlqr.results.write_atomic` after :func:`check_output_path`: the
    file is written whole (temporary file and rename) or not at all, and an
    operating-system error is one line."""
    check_output_path(path)
    from ..results import write_atomic as write
    write(path, data)


def check_timeout(seconds) -> None:
    """``--timeout`` must be a number of seconds > 0 (any size)."""
    if seconds is not None and not seconds > 0:          # also nan
        raise InputError(f"--timeout {seconds:g}: give a finite number of seconds > 0")


def load_plot(path: str):
    """``symlqr.render.plot`` for ``--plot FILE``, imported only then; FILE's format
    (.png, .svg, .pdf) and folder are checked before any work is done."""
    try:
        from ..render import plot
    except ImportError:
        raise InputError(f"--plot needs matplotlib: {PLOT_HINT}") from None
    plot.plot_format(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise InputError(f"--plot {path!r}: folder {folder!r} does not exist")
    return plot


def json_payload(docs: list, names) -> object:
    """One document, or a list of them (always a list for ``all``)."""
    return docs[0] if len(docs) == 1 and "all" not in (names or []) else docs


def h_cell(h) -> str:
    """An enclosure ``[lo, hi]`` of decimal strings with 12 significant digits,
    rounded outward: the shown interval still holds the value ("-": none).

    >>> h_cell(["1.234567890123456", "1.234567890124444"])
    '[1.23456789012, 1.23456789013]'
    """
    if not h:
        return "-"
    lo, hi = (decimal.Context(prec=12, rounding=r).plus(decimal.Decimal(x))
              for r, x in ((decimal.ROUND_FLOOR, h[0]), (decimal.ROUND_CEILING, h[1])))
    return f"[{lo}, {hi}]"


def gap_cell(text) -> str:
    """An upper bound (decimal string) shown with 3 digits, rounded up ("-": none).

    >>> gap_cell("0.000123401"), gap_cell("0"), gap_cell(None)
    ('0.000124', '0', '-')
    """
    if text is None:
        return "-"
    up = decimal.Context(prec=3, rounding=decimal.ROUND_CEILING).plus(decimal.Decimal(text))
    return "0" if up == 0 else f"{up:g}" if up >= decimal.Decimal("1e-4") else f"{up:.2e}"


def deliver(args, payload, table: str) -> None:
    """Write the JSON document to ``--output`` (atomically), then print it
    (``--json``) or the readable table."""
    text = json.dumps(payload, indent=2) + "\n"
    if getattr(args, "output", None):
        write_atomic(args.output, text.encode("utf-8"))
    sys.stdout.write(text if args.json else table + "\n")


#: How run_main reports what stopped a command: the line after ``prog:`` and the exit code.
_STOPS = (
    (InputError, "error: {exc}", EXIT_INPUT),
    (StoppedAt, "{exc}", EXIT_UNDECIDED),
    (KeyboardInterrupt, "interrupted", EXIT_INTERRUPTED),
    (PrecisionExhausted, "undecided: {exc}; the numbers are too large or too close together "
                         "for the precision cap, nothing is reported", EXIT_UNDECIDED),
    (WorkerCrashed, "internal error (please report it): {exc}", EXIT_FAIL),
    (RecursionError, "error: input too large (recursion limit)", EXIT_INPUT),
    (MemoryError, "error: out of memory; the input is too large for this machine", EXIT_INPUT),
)


def run_main(prog: str, body: Callable[[list], int], argv=None, *,
             one_blas_thread: bool = False) -> int:
    """Run ``body(argv)``; bad input becomes one line on stderr and exit 2, a
    ``--timeout`` one line and exit 3, Ctrl-C exit 130 (the workers are killed
    first, nothing is written); see :data:`_STOPS`. ``one_blas_thread``: BLAS
    limited to ``SYMLQR_BLAS_THREADS`` threads, one by default
    (:func:`symlqr.cli.blas.blas_threads`; the workers inherit it)."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        with long_integers(0), (blas_threads() if one_blas_thread   # MAX_TEXT bounds inputs
                                else contextlib.nullcontext()):
            return body(argv)
    except tuple(kind for kind, _line, _code in _STOPS) as exc:
        line, code = next((line, code) for kind, line, code in _STOPS if isinstance(exc, kind))
        print(f"{prog}: {line.format(exc=exc)}", file=sys.stderr)
        return code
