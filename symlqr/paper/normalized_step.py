"""Certified verdicts of the paper's normalized-step results: Proposition 2 (one
task) and Theorem 3 (scaled tasks).

Notation (one task, ``f = C`` at ``s0``, ``g = C`` at ``s0a``)::

    F(W) = W - eta sign(g'(W))           (normalized step)
    h(W) = f(F(W))                        (MAML objective)

``F`` jumps where ``g'(W) = 0``: there the step is ``0/0`` and ``h`` is
undefined (a kink, out of the domain), so no kink is a local minimizer and the
checks run at the stationary points of ``h`` only (kinks are not stationary
points; :attr:`~symlqr.scalar.results.Landscape.kinks` lists them).

>>> from symlqr.tasks import figure
>>> [c.verdicts[1].status for c in proposition2_checks(figure("fig1"))[0]]
['fails', 'holds']
"""
from __future__ import annotations

from ..exact.realroots import RealAlgebraic
from ..scalar import lqr
from ..scalar.landscape import certify
from ..tasks import TaskSet
from .verdict_parts import (at_minimizers, cost_is_global, gap_verdict, optimum_detail,
                            point_doc, point_text, step_bound, with_detail)
from .verdicts import FAILS, HOLDS, UNDECIDED, Check, Verdict

__all__ = ["proposition2_checks", "theorem3_checks"]


def proposition2_checks(ts: TaskSet, digits: int = 20, deadline=None):
    """Proposition 2 (normalized step ``F(W) = W - eta sign(g'(W))``): ``f``
    epsilon-global and a local minimizer ``w*`` of ``h = f(F)`` with
    ``eta < |g'(w*)|/|g''(w*)|`` imply ``h(w*) - min h <= epsilon``. Kinks
    (``g'(W) = 0``, ``h`` undefined) are not local minimizers, so not checked.

    >>> from symlqr.tasks import figure
    >>> [c.verdicts[1].status for c in proposition2_checks(figure("fig1"))[0]]
    ['fails', 'holds']
    """
    eta = ts.eta

    def rows(t, p, ls):
        g1 = lqr.gradient_function(t, t.s0_adapt)
        g2 = lqr.hessian_function(t, t.s0_adapt)
        return [cost_is_global(t, digits, epsilon=True),
                step_bound(p.W, eta, g2, digits, g1=g1),
                with_detail(gap_verdict(p, ls, digits, "h(w*) - min h <= epsilon = 0"),
                            optimum_detail(p))]
    return at_minimizers(ts, "Proposition 2", rows, "normalized", digits, deadline)


# ---------------------------------------------------------------------------
# Theorem 3 (normalized step, scaled tasks)
# ---------------------------------------------------------------------------
def equal_verdict(ts: TaskSet, name: str) -> Verdict:
    """Hypothesis ``name_1 = ... = name_k`` (``name`` a task parameter), exact.

    >>> from symlqr.tasks import figure
    >>> equal_verdict(figure("fig2"), "A").status
    'holds'
    """
    vals = [getattr(t, name) for t in ts.tasks]
    diff = [i for i, v in enumerate(vals) if v != vals[0]]
    stmt = f"{name}_1 = ... = {name}_k"
    if not diff:
        return Verdict(stmt, "hypothesis", f"{name} = {vals[0]} for every task", HOLDS)
    j = diff[0]
    return Verdict(stmt, "hypothesis", f"{name}_1 = {vals[0]} != {name}_{j + 1} = {vals[j]}",
                   FAILS)


def scaled_verdict(ts: TaskSet):
    """alpha_i Q_i and alpha_i R_i equal across tasks for some alpha_i > 0:
    such alpha exist iff Q_i R_1 = Q_1 R_i for all i (R > 0); then alpha_i = 1/R_i.
    Returns ``(verdict, alpha or None)``.

    >>> from symlqr.tasks import Task
    >>> v, alpha = scaled_verdict(TaskSet([Task(1, 1, 1, 2), Task(1, 1, 2, 4)], "0.1"))
    >>> v.status, alpha
    ('holds', [Fraction(1, 2), Fraction(1, 4)])
    """
    stmt = "alpha_i Q_i and alpha_i R_i equal across tasks (alpha_i > 0)"
    t1 = ts.tasks[0]
    for j, t in enumerate(ts.tasks):
        if t.Q * t1.R != t1.Q * t.R:
            return Verdict(stmt, "hypothesis",
                           f"Q_1 R_{j + 1} = {t1.Q * t.R} != Q_{j + 1} R_1 = {t.Q * t1.R}",
                           FAILS, "equal alpha_i Q_i and alpha_i R_i force Q_i/R_i = Q_j/R_j"), None
    alpha = [1 / t.R for t in ts.tasks]
    return Verdict(stmt, "hypothesis",
                   f"alpha_i = 1/R_i = ({', '.join(map(str, alpha))}): alpha_i Q_i = "
                   f"{t1.Q / t1.R}, alpha_i R_i = 1", HOLDS), alpha


