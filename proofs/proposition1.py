"""Proposition 1 at every certified local minimizer w* of h: f epsilon-global and eta < 1/|g''(w*)| => h(w*) - min h <= epsilon.

Usage: ``python proofs/proposition1.py fig1`` (or ``all``, or ``--task A,B,Q,R,s0[,s0a] --eta ETA``,
``--weights``, ``--tasks-file``; ``--json`` for one JSON document). Exit status: 0 no
counterexample, 1 every hypothesis holds and the conclusion fails (would contradict the
paper), 3 undecided, 2 bad input. The logic lives in :func:`symlqr.paper.theorems.proposition1_checks`.
"""
import sys

from symlqr.cli.launch import launch

if __name__ == "__main__":
    sys.exit(launch("symlqr.cli.results", "proposition1.py", entry="proof_command",
                    args=("proposition1",)))
