"""Parts shared by the checks of the paper's single-task results and Theorem 3:
exact values at real algebraic points, the hypotheses and conclusions several
results share, and the loop "at every local minimizer of each task's own
objective".

Notation (one task, ``f = C`` at ``s0``, ``g = C`` at ``s0a``)::

    F(W) = W - eta g'(W)                 (gradient step)
    h(W) = f(F(W))                        (MAML objective)

Every comparison with ``eta`` is an exact sign at a real algebraic number, so
the case of equality is reported as ``fails`` (a strict inequality that fails
by equality), never guessed from floats.

>>> import flint
>>> from symlqr.exact.realroots import RealAlgebraic
>>> w = RealAlgebraic(flint.fmpq_poly([-2, 0, 1]), 1, 2)         # sqrt(2)
>>> step_bound(w, Fraction(1, 3), constant(2), 6).status          # 1/3 < 1/|2|
'holds'
"""
from __future__ import annotations

from fractions import Fraction
from typing import Callable, Optional

from ..exact.enclosure import Enclosure
from ..exact.precision import bits_for_digits
from ..exact.ratfunc import RationalFunction, to_fmpq
from ..exact.realroots import PrecisionExhausted, RealAlgebraic
from ..scalar import lqr
from ..scalar.landscape import Landscape, certify
from ..tasks import Task, TaskSet
from .verdicts import FAILS, HOLDS, UNDECIDED, Check, Verdict

__all__ = ["PER_TASK_NOTE", "enclose", "show", "point_text", "constant", "result_title",
           "single_task", "cost_is_global", "step_bound", "gap_verdict", "optimum_detail",
           "with_detail", "point_doc", "at_minimizers"]

PER_TASK_NOTE = ("a single-task statement: with k > 1 tasks it is evaluated on each task's "
                 "own objective h_i(W) = C_i(F_i(W)) (checks titled '... on task i's own objective')")


# ---------------------------------------------------------------------------
# exact values at a point
# ---------------------------------------------------------------------------
def enclose(w: RealAlgebraic, f: RationalFunction, digits: int) -> Enclosure:
    """``f(w)``: exact at a rational ``w``, else an enclosure of relative width
    about ``10**-digits``.

    >>> enclose(RealAlgebraic.rational(Fraction(1, 2)), constant(3) * RationalFunction.identity(), 5)
    Enclosure(lo=Fraction(3, 2), hi=Fraction(3, 2))
    """
    if w.is_rational:
        return Enclosure.exact(f(w.lo))
    return Enclosure.of(w.enclose(f, bits_for_digits(digits)))


def show(e: Enclosure, digits: int) -> str:
    """Decimal of an enclosure; ``(exactly p/q)`` appended for a short exact
    rational that is not an integer.

    >>> show(Enclosure.exact(Fraction(1, 3)), 4), show(Enclosure.exact(Fraction(2)), 4)
    ('0.3333 (exactly 1/3)', '2.0')
    """
    s = e.decimal(digits)
    if e.lo == e.hi and e.lo.denominator != 1 and len(str(e.lo)) <= 24:
        s += f" (exactly {e.lo})"
    return s


def point_text(w: RealAlgebraic, digits: int) -> str:
    """``w`` as text: the exact rational ``p/q``, else its correctly rounded decimal.

    >>> import flint
    >>> point_text(RealAlgebraic.rational(Fraction(1, 3)), 4)
    '1/3'
    >>> point_text(RealAlgebraic(flint.fmpq_poly([-2, 0, 1]), 1, 2), 4)
    '1.414'
    """
    return str(w.lo) if w.is_rational else w.decimal(digits)


def constant(x) -> RationalFunction:
    """The constant rational function ``W -> x`` (``x`` a rational).

    >>> constant(Fraction(2, 3))(Fraction(5))
    Fraction(2, 3)
    """
    return RationalFunction.constant(to_fmpq(Fraction(x)))


# ---------------------------------------------------------------------------
# one task's own objective
# ---------------------------------------------------------------------------
def result_title(name: str, k: int, i: int) -> str:
    """Title of a single-task result applied to task ``i`` (0-based) of ``k``.

    >>> result_title("Theorem 2", 1, 0), result_title("Theorem 2", 3, 1)
    ('Theorem 2', "Theorem 2 on task 2's own objective")
    """
    return f"{name} on task {i + 1}'s own objective" if k > 1 else name


