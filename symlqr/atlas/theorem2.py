"""Theorem 2 on a one-task atlas over eta: the hypothesis ``eta < 1/|C''(W*)|``
at the minimizer ``W*`` against the exact largest ``eta`` with a global objective.

``F(W*) = W*`` for every ``eta`` (``C'(W*) = 0``), so the hypothesis is an
exact bound on ``eta``; the atlas gives the first piece with a spurious minimum.
"""
from __future__ import annotations

from ..exact.enclosure import Enclosure
from ..exact.ratfunc import to_fmpq
from ..scalar import lqr

__all__ = ["theorem2_analysis"]


def theorem2_analysis(fam, pieces: list, hi, digits: int) -> dict:
    """The JSON section ``theorem2`` of a one-task atlas over eta (see the module)."""
    task = fam.taskset.tasks[0]
    wstar = lqr.optimal_gain_algebraic(task)
    H = lqr.hessian_function(task, task.s0_adapt)     # the adaptation's C
    lo_h, hi_h = wstar.enclose(H, int(digits * 3.4) + 20)
    bound = Enclosure(1 / hi_h, 1 / lo_h)
    first_bad = None
    for pc in pieces:
        c = pc.counts
        if c["spurious_min"] is None or c["spurious_min"] > 0 or c["global_min"] == 0:
            first_bad = pc
            break
    doc = {"hypothesis": "eta < 1/|C''(w*)| at the minimizer w* = W* (F(W*) = W* for every eta)",
           "bound": bound.decimal(digits), "bound_interval": [str(bound.lo), str(bound.hi)]}
    if first_bad is None:
        doc["global_for_all_eta_in_range"] = True
        doc["largest_global_eta"] = str(hi)
    else:
        doc["global_for_all_eta_in_range"] = False
        cv = first_bad.lo
        doc["largest_global_eta"] = None if cv is None else cv.decimal(digits)
        doc["largest_global_eta_interval"] = None if cv is None else [str(cv.lo), str(cv.hi)]
        doc["first_spurious_piece"] = str(first_bad.sample)
        if first_bad.counts["spurious_min"] is None:
            doc["first_spurious_piece_undecided"] = True
    # at each piece's sample: at how many minima does the hypothesis hold?
    per = []
    for pc in pieces:
        eta = fam.taskset_at(pc.sample).eta
        holds = 0
        for p in pc.landscape.minima():          # |eta C''(w)| < 1, decided exactly
            below = p.W.sign_of(H * (-to_fmpq(eta)) + 1) > 0
            above = p.W.sign_of(H * to_fmpq(eta) + 1) > 0
            holds += below and above
        per.append({"sample": str(pc.sample), "minima": len(pc.landscape.minima()),
                    "hypothesis_holds_at": holds})
    doc["per_piece"] = per
    if first_bad is not None and first_bad.lo is not None:
        c = first_bad.lo
        doc["ratio_largest_global_to_bound"] = Enclosure(c.lo / bound.hi, c.hi / bound.lo).decimal(6)
    return doc
