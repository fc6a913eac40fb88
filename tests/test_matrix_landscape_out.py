"""The complete matrix landscape as a result (text, CSV, JSON, picture), from Python
with numpy arrays, and on Dask: checked against the exact scalar engine (1 x 1
gains), float evaluations of h, and the same run in this process."""
from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest

from symlqr.matrix import MatrixLandscape, complete_landscape, stationary_points
from symlqr.matrix.landscape_merge import merge, part_dict
from symlqr.matrix.objective import maml_point, maml_value
from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
from symlqr.scalar.landscape import certify
from symlqr.tasks import InputError, Task, TaskSet

FIG2 = [(1, 1, 2, 2), (1, 1, "1/10", "1/10")]


def _fig2(name="fig2m"):
    return MatrixTaskSet([MatrixTask.from_scalar(*t) for t in FIG2], "1/100", name=name)


@pytest.fixture(scope="module")
def fig2():
    return complete_landscape(_fig2(), audit=1000, prune=False)   # every point, no level


@pytest.fixture(scope="module")
def exact():
    return certify(TaskSet([Task(*t) for t in FIG2], eta="1/100"))


def _plain(doc):
    return json.loads(json.dumps(doc))


def test_text_rows_and_csv_hold_every_point(fig2, exact):
    assert isinstance(fig2, MatrixLandscape) and fig2.complete
    text = str(fig2)
    assert text.startswith("fig2m: 5 stationary point(s); complete")
    for p in exact.points:
        assert f"[{float(p.W):.6g}]" in text
    lines = fig2.to_csv().splitlines()
    assert lines[0] == "W,type,label,h_lo,h_hi,certified"
    rows = fig2.to_rows()
    assert [r["type"] for r in rows] == [p.kind.name.lower() for p in exact.points]
    for r in rows:                         # the enclosure holds h in floats
        W = np.array(json.loads(r["W"]))
        h = maml_value(W, fig2.taskset)
        assert float(r["h_lo"]) <= h * (1 + 1e-12) and h <= float(r["h_hi"]) * (1 + 1e-12)
    assert "<table>" in fig2._repr_html_() and "spurious" in fig2._repr_html_()
    assert repr(fig2) == "MatrixLandscape('fig2m', 5 stationary points, complete, benign=False)"


def test_save_json_round_trip_and_text(fig2, tmp_path):
    path = fig2.save(tmp_path / "l.json")
    doc = json.load(open(path))
    assert doc == _plain(fig2.to_dict())
    assert doc["name"] == "fig2m" and [p["label"] for p in doc["points"]] == fig2.labels
    assert (tmp_path / "l.csv").exists() is False
    fig2.save(tmp_path / "l.txt")
    assert (tmp_path / "l.txt").read_text() == str(fig2) + "\n"


def test_plot_one_parameter_draws_the_kept_boxes(fig2):
    pytest.importorskip("matplotlib")
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    fig = fig2.plot(n=200)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    kept = len(fig2.outcome.audit)
    assert kept == sum(fig2.outcome.excluded.values()) > 0
    assert len(ax.patches) == kept                   # one band per excluded interval
    assert "(floats)" in ax.get_title() and f"{kept} of {kept} excluded" in ax.get_title()


def test_plot_two_parameters_draws_every_kept_and_undecided_box(tmp_path):
    pytest.importorskip("matplotlib")
    import matplotlib
    matplotlib.use("Agg")
    from matplotlib.collections import PatchCollection
    from symlqr.render.landscape_plot import reason_class
    ts = MatrixTaskSet([MatrixTask([[1]], [[1, "1/2"]], [[1]], [[1, 0], [0, 2]])], "1/10",
                       name="r2d1")
    res = complete_landscape(ts, box=[(0, 1), ("-1/2", "1/2")], audit=100, max_boxes=400)
    fig = res.plot(n=20, view="box")
    colls = [c for c in fig.axes[0].collections if isinstance(c, PatchCollection)]
    classes = {reason_class(why) for _, _, why in res.outcome.audit}
    want = len(classes) + bool(res.outcome.undecided)
    assert len(colls) == want
    assert sum(len(c.get_paths()) for c in colls) == len(res.outcome.audit) + \
        len(res.outcome.undecided)
    assert len(res.outcome.audit) == min(100, sum(res.outcome.excluded.values()))
    res.save(tmp_path / "p.png", n=20, view="box")
    assert (tmp_path / "p.png").read_bytes()[:4] == b"\x89PNG"


