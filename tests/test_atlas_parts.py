"""Pieces of the atlas where the switch search proves which minimum is global on
part of the piece only: the piece is shown as parts, labels only on the proven
parts (text, JSON, plot), the unproven ranges rounded outward; the labels of
the proven parts against dense float scans of h (numpy, no exact arithmetic).

Family of issue 12, ``--task 0.5,1,1,1,1 --task 1.2,0.8,2,1,1 --vary
eta=0:0.02``: the first two pieces are proven only on ``[1/38467, c_1)`` and
``[1/356, c_2)`` (``c_1 = 0.000146...`` a touch, ``c_2 = 0.01554...`` a fold).
"""
from fractions import Fraction

import numpy as np
import pytest

from symlqr.atlas import atlas
from symlqr.atlas import switches
from symlqr.atlas.charts import ChartProof
from symlqr.atlas.parts import decimal_toward
from symlqr.render.atlas_plot import branches, ranges
from symlqr.render.atlas_text import atlas_table
from symlqr.scalar.numeric import maml_objective_float
from symlqr.tasks import Task, TaskSet

TASKS = [Task(Fraction(1, 2), 1, 1, 1, 1), Task(Fraction(6, 5), Fraction(4, 5), 2, 1, 1)]
LABELS = {"global min", "spurious min"}


