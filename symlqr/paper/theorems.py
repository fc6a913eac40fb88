"""Certified verdicts of the paper's single-task results and of Theorem 3.

Each function applies one result of the paper to a :class:`~symlqr.tasks.TaskSet`
and returns ``(checks, extra)``: a list of :class:`~symlqr.paper.verdicts.Check`
(one per place where the result applies, each with its hypotheses and its
conclusion decided exactly or enclosed) and a dict of extra facts for JSON.

Notation (one task, ``f = C`` at ``s0``, ``g = C`` at ``s0a``):

    F(W) = W - eta g'(W)                 (gradient step)
    h(W) = f(F(W))                        (MAML objective)
    F(W) = W - eta sign(g'(W))           (normalized step; Proposition 2, Theorem 3)

Every comparison with ``eta`` is an exact sign: ``eta < 1/|g''(w)|`` is decided
as ``sign(1 - eta |g''(w)|) > 0`` at the real algebraic number ``w``, so the
case of equality is reported as ``fails`` (a strict inequality that fails by
equality), never guessed from floats.

Lemma 1 and Theorems 1, 2 and Propositions 1, 2 are single-task statements:
with ``k > 1`` tasks they are evaluated on each task's own objective
``TaskSet([task_i], eta)`` (checks labelled ``task i``). Lemma 1 is also
evaluated on the whole task set, with ``F = (F_1, ..., F_k)``: see
:func:`lemma1_checks` for what is (and is not) claimed there.

>>> from symlqr.tasks import figure
>>> checks, extra = theorem2_checks(figure("fig1"))
>>> [c.verdicts[0].status for c in checks]
['fails', 'holds', 'fails']
>>> [c.verdicts[-1].status for c in checks]
['holds', 'holds', 'holds']
"""
from __future__ import annotations

from fractions import Fraction
from typing import Optional

from ..scalar import lqr
from ..exact.enclosure import Enclosure
from ..scalar.landscape import Landscape, certify
from ..scalar.maml import adaptation_map
from ..exact.ratfunc import RationalFunction, to_fmpq
from ..exact.realroots import PrecisionExhausted, RealAlgebraic, real_roots
from ..tasks import InputError, Task, TaskSet, parse_rational
from .verdicts import FAILS, HOLDS, UNDECIDED, Check, Verdict

__all__ = ["parse_interval", "cost_is_global", "hessian_sup", "lemma1_checks",
           "theorem1_checks", "theorem2_checks", "proposition1_checks",
           "proposition2_checks", "theorem3_checks", "PER_TASK_NOTE"]

PER_TASK_NOTE = ("a single-task statement: with k > 1 tasks it is evaluated on each task's "
                 "own objective h_i(W) = C_i(F_i(W)) (checks titled '... on task i's own objective')")


# ---------------------------------------------------------------------------
# small exact helpers
# ---------------------------------------------------------------------------
def _bits(digits: int) -> int:
    return int(digits * 3.33) + 16


def _enclose(w: RealAlgebraic, f: RationalFunction, digits: int) -> Enclosure:
    """Certified value of ``f(w)``: exact at a rational ``w``, else an enclosure."""
    if w.is_rational:
        return Enclosure.exact(f(w.lo))
    return Enclosure.of(w.enclose(f, _bits(digits)))


def _show(e: Enclosure, digits: int) -> str:
    """Decimal of an enclosure; ``(exactly p/q)`` appended for short exact rationals."""
    s = e.decimal(digits)
    if e.lo == e.hi and e.lo.denominator != 1 and len(str(e.lo)) <= 24:
        s += f" (exactly {e.lo})"
    return s


def _point(w: RealAlgebraic, digits: int) -> str:
    return str(w.lo) if w.is_rational else w.decimal(digits)


def _const(x) -> RationalFunction:
    return RationalFunction.constant(to_fmpq(Fraction(x)))


def _result(name: str, k: int, i: int) -> str:
    return f"{name} on task {i + 1}'s own objective" if k > 1 else name


