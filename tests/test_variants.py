"""MAML variants (K-step MAML, FO-MAML, Reptile): the certified fixed points of
``W <- W - beta g(W)`` checked against independent computations: sympy's
closed forms evaluated in floats on a dense scan and exactly at the rational
ends of each bracket, rollouts of the LQR cost, sympy's own root isolation,
and today's single-step engine."""
import json
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest
import sympy

import symlqr
from symlqr.cli.certify import main
from symlqr.scalar import lqr
from symlqr.scalar.fixedpoints import fixed_points
from symlqr.scalar.landscape import certify
from symlqr.tasks import FIGURE_NAMES, figure

X = sympy.Symbol("x")


def closed_forms(task):
    """``C`` (at s0), ``C'`` (at s0 and at s0a) and ``C''`` (at s0a) as sympy
    expressions in ``x``, from :mod:`symlqr.scalar.lqr`'s sympy layer."""
    t = task
    C = lqr.cost(X, t.A, t.B, t.Q, t.R, t.s0)
    dC = sympy.diff(C, X)
    Ca = lqr.cost(X, t.A, t.B, t.Q, t.R, t.s0_adapt)
    return C, dC, sympy.diff(Ca, X), sympy.diff(Ca, X, 2)


def direction(ts, method, K, x, lam):
    """``g(x)`` by the chain rule, evaluated with ``lam(expr, x)`` (floats or exact)."""
    total = 0
    is_exact = isinstance(x, sympy.Basic)
    eta = sympy.Rational(ts.eta.numerator, ts.eta.denominator) if is_exact else float(ts.eta)
    for t, w in zip(ts.tasks, ts.weights):
        C, dC, dCa, d2Ca = closed_forms(t)
        y, jac = x, 1
        for _ in range(K):
            jac = jac * (1 - eta * lam(d2Ca, y))
            y = y - eta * lam(dCa, y)
        w = sympy.Rational(w.numerator, w.denominator) if is_exact else float(w)
        if method == "maml":
            total += w * lam(dC, y) * jac
        elif method == "fomaml":
            total += w * lam(dC, y)
        else:
            total += w * (x - y)
    return total


def exact(expr, x):
    return expr.subs(X, x)


def in_domain(ts, W, K):
    eta = float(ts.eta)
    for t in ts.tasks:
        dCa = sympy.lambdify(X, closed_forms(t)[2])
        y = W
        for _ in range(K + 1):
            if abs(float(t.A) - float(t.B) * y) >= 1:
                return False
            y = y - eta * dCa(y)
    return True


@pytest.mark.parametrize("name", FIGURE_NAMES)
def test_maml_with_one_step_equals_todays_engine(name):
    fp = fixed_points(figure(name), "maml", 1, digits=12)
    ls = certify(figure(name), digits=12)
    assert len(fp.points) == len(ls.points)
    for p, q in zip(fp.points, ls.points):
        assert p.W.compare(q.W) == 0
        assert p.type == q.kind.value
        if p.type == "min":
            assert p.is_global == q.is_global
            assert p.h.lo <= q.h.hi and q.h.lo <= p.h.hi
    assert fp.min_value.lo <= ls.min_value.hi and ls.min_value.lo <= fp.min_value.hi


@pytest.mark.parametrize("name", ["fig2", "fig3b", "fig3c"])
def test_reptile_with_one_step_has_the_stationary_points_of_the_average_cost(name):
    ts = figure(name)
    avg = sum(sympy.Rational(w.numerator, w.denominator) * closed_forms(t)[0]
              for t, w in zip(ts.tasks, ts.weights))
    num = sympy.Poly(sympy.fraction(sympy.together(sympy.diff(avg, X)))[0], X, domain="QQ")
    roots = [(Fraction(int(a.p), int(a.q)) + Fraction(int(b.p), int(b.q))) / 2
             for (a, b), _ in num.intervals(eps=sympy.Rational(1, 10**12))]
    expected = [r for r in roots if in_domain(ts, float(r), 1)]
    fp = fixed_points(ts, "reptile", 1, digits=12)
    assert len(fp.points) == len(expected) >= 1
    for p, r in zip(fp.points, expected):
        assert abs(float(p.W) - float(r)) < 1e-10
        assert p.type == "attracting"          # the average cost is minimized there


