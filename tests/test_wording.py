"""Wording of the tables (issue 18): '1 fixed point', '1 stationary point', an
exact zero printed '0' (not '0.0' beside '0')."""
from symlqr.render.compare import variant_table
from symlqr.render.report import html_table, text_table
from symlqr.scalar.engines import certify_landscape
from symlqr.tasks import Task, TaskSet, figure


def test_one_fixed_point_and_one_stationary_point_are_singular():
    doc = certify_landscape(figure("fig3c"), method="reptile").to_dict()
    assert doc["counts"]["stationary"] == 1
    assert "1 fixed point = " in variant_table(doc)
    html = html_table(certify_landscape(figure("fig3c")).to_dict())
    assert "1 stationary point;" in html and "1 stationary points" not in html


def test_an_exact_zero_prints_as_0_in_the_text():
    # tasks (A, B), (A, -B): h is even, W = 0 is a maximum and epsilon is exactly 0
    ts = TaskSet([Task("0.5", 1, 1, 1), Task("0.5", -1, 1, 1)], "0.1")
    doc = certify_landscape(ts).to_dict()
    assert doc["epsilon"] == "0.0" and any(p["W"] == "0.0" for p in doc["stationary_points"])
    text = text_table(doc)
    assert "0.0 " not in text and "= 0.0" not in text
    row = next(line for line in text.splitlines() if line.strip().startswith("2 "))
    assert row.split()[1] == "0" and "epsilon (h is epsilon-global) = 0" in text
