"""Stage 1 and 2 of the certificate: the cell decomposition of the real line and
the domain's components.

The real roots of the wall polynomials (stability of ``W`` and of every
``F_i(W)``; for normalized adaptation also the kinks ``C_i'(W) = 0``) are
isolated exactly. They cut the line into the alternating sequence

    open cell_0, breakpoint_0, open cell_1, ..., open cell_n,

and on each element the adaptation mode and the membership in the domain are
constant: read at a rational sample of an open cell, exactly at a breakpoint.
A *component* is a maximal run of elements in the domain: an open interval on
which ``h`` is one rational function (the piece of one mode).

*Kinks.* With normalized adaptation the step ``C_i'(W)/|C_i'(W)|`` is ``0/0``
at a zero ``W*_i`` of ``C_i'``, so ``h`` is undefined there: a kink is never in
the domain, and it cuts the domain into two components (or ends one). The
:class:`KinkSite` list records every kink next to the domain with the
components on its two sides.

>>> from symlqr.tasks import figure
>>> from symlqr.scalar.maml import MamlObjective
>>> cells = domain_cells(MamlObjective(figure("fig1")))
>>> len(components(cells)), kink_sites(cells, components(cells))
(1, [])
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Optional

from .deadline import Check, no_check
from .maml import MamlObjective
from ..exact.realroots import RealAlgebraic, real_roots, simplest_between, sort_disjoint, \
    squarefree_factors

__all__ = ["Cell", "Component", "KinkSite", "domain_cells", "components", "kink_sites",
           "breakpoints", "rational_between"]


@dataclass(frozen=True)
class Cell:
    """An open interval ``(lo, hi)`` between consecutive breakpoints (``None``:
    infinite), or a breakpoint itself (``lo is hi``), with its constant mode and
    domain membership; ``kink`` marks a breakpoint where some ``C_i' = 0``
    (normalized adaptation: never in the domain)."""
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
class Component:
    """A maximal open interval ``(lo, hi)`` of the domain (``None``: infinite);
    ``h`` is the rational function of ``mode`` on all of it."""
    index: int
    lo: Optional[RealAlgebraic]
    hi: Optional[RealAlgebraic]
    mode: tuple

    def __repr__(self) -> str:
        ends = ["-inf" if self.lo is None else self.lo.copy().decimal(6),
                "inf" if self.hi is None else self.hi.copy().decimal(6)]
        return f"Component({self.index}: ({ends[0]}, {ends[1]}), mode {self.mode})"


@dataclass(frozen=True)
class KinkSite:
    """A zero ``at`` of ``C_i'`` for the tasks ``tasks`` (0-based), next to
    the domain: ``left``/``right`` are the components ending and starting at
    it (``None``: that side is not in the domain)."""
    at: RealAlgebraic
    tasks: tuple
    left: Optional[Component]
    right: Optional[Component]

    def __repr__(self) -> str:
        sides = [None if c is None else c.index for c in (self.left, self.right)]
        return (f"KinkSite(W≈{self.at.copy().decimal(6)}, tasks {self.tasks}, "
                f"components {sides[0]} | {sides[1]})")


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
    A kink (``0`` in the mode: the normalized step is ``0/0``) is out of the domain.

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
        mode = objective.mode_at(bp)
        if 0 in mode:                       # normalized adaptation: h undefined (0/0)
            points.append(Cell(bp, bp, mode, False, kink=True))
        elif objective.adaptation == "normalized":
            points.append(Cell(bp, bp, mode, objective.in_domain(bp, mode)))
        else:   # every wall is a root of a condition: never inside the domain
            points.append(Cell(bp, bp, (), False))
    cells = [opens[0]]
    for bp_cell, open_cell in zip(points, opens[1:]):
        cells += [bp_cell, open_cell]
    return cells


def components(cells: list[Cell]) -> list[Component]:
    """The domain's components: maximal runs of cells in the domain, each an
    open interval of one mode (kinks, where the mode changes, are out).

    >>> from symlqr.tasks import figure
    >>> comps = components(domain_cells(MamlObjective(figure("fig3c"), "normalized")))
    >>> len(comps), comps[0]
    (6, Component(0: (0.0, 0.5), mode (-1, -1, -1, -1, -1)))
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
        modes = {c.mode for c in cells[i:j + 1]}
        assert len(modes) == 1, "the mode changes only at a kink, which is out of the domain"
        out.append(Component(len(out), cells[i].lo, cells[j].hi, modes.pop()))
        i = j + 1
    return out


def kink_sites(cells: list[Cell], comps: list[Component]) -> list[KinkSite]:
    """Every kink with a component on at least one side, left to right.

    >>> from symlqr.tasks import figure
    >>> obj = MamlObjective(figure("fig2"), "normalized")
    >>> cells = domain_cells(obj)
    >>> [(k.tasks, k.left.index, k.right.index) for k in kink_sites(cells, components(cells))]
    [((0, 1), 0, 1)]
    """
    ending = {id(c.hi): c for c in comps if c.hi is not None}
    starting = {id(c.lo): c for c in comps if c.lo is not None}
    sites = []
    for cell in cells:
        if not cell.kink:
            continue
        left, right = ending.get(id(cell.lo)), starting.get(id(cell.lo))
        if left is not None or right is not None:
            tasks = tuple(i for i, s in enumerate(cell.mode) if s == 0)
            sites.append(KinkSite(cell.lo, tasks, left, right))
    return sites