CASES = [("fig2", m, K) for m in ("maml", "fomaml", "reptile") for K in (1, 2)] + [
    ("fig3b", "fomaml", 2), ("fig1", "maml", 2), ("fig3b", "reptile", 2)]


@pytest.mark.parametrize("name,method,K", CASES)
def test_fixed_points_match_a_dense_float_scan_of_g(name, method, K):
    ts = figure(name)
    fp = fixed_points(ts, method, K, digits=12)
    cache = {}
    lam = lambda e, y: cache.setdefault(e, sympy.lambdify(X, e, "numpy"))(y)
    simple = [p for p in fp.points if p.multiplicity == 1]
    for (lo, hi) in fp.domain:
        a, b = float(lo), float(hi)
        ends = (b - a) * np.logspace(-9, -4, 30)
        grid = np.unique(np.concatenate([np.linspace(a, b, 40001)[1:-1], a + ends, b - ends]))
        g = direction(ts, method, K, grid, lam)
        s = np.sign(g)
        changes = np.nonzero(s[:-1] * s[1:] < 0)[0]
        inside = [p for p in simple if a < float(p.W) < b]
        assert len(changes) == len(inside)
        for k, p in zip(changes, inside):
            assert grid[k] <= float(p.W) <= grid[k + 1]
            up = s[k] < 0 < s[k + 1]
            assert p.stability == ("attracting" if up else "repelling")


@pytest.mark.parametrize("method", ["maml", "fomaml", "reptile"])
def test_exact_signs_of_g_at_the_rational_ends_of_each_bracket(method):
    ts = figure("fig2")
    fp = fixed_points(ts, method, 2, digits=12)
    assert fp.points
    for p in fp.points:
        assert not p.W.is_rational
        left = direction(ts, method, 2, sympy.Rational(p.W.lo.numerator, p.W.lo.denominator), exact)
        right = direction(ts, method, 2, sympy.Rational(p.W.hi.numerator, p.W.hi.denominator), exact)
        assert left * right < 0
        assert p.stability == ("attracting" if left < 0 else "repelling")


def test_h_at_attracting_points_matches_rollouts_of_the_adapted_policies():
    ts = figure("fig2")
    fp = fixed_points(ts, "fomaml", 2, digits=15)
    eta = float(ts.eta)
    for p in fp.attracting():
        h = 0.0
        for t, w in zip(ts.tasks, ts.weights):
            dCa = sympy.lambdify(X, closed_forms(t)[2])
            y = float(p.W)
            for _ in range(2):
                y -= eta * dCa(y)
            h += float(w) * lqr.rollout_cost(y, *(float(v) for v in (t.A, t.B, t.Q, t.R, t.s0)))
        assert abs(h - float(p.h.lo)) < 1e-9 * h
        assert p.gap.lo >= 0
        assert (p.is_global is True) == (p.gap.hi == 0)


def test_fig2_every_variant_keeps_w_star_as_its_only_global_attracting_point():
    for method in ("maml", "fomaml", "reptile"):
        fp = fixed_points(figure("fig2"), method, 2, digits=12)
        glob = [p for p in fp.attracting() if p.is_global]
        assert len(glob) == 1 and abs(float(glob[0].W) - (5 ** 0.5 - 1) / 2) < 1e-12
        assert glob[0].adapted_to_optimum == (0, 1)


def test_python_api_takes_method_and_steps():
    r = symlqr.certify_landscape(figure("fig2"), method="reptile", steps=2)
    doc = r.to_dict()
    assert (doc["method"], doc["steps"]) == ("reptile", 2)
    assert doc["counts"]["attracting"] + doc["counts"]["repelling"] <= doc["counts"]["stationary"]
    assert {p["type"] for p in doc["stationary_points"]} <= {"attracting", "repelling",
                                                              "degenerate"}
    one = symlqr.certify_landscape(figure("fig2"))
    assert one.to_dict()["counts"]["attracting"] == one.counts()["min"] == 3


