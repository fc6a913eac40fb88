"""The trap boxes of the switch search (symlqr.atlas.branches.trap_refined):
every box holds the branch, checked against branches known in closed form
(an exact line, a square root), and for a polynomial of high degree whose far roots make ``f_p / f_W`` vary fast across the branch."""
from fractions import Fraction

import flint
import numpy as np
import pytest

from symlqr.atlas.bivariate import CTX, P, W, const
from symlqr.atlas.branches import Shifter, rows_in_p, trap_refined


def _far_roots_poly(n: int):
    """``(W - 3p - 1/2) prod_i (W - 2 - i/40 - p/5)``: a steep branch with
    ``n`` roots on one side of it."""
    f = W - 3 * P - const(Fraction(1, 2))
    for i in range(1, n + 1):
        f = f * (W - const(2 + Fraction(i, 40)) - P / 5)
    return f


def _tiles(boxes, a, b):
    """The steps are contiguous and cover [a, b] (in the direction of travel)."""
    assert boxes[0][0] == a and boxes[-1][1] == b
    assert all(x[1] == y[0] for x, y in zip(boxes, boxes[1:]))


@pytest.mark.parametrize("n", [4, 12])
def test_boxes_hold_a_steep_branch_among_far_roots(n):
    f = _far_roots_poly(n)
    nodes = [Fraction(k, 32) for k in range(9)]
    start = flint.arb(flint.fmpq(1, 2))
    boxes = trap_refined(Shifter(rows_in_p(f)), start, nodes, lambda Y, q0, q1: True, depth=4)
    assert boxes is not None
    _tiles(boxes, nodes[0], nodes[-1])
    for q0, q1, Y, _ in boxes:
        for q in (q0, (3 * q0 + q1) / 4, (q0 + q1) / 2, q1):
            assert Y.contains(flint.arb(flint.fmpq(3 * q.numerator, q.denominator) + flint.fmpq(1, 2)))
        # no other root of f in the box (the roots in closed form at both ends)
        for q in (q0, q1):
            others = [2 + Fraction(i, 40) + q / 5 for i in range(1, n + 1)]
            assert all(not Y.contains(flint.arb(flint.fmpq(r.numerator, r.denominator)))
                       for r in others)


def test_boxes_hold_a_square_root_down_towards_its_fold():
    f = W * W - P
    nodes = [Fraction(1), Fraction(1, 2), Fraction(1, 4), Fraction(1, 8), Fraction(1, 16)]
    boxes = trap_refined(Shifter(rows_in_p(f)), flint.arb(1), nodes, lambda Y, q0, q1: True)
    assert boxes is not None
    _tiles(boxes, nodes[0], nodes[-1])
    for q0, q1, Y, _ in boxes:
        for q in np.linspace(float(q1), float(q0), 7):
            assert Y.contains(flint.arb(float(np.sqrt(q))))
        assert not Y.contains(0)


def test_a_refused_box_is_split_and_the_others_stay_coarse():
    """``accept`` refusing the boxes over one region forces finer steps there
    only (the level of halvings is carried over and relaxed again)."""
    f = W - 2 * P
    nodes = [Fraction(k, 4) for k in range(13)]
    refuse = lambda Y, q0, q1: None if (q0 < Fraction(1, 4) and abs(q1 - q0) > Fraction(1, 33)) else True
    boxes = trap_refined(Shifter(rows_in_p(f)), flint.arb(0), nodes, refuse, depth=4)
    assert boxes is not None
    _tiles(boxes, nodes[0], nodes[-1])
    widths = [q1 - q0 for q0, q1, _Y, _ in boxes]
    assert all(w <= Fraction(1, 33) for (q0, q1, _Y, _), w in zip(boxes, widths) if q0 < Fraction(1, 4))
    assert max(widths) == Fraction(1, 4)              # the last steps are coarse again
    for q0, q1, Y, _ in boxes:
        assert Y.contains(flint.arb(flint.fmpq(2 * q0.numerator, q0.denominator)))
        assert Y.contains(flint.arb(flint.fmpq(2 * q1.numerator, q1.denominator)))


@pytest.mark.parametrize("fig, w, p", [("fig2", Fraction(3, 5), Fraction(1, 20)),
                                        ("fig3b", Fraction(1, 25), Fraction(1, 1000))])
def test_value_slope_encloses_a_finite_difference_of_h(fig, w, p):
    """``ValueSlope.on_box`` (h_p from the shifted numerator and denominator, the
    denominator's enclosure squared) against a central difference of ``h``
    evaluated exactly at rational points."""
    from symlqr.atlas.valueslope import ValueSlope
    from symlqr.atlas.family import Family
    from symlqr.tasks import figure
    fam = Family(figure(fig), "eta")
    vs = ValueSlope(fam.h.num, fam.h.den)
    r, d = Fraction(1, 10 ** 6), Fraction(1, 10 ** 12)
    Y = flint.arb(flint.fmpq(w.numerator, w.denominator)).union(
        flint.arb(flint.fmpq((w + r).numerator, (w + r).denominator)))
    D = vs.on_box(Y, p, p + r)
    assert D is not None
    q = lambda x: flint.fmpq(x.numerator, x.denominator)
    h = lambda x, y: fam.h.num(q(x), q(y)) / fam.h.den(q(x), q(y))
    for x, y in ((w, p), (w + r / 2, p + r / 3), (w + r, p + r)):
        fd = (h(x, y + d) - h(x, y - d)) / (2 * q(d))
        assert D.overlaps(flint.arb(fd).union(flint.arb(fd)) + flint.arb(0, 1e-9))
    assert D.rad() < 1e-2 * max(1, abs(float(D.mid())))


def test_value_slope_on_a_branch_encloses_the_values_slope_and_is_tighter():
    """``ValueSlope.on_branch`` (h_p + lam h_W, exact on a branch of stationary
    points) on the trap boxes of Figure 3a's fast near-wall minimum (W near
    1.6, W' about -3.9 at eta = 1/16): it holds the slope of the minimum's
    value found by central differences of the values that ``certify`` gives at
    rational eta (an independent computation), and is much narrower than
    ``on_box`` (h_p on the same box)."""
    from symlqr.atlas.branches import arb_between
    from symlqr.atlas.valueslope import ValueSlope
    from symlqr.atlas.family import Family
    from symlqr.scalar.landscape import certify
    from symlqr.tasks import figure
    fam = Family(figure("fig3a"), "eta")
    vs = ValueSlope(fam.h.num, fam.h.den)
    f = fam.n_factors[0][0]
    assert vs.accept(f) == vs.on_branch              # f divides h_W's numerator (exact)

    def value(p):
        L = certify(fam.taskset_at(p))
        pt = max((x for x in L.points if x.is_local_min), key=lambda x: x.W.lo)
        return pt, (pt.h.lo + pt.h.hi) / 2
    p0, r = Fraction(1, 16), Fraction(1, 1000)
    pt, _ = value(p0)
    nodes = [p0 + r * Fraction(i, 2) for i in range(3)]
    boxes = trap_refined(Shifter(rows_in_p(f)), arb_between(pt.W.lo, pt.W.hi), nodes,
                         vs.on_branch, depth=2)
    assert boxes is not None
    d = Fraction(1, 10 ** 6)
    for q0, q1, Y, D in boxes:
        wide = vs.on_box(Y, q0, q1)
        assert D.rad() < wide.rad() / 4
        for q in (q0, (q0 + q1) / 2, q1):
            fd = float((value(q + d)[1] - value(q - d)[1]) / (2 * d))
            assert D.overlaps(flint.arb(fd, 1e-6)), (q, fd, D)
