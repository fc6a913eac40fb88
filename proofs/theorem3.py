"""Theorem 3: normalized-step MAML on scaled tasks (equal A, equal B, alpha_i Q_i and alpha_i R_i equal); at every local minimizer, eta < |C_i'|/|C_i''| for some i, and whether it is global. The plain gradient-step objective is shown for comparison.

Usage: ``python proofs/theorem3.py fig1`` (or ``all``, or ``--task A,B,Q,R,s0[,s0a] --eta ETA``,
``--weights``, ``--tasks-file``; ``--json`` for one JSON document). Exit status: 0 no
counterexample, 1 every hypothesis holds and the conclusion fails (would contradict the
paper), 3 undecided, 2 bad input. The logic lives in :func:`symlqr.paper.theorems.theorem3_checks`.
"""
import sys

from symlqr.cli.launch import launch

if __name__ == "__main__":
    sys.exit(launch("symlqr.cli.results", "theorem3.py", entry="proof_command",
                    args=("theorem3",)))
