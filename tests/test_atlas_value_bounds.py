"""``Family.value_lower_bound`` and ``Family.value_enclosure`` on mpmath's
interval endpoints give, bit for bit, what the closed forms give on mpmath's
interval objects (the former code, written out here) and what
``value_interval`` gives for ``h``, raising in the same cases: the far bounds,
the node values and the values' bounds of the switch search decide the same."""
import random
from fractions import Fraction

import pytest
from mpmath import iv

from symlqr.atlas.family import _FIELDS, Family, _Dual, _dual_coeffs
from symlqr.exact.precision import iv_workprec
from symlqr.exact.realroots import iv_from_fraction
from symlqr.scalar import closed_forms as cf
from symlqr.tasks import figure


def _former_lower_bound(fam, Wv, pv):
    """The former ``Family.value_lower_bound``: the closed forms on intervals."""
    total = iv.mpf(0)
    for i in range(fam.n):
        f = {}
        for k in _FIELDS:
            cs = fam._coeffs[i][k]
            f[k] = (iv_from_fraction(cs[0]) if len(cs) == 1
                    else _dual_coeffs(cs, _Dual(pv, iv.mpf(0))).v)
        eta = pv if fam.param == "eta" else iv_from_fraction(fam.taskset.eta)
        A, B, Q, R, s0, s0a = (f[k] for k in _FIELDS)
        D = cf.closed_loop(A, B, Wv)
        if D.b <= 0:
            return float("inf")
        term = None
        if D.a > 0:
            F = Wv - eta * cf.ratio(cf.gradient(A, B, Q, R, s0a, Wv))
            num, DF = cf.cost(A, B, Q, R, s0, F)
            if DF.b <= 0:
                return float("inf")
            if DF.a > 0:
                term = (num / DF).a
            elif num.a >= 0:
                term = (iv.mpf(num.a) / iv.mpf(DF.b)).a
        if term is None:
            if Q.a < 0 or R.a < 0:
                raise ZeroDivisionError
            term = 0
        total = total + iv_from_fraction(fam.taskset.weights[i]) * iv.mpf(term)
    return total.a


def _outcome(f, *args):
    try:
        got = f(*args)
    except ZeroDivisionError:
        return "raised"
    if isinstance(got, float):
        return got
    return got._mpi_


FAMILIES = [("fig3a", "eta"), ("fig3c", "eta"), ("fig1", "eta"), ("fig2", "scale"),
            ("fig3b", "delta")]


@pytest.mark.parametrize("name,param", FAMILIES)
def test_endpoint_evaluations_are_the_interval_ones_bit_for_bit(name, param):
    fam = Family(figure(name), param)
    rng = random.Random(7)
    seen = {"raised": 0, "inf": 0, "finite": 0}
    with iv_workprec(96):
        for _ in range(400):
            a = Fraction(rng.randrange(-400, 2400), 1000)
            b = a + Fraction(rng.choice([1, 7, 60, 500]), rng.choice([1000, 100000]))
            p = Fraction(rng.randrange(0, 300), 1000)
            q = p + Fraction(rng.choice([1, 40]), rng.choice([1000, 100000]))
            Wv = iv.mpf([iv_from_fraction(a).a, iv_from_fraction(b).b])
            pv = iv.mpf([iv_from_fraction(p).a, iv_from_fraction(q).b])
            old, new = _outcome(_former_lower_bound, fam, Wv, pv), \
                _outcome(fam.value_lower_bound, Wv, pv)
            assert new == old
            h_old = _outcome(lambda *x: fam.value_interval(*x)[0], Wv, pv)
            assert _outcome(fam.value_enclosure, Wv, pv) == h_old
            seen["raised" if h_old == "raised" else "finite"] += 1
            seen["inf"] += old == float("inf")
    assert seen["raised"] > 20 and seen["finite"] > 20
