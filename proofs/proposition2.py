"""Proposition 2 at every certified local minimizer w* of the normalized-step objective h(W) = C(W - eta C'(W)/|C'(W)|) (kinks, where the step is 0/0, are out of the domain).

Usage: ``python proofs/proposition2.py fig1`` (or ``all``, or ``--task A,B,Q,R,s0[,s0a] --eta ETA``,
``--weights``, ``--tasks-file``; ``--json`` for one JSON document). Exit status: 0 no
counterexample, 1 every hypothesis holds and the conclusion fails (would contradict the
paper), 3 undecided, 2 bad input. The logic lives in :func:`symlqr.paper.theorems.proposition2_checks`.
"""
import sys

from symlqr.cli.launch import launch

if __name__ == "__main__":
    sys.exit(launch("symlqr.cli.results", "proposition2.py", entry="proof_command",
                    args=("proposition2",)))