def _single(ts: TaskSet, i: int) -> TaskSet:
    return TaskSet([ts.tasks[i]], ts.eta, name=f"{ts.name} task {i + 1}")


def parse_interval(text: str) -> tuple[Fraction, Fraction]:
    """``"a,b"`` -> ``(a, b)`` exact, with ``a < b``.

    >>> parse_interval("0.5, 3/2")
    (Fraction(1, 2), Fraction(3, 2))
    """
    parts = text.split(",")
    if len(parts) != 2:
        raise InputError(f"--interval {text.strip()[:40]!r}: expected two numbers a,b")
    a, b = (parse_rational(p, "--interval") for p in parts)
    if not a < b:
        raise InputError(f"--interval: need a < b, got a = {a}, b = {b}")
    return a, b


# ---------------------------------------------------------------------------
# shared verdicts
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
    value = (f"one stationary point W* = {_point(w, digits)} on the stable interval, "
             f"C''(W*) = {_show(_enclose(w, H, digits), digits)}")
    return Verdict(statement, "hypothesis", value, HOLDS if s > 0 else FAILS,
                   "" if s > 0 else "C''(W*) <= 0: W* is not a strict minimum")


def _step_bound(w: RealAlgebraic, eta: Fraction, g2: RationalFunction, digits: int,
                g1: Optional[RationalFunction] = None) -> Verdict:
    """Hypothesis ``eta < 1/|g''(w)|`` (or ``eta < |g'(w)|/|g''(w)|`` when
    ``g1`` is given), decided by the exact sign of ``|g'| - eta |g''|``."""
    if g1 is None:
        stmt, bound = "eta < 1/|g''(w*)|", "1/|g''(w*)|"
    else:
        stmt, bound = "eta < |g'(w*)|/|g''(w*)|", "|g'(w*)|/|g''(w*)|"
    try:
        s1 = 1 if g1 is None else w.sign_of(g1)
        if s1 == 0:
            return Verdict(stmt, "hypothesis", f"g'(w*) = 0 exactly (a kink): {bound} = 0 < eta",
                           FAILS)
        s2 = w.sign_of(g2)
        if s2 == 0:
            return Verdict(stmt, "hypothesis", f"g''(w*) = 0 exactly: {bound} = +inf", HOLDS)
        top = _const(1) if g1 is None else s1 * g1
        s = w.sign_of(top - (eta * s2) * g2)
        g2v = _show(_enclose(w, g2, digits), digits)
        if s == 0:
            return Verdict(stmt, "hypothesis",
                           f"{bound} - eta = 0 exactly (g''(w*) = {g2v})", FAILS,
                           "fails by equality: eta equals the bound, the strict inequality fails")
        margin = _enclose(w, top / (s2 * g2) - _const(eta), digits)
        return Verdict(stmt, "hypothesis", f"{bound} - eta = {_show(margin, digits)} "
                       f"(g''(w*) = {g2v})", HOLDS if s > 0 else FAILS)
    except PrecisionExhausted as exc:
        return Verdict(stmt, "hypothesis", "not decided", UNDECIDED, str(exc))


def _gap_verdict(p, ls: Landscape, digits: int, statement: str) -> Verdict:
    """Conclusion on ``h(w*) - min h`` read from the certified landscape."""
    if p.is_global is True:
        return Verdict(statement, "conclusion", "h(w*) - min h = 0 (proven exactly)", HOLDS)
    if p.is_global is False:
        gap = Enclosure(p.h.lo - ls.min_value.hi, p.h.hi - ls.min_value.lo)
        what = "min h" if ls.infimum_attained else "inf h"
        return Verdict(statement, "conclusion", f"h(w*) - {what} = {gap.decimal(digits)} > 0",
                       FAILS, "w* is a spurious local minimizer")
    return Verdict(statement, "conclusion", "not decided", UNDECIDED,
                   "; ".join(ls.undecided) or "value of h(w*) not separated from min h")


