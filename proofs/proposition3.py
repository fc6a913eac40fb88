"""Proposition 3 in its formal version, Proposition 5, on the delta family of given
tasks: t_i(delta) = t_1 + delta (t_i - t_1). Hypotheses: a compact set of admissible
tasks, no task with a singular Hessian at a stationary point (equation (3)),
positive weights, parameters (A, B, Q, R) only, and (implicit) epsilon(0) < epsilon.
Conclusion, at the sampled deltas: the MAML objective is epsilon-global.

    python proofs/proposition3.py fig3a
    python proofs/proposition3.py --task 1,1,1,1,1 --task 1,1,2,2,1 --eta 0.01 --json
"""
import sys

from symlqr.cli.launch import launch

if __name__ == "__main__":
    sys.exit(launch("symlqr.cli.results", "proposition3.py", entry="proof_command",
                    args=("proposition3",)))
