"""One :class:`~symlqr.matrix.landscape.MatrixLandscape` from runs on sub-boxes.

A box ``R`` split into sub-boxes that share only faces (as
:mod:`symlqr.sweep.landscape_dask` does to run them on Dask) is decided by
deciding each: :func:`part_dict` is what a run on a sub-box sends back (plain
data), :func:`merge` joins them. The points are those of every part (a zero
found inside one sub-box lies in the interior of a Krawczyk-proven box within
it, so no zero is found twice; a point found twice anyway, proven the same zero
by Krawczyk box containment, is counted once); the result is complete when every
part is; ``min h``, the labels, ``epsilon`` and ``benign`` are summarized as for
one run, and the claims are about ``R``.

>>> from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
>>> from symlqr.matrix.landscape import complete_landscape
>>> res = complete_landscape(MatrixTaskSet([MatrixTask([[1]], [[1]], [[1]], [[1]])], "1/10"))
>>> twice = merge([part_dict(res)] * 2, res.taskset, box=res.box, box_source=res.box_source,
...               covers=True, level=res.level, level_source=res.level_source)
>>> len(twice.points) == len(res.points), twice.labels == res.labels
(True, True)
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from ..branch.core import Outcome
from .landscape import MatrixLandscape, finish

__all__ = ["merge", "part_dict"]


def part_dict(res: MatrixLandscape) -> dict:
    """The plain parts of a run on a sub-box that :func:`merge` needs (points as
    :meth:`PointCertificate.to_dict`, the outcome's counters and boxes): what a
    Dask task sends back."""
    o = res.outcome
    out = None if o is None else {
        "found_boxes": o.found_boxes, "undecided": o.undecided, "excluded": dict(o.excluded),
        "excluded_volume": dict(o.excluded_volume), "volume": o.volume,
        "found_volume": o.found_volume, "boxes": o.boxes, "stopped": o.stopped,
        "audit": o.audit, "audit_limit": o.audit_limit}
    return {"points": [p.to_dict() for p in res.points], "outcome": out, "reason": res.reason,
            "degrees": res.degrees, "seconds": res.seconds, "box": res.box}


def _same_zero(p, q) -> bool:
    """Proven the same zero of ``grad h``: one point's Krawczyk box (``W +- box_radius``,
    exact rationals of the floats) lies in the other's, which holds exactly one zero."""
    if p.box_radius is None or q.box_radius is None:
        return False
    a = [Fraction(x) for x in np.ravel(p.W)]
    b = [Fraction(x) for x in np.ravel(q.W)]
    rp, rq = Fraction(p.box_radius), Fraction(q.box_radius)
    gap = max(abs(x - y) for x, y in zip(a, b))
    return gap + min(rp, rq) <= max(rp, rq)


def _add_outcome(out: Outcome, o: dict) -> None:
    for key in ("volume", "found_volume", "boxes"):
        setattr(out, key, getattr(out, key) + o[key])
    for key in ("excluded", "excluded_volume"):
        total = getattr(out, key)
        for why, v in o[key].items():
            total[why] = total.get(why, 0) + v
    out.undecided += [tuple(u) for u in o["undecided"]]
    out.audit += [tuple(a) for a in o["audit"]]
    out.audit_limit += o["audit_limit"]
    out.stopped = out.stopped or o["stopped"]


def merge(parts: list, taskset, *, box, box_source: str, covers: bool, level,
          level_source: str, method: str = "maml", steps: int = 1) -> MatrixLandscape:
    """One :class:`MatrixLandscape` from runs on sub-boxes tiling ``box``
    (:func:`part_dict` of each): the points of all (a point found twice, proven
    the same zero by Krawczyk box containment, counted once; sub-boxes share
    only faces and a found zero lies inside its box, so this does not happen),
    complete when every part is, the claims about ``box`` (``box_source``,
    ``covers``: it holds the whole domain)."""
    from .certificate import PointCertificate
    res = MatrixLandscape(taskset=taskset, name=taskset.name, box=[tuple(b) for b in box],
                          box_source=box_source, level=level, level_source=level_source,
                          parts=len(parts), method=method, steps=steps)
    out = Outcome()
    for part in parts:
        res.degrees = res.degrees or part["degrees"]
        for k, v in part["seconds"].items():
            res.seconds[k] = res.seconds.get(k, 0.0) + v
        if part["outcome"] is None:
            res.reason = part["reason"]
            return res
        _add_outcome(out, part["outcome"])
        for d, fb in zip(part["points"], part["outcome"]["found_boxes"]):
            p = PointCertificate(**{k: v for k, v in d.items() if k != "certified_object"})
            if not any(_same_zero(p, q) for q in out.found):
                out.found.append(p)
                out.found_boxes.append(tuple(fb))
    return finish(res, out, taskset, covers)
