"""Command line: ``python -m symlqr.verify TASKS --W '[[...]]'`` or ``--run FILE``.

For each gain ``W`` (from the user's own MAML code) it first answers about
``W`` itself (:mod:`symlqr.matrix.runs`): are ``W`` and every adapted gain
proven stabilizing, is ``grad h(W)`` proven nonzero (its norm enclosed), is
there a certified stationary point within ``--radius`` of ``W`` (default
tight: ``1e-6 max(1, max|W_ij|)``, no polishing farther). Only then the
stationary point float Newton reaches from ``W`` and its certificates (see
:mod:`symlqr.matrix.certificate`): unique in a small box, its type, ``W`` and
the adapted gains stabilizing over the box, global (chain rule / Theorem 2,
one task), how far from optimal at most (``gap_upper``), ``spurious``.

``--run FILE`` (``.npz`` with an array of iterates ``(k, r, d)`` or ``(r, d)``,
optionally the run's own gradient estimates; or ``.csv``, one flattened gain
per row): every iterate proven stabilizing or not, the last one as above, the
gap to the certified lower bound, whether the run stalled, and the relative
errors of the run's gradient estimates (:func:`symlqr.matrix.runs.certify_run`).

The certificates are computed in a worker process: ``--timeout`` stops them
within about a second, Ctrl-C too (exit 130), and nothing is written then.
Exit status: 0 every question decided (each ``W``: proven outside the domain, or
``grad h`` proven nonzero or a certified point within the radius, and the point
Newton reaches certified; a run:
every iterate's stabilization and the last iterate decided), 3 something
undecided or ``--timeout`` reached, 2 bad input, 130 interrupted.
"""
from __future__ import annotations

import json
import os
import zipfile

import numpy as np

from .common import (EXIT_OK, EXIT_UNDECIDED, MATRIX_OUTPUT_HELP, OneLineParser,
                     add_matrix_task_arguments, add_run_arguments, check_outputs, deliver,
                     gap_cell, h_cell, matrix_taskset_from_args, positive_number, run_main,
                     run_stage)
from .progress import StageProgress
from ..matrix.certificate import spurious_flags
from ..matrix.runs import certify_run, verify_gain
from ..matrix.runs_text import gain_text, interval_text
from ..tasks import InputError, parse_rational

PROG = "python -m symlqr.verify"
ITERATE_KEYS = ("iterates", "W", "K", "gains", "trajectory")
GRADIENT_KEYS = ("gradients", "grads", "grad", "G")


def build_parser(prog: str = PROG) -> OneLineParser:
    p = OneLineParser(prog=prog, description="Certify a gain W you bring (is it stationary, "
                      "and the stationary point near it) or a whole run of your MAML code.")
    add_matrix_task_arguments(p)
    p.add_argument("--W", action="append", default=[], metavar="JSON",
                   help="a gain as a JSON nested list, r rows of d numbers (repeatable)")
    p.add_argument("--points", metavar="FILE", help="a JSON file with a list of gains")
    p.add_argument("--complete", action="store_true",
                   help="--run: also run the complete landscape (python -m symlqr.maml "
                        "--complete) and give the last iterate's gap to min h itself")
    p.add_argument("--run", metavar="FILE", help="a run's iterates: .npz (array (k, r, d) or "
                   "(r, d); optional gradient estimates) or .csv (one flattened gain per row)")
    p.add_argument("--key", metavar="NAME", help="--run .npz: the array of iterates (default: "
                   + ", ".join(ITERATE_KEYS) + ", or the only array of gains)")
    p.add_argument("--gradients-key", metavar="NAME", help="--run .npz: the array of the run's "
                   "gradient estimates (default: " + ", ".join(GRADIENT_KEYS) + " if present)")
    p.add_argument("--every", type=int, default=1, metavar="N",
                   help="--run: check every N-th iterate and the last (default 1: all)")
    p.add_argument("--radius", metavar="R", help="distance (max norm) within which a certified "
                   "stationary point counts as at W (default 1e-6 max(1, max|W_ij|))")
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
    return np.array([[_float(parse_rational(str(v), f"{what}[{i + 1}][{j + 1}]"),
                             f"{what}[{i + 1}][{j + 1}]")
                      for j, v in enumerate(row)] for i, row in enumerate(data)])


def _float(q, what) -> float:
    try:
        return float(q)
    except OverflowError:
        raise InputError(f"{what}: too large for a float gain") from None


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
        raise InputError("nothing to verify: give --W '[[...]]', --points FILE or --run FILE")
    return gains


