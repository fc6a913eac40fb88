"""Lower-degree Bernstein coefficients with a proven remainder (symlqr.branch.reduced),
checked against the exact polynomial at random rational points, and the reduced
branch-and-bound path against the full one."""
from fractions import Fraction as Q
from math import comb

import numpy as np
import pytest
from flint import fmpq, fmpq_mpoly_ctx

from symlqr.branch import bernstein as bz
from symlqr.branch import reduced as rd

CTX = fmpq_mpoly_ctx.get(("x", "y", "z"), "lex")


def _random_poly(rng, degree: int, terms: int):
    x, y, z = CTX.gens()
    p = CTX.from_dict({})
    for _ in range(terms):
        a, b = rng.integers(0, degree + 1, size=2)
        c = rng.integers(0, degree + 1 - max(a, b))
        coef = fmpq(int(rng.integers(-50, 51)), int(rng.integers(1, 9)))
        p += coef * x ** int(a) * y ** int(b) * z ** int(c)
    return p


def _bernstein_value(coeffs: np.ndarray, t) -> Q:
    """sum_I c_I B_I(t), exactly (c floats, t rationals in [0, 1])."""
    out = Q(0)
    n = [s - 1 for s in coeffs.shape]
    basis = [[comb(nj, i) * tj ** i * (1 - tj) ** (nj - i) for i in range(nj + 1)]
             for nj, tj in zip(n, t)]
    for idx in np.ndindex(*coeffs.shape):
        w = basis[0][idx[0]] * basis[1][idx[1]] * basis[2][idx[2]]
        out += Q(float(coeffs[idx])) * w
    return out


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_reduced_coefficients_hold_the_polynomial_and_its_derivatives(seed):
    rng = np.random.default_rng(seed)
    p = _random_poly(rng, 14, 40)
    box = [(Q(1, 4), Q(1, 4) + Q(1, 16)), (Q(-1, 2), Q(-1, 2) + Q(1, 32)), (Q(3), Q(3) + Q(1, 8))]
    lo, hi, f = bz.Source(p, 3).on(box)
    rlo, rhi, e, ed = rd.reduce(lo, hi, (5, 5, 5))
    assert rlo.shape == (1, 6, 6, 6) and (rlo <= rhi).all()
    widths = [b - a for a, b in box]
    ders = [bz.derivative_ranges(rlo, rhi, k, np.array([float(widths[k])])) for k in range(3)]
    dlo, dhi = [d[0][0] for d in ders], [d[1][0] for d in ders]
    grads = [p.derivative(k) for k in range(3)]
    for _ in range(6):
        t = [Q(int(rng.integers(0, 65)), 64) for _ in range(3)]
        x = [a + tj * w for (a, _), tj, w in zip(box, t, widths)]
        args = [fmpq(v.numerator, v.denominator) for v in x]
        val = f * Q(str(p(*args)))
        # the value: between the lower and the upper coefficients' polynomials
        assert _bernstein_value(rlo[0], t) <= val <= _bernstein_value(rhi[0], t)
        for k in range(3):
            g = f * Q(str(grads[k](*args)))
            slack = Q(float(ed[0, k])) / widths[k]
            assert Q(float(dlo[k])) - slack <= g <= Q(float(dhi[k])) + slack


def test_remainder_shrinks_with_the_box_and_grows_with_a_lower_degree():
    rng = np.random.default_rng(5)
    p = _random_poly(rng, 20, 60)
    rem = {}
    for w in (Q(1, 4), Q(1, 64)):
        box = [(Q(1, 2), Q(1, 2) + w)] * 3
        lo, hi, _ = bz.Source(p, 3).on(box)
        size = float(np.abs(lo).max())
        for m in (4, 8):
            rem[w, m] = float(rd.reduce(lo, hi, (m, m, m))[2][0]) / size
    assert rem[Q(1, 64), 8] < rem[Q(1, 4), 8] and rem[Q(1, 64), 8] < rem[Q(1, 64), 4]
    assert rem[Q(1, 64), 8] < 1e-9


def test_restrict_agrees_with_exact_coefficients():
    rng = np.random.default_rng(7)
    p = _random_poly(rng, 8, 25)
    box = [(Q(-1), Q(1)), (Q(0), Q(2)), (Q(-2), Q(2))]
    lo, hi, f = bz.Source(p, 3).on(box)
    part = [(-0.5, 0.25), (1.0, 2.0), (-2.0, -1.5)]
    plo, phi = rd.restrict(lo, hi, [(float(a), float(b)) for a, b in box], part)
    exact = bz.exact_coefficients(p, [(Q(a), Q(b)) for a, b in part])
    ex = np.array([float(f * Q(int(c.p), int(c.q))) for c in exact.reshape(-1)]).reshape(exact.shape)
    assert (plo[0] <= ex + 1e-12 * abs(ex).max()).all() and (ex - 1e-12 * abs(ex).max() <= phi[0]).all()



@pytest.mark.parametrize("tasks,eta", [
    ([(1, 1, 2, 2), (1, 1, "1/10", "1/10")], "1/100"),     # Figure 2
    ([("9/10", 1, 1, 3), ("11/10", "1/2", 2, 1)], "1/10"),
])
def test_the_reduced_path_gives_the_exact_scalar_engines_answer(monkeypatch, tasks, eta):
    """The path for large polynomials (r d >= 3: carried at a lower degree with a
    proven remainder, computed only once the boxes are small, re-anchored where
    the carried rounding opens a sign), forced on 1 x 1 gains, against the
    exact scalar engine."""
    import symlqr.matrix.subdivision as sd
    from symlqr.matrix.landscape import complete_landscape
    from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
    from symlqr.scalar.landscape import certify
    from symlqr.tasks import Task, TaskSet
    monkeypatch.setattr(sd, "LARGE", 8)
    seen = []
    monkeypatch.setattr(sd.Decider, "_fresh", lambda self, b, k, _f=sd.Decider._fresh:
                        (seen.append(len(b)), _f(self, b, k))[1])
    ts = MatrixTaskSet([MatrixTask.from_scalar(*t) for t in tasks], eta)
    res = complete_landscape(ts, prune=False)             # every point, as the exact engine
    assert seen, "the reduced path was not taken"
    assert res.complete, res.reason
    exact = certify(TaskSet([Task(*t) for t in tasks], eta=eta))
    assert [p.type for p in res.points] == [p.kind.name.lower() for p in exact.points]
    assert np.allclose([p.W[0][0] for p in res.points], [float(p.W) for p in exact.points],
                       atol=1e-9)


def test_branch_and_bound_never_decides_more_boxes_than_its_budget():
    """``max_boxes`` is a bound, not a target: the batch that would cross it is cut,
    and every box not decided is listed undecided (the volumes add up)."""
    from symlqr.branch.core import Boxes, Step, branch_and_bound

    def never(b):                          # nothing is ever decided: always split
        return Step(children=b.bisect())

    out = branch_and_bound(Boxes(np.array([[0.0, 0.0]]), np.array([[1.0, 1.0]])), never,
                           batch=64, max_boxes=100)
    assert out.boxes == 100 and out.stopped and not out.complete
    assert abs(out.undecided_volume - 1.0) < 1e-12
