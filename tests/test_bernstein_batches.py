"""The shortcuts of the candidates stage give the numbers of the plain computations:
de Casteljau splits with one matrix per shared fraction against one matrix per
box, derivative ranges against the elementwise outward step, a Source whose
ladder is restarted against a new one, a Source that keeps its conversions along
the first sides against a new one, the values at the boxes' centres with the
rows' values kept per centre in y against plain evaluations, the gap boxes with their exact pretest
against plain Bernstein tries, and solve2 cutting by the polynomials' change
against numpy's roots."""
from fractions import Fraction as Q

import numpy as np
import pytest
from flint import fmpq_mpoly_ctx

from symlqr.atlas import corners
from symlqr.atlas.bivariate import P, W, const
from symlqr.atlas.solve2 import solve2
from symlqr.branch import bernstein as bz

from test_atlas_folds import roots_against_numpy


def _random_poly(rng, deg):
    x, y = fmpq_mpoly_ctx.get(("x", "y"), "lex").gens()
    p = 0 * x
    for i in range(deg + 1):
        for j in range(deg + 1 - i):
            p += int(rng.integers(-50, 50)) * x ** i * y ** j
    return p


@pytest.mark.parametrize("var", [0, 1])
def test_split_with_shared_fractions_equals_one_matrix_per_box(var):
    rng = np.random.default_rng(7 + var)
    p = _random_poly(rng, 12)
    src = bz.Source(p, 2)
    lo_b = np.array([[rng.uniform(-1, 1), rng.uniform(0, 1)] for _ in range(9)])
    hi_b = lo_b + 2.0 ** -np.array([[k % 3, k % 2] for k in range(9)])
    boxes = [[(Q(lo_b[j, k]), Q(hi_b[j, k])) for k in range(2)] for j in range(9)]
    got = [src.on(b) for b in boxes]
    lo = np.concatenate([g[0] for g in got])
    hi = np.concatenate([g[1] for g in got])
    # three fractions shared by several boxes, one box alone, not all within 2^-50
    s = np.array([0.2, 0.2, 0.2, 0.6, 0.6, 127 / 256, 127 / 256, 0.3, 0.2])
    n = lo.shape[var + 1] - 1
    assert len(bz._groups(s, n)) == 4
    grouped = bz.split(lo, hi, var, s)
    per_box = bz.split(lo, hi, var, s, plans={n: [(slice(None), bz._split_plan(s.copy(), n), 1)]})
    for a, b in zip(grouped, per_box):
        assert all(np.array_equal(x, y) for x, y in zip(a, b))
    for j in range(9):                       # and the halves hold the exact coefficients
        side = boxes[j][var]
        c = side[0] + Q(s[j]) * (side[1] - side[0])
        for (ll, hh), half in zip(grouped, ((side[0], c), (c, side[1]))):
            box = list(boxes[j])
            box[var] = half
            exact = bz.exact_coefficients(p, box).reshape(-1)
            f = got[j][2]
            for a, b, e in zip(ll[j].reshape(-1), hh[j].reshape(-1), exact):
                v = Q(int(e.p), int(e.q)) * f           # the cut at exactly s[j]
                assert Q(float(a)) <= v <= Q(float(b))


def test_derivative_ranges_equal_the_elementwise_outward_step():
    rng = np.random.default_rng(11)
    for t in range(200):
        shape = (int(rng.integers(1, 9)), int(rng.integers(2, 7)), int(rng.integers(2, 6)))
        lo = rng.standard_normal(shape) * 10.0 ** rng.integers(-300, 300, size=shape)
        hi = lo + np.abs(rng.standard_normal(shape))
        if t % 4 == 0:
            pick = rng.random(shape) < 0.1
            lo[pick] = rng.choice([np.inf, -np.inf, np.nan, 0.0], int(pick.sum()))
        var = t % 2
        w = np.abs(rng.standard_normal(shape[0])) + 1e-3
        n = shape[var + 1] - 1
        a_lo, b_lo = np.take(lo, range(1, n + 1), axis=var + 1), np.take(lo, range(n), axis=var + 1)
        a_hi, b_hi = np.take(hi, range(1, n + 1), axis=var + 1), np.take(hi, range(n), axis=var + 1)
        with np.errstate(all="ignore"):
            dlo = np.nextafter(a_lo - b_hi, -np.inf).reshape(shape[0], -1).min(axis=1)
            dhi = np.nextafter(a_hi - b_lo, np.inf).reshape(shape[0], -1).max(axis=1)
            s_lo, s_hi = np.nextafter(n / w, -np.inf), np.nextafter(n / w, np.inf)
            want = (np.nextafter(np.where(dlo >= 0, dlo * s_lo, dlo * s_hi), -np.inf),
                    np.nextafter(np.where(dhi >= 0, dhi * s_hi, dhi * s_lo), np.inf))
            got = bz.derivative_ranges(lo, hi, var, w)
        for g, v in zip(got, want):
            assert np.array_equal(g, v, equal_nan=True)


