"""Command line: ``python -m symlqr.certify NAME|all`` or custom tasks.

Certifies every stationary point of the MAML objective, its type, which minima
are global, and epsilon; ``--plot FILE`` also draws the landscape (matplotlib;
with ``--method``/``--steps``: the K-step objective ``h`` with the variant's
attracting and repelling points).
Exit status: 0 certified, 3 something undecided (or ``--timeout`` reached),
2 bad input, 130 interrupted.
"""
from __future__ import annotations

import sys

from .common import (EXIT_OK, EXIT_UNDECIDED, OneLineParser, add_run_arguments,
                     add_task_arguments, deliver, json_payload, load_plot, run_main,
                     tasksets_from_args, write_atomic)
from .progress import StageProgress
from .worker import Deadline, run_in_worker
from ..scalar.engines import ENGINES, certify_landscape
from ..scalar.fixedpoints import fixed_points
from ..scalar.landscape import Timeout
from ..scalar.maml import ADAPTATIONS
from ..scalar.variants import MAX_STEPS, METHODS, check_method
from ..exact.realroots import PrecisionExhausted
from ..render.compare import compare_table, variant_table
from ..render.report import text_table
from ..tasks import InputError, TaskSet, parse_rational

PROG = "python -m symlqr.certify"

def build_parser(prog: str = PROG) -> OneLineParser:
    p = OneLineParser(prog=prog, description="Certified landscape of the MAML objective "
                      "h(W) = sum_i w_i C_i(W - eta * C_i'(W)) on scalar LQR tasks.")
    add_task_arguments(p)
    p.add_argument("--adaptation", choices=ADAPTATIONS, default="gradient",
                   help="gradient step (the paper's eq. (2)) or normalized step")
    p.add_argument("--engine", choices=ENGINES, default="auto",
                   help="exact (exact root counting, few tasks), interval (interval "
                        "branch-and-bound, linear in the tasks) or auto (default)")
    p.add_argument("--method", choices=METHODS, default=None,
                   help="maml (default; g = h'), fomaml (g = sum_i w_i C_i'(F_i^K)) or "
                        "reptile (g = sum_i w_i (W - F_i^K)): certify the fixed points g = 0")
    p.add_argument("--steps", type=int, default=None, metavar="K",
                   help=f"inner gradient steps K (1 to {MAX_STEPS}; default 1)")
    p.add_argument("--compare", action="store_true",
                   help="one table of the attracting points of maml, fomaml and reptile "
                        "with K = 1, 2, 3 (with --plot: h and those points in one picture)")
    add_run_arguments(p, digits=30, max_digits=1000)
    p.add_argument("--plot", metavar="FILE",
                   help="draw the certified landscape to FILE (.png, .svg or .pdf; "
                        "needs matplotlib: pip install matplotlib); with --method or "
                        "--steps: h with K steps and the variant's fixed points")
    return p


def compute(tasksets, adaptation: str, digits: int, deadline, plot_path, engine,
            method, steps, progress) -> dict:
    """The heavy part, run in the worker: documents, tables, the picture's bytes.

    ``progress("task set", k, n)`` before each task set, ``progress("finished",
    stage, None)`` after each stage, ``progress(stage, done, total)`` within one.
    On :class:`PrecisionExhausted` the message names the task set and the finished stages.
    """
    docs, tables, image, status = [], [], None, EXIT_OK
    plot = load_plot(plot_path) if plot_path else None
    for k, ts in enumerate(tasksets):
        progress("task set", k, len(tasksets))
        stages: list = []

        def finished(stage):
            stages.append(stage)
            progress("finished", stage, None)
        try:
            ls = certify_landscape(ts, adaptation, digits=digits, deadline=deadline,
                                   progress=finished, ticks=progress, engine=engine,
                                   method=method, steps=steps)
        except PrecisionExhausted as exc:
            done = ", ".join(stages) or "nothing"
            raise PrecisionExhausted(f"{exc} on {ts.name} (finished stages: {done})") from None
        doc = ls.to_dict()
        docs.append(doc)
        tables.append(text_table(doc) if (method, steps) == ("maml", 1)
                      else variant_table(doc))
        if plot is not None:
            fig = (plot.landscape_figure(ls) if (method, steps) == ("maml", 1)
                   else _variant_plot().variant_figure(ts, doc))
            image = plot.render(fig, plot.plot_format(plot_path))
        if not ls.certified:
            status = EXIT_UNDECIDED
    return {"docs": docs, "tables": tables, "image": image, "status": status}


