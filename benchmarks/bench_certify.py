"""Benchmark: certify the paper's six figures in one process.

Prints, for each figure, the certification time (after import), the total,
peak memory, and side by side a naive baseline on fig1 and fig2: sympy
expression trees (together/cancel/diff), then lambdify and numerical root
finding (scipy brentq on sign changes of a dense grid), which certifies
nothing. Also compares building h' with FLINT (symlqr's representation)
against sympy's polynomial rings over QQ. Ratios, not timed assertions.

    python benchmarks/bench_certify.py [--repeat N] [--skip-baseline]
"""
import argparse
import resource
import sys
import time

import numpy as np
import sympy
from scipy.optimize import brentq

from symlqr.scalar import lqr
from symlqr.scalar.landscape import certify
from symlqr.scalar.maml import MamlObjective, maml_objective_expr
from symlqr.tasks import FIGURE_NAMES, figure


def naive_baseline(name):
    """sympy trees -> together/cancel/diff -> lambdify -> brentq: float roots only."""
    ts = figure(name)
    W = sympy.Symbol("W")
    h = maml_objective_expr(W, ts)
    dh = sympy.cancel(sympy.together(sympy.diff(h, W)))
    f = sympy.lambdify(W, dh, "numpy")
    lo, hi = lqr.stable_interval(ts.tasks[0].A, ts.tasks[0].B)
    grid = np.linspace(float(lo), float(hi), 20001)[1:-1]
    with np.errstate(all="ignore"):
        v = f(grid)
    roots, failed = [], 0
    for a, b, fa, fb in zip(grid[:-1], grid[1:], v[:-1], v[1:]):
        if np.isfinite(fa) and np.isfinite(fb) and fa * fb < 0:
            try:
                roots.append(brentq(f, a, b))
            except ValueError:          # float re-evaluation disagrees with the grid
                failed += 1
    return roots, failed


def sympy_ring_numerator(name):
    """h' numerator built with sympy's dense polynomial ring QQ[W] (no FLINT)."""
    from sympy.polys.domains import QQ
    from sympy.polys.rings import ring
    R, x = ring("W", QQ)
    ts = figure(name)
    num, den = R(0), R(1)
    for t, w in zip(ts.tasks, ts.weights):
        A, B, Q, Rc, s0, s0a = (QQ(v.numerator, v.denominator) for v in t.as_tuple())
        eta = QQ(ts.eta.numerator, ts.eta.denominator)
        D = 1 - (A - B * x) ** 2
        c = A * B * Rc * x ** 2 + (Rc * (1 - A ** 2) + B ** 2 * Q) * x - A * B * Q
        q = D ** 2
        p = x * q - eta * 2 * s0a ** 2 * c
        Nt = QQ(w.numerator, w.denominator) * s0 ** 2 * (Q * q ** 2 + Rc * p ** 2)
        Et = q ** 2 - (A * q - B * p) ** 2
        g = den.gcd(Et)
        num, den = num * Et.exquo(g) + Nt * den.exquo(g), den * Et.exquo(g)
    g = num.gcd(den)
    num, den = num.exquo(g), den.exquo(g)
    return num.diff(x) * den - num * den.diff(x)


def flint_numerator(name):
    return MamlObjective(figure(name)).piece(()).derivative().num


def best(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return min(times), out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--skip-baseline", action="store_true")
    args = ap.parse_args(argv)

    certify(figure("fig1"))        # warm caches of imported libraries
    print(f"{'figure':<7} {'certify (s)':>12}  counts (stationary/min/max/global/spurious)")
    total = 0.0
    results = {}
    for name in FIGURE_NAMES:
        t, ls = best(lambda: certify(figure(name)), args.repeat)
        total += t
        c = ls.counts()
        results[name] = (t, ls)
        print(f"{name:<7} {t:>12.4f}  {c['stationary']}/{c['min']}/{c['max']}/"
              f"{c['global_min']}/{c['spurious_min']}  certified={ls.certified}")
    print(f"{'total':<7} {total:>12.4f}  (target: < 1 s on 2 cores)")
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS of this process): {peak_mb:.0f} MB (target: < 500 MB)")

    print("\nh' numerator: FLINT (symlqr) vs sympy's polynomial ring QQ[W]")
    for name in ("fig3c", "fig3d"):
        tf, pf = best(lambda: flint_numerator(name), args.repeat)
        ts_, ps = best(lambda: sympy_ring_numerator(name), 1)
        assert pf.degree() == ps.degree()
        print(f"  {name}: degree {pf.degree()}  flint {tf * 1e3:.2f} ms  sympy ring "
              f"{ts_ * 1e3:.1f} ms  ratio {ts_ / tf:.0f}x")

    if not args.skip_baseline:
        print("\nnaive baseline (sympy trees + lambdify + brentq; float roots, nothing certified)")
        for name in ("fig1", "fig2"):
            tb, (roots, failed) = best(lambda: naive_baseline(name), 1)
            t, ls = results[name]
            print(f"  {name}: baseline {tb:.3f} s ({len(roots)} float roots in the stable "
                  f"interval, {failed} brackets lost), symlqr {t:.4f} s "
                  f"({ls.counts()['stationary']} certified points): baseline/symlqr = {tb / t:.0f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
