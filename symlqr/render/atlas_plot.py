"""Bifurcation diagram of a certified atlas: the stationary points' ``W``
against the parameter, coloured by type, with bands where spurious minima exist.

The points are read from full certifications at rational parameters inside
each piece (the order and types of the stationary points are constant on a
piece, so the k-th point is one continuous branch there). matplotlib is
imported lazily; nothing is printed.
"""
from __future__ import annotations

from ..scalar.landscape import certify
from ..exact.realroots import simplest_between

__all__ = ["atlas_figure", "branches", "ranges"]

_COLOURS = {"global min": "tab:green", "spurious min": "tab:red", "max": "tab:blue",
            "degenerate": "tab:purple", "undecided min": "tab:gray"}


def _sample_points(a, b, per_piece: int, hi_included: bool, open_lo=None) -> list:
    """``per_piece`` short rationals spread over ``(a, b)`` plus one within
    ``1e-6 (b - a)`` of each end, so a branch is drawn up to its critical value
    (where two branches meet at a fold) instead of stopping a step short.

    ``open_lo``: ``a`` is the excluded lower end of the atlas's range (``eta = 0``),
    not a critical value: no sample comes closer to it than ``open_lo`` (a drawn
    branch would sit on the excluded end), and a few samples at ``a + (b - a) 2^-j``
    draw the branch's approach to it.

    >>> from fractions import Fraction as F
    >>> min(_sample_points(F(0), F(1, 10), 4, False, open_lo=F(3, 1000))) >= F(3, 1000)
    True
    """
    step = (b - a) / (per_piece + 1)
    ps = {simplest_between(a + step * j - step / 8, a + step * j + step / 8)
          for j in range(1, per_piece + 1)}
    tiny = (b - a) / 10 ** 6
    if open_lo is None:
        ps.add(simplest_between(a, a + tiny))
    else:
        for j in range(2, 8):
            x = a + (b - a) / 2 ** j
            if x - a >= open_lo:
                ps.add(simplest_between(x - (b - a) / 2 ** (j + 4), x))
        ps = {p for p in ps if p - a >= open_lo}
    ps.add(b if hi_included else simplest_between(b - tiny, b))
    return sorted(ps)


def ranges(at) -> list:
    """``(piece_index, a, b, hi_included, part_or_piece)``: the rational ranges
    drawn, one per piece or per part of a split piece (a part's end where the
    switch search proved replaces the piece's critical value there)."""
    out = []
    for k, pc in enumerate(at.pieces):
        a = pc.lo.hi if pc.lo is not None else at.lo
        b = pc.hi.lo if pc.hi is not None else at.hi
        for part in pc.parts or [pc]:
            lo = getattr(part, "lo", None) if pc.parts else None
            hi = getattr(part, "hi", None) if pc.parts else None
            out.append((k, a if lo is None else lo, b if hi is None else hi,
                        pc.hi is None and hi is None, part))
    return out


def branches(at, per_piece: int = 12) -> list:
    """``[(piece_index, label, [p...], [W...])]``: each stationary point's branch,
    sampled at rational points of every piece (every part of a split piece) up
    to its ends (certified); the labels are the part's (``undecided min`` where
    they are not proven)."""
    out = []
    fam = at.family
    gap = (at.hi - at.lo) / 100              # the closest a sample comes to an open end
    for k, a, b, hi_included, part in ranges(at):
        labels = part.labels()
        series = {}
        # an atlas's range is open at its lower end, (lo, hi]: no branch drawn on it
        open_lo = gap if (a == at.lo and at.pieces[k].lo is None) else None
        for p in _sample_points(a, b, per_piece, hi_included, open_lo):
            ls = certify(fam.taskset_at(p), digits=10)
            if len(ls.points) != len(part.landscape.points):
                continue
            for i, pt in enumerate(ls.points):
                series.setdefault((i, labels[i]), ([], []))
                series[(i, labels[i])][0].append(float(p))
                series[(i, labels[i])][1].append(float(pt.W))
        for (i, lab), (xs, ys) in sorted(series.items()):
            out.append((k, lab, xs, ys))
    return out


def atlas_figure(at, per_piece: int = 12):
    """The bifurcation diagram of ``at`` (an :class:`~symlqr.atlas.Atlas`) as a
    matplotlib Figure (no pyplot, no global backend change); render it with
    :func:`symlqr.render.plot.render`."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 4.5))
    ax = fig.add_subplot()
    for k, a, b, _inc, part in ranges(at):
        pc = at.pieces[k]
        spurious = part.counts["spurious_min"]
        if spurious is None or spurious > 0:
            if part is pc or part is pc.parts[0]:         # out to the critical value's bracket
                a = pc.lo.lo if pc.lo is not None else at.lo
            if part is pc or part is pc.parts[-1]:
                b = pc.hi.hi if pc.hi is not None else at.hi
            a, b = float(a), float(b)
            ax.axvspan(a, b, color="tab:gray" if spurious is None else "tab:red",
                       alpha=0.08, lw=0)
    seen = set()
    for _k, lab, xs, ys in branches(at, per_piece):
        ax.plot(xs, ys, "-o", ms=2, color=_COLOURS.get(lab, "k"),
                label=None if lab in seen else lab)
        seen.add(lab)
    for cv in at.critical_values:
        ax.axvline(float(cv.lo), color="k", lw=0.6, ls=":" if cv.kind != "switch" else "--")
    ax.axvline(float(at.lo), color="0.6", lw=1.2, ls="--",
               label=f"{at.family.param} = {float(at.lo):g} (excluded)")
    fam = at.family
    ax.set_xlabel(fam.param)
    ax.set_ylabel("W (stationary points of h)")
    ax.set_title(f"{fam.taskset.name}: stationary points against {fam.param} "
                 "(red bands: spurious minima; grey: undecided)")
    ax.legend(loc="best", fontsize=8)
    fig.set_layout_engine("tight")
    return fig
