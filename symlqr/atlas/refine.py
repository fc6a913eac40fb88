"""Adaptive partitions for the switch search: each minimum's branch is trapped
along a coarse partition of ``[u, v]``, and only the steps where the slopes'
enclosures are too wide to separate two values are trapped again, halved.

A :class:`Track` keeps one branch's trap steps ``(q0, q1, D, B)`` in the
direction of travel: the box over ``[q0, q1]`` gave ``D``, an enclosure of the
value's slope ``V' = h_p`` there, and ``B`` holds the branch at ``q0`` (the
ball the step started from). Halving a step traps the branch again from ``B``
over ``[q0, m]`` and ``[m, q1]`` (:func:`~symlqr.atlas.branches.trap_refined`):
the other steps, which already hold the branch, are kept. The separation of
``V_j - V_g`` (:func:`~symlqr.atlas.branches.lower_bound_positive`) loses, on
a sub-interval of length ``delta`` where the slope of the difference lies in
``D``, up to ``delta width(D)``; the steps halved are those of the largest such
losses (together half of the total), on the branch that makes most of the width.

>>> from fractions import Fraction
>>> from mpmath import iv
>>> t = Track(None, None, [(Fraction(1), Fraction(0), iv.mpf([1, 2]), None)])
>>> t.intervals()
[(Fraction(0, 1), Fraction(1, 1), mpi('1.0', '2.0'))]
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Callable, Optional

import flint

from .branches import arb_to_iv, trap_refined

__all__ = ["Track", "track", "worst_steps", "MAX_PARTS", "ROUNDS"]

MAX_PARTS = 320      # sub-intervals of one branch beyond which a segment is not refined
ROUNDS = 10          # refinements of one segment at most


@dataclass
class Track:
    """One branch's trap steps (see the module docstring) and how to trap
    them again: ``shifter`` (:class:`~symlqr.atlas.branches.Shifter` of its
    factor) and ``accept`` (the slope enclosure on a box)."""
    shifter: object
    accept: Optional[Callable]
    steps: list

    def intervals(self) -> list:
        """``(lo, hi, D)`` of each step, in increasing order."""
        return sorted(((min(q0, q1), max(q0, q1), D) for q0, q1, D, _B in self.steps),
                      key=lambda e: e[0])

    def halve(self, lo: Fraction, hi: Fraction) -> bool:
        """Trap the step over ``[lo, hi]`` again in two halves (each halved
        further where needed, once); False (the step kept) when that fails."""
        i = next(k for k, (q0, q1, _D, _B) in enumerate(self.steps)
                 if min(q0, q1) == lo and max(q0, q1) == hi)
        q0, q1, _D, B = self.steps[i]
        got = track(self.shifter, self.accept, B, [q0, (q0 + q1) / 2, q1], 1)
        if got is None:
            return False
        self.steps[i:i + 1] = got.steps
        return True


def track(shifter, accept, B, travel: list, depth: int) -> Optional[Track]:
    """The :class:`Track` of the branch through ``B`` at ``travel[0]`` along the
    nodes ``travel`` (steps halved up to ``depth`` times where needed), or None."""
    starts: list = []
    with flint.ctx.workprec(128):
        boxes = trap_refined(shifter, B, travel, accept, depth, starts)
    if boxes is None:
        return None
    return Track(shifter, accept, [(q0, q1, arb_to_iv(D), b)
                                   for (q0, q1, _Y, D), b in zip(boxes, starts)])


def worst_steps(fine: list, Dj: list, Dg: list, tj: Track, tg: Track) -> list:
    """The steps to halve for the pair ``(j, g)``: ``(track, lo, hi)``. On the
    fine sub-intervals of the largest losses ``delta (width Dj + width Dg)``
    (together at least half of the total), the step of each branch whose
    own width there is at least a quarter of the larger one."""
    loss = []
    for i, (a, b) in enumerate(zip(fine, fine[1:])):
        wj, wg = float(Dj[i].delta), float(Dg[i].delta)
        loss.append((float(b - a) * (wj + wg), i, wj, wg))
    loss.sort(reverse=True)
    total, acc, out = sum(x[0] for x in loss), 0.0, set()
    for x, i, wj, wg in loss:
        if acc >= total / 2 and out:
            break
        acc += x
        for t, w in ((tj, wj), (tg, wg)):
            if w >= max(wj, wg) / 4:
                lo, hi = _step_over(t, fine[i], fine[i + 1])
                out.add((id(t), lo, hi))
    tracks = {id(tj): tj, id(tg): tg}
    return [(tracks[k], lo, hi) for k, lo, hi in sorted(out, key=lambda e: (e[0], e[1]))]


def _step_over(t: Track, a: Fraction, b: Fraction) -> tuple:
    """The ``(lo, hi)`` of the step of ``t`` that covers ``[a, b]``."""
    for lo, hi, _D in t.intervals():
        if lo <= a and b <= hi:
            return lo, hi
    raise ValueError("the fine nodes are the union of the steps' ends")
