"""Property-based tests: the certificate against independent computations on
random rational task sets (hypothesis).

Task sets have 1 to 6 tasks with exact rational A, B, Q, R, s0 drawn from
ranges that include negative B, open-loop unstable A (|A| > 1), Q = 0, and
step sizes from 1e-6 to 100. Most sets share a stable gain W0 (so that the
domain is usually not empty); the rest are unconstrained.

(a) the closed-form cost equals a rollout of the dynamics, and the closed-form
    MAML objective equals rollouts adapted with a finite-difference gradient;
(b) the enclosure of h' at every certified stationary point contains 0, and
    the exact sign of h' at rationals between consecutive points matches the
    reported types (and the domain membership of those rationals is exact);
(c) a dense float scan of h finds no local minimum that the certificate
    lacks (each scanned minimum is confirmed in exact arithmetic first);
(d) the certificate is invariant under W -> -W with B -> -B.

``SYMLQR_PROPERTY_SCALE=10`` runs ten times as many examples; by default the
examples are derandomized so that CI is reproducible.
"""
import math
import os
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from symlqr.scalar import lqr
from symlqr.scalar.kinds import PointKind
from symlqr.scalar.landscape import certify
from symlqr.scalar.maml import MamlObjective
from symlqr.scalar.numeric import maml_objective_float
from symlqr.exact.realroots import RealAlgebraic
from symlqr.tasks import InputError, Task, TaskSet

SCALE = float(os.environ.get("SYMLQR_PROPERTY_SCALE", "1"))
RANDOM = os.environ.get("SYMLQR_PROPERTY_RANDOM", "") not in ("", "0")


