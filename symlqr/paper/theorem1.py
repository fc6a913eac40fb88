"""Certified verdict of the paper's Theorem 1: ``f`` global, ``|g''| <= M < inf``
and ``eta < 1/M`` imply that ``h(W) = f(W - eta g'(W))`` is global.

``M = sup |g''|`` is decided exactly: the maximum of ``|g''|`` over the ends of
the domain and the real roots of ``g'''`` inside, each compared with ``1/eta``
by an exact sign.

>>> from symlqr.tasks import figure
>>> [v.status for v in theorem1_checks(figure("fig1"))[0][0].verdicts]
['holds', 'fails', 'fails', 'holds']
"""
from __future__ import annotations

from fractions import Fraction
from typing import Optional

from ..exact.enclosure import Enclosure
from ..exact.realroots import PrecisionExhausted, real_roots
from ..scalar import lqr
from ..scalar.landscape import certify
from ..exact.ratfunc import to_fmpq
from ..tasks import InputError, Task, TaskSet
from .verdict_parts import (PER_TASK_NOTE, constant, cost_is_global, enclose, result_title, show,
                            single_task)
from .verdicts import FAILS, HOLDS, UNDECIDED, Check, Verdict

__all__ = ["hessian_sup", "theorem1_checks"]


def _stable_candidates(H, S):
    """``hessian_sup`` over the whole stable interval ``S``: ``(None, reason)``
    for a pole or growth at infinity, else ``(end values, where)``."""
    lo, hi = S
    where = (f"the stable interval ({'-inf' if lo is None else lo}, "
             f"{'inf' if hi is None else hi})")
    for e in (lo, hi):
        if e is not None and H.den(to_fmpq(e)) == 0 and H.num(to_fmpq(e)) != 0:
            v = H.num(to_fmpq(e))
            return None, (f"over {where}: g'' has a pole at W = {e} (denominator 0, "
                          f"numerator {v} != 0)")
    cands: list = []
    for e in (lo, hi):
        if e is None:
            lim = H.limit_at_infinity()
            if lim is None:
                return None, f"over {where}: |g''| grows without bound at infinity"
            cands.append(lim)
        else:
            cands.append(H(e))
    return cands, where


def hessian_sup(task: Task, interval: Optional[tuple] = None):
    """``M = sup |g''|`` over the stable interval (``interval=None``) or over the
    closed ``[a, b]`` inside it.

    Returns ``(None, reason)`` when ``M = +inf``, else ``(candidates, where)``
    with ``M = max |g''(x)|`` over the candidates: values at the ends (exact
    rationals, or limits at infinity) and RealAlgebraic roots of the third
    derivative inside. ``M = +inf`` is proven by a pole: at an end ``e`` of the
    stable interval the denominator of ``g''`` vanishes and its numerator does
    not.

    >>> hessian_sup(Task(1, 1, 2, 2))[0] is None
    True
    >>> cands, where = hessian_sup(Task(1, 1, 2, 2), (Fraction(1, 2), Fraction(1)))
    >>> where, max(abs(v) for v in cands if isinstance(v, Fraction))
    ('[1/2, 1]', Fraction(512, 27))
    """
    H = lqr.hessian_function(task, task.s0_adapt)
    S = lqr.stable_interval(task.A, task.B)
    if interval is None:
        lo, hi = S
        cands, where = _stable_candidates(H, S)
        if cands is None:
            return None, where
    else:
        lo, hi = interval
        where = f"[{lo}, {hi}]"
        slo, shi = S
        if not ((slo is None or slo < lo) and (shi is None or hi < shi)):
            raise InputError(f"--interval [{lo}, {hi}] is not inside the stable interval "
                             f"({slo}, {shi}) of task A={task.A}, B={task.B}")
        cands = [H(lo), H(hi)]
    dH = H.derivative()
    if not dH.is_zero():
        for r, _ in real_roots(dH.num, lo, hi):
            if (lo is None or r.compare(lo) > 0) and (hi is None or r.compare(hi) < 0):
                cands.append(r)
    return cands, where


def _sup_and_signs(cands: list, H, eta: Fraction, digits: int):
    """Enclosure ``[lo_m, hi_m]`` of ``M = max |g''(x)|`` over the candidates and
    the exact signs of ``1 - eta |g''(x)|``."""
    lo_m, hi_m, signs = Fraction(0), Fraction(0), []
    for c in cands:
        if isinstance(c, Fraction):
            e, d = Enclosure.exact(abs(c)), 1 - eta * abs(c)
            s = (d > 0) - (d < 0)
        else:
            sg = c.sign_of(H)
            e = enclose(c, sg * H, digits) if sg else Enclosure.exact(0)
            s = c.sign_of(constant(1) - (eta * sg) * H) if sg else 1
        lo_m, hi_m = max(lo_m, e.lo), max(hi_m, e.hi)
        signs.append(s)
    return lo_m, hi_m, signs


