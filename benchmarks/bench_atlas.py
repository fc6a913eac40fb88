"""Timings of the certified atlas, with baselines measured in the same run.

1. Eliminants (the candidate critical values): the discriminant in W of the
   numerator N(W, eta) of h' for the two-task family of issue 12, by
   evaluation at integers and exact interpolation (symlqr.atlas.eliminate)
   against FLINT's fmpq_mpoly discriminant (the old algorithm), which runs in a
   child process killed after --limit seconds (the ratio is then a lower bound).
2. Figures 1 and 2 over eta in (0, 0.3]: the atlas against a naive dense scan
   that certifies the landscape at every eta = k/1000 (300 certifications;
   counts at grid points only, changes located to 1e-3).
3. The two-task atlases of issue 12 (CPU seconds; --quick skips them).

CPU time (time.process_time) is reported next to wall time: the machine may
be shared.

    python benchmarks/bench_atlas.py [--grid N] [--limit SECONDS] [--quick]
"""
import argparse
import multiprocessing as mpc
import os
import time
from fractions import Fraction

from symlqr.atlas import atlas
from symlqr.atlas.eliminate import eliminant
from symlqr.atlas.family import Family
from symlqr.scalar.landscape import certify
from symlqr.tasks import Task, TaskSet, figure

ISSUE12 = {
    "0.5,1,1,1,1 / 1.2,0.8,2,1,1 over eta (0, 0.3]":
        ([("0.5", 1, 1, 1, 1), ("1.2", "0.8", 2, 1, 1)], Fraction(3, 10)),
    "0.7,-1.3,2.5,0.8,1.1 / 0.6,-1.1,0.4,3.0,0.9,1.3 over eta (0, 0.25]":
        ([("0.7", "-1.3", "2.5", "0.8", "1.1"), ("0.6", "-1.1", "0.4", "3.0", "0.9", "1.3")],
         Fraction(1, 4)),
    "-1.3,-1.63,7.9,6.2,2.036 / -1.2,-1.5,1,2,1 over eta (0, 0.3]":
        ([("-1.3", "-1.63", "7.9", "6.2", "2.036"), ("-1.2", "-1.5", 1, 2, 1)], Fraction(3, 10)),
}


def _taskset(rows) -> TaskSet:
    return TaskSet([Task(*[Fraction(x) for x in r]) for r in rows], Fraction(1), None)


def _old_discriminant(rows, queue):
    fam = Family(_taskset(rows), "eta")
    t = time.process_time()
    fam.n_factors[0][0].discriminant("W")
    queue.put(time.process_time() - t)


def bench_eliminant(limit: float) -> None:
    rows = ISSUE12["0.5,1,1,1,1 / 1.2,0.8,2,1,1 over eta (0, 0.3]"][0]
    fam = Family(_taskset(rows), "eta")
    g = fam.n_factors[0][0]
    t = time.process_time()
    d = eliminant(g)
    new = time.process_time() - t
    queue = mpc.Queue()
    proc = mpc.Process(target=_old_discriminant, args=(rows, queue))
    t = time.perf_counter()
    proc.start()
    proc.join(limit)
    if proc.is_alive():
        proc.terminate()
        proc.join()
        old, bound = time.perf_counter() - t, ">="
    else:
        old, bound = queue.get(), ""
    print(f"eliminants: disc_W of N(W, eta), degrees {g.degrees()} -> degree {d.degree()} "
          f"in eta")
    print(f"  evaluation/interpolation: {new:.2f} s CPU;  fmpq_mpoly (old): {bound}{old:.1f} s")
    print(f"  ratio old / new: {bound}{old / new:.0f}")


def scan(name: str, n: int) -> tuple:
    base = figure(name)
    t = time.perf_counter()
    changes, prev = 0, None
    for k in range(1, n + 1):
        ls = certify(TaskSet(base.tasks, Fraction(3 * k, 10 * n), base.weights), digits=15)
        c = ls.counts()
        sig = (c["min"], c["global_min"], c["spurious_min"])
        changes += prev is not None and sig != prev
        prev = sig
    return time.perf_counter() - t, changes


def bench_figures(grid: int) -> None:
    for name in ("fig1", "fig2"):
        t = time.perf_counter()
        at = atlas(figure(name), "eta", 0, Fraction(3, 10))
        total = time.perf_counter() - t
        base, changes = scan(name, grid)
        print(f"\n{name}: atlas over eta in (0, 0.3]: {total:.2f} s, "
              f"{len(at.critical_values)} critical values, {len(at.pieces)} pieces, "
              f"certified: {at.certified}")
        for stage, sec in at.timings.items():
            print(f"  {stage:<16} {sec:8.3f} s  ({100 * sec / total:5.1f} %)")
        print(f"  baseline: certify at {grid} grid points: {base:.2f} s "
              f"({changes} count changes seen)")
        print(f"  ratio atlas / baseline: {total / base:.2f}")


def bench_issue12() -> None:
    print("\nissue 12 two-task atlases (before: 356 s, 425 s and > 900 s wall, from the issue)")
    for label, (rows, hi) in ISSUE12.items():
        t, c = time.perf_counter(), time.process_time()
        at = atlas(_taskset(rows), "eta", 0, hi)
        wall, cpu = time.perf_counter() - t, time.process_time() - c
        undecided = sum(not p.decided for p in at.pieces)
        print(f"  {label}: {cpu:.1f} s CPU ({wall:.1f} s wall), "
              f"{len(at.critical_values)} critical values, {len(at.pieces)} pieces "
              f"({undecided} with undecided labels), certified: {at.certified}")
        print("    stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in at.timings.items()))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--grid", type=int, default=300, help="points of the baseline scan")
    ap.add_argument("--limit", type=float, default=120.0,
                    help="seconds allowed to the old fmpq_mpoly discriminant")
    ap.add_argument("--quick", action="store_true", help="skip the issue-12 atlases")
    args = ap.parse_args()
    print(f"cpus: {os.cpu_count()}")
    bench_eliminant(args.limit)
    bench_figures(args.grid)
    if not args.quick:
        bench_issue12()


if __name__ == "__main__":
    main()
