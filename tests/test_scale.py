"""The interval engine (issue 11): sound arithmetic, closed forms checked against
sympy and exact evaluation, agreement with the exact engine, dense float scans
at 200+ tasks, and hard cases that must end undecided or be resolved, never
guessed."""
import random
from fractions import Fraction as Fr

import numpy as np
import pytest
import sympy
from hypothesis import given, settings, strategies as st

from symlqr.exact.realroots import RealAlgebraic
from symlqr.scalar.boxes import isolate
from symlqr.scalar.boxlandscape import CertifiedBox, Unsupported, certify_interval
from symlqr.scalar.engines import certify_landscape, choose_engine
from symlqr.scalar.intervals import IV
from symlqr.scalar.landscape import certify
from symlqr.scalar.maml import MamlObjective
from symlqr.scalar.numeric import maml_objective_float
from symlqr.scalar.taskterms import TaskParams, interval_terms, terms
from symlqr.scalar.walls import domain
from symlqr.tasks import FIGURE_NAMES, Task, TaskSet, figure

fracs = st.fractions(min_value=-1000, max_value=1000, max_denominator=10 ** 6)


# ---------------------------------------------------------------------------
# interval arithmetic
# ---------------------------------------------------------------------------
def _contains(v: IV, x: Fr) -> bool:
    lo, hi = v.entire_if_nan()
    return Fr(float(lo.ravel()[0])) <= x <= Fr(float(hi.ravel()[0]))


@settings(max_examples=300, deadline=None)
@given(fracs, fracs, fracs)
def test_interval_operations_enclose_exact_rational_results(a, b, c):
    A, B, C = (IV.exact([x]) for x in (a, b, c))
    assert _contains(A + B * C, a + b * c)
    assert _contains(A - B, a - b)
    assert _contains(A ** 2 - B, a * a - b)
    if c != 0:
        assert _contains((A - B) / C, (a - b) / c)
    elif a != b:                 # a denominator enclosure holding 0: no finite bound
        assert not np.isfinite(((A - B) / C).entire_if_nan()[1]).all()


def test_interval_sum_encloses_cancelling_sums_exactly():
    vals = [Fr(10) ** 16, Fr(1, 3), -(Fr(10) ** 16), Fr(1, 7)] * 250
    s = IV.exact(vals)[None, :].sum(axis=1)
    assert _contains(s, sum(vals))
    bound = 2 * 2 * (len(vals) + 1) * 2.0 ** -53 * float(sum(abs(v) for v in vals))
    assert 0 < float(s.hi[0] - s.lo[0]) <= 1.01 * bound     # the documented gamma_n bound


def test_zero_times_unbounded_is_zero_and_nan_counts_as_entire():
    z = IV(np.array([0.0]), np.array([0.0]))
    assert (z * (IV(1.0) / IV(np.array([-1.0]), np.array([1.0])))).hi[0] == 0.0
    bad = IV(np.array([[np.nan, 1.0]]), np.array([[1.0, 2.0]])).sum(axis=1)
    assert bad.lo[0] == -np.inf and bad.hi[0] == np.inf


# ---------------------------------------------------------------------------
# the closed forms
# ---------------------------------------------------------------------------
def test_third_derivative_closed_form_matches_sympy():
    A, B, Q, R, s0, W, eta = sympy.symbols("A B Q R s0 W eta")
    C = s0 ** 2 * (Q + R * W ** 2) / (1 - (A - B * W) ** 2)
    sym = {"A": A, "B": B, "Q": Q, "R": R, "so2": s0 ** 2, "ka": 2 * s0 ** 2, "eta": eta,
           "eka": 2 * s0 ** 2 * eta,
           "w": 1, "c2": A * B * R, "v": 0, "c1": R * (1 - A ** 2) + B ** 2 * Q,
           "c0": -A * B * Q}
    t = terms(W, sym)
    F = W - eta * sympy.diff(C, W)
    h = C.subs(W, F)
    for key, ref in (("F", F), ("h", h), ("dh", sympy.diff(h, W)), ("d2h", sympy.diff(h, W, 2))):
        pt = {A: Fr(11, 10), B: Fr(9, 10), Q: 2, R: Fr(3, 2), s0: Fr(3, 2), eta: Fr(1, 50),
              W: Fr(1, 3)}
        assert sympy.nsimplify(t[key].subs(pt) - ref.subs(pt)) == 0, key


