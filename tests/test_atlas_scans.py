"""The atlas of an issue-12 two-task family against dense float scans, and the
ball-matrix Taylor shifts of the branch continuation against exact ones.

Independent of the engine: at two sample values of eta inside every piece, a
dense float grid of h (numpy, no exact arithmetic) sees as many stationary
points (sign changes of the grid differences of h) as the piece's certified
count; and the shifted coefficients of a factor of N enclose the exact
rational Taylor shift computed by FLINT compositions.
"""
from fractions import Fraction
from math import comb

import flint
import numpy as np
import pytest
from mpmath import iv

from symlqr.atlas import atlas
from symlqr.atlas.branches import Shifter, rows_in_p, sign_change_node
from symlqr.atlas.family import Family
from symlqr.scalar.numeric import maml_objective_float
from symlqr.tasks import Task, TaskSet

# issue 12: --task 0.5,1,1,1,1 --task 1.2,0.8,2,1,1
ISSUE12_TASKS = [Task(Fraction(1, 2), 1, 1, 1, 1), Task(Fraction(6, 5), Fraction(4, 5), 2, 1, 1)]


def _float_stationary_count(ts: TaskSet, n: int = 1_000_001) -> int:
    """Sign changes of the differences of h on a dense grid of each domain
    component (h is +inf outside the domain)."""
    W = np.linspace(-1.0, 3.0, n)
    h = maml_objective_float(W, ts)
    fin = np.isfinite(h)
    d = np.diff(h)
    ok = fin[:-1] & fin[1:]
    s = np.sign(d)
    both = ok[:-1] & ok[1:]
    return int(np.sum(both & (s[:-1] * s[1:] < 0)))


@pytest.fixture(scope="module")
def issue12_atlas():
    return atlas(TaskSet(ISSUE12_TASKS, 1, None), "eta", Fraction(9, 100), Fraction(3, 10))


def test_issue12_pieces_count_as_many_stationary_points_as_a_dense_float_scan(issue12_atlas):
    at = issue12_atlas
    assert at.certified
    kinds = [cv.kind for cv in at.critical_values]
    assert kinds[0] == "fold" and abs(float(at.critical_values[0].lo) - 0.0946778658829916) < 1e-12
    ends = [at.lo] + [cv.value.lo if cv.value is not None else cv.lo for cv in at.critical_values]
    ends += [at.hi]
    seen = []
    for pc, a, b in zip(at.pieces, ends, ends[1:]):
        for t in (Fraction(1, 3), Fraction(2, 3)):
            eta = a + (b - a) * t
            if any(cv.lo <= eta <= cv.hi for cv in at.critical_values):
                continue
            got = _float_stationary_count(TaskSet(ISSUE12_TASKS, eta, None))
            assert got == pc.counts["stationary"], (float(eta), got, pc.counts)
            seen.append(got)
    assert 3 in seen and 1 in seen             # the fold 3 -> 1 is crossed


def test_ball_matrix_taylor_shift_encloses_the_exact_shift():
    fam = Family(TaskSet(ISSUE12_TASKS, 1, None), "eta")
    f = fam.n_factors[0][0]
    rows = rows_in_p(f)
    w0, c = Fraction(1234567, 2 ** 21), Fraction(3, 97)
    sh = Shifter(rows).shift(w0, c)
    x = flint.fmpq_poly([flint.fmpq(w0.numerator, w0.denominator), 1])
    cq = flint.fmpq(c.numerator, c.denominator)
    shifted = [r(x) for r in rows]                     # b_j(w0 + t), exact
    for i in range(len(rows)):
        R = flint.fmpq_poly([0])
        for j in range(i, len(rows)):
            R += shifted[j] * (comb(j, i) * cq ** (j - i))
        cf = R.coeffs()
        with flint.ctx.workprec(1000):            # the exact value as a ball of radius ~2^-1000
            for k in range(sh.mats[0].nrows()):
                ball = sh.mats[0][k, i]
                assert ball.rad() < abs(ball.mid()) * flint.arb(2) ** -90 or ball.rad() < 1e-25
                assert ball.contains(flint.arb(cf[k] if k < len(cf) else 0)), (k, i)