@pytest.fixture(scope="module")
def split_atlas():
    """The atlas with the proofs in the charts regular at eta = 0 and the far
    bounds switched off (:mod:`symlqr.atlas.charts`, :mod:`symlqr.atlas.farbound`,
    which label these ranges too): the search in
    (W, eta) alone proves the labels on parts of the first two pieces only. The cuts
    towards a critical end (``switches.FOLD_SPLIT``) are switched off too: with them
    the search in (W, eta) alone proves the second piece whole."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ChartProof, "__call__", lambda self, *args: False)
        mp.setattr(switches, "far_above", lambda *args, **kw: False)    # and the far bounds
        mp.setattr(switches, "FAR_SPLIT", None)                         # with their cuts
        mp.setattr(switches, "FOLD_SPLIT", None)         # and the cuts towards a critical end
        return atlas(TaskSet(TASKS, 1, None), "eta", Fraction(0), Fraction(1, 50))


def test_with_the_charts_the_same_pieces_are_labelled_whole():
    at = atlas(TaskSet(TASKS, 1, None), "eta", Fraction(0), Fraction(1, 50))
    assert at.certified and all(pc.decided and not pc.parts for pc in at.pieces)


def _float_minima(eta: Fraction, n: int = 2_000_001) -> list:
    """``(W, h)`` of the strict local minima of h on a dense grid of [-1, 3]
    (h is +inf outside the domain; grid ends next to it are not minima)."""
    W = np.linspace(-1.0, 3.0, n)
    h = maml_objective_float(W, TaskSet(TASKS, eta, None))
    mid = h[1:-1]
    ok = np.isfinite(h[:-2]) & np.isfinite(mid) & np.isfinite(h[2:])
    i = np.nonzero(ok & (mid < h[:-2]) & (mid <= h[2:]))[0] + 1
    return [(float(W[k]), float(h[k])) for k in i]


def test_partly_proven_pieces_are_split_into_an_unproven_and_a_proven_part(split_atlas):
    at = split_atlas
    assert not at.certified
    first, second = at.pieces[0], at.pieces[1]
    for pc in (first, second):
        assert not pc.decided and [p.decided for p in pc.parts] == [False, True]
        bare, proven = pc.parts
        assert bare.hi == proven.lo and bare.lo is None and proven.hi is None
        assert bare.counts["min"] == proven.counts["min"] == 3            # certified on the piece
        assert bare.counts["global_min"] is None and proven.counts["global_min"] == 1
        assert not LABELS & set(bare.labels())
    assert first.parts[1].lo < at.critical_values[0].lo < second.parts[1].lo
    assert second.parts[1].lo <= Fraction(1, 356)    # at least as far as issue 12 reports
    assert at.pieces[2].decided and not at.pieces[2].parts


def test_json_parts_carry_labels_only_where_proven_with_ends_rounded_outward(split_atlas):
    doc = split_atlas.to_dict()
    rows = doc["pieces"]
    assert len(rows) == len(doc["critical_values"]) + 1 + 2          # two pieces, two parts each
    assert sum("hi_exact" in r for r in rows) == 2
    for r in rows:
        if r.get("labels_decided") is False:
            assert r["counts"]["global_min"] is None and r["counts"]["spurious_min"] is None
            assert not LABELS & set(r["points"]) and r["switch_free"] is None
        else:
            assert r["counts"]["global_min"] == r["points"].count("global min") == 1
    for bare, proven in ((rows[0], rows[1]), (rows[2], rows[3])):
        b = Fraction(bare["hi_exact"])
        assert Fraction(proven["lo_exact"]) == b and proven["lo_included"]
        assert not bare["hi_included"] and bare["hi"] == proven["lo"]
        assert Fraction(proven["lo"]) >= b            # the proven part shown inside its proof
        assert Fraction(proven["lo"]) - b < b * Fraction(1, 10 ** 13)
    text = " ".join(doc["undecided"])
    hi = Fraction(rows[3]["lo_exact"])                       # outward: 0.000146098870... down
    assert f"[0.000146098, {decimal_toward(hi, 6, up=True)}]" in text
    assert float(decimal_toward(hi, 6, up=True)) >= hi


def test_text_table_shows_the_parts_and_every_critical_value_once(split_atlas):
    doc = split_atlas.to_dict()
    table = atlas_table(doc)
    rows = [ln for ln in table.splitlines() if ln.startswith("  (") or ln.startswith("  [")]
    assert len(rows) == len(doc["pieces"]) == 5
    assert [" ? " in ln for ln in rows] == [True, False, True, False, False]
    assert all("global min" not in ln for ln in rows if " ? " in ln)
    assert rows[3].startswith("  [" + doc["pieces"][3]["lo"])
    cv_lines = [ln for ln in table.splitlines() if ln.startswith("    eta = ")]
    assert [ln.split()[2] for ln in cv_lines] == [cv["value"] for cv in doc["critical_values"]]


@pytest.mark.parametrize("eta", [Fraction(1, 20000), Fraction(1, 10000), Fraction(1, 200),
                                 Fraction(3, 250)])
def test_labels_of_the_proven_parts_agree_with_a_dense_float_scan(split_atlas, eta):
    """At eta inside a proven part, a dense grid of h has as many local minima
    as the part counts, and the lowest is the one the part labels global."""
    part = next(p for pc in split_atlas.pieces for p in pc.parts
                if p.decided and p.lo <= eta < (pc.hi.lo if p.hi is None else p.hi))
    minima = [lab for lab in part.labels() if lab.endswith("min")]
    scan = _float_minima(eta)
    assert len(scan) == len(minima) == 3
    values = [v for _w, v in scan]
    assert minima[int(np.argmin(values))] == "global min"
    assert sorted(values)[1] - min(values) > 1e-3            # the scan's ordering is not noise


def test_plot_draws_labels_only_on_the_proven_parts(split_atlas):
    spans = [(float(a), float(b), part.decided) for _k, a, b, _inc, part in ranges(split_atlas)]
    assert [d for _a, _b, d in spans] == [False, True, False, True, True]
    seen = set()
    for _k, lab, xs, _ys in branches(split_atlas, per_piece=2):
        for x in xs:
            inside = [d for a, b, d in spans if a <= x <= b]
            assert inside
            if lab in LABELS:
                assert all(inside), (lab, x)       # no label on an unproven range
            seen.add((lab, all(inside)))
    assert ("undecided min", False) in seen and ("global min", True) in seen


def _xs(patch) -> tuple:
    if hasattr(patch, "get_width"):                      # matplotlib >= 3.9: a Rectangle
        return patch.get_x(), patch.get_x() + patch.get_width()
    xy = patch.get_xy()                                  # older: a Polygon
    return float(min(xy[:, 0])), float(max(xy[:, 0]))


def test_plot_bands_grey_exactly_the_unproven_parts(split_atlas):
    from matplotlib.colors import to_rgb
    from symlqr.render.atlas_plot import atlas_figure
    fig = atlas_figure(split_atlas, per_piece=1)
    ax = fig.axes[0]
    grey = sorted(_xs(p) for p in ax.patches if p.get_facecolor()[:3] == to_rgb("tab:gray"))
    want = [(0.0, float(split_atlas.pieces[0].parts[0].hi)),
            (float(split_atlas.pieces[1].lo.lo), float(split_atlas.pieces[1].parts[0].hi))]
    assert [x for g in grey for x in g] == pytest.approx([x for w in want for x in w], rel=1e-12)
    red = [_xs(p) for p in ax.patches if p.get_facecolor()[:3] == to_rgb("tab:red")]
    assert red and all(a >= float(split_atlas.pieces[0].parts[1].lo) for a, _b in red)
