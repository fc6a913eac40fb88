"""Enclosures of a numerator of grad h over boxes: codac (IBEX's successor) against
symlqr's Bernstein coefficients, in one run.

The polynomial is the first numerator of ``grad h`` for the docs/matrix.md example
(degree 41, about 800 terms), divided by its largest coefficient. For boxes of
half-width 0.5, 0.05 and 0.005 around (0.6, 0.7) it prints a float sample of the
true range (81 points, exact evaluation), codac's natural interval extension of the
expanded polynomial (``AnalyticFunction.eval``) and the Bernstein range
(``symlqr.branch.bernstein``), with the time of each. codac is not a dependency:
``pip install codac`` to run this.

    python benchmarks/bench_codac_enclosures.py
"""
from __future__ import annotations

import time
from fractions import Fraction as Q

import numpy as np

from symlqr.branch import bernstein as bz
from symlqr.matrix.ratfunc import gradient_numerators
from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet


def main() -> None:
    try:
        import codac as cd
    except ImportError:
        raise SystemExit("this benchmark needs codac: pip install codac")
    ts = MatrixTaskSet([MatrixTask([[1, "1/10"], [0, 1]], [[0], [1]], [[1, 0], [0, 1]], [[1]])],
                       "1/100")
    N = gradient_numerators(ts)[0]
    terms = list(zip(N.monoms(), N.coeffs()))
    big = max(abs(Q(int(c.p), int(c.q))) for _, c in terms)
    x = cd.VectorVar(2)
    expr = None
    for (i, j), c in terms:
        cf = float(Q(int(c.p), int(c.q)) / big)
        t = cf * (x[0] ** int(i)) * (x[1] ** int(j)) if (i or j) else cf + 0 * x[0]
        expr = t if expr is None else expr + t
    f = cd.AnalyticFunction([x], expr)
    c = (0.6, 0.7)
    for w in (0.5, 0.05, 0.005):
        box = [(Q(c[0] - w), Q(c[0] + w)), (Q(c[1] - w), Q(c[1] + w))]
        t0 = time.perf_counter()
        ev = f.eval(cd.IntervalVector([[c[0] - w, c[0] + w], [c[1] - w, c[1] + w]]))
        tc = time.perf_counter() - t0
        t0 = time.perf_counter()
        lo, hi, fac = bz.coefficients(N, box)
        tb = time.perf_counter() - t0
        rl, rh = bz.ranges(lo, hi)
        s = big * fac
        pts = [float(bz.exact_value(N, (Q(a), Q(b))) / big)
               for a in np.linspace(c[0] - w, c[0] + w, 9) for b in np.linspace(c[1] - w, c[1] + w, 9)]
        width = max(pts) - min(pts)
        print(f"half-width {w}: sampled range [{min(pts):.3g}, {max(pts):.3g}]; "
              f"codac natural [{ev.lb():.3g}, {ev.ub():.3g}] ({tc * 1e3:.1f} ms, "
              f"{(ev.ub() - ev.lb()) / width:.3g}x the sampled width); Bernstein "
              f"[{float(Q(rl[0]) / s):.3g}, {float(Q(rh[0]) / s):.3g}] ({tb * 1e3:.1f} ms, "
              f"{float((Q(rh[0]) - Q(rl[0])) / s) / width:.3g}x)")


if __name__ == "__main__":
    main()