def _main(argv, prog: str = PROG) -> int:
    args = build_parser(prog).parse_args(argv)
    tasksets = _with_eta(tasksets_from_args(_figure_eta(args)), args.figure_eta)
    method, steps = _method_steps(args)
    if args.compare:
        return _compare(args, tasksets, prog)
    if args.plot:
        if len(tasksets) != 1:
            raise InputError("--plot draws one task set; give one figure name or custom tasks")
        load_plot(args.plot)                    # matplotlib, format and folder: before work
    deadline = Deadline(args.timeout)
    bar = StageProgress()                       # the finished stages; a bar on a terminal
    current = [0]                               # index of the task set in the worker

    def on_progress(stage, done, total):
        if stage == "task set":
            current[0] = done
            del bar[:]
        elif stage == "finished":
            bar.finished(done)
        else:
            bar.tick(stage, done, total)

    try:
        out = run_in_worker(compute, tasksets, args.adaptation, args.digits,
                            deadline.monotonic(), args.plot, args.engine, method, steps,
                            timeout=deadline,
                            progress=on_progress, describe=bar.running)
    except Timeout as exc:
        done = ", ".join(bar) or "nothing"
        finished = ", ".join(ts.name for ts in tasksets[:current[0]]) or "none"
        print(f"{prog}: timeout after {args.timeout:g} s on {tasksets[current[0]].name} "
              f"while {exc.stage} "
              f"(finished stages: {done}; finished task sets: {finished})", file=sys.stderr)
        return EXIT_UNDECIDED
    finally:
        bar.close()
    if out["image"] is not None:
        write_atomic(args.plot, out["image"])
    deliver(args, json_payload(out["docs"], args.names), "\n\n".join(out["tables"]))
    return out["status"]


def _figure_eta(args):
    """``--eta`` given with figure names: kept aside (``args.figure_eta``) so the
    figures' tasks are certified at that step instead of the figure's own."""
    args.figure_eta = None
    if args.names and args.weights is not None:
        raise InputError("--weights applies to custom tasks; a figure has its own weights "
                         "(--eta with a figure changes its step)")
    if args.names and args.eta is not None:
        args.figure_eta, args.eta = parse_rational(args.eta, "--eta"), None
    return args


def _with_eta(tasksets: list, eta) -> list:
    """The figures' task sets with the step ``eta`` instead of their own (the
    name and the note say so); unchanged when ``eta`` is None."""
    if eta is None:
        return tasksets
    out = []
    for ts in tasksets:
        note = (f"eta changed from the figure's {ts.eta} to {eta}"
                + (f"; {ts.note}" if ts.note else ""))
        out.append(TaskSet(ts.tasks, eta, ts.weights, name=f"{ts.name} (eta = {eta})",
                           note=note))
    return out


def _method_steps(args) -> tuple:
    """``--method``/``--steps`` (default maml, 1); checked before any work."""
    method = args.method or "maml"
    steps = 1 if args.steps is None else args.steps
    check_method(method, steps, args.adaptation)
    if args.compare and (args.method or args.steps or args.adaptation != "gradient"):
        raise InputError("--compare runs every method and K = 1, 2, 3 itself: "
                         "leave out --method, --steps and --adaptation")
    return method, steps


def compare_all(ts, digits: int, deadline, plot_path, progress) -> dict:
    """The worker's part of ``--compare``: maml, fomaml, reptile with K = 1, 2, 3."""
    docs, total = [], MAX_STEPS * len(METHODS)
    for steps in range(1, MAX_STEPS + 1):
        for method in METHODS:
            progress("variants", len(docs), total)
            progress("finished", f"{method} K = {steps}", None)
            r = fixed_points(ts, method, steps, digits=digits, deadline=deadline)
            r.digits = digits
            docs.append(r.to_dict())
    progress("variants", total, total)
    image = None
    if plot_path:
        plot = load_plot(plot_path)
        image = plot.render(_variant_plot().compare_figure(ts, docs), plot.plot_format(plot_path))
    return {"docs": docs, "image": image}


def _compare(args, tasksets, prog: str) -> int:
    """``--compare``: one table (and picture) of every variant's fixed points."""
    if len(tasksets) != 1:
        raise InputError("--compare takes one task set; give one figure name or custom tasks")
    if args.plot:
        load_plot(args.plot)
    deadline = Deadline(args.timeout)
    bar = StageProgress(unit="variant")         # a bar on stderr when it is a terminal

    def on_progress(stage, done, total):
        if stage == "finished":                 # "fomaml K = 2" starts
            bar.append(done)
        else:
            bar.tick(stage, done, total)
    try:
        out = run_in_worker(compare_all, tasksets[0], args.digits, deadline.monotonic(),
                            args.plot, timeout=deadline, progress=on_progress,
                            describe=lambda: f"certifying {bar[-1]}" if bar else "starting")
    except Timeout as exc:
        print(f"{prog}: timeout after {args.timeout:g} s on {tasksets[0].name} while "
              f"{exc.stage}", file=sys.stderr)
        return EXIT_UNDECIDED
    finally:
        bar.close()
    if out["image"] is not None:
        write_atomic(args.plot, out["image"])
    deliver(args, out["docs"], compare_table(out["docs"]))
    return EXIT_OK if all(d["certified"] for d in out["docs"]) else EXIT_UNDECIDED


def _variant_plot():
    """:mod:`symlqr.render.variant_plot` (matplotlib), imported only for ``--plot``."""
    from ..render import variant_plot
    return variant_plot


def main(argv=None, prog: str = PROG) -> int:
    return run_main(prog, lambda a: _main(a, prog), argv)


if __name__ == "__main__":
    sys.exit(main())