def test_python_entry_with_numpy_arrays_equals_the_exact_engine(exact):
    A = np.ones((2, 1, 1))
    Q = np.array([[[2.0]], [[0.1]]])
    res = stationary_points(A=A, B=A, Q=Q, R=Q, eta=0.01, engine="bnb", prune=False)
    assert isinstance(res, MatrixLandscape) and res.complete
    assert np.allclose([p.W[0][0] for p in res.points], [float(p.W) for p in exact.points],
                       atol=1e-9)
    inner = stationary_points(A=A, B=A, Q=Q, R=Q, eta=0.01, engine="bnb",
                              box=np.array([[0.1, 1.0]]), prune=False)
    assert inner.box_source == "given" and inner.complete
    assert [p.W for p in inner.points] == [p.W for p in res.points if 0.1 < p.W[0][0] < 1.0]
    low = stationary_points(A=A, B=A, Q=Q, R=Q, eta=0.01, engine="bnb", level=1.8)
    hs = [maml_value(np.array(p.W), low.taskset) for p in low.points]
    below = [h for h, p in zip(hs, low.points) if p.type == "min" and h <= 1.8]
    assert len(below) == 2                  # epsilon speaks of the minima in {h <= 1.8}
    assert float(low.epsilon[0]) - 1e-9 <= max(below) - min(below) <= float(low.epsilon[1]) + 1e-9
    late = stationary_points(A=A, B=A, Q=Q, R=Q, eta=0.01, engine="bnb", timeout=1e-9)
    assert not late.complete and "time" in late.reason and late.points == []
    fo = stationary_points(A=A, B=A, Q=Q, R=Q, eta=0.01, engine="bnb", method="fomaml")
    assert fo.complete and fo.method == "fomaml" and fo.points
    assert all(abs(p.direction("fomaml")[0, 0]) < 1e-8 for p in
               (maml_point(np.array(q.W), fo.taskset) for q in fo.points))
    with pytest.raises(InputError, match="method"):
        stationary_points(A=A, B=A, Q=Q, R=Q, eta=0.01, engine="bnb", method="sgd")


def test_merge_counts_a_point_found_twice_once(fig2):
    part = part_dict(fig2)
    both = merge([part, part], fig2.taskset, box=fig2.box, box_source=fig2.box_source,
                 covers=True, level=fig2.level, level_source=fig2.level_source)
    assert [p.W for p in both.points] == [p.W for p in fig2.points]
    assert both.labels == fig2.labels and both.epsilon == fig2.epsilon
    assert both.outcome.boxes == 2 * fig2.outcome.boxes


def test_split_box_tiles_the_box():
    from symlqr.sweep.landscape_dask import split_box
    box = [(Fraction(-20), Fraction(40)), (Fraction(0), Fraction(4))]
    parts = split_box(box, 8)
    assert len(parts) == 8
    vol = sum((b0 - a0) * (b1 - a1) for (a0, b0), (a1, b1) in parts)
    assert vol == 60 * 4
    for (a0, b0), (a1, b1) in parts:
        assert Fraction(float(a0)) == a0 and Fraction(float(b1)) == b1   # float ends


@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=50) as cluster:
        yield cluster


def _same_answer(a, b):
    assert a.complete and b.complete
    assert np.allclose([p.W for p in a.points], [p.W for p in b.points], atol=1e-12)
    assert [p.type for p in a.points] == [p.type for p in b.points]
    for key in ("labels", "benign", "box", "box_source", "level", "level_source",
                "min_h_over_domain"):
        assert getattr(a, key) == getattr(b, key), key
    for key in ("min_h", "epsilon"):        # enclosures of the same numbers: they meet
        x, y = getattr(a, key), getattr(b, key)
        assert x[0] <= y[1] and y[0] <= x[1]


@pytest.mark.slow
def test_dask_localcluster_gives_the_local_answer(fig2, dask_cluster):
    from dask.distributed import Client
    from symlqr.sweep.landscape_dask import complete_landscape_dask
    seen = []
    with Client(dask_cluster) as client:
        res = complete_landscape_dask(_fig2(), client, parts=4,
                                      progress=lambda d, t: seen.append((d, t)))
    assert res.parts == 4 and seen[-1] == (4, 4)
    _same_answer(res, fig2)
    assert "run as 4 sub-boxes" in str(res)


