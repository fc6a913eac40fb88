"""Assumption 1 (finitely many stationary points, nonsingular Hessians) for the
MAML objective of given tasks, for each task's cost, and for every admissible
scalar task (from equation (3)): the checks of ``proofs/assumption1.py``.

>>> from symlqr.tasks import figure
>>> checks, extra = assumption1_checks(figure("fig1"))
>>> len(checks), checks[0].counterexample
(3, False)
"""
from __future__ import annotations

from typing import Optional

from ..scalar import lqr
from ..scalar.landscape import certify
from ..exact.realroots import real_roots
from ..tasks import Task, TaskSet
from .equation3 import hs_system, nonconstant_gradient_system
from .family import hessian_at_optimum, regularity
from ..exact.precision import MAX_BITS
from .verdicts import FAILS, HOLDS, UNDECIDED, Check, Verdict

__all__ = ["assumption1_checks", "regularity_rows"]


# ---------------------------------------------------------------------------
# verdict rows
# ---------------------------------------------------------------------------
def regularity_rows(named: list) -> list:
    """Assumption 1's rows for a list of ``(label, Regularity)``: hypotheses
    that hold when they hold at every listed parameter point."""
    n = len(named)
    at = "" if n == 1 else f" ({n} of {n} parameter points)"

    def row(statement, ok_fn, value_ok, value_bad, detail=""):
        bad = [lab for lab, r in named if not ok_fn(r)]
        return Verdict(statement, "hypothesis", value_ok if not bad else value_bad(bad),
                       HOLDS if not bad else FAILS, detail)

    counts = [r.n_stationary for _, r in named]
    stat = (f"{counts[0]} stationary point(s){' at each' if n > 1 else ''}, num h' != 0"
            if len(set(counts)) == 1 else
            "stationary points " + ", ".join(f"{lab}: {r.n_stationary}" for lab, r in named))
    limits = [f"{lab}: domain interval {k}, end {e}: limit {lim.decimal(8)}"
              for lab, r in named for k, e, lim in r.finite_limits]
    return [
        row("h(., t) is C^2 on its domain", lambda r: r.smooth,
            f"no pole of h in the domain{at}",
            lambda bad: "pole in the domain at " + ", ".join(bad)),
        row("h(., t) -> +inf at every end of its domain", lambda r: r.coercive,
            f"+inf at every end{at}",
            lambda bad: "finite limit at an end at " + ", ".join(bad),
            "Assumption 1 takes a compact X; the domain of h is open, and h -> +inf at "
            "its ends makes its sublevel sets compact" + ("; " + "; ".join(limits)
                                                          if limits else "")),
        row("finitely many stationary points", lambda r: r.finite, stat,
            lambda bad: "num h' = 0 (h constant) at " + ", ".join(bad)),
        row("nonsingular Hessian at every stationary point", lambda r: r.nonsingular,
            f"every root of num h' in the domain is simple{at}",
            lambda bad: "h' = h'' = 0 (equation (3) for h) at " + "; ".join(
                f"{lab}: W = " + ", ".join(f"{p.W.decimal(12)} (multiplicity {p.multiplicity})"
                                          for p in r.singular)
                for lab, r in named if not r.nonsingular)),
    ]


