"""Tubes around the edges of the stabilizing set (symlqr/matrix/edges.py), against
numpy: the edges' closed loops have two eigenvalues on the unit circle, and float
samples inside a proven tube have A - B W or A - B F(W) unstable (F by the float
adaptation step)."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from symlqr.matrix.domain import conditions, stabilizing_box
from symlqr.matrix.level_sets import level_conditions, spectral_conditions
from symlqr.matrix.edges import EdgeTube, edge_tubes, stability_edges
from symlqr.matrix.objective import adapt, maml_value
from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet

A3 = [["1/2", "1/10", 0], [0, "1/2", "1/10"], [0, 0, "1/2"]]
CHAIN = MatrixTaskSet([MatrixTask(A3, [[0], [0], [1]], [[int(i == j) for j in range(3)]
                                                       for i in range(3)], [[1]])], "1/100")
# another 3 x 1 system: an unstable A, input on the middle state
OTHER = MatrixTaskSet([MatrixTask([[1, "1/5", 0], [0, "9/10", "1/3"], ["1/4", 0, "-1/2"]],
                                  [[0], [1], ["1/2"]], [[2, 0, 0], [0, 1, 0], [0, 0, 1]], [[1]])],
                      "1/50")


def _float(ts):
    keys = ("A", "B", "Q", "R", "Sigma0", "Sigma0a")
    return [tuple(np.array(getattr(t, k), dtype=float) for k in keys) for t in ts.tasks]


@pytest.mark.parametrize("ts", [CHAIN, OTHER])
def test_edges_have_two_eigenvalues_on_the_unit_circle(ts):
    """At points of each edge, numpy's eigenvalues of A - B E(s): ``1, -1`` and ``s``;
    a double 1 and ``s``; a double -1 and ``s``; 1 or -1 with the conjugate pair
    ``exp(+-i theta)``, ``cos theta = s``."""
    (A, B, *_), = _float(ts)
    edges = stability_edges(ts)
    assert len(edges) == 5
    for e in edges:
        for s in (-0.7, 0.0, 0.4, 0.9):
            W = np.array([float(a + Fraction(s) * b) for a, b in zip(e.E0, e.e)])
            lam = np.linalg.eigvals(A - B @ W.reshape(1, 3))
            want = {"1, -1": [1, -1, s], "1, 1": [1, 1, s], "-1, -1": [-1, -1, s],
                    "1, e^(+-it)": [1, complex(s, np.sqrt(1 - s * s)), complex(s, -np.sqrt(1 - s * s))],
                    "-1, e^(+-it)": [-1, complex(s, np.sqrt(1 - s * s)),
                                     complex(s, -np.sqrt(1 - s * s))]}[e.kind]
            for w in want:        # each wanted eigenvalue is near one of numpy's (double: 1e-4)
                assert np.min(np.abs(lam - w)) < 1e-4, (e.kind, s, lam)
            assert np.sum(np.abs(np.abs(lam) - 1) < 1e-4) >= 2


@pytest.fixture(scope="module")
def chain_tubes():
    """With the level conditions of ``L = 8`` (``min h`` is about 3.85): the tubes
    then exclude ``h > L`` or outside the domain."""
    L = 8
    conds = conditions(CHAIN) + level_conditions(CHAIN, L) + spectral_conditions(CHAIN, L)
    return edge_tubes(CHAIN, conds, stabilizing_box(CHAIN), budget=BUDGET)


BUDGET = 500          # chart boxes per edge and face (the default is larger)


def test_tubes_cover_much_of_the_edges(chain_tubes):
    """Even with a small budget the edges of the 3 x 1 chain are proven on a good
    part of their parameter ranges (a test that can fail: it needs the blow-up to
    work; without the level conditions none is covered at this budget)."""
    assert len(chain_tubes) == 5
    assert sum(t.summary()["covered"] for t in chain_tubes) > 1.5, [t.summary() for t in chain_tubes]
    assert all(t.chart_boxes <= 4 * (BUDGET + 64) for t in chain_tubes)


@pytest.mark.slow
def test_tubes_cover_most_of_every_edge():
    """With the default budget every edge is covered on most of its range."""
    L = 8
    conds = conditions(CHAIN) + level_conditions(CHAIN, L) + spectral_conditions(CHAIN, L)
    for tube in edge_tubes(CHAIN, conds, stabilizing_box(CHAIN)):
        assert tube.summary()["covered"] > 0.6, tube.summary()


def test_samples_inside_the_tubes_are_outside_the_domain(chain_tubes):
    """Float samples in every proven piece (``s`` in the piece, ``|a|, |b| <= R``):
    ``A - B W`` or ``A - B F(W)`` has an eigenvalue of modulus >= 1 (numpy), or
    else the float ``h`` is above the level."""
    (ft,) = _float(CHAIN)
    eta = float(CHAIN.eta)
    rng = np.random.default_rng(5)
    checked = inside_S = 0
    for tube in chain_tubes:
        E0 = np.array([float(x) for x in tube.edge.E0])
        e = np.array([float(x) for x in tube.edge.e])
        for _ in range(80 if tube.pieces else 0):
            s0, s1, R = tube.pieces[rng.integers(len(tube.pieces))]
            if True:
                s = float(s0) + rng.random() * float(s1 - s0)
                a, b = rng.uniform(-1, 1, 2) * float(R)
                W = E0 + s * e
                W[tube.j1] += a * float(tube.width1)
                W[tube.j2] += b * float(tube.width2)
                Wm = W.reshape(1, 3)
                if max(abs(np.linalg.eigvals(ft[0] - ft[1] @ Wm))) < 1:
                    inside_S += 1
                if adapt(Wm, ft, eta) is not None:       # in the domain: then h > L
                    assert maml_value(Wm, CHAIN, 1) > 8, (tube.edge.kind, s, a, b)
                checked += 1
    assert checked > 200 and inside_S > 20      # many samples with W itself stable


def test_covers_is_exact_at_the_radius(chain_tubes):
    """A box inside a piece is covered; the same box pushed past the radius is not."""
    tube = max(chain_tubes, key=lambda t: max(float(R) for *_, R in t.pieces))
    s0, s1, R = max(tube.pieces, key=lambda p: p[2])
    s = (s0 + s1) / 2
    W = [a + s * b for a, b in zip(tube.edge.E0, tube.edge.e)]
    half = [Fraction(0)] * 3
    half[tube.j1] = R * tube.width1 / 4
    lo = [w - h for w, h in zip(W, half)]
    hi = [w + h for w, h in zip(W, half)]
    assert tube.covers(lo, hi)
    shift = [Fraction(0)] * 3
    shift[tube.j1] = R * tube.width1
    assert not tube.covers([x + d for x, d in zip(lo, shift)], [x + d for x, d in zip(hi, shift)])
    assert not EdgeTube(tube.edge, tube.k, tube.j1, tube.j2, tube.width1, tube.width2).covers(lo, hi)


def test_no_edges_for_other_shapes():
    two = MatrixTaskSet([MatrixTask([[1, "1/10"], [0, 1]], [[0], [1]], [[1, 0], [0, 1]], [[1]])],
                        "1/100")
    assert stability_edges(two) == []
    assert edge_tubes(two, conditions(two), stabilizing_box(two)) == []


def test_a_box_around_an_edge_is_complete_with_the_tubes_and_not_without():
    """The branch-and-bound on a box around an inner point of an edge (2% of the
    stabilizing box's widths, level 8): with the tubes it is complete (no
    stationary point there) and uses them; without them the same search is still
    open after twice as many boxes."""
    from symlqr.matrix.landscape import complete_landscape
    from symlqr.matrix.reasons import IN_TUBE_LEVEL
    edge = next(e for e in stability_edges(CHAIN) if e.kind == "1, e^(+-it)")
    root = stabilizing_box(CHAIN)
    W = [a + Fraction(3, 10) * b for a, b in zip(edge.E0, edge.e)]
    box = [(float(w) - 0.02 * float(b - a), float(w) + 0.02 * float(b - a))
           for w, (a, b) in zip(W, root)]
    res = complete_landscape(CHAIN, box=box, level=8, max_boxes=600)
    assert res.complete and not res.points
    assert res.outcome.excluded.get(IN_TUBE_LEVEL, 0) > 0 and res.edges
    used = res.outcome.boxes
    bare = complete_landscape(CHAIN, box=box, level=8, max_boxes=2 * used, tubes=False)
    assert not bare.complete and len(bare.outcome.undecided) > 0
