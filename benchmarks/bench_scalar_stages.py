"""Benchmark: CPU time of each named stage of the certificate on the paper's
figures, and the whole certify() against the sum of its stages measured in the
same run (the ratio is the cost of what certify() adds around the stages);
optionally against another checkout (``--baseline DIR``, any directory holding
a symlqr package, e.g. ``git worktree add /tmp/base main``).

CPU time (time.process_time), best of ``--repeat`` runs, in a fresh process per
tree, so that other load on the machine distorts the ratio less. Caches warm up
in the first run; the best of several runs is a warm-cache time for both the
stages and certify(). Ratios, not timed assertions.

    python benchmarks/bench_scalar_stages.py [--repeat N] [--baseline DIR]
"""
import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STAGES = ("cells", "roots", "types", "values", "minima")

# this tree: each stage on its own and the whole certify(), in one process
STAGES_AND_WHOLE = r"""
import json, sys, time
from symlqr.scalar.cells import components, domain_cells
from symlqr.scalar.landscape import certify
from symlqr.scalar.maml import MamlObjective
from symlqr.scalar.points import classify, stationary_points
from symlqr.scalar.values import global_minima, point_values
from symlqr.tasks import FIGURE_NAMES, figure


def stages(name, adaptation):
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


out = {}
for name in FIGURE_NAMES:
    for adaptation in ("gradient", "normalized"):
        best, whole = None, float("inf")
        for _ in range(int(sys.argv[1])):
            s = stages(name, adaptation)
            if best is None or sum(s.values()) < sum(best.values()):
                best = s
            t0 = time.process_time()
            certify(figure(name), adaptation)
            whole = min(whole, time.process_time() - t0)
        out[f"{name}/{adaptation}"] = dict(best, certify=whole)
print(json.dumps(out))
"""

# another tree: the whole certify() only (its stages may be named differently)
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


def run(tree: str, script: str, repeat: int) -> dict:
    env = dict(os.environ, PYTHONPATH=tree)
    r = subprocess.run([sys.executable, "-c", script, str(repeat)], env=env, cwd=tree,
                       capture_output=True, text=True, check=True)
    return json.loads(r.stdout)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--baseline", metavar="DIR",
                    help="another checkout to compare the whole certify() with")
    args = ap.parse_args()
    if args.baseline and not os.path.isfile(os.path.join(args.baseline, "symlqr", "__init__.py")):
        print(f"error: --baseline {args.baseline}: no symlqr package in that directory",
              file=sys.stderr)
        sys.exit(2)
    new = run(HERE, STAGES_AND_WHOLE, args.repeat)
    print(f"{'case':<22} " + " ".join(f"{k:>7}" for k in STAGES)
          + f" {'sum':>7} {'certify':>8} {'ratio':>6}   (best of {args.repeat}, s CPU)")
    for case, t in new.items():
        s = sum(t[k] for k in STAGES)
        print(f"{case:<22} " + " ".join(f"{t[k]:7.3f}" for k in STAGES)
              + f" {s:7.3f} {t['certify']:8.3f} {t['certify'] / s:6.2f}")
    s = sum(t[k] for t in new.values() for k in STAGES)
    c = sum(t["certify"] for t in new.values())
    print(f"{'total':<22} " + " " * 40 + f"{s:7.3f} {c:8.3f} {c / s:6.2f}")
    if args.baseline:
        old = run(args.baseline, WHOLE, args.repeat)
        print(f"\n{'case':<22} {'this':>8} {'baseline':>9} {'ratio':>6}   certify(), s CPU")
        for k, t in new.items():
            print(f"{k:<22} {t['certify']:8.3f} {old[k]:9.3f} {t['certify'] / old[k]:6.2f}")
        to = sum(old.values())
        print(f"{'total':<22} {c:8.3f} {to:9.3f} {c / to:6.2f}")


if __name__ == "__main__":
    main()
