"""The certified core (exact/isolation.py, exact/algebraic.py) against independent
computations: sympy's exact real roots (CRootOf) and Sturm counts, mpmath's
polyroots at high precision, exact sympy evaluation of signs, and numbers
constructed to be equal or to differ by 1e-60."""
import random
from fractions import Fraction

import flint
import mpmath
import pytest
import sympy
from hypothesis import given, settings, strategies as st

from symlqr.exact.algebraic import RealAlgebraic
from symlqr.exact.isolation import count_real_roots, distinct_decimals, real_roots

X = sympy.Symbol("x")


def _to_sympy(p: flint.fmpq_poly) -> sympy.Poly:
    return sympy.Poly([sympy.Rational(int(c.p), int(c.q)) for c in reversed(p.coeffs())], X,
                      domain="QQ")


def _random_poly(rng: random.Random, deg: int) -> flint.fmpq_poly:
    return flint.fmpq_poly([rng.randint(-9, 9) for _ in range(deg)] + [rng.choice([-3, -1, 1, 2])])


def _inside(r: RealAlgebraic, x: sympy.Expr) -> bool:
    """lo <= x <= hi decided by sympy exactly (x an algebraic sympy number)."""
    lo, hi = (sympy.Rational(v.numerator, v.denominator) for v in (r.lo, r.hi))
    return bool(sympy.Ge(x, lo)) and bool(sympy.Le(x, hi))


# -- isolation -----------------------------------------------------------------
def test_roots_and_multiplicities_equal_sympys_exact_real_roots():
    """Every root of sympy's exact ``real_roots`` (CRootOf, with repeats) lies in
    exactly one of our brackets, with the same multiplicity."""
    rng = random.Random(11)
    x = flint.fmpq_poly([0, 1])
    for _ in range(12):
        p = _random_poly(rng, rng.randint(1, 6)) * (x - rng.randint(-3, 3)) ** rng.randint(1, 3)
        ours = real_roots(p)
        theirs = sympy.real_roots(_to_sympy(p))
        assert sum(m for _, m in ours) == len(theirs)
        for r, m in ours:
            hits = [t for t in theirs if _inside(r, t)]
            assert len(hits) == m and len(set(hits)) == 1


def test_roots_agree_with_mpmath_polyroots_at_60_digits():
    rng = random.Random(5)
    for _ in range(8):
        p = _random_poly(rng, rng.randint(2, 9))
        with mpmath.workdps(60):
            roots = mpmath.polyroots([mpmath.mpf(int(c.p)) / int(c.q) for c in reversed(p.coeffs())],
                                     maxsteps=400, extraprec=400)
            real = sorted(z.real for z in roots if abs(z.imag) < mpmath.mpf(10) ** -40)
            ours = [mpmath.mpf(r.decimal(50)) for r, _ in real_roots(p)]
            assert len(ours) == len(real)
            assert all(abs(a - b) < mpmath.mpf(10) ** -45 * max(1, abs(b)) for a, b in zip(ours, real))


@settings(max_examples=25, deadline=None)
@given(st.lists(st.fractions(min_value=-20, max_value=20, max_denominator=50), min_size=1, max_size=5),
       st.lists(st.integers(min_value=1, max_value=3), min_size=5, max_size=5),
       st.sampled_from([2, 3, 5, 6, 7]))
def test_rational_roots_and_their_multiplicities_are_recovered_exactly(roots, mults, c):
    """p = (x^2 - c) prod (x - r_i)^m_i: the rational roots are found as exact
    rationals with multiplicities, and +-sqrt(c) (c not a square) as irrationals."""
    x = flint.fmpq_poly([0, 1])
    want = {}
    for r, m in zip(roots, mults):
        want[r] = want.get(r, 0) + m
    p = x ** 2 - c
    for r, m in want.items():
        p *= (x - flint.fmpq(r.numerator, r.denominator)) ** m
    found = real_roots(p)
    rational = {r.lo: m for r, m in found if r.is_rational}
    assert rational == want
    irrational = [r for r, _ in found if not r.is_rational]
    assert len(irrational) == 2
    assert all(min(r.lo ** 2, r.hi ** 2) < c < max(r.lo ** 2, r.hi ** 2) for r in irrational)
    assert [a.compare(b) for (a, _), (b, _) in zip(found, found[1:])] == [-1] * (len(found) - 1)


