"""The joint test with the level conditions, the generated-row linear program, and the
chain rule's level test, against independent computations: a full linear program
on every coefficient (scipy), and float samples of the domain and of ``h``."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
from scipy.optimize import linprog

from symlqr.branch.core import Boxes
from symlqr.matrix.chain_boxes import ChainRule
from symlqr.matrix.domain import adapted_gains, conditions
from symlqr.matrix.joint import _margin_lp
from symlqr.matrix.landscape import default_level
from symlqr.matrix.level_sets import level_conditions, spectral_conditions
from symlqr.matrix.objective import in_domain, maml_value
from symlqr.matrix.reasons import JOINTLY, JOINTLY_LEVEL
from symlqr.matrix.subdivision import Decider
from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet

DOCS = MatrixTaskSet([MatrixTask([[1, "1/10"], [0, 1]], [[0], [1]], [[1, 0], [0, 1]], [[1]])],
                     "1/100")


def _full_lp(G, size):
    K = len(G)
    lp = linprog(np.r_[np.zeros(K), -1.0], A_ub=np.hstack([G.T, size[:, None]]),
                 b_ub=np.zeros(G.shape[1]), A_eq=np.hstack([np.ones((1, K)), np.zeros((1, 1))]),
                 b_eq=[1.0], bounds=[(0, None)] * K + [(None, 1.0)], method="highs")
    return lp.status == 0 and lp.x[-1] > 0


def test_generated_rows_decide_as_the_full_linear_program():
    """Random combinations problems, with and without a feasible combination:
    the LP on generated rows finds one exactly when scipy's LP on every row
    does, and what it returns satisfies every row."""
    rng = np.random.default_rng(7)
    agree = {True: 0, False: 0}
    for trial in range(60):
        K, m = int(rng.integers(2, 7)), int(rng.integers(50, 3000))
        G = rng.normal(size=(K, m))
        if trial % 2 == 0:              # plant a combination that is <= 0 everywhere
            mu = rng.random(K)
            G[-1] = -(mu[:-1] @ G[:-1]) / mu[-1] - rng.random(m) * 0.1
        size = np.where((G < 0).any(axis=0), np.abs(G).max(axis=0), 0.0)
        want = _full_lp(G, size)
        got = _margin_lp(G, size)
        assert (got is not None) == want
        if got is not None:
            assert np.all(G.T @ got[:K] <= 1e-9 * np.abs(G).max())
        agree[want] += 1
    assert agree[True] >= 20 and agree[False] >= 10


def _decider():
    L = default_level(DOCS)
    conds = conditions(DOCS) + level_conditions(DOCS, L) + spectral_conditions(DOCS, L)
    root = [(-4.0, 44.0), (-1.0, 5.0)]
    root_q = [(Fraction(a), Fraction(b)) for a, b in root]
    dec = Decider(DOCS, [], conds, root_q, level=L, gains=adapted_gains(DOCS))
    dec.roots(root_q)
    return dec, L, root


def _box(dec, lo, hi):
    box = [(Fraction(a), Fraction(b)) for a, b in zip(lo, hi)]
    data = {}
    for k in range(dec.nn, len(dec.polys)):
        a, b, f = dec.sources[k].on(box)
        data[f"{k}lo"], data[f"{k}hi"], data[f"{k}f"] = a, b, np.array([f], dtype=object)
    return Boxes(np.array([lo], dtype=float), np.array([hi], dtype=float), data)


def test_joint_test_with_the_level_holds_no_point_of_the_region():
    """A grid of boxes over the docs example's first box: where the joint test
    with the level conditions excludes one, no float sample of it is a domain
    point with ``h <= L``; where it names the domain alone, none is a domain
    point. Some boxes need the level conditions (the test can fail)."""
    dec, L, root = _decider()
    rng = np.random.default_rng(3)
    xs, ys = np.linspace(-4, 44, 25), np.linspace(-1, 5, 13)
    seen = {JOINTLY: 0, JOINTLY_LEVEL: 0}
    for x0, x1 in zip(xs[:-1], xs[1:]):
        for y0, y1 in zip(ys[:-1], ys[1:]):
            boxes = _box(dec, [x0, y0], [x1, y1])
            if any(mask[0] for mask in dec._outside(boxes).values()):
                continue                       # a single condition decides it already
            why = dec._jointly_with_level(boxes, 0)
            if why is None:
                continue
            seen[why] += 1
            for W in rng.uniform([x0, y0], [x1, y1], size=(60, 2)):
                inside = in_domain(W[None, :], DOCS)
                if why == JOINTLY:
                    assert not inside, (x0, y0, why)
                else:
                    assert not inside or maml_value(W[None, :], DOCS) > float(L), (x0, y0)
    assert seen[JOINTLY_LEVEL] > 0, seen


def test_chain_rule_level_test_against_float_h():
    """Boxes of the 3 x 1 example around the level set's edge: where the chain
    rule says ``h > L`` (``h = C(F(W))``, Taylor models over the box), every float
    sample in the domain has ``h > L``; it says so on some boxes and not on a
    box around ``W*`` (``h(W*) < L``)."""
    from symlqr.matrix.tasks import load_matrix_tasks_file
    d = load_matrix_tasks_file("examples/chain_3state.json")
    ts = MatrixTaskSet(d["tasks"], d["eta"], d["weights"])
    rule = ChainRule.for_taskset(ts)
    star = np.array([float(x.mid()) for x in rule.star])
    L = 4.0
    rule.level = L
    rng = np.random.default_rng(11)
    above = 0
    for _ in range(120):
        c = star + rng.normal(size=3) * np.array([0.3, 0.3, 0.4])
        half = np.array([0.004, 0.004, 0.006])
        lo, hi = c - half, c + half
        if not rule.above(lo, hi):
            continue
        above += 1
        for W in rng.uniform(lo, hi, size=(20, 3)):
            if in_domain(W[None, :], ts):
                assert maml_value(W[None, :], ts) > L
    assert above > 5
    assert not rule.above(star - 1e-3, star + 1e-3)
