"""The pieces that make 2 x 1 landscapes complete, against independent computations:
exact Bernstein coefficients after float splits and combinations, numpy
characteristic polynomials at the vertices of the stabilizing set, exact sampling
of the domain conditions near a joint exclusion, and a dense float scan polished
by scipy's root finder for the stationary points of the docs/matrix.md example."""
from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
from flint import fmpq, fmpq_mpoly_ctx
from scipy.optimize import root

from symlqr.branch import bernstein as bz
from symlqr.matrix.domain import conditions, stability_vertices
from symlqr.matrix.landscape import complete_landscape
from symlqr.matrix.objective import in_domain, maml_gradient, maml_value
from symlqr.matrix.joint import _nonpositive_combination
from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet

DOCS = MatrixTaskSet([MatrixTask([[1, "1/10"], [0, 1]], [[0], [1]], [[1, 0], [0, 1]], [[1]])],
                     "1/100")


def _random_poly(rng, ctx, deg, scale=50):
    x, y = ctx.gens()
    p = ctx.from_dict({})
    for i in range(deg + 1):
        for j in range(deg + 1 - i):
            p += int(rng.integers(-scale, scale)) * x ** i * y ** j
    return p


def _enclosed(lo, hi, exact, f):
    """Every exact coefficient (times the factor ``f``) inside its float pair."""
    for a, b, c in zip(lo.reshape(-1), hi.reshape(-1), exact.reshape(-1)):
        v = Fraction(int(c.p), int(c.q)) * f
        if not Fraction(float(a)) <= v <= Fraction(float(b)):
            return False
    return True


def test_split_coefficients_enclose_the_exact_ones_on_the_sub_box():
    """Float splits (batched basis-table products) against the exact Bernstein
    coefficients of the same polynomial on the box reached, coefficient by
    coefficient, with uneven fractions and a corner at 0."""
    rng = np.random.default_rng(3)
    ctx = fmpq_mpoly_ctx.get(("x", "y"), "lex")
    for trial in range(4):
        p = _random_poly(rng, ctx, 9 + trial)
        box = [(Fraction(-1), Fraction(3)), (Fraction(0), Fraction(2))]
        lo, hi, f = bz.coefficients(p, box)
        a, b = np.array([[-1.0, 0.0]]), np.array([[3.0, 2.0]])
        for _ in range(12):
            var = int(rng.integers(0, 2))
            cut, s = bz.cut_fractions(a[:, var], b[:, var], 0.2 + 0.6 * rng.random())
            (l1, h1), (l2, h2) = bz.split(lo, hi, var, s)
            if rng.random() < 0.5:
                lo, hi, b = l1, h1, b.copy()
                b[0, var] = cut[0]
            else:
                lo, hi, a = l2, h2, a.copy()
                a[0, var] = cut[0]
        exact = bz.exact_coefficients(p, [(Fraction(a[0, k]), Fraction(b[0, k])) for k in range(2)])
        assert _enclosed(lo[0], hi[0], exact, f)
        rlo, rhi = bz.ranges(lo, hi)                 # so the range holds every value
        for _ in range(20):
            pt = [Fraction(float(rng.uniform(a[0, k], b[0, k]))) for k in range(2)]
            assert Fraction(float(rlo[0])) <= bz.exact_value(p, pt) * f <= Fraction(float(rhi[0]))


