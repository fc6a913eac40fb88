"""Command line: ``python -m symlqr.certify NAME|all`` or custom tasks.

Certifies every stationary point of the MAML objective, its type, which minima
are global, and epsilon; ``--plot FILE`` also draws the landscape (matplotlib).
Exit status: 0 certified, 3 something undecided (or ``--timeout`` reached),
2 bad input.
"""
from __future__ import annotations

import sys
import time

from .common import (EXIT_OK, EXIT_UNDECIDED, OneLineParser, add_task_arguments, deliver,
                  json_payload, load_plot, run_main, tasksets_from_args, write_atomic)
from ..scalar.fixedpoints import certify_variant, fixed_points
from ..scalar.landscape import Timeout, certify
from .deadline import hard_deadline, next_stage
from ..scalar.maml import ADAPTATIONS
from ..scalar.variants import METHODS, MAX_STEPS
from ..exact.realroots import PrecisionExhausted
from ..render.compare import compare_table, variant_table
from ..render.report import text_table
from ..tasks import InputError

PROG = "python -m symlqr.certify"


def build_parser() -> OneLineParser:
    p = OneLineParser(prog=PROG, description="Certified landscape of the MAML objective "
                      "h(W) = sum_i w_i C_i(W - eta * C_i'(W)) on scalar LQR tasks.")
    add_task_arguments(p)
    p.add_argument("--adaptation", choices=ADAPTATIONS, default="gradient",
                   help="gradient step (the paper's eq. (2)) or normalized step")
    p.add_argument("--method", choices=METHODS, default=None,
                   help="maml (default; g = h'), fomaml (g = sum_i w_i C_i'(F_i^K)) or "
                        "reptile (g = sum_i w_i (W - F_i^K)): certify the fixed points g = 0")
    p.add_argument("--steps", type=int, default=None, metavar="K",
                   help=f"inner gradient steps K (1 to {MAX_STEPS}; default 1)")
    p.add_argument("--compare", action="store_true",
                   help="one table of the attracting points of maml, fomaml and reptile "
                        "with K = 1, 2, 3 (with --plot: h and those points in one picture)")
    p.add_argument("--digits", type=int, default=30, help="significant digits (default 30)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.add_argument("--output", metavar="FILE", help="write the JSON document to FILE (atomically)")
    p.add_argument("--timeout", type=float, metavar="SECONDS",
                   help="stop cleanly after SECONDS (exit 3)")
    p.add_argument("--plot", metavar="FILE",
                   help="draw the certified landscape to FILE (.png, .svg or .pdf; "
                        "needs matplotlib: pip install 'symlqr[plot]')")
    return p


def _main(argv) -> int:
    args = build_parser().parse_args(argv)
    if not 1 <= args.digits <= 1000:
        raise InputError("--digits must be between 1 and 1000")
    if args.timeout is not None and not args.timeout > 0:
        raise InputError("--timeout must be > 0 seconds")
    tasksets = tasksets_from_args(args)
    method, steps = _method_steps(args)
    if args.compare:
        return _compare(args, tasksets)
    plot = None
    if args.plot:
        if len(tasksets) != 1:
            raise InputError("--plot draws one task set; give one figure name or custom tasks")
        plot = load_plot(args.plot)
    deadline = None if args.timeout is None else time.monotonic() + args.timeout
    docs, status = [], EXIT_OK
    for ts in tasksets:
        progress: list = []
        try:
            with hard_deadline(deadline, lambda: next_stage(progress)):
                if (method, steps) == ("maml", 1):
                    ls = certify(ts, args.adaptation, digits=args.digits, deadline=deadline,
                                 progress=progress.append)
                else:
                    ls = certify_variant(ts, args.adaptation, method, steps,
                                         digits=args.digits, deadline=deadline,
                                         progress=progress.append)
        except Timeout as exc:
            done = ", ".join(progress) if progress else "nothing"
            finished = ", ".join(d["name"] for d in docs) or "none"
            print(f"{PROG}: timeout after {args.timeout:g} s on {ts.name} while "
                  f"{exc.stage} (finished stages: {done}; finished task sets: {finished})",
                  file=sys.stderr)
            return EXIT_UNDECIDED
        except PrecisionExhausted as exc:
            done = ", ".join(progress) if progress else "nothing"
            print(f"{PROG}: undecided: {exc} on {ts.name} (finished stages: {done}); the "
                  "numbers are too large or too close together for the precision cap, "
                  "nothing is reported", file=sys.stderr)
            return EXIT_UNDECIDED
        doc = ls.to_dict()
        docs.append(doc)
        if plot is not None and not hasattr(ls, "adaptation"):
            raise InputError("--plot draws maml with one step; use --compare --plot "
                             "for the variants")
        if plot is not None:
            image = plot.render(plot.landscape_figure(ls), plot.plot_format(args.plot))
        if not ls.certified:
            status = EXIT_UNDECIDED
    if plot is not None:
        write_atomic(args.plot, image)
    deliver(args, json_payload(docs, args.names), "\n\n".join(_table(d) for d in docs))
    return status


def _table(doc: dict) -> str:
    return text_table(doc) if (doc["method"], doc["steps"]) == ("maml", 1) else variant_table(doc)


def _method_steps(args) -> tuple:
    """``--method``/``--steps`` (default maml, 1); checked before any work."""
    from ..scalar.variants import check_method
    method = args.method or "maml"
    steps = 1 if args.steps is None else args.steps
    check_method(method, steps, args.adaptation)
    if args.compare and (args.method or args.steps or args.adaptation != "gradient"):
        raise InputError("--compare runs every method and K = 1, 2, 3 itself: "
                         "leave out --method, --steps and --adaptation")
    return method, steps


def _compare(args, tasksets) -> int:
    """``--compare``: maml, fomaml, reptile with K = 1, 2, 3 side by side."""
    if len(tasksets) != 1:
        raise InputError("--compare takes one task set; give one figure name or custom tasks")
    ts = tasksets[0]
    deadline = None if args.timeout is None else time.monotonic() + args.timeout
    plot = None
    if args.plot:
        from ..render import compare as render_compare
        plot = load_plot(args.plot)
    docs, results = [], []
    for steps in range(1, MAX_STEPS + 1):
        for method in METHODS:
            try:
                with hard_deadline(deadline, lambda: f"certifying {method} with K = {steps}"):
                    r = fixed_points(ts, method, steps, digits=args.digits, deadline=deadline)
                r.digits = args.digits
            except Timeout as exc:
                print(f"{PROG}: timeout after {args.timeout:g} s on {ts.name} {method} "
                      f"K = {steps} while {exc.stage}", file=sys.stderr)
                return EXIT_UNDECIDED
            results.append(r)
            docs.append(r.to_dict())
    if plot is not None:
        write_atomic(args.plot, plot.render(render_compare.compare_figure(ts, docs),
                                            plot.plot_format(args.plot)))
    deliver(args, docs, compare_table(docs))
    return EXIT_OK if all(d["certified"] for d in docs) else EXIT_UNDECIDED


def main(argv=None) -> int:
    return run_main(PROG, _main, argv)


if __name__ == "__main__":
    sys.exit(main())