def some_task_bound(ts: TaskSet, w: RealAlgebraic, digits: int) -> Verdict:
    """``eta < |C_i'(w)|/|C_i''(w)|`` for some ``i`` (exact per task): holds if
    one task's bound holds, else undecided if one is undecided, else fails.

    >>> from fractions import Fraction
    >>> from symlqr.tasks import figure
    >>> some_task_bound(figure("fig2"), RealAlgebraic.rational(Fraction(1, 2)), 6).status
    'holds'
    """
    per = [step_bound(w, ts.eta, lqr.hessian_function(t, t.s0_adapt), digits,
                      g1=lqr.gradient_function(t, t.s0_adapt)) for t in ts.tasks]
    stmt = "eta < |C_i'(w*)|/|C_i''(w*)| for some i"
    statuses = [v.status for v in per]
    if HOLDS in statuses:
        j, status = statuses.index(HOLDS), HOLDS
    elif UNDECIDED in statuses:
        j, status = statuses.index(UNDECIDED), UNDECIDED
    else:
        j, status = 0, FAILS
    value = f"task {j + 1}: " + per[j].value.replace("g'", f"C_{j + 1}'")
    detail = "per task: " + ", ".join(f"{i + 1} {s}" for i, s in enumerate(statuses))
    if per[j].detail:
        detail += "; " + per[j].detail
    return Verdict(stmt, "hypothesis", value, status, detail)


def _plain_step_check(ts: TaskSet, base: list, digits: int, deadline):
    """Theorem 3's conclusion on the plain gradient-step objective (comparison):
    the check and the certified plain landscape."""
    plain = certify(ts, "gradient", digits=digits, deadline=deadline)
    pmins = plain.minima()
    n_spur = sum(p.is_global is False for p in pmins)
    n_glob = sum(p.is_global is True for p in pmins)
    status = FAILS if n_spur else (HOLDS if n_glob == len(pmins) else UNDECIDED)
    check = Check("Theorem 3 with the plain gradient step (for comparison)",
                  "h(W) = sum_i w_i C_i(W - eta C_i'(W))", base + [
                      Verdict("the adaptation step is normalized", "hypothesis",
                              "plain gradient step W - eta C_i'(W)", FAILS),
                      Verdict("every local minimizer of h is global", "conclusion",
                              f"{len(pmins)} local minima: {n_glob} global, "
                              f"{n_spur} spurious", status)])
    return check, plain


def theorem3_checks(ts: TaskSet, digits: int = 20, deadline=None):
    """Theorem 3: normalized-step MAML ``h(W) = sum_i w_i C_i(W - eta sign C_i'(W))``
    on tasks with equal ``A``, equal ``B`` and ``alpha_i Q_i``, ``alpha_i R_i``
    equal across tasks; at a local minimizer ``w*`` with
    ``eta < |C_i'(w*)|/|C_i''(w*)|`` for some ``i``, ``w*`` is a global
    minimizer of ``h``. (``s0`` only scales each cost, so it does not affect
    the argument.) For comparison, one more check applies the conclusion to
    the plain gradient-step objective, where the "normalized" hypothesis fails.

    >>> from symlqr.tasks import figure
    >>> checks, extra = theorem3_checks(figure("fig2"))
    >>> extra["normalized_counts"]["spurious_min"], extra["plain_counts"]["spurious_min"]
    (0, 2)
    """
    base = [equal_verdict(ts, "A"), equal_verdict(ts, "B")]
    scaled, alpha = scaled_verdict(ts)
    base.append(scaled)
    ls = certify(ts, "normalized", digits=digits, deadline=deadline)
    checks, points = [], []
    for p in ls.minima():
        where = f"w* = {point_text(p.W, digits)}"
        checks.append(Check("Theorem 3", where, base + [
            some_task_bound(ts, p.W, digits),
            with_detail(gap_verdict(p, ls, digits, "w* is a global minimizer of h"),
                        optimum_detail(p, len(ts.tasks)))]))
        points.append(point_doc(p, digits))
    plain_check, plain = _plain_step_check(ts, base, digits, deadline)
    checks.append(plain_check)
    extra = {"alpha": None if alpha is None else [str(a) for a in alpha],
             "normalized_counts": ls.counts(), "plain_counts": plain.counts(),
             "points": points + [None]}
    return checks, extra
