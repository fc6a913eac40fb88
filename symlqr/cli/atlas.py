"""``python -m symlqr.atlas``: the certified one-parameter atlas on the command line.

Exit status: 0 certified, 3 something undecided (or ``--timeout`` reached), 2 bad input.
"""
from __future__ import annotations

import sys

from ..atlas.core import atlas
from ..atlas.family import PARAMETERS
from ..scalar.landscape import Timeout
from ..tasks import InputError, parse_rational
from ..render.atlas_text import atlas_table
from .common import (EXIT_OK, EXIT_UNDECIDED, OneLineParser, StageRelay, add_run_arguments,
                     add_task_arguments, deliver, load_plot, run_main, tasksets_from_args,
                     write_atomic)
from .progress import StageProgress
from .worker import Deadline, run_in_worker

PROG = "python -m symlqr.atlas"


def parse_vary(text: str) -> tuple:
    """``"eta=0:0.3"`` -> ``("eta", Fraction(0), Fraction(3, 10))``.

    >>> parse_vary("scale=1/2:20")
    ('scale', Fraction(1, 2), Fraction(20, 1))
    """
    if "=" not in text or ":" not in text.split("=", 1)[1]:
        raise InputError(f"--vary {text[:40]!r}: expected PARAM=LO:HI, e.g. eta=0:0.3")
    name, rng = text.split("=", 1)
    name = name.strip()
    if name not in PARAMETERS:
        raise InputError(f"--vary: unknown parameter {name[:20]!r}; choose eta, scale or delta")
    a, b = rng.split(":", 1)
    return name, parse_rational(a, "LO"), parse_rational(b, "HI")


def build_parser(prog: str = PROG):
    p = OneLineParser(prog=prog, description="Certified one-parameter atlas of the MAML "
                      "landscape: critical values of eta, a task scale, or a task spread.")
    add_task_arguments(p)
    p.add_argument("--vary", required=True, metavar="PARAM=LO:HI",
                   help="eta, scale (last task's Q and R times p) or delta (task spread); "
                   "the range is (LO, HI]")
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
    return run_main(prog, lambda a: _main(a, prog), argv)


if __name__ == "__main__":
    sys.exit(main())
