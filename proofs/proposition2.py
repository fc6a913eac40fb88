"""Proposition 2 at every certified local minimizer w* of the normalized-step objective h(W) = C(W - eta sign C'(W)), kinks included.

Usage: ``python proofs/proposition2.py fig1`` (or ``all``, or ``--task A,B,Q,R,s0[,s0a] --eta ETA``,
``--weights``, ``--tasks-file``; ``--json`` for one JSON document). Exit status: 0 no
counterexample, 1 every hypothesis holds and the conclusion fails (would contradict the
paper), 3 undecided, 2 bad input. The logic lives in :func:`symlqr.paper.theorems.proposition2_checks`.
"""
import sys

from symlqr.paper.theorems import proposition2_checks
from symlqr.cli.proofs import proof_main

DESCRIPTION = "Proposition 2 (normalized step: f epsilon-global, eta < |g'(w*)|/|g''(w*)| => h(w*) - min h <= epsilon)"


def evaluate(taskset, args):
    return proposition2_checks(taskset, digits=args.digits, deadline=args.deadline)


if __name__ == "__main__":
    sys.exit(proof_main("proposition2.py", DESCRIPTION, evaluate))
