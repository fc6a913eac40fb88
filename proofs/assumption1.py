"""Assumption 1 on given tasks: finitely many stationary points and nonsingular
Hessians, for the MAML objective h (the hypothesis Theorem 4 needs) and for each
task's cost C_i (which the proof of Proposition 5 claims).

    python proofs/assumption1.py fig3a
    python proofs/assumption1.py --task 0,1,1,1,1 --eta 1/4 --json
"""
import sys

from symlqr.paper.continuity import assumption1_checks
from symlqr.cli.proofs import proof_main


def evaluate(taskset, args):
    return assumption1_checks(taskset, digits=args.digits, deadline=args.deadline)


if __name__ == "__main__":
    sys.exit(proof_main("assumption1.py", "Assumption 1 (finitely many stationary points, "
                        "nonsingular Hessians)", evaluate))
