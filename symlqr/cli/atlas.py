"""``python -m symlqr.atlas``: the certified one-parameter atlas on the command line.

``--vary eta|scale|delta=LO:HI`` finds the critical values of one-step MAML
(:mod:`symlqr.atlas.core`); ``--vary steps=LO:HI`` certifies the fixed points of
``--method`` for every number of inner steps ``K`` in ``LO..HI``
(:mod:`symlqr.atlas.steps`). Exit status: 0 certified, 3 something undecided
(or ``--timeout`` reached), 2 bad input.
"""
from __future__ import annotations

import sys

import re

from ..atlas.core import atlas
from ..atlas.family import PARAMETERS
from ..atlas.steps import check_steps_range, steps_atlas, steps_document, undecided_row
from ..scalar.landscape import Timeout
from ..scalar.variants import METHODS
from ..tasks import InputError, parse_rational
from ..render.atlas_text import atlas_table
from ..render.steps_text import steps_table
from .common import (EXIT_OK, EXIT_UNDECIDED, OneLineParser, StageRelay, add_run_arguments,
                     add_task_arguments, deliver, load_plot, run_main, tasksets_from_args,
                     write_atomic)
from .progress import StageProgress
from .worker import Deadline, run_in_worker

PROG = "python -m symlqr.atlas"


#: Why ``--steps K > 1`` is refused with ``--vary eta|scale|delta`` (measured on fig2).
STEPS_REFUSAL = ("--steps K > 1 works with --vary steps only: at K = 2 the numerator of h' "
                 "has degree 198 in W and about 38 in eta, so the discriminants that locate "
                 "the critical values would have degree about 15000 in the parameter")


def parse_vary(text: str) -> tuple:
    """``"eta=0:0.3"`` -> ``("eta", Fraction(0), Fraction(3, 10))``; ``steps``
    takes whole numbers, both ends included.

    >>> parse_vary("scale=1/2:20")
    ('scale', Fraction(1, 2), Fraction(20, 1))
    >>> parse_vary("steps=1:3")
    ('steps', 1, 3)
    """
    if "=" not in text or ":" not in text.split("=", 1)[1]:
        raise InputError(f"--vary {text[:40]!r}: expected PARAM=LO:HI, e.g. eta=0:0.3")
    name, rng = text.split("=", 1)
    name = name.strip()
    if name not in PARAMETERS + ("steps",):
        raise InputError(f"--vary: unknown parameter {name[:20]!r}; choose eta, scale, delta "
                         "or steps")
    a, b = rng.split(":", 1)
    if name == "steps":
        if not (re.fullmatch(r"\s*\d{1,3}\s*", a) and re.fullmatch(r"\s*\d{1,3}\s*", b)):
            raise InputError(f"--vary steps={rng[:20]}: give whole numbers, e.g. steps=1:3")
        check_steps_range(int(a), int(b))
        return name, int(a), int(b)
    return name, parse_rational(a, "LO"), parse_rational(b, "HI")


def check_method_options(args, param: str) -> str:
    """``--method`` and ``--steps`` against ``--vary`` (before any work); the method."""
    if param == "steps":
        if args.steps is not None:
            raise InputError("--steps and --vary steps: give the range of K in --vary only")
        return args.method or "maml"
    if args.method not in (None, "maml"):
        raise InputError(f"--method {args.method} works with --vary steps only (the eta, "
                         "scale and delta atlases follow one-step maml)")
    if args.steps not in (None, 1):
        raise InputError(STEPS_REFUSAL)
    return "maml"


def build_parser(prog: str = PROG):
    p = OneLineParser(prog=prog, description="Certified one-parameter atlas of the MAML "
                      "landscape: critical values of eta, a task scale, or a task spread.")
    add_task_arguments(p)
    p.add_argument("--vary", required=True, metavar="PARAM=LO:HI",
                   help="eta, scale (last task's Q and R times p) or delta (task spread): "
                   "the range is (LO, HI]; steps: every K in LO..HI (1 to 3)")
    p.add_argument("--method", choices=METHODS, default=None,
                   help="with --vary steps: maml (default), fomaml or reptile")
    p.add_argument("--steps", type=int, default=None, metavar="K",
                   help="inner steps; K > 1 only through --vary steps (see docs/atlas.md)")
    add_run_arguments(p, digits=15, max_digits=100)
    p.add_argument("--plot", metavar="FILE", help="draw the bifurcation diagram to FILE "
                   "(.png, .svg, .pdf; needs matplotlib: pip install matplotlib)")
    return p


