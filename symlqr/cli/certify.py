"""Command line: ``python -m symlqr.certify NAME|all`` or custom tasks.

Certifies every stationary point of the MAML objective, its type, which minima
are global, and epsilon; ``--plot FILE`` also draws the landscape (matplotlib).
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
from ..scalar.landscape import Timeout
from ..scalar.maml import ADAPTATIONS
from ..exact.realroots import PrecisionExhausted
from ..render.report import text_table
from ..tasks import InputError

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
    add_run_arguments(p, digits=30, max_digits=1000)
    p.add_argument("--plot", metavar="FILE",
                   help="draw the certified landscape to FILE (.png, .svg or .pdf; "
                        "needs matplotlib: pip install matplotlib)")
    return p


def compute(tasksets, adaptation: str, digits: int, deadline, plot_path, engine,
            progress) -> dict:
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
                                   progress=finished, ticks=progress, engine=engine)
        except PrecisionExhausted as exc:
            done = ", ".join(stages) or "nothing"
            raise PrecisionExhausted(f"{exc} on {ts.name} (finished stages: {done})") from None
        doc = ls.to_dict()
        docs.append(doc)
        tables.append(text_table(doc))
        if plot is not None:
            image = plot.render(plot.landscape_figure(ls), plot.plot_format(plot_path))
        if not ls.certified:
            status = EXIT_UNDECIDED
    return {"docs": docs, "tables": tables, "image": image, "status": status}


def _main(argv, prog: str = PROG) -> int:
    args = build_parser(prog).parse_args(argv)
    tasksets = tasksets_from_args(args)
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
                            deadline.monotonic(), args.plot, args.engine, timeout=deadline,
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


def main(argv=None, prog: str = PROG) -> int:
    return run_main(prog, lambda a: _main(a, prog), argv)


if __name__ == "__main__":
    sys.exit(main())
