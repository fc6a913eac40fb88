"""Pictures: ``python -m symlqr.certify ... --plot FILE`` and symlqr.render.plot.

The markers must sit at the certified stationary points (checked against an
independent dense float scan), with the certified types, inside the y-range
and inside a zoom panel when they hug a domain edge.
"""
import math
import sys

import numpy as np
import pytest

from symlqr.certify import main
from symlqr.scalar.landscape import certify
from symlqr.scalar.numeric import scan_local_minima
from symlqr.render.plot import landscape_figure, render, zoom_windows
from symlqr.tasks import FIGURE_NAMES, figure

MAGIC = {"png": b"\x89PNG\r\n\x1a\n", "svg": b"<svg", "pdf": b"%PDF-"}


def _markers(ax, gid):
    lines = [ln for ln in ax.get_lines() if ln.get_gid() == gid]
    if not lines:
        return np.array([]), np.array([])
    (line,) = lines
    return np.asarray(line.get_xdata(), float), np.asarray(line.get_ydata(), float)


def _main_axes(fig):
    (ax,) = [a for a in fig.axes if a.get_label() == "landscape"]
    return ax


@pytest.mark.parametrize("fmt", ["png", "svg", "pdf"])
def test_plot_command_writes_a_nonempty_image_of_each_format(tmp_path, capsys, fmt):
    out = tmp_path / f"fig2.{fmt}"
    assert main(["fig2", "--plot", str(out)]) == 0
    data = out.read_bytes()
    assert len(data) > 10_000
    assert MAGIC[fmt] in data[:200]
    assert "2 spurious" in capsys.readouterr().out      # the table is still printed


def test_plot_command_draws_custom_tasks_and_normalized_adaptation(tmp_path):
    out = tmp_path / "custom.svg"
    rc = main(["--task", "1,1,2,2,1", "--task", "0.9,1.2,1,1,1", "--eta", "0.05",
               "--adaptation", "normalized", "--plot", str(out)])
    assert rc == 0
    assert b"<svg" in out.read_bytes()[:200]


