"""Stages 3 and 4 of the certificate: the stationary points and their types,
and the kinks.

*Stationary points.* On each component ``h`` is one rational function; the
real roots of the numerator of ``h'`` inside the component are isolated
exactly, so the list is complete (an exact count, never a sample).

*Types.* At a root of multiplicity ``m`` of that numerator, the sign of ``h'``
just right of it is ``sign(num^(m)) * sign(den)`` there (decided exactly), and
left of it that times ``(-1)^m``: ``m`` odd gives a strict minimum or maximum,
``m >= 2`` means ``h'' = 0`` (kind ``DEGENERATE``).

*Kinks* (normalized adaptation) are not stationary points: ``h`` is undefined
there. For each side in the domain, the sign of ``h'`` just beside the kink,
decided the same exact way, says whether descent from that side runs into it.

>>> from symlqr.tasks import figure
>>> from symlqr.scalar.maml import MamlObjective
>>> from symlqr.scalar.cells import components, domain_cells, kink_sites
>>> obj = MamlObjective(figure("fig2"))
>>> comps = components(domain_cells(obj))
>>> [p.kind.value for p in classify(obj, stationary_points(obj, comps))]
['min', 'max', 'min', 'max', 'min']
>>> obj = MamlObjective(figure("fig2"), "normalized")
>>> cells = domain_cells(obj)
>>> classify_kinks(obj, kink_sites(cells, components(cells)))
[Kink(W≈0.618034, task 1,2, limits - | -, descent never runs in)]
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

import flint

from .cells import Component, KinkSite
from .deadline import Check, no_check
from .kinds import PointKind
from .maml import MamlObjective
from .results import Kink, StationaryPoint
from ..exact.ratfunc import RationalFunction
from ..exact.realroots import MAX_BITS, PrecisionExhausted, RealAlgebraic, real_roots

__all__ = ["Root", "stationary_points", "constant_modes", "classify", "classify_kinks",
           "slope_sign_beside"]


@dataclass(frozen=True)
class Root:
    """A root of the numerator of ``h'`` (of ``multiplicity``) inside ``component``."""
    W: RealAlgebraic
    multiplicity: int
    component: Component
    derivative: RationalFunction          # h' on the component's mode


def _by_mode(comps: list[Component]) -> dict:
    by_mode: dict = {}
    for comp in comps:
        by_mode.setdefault(comp.mode, []).append(comp)
    return by_mode


def constant_modes(objective: MamlObjective, comps: list[Component]) -> list[tuple]:
    """Modes of the domain on which ``h`` is constant (every point stationary)."""
    return [m for m in _by_mode(comps) if objective.slope(m).is_zero()]


def stationary_points(objective: MamlObjective, comps: list[Component],
                      check: Check = no_check) -> list[Root]:
    """Every root of ``h'`` inside a component, mode by mode, isolated exactly
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


def _locate(r: RealAlgebraic, segs: list[Component]) -> Optional[Component]:
    """The component (open interval) strictly containing ``r``, if any."""
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


def classify(objective: MamlObjective, roots: list[Root], max_bits: int = MAX_BITS,
             check: Check = no_check) -> list[StationaryPoint]:
    """The certified type of every root, and the exact structure at it (tasks
    adapted exactly to their optimum, tasks with ``F_i' = 0``), sorted by
    ``W``; values are filled in by the next stage."""
    points = []
    for root in roots:
        check("classifying stationary points")
        r, m, dh = root.W, root.multiplicity, root.derivative
        right = r.sign_of(_nth_derivative(dh.num, m), max_bits) * r.sign_of(dh.den, max_bits)
        extremum = _extremum(right * (-1) ** m, right)
        kind = extremum if m == 1 and extremum is not None else PointKind.DEGENERATE
        points.append(StationaryPoint(r, kind, m, root.component.mode, root.component.index,
                                      extremum=extremum))
    points.sort(key=lambda p: (p.W.lo, p.W.hi))
    return [_with_structure(objective, p) for p in points]


def slope_sign_beside(dh: RationalFunction, x: RealAlgebraic, direction: int,
                      max_bits: int = MAX_BITS) -> int:
    """The sign of ``dh`` just to the side ``direction`` (-1 left, +1 right)
    of ``x``, where ``dh`` has no pole: ``sign(num^(k)(x)) * direction^k *
    sign(den(x))`` for the first ``k`` with ``num^(k)(x) != 0`` (exact; it
    exists since ``num`` is a nonzero polynomial). 0 when ``dh = 0``.

    >>> from symlqr.exact.ratfunc import RationalFunction
    >>> x = RealAlgebraic.rational(0)
    >>> [slope_sign_beside(RationalFunction.identity(), x, d) for d in (-1, 1)]
    [-1, 1]
    """
    if dh.is_zero():
        return 0
    p, k = dh.num, 0
    s = x.sign_of(p, max_bits)
    while s == 0:
        p, k = p.derivative(), k + 1
        s = x.sign_of(p, max_bits)
    return s * direction ** k * x.sign_of(dh.den, max_bits)


def _runs_in(objective: MamlObjective, comp: Optional[Component], at: RealAlgebraic,
             direction: int, max_bits: int) -> Optional[bool]:
    """Does descent on ``comp`` (the side ``direction`` of the kink) run into
    it? ``h' < 0`` just left (``h`` falls toward it), ``h' > 0`` just right.
    False when that side is not in the domain, or ``h -> +inf`` there."""
    if comp is None:
        return False
    dh = objective.slope(comp.mode)
    if at.is_root_of(objective.piece(comp.mode).den):
        return False
    try:
        return slope_sign_beside(dh, at, direction, max_bits) == direction
    except PrecisionExhausted:
        return None


def classify_kinks(objective: MamlObjective, sites: list[KinkSite], max_bits: int = MAX_BITS,
                   check: Check = no_check) -> list[Kink]:
    """A :class:`~symlqr.scalar.results.Kink` per site, with the side from
    which descent runs into it decided exactly (limits come with the values)."""
    out = []
    for site in sites:
        check("classifying kinks")
        out.append(Kink(site.at, site.tasks,
                        None if site.left is None else site.left.index,
                        None if site.right is None else site.right.index,
                        _runs_in(objective, site.left, site.at, -1, max_bits),
                        _runs_in(objective, site.right, site.at, 1, max_bits)))
    return out


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
