"""The folds found by the search in the plane (symlqr.atlas.solve2, corners,
folds) against independent computations: numpy's roots of an eliminated
polynomial, a scan of the signs of N on both sides of each fold, and the
atlas's exact discriminant path."""
from fractions import Fraction as Q

import flint
import numpy as np
import pytest

from symlqr.atlas import folds as fs
from symlqr.atlas.bivariate import P, W, at_p, const
from symlqr.atlas.core import candidates, decide_events
from symlqr.atlas.corners import corner_free
from symlqr.atlas.family import Family
from symlqr.atlas.solve2 import refine, solve2
from symlqr.tasks import figure


def _none(*_a):
    return None


@pytest.mark.parametrize("c", [Q(1, 2), Q(3, 10), Q(-1, 7)])
def test_solve2_against_numpy_roots(c):
    # x^2 + y^2 = 1 and y = x^3 + c x: the real roots of x^2 + (x^3 + c x)^2 - 1
    f1 = W * W + P * P - 1
    f2 = P - W ** 3 - const(c) * W
    out = solve2(f1, f2, [(Q(-2), Q(2)), (Q(-2), Q(2))])
    for x, b in roots_against_numpy(out, f1, f2, c):
        assert abs(float(b[1][0]) - (x ** 3 + float(c) * x)) < 1e-9


def roots_against_numpy(out, f1, f2, c):
    """``solve2``'s boxes against numpy's real roots of ``x^2 + (x^3 + c x)^2 - 1``
    (the circle meets ``y = x^3 + c x``; also for ``y`` scaled): each root's ``x``
    in its refined box; the pairs ``(x, box)`` in order."""
    assert out.complete
    cf = float(c)
    poly = np.polyadd(np.polymul([1, 0, cf, 0], [1, 0, cf, 0]), [1, 0, -1])
    xs = sorted(r.real for r in np.roots(poly) if abs(r.imag) < 1e-9)
    assert len(out.found) == len(xs)
    boxes = sorted((refine(f1, f2, b, bits=40) for b in out.found), key=lambda b: b[0][0])
    for x, b in zip(xs, boxes):
        assert float(b[0][0]) - 1e-9 <= x <= float(b[0][1]) + 1e-9
    return list(zip(xs, boxes))


def test_corner_with_a_fold_next_to_zero_is_not_proven():
    # W^2 = eta (eta - 10^-5): N(W, 0) = W^2, and a fold at (0, 10^-5), below
    # the charts' reach 2^-12
    f = W * W - P * P + P / 10 ** 5
    assert corner_free(f, Q(0), 1) is None
    # without the fold (W^2 = eta (eta + 10^-5)) the corner is proven
    got = corner_free(W * W - P * P - P / 10 ** 5, Q(0), 1)
    assert got is not None and got.delta > 0 and got.eps > 0


def _scan_fold_check(fam, a, value, where):
    """On both sides of the fold the number of sign changes of N(., eta) on a
    grid next to W (signs exact, at rational grid points) differs by 2."""
    f = fam.n_factors[a][0]
    w0 = Q(str(where))
    counts = []
    for d in (Q(-1, 10 ** 4), Q(1, 10 ** 4)):
        g = at_p(f, value.lo + d)
        signs = [np.sign(float(g(flint.fmpq(x.numerator, x.denominator))))
                 for x in (w0 + Q(k - 1000, 20000) for k in range(2001))]
        counts.append(sum(u != v for u, v in zip(signs, signs[1:])))
    assert abs(counts[0] - counts[1]) == 2, counts


@pytest.mark.slow
def test_fig3c_folds_by_search():
    fam = Family(figure("fig3c"), "eta")
    cands = candidates(fam, Q(0), Q(3, 10), _none)
    boxed = [c for c, reasons in cands if reasons[0][0] == "fold-box"]
    assert boxed, "the fold search was not used"
    cvs = decide_events(fam, cands, _none)
    folds = [cv for cv in cvs if cv.kind == "fold"]
    assert [cv.decimal(6) for cv in folds] == ["0.0384069", "0.0613445"]
    a = next(r[1] for c, reasons in cands for r in reasons if r[0] == "fold-box")
    for cv in folds:
        _scan_fold_check(fam, a, cv.value, cv.W[0])


def _critical(fam, hi, search):
    cands = candidates(fam, Q(0), hi, _none, search=search)
    boxed = any(r[0] == "fold-box" for _c, reasons in cands for r in reasons)
    return [(cv.kind, cv.decimal(10)) for cv in decide_events(fam, cands, _none)], boxed


@pytest.mark.parametrize("name", ["fig2", pytest.param("fig3b", marks=pytest.mark.slow)])
def test_search_agrees_with_the_discriminant(name, monkeypatch):
    # the same critical values from the exact discriminant and from the search
    # (fig3b: near-wall branches next to eta = 0, so the corner charts too)
    fam = Family(figure(name), "eta")
    hi = Q(3, 10)
    exact, boxed = _critical(fam, hi, search=False)
    assert not boxed
    monkeypatch.setattr(fs, "MIN_DEGREE", 0)
    searched, boxed = _critical(fam, hi, search=True)
    assert boxed, "the search fell back"
    assert searched == exact
    assert any(kind == "fold" for kind, _v in exact)