def _as_gains(a, shape, what) -> np.ndarray:
    """``(k, r, d)`` from an array ``(k, r, d)``, ``(r, d)`` or ``(k, r d)``."""
    r, d = shape
    a = np.asarray(a)
    if a.dtype.kind not in "iuf":
        raise InputError(f"{what}: expected numbers, got an array of {a.dtype}")
    if a.ndim == 2 and a.shape == (r, d):
        a = a[None]
    elif a.ndim == 2 and a.shape[1] == r * d:
        a = a.reshape(-1, r, d)
    if a.ndim != 3 or a.shape[1:] != (r, d) or not len(a):
        raise InputError(f"{what}: shape {a.shape}; expected (k, {r}, {d}), ({r}, {d}) or "
                         f"(k, {r * d})")
    return a.astype(float)


def _pick(names, key, defaults, what):
    if key is not None:
        if key not in names:
            raise InputError(f"{what}: no array {key!r} (arrays: {', '.join(names)})")
        return key
    return next((k for k in defaults if k in names), None)


def load_run(path: str, shape, key=None, gradients_key=None) -> tuple:
    """``(iterates (k, r, d), gradients or None)`` from a ``.npz`` or ``.csv`` file."""
    what = f"--run {path!r}"
    ext = os.path.splitext(path)[1].lower()
    if ext == ".csv":
        if key or gradients_key:
            raise InputError("--key and --gradients-key are for .npz runs")
        return _load_csv(path, shape, what), None
    if ext != ".npz":
        raise InputError(f"{what}: expected a .npz or .csv file")
    if not os.path.isfile(path):
        raise InputError(f"{what}: no such file")
    try:
        with np.load(path, allow_pickle=False) as z:
            names = list(z.files)
            k = _pick(names, key, ITERATE_KEYS, what)
            if k is None:
                fits = [n for n in names if n not in GRADIENT_KEYS and z[n].ndim in (2, 3)
                        and z[n].shape[-2:] == tuple(shape)]
                if len(fits) != 1:
                    raise InputError(f"{what}: {'several' if fits else 'no'} arrays of gains "
                                     f"(arrays: {', '.join(names) or 'none'}); name one with --key")
                k = fits[0]
            gk = _pick(names, gradients_key, GRADIENT_KEYS, what)
            its = _as_gains(z[k], shape, f"{what} array {k!r}")
            grads = None if gk is None else _as_gains(z[gk], shape, f"{what} array {gk!r}")
    except InputError:
        raise
    except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError) as exc:
        raise InputError(f"{what}: not a readable .npz file (truncated or corrupt? "
                         f"{type(exc).__name__}: {str(exc)[:80]})") from None
    if grads is not None and grads.shape != its.shape:
        raise InputError(f"{what}: {len(grads)} gradients for {len(its)} iterates")
    return its, grads


def _load_csv(path, shape, what) -> np.ndarray:
    r, d = shape
    try:
        with open(path, encoding="utf-8") as fh:
            lines = fh.read(200_000_001).splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{what}: {exc}") from None
    rows = []
    for n, line in enumerate(lines, 1):
        cells = [c.strip() for c in line.split(",")]
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            vals = [float(c) for c in cells]
        except ValueError:
            if not rows and n == 1:         # a header line
                continue
            raise InputError(f"{what} line {n}: not a row of numbers") from None
        if len(vals) != r * d:
            raise InputError(f"{what} line {n}: {len(vals)} numbers; expected {r * d} "
                             f"(one {r} x {d} gain, row by row)")
        rows.append(vals)
    if not rows:
        raise InputError(f"{what}: no gains in the file")
    return np.array(rows).reshape(-1, r, d)


def theorem2_text(value, tasks: int, steps: int = 1) -> str:
    """The Theorem 2 cell: ``proven``, ``not proven`` or why it does not apply.

    >>> theorem2_text(None, 2), theorem2_text(True, 1), theorem2_text(None, 1, 3)
    ('not applicable (2 tasks)', 'proven', 'not applicable (K = 3 adaptation steps)')
    """
    if value is None:
        return (f"not applicable ({tasks} tasks)" if tasks > 1 else
                f"not applicable (K = {steps} adaptation steps)" if steps > 1 else "undecided")
    return "proven" if value else "not proven"


def _at_lines(at, tasks) -> list:
    if at["stabilizing"] is not True:
        return [f"  at W: {'; '.join(at['reasons'])}"]
    out = [f"  at W: W and its {tasks} adapted gain(s) proven stabilizing; "
           f"h(W) in {h_cell(at['h'])}"]
    out.append("  grad h(W) proven nonzero: |grad h(W)|_F in " + interval_text(at["grad_norm"])
               if at["grad_nonzero"] else
               f"  grad h(W): nonzero not proven (|grad h(W)|_F in "
               f"{interval_text(at['grad_norm'])})")
    return out


