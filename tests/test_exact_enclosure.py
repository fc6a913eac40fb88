"""Digits of enclosures decided exactly (exact/digits.py, exact/enclosure.py),
against Python's ``decimal`` module as an independent rounding oracle and
mpmath's ``nstr`` as the formatting reference.

The property checked for every enclosure ``[lo, hi]``: if it certifies
``k >= 1`` digits, then every rational ``x`` in ``[lo, hi]`` (``lo``, ``hi``
and a random point between) rounded half away from zero to ``k`` significant
digits *equals, as a number,* the printed decimal; no ``j`` with
``k < j <= digits`` has ``lo`` and ``hi`` rounding alike; and if it certifies
no digit the printed text is an interval ``[a, b]`` with ``a <= lo``, ``hi <= b``.
"""
import math
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

import mpmath
import pytest
from hypothesis import assume, given, settings, strategies as st

from symlqr.exact.digits import certified_digits, correctly_rounded, decimal_exponent, format_rounded
from symlqr.exact.enclosure import Enclosure


def oracle_round(x: Fraction, k: int) -> Decimal:
    """x rounded half away from zero to k significant digits, via ``decimal``:
    truncation toward zero at k + 60 digits keeps every tie decision exact."""
    with localcontext() as ctx:
        ctx.prec, ctx.rounding = k + 60, ROUND_DOWN
        t = Decimal(x.numerator) / Decimal(x.denominator)
        ctx.prec, ctx.rounding = k, ROUND_HALF_UP
        return +t


rationals = st.builds(lambda n, d, e: Fraction(n, d) * Fraction(10) ** e,
                      st.integers(min_value=-10**12, max_value=10**12),
                      st.integers(min_value=1, max_value=10**9),
                      st.integers(min_value=-60, max_value=60))


@st.composite
def enclosures(draw):
    lo = draw(rationals)
    rel = draw(st.integers(min_value=0, max_value=40))
    width = abs(lo) * Fraction(draw(st.integers(min_value=0, max_value=10**6)), 10 ** (rel + 6))
    if draw(st.booleans()):
        width += Fraction(1, 10 ** draw(st.integers(min_value=0, max_value=80)))
    return lo, lo + width


@settings(max_examples=200, deadline=None)
@given(enclosures(), st.integers(min_value=1, max_value=40), st.floats(min_value=0, max_value=1))
def test_printed_digits_are_exactly_the_certified_ones(bounds, digits, t):
    lo, hi = bounds
    e = Enclosure(lo, hi)
    k = e.certified_digits(digits)
    s = e.decimal(digits)
    if k == 0:
        assert s.startswith("[") and s.endswith("]")
        a, b = (Fraction(v) for v in s[1:-1].split(", "))
        assert a <= lo and hi <= b
        assert all(oracle_round(lo, j) != oracle_round(hi, j) for j in range(1, digits + 1))
        return
    x = lo + (hi - lo) * Fraction(t)
    for v in (lo, x, hi):
        assert Decimal(s) == oracle_round(v, k), (lo, hi, k, s)
    assert all(oracle_round(lo, j) != oracle_round(hi, j) for j in range(k + 1, digits + 1))


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=-30, max_value=30), st.integers(min_value=1, max_value=25),
       st.integers(min_value=1, max_value=10**6), st.integers(min_value=0, max_value=10**6),
       st.booleans())
def test_digit_counts_at_powers_of_ten(e, digits, below, above, negative):
    """Enclosures around 10^e, where a decimal exponent (and the digit count)
    changes: the count agrees with the oracle whichever side the ends are on."""
    p = Fraction(10) ** e
    lo, hi = p - p * Fraction(below, 10 ** (digits + 3)), p + p * Fraction(above, 10 ** (digits + 3))
    if negative:
        lo, hi = -hi, -lo
    k = certified_digits(lo, hi, digits)
    assert k == max([j for j in range(1, digits + 1) if oracle_round(lo, j) == oracle_round(hi, j)],
                    default=0)
    assert decimal_exponent(p) == e
    assert decimal_exponent(p - p / 10 ** 30) == e - 1


def test_ratio_just_below_1000_is_not_one_digit_too_many():
    """mid = 0.1235, width = mid / (1000 - 1e-20): the former float rule
    floor(log10(mid/width)) said 3 digits and printed the uncertified "0.124";
    lo < 0.1235 < hi round to 0.123 and 0.124, so only "0.12" is certified."""
    mid = Fraction(1235, 10000)
    width = mid / (1000 - Fraction(1, 10**20))
    lo, hi = mid - width / 2, mid + width / 2
    r = mid / width
    assert math.floor(math.log10(r.numerator) - math.log10(r.denominator)) == 3     # the old rule
    assert r < 1000
    e = Enclosure(lo, hi)
    assert e.certified_digits(30) == 2 and e.decimal(30) == "0.12"


def test_epsilon_of_issue_12_prints_a_bound_not_a_midpoint():
    """[0, 3.08e-35] holds epsilon = 3.57e-41: no digit is certified, so the
    decimal is the outward-rounded interval, never the midpoint 1.5e-35."""
    e = Enclosure(Fraction(0), Fraction(308, 10**37))
    assert e.certified_digits(30) == 0
    assert e.decimal(30) == "[0, 3.1e-35]"
    assert Enclosure(Fraction(-1, 10**9), Fraction(1, 10**9)).decimal(5) == "[-1.0e-9, 1.0e-9]"
    assert Enclosure.exact(0).decimal(5) == "0.0"


