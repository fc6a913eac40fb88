"""Command line: ``python -m symlqr.maml TASKS.(json|toml)``.

Runs Algorithm 1 (MAML with exact model-based gradients; ``--method fomaml``
or ``reptile``) from ``--starts`` stabilizing gains, certifies every limit
point (Krawczyk box, type, stabilization, enclosure of ``h``, chain-rule and
Theorem 2 tests for one task, optimality-gap bound), and prints a table or
``--json``. Runs are floats; certificates are ball arithmetic. The points are
found by search: completeness is not certified.
The runs and certificates happen in a worker process: ``--timeout`` stops them
within about a second, Ctrl-C too (exit 130), and no file is written then.
Exit status: 0 every point certified, 3 some point undecided or ``--timeout``
reached, 2 bad input, 130 interrupted.
"""
from __future__ import annotations

import io
import json
import os

from . import maml_complete
from .common import (EXIT_OK, EXIT_UNDECIDED, MATRIX_OUTPUT_HELP, OneLineParser,
                     add_matrix_task_arguments, add_run_arguments, check_outputs, deliver,
                     gap_cell, h_cell, load_plot, matrix_taskset_from_args, positive_number,
                     run_main, run_stage, write_atomic)
from .progress import StageProgress, Ticker
from .verify import gain_text, theorem2_text
from ..matrix.algorithm import METHODS
from ..matrix.search import search
from ..tasks import InputError

PROG = "python -m symlqr.maml"


def build_parser(prog: str = PROG) -> OneLineParser:
    p = OneLineParser(prog=prog, description="Algorithm 1 (MAML) with exact gradients on "
                      "matrix LQR tasks, and certificates of the points it finds.")
    add_matrix_task_arguments(p)
    p.add_argument("--weights", metavar="w1,w2,...", help="task weights (default: the file's, "
                   "else uniform)")
    p.add_argument("--beta", help="meta step size (default: 0.5 / ||hess h(W_0)|| per run)")
    p.add_argument("--iters", type=int, default=1000, help="iterations per run (default 1000)")
    p.add_argument("--starts", type=int, default=10, help="number of runs (default 10)")
    p.add_argument("--method", choices=METHODS, default="maml")
    p.add_argument("--steps", type=int, default=1, help="adaptation steps K (default 1)")
    p.add_argument("--batch", type=int, help="tasks drawn per iteration (default: all)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--spread", default="0.5", help="relative size of the random starts "
                   "around the tasks' optimal gains (default 0.5)")
    p.add_argument("--no-certify", action="store_true", help="skip the certificates")
    add_run_arguments(p, with_digits=False, output_help=MATRIX_OUTPUT_HELP)
    p.add_argument("--trajectories", metavar="FILE",
                   help="write every run's iterates and h values (.json or .npz)")
    p.add_argument("--plot", metavar="FILE", help="cost gap versus iteration (.png/.svg/.pdf)")
    maml_complete.add_arguments(p)
    p.add_argument("--hypotheses", action="store_true",
                   help="decide the paper's 'for all W' hypotheses over a box of gains "
                        "(Theorem 1's eta ||hess g|| < 1; one task: I - eta hess g nonsingular); "
                        "uses --box and --level")
    return p


def _check(args):
    for name, lo, hi in (("iters", 0, 10**7), ("starts", 1, 10**5), ("steps", 1, 1000)):
        v = getattr(args, name)
        if not lo <= v <= hi:
            raise InputError(f"--{name} must be between {lo} and {hi}")
    if args.batch is not None and not 1 <= args.batch <= 10**5:
        raise InputError("--batch must be between 1 and 100000")
    check_outputs(args.output, args.trajectories, args.plot)
    if args.trajectories and os.path.splitext(args.trajectories)[1].lower() not in (".json",
                                                                                   ".npz"):
        raise InputError("--trajectories FILE must end in .json or .npz")
    if args.plot:
        load_plot(args.plot)                    # matplotlib, format and folder: before work


