"""The atlas over the number of inner steps (``--vary steps``), the picture of
one variant (``certify --plot`` with ``--method``/``--steps``) and exact ties
with ``min h``, checked against independent float computations: dense scans
of ``h`` with K steps and of the update direction ``g`` iterated in floats
(:mod:`symlqr.scalar.numeric`), rollouts of the LQR cost, and known algebraic
facts for the tie rule."""
import json
import time
from fractions import Fraction

import flint
import numpy as np
import pytest

from symlqr.atlas.steps import steps_atlas
from symlqr.cli.atlas import main as atlas_main
from symlqr.cli.certify import main as certify_main
from symlqr.cli.main import main as symlqr_main
from symlqr.exact.ratfunc import RationalFunction
from symlqr.exact.realroots import RealAlgebraic
from symlqr.scalar.fixedpoints import BallValue, FixedPoint, ties_with_min
from symlqr.scalar.lqr import rollout_cost
from symlqr.scalar.numeric import cost_float, gradient_float
from symlqr.tasks import figure


def g_float(W, ts, method, K):
    """The update direction in floats: ``F_i`` iterated, ``h'`` by central differences."""
    if method == "maml":
        e = 1e-7
        return (h_float(W + e, ts, K) - h_float(W - e, ts, K)) / (2 * e)
    eta, total = float(ts.eta), 0.0
    for t, w in zip(ts.tasks, ts.weights):
        y = W
        for _ in range(K):
            y = y - eta * gradient_float(y, t, t.s0_adapt)
        total = total + float(w) * (gradient_float(y, t) if method == "fomaml" else W - y)
    return total


def h_float(W, ts, K):
    eta, total = float(ts.eta), 0.0
    for t, w in zip(ts.tasks, ts.weights):
        y = W
        for _ in range(K):
            y = y - eta * gradient_float(y, t, t.s0_adapt)
        total = total + float(w) * cost_float(y, t)
    return total


@pytest.fixture(scope="module")
def fig2_rows():
    return {m: steps_atlas(figure("fig2"), m, 1, 2, digits=12).to_dict()
            for m in ("maml", "fomaml", "reptile")}


@pytest.mark.parametrize("method", ["maml", "fomaml", "reptile"])
def test_each_rows_attracting_points_are_the_minus_to_plus_sign_changes_of_g(fig2_rows, method):
    ts = figure("fig2")
    for row in fig2_rows[method]["rows"]:
        K = row["steps"]
        (dom,) = row["domain"]
        a, b = float(dom["lo"]), float(dom["hi"])
        grid = np.linspace(a, b, 200001)[1:-1]
        s = np.sign(g_float(grid, ts, method, K))
        up = np.nonzero((s[:-1] < 0) & (s[1:] > 0))[0]
        ws = [float(p["W"]) for p in row["attracting"]]
        assert len(ws) == len(up) == row["counts"]["attracting"]
        for k, w in zip(up, ws):
            assert grid[k] - 1e-9 <= w <= grid[k + 1] + 1e-9


@pytest.mark.parametrize("method", ["maml", "fomaml", "reptile"])
def test_h_and_the_gap_to_min_h_match_rollouts_and_a_dense_scan(fig2_rows, method):
    ts = figure("fig2")
    eta = float(ts.eta)
    for row in fig2_rows[method]["rows"]:
        K = row["steps"]
        (dom,) = row["domain"]
        grid = np.linspace(float(dom["lo"]), float(dom["hi"]), 400001)[1:-1]
        scan_min = np.min(h_float(grid, ts, K))
        assert abs(float(row["min_value"]) - scan_min) < 1e-8
        for p in row["attracting"]:
            h = 0.0
            for t, w in zip(ts.tasks, ts.weights):
                y = float(p["W"])
                for _ in range(K):
                    y -= eta * float(gradient_float(y, t, t.s0_adapt))
                h += float(w) * rollout_cost(y, *(float(v) for v in (t.A, t.B, t.Q, t.R, t.s0)))
            assert abs(h - float(p["h"])) < 1e-9 * h
            gap = 0.0 if p["global"] else float(p["h_minus_min_h"])
            assert abs(gap - (h - scan_min)) < 1e-8
            assert p["global"] is (gap == 0.0)


def test_fig2_maml_labels_global_and_spurious_minima_for_each_k(fig2_rows):
    rows = fig2_rows["maml"]["rows"]
    assert [r["counts"]["spurious_min"] for r in rows] == [2, 4]
    for r in rows:
        labels = [p["label"] for p in r["attracting"]]
        assert labels.count("global min") == 1
        eps = max(float(p["h_minus_min_h"]) for p in r["attracting"] if not p["global"])
        assert abs(float(r["epsilon"]) - eps) < 1e-10
    assert [p["label"] for p in fig2_rows["reptile"]["rows"][1]["attracting"]] == ["at min h"]