def test_cli_method_and_steps_json(capsys):
    assert main(["fig2", "--method", "fomaml", "--steps", "2", "--json", "--digits", "12"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["method"], doc["steps"], doc["certified"]) == ("fomaml", 2, True)
    assert doc["counts"]["attracting"] == 3 and doc["counts"]["repelling"] == 2
    att = [p for p in doc["stationary_points"] if p["type"] == "attracting"]
    assert [p["global"] for p in att] == [False, True, False]


@pytest.mark.parametrize("argv,needle", [
    (["--steps", "0"], "steps = 0"), (["--steps", "4"], "steps = 4"),
    (["--method", "sgd"], "invalid choice"),
    (["--method", "fomaml", "--adaptation", "normalized"], "only available for maml")])
def test_bad_method_or_steps_is_one_line_exit_2(argv, needle):
    r = subprocess.run([sys.executable, "-m", "symlqr.certify", "fig2", *argv],
                       capture_output=True, text=True)
    assert r.returncode == 2 and r.stdout == ""
    assert len(r.stderr.strip().splitlines()) == 1 and needle in r.stderr


def test_compare_prints_one_row_per_method_and_k(monkeypatch, capsys, tmp_path):
    """``--compare`` with K up to 2 (K = 3 takes about 45 s of CPU on fig2: see
    benchmarks/bench_variants.py); the plot is written."""
    import symlqr.cli.certify as cli
    monkeypatch.setattr(cli, "MAX_STEPS", 2)
    png = tmp_path / "c.png"
    assert main(["fig2", "--compare", "--digits", "10", "--plot", str(png)]) == 0
    rows = [line.split() for line in capsys.readouterr().out.splitlines()[2:]]
    assert [(row[0], row[1]) for row in rows] == [(m, str(k)) for k in (1, 2)
                                                  for m in ("maml", "fomaml", "reptile")]
    assert all("0.6180339887" in " ".join(row) for row in rows)
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_compare_table_and_plot_show_each_variants_attracting_points():
    from symlqr.render import plot
    from symlqr.render.compare import compare_table
    from symlqr.render.variant_plot import compare_figure
    ts = figure("fig3b")
    docs = []
    for K in (1, 2):
        for m in ("maml", "fomaml", "reptile"):
            fp = fixed_points(ts, m, K, digits=8)
            fp.digits = 8
            docs.append(fp.to_dict())
    table = compare_table(docs).splitlines()
    assert len(table) == 2 + 6
    assert table[3].split()[:4] == ["fomaml", "1", "0", "1"]     # no attracting point
    fig = compare_figure(ts, docs)
    main = [ax for ax in fig.axes if not ax.get_label().endswith("zoom")]
    assert [ax.get_label() for ax in main] == ["K = 1", "K = 2"]     # one panel per K
    for ax, K in zip(main, (1, 2)):
        n_k = sum(d["counts"]["attracting"] for d in docs if d["steps"] == K)
        assert sum(len(c.get_offsets()) for c in ax.collections) == n_k
    # FO-MAML has no attracting point at K = 1: the legend says so instead of a silent gap
    legend = [t.get_text() for t in main[0].get_legend().get_texts()]
    assert any(t.startswith("fomaml K=1: no attracting point") for t in legend)
    assert plot.render(fig, "png")[:4] == b"\x89PNG"


def test_task_files_carry_method_and_steps(tmp_path, capsys):
    f = tmp_path / "t.json"
    f.write_text(json.dumps({"eta": "0.01", "method": "reptile", "steps": 2, "tasks": [
        {"A": 1, "B": 1, "Q": 2, "R": 2}, {"A": 1, "B": 1, "Q": 0.1, "R": 0.1}]}))
    assert main(["--tasks-file", str(f), "--json", "--digits", "10"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert (doc["method"], doc["steps"]) == ("reptile", 2)
    assert main(["--tasks-file", str(f), "--steps", "1", "--json", "--digits", "10"]) == 0
    assert json.loads(capsys.readouterr().out)["steps"] == 1          # the option wins
    t = tmp_path / "t.toml"
    t.write_text('eta = "0.01"\nmethod = "fomaml"\nsteps = 9\n[[tasks]]\nA = 1\nB = 1\nQ = 2\nR = 2\n')
    assert main(["--tasks-file", str(t)]) == 2
    assert "steps = 9" in capsys.readouterr().err
