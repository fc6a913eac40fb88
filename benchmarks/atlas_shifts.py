"""One figure's atlas over eta in (0, 3/10] from Python, with its stage timings
(wall), its CPU time (and the switch search's) and the number of Taylor shifts (``Shifter.shift``: the cost
of the switch search), each call of the switch search's ``separated`` listed
(class, range, proven, steps halved by :mod:`symlqr.atlas.refine`, shifts, CPU seconds),
and each far bound (:func:`symlqr.atlas.farbound.far_above`: range, end, proven, CPU).

    python benchmarks/atlas_shifts.py fig3c [SECONDS]

When SECONDS pass before the atlas is done, one line on stderr says in which stage it
stopped (with the wall, CPU and shifts so far), and the exit status is 3; a bad figure
name or SECONDS gives one line and exit 2.
"""
import sys
import time
from fractions import Fraction

import symlqr.atlas.branches as br
import symlqr.atlas.core as core
import symlqr.atlas.refine as rf
import symlqr.atlas.switches as sw
from symlqr.atlas import atlas
from symlqr.scalar.deadline import Timeout
from symlqr.tasks import InputError, figure

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


def main(fig: str, limit=None) -> int:
    try:
        fam = figure(fig)
        seconds = None if limit is None else float(limit)
        if seconds is not None and not 0 <= seconds < float("inf"):
            raise ValueError(f"SECONDS must be a number >= 0, not {limit!r}")
        deadline = None if seconds is None else time.monotonic() + seconds
    except (InputError, ValueError) as exc:
        print(f"atlas_shifts: {exc}", file=sys.stderr)
        return 2
    br.Shifter.shift = _counted(br.Shifter.shift)
    _listed()
    _switch_cpu()
    t, c = time.perf_counter(), time.process_time()
    try:
        at = atlas(fam, "eta", 0, Fraction(3, 10), deadline=deadline)
    except Timeout as exc:
        print(f"atlas_shifts: {fig} stopped at its deadline ({limit} s) {exc}; wall "
              f"{time.perf_counter() - t:.1f} s, CPU {time.process_time() - c:.1f} s, "
              f"{COUNT['shifts']} shifts", file=sys.stderr)
        return 3
    print("stages (wall):", {k: round(v, 1) for k, v in at.timings.items()})
    print("critical values:", [(cv.kind, cv.decimal(8)) for cv in at.critical_values])
    print("certified:", at.certified, "undecided:", at.undecided)
    print(f"wall {time.perf_counter() - t:.1f} s, CPU {time.process_time() - c:.1f} s, "
          f"{COUNT['shifts']} shifts; switch search CPU {COUNT.get('switch_cpu', 0):.1f} s")
    return 0


if __name__ == "__main__":
    if not 2 <= len(sys.argv) <= 3:
        print("usage: python benchmarks/atlas_shifts.py FIGURE [SECONDS]", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(*sys.argv[1:]))
