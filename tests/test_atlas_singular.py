"""Folds at singular points of f = 0 (symlqr/atlas/singular.py), against
independent computations: the real roots of the exact discriminant of f in W
(FLINT resultant and factors, numpy roots), the exact values of f and its gradient at
Figure 3d's rational singular point, and perturbed curves whose two folds are
known in closed form."""
from __future__ import annotations

from fractions import Fraction as Q
from types import SimpleNamespace

import flint
import numpy as np
import pytest

from symlqr.atlas.bivariate import P, W, at_w, const
from symlqr.atlas.folds import Fallback, _singular, exact_folds
from symlqr.atlas.singular import clusters, singular_value
from symlqr.atlas.solve2 import solve2


def _node(c=Q(0)):
    """(W^2 - 2)^2 - (p - 1/2)^2 + c: a node at (sqrt 2, 1/2) for c = 0; for
    c > 0 two folds at p = 1/2 -+ sqrt(c) (W = sqrt 2), none near it for c < 0."""
    return (W ** 2 - const(2)) ** 2 - (P - const(Q(1, 2))) ** 2 + const(c)


def _disc_roots(f, lo, hi) -> list:
    """Real roots in [lo, hi] of the discriminant of f in W (FLINT's exact
    resultant of f and f_W, numpy's roots)."""
    d = f.resultant(f.derivative("W"), "W")
    poly = at_w(d, Q(0))                     # d is free of W: a polynomial in p
    out = []
    for g, _m in poly.factor()[1]:            # FLINT's factors: numpy's roots of each
        r = np.roots([float(g[k]) for k in range(g.degree(), -1, -1)])
        out += [float(z.real) for z in r if abs(z.imag) < 1e-9 and lo <= z.real <= hi]
    return sorted(out)


def test_a_node_is_left_undecided_by_the_search_and_its_bracket_holds_the_fold():
    f = _node()
    box = [(Q(5, 4), Q(3, 2)), (Q(1, 4), Q(3, 4))]
    out = solve2(f, f.derivative("W"), box)
    assert out.undecided and not out.found          # the search cannot isolate a node
    values = _singular(f, out.undecided)
    assert len(values) == 1
    v = values[0]
    roots = _disc_roots(f, 0.25, 0.75)
    assert roots and all(abs(r - 0.5) < 1e-6 for r in roots)
    v.refine(80)
    assert v.lo <= Q(1, 2) <= v.hi and v.hi - v.lo < Q(1, 2 ** 78)
    w, p = v.balls()
    assert w.contains(flint.arb(2).sqrt()) and p.contains(flint.arb(Q(1, 2).numerator) / 2)


@pytest.mark.parametrize("c", [Q(1, 10 ** 30), Q(-1, 10 ** 30)])
def test_a_perturbed_node_keeps_both_folds_or_none_in_its_bracket(c):
    """f(n) = c != 0: the folds at p = 1/2 -+ 10^-15 (c > 0) lie in the bracket
    at every precision, and the bracket stops narrowing above their distance
    (never claims a width it cannot prove)."""
    f = _node(c)
    hull = [(Q(1414213562373, 10 ** 12), Q(1414213562374, 10 ** 12)),
            (Q(1, 2) - Q(1, 10 ** 13), Q(1, 2) + Q(1, 10 ** 13))]
    v = singular_value(f, hull)
    assert v is not None
    for bits in (30, 40):
        v.refine(bits)
        assert v.lo < Q(1, 2) - Q(1, 10 ** 15) and Q(1, 2) + Q(1, 10 ** 15) < v.hi
    with pytest.raises(ArithmeticError):
        v.refine(60)                                 # 2^-60 < 10^-15: not provable