@settings(max_examples=200, deadline=None)
@given(rationals, st.integers(min_value=1, max_value=40))
def test_format_equals_mpmath_nstr_and_the_decimal_oracle(x, k):
    """format_rounded(x, k) prints what mpmath's nstr prints for x (away from
    ties, where nstr rounds a binary approximation), with the oracle's value."""
    assume(x != 0)
    sign, n, e = correctly_rounded(x, k)
    scaled = abs(x) * Fraction(10) ** (k - 1 - decimal_exponent(x))
    assume(abs(scaled - math.floor(scaled) - Fraction(1, 2)) > Fraction(1, 10**20))
    with mpmath.workdps(k + 40):
        ref = mpmath.nstr(mpmath.mpf(x.numerator) / x.denominator, k)
    s = format_rounded(x, k)
    assert s == ref
    assert Decimal(s) == oracle_round(x, k)
    assert 10 ** (k - 1) <= n < 10 ** k


def test_ties_round_away_from_zero_like_nstr():
    assert format_rounded(Fraction(1, 8), 2) == "0.13" == mpmath.nstr(mpmath.mpf(0.125), 2)
    assert format_rounded(Fraction(-1, 8), 2) == "-0.13" == mpmath.nstr(mpmath.mpf(-0.125), 2)
    assert format_rounded(Fraction(9995, 10000), 3) == "1.0"


def test_outward_bounds_hold_the_enclosure():
    e = Enclosure(Fraction(-314159, 10**5), Fraction(271828, 10**35))
    a, b = (Fraction(v) for v in e.outward(3))
    assert a <= e.lo and e.hi <= b
    assert e.outward(3) == ["-3.15", "272e-32"]


# -- what is printed under "certified" (issue 12) ---------------------------------------
def _issue12_epsilon_taskset():
    from symlqr.tasks import Task, TaskSet
    return TaskSet([Task(Fraction(-3, 5), Fraction(4, 3), Fraction(5, 2), Fraction(61, 10), Fraction(2)),
                    Task(Fraction(-2, 9), Fraction(11, 9), Fraction(28, 3), Fraction(3), Fraction(8, 3))],
                   Fraction("0.00307506543012681915875365228976605715957"))


def test_tiny_epsilon_is_refined_until_its_digits_are_certified():
    """epsilon = h(spurious min) - h(global min) = 3.57e-41 was printed as the
    midpoint 2.0e-35 of [0, 3.08e-35]. Now it is refined until all 30 digits
    are certified, and it agrees with mpmath: findroot on sympy's h' at 80
    digits from each minimum, h evaluated there."""
    import sympy
    from symlqr.scalar.landscape import certify
    from symlqr.scalar.maml import maml_objective_expr
    ts = _issue12_epsilon_taskset()
    ls = certify(ts)
    assert ls.certified and ls.epsilon.certified_digits(30) == 30
    W = sympy.Symbol("W")
    h = maml_objective_expr(W, ts)
    f, df = sympy.lambdify(W, h, "mpmath"), sympy.lambdify(W, sympy.diff(h, W), "mpmath")
    with mpmath.workdps(80):
        values = [f(mpmath.findroot(df, mpmath.mpf(p.W.decimal(20)))) for p in ls.points
                  if p.is_local_min]
        eps = max(values) - min(values)
        assert mpmath.mpf(ls.epsilon.lo.numerator) / ls.epsilon.lo.denominator <= eps * (1 + mpmath.mpf(10) ** -20)
        assert mpmath.nstr(eps, 12) == mpmath.nstr(mpmath.mpf(ls.epsilon.decimal(30)), 12)
    assert ls.to_dict()["epsilon"].startswith("3.5679318944166")


def test_render_says_isolated_point_only_when_the_engine_says_so():
    from symlqr.render.report import text_table
    doc = {"name": "demo", "adaptation": "gradient", "eta": "1", "weights": ["1"],
           "tasks": [{"A": "1", "B": "1", "Q": "1", "R": "2", "s0": "1", "s0a": "1"}],
           "domain": [{"lo": "1.0", "hi": "1.0"}], "stationary_points": [],
           "counts": {"stationary": 0, "min": 0, "max": 0, "degenerate": 0, "global_min": 0,
                      "spurious_min": 0}, "min_value": None, "epsilon": None, "lower_bound": "1",
           "certified": True, "undecided": []}
    assert "domain: (1.0, 1.0)" in text_table(doc)          # equal decimals decide nothing
    doc["domain"][0]["isolated"] = True
    assert "domain: {1.0} (isolated point)" in text_table(doc)


@pytest.mark.slow
def test_huge_q_domain_is_an_interval_and_ends_print_apart():
    """--task 1,1,1e300,2,1 --eta 0.01: the domain (1 - 1e-300ish, 1) was
    labelled "{1.0} (isolated point)"; its ends and the minimum now print as
    three different numbers, and no "isolated" flag is set."""
    from symlqr.render.report import text_table
    from symlqr.scalar.landscape import certify
    from symlqr.tasks import Task, TaskSet
    ls = certify(TaskSet([Task(Fraction(1), Fraction(1), Fraction(10) ** 300, Fraction(2))],
                         Fraction(1, 100)), digits=12)
    doc = ls.to_dict()
    (dom,) = doc["domain"]
    assert "isolated" not in dom and "isolated point" not in text_table(doc)
    assert Fraction(dom["lo_interval"][1]) < Fraction(dom["hi_interval"][0])
    (p,) = doc["stationary_points"]
    assert Fraction(dom["lo"]) < Fraction(p["W"]) < Fraction(dom["hi"])
