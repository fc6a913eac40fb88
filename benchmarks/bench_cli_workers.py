"""Benchmark: what hard deadlines cost the command line.

1. A sweep's points in worker processes whose worker is killed when a point passes
   its deadline (``symlqr.cli.worker.run_each``, what ``python -m symlqr.sweep``
   does), against the library's ``multiprocessing`` pool with the same number of
   workers (``run_sweep``; the baseline: no hard deadline). Same table required.
2. Many tiny items (``abs``): the cost per item of run_each's bookkeeping.
3. ``certify fig1`` (to its document) in a worker process (``run_in_worker``)
   against this process.

Ratios against the baseline measured in the same run; the machine may be shared,
so timings are noisy.

    python benchmarks/bench_cli_workers.py [--workers 2] [--tiny 200]
"""
import argparse
import functools
import time

from symlqr.cli.worker import run_each, run_in_worker
from symlqr.scalar.engines import certify_landscape
from symlqr.sweep import Options, Source, grid_points, make_points, parse_axis, run_sweep, to_csv
from symlqr.sweep.points import evaluate
from symlqr.tasks import figure


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def certify_doc(ts) -> dict:
    """The document of ``certify_landscape`` (plain data: FLINT objects do not pickle)."""
    return certify_landscape(ts).to_dict()


def each(fn, items, workers):
    rows = []
    run_each(fn, items, lambda k, kind, value: rows.append(value), workers=workers)
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--tiny", type=int, default=200)
    args = ap.parse_args()
    pts = make_points([Source.of(figure("fig2"))], grid_points(
        [parse_axis("eta=0.01:0.1:6"), parse_axis("delta=0.2:1:5")]))
    opt = Options()
    print(f"1. {len(pts)} sweep points (fig2 over eta x delta), {args.workers} workers")
    base, t0 = timed(lambda: to_csv(run_sweep(pts, opt, workers=args.workers)))
    print(f"   library pool (baseline)           {t0:7.2f} s   1.00")
    rows, t1 = timed(lambda: each(functools.partial(evaluate, options=opt), pts, args.workers))
    same = to_csv(sorted(rows, key=lambda r: r["index"])) == base
    print(f"   run_each, hard deadlines (CLI)    {t1:7.2f} s   {t1 / t0:.2f}   same table: {same}")
    print(f"2. {args.tiny} tiny items")
    _, s0 = timed(lambda: [abs(-k) for k in range(args.tiny)])
    _, s1 = timed(lambda: each(abs, [-k for k in range(args.tiny)], args.workers))
    print(f"   run_each: {1000 * s1 / args.tiny:.2f} ms per item "
          f"(in this process: {1e6 * s0 / args.tiny:.2f} us)")
    ts = figure("fig1")
    d0, c0 = timed(lambda: certify_doc(ts))
    d1, c1 = timed(lambda: run_in_worker(certify_doc, ts, takes_progress=False))
    print(f"3. certify fig1: this process {c0:.3f} s (1.00), worker process {c1:.3f} s "
          f"({c1 / c0:.2f}), same document: {d0 == d1}")


if __name__ == "__main__":
    main()