@pytest.mark.parametrize("name", FIGURE_NAMES)
def test_exact_terms_equal_the_exact_engine_objective(name):
    ts = figure(name)
    p = TaskParams.from_tasks(ts.tasks, ts.eta, ts.weights)
    h = MamlObjective(ts).piece(())
    dh, x = h.derivative(), Fr(3, 5)
    tot = {k: sum(terms(x, p.exact(i))[k] for i in range(len(p))) for k in ("h", "dh", "d2h")}
    assert (tot["h"], tot["dh"], tot["d2h"]) == (h(x), dh(x), dh.derivative()(x))


def _random_taskset(rng, n, hetero=True):
    def r(lo, hi):
        return Fr(rng.randint(lo, hi), 100)
    tasks = [Task(r(97, 103) if hetero else 1, r(97, 103) if hetero else 1, r(100, 500),
                  r(100, 500), r(80, 120)) for _ in range(n)]
    return TaskSet(tasks, Fr(1, 20))


@pytest.mark.parametrize("seed", range(3))
def test_enclosures_contain_exact_values_at_random_points(seed):
    rng = random.Random(seed)
    ts = _random_taskset(rng, 40)
    p = TaskParams.from_tasks(ts.tasks, ts.eta, ts.weights)
    (a, b), = domain(ts.tasks, ts.eta)
    lo_d, hi_d = float(a.hi), float(b.lo)
    for _ in range(5):
        x0 = rng.uniform(lo_d, hi_d)
        w = rng.choice([1e-9, 1e-4, 1e-2]) * (hi_d - lo_d)
        x1 = min(x0 + w, hi_d)
        enc = interval_terms(np.array([x0]), np.array([x1]), p)
        x = Fr(x0) + (Fr(x1) - Fr(x0)) * Fr(rng.randint(0, 1000), 1000)
        exact = {k: sum(terms(x, p.exact(i))[k] for i in range(len(p))) for k in enc}
        for k in enc:
            assert Fr(enc[k].lo[0]) <= exact[k] <= Fr(enc[k].hi[0]), k


# ---------------------------------------------------------------------------
# agreement with the exact engine
# ---------------------------------------------------------------------------
def _agree(e, i):
    assert i.certified and e.certified
    assert i.counts() == e.counts()
    assert [p.kind.value for p in i.points] == [p.kind.value for p in e.points]
    assert [p.is_global for p in i.points] == [p.is_global for p in e.points]
    for pe, pi in zip(e.points, i.points):
        if isinstance(pi.W, CertifiedBox):          # the exact root lies in the box
            assert pe.W.compare(pi.W.lo) > 0 and pe.W.compare(pi.W.hi) < 0
        else:
            assert pe.W.equals(pi.W)
        assert pi.h.lo <= pe.h.hi and pe.h.lo <= pi.h.hi
    if e.epsilon is not None:
        assert i.epsilon.lo <= e.epsilon.hi and e.epsilon.lo <= i.epsilon.hi
    assert len(i.domain) == len(e.domain)
    for de, di in zip(e.domain, i.domain):
        assert de.lo.equals(di.lo) and de.hi.equals(di.hi)


@pytest.mark.parametrize("name", FIGURE_NAMES)
def test_engines_agree_on_the_paper_figures(name):
    _agree(certify(figure(name)), certify_interval(figure(name)))


@settings(max_examples=12, deadline=None)
@given(st.integers(0, 10 ** 6), st.integers(1, 3), st.booleans())
def test_engines_agree_on_random_small_task_sets(seed, n, hetero):
    ts = _random_taskset(random.Random(seed), n, hetero)
    e = certify(ts)
    if not e.domain:
        assert not certify_interval(ts).domain
        return
    _agree(e, certify_interval(ts))


def test_fig2_global_minimum_is_the_exact_common_optimal_gain():
    ls = certify_interval(figure("fig2"))
    glob = [p for p in ls.minima() if p.is_global]
    assert len(glob) == 1 and isinstance(glob[0].W, RealAlgebraic)
    assert glob[0].adapted_to_optimum == (0, 1)
    doc = ls.to_dict()
    assert doc["engine"] == "interval"
    assert sum("box" in d["W_certified"] for d in doc["stationary_points"]) == 4


def test_identical_tasks_are_merged_with_summed_weights():
    t1, t2 = figure("fig3b").tasks
    a = certify_interval(TaskSet([t1, t2, t2], Fr(1, 10)))
    b = certify_interval(TaskSet([t1, t2], Fr(1, 10), [1, 2]))
    assert [p.h.lo <= q.h.hi and q.h.lo <= p.h.hi for p, q in zip(a.points, b.points)]
    assert a.counts() == b.counts() and len(a.taskset.tasks) == 3


# ---------------------------------------------------------------------------
# many tasks against a dense float scan
# ---------------------------------------------------------------------------
def _scaled_copies(seed, n=250):
    rng = random.Random(seed)
    return TaskSet([Task(1, 1, s, s) for s in (Fr(rng.randint(10, 300), 100) for _ in range(n))],
                   Fr(1, 100))


