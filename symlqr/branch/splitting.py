"""Cutting a batch of boxes that carry Bernstein coefficients, one side each.

Every box ``j`` of the batch is cut across its own variable ``axis[j]`` at the
fraction ``at`` of that side (float cuts, :func:`symlqr.branch.bernstein.cut_fractions`);
the coefficient enclosures ``{name}lo`` / ``{name}hi`` of every ``name`` in
``pairs`` are split with it (:func:`symlqr.branch.bernstein.split`, outward;
polynomials of one shape in one call), the other per-box arrays named in
``copy`` go to both halves. The deciders of the matrix branch-and-bound, of the
hypotheses' boxes and of the atlas's search in the plane all cut this way.

>>> import numpy as np
>>> from fractions import Fraction as Q
>>> from flint import fmpq_mpoly_ctx
>>> from symlqr.branch.bernstein import coefficients
>>> from symlqr.branch.core import Boxes
>>> x, y = fmpq_mpoly_ctx.get(("x", "y"), "lex").gens()
>>> lo, hi, f = coefficients(x * y - 1, [(Q(0), Q(2)), (Q(0), Q(2))], scale=False)
>>> b = Boxes(np.array([[0.0, 0.0]]), np.array([[2.0, 2.0]]), {"0lo": lo, "0hi": hi,
...                                                            "0f": np.array([f], dtype=object)})
>>> halves = split_boxes(b, np.array([0]), ["0"], copy=["0f"], at=0.5)
>>> halves.hi[0].tolist(), halves.lo[1].tolist(), bool(halves.data["0hi"][0].max() < 1.001)   # x y - 1 <= 1 for x <= 1
([1.0, 2.0], [1.0, 0.0], True)
"""
from __future__ import annotations

import numpy as np

from . import bernstein as bz
from .core import SPLIT_AT, Boxes

__all__ = ["split_boxes", "split_by_shape", "smear_axis", "complement"]


def split_boxes(boxes: Boxes, axis, pairs, copy=(), at: float = SPLIT_AT, cuts=None) -> Boxes:
    """Both halves of every box (module docstring); the halves of the boxes cut
    across variable 0 first, then variable 1, and so on, left before right.
    ``cuts``: the float positions of the cuts (one per box, strictly inside its
    side) instead of the fraction ``at``."""
    parts = []
    for var in range(boxes.lo.shape[1]):
        sel = axis == var
        if not sel.any():
            continue
        b = boxes.take(sel)
        if cuts is None:
            cut, frac = bz.cut_fractions(b.lo[:, var], b.hi[:, var], at)
        else:                  # the fraction within 2 roundings, as cut_fractions'
            cut = np.asarray(cuts, dtype=float)[sel]
            frac = (cut - b.lo[:, var]) / (b.hi[:, var] - b.lo[:, var])
        left = Boxes(b.lo.copy(), b.hi.copy(), {})
        right = Boxes(b.lo.copy(), b.hi.copy(), {})
        left.hi[:, var] = cut
        right.lo[:, var] = cut
        halves = split_by_shape({p: (b.data[f"{p}lo"], b.data[f"{p}hi"]) for p in pairs}, var, frac)
        for p, ((llo, lhi), (rlo, rhi)) in halves.items():
            left.data[f"{p}lo"], left.data[f"{p}hi"] = llo, lhi
            right.data[f"{p}lo"], right.data[f"{p}hi"] = rlo, rhi
        for key in copy:
            left.data[key] = b.data[key].copy()
            right.data[key] = b.data[key].copy()
        parts += [left, right]
    return Boxes.concat(parts)


