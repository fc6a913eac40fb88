"""How the branch-and-bound (``--complete``) grows with the number of gain entries r d.

One run, three cases on the same machine, each with its boxes, time, fraction of the
first box decided, points certified and the peak memory of this process so far:

* r d = 1: the paper's Figure 2 as 1 x 1 matrix tasks (complete in a fraction of a
  second), the baseline;
* r d = 2: the example of docs/matrix.md, ``A = [[1, 1/10], [0, 1]]`` (complete on
  ``{h <= L}``);
* r d = 3: ``examples/chain_3state.json`` (one task: boxes are decided by the domain
  and level conditions and by the chain rule and Krawczyk on ``grad h`` in Arb,
  ``symlqr/matrix/chain_boxes.py``; the numerators of degree 71 are made only if a box
  below ``2^-24`` of the first needs them, then carried at degree 28, 16 or 10 with a
  proven remainder, ``symlqr/branch/reduced.py``; their seconds, if made, are inside the
  budget), stopped after ``--seconds`` of branch-and-bound;
* r d = 3 and 4 without the branch-and-bound: the degree of the numerators of ``grad h``
  (along a random line, ``ratfunc.degrees_along_a_line``: seconds, where the numerators
  in ``r d`` variables are not built) and the size of one dense Bernstein tensor per box
  it implies, ``(n + 1)^(r d)`` coefficients: the chain of docs/matrix.md at ``d = 3``
  and ``4`` (``r = 1``) and a 2 x 2 gain (``A = [[1, 1/10], [0, 1]]``, ``B = I``). The
  Boeing 747 family (4 x 2, ``examples/boeing747_10tasks.json``) is left out: even in
  one variable its rational functions did not finish in 15 minutes (ten tasks) or 10
  minutes (its first task alone).

Times are printed as ratios to the r d = 1 case of the same run.

* with ``--more``: r d = 3 with two tasks (the chain with ``Q = I`` and ``2 I``: no
  chain rule; boxes decided by the Taylor-model tests of
  ``symlqr/matrix/direct_boxes.py``, no numerator made) and r d = 4 (the 4 x 1 chain,
  one task, in its proven stabilizing box; then the 4 x 1 chain and a 2 x 2 gain with
  ``B = I`` on the boxes ``W* +- 0.2`` and ``W* +- 0.5``), each with the same budget.

* with ``--five``: five tasks, ``r d = 3`` and ``4`` (module help).

* with ``--boeing``: the Boeing 747 family (``r d = 8``, ten tasks) without polynomials:
  a local minimum from scipy's BFGS (floats, started at the first task's ``W*``), then
  the Taylor-model box test of ``symlqr/matrix/direct_boxes.py`` (the one a
  branch-and-bound over its gains would use, box by box) on ``W +- rho`` and on the box
  beside it, ``W + 4 rho e_k +- rho``, for ``rho`` from ``1e-6`` to ``1e-2``: its verdict
  and seconds, how far from the point a box can be decided; then the branch-and-bound
  itself (``complete_landscape``, only the conditions on ``W``) on ``W +- rho`` for
  ``rho = 1e-4, 2e-4, 5e-4``, each within ``--seconds``.

* with ``--second-order``: the r d = 3 example on the box ``[-16, 16] x [-4, 4] x
  [-1/2, 1/2]`` around its points, and the 3 x 1 chain with two tasks on its
  stabilizing box, each with the same budget, first without the tests in second-order
  Taylor models (``subdivision.SECOND_ORDER_RATE = None``, the baseline), then with
  them: decided fraction, points, undecided boxes, and the ratio of the undecided
  volumes.

    python benchmarks/bench_matrix_rd.py [--seconds 600] [--skip-3] [--more] [--five] [--boeing]
        [--second-order]
"""
from __future__ import annotations

import argparse
import resource
import time
from fractions import Fraction

from symlqr.matrix.landscape import complete_landscape
from symlqr.matrix.ratfunc import degrees_along_a_line
from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet, load_matrix_tasks_file
from symlqr.tasks import figure


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _numerators(res) -> str:
    """The numerators' seconds; one task, r d >= 3: made only when a box needed
    them, inside the branch-and-bound's seconds."""
    if "numerators" not in res.seconds:
        return "not made: no box needed them"
    return f"{res.seconds['numerators']:.1f} s"


