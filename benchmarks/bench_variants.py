"""Benchmark: certified fixed points of the MAML variants on fig2, against
today's single-step engine measured in the same run.

Targets (issue 10): fig2 with K = 2 under 5 s and K = 3 under 60 s,
certified. Printed: wall and CPU seconds of each run, the ratio to the
baseline ``certify(fig2)`` (today's engine, K = 1), the degree of the
numerator of ``g``, and whether the result is certified; last, the atlas over
the number of inner steps (``python -m symlqr.atlas fig2 --vary steps=1:K``,
in-process) with its ratio to the same baseline. Ratios, never timed
assertions; on a loaded machine compare the CPU column.

    python benchmarks/bench_variants.py [--repeat N] [--max-steps K]
"""
import argparse
import time

from symlqr.atlas.steps import steps_atlas
from symlqr.scalar.fixedpoints import fixed_points
from symlqr.scalar.landscape import certify
from symlqr.scalar.variants import VariantObjective
from symlqr.tasks import figure


def timed(fn, repeat):
    best_wall, best_cpu, out = float("inf"), float("inf"), None
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        out = fn()
        best_wall = min(best_wall, time.perf_counter() - w)
        best_cpu = min(best_cpu, time.process_time() - c)
    return best_wall, best_cpu, out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--max-steps", type=int, default=3)
    args = ap.parse_args()
    ts = figure("fig2")
    bw, bc, _ = timed(lambda: certify(ts), args.repeat)
    print(f"baseline certify(fig2), K = 1: wall {bw:.3f} s, cpu {bc:.3f} s")
    print(f"{'method':<8} {'K':>2} {'deg g':>6} {'wall s':>8} {'cpu s':>8} "
          f"{'x base':>8} {'target':>7}  certified")
    for K in range(1, args.max_steps + 1):
        for method in ("maml", "fomaml", "reptile"):
            deg = VariantObjective(ts, method, K).direction().num.degree()
            w, c, fp = timed(lambda: fixed_points(ts, method, K), args.repeat)
            target = {2: "< 5 s", 3: "< 60 s"}.get(K, "")
            print(f"{method:<8} {K:>2} {deg:>6} {w:>8.2f} {c:>8.2f} {c / bc:>8.1f} "
                  f"{target:>7}  {fp.certified}")
    K = args.max_steps
    w, c, at = timed(lambda: steps_atlas(ts, "maml", 1, K), args.repeat)
    print(f"{'atlas':<8} {'1:' + str(K):>2} {'':>6} {w:>8.2f} {c:>8.2f} {c / bc:>8.1f} "
          f"{'':>7}  {at.certified}   (--vary steps=1:{K}, maml)")


if __name__ == "__main__":
    main()