def test_sign_change_node_finds_a_proven_negative_gap_and_only_then():
    nodes = [Fraction(k, 4) for k in range(5)]
    falling = [iv.mpf([-3, -2])] * 4
    assert sign_change_node(nodes, falling, iv.mpf(1), None) == 3      # d <= 1 - 2 p < 0 from p = 3/4
    assert sign_change_node(nodes, [iv.mpf([-1, 1])] * 4, iv.mpf(1), iv.mpf(1)) is None


def test_arb_isolation_finds_the_roots_of_the_exact_isolation():
    """Every candidate polynomial of Figure 2's eta family: the roots in
    [1/100, 3/10] from Arb's isolation equal those of the exact (sympy)
    isolation, and refining one by interval Newton keeps it inside its old
    bracket."""
    from symlqr.atlas.events import candidate_polys
    from symlqr.atlas.isolate import refine, roots_between
    from symlqr.exact.realroots import real_roots, squarefree_factors
    from symlqr.tasks import figure
    lo, hi = Fraction(1, 100), Fraction(3, 10)
    seen = 0
    for poly, _reason in candidate_polys(Family(figure("fig2"), "eta")):
        if poly.is_zero() or poly.degree() < 1:
            continue
        for f, _m in squarefree_factors(poly):
            fast = roots_between(f, lo, hi)
            exact = [r for r, _m in real_roots(f, lo, hi)]
            assert [r.decimal(20) for r in fast] == [r.decimal(20) for r in exact]
            for r in fast:
                old = (r.lo, r.hi)
                refine(r, 400)
                assert old[0] <= r.lo <= r.hi <= old[1] and r.hi - r.lo < Fraction(1, 2 ** 398)
                seen += 1
    assert seen >= 2


def test_taylor_shift_ladder_of_a_high_degree_factor_encloses_the_exact_shift():
    """Figure 3c's factor of degree 96: :meth:`Shifter.shift` starts at 128 bits and
    climbs only as far as the bits lost call for; whichever rung it keeps, the
    balls hold the exact rational shift (FLINT compositions) and its low-order
    coefficients carry at least 96 correct bits."""
    from symlqr.tasks import figure
    import symlqr.atlas.branches as br
    fam = Family(figure("fig3c"), "eta")
    f = max((g for g, _m in fam.n_factors), key=lambda g: g.degrees()[0])
    rows = rows_in_p(f)
    shifter = Shifter(rows)
    assert shifter.n == 97
    used, inner = [], shifter._shift
    shifter._shift = lambda w0, c, bits: (used.append(bits), inner(w0, c, bits))[1]
    for w0, c in ((Fraction(1234567, 2 ** 21), Fraction(3, 97)), (Fraction(-5, 8), Fraction(1, 7))):
        used.clear()
        shifter._start = br.FIRST_BITS                # (a ladder starts where the last ended)
        sh = shifter.shift(w0, c)
        assert used[0] == br.FIRST_BITS and used == sorted(used)
        assert sh.lost_bits(used[-1]) <= used[-1] - 96 or used[-1] >= br.low_bits(97)
        x = flint.fmpq_poly([flint.fmpq(w0.numerator, w0.denominator), 1])
        cq = flint.fmpq(c.numerator, c.denominator)
        shifted = [r(x) for r in rows]
        for i in (0, 1, len(rows) - 1):
            R = flint.fmpq_poly([0])
            for j in range(i, len(rows)):
                R += shifted[j] * (comb(j, i) * cq ** (j - i))
            cf = R.coeffs()
            with flint.ctx.workprec(1000):
                for k in range(sh.mats[0].nrows()):
                    assert sh.mats[0][k, i].contains(flint.arb(cf[k] if k < len(cf) else 0)), (k, i)


def test_kept_shift_matrices_give_the_same_balls_as_fresh_ones():
    """A shift computed again with the matrices kept from an earlier one (same centre
    in W, or in p) equals, ball for ball, the one computed from fresh matrices."""
    import symlqr.atlas.branches as br
    fam = Family(TaskSet(ISSUE12_TASKS, 1, None), "eta")
    f = fam.n_factors[0][0]
    a, b = Shifter(rows_in_p(f)), Shifter(rows_in_p(f), rows_in_p(f.derivative("W")))
    w0, c = Fraction(1234567, 2 ** 21), Fraction(3, 97)

    def balls(sh):
        return [(S[i, j].mid(), S[i, j].rad()) for S in sh.mats
                for i in range(S.nrows()) for j in range(S.ncols())]
    br._W_MATS.clear(), br._P_MATS.clear()
    fresh = [balls(s._shift(w0, c, 200)) for s in (a, b)]
    a._shift(w0, Fraction(1, 3), 200).mats, a._shift(Fraction(1, 5), c, 200).mats   # keep both
    assert [balls(s._shift(w0, c, 200)) for s in (b, a)] == fresh[::-1]