def _case(label: str, ts, base, seconds=None, box=None) -> float:
    t0 = time.perf_counter()
    stop = None
    if seconds is not None:
        def stop(t1=[None]):
            if t1[0] is None:
                t1[0] = time.perf_counter()
            return "time" if time.perf_counter() - t1[0] > seconds else None
    res = complete_landscape(ts, stop=stop, box=box)
    took = time.perf_counter() - t0
    o = res.outcome
    ratio = "" if base is None else f" = {took / base:.0f}x r d = 1"
    print(f"{label}: complete={res.complete}, {len(res.points)} points, degrees {res.degrees}, "
          f"{o.boxes} boxes, decided {o.decided_fraction:.4f} of the box, "
          f"{len(o.undecided)} undecided; polynomials {res.seconds.get('polynomials', 0):.1f} s "
          f"(numerators {_numerators(res)}), "
          + (f"tubes around the edges {res.seconds['edges']:.1f} s, " if 'edges' in res.seconds else "")
          + f"branch-and-bound {res.seconds.get('branch_and_bound', 0):.1f} s, "
          f"total {took:.1f} s{ratio}; peak memory {_peak_mb():.0f} MB", flush=True)
    top = sorted(o.excluded.items(), key=lambda kv: -kv[1])[:6]
    print("    boxes excluded, most used reasons: " + "; ".join(f"{n} {why[:70]}" for why, n in top))
    print("    points: " + (", ".join(f"{p.type} (h in [{p.h[0][:10]}, {p.h[1][:10]}])"
                                     for p in res.points) or "none"), flush=True)
    return took


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=600.0,
                    help="branch-and-bound budget of the r d = 3 case")
    ap.add_argument("--skip-3", action="store_true")
    ap.add_argument("--more", action="store_true",
                    help="also r d = 3 with two tasks and r d = 4 (4 x 1 chain, one task), "
                         "each with the same budget")
    ap.add_argument("--five", action="store_true",
                    help="also five tasks: the 3 x 1 chain (r d = 3, stabilizing box) and the "
                         "4 x 1 chain (r d = 4, on W* +- 0.2 of the first task) with Q = k I, "
                         "k = 1..5, each with the same budget")
    ap.add_argument("--boeing", action="store_true",
                    help="also the Boeing 747 family: the Taylor-model box test on W +- rho "
                         "around a local minimum")
    ap.add_argument("--second-order", action="store_true",
                    help="only the r d = 3 example (one task on a box around its points; two "
                         "tasks), without and with the second-order tests, each with the budget")
    ap.add_argument("--degrees-only", action="store_true",
                    help="only the numerators' degrees for r d = 3 and 4")
    args = ap.parse_args()
    if args.second_order:
        _second_order(args.seconds)
        return
    _degrees()
    if args.degrees_only:
        return
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
    if args.more:
        two = _scaled(3, (1, 2))
        _case(f"r d = 3, two tasks (the chain with Q = I and 2 I; {args.seconds:g} s budget)",
              two, base, args.seconds)
        _case(f"r d = 4 (4 x 1 chain, one task; {args.seconds:g} s budget)", _chain(4), base,
              args.seconds)
        two_by_two = MatrixTaskSet([MatrixTask([[1, "1/10"], [0, 1]], [[1, 0], [0, 1]],
                                               [[1, 0], [0, 1]], [[1, 0], [0, 1]])], "1/100")
        for label, ts in (("4 x 1 chain", _chain(4)), ("2 x 2, B = I", two_by_two)):
            for half in (0.2, 0.5):
                _case(f"r d = 4 ({label}, one task) on the box W* +- {half} "
                      f"({args.seconds:g} s budget)", ts, base, args.seconds, _around(ts, half))
    if args.boeing:
        _boeing(base, args.seconds)
    if args.five:
        for d in (3, 4):
            ts = _five(d)
            box = None if d == 3 else _around(_chain(4), 0.2)
            where = "its stabilizing box" if box is None else "the box W* +- 0.2 of Q = I"
            _case(f"r d = {d}, five tasks ({d} x 1 chain, Q = k I, k = 1..5) on {where} "
                  f"({args.seconds:g} s budget)", ts, base, args.seconds, box)


def _second_order(seconds: float) -> None:
    """Two searches without then with the second-order tests (module docstring):
    the r d = 3 example on a box around its points, and the 3 x 1 chain with two
    tasks (``Q = I`` and ``2 I``) on its stabilizing box."""
    import symlqr.matrix.subdivision as sd
    d = load_matrix_tasks_file("examples/chain_3state.json")
    one = MatrixTaskSet(d["tasks"], d["eta"], d["weights"])
    box = [(Fraction(-16), Fraction(16)), (Fraction(-4), Fraction(4)),
           (Fraction(-1, 2), Fraction(1, 2))]
    two = _scaled(3, (1, 2))
    rate = sd.SECOND_ORDER_RATE
    for name, ts, where in (("r d = 3, one task, on [-16, 16] x [-4, 4] x [-1/2, 1/2]", one, box),
                            ("r d = 3, two tasks (Q = I, 2 I), on its stabilizing box", two, None)):
        left = []
        for label, value in (("first-order tests only (baseline)", None),
                             (f"with second-order tests (rate {rate})", rate)):
            sd.SECOND_ORDER_RATE = value
            try:
                t0 = time.perf_counter()
                res = complete_landscape(ts, box=where, stop=lambda: "time" if time.perf_counter()
                                         - t0 > seconds else None)
            finally:
                sd.SECOND_ORDER_RATE = rate
            o = res.outcome
            left.append(1 - o.decided_fraction)
            print(f"{name}, {label}: complete={res.complete}, {len(res.points)} points, "
                  f"{o.boxes} boxes, decided {o.decided_fraction:.4f}, {len(o.undecided)} "
                  f"undecided, {time.perf_counter() - t0:.1f} s; peak memory {_peak_mb():.0f} MB",
                  flush=True)
        print("    undecided volume, baseline / second-order: "
              + (f"{left[0] / left[1]:.2f}" if left[1] > 0 else "none left with them"), flush=True)