def test_count_real_roots_on_subintervals_matches_sympy_sturm_count():
    rng = random.Random(3)
    for _ in range(10):
        p = _random_poly(rng, rng.randint(2, 8))
        lo, hi = sorted(Fraction(rng.randint(-40, 40), rng.randint(1, 9)) for _ in range(2))
        P = _to_sympy(p)
        sqf = sympy.Poly(sympy.quo(P, sympy.gcd(P, P.diff(X))), X)
        assert count_real_roots(p, lo, hi) == sqf.count_roots(lo, hi)
        assert len(real_roots(p, lo, hi)) == count_real_roots(p, lo, hi)


def test_roots_1e_minus_40_apart_are_separated_and_ordered():
    x = flint.fmpq_poly([0, 1])
    eps = flint.fmpq(1, 10**40)
    p = (x ** 2 - 2) * (x ** 2 - 2 - eps)                 # sqrt(2) and sqrt(2 + 1e-40)
    roots = [r for r, _ in real_roots(p)]
    assert len(roots) == 4
    assert roots[2].compare(roots[3]) == -1 and roots[3].compare(roots[2]) == 1
    assert roots[2].hi < roots[3].lo


# -- signs at algebraic points ---------------------------------------------------
def test_signs_at_algebraic_points_equal_exact_sympy_signs():
    """sign g(alpha) for alpha a root of f, against sympy's value of
    g(CRootOf(f, k)) at 80 digits (|value| > 1e-60, so its sign is unambiguous),
    and sign (g f)(alpha) = 0 exactly."""
    rng = random.Random(17)
    checked = 0
    for _ in range(10):
        f = _random_poly(rng, rng.randint(2, 5))
        roots = real_roots(f)
        for k, (r, _m) in enumerate(roots):
            g = _random_poly(rng, rng.randint(1, 4))
            alpha = sympy.real_roots(_to_sympy(f))
            alpha = sorted(set(alpha), key=lambda a: a.evalf(50))[k]
            value = _to_sympy(g).as_expr().subs(X, alpha).evalf(80)
            assert abs(value) > sympy.Float("1e-60")
            assert r.sign_of(g) == (1 if value > 0 else -1)
            assert r.sign_of(g * f) == 0                  # zero proven by the gcd
            checked += 1
    assert checked >= 10


def test_sign_of_a_rational_function_and_at_a_pole():
    x = flint.fmpq_poly([0, 1])
    from symlqr.exact.ratfunc import RationalFunction
    sqrt2 = real_roots(x ** 2 - 2)[1][0]
    f = RationalFunction(x - 1, x ** 2 - 3)                 # (sqrt2 - 1)/(2 - 3) < 0
    assert sqrt2.sign_of(f) == -1
    with pytest.raises(ZeroDivisionError):
        sqrt2.sign_of(RationalFunction(x, x ** 2 - 2))


# -- equality and order -----------------------------------------------------------
def test_equal_numbers_from_different_polynomials_compare_equal():
    x = flint.fmpq_poly([0, 1])
    a = real_roots(x ** 2 - 2)[1][0]
    b = [r for r, _ in real_roots(x ** 4 - 4) if r.lo > 0][0]           # (x^2 - 2)(x^2 + 2)
    c = [r for r, _ in real_roots((x ** 2 - 2) * (x ** 3 - 5))
         if r.compare(0) > 0 and r.compare(Fraction(3, 2)) < 0][0]
    assert a.equals(b) and b.equals(c) and a.compare(c) == 0 and c.compare(a) == 0
    half = real_roots(2 * x - 1)[0][0]
    assert half.equals(RealAlgebraic.rational(Fraction(1, 2)))
    assert half.compare(Fraction(1, 2)) == 0


