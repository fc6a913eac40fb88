"""Certified verdicts of the paper's single-task results and of Theorem 3, in
one import (the checks live in :mod:`~symlqr.paper.gradient_step`,
:mod:`~symlqr.paper.theorem1` and :mod:`~symlqr.paper.normalized_step`; what
they share in :mod:`~symlqr.paper.verdict_parts`).

Each ``*_checks`` function applies one result of the paper to a
:class:`~symlqr.tasks.TaskSet` and returns ``(checks, extra)``: a list of
:class:`~symlqr.paper.verdicts.Check` (one per place where the result applies,
each with its hypotheses and its conclusion decided exactly or enclosed) and a
dict of extra facts for JSON.

Notation (one task, ``f = C`` at ``s0``, ``g = C`` at ``s0a``)::

    F(W) = W - eta g'(W)                 (gradient step)
    h(W) = f(F(W))                        (MAML objective)
    F(W) = W - eta sign(g'(W))           (normalized step; Proposition 2, Theorem 3)

Every comparison with ``eta`` is an exact sign: ``eta < 1/|g''(w)|`` is decided
as ``sign(1 - eta |g''(w)|) > 0`` at the real algebraic number ``w``, so the
case of equality is reported as ``fails`` (a strict inequality that fails by
equality), never guessed from floats.

>>> from symlqr.tasks import figure
>>> checks, extra = theorem2_checks(figure("fig1"))
>>> [c.verdicts[0].status for c in checks]
['fails', 'holds', 'fails']
"""
from .gradient_step import lemma1_checks, proposition1_checks, theorem2_checks
from .normalized_step import proposition2_checks, theorem3_checks
from .theorem1 import hessian_sup, theorem1_checks
from .verdict_parts import PER_TASK_NOTE, cost_is_global

__all__ = ["cost_is_global", "hessian_sup", "lemma1_checks",
           "theorem1_checks", "theorem2_checks", "proposition1_checks",
           "proposition2_checks", "theorem3_checks", "PER_TASK_NOTE"]