def assumption1_checks(taskset: TaskSet, digits: int = 20, max_bits: int = MAX_BITS,
                       deadline: Optional[float] = None) -> tuple[list, dict]:
    """Checks of ``proofs/assumption1.py``.

    1. Assumption 1 for ``h`` (the MAML objective of the given tasks), the
       hypothesis Theorem 4 needs; rows are hypotheses (never a counterexample).
    2. Assumption 1 for each task's cost ``C_i``, which the proof of
       Proposition 5 claims ("every C(W, t) satisfies Assumption 1"): a failing
       conclusion would contradict the paper.
    3. The same claim for every admissible scalar task, from equation (3).

    >>> from symlqr.tasks import figure
    >>> checks, extra = assumption1_checks(figure("fig1"))
    >>> [v.status for c in checks for v in c.verdicts]
    ['holds', 'holds', 'holds', 'holds', 'holds', 'holds', 'holds', 'holds', 'holds', 'holds']
    """
    ls = certify(taskset, digits=digits, max_bits=max_bits, deadline=deadline)
    reg = regularity(ls)
    checks = [Check("Assumption 1 for the MAML objective h (hypothesis of Theorem 4)",
                    "the given tasks (gradient adaptation)",
                    regularity_rows([("t", reg)]))]
    task_docs = []
    for i, t in enumerate(taskset.tasks, 1):
        check, doc = _task_cost_check(t, i, digits)
        checks.append(check)
        task_docs.append(doc)
    hs, nc = hs_system(None), nonconstant_gradient_system()
    checks.append(Check("Assumption 1 for C(W, t) for every admissible scalar task t "
                        "(proof of Proposition 5)", "all (A, B, Q, R) with Q >= 0, R > 0, "
                        "|A - B W| < 1", [
                            _all_tasks_row(nc, "C(., t) has finitely many stationary points "
                                           "for every admissible t (c(W) is not the zero "
                                           "polynomial)"),
                            _all_tasks_row(hs, "C''(W) != 0 at every stationary point, for "
                                           "every admissible t (HS(Wb) misses the region)")]))
    extra = {"landscape": {"counts": ls.counts(), "epsilon": None if ls.epsilon is None
                           else ls.epsilon.decimal(digits)},
             "tasks": task_docs, "equation3": hs.to_dict(),
             "constant_gradient_system": nc.to_dict()}
    return checks, extra


def _all_tasks_row(analysis, statement: str) -> Verdict:
    ok = analysis.meets_region is False
    return Verdict(statement, "conclusion",
                   f"{len(analysis.cases)} case(s) of the system, all empty on the region"
                   if ok else "some case undecided", HOLDS if ok else UNDECIDED,
                   "\n        ".join(analysis.lines()))


def _poly_text(p) -> str:
    return str(p).replace("x", "W")


def _cost_coercive(t: Task) -> tuple[bool, str]:
    """``C = s0^2 (Q + R W^2) / D``: +inf at a finite end iff ``Q + R W^2 != 0``
    there; at an infinite end (``B = 0``) iff ``R > 0``."""
    lo, hi = lqr.stable_interval(t.A, t.B)
    if lo is None:
        return t.R > 0, "B = 0: C grows like R W^2 / (1 - A^2) at both infinite ends"
    vals = [t.Q + t.R * e * e for e in (lo, hi)]
    return all(v != 0 for v in vals), (f"Q + R W^2 = {vals[0]}, {vals[1]} at the ends "
                                       f"{lo}, {hi} where D = 0")


def _task_cost_check(t: Task, i: int, digits: int) -> tuple[Check, dict]:
    """Assumption 1 for task ``i``'s cost ``C_i`` (1-based ``i``), decided exactly:
    the check and its JSON entry."""
    lo, hi = lqr.stable_interval(t.A, t.B)
    c = lqr.stationarity_poly(t)
    n_stat = sum(1 for r, _ in real_roots(c)
                 if (lo is None or r.compare(lo) > 0) and (hi is None or r.compare(hi) < 0))
    w = lqr.optimal_gain_algebraic(t)
    H, s = hessian_at_optimum(t)
    ends_ok, ends_val = _cost_coercive(t)
    rows = [
        Verdict("task is an admissible LQR task (Q >= 0, R > 0, some stable W)",
                "hypothesis", f"Q = {t.Q}, R = {t.R}, stable W in "
                f"({'-inf' if lo is None else lo}, {'inf' if hi is None else hi})", HOLDS),
        Verdict("C_i -> +inf at the ends of its stable interval", "conclusion", ends_val,
                HOLDS if ends_ok else FAILS),
        Verdict("C_i has finitely many stationary points in its stable interval",
                "conclusion", f"c_i(W) = {_poly_text(c)}: {n_stat} root(s) in the interval",
                HOLDS if not c.is_zero() else FAILS),
        Verdict("C_i'' != 0 at every stationary point", "conclusion",
                f"C_i''(W*) = {H.decimal(digits)} at W* = {w.decimal(digits)}",
                HOLDS if s != 0 and n_stat == 1 else FAILS),
    ]
    check = Check("Assumption 1 for the task's cost C_i (claimed in the proof of "
                  "Proposition 5)", f"task {i}", rows)
    doc = {"task": i, "stationary_points": n_stat, "W_star": w.decimal(digits),
           "hessian_at_W_star": H.outward(digits)}
    return check, doc
