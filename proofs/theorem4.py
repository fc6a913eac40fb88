"""Theorem 4 on the delta family of given tasks: t_i(delta) = t_1 + delta (t_i - t_1).
Hypotheses: Assumption 1 for h(., t) at t_bar = t(0) and at each sampled delta, and
epsilon(t_bar) < epsilon'. Conclusion, at the sampled deltas: h(., t(delta)) is
epsilon'-global for every sampled delta below some delta_0.

    python proofs/theorem4.py fig3a
    python proofs/theorem4.py fig2 --deltas 1,1/8,1/64,1/512 --epsilon 1e-4 --json
"""
import sys

from symlqr.paper.continuity import parse_deltas, parse_epsilon, theorem4_checks
from symlqr.cli.proofs import proof_main


def add_arguments(p):
    p.add_argument("--deltas", metavar="d1,d2,...",
                   help="deltas in (0, 1], exact rationals (default 1,1/2,...,1/64)")
    p.add_argument("--epsilon", metavar="EPS", help="epsilon' > 0 (default 1/1000)")


def evaluate(taskset, args):
    return theorem4_checks(taskset, parse_deltas(args.deltas), parse_epsilon(args.epsilon),
                           deadline=args.deadline, digits=args.digits)


if __name__ == "__main__":
    sys.exit(proof_main("theorem4.py", "Theorem 4 (continuity of epsilon-globality) on "
                        "the delta family", evaluate, add_arguments))