def _opt_detail(p, k: int = 1) -> str:
    if not p.adapted_to_optimum:
        return ""
    if k == 1:
        return "F(w*) = W* exactly"
    return ("F_i(w*) = W*_i exactly for task(s) "
            + ", ".join(str(i + 1) for i in p.adapted_to_optimum))


def _point_doc(p, digits: int, task: Optional[int] = None) -> dict:
    """Where a check was evaluated, for the JSON document (aligned with the checks)."""
    return {"task": task, "W": _point(p.W, digits), "W_interval": [str(p.W.lo), str(p.W.hi)],
            "kind": "kink" if p.at_kink else "smooth"}


# ---------------------------------------------------------------------------
# Theorem 2 and Proposition 1 (gradient step, at each local minimizer)
# ---------------------------------------------------------------------------
def _at_minimizers(ts: TaskSet, name: str, rows, adaptation: str, digits: int, deadline):
    """Run ``rows(task, p, ls) -> [Verdict]`` at every local minimizer of each
    task's own objective; return checks and a per-task summary."""
    k = len(ts.tasks)
    checks, summary, points = [], [], []
    for i, t in enumerate(ts.tasks):
        ls = certify(_single(ts, i), adaptation, digits=digits, deadline=deadline)
        summary.append({"task": i + 1, "counts": ls.counts()})
        for p in ls.minima():
            where = f"w* = {_point(p.W, digits)}" + (
                " (kink)" if p.at_kink else "")
            checks.append(Check(_result(name, k, i), where, rows(t, p, ls)))
            points.append(_point_doc(p, digits, i + 1))
    extra = {"per_task": k > 1, "landscapes": summary, "points": points}
    if k > 1:
        extra["note"] = f"{name} is {PER_TASK_NOTE}"
    return checks, extra


def theorem2_checks(ts: TaskSet, digits: int = 20, deadline=None):
    """Theorem 2: for one LQR task, at a local minimizer ``w*`` of
    ``h(W) = C(W - eta C'(W))`` with ``eta < 1/|C''(w*)|``, ``w*`` is a global
    minimizer of ``h``. ``C''`` is taken at the adaptation state ``s0a`` (the
    Jacobian of ``F`` is ``1 - eta g''``).

    >>> from symlqr.tasks import figure
    >>> c = theorem2_checks(figure("fig1"), digits=6)[0][1]
    >>> c.where, c.verdicts[0].value
    ('w* = 0.618034', "1/|g''(w*)| - eta = 0.0715595 (g''(w*) = 12.261)")
    """
    eta = ts.eta

    def rows(t, p, ls):
        g2 = lqr.hessian_function(t, t.s0_adapt)
        return [_step_bound(p.W, eta, g2, digits),
                _with_detail(_gap_verdict(p, ls, digits, "w* is a global minimizer of h"),
                                _opt_detail(p))]
    return _at_minimizers(ts, "Theorem 2", rows, "gradient", digits, deadline)


def _with_detail(v: Verdict, detail: str) -> Verdict:
    if detail and not v.detail:
        v.detail = detail
    return v


def proposition1_checks(ts: TaskSet, digits: int = 20, deadline=None):
    """Proposition 1: ``f`` epsilon-global and ``eta < 1/|g''(w*)|`` at a local
    minimum ``w*`` of ``h`` imply ``h(w*) - min h <= epsilon``. For an LQR task
    ``f = C`` is global, so ``epsilon = 0`` (certified by :func:`cost_is_global`).

    >>> from symlqr.tasks import figure
    >>> [c.verdicts[1].status for c in proposition1_checks(figure("fig1"))[0]]
    ['fails', 'holds', 'fails']
    """
    eta = ts.eta

    def rows(t, p, ls):
        g2 = lqr.hessian_function(t, t.s0_adapt)
        return [cost_is_global(t, digits, epsilon=True),
                _step_bound(p.W, eta, g2, digits),
                _with_detail(_gap_verdict(p, ls, digits, "h(w*) - min h <= epsilon = 0"),
                                _opt_detail(p))]
    return _at_minimizers(ts, "Proposition 1", rows, "gradient", digits, deadline)