def test_a_restarted_source_converts_as_a_new_one():
    rng = np.random.default_rng(5)
    p = _random_poly(rng, 10)
    kept = bz.Source(p, 2)
    for k in range(12):
        box = [(Q(0), Q(1, 2 ** k)), (Q(0), Q(1, 2 ** (k // 2)))]
        kept.restart()
        a, b = kept.on_best(box), bz.Source(p, 2).on_best(box)
        assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]) and a[2] == b[2]


@pytest.mark.parametrize("nvars", [2, 3])
def test_conversions_kept_along_the_first_sides_give_the_balls_of_a_new_source(nvars):
    rng = np.random.default_rng(7 + nvars)
    names = ("x", "y", "z")[:nvars]
    gens = fmpq_mpoly_ctx.get(names, "lex").gens()
    p = 0 * gens[0]
    for _ in range(40):
        e = rng.integers(0, 9, nvars)
        m = int(rng.integers(-50, 50))
        for g, k in zip(gens, e):
            m = m * g ** int(k)
        p += m
    kept = bz.Source(p, nvars)
    first = [(Q(3, 8), Q(13, 32))] + [(Q(1, 4), Q(1, 2))] * (nvars - 2)
    lasts = [(Q(k, 64), Q(k + 1, 64)) for k in (0, 5, 6, 31)]
    hits = 0
    for prec in (128, 448, 128):
        for last in lasts:                         # boxes cut across their last side only
            box = first + [last]
            hits += (prec, tuple(first)) in kept._partial
            a, b = kept.on_balls(box, prec), bz.Source(p, nvars).on_balls(box, prec)
            assert (a is None) == (b is None)
            if a is not None:
                assert np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1]) and a[2] == b[2]
    assert hits >= len(lasts) * 3 - 2              # the first sides were converted twice


def test_values_with_the_rows_kept_at_each_centre_equal_plain_evaluations():
    from symlqr.atlas.solve2 import _arb, _eval, _rows, _value
    rng = np.random.default_rng(11)
    f = const(Q(0))
    for _ in range(30):
        f += int(rng.integers(-99, 99)) * W ** int(rng.integers(0, 12)) * P ** int(rng.integers(0, 6))
    rows, kept = _rows(f), {}
    ends = [Q(int(k), 64) for k in rng.integers(-64, 64, 6)]
    for xs in ends:
        for ys in ends[:3] + ends[:3]:             # each centre in y met again
            c = [(_arb(xs) + _arb(xs + Q(1, 64))) / 2, (_arb(ys) + _arb(ys + Q(1, 128))) / 2]
            a = _value(rows, c, Q(3, 7), cache=kept)
            b = _value(rows, c, Q(3, 7))
            assert a.mid() == b.mid() and a.rad() == b.rad()
    assert sum(isinstance(k, tuple) for k in kept) == 3      # one entry per centre in y


