"""Theorem 4 on the delta family of given tasks: t_i(delta) = t_1 + delta (t_i - t_1).
Hypotheses: Assumption 1 for h(., t) at t_bar = t(0) and at each sampled delta, and
epsilon(t_bar) < epsilon'. Conclusion, at the sampled deltas: h(., t(delta)) is
epsilon'-global for every sampled delta below some delta_0.

    python proofs/theorem4.py fig3a
    python proofs/theorem4.py fig2 --deltas 1,1/8,1/64,1/512 --epsilon 1e-4 --json
"""
import sys

from symlqr.cli.launch import launch

if __name__ == "__main__":
    sys.exit(launch("symlqr.cli.results", "theorem4.py", entry="proof_command",
                    args=("theorem4",)))