def table(doc) -> str:
    """The readable answer, one block per gain."""
    n = doc["tasks"]
    lines = [f"{doc['name']}: {n} task(s), eta = {doc['eta']}"]
    for k, p in enumerate(doc["points"]):
        lines.append(f"W {k + 1} = {gain_text(p['input'])}")
        lines += _at_lines(p["at_input"], n)
        if p["within_radius"]:
            lines.append(f"  a certified stationary point lies within {p['distance']:.3g} of W "
                         f"(radius {p['radius']:.3g})")
        else:
            lines.append(f"  no certified stationary point within radius {p['radius']:.3g} "
                         f"of W ({p['within_reason']})")
            if p["exists_unique"]:
                lines.append(f"  stationary point reached by Newton from W (not proven the "
                             f"nearest): {gain_text(p['W'])} at distance <= {p['distance']:.3g}")
        if p["exists_unique"]:
            spur = {True: "yes", False: "no", None: "undecided"}[p["spurious"]]
            lines.append(f"    {p['type']}, {'certified' if p['certified'] else 'not certified'};"
                         f" h in {h_cell(p['h'])}; gap_upper {gap_cell(p['gap_upper'])}; "
                         f"spurious: {spur}; theorem2: "
                         f"{theorem2_text(p['theorem2'], n, p['steps'])}")
        lines += [f"    {reason}" for reason in p["reasons"]]
    return "\n".join(lines)


def compute(ts, gains, radius, progress) -> list:
    """The heavy part, run in the worker: one document per gain."""
    points = []
    for k, W in enumerate(gains):
        progress("points", k, len(gains))
        points.append(verify_gain(W, ts, radius))
    progress("points", len(gains), len(gains))
    for p, f in zip(points, spurious_flags(points)):
        p["spurious"] = f
    return points


def compute_run(ts, its, grads, radius, every, complete, progress) -> dict:
    """The heavy part of ``--run``, in the worker (with ``complete``: the landscape's
    branch-and-bound first, for the gap to ``min h``)."""
    landscape = None
    if complete:
        from ..matrix.landscape import complete_landscape
        progress("complete landscape (boxes)", 0, None)
        try:
            landscape = complete_landscape(ts)
        except ValueError as exc:
            raise InputError(f"--complete: {exc}") from None
    res = certify_run(ts, its, grads, radius=radius, every=every,
                      progress=lambda k, n: progress("iterates", k, n), landscape=landscape)
    return {"doc": res.to_dict(), "text": res.table()}


def _run_exit(doc) -> int:
    decided = all(x["stabilizing"] is not None for x in doc["iterates"])
    last = doc["iterates"][-1]
    answered = doc["within"] is not None or bool(last["grad_nonzero"])
    return EXIT_OK if decided and (answered or last["stabilizing"] is False) else EXIT_UNDECIDED


def _main(argv, prog: str = PROG) -> int:
    args = build_parser(prog).parse_args(argv)
    check_outputs(args.output)
    radius = None if args.radius is None else positive_number(args.radius, "--radius")
    if not 1 <= args.every <= 10**9:
        raise InputError("--every must be a positive integer")
    ts = matrix_taskset_from_args(args)
    head = {"name": ts.name, "tasks": len(ts.tasks), "eta": str(ts.eta)}
    if args.run:
        if args.W or args.points:
            raise InputError("give either --run FILE or gains (--W, --points), not both")
        its, grads = load_run(args.run, ts.shape, args.key, args.gradients_key)
        bar = StageProgress(unit="iterate")
        try:
            out = run_stage(compute_run, ts, its, grads, radius, args.every, args.complete,
                            timeout=args.timeout, progress=bar.tick, describe=bar.running)
        finally:
            bar.close()
        doc = dict(head, run=args.run, **out["doc"])
        deliver(args, doc, f"{ts.name}: {head['tasks']} task(s), eta = {ts.eta}; run "
                f"{args.run}\n" + out["text"])
        return _run_exit(doc)
    gains = _gains(args, ts.shape)
    bar = StageProgress(unit="point")
    try:
        points = run_stage(compute, ts, gains, radius, timeout=args.timeout, progress=bar.tick,
                           where=lambda: f" on point {bar.done + 1} of {len(gains)}",
                           describe=lambda: "certifying it")
    finally:
        bar.close()
    out = dict(head, points=points)
    deliver(args, out, table(out))
    ok = all(p["answered"] and (p["certified"] or p["at_input"]["stabilizing"] is False)
             for p in points)
    return EXIT_OK if ok else EXIT_UNDECIDED


def main(argv=None, prog: str = PROG) -> int:
    return run_main(prog, lambda a: _main(a, prog), argv)
