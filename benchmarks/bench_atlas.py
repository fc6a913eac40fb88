"""Timings of the certified atlas, with baselines measured in the same run.

1. Eliminants (the candidate critical values): the discriminant in W of the
   numerator N(W, eta) of h' for the two-task family of issue 12, by
   evaluation at integers and exact interpolation (symlqr.atlas.eliminate)
   against FLINT's fmpq_mpoly discriminant (the old algorithm), which runs in a
   child process killed after --limit seconds (the ratio is then a lower bound).
2. Figures 1 and 2 over eta in (0, 0.3]: the atlas against a naive dense scan
   that certifies the landscape at every eta = k/1000 (300 certifications;
   counts at grid points only, changes located to 1e-3).
3. The six figures over eta in (0, 0.3], each atlas in a child process killed
   after --figures-limit seconds (the stage it was in is named), against the
   same figure's pointwise certify at 20 values of eta, in the same run
   (--figures-only runs just this).
4. (--eliminants FIG ...) where the candidates' time goes: the discriminant
   of the largest factor of N(W, eta), its degree bound and one specialization.
5. The two-task atlases of issue 12 (and fig3c with --fig3c), each in a child
   process killed after --atlas-limit seconds: wall and CPU time against one
   certification of Figure 2 in the same run, and with --before REV against
   the implementation at that git revision, run the same way (--quick skips
   them).

CPU time (time.process_time) is reported next to wall time: the machine may
be shared. The candidates with the folds from the search in the plane against
the exact discriminant: benchmarks/bench_folds.py.

    python benchmarks/bench_atlas.py [--grid N] [--limit SECONDS] [--quick]
                                     [--atlas-limit SECONDS] [--before REV] [--fig3c]
                                     [--figures-limit SECONDS] [--figures-only]
    python benchmarks/bench_atlas.py --eliminants fig3a fig3c fig3d [--full]
"""
import argparse
import json
import multiprocessing as mpc
import os
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from typing import Optional

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


def _in_process(target, arg, limit: float):
    """``(value, None)`` from ``target(arg, queue)`` run in a process, or ``(None,
    seconds waited)`` when it ran past ``limit`` seconds (then it is terminated)."""
    queue = mpc.Queue()
    proc = mpc.Process(target=target, args=(arg, queue))
    t = time.perf_counter()
    proc.start()
    proc.join(limit)
    if proc.is_alive():
        proc.terminate()
        proc.join()
        return None, time.perf_counter() - t
    return queue.get(), None


def bench_eliminant(limit: float) -> None:
    rows = ISSUE12["0.5,1,1,1,1 / 1.2,0.8,2,1,1 over eta (0, 0.3]"][0]
    fam = Family(_taskset(rows), "eta")
    g = fam.n_factors[0][0]
    t = time.process_time()
    d = eliminant(g)
    new = time.process_time() - t
    value, waited = _in_process(_old_discriminant, rows, limit)
    old, bound = (waited, ">=") if value is None else (value, "")
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


FIG3C = "fig3c over eta (0, 0.3]"


def _example(label: str):
    if label == FIG3C:
        return figure("fig3c"), Fraction(3, 10)
    rows, hi = ISSUE12[label]
    return _taskset(rows), hi


def _one_blas_thread():
    """BLAS limited as ``python -m symlqr.atlas`` limits it (one thread unless
    ``SYMLQR_BLAS_THREADS`` says otherwise; :mod:`symlqr.cli.blas`), so the child
    processes time what the command runs; nothing for an older checkout
    (``--before``) without that module."""
    try:
        from symlqr.cli.blas import blas_threads
    except ImportError:
        import contextlib
        return contextlib.nullcontext()
    return blas_threads()


def _run_atlas(label: str, queue) -> None:
    ts, hi = _example(label)
    with _one_blas_thread():
        t, c = time.perf_counter(), time.process_time()
        at = atlas(ts, "eta", 0, hi)
        wall, cpu = time.perf_counter() - t, time.process_time() - c
    queue.put((wall, cpu, len(at.critical_values), len(at.pieces),
               sum(not p.decided for p in at.pieces), at.certified,
               {k: round(v, 2) for k, v in at.timings.items()}))


def _timed(label: str, limit: float, path: Optional[str] = None):
    """The atlas of one example in a child process killed after ``limit``
    seconds (``path``: import symlqr from there, e.g. an older checkout)."""
    if path is not None:
        code = ("import sys, time, queue; sys.path.insert(0, %r); sys.path.insert(0, %r)\n"
                "import json, bench_atlas as b\nq = queue.Queue(); b._run_atlas(%r, q); print(json.dumps(q.get()))"
                % (os.path.dirname(os.path.abspath(__file__)), path, label))
        t = time.perf_counter()
        try:
            out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 timeout=limit, env=dict(os.environ, PYTHONPATH=path))
        except subprocess.TimeoutExpired:
            return None, time.perf_counter() - t
        return json.loads(out.stdout.strip().splitlines()[-1]), None
    return _in_process(_run_atlas, label, limit)


