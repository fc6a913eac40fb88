"""Benchmark: one sweep on every engine, and drawing tasks from a distribution.

The sweep (fig2 over eta x delta, and a distribution over seeds) runs in this
process (the baseline), in local worker processes, and on a Dask LocalCluster
(2 single-threaded worker processes; cluster start-up timed separately); the
tables must be byte-identical. Then drawing 1,000 / 10,000 tasks. Ratios
against the baseline measured in the same run, never timed assertions.

    python benchmarks/bench_sweep.py [--eta-count 6] [--delta-count 5] [--seeds 8]
"""
import argparse
import os
import time

from symlqr.distributions import Distribution
from symlqr.sweep import (Options, Source, grid_points, make_points, parse_axis, run_sweep,
                          to_csv)
from symlqr.tasks import figure

SPEC = "A=1, B=1, Q=loguniform(0.1, 10), R=loguniform(0.1, 10), n=5"


def points(eta_count: int, delta_count: int, seeds: int) -> list:
    fig2 = make_points([Source.of(figure("fig2"))], grid_points(
        [parse_axis(f"eta=0.01:0.1:{eta_count}"), parse_axis(f"delta=0.2:1:{delta_count}")]))
    dist = make_points([Source.of(Distribution.parse(SPEC), eta="0.05")],
                       grid_points([parse_axis(f"seed=0:{seeds - 1}:{seeds}")]))
    return [p.__class__(i, p.source, p.params) for i, p in enumerate(fig2 + dist)]


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--eta-count", type=int, default=6)
    ap.add_argument("--delta-count", type=int, default=5)
    ap.add_argument("--seeds", type=int, default=8)
    args = ap.parse_args()
    pts = points(args.eta_count, args.delta_count, args.seeds)
    print(f"{len(pts)} points, {os.cpu_count()} cores")
    base, t0 = timed(lambda: to_csv(run_sweep(pts, Options(), workers=1)))
    print(f"  this process (baseline)        {t0:7.2f} s   1.00")
    local, t1 = timed(lambda: to_csv(run_sweep(pts, Options())))
    print(f"  local processes                {t1:7.2f} s   {t1 / t0:.2f}   same table: "
          f"{local == base}")
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        print("  dask: not installed (pip install 'symlqr[dask]')")
    else:
        (cluster, client), ts = timed(lambda: _cluster(LocalCluster, Client))
        with cluster, client:
            table, t2 = timed(lambda: to_csv(run_sweep(pts, Options(), client=client)))
        print(f"  dask LocalCluster (2 workers)  {t2:7.2f} s   {t2 / t0:.2f}   same table: "
              f"{table == base}   (+{ts:.2f} s cluster start-up)")
    d = Distribution.parse(SPEC)
    _, s1 = timed(lambda: d.draw(1000))
    _, s2 = timed(lambda: d.draw(10000))
    print(f"draw 1,000 tasks {s1:.3f} s; 10,000 tasks {s2:.3f} s (ratio {s2 / s1:.1f} for 10x)")


def _cluster(LocalCluster, Client):
    cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=50)
    return cluster, Client(cluster)


if __name__ == "__main__":
    main()
