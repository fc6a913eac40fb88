"""The Stein solves of the rational-function backend (generic solve and substitution,
symmetric unknowns) against the first design (the exact inverse of ``I - M (x) M``
over QQ(w), kept as ``_RatSteinReference``) and against float ``grad h``."""
import json
from fractions import Fraction

import numpy as np
import pytest
from flint import fmpq

from symlqr.matrix import ratfunc as rf
from symlqr.matrix.objective import maml_gradient
from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet

EYE2 = [[1, 0], [0, 1]]


def _two_state(*costs):
    return [MatrixTask([[1, "1/10"], [0, 1]], [[0], [1]], [[c, 0], [0, c]], [[c]])
            for c in costs]


CASES = {
    "1x1": MatrixTaskSet([MatrixTask.from_scalar(1, 1, 2, 2)], "1/10"),
    "2x1": MatrixTaskSet(_two_state(1), "1/100"),
    "2x1-two-tasks": MatrixTaskSet(_two_state(2, "1/10"), "1/100"),
    "2x1-sigma": MatrixTaskSet([MatrixTask([["1/2", "1/3"], [0, 1]], [[0], [1]], EYE2, [[1]],
                                           [[2, 1], [1, 1]], [[1, 0], [0, 3]])], "1/20"),
}


def _with(cls, fn, *args):
    old = rf.RationalFunctionBackend.stein_class
    rf.RationalFunctionBackend.stein_class = cls
    rf.symbolic_point.cache_clear()
    try:
        return fn(*args)
    finally:
        rf.RationalFunctionBackend.stein_class = old
        rf.symbolic_point.cache_clear()


@pytest.mark.parametrize("name", sorted(CASES))
def test_numerators_equal_the_first_design(name):
    ts = CASES[name]
    new = _with(rf.RatStein, rf.gradient_numerators, ts)
    old = _with(rf._RatSteinReference, rf.gradient_numerators, ts)
    assert new == old
    assert _with(rf.RatStein, rf.stability_denominators, ts) == \
        _with(rf._RatSteinReference, rf.stability_denominators, ts)


@pytest.mark.parametrize("name", sorted(CASES))
def test_gradient_matches_floats_at_rational_points(name):
    ts = CASES[name]
    grads = _with(rf.RatStein, rf.gradient_rational_functions, ts)
    rng = np.random.default_rng(1)
    n = len(grads)
    checked = 0
    for _ in range(20):
        w = [Fraction(int(k), 20) for k in rng.integers(-20, 40, n)]
        W = np.array([float(x) for x in w]).reshape(ts.tasks[0].r, ts.tasks[0].d)
        try:
            ref = maml_gradient(W, ts).reshape(-1)
        except Exception:
            continue
        if not np.all(np.isfinite(ref)) or np.max(np.abs(ref)) > 1e6:
            continue
        pt = [fmpq(x.numerator, x.denominator) for x in w]
        dens = [g.den(*pt) for g in grads]
        if any(x == 0 for x in dens):
            continue
        vals = [float(g.num(*pt) / q) for g, q in zip(grads, dens)]
        assert np.allclose(vals, ref, rtol=1e-8, atol=1e-10)
        checked += 1
    assert checked >= 3


def _mat(bk, rows):
    return rf.RatMat([[x if isinstance(x, rf.RatFunc) else bk.scalar(x) for x in r]
                      for r in rows])


def test_stein_solves_with_rational_closed_loops_and_nonsymmetric_right_sides():
    """``M`` with rational entries of degree > 1 (the substitution path), symmetric and
    nonsymmetric ``Y``, against the first design."""
    bk = rf.RationalFunctionBackend(2)
    w1, w2 = bk.gens()
    f = (w1 * w1 + w2) / (3 + w1 * w2 * w2)
    M = _mat(bk, [[Fraction(1, 2), Fraction(1, 10)], [f, w2 / (2 + w1)]])
    Ys = [_mat(bk, [[1, f], [f, w1]]), _mat(bk, [[w2, 1], [0, f * f]])]
    new, ref = rf.RatStein(M, bk.one), rf._RatSteinReference(M, bk.one)
    for Y in Ys:
        assert new.S(Y).e == ref.S(Y).e
        assert new.P(Y).e == ref.P(Y).e
    assert [x.e for x in new.S_many(Ys)] == [x.e for x in ref.S_many(Ys)]
    lin = _mat(bk, [[Fraction(1, 2) - w1, 1], [w2, Fraction(1, 3)]])   # the direct path
    assert rf.RatStein(lin, bk.one).P(Ys[1]).e == rf._RatSteinReference(lin, bk.one).P(Ys[1]).e


@pytest.mark.parametrize("method", ["maml", "fomaml", "reptile"])
def test_two_step_directions_equal_the_first_design(method):
    """``K = 2``: the second Stein solves use ``M = A - B W_1`` (rational ``W_1``)."""
    ts = CASES["1x1"]
    new = _with(rf.RatStein, rf.direction_numerators, ts, method, 2)
    old = _with(rf._RatSteinReference, rf.direction_numerators, ts, method, 2)
    assert new == old
    assert _with(rf.RatStein, rf.stability_denominators, ts, 2) == \
        _with(rf._RatSteinReference, rf.stability_denominators, ts, 2)
