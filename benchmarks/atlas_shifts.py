"""One figure's atlas over eta in (0, 3/10] from Python, with its stage timings
(wall), its CPU time (and the switch search's) and the number of Taylor shifts (``Shifter.shift``: the cost
of the switch search), each call of the switch search's ``separated`` listed
(class, range, proven, steps halved by :mod:`symlqr.atlas.refine`, shifts, CPU seconds),
and each far bound (:func:`symlqr.atlas.farbound.far_above`: range, end, proven, CPU).

    python benchmarks/atlas_shifts.py fig3c [SECONDS]
"""
import sys
import time
from fractions import Fraction

import symlqr.atlas.branches as br
import symlqr.atlas.core as core
import symlqr.atlas.refine as rf
import symlqr.atlas.switches as sw
from symlqr.atlas import atlas
from symlqr.tasks import figure

COUNT = {"shifts": 0, "halved": 0}


def _counted(shift):
    def wrapped(self, w0, c):
        COUNT["shifts"] += 1
        return shift(self, w0, c)
    return wrapped


def _listed():
    separated, halve = sw.SwitchSearch.separated, rf.Track.halve

    def halved(self, lo, hi):
        COUNT["halved"] += 1
        return halve(self, lo, hi)

    def wrapped(self, u, v, Lu, Lv, g):
        s0, h0, t0 = COUNT["shifts"], COUNT["halved"], time.process_time()
        got = separated(self, u, v, Lu, Lv, g)
        print(f"  {type(self).__name__}.separated [{float(u):.6g}, {float(v):.6g}] "
              f"proven={got[0]} halved={COUNT['halved'] - h0} shifts={COUNT['shifts'] - s0} "
              f"cpu={time.process_time() - t0:.2f} s", flush=True)
        return got
    sw.SwitchSearch.separated, rf.Track.halve = wrapped, halved
    far = sw.far_above

    def far_listed(fam, v, L, g, minima, factor_of, check=lambda: None, u=0, x=None, also=()):
        t0 = time.process_time()
        got = far(fam, v, L, g, minima, factor_of, check, u, x, also)
        print(f"  far_above [{float(u):.6g}, {float(v):.6g}] from {float(v if x is None else x):.6g} "
              f"proven={got} cpu={time.process_time() - t0:.2f} s", flush=True)
        return got
    sw.far_above = far_listed


def _switch_cpu():
    """The switch search's CPU seconds (``core.locate_switches``), kept in COUNT."""
    locate = core.locate_switches

    def wrapped(*args):
        t0 = time.process_time()
        try:
            return locate(*args)
        finally:
            COUNT["switch_cpu"] = time.process_time() - t0
    core.locate_switches = wrapped


def main(fig: str, limit=None) -> None:
    br.Shifter.shift = _counted(br.Shifter.shift)
    _listed()
    _switch_cpu()
    t, c = time.perf_counter(), time.process_time()
    deadline = None if limit is None else time.monotonic() + float(limit)
    at = atlas(figure(fig), "eta", 0, Fraction(3, 10), deadline=deadline)
    print("stages (wall):", {k: round(v, 1) for k, v in at.timings.items()})
    print("critical values:", [(cv.kind, cv.decimal(8)) for cv in at.critical_values])
    print("certified:", at.certified, "undecided:", at.undecided)
    print(f"wall {time.perf_counter() - t:.1f} s, CPU {time.process_time() - c:.1f} s, "
          f"{COUNT['shifts']} shifts; switch search CPU {COUNT.get('switch_cpu', 0):.1f} s")


if __name__ == "__main__":
    main(*sys.argv[1:])
