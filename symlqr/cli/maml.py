"""Command line: ``python -m symlqr.maml TASKS.(json|toml)``.

Runs Algorithm 1 (MAML with exact model-based gradients; ``--method fomaml``
or ``reptile``) from ``--starts`` stabilizing gains, certifies every limit
point (Krawczyk box, type, stabilization, enclosure of ``h``, chain-rule and
Theorem 2 tests for one task, optimality-gap bound), and prints a table or
``--json``. Runs are floats; certificates are ball arithmetic. The points are
found by search: completeness is not certified.
Exit status: 0 every point certified, 3 some point undecided, 2 bad input.
"""
from __future__ import annotations

import io
import json
import math
import os
import sys

from . import maml_complete
from .common import (EXIT_OK, EXIT_UNDECIDED, OneLineParser, check_output_path, deliver,
                     run_main, write_atomic)
from ..matrix.algorithm import METHODS
from ..matrix.search import search
from ..matrix.tasks import MatrixTaskSet, load_matrix_tasks_file
from ..tasks import InputError, parse_rational

PROG = "python -m symlqr.maml"


def build_parser() -> OneLineParser:
    p = OneLineParser(prog=PROG, description="Algorithm 1 (MAML) with exact gradients on "
                      "matrix LQR tasks, and certificates of the points it finds.")
    p.add_argument("tasks_file", metavar="TASKS", help="task file (.json or .toml)")
    p.add_argument("--eta", help="adaptation step size (overrides the file's eta)")
    p.add_argument("--weights", metavar="w1,w2,...", help="task weights (default: the file's, "
                   "else uniform)")
    p.add_argument("--beta", help="meta step size (default: 0.5 / ||hess h(W_0)|| per run)")
    p.add_argument("--iters", type=int, default=1000, help="iterations per run (default 1000)")
    p.add_argument("--starts", type=int, default=10, help="number of runs (default 10)")
    p.add_argument("--method", choices=METHODS, default="maml")
    p.add_argument("--steps", type=int, default=1, help="adaptation steps K (default 1; "
                   "certificates need K = 1)")
    p.add_argument("--batch", type=int, help="tasks drawn per iteration (default: all)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.add_argument("--spread", default="0.5", help="relative size of the random starts "
                   "around the tasks' optimal gains (default 0.5)")
    p.add_argument("--no-certify", action="store_true", help="skip the certificates")
    p.add_argument("--json", action="store_true", help="print one JSON document")
    p.add_argument("--output", metavar="FILE", help="write the JSON document to FILE")
    p.add_argument("--trajectories", metavar="FILE",
                   help="write every run's iterates and h values (.json or .npz)")
    p.add_argument("--plot", metavar="FILE", help="cost gap versus iteration (.png/.svg/.pdf)")
    maml_complete.add_arguments(p)
    return p


def _positive(text, what) -> float:
    v = float(parse_rational(text, what))
    if not (math.isfinite(v) and v > 0):
        raise InputError(f"{what} must be a finite number > 0")
    return v


def _check(args):
    for name, lo, hi in (("iters", 0, 10**7), ("starts", 1, 10**5), ("steps", 1, 1000)):
        v = getattr(args, name)
        if not lo <= v <= hi:
            raise InputError(f"--{name} must be between {lo} and {hi}")
    if args.batch is not None and not 1 <= args.batch <= 10**5:
        raise InputError("--batch must be between 1 and 100000")
    for path in (args.output, args.trajectories, args.plot):
        if path:
            check_output_path(path)
    if args.trajectories and os.path.splitext(args.trajectories)[1].lower() not in (".json",
                                                                                   ".npz"):
        raise InputError("--trajectories FILE must end in .json or .npz")
    plot = None
    if args.plot:
        try:
            from ..render import plot
        except ImportError:
            raise InputError("--plot needs matplotlib: pip install 'symlqr[plot]'") from None
        plot.plot_format(args.plot)
    return plot


def _taskset(args) -> MatrixTaskSet:
    data = load_matrix_tasks_file(args.tasks_file)
    eta = parse_rational(args.eta, "--eta") if args.eta is not None else data["eta"]
    if eta is None:
        raise InputError("the tasks need a step size: --eta (or eta in the tasks file)")
    weights = data["weights"]
    if args.weights is not None:
        weights = [parse_rational(w, f"--weights: weight {k + 1}")
                   for k, w in enumerate(args.weights.split(","))]
    return MatrixTaskSet(data["tasks"], eta, weights, name=data["name"], note=data["note"])


def _progress(total):
    if not sys.stderr.isatty():
        return None
    try:
        from tqdm import tqdm
    except ImportError:
        return None
    return tqdm(total=total, file=sys.stderr, unit="it", desc="MAML runs")


def _gap(text) -> str:
    """The table's rounded view of ``gap_upper`` (the JSON keeps the exact decimal)."""
    return "-" if text is None else ("0" if float(text) == 0 else f"{float(text):.3g}")


def table(doc) -> str:
    lines = [f"{doc['name']}: {len(doc['points'])} limit point(s) of {doc['settings']['starts']}"
             f" runs ({doc['settings']['method']}); {doc['completeness']}",
             f"{'#':>3} {'type':9} {'cert':5} {'runs':>4} {'h (enclosure)':43} {'gap_upper':>10}"
             f" {'thm2':>5}"]
    for k, p in enumerate(doc["points"]):
        h = f"[{p['h'][0][:19]}, {p['h'][1][:19]}]" if p["h"] else "-"
        lines.append(f"{k + 1:>3} {p['type']:9} {str(p['certified']).lower():5} {p['runs']:>4} "
                     f"{h:43} {_gap(p['gap_upper']):>10} {str(p['theorem2']):>5}")
    lines.append(f"runs ending at a point proven not globally optimal: {doc['spurious_runs']};"
                 f" runs without a limit point: {doc['runs_unresolved']}")
    return "\n".join(lines)


def _main(argv) -> int:
    args = build_parser().parse_args(argv)
    plot = _check(args)
    beta = None if args.beta is None else _positive(args.beta, "--beta")
    spread = _positive(args.spread, "--spread")
    ts = _taskset(args)
    if args.complete:
        return maml_complete.run(args, ts)
    bar = _progress(args.starts * args.iters)
    try:
        res = search(ts, starts=args.starts, iters=args.iters, beta=beta, method=args.method,
                     steps=args.steps, batch=args.batch, seed=args.seed, spread=spread,
                     certify=not args.no_certify,
                     on_step=(lambda _: bar.update()) if bar else None)
    finally:
        if bar:
            bar.close()
    doc = res.to_dict()
    doc["name"] = ts.name
    if args.trajectories:
        write_atomic(args.trajectories, _trajectories(res, args.trajectories))
    if plot is not None:
        from ..matrix.figures import gap_figure
        write_atomic(args.plot, plot.render(gap_figure(res), plot.plot_format(args.plot)))
    deliver(args, doc, table(doc))
    undecided = any(not p["certified"] for p in doc["points"])
    return EXIT_UNDECIDED if undecided or args.no_certify or args.steps != 1 else EXIT_OK


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


def main(argv=None) -> int:
    return run_main(PROG, _main, argv)