def test_ball_conversions_from_an_anchor_enclose_the_exact_coefficients():
    """``Source.on_balls`` from an anchor box's exact coefficients (the blossom's
    restriction matrices) and from the monomials, at 64 and 192 bits, against
    ``exact_coefficients`` (``fmpq`` matrices) on random sub-boxes, some tiny and
    some sharing a side with the anchor."""
    rng = np.random.default_rng(8)
    ctx = fmpq_mpoly_ctx.get(("x", "y"), "lex")
    for trial in range(3):
        p = _random_poly(rng, ctx, 8 + 3 * trial, scale=1000)
        outer = [(Fraction(-3), Fraction(5)), (Fraction(-1, 2), Fraction(3, 4))]
        src, plain = bz.Source(p, 2), bz.Source(p, 2)
        src.anchor(outer)
        assert bz.restrict.fractions_in([(Fraction(-4), Fraction(0)), outer[1]], outer) is None
        for k in range(6):
            box = []
            for a, b in outer:
                u = sorted(rng.uniform(float(a), float(b), 2))
                if k == 0:
                    u = [float(a), u[1]]
                if k >= 3:
                    u[1] = float(np.nextafter(u[0], np.inf) + 2.0 ** (-20 - 8 * k) * abs(u[0]))
                box.append((Fraction(u[0]), Fraction(u[1])))
            exact = bz.exact_coefficients(p, box)
            for source in (src, plain):
                for prec in (64, 192):
                    got = source.on_balls(box, prec)
                    if got is not None:
                        assert _enclosed(got[0][0], got[1][0], exact, got[2])
            assert src.on_balls(box, 192) is not None


def test_source_in_higher_degrees_gives_the_elevated_coefficients():
    """``Source(p, 2, degrees)`` (zero higher monomials) against the exact
    coefficients of ``p`` elevated in Fractions (``E[i, k] = C(m, k) C(n - m,
    i - k) / C(n, i)`` per axis), exactly and through the anchored balls."""
    from math import comb
    rng = np.random.default_rng(9)
    ctx = fmpq_mpoly_ctx.get(("x", "y"), "lex")
    p = _random_poly(rng, ctx, 5)
    n1, n2 = 8, 7
    E = lambda m, n, i, k: Fraction(comb(m, k) * comb(n - m, i - k), comb(n, i)) \
        if 0 <= i - k <= n - m else Fraction(0)

    def elevated(box):
        C = bz.exact_coefficients(p, box)
        m1, m2 = C.shape[0] - 1, C.shape[1] - 1
        return [[sum(E(m1, n1, i, k) * E(m2, n2, j, l) * Fraction(int(C[k, l].p), int(C[k, l].q))
                     for k in range(m1 + 1) for l in range(m2 + 1)) for j in range(n2 + 1)]
                for i in range(n1 + 1)]

    box = [(Fraction(-1, 2), Fraction(3, 4)), (Fraction(1), Fraction(5, 4))]
    sub = [box[0], (box[1][0], Fraction(9, 8))]
    src = bz.Source(p, 2, (n1, n2))
    for (lo, hi, f), b in ((src.on(box), box), (src.anchor(box), box), (src.on_balls(sub), sub)):
        assert lo.shape == (1, n1 + 1, n2 + 1)
        ex = elevated(b)
        for i in range(n1 + 1):
            for j in range(n2 + 1):
                assert Fraction(float(lo[0, i, j])) <= ex[i][j] * f <= Fraction(float(hi[0, i, j]))


def test_source_value_is_the_exact_value():
    """``Source.value`` (nested ``fmpz_poly`` evaluations) against FLINT's own
    evaluation of the ``fmpq_mpoly`` at random rational points, 1 to 3 variables."""
    rng = np.random.default_rng(4)
    for names in (("x",), ("x", "y"), ("x", "y", "z")):
        ctx = fmpq_mpoly_ctx.get(names, "lex")
        p = ctx.from_dict({tuple(int(e) for e in rng.integers(0, 6, len(names))):
                           fmpq(int(rng.integers(-99, 99)), int(rng.integers(1, 30)))
                           for _ in range(15)})
        for _ in range(3):
            pt = [Fraction(float(rng.uniform(-3, 3))) for _ in names]
            assert bz.Source(p, len(names)).value(pt) == bz.exact_value(p, pt)


