"""Benchmark: certification that scales linearly in the number of tasks (issue 11).

One run measures, each case in a fresh process (so peak memory is its own):

* the baseline: the exact engine and the interval engine on the same task sets
  with k = 2 ... 20 distinct tasks (common dynamics, random Q and R), and the
  ratio exact / interval;
* the per-box cost of the interval engine (one enclosure of h, h', h'' over all
  tasks) at k = 1,000 and 10,000, per box and per task-box;
* the targets: 1,000 tasks with common dynamics (A = B = 1, random rational Q,
  R) under 30 s; 1,000 tasks with different A and B under 60 s; 10,000 tasks
  under 5 minutes; memory linear in k (max RSS per case, and RSS / k).

    python benchmarks/bench_scale.py [--quick] [--skip-exact]

Ratios and measured times are printed; nothing is asserted.
"""
import argparse
import json
import random
import resource
import subprocess
import sys
import time
from fractions import Fraction as Fr

TARGETS = {"common-1000": 30, "hetero-1000": 60, "hetero-10000": 300, "common-10000": 300}


def taskset(kind: str, n: int, seed: int = 7):
    from symlqr.tasks import Task, TaskSet
    rng = random.Random(seed)

    def r(lo, hi):
        return Fr(rng.randint(lo, hi), 100)
    if kind == "common":                     # A = B = 1, Q, R in [1, 5]
        tasks = [Task(1, 1, r(100, 500), r(100, 500)) for _ in range(n)]
        return TaskSet(tasks, Fr(1, 10))
    if kind == "hetero":                     # A, B in [0.95, 1.05], Q, R in [1, 5]
        tasks = [Task(r(95, 105), r(95, 105), r(100, 500), r(100, 500)) for _ in range(n)]
        return TaskSet(tasks, Fr(1, 10))
    if kind == "scaled":                     # scaled copies of (1, 1, 2, 2): Figure 2
        tasks = [Task(1, 1, s, s) for s in (r(10, 300) for _ in range(n))]
        return TaskSet(tasks, Fr(1, 100))
    raise ValueError(kind)


def run_case(kind: str, n: int, engine: str) -> dict:
    from symlqr.scalar.engines import certify_landscape
    ts = taskset(kind, n)
    t0 = time.perf_counter()
    ls = certify_landscape(ts, engine=engine, max_degree=None)
    sec = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"kind": kind, "n": n, "engine": engine, "seconds": sec, "rss_mb": rss,
            "counts": ls.counts(), "certified": ls.certified,
            "boxes": getattr(ls, "boxes", None)}


def per_box(n: int, boxes: int = 64) -> dict:
    import numpy as np
    from symlqr.scalar.taskterms import TaskParams, interval_terms
    ts = taskset("hetero", n)
    p = TaskParams.from_tasks(ts.tasks, ts.eta, ts.weights)
    lo = np.linspace(0.5, 0.9, boxes)
    interval_terms(lo, lo + 1e-3, p)
    t0 = time.perf_counter()
    interval_terms(lo, lo + 1e-3, p)
    sec = (time.perf_counter() - t0) / boxes
    return {"n": n, "per_box_ms": sec * 1e3, "per_task_box_us": sec / n * 1e6}


def child(args: list) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", *map(str, args)],
                         capture_output=True, text=True, timeout=900)
    if out.returncode != 0:
        return {"error": out.stderr.strip().splitlines()[-1:]}
    return json.loads(out.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true", help="skip the 10,000-task cases")
    ap.add_argument("--skip-exact", action="store_true", help="skip the exact baseline")
    ap.add_argument("--child", nargs="+")
    a = ap.parse_args()
    if a.child:
        if a.child[0] == "perbox":
            print(json.dumps(per_box(int(a.child[1]))))
        else:
            print(json.dumps(run_case(a.child[0], int(a.child[1]), a.child[2])))
        return
    print("baseline: exact vs interval engine, common dynamics, k distinct tasks")
    print(f"{'k':>6} {'exact s':>9} {'interval s':>11} {'exact/interval':>15} agree")
    for k in ([] if a.skip_exact else [2, 5, 11, 20]):
        e, i = child(["common", k, "exact"]), child(["common", k, "interval"])
        agree = e.get("counts") == i.get("counts")
        print(f"{k:>6} {e['seconds']:>9.3f} {i['seconds']:>11.3f} "
              f"{e['seconds'] / i['seconds']:>15.1f} {agree}")
    print("\nper-box cost of the interval enclosure (h, h', h'' and the midpoint)")
    for n in (1000, 10000):
        r = child(["perbox", n])
        print(f"  k = {n:>6}: {r['per_box_ms']:.2f} ms per box, "
              f"{r['per_task_box_us']:.3f} us per task-box")
    print("\ntargets (interval engine, each case in its own process)")
    cases = [("common", 100), ("hetero", 100), ("common", 1000), ("hetero", 1000),
             ("scaled", 1000)]
    if not a.quick:
        cases += [("common", 10000), ("hetero", 10000), ("scaled", 10000)]
    print(f"{'case':>14} {'seconds':>8} {'target':>7} {'boxes':>7} {'max RSS MB':>10} "
          f"{'MB per 1k tasks above k=100':>27} certified counts")
    base = {}
    for kind, n in cases:
        r = child([kind, n, "interval"])
        if "error" in r:
            print(f"{kind}-{n}: error {r['error']}")
            continue
        base.setdefault(kind, (n, r["rss_mb"]))
        n0, m0 = base[kind] if kind != "scaled" else base.get("common", (n, r["rss_mb"]))
        slope = "-" if n == n0 else f"{(r['rss_mb'] - m0) / (n - n0) * 1000:.1f}"
        target = TARGETS.get(f"{kind}-{n}")
        print(f"{kind + '-' + str(n):>14} {r['seconds']:>8.2f} {str(target or '-'):>7} "
              f"{r['boxes']:>7} {r['rss_mb']:>10.0f} {slope:>27} "
              f"{r['certified']} {r['counts']['min']} min / {r['counts']['max']} max, "
              f"{r['counts']['spurious_min']} spurious")


if __name__ == "__main__":
    main()
