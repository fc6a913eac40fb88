"""Benchmark: time of each named stage of the certificate on the paper's figures,
and the whole certify() against a baseline tree measured in the same run
(default: the lead's /work/main checkout; any directory holding a symlqr package).

CPU time (time.process_time) in a fresh process per tree, so that other load on
the machine distorts the ratio less. Ratios, not timed assertions.

    python benchmarks/bench_scalar_stages.py [--baseline DIR] [--repeat N]
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

WHOLE = r"""
import json, sys, time
from symlqr.scalar.landscape import certify
from symlqr.tasks import FIGURE_NAMES, figure
out = {}
for name in FIGURE_NAMES:
    for adaptation in ("gradient", "normalized"):
        best = float("inf")
        for _ in range(int(sys.argv[1])):
            t0 = time.process_time()
            certify(figure(name), adaptation)
            best = min(best, time.process_time() - t0)
        out[f"{name}/{adaptation}"] = best
print(json.dumps(out))
"""


def whole(tree: str, repeat: int) -> dict:
    env = dict(os.environ, PYTHONPATH=tree)
    r = subprocess.run([sys.executable, "-c", WHOLE, str(repeat)], env=env, cwd=tree,
                       capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


def stages(name: str, adaptation: str) -> dict:
    from symlqr.scalar.cells import components, domain_cells
    from symlqr.scalar.maml import MamlObjective
    from symlqr.scalar.points import classify, stationary_points
    from symlqr.scalar.values import global_minima, point_values
    from symlqr.tasks import figure
    times, t = {}, time.process_time()

    def lap(key):
        nonlocal t
        now = time.process_time()
        times[key] = now - t
        t = now
    obj = MamlObjective(figure(name), adaptation)
    comps = components(domain_cells(obj))
    lap("cells")
    roots = stationary_points(obj, comps)
    lap("roots")
    pts = classify(obj, roots)
    lap("types")
    val = point_values(obj, pts, comps)
    lap("values")
    global_minima(val)
    lap("minima")
    return times


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--baseline", default="/work/main")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    sys.path.insert(0, HERE)
    print(f"{'case':<22} " + " ".join(f"{k:>7}" for k in
                                      ("cells", "roots", "types", "values", "minima")) + "   (s CPU)")
    from symlqr.tasks import FIGURE_NAMES
    for name in FIGURE_NAMES:
        for adaptation in ("gradient", "normalized"):
            t = stages(name, adaptation)
            print(f"{name + '/' + adaptation:<22} " + " ".join(f"{v:7.3f}" for v in t.values()))
    new, old = whole(HERE, args.repeat), whole(args.baseline, args.repeat)
    print(f"\n{'case':<22} {'this':>8} {'baseline':>9} {'ratio':>6}   (best of {args.repeat}, s CPU)")
    for k in new:
        print(f"{k:<22} {new[k]:8.3f} {old[k]:9.3f} {new[k] / old[k]:6.2f}")
    tn, to = sum(new.values()), sum(old.values())
    print(f"{'total':<22} {tn:8.3f} {to:9.3f} {tn / to:6.2f}")


if __name__ == "__main__":
    main()
