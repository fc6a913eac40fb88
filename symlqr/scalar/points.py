"""Stages 3 and 4 of the certificate: the stationary points and their types.

*Stationary points.* On each segment ``h`` is one rational function; the real
roots of the numerator of ``h'`` inside the segment are isolated exactly, so
the list is complete (an exact count, never a sample).

*Types.* At a root of multiplicity ``m`` of that numerator, the sign of ``h'``
just right of it is ``sign(num^(m)) * sign(den)`` there (decided exactly), and
left of it that times ``(-1)^m``: ``m`` odd gives a strict minimum or maximum,
``m >= 2`` means ``h'' = 0`` (kind ``DEGENERATE``). A kink of the normalized
adaptation is typed by the side on which ``h`` rises or falls, decided by the
first nonzero derivative of ``h_side - h(kink)``.

>>> from symlqr.tasks import figure
>>> from symlqr.scalar.maml import MamlObjective
>>> from symlqr.scalar.cells import components, domain_cells
>>> obj = MamlObjective(figure("fig2"))
>>> comps = components(domain_cells(obj))
>>> [p.kind.value for p in classify(obj, stationary_points(obj, comps), comps)]
['min', 'max', 'min', 'max', 'min']
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import flint

from .cells import Component, Kink, Segment
from .deadline import Check, no_check
from .kinds import PointKind
from .maml import MamlObjective
from .results import StationaryPoint
from ..exact.ratfunc import RationalFunction
from ..exact.realroots import MAX_BITS, RealAlgebraic, real_roots

__all__ = ["Root", "stationary_points", "constant_modes", "classify", "one_sided"]


@dataclass(frozen=True)
class Root:
    """A root of the numerator of ``h'`` (of ``multiplicity``) inside ``segment``."""
    W: RealAlgebraic
    multiplicity: int
    segment: Segment
    derivative: RationalFunction          # h' on the segment's mode


def _by_mode(comps: list[Component]) -> dict:
    by_mode: dict = {}
    for comp in comps:
        for seg in comp.segments:
            by_mode.setdefault(seg.mode, []).append(seg)
    return by_mode


def constant_modes(objective: MamlObjective, comps: list[Component]) -> list[tuple]:
    """Modes of the domain on which ``h`` is constant (every point stationary)."""
    return [m for m in _by_mode(comps) if objective.slope(m).is_zero()]


def stationary_points(objective: MamlObjective, comps: list[Component],
                      check: Check = no_check) -> list[Root]:
    """Every root of ``h'`` inside a segment, mode by mode, isolated exactly
    (modes on which ``h`` is constant are skipped: see :func:`constant_modes`).

    >>> from symlqr.tasks import figure
    >>> from symlqr.scalar.cells import components, domain_cells
    >>> obj = MamlObjective(figure("fig1"))
    >>> [r.multiplicity for r in stationary_points(obj, components(domain_cells(obj)))]
    [1, 1, 1, 1, 1]
    """
    roots = []
    for mode, segs in _by_mode(comps).items():
        check("isolating stationary points")
        dh = objective.slope(mode)
        if dh.is_zero():
            continue
        lo_q = None if segs[0].lo is None else segs[0].lo.lo
        hi_q = None if segs[-1].hi is None else segs[-1].hi.hi
        for r, m in real_roots(dh.num, lo_q, hi_q):
            seg = _locate(r, segs)
            if seg is not None:
                roots.append(Root(r, m, seg, dh))
    return roots


def _locate(r: RealAlgebraic, segs: list[Segment]) -> Optional[Segment]:
    """The segment (open interval) strictly containing ``r``, if any."""
    for seg in segs:
        if seg.lo is not None and r.compare(seg.lo) <= 0:
            continue
        if seg.hi is not None and r.compare(seg.hi) >= 0:
            continue
        return seg
    return None


def _nth_derivative(p: flint.fmpq_poly, m: int) -> flint.fmpq_poly:
    for _ in range(m):
        p = p.derivative()
    return p


def _extremum(left: int, right: int) -> Optional[PointKind]:
    """MIN when ``h'`` goes from - to +, MAX from + to -, else None."""
    return PointKind.MIN if left < 0 < right else PointKind.MAX if left > 0 > right else None


def classify(objective: MamlObjective, roots: list[Root], comps: list[Component],
             max_bits: int = MAX_BITS, check: Check = no_check) -> list[StationaryPoint]:
    """The certified type of every root and kink, and the exact structure at
    it (tasks adapted exactly to their optimum, tasks with ``F_i' = 0``),
    sorted by ``W``; values are filled in by the next stage."""
    points = []
    for root in roots:
        check("classifying stationary points")
        r, m, dh = root.W, root.multiplicity, root.derivative
        right = r.sign_of(_nth_derivative(dh.num, m), max_bits) * r.sign_of(dh.den, max_bits)
        extremum = _extremum(right * (-1) ** m, right)
        kind = extremum if m == 1 and extremum is not None else PointKind.DEGENERATE
        points.append(StationaryPoint(r, kind, m, root.segment.mode, root.segment.component,
                                      extremum=extremum))
    for kink in (k for comp in comps for k in comp.kinks):
        check("classifying kinks")
        points.append(_classify_kink(objective, kink, max_bits))
    points.sort(key=lambda p: (p.W.lo, p.W.hi))
    return [_with_structure(objective, p) for p in points]


def _classify_kink(objective: MamlObjective, kink: Kink, max_bits: int) -> StationaryPoint:
    hk = objective.piece(kink.mode)
    sides = {}
    for side, seg, sgn in (("left", kink.left, -1), ("right", kink.right, 1)):
        if seg is not None:
            sides[side] = one_sided(objective.piece(seg.mode) - hk, kink.at, sgn, max_bits)
    if all(v == "up" for v in sides.values()):
        extremum = PointKind.MIN            # includes an isolated point of the domain
    elif sides and all(v == "down" for v in sides.values()):
        extremum = PointKind.MAX
    else:
        extremum = None
    return StationaryPoint(kink.at, extremum or PointKind.DEGENERATE, 0, kink.mode,
                           kink.component, extremum=extremum, at_kink=True, one_sided=sides)


def _with_structure(objective: MamlObjective, p: StationaryPoint) -> StationaryPoint:
    """``p`` with the tasks ``i`` for which ``F_i(W) = W*_i`` exactly, and (gradient
    adaptation) those with ``F_i'(W) = 0`` exactly."""
    opt, crit = [], []
    for i in range(len(objective.tasks)):
        G = objective.optimum_condition(i, p.mode)
        if p.W.is_root_of(G.num) and not p.W.is_root_of(G.den):
            opt.append(i)
        if (objective.adaptation == "gradient"
                and p.W.is_root_of(objective.adaptation_derivative(i, p.mode).num)):
            crit.append(i)
    p.adapted_to_optimum, p.adaptation_critical = tuple(opt), tuple(crit)
    return p


def one_sided(diff: RationalFunction, x: RealAlgebraic, direction: int,
              max_bits: int = MAX_BITS) -> str:
    """Is ``diff = h_side - h(x)`` positive ("up") or negative ("down") just to
    the side ``direction`` (-1 left, +1 right) of ``x``? Decided exactly via
    the first nonzero derivative ("flat" if none of the first 12 is)."""
    f = diff
    for k in range(0, 12):
        s = x.sign_of(f, max_bits)
        if s != 0:
            s = s * (direction ** k)
            return "up" if s > 0 else "down"
        f = f.derivative()
    return "flat"