def test_plot_command_rejects_an_unknown_suffix_and_writes_nothing(tmp_path, capsys):
    out = tmp_path / "fig2.jpg"
    assert main(["fig2", "--plot", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown image format '.jpg'" in err
    assert list(tmp_path.iterdir()) == []


def test_plot_command_without_matplotlib_says_how_to_install(tmp_path, capsys, monkeypatch):
    import symlqr.render
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)   # as if not installed
    monkeypatch.delitem(sys.modules, "symlqr.render.plot")  # re-import symlqr.render.plot
    monkeypatch.delattr(symlqr.render, "plot")
    out = tmp_path / "fig2.png"
    assert main(["fig2", "--plot", str(out)]) == 2
    err = capsys.readouterr().err
    assert err == ("python -m symlqr.certify: error: --plot needs matplotlib: "
                   "pip install matplotlib\n")
    assert list(tmp_path.iterdir()) == []


def test_plot_command_refuses_several_task_sets(tmp_path, capsys):
    assert main(["fig1", "fig2", "--plot", str(tmp_path / "x.png")]) == 2
    assert "one task set" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_fig2_picture_marks_two_spurious_minima_where_a_float_scan_finds_them():
    ls = certify(figure("fig2"))
    ax = _main_axes(landscape_figure(ls))
    xs, ys = _markers(ax, "spurious min")
    assert len(xs) == 2
    # positions and heights are the certified ones ...
    spurious = [p for p in ls.points if p.is_global is False]
    assert np.allclose(xs, [float(p.W) for p in spurious], rtol=0, atol=1e-15)
    assert all(p.h.lo <= y <= p.h.hi or abs(y - float(p.h.lo)) < 1e-12
               for p, y in zip(spurious, ys))
    # ... and an independent dense float scan finds local minima there
    lo, hi = (float(ls.domain[0].lo), float(ls.domain[0].hi))
    w_scan, h_scan = scan_local_minima(ls.taskset, lo, hi)
    for x, y in zip(xs, ys):
        k = np.argmin(abs(w_scan - x))
        assert abs(w_scan[k] - x) < 1e-4 and abs(h_scan[k] - y) < 1e-6
    gx, _ = _markers(ax, "global min")
    assert np.allclose(gx, [(math.sqrt(5) - 1) / 2])     # W* of the tasks
    labels = ax.get_legend_handles_labels()[1]
    assert "spurious minimum (2)" in labels and "global minimum (1)" in labels


@pytest.mark.parametrize("name", FIGURE_NAMES)
def test_every_certified_point_is_marked_once_inside_the_y_range(name):
    ls = certify(figure(name))
    ax = _main_axes(landscape_figure(ls, samples=400))
    gids = ["global min", "spurious min", "undecided min", "max", "degenerate"]
    marked = sorted(x for g in gids for x in _markers(ax, g)[0])
    assert np.allclose(marked, sorted(float(p.W) for p in ls.points), rtol=0, atol=1e-15)
    ylo, yhi = ax.get_ylim()
    assert all(ylo < float(p.h.lo) and float(p.h.hi) < yhi for p in ls.points)
    xlo, xhi = ax.get_xlim()
    assert xlo < float(ls.domain[0].lo) and float(ls.domain[0].hi) < xhi


def test_fig1_outer_minima_hugging_the_domain_edges_get_zoom_panels():
    ls = certify(figure("fig1"))
    wins = zoom_windows(ls)
    assert [w[2] for w in wins] == ["edge", "edge"]
    edges = (float(ls.domain[0].lo), float(ls.domain[0].hi))
    outer = [float(ls.points[0].W), float(ls.points[-1].W)]
    for (a, b, _), e, w in zip(wins, edges, outer):
        assert a < e < b and a < w < b
    fig = landscape_figure(ls, samples=400)
    zooms = [a for a in fig.axes if a.get_label().startswith("zoom")]
    assert len(zooms) == 2
    for zax, p in zip(zooms, (ls.points[0], ls.points[-1])):
        x, y = _markers(zax, "global min")
        assert float(p.W) in x
        ylo, yhi = zax.get_ylim()
        assert ylo < float(p.h.lo) < yhi
        assert yhi - ylo < 1.0          # really zoomed: h(W) spans ~2.8 on the main panel


def test_smaller_eta_moves_outer_minima_closer_to_the_edge_and_still_zooms():
    from symlqr.tasks import Task, TaskSet
    ls = certify(TaskSet([Task(1, 1, 2, 2)], "0.001"))
    wins = zoom_windows(ls)
    assert [w[2] for w in wins] == ["edge", "edge"]
    assert ls.counts()["global_min"] == 3


def test_normalized_curves_break_at_kinks_and_kinks_are_marked():
    ls = certify(figure("fig2"), "normalized")
    fig = landscape_figure(ls, samples=400)
    ax = _main_axes(fig)
    kx, ky = _markers(ax, "kink")       # open circles at the two one-sided limits
    assert len(kx) == 2 and all(abs(x - (math.sqrt(5) - 1) / 2) < 1e-12 for x in kx)
    (k,) = ls.kinks
    assert list(ky) == pytest.approx([float(k.left_limit), float(k.right_limit)], rel=1e-12)
    (hline,) = [ln for ln in ax.get_lines() if ln.get_label().startswith("MAML objective")]
    x = np.asarray(hline.get_xdata(), float)
    gaps = np.nonzero(np.isnan(x))[0]
    # a NaN break sits between the samples just left and right of the kink
    assert any(x[g - 1] < kx[0] < x[g + 1] for g in gaps if 0 < g < len(x) - 1)
    assert [a.get_label() for a in fig.axes] == ["landscape", "zoom (b): cluster"]


def test_render_gives_the_bytes_of_each_format():
    fig = landscape_figure(certify(figure("fig3c")), samples=200)
    for fmt, magic in MAGIC.items():
        assert magic in render(fig, fmt)[:200]


# --- Jupyter renderings of the certificate -------------------------------------
def test_latex_repr_lists_every_certified_point_with_its_type_and_value():
    from fractions import Fraction
    ls = certify(figure("fig2"))
    tex = ls._repr_latex_()
    assert tex.startswith("$$\\begin{array}") and tex.endswith("\\end{array}$$")
    rows = [ln for ln in tex.splitlines() if ln[:1].isdigit()]
    assert len(rows) == 5
    assert [r.split("&")[3].strip() for r in rows].count("\\text{spurious min} \\\\") == 2
    for row, p in zip(rows, ls.points):
        k, W, h, _ = (c.strip() for c in row.split("&"))
        # 12 significant digits of the certified values: within 1e-11 relative
        assert abs(Fraction(W) - (p.W.lo + p.W.hi) / 2) < Fraction(1, 10**11)
        assert p.h.lo - Fraction(1, 10**11) < Fraction(h) < p.h.hi + Fraction(1, 10**11)
    assert "\\varepsilon = 0.355246281991" in tex


def test_latex_table_escapes_user_text_and_html_repr_still_works():
    from symlqr.render.report import latex_table
    from symlqr.tasks import Task, TaskSet
    ls = certify(TaskSet([Task(1, 1, 2, 2)], "0.01", name="my_set & 50%"))
    tab = latex_table(ls.to_dict(), math=False)
    assert "my\\_set \\& 50\\%" in tab and tab.startswith("\\begin{tabular}")
    assert "3 global and 0 spurious minima" in tab
    assert "<table>" in ls._repr_html_()


def test_plot_of_an_empty_domain_says_so(tmp_path):
    from symlqr.tasks import Task, TaskSet
    ls = certify(TaskSet([Task(1, 1, 2, 2), Task(-1, 1, 1, 1)], "0.01"))
    assert ls.domain == [] and ls.points == []
    ax = _main_axes(landscape_figure(ls, samples=100))
    assert ax.get_xlim()[0] < ax.get_xlim()[1]
    assert any("domain is empty" in t.get_text() for t in ax.texts)


def test_plot_of_an_unbounded_domain_is_finite_and_shows_the_minimum():
    from symlqr.tasks import Task, TaskSet
    ls = certify(TaskSet([Task("0.5", 0, 1, 1)], "0.1"))     # B = 0: stable for every W
    assert ls.domain[0].lo is None and ls.domain[0].hi is None
    ax = _main_axes(landscape_figure(ls, samples=200))
    (p,) = ls.points
    x0, x1 = ax.get_xlim()
    assert math.isfinite(x0) and math.isfinite(x1) and x0 < float(p.W) < x1
    y0, y1 = ax.get_ylim()
    assert y0 < float(p.h.lo) < y1


def _marker_boxes(fig):
    """Display-space centres of every marker of the main panel."""
    ax = next(a for a in fig.axes if a.get_label() == "landscape")
    pts = []
    for line in ax.get_lines():
        if line.get_marker() not in (None, "None", "", " ") and line.get_linestyle() in ("None", ""):
            xy = ax.transData.transform(list(zip(line.get_xdata(), line.get_ydata())))
            pts += [(x, y, line.get_markersize()) for x, y in xy]
    return ax, pts


@pytest.mark.parametrize("name,adaptation", [("fig3a", "gradient"), ("fig2", "normalized"),
                                             ("fig1", "gradient")])
def test_zoom_letters_never_cover_a_marker(name, adaptation):
    from symlqr.render.plot import landscape_figure
    from symlqr.scalar.landscape import certify
    from symlqr.tasks import figure
    fig = landscape_figure(certify(figure(name), adaptation))
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw(renderer)
    ax, markers = _marker_boxes(fig)
    letters = [t for t in ax.texts if t.get_text() in ("(b)", "(c)", "(d)")]
    assert letters, "the figure has zoom panels"
    for t in letters:
        box = Text.get_window_extent(t, renderer)              # the letter, not its leader line
        for x, y, size in markers:
            r = size * fig.dpi / 72 / 2                         # marker radius in pixels
            assert not (box.x0 - r < x < box.x1 + r and box.y0 - r < y < box.y1 + r), \
                (t.get_text(), (x, y), box)


def test_title_prints_an_exact_zero_epsilon_as_0():
    from symlqr.render.plot import landscape_figure
    from symlqr.scalar.landscape import certify
    from symlqr.tasks import figure
    fig = landscape_figure(certify(figure("fig2"), "normalized"))
    title = next(a for a in fig.axes if a.get_label() == "landscape").get_title()
    assert title.endswith(r"$\varepsilon$ = 0")


def test_latex_table_adds_no_uncertified_digits():
    from symlqr.render.report import latex_table
    from symlqr.scalar.landscape import certify
    from symlqr.tasks import figure
    doc = certify(figure("fig3b"), digits=10).to_dict()
    table = latex_table(doc, digits=12, math=False)
    eps = doc["epsilon"]
    assert len(eps.replace(".", "").lstrip("0")) <= 10
    assert f"\\varepsilon = {eps}$" in table                 # as certified, not padded to 12


# --- variants: the update direction g, zooms near the walls (issue 18) -------------------
def _variant_doc(name, method, K):
    from symlqr.scalar.fixedpoints import fixed_points
    return fixed_points(figure(name), method, K, digits=10).to_dict(10)


@pytest.mark.parametrize("method", ["fomaml", "reptile", "maml"])
def test_direction_float_matches_the_exact_update_direction(method):
    """The float ``g`` drawn under ``h_K`` against the exact rational function
    (``VariantObjective.direction``) evaluated at rationals."""
    from fractions import Fraction
    from symlqr.render.variant_plot import direction_float
    from symlqr.scalar.variants import VariantObjective
    ts = figure("fig2")
    g = VariantObjective(ts, method, 2).direction()
    for w in ("0.2", "0.6", "1.2", "1.7"):
        exact = float(g(Fraction(w)))
        assert direction_float(np.array([float(w)]), ts, method, 2)[0] == pytest.approx(
            exact, rel=1e-5, abs=1e-7)


def test_fomaml_picture_draws_g_with_its_certified_zeros_and_zooms_on_the_walls():
    from symlqr.render.variant_plot import direction_float, variant_figure
    ts = figure("fig2")
    doc = _variant_doc("fig2", "fomaml", 2)
    fig = variant_figure(ts, doc)
    labels = [ax.get_label() for ax in fig.axes]
    assert labels[:2] == ["h", "g"] and labels[2:] == ["zoom 1", "zoom 2"]
    gax = fig.axes[1]
    zeros = sorted(x for c in gax.collections for x, y in c.get_offsets())
    assert zeros == pytest.approx(sorted(float(p["W"]) for p in doc["stationary_points"]))
    for p in doc["stationary_points"]:        # g changes sign as the stability says
        w = float(p["W"])
        left, right = direction_float(np.array([w - 1e-5, w + 1e-5]), ts, "fomaml", 2)
        assert (left < 0 < right) == (p["stability"] == "attracting")
    # four of the five points crowd the walls: each is inside a zoom panel
    wins = [ax.get_xlim() for ax in fig.axes[2:]]
    near = [float(p["W"]) for p in doc["stationary_points"] if abs(float(p["W"]) - 0.6) > 0.4]
    assert len(near) == 4 and all(any(a <= w <= b for a, b in wins) for w in near)
    text = " ".join([ax.get_ylabel() for ax in fig.axes] + [ax.get_title() for ax in fig.axes])
    assert "^2(" not in text and "F_i applied K = 2 times" in text


@pytest.mark.parametrize("name, method, K", [("fig3b", "reptile", 2), ("fig2", "fomaml", 2)])
def test_g_panel_shows_most_of_g_not_a_sliver(name, method, K):
    """A single fixed point once made the g panel's range 1e-10 wide."""
    from symlqr.render.variant_plot import variant_figure
    gax = variant_figure(figure(name), _variant_doc(name, method, K)).axes[1]
    lo, hi = gax.get_ylim()
    y = np.concatenate([line.get_ydata() for line in gax.lines if len(line.get_ydata()) > 2])
    y = y[np.isfinite(y)]
    assert hi - lo > 1e-3 * np.max(np.abs(y)) and np.mean((y >= lo) & (y <= hi)) > 0.5


def test_atlas_plot_draws_no_branch_on_the_excluded_end_eta_0():
    """Issue 18: the bifurcation diagram drew branches at eta ~ 3e-7, on the
    excluded end of the range (0, 3/10]; every drawn branch point is a certified
    stationary point of h at its eta (checked against a float scan)."""
    from symlqr.atlas import atlas
    from symlqr.render.atlas_plot import atlas_figure, branches
    from fractions import Fraction
    at = atlas(figure("fig1"), "eta", Fraction(0), Fraction(3, 10), digits=10)
    bs = branches(at, per_piece=4)
    xs = [x for _k, _lab, bx, _by in bs for x in bx]
    assert min(xs) >= 0.003 - 1e-12                       # 1 % of the range from eta = 0
    assert max(xs) == pytest.approx(0.3)
    fig = atlas_figure(at, per_piece=4)
    assert any("(excluded)" in t.get_text() for t in fig.axes[0].get_legend().get_texts())
    # the lowest eta drawn: the branches there are where a float scan puts the minima
    x0 = min(xs)
    ws = sorted(y for _k, lab, bx, by in bs for x, y in zip(bx, by) if x == x0 and "min" in lab)
    lo, hi = 0.0, 2.0
    scan, _h = scan_local_minima(at.family.taskset_at(Fraction(x0)), lo + 1e-9, hi - 1e-9)
    assert len(ws) == len(scan) and np.allclose(sorted(scan), ws, atol=1e-4)
