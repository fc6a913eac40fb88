"""Continuity of epsilon-globality: Theorem 4 and Propositions 3 and 5, checked along
the delta family of a task set (:mod:`symlqr.paper.family`: ``t_i(delta) = t_1 +
delta (t_i - t_1)``), and Assumption 1 (:mod:`symlqr.paper.assumption1`).

Theorem 4 and Proposition 3 are existence statements ("there exists delta > 0 such
that ..."): sampled deltas can show they hold but never refute them, so the conclusion
row is ``holds`` (at the sampled deltas) or ``undecided`` ("extend --deltas"), never
``fails``.

>>> from symlqr.tasks import figure
>>> fam = delta_family(figure("fig3b"), Fraction(1, 2))
>>> [(t.Q, t.R) for t in fam.tasks]
[(Fraction(1, 1), Fraction(2, 1)), (Fraction(3, 2), Fraction(3, 2))]
"""

from __future__ import annotations

from fractions import Fraction
from typing import Optional

from .assumption1 import assumption1_checks, regularity_rows
from .equation3 import hs_system
from .family import (DEFAULT_DELTAS, DEFAULT_EPSILON, MAX_DELTAS, FamilyPoint, FamilySweep,
                     Regularity, admissible_segment, delta_family, epsilon_sweep, family_point,
                     hessian_at_optimum, parameter_distance, parameter_spread, regularity,
                     short_decimal)
from ..tasks import TaskSet
from ..exact.precision import MAX_BITS
from .verdicts import FAILS, HOLDS, UNDECIDED, Check, Verdict

__all__ = ["DEFAULT_DELTAS", "DEFAULT_EPSILON", "delta_family", "parameter_distance",
           "parameter_spread", "MAX_DELTAS", "Regularity", "regularity",
           "FamilyPoint", "family_point", "FamilySweep", "epsilon_sweep",
           "hessian_at_optimum", "admissible_segment", "assumption1_checks",
           "theorem4_checks", "proposition5_checks"]


def _epsilon_row(sweep: FamilySweep, eps_name: str, statement: str, detail: str) -> Verdict:
    b = sweep.base
    if not b.certified:
        status, val = UNDECIDED, "epsilon(0) not certified: " + "; ".join(b.undecided)
    elif b.no_minima or b.epsilon.hi < sweep.epsilon:
        status, val = HOLDS, f"epsilon(0) = {b.epsilon_text()} < {eps_name} = {sweep.epsilon}"
    elif b.epsilon.lo >= sweep.epsilon:
        status, val = FAILS, f"epsilon(0) = {b.epsilon_text()} >= {eps_name} = {sweep.epsilon}"
    else:
        status, val = UNDECIDED, (f"epsilon(0) = {b.epsilon_text()} not separated from "
                                  f"{eps_name} = {sweep.epsilon}")
    return Verdict(statement, "hypothesis", val, status, detail)


def _conclusion_row(sweep: FamilySweep, eps_name: str, statement: str,
                    distance_name: str, distance: Fraction) -> Verdict:
    tail, largest = sweep.tail_delta, sweep.largest_reaching
    lines = sweep.lines(distance_name, distance)
    if tail is not None:
        status = HOLDS
        val = (f"epsilon(delta) <= {eps_name} at every sampled delta <= {tail} "
               f"({distance_name} <= {short_decimal(tail * distance)}); largest sampled delta "
               f"reaching {eps_name}: {largest}")
        lines.append("(a finite sample shows the sampled deltas only; it neither proves nor "
                     "refutes the statement for every delta below them)")
    else:
        status = UNDECIDED
        last = sweep.points[-1]
        why = ("not certified at the smallest delta" if last.reaches(sweep.epsilon) == UNDECIDED
               else f"epsilon({last.delta}) = {last.epsilon_text()} > {eps_name}")
        val = (f"no tail of the sampled deltas reaches {eps_name} ({why}); not a "
               "counterexample: the theorem's delta may be smaller: extend --deltas")
        if largest is not None:
            val += f"; largest sampled delta reaching {eps_name}: {largest}"
    return Verdict(statement, "conclusion", val, status, "\n        ".join(lines))


def _sampled_regularity(sweep: FamilySweep) -> list:
    return [("delta = 0", sweep.base.regularity)] + [
        (f"delta = {p.delta}", p.regularity) for p in sweep.points]