def complement(box: Boxes, lo, hi, pairs, copy=()) -> tuple:
    """``(pieces, rest)``: the one box of ``box`` cut at the faces of the float
    box ``[lo, hi]``, variable by variable (the piece below ``lo_k`` and the
    piece above ``hi_k`` of what is left), so that ``rest`` is the box
    intersected with ``[lo, hi]`` and ``pieces`` (at most ``2 n`` boxes, or
    ``None``) cover the rest of it, with their coefficients split as by
    :func:`split_boxes` (Kearfott's box complement around a verified zero).

    >>> b = Boxes(np.array([[0.0, 0.0]]), np.array([[4.0, 4.0]]))
    >>> pieces, rest = complement(b, [1.0, -1.0], [2.0, 3.0], [])
    >>> pieces.lo.tolist(), pieces.hi.tolist(), rest.lo.tolist(), rest.hi.tolist()
    ([[0.0, 0.0], [2.0, 0.0], [1.0, 3.0]], [[1.0, 4.0], [4.0, 4.0], [2.0, 4.0]], [[1.0, 0.0]], [[2.0, 3.0]])
    """
    rest, pieces = box, []
    for var in range(box.lo.shape[1]):
        for end, below in ((lo[var], True), (hi[var], False)):
            a, b = rest.lo[0, var], rest.hi[0, var]
            if not a < end < b:
                continue
            halves = split_boxes(rest, np.array([var]), pairs, copy, cuts=[end])
            left, right = halves.take([0]), halves.take([1])
            pieces.append(left if below else right)
            rest = right if below else left
    return (Boxes.concat(pieces) if pieces else None), rest


def split_by_shape(coefficients: dict, var: int, frac) -> dict:
    """``name -> ((lo_left, hi_left), (lo_right, hi_right))``: every polynomial's
    coefficients ``name -> (lo, hi)`` (first axis the boxes) cut across variable
    ``var`` at ``frac`` (a float, or one per box), the polynomials of one tensor
    shape in one call of :func:`symlqr.branch.bernstein.split`."""
    groups: dict = {}
    for name, (lo, _) in coefficients.items():
        groups.setdefault(lo.shape, []).append(name)
    out = {}
    for names in groups.values():
        m = coefficients[names[0]][0].shape[0]
        at = np.tile(np.broadcast_to(np.asarray(frac, dtype=float), (m,)), len(names))
        (llo, lhi), (rlo, rhi) = bz.split(np.concatenate([coefficients[p][0] for p in names]),
                                          np.concatenate([coefficients[p][1] for p in names]),
                                          var, at)
        for g, p in enumerate(names):
            rows = slice(g * m, (g + 1) * m)
            out[p] = ((llo[rows], lhi[rows]), (rlo[rows], rhi[rows]))
    return out


def smear_axis(boxes: Boxes, names, rel, min_width: float) -> np.ndarray:
    """Per box, the side along which one of the polynomials ``names`` (coefficients
    ``{name}lo`` / ``{name}hi``) changes most against its size: ``max |dp / dx_v|
    w_v / max |p|`` from the Bernstein coefficients (derivative ranges times the
    width, over the largest coefficient), among the sides whose relative width
    ``rel`` is at least ``2 min_width``; the relatively widest side where that is
    not finite, no side is left or the box would be more than ``2^16`` times
    longer than wide (relative). A curve ``p = 0`` nearly parallel to one side
    is cut across it, not along it. (The choice proves nothing: any side is a
    valid cut.)"""
    m, k = rel.shape
    widths = boxes.hi - boxes.lo
    score = np.zeros((m, k))
    with np.errstate(all="ignore"):
        for name in names:
            lo, hi = boxes.data[f"{name}lo"], boxes.data[f"{name}hi"]
            size = np.maximum(np.abs(lo), np.abs(hi)).reshape(m, -1).max(axis=1)
            for v in range(k):
                dlo, dhi = bz.derivative_ranges(lo, hi, v, widths[:, v])
                score[:, v] = np.maximum(score[:, v],
                                         np.maximum(np.abs(dlo), np.abs(dhi)) * widths[:, v] / size)
    score = np.where(np.isfinite(score) & (rel >= 2 * min_width), score, -np.inf)
    widest = np.argmax(rel, axis=1)
    axis = np.where(np.isfinite(score).any(axis=1), np.argmax(score, axis=1), widest)
    thin = rel.max(axis=1) > 2.0 ** 16 * rel[np.arange(m), axis]
    return np.where(thin, widest, axis)
