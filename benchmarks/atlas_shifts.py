"""One figure's atlas over eta in (0, 3/10] from Python, with its stage timings
(wall), its CPU time and the number of Taylor shifts (``Shifter.shift``: the cost
of the switch search), each call of the switch search's ``slopes`` listed
(range, partition, shifts, CPU seconds).

    python benchmarks/atlas_shifts.py fig3c [SECONDS]
"""
import sys
import time
from fractions import Fraction

import symlqr.atlas.branches as br
import symlqr.atlas.charts as ch
import symlqr.atlas.switches as sw
from symlqr.atlas import atlas
from symlqr.tasks import figure

COUNT = {"shifts": 0}


def _counted(shift):
    def wrapped(self, w0, c):
        COUNT["shifts"] += 1
        return shift(self, w0, c)
    return wrapped


def _listed(cls):
    slopes = cls.slopes

    def wrapped(self, nodes, known, depth):
        s0, t0 = COUNT["shifts"], time.process_time()
        got = slopes(self, nodes, known, depth)
        print(f"  {cls.__name__}.slopes [{float(nodes[0]):.6g}, {float(nodes[-1]):.6g}] "
              f"parts={len(nodes) - 1} trapped={got is not None} shifts={COUNT['shifts'] - s0} "
              f"cpu={time.process_time() - t0:.2f} s", flush=True)
        return got
    cls.slopes = wrapped


def main(fig: str, limit=None) -> None:
    br.Shifter.shift = _counted(br.Shifter.shift)
    _listed(sw.SwitchSearch)
    _listed(ch.ChartSearch)
    t, c = time.perf_counter(), time.process_time()
    deadline = None if limit is None else time.monotonic() + float(limit)
    at = atlas(figure(fig), "eta", 0, Fraction(3, 10), deadline=deadline)
    print("stages (wall):", {k: round(v, 1) for k, v in at.timings.items()})
    print("critical values:", [(cv.kind, cv.decimal(8)) for cv in at.critical_values])
    print("certified:", at.certified, "undecided:", at.undecided)
    print(f"wall {time.perf_counter() - t:.1f} s, CPU {time.process_time() - c:.1f} s, "
          f"{COUNT['shifts']} shifts")


if __name__ == "__main__":
    main(*sys.argv[1:])