def test_elevated_coefficients_enclose_the_exact_ones_and_keep_zeros():
    """``elevate`` against degree elevation in Fractions (``E[i, k] = C(m, k)
    C(n - m, i - k) / C(n, i)``), with exact zeros (kept exact where every
    contributing coefficient is 0) and subnormal coefficients (never lost)."""
    from math import comb
    rng = np.random.default_rng(6)
    for tiny in (False, True):
        c = rng.normal(size=(1, 5, 4)) * np.exp2(rng.integers(-30, 30, (1, 5, 4)))
        c[0, :2, :] = 0.0
        if tiny:
            c[0, 1, 1] = 5e-324
        lo, hi = bz.elevate(c, c, [9, 7])
        for i in range(10):
            for j in range(8):
                v = sum(Fraction(comb(4, k) * comb(5, i - k), comb(9, i))
                        * Fraction(comb(3, l) * comb(4, j - l), comb(7, j)) * Fraction(float(c[0, k, l]))
                        for k in range(max(0, i - 5), min(4, i) + 1)
                        for l in range(max(0, j - 4), min(3, j) + 1))
                assert Fraction(float(lo[0, i, j])) <= v <= Fraction(float(hi[0, i, j]))
                assert (v == 0) == (lo[0, i, j] == 0 == hi[0, i, j])


def test_outward_steps_are_numpy_nextafter_bit_for_bit():
    """The integer-step ``_down``/``_up`` used for outward rounding against
    ``np.nextafter`` on random floats of every magnitude, subnormals, signed
    zeros, infinities and NaN, in several shapes."""
    rng = np.random.default_rng(12)
    x = rng.normal(size=30000) * 10.0 ** rng.integers(-320, 308, 30000)
    x[::7] = rng.integers(-5, 5, x[::7].shape) * 5e-324
    x[::97], x[::89], x[::1000], x[::1001], x[::1003] = 0.0, -0.0, np.inf, -np.inf, np.nan
    for v in (x, x.reshape(30, 1000), x[:1], x[5:6].reshape(())):
        assert np.array_equal(bz._down(v), np.nextafter(v, -np.inf), equal_nan=True)
        assert np.array_equal(bz._up(v), np.nextafter(v, np.inf), equal_nan=True)


def test_corner_filter_never_rules_out_a_box_the_full_test_decides():
    """``positive_where_possible`` (corners of the unraised condition) is True on
    every box where ``positive_where`` succeeds on the raised condition, over
    random boxes built to succeed (``a = lam c + noise``) and random ones."""
    rng = np.random.default_rng(13)
    c = rng.normal(size=(400, 4, 3))
    c[::5, 0, 0] = 0.0
    e_lo, e_hi = bz.elevate(c, c, [6, 5])
    lam = rng.uniform(0, 3, (400, 1, 1))
    built, plain = lam * e_hi + rng.uniform(-0.05, 1, e_hi.shape), rng.normal(size=e_hi.shape)
    for a in (built, plain):
        full = bz.positive_where(a, e_hi)
        maybe = bz.positive_where_possible(a, c)
        assert not (full & ~maybe).any()
    assert bz.positive_where(built, e_hi).sum() > 100             # the built ones mostly succeed
    assert (~bz.positive_where_possible(plain, c)).sum() > 100    # and the filter does filter


def test_split_keeps_an_exact_zero_at_the_outer_corner():
    ctx = fmpq_mpoly_ctx.get(("x", "y"), "lex")
    x, y = ctx.gens()
    p = 3 * x - 2 * y + x * y          # p(0, 0) = 0
    lo, hi, _ = bz.coefficients(p, [(Fraction(0), Fraction(1)), (Fraction(0), Fraction(1))])
    (l1, h1), _ = bz.split(lo, hi, 0, 0.375)
    (l2, h2), _ = bz.split(l1, h1, 1, 0.375)
    assert l2[0, 0, 0] == 0.0 == h2[0, 0, 0]


def test_combinations_enclose_the_exact_combination():
    rng = np.random.default_rng(5)
    ctx = fmpq_mpoly_ctx.get(("x", "y"), "lex")
    box = [(Fraction(1, 4), Fraction(3, 4)), (Fraction(-1), Fraction(1, 2))]
    p, q = _random_poly(rng, ctx, 5), _random_poly(rng, ctx, 5)
    (plo, phi, pf), (qlo, qhi, qf) = bz.coefficients(p, box), bz.coefficients(q, box)
    y = np.array([[0.3, -1.7]])
    lo, hi = bz.combine([(plo, phi), (qlo, qhi)], y)
    Ep, Eq = bz.exact_coefficients(p, box), bz.exact_coefficients(q, box)
    for a, b, cp, cq in zip(lo.reshape(-1), hi.reshape(-1), Ep.reshape(-1), Eq.reshape(-1)):
        v = Fraction(0.3) * pf * Fraction(int(cp.p), int(cp.q)) \
            + Fraction(-1.7) * qf * Fraction(int(cq.p), int(cq.q))
        assert Fraction(float(a)) <= v <= Fraction(float(b))


