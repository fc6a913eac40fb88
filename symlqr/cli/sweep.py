"""``python -m symlqr.sweep``: certify over a grid, on local processes or Dask.

    python -m symlqr.sweep fig2 --grid eta=0.01:0.1:10 --grid delta=0:1:6 \\
        --output sweep.csv --plot phase.png
    python -m symlqr.sweep --distribution 'A=1,B=1,Q=uniform(1,5),R=loguniform(0.1,10)' \\
        --eta 0.05 --grid n=2,5,11 --grid seed=0:4:5 --scheduler tcp://host:8786
    python -m symlqr.sweep experiment --k 2,3,5,8,11 --seeds 0:4:5 --output k.csv --plot k.png

Exit status: 0 every point certified, 3 some point undecided / timed out / too
large / invalid (its row says why), 2 bad input (one line, nothing written).
"""
from __future__ import annotations

import argparse
import json
import signal
import sys

from ..scalar.maml import ADAPTATIONS
from ..sweep.experiment import PRESETS, SUMMARY_COLUMNS, experiment_points, summarize
from ..sweep.grid import AXES, grid_points, parse_axis
from ..sweep.points import ENGINES, Options, Source, make_points
from ..sweep.run import run_sweep
from ..sweep.table import table_bytes, table_format, to_csv
from ..tasks import InputError, parse_rational
from .common import (EXIT_OK, EXIT_UNDECIDED, OneLineParser, add_task_arguments,
                     check_output_path, check_timeout, distributions_from_args, load_plot,
                     run_main, tasksets_from_args, write_atomic)

PROG = "python -m symlqr.sweep"
_SHOWN = ("index", "label", "eta", "delta", "n", "seed", "status", "min", "spurious_min",
          "epsilon")


def _common(p: OneLineParser) -> None:
    p.add_argument("--adaptation", choices=ADAPTATIONS, default="gradient")
    p.add_argument("--engine", choices=ENGINES, default=None,
                   help="certification engine of each point (default auto when the "
                        "interval engine is installed, else exact)")
    p.add_argument("--digits", type=int, default=15, help="significant digits (default 15)")
    p.add_argument("--timeout", type=float, metavar="SECONDS",
                   help="time limit of each point (its row then says 'timeout')")
    p.add_argument("--workers", type=int, metavar="N",
                   help="local worker processes (default: all cores; 1: this process)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on a Dask cluster, e.g. tcp://host:8786 (pip install "
                        "'symlqr[dask]'; the workers need symlqr installed)")
    p.add_argument("--output", metavar="FILE",
                   help="the table, written atomically: .csv, or .parquet (needs pyarrow)")
    p.add_argument("--plot", metavar="FILE", help="the picture (.png, .svg or .pdf)")
    p.add_argument("--json", action="store_true", help="print the rows as JSON")


def build_parser() -> OneLineParser:
    p = OneLineParser(prog=PROG, description="Certify the MAML landscape over a grid of "
                      "eta, task spread delta, number of tasks n and seeds. "
                      f"'{PROG} experiment --help': the many-tasks experiment.")
    add_task_arguments(p)
    p.add_argument("--grid", action="append", default=[], metavar="NAME=LO:HI:COUNT",
                   help=f"a grid axis ({', '.join(AXES)}): NAME=LO:HI:COUNT[:log] or "
                        "NAME=v1,v2,... (repeatable; the product is swept)")
    p.add_argument("--x", default=None, help="x axis of the phase diagram (default: "
                   "the first --grid axis)")
    p.add_argument("--y", default=None, help="y axis of the phase diagram (default: "
                   "the second --grid axis)")
    _common(p)
    return p


def build_experiment_parser() -> OneLineParser:
    p = OneLineParser(prog=f"{PROG} experiment", description="epsilon, spurious minima "
                      "and the global minimizer against the number of tasks k, for "
                      "several seeds and distributions: " + "; ".join(
                          f"{k}: {v[2]}, eta = {v[1]}" for k, v in PRESETS.items()))
    p.add_argument("--presets", default=",".join(PRESETS),
                   help=f"comma-separated, from {', '.join(PRESETS)} (default all)")
    ks = "1,2,3,5,8,11,16" if Options().engine == "exact" else \
        "1,2,3,5,8,11,16,20,30,50,100,200,500,1000"
    p.add_argument("--k", default=ks, help="numbers of tasks: a list or LO:HI:COUNT[:log] "
                   f"(default {ks}; beyond 16 with the interval engine)")
    p.add_argument("--seeds", default="0:4:5",
                   help="seeds: a list or LO:HI:COUNT (default 0:4:5, five seeds)")
    p.add_argument("--summary", metavar="FILE", help="the per-k summary as CSV")
    _common(p)
    return p


