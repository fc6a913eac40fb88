"""Assumption 1 on given tasks: finitely many stationary points and nonsingular
Hessians, for the MAML objective h (the hypothesis Theorem 4 needs) and for each
task's cost C_i (which the proof of Proposition 5 claims).

    python proofs/assumption1.py fig3a
    python proofs/assumption1.py --task 0,1,1,1,1 --eta 1/4 --json
"""
import sys

from symlqr.cli.launch import launch

if __name__ == "__main__":
    sys.exit(launch("symlqr.cli.results", "assumption1.py", entry="proof_command",
                    args=("assumption1",)))
