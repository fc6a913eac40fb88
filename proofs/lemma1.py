"""Lemma 1 at every certified local minimizer of h = C(F(W)): is F locally open there, and is h(w*) - min h <= epsilon?

Usage: ``python proofs/lemma1.py fig1`` (or ``all``, or ``--task A,B,Q,R,s0[,s0a] --eta ETA``,
``--weights``, ``--tasks-file``; ``--json`` for one JSON document). Exit status: 0 no
counterexample, 1 every hypothesis holds and the conclusion fails (would contradict the
paper), 3 undecided, 2 bad input. The logic lives in :func:`symlqr.paper.theorems.lemma1_checks`.
"""
import sys

from symlqr.paper.theorems import lemma1_checks
from symlqr.cli.proofs import proof_main

DESCRIPTION = "Lemma 1 (l epsilon-global and F locally open at a local minimizer w* => l(F(w*)) - min l(F) <= epsilon)"


def evaluate(taskset, args):
    return lemma1_checks(taskset, digits=args.digits, deadline=args.deadline)


if __name__ == "__main__":
    sys.exit(proof_main("lemma1.py", DESCRIPTION, evaluate))
