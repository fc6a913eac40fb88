"""Equation (3): the tasks with a stationary point of singular Hessian.

With sympy: C'(Wb) = 0, C''(Wb) = 0 as polynomial equations in (A, B, Q, R), for a
given (--wbar) or symbolic Wb, reduced, split into cases and decided against the
admissible region Q >= 0, R > 0, |A - B Wb| < 1. Then each given task substituted
into the reduced system, and h' = 0, h'' = 0 for the MAML objective of the tasks
(real roots of gcd(num h', num h'') in the domain, exact).

    python proofs/equation3.py fig1
    python proofs/equation3.py fig3a --wbar 1/2 --json
"""
import sys

from symlqr.paper.equation3 import equation3_checks
from symlqr.tasks import parse_rational
from symlqr.cli.proofs import proof_main


def add_arguments(p):
    p.add_argument("--wbar", metavar="W", help="a rational policy Wb (default: symbolic)")


def evaluate(taskset, args):
    wbar = None if args.wbar is None else parse_rational(args.wbar, "--wbar")
    return equation3_checks(taskset, wbar, digits=args.digits)


if __name__ == "__main__":
    sys.exit(proof_main("equation3.py", "equation (3): singular Hessians at stationary "
                        "points", evaluate, add_arguments))
