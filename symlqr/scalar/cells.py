"""Stage 1 and 2 of the certificate: the cell decomposition of the real line and
the domain's components.

The real roots of the wall polynomials (stability of ``W`` and of every
``F_i(W)``; for normalized adaptation also the kinks ``C_i'(W) = 0``) are
isolated exactly. They cut the line into the alternating sequence

    open cell_0, breakpoint_0, open cell_1, ..., open cell_n,

and on each element the adaptation mode and the membership in the domain are
constant: read at a rational sample of an open cell, exactly at a breakpoint.
A *component* is a maximal run of elements in the domain; kinks (breakpoints
in the domain where some ``C_i' = 0``) cut it into *segments*, open intervals
on which ``h`` is one rational function.

>>> from symlqr.tasks import figure
>>> from symlqr.scalar.maml import MamlObjective
>>> comps = components(domain_cells(MamlObjective(figure("fig1"))))
>>> len(comps), len(comps[0].segments), comps[0].kinks
(1, 1, [])
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Optional

from .deadline import Check, no_check
from .maml import MamlObjective
from ..exact.realroots import RealAlgebraic, real_roots, simplest_between, sort_disjoint, \
    squarefree_factors

__all__ = ["Cell", "Segment", "Kink", "Component", "domain_cells", "components",
           "breakpoints", "rational_between"]


@dataclass(frozen=True)
class Cell:
    """An open interval ``(lo, hi)`` between consecutive breakpoints (``None``:
    infinite), or a breakpoint itself (``lo is hi``), with its constant mode and
    domain membership; ``kink`` marks a breakpoint where some ``C_i' = 0``."""
    lo: Optional[RealAlgebraic]
    hi: Optional[RealAlgebraic]
    mode: tuple
    in_domain: bool
    kink: bool = False
    sample: Optional[Fraction] = None          # a rational inside an open cell

    @property
    def is_point(self) -> bool:
        return self.lo is not None and self.lo is self.hi


@dataclass(eq=False)
class Segment:
    """An open interval of the domain on which ``h`` is one rational function
    (the piece of ``mode``); ``component`` is the index of its component."""
    lo: Optional[RealAlgebraic]
    hi: Optional[RealAlgebraic]
    mode: tuple
    component: int


@dataclass(eq=False)
class Kink:
    """A breakpoint in the domain where some ``C_i'(W) = 0`` (normalized
    adaptation), with the segments on its two sides (``None``: the domain ends)."""
    at: RealAlgebraic
    mode: tuple
    component: int
    left: Optional[Segment] = None
    right: Optional[Segment] = None


@dataclass(eq=False)
class Component:
    """A maximal interval of the domain, open unless an end is a kink in the
    domain (``lo is hi``: an isolated point). ``lo_segment``/``hi_segment``
    are the segments at open ends (``None`` at a closed end)."""
    index: int
    lo: Optional[RealAlgebraic]
    hi: Optional[RealAlgebraic]
    lo_closed: bool
    hi_closed: bool
    segments: list = field(default_factory=list)
    kinks: list = field(default_factory=list)

    @property
    def lo_segment(self) -> Optional[Segment]:
        return None if self.lo_closed else self.segments[0]

    @property
    def hi_segment(self) -> Optional[Segment]:
        return None if self.hi_closed else self.segments[-1]


def rational_between(a: Optional[RealAlgebraic], b: Optional[RealAlgebraic]) -> Fraction:
    """A simple rational strictly between two disjoint brackets (``None`` = infinity).

    >>> rational_between(None, None), rational_between(None, RealAlgebraic.rational(3))
    (Fraction(0, 1), Fraction(2, 1))
    """
    if a is None and b is None:
        return Fraction(0)
    if a is None:
        return Fraction(int(b.lo) - 1 if b.lo > 0 else -(int(-b.lo) + 2))
    if b is None:
        return Fraction(int(a.hi) + 1 if a.hi >= 0 else -(int(-a.hi)) + 1)
    return simplest_between(a.hi, b.lo)


def breakpoints(objective: MamlObjective) -> list[RealAlgebraic]:
    """The real roots of the wall polynomials, isolated exactly, sorted, distinct."""
    factors = []
    for p in objective.wall_polys():
        for f, _ in squarefree_factors(p):
            if not any(f == g for g in factors):
                factors.append(f)
    return [r for r, _ in sort_disjoint([(r, None) for f in factors for r, _m in real_roots(f)])]


def domain_cells(objective: MamlObjective, check: Check = no_check) -> list[Cell]:
    """The cell decomposition: open cells and breakpoints, alternating, from
    ``-inf`` to ``+inf``, each with its mode and its domain membership (exact).

    >>> from symlqr.tasks import figure
    >>> cells = domain_cells(MamlObjective(figure("fig1")))
    >>> len(cells), [k for k, c in enumerate(cells) if c.in_domain]     # 8 walls, 9 open cells
    (17, [8])
    """
    check("isolating the domain boundary")
    bps = breakpoints(objective)
    opens = []
    for k in range(len(bps) + 1):
        lo = bps[k - 1] if k > 0 else None
        hi = bps[k] if k < len(bps) else None
        x = rational_between(lo, hi)
        mode = objective.mode_at(x)
        opens.append(Cell(lo, hi, mode, objective.in_domain(x, mode), sample=x))
    points = []
    for bp in bps:
        if objective.adaptation == "normalized":
            mode = objective.mode_at(bp)
            points.append(Cell(bp, bp, mode, objective.in_domain(bp, mode), kink=0 in mode))
        else:   # every wall is a root of a condition: never inside the domain
            points.append(Cell(bp, bp, (), False))
    cells = [opens[0]]
    for bp_cell, open_cell in zip(points, opens[1:]):
        cells += [bp_cell, open_cell]
    return cells


def components(cells: list[Cell]) -> list[Component]:
    """The domain's components (maximal runs of cells in the domain), each cut
    by its kinks into segments.

    >>> from symlqr.tasks import figure
    >>> comps = components(domain_cells(MamlObjective(figure("fig3c"), "normalized")))
    >>> [(len(c.segments), len(c.kinks)) for c in comps]
    [(6, 5)]
    """
    out: list[Component] = []
    i = 0
    while i < len(cells):
        if not cells[i].in_domain:
            i += 1
            continue
        j = i
        while j + 1 < len(cells) and cells[j + 1].in_domain:
            j += 1
        out.append(_component(len(out), cells[i:j + 1]))
        i = j + 1
    return out


def _component(index: int, run: list[Cell]) -> Component:
    """One component from a run of in-domain cells."""
    first, last = run[0], run[-1]
    comp = Component(index, first.lo, last.hi, lo_closed=first.is_point,
                     hi_closed=last.is_point)
    seg = None
    for cell in run:
        if cell.is_point and cell.kink:
            comp.kinks.append(Kink(cell.lo, cell.mode, index, left=seg))
            seg = None
        elif not cell.is_point:
            if seg is None:
                seg = Segment(cell.lo, cell.hi, cell.mode, index)
                comp.segments.append(seg)
                if comp.kinks and comp.kinks[-1].right is None and comp.kinks[-1].at is cell.lo:
                    comp.kinks[-1].right = seg
            else:
                seg.hi = cell.hi
    return comp