def test_taylor_shift_ladder_starts_where_the_last_one_ended():
    """With the bits lost scripted (a stub for the shift at each precision): a shift
    losing 60 bits climbs 128 -> 192 and the next starts at 192; after
    ``_STREAK`` shifts kept there the ladder tries 128 again; a degree above 40
    (``low_bits`` 248 here) bounds the climb. (The ladder is what ``shift`` climbs
    when no recent shift re-centres accurately: ``Shifter._ladder``.)"""
    import symlqr.atlas.branches as br
    rows = [flint.fmpq_poly([1] * 100), flint.fmpq_poly([0, 1])]
    sh = Shifter(rows)
    assert br.low_bits(sh.n) == 248
    loss, used = [60], []

    class Stub:
        def lost_bits(self, bits):
            return loss[0]

        def accurate(self, bits):
            return True

    sh._shift = lambda w0, c, bits: (used.append(bits), Stub())[1]
    sh._ladder(Fraction(1), Fraction(0))
    assert used == [128, 192]                          # 128 - 60 < 96 correct bits
    loss[0] = 10
    for _ in range(br._STREAK):
        used.clear()
        sh._ladder(Fraction(1), Fraction(0))
        assert used == [192]
    used.clear()
    sh._ladder(Fraction(1), Fraction(0))
    assert used == [128]
    loss[0], used[:] = 200, []
    sh._ladder(Fraction(1), Fraction(0))
    assert used == [128, 248]                          # beyond the words below low_bits


def test_domain_events_from_the_pseudo_remainder_hold_the_same_root():
    """At roots ``c`` of ``Res_W(f, wall)`` (Figure 3a: its factor of degree 78 and
    a wall of degree 5), the common root from the pair (wall, pseudo-remainder)
    (a Sylvester matrix of size 7) overlaps the one from the full pair (size 81)
    and is a root of both polynomials at ``c`` (their balls there contain 0); the
    events' statuses agree."""
    import flint
    from fractions import Fraction
    from symlqr.atlas import events as ev
    from symlqr.atlas.bivariate import coeffs_in_w, deg_w
    from symlqr.atlas.eliminate import as_fmpq_poly, eliminant
    from symlqr.atlas.family import Family
    from symlqr.atlas.isolate import refine
    from symlqr.exact.realroots import real_roots
    from symlqr.tasks import figure
    fam = Family(figure("fig3a"), "eta")
    a = max(range(len(fam.n_factors)), key=lambda i: deg_w(fam.n_factors[i][0]))
    f = fam.n_factors[a][0]
    b = next(k for k, g in enumerate(fam.walls) if deg_w(g) == 5)
    g = fam.walls[b]
    roots = [c for c, _m in real_roots(as_fmpq_poly(eliminant(f, g)))
             if 0 < c.lo and c.hi <= Fraction(3, 10)]
    assert roots
    for c in roots[:3]:
        pair = ev._reduced_pair(fam, a, b, f, g, c)
        assert pair is not None and len(pair[0]) == 6 and len(pair[1]) == 5
        refine(c, 2100)
        with flint.ctx.workprec(256):
            x = ev._ball(c)
            small = ev._common_root(*[[ev._poly_ball(r, x) for r in reversed(rows)]
                                      for rows in pair])
            assert small is not None
            for q in (f, g):
                assert ev._bi_ball(coeffs_in_w(q), small, x).contains(0)
        for bits in (256, 512, 1024, 2048):                # the full pair needs more bits
            with flint.ctx.workprec(bits):
                x = ev._ball(c)
                full = ev._common_root(*[[ev._poly_ball(r, x) for r in reversed(coeffs_in_w(q))]
                                         for q in (f, g)])
            if full is not None:
                break
        assert full is not None and small.overlaps(full)
        status = ev.decide_event(fam, c, ("domain", a, b))[0]
        fam.__dict__["_pseudo_remainders"] = {(a, b): [flint.fmpq_poly([])]}   # forces the full pair
        assert ev.decide_event(fam, c, ("domain", a, b))[0] == status
        del fam.__dict__["_pseudo_remainders"]