def single_task(ts: TaskSet, i: int) -> TaskSet:
    """``TaskSet([task_i], eta)``: task ``i`` (0-based) alone, same ``eta``.

    >>> from symlqr.tasks import figure
    >>> s = single_task(figure("fig2"), 1)
    >>> len(s.tasks), s.eta == figure("fig2").eta, s.name
    (1, True, 'fig2 task 2')
    """
    return TaskSet([ts.tasks[i]], ts.eta, name=f"{ts.name} task {i + 1}")


# ---------------------------------------------------------------------------
# verdicts several results share
# ---------------------------------------------------------------------------
def cost_is_global(task: Task, digits: int = 20, epsilon: bool = False,
                   statement: Optional[str] = None) -> Verdict:
    """Hypothesis "f = C is global" (``epsilon=True``: "epsilon-global with
    epsilon = 0"), certified on the stable interval: ``C'`` has exactly one
    zero there (exact root count of ``c(W)``) and ``C''(W*) > 0`` exactly, so
    ``C`` decreases then increases and its only local minimizer is global.

    >>> cost_is_global(Task(1, 1, 2, 2), 8).status
    'holds'
    """
    statement = statement or ("f = C is epsilon-global with epsilon = 0" if epsilon
                              else "f = C is global on its stable interval")
    try:
        w = lqr.optimal_gain_algebraic(task)
    except ValueError as exc:
        return Verdict(statement, "hypothesis", str(exc), FAILS)
    H = lqr.hessian_function(task)
    s = w.sign_of(H)
    value = (f"one stationary point W* = {point_text(w, digits)} on the stable interval, "
             f"C''(W*) = {show(enclose(w, H, digits), digits)}")
    return Verdict(statement, "hypothesis", value, HOLDS if s > 0 else FAILS,
                   "" if s > 0 else "C''(W*) <= 0: W* is not a strict minimum")


def _bound_names(g1: Optional[RationalFunction]) -> tuple[str, str]:
    if g1 is None:
        return "eta < 1/|g''(w*)|", "1/|g''(w*)|"
    return "eta < |g'(w*)|/|g''(w*)|", "|g'(w*)|/|g''(w*)|"


def step_bound(w: RealAlgebraic, eta: Fraction, g2: RationalFunction, digits: int,
               g1: Optional[RationalFunction] = None) -> Verdict:
    """Hypothesis ``eta < 1/|g''(w)|`` (or ``eta < |g'(w)|/|g''(w)|`` when
    ``g1`` is given), decided by the exact sign of ``|g'| - eta |g''|`` at ``w``.

    >>> w = RealAlgebraic.rational(Fraction(1))
    >>> step_bound(w, Fraction(1, 2), constant(2), 6).detail
    'fails by equality: eta equals the bound, the strict inequality fails'
    """
    stmt, bound = _bound_names(g1)
    try:
        s1 = 1 if g1 is None else w.sign_of(g1)
        if s1 == 0:
            return Verdict(stmt, "hypothesis", f"g'(w*) = 0 exactly (a kink): {bound} = 0 < eta",
                           FAILS)
        s2 = w.sign_of(g2)
        if s2 == 0:
            return Verdict(stmt, "hypothesis", f"g''(w*) = 0 exactly: {bound} = +inf", HOLDS)
        top = constant(1) if g1 is None else s1 * g1
        s = w.sign_of(top - (eta * s2) * g2)
        g2v = show(enclose(w, g2, digits), digits)
        if s == 0:
            return Verdict(stmt, "hypothesis",
                           f"{bound} - eta = 0 exactly (g''(w*) = {g2v})", FAILS,
                           "fails by equality: eta equals the bound, the strict inequality fails")
        margin = enclose(w, top / (s2 * g2) - constant(eta), digits)
        return Verdict(stmt, "hypothesis", f"{bound} - eta = {show(margin, digits)} "
                       f"(g''(w*) = {g2v})", HOLDS if s > 0 else FAILS)
    except PrecisionExhausted as exc:
        return Verdict(stmt, "hypothesis", "not decided", UNDECIDED, str(exc))