def test_nearly_equal_numbers_are_ordered_exactly():
    """sqrt(2) against its continued-fraction convergents (within 1e-60) and
    against sqrt(2 + 1e-60)."""
    x = flint.fmpq_poly([0, 1])
    sqrt2 = real_roots(x ** 2 - 2)[1][0]
    p, q, p0, q0 = 1, 1, 1, 0
    for k in range(80):                                    # convergents p/q of sqrt(2)
        p, q, p0, q0 = 2 * p + p0, 2 * q + q0, p, q
        expected = 1 if k % 2 == 0 else -1                 # they alternate around sqrt(2)
        assert sqrt2.compare(Fraction(p, q)) == -expected
    assert abs(Fraction(p, q) - Fraction(1414213562373095, 10**15)) < 1
    above = [r for r, _ in real_roots(x ** 2 - 2 - flint.fmpq(1, 10**60)) if r.lo > 0][0]
    assert sqrt2.compare(above) == -1 and not sqrt2.equals(above)


# -- refinement has no visible effect on answers ------------------------------------
def test_answers_do_not_depend_on_how_far_a_number_was_refined():
    """decimal, float, sign_of and compare give the same answers on a fresh
    number and on a copy refined to 2000 bits; refined() and copy() leave the
    original's bracket alone."""
    x = flint.fmpq_poly([0, 1])
    rng = random.Random(2)
    for _ in range(6):
        f = _random_poly(rng, rng.randint(3, 6))
        for r, _m in real_roots(f):
            fresh, deep = r.copy(), r.refined(2000)
            before = (r.lo, r.hi)
            g = _random_poly(rng, 3)
            other = RealAlgebraic.rational(Fraction(rng.randint(-30, 30), 7))
            for d in (1, 5, 17, 40):
                assert fresh.copy().decimal(d) == deep.decimal(d)
            assert float(fresh.copy()) == float(deep)
            assert fresh.copy().sign_of(g) == deep.sign_of(g)
            assert fresh.copy().compare(other) == deep.compare(other)
            assert (r.lo, r.hi) == before
            assert deep.hi - deep.lo <= Fraction(max(1, abs(deep.hi)), 2 ** 1999)


def test_decimal_is_the_correct_rounding_of_the_root():
    """decimal(k) equals mpmath's rounding of a 300-digit value of the root."""
    rng = random.Random(8)
    for _ in range(8):
        f = _random_poly(rng, rng.randint(2, 6))
        for r, _m in real_roots(f):
            with mpmath.workdps(320):
                lo, hi = r.refined(1100).lo, r.refined(1100).hi
                v = (mpmath.mpf(lo.numerator) / lo.denominator + mpmath.mpf(hi.numerator) / hi.denominator) / 2
            for k in (1, 2, 7, 15, 30, 100):
                assert r.decimal(k) == mpmath.nstr(v, k), (r, k)


def test_distinct_decimals_tell_apart_numbers_that_differ_beyond_the_digits():
    x = flint.fmpq_poly([0, 1])
    sqrt2 = real_roots(x ** 2 - 2)[1][0]
    above = [r for r, _ in real_roots(x ** 2 - 2 - flint.fmpq(1, 10**30)) if r.lo > 0][0]
    two = RealAlgebraic.rational(2)
    near_two = RealAlgebraic.rational(Fraction(2 * 10**20 - 1, 10**20))
    out = distinct_decimals([two, sqrt2, near_two, above, sqrt2], 6)
    assert out[0] == "2.0" and out[1] == out[4]
    assert out[1] != out[3] and out[2] != out[0]
    values = [Fraction(s) for s in out]
    assert values[1] < values[3] < values[2] < values[0]
    assert len(out[3].replace(".", "").lstrip("0")) >= 30           # it took ~31 digits
    assert sqrt2.decimal(6) == "1.41421"


def test_negative_roots_refine_by_newton_like_their_mirror_images():
    """mpf_to_fraction lost the sign of negative numbers, so every Newton
    proposal for a negative root was rejected and refinement fell back to
    bisection (34 s instead of 0.08 s for -sqrt(2) to 20000 bits). The brackets
    of -sqrt(2) and sqrt(2) now narrow alike."""
    from mpmath import mpf
    from symlqr.exact.intervals import mpf_to_fmpq, mpf_to_fraction
    assert mpf_to_fraction(mpf(-0.375)) == Fraction(-3, 8)
    assert mpf_to_fmpq(mpf(-0.375)) == flint.fmpq(-3, 8)
    neg, pos = (r for r, _ in real_roots(flint.fmpq_poly([-2, 0, 1])))
    neg.refine_bits(2000)
    pos.refine_bits(2000)
    assert (neg.lo, neg.hi) == (-pos.hi, -pos.lo)
