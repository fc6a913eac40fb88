"""``python -m symlqr.atlas``: the certified one-parameter atlas on the command line.

Exit status: 0 certified, 3 something undecided (or ``--timeout`` reached), 2 bad input.
"""
from __future__ import annotations

import sys
import time

from ..atlas.core import Atlas, atlas
from ..atlas.family import PARAMETERS
from ..scalar.landscape import Timeout
from ..tasks import InputError, parse_rational
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


def _text(at: Atlas) -> str:
    doc = at.to_dict()
    out = [f"{doc['name']}: atlas of the MAML landscape over {doc['parameter']} in "
           f"({doc['range'][0]}, {doc['range'][1]}]"]
    if doc["eta"] is not None:
        out.append(f"  eta = {doc['eta']}")
    for i, t in enumerate(doc["tasks"], 1):
        out.append(f"  task {i}: A={t['A']} B={t['B']} Q={t['Q']} R={t['R']} s0={t['s0']} "
                   f"s0a={t['s0a']}")
    out.append(f"  {len(doc['critical_values'])} critical values "
               f"({doc['candidates_examined']} candidates examined)")
    out.append(f"  {'piece / critical value':<44} {'min':>4} {'glob':>5} {'spur':>5} {'max':>4}  note")
    for k, pc in enumerate(doc["pieces"]):
        lo_b = "(" + pc["lo"]
        hi_b = pc["hi"] + ("]" if pc["hi_included"] else ")")
        c = pc["counts"]
        out.append(f"  {lo_b + ', ' + hi_b:<44} {c['min']:>4} {c['global_min']:>5} "
                   f"{c['spurious_min']:>5} {c['max']:>4}  " + " ".join(pc["points"]))
        if k < len(doc["critical_values"]):
            cv = doc["critical_values"][k]
            out.append(f"    {doc['parameter']} = {cv['value']:<24} {cv['kind']}: {cv['detail']}")
    if "theorem2" in doc:
        t = doc["theorem2"]
        out.append("  Theorem 2 (single task): hypothesis eta < 1/|C''(W*)| holds at the "
                   f"minimizer W* iff eta < {t['bound']}")
        if t["global_for_all_eta_in_range"]:
            out.append("  the objective is global for every eta in the range")
        else:
            out.append(f"  the objective is global (no spurious minimum) up to eta = "
                       f"{t['largest_global_eta']}  (ratio to the bound: "
                       f"{t.get('ratio_largest_global_to_bound')})")
    out.append("  certified: " + ("yes" if doc["certified"] else "no: " + "; ".join(doc["undecided"])))
    return "\n".join(out)


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
    if param == "eta" and args.eta is None and (args.task or args.tasks_file):
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
    if plot is not None:
        from ..render.atlas_plot import atlas_figure
        write_atomic(args.plot, plot.render(atlas_figure(at), plot.plot_format(args.plot)))
    deliver(args, at.to_dict(), _text(at))
    return EXIT_OK if at.certified else EXIT_UNDECIDED


def main(argv=None) -> int:
    return run_main(PROG, _main, argv)


if __name__ == "__main__":
    sys.exit(main())