def settings_for(n):
    return settings(max_examples=max(1, int(n * SCALE)), deadline=None,
                    derandomize=not RANDOM, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def frac(num, den):
    return st.builds(Fraction, st.integers(num[0], num[1]), st.sampled_from(den))


SMALL = frac((-20, 20), (1, 2, 4, 5, 10))
Q_VALUES = st.sampled_from([Fraction(0), Fraction(1, 10), Fraction(1, 2), Fraction(1), Fraction(2),
                            Fraction(5)])
R_VALUES = st.sampled_from([Fraction(1, 10), Fraction(1, 2), Fraction(1), Fraction(2), Fraction(5)])
S0_VALUES = st.sampled_from([Fraction(1), Fraction(-1), Fraction(1, 2), Fraction(2), Fraction(-3, 2)])
B_VALUES = st.sampled_from([Fraction(v, d) for v in (-3, -2, -1, 1, 2, 3) for d in (1, 2)])
ETAS = st.one_of(
    st.sampled_from([Fraction(1, 10**6), Fraction(1, 1000), Fraction(1, 100), Fraction(1, 10),
                     Fraction(1, 2), Fraction(1), Fraction(10), Fraction(100)]),
    frac((1, 50), (100, 1000)))


def _task(A, B, Q, R, s0):
    try:
        return Task(A, B, Q, R, s0)
    except InputError:
        return None


@st.composite
def task_sets(draw, max_tasks=6):
    """1..max_tasks valid tasks, weights and eta; in 3 of 4 sets every task is
    stable at a common gain W0 (so the domain is seldom empty for small eta);
    tasks may repeat the dynamics (A, B) of an earlier one."""
    k = draw(st.integers(1, max_tasks))
    shared = draw(st.integers(0, 3)) > 0
    W0 = draw(frac((-4, 4), (1, 2)))
    dynamics, tasks = [], []
    for _ in range(k):
        if dynamics and draw(st.integers(0, 3)) == 0:
            A, B = draw(st.sampled_from(dynamics))                  # common dynamics
        elif shared:
            B = draw(B_VALUES)
            A = B * W0 + draw(frac((-9, 9), (10,)))                  # |A - B W0| < 1
        else:
            B = draw(st.one_of(B_VALUES, st.just(Fraction(0))))
            A = draw(SMALL)
        dynamics.append((A, B))
        t = _task(A, B, draw(Q_VALUES), draw(R_VALUES), draw(S0_VALUES))
        if t is not None:
            tasks.append(t)
    if not tasks:
        tasks = [Task(1, 1, 1, 1)]
    weights = draw(st.one_of(st.none(), st.lists(st.integers(1, 5), min_size=len(tasks),
                                                 max_size=len(tasks))))
    return TaskSet(tasks, draw(ETAS), weights)


# ---------------------------------------------------------------------------
# independent oracles
# ---------------------------------------------------------------------------
def rollout_sandwich(task, W, steps):
    """Exact rollout of ``s_{t+1} = A s_t + B u_t`` with ``u_t = -W s_t``:
    the partial sum of ``Q s_t^2 + R u_t^2`` over ``steps`` steps, and the
    state reached (exact Fractions)."""
    s, total = task.s0, Fraction(0)
    for _ in range(steps):
        u = -W * s
        total += task.Q * s * s + task.R * u * u
        s = task.A * s + task.B * u
    return total, s


def rollout_float(A, B, Q, R, s0, W, steps=4000):
    """Float rollout of the same dynamics, summed with numpy."""
    a = A - B * W
    states = s0 * a ** np.arange(steps, dtype=float)
    return float(np.sum((Q + R * W * W) * states * states))


def stable_gain(task, a):
    """The W with closed loop ``A - B W = a`` (B != 0)."""
    return (task.A - a) / task.B


@settings_for(200)
@given(ts=task_sets(), closed_loop=frac((-9, 9), (10,)))
def test_closed_form_cost_equals_rollout_of_the_dynamics(ts, closed_loop):
    """(a) Partial sums of the rollout increase to C(W): S_T <= C(W) and the
    gap is at most the remaining terms, bounded by (Q + R W^2) s_T^2 / (1 - a^2)
    with |a| <= 9/10 (T = 60, so the gap is below 1e-5 of C)."""
    for t in ts.tasks:
        if t.B == 0:
            continue
        W = stable_gain(t, closed_loop)
        C = lqr.cost_function(t)(W)
        S, sT = rollout_sandwich(t, W, 60)
        tail = (t.Q + t.R * W * W) * sT * sT / (1 - closed_loop ** 2)
        assert S <= C <= S + tail
        assert tail <= C * Fraction(1, 10**5) or C == 0


@settings_for(120)
@given(ts=task_sets(max_tasks=4), u=st.floats(0.05, 0.95))
def test_closed_form_maml_objective_equals_adapted_rollouts(ts, u):
    """(a) h(W) = sum_i w_i C_i(W - eta C_i'(W)) with every C from a float
    rollout and C' by a central difference of rollouts, at a rational point
    of the domain where every adapted closed loop has |A - B F| <= 0.95."""
    obj = MamlObjective(ts)
    ls = certify(ts, digits=10)
    if not ls.domain:
        event("empty domain")
        return
    di = ls.domain[0]
    lo = float(di.lo.hi) if di.lo is not None else -50.0
    hi = float(di.hi.lo) if di.hi is not None else 50.0
    W = Fraction(lo + u * (hi - lo)).limit_denominator(10**6)
    if not obj.in_domain(W):
        return
    exact = obj.piece(())(W)
    total = 0.0
    for t, w in zip(ts.tasks, ts.weights):
        A, B, Q, R = float(t.A), float(t.B), float(t.Q), float(t.R)
        Wf = float(W)
        d = 1e-6 * max(1.0, abs(Wf))
        g = (rollout_float(A, B, Q, R, float(t.s0_adapt), Wf + d)
             - rollout_float(A, B, Q, R, float(t.s0_adapt), Wf - d)) / (2 * d)
        F = Wf - float(ts.eta) * g
        if abs(A - B * F) > 0.95 or abs(A - B * Wf) > 0.95:
            return
        total += float(w) * rollout_float(A, B, Q, R, float(t.s0), F)
    event("compared with rollouts")
    assert total == pytest.approx(float(exact), rel=1e-5)


# ---------------------------------------------------------------------------
# (b) exact signs around the certified points
# ---------------------------------------------------------------------------
def _between(lo, hi, n):
    """n rationals strictly inside (lo, hi), evenly spread."""
    return [lo + (hi - lo) * Fraction(j, n + 1) for j in range(1, n + 1)]


def _separate(a: RealAlgebraic, b: RealAlgebraic):
    """Refine until a's bracket lies left of b's (they are distinct numbers)."""
    assert a.compare(b) < 0
    return a.hi, b.lo


def _right_sign(p):
    return {PointKind.MIN: 1, PointKind.MAX: -1}.get(p.extremum)


def _left_sign(p):
    return {PointKind.MIN: -1, PointKind.MAX: 1}.get(p.extremum)


@settings_for(120)
@given(ts=task_sets())
def test_h_prime_vanishes_at_certified_points_and_its_signs_match_the_types(ts):
    """(b) The enclosure of h' at each point contains 0; between consecutive
    points (and the domain ends) h' has one exact nonzero sign, equal to the
    one the types on both sides imply; the sample rationals are in the domain."""
    ls = certify(ts, digits=10)
    event(f"{len(ls.points)} stationary points, {len(ls.domain)} domain intervals")
    obj = MamlObjective(ts)
    dh = obj.piece(()).derivative()
    for p in ls.points:
        lo, hi = p.W.enclose(dh, 80)
        assert lo <= 0 <= hi
        assert p.W.is_root_of(dh.num)
    for c, di in enumerate(ls.domain):
        pts = [p for p in ls.points if p.component == c]
        ends = []
        prev = di.lo
        for p in pts + [None]:
            nxt = p.W if p is not None else di.hi
            if prev is None and nxt is None:
                lo, hi = Fraction(-40), Fraction(40)
            elif prev is None:
                lo, hi = nxt.lo - 1 - abs(nxt.lo), nxt.lo
            elif nxt is None:
                lo, hi = prev.hi, prev.hi + 1 + abs(prev.hi)
            else:
                lo, hi = _separate(prev, nxt)
            ends.append((lo, hi, prev, nxt))
            prev = p.W if p is not None else None
        left_point = None
        for (lo, hi, _, _), right_point in zip(ends, pts + [None]):
            signs = set()
            for x in _between(lo, hi, 3):
                assert obj.in_domain(x)
                v = dh(x)
                assert v != 0
                signs.add(1 if v > 0 else -1)
            assert len(signs) == 1
            s = signs.pop()
            if left_point is not None and _right_sign(left_point) is not None:
                assert s == _right_sign(left_point)
            if right_point is not None and _left_sign(right_point) is not None:
                assert s == _left_sign(right_point)
            left_point = right_point
    # rationals just outside each domain interval are outside the domain
    for di in ls.domain:
        for end, side in ((di.lo, -1), (di.hi, 1)):
            if end is None:
                continue
            end.refine_bits(60)
            x = end.lo - end.width() if side < 0 else end.hi + end.width()
            if not any(_contains(d, x) for d in ls.domain):
                assert not obj.in_domain(x)


def _contains(di, x):
    lo_ok = di.lo is None or di.lo.compare(x) < 0
    hi_ok = di.hi is None or di.hi.compare(x) > 0
    return lo_ok and hi_ok


# ---------------------------------------------------------------------------
# (c) dense float scan
# ---------------------------------------------------------------------------
def _exact_h(obj, x):
    mode = obj.mode_at(x)
    if not obj.in_domain(x, mode):
        return None
    return obj.piece(mode)(x)


@settings_for(80)
@given(ts=task_sets(), adaptation=st.sampled_from(["gradient", "gradient", "normalized"]))
def test_dense_scan_finds_no_local_minimum_the_certificate_lacks(ts, adaptation):
    """(c) On each domain interval (a window of it when unbounded, shrunk by
    1e-9 of its width at the ends), a uniform grid of 20001 points: every grid
    point lower than both neighbours, confirmed with exact values of h, has a
    certified local minimum strictly between the neighbours. Asserted where the
    grid spacing is below the certified separation of the points and ends."""
    ls = certify(ts, adaptation, digits=10)
    obj = MamlObjective(ts, adaptation)
    n = 20001
    for c, di in enumerate(ls.domain):
        pts = [p for p in ls.points if p.component == c]
        marks = [float(p.W) for p in pts]
        lo = float(di.lo) if di.lo is not None else min(marks + [float(di.hi) if di.hi is not None
                                                                 else 0.0]) - 10
        hi = float(di.hi) if di.hi is not None else max(marks + [lo]) + 10
        width = hi - lo
        lo, hi = lo + 1e-9 * width, hi - 1e-9 * width
        spacing = (hi - lo) / (n - 1)
        ends = ([float(di.lo)] if di.lo is not None else []) + marks + \
               ([float(di.hi)] if di.hi is not None else [])
        separation = min((b - a for a, b in zip(ends, ends[1:])), default=math.inf)
        if not spacing < separation:
            event("scan skipped: spacing above separation")
            continue
        event("scan compared")
        W = np.linspace(lo, hi, n)
        h = maml_objective_float(W, ts, adaptation)
        fin = np.isfinite(h)
        k = np.nonzero(fin[1:-1] & fin[:-2] & fin[2:] & (h[1:-1] < h[:-2]) & (h[1:-1] < h[2:]))[0] + 1
        for i in k[:50]:
            x0, x1, x2 = (Fraction(float(W[j])) for j in (i - 1, i, i + 1))
            v0, v1, v2 = (_exact_h(obj, x) for x in (x0, x1, x2))
            if None in (v0, v1, v2) or not (v1 < v0 and v1 < v2):
                event("float artefact: not a minimum in exact arithmetic")
                continue
            assert any(p.extremum is PointKind.MIN and p.W.compare(x0) > 0 and p.W.compare(x2) < 0
                       for p in pts), f"scan minimum near {float(x1)} not certified"


# ---------------------------------------------------------------------------
# (d) mirror symmetry
# ---------------------------------------------------------------------------
def mirrored(ts):
    return TaskSet([Task(t.A, -t.B, t.Q, t.R, t.s0, t.s0a) for t in ts.tasks], ts.eta,
                   list(ts.weights))


def _overlap(a, b):
    return max(a[0], b[0]) <= min(a[1], b[1])


@settings_for(60)
@given(ts=task_sets(max_tasks=5), adaptation=st.sampled_from(["gradient", "gradient",
                                                               "normalized"]))
def test_certificate_is_invariant_under_mirroring_W_and_B(ts, adaptation):
    """(d) h_{-B}(W) = h_B(-W): the same counts, the points mirrored with the
    same types and overlapping enclosures of h, the domain mirrored."""
    a = certify(ts, adaptation, digits=10)
    b = certify(mirrored(ts), adaptation, digits=10)
    event(f"{adaptation}: {len(a.points)} points, {a.counts()['spurious_min']} spurious")
    assert a.counts() == b.counts()
    assert a.certified == b.certified
    assert len(a.domain) == len(b.domain)
    assert len(a.points) == len(b.points)
    for p, q in zip(a.points, reversed(b.points)):
        assert (p.kind, p.extremum, p.multiplicity, p.is_global) == \
               (q.kind, q.extremum, q.multiplicity, q.is_global)
        p.W.refine_bits(80)
        q.W.refine_bits(80)
        assert _overlap((p.W.lo, p.W.hi), (-q.W.hi, -q.W.lo))
        assert _overlap((p.h.lo, p.h.hi), (q.h.lo, q.h.hi))
    if a.epsilon is not None:
        assert _overlap((a.epsilon.lo, a.epsilon.hi), (b.epsilon.lo, b.epsilon.hi))
    assert a.infimum_attained == b.infimum_attained
    assert len(a.kinks) == len(b.kinks)          # a kink's left is its mirror's right
    for k, m in zip(a.kinks, reversed(b.kinks)):
        assert (k.descent_from_left, k.descent_from_right, k.stalls) == \
               (m.descent_from_right, m.descent_from_left, m.stalls)
        for x, y in ((k.left_limit, m.right_limit), (k.right_limit, m.left_limit)):
            assert (x is None) == (y is None)
            assert x is None or _overlap((x.lo, x.hi), (y.lo, y.hi))
