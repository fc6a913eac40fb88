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
from symlqr.exact.realroots import real_roots


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
    assert folds == {2: []} and reason == ("fold-singular", 2, v) and poly(flint.fmpq(27, 112)) == 0


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
    assert exact_folds(SimpleNamespace(walls=[L2, L1]), folds) == [(phi, ("fold-singular", 0, v))]
    assert v.crossing in ((L1, L2), (L2, L1)) and v.phi == phi


def _node_family(conditions):
    """The node of test_a_node_where_two_walls_cross_becomes_an_exact_root as a
    family: f = L1 L2 its one factor, L1 and L2 its walls, ``conditions`` the
    numerators of its domain conditions (no poles)."""
    L1, L2 = P - W * const(Q(1, 2)), P - W ** 2 + const(1)
    f = L1 * L2
    w0 = (1 + 17 ** 0.5) / 4
    hull = [(Q(w0) - Q(1, 2 ** 40), Q(w0) + Q(1, 2 ** 40)), (Q(w0 / 2) - Q(1, 2 ** 41), Q(w0 / 2) + Q(1, 2 ** 41))]
    fam = SimpleNamespace(walls=[L2, L1], n_factors=[(f, 1)],
                          conditions=[SimpleNamespace(num=g) for g in conditions],
                          pole_factors=[[] for _ in conditions])
    (phi, reason), = exact_folds(fam, {0: [singular_value(f, hull)]})
    roots = [r for r, _m in real_roots(phi)]                # (1 -+ sqrt 17) / 8
    return fam, reason, roots


@pytest.mark.parametrize("extra, want", [(W, "boundary"), (W - const(2), "outside")])
def test_a_fold_at_a_node_on_two_walls_is_decided_without_the_sylvester_matrix(extra, want):
    """At n = ((1 + sqrt 17)/4, (1 + sqrt 17)/8) the walls vanish exactly
    (checked in Q(sqrt 17) by sympy), W = 1.28 > 0 and W - 2 < 0: the
    conditions [L1, extra] are 0 and the sign of ``extra`` there. Against the
    full Sylvester path (decide_event with ("fold", 0, 0)), which finds the same
    point and agrees where it can decide (it cannot prove the 0 of L1)."""
    import sympy as sp
    from symlqr.atlas.events import decide_event
    L1 = P - W * const(Q(1, 2))
    fam, reason, roots = _node_family([L1, extra])
    c = roots[1]
    wn, pn = (1 + sp.sqrt(17)) / 4, (1 + sp.sqrt(17)) / 8
    assert sp.simplify(pn - wn / 2) == 0 and sp.simplify(pn - wn ** 2 + 1) == 0
    assert c.lo <= Q(float(pn)) + Q(1, 10 ** 9) and c.hi >= Q(float(pn)) - Q(1, 10 ** 9)
    status, w = decide_event(fam, c, reason)
    assert status == want
    with flint.ctx.workprec(256):
        assert w.overlaps((flint.arb(17).sqrt() + 1) / 4)
    full, w_full = decide_event(fam, c, ("fold", 0, 0))
    assert full == ("outside" if want == "outside" else "unresolved")
    if w_full is not None:
        assert w_full.overlaps(w)


def test_a_fold_of_another_root_of_phi_is_not_the_nodes():
    """The other root (1 - sqrt 17)/8 of phi is the second crossing, at W =
    (1 - sqrt 17)/4 < 0, outside the box of the node: no fold of the box
    there (that crossing would be a singular value of its own)."""
    from symlqr.atlas.events import decide_event
    fam, reason, roots = _node_family([W])
    status, _w = decide_event(fam, roots[0], reason)
    assert status == "outside" and reason[2].X[0][0] > 0


def test_a_fold_at_a_rational_singular_point_is_decided_exactly():
    """f = (p - W)(p + W - 1): a node at (1/2, 1/2), rational; conditions W
    (1/2 > 0) and p - W (0 there): boundary; with 1/4 - W instead: outside."""
    from symlqr.atlas.events import decide_event
    L1, L2 = P - W, P + W - const(1)
    f = L1 * L2
    hull = [(Q(1, 2) - Q(1, 2 ** 30), Q(1, 2) + Q(1, 2 ** 30)), (Q(1, 2) - Q(1, 2 ** 30), Q(1, 2) + Q(1, 2 ** 30))]
    for extra, want in ((W, "boundary"), (const(Q(1, 4)) - W, "outside")):
        fam = SimpleNamespace(walls=[], n_factors=[(f, 1)],
                              conditions=[SimpleNamespace(num=g) for g in (extra, L1)],
                              pole_factors=[[], []])
        (phi, reason), = exact_folds(fam, {0: [singular_value(f, hull)]})
        (c, _m), = real_roots(phi)
        assert c.is_rational and c.lo == Q(1, 2)
        assert decide_event(fam, c, reason)[0] == want
        assert decide_event(fam, c, ("fold", 0, 0))[0] == want      # the exact gcd path
