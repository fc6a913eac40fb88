"""The atlas's candidate critical values with the folds of the large factors of
N(W, eta) from the certified search in the plane (symlqr.atlas.folds) against
the exact discriminant (the fallback, ``candidates(..., search=False)``), over
eta in (0, 0.3], and both against the same figure's pointwise certify at 20
values of eta, all in one run. Each computation runs in a child process killed
after --limit seconds (a killed time is a lower bound). Wall and CPU time are
reported (the machine may be shared).

    python benchmarks/bench_folds.py [--limit SECONDS] [--no-disc] [FIG ...]

(default figures: fig3a fig3c fig3d)
"""
import argparse
import os
import time
from fractions import Fraction

from symlqr.atlas.core import candidates, decide_events
from symlqr.atlas.family import Family
from symlqr.scalar.landscape import certify
from symlqr.tasks import TaskSet, figure

from bench_atlas import _in_process     # (run from benchmarks/: its own directory is on the path)


def _stage(args, queue) -> None:
    name, search = args
    fam = Family(figure(name), "eta")
    t, c = time.perf_counter(), time.process_time()
    cands = candidates(fam, Fraction(0), Fraction(3, 10), lambda *a: None, search=search)
    t1, c1 = time.perf_counter(), time.process_time()
    cvs = decide_events(fam, cands, lambda *a: None)
    t2, c2 = time.perf_counter(), time.process_time()
    boxed = sum(r[0] == "fold-box" for _c, reasons in cands for r in reasons)
    queue.put((t1 - t, c1 - c, t2 - t1, c2 - c1, len(cands), boxed,
               [(cv.kind, cv.decimal(7)) for cv in cvs]))


def _pointwise(name: str, samples: int = 20) -> float:
    base = figure(name)
    t = time.perf_counter()
    for k in range(1, samples + 1):
        certify(TaskSet(base.tasks, Fraction(3 * k, 10 * samples), base.weights), digits=15)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("figures", nargs="*", default=["fig3a", "fig3c", "fig3d"])
    ap.add_argument("--limit", type=float, default=900.0)
    ap.add_argument("--no-disc", action="store_true", help="skip the discriminant path")
    args = ap.parse_args()
    print(f"cpus: {os.cpu_count()}; candidates + events over eta in (0, 0.3]; "
          f"children killed after {args.limit:.0f} s")
    for name in args.figures:
        base = _pointwise(name)
        print(f"\n{name}: certify at 20 values of eta: {base:.1f} s wall")
        for search in (True, False):
            if not search and args.no_disc:
                continue
            label = "search in (W, eta)" if search else "exact discriminant"
            got, waited = _in_process(_stage, (name, search), args.limit)
            if got is None:
                print(f"  {label}: > {waited:.0f} s wall (killed); ratio to certify x 20 "
                      f">= {waited / base:.0f}")
                continue
            cw, cc, ew, ec, n, boxed, cvs = got
            print(f"  {label}: candidates {cw:.1f} s wall ({cc:.1f} s CPU), events {ew:.1f} s "
                  f"wall ({ec:.1f} s CPU); {n} candidates ({boxed} fold boxes); ratio to "
                  f"certify x 20: {(cw + ew) / base:.1f}")
            print(f"    critical values: {cvs}")


if __name__ == "__main__":
    main()