def proposition2_checks(ts: TaskSet, digits: int = 20, deadline=None):
    """Proposition 2 (normalized step ``F(W) = W - eta sign(g'(W))``): ``f``
    epsilon-global and a local minimizer ``w*`` of ``h = f(F)`` with
    ``eta < |g'(w*)|/|g''(w*)|`` imply ``h(w*) - min h <= epsilon``. At a kink
    ``g'(w*) = 0`` exactly, so the hypothesis fails there.

    >>> from symlqr.tasks import figure
    >>> [c.verdicts[1].status for c in proposition2_checks(figure("fig1"))[0]]
    ['fails', 'fails', 'holds']
    """
    eta = ts.eta

    def rows(t, p, ls):
        g1 = lqr.gradient_function(t, t.s0_adapt)
        g2 = lqr.hessian_function(t, t.s0_adapt)
        return [cost_is_global(t, digits, epsilon=True),
                _step_bound(p.W, eta, g2, digits, g1=g1),
                _with_detail(_gap_verdict(p, ls, digits, "h(w*) - min h <= epsilon = 0"),
                                _opt_detail(p))]
    return _at_minimizers(ts, "Proposition 2", rows, "normalized", digits, deadline)


# ---------------------------------------------------------------------------
# Lemma 1
# ---------------------------------------------------------------------------
def _locally_open(w: RealAlgebraic, F: RationalFunction, digits: int) -> Verdict:
    """Hypothesis "F is locally open at w" in the strong sense that F maps every
    neighbourhood of w onto a neighbourhood of F(w): true when F'(w) != 0, or
    when the first nonzero derivative of F at w has odd order (F strictly
    monotone near w); false when it has even order (F has a local extremum)."""
    stmt = "F is locally open at w* (F'(w*) = 1 - eta g''(w*))"
    try:
        dF = F.derivative()
        s = w.sign_of(dF)
        if s != 0:
            return Verdict(stmt, "hypothesis",
                           f"F'(w*) = {_show(_enclose(w, dF, digits), digits)} "
                           f"({'> 0' if s > 0 else '< 0'}: F strictly "
                           f"{'increasing' if s > 0 else 'decreasing'} near w*)", HOLDS)
        f = dF
        for order in range(2, 10):
            f = f.derivative()
            s = w.sign_of(f)
            if s == 0:
                continue
            if order % 2:
                return Verdict(stmt, "hypothesis",
                               f"F'(w*) = 0 exactly; first nonzero derivative F^({order})(w*) "
                               "has odd order: F strictly monotone near w*", HOLDS)
            return Verdict(stmt, "hypothesis",
                           f"F'(w*) = 0 exactly and F^({order})(w*) {'>' if s > 0 else '<'} 0: "
                           f"F has a local {'minimum' if s > 0 else 'maximum'} at w*", FAILS,
                           "no neighbourhood of F(w*) is covered: F is not locally open there")
        return Verdict(stmt, "hypothesis", "F'(w*) = ... = F^(9)(w*) = 0", UNDECIDED)
    except PrecisionExhausted as exc:
        return Verdict(stmt, "hypothesis", "not decided", UNDECIDED, str(exc))