def test_vertices_of_the_stabilizing_set_have_the_characteristic_polynomials():
    """At each vertex, A - B W has eigenvalues all +-1 (numpy), with each count
    k = 0..d of +1 once."""
    rng = np.random.default_rng(9)
    for d in (2, 3):
        A = [[Fraction(int(v), 4) for v in row] for row in rng.integers(-4, 5, (d, d))]
        B = [[Fraction(int(v))] for v in rng.integers(1, 3, d)]
        ts = MatrixTaskSet([MatrixTask(A, B, np.eye(d).tolist(), [[1]])], "1/100")
        verts = stability_vertices(ts)
        if not verts:
            continue
        ones = []
        for w in verts:
            M = np.array(A, dtype=float) - np.array(B, dtype=float) @ np.array([[float(x) for x in w]])
            eig = np.sort(np.linalg.eigvals(M).real)
            assert np.allclose(np.abs(eig), 1, atol=1e-6)
            ones.append(int(np.sum(eig > 0)))
        assert sorted(ones) == list(range(d + 1))


def test_joint_exclusion_is_refused_where_the_domain_has_points():
    """The domain conditions of the docs example near the vertex (0, 0): a box
    straddling the corner but holding stabilizing gains whose adapted gain also
    stabilizes is never excluded; one well inside the unstable side is."""
    conds = conditions(DOCS)
    polys = [c.num for c in conds]
    signs = [1 if c.den is None else c.den_sign for c in conds]
    W = np.array([[0.5, 1.0]])
    assert in_domain(W, DOCS)
    box = [(Fraction(0.25), Fraction(0.75)), (Fraction(0.75), Fraction(1.25))]
    assert not _nonpositive_combination(polys, signs, box)
    away = [(Fraction(-2), Fraction(-1)), (Fraction(1), Fraction(2))]
    assert _nonpositive_combination(polys, signs, away)
    rng = np.random.default_rng(1)
    for _ in range(20):            # independent: no sampled point of it in the domain
        assert not in_domain(rng.uniform([-2, 1], [-1, 2])[None, :], DOCS)


def _gradient_or_far(w):
    """The float gradient, or a large constant outside the domain (the solver
    steps there and comes back or fails)."""
    if not in_domain(w[None, :], DOCS):
        return np.array([1e6, 1e6])
    return np.asarray(maml_gradient(w[None, :], DOCS), dtype=float).reshape(-1)


