"""Exact root isolation against independent counts (Sturm sequences, numpy)."""
import random
from fractions import Fraction

import flint
import numpy as np
import pytest

from symlqr.exact.realroots import RealAlgebraic, count_real_roots, real_roots


def test_isolation_count_equals_sturm_count_on_random_polynomials():
    rng = random.Random(7)
    for _ in range(40):
        deg = rng.randint(1, 12)
        p = flint.fmpq_poly([rng.randint(-9, 9) for _ in range(deg)] + [rng.choice([-3, -1, 1, 2])])
        roots = real_roots(p)
        assert len(roots) == count_real_roots(p)
        for a, b in zip(roots, roots[1:]):
            assert a[0].hi < b[0].lo


def test_isolation_separates_roots_closer_than_double_precision():
    eps = Fraction(1, 10**30)
    x = flint.fmpq_poly([0, 1])
    p = (x - 1) * (x - 1 - flint.fmpq(eps.numerator, eps.denominator)) * (x + 2)
    roots = real_roots(p)
    assert len(roots) == 3
    assert roots[1][0].compare(roots[2][0]) == -1
    assert roots[2][0].hi - roots[1][0].lo < 1


def test_multiplicities_are_reported():
    x = flint.fmpq_poly([0, 1])
    p = (x - 2) ** 3 * (x ** 2 - 3)
    assert [m for _, m in real_roots(p)] == [1, 1, 3]


def test_roots_agree_with_numpy_for_well_separated_roots():
    p = flint.fmpq_poly([-6, 11, -6, 1]) * flint.fmpq_poly([-5, 0, 1])   # 1,2,3, +-sqrt5
    ours = [float(r) for r, _ in real_roots(p)]
    ref = sorted(np.roots([1, 0, -5])) + [1.0, 2.0, 3.0]
    assert ours == pytest.approx(sorted(ref), rel=1e-14)


def test_sign_of_detects_exact_zero_and_nonzero():
    sqrt2 = real_roots(flint.fmpq_poly([-2, 0, 1]))[1][0]
    assert sqrt2.sign_of(flint.fmpq_poly([-2, 0, 1])) == 0
    # sqrt(2) = 1.41421356237309504880168872420969807856...
    assert sqrt2.sign_of(flint.fmpq_poly([-141421356237309505, 10**17])) == -1
    assert sqrt2.sign_of(flint.fmpq_poly([-141421356237309504, 10**17])) == 1
    assert sqrt2.sign_of(flint.fmpq_poly([-141421356237309504880168872420969808, 10**35])) == -1
    assert sqrt2.sign_of(flint.fmpq_poly([-141421356237309504880168872420969807, 10**35])) == 1


def test_equality_of_algebraic_numbers_given_by_different_polynomials():
    x = flint.fmpq_poly([0, 1])
    a = real_roots(x ** 2 - 2)[1][0]
    b = real_roots((x ** 2 - 2) * (x - 5))[1][0]        # same number, another polynomial
    assert a.equals(b) and a.compare(b) == 0
    c = real_roots(x ** 2 - 3)[1][0]
    assert a.compare(c) == -1


def test_refinement_reaches_requested_width():
    a = RealAlgebraic(flint.fmpq_poly([-2, 0, 1]), 1, 2)
    a.refine_bits(300)
    assert a.hi - a.lo <= Fraction(2, 2 ** 300)
    assert a.lo ** 2 < 2 < a.hi ** 2
