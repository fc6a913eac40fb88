"""CPU time of the atlas's candidates stage against a baseline source tree, in one run.

``symlqr.atlas.core.candidates`` over ``eta`` in ``(0, 3/10]`` (the fold search in
``(W, eta)`` with its corner charts, the eliminants and their roots: the first stage of
``python -m symlqr.atlas FIG --vary eta=0:0.3``) for each figure, in child processes
with BLAS on one thread as the command runs it (``OPENBLAS_NUM_THREADS=1`` and
``threadpoolctl``), the baseline tree and this one alternately, so both see the same
load. Each child prints its CPU time, its wall time, the calls of ``solve2`` it finished
(the corner charts and the search in the plane, with their boxes and CPU) and the
candidates' brackets and reasons; the parent says whether the two lists agree and gives
the ratio of CPU times. A child still running after ``--limit`` seconds of wall time
says how far it got (exit 3 from the child: the ratio is then a bound).

    python benchmarks/bench_candidates.py --baseline /work/main fig3a fig3c [--limit S] [--repeat N]

``--baseline`` is a directory holding a ``symlqr`` package (a checkout or a ``git
worktree`` at another commit); this tree is the one holding this file.
"""
import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def child(fig: str, limit: float) -> int:
    """Run in the child: the candidates of ``fig``, one JSON line per finished
    ``solve2`` and one at the end."""
    from threadpoolctl import threadpool_limits
    threadpool_limits(1)
    from fractions import Fraction

    import symlqr.atlas.corners as corners
    import symlqr.atlas.folds as folds
    from symlqr.atlas import core
    from symlqr.atlas.family import Family
    from symlqr.scalar.deadline import Timeout
    from symlqr.tasks import figure

    t0, w0 = time.process_time(), time.monotonic()

    def counted(solve2):
        def wrapped(f1, f2, box, **kw):
            t = time.process_time()
            out = solve2(f1, f2, box, **kw)
            print(json.dumps({"solve2": [int(d) for d in f1.degrees()], "boxes": out.boxes,
                              "found": len(out.found), "undecided": len(out.undecided),
                              "cpu": round(time.process_time() - t, 2),
                              "at": round(time.process_time() - t0, 1)}), flush=True)
            return out
        return wrapped
    corners.solve2 = counted(corners.solve2)
    folds.solve2 = counted(folds.solve2)

    def check(stage=None):
        if time.monotonic() - w0 > limit:
            raise Timeout("limit")

    fam = Family(figure(fig), "eta")
    t0, w0 = time.process_time(), time.monotonic()
    try:
        cands = core.candidates(fam, Fraction(0), Fraction(3, 10), check)
    except Timeout:
        print(json.dumps({"timeout": True, "cpu": time.process_time() - t0,
                          "wall": time.monotonic() - w0}), flush=True)
        return 3
    print(json.dumps({"cpu": time.process_time() - t0, "wall": time.monotonic() - w0,
                      "candidates": [[str(r.lo), str(r.hi), repr(why)] for r, why in cands]}),
          flush=True)
    return 0


def run(tree: Path, fig: str, limit: float) -> dict:
    env = dict(os.environ, PYTHONPATH=str(tree), OPENBLAS_NUM_THREADS="1",
               MKL_NUM_THREADS="1", SYMLQR_BLAS_THREADS="1")
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", fig,
                           "--limit", str(limit)], env=env, capture_output=True, text=True,
                          cwd=str(tree))
    lines = [json.loads(x) for x in proc.stdout.splitlines() if x.startswith("{")]
    if not lines or "cpu" not in lines[-1] or "solve2" in lines[-1]:
        raise SystemExit(f"{tree} {fig}: the child failed: {proc.stderr.strip()[-400:]}")
    out = dict(lines[-1])
    out["solve2"] = [x for x in lines if "solve2" in x]
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("figures", nargs="*", default=["fig3a"])
    ap.add_argument("--baseline", type=Path)
    ap.add_argument("--limit", type=float, default=600.0)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--child", action="store_true")
    args = ap.parse_args(argv)
    if args.child:
        return child(args.figures[0], args.limit)
    if args.baseline is None or not (args.baseline / "symlqr").is_dir():
        print("--baseline must be a directory holding a symlqr package", file=sys.stderr)
        return 2
    print(f"load (1-minute average) at the start: {os.getloadavg()[0]:.2f}")
    for fig in args.figures:
        for k in range(args.repeat):
            got = {}
            for name, tree in (("baseline", args.baseline), ("this tree", HERE)):
                got[name] = r = run(tree, fig, args.limit)
                stages = ", ".join(f"{tuple(s['solve2'])}: {s['boxes']} boxes {s['cpu']:.1f} s"
                                   for s in r["solve2"])
                end = "killed at the limit" if r.get("timeout") else \
                    f"{len(r['candidates'])} candidates"
                print(f"{fig} [{k + 1}] {name}: CPU {r['cpu']:.1f} s, wall {r['wall']:.1f} s, "
                      f"{end}; solve2 finished: {stages}", flush=True)
            a, b = got["baseline"], got["this tree"]
            same = a.get("candidates") == b.get("candidates") if "candidates" in a else None
            print(f"{fig} [{k + 1}] CPU this tree / baseline: {b['cpu'] / a['cpu']:.2f}"
                  + ("" if same is None else f"; candidates identical: {same}"), flush=True)
    print(f"load (1-minute average) at the end: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