def _checkout(ref: str) -> str:
    """``symlqr`` of the git revision ``ref`` unpacked into a temporary folder."""
    root = subprocess.run(["git", "rev-parse", "--show-toplevel"], capture_output=True,
                          text=True, check=True, cwd=os.path.dirname(__file__)).stdout.strip()
    dest = tempfile.mkdtemp(prefix="symlqr-before-")
    tar = subprocess.run(["git", "archive", ref, "symlqr"], capture_output=True, check=True,
                         cwd=root).stdout
    subprocess.run(["tar", "-x", "-C", dest], input=tar, check=True)
    return dest


def bench_issue12(limit: float, before: Optional[str], with_fig3c: bool) -> None:
    """One row per example of issue 12 (and fig3c): the atlas against one
    certification of Figure 2 (the baseline measured in this run), and
    against the implementation at git revision ``before`` when given."""
    t = time.perf_counter()
    certify(figure("fig2"), digits=15)
    base = time.perf_counter() - t
    old = _checkout(before) if before else None
    print(f"\nissue 12 atlases (child processes killed after {limit:.0f} s); "
          f"baseline: certify fig2 {base:.2f} s")
    for label in list(ISSUE12) + ([FIG3C] if with_fig3c else []):
        got, over = _timed(label, limit)
        if got is None:
            print(f"  {label}: > {over:.0f} s (killed)")
            continue
        wall, cpu, ncv, npc, und, cert, stages = got
        print(f"  {label}: {wall:.1f} s wall, {cpu:.1f} s CPU, {ncv} critical values, "
              f"{npc} pieces ({und} without labels), certified: {cert}; "
              f"atlas / certify fig2 (wall): {wall / base:.0f}")
        print("    stages: " + ", ".join(f"{k} {v:.1f} s" for k, v in stages.items()))
        if old is not None:
            prev, over = _timed(label, limit, old)
            if prev is None:        # killed: its wall time is a lower bound
                print(f"    before ({before}): > {over:.0f} s wall (killed); "
                      f"ratio before / now (wall): >= {over / wall:.1f}")
            else:
                print(f"    before ({before}): {prev[0]:.1f} s wall, {prev[1]:.1f} s CPU, "
                      f"{prev[4]} pieces without labels; ratio before / now: "
                      f"{prev[1] / cpu:.1f} (CPU), {prev[0] / wall:.1f} (wall)")


FIGURES = ("fig1", "fig2", "fig3a", "fig3b", "fig3c", "fig3d")
STAGES = ("family", "candidates", "events", "certify pieces", "switches", "theorem 2")


class _Laps:
    """``progress`` of :func:`atlas` in a child: each finished stage and the
    wall time since the start go to the parent through ``queue``."""

    def __init__(self, queue):
        self.queue, self.t0 = queue, time.perf_counter()

    def append(self, stage: str) -> None:
        self.queue.put(("lap", stage, time.perf_counter() - self.t0))


def _figure_atlas(name: str, queue) -> None:
    with _one_blas_thread():
        t, c = time.perf_counter(), time.process_time()
        at = atlas(figure(name), "eta", 0, Fraction(3, 10), progress=_Laps(queue))
    queue.put(("done", time.perf_counter() - t, time.process_time() - c,
               len(at.critical_values), at.certified))


def _figure_in_process(name: str, limit: float) -> tuple:
    """``(laps, result or None, seconds)``: the atlas of one figure over eta in
    (0, 0.3] in a child process killed after ``limit`` seconds."""
    queue = mpc.Queue()
    proc = mpc.Process(target=_figure_atlas, args=(name, queue))
    t = time.perf_counter()
    proc.start()
    laps, result = [], None
    while result is None and time.perf_counter() - t < limit:
        try:
            msg = queue.get(timeout=min(1.0, max(0.01, limit - (time.perf_counter() - t))))
        except Exception:                      # queue.Empty: still running
            if not proc.is_alive():
                break
            continue
        if msg[0] == "lap":
            laps.append(msg[1:])
        else:
            result = msg[1:]
    if proc.is_alive():
        proc.terminate()
    proc.join()
    return laps, result, time.perf_counter() - t


