"""Certified atlas over the number of inner steps ``K``: for every ``K`` in a
range, the certified fixed points of one MAML variant (``maml``, ``fomaml`` or
``reptile``) side by side.

For ``K = LO, ..., HI`` (both included) :func:`symlqr.scalar.fixedpoints.fixed_points`
certifies the fixed points ``g_K(W) = 0`` of the chosen method (exact real-root
isolation, exact types), ``h_K`` at each attracting point (an enclosure),
``min h_K`` over the K-step domain and each attracting point's gap
``h_K(w) - min h_K``, where ``h_K(W) = sum_i w_i C_i(F_i^K(W))`` is the K-step
MAML objective. For ``maml`` the attracting points are the minima of ``h_K``
(global or spurious, and epsilon); for ``fomaml`` and ``reptile`` the gap says
how far each limit point is from the K-step MAML optimum.

``K`` is a discrete parameter: there are no critical values between rows; each
row is a full certificate. A row whose certificate is not complete (precision
cap, deadline) says ``undecided`` with the reason; the other rows stand.

>>> from symlqr.tasks import figure
>>> at = steps_atlas(figure("fig2"), "reptile", 1, 2, digits=8)
>>> [(r.steps, r.result.counts()["attracting"]) for r in at.rows]
[(1, 1), (2, 1)]
>>> at.to_dict()["rows"][1]["attracting"][0]["W"]
'0.61803399'
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

from ..results import Result
from ..scalar.deadline import Timeout
from ..scalar.fixedpoints import FixedPoints, fixed_points
from ..scalar.variants import MAX_STEPS, METHODS, check_method
from ..tasks import InputError, TaskSet

__all__ = ["StepsRow", "StepsAtlas", "steps_atlas", "check_steps_range", "undecided_row",
           "steps_document", "point_label"]


def check_steps_range(lo: int, hi: int) -> None:
    """``1 <= lo <= hi <= MAX_STEPS`` or a one-line :class:`InputError`.

    >>> check_steps_range(1, 3)
    >>> check_steps_range(2, 1)
    Traceback (most recent call last):
    ...
    symlqr.tasks.InputError: --vary steps=2:1: give 1 <= LO <= HI <= 3
    """
    if not 1 <= lo <= hi <= MAX_STEPS:
        raise InputError(f"--vary steps={lo}:{hi}: give 1 <= LO <= HI <= {MAX_STEPS}"
                         + ("" if hi <= MAX_STEPS else " (the degree of the update grows "
                            "like 5^K: about 1000 at K = 3 on two tasks)"))


def point_label(method: str, p: dict) -> str:
    """An attracting point's label: ``global min``/``spurious min`` (maml),
    ``at min h``/``above min h`` (fomaml, reptile), or ``undecided``.

    >>> point_label("maml", {"global": False}), point_label("reptile", {"global": True})
    ('spurious min', 'at min h')
    """
    g = p.get("global")
    if g is None:
        return "undecided min" if method == "maml" else "undecided"
    if method == "maml":
        return "global min" if g else "spurious min"
    return "at min h" if g else "above min h"


_POINT_KEYS = ("W", "W_interval", "h", "h_interval", "global", "h_minus_min_h",
               "h_minus_min_h_interval", "adapted_to_optimum", "domain_interval")
_ROW_KEYS = ("counts", "min_value", "min_value_interval", "infimum_attained", "epsilon",
             "epsilon_interval", "lower_bound", "certified", "undecided")


@dataclass
class StepsRow:
    """One ``K``: the variant's certificate, or ``None`` with the reason it is missing."""
    steps: int
    result: Optional[FixedPoints] = None
    reason: Optional[str] = None

    @property
    def certified(self) -> bool:
        return self.result is not None and self.result.certified

    def to_dict(self, digits: int) -> dict:
        """The row of the JSON document (the attracting points with ``h`` and the gap)."""
        if self.result is None:
            return undecided_row(self.steps, self.reason or "not computed")
        full = self.result.to_dict(digits)
        row = {"steps": self.steps, "domain": full["domain"]}
        row.update({k: full[k] for k in _ROW_KEYS})
        row["attracting"] = [dict({k: p.get(k) for k in _POINT_KEYS},
                                  label=point_label(self.result.method, p))
                             for p in full["stationary_points"]
                             if p["stability"] == "attracting"]
        return row


def undecided_row(steps: int, reason: str) -> dict:
    """The JSON row of a ``K`` without a certificate.

    >>> undecided_row(3, "timeout")["undecided"]
    ['timeout']
    """
    return {"steps": steps, "domain": None, "counts": None, "min_value": None,
            "min_value_interval": None, "infimum_attained": None, "epsilon": None,
            "epsilon_interval": None, "lower_bound": None, "certified": False,
            "undecided": [reason], "attracting": []}