def theorem4_checks(taskset: TaskSet, deltas=DEFAULT_DELTAS, epsilon=DEFAULT_EPSILON,
                    max_bits: int = MAX_BITS, deadline: Optional[float] = None,
                    digits: int = 20) -> tuple[list, dict]:
    """Checks of ``proofs/theorem4.py``: Theorem 4 with ``l(W, t) = h(W; t)``,
    ``t`` all task parameters, ``t_bar = t(0)`` and ``t = t(delta)`` sampled.

    >>> from symlqr.tasks import figure
    >>> checks, extra = theorem4_checks(figure("fig2"), [Fraction(1), Fraction(1, 64)])
    >>> [v.status for v in checks[0].verdicts]
    ['holds', 'holds', 'holds', 'holds', 'holds', 'holds']
    """
    sweep = epsilon_sweep(taskset, deltas, epsilon, max_bits, deadline)
    dist = parameter_distance(taskset)
    k = len(taskset.tasks)
    rows = regularity_rows(_sampled_regularity(sweep))
    for r in rows:
        r.statement = "Assumption 1: " + r.statement
    seq = [sweep.base] + sweep.points[::-1]          # increasing delta
    jumps = [(a.delta, b.delta) for a, b in zip(seq, seq[1:])
             if a.counts["stationary"] != b.counts["stationary"]]
    if jumps:
        rows[2].detail = ("checked at the sampled points only; the number of stationary points "
                          "changes between delta = " + ", ".join(f"{a} and {b}" for a, b in jumps)
                          + ": a degenerate stationary point or a change of the domain lies in "
                          "between, where Assumption 1's 'for all t' may fail")
    rows.append(_epsilon_row(
        sweep, "epsilon'", "l(., t_bar) is epsilon-global for an epsilon < epsilon'",
        "t_bar = t(0): k copies of task 1, whose MAML objective is task 1's own; "
        "epsilon(0) is its certified epsilon"))
    rows.append(_conclusion_row(
        sweep, "epsilon'", "some B_delta(t_bar) has l(., t) epsilon'-global (sampled t)",
        "|t - t_bar|_inf", dist))
    where_txt = (f"l = h(W; t), t_bar = {k} copies of task 1, t(delta) = t_bar + "
                 f"delta (t - t_bar), epsilon' = {sweep.epsilon}; Assumption 1 checked at "
                 f"t_bar and the {len(sweep.points)} sampled t(delta)")
    checks = [Check("Theorem 4", where_txt, rows)]
    return checks, {"family": sweep.to_dict(digits), "distance_inf": str(dist)}


def proposition5_checks(taskset: TaskSet, deltas=DEFAULT_DELTAS, epsilon=DEFAULT_EPSILON,
                        max_bits: int = MAX_BITS, deadline: Optional[float] = None,
                        digits: int = 20) -> tuple[list, dict]:
    """Checks of ``proofs/proposition3.py``: Proposition 5 (the formal
    Proposition 3) on the delta family of the given tasks.

    >>> from symlqr.tasks import figure
    >>> checks, extra = proposition5_checks(figure("fig3a"), [Fraction(1, 16)])
    >>> [v.status for v in checks[0].verdicts]
    ['holds', 'holds', 'holds', 'holds', 'holds', 'holds']
    """
    sweep = epsilon_sweep(taskset, deltas, epsilon, max_bits, deadline)
    spread = parameter_spread(taskset)
    dmax = max(p.delta for p in sweep.points)
    k = len(taskset.tasks)
    ok, why = admissible_segment(taskset, dmax)
    rows = [Verdict("tasks in a compact set of admissible LQR tasks",
                    "hypothesis", f"closed segment t(delta), delta in [0, {dmax}]: {why}",
                    HOLDS if ok else FAILS)]
    # no task with a singular Hessian at a stationary point
    hs = hs_system(None)
    sampled = [t for p in [sweep.base] + sweep.points for t in p.taskset.tasks]
    encs = [hessian_at_optimum(t) for t in sampled]
    all_pos = all(s != 0 for _, s in encs)
    low = min(encs, key=lambda es: es[0].lo)[0]
    if hs.meets_region is False and all_pos:
        st = HOLDS
        val = (f"HS(Wb) misses the admissible region for every Wb ({len(hs.cases)} cases "
               f"empty); sampled: C_i''(W*_i) >= {low.decimal(6)} > 0 at all {len(sampled)}")
    elif not all_pos:
        st, val = FAILS, "C_i''(W*_i) = 0 for a sampled task"
    else:
        st, val = UNDECIDED, "equation (3) undecided; only sampled tasks checked"
    rows.append(Verdict("no task has a singular Hessian at a stationary point",
                        "hypothesis", val, st,
                        "equation (3) decided with sympy for a symbolic Wb (proofs/equation3.py) "
                        "covers every task on the segment, not only the sampled ones"))
    w_ok = all(w > 0 for w in taskset.weights)
    rows.append(Verdict("weights lambda_i > 0", "hypothesis",
                        "weights " + ", ".join(map(str, taskset.weights)),
                        HOLDS if w_ok else FAILS))
    s_same = len({(t.s0, t.s0_adapt) for t in taskset.tasks}) == 1
    rows.append(Verdict("tasks differ only in Proposition 5's (A, B, Q, R)", "hypothesis",
                        "s0, s0a common" if s_same else "s0 or s0a differ between tasks",
                        HOLDS if s_same else FAILS))
    rows.append(_epsilon_row(
        sweep, "epsilon", "(implicit) h(., t(0)) is epsilon''-global, epsilon'' < epsilon",
        "t(0) = k copies of task 1. Not stated in Propositions 3 and 5, whose proof applies "
        "Proposition 4 to C "
        "(eta = 0); Theorem 4 needs it for the MAML objective with eta > 0. If it fails, "
        "h is not epsilon-global near delta = 0 and the proposition cannot hold here"))
    rows.append(_conclusion_row(
        sweep, "epsilon", "some spread bound delta makes h epsilon-global (sampled t)",
        "spread", spread))
    where_txt = (f"the {k} tasks t_i(delta) = t_1 + delta (t_i - t_1), spread = "
                 f"max_ij |A_i - A_j| + |B_i - B_j| + |Q_i - Q_j| + |R_i - R_j| = "
                 f"delta * {spread}, epsilon = {sweep.epsilon}")
    checks = [Check("Proposition 5 (formal Proposition 3)", where_txt, rows)]
    return checks, {"family": sweep.to_dict(digits), "spread": str(spread),
                    "equation3": hs.to_dict()}