def lemma1_checks(ts: TaskSet, digits: int = 20, deadline=None):
    """Lemma 1 with ``l = f = C`` and ``F(W) = W - eta g'(W)``: if ``l`` is
    epsilon-global and ``F`` is locally open at a local minimizer ``w*`` of
    ``h = l(F)``, then ``l(F(w*)) - min_w l(F(w)) <= epsilon``.

    What is checked, per task (its own objective): ``l = C`` on its stable
    interval ``S`` (which contains ``range(F)``) is epsilon-global with
    ``epsilon = 0`` (:func:`cost_is_global`); ``F`` is locally open at ``w*`` in
    the sense that it maps neighbourhoods of ``w*`` onto neighbourhoods of
    ``F(w*)`` in ``S`` (decided exactly from the first nonzero derivative of
    ``F``; this is what the Jacobian test gives, and the lemma's proof goes
    through unchanged with ``Z = S``); the conclusion is read off the certified
    landscape. With ``k > 1`` tasks, also on the whole task set:
    ``l(z) = sum_i w_i C_i(z_i)`` on the product of stable intervals is
    0-global (separable, each ``C_i`` global), but ``F = (F_1, ..., F_k)`` maps
    a line onto a curve, which contains no open set of ``R^k``: the openness
    hypothesis fails there for every ``w*``. Openness relative to
    ``range(F)`` itself is not claimed: on that curve, epsilon-globality of
    ``l`` is the conclusion itself.

    >>> from symlqr.tasks import figure
    >>> [c.verdicts[1].value[:14] for c in lemma1_checks(figure("fig1"), digits=4)[0]]
    ["F'(w*) = -5.86", "F'(w*) = 0.877", "F'(w*) = -10.4"]
    """
    eta = ts.eta
    k = len(ts.tasks)
    concl = "l(F(w*)) - min_w l(F(w)) <= epsilon = 0"

    def rows(t, p, ls):
        return [cost_is_global(t, digits, statement="l = C is epsilon-global on its stable "
                               "interval, epsilon = 0"),
                _locally_open(p.W, adaptation_map(t, eta), digits),
                _with_detail(_gap_verdict(p, ls, digits, concl), _opt_detail(p))]
    checks, extra = _at_minimizers(ts, "Lemma 1", rows, "gradient", digits, deadline)
    if k > 1:
        ls = certify(ts, "gradient", digits=digits, deadline=deadline)
        each = [cost_is_global(t, digits) for t in ts.tasks]
        ok = all(v.status == HOLDS for v in each)
        h_l = Verdict("l(z) = sum_i w_i C_i(z_i) is epsilon-global, epsilon = 0", "hypothesis",
                      "each C_i has one stationary point, a strict minimum: l's only local "
                      "minimizer is (W*_1, ..., W*_k)" if ok else
                      "some C_i is not certified global", HOLDS if ok else FAILS)
        h_open = Verdict("F = (F_1, ..., F_k) is locally open at w* (into R^k)", "hypothesis",
                         f"k = {k}: F maps a line onto a curve, which contains no open set "
                         f"of R^{k}", FAILS)
        for p in ls.minima():
            checks.append(Check("Lemma 1 on the whole task set", f"w* = {_point(p.W, digits)}",
                                [h_l, h_open, _with_detail(_gap_verdict(p, ls, digits, concl),
                                                           _opt_detail(p, k))]))
            extra["points"].append(_point_doc(p, digits))
        extra["task_set_counts"] = ls.counts()
    return checks, extra


