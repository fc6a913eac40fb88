"""The paper's results as commands: ``symlqr proof NAME`` and ``python proofs/NAME.py``.

Each entry names the check function of :mod:`symlqr.paper`, a one-line
description, and the options of its own (``--interval``, ``--deltas``,
``--epsilon``, ``--wbar``); :func:`proof_command` runs it through
:func:`symlqr.cli.proofs.proof_main`.

>>> sorted(RESULTS)[:3]
['assumption1', 'equation3', 'lemma1']
"""
from __future__ import annotations

from typing import Callable, NamedTuple, Optional

from ..paper import continuity, equation3, theorems
from .proofs import add_family_arguments, add_interval_argument, add_wbar_argument, proof_main

__all__ = ["RESULTS", "Result", "proof_command"]


class Result(NamedTuple):
    description: str
    evaluate: Callable                       # (taskset, args) -> (checks, extra)
    add_arguments: Optional[Callable] = None


def _standard(check: Callable, *options: str) -> Callable:
    """``check(taskset, *options, digits=, deadline=)``, the options from the command line."""
    def evaluate(taskset, args):
        return check(taskset, *(getattr(args, o) for o in options), digits=args.digits,
                     deadline=args.deadline)
    evaluate.__name__ = evaluate.__qualname__ = f"evaluate_{check.__name__}"
    return evaluate


def _equation3(taskset, args):
    return equation3.equation3_checks(taskset, args.wbar, digits=args.digits)


RESULTS = {
    "lemma1": Result("Lemma 1 (l epsilon-global and F locally open at a local minimizer w* "
                     "=> l(F(w*)) - min l(F) <= epsilon)", _standard(theorems.lemma1_checks)),
    "theorem1": Result("Theorem 1 (f global, |g''| <= M < inf, eta < 1/M => h global)",
                       _standard(theorems.theorem1_checks, "interval"), add_interval_argument),
    "theorem2": Result("Theorem 2 (single LQR task: eta < 1/|C''(w*)| at a local minimizer "
                       "w* => w* global)", _standard(theorems.theorem2_checks)),
    "theorem3": Result("Theorem 3 (normalized-step MAML on scaled tasks: local minimizers "
                       "with eta < |C_i'|/|C_i''| are global)",
                       _standard(theorems.theorem3_checks)),
    "theorem4": Result("Theorem 4 (continuity of epsilon-globality) on the delta family",
                       _standard(continuity.theorem4_checks, "deltas", "epsilon"),
                       lambda p: add_family_arguments(p, "epsilon'")),
    "proposition1": Result("Proposition 1 (f epsilon-global, eta < 1/|g''(w*)| at a local "
                           "minimum w* => h(w*) - min h <= epsilon)",
                           _standard(theorems.proposition1_checks)),
    "proposition2": Result("Proposition 2 (normalized step: f epsilon-global, eta < "
                           "|g'(w*)|/|g''(w*)| => h(w*) - min h <= epsilon)",
                           _standard(theorems.proposition2_checks)),
    "proposition3": Result("Proposition 3 / 5 (similar tasks) on the delta family",
                           _standard(continuity.proposition5_checks, "deltas", "epsilon"),
                           lambda p: add_family_arguments(p, "epsilon")),
    "assumption1": Result("Assumption 1 (finitely many stationary points, nonsingular "
                          "Hessians)", _standard(continuity.assumption1_checks)),
    "equation3": Result("equation (3): singular Hessians at stationary points", _equation3,
                        add_wbar_argument),
}


def proof_command(name: str, argv=None, prog: Optional[str] = None) -> int:
    """Run the result ``name`` as a command (``prog`` defaults to ``NAME.py``)."""
    r = RESULTS[name]
    return proof_main(prog or f"{name}.py", r.description, r.evaluate, r.add_arguments, argv)