def table(doc) -> str:
    ntasks = len(doc.get("tasks", [])) or doc.get("ntasks", 0)
    lines = [f"{doc['name']}: {len(doc['points'])} limit point(s) of {doc['settings']['starts']}"
             f" runs ({doc['settings']['method']}); {doc['completeness']}",
             f"{'#':>3} {'type':9} {'cert':5} {'runs':>4} {'h (enclosure)':31} {'gap_upper':>10}"
             f" {'spurious':9} W"]
    for k, p in enumerate(doc["points"]):
        spur = {True: "yes", False: "no", None: "undecided"}[p.get("spurious")]
        lines.append(f"{k + 1:>3} {p['type']:9} {str(p['certified']).lower():5} {p['runs']:>4} "
                     f"{h_cell(p['h']):31} {gap_cell(p['gap_upper']):>10} {spur:9} "
                     f"{gain_text(p['W'])}")
    thm2 = [theorem2_text(p["theorem2"], ntasks, p["steps"]) for p in doc["points"]]
    if thm2:
        lines.append("theorem2: " + (thm2[0] if len(set(thm2)) == 1 else
                                     "; ".join(f"{k + 1}: {t}" for k, t in enumerate(thm2))))
    lines.append(f"runs ending at a point proven not globally optimal: {doc['spurious_runs']};"
                 f" stalled (iteration limit, well above the point's h): "
                 f"{doc.get('runs_stalled', 0)}; runs without a limit point: "
                 f"{doc['runs_unresolved']}")
    return "\n".join(lines)


def compute(ts, args, beta, spread, progress) -> dict:
    """The heavy part, run in the worker: the document, the files' bytes."""
    ticks = Ticker(progress, "MAML runs", args.starts * args.iters)

    def run_done(k):
        ticks.set((k + 1) * args.iters)
        if k + 1 == args.starts:
            progress("certificates", 0, None)
    res = search(ts, starts=args.starts, iters=args.iters, beta=beta, method=args.method,
                 steps=args.steps, batch=args.batch, seed=args.seed, spread=spread,
                 certify=not args.no_certify, on_step=ticks.step, on_run=run_done)
    doc = res.to_dict()
    doc["name"], doc["ntasks"] = ts.name, len(ts.tasks)
    out = {"doc": doc, "image": None, "trajectories": None}
    if args.trajectories:
        out["trajectories"] = _trajectories(res, args.trajectories)
    if args.plot:
        from ..render.matrix_plot import gap_figure
        plot = load_plot(args.plot)
        out["image"] = plot.render(gap_figure(res), plot.plot_format(args.plot))
    return out


def _main(argv, prog: str = PROG) -> int:
    args = build_parser(prog).parse_args(argv)
    _check(args)
    beta = None if args.beta is None else positive_number(args.beta, "--beta")
    spread = positive_number(args.spread, "--spread")
    ts = matrix_taskset_from_args(args)
    if args.hypotheses:
        from . import maml_hypotheses
        return maml_hypotheses.run(args, ts)
    if args.complete:
        return maml_complete.run(args, ts)
    bar = StageProgress(unit="it", stages=("MAML runs", "certificates"))
    try:
        out = run_stage(compute, ts, args, beta, spread, timeout=args.timeout,
                        progress=bar.tick, describe=bar.running)
    finally:
        bar.close()
    for path, data in ((args.trajectories, out["trajectories"]), (args.plot, out["image"])):
        if path:
            write_atomic(path, data)
    doc = out["doc"]
    deliver(args, doc, table(doc))
    undecided = any(not p["certified"] for p in doc["points"])
    # no limit point (every run left the domain) certifies nothing: exit 3 as for undecided
    return EXIT_UNDECIDED if undecided or args.no_certify or not doc["points"] else EXIT_OK


def _trajectories(res, path) -> bytes:
    if path.lower().endswith(".json"):
        return (json.dumps(res.to_dict(trajectories=True)) + "\n").encode("utf-8")
    import numpy as np
    arrays = {}
    for k, run in enumerate(res.runs):
        arrays[f"W_{k}"] = np.array(run.trajectory)
        arrays[f"h_{k}"] = np.array(run.h)
    arrays["lower_bound"] = np.array(res.lower_bound)
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def main(argv=None, prog: str = PROG) -> int:
    return run_main(prog, lambda a: _main(a, prog), argv, one_blas_thread=True)
