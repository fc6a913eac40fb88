"""``python -m symlqr.sweep``: certify over a grid, on local processes or Dask.

    python -m symlqr.sweep fig2 --grid eta=0.01:0.1:10 --grid delta=0:1:6 \\
        --output sweep.csv --plot phase.png
    python -m symlqr.sweep --distribution 'A=1,B=1,Q=uniform(1,5),R=loguniform(0.1,10)' \\
        --eta 0.05 --grid n=2,5,11 --grid seed=0:4:5 --scheduler tcp://host:8786
    python -m symlqr.sweep experiment --k 2,3,5,8,11 --seeds 0:4:5 --output k.csv --plot k.png

The points are certified in ``--workers`` worker processes; a point still
running half a second after its ``--timeout`` is stopped by killing its worker
(a fresh one takes the next point), also inside one long FLINT call, and its
row says 'timeout'. On a Dask cluster the workers check the time between steps,
and this command stops waiting for a point 1.5 s after its ``--timeout`` (its
row says 'timeout'); a remote thread inside one long call cannot be killed and
may keep computing (its result is dropped). Ctrl-C stops the command within
about a second, kills its worker processes (or cancels its Dask tasks) and
writes nothing (exit 130); once every point is in and the files are prepared,
a Ctrl-C is held off: the command writes them, prints and exits as usual.

Exit status: 0 every point certified, 3 some point undecided / timed out / too
large / invalid (its row says why), 2 bad input (one line, nothing written),
130 interrupted.
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import signal
import sys
import time

from ..scalar.maml import ADAPTATIONS
from ..sweep.experiment import PRESETS, SUMMARY_COLUMNS, experiment_points, summarize
from ..sweep.grid import AXES, grid_points, parse_axis
from ..sweep.points import ENGINES, Options, Source, evaluate, make_points, timeout_row
from ..sweep.run import dask_client
from ..sweep.table import table_bytes, table_format, to_csv
from ..tasks import InputError, parse_rational
from .common import (EXIT_OK, EXIT_UNDECIDED, OneLineParser, add_output_arguments,
                     add_task_arguments, add_timeout_argument, add_version_argument,
                     check_outputs, check_timeout, distributions_from_args, load_plot,
                     run_main, tasksets_from_args, write_atomic)
from .progress import StageProgress
from .worker import Deadline, run_each

PROG = "python -m symlqr.sweep"
_SHOWN = ("index", "label", "eta", "delta", "n", "seed", "status", "min", "spurious_min",
          "epsilon")

#: On Dask, how much longer than ``--timeout`` (and the worker's grace) the
#: command waits for a point: the network, and a remote check between two steps.
DASK_GRACE = 1.0


def _common(p: OneLineParser) -> None:
    p.add_argument("--adaptation", choices=ADAPTATIONS, default="gradient")
    p.add_argument("--engine", choices=ENGINES, default=None,
                   help="certification engine of each point (default auto when the "
                        "interval engine is installed, else exact)")
    p.add_argument("--digits", type=int, default=15, help="significant digits (default 15)")
    add_timeout_argument(p, "time limit of each point, also inside one long computation "
                            "(its row then says 'timeout'); any size")
    p.add_argument("--workers", type=int, metavar="N",
                   help="local worker processes at a time (default: all cores)")
    p.add_argument("--scheduler", metavar="ADDRESS",
                   help="run on a Dask cluster, e.g. tcp://host:8786 (pip install "
                        "'symlqr[dask]'; the workers need symlqr installed)")
    add_output_arguments(p, output_help="the table, written atomically: .csv, or .parquet "
                                        "(needs pyarrow); nothing on exit 2, 130",
                         json_help="print the rows as JSON")
    p.add_argument("--plot", metavar="FILE", help="the picture (.png, .svg or .pdf): a "
                   "line plot over one --grid axis, a phase diagram over two")
    add_version_argument(p)


def build_parser(prog: str = PROG) -> OneLineParser:
    p = OneLineParser(prog=prog, description="Certify the MAML landscape over a grid of "
                      "eta, task spread delta, number of tasks n and seeds. "
                      f"'{prog} experiment --help': the many-tasks experiment.")
    add_task_arguments(p)
    p.add_argument("--grid", action="append", default=[], metavar="NAME=LO:HI:COUNT",
                   help=f"a grid axis ({', '.join(AXES)}): NAME=LO:HI:COUNT[:log] or "
                        "NAME=v1,v2,... (repeatable; the product is swept)")
    p.add_argument("--x", default=None, help="x axis of the picture (default: "
                   "the first --grid axis)")
    p.add_argument("--y", default=None, help="y axis of the phase diagram (default: "
                   "the second --grid axis; with one --grid axis --plot draws a line)")
    _common(p)
    return p


def build_experiment_parser(prog: str = PROG) -> OneLineParser:
    p = OneLineParser(prog=f"{prog} experiment", description="epsilon, spurious minima "
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
    check_outputs(args.output, *extra)
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


def _run(points, args, options) -> list:
    """The rows, sorted by point index; a bar on stderr when it is a terminal."""
    bar = StageProgress(unit="point")
    bar.tick("points", 0, len(points))          # the bar shows before the first point ends
    try:
        if args.scheduler:
            rows = _on_dask(points, options, args.scheduler, bar.tick)
        else:
            rows = _locally(points, options, args.workers or os.cpu_count() or 1, bar.tick)
    finally:
        bar.close()
    return sorted(rows, key=lambda r: r["index"])


def _locally(points, options, workers: int, tick) -> list:
    """Every point in ``workers`` worker processes, a point killed (with its
    worker) at its ``--timeout`` (:func:`symlqr.cli.worker.run_each`)."""
    rows = []

    def done(k, kind, value):
        rows.append(value if kind == "ok" else timeout_row(
            points[k], options, value or "inside one long computation (its process was "
                                         "stopped)"))
        tick("points", len(rows), len(points))
    run_each(functools.partial(evaluate, options=options), points, done,
             workers=min(workers, len(points)), timeout=options.timeout)
    return rows


def _on_dask(points, options, scheduler: str, tick) -> list:
    """Every point on a Dask cluster, as many at a time as it has threads; a point
    not back :data:`DASK_GRACE` after its worker's own kill time is cancelled and
    gets a 'timeout' row (one thread fewer is counted for each such point)."""
    rows = []
    with dask_client(scheduler) as client:
        slots = max(1, sum(client.nthreads().values()))
        todo, running = list(points)[::-1], {}
        try:
            while todo or running:
                while todo and len(running) < slots:
                    p = todo.pop()
                    running[client.submit(evaluate, p, options, pure=False)] = (
                        p, Deadline(options.timeout).kill_at() + DASK_GRACE)
                time.sleep(0.05)
                for fut, (p, kill_at) in list(running.items()):
                    if fut.done():
                        rows.append(fut.result())
                    elif time.monotonic() >= kill_at:
                        fut.cancel()
                        rows.append(timeout_row(p, options, "on the Dask cluster (no result "
                                                "in time; it may still be computing)"))
                        slots = max(1, slots - 1)
                    else:
                        continue
                    del running[fut]
                    tick("points", len(rows), len(points))
        finally:
            client.cancel(list(running))
    return rows


def _text(rows: list, args, columns=_SHOWN) -> str:
    """What the command prints: the rows as JSON, or the shown columns tab-separated."""
    if args.json:
        return json.dumps(rows, indent=1) + "\n"
    return to_csv(rows, columns).decode().replace("\r\n", "\n").replace(",", "\t")


def _deliver(files: list, text: str) -> None:
    """Write ``files`` (``(path, bytes)``, each atomically) and print ``text``, all
    prepared before: a Ctrl-C until here writes nothing (exit 130); from here on
    it is held off and dropped, so the command finishes and exits as if none came
    (issue 18: it printed, wrote, and still exited 130). The SIGINT handler is
    swapped, not the signal mask: another thread (Dask's) may receive the signal."""
    try:
        old = signal.signal(signal.SIGINT, lambda signum, frame: None)
    except ValueError:                   # not the main thread: no handler to swap
        old = None
    try:
        for path, data in files:
            write_atomic(path, data)
        sys.stdout.write(text)
        sys.stdout.flush()
    finally:
        if old is not None:
            signal.signal(signal.SIGINT, old)


def _status(rows: list) -> int:
    return EXIT_OK if all(r["status"] == "certified" for r in rows) else EXIT_UNDECIDED


def _main(argv, prog: str = PROG) -> int:
    if argv and argv[0] == "experiment":
        return _experiment(argv[1:], prog)
    args = build_parser(prog).parse_args(argv)
    options = _options(args)
    axes = [parse_axis(g) for g in args.grid]
    grid = grid_points(axes)
    plot = _check_outputs(args)
    x, y = _plot_axes(args, [a for a, _ in axes]) if plot is not None else (None, None)
    points = make_points(_sources(args), grid)
    rows = _run(points, args, options)
    files = []
    if args.output:
        files.append((args.output, table_bytes(rows, table_format(args.output))))
    if plot is not None:
        from ..sweep.plot import line_figure, phase_figure
        fig = line_figure(rows, x) if y is None else phase_figure(rows, x, y)
        files.append((args.plot, plot.render(fig, plot.plot_format(args.plot))))
    _deliver(files, _text(rows, args))
    return _status(rows)


def _plot_axes(args, names: list) -> tuple:
    """``(x, y)`` of the picture: a line plot over one --grid axis (``y`` None),
    a phase diagram over two (default: the first two --grid axes)."""
    if not names:
        raise InputError("--plot draws a line over one --grid axis or a phase diagram "
                         "over two; give --grid NAME=LO:HI:COUNT")
    x = args.x or names[0]
    y = args.y or next((n for n in names if n != x), None) if len(names) > 1 else args.y
    for what, axis in (("--x", x), ("--y", y)):
        if axis is not None and axis not in names:
            raise InputError(f"--plot: {what} {axis} is not a --grid axis "
                             f"({', '.join(names)})")
    if x == y:
        raise InputError(f"--plot: --x and --y are both {x}")
    return x, y


def _experiment(argv, prog: str = PROG) -> int:
    args = build_experiment_parser(prog).parse_args(argv)
    options = _options(args)
    plot = _check_outputs(args, args.summary)
    ks = parse_axis(f"n={args.k}")[1]
    seeds = parse_axis(f"seed={args.seeds}")[1]
    presets = [p.strip() for p in args.presets.split(",") if p.strip()]
    points = experiment_points(presets, ks, seeds)
    rows = _run(points, args, options)
    summary = summarize(rows)
    files = []
    if args.output:
        files.append((args.output, table_bytes(rows, table_format(args.output))))
    if args.summary:
        files.append((args.summary, to_csv(summary, SUMMARY_COLUMNS)))
    if plot is not None:
        from ..sweep.plot import experiment_figure
        files.append((args.plot, plot.render(experiment_figure(summary),
                                             plot.plot_format(args.plot))))
    text = (json.dumps({"rows": rows, "summary": summary}, indent=1) + "\n" if args.json
            else _text(summary, args, SUMMARY_COLUMNS))
    _deliver(files, text)
    return _status(rows)


def main(argv=None, prog: str = PROG) -> int:
    return run_main(prog, lambda a: _main(a, prog), argv)


if __name__ == "__main__":
    sys.exit(main())