def test_docs_example_complete_against_a_dense_float_scan():
    """Every stationary point that scipy's root finder reaches from the local
    minima of a dense float scan of |grad h|, in the domain and with float
    h <= L, is one of the certified points; every certified point is a float
    zero of the gradient."""
    res = complete_landscape(DOCS)
    assert res.complete, res.reason
    pts = np.array([np.array(p.W).reshape(-1) for p in res.points])
    assert len(pts) == 12
    for p in pts:
        g = maml_gradient(p[None, :], DOCS)
        assert np.linalg.norm(g) < 1e-6 * max(1.0, maml_value(p[None, :], DOCS))
    level = float(res.level)
    # a dense float scan of |grad h| / (1 + h), each grid-local minimum polished
    xs, ys = np.linspace(-1, 40, 165), np.linspace(0.01, 3.99, 81)
    scan = np.full((len(xs), len(ys)), np.inf)
    for i, x in enumerate(xs):
        for j, y in enumerate(ys):
            w = np.array([[x, y]])
            if in_domain(w, DOCS):
                scan[i, j] = np.linalg.norm(maml_gradient(w, DOCS)) / (1 + maml_value(w, DOCS))
    found = []
    for i in range(1, len(xs) - 1):
        for j in range(1, len(ys) - 1):
            if not (np.isfinite(scan[i, j]) and scan[i, j] <= scan[i - 1:i + 2, j - 1:j + 2].min()):
                continue
            sol = root(_gradient_or_far, np.array([xs[i], ys[j]]), method="hybr", tol=1e-13)
            w = sol.x
            if not sol.success or not in_domain(w[None, :], DOCS):
                continue
            if np.linalg.norm(maml_gradient(w[None, :], DOCS)) > 1e-7:
                continue
            if maml_value(w[None, :], DOCS) <= level * (1 - 1e-9):
                found.append(w)
    distinct = {tuple(np.round(w, 4)) for w in found}
    assert len(distinct) >= 5, distinct          # the oracle itself finds a good share
    for w in found:
        assert np.min(np.linalg.norm(pts - w, axis=1)) < 1e-5, w
    # the same points from a run stopped early: the minima with F(W) = W* are still
    # global (one task: h >= C(W*) everywhere), one above them spurious, h not benign
    from symlqr.matrix.landscape import _summarize
    labels, min_h, benign = list(res.labels), res.min_h, res.benign
    res.complete, res.labels, res.min_h, res.benign, res.epsilon = False, None, None, None, None
    _summarize(res)
    assert res.min_h == min_h and benign is False and res.benign is False and res.epsilon is None
    assert "spurious" in labels and res.labels == labels


def test_level_conditions_hold_on_the_level_set_against_float_h():
    """The cheap necessary conditions of ``h <= L`` (one polynomial per task,
    ``domain.level_conditions``) are positive at every sampled gain of the domain
    with float ``h <= L``, and equal ``c - tr(R F Sigma0 F')`` (``c`` the level minus the
    tasks' Q terms, over w_i) minus the next term of the sum,
    ``tr(M' (Q + F'RF) M Sigma0)``, ``M = A - B F``, times ``D^4`` (two tasks of
    examples/)."""
    from fractions import Fraction

    from symlqr.matrix.domain import adapted_gains
    from symlqr.matrix.level_sets import level_conditions
    from symlqr.matrix.objective import adapt, maml_value
    from symlqr.matrix.tasks import load_matrix_tasks_file
    d = load_matrix_tasks_file("examples/scaled_costs_2state.json")
    ts = MatrixTaskSet(d["tasks"], d["eta"], d["weights"])
    L = 40
    conds = level_conditions(ts, L, terms=2)
    assert len(conds) == 2 and all(c.kind == "level" and c.den is None for c in conds)
    first = level_conditions(ts, L)                   # the first term only (the default)
    gains = adapted_gains(ts)
    rng = np.random.default_rng(3)
    w = [float(x) for x in ts.weights]
    base = sum(wj * float(np.trace(np.array(t.Q, dtype=float) @ np.array(t.Sigma0, dtype=float)))
               for wj, t in zip(w, ts.tasks))
    inside = 0
    for _ in range(400):
        W = np.array([[rng.uniform(0, 3), rng.uniform(0, 5)]])
        h = maml_value(W, ts)
        if not np.isfinite(h):
            continue
        args = [fmpq(Fraction(float(x)).numerator, Fraction(float(x)).denominator) for x in W.ravel()]
        for i, (c, t) in enumerate(zip(conds, ts.tasks)):
            G = Fraction(str(c.num(*args)))
            F = adapt(W, ts.float_tasks()[i], float(ts.eta))
            if F is None:
                continue
            dens = [den for _, den in gains[i] if den is not None]
            Dv = 1.0                        # the common denominator the conditions use
            if dens and all(x == dens[0] for x in dens):
                Dv = float(Fraction(str(dens[0](*args))))
            else:
                for x in dens:
                    Dv *= float(Fraction(str(x(*args))))
            A, B = np.array(t.A, dtype=float), np.array(t.B, dtype=float)
            Qm, R, S = (np.array(x, dtype=float) for x in (t.Q, t.R, t.Sigma0))
            M = A - B @ F
            want = ((L * (1 + 2 ** -20) + 2 ** -20 - base) / w[i]
                    - float(np.trace(R @ F @ S @ F.T))
                    - float(np.trace(M.T @ (Qm + F.T @ R @ F) @ M @ S))) * Dv ** 4
            assert abs(float(G) - want) <= 1e-7 * max(1.0, abs(want))
            G1 = Fraction(str(first[i].num(*args)))
            want1 = ((L * (1 + 2 ** -20) + 2 ** -20 - base) / w[i]
                     - float(np.trace(R @ F @ S @ F.T))) * Dv ** 2
            assert abs(float(G1) - want1) <= 1e-7 * max(1.0, abs(want1))
            if h <= L:
                assert G > 0 and G1 > 0
        inside += h <= L
    assert inside > 20