def compute(taskset, param, lo, hi, digits, deadline, plot_path, progress) -> dict:
    """The heavy part, run in the worker: the document, its table, the picture's bytes."""
    at = atlas(taskset, param, lo, hi, digits=digits, deadline=deadline,
               progress=StageRelay(progress))
    image = None
    if plot_path and at.certified:
        from ..render.atlas_plot import atlas_figure
        plot = load_plot(plot_path)
        image = plot.render(atlas_figure(at), plot.plot_format(plot_path))
    doc = at.to_dict()
    return {"doc": doc, "text": atlas_table(doc), "image": image,
            "status": EXIT_OK if at.certified else EXIT_UNDECIDED}


def compute_steps(taskset, method, lo, hi, digits, deadline, plot_path, progress) -> dict:
    """The worker's part of ``--vary steps``: each finished row is also sent as
    ``progress("row", K, row)`` so the parent keeps it if the worker is killed."""
    def on_row(row):
        progress("row", row.steps, row.to_dict(digits))

    at = steps_atlas(taskset, method, lo, hi, digits=digits, deadline=deadline,
                     progress=lambda stage: progress("finished", stage, None), on_row=on_row)
    image = None
    if plot_path and at.certified:
        from ..render.steps_plot import steps_figure
        plot = load_plot(plot_path)
        image = plot.render(steps_figure(at.to_dict()), plot.plot_format(plot_path))
    doc = at.to_dict()
    return {"doc": doc, "text": steps_table(doc), "image": image,
            "status": EXIT_OK if at.certified else EXIT_UNDECIDED}


def _run_steps(args, taskset, method, lo, hi, prog: str) -> dict:
    """``--vary steps`` in the worker; at the deadline the finished rows stand and
    the others say why they are undecided."""
    deadline = Deadline(args.timeout)
    bar = StageProgress()
    rows: dict = {}

    def on_progress(stage, done, total):
        if stage == "row":
            rows[done] = total
            bar.tick("inner steps K", len(rows), hi - lo + 1)
        elif stage == "finished":
            bar.finished(done)

    bar.tick("inner steps K", 0, hi - lo + 1)
    try:
        return run_in_worker(compute_steps, taskset, method, lo, hi, args.digits,
                             deadline.monotonic(), args.plot, timeout=deadline,
                             progress=on_progress,
                             describe=lambda: f"after {bar[-1]}" if bar else "starting")
    except Timeout as exc:
        missing = [K for K in range(lo, hi + 1) if K not in rows]
        where = f"at K = {missing[0]}" if missing else "after the last K"
        reason = f"timeout after {args.timeout:g} s {where} ({exc.stage})"
        print(f"{prog}: {reason}", file=sys.stderr)
        doc = steps_document(taskset, method, lo, hi, args.digits,
                             [rows.get(K) or undecided_row(K, reason) for K in range(lo, hi + 1)])
        return {"doc": doc, "text": steps_table(doc), "image": None, "status": EXIT_UNDECIDED}
    finally:
        bar.close()


def _main(argv, prog: str = PROG) -> int:
    args = build_parser(prog).parse_args(argv)
    param, lo, hi = parse_vary(args.vary)
    if args.plot:
        load_plot(args.plot)                    # matplotlib, format and folder: before work
    if param == "eta" and args.eta is None and (args.task or args.tasks_file or args.distribution):
        args.eta = "1"                          # unused: eta is the varied parameter
    tasksets = tasksets_from_args(args)
    if len(tasksets) != 1:
        raise InputError("give one figure name (or one custom task set)")
    method = check_method_options(args, param)     # after a tasks file's method and steps
    if param == "steps":
        return _finish(args, _run_steps(args, tasksets[0], method, lo, hi, prog), prog)
    deadline = Deadline(args.timeout)
    bar = StageProgress()
    try:
        out = run_in_worker(compute, tasksets[0], param, lo, hi, args.digits,
                            deadline.monotonic(), args.plot, timeout=deadline,
                            progress=lambda stage, done, total: bar.finished(stage))
    except Timeout as exc:
        print(f"{prog}: timeout after {args.timeout:g} s while {exc.stage} (finished: "
              f"{', '.join(bar) or 'nothing'})", file=sys.stderr)
        return EXIT_UNDECIDED
    finally:
        bar.close()
    return _finish(args, out, prog)


def _finish(args, out: dict, prog: str) -> int:
    """Write the files (only when certified) and print the document or the table."""
    if out["status"] != EXIT_OK:
        # exit 3 writes nothing (README): the document goes to stdout only
        written = [f for f in (args.output, args.plot) if f]
        if written:
            print(f"{prog}: undecided (exit 3): not writing {', '.join(written)}",
                  file=sys.stderr)
        args.output = None
    elif out["image"] is not None:
        write_atomic(args.plot, out["image"])
    deliver(args, out["doc"], out["text"])
    return out["status"]


def main(argv=None, prog: str = PROG) -> int:
    return run_main(prog, lambda a: _main(a, prog), argv, one_blas_thread=True)


if __name__ == "__main__":
    sys.exit(main())
