"""Timings of the certified atlas of Figures 1 and 2 over eta in (0, 0.3].

Baseline, measured in the same run: a naive dense scan that certifies the
landscape at every eta = k/1000 (300 full certifications). The scan gives
counts at grid points only (it can miss short pieces and locates changes to
1e-3); the atlas certifies every piece and encloses every critical value.

    python benchmarks/bench_atlas.py [--grid N]
"""
import argparse
import os
import time
from fractions import Fraction

from symlqr.atlas import atlas
from symlqr.scalar.landscape import certify
from symlqr.tasks import TaskSet, figure


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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--grid", type=int, default=300, help="points of the baseline scan")
    args = ap.parse_args()
    print(f"cpus: {os.cpu_count()}")
    for name in ("fig1", "fig2"):
        t = time.perf_counter()
        at = atlas(figure(name), "eta", 0, Fraction(3, 10))
        total = time.perf_counter() - t
        base, changes = scan(name, args.grid)
        print(f"\n{name}: atlas over eta in (0, 0.3]: {total:.2f} s, "
              f"{len(at.critical_values)} critical values, {len(at.pieces)} pieces, "
              f"certified: {at.certified}")
        for stage, sec in at.timings.items():
            print(f"  {stage:<16} {sec:8.3f} s  ({100 * sec / total:5.1f} %)")
        print(f"  baseline: certify at {args.grid} grid points: {base:.2f} s "
              f"({changes} count changes seen)")
        print(f"  ratio atlas / baseline: {total / base:.2f}")
        print(f"  under 30 s: {'yes' if total < 30 else 'NO'}")


if __name__ == "__main__":
    main()
