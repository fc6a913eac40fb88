"""Where the fold search of a figure's large factor spends its time (CPU): each
corner chart at the walls (:mod:`symlqr.atlas.corners`, the edge and gap
charts one by one), then the search in ``(W, eta)``
(:mod:`symlqr.atlas.solve2`: boxes, rerooted conversions, boxes left
undecided) and the singular points that hold them
(:mod:`symlqr.atlas.singular`), over ``eta`` in ``(0, 3/10]``.

    python benchmarks/atlas_folds_plane.py fig3d
"""
import sys
import time
from fractions import Fraction

import symlqr.atlas.corners as co
import symlqr.atlas.folds as fo
from symlqr.atlas.family import Family
from symlqr.tasks import figure


def _timed(name, fn):
    def wrapped(*args, **kw):
        t = time.process_time()
        got = fn(*args, **kw)
        what = ""
        if name == "edge chart":
            what = f" alpha={args[1]}/{args[2]} s in [{float(args[3]):.4g}, {float(args[4]):.4g}] e <= {args[5]}"
        elif name == "corner":
            what = f" W0={args[1]} side={args[2]}"
        print(f"  {name}{what}: {time.process_time() - t:.1f} s CPU", flush=True)
        return got
    return wrapped


def _plane(solve2):
    def wrapped(*args, **kw):
        t = time.process_time()
        out = solve2(*args, **kw)
        print(f"  search in (W, eta): {time.process_time() - t:.1f} s CPU, {out.boxes} boxes, "
              f"{out.rerooted} rerooted, {len(out.found)} isolated, {len(out.undecided)} undecided",
              flush=True)
        return out
    return wrapped


def main(name: str = "fig3d") -> None:
    co._edge_chart_free = _timed("edge chart", co._edge_chart_free)
    co._gap_box = _timed("gap chart", co._gap_box)
    fo.corner_free = _timed("corner", co.corner_free)
    fo.solve2 = _plane(fo.solve2)
    fam = Family(figure(name), "eta")
    t = time.process_time()
    got = fo.fold_search(fam, Fraction(0), Fraction(3, 10), lambda *a: None)
    for a, values in got.items():
        kinds = [type(v).__name__ for v in values]
        print(f"factor {a}: {len(values)} candidates in (0, 3/10] "
              f"({kinds.count('SingularValue')} at singular points):",
              ", ".join(v.decimal(10) for v in values))
    if not got:
        print("no factor decided by the search (the exact discriminant would be used)")
    print(f"fold search: {time.process_time() - t:.1f} s CPU")


if __name__ == "__main__":
    main(*sys.argv[1:])
