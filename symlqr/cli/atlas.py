"""``python -m symlqr.atlas``: the certified one-parameter atlas on the command line.

Exit status: 0 certified, 3 something undecided (or ``--timeout`` reached), 2 bad input.
"""
from __future__ import annotations

import sys
import time

from ..atlas.core import atlas
from ..atlas.family import PARAMETERS
from ..scalar.landscape import Timeout
from ..tasks import InputError, parse_rational
from ..render.atlas_text import atlas_table
from .common import (EXIT_OK, EXIT_UNDECIDED, OneLineParser, add_task_arguments, deliver,
                     load_plot, run_main, tasksets_from_args, write_atomic)

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


def build_parser():
    p = OneLineParser(prog=PROG, description="Certified one-parameter atlas of the MAML "
                      "landscape: critical values of eta, a task scale, or a task spread.")
    add_task_arguments(p)
    p.add_argument("--vary", required=True, metavar="PARAM=LO:HI",
                   help="eta, scale (last task's Q and R times p) or delta (task spread); "
                   "the range is (LO, HI]")
    p.add_argument("--digits", type=int, default=15, help="significant digits (default 15)")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.add_argument("--output", metavar="FILE", help="write the JSON document to FILE")
    p.add_argument("--plot", metavar="FILE", help="draw the bifurcation diagram to FILE (.png, .svg, .pdf)")
    p.add_argument("--timeout", type=float, metavar="SECONDS", help="stop cleanly (exit 3)")
    return p


def _main(argv) -> int:
    args = build_parser().parse_args(argv)
    param, lo, hi = parse_vary(args.vary)
    if not 1 <= args.digits <= 100:
        raise InputError("--digits must be between 1 and 100")
    if args.timeout is not None and not args.timeout > 0:
        raise InputError("--timeout must be > 0 seconds")
    plot = load_plot(args.plot) if args.plot else None
    if param == "eta" and args.eta is None and (args.task or args.tasks_file or args.distribution):
        args.eta = "1"                          # unused: eta is the varied parameter
    tasksets = tasksets_from_args(args)
    if len(tasksets) != 1:
        raise InputError("give one figure name (or one custom task set)")
    deadline = None if args.timeout is None else time.monotonic() + args.timeout
    progress: list = []
    try:
        at = atlas(tasksets[0], param, lo, hi, digits=args.digits, deadline=deadline,
                   progress=progress)
    except Timeout as exc:
        print(f"{PROG}: timeout after {args.timeout:g} s while {exc.stage} (finished: "
              f"{', '.join(progress) or 'nothing'})", file=sys.stderr)
        return EXIT_UNDECIDED
    doc = at.to_dict()
    if not at.certified:
        # exit 3 writes nothing (README): the document goes to stdout only
        written = [f for f in (args.output, args.plot) if f]
        if written:
            print(f"{PROG}: undecided (exit 3): not writing {', '.join(written)}",
                  file=sys.stderr)
        args.output = None
    elif plot is not None:
        from ..render.atlas_plot import atlas_figure
        write_atomic(args.plot, plot.render(atlas_figure(at), plot.plot_format(args.plot)))
    deliver(args, doc, atlas_table(doc))
    return EXIT_OK if at.certified else EXIT_UNDECIDED


def main(argv=None) -> int:
    return run_main(PROG, _main, argv)


if __name__ == "__main__":
    sys.exit(main())