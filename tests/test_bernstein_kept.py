"""A conversion restricted from a kept one (``Source.on_kept``) encloses the exact
Bernstein coefficients of the sub-box, chosen near and far inside the kept box,
for a polynomial of high degree with a cluster of roots (cancellation), and
gives ``None`` where no kept box holds the sub-box; solve2 with and without
the kept conversions finds the same solutions."""
from fractions import Fraction as Q

import numpy as np
import pytest
from flint import fmpq_mpoly_ctx

from symlqr.atlas import solve2 as s2
from symlqr.branch import bernstein as bz


def _poly():
    x, y = fmpq_mpoly_ctx.get(("x", "y"), "lex").gens()
    return (3 * x - 1) ** 9 * (7 * x - 5) ** 3 * (y + 2) + (5 * y - 1) ** 4 * x ** 2 - 1


def _encloses(p, box, got) -> bool:
    lo, hi, f = got
    exact = bz.exact_coefficients(p, box).reshape(-1)
    return all(Q(float(a)) <= f * Q(int(c.p), int(c.q)) <= Q(float(b))
               for a, b, c in zip(lo.reshape(-1), hi.reshape(-1), exact))


@pytest.mark.parametrize("sub", [[(Q(5, 16), Q(11, 32)), (Q(0), Q(1, 4))],
                                 [(Q(21, 64), Q(43, 128)), (Q(3, 16), Q(13, 64))],
                                 [(Q(0), Q(1, 1024)), (Q(15, 16), Q(1))]])
def test_kept_restriction_encloses_the_exact_coefficients(sub):
    p = _poly()
    src = bz.Source(p, 2)
    src.keep(4)
    outer = [(Q(0), Q(1)), (Q(0), Q(1))]
    assert src.on_balls(outer, 448) is not None
    size = bz._log2_size(*_exact_balls(p, sub))[0]
    got = src.on_kept(sub, size)
    assert got is not None
    assert _encloses(p, sub, got)
    plain = bz.Source(p, 2).on(sub)                       # the exact route, same ranges
    assert np.allclose(got[0] / float(got[2]), plain[0] / float(plain[2]), rtol=2.0 ** -40)


def _exact_balls(p, box):
    from flint import arb, fmpq
    C = bz.exact_coefficients(p, box).reshape(-1)
    return [arb(fmpq(int(c.p), int(c.q))) for c in C], Q(1)


def test_no_kept_box_holds_it():
    src = bz.Source(_poly(), 2)
    assert src.on_kept([(Q(0), Q(1, 2)), (Q(0), Q(1, 2))]) is None       # nothing kept
    src.keep(2)
    src.on_balls([(Q(0), Q(1, 2)), (Q(0), Q(1, 2))], 448)
    assert src.on_kept([(Q(1, 4), Q(3, 4)), (Q(0), Q(1, 4))]) is None     # sticks out
    assert src.on_kept([(Q(1, 8), Q(1, 4)), (Q(0), Q(1, 4))]) is not None


def test_solve2_with_and_without_kept_conversions(monkeypatch):
    """The folds of ``T_40(W) - p`` (Chebyshev: ``W = cos(k pi / 40)``,
    ``p = (-1)^k``): each found once with noisy boxes restricted from kept
    conversions (some are) and without (``KEPT = 0``)."""
    import math
    from symlqr.atlas.bivariate import CTX, P, W, const
    T = [CTX.from_dict({(0, 0): 1}), W]
    for _ in range(39):
        T.append(const(2) * W * T[-1] - T[-2])
    f = T[40] - P
    box = [(Q(-1), Q(1)), (Q(-2), Q(2))]
    folds = [(math.cos(k * math.pi / 40), (-1) ** k) for k in range(1, 40)]
    served = []
    for kept in (s2.KEPT, 0):
        monkeypatch.setattr(s2, "KEPT", kept)
        out = s2.solve2(f, f.derivative("W"), box)
        served.append(out.restricted)
        hits = [[j for j, (bx, bp) in enumerate(out.found)
                 if float(bx[0]) <= x <= float(bx[1]) and float(bp[0]) <= p <= float(bp[1])]
                for x, p in folds]
        assert out.complete and all(len(h) == 1 for h in hits) and len(out.found) == len(folds)
    assert served[0] > 0 and served[1] == 0


def test_first_side_shared_gives_the_same_balls():
    """Two boxes with the same first side, restricted from one kept conversion,
    share the restriction along it (a third with another first side does not):
    the balls are those computed without sharing, and hold the exact coefficients."""
    p = _poly()
    outer = [(Q(0), Q(1)), (Q(0), Q(1))]
    subs = [[(Q(5, 16), Q(11, 32)), (Q(0), Q(1, 4))], [(Q(5, 16), Q(11, 32)), (Q(1, 4), Q(1, 2))],
            [(Q(5, 16), Q(3, 8)), (Q(1, 4), Q(1, 2))]]            # another first side
    got = []
    for shared in (True, False):
        src = bz.Source(p, 2)
        src.keep(1)
        src.on_balls(outer, 448)
        for sub in subs:
            if not shared:
                src._first.clear()
            got.append(src.on_kept(sub, bz._log2_size(*_exact_balls(p, sub))[0]))
        assert (src.stats["first shared"] == 1) == shared
    for sub, a, b in zip(subs, got[:3], got[3:]):
        assert all(np.array_equal(x, y) for x, y in zip(a[:2], b[:2])) and a[2] == b[2]
        assert _encloses(p, sub, a)


def test_on_best_climbs_the_ladder_of_its_source():
    """``Source.ladder`` (an instance's own) sets the precisions of ``on_best``;
    the fold search's polynomials climb ``solve2.LADDER`` (with its rung at 704
    bits), other sources the default one; the result holds the exact coefficients."""
    p = _poly()
    box = [(Q(21, 64), Q(43, 128)), (Q(3, 16), Q(13, 64))]
    seen = {}
    for name, ladder in (("default", None), ("own", (704, 2048))):
        src = bz.Source(p, 2)
        if ladder is not None:
            src.ladder = ladder
        calls = seen[name] = []
        src.on_balls = lambda b, prec, src=src, calls=calls: \
            calls.append(prec) or bz.Source.on_balls(src, b, prec)
        assert _encloses(p, box, src.on_best(box))
    assert seen["default"][0] == 128 and seen["own"] == [704]
    assert bz.Source.ladder == (128, 192, 448, 1024, 2048) and 704 in s2.LADDER
    solver = s2._Solver(p, p.derivative("x"), [(Q(0), Q(1)), (Q(0), Q(1))], 2.0 ** -20, None)
    assert all(src.ladder == s2.LADDER for src in solver.sources)