def test_batched_split_at_one_shared_fraction_encloses_the_exact_coefficients():
    """A batch of boxes cut at 127/256 of their widths, whose float fractions
    differ in the last bits (ends with full mantissas), takes the one
    shared matrix (``_shared_fraction``); each half's coefficients hold the exact
    ones on the half actually cut, and a batch with fractions too far apart
    keeps one matrix per box."""
    rng = np.random.default_rng(11)
    ctx = fmpq_mpoly_ctx.get(("x", "y"), "lex")
    p = _random_poly(rng, ctx, 14)
    lo_b = np.array([[1.0 + rng.random(), 0.25] for k in range(6)])
    hi_b = lo_b + np.array([[0.5 + rng.random() / 2, 0.5] for k in range(6)])
    cut, s = bz.cut_fractions(lo_b[:, 0], hi_b[:, 0], 127 / 256)
    assert len(set(s.tolist())) > 1 and bz._shared_fraction(s) is not None
    assert bz._shared_fraction(np.array([0.5, 0.5 + 2.0 ** -40])) is None
    boxes = [[(Fraction(lo_b[j, k]), Fraction(hi_b[j, k])) for k in range(2)] for j in range(6)]
    src = bz.Source(p, 2)
    got = [src.on(b) for b in boxes]
    lo = np.concatenate([g[0] for g in got])
    hi = np.concatenate([g[1] for g in got])
    (l1, h1), (l2, h2) = bz.split(lo, hi, 0, s)
    for j in range(6):
        (a, b), y = boxes[j]
        c = Fraction(float(cut[j]))
        for (ll, hh), side in (((l1, h1), (a, c)), ((l2, h2), (c, b))):
            exact = bz.exact_coefficients(p, [side, y])
            assert _enclosed(ll[j], hh[j], exact, got[j][2])


@pytest.mark.parametrize("name", ["fig2", "fig3b"])
def test_dropping_conditions_that_hold_on_a_batch_changes_no_answer(monkeypatch, name):
    """Two of the paper's figures as 1 x 1 matrix tasks: the same points, types,
    enclosures, completeness and undecided count with the conditions that hold on
    a whole batch dropped before its split (:meth:`Decider._drop_settled`) as
    without, and some were dropped. (The docs example's dense-scan test above
    runs with the dropping too.)"""
    from symlqr.matrix.subdivision import Decider
    from symlqr.tasks import figure
    ts0 = figure(name)
    ts = MatrixTaskSet([MatrixTask.from_scalar(*t.as_tuple()[:4]) for t in ts0.tasks], ts0.eta)
    dropped = []
    real = Decider._drop_settled

    def counting(self, boxes):
        before = len(boxes.data)
        real(self, boxes)
        dropped.append(before - len(boxes.data))
    monkeypatch.setattr(Decider, "_drop_settled", counting)
    with_drop = complete_landscape(ts)
    monkeypatch.setattr(Decider, "_drop_settled", lambda self, boxes: None)
    without = complete_landscape(ts)
    assert sum(dropped) > 0
    assert with_drop.complete == without.complete
    assert [(p.type, p.h) for p in with_drop.points] == [(p.type, p.h) for p in without.points]
    assert len(with_drop.outcome.undecided) == len(without.outcome.undecided)