# ---------------------------------------------------------------------------
# Theorem 1
# ---------------------------------------------------------------------------
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
    lo_m, hi_m, signs = Fraction(0), Fraction(0), []
    try:
        for c in cands:
            if isinstance(c, Fraction):
                e, d = Enclosure.exact(abs(c)), 1 - eta * abs(c)
                s = (d > 0) - (d < 0)
            else:
                sg = c.sign_of(H)
                e = _enclose(c, sg * H, digits) if sg else Enclosure.exact(0)
                s = c.sign_of(_const(1) - (eta * sg) * H) if sg else 1
            lo_m, hi_m = max(lo_m, e.lo), max(hi_m, e.hi)
            signs.append(s)
    except PrecisionExhausted as exc:
        return [Verdict(stmt_m, "hypothesis", "not decided", UNDECIDED, str(exc)),
                Verdict(stmt_e, "hypothesis", "not decided", UNDECIDED, str(exc))]
    M = Enclosure(lo_m, hi_m)
    v_m = Verdict(stmt_m, "hypothesis", f"M = {_show(M, digits)}", HOLDS,
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
    return [v_m, Verdict(stmt_e, "hypothesis", f"1/M - eta = {_show(margin, digits)} > 0",
                         HOLDS)]


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
        ls = certify(_single(ts, i), "gradient", digits=digits, deadline=deadline)
        rows = [cost_is_global(t, digits)] + _theorem1_bound(t, eta, interval, digits)
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
        rows.append(Verdict(stmt, "conclusion", value, status, detail))
        checks.append(Check(_result("Theorem 1", k, i), where, rows))
        summary.append({"task": i + 1, "counts": ls.counts()})
    extra = {"per_task": k > 1, "landscapes": summary,
             "interval": None if interval is None else [str(x) for x in interval]}
    if k > 1:
        extra["note"] = f"Theorem 1 is {PER_TASK_NOTE}"
    return checks, extra


# ---------------------------------------------------------------------------
# Theorem 3 (normalized step, scaled tasks)
# ---------------------------------------------------------------------------
def _equal_verdict(ts: TaskSet, name: str) -> Verdict:
    vals = [getattr(t, name) for t in ts.tasks]
    diff = [i for i, v in enumerate(vals) if v != vals[0]]
    stmt = f"{name}_1 = ... = {name}_k"
    if not diff:
        return Verdict(stmt, "hypothesis", f"{name} = {vals[0]} for every task", HOLDS)
    j = diff[0]
    return Verdict(stmt, "hypothesis", f"{name}_1 = {vals[0]} != {name}_{j + 1} = {vals[j]}",
                   FAILS)


def _scaled_verdict(ts: TaskSet):
    """alpha_i Q_i and alpha_i R_i equal across tasks for some alpha_i > 0:
    such alpha exist iff Q_i R_1 = Q_1 R_i for all i (R > 0); then alpha_i = 1/R_i."""
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


def _some_task_bound(ts: TaskSet, w: RealAlgebraic, digits: int) -> Verdict:
    """``eta < |C_i'(w)|/|C_i''(w)|`` for some ``i`` (exact per task)."""
    per = [_step_bound(w, ts.eta, lqr.hessian_function(t, t.s0_adapt), digits,
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
    base = [_equal_verdict(ts, "A"), _equal_verdict(ts, "B")]
    scaled, alpha = _scaled_verdict(ts)
    base.append(scaled)
    ls = certify(ts, "normalized", digits=digits, deadline=deadline)
    checks, points = [], []
    for p in ls.minima():
        where = f"w* = {_point(p.W, digits)}" + (" (kink)" if p.at_kink else "")
        checks.append(Check("Theorem 3", where, base + [
            _some_task_bound(ts, p.W, digits),
            _with_detail(_gap_verdict(p, ls, digits, "w* is a global minimizer of h"),
                         _opt_detail(p, len(ts.tasks)))]))
        points.append(_point_doc(p, digits))
    plain = certify(ts, "gradient", digits=digits, deadline=deadline)
    pmins = plain.minima()
    n_spur = sum(p.is_global is False for p in pmins)
    n_glob = sum(p.is_global is True for p in pmins)
    status = FAILS if n_spur else (HOLDS if n_glob == len(pmins) else UNDECIDED)
    checks.append(Check("Theorem 3 with the plain gradient step (for comparison)",
                        "h(W) = sum_i w_i C_i(W - eta C_i'(W))", base + [
                            Verdict("the adaptation step is normalized", "hypothesis",
                                    "plain gradient step W - eta C_i'(W)", FAILS),
                            Verdict("every local minimizer of h is global", "conclusion",
                                    f"{len(pmins)} local minima: {n_glob} global, "
                                    f"{n_spur} spurious", status)]))
    extra = {"alpha": None if alpha is None else [str(a) for a in alpha],
             "normalized_counts": ls.counts(), "plain_counts": plain.counts(),
             "points": points + [None]}
    return checks, extra
