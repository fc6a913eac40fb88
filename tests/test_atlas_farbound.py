"""Minima far above the global one next to eta = 0 (symlqr.atlas.farbound),
against float scans of h and pointwise certificates: Figure 3a's near-wall
minima on (0, 1/10000], whose branches no box traps."""
from fractions import Fraction

import flint
import numpy as np
from mpmath import iv

from symlqr.atlas.family import Family
from symlqr.atlas.farbound import bounded_below, branch_region, far_above, fence, wall_points
from symlqr.atlas.bivariate import at_w
from symlqr.atlas.switches import factor_of, global_index
from symlqr.scalar.landscape import certify
from symlqr.scalar.numeric import maml_objective_float
from symlqr.tasks import figure

V = Fraction(1, 10000)
FAM = Family(figure("fig3a"), "eta")


def test_value_lower_bound_lies_below_a_float_scan_of_h():
    rng = np.random.default_rng(7)
    for _ in range(40):
        a = rng.uniform(0.0, 2.0)
        b = a + rng.uniform(1e-4, 0.05)
        p = rng.uniform(0.0, 0.02)
        q = p + rng.uniform(1e-6, 0.01)
        lb = FAM.value_lower_bound(iv.mpf([a, b]), iv.mpf([p, q]))
        for eta in np.linspace(p, q, 5)[1:]:
            W = np.linspace(a, b, 401)
            h = maml_objective_float(W, FAM.taskset_at(Fraction(eta)))
            h = h[np.isfinite(h)]                       # points in the domain
            if h.size:
                assert float(lb) <= h.min() * (1 + 1e-12), (a, b, eta, float(lb), h.min())


def test_fence_against_a_float_scan_of_the_factor():
    L = certify(FAM.taskset_at(V))
    j = [k for k, p in enumerate(L.points) if p.is_local_min][-1]
    g = FAM.n_factors[factor_of(FAM, L.points[j], V)][0]
    fenced = 0
    for c in (Fraction(1900, 1000), Fraction(1960, 1000), Fraction(1979, 1000)):
        q = at_w(g, c)
        vals = [float(q(flint.fmpq(k, 200 * 10000))) for k in range(201)]   # p in [0, V]
        if fence(g, c, V):
            fenced += 1
            assert all(v > 0 for v in vals) or all(v < 0 for v in vals), c
    assert fenced >= 1


def test_fig3a_near_wall_minima_are_excluded_and_certify_agrees():
    L = certify(FAM.taskset_at(V))
    mins = [k for k, p in enumerate(L.points) if p.is_local_min]
    g = global_index(L)[0]
    assert len(mins) == 3 and far_above(FAM, V, L, g, mins, factor_of)
    regions = {k: branch_region(FAM, factor_of(FAM, L.points[k], V), Fraction(L.points[k].W.lo),
                                Fraction(L.points[k].W.hi), V, wall_points(FAM))
               for k in mins if k != g}
    for eta in (Fraction(1, 10**6), Fraction(1, 10**5), Fraction(3, 10**5), V):
        Le = certify(FAM.taskset_at(eta))
        lows = [p for p in Le.minima() if not p.is_global]
        assert len(lows) == 2 and len(global_index(Le)) == 1
        for p in lows:                                   # each spurious minimum in a region
            assert any(c1 <= Fraction(p.W.lo) and Fraction(p.W.hi) <= c2
                       for c1, c2 in regions.values()), (eta, float(p.W.lo), regions)


def test_bounded_below_refuses_a_bound_above_the_branch_value():
    L = certify(FAM.taskset_at(V))
    j = [k for k, p in enumerate(L.points) if p.is_local_min][-1]
    c1, c2 = branch_region(FAM, factor_of(FAM, L.points[j], V), Fraction(L.points[j].W.lo),
                           Fraction(L.points[j].W.hi), V, wall_points(FAM))
    value = float(L.points[j].h.hi)
    assert not bounded_below(FAM, c1, c2, V, value + 0.01, limit=300)


def test_fig3a_segment_away_from_zero_from_either_end_agrees_with_certify():
    u, v = Fraction(1, 10000), Fraction(1, 2500)
    for x in (u, v):
        L = certify(FAM.taskset_at(x))
        mins = [k for k, p in enumerate(L.points) if p.is_local_min]
        g = global_index(L)[0]
        assert far_above(FAM, v, L, g, mins, factor_of, u=u, x=x)
    for eta in (u, Fraction(2, 10000), v):       # one global minimum, the one near W*
        Le = certify(FAM.taskset_at(eta))
        gl = [p for p in Le.minima() if p.is_global]
        assert len(gl) == 1 and 0.5 < float(gl[0].W.lo) < 0.7


def test_task_fields_on_intervals_hold_the_exact_values_and_slopes():
    """The fields' enclosures used by the bounds (``_dual_coeffs``, from coefficients
    kept once) hold each field and its p-derivative at rational points, computed
    exactly from the family's task set there; a constant field is its own interval."""
    from symlqr.atlas.family import _FIELDS, _Dual, _dual_coeffs
    from symlqr.exact.realroots import iv_from_fraction
    for fam in (FAM, Family(figure("fig2"), "scale"), Family(figure("fig3b"), "delta")):
        for p in (Fraction(1, 7), Fraction(3, 2)):
            P = _Dual(iv_from_fraction(p), iv.mpf(1))
            for i in range(fam.n):
                for k in _FIELDS:
                    d = _dual_coeffs(fam._coeffs[i][k], P)
                    x = fam.field_value(i, k, p)
                    X = iv_from_fraction(x)
                    assert d.v.a <= X.a and X.b <= d.v.b
                    S = iv_from_fraction((fam.field_value(i, k, p + Fraction(1, 10 ** 6)) - x)
                                         * 10 ** 6)          # exact: the fields are linear in p
                    assert d.d.a <= S.a and S.b <= d.d.b
                    if len(fam._coeffs[i][k]) <= 1:
                        assert (d.v.a, d.v.b) == (iv_from_fraction(x).a, iv_from_fraction(x).b)


def test_a_region_holding_a_point_below_the_bound_is_refused_and_bounded_below_agrees():
    """``below_top`` refuses a region at once only where :func:`bounded_below`
    cannot hold: the region of a spurious minimum reaching past the global
    minimum's ``W`` (fig3a at 1/16, where the values lie within 0.005) holds the
    global minimum, whose value is below the bound; the bound from the points
    alone fails there too. A region away from the other points is not refused."""
    from symlqr.atlas.farbound import below_top, min_h_above
    x = Fraction(1, 16)
    L = certify(FAM.taskset_at(x))
    g = global_index(L)[0]
    w = (Fraction(L.points[g].W.lo) + Fraction(L.points[g].W.hi)) / 2
    top = min_h_above(FAM, w, x, u=Fraction(1, 25))
    wide = (Fraction(1, 20), Fraction(3, 2))
    assert below_top(wide, top, (L,)) == g
    assert not bounded_below(FAM, *wide, x, top, limit=200, u=Fraction(1, 25))
    empty = (w + Fraction(1, 1000), w + Fraction(2, 1000))
    assert not any(empty[0] <= p.W.hi and p.W.lo <= empty[1] for p in L.points)
    assert below_top(empty, top, (L,)) is None