def bench_six_figures(limit: float, samples: int = 20) -> None:
    """Each figure's atlas over eta in (0, 0.3] (child process, killed after
    ``limit`` s) against the same figure's pointwise ``certify`` at ``samples``
    values eta = 0.3 k / samples, in this run."""
    print(f"\nsix figures over eta in (0, 0.3]: atlas (killed after {limit:.0f} s) against "
          f"certify at {samples} values of eta")
    for name in FIGURES:
        base = figure(name)
        t = time.perf_counter()
        for k in range(1, samples + 1):
            certify(TaskSet(base.tasks, Fraction(3 * k, 10 * samples), base.weights), digits=15)
        pointwise = time.perf_counter() - t
        laps, result, waited = _figure_in_process(name, limit)
        done = [stage for stage, _t in laps]
        nxt = next((st for st in STAGES if st not in done), "?")
        stages = ", ".join(f"{st} at {sec:.1f} s" for st, sec in laps)
        if result is None:
            print(f"  {name}: atlas > {waited:.0f} s (killed in stage '{nxt}'; finished: "
                  f"{stages or 'nothing'}); certify x{samples}: {pointwise:.1f} s; "
                  f"ratio >= {waited / pointwise:.1f}")
        else:
            wall, cpu, ncv, cert = result
            print(f"  {name}: atlas {wall:.1f} s wall ({cpu:.1f} s CPU), {ncv} critical values, "
                  f"certified: {cert}; certify x{samples}: {pointwise:.1f} s; "
                  f"ratio {wall / pointwise:.2f}")
            print(f"    stages finished at: {stages}")


def bench_eliminant_costs(names: list, full: bool) -> None:
    """Where the candidates' time goes for the figures ``names``: the degrees of
    the largest factor of N(W, eta), the degree bound of its discriminant in
    eta (the number of specializations is one more), the CPU time of one
    specialization at the first, middle and last node, and with ``full`` the
    whole discriminant (degree, coefficient size, CPU time)."""
    from symlqr.atlas.eliminate import _nodes, degree_bound, integer_rows
    import flint
    print("\ndiscriminant of the largest factor of N(W, eta) (evaluation/interpolation)")
    for name in names:
        fam = Family(figure(name), "eta")
        g = max((g for g, _m in fam.n_factors), key=lambda g: g.degrees())
        F = integer_rows(g)
        bound = degree_bound(F, [a * k for k, a in enumerate(F)][1:]) - F[-1].degree()
        start = _nodes(F[-1], bound + 1)
        one = []
        for t in (start, start + bound // 2, start + bound):
            c = time.process_time()
            flint.fmpz_poly([a(t) for a in F]).discriminant()
            one.append(time.process_time() - c)
        print(f"  {name}: factor degrees (W, eta) {g.degrees()}, {len(fam.walls)} walls; "
              f"degree bound {bound}: {bound + 1} specializations, one takes "
              + " / ".join(f"{x:.3f}" for x in one) + " s CPU (first / middle / last node)")
        if full:
            c = time.process_time()
            d = eliminant(g)
            bits = max(abs(int(x)).bit_length() for x in d.coeffs())
            print(f"    whole discriminant: degree {d.degree()} in eta, coefficients up to "
                  f"{bits} bits, {time.process_time() - c:.1f} s CPU")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--grid", type=int, default=300, help="points of the baseline scan")
    ap.add_argument("--limit", type=float, default=120.0,
                    help="seconds allowed to the old fmpq_mpoly discriminant")
    ap.add_argument("--quick", action="store_true", help="skip the issue-12 atlases")
    ap.add_argument("--atlas-limit", type=float, default=600.0,
                    help="seconds allowed to each issue-12 atlas")
    ap.add_argument("--fig3c", action="store_true",
                    help="also the five-task fig3c atlas (over 10 minutes)")
    ap.add_argument("--before", metavar="REV",
                    help="also time the implementation at this git revision (e.g. ab5e9c7)")
    ap.add_argument("--figures-limit", type=float, default=240.0,
                    help="seconds allowed to each figure's atlas over eta in (0, 0.3]")
    ap.add_argument("--figures-only", action="store_true",
                    help="only the six figures against certify at 20 values of eta")
    ap.add_argument("--eliminants", nargs="+", metavar="FIG",
                    help="only the cost of the discriminant of these figures' N(W, eta)")
    ap.add_argument("--full", action="store_true",
                    help="with --eliminants: also compute the whole discriminant")
    args = ap.parse_args()
    print(f"cpus: {os.cpu_count()}")
    if args.eliminants:
        bench_eliminant_costs(args.eliminants, args.full)
        return
    if args.figures_only:
        bench_six_figures(args.figures_limit)
        return
    bench_eliminant(args.limit)
    bench_figures(args.grid)
    if not args.quick:
        bench_six_figures(args.figures_limit)
        bench_issue12(args.atlas_limit, args.before, args.fig3c)


if __name__ == "__main__":
    main()
