"""Theorem 1 on each task: f global, M = sup |g''| (over the stable interval, or over a
closed ``--interval a,b``), eta < 1/M, and whether h is global.

Usage: ``python proofs/theorem1.py fig1 [--interval 0.5,1.5]`` (or ``all``, or
``--task A,B,Q,R,s0[,s0a] --eta ETA``, ``--weights``, ``--tasks-file``; ``--json`` for one
JSON document). Exit status: 0 no counterexample, 1 every hypothesis holds and the
conclusion fails (would contradict the paper), 3 undecided, 2 bad input. The logic lives
in :func:`symlqr.paper.theorems.theorem1_checks`.
"""
import sys

from symlqr.cli.launch import launch

if __name__ == "__main__":
    sys.exit(launch("symlqr.cli.results", "theorem1.py", entry="proof_command",
                    args=("theorem1",)))
