"""Command line: ``python -m symlqr.verify TASKS --W '[[...]]'`` for points a user brings.

For each gain ``W`` (from the user's own MAML code): a float Newton polish,
then certificates (see :mod:`symlqr.matrix.certificate`): is there a unique
stationary point of ``h`` in a small box near ``W``, of which type, are ``W``
and the adapted gains stabilizing over the box, is it global (chain rule /
Theorem 2, one task), and how far from optimal at most (``gap_upper``).
The certificates are computed in a worker process: ``--timeout`` stops them
within about a second, Ctrl-C too (exit 130), and nothing is written then.
Exit status: 0 every point certified, 3 some point undecided or ``--timeout``
reached, 2 bad input, 130 interrupted.
"""
from __future__ import annotations

import json

import numpy as np

from .common import (EXIT_OK, EXIT_UNDECIDED, MATRIX_OUTPUT_HELP, OneLineParser,
                     add_matrix_task_arguments, add_run_arguments, check_outputs, deliver,
                     gap_cell, h_cell, matrix_taskset_from_args, run_main, run_stage)
from .progress import StageProgress
from ..matrix.certificate import verify_point
from ..tasks import InputError, parse_rational

PROG = "python -m symlqr.verify"


def build_parser(prog: str = PROG) -> OneLineParser:
    p = OneLineParser(prog=prog, description="Certify a stationary point of the MAML "
                      "objective on matrix LQR tasks near a gain W you bring.")
    add_matrix_task_arguments(p)
    p.add_argument("--W", action="append", default=[], metavar="JSON",
                   help="a gain as a JSON nested list, r rows of d numbers (repeatable)")
    p.add_argument("--points", metavar="FILE", help="a JSON file with a list of gains")
    add_run_arguments(p, with_digits=False, output_help=MATRIX_OUTPUT_HELP)
    return p


def parse_gain(text: str, shape, what: str = "--W") -> np.ndarray:
    """A nested-list gain from JSON text; entries read exactly, never evaluated."""
    try:
        data = json.loads(text, parse_float=str, parse_int=str) if isinstance(text, str) \
            else text
    except json.JSONDecodeError as exc:
        raise InputError(f"{what}: invalid JSON ({exc.msg})") from None
    r, d = shape
    if not (isinstance(data, list) and len(data) == r and
            all(isinstance(row, list) and len(row) == d for row in data)):
        raise InputError(f"{what}: expected {r} row(s) of {d} number(s) as a nested list")
    return np.array([[float(parse_rational(str(v), f"{what}[{i + 1}][{j + 1}]"))
                      for j, v in enumerate(row)] for i, row in enumerate(data)])


def _gains(args, shape) -> list:
    gains = [parse_gain(t, shape, f"--W {k + 1}") for k, t in enumerate(args.W)]
    if args.points:
        try:
            with open(args.points, encoding="utf-8") as fh:
                data = json.loads(fh.read(10_000_001), parse_float=str, parse_int=str)
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"--points {args.points!r}: {exc}") from None
        if not isinstance(data, list):
            raise InputError(f"--points {args.points!r}: expected a JSON list of gains")
        gains += [parse_gain(g, shape, f"--points entry {k + 1}") for k, g in enumerate(data)]
    if not gains:
        raise InputError("nothing to verify: give --W '[[...]]' or --points FILE")
    return gains


def table(doc) -> str:
    lines = [f"{'#':>3} {'stationary':10} {'type':9} {'cert':5} {'distance':>10} "
             f"{'h (enclosure)':43} {'gap_upper':>10} {'thm2':>5}"]
    for k, p in enumerate(doc["points"]):
        dist = f"{p['distance']:.3g}" if p["distance"] is not None else "-"
        lines.append(f"{k + 1:>3} {str(p['exists_unique']).lower():10} {p['type']:9} "
                     f"{str(p['certified']).lower():5} {dist:>10} {h_cell(p['h']):43} "
                     f"{gap_cell(p['gap_upper']):>10} {str(p['theorem2']):>5}")
        for reason in p["reasons"]:
            lines.append(f"      {reason}")
    return "\n".join(lines)


def compute(ts, gains, progress) -> list:
    """The heavy part, run in the worker: one document per gain."""
    points = []
    for k, W in enumerate(gains):
        progress("points", k, len(gains))
        cert = verify_point(W, ts)
        doc = cert.to_dict()
        doc["input"] = W.tolist()
        doc["distance"] = (float(np.max(np.abs(np.array(cert.W) - W)))
                           if cert.exists_unique else None)
        points.append(doc)
    progress("points", len(gains), len(gains))
    return points


def _main(argv, prog: str = PROG) -> int:
    args = build_parser(prog).parse_args(argv)
    check_outputs(args.output)
    ts = matrix_taskset_from_args(args)
    gains = _gains(args, ts.shape)
    bar = StageProgress(unit="point")
    try:
        points = run_stage(compute, ts, gains, timeout=args.timeout, progress=bar.tick,
                           where=lambda: f" on point {bar.done + 1} of {len(gains)}",
                           describe=lambda: "certifying it")
    finally:
        bar.close()
    out = {"name": ts.name, "points": points}
    deliver(args, out, table(out))
    return EXIT_OK if all(p["certified"] for p in points) else EXIT_UNDECIDED


def main(argv=None, prog: str = PROG) -> int:
    return run_main(prog, lambda a: _main(a, prog), argv)