def steps_document(taskset: TaskSet, method: str, lo: int, hi: int, digits: int,
                   rows: list) -> dict:
    """The JSON document of ``python -m symlqr.atlas --vary steps=LO:HI`` from its
    rows (dicts, in order of ``K``)."""
    undecided = [f"K = {r['steps']}: {u}" for r in rows for u in r["undecided"]]
    doc = {"name": taskset.name, "parameter": "steps", "method": method,
           "range": [lo, hi], "range_note": "every K with LO <= K <= HI (both included)",
           "eta": str(taskset.eta), "weights": [str(w) for w in taskset.weights],
           "tasks": [t.to_dict() for t in taskset.tasks], "digits": digits,
           "rows": rows, "certified": all(r["certified"] for r in rows) and bool(rows),
           "undecided": undecided}
    if taskset.note:
        doc["note"] = taskset.note
    return doc


@dataclass
class StepsAtlas(Result):
    """The certified fixed points of one method for ``K = lo, ..., hi``; see
    :func:`steps_atlas`. The protocol of every result
    (:class:`symlqr.results.Result`; CSV: one row an attracting point)."""
    taskset: TaskSet
    method: str
    lo: int
    hi: int
    rows: list = field(default_factory=list)
    digits: int = 15

    @property
    def certified(self) -> bool:
        return bool(self.rows) and all(r.certified for r in self.rows)

    def to_dict(self) -> dict:
        """The JSON document (timings stay out: same input, same bytes)."""
        return steps_document(self.taskset, self.method, self.lo, self.hi, self.digits,
                              [r.to_dict(self.digits) for r in self.rows])

    def to_rows(self) -> list:
        """One flat dict an attracting point (a ``K`` without any: one row)."""
        out = []
        for r in self.to_dict()["rows"]:
            base = {"steps": r["steps"], "attracting": len(r["attracting"]),
                    "epsilon": r["epsilon"], "certified": r["certified"]}
            out += [dict(base, W=p["W"], h=p["h"], label=p["label"],
                         h_minus_min_h=p["h_minus_min_h"]) for p in r["attracting"]] or [base]
        return out


def steps_atlas(taskset: TaskSet, method: str = "maml", lo: int = 1, hi: int = MAX_STEPS,
                digits: int = 15, deadline: Optional[float] = None,
                progress: Optional[Callable[[str], None]] = None,
                on_row: Optional[Callable[[StepsRow], None]] = None) -> StepsAtlas:
    """Certify the fixed points of ``method`` with ``K`` inner steps for ``K = lo..hi``.

    Parameters
    ----------
    taskset : TaskSet
    method : "maml", "fomaml" or "reptile"
    lo, hi : the range of ``K``, both included (``1 <= lo <= hi <= MAX_STEPS``)
    deadline : ``time.monotonic()`` value; the row running then and the rows after
        it are undecided ("timeout"), the finished rows stand
    progress : ``progress(stage)`` as each stage of each ``K`` finishes ("K = 2: domain")
    on_row : ``on_row(row)`` as each row is finished

    Examples
    --------
    >>> from symlqr.tasks import figure
    >>> at = steps_atlas(figure("fig2"), "maml", 1, 2)
    >>> [(r.result.counts()["global_min"], r.result.counts()["spurious_min"]) for r in at.rows]
    [(1, 2), (1, 4)]
    """
    if method not in METHODS:
        raise InputError(f"unknown method {method!r}; choose maml, fomaml or reptile")
    check_steps_range(lo, hi)
    progress = progress if progress is not None else (lambda stage: None)
    at = StepsAtlas(taskset, method, lo, hi, digits=digits)
    stopped = None
    for K in range(lo, hi + 1):
        check_method(method, K)
        if stopped is not None:
            row = StepsRow(K, reason=f"not computed: the deadline passed at K = {stopped}")
        else:
            try:
                r = fixed_points(taskset, method, K, digits=digits, deadline=deadline,
                                 progress=lambda stage, K=K: progress(f"K = {K}: {stage}"))
                r.digits = digits
                row = StepsRow(K, r)
            except Timeout as exc:
                stopped = K
                row = StepsRow(K, reason=f"timeout while {exc.stage}")
            except ArithmeticError as exc:          # PrecisionExhausted and kin
                row = StepsRow(K, reason=f"not certified: {exc}")
        at.rows.append(row)
        if on_row is not None:
            on_row(row)
    return at