def test_a_cusp_or_two_separate_points_are_refused():
    """Where f_WW vanishes (a cusp) the bracket is not proven: None, and the
    search falls back (to the exact discriminant) when a group is not one."""
    box = [(Q(-1, 64), Q(1, 64)), (Q(-1, 64), Q(1, 64))]
    assert singular_value(W ** 3 - P ** 2, box) is None
    with pytest.raises(Fallback):
        _singular(W ** 3 - P ** 2, [(b[0], b[1], "neither excluded nor isolated at the finest width")
                                    for b in [([-2.0 ** -40, -2.0 ** -40], [2.0 ** -40, 2.0 ** -40])]])
    with pytest.raises(Fallback):                    # a box left for lack of time
        _singular(_node(), [([1.4, 0.4], [1.5, 0.6], "time: budget of 10 boxes used")])


def test_clusters_chain_touching_boxes():
    boxes = [([0.0, 0.0], [1.0, 1.0]), ([1.0, 0.5], [2.0, 1.5]), ([5.0, 5.0], [6.0, 6.0]),
             ([2.0, 1.5], [3.0, 2.0])]
    hulls = sorted(clusters(boxes))
    assert hulls == [[(0, 3), (0, 2)], [(5, 6), (5, 6)]]


def test_figure_3d_rational_singular_point():
    """Figure 3d's factor of N has f = f_W = f_eta = 0 at (1/2, 27/112) exactly;
    the bracket of the box around it holds 27/112 at 100 bits."""
    from symlqr.atlas.family import Family
    from symlqr.tasks import figure
    FAM = Family(figure("fig3d"), "eta")
    f = FAM.n_factors[-1][0]
    pt = (flint.fmpq(1, 2), flint.fmpq(27, 112))
    assert all(g(*pt) == 0 for g in (f, f.derivative("W"), f.derivative("p")))
    hull = [(Q(1, 2) - Q(1, 2 ** 44), Q(1, 2) + Q(1, 2 ** 44)),
            (Q(27, 112) - Q(1, 2 ** 45), Q(27, 112) + Q(1, 2 ** 45))]
    v = singular_value(f, hull)
    assert v is not None
    v.refine(100)
    assert v.lo <= Q(27, 112) <= v.hi and v.hi - v.lo < Q(1, 2 ** 98)
    assert v.exact() == (Q(1, 2), Q(27, 112))
    folds = {2: [v]}
    (poly, reason), = exact_folds(FAM, folds)           # an exact root, merged with the walls'
    assert folds == {2: []} and reason == ("fold", 2, 2) and poly(flint.fmpq(27, 112)) == 0


def test_an_irrational_singular_point_stays_a_bracket():
    v = singular_value(_node(), [(Q(1414213562373, 10 ** 12), Q(1414213562374, 10 ** 12)),
                                 (Q(1, 2) - Q(1, 10 ** 13), Q(1, 2) + Q(1, 10 ** 13))])
    assert v.exact() is None                       # W = sqrt 2
    folds = {0: [v]}
    assert exact_folds(SimpleNamespace(walls=[]), folds) == [] and folds == {0: [v]}


def test_a_node_where_two_walls_cross_becomes_an_exact_root():
    """f = (p - W/2)(p - W^2 + 1): a node where the two curves (as walls) cross,
    at W = (1 + sqrt 17)/4 (2 W^2 - W - 2 = 0), p = W/2, a root of 4 p^2 - p - 1."""
    L1, L2 = P - W * const(Q(1, 2)), P - W ** 2 + const(1)
    f = L1 * L2
    w0 = (1 + 17 ** 0.5) / 4
    hull = [(Q(w0) - Q(1, 2 ** 40), Q(w0) + Q(1, 2 ** 40)), (Q(w0 / 2) - Q(1, 2 ** 41), Q(w0 / 2) + Q(1, 2 ** 41))]
    v = singular_value(f, hull)
    assert v is not None and v.exact() is None
    phi = v.on_walls([L1, L2])
    assert phi == flint.fmpq_poly([-1, -1, 4]) / 4           # 8 p^2 - 2 p - 2 = 0
    assert v.on_walls([L1]) is None and v.on_walls([L1, P - W]) is None
    folds = {0: [v]}
    assert exact_folds(SimpleNamespace(walls=[L2, L1]), folds) == [(phi, ("fold", 0, 0))]
