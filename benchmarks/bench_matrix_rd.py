"""How the branch-and-bound (``--complete``) grows with the number of gain entries r d.

One run, three cases on the same machine, each with its boxes, time, fraction of the
first box decided, points certified and the peak memory of this process so far:

* r d = 1: the paper's Figure 2 as 1 x 1 matrix tasks (complete in a fraction of a
  second), the baseline;
* r d = 2: the example of docs/matrix.md, ``A = [[1, 1/10], [0, 1]]`` (complete on
  ``{h <= L}``);
* r d = 3: ``examples/chain_3state.json`` (numerators of degree 71, carried at degree
  28, 16 and 10 with a proven remainder, computed only on boxes below 1/32 of the first
  box: ``symlqr/branch/reduced.py``), stopped after ``--seconds`` of branch-and-bound.

Times are printed as ratios to the r d = 1 case of the same run.

    python benchmarks/bench_matrix_rd.py [--seconds 600] [--skip-3]
"""
from __future__ import annotations

import argparse
import resource
import time

from symlqr.matrix.landscape import complete_landscape
from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet, load_matrix_tasks_file
from symlqr.tasks import figure


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _case(label: str, ts, base, seconds=None) -> float:
    t0 = time.perf_counter()
    stop = None
    if seconds is not None:
        def stop(t1=[None]):
            if t1[0] is None:
                t1[0] = time.perf_counter()
            return "time" if time.perf_counter() - t1[0] > seconds else None
    res = complete_landscape(ts, stop=stop)
    took = time.perf_counter() - t0
    o = res.outcome
    ratio = "" if base is None else f" = {took / base:.0f}x r d = 1"
    print(f"{label}: complete={res.complete}, {len(res.points)} points, degrees {res.degrees}, "
          f"{o.boxes} boxes, decided {o.decided_fraction:.4f} of the box, "
          f"{len(o.undecided)} undecided; polynomials {res.seconds.get('polynomials', 0):.1f} s, "
          f"branch-and-bound {res.seconds.get('branch_and_bound', 0):.1f} s, "
          f"total {took:.1f} s{ratio}; peak memory {_peak_mb():.0f} MB", flush=True)
    return took


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=600.0,
                    help="branch-and-bound budget of the r d = 3 case")
    ap.add_argument("--skip-3", action="store_true")
    args = ap.parse_args()
    ts = figure("fig2")
    fig2 = MatrixTaskSet([MatrixTask.from_scalar(*t.as_tuple()[:4]) for t in ts.tasks], ts.eta)
    base = _case("r d = 1 (Figure 2, 1x1)", fig2, None)
    docs = MatrixTaskSet([MatrixTask([[1, "1/10"], [0, 1]], [[0], [1]], [[1, 0], [0, 1]], [[1]])],
                         "1/100")
    _case("r d = 2 (docs/matrix.md example, 2x1)", docs, base)
    if not args.skip_3:
        d = load_matrix_tasks_file("examples/chain_3state.json")
        _case(f"r d = 3 (examples/chain_3state.json, 3x1; {args.seconds:g} s budget)",
              MatrixTaskSet(d["tasks"], d["eta"], d["weights"]), base, args.seconds)


if __name__ == "__main__":
    main()
