"""Benchmark: matrix LQR -- exact grad h, certificates per point, Algorithm 1 search.

Ratios against baselines measured in the same run, never timed assertions:

1. float ``grad h`` (closed form, O(d^3) per Stein solve) against central
   finite differences of ``h`` (2 rd evaluations), with the difference;
2. certification time per point for (d, r) = (2, 1), (4, 2), (10, 3) with the
   default validated Stein solver against the baseline ``kron_arb`` (Arb's own
   preconditioned solver on every d^2 x d^2 Kronecker system, the first design;
   the issue's prototype measured 3 ms, 17 ms and 3.5 s on another machine);
   also with ``K = 2`` adaptation steps (``--steps 2``: the chain rule through both
   steps), as a ratio to ``K = 1`` in the same run;
3. search: Algorithm 1 from 20 starts on (10, 3) (n = rd = 30), with certificates.

BLAS threads are limited to 1 (small matrices; threads only contend).

    python benchmarks/bench_matrix.py [--repeat N] [--skip-search] [--skip-baseline]
"""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from symlqr.matrix.certificate import certify_point, polish  # noqa: E402
from symlqr.matrix.lqr import optimal_gain  # noqa: E402
from symlqr.matrix.objective import maml_point  # noqa: E402
from symlqr.matrix.search import search  # noqa: E402
from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet  # noqa: E402

SIZES = ((2, 1), (4, 2), (10, 3))


def family(d, r, k, seed=0, eta="0.001"):
    """``k`` tasks: one random stable-ish A, B with small rational perturbations."""
    rng = np.random.default_rng(seed)
    A0 = rng.standard_normal((d, d)) * 0.9 / np.sqrt(d)
    B0 = rng.standard_normal((d, r))
    text = lambda m: [[str(round(float(v), 3)) for v in row] for row in m]
    eye = lambda n: np.eye(n, dtype=int).tolist()
    tasks = [MatrixTask(text(A0 + 0.05 * rng.standard_normal((d, d))),
                        text(B0 + 0.05 * rng.standard_normal((d, r))), eye(d), eye(r))
             for _ in range(k)]
    return MatrixTaskSet(tasks, eta)


def best(f, repeat):
    out, t = None, float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = f()
        t = min(t, time.perf_counter() - t0)
    return out, t


def bench_gradient(repeat):
    print("1. grad h: closed form vs central finite differences (3 tasks)")
    print(f"{'(d, r)':>8} {'closed form':>12} {'finite diff':>12} {'ratio':>7} {'max |diff|':>11}")
    for d, r in SIZES:
        ts = family(d, r, 3)
        W = optimal_gain(*ts.float_tasks()[0][:4])
        g, t_cf = best(lambda: maml_point(W, ts).grad, repeat)

        def fd():
            out, eps = np.zeros_like(W), 1e-6
            for k in range(W.size):
                E = np.zeros_like(W)
                E.flat[k] = eps
                out.flat[k] = (maml_point(W + E, ts).h - maml_point(W - E, ts).h) / (2 * eps)
            return out
        gf, t_fd = best(fd, repeat)
        print(f"{str((d, r)):>8} {t_cf * 1e3:10.2f}ms {t_fd * 1e3:10.2f}ms {t_fd / t_cf:6.1f}x "
              f"{float(np.max(np.abs(g - gf))):11.2e}")


def bench_certify(repeat, baseline):
    print("\n2. certification time per point (one task; the point polished first)")
    print(f"{'(d, r)':>8} {'default':>10} {'kron_arb':>10} {'ratio':>7} {'type':>6} {'prec':>5}")
    times = {}
    for d, r in SIZES:
        ts = family(d, r, 1)
        W, _ = polish(optimal_gain(*ts.float_tasks()[0][:4]), ts)
        c, t = best(lambda: certify_point(W, ts, polish_first=False), repeat)
        assert c.certified
        if baseline:
            cb, tb = best(lambda: certify_point(W, ts, polish_first=False, stein="kron_arb"),
                          repeat)
            base = f"{tb * 1e3:8.0f}ms {tb / t:6.1f}x"
        else:
            base = f"{'-':>10} {'-':>7}"
        print(f"{str((d, r)):>8} {t * 1e3:8.0f}ms {base} {c.type:>6} {c.prec:>5}")
        times[(d, r)] = t
    print("\n2b. the same with K = 2 adaptation steps (maml)")
    print(f"{'(d, r)':>8} {'K = 2':>10} {'/ K = 1':>8} {'type':>6} {'prec':>5}")
    for d, r in SIZES:
        ts = family(d, r, 1)
        W, _ = polish(optimal_gain(*ts.float_tasks()[0][:4]), ts, steps=2)
        c, t = best(lambda: certify_point(W, ts, polish_first=False, steps=2), repeat)
        assert c.certified
        print(f"{str((d, r)):>8} {t * 1e3:8.0f}ms {t / times[(d, r)]:7.1f}x {c.type:>6} "
              f"{c.prec:>5}")


def bench_search():
    print("\n3. search: 20 starts on (d, r) = (10, 3), 2 tasks, 300 iterations each")
    ts = family(10, 3, 2)
    t0 = time.perf_counter()
    res = search(ts, starts=20, iters=300, certify=False)
    t_runs = time.perf_counter() - t0
    t0 = time.perf_counter()
    certs = [certify_point(np.array(p.W), ts, polish_first=False) for p in res.points]
    t_cert = time.perf_counter() - t0
    print(f"runs {t_runs:.1f} s, {len(res.points)} limit point(s), certificates {t_cert:.1f} s "
          f"({sum(c.certified for c in certs)} certified); total {t_runs + t_cert:.1f} s "
          f"(target: 60 s)")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--skip-search", action="store_true")
    p.add_argument("--skip-baseline", action="store_true")
    args = p.parse_args()
    bench_gradient(args.repeat)
    bench_certify(args.repeat, not args.skip_baseline)
    if not args.skip_search:
        bench_search()


if __name__ == "__main__":
    main()
