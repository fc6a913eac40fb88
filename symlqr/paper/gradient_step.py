"""Certified verdicts of the paper's gradient-step results at each local
minimizer: Lemma 1, Theorem 2 and Proposition 1.

Notation (one task, ``f = C`` at ``s0``, ``g = C`` at ``s0a``)::

    F(W) = W - eta g'(W)                 (gradient step)
    h(W) = f(F(W))                        (MAML objective)

These are single-task statements: with ``k > 1`` tasks they are evaluated on
each task's own objective ``TaskSet([task_i], eta)`` (checks labelled
``task i``). Lemma 1 is also evaluated on the whole task set, with
``F = (F_1, ..., F_k)``: see :func:`lemma1_checks` for what is (and is not)
claimed there.

>>> from symlqr.tasks import figure
>>> checks, extra = theorem2_checks(figure("fig1"))
>>> [c.verdicts[0].status for c in checks]
['fails', 'holds', 'fails']
>>> [c.verdicts[-1].status for c in checks]
['holds', 'holds', 'holds']
"""
from __future__ import annotations

from ..exact.ratfunc import RationalFunction
from ..exact.realroots import PrecisionExhausted, RealAlgebraic
from ..scalar import lqr
from ..scalar.landscape import certify
from ..scalar.maml import adaptation_map
from ..tasks import TaskSet
from .verdict_parts import (at_minimizers, cost_is_global, enclose, gap_verdict, optimum_detail,
                            point_doc, point_text, show, step_bound, with_detail)
from .verdicts import FAILS, HOLDS, UNDECIDED, Check, Verdict

__all__ = ["lemma1_checks", "theorem2_checks", "proposition1_checks", "locally_open"]


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
        return [step_bound(p.W, eta, g2, digits),
                with_detail(gap_verdict(p, ls, digits, "w* is a global minimizer of h"),
                            optimum_detail(p))]
    return at_minimizers(ts, "Theorem 2", rows, "gradient", digits, deadline)


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
                step_bound(p.W, eta, g2, digits),
                with_detail(gap_verdict(p, ls, digits, "h(w*) - min h <= epsilon = 0"),
                            optimum_detail(p))]
    return at_minimizers(ts, "Proposition 1", rows, "gradient", digits, deadline)


# ---------------------------------------------------------------------------
# Lemma 1
# ---------------------------------------------------------------------------
def _first_nonzero_derivative(w: RealAlgebraic, dF: RationalFunction, stmt: str) -> Verdict:
    """``F'(w) = 0`` exactly: the parity of the first nonzero ``F^(n)(w)``, n <= 9."""
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


def locally_open(w: RealAlgebraic, F: RationalFunction, digits: int) -> Verdict:
    """Hypothesis "F is locally open at w" in the strong sense that F maps every
    neighbourhood of w onto a neighbourhood of F(w): true when F'(w) != 0, or
    when the first nonzero derivative of F at w has odd order (F strictly
    monotone near w); false when it has even order (F has a local extremum).

    >>> from fractions import Fraction
    >>> from symlqr.exact.ratfunc import RationalFunction
    >>> W, zero = RationalFunction.identity(), RealAlgebraic.rational(Fraction(0))
    >>> [locally_open(zero, f, 6).status for f in (W * W * W, W * W)]
    ['holds', 'fails']
    """
    stmt = "F is locally open at w* (F'(w*) = 1 - eta g''(w*))"
    try:
        dF = F.derivative()
        s = w.sign_of(dF)
        if s != 0:
            return Verdict(stmt, "hypothesis",
                           f"F'(w*) = {show(enclose(w, dF, digits), digits)} "
                           f"({'> 0' if s > 0 else '< 0'}: F strictly "
                           f"{'increasing' if s > 0 else 'decreasing'} near w*)", HOLDS)
        return _first_nonzero_derivative(w, dF, stmt)
    except PrecisionExhausted as exc:
        return Verdict(stmt, "hypothesis", "not decided", UNDECIDED, str(exc))


def _lemma1_task_set(ts: TaskSet, concl: str, digits: int, deadline, checks: list, extra: dict):
    """Lemma 1 on the whole task set (``k > 1``): ``l`` is 0-global, ``F`` is not
    open into ``R^k``; appends to ``checks`` and ``extra``."""
    k = len(ts.tasks)
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
        checks.append(Check("Lemma 1 on the whole task set", f"w* = {point_text(p.W, digits)}",
                            [h_l, h_open, with_detail(gap_verdict(p, ls, digits, concl),
                                                      optimum_detail(p, k))]))
        extra["points"].append(point_doc(p, digits))
    extra["task_set_counts"] = ls.counts()


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
    concl = "l(F(w*)) - min_w l(F(w)) <= epsilon = 0"

    def rows(t, p, ls):
        return [cost_is_global(t, digits, statement="l = C is epsilon-global on its stable "
                               "interval, epsilon = 0"),
                locally_open(p.W, adaptation_map(t, eta), digits),
                with_detail(gap_verdict(p, ls, digits, concl), optimum_detail(p))]
    checks, extra = at_minimizers(ts, "Lemma 1", rows, "gradient", digits, deadline)
    if len(ts.tasks) > 1:
        _lemma1_task_set(ts, concl, digits, deadline, checks, extra)
    return checks, extra