def _theorem1_bound(task: Task, eta: Fraction, interval, digits: int) -> list:
    """The two hypotheses ``|g''| <= M < inf`` and ``eta < 1/M``, decided by
    the exact sign of ``1 - eta |g''(x)|`` at every candidate ``x``."""
    cands, where = hessian_sup(task, interval)
    stmt_m = "g'' is bounded: M = sup |g''| < inf"
    stmt_e = "eta < 1/M"
    if cands is None:
        return [Verdict(stmt_m, "hypothesis", "M = +inf", FAILS, where),
                Verdict(stmt_e, "hypothesis", f"1/M = 0 < eta = {eta}", FAILS,
                        "use --interval a,b to bound M on a closed sub-interval")]
    H = lqr.hessian_function(task, task.s0_adapt)
    try:
        lo_m, hi_m, signs = _sup_and_signs(cands, H, eta, digits)
    except PrecisionExhausted as exc:
        return [Verdict(stmt_m, "hypothesis", "not decided", UNDECIDED, str(exc)),
                Verdict(stmt_e, "hypothesis", "not decided", UNDECIDED, str(exc))]
    M = Enclosure(lo_m, hi_m)
    v_m = Verdict(stmt_m, "hypothesis", f"M = {show(M, digits)}", HOLDS,
                  f"max of |g''| over {where}: at its ends and at the real roots of g''' inside")
    if min(signs) < 0:
        margin = (f"1/M - eta = {Enclosure(1 / hi_m - eta, 1 / lo_m - eta).decimal(digits)} < 0"
                  if lo_m > 0 else "eta M > 1")
        return [v_m, Verdict(stmt_e, "hypothesis", margin, FAILS)]
    if min(signs) == 0:
        return [v_m, Verdict(stmt_e, "hypothesis", "1/M - eta = 0 exactly", FAILS,
                             "fails by equality: eta = 1/M, the strict inequality fails")]
    if hi_m == 0:
        return [v_m, Verdict(stmt_e, "hypothesis", "M = 0: 1/M = +inf", HOLDS)]
    margin = Enclosure(1 / hi_m - eta, 1 / lo_m - eta if lo_m > 0 else 1 / hi_m - eta)
    return [v_m, Verdict(stmt_e, "hypothesis", f"1/M - eta = {show(margin, digits)} > 0",
                         HOLDS)]


def _theorem1_conclusion(ls, interval) -> tuple[Verdict, str]:
    """Conclusion "every local minimizer of h (in [a, b]) is global", counted on
    the certified landscape; and where it was checked."""
    mins = ls.minima()
    if interval is None:
        stmt = "h is global (every local minimizer of h is a global minimizer)"
        where = "the stable interval of the task"
    else:
        a, b = interval
        mins = [p for p in mins if p.W.compare(a) >= 0 and p.W.compare(b) <= 0]
        stmt = f"every local minimizer of h in [{a}, {b}] is a global minimizer of h"
        where = f"[{a}, {b}]"
    n_glob = sum(p.is_global is True for p in mins)
    n_spur = sum(p.is_global is False for p in mins)
    value = (f"{len(mins)} local minim{'um' if len(mins) == 1 else 'a'}"
             f"{'' if interval is None else ' in the interval'}: {n_glob} global, "
             f"{n_spur} spurious")
    status = FAILS if n_spur else (HOLDS if n_glob == len(mins) else UNDECIDED)
    detail = "" if status != UNDECIDED else "; ".join(ls.undecided)
    return Verdict(stmt, "conclusion", value, status, detail), where


def theorem1_checks(ts: TaskSet, interval: Optional[tuple] = None, digits: int = 20,
                    deadline=None):
    """Theorem 1: ``f`` global, ``|g''| <= M < inf`` on the domain and
    ``eta < 1/M`` imply that ``h`` is global.

    The domain is the stable interval of the task (where ``f`` and ``g`` live);
    there ``M = +inf`` for every LQR task with ``B != 0`` (a pole of ``g''`` at
    the stability boundary), so the hypothesis fails. With ``interval = (a, b)``
    the theorem is applied on ``[a, b]``: ``M = max |g''|`` over ``[a, b]``, and
    the conclusion checked is that every local minimizer of ``h`` in ``[a, b]``
    is a global minimizer of ``h`` (there ``F' = 1 - eta g'' > 0``, so ``F`` is
    locally open, ``F(w*)`` is a local, hence the global, minimizer of ``C``,
    and ``h(w*) = C(W*) <= min h``).

    >>> from symlqr.tasks import figure
    >>> [v.status for v in theorem1_checks(figure("fig1"))[0][0].verdicts]
    ['holds', 'fails', 'fails', 'holds']
    """
    eta, k = ts.eta, len(ts.tasks)
    checks, summary = [], []
    for i, t in enumerate(ts.tasks):
        ls = certify(single_task(ts, i), "gradient", digits=digits, deadline=deadline)
        rows = [cost_is_global(t, digits)] + _theorem1_bound(t, eta, interval, digits)
        conclusion, where = _theorem1_conclusion(ls, interval)
        checks.append(Check(result_title("Theorem 1", k, i), where, rows + [conclusion]))
        summary.append({"task": i + 1, "counts": ls.counts()})
    extra = {"per_task": k > 1, "landscapes": summary,
             "interval": None if interval is None else [str(x) for x in interval]}
    if k > 1:
        extra["note"] = f"Theorem 1 is {PER_TASK_NOTE}"
    return checks, extra