def _boeing(base: float, seconds: float) -> None:
    """The box test on ``W +- rho`` around a BFGS minimum of the Boeing family."""
    import numpy as np
    from scipy.optimize import minimize
    from symlqr.matrix.direct_boxes import BoxRule
    from symlqr.matrix.lqr import optimal_gain
    from symlqr.matrix.objective import maml_point
    d = load_matrix_tasks_file("examples/boeing747_10tasks.json")
    ts = MatrixTaskSet(d["tasks"], d["eta"], d["weights"])
    A, B, Q, R = (np.array(x, dtype=float) for x in ts.float_tasks()[0][:4])
    shape = ts.shape

    def value(w):
        p = maml_point(w.reshape(shape), ts)
        return 1e12 if p is None else p.h
    grad = lambda w: np.asarray(maml_point(w.reshape(shape), ts).grad, dtype=float).reshape(-1)
    got = minimize(value, optimal_gain(A, B, Q, R).reshape(-1), jac=grad, method="BFGS",
                   options={"gtol": 1e-10})
    W = got.x
    print(f"Boeing 747 family (r d = {W.size}, {len(ts.tasks)} tasks): BFGS minimum, h = "
          f"{got.fun:.6g} (floats)", flush=True)
    rule = BoxRule(ts, "maml")
    side = np.zeros_like(W)
    side[np.argmax(np.abs(grad(W + 1e-3)))] = 1.0
    for rho in (1e-6, 1e-5, 1e-4, 1e-3, 1e-2):
        for label, c in (("W", W), ("W + 4 rho e_k", W + 4 * rho * side)):
            t0 = time.perf_counter()
            verdict, what = rule.test(c - rho, c + rho)
            took = time.perf_counter() - t0
            what = f"{what.type}, certified" if verdict == "one" else str(what)[:90]
            print(f"    box {label} +- {rho:g}: {verdict} ({what}), {took:.2f} s = "
                  f"{took / base:.1f}x r d = 1", flush=True)
    for rho in (1e-4, 2e-4, 5e-4):
        _case(f"Boeing 747 family, branch-and-bound on W +- {rho:g}", ts, base, seconds,
              box=[(float(w) - rho, float(w) + rho) for w in W])


def _scaled(d: int, ks) -> MatrixTaskSet:
    """The ``d x 1`` chain with ``Q = k I`` for each ``k`` in ``ks`` (equal weights)."""
    one = _chain(d).tasks[0]
    return MatrixTaskSet([MatrixTask(one.A, one.B, [[k * int(i == j) for j in range(d)]
                                                    for i in range(d)], [[1]])
                          for k in ks], "1/100")


def _five(d: int) -> MatrixTaskSet:
    """The ``d x 1`` chain with ``Q = k I`` for ``k = 1..5`` (equal weights)."""
    return _scaled(d, range(1, 6))


def _around(ts, half: float) -> list:
    """The box ``W* +- half`` (scipy's Riccati solution, rounded to floats)."""
    import numpy as np
    from scipy.linalg import solve_discrete_are
    A, B, Q, R = (np.array(getattr(ts.tasks[0], k), dtype=float) for k in "ABQR")
    P = solve_discrete_are(A, B, Q, R)
    K = np.linalg.solve(R + B.T @ P @ B, B.T @ P @ A).reshape(-1)
    return [(float(k) - half, float(k) + half) for k in K]


def _chain(d: int) -> MatrixTaskSet:
    A = [[Fraction(1, 2) if i == j else Fraction(1, 10) if j == i + 1 else 0 for j in range(d)]
         for i in range(d)]
    B = [[int(i == d - 1)] for i in range(d)]
    eye = [[int(i == j) for j in range(d)] for i in range(d)]
    return MatrixTaskSet([MatrixTask(A, B, eye, [[1]])], "1/100")


def _degrees() -> None:
    cases = [("3 x 1 chain (r d = 3)", _chain(3)), ("4 x 1 chain (r d = 4)", _chain(4)),
             ("2 x 2, B = I (r d = 4)", MatrixTaskSet([MatrixTask(
                 [[1, "1/10"], [0, 1]], [[1, 0], [0, 1]], [[1, 0], [0, 1]], [[1, 0], [0, 1]])],
                 "1/100"))]
    for label, ts in cases:
        t0 = time.perf_counter()
        degs = degrees_along_a_line(ts)
        r, d = ts.shape
        n = max(degs)
        print(f"{label}: numerators of grad h of degree {n} (along a line, "
              f"{time.perf_counter() - t0:.1f} s); a dense Bernstein tensor per box: "
              f"{float((n + 1) ** (r * d)):.3g} coefficients, {8 * 2 * (n + 1) ** (r * d) / 2 ** 30:.3g} GiB "
              f"as float enclosures", flush=True)


if __name__ == "__main__":
    main()
