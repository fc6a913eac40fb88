"""Proposition 3 in its formal version, Proposition 5, on the delta family of given
tasks: t_i(delta) = t_1 + delta (t_i - t_1). Hypotheses: a compact set of admissible
tasks, no task with a singular Hessian at a stationary point (equation (3)),
positive weights, parameters (A, B, Q, R) only, and (implicit) epsilon(0) < epsilon.
Conclusion, at the sampled deltas: the MAML objective is epsilon-global.

    python proofs/proposition3.py fig3a
    python proofs/proposition3.py --task 1,1,1,1,1 --task 1,1,2,2,1 --eta 0.01 --json
"""
import sys

from symlqr.paper.continuity import parse_deltas, parse_epsilon, proposition5_checks
from symlqr.cli.proofs import proof_main


def add_arguments(p):
    p.add_argument("--deltas", metavar="d1,d2,...",
                   help="deltas in (0, 1], exact rationals (default 1,1/2,...,1/64)")
    p.add_argument("--epsilon", metavar="EPS", help="epsilon > 0 (default 1/1000)")


def evaluate(taskset, args):
    return proposition5_checks(taskset, parse_deltas(args.deltas),
                               parse_epsilon(args.epsilon), deadline=args.deadline,
                               digits=args.digits)


if __name__ == "__main__":
    sys.exit(proof_main("proposition3.py", "Proposition 3 / 5 (similar tasks) on the "
                        "delta family", evaluate, add_arguments))
