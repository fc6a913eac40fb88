"""Tests of the certified one-parameter atlas (symlqr.atlas).

Each kind of critical value is checked on a case where it happens, against
independent computations: full certification on both sides, float scans of
the objective, and sympy's closed form of Theorem 2's bound.
"""
import json
from fractions import Fraction

import numpy as np
import pytest
import sympy

from symlqr.atlas import atlas
from symlqr.atlas.family import Family
from symlqr.cli.atlas import main
from symlqr.scalar.landscape import certify
from symlqr.scalar.lqr import cost_hessian, optimal_gain
from symlqr.scalar.numeric import maml_objective_float, scan_local_minima
from symlqr.tasks import TaskSet, figure


@pytest.fixture(scope="module")
def fig1():
    return atlas(figure("fig1"), "eta", 0, Fraction(3, 10))


@pytest.fixture(scope="module")
def fig2():
    return atlas(figure("fig2"), "eta", 0, Fraction(3, 10))


def _piece_at(at, x):
    """The piece containing the rational x, or None when x is inside an enclosure."""
    if any(cv.lo <= x <= cv.hi for cv in at.critical_values):
        return None
    k = sum(cv.hi < x for cv in at.critical_values)
    return at.pieces[k]


def _counts(ts):
    c = certify(ts, digits=10).counts()
    return {k: c[k] for k in ("min", "global_min", "spurious_min", "max")}


def test_fig1_atlas_has_three_folds_and_one_spurious_band(fig1):
    assert fig1.certified
    assert [cv.kind for cv in fig1.critical_values] == ["fold", "fold", "fold"]
    got = [(p.counts["min"], p.counts["global_min"], p.counts["spurious_min"]) for p in fig1.pieces]
    assert got == [(3, 3, 0), (3, 3, 0), (2, 1, 1), (1, 1, 0)]
    assert [cv.decimal(6) for cv in fig1.critical_values] == ["0.0815595", "0.0973086", "0.103166"]


def test_fig2_atlas_loses_its_spurious_minima_at_two_folds(fig2):
    assert fig2.certified
    assert [cv.kind for cv in fig2.critical_values] == ["fold", "fold"]
    assert [p.counts["spurious_min"] for p in fig2.pieces] == [2, 1, 0]
    assert [p.counts["global_min"] for p in fig2.pieces] == [1, 1, 1]


@pytest.mark.parametrize("name", ["fig1", "fig2"])
def test_piece_counts_agree_with_certify_on_a_grid(name, fig1, fig2):
    at = {"fig1": fig1, "fig2": fig2}[name]
    base = figure(name)
    for k in range(1, 61, 3):
        eta = Fraction(k, 200)
        pc = _piece_at(at, eta)
        assert pc is not None
        want = {key: pc.counts[key] for key in ("min", "global_min", "spurious_min", "max")}
        assert _counts(TaskSet(base.tasks, eta, base.weights)) == want, eta


@pytest.mark.parametrize("name", ["fig1", "fig2"])
def test_folds_change_the_float_count_of_minima(name, fig1, fig2):
    """Independent of the engine: a dense float scan of h just below and just
    above each count-changing fold sees the number of local minima change."""
    at = {"fig1": fig1, "fig2": fig2}[name]
    base = figure(name)
    for k, cv in enumerate(at.critical_values):
        left, right = at.pieces[k], at.pieces[k + 1]
        if left.counts["min"] == right.counts["min"]:
            continue
        c = float(cv.lo)
        for eta, want in ((c * (1 - 1e-3), left.counts["min"]), (c * (1 + 1e-3), right.counts["min"])):
            ts = TaskSet(base.tasks, Fraction(eta), base.weights)
            W, _h = scan_local_minima(ts, 0.0, 2.0, n=400_001)
            assert len(W) == want, (name, eta)


def test_theorem2_bound_is_the_first_fold_and_matches_sympy(fig1):
    t = fig1.theorem2
    wstar = optimal_gain(1, 1, 2, 2)
    bound = 1 / cost_hessian(wstar, 1, 1, 2, 2)          # sympy closed form
    lo, hi = (Fraction(x) for x in t["bound_interval"])
    exact = sympy.nsimplify(bound)
    assert sympy.Rational(lo.numerator, lo.denominator) <= exact <= sympy.Rational(hi.numerator, hi.denominator)
    # the transcritical fold at eta = 1/C''(W*) is Theorem 2's bound exactly
    first = fig1.critical_values[0]
    assert first.lo <= hi and lo <= first.hi
    # the exact largest eta with a global objective lies past the bound
    assert t["largest_global_eta"].startswith("0.09730864")
    assert float(t["ratio_largest_global_to_bound"]) > 1.19
    assert [p["hypothesis_holds_at"] for p in t["per_piece"]] == [1, 1, 0, 0]


