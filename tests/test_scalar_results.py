"""Results read well in a REPL and a notebook (issue 12), and a point's kind
has one type and one label (issue 9)."""
import csv
import io
import json

import pytest

from symlqr import certify_landscape as certify
from symlqr.render.plot import point_category
from symlqr.render.report import html_table, point_label as report_label, text_table
from symlqr.scalar.kinds import PointKind, point_label
from symlqr.tasks import figure


@pytest.fixture(scope="module")
def fig3d():
    return certify(figure("fig3d"))


@pytest.fixture(scope="module")
def fig2():
    return certify(figure("fig2"))


def test_point_repr_is_one_short_line_without_minimal_polynomials(fig3d):
    p = fig3d.points[0]
    assert p.W.poly.degree() > 10                # a high-degree algebraic number
    r = repr(p)
    assert len(r) < 80 and "x^" not in r and "\n" not in r
    assert r.startswith("StationaryPoint(W≈") and "global min" in r
    assert len(repr(fig3d)) < 120 and "\n" not in repr(fig3d)


def test_showing_a_point_does_not_refine_its_bracket():
    """The bracket is what the JSON reports as W_interval: a repr in a REPL
    must not change it (a fresh root of W^2 - 2 has a coarse bracket)."""
    import flint
    from symlqr.exact.realroots import real_roots
    from symlqr.scalar.results import StationaryPoint
    W = real_roots(flint.fmpq_poly([-2, 0, 1]))[1][0]
    before = (W.lo, W.hi)
    assert W.hi - W.lo > 1e-3
    assert repr(StationaryPoint(W, PointKind.MIN, 1, (), 0, extremum=PointKind.MIN)) == \
        "StationaryPoint(W≈1.41421, undecided min)"
    assert (W.lo, W.hi) == before


def test_str_of_a_landscape_is_the_text_table(fig2):
    assert str(fig2) == text_table(fig2.to_dict())
    assert fig2._repr_html_() == html_table(fig2.to_dict())
    assert "spurious min" in str(fig2).splitlines()[6]


def test_float_of_values_is_the_certified_midpoint(fig2):
    for p in fig2.points:
        assert float(p.h.lo) <= float(p.h) <= float(p.h.hi)
    assert float(fig2.epsilon) == pytest.approx(0.3552462819910256, rel=1e-12)


def test_csv_export_has_one_row_per_point_matching_the_json(fig2):
    rows = list(csv.DictReader(io.StringIO(fig2.to_csv())))
    doc = fig2.to_dict()
    assert len(rows) == len(doc["stationary_points"]) == 5
    for k, (row, p) in enumerate(zip(rows, doc["stationary_points"]), 1):
        assert int(row["index"]) == k
        assert (row["W"], row["h"], row["type"]) == (p["W"], p["h"], p["type"])
        assert row["global"] == ("" if "global" not in p else str(p["global"]))
    assert [r["label"] for r in rows] == ["spurious min", "max", "global min", "max",
                                          "spurious min"]
    assert fig2.to_rows()[2]["label"] == "global min"
    json.dumps(fig2.to_rows())                     # plain data


@pytest.mark.parametrize("name,adaptation", [("fig2", "gradient"), ("fig3c", "normalized")])
def test_every_renderer_uses_the_one_label(name, adaptation):
    ls = certify(figure(name), adaptation)
    docs = ls.to_dict()["stationary_points"]
    for p, d in zip(ls.points, docs):
        assert point_category(p) == p.label
        assert report_label(d).startswith(p.label)
        assert d["type"] == p.kind.value


def test_point_label_table():
    assert [point_label(PointKind.MIN, g) for g in (True, False, None)] == \
        ["global min", "spurious min", "undecided min"]
    assert point_label(PointKind.DEGENERATE, True, PointKind.MIN) == "global min"
    assert point_label(PointKind.DEGENERATE, None, PointKind.MAX) == "degenerate"
    assert point_label(PointKind.MAX) == "max"
    assert {k.value for k in PointKind} >= {"min", "max", "degenerate"}