@pytest.mark.slow
def test_dask_localcluster_runs_the_variants_as_locally(dask_cluster):
    """FO-MAML and two-step MAML on Dask: the same zeros, types and level as the
    local run."""
    from dask.distributed import Client
    from symlqr.sweep.landscape_dask import complete_landscape_dask
    for method, steps in (("fomaml", 1), ("maml", 2)):
        local = complete_landscape(_fig2(), method=method, steps=steps)
        with Client(dask_cluster) as client:
            res = complete_landscape_dask(_fig2(), client, parts=4, method=method, steps=steps)
        assert res.method == method and res.steps == steps
        assert res.complete and local.complete
        assert np.allclose([p.W for p in res.points], [p.W for p in local.points], atol=1e-12)
        assert [p.type for p in res.points] == [p.type for p in local.points]
        assert res.level == local.level


@pytest.mark.slow
def test_the_command_line_on_a_dask_scheduler(dask_cluster, tmp_path, fig2):
    f = tmp_path / "t.json"
    f.write_text('{"name": "fig2m", "eta": "1/100", "tasks": ['
                 '{"A": [[1]], "B": [[1]], "Q": [[2]], "R": [[2]]},'
                 ' {"A": [[1]], "B": [[1]], "Q": [["0.1"]], "R": [["0.1"]]}]}')
    out = subprocess.run([sys.executable, "-m", "symlqr.maml", str(f), "--complete", "--json",
                          "--scheduler", dask_cluster.scheduler_address],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["complete"] and doc["parts"] >= 2
    assert np.allclose([p["W"] for p in doc["points"]], [p.W for p in fig2.points], atol=1e-12)
    assert [p["label"] for p in doc["points"]] == fig2.labels
    bad = subprocess.run([sys.executable, "-m", "symlqr.maml", str(f), "--complete",
                          "--engine", "msolve", "--scheduler", "tcp://x:1"],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1


def test_plot_more_parameters_draws_h_along_the_points_or_says_why():
    pytest.importorskip("matplotlib")
    import matplotlib
    matplotlib.use("Agg")
    from symlqr.cli.maml_landscape import picture
    from symlqr.matrix import search
    ts = MatrixTaskSet([MatrixTask([[1]], [[1, "1/2", "1/4"]], [[1]], np.diag([1, 2, 3])),
                        MatrixTask([[1]], [[1, "1/2", "1/4"]], [["1/10"]],
                                   np.diag([0.1, 0.2, 0.3]))], "1/100", name="r3d1")
    found = search(ts, starts=6, iters=300).points
    assert len(found) >= 2
    res = MatrixLandscape(points=found, labels=["-"] * len(found), box=[(-1.0, 1.0)] * 3,
                          taskset=ts, name="r3d1")
    line = res.plot(n=50).axes[0].lines[0]
    xs, hs = line.get_data()
    assert xs[0] == 0 and hs[0] == pytest.approx(maml_value(np.array(found[0].W), ts))
    one = MatrixLandscape(points=found[:1], labels=["-"], box=[(-1.0, 1.0)] * 3, taskset=ts)
    with pytest.raises(InputError, match="path through the stationary points"):
        one.plot()
    got = picture(one, "x.png")
    assert got["image"] is None and "\n" not in got["picture_error"]


def test_the_command_line_draws_the_landscape_with_its_boxes(tmp_path):
    pytest.importorskip("matplotlib")
    f = tmp_path / "t.json"
    f.write_text('{"name": "fig2m", "eta": "1/100", "tasks": ['
                 '{"A": [[1]], "B": [[1]], "Q": [[2]], "R": [[2]]},'
                 ' {"A": [[1]], "B": [[1]], "Q": [["0.1"]], "R": [["0.1"]]}]}')
    png = tmp_path / "h.png"
    out = subprocess.run([sys.executable, "-m", "symlqr.maml", str(f), "--complete",
                          "--level", "inf", "--contour", str(png)],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert png.read_bytes()[:4] == b"\x89PNG" and out.stderr == ""
    assert "5 stationary point(s); complete" in out.stdout