def test_switch_of_the_global_minimum_is_enclosed_and_certified_on_both_sides():
    at = atlas(figure("fig3b"), "scale", Fraction(3, 5), Fraction(13, 20))
    sw = [cv for cv in at.critical_values if cv.kind == "switch"]
    assert len(sw) == 1
    cv = sw[0]
    assert cv.hi - cv.lo < Fraction(1, 10**9)
    fam = Family(figure("fig3b"), "scale")
    left, right = certify(fam.taskset_at(cv.lo)), certify(fam.taskset_at(cv.hi))
    g = lambda ls: [k for k, p in enumerate(ls.points) if p.is_local_min and p.is_global]
    assert left.counts()["global_min"] == right.counts()["global_min"] == 1
    assert g(left) != g(right)
    # independent: float values of the two minima cross inside the enclosure
    ts = fam.taskset_at(cv.lo)
    W, h = scan_local_minima(ts, 0.0, 2.0, n=400_001)
    assert len(W) == 3 and abs(np.sort(h)[0] - np.sort(h)[1]) < 1e-6


def test_domain_event_is_where_two_walls_meet_at_the_domain_end():
    at = atlas(figure("fig3b"), "scale", Fraction(46, 100), Fraction(49, 100))
    dom = [cv for cv in at.critical_values if cv.kind == "domain"]
    assert len(dom) == 1
    cv = dom[0]
    assert cv.decimal(8) == "0.4770571"
    w = float(cv.W[0])
    fam = Family(figure("fig3b"), "scale")
    c = float(cv.lo)
    # on both sides the lower end of the domain is near the meeting point W_c,
    # and on each side a different wall (stability of a different F_i) bounds it
    for p in (c - 1e-7, c + 1e-7):
        ls = certify(fam.taskset_at(Fraction(p)), digits=10)
        assert abs(float(ls.domain[0].lo) - w) < 1e-5
    ts_l, ts_r = fam.taskset_at(Fraction(c - 1e-3)), fam.taskset_at(Fraction(c + 1e-3))
    for ts in (ts_l, ts_r):
        x = float(certify(ts, digits=10).domain[0].lo) + 1e-9
        _h, per = maml_objective_float(np.array([x]), ts, per_task=True)
        assert np.all(np.isfinite(per))


def test_touch_is_where_the_minimizer_adapts_to_both_optima():
    at = atlas(figure("fig3b"), "eta", Fraction(8, 100), Fraction(1, 10))
    touch = [cv for cv in at.critical_values if cv.kind == "touch"]
    assert len(touch) == 1
    c = float(touch[0].lo)
    ts = figure("fig3b")
    # independent float check: at eta = c some W has F_1(W) = W*_1 and F_2(W) = W*_2
    from symlqr.scalar.numeric import gradient_float
    wst = [float(optimal_gain(t.A, t.B, t.Q, t.R)) for t in ts.tasks]
    W = np.linspace(0.01, 1.99, 2_000_001)
    F = [W - c * gradient_float(W, t) for t in ts.tasks]
    err = np.abs(F[0] - wst[0]) + np.abs(F[1] - wst[1])
    assert err.min() < 1e-4
    assert all(p.switch_free is not False for p in at.pieces)


def test_dropped_candidates_change_nothing(fig2):
    """fig2 has more candidate values than critical values: the dropped ones
    lie outside the domain, so counts are equal on both sides of them."""
    assert fig2.candidates > len(fig2.critical_values)


def test_json_document_has_the_documented_schema(capsys):
    assert main(["fig1", "--vary", "eta=0:0.3", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["parameter"] == "eta" and doc["range"] == ["0", "3/10"]
    for cv in doc["critical_values"]:
        assert set(cv) >= {"value", "interval", "kind"}
        lo, hi = (Fraction(x) for x in cv["interval"])
        assert lo <= Fraction(cv["value"][:12]) <= hi or abs(float(cv["value"]) - float(lo)) < 1e-12
    for pc in doc["pieces"]:
        assert set(pc) >= {"lo", "hi", "counts"}
        assert set(pc["counts"]) == {"stationary", "min", "max", "degenerate", "global_min",
                                     "spurious_min"}
    assert doc["pieces"][-1]["hi_included"] is True and doc["pieces"][0]["lo_included"] is False


@pytest.mark.parametrize("vary", ["foo=1:2", "eta=0.3:0.1", "eta=0.1:0.1", "eta=-1:0.3",
                                  "eta=0.3", "scale=-2:1", "eta=1/0:2"])
def test_bad_range_is_a_one_line_error(vary, capsys):
    assert main(["fig1", "--vary", vary]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "error" in err


def test_delta_needs_two_tasks(capsys):
    assert main(["fig1", "--vary", "delta=0:1"]) == 2
    assert "two tasks" in capsys.readouterr().err


def test_eta_range_from_zero_excludes_zero(fig1):
    assert fig1.lo == 0 and all(p.sample > 0 for p in fig1.pieces)
    assert fig1.to_dict()["pieces"][0]["lo_included"] is False


def test_plot_writes_a_bifurcation_diagram(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out = tmp_path / "atlas.png"
    assert main(["fig1", "--vary", "eta=0.05:0.12", "--plot", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    from symlqr.render.atlas_plot import branches
    at = atlas(figure("fig1"), "eta", Fraction(1, 20), Fraction(3, 25))
    labels = {lab for _k, lab, _x, _y in branches(at, per_piece=3)}
    assert labels == {"global min", "spurious min", "max"}


def test_atlas_json_is_byte_identical_run_after_run(capsys):
    from symlqr.cli.atlas import main as atlas_main
    outs = []
    for _ in range(2):
        assert atlas_main(["fig1", "--vary", "eta=0:0.3", "--json"]) == 0
        outs.append(capsys.readouterr().out)
    assert outs[0] == outs[1]
