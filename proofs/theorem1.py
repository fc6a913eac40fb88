"""Theorem 1 on each task: f global, M = sup |g''| (over the stable interval, or over a
closed ``--interval a,b``), eta < 1/M, and whether h is global.

Usage: ``python proofs/theorem1.py fig1 [--interval 0.5,1.5]`` (or ``all``, or
``--task A,B,Q,R,s0[,s0a] --eta ETA``, ``--weights``, ``--tasks-file``; ``--json`` for one
JSON document). Exit status: 0 no counterexample, 1 every hypothesis holds and the
conclusion fails (would contradict the paper), 3 undecided, 2 bad input. The logic lives
in :func:`symlqr.paper.theorems.theorem1_checks`.
"""
import sys

from symlqr.paper.theorems import parse_interval, theorem1_checks
from symlqr.cli.proofs import proof_main

DESCRIPTION = "Theorem 1 (f global, |g''| <= M < inf, eta < 1/M => h global)"


def add_arguments(parser):
    parser.add_argument("--interval", metavar="a,b",
                        help="bound M = max |g''| on the closed interval [a, b] inside the "
                             "stable interval (default: the whole stable interval, M = +inf)")


def evaluate(taskset, args):
    interval = parse_interval(args.interval) if args.interval else None
    return theorem1_checks(taskset, interval, digits=args.digits, deadline=args.deadline)


if __name__ == "__main__":
    sys.exit(proof_main("theorem1.py", DESCRIPTION, evaluate, add_arguments))
