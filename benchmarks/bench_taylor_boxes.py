"""Enclosures of ``hess g`` and ``grad g`` over boxes of gains: Taylor models
(:mod:`symlqr.matrix.taylor`) against the ball closed forms (the baseline, in the
same run) and the range sampled in floats.

    python benchmarks/bench_taylor_boxes.py [--boxes 8] [--seed 3]

Boxes of side 0.2, 0.1 and 0.025 centred at random points of the 3 x 1
example's level set ``{h <= L}`` (``examples/chain_3state.json``, default level).
Per side: the median over the boxes of each enclosure's largest width divided by
the sampled range's (300 random points; 1 would be exact), and the time per box
as a ratio to the ball forms'. The float samples decide nothing: they measure
how much each enclosure overestimates. "ball+mv" is the ball forms' Hessian
intersected with their mean-value form (third derivatives over the box).
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from symlqr.matrix.backend import FLOAT, ArbBackend
from symlqr.matrix.hypothesis_boxes import _ball, _mean_value, _symmetric, _tasks
from symlqr.matrix.landscape import default_level
from symlqr.matrix.lqr import LQRPoint
from symlqr.matrix.objective import maml_value
from symlqr.matrix.taylor import TAYLOR, gain_box
from symlqr.matrix.tasks import MatrixTaskSet, load_matrix_tasks_file

ARB = ArbBackend()


def _width(entries) -> float:
    return max(2 * float(x.rad()) for x in entries)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--boxes", type=int, default=8)
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args()
    d = load_matrix_tasks_file("examples/chain_3state.json")
    ts = MatrixTaskSet(d["tasks"], d["eta"], d["weights"])
    L = float(default_level(ts))
    t = ts.tasks[0]
    A, B, Q, R, S = (np.array(getattr(t, k), dtype=float) for k in ("A", "B", "Q", "R", "Sigma0a"))
    Aa, Ba, Qa, Ra, _, Sa = _tasks(ts)[0]
    rng = np.random.default_rng(args.seed)
    centres = []
    while len(centres) < args.boxes:
        w = rng.uniform([-1.2, -1.2, -0.6], [1.2, 1.0, 1.6])
        try:
            if maml_value(w.reshape(1, 3), ts) <= L:
                centres.append(w)
        except (ValueError, np.linalg.LinAlgError):
            pass
    print(f"{args.boxes} boxes centred in {{h <= L}}, L = {L:.4f}; widths / sampled range "
          "(median), time per box / ball forms'")
    print(f"{'side':>6} {'ball H':>10} {'ball+mv H':>10} {'taylor H':>10} {'ball grad':>10} "
          f"{'taylor grad':>11} {'time ratio':>10}")
    for side in (0.2, 0.1, 0.025):
        rows, tb, tt = [], 0.0, 0.0
        for c in centres:
            lo, hi = c - side / 2, c + side / 2
            pts = [LQRPoint(FLOAT, (A, B, Q, R), (c + rng.uniform(-side / 2, side / 2, 3)).reshape(1, 3), S)
                   for _ in range(300)]
            Hs = np.array([np.array(p.hess_dense()) for p in pts])
            gs = np.array([np.array(p.grad) for p in pts])
            true_H = float((Hs.max(0) - Hs.min(0)).max())
            true_g = float((gs.max(0) - gs.min(0)).max())
            t0 = time.perf_counter()
            try:
                X = _ball(lo, hi, 1, 3)
                g = LQRPoint(ARB, (Aa, Ba, Qa, Ra), X, Sa)
                Hb = _symmetric(g.hess_dense())
                ball = (_width(Hb.entries()), _width(_mean_value(g, (Aa, Ba, Qa, Ra, Sa), X).entries()),
                        _width(g.grad.entries()))
            except ZeroDivisionError:
                ball = (np.inf, np.inf, np.inf)
            t1 = time.perf_counter()
            try:
                p = LQRPoint(TAYLOR, (Aa, Ba, Qa, Ra), gain_box(lo, hi, 1, 3), Sa)
                tay = (_width([x for row in p.hess_dense() for x in row]), _width(p.grad.entries()))
            except ZeroDivisionError:
                tay = (np.inf, np.inf)
            t2 = time.perf_counter()
            tb, tt = tb + t1 - t0, tt + t2 - t1
            rows.append((ball[0] / true_H, min(ball[0], ball[1]) / true_H, tay[0] / true_H,
                         ball[2] / true_g, tay[1] / true_g))
        med = np.median(np.array(rows), axis=0)
        print(f"{side:>6} {med[0]:>10.3g} {med[1]:>10.3g} {med[2]:>10.3g} {med[3]:>10.3g} "
              f"{med[4]:>11.3g} {tt / tb:>10.2f}")


if __name__ == "__main__":
    main()