def _options(args) -> Options:
    check_timeout(args.timeout)
    if args.workers is not None and args.workers < 1:
        raise InputError(f"--workers {args.workers}: give at least 1")
    if args.workers is not None and args.scheduler:
        raise InputError("give --workers (local processes) or --scheduler (Dask), not both")
    return Options(adaptation=args.adaptation, engine=args.engine, digits=args.digits,
                   timeout=args.timeout)


def _check_outputs(args, *extra) -> object:
    """Output names and the plot's format checked before any work; the plot module."""
    for path in (args.output, *extra):
        if path:
            check_output_path(path)
    if args.output:
        table_format(args.output)
    return load_plot(args.plot) if args.plot else None


def _sources(args) -> list:
    """Figures or one custom task set, then each distribution as its own source."""
    drawn = distributions_from_args(args)
    sources = []
    if args.names or args.task or args.tasks_file:
        fixed = argparse.Namespace(**{**vars(args), "distribution": [], "n": None,
                                      "seed": None})
        sources += [Source.of(ts) for ts in tasksets_from_args(fixed)]
    elif args.weights is not None:
        raise InputError("--weights applies to --task/--tasks-file")
    eta = None if args.eta is None else parse_rational(args.eta, "--eta")
    sources += [Source.of(d, eta=eta) for d in drawn]
    if not sources:
        raise InputError("nothing to sweep: give a figure name, --task, --tasks-file or "
                         "--distribution")
    return sources


def _progress():
    """tqdm on stderr when stderr is a terminal, else nothing."""
    if not sys.stderr.isatty():
        return None, None
    try:
        from tqdm import tqdm
    except ImportError:
        return None, None
    bar = tqdm(total=0, unit="point", file=sys.stderr, leave=False)

    def update(done, total):
        bar.total = total
        bar.n = done
        bar.refresh()
    return update, bar


def ignore_interrupts() -> None:
    """In each local worker: Ctrl-C is for the parent, which terminates the pool
    and reports "interrupted" once (no traceback per worker)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _run(points, args, options) -> list:
    update, bar = _progress()
    try:
        return run_sweep(points, options, workers=args.workers, client=args.scheduler,
                         progress=update, initializer=ignore_interrupts)
    finally:
        if bar is not None:
            bar.close()


def _print(rows: list, args, columns=_SHOWN) -> None:
    if args.json:
        sys.stdout.write(json.dumps(rows, indent=1) + "\n")
        return
    sys.stdout.write(to_csv(rows, columns).decode().replace("\r\n", "\n").replace(",", "\t"))


def _status(rows: list) -> int:
    return EXIT_OK if all(r["status"] == "certified" for r in rows) else EXIT_UNDECIDED


def _main(argv) -> int:
    if argv and argv[0] == "experiment":
        return _experiment(argv[1:])
    args = build_parser().parse_args(argv)
    options = _options(args)
    axes = [parse_axis(g) for g in args.grid]
    grid = grid_points(axes)
    plot = _check_outputs(args)
    x, y = args.x, args.y
    if plot is not None:
        names = [a for a, _ in axes]
        x, y = x or (names[0] if names else None), y or (names[1] if len(names) > 1 else None)
        for what, axis in (("--x", x), ("--y", y)):
            if axis not in names:
                raise InputError(f"--plot draws a phase diagram over two --grid axes; "
                                 f"{what} {axis or '(none)'} is not one of them")
    points = make_points(_sources(args), grid)
    rows = _run(points, args, options)
    if args.output:
        write_atomic(args.output, table_bytes(rows, table_format(args.output)))
    if plot is not None:
        from ..sweep.plot import phase_figure
        write_atomic(args.plot, plot.render(phase_figure(rows, x, y), plot.plot_format(args.plot)))
    _print(rows, args)
    return _status(rows)


def _experiment(argv) -> int:
    args = build_experiment_parser().parse_args(argv)
    options = _options(args)
    plot = _check_outputs(args, args.summary)
    ks = parse_axis(f"n={args.k}")[1]
    seeds = parse_axis(f"seed={args.seeds}")[1]
    presets = [p.strip() for p in args.presets.split(",") if p.strip()]
    points = experiment_points(presets, ks, seeds)
    rows = _run(points, args, options)
    summary = summarize(rows)
    if args.output:
        write_atomic(args.output, table_bytes(rows, table_format(args.output)))
    if args.summary:
        write_atomic(args.summary, to_csv(summary, SUMMARY_COLUMNS))
    if plot is not None:
        from ..sweep.plot import experiment_figure
        write_atomic(args.plot, plot.render(experiment_figure(summary),
                                            plot.plot_format(args.plot)))
    if args.json:
        sys.stdout.write(json.dumps({"rows": rows, "summary": summary}, indent=1) + "\n")
    else:
        _print(summary, args, SUMMARY_COLUMNS)
    return _status(rows)


def main(argv=None) -> int:
    return run_main(PROG, _main, argv)


if __name__ == "__main__":
    sys.exit(main())