def _plain_gap_box(G, tries=40):
    for t in range(tries):
        for nx in dict.fromkeys((t // 2, 0, t)):
            lo, hi, _f = bz.Source(G, 2).on_best([(Q(0), Q(1, 2 ** nx)), (Q(0), Q(1, 2 ** (t - nx)))])
            if lo.min() > 0 or hi.max() < 0:
                return nx, t - nx
    return None


@pytest.mark.parametrize("G", [1 - 3 * W + 5 * P - W * P * 7 + W ** 3 * 40,
                               const(Q(-1, 3)) + W * W * 9 - P * 2 + P * P * W * 50,
                               2 + W - 8 * P + 64 * W ** 2 * P])
def test_gap_boxes_with_the_exact_pretest_equal_plain_tries(G):
    assert corners._gap_box(G, None) == _plain_gap_box(G)


@pytest.mark.parametrize("axis", ["widest", "smear"])
@pytest.mark.parametrize("c", [Q(1, 2), Q(-1, 7)])
def test_solve2_by_either_cut_against_numpy_roots(axis, c):
    # a steep curve: y = 1000 (x^3 + c x) meets x^2 + (y / 1000)^2 = 1, in a box
    # 1000 times taller than wide (relative widths equal, slopes not)
    f1 = W * W + P * P / 10 ** 6 - 1
    f2 = P - 1000 * W ** 3 - const(1000 * c) * W
    out = solve2(f1, f2, [(Q(-2), Q(2)), (Q(-2000), Q(2000))], axis=axis)
    assert roots_against_numpy(out, f1, f2, c)


def test_smear_axis_cuts_across_the_steep_side_unless_too_thin():
    from symlqr.branch.core import Boxes
    from symlqr.branch.splitting import smear_axis
    x, y = fmpq_mpoly_ctx.get(("x", "y"), "lex").gens()
    box = [(Q(0), Q(1)), (Q(0), Q(1))]
    data = {}
    for name, p in (("0", 100 * x + y), ("1", x + 100 * y)):
        data[f"{name}lo"], data[f"{name}hi"], _f = bz.Source(p, 2).on(box)
    b = Boxes(np.array([[0.0, 0.0]]), np.array([[1.0, 1.0]]), data)
    even = np.array([[0.5, 0.5]])
    assert smear_axis(b, ["0"], even, 2.0 ** -44).tolist() == [0]
    assert smear_axis(b, ["1"], even, 2.0 ** -44).tolist() == [1]
    # x is 2^20 times narrower (relative) than y: the widest side, whatever the slopes
    assert smear_axis(b, ["0"], np.array([[2.0 ** -21, 0.5]]), 2.0 ** -44).tolist() == [1]
    # a side below twice the finest width is not cut while another is left
    assert smear_axis(b, ["0"], np.array([[2.0 ** -44, 2.0 ** -40]]), 2.0 ** -44).tolist() == [1]


def test_boxes_covered_elsewhere_are_not_converted_anew(monkeypatch):
    """The folds of ``T_30(W) - p`` (Chebyshev: ``W = cos(k pi / 30)``,
    ``p = (-1)^k``) with the boxes left of ``W = 0`` covered elsewhere: every
    fold right of 0 is found once, and no box that is covered (excluded
    whatever ``f`` does there) is converted anew from the exact polynomial,
    while without the cover some of those boxes are."""
    import math
    from symlqr.atlas.bivariate import CTX
    T = [CTX.from_dict({(0, 0): 1}), W]
    for _ in range(29):
        T.append(const(2) * W * T[-1] - T[-2])
    f = T[30] - P
    calls = []
    on_best, on_kept = bz.Source.on_best, bz.Source.on_kept

    def recorded(self, box):
        calls.append(box)
        return on_best(self, box)

    def recorded_kept(self, box, size=0.0):            # a conversion anew from a kept one
        got = on_kept(self, box, size)
        if got is not None:
            calls.append(box)
        return got
    monkeypatch.setattr(bz.Source, "on_best", recorded)
    monkeypatch.setattr(bz.Source, "on_kept", recorded_kept)
    box = [(Q(-1), Q(1)), (Q(-2), Q(2))]
    left = []
    for cover in (None, lambda lo, hi: hi[:, 0] < 0):
        calls.clear()
        out = solve2(f, f.derivative("W"), box, covered=cover)
        left.append(sum(1 for b in calls[2:] if b[0][1] < 0))      # after the first box's two
    assert left[0] > 0 and left[1] == 0
    folds = [(math.cos(k * math.pi / 30), (-1) ** k) for k in range(1, 30)]
    right = [(x, p) for x, p in folds if x > 0]
    hits = [[j for j, (bx, bp) in enumerate(out.found)
             if float(bx[0]) <= x <= float(bx[1]) and float(bp[0]) <= p <= float(bp[1])]
            for x, p in right]
    assert all(len(h) == 1 for h in hits) and len(out.found) == len(right)


def _former_reroot(self, boxes, live):
    """The former :meth:`_Solver._reroot`: every noisy box of either polynomial."""
    from symlqr.atlas.solve2 import _noisy
    for k in range(2):
        lo, hi = boxes.data[f"{k}lo"], boxes.data[f"{k}hi"]
        for j in np.nonzero(live & _noisy(lo, hi))[0]:
            box = [(Q(a), Q(b)) for a, b in zip(boxes.lo[j], boxes.hi[j])]
            nlo, nhi, f = self.sources[k].on_best(box)
            lo[j], hi[j] = nlo[0], nhi[0]
            boxes.data[f"{k}f"][j] = f
            self.rerooted += 1


def test_no_conversion_where_the_other_polynomial_has_one_sign(monkeypatch):
    """The folds of ``T_40(W) - p``: a box where ``f`` or ``f_W`` has one sign is
    excluded, so the other's noisy coefficients are not converted anew there;
    fewer conversions than converting every noisy box, every fold found once."""
    import math
    from symlqr.atlas import solve2 as s2
    from symlqr.atlas.bivariate import CTX
    T = [CTX.from_dict({(0, 0): 1}), W]
    for _ in range(39):
        T.append(const(2) * W * T[-1] - T[-2])
    f = T[40] - P
    box = [(Q(-1), Q(1)), (Q(-2), Q(2))]
    got = []
    for reroot in (_former_reroot, s2._Solver._reroot):
        monkeypatch.setattr(s2._Solver, "_reroot", reroot)
        out = solve2(f, f.derivative("W"), box)
        folds = [(math.cos(k * math.pi / 40), (-1) ** k) for k in range(1, 40)]
        hits = [[j for j, (bx, bp) in enumerate(out.found)
                 if float(bx[0]) <= x <= float(bx[1]) and float(bp[0]) <= p <= float(bp[1])]
                for x, p in folds]
        assert all(len(h) == 1 for h in hits) and len(out.found) == len(folds)
        got.append(out.rerooted)
    assert 0 < got[1] < got[0]