@pytest.mark.parametrize("seed", [0, 1])
def test_250_tasks_agree_with_a_dense_float_scan(seed):
    ts = _scaled_copies(seed)
    ls = certify_interval(ts)
    assert ls.certified
    (di,) = ls.domain
    W = np.linspace(float(di.lo), float(di.hi), 400_001)[1:-1]
    h = maml_objective_float(W, ts)
    d = np.sign(np.diff(h))
    turns = np.nonzero(d[1:] != d[:-1])[0] + 1              # grid extrema of h
    kinds = ["min" if d[j] > 0 else "max" for j in turns]
    assert kinds == [p.kind.value for p in ls.points]
    step = W[1] - W[0]
    for j, p in zip(turns, ls.points):
        assert float(p.W.lo) - 2 * step <= W[j] <= float(p.W.hi) + 2 * step


# ---------------------------------------------------------------------------
# hard cases: undecided or resolved, never guessed
# ---------------------------------------------------------------------------
def test_box_budget_exhausted_is_undecided_with_the_reason():
    ts = figure("fig3a")
    p = TaskParams.from_tasks(ts.tasks, ts.eta, ts.weights)
    res = isolate(p, 0.07, 1.85, initial=4, max_boxes=10)
    assert res.undecided and all("time" in r for _, _, r in res.undecided)


def _near_tangent_eta(gap_bits):
    """eta just above the value where fig1's outer min/max pair is born: bisect
    exactly (exact engine counts) down to a width 2^-gap_bits."""
    t = figure("fig1").tasks[0]
    lo, hi = Fr(1, 100), Fr(1, 10)
    count = lambda eta: certify(TaskSet([t], eta)).counts()["stationary"]
    n_lo = count(lo)
    assert count(hi) != n_lo
    while hi - lo > Fr(1, 2 ** gap_bits):
        mid = (lo + hi) / 2
        if count(mid) == n_lo:
            lo = mid
        else:
            hi = mid
    return t, lo, hi


def test_near_double_root_is_resolved_or_undecided_never_miscounted():
    t, lo, hi = _near_tangent_eta(40)
    for eta in (lo, hi):
        ts = TaskSet([t], eta)
        e, i = certify(ts), certify_interval(ts)
        if i.certified:
            assert i.counts() == e.counts()
        else:
            assert any("precision" in u for u in i.undecided)


def test_engine_choice_and_unsupported_inputs():
    assert choose_engine(figure("fig1")) == "exact"
    many = _random_taskset(random.Random(5), 30)
    assert choose_engine(figure("fig3d")) == "exact"            # the figures keep exact output
    assert choose_engine(many) == "interval"
    assert choose_engine(many, "normalized") == "exact"
    with pytest.raises(Unsupported):
        certify_interval(figure("fig1"), "normalized")
    ls = certify_landscape(many, engine="auto")
    assert ls.to_dict()["engine"] == "interval" and "engine" not in certify(figure("fig1")).to_dict()
    flat = TaskSet([Task(Fr(1, 2), 0, 1, 1)] * 6 + [Task(Fr(1, 3), 0, 1, 2)], Fr(1, 10))
    with pytest.raises(Unsupported):
        certify_interval(flat)
    assert certify_landscape(flat).counts() == certify(flat).counts()


def test_interval_engine_stops_at_the_deadline():
    import time
    from symlqr.scalar.landscape import Timeout
    with pytest.raises(Timeout):
        certify_interval(_random_taskset(random.Random(1), 50), deadline=time.monotonic() - 1)


def test_command_line_engine_option_gives_the_interval_document(capsys):
    import json
    from symlqr.cli.certify import main
    assert main(["fig3b", "--engine", "interval", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["engine"] == "interval" and doc["counts"]["spurious_min"] == 1
    assert all("W_certified" in p for p in doc["stationary_points"])
    assert main(["fig3b", "--engine", "interval"]) == 0
    assert "interval Newton" in capsys.readouterr().out


def test_tasks_without_adaptation_s0a_zero_agree_with_the_exact_engine():
    """s0a = 0 gives F_i(W) = W: the domain ends are walls of D_i(W) itself."""
    for ts in (TaskSet([Task(1, 1, 2, 2, 1, 0)], Fr(1, 20)),
               TaskSet([Task(1, 1, 2, 2, 1, 0), Task(Fr(11, 10), 1, 1, 3, 1, 0),
                        Task(1, 1, 3, 1)], Fr(1, 20))):
        _agree(certify(ts), certify_interval(ts))
