"""The Taylor shifts' matrices built diagonal by diagonal, the first rows of a
shift computed before the rest, and the rows kept for evaluation give the same
balls as the formulas they replace (entry by entry, the old code written out
here): the switch search takes the same steps, so the atlases do not change."""
from fractions import Fraction
from math import comb

import flint
import pytest

import symlqr.atlas.shifts as sh
from symlqr.atlas.shifts import Shifter, rows_in_p


def _balls(M) -> list:
    return [(M[i, k].mid(), M[i, k].rad()) for i in range(M.nrows()) for k in range(M.ncols())]


def _old_binomial(n: int, x: Fraction):
    """The former construction: ``comb(k, i) * x^(k - i)`` entry by entry."""
    xq, xp = flint.arb(flint.fmpq(x.numerator, x.denominator)), [flint.arb(1)]
    for _ in range(n):
        xp.append(xp[-1] * xq)
    M = flint.arb_mat(n, n)
    for k in range(n):
        for i in range(k + 1):
            M[i, k] = comb(k, i) * xp[k - i]
    return M


CENTRES = [Fraction(1234567, 2 ** 21), Fraction(-5, 8), Fraction(3, 97), Fraction(2, 3)]


@pytest.mark.parametrize("bits", [128, 192, 206, 323])
def test_binomial_matrices_are_the_former_ones_ball_for_ball(bits):
    with flint.ctx.workprec(bits):
        for n in (1, 2, 17, 80, 109):
            for x in CENTRES:
                old = _old_binomial(n, x)
                assert _balls(sh._binomial(n, x)) == _balls(old)
                assert _balls(sh._binomial(n, x, transpose=True)) == _balls(old.transpose())
                head = sh._w_head(n, bits, x)
                assert _balls(head) == _balls(old)[:min(2, n) * n]


def _family():
    from symlqr.atlas.family import Family
    from symlqr.tasks import figure
    return Family(figure("fig3a"), "eta")


def _factor():
    fam = _family()
    return max((g for g, _m in fam.n_factors), key=lambda g: g.degrees()[0])


def _chart_factor():
    """Figure 3a's factor of degree 78 in the wall chart ``W = 200/101 + e s``,
    ``eta = e^2`` (:mod:`symlqr.atlas.charts`): 72 columns in ``e``."""
    from symlqr.atlas.charts import Chart
    fam = _family()
    a = max(range(len(fam.n_factors)), key=lambda i: fam.n_factors[i][0].degrees()[0])
    return Chart(fam, Fraction(200, 101)).factor(a)


def _chunk_of_q(k: int, c: Fraction, i0: int, i1: int):
    full = _old_binomial(k, c).transpose()
    return flint.arb_mat([[full[j, i] for i in range(i0, i1)] for j in range(k)])


@pytest.mark.parametrize("bits", [128, 192, 206, 323, 640])
def test_first_rows_of_a_shift_are_those_of_the_whole_shift(bits):
    """Figure 3a's factor of degree 78 alone and with two more polynomials
    (16 and 9 columns): the rows that the ladder reads before the rest is
    computed are the full products' rows. A polynomial with more columns than
    FLINT's cutoff (here 64 and more) is shifted at once, in column chunks
    ``M (G Q[:, i0:i1])``, each a classical product, the same balls as those
    products from the former matrices; its first rows are computed from the
    first chunk alone, before ``M`` and the other chunks."""
    f = _factor()
    one, three = Shifter(rows_in_p(f)), Shifter(rows_in_p(f), rows_in_p(f.derivative("W")),
                                                rows_in_p(f.derivative("p")))
    wide = Shifter(rows_in_p(_chart_factor()), rows_in_p(f))   # 72 columns in e, then 16
    assert wide.blocks[0][1] > 60
    for shifter in (one, three, wide):
        for w0, c in ((CENTRES[0], Fraction(3, 97)), (CENTRES[1], Fraction(1, 7)),
                      (Fraction(0), Fraction(1, 3))):
            sh._W_MATS.clear()
            got = shifter._shift(w0, c, bits)
            cuts = [sh._chunks(shifter.n, k, bits) for _s, k in shifter.blocks]
            # only a shift about w0 = 0 of unchunked polynomials is computed at once;
            # otherwise M is not built before the rows beyond the first two are asked for
            lazy = w0 != 0 or any(len(ch) > 1 for ch in cuts)
            assert (got._mats is None) == lazy
            assert (shifter.n, bits, w0) not in sh._W_MATS
            assert all(i1 - i0 <= sh._cutoff(bits) for ch in cuts for i0, i1 in ch) or \
                all(len(ch) == 1 for ch in cuts)
            head = [_balls(S) for S in got._first_rows()]
            lost, accurate = got.lost_bits(bits), got.accurate(48)
            with flint.ctx.workprec(bits):
                M = _old_binomial(shifter.n, w0)
                full = []
                for Gk, ch in zip(shifter.Gblocks, cuts):
                    parts = [Gk * _chunk_of_q(Gk.ncols(), c, i0, i1) for i0, i1 in ch]
                    parts = parts if w0 == 0 else [M * X for X in parts]
                    full.append([b for r in range(shifter.n) for P in parts
                                 for b in _balls(P)[r * P.ncols():(r + 1) * P.ncols()]])
            assert [_balls(S) for S in got.mats] == full
            firsts = [(S[0] if isinstance(S, tuple) else S) for S in got._mats]
            assert head == [_balls(S)[:len(h)] for S, h in zip(firsts, head)]
            assert got.lost_bits(bits) == lost and got.accurate(48) == accurate
            t, s = flint.arb("0.001", "1e-5"), flint.arb("-0.002", "1e-6")
            with flint.ctx.workprec(bits):
                joined = sh.Shifted(got.mats, w0, c)
                for part in range(len(cuts)):
                    for name in ("value", "d_t", "d_s"):
                        a, b = getattr(got, name)(t, s, part), getattr(joined, name)(t, s, part)
                        assert (a.mid(), a.rad()) == (b.mid(), b.rad())


