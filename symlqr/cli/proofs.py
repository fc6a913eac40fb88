"""The shared command line of the ``proofs/`` scripts (:func:`proof_main`) and
the parsers of their own options (``--interval``, ``--deltas``, ``--epsilon``,
``--wbar``), each read exactly and checked before any work is done.
"""
from __future__ import annotations

import argparse
from fractions import Fraction
from typing import Callable, Optional

from ..paper.continuity import DEFAULT_DELTAS, DEFAULT_EPSILON, MAX_DELTAS
from ..paper.verdicts import checks_to_dict, exit_status
from ..render.checks import render_checks
from ..tasks import InputError, parse_rational
from .common import (OneLineParser, add_run_arguments, add_task_arguments, deliver,
                     json_payload, run_main, run_stage, tasksets_from_args)
from .worker import Deadline

__all__ = ["proof_main", "proof_parser", "parse_interval", "parse_deltas", "parse_epsilon",
           "parse_wbar", "add_interval_argument", "add_family_arguments", "add_wbar_argument"]


def parse_interval(text: str) -> tuple[Fraction, Fraction]:
    """``"a,b"`` -> ``(a, b)`` exact, with ``a < b``.

    >>> parse_interval("0.5, 3/2")
    (Fraction(1, 2), Fraction(3, 2))
    """
    parts = text.split(",")
    if len(parts) != 2:
        raise InputError(f"--interval {text.strip()[:40]!r}: expected two numbers a,b")
    a, b = (parse_rational(p, "--interval") for p in parts)
    if not a < b:
        raise InputError(f"--interval: need a < b, got a = {a}, b = {b}")
    return a, b


def parse_deltas(text: Optional[str]) -> tuple:
    """Distinct exact rationals ``0 < delta <= 1`` from ``"1,1/2,0.25"``,
    sorted decreasing. ``None`` gives the default ``1, 1/2, ..., 1/64``.

    >>> parse_deltas("1/4, 1, 0.5")
    (Fraction(1, 1), Fraction(1, 2), Fraction(1, 4))
    """
    if text is None:
        return DEFAULT_DELTAS
    parts = [p for p in text.split(",")]
    if not parts or len(parts) > MAX_DELTAS:
        raise InputError(f"--deltas: give 1 to {MAX_DELTAS} comma-separated values")
    vals = {parse_rational(p, "--deltas") for p in parts}
    bad = [v for v in vals if not 0 < v <= 1]
    if bad:
        raise InputError(f"--deltas: {min(bad)} is outside (0, 1]; the family interpolates "
                         "between the base task (delta = 0) and the given tasks (delta = 1)")
    return tuple(sorted(vals, reverse=True))


def parse_epsilon(text: Optional[str]) -> Fraction:
    """The requested epsilon, an exact rational ``> 0`` (default 1/1000).

    >>> parse_epsilon("1e-3")
    Fraction(1, 1000)
    """
    if text is None:
        return DEFAULT_EPSILON
    e = parse_rational(text, "--epsilon")
    if e <= 0:
        raise InputError(f"--epsilon = {e} must be > 0")
    return e


def parse_wbar(text: str) -> Fraction:
    """A rational policy ``Wb`` for ``proofs/equation3.py``."""
    return parse_rational(text, "--wbar")


def _argument_type(parse: Callable) -> Callable:
    """An argparse ``type`` from a parser raising :class:`InputError` (one line)."""
    def convert(text):
        try:
            return parse(text)
        except InputError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    convert.__name__ = parse.__name__
    return convert


def add_interval_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--interval", metavar="a,b", type=_argument_type(parse_interval),
                   help="bound M = max |g''| on the closed interval [a, b] inside the "
                        "stable interval (default: the whole stable interval, M = +inf)")


def add_family_arguments(p: argparse.ArgumentParser, epsilon_name: str = "epsilon") -> None:
    p.add_argument("--deltas", metavar="d1,d2,...", type=_argument_type(parse_deltas),
                   default=DEFAULT_DELTAS,
                   help="deltas in (0, 1], exact rationals (default 1,1/2,...,1/64)")
    p.add_argument("--epsilon", metavar="EPS", type=_argument_type(parse_epsilon),
                   default=DEFAULT_EPSILON, help=f"{epsilon_name} > 0 (default 1/1000)")


def add_wbar_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument("--wbar", metavar="W", type=_argument_type(parse_wbar),
                   help="a rational policy Wb (default: symbolic)")


def compute(tasksets, evaluate: Callable, args, description: str, progress) -> dict:
    """The heavy part, run in the worker: one document and one table per task set."""
    docs, texts, status = [], [], 0
    for k, ts in enumerate(tasksets):
        progress(ts.name, k, len(tasksets))
        checks, extra = evaluate(ts, args)
        docs.append(checks_to_dict(ts.name, checks, extra))
        texts.append(render_checks(f"{ts.name}: {description}", checks))
        s = exit_status(checks)
        status = 1 if 1 in (status, s) else max(status, s)
    return {"docs": docs, "texts": texts, "status": status}


def proof_parser(prog: str, description: str = "",
                 add_arguments: Optional[Callable] = None) -> OneLineParser:
    """The parser of a proof script: the task arguments, the run options, its own."""
    p = OneLineParser(prog=prog, description=description)
    add_task_arguments(p)
    add_run_arguments(p, digits=20, max_digits=1000)
    if add_arguments is not None:
        add_arguments(p)
    return p


def proof_main(prog: str, description: str,
               evaluate: Callable, add_arguments: Optional[Callable] = None,
               argv=None) -> int:
    """Shared ``main`` of the ``proofs/`` scripts.

    ``evaluate(taskset, args) -> (checks, extra_dict)`` does the work for one
    task set, in a worker process (:func:`symlqr.cli.worker.run_in_worker`);
    the runner parses the task arguments exactly like ``python -m symlqr.certify``
    (figure names or ``all``, ``--task``, ``--eta``, ``--weights``,
    ``--tasks-file``) plus ``--json``, ``--digits``, ``--output``, ``--timeout``
    and ``--version``, prints, and returns the exit status. ``args.deadline`` is
    the ``time.monotonic()`` deadline for the library (None: none).
    """

    def body(argv_) -> int:
        args = proof_parser(prog, description, add_arguments).parse_args(argv_)
        tasksets = tasksets_from_args(args)
        deadline = Deadline(args.timeout)
        args.deadline = deadline.monotonic()
        current = [0]                       # the task set in work

        def on_progress(stage, done, total):
            current[0] = done

        out = run_stage(compute, tasksets, evaluate, args, description, timeout=deadline,
                        progress=on_progress, where=lambda: f" on {tasksets[current[0]].name}")
        deliver(args, json_payload(out["docs"], args.names), "\n\n".join(out["texts"]))
        return out["status"]

    return run_main(prog, body, argv)
