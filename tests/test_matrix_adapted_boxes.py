"""Boxes excluded by the Taylor models of the adapted gains F_i(X)
(symlqr/matrix/adapted_boxes.py), against float samples: numpy eigenvalues of
A - B W and A - B F(W) (F by the float adaptation step) and float h."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from symlqr.matrix.adapted_boxes import AdaptedTest
from symlqr.matrix.objective import adapt, maml_value
from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet

A2 = [["1/2", "1/10"], [0, "1/2"]]
TWO = MatrixTaskSet([MatrixTask(A2, [[0], [1]], [[1, 0], [0, 1]], [[1]]),
                     MatrixTask(A2, [[0], [1]], [[2, 0], [0, 1]], [[1]])], "1/100")
A3 = [["1/2", "1/10", 0], [0, "1/2", "1/10"], [0, 0, "1/2"]]
CHAIN = MatrixTaskSet([MatrixTask(A3, [[0], [0], [1]], [[int(i == j) for j in range(3)]
                                                       for i in range(3)], [[1]])], "1/100")
SQUARE = MatrixTaskSet([MatrixTask([[1, "1/10"], [0, 1]], [[1, 0], [0, 1]], [[1, 0], [0, 1]],
                                   [[1, 0], [0, 1]])], "1/100")


def _float_tasks(ts):
    keys = ("A", "B", "Q", "R", "Sigma0", "Sigma0a")
    return [tuple(np.array(getattr(t, k), dtype=float) for k in keys) for t in ts.tasks]


@pytest.mark.parametrize("ts,centre,spread,level", [
    (TWO, [0.0, 0.3], [12.0, 1.5], 10), (CHAIN, [0.0, 0.0, 0.3], [20.0, 6.0, 1.0], 8),
    (SQUARE, [0.5, 0.5, 0.5, 0.5], [1.5, 1.5, 1.5, 1.5], 10)])
def test_every_excluded_box_has_no_sample_in_the_domain_below_the_level(ts, centre, spread, level):
    """Random boxes (sides 0.002 to 0.05) around random stabilizing gains: where the
    test says ``outside`` every float sample has ``A - B W`` or some ``A_i - B_i
    F_i(W)`` unstable; where it says ``h > L`` every sample in the domain has float
    ``h > L``. The test must decide some boxes of each kind it claims."""
    rng = np.random.default_rng(11)
    test = AdaptedTest(ts, level=Fraction(level))
    fts = _float_tasks(ts)
    eta = float(ts.eta)
    r, d = ts.shape
    decided = 0
    tried = 0
    while tried < 150:
        W = np.array(centre) + rng.uniform(-1, 1, size=r * d) * np.array(spread)
        if any(max(abs(np.linalg.eigvals(t[0] - t[1] @ W.reshape(r, d)))) >= 1 for t in fts):
            continue
        tried += 1
        half = rng.uniform(0.001, 0.025)
        lo, hi = W - half, W + half
        why = test.outside(list(lo), list(hi))
        if why is None:
            continue
        decided += 1
        for P in lo + rng.random((30, r * d)) * (hi - lo):
            Pm = P.reshape(r, d)
            Fs = [adapt(Pm, t, eta) for t in fts]          # None: W or F_i(W) unstable
            if any(F is None for F in Fs):
                continue
            assert why.startswith("h > L"), (why, P)
            assert maml_value(Pm, ts) > level, (why, P)
    assert decided >= 3