def gap_verdict(p, ls: Landscape, digits: int, statement: str) -> Verdict:
    """Conclusion on ``h(w*) - min h`` at the minimizer ``p``, read from the
    certified landscape ``ls``: 0 when ``p`` is proven global, an enclosure
    ``> 0`` when it is proven spurious, else undecided with the reason.

    >>> from symlqr.tasks import figure
    >>> ls = certify(figure("fig2"), "gradient", digits=6)
    >>> [gap_verdict(p, ls, 6, "w* is global").status for p in ls.minima()]
    ['fails', 'holds', 'fails']
    """
    if p.is_global is True:
        return Verdict(statement, "conclusion", "h(w*) - min h = 0 (proven exactly)", HOLDS)
    if p.is_global is False:
        gap = Enclosure(p.h.lo - ls.min_value.hi, p.h.hi - ls.min_value.lo)
        what = "min h" if ls.infimum_attained else "inf h"
        return Verdict(statement, "conclusion", f"h(w*) - {what} = {gap.decimal(digits)} > 0",
                       FAILS, "w* is a spurious local minimizer")
    return Verdict(statement, "conclusion", "not decided", UNDECIDED,
                   "; ".join(ls.undecided) or "value of h(w*) not separated from min h")


def optimum_detail(p, k: int = 1) -> str:
    """Detail for a point that some adaptation maps exactly to a task's optimum
    (``F_i(w*) = W*_i``); empty when there is none.

    >>> from types import SimpleNamespace as P
    >>> optimum_detail(P(adapted_to_optimum=[0])), optimum_detail(P(adapted_to_optimum=[0, 2]), 3)
    ('F(w*) = W* exactly', 'F_i(w*) = W*_i exactly for task(s) 1, 3')
    """
    if not p.adapted_to_optimum:
        return ""
    if k == 1:
        return "F(w*) = W* exactly"
    return ("F_i(w*) = W*_i exactly for task(s) "
            + ", ".join(str(i + 1) for i in p.adapted_to_optimum))


def with_detail(v: Verdict, detail: str) -> Verdict:
    """``v`` with ``detail`` set, unless ``v`` already has one (``v`` is changed).

    >>> with_detail(Verdict("s", "conclusion", "0", HOLDS), "F(w*) = W* exactly").detail
    'F(w*) = W* exactly'
    """
    if detail and not v.detail:
        v.detail = detail
    return v


def point_doc(p, digits: int, task: Optional[int] = None) -> dict:
    """Where a check was evaluated, for the JSON document (aligned with the checks):
    the 1-based ``task`` (None for the task set), ``W`` as text, its bracket, and
    ``kind``: always "smooth", since a kink of normalized adaptation is out of
    the domain (``h`` undefined there) and so never a local minimizer.

    >>> from types import SimpleNamespace as P
    >>> point_doc(P(W=RealAlgebraic.rational(Fraction(1, 2))), 6, 1)
    {'task': 1, 'W': '1/2', 'W_interval': ['1/2', '1/2'], 'kind': 'smooth'}
    """
    return {"task": task, "W": point_text(p.W, digits), "W_interval": [str(p.W.lo), str(p.W.hi)],
            "kind": "smooth"}


# ---------------------------------------------------------------------------
# at every local minimizer of each task's own objective
# ---------------------------------------------------------------------------
def at_minimizers(ts: TaskSet, name: str, rows: Callable, adaptation: str, digits: int,
                  deadline):
    """Run ``rows(task, p, ls) -> [Verdict]`` at every local minimizer ``p`` of
    each task's own objective ``h_i(W) = C_i(F_i(W))`` (landscape ``ls``);
    return ``(checks, extra)`` with a per-task summary and the points.

    >>> from symlqr.tasks import figure
    >>> checks, extra = at_minimizers(figure("fig1"), "Minimizer", lambda t, p, ls: [],
    ...                               "gradient", 6, None)
    >>> [c.where for c in checks], extra["landscapes"][0]["counts"]["global_min"]
    (['w* = 0.142913', 'w* = 0.618034', 'w* = 1.79408'], 3)
    """
    k = len(ts.tasks)
    checks, summary, points = [], [], []
    for i, t in enumerate(ts.tasks):
        ls = certify(single_task(ts, i), adaptation, digits=digits, deadline=deadline)
        summary.append({"task": i + 1, "counts": ls.counts()})
        for p in ls.minima():
            where = f"w* = {point_text(p.W, digits)}"
            checks.append(Check(result_title(name, k, i), where, rows(t, p, ls)))
            points.append(point_doc(p, digits, i + 1))
    extra = {"per_task": k > 1, "landscapes": summary, "points": points}
    if k > 1:
        extra["note"] = f"{name} is {PER_TASK_NOTE}"
    return checks, extra
