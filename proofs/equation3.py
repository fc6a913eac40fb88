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

from symlqr.cli.launch import launch

if __name__ == "__main__":
    sys.exit(launch("symlqr.cli.results", "equation3.py", entry="proof_command",
                    args=("equation3",)))