def test_a_passed_deadline_leaves_every_row_undecided_with_its_reason():
    at = steps_atlas(figure("fig2"), "maml", 1, 3, deadline=time.monotonic() - 1)
    doc = at.to_dict()
    assert not doc["certified"] and [r["certified"] for r in doc["rows"]] == [False] * 3
    assert doc["rows"][0]["undecided"][0].startswith("timeout while")
    assert all("not computed" in r["undecided"][0] for r in doc["rows"][1:])


def test_cli_steps_json_output_and_plot(tmp_path, capsys):
    out, png = tmp_path / "s.json", tmp_path / "s.png"
    assert atlas_main(["fig2", "--vary", "steps=1:2", "--method", "reptile", "--json",
                       "--output", str(out), "--plot", str(png), "--digits", "10"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert json.loads(out.read_text()) == doc
    assert (doc["parameter"], doc["method"], doc["range"]) == ("steps", "reptile", [1, 2])
    assert [r["steps"] for r in doc["rows"]] == [1, 2]
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert symlqr_main(["atlas", "fig2", "--vary", "steps=1:1"]) == 0
    assert "K = 1: 5 fixed points = 3 attracting" in capsys.readouterr().out


def test_cli_timeout_keeps_finished_rows_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "s.json"
    assert atlas_main(["fig2", "--vary", "steps=1:3", "--timeout", "2", "--json",
                       "--output", str(out)]) == 3
    cap = capsys.readouterr()
    doc = json.loads(cap.out)
    assert not out.exists() and "timeout" in cap.err
    assert doc["rows"][2]["certified"] is False       # K = 3 takes about 10 s
    for r in doc["rows"]:
        assert r["certified"] or "timeout" in r["undecided"][0] or "not computed" in r["undecided"][0]


@pytest.mark.parametrize("argv,needle", [
    (["--vary", "steps=0:2"], "1 <= LO <= HI <= 3"), (["--vary", "steps=1:4"], "1 <= LO"),
    (["--vary", "steps=1.5:2"], "whole numbers"),
    (["--vary", "eta=0:0.1", "--method", "fomaml"], "--vary steps only"),
    (["--vary", "eta=0:0.1", "--steps", "2"], "degree 198 in W"),
    (["--vary", "steps=1:2", "--steps", "2"], "range of K in --vary")])
def test_bad_steps_options_are_one_line_exit_2(argv, needle, capsys):
    assert atlas_main(["fig2", *argv]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and needle in err


def test_certify_plot_of_a_variant_marks_its_fixed_points_on_h_with_k_steps(tmp_path, capsys):
    from symlqr.render.variant_plot import variant_figure
    from symlqr.scalar.fixedpoints import fixed_points
    from symlqr.scalar.variants import objective_float
    ts = figure("fig2")
    png = tmp_path / "v.png"
    assert certify_main(["fig2", "--method", "fomaml", "--steps", "2", "--plot", str(png)]) == 0
    assert png.read_bytes()[:4] == b"\x89PNG"
    doc = fixed_points(ts, "fomaml", 2, digits=10).to_dict(10)
    ax = variant_figure(ts, doc).axes[0]
    marks = {c.get_label(): c.get_offsets() for c in ax.collections}
    assert len(marks["attracting (certified)"]) == doc["counts"]["attracting"] == 3
    assert len(marks["repelling (certified)"]) == doc["counts"]["repelling"] == 2
    assert "(floats)" in ax.lines[0].get_label()
    for w, y in marks["attracting (certified)"]:       # the certified h lies on the float curve
        assert abs(objective_float(w, ts, 2) - y) < 1e-6 * y


def _point(poly, lo, hi):
    return FixedPoint(RealAlgebraic(flint.fmpq_poly(poly), Fraction(lo), Fraction(hi)),
                      "attracting", "attracting", 1, 0)


def test_ties_with_min_h_are_decided_exactly_or_left_undecided():
    square = RationalFunction(flint.fmpq_poly([0, 0, 1]))       # h(x) = x^2
    q = _point([-2, 0, 1], 1, 2)                                  # sqrt 2, a global minimum
    ref = [(BallValue(square, q.W), q)]
    same = _point(flint.fmpq_poly([-2, 0, 1]) * flint.fmpq_poly([-5, 1]), 1, 2)
    assert ties_with_min(same, BallValue(square, same.W), ref, 64) is True   # the same number
    # h(sqrt 2) = 2 exactly: equal minimal polynomials of the values
    two = _point([-4, 0, 1], 1, 3)                                # h(x) = x at 2
    assert ties_with_min(two, BallValue(RationalFunction(flint.fmpq_poly([0, 1])), two.W),
                         ref, 64) is True
    above = _point([-3, 0, 1], 1, 2)                              # h(sqrt 3) = 3 > 2
    assert ties_with_min(above, BallValue(square, above.W), ref, 64) is False
    # a value 2 + 2^-300: not separated within 128 bits, and no exact equality: undecided
    near = FixedPoint(RealAlgebraic.rational(Fraction(1)), "attracting", "attracting", 1, 0)
    close = BallValue(None, None, exact=2 + Fraction(1, 2 ** 300))
    assert ties_with_min(near, close, ref, 64, max_bits=128) is None