def test_evaluations_are_the_former_row_products():
    """``value``, ``d_t``, ``d_s`` and ``mean_values`` of a shift equal the former
    evaluation (the row ``[t^k]`` or ``[k t^(k-1)]`` times every matrix, integers
    multiplied as Python ints)."""
    f = _factor()
    shifter = Shifter(rows_in_p(f), rows_in_p(f.derivative("W")))
    g = shifter.shift(CENTRES[0], Fraction(3, 97))

    def old_row(t, deriv):
        n = g.mats[0].nrows()
        pw = [flint.arb(1)]
        for _ in range(n - 1):
            pw.append(pw[-1] * t)
        v = flint.arb_mat([[flint.arb(0)] + [pw[k - 1] * k for k in range(1, n)] if deriv
                           else pw])
        return [v * S for S in g.mats]

    def old_dot(rows, s, deriv, part):
        row = rows[part]
        m = row.ncols()
        cs = [row[0, i] * i for i in range(1, m)] if deriv else [row[0, i] for i in range(m)]
        return sh._horner(cs, s)

    def same(a, b):
        return (a.mid(), a.rad()) == (b.mid(), b.rad())

    with flint.ctx.workprec(128):
        for t, s in ((flint.arb("0.001", "1e-5"), flint.arb("-0.002", "1e-6")),
                     (flint.arb(0), flint.arb(0)), (flint.arb("1e-4"), flint.arb("3e-4", "1e-4"))):
            for part in (0, 1):
                assert same(g.value(t, s, part), old_dot(old_row(t, False), s, False, part))
                assert same(g.d_t(t, s, part), old_dot(old_row(t, True), s, False, part))
                assert same(g.d_s(t, s, part), old_dot(old_row(t, False), s, True, part))
            r0, r1 = old_row(t, False), old_row(t, True)
            old = [g.mats[k][0, 0] + old_dot(r1, s, False, k) * t + old_dot(r0, s, True, k) * s
                   for k in range(2)]
            assert all(same(a, b) for a, b in zip(g.mean_values(t, s), old))


def _exact_shift(f, w0: Fraction, c: Fraction) -> dict:
    """The exact coefficients of ``f(w0 + t, c + s)``: ``{(k, i): fmpq}``."""
    from symlqr.atlas.bivariate import P, W, const
    return f.compose(const(w0) + W, const(c) + P).to_dict()


def _holds(ball, q) -> bool:
    """Does the arb ``ball`` contain the rational ``q`` (compared at 4096 bits)?"""
    with flint.ctx.workprec(4096):
        return ball.contains(flint.arb(q))


@pytest.mark.parametrize("wide", [False, True])
def test_recentred_shift_encloses_the_exact_coefficients(wide):
    """A shift re-centred from a kept one (``S' = M(w0 - a) S Q(c - b)`` at
    FIRST_BITS) holds every exact Taylor coefficient about the new centre
    (exact rational composition), for Figure 3a's factor of degree 78 and its
    wall-chart factor with 72 columns in ``e`` (chunked); it is used only when its
    low-order coefficients carry ``_FIRST_OK`` correct bits, and ``shift`` returns
    it then; a centre too far for that falls back to the ladder from ``G``."""
    f = _chart_factor() if wide else _factor()
    shifter = Shifter(rows_in_p(f))
    w0, c = (Fraction(1, 3), Fraction(1, 20)) if wide else (CENTRES[0], Fraction(3, 97))
    a = shifter.shift(w0, c)
    a.value(flint.arb(0), flint.arb(0))                 # its matrices are computed
    w1, c1 = w0 + Fraction(3, 1024), c + Fraction(1, 4096)
    got = shifter._recentred(w1, c1)
    assert got is not None
    assert got.lost_bits(sh.FIRST_BITS) <= sh.FIRST_BITS - sh._FIRST_OK
    S = got.mats[0]
    exact = _exact_shift(f, w1, c1)
    for k in range(S.nrows()):
        for i in range(S.ncols()):
            assert _holds(S[k, i], exact.get((k, i), 0)), (k, i)
    assert shifter.shift(w1, c1).mats[0].nrows() == S.nrows()
    assert shifter._anchors[-1].w0 == w1 and shifter._anchors[-1].c == c1
    # the same centre again: the kept shift itself
    assert shifter._recentred(w1, c1) is shifter._anchors[-1]
    # far away: re-centred or not, every coefficient is enclosed
    w2, c2 = w1 + Fraction(1, 2), c1 + Fraction(1, 8)
    far = shifter.shift(w2, c2).mats[0]
    exact = _exact_shift(f, w2, c2)
    assert all(_holds(far[k, i], exact.get((k, i), 0))
               for k in range(far.nrows()) for i in range(far.ncols()))
