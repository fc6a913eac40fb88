"""Results that behave like each other, a seconds-based timeout, inputs that fail
early and clearly, and the matrix entry point from Python (issue 18, "Python
results that behave like each other").

Each test would have caught one of the problems reported there: a variant's
result printed 2 KB of dataclass text and had no ``minima()``/``to_csv()``
and ``epsilon`` was a method; ``deadline=2`` timed out at once; tuples, figure
names and numpy arrays were refused late or with an AttributeError.
"""
from __future__ import annotations

import csv
import io
import json
import time
from fractions import Fraction

import matplotlib
import numpy as np
import pytest

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402

import symlqr  # noqa: E402
from symlqr.atlas import atlas, steps_atlas  # noqa: E402
from symlqr.matrix import MatrixTask, MatrixTaskSet, certify_point, search  # noqa: E402
from symlqr.matrix.points import MatrixPoints, stationary_points  # noqa: E402
from symlqr.results import Result  # noqa: E402
from symlqr.scalar.deadline import Timeout  # noqa: E402
from symlqr.sweep import Source, grid_points, make_points, parse_axis, run_sweep  # noqa: E402
from symlqr.tasks import InputError, Task, TaskSet, figure  # noqa: E402


# ---------------------------------------------------------------------------
# one result of every kind
# ---------------------------------------------------------------------------
def _scalar_matrix_taskset():
    return MatrixTaskSet([MatrixTask.from_scalar(1, 1, 2, 2)], "1/100")


@pytest.fixture(scope="module")
def results() -> dict:
    ts = _scalar_matrix_taskset()
    found = search(ts, starts=2, iters=200)
    pts = make_points([Source.of(figure("fig2"))], grid_points([parse_axis("eta=0.01,0.1")]))
    return {
        "Landscape": symlqr.certify_landscape("fig2"),
        "IntervalLandscape": symlqr.certify_landscape("fig3b", engine="interval"),
        "FixedPoints": symlqr.certify_landscape("fig2", method="fomaml", steps=2),
        "PointCertificate": certify_point(np.array([[0.6]]), ts),
        "SearchResult": found,
        "MatrixPoints": MatrixPoints(ts, found),
        "Atlas": atlas(figure("fig1"), "eta", Fraction(1, 10), Fraction(3, 10)),
        "StepsAtlas": steps_atlas(figure("fig2"), "reptile", 1, 2, digits=8),
        "SweepRows": run_sweep(pts, workers=1),
        "MatrixLandscape": symlqr.matrix.complete_landscape(ts, audit=100),
    }


KINDS = ["Landscape", "IntervalLandscape", "FixedPoints", "PointCertificate", "SearchResult",
         "MatrixPoints", "Atlas", "StepsAtlas", "SweepRows", "MatrixLandscape"]


def _all_subclasses(cls) -> set:
    out = set()
    for sub in cls.__subclasses__():
        out |= {sub} | _all_subclasses(sub)
    return out


def test_every_result_class_has_views_and_is_covered_here(results):
    from symlqr.render.views import VIEWS
    import symlqr.sweep.table  # noqa: F401  (SweepRows)
    classes = _all_subclasses(Result)
    for cls in classes:
        assert any(c.__name__ in VIEWS for c in cls.__mro__), cls
        assert any(c.__name__ in symlqr.hooks.VIEWS for c in cls.__mro__), cls
    assert {c.__name__ for c in classes} <= set(KINDS)
    assert set(VIEWS) == set(symlqr._VIEWED)


@pytest.mark.parametrize("kind", KINDS)
def test_every_result_implements_the_protocol(results, kind):
    r = results[kind]
    assert isinstance(r, Result)
    text = str(r)
    # a table, not a dataclass dump (FixedPoints printed "FixedPoints(taskset=TaskSet(...")
    assert "=TaskSet(" not in text and "Enclosure(" not in text and "RealAlgebraic(" not in text
    assert "\n" in text
    html = r._repr_html_()
    assert html.startswith("<div>") and "<table>" in html and html.endswith("</div>")
    doc = r.to_dict()
    assert json.loads(json.dumps(doc)) == doc
    rows = r.to_rows()
    parsed = list(csv.DictReader(io.StringIO(r.to_csv())))
    assert len(parsed) == len(rows) > 0
    for got, row in zip(parsed, rows):                      # every cell, as text
        for k, v in row.items():
            assert got[k] == ("" if v is None else str(v)), (k, v)


@pytest.mark.parametrize("kind", KINDS)
def test_plot_returns_a_matplotlib_figure(results, kind):
    fig = results[kind].plot()
    assert isinstance(fig, Figure)
    assert fig.axes and any(ax.has_data() for ax in fig.axes)


@pytest.mark.parametrize("kind", KINDS)
def test_save_round_trips_json_csv_and_text(results, kind, tmp_path):
    r = results[kind]
    assert r.save(tmp_path / "r.json") == str(tmp_path / "r.json")
    assert json.loads((tmp_path / "r.json").read_text()) == r.to_dict()
    r.save(str(tmp_path / "r.csv"))
    with open(tmp_path / "r.csv", newline="") as fh:
        assert list(csv.DictReader(fh)) == list(csv.DictReader(io.StringIO(r.to_csv())))
    r.save(str(tmp_path / "r.TXT"))
    assert (tmp_path / "r.TXT").read_text() == str(r) + "\n"
    r.save(str(tmp_path / "r.html"))
    assert (tmp_path / "r.html").read_text() == r._repr_html_() + "\n"


@pytest.mark.parametrize("suffix, magic", [(".png", b"\x89PNG"), (".svg", b"<?xml"),
                                           (".pdf", b"%PDF")])
def test_save_pictures_by_suffix(results, suffix, magic, tmp_path):
    path = tmp_path / f"fp{suffix}"
    results["FixedPoints"].save(str(path))
    assert path.read_bytes().startswith(magic)


def test_save_refuses_an_unknown_suffix_and_writes_nothing(results, tmp_path):
    with pytest.raises(InputError, match="unknown suffix"):
        results["Landscape"].save(str(tmp_path / "fig2.xlsx"))
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------
# variants look like a landscape
# ---------------------------------------------------------------------------
def test_variant_result_has_the_landscape_surface():
    ls = symlqr.certify_landscape("fig2")
    fp = symlqr.certify_landscape("fig2", method="fomaml")
    for r in (ls, fp):
        assert not callable(r.epsilon)                      # a value on both
        assert r.minima() and all(p.is_local_min for p in r.minima())
        assert r.to_csv().splitlines()[0].startswith("index,W,label")
    assert len(repr(fp)) < 200 and repr(fp).startswith("FixedPoints('fig2', fomaml K = 1")
    # one-step maml through the variant engine: the same epsilon as the landscape's
    same = symlqr.scalar.fixedpoints.fixed_points(figure("fig2"), "maml", 1)
    assert same.epsilon.lo <= ls.epsilon.hi and ls.epsilon.lo <= same.epsilon.hi


def _float_cost(t, W, s0):
    """``C`` and ``C'`` of a scalar task in floats (closed form, written here)."""
    A, B, Q, R = (float(x) for x in (t.A, t.B, t.Q, t.R))
    M = A - B * W
    D, N = 1 - M * M, Q + R * W * W
    s = float(s0) ** 2
    return s * N / D, s * (2 * R * W * D - N * 2 * B * M) / (D * D)


def test_fomaml_epsilon_and_minima_against_a_float_scan():
    """FO-MAML with K = 2 on Figure 2: the attracting zeros of
    ``g = sum_i w_i C_i'(F_i^2(W))`` and the largest ``h_2(w) - min h_2``,
    recomputed in floats on a fine grid (scan, bisection, minimum)."""
    ts = figure("fig2")
    eta = float(ts.eta)

    def step(W):
        h, g, ok = 0.0, 0.0, np.ones_like(W, dtype=bool)
        for t, w in zip(ts.tasks, ts.weights):
            y = W.copy()
            ok &= np.abs(float(t.A) - float(t.B) * y) < 1
            for _ in range(2):
                y = y - eta * _float_cost(t, y, t.s0_adapt)[1]
                ok &= np.abs(float(t.A) - float(t.B) * y) < 1
            c, dc = _float_cost(t, y, t.s0)
            h, g = h + float(w) * c, g + float(w) * dc
        return h, g, ok

    W = np.linspace(0.05, 1.9, 400001)
    with np.errstate(all="ignore"):
        h, g, ok = step(W)
    att = [k for k in range(len(W) - 1) if ok[k] and ok[k + 1] and g[k] < 0 <= g[k + 1]]
    lo, hi = W[att], W[[k + 1 for k in att]]
    for _ in range(60):                                     # bisection on each bracket
        mid = (lo + hi) / 2
        neg = step(mid)[1] < 0
        lo, hi = np.where(neg, mid, lo), np.where(neg, hi, mid)
    gaps = step((lo + hi) / 2)[0] - np.min(h[ok])
    fp = symlqr.certify_landscape(ts, method="fomaml", steps=2)
    assert len(fp.minima()) == len(att) == 3
    assert [float(p.W.decimal(12)) for p in fp.minima()] == pytest.approx(list((lo + hi) / 2),
                                                                        abs=1e-9)
    assert float(fp.epsilon.lo) - 1e-7 <= max(gaps) <= float(fp.epsilon.hi) + 1e-7


# ---------------------------------------------------------------------------
# timeout in seconds
# ---------------------------------------------------------------------------
def test_timeout_is_seconds_from_the_call_and_deadline_still_works():
    ls = symlqr.certify_landscape("fig1", timeout=120)      # deadline=120 would be in the past
    assert ls.certified
    with pytest.raises(Timeout):
        symlqr.certify_landscape("fig3d", timeout=1e-9)
    with pytest.raises(Timeout):
        symlqr.certify_landscape("fig2", method="fomaml", steps=2, timeout=1e-9)
    with pytest.raises(Timeout):
        symlqr.certify_landscape("fig1", deadline=time.monotonic() - 1)
    assert symlqr.certify_landscape("fig1", deadline=time.monotonic() + 120).certified
    for bad in (0, -1, "2", float("nan"), True):
        with pytest.raises(InputError, match="timeout"):
            symlqr.certify_landscape("fig1", timeout=bad)


def test_matrix_entry_point_takes_a_timeout():
    with pytest.raises(Timeout):
        stationary_points(A=[[1]], B=[[1]], Q=[[2]], R=[[2]], eta=0.01, timeout=1e-9)


# ---------------------------------------------------------------------------
# inputs: accepted as a user passes them, or refused at once in one sentence
# ---------------------------------------------------------------------------
def test_taskset_takes_tuples_text_mappings_and_numpy_numbers():
    want = TaskSet([Task(1, 1, 2, 2), Task(1, 1, Fraction(1, 10), Fraction(1, 10))],
                   Fraction(1, 100))
    for tasks in ([(1, 1, 2, 2), (1, 1, 0.1, 0.1)], [[1, 1, 2, 2], "1,1,1/10,0.1"],
                  [{"A": 1, "B": 1, "Q": 2, "R": 2}, np.array([1, 1, 0.1, 0.1])],
                  [(np.int64(1), 1, np.float64(2), 2), (1, 1, np.float32(0.1), "0.1")]):
        ts = TaskSet(tasks, eta=0.01)
        assert ts.tasks == want.tasks and ts.eta == want.eta
    got = symlqr.certify_landscape(TaskSet([(1, 1, 2, 2), (1, 1, 0.1, 0.1)], eta=0.01))
    assert got.counts() == symlqr.certify_landscape("fig2").counts()


@pytest.mark.parametrize("tasks, message", [
    ([(1, 1, 2)], "task 1: expected 4 to 6 numbers"),
    ([(1, 1, 2, 2), (1, 1, 2, -2)], "task 2: R = -2 <= 0"),
    ([object()], "task 1: expected a Task, a tuple"),
    ([(1, 1, "x", 2)], "task 1: Q: 'x' is not a number"),
    ("1,1,2,2", "expected a list of tasks"),
    ([(1, 1, 2, 2, 1, 1, 1)], "task 1: expected 4 to 6 numbers"),
])
def test_taskset_refuses_bad_tasks_at_construction(tasks, message):
    with pytest.raises(InputError) as err:
        TaskSet(tasks, eta=0.01)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_figure_names_are_task_sets():
    a = symlqr.certify_landscape("fig2").to_dict()
    b = symlqr.certify_landscape(figure("fig2")).to_dict()
    assert a == b
    with pytest.raises(InputError, match="unknown figure 'fig9'"):
        symlqr.certify_landscape("fig9")
    with pytest.raises(InputError, match=r"build one with TaskSet\(tasks, eta\)"):
        symlqr.certify_landscape([(1, 1, 2, 2)])


def test_matrix_task_takes_numpy_arrays_by_the_stated_rule():
    A = [["1", "1/10"], ["0", "1"]]
    want = MatrixTask(A, [[0], [1]], [[1, 0], [0, 1]], [["1/2"]])
    got = MatrixTask(np.array([[1, 0.1], [0, 1]]), np.array([[0], [1]]), np.eye(2),
                     np.array([[0.5]]))
    assert got == want
    assert got.A[0][1] == Fraction(1, 10) != Fraction(0.1)   # shortest repr, not the double
    f32 = MatrixTask(np.array([[1]], dtype=np.float32), [[1]], np.array([[0.1]], np.float32),
                     [[1]])
    assert f32.Q == ((Fraction(1, 10),),)
    third = np.array([[Fraction(1, 3)]], dtype=object)
    assert MatrixTask([[1]], [[1]], third, [[1]]).Q == ((Fraction(1, 3),),)
    big = np.array([[2 ** 40 + 1]], dtype=np.int64)                # integers exactly
    assert MatrixTask([[1]], [[1]], big, [[1]]).Q == ((Fraction(2 ** 40 + 1),),)


@pytest.mark.parametrize("Q, message", [
    (np.array([[True]]), "dtype bool is not a matrix of numbers"),
    (np.array([[1 + 0j]]), "dtype complex128 is not a matrix of numbers"),
    (np.array([["1"]]), "is not a matrix of numbers"),
    (np.array([[np.nan]]), "Q[1][1]: nan is not a finite number"),
    (np.array([1.0]), "expected a 2-d array"),
    (np.zeros((1, 1, 1)), "expected a 2-d array"),
    (np.array([[None]], dtype=object), "Q[1][1]: null is not a number"),
])
def test_matrix_task_refuses_other_arrays_in_one_sentence(Q, message):
    with pytest.raises(ValueError) as err:                   # InputError is a ValueError
        MatrixTask([[1]], [[1]], Q, [[1]])
    assert message in str(err.value) and "\n" not in str(err.value)


# ---------------------------------------------------------------------------
# the matrix entry point
# ---------------------------------------------------------------------------
def test_matrix_entry_point_agrees_with_the_exact_scalar_landscape():
    """A 1 x 1 task given as numpy arrays: every certified minimum found is one of
    the exact scalar engine's minima (Figure 1), with an overlapping ``h``."""
    mp = stationary_points(A=np.array([[1]]), B=np.array([[1]]), Q=np.array([[2]]),
                           R=np.array([[2]]), eta=0.01, starts=6, iters=400, seed=1)
    ls = symlqr.certify_landscape("fig1")
    assert isinstance(mp, MatrixPoints) and mp.minima()
    for p in mp.minima():
        W = p.W[0][0]
        q = min(ls.minima(), key=lambda q: abs(float(q.W.decimal(20)) - W))
        assert abs(float(q.W.decimal(20)) - W) < 1e-8
        lo, hi = (Fraction(x) for x in p.h)
        assert lo <= q.h.hi and q.h.lo <= hi
    assert "completeness not certified" in str(mp)


def test_matrix_entry_point_on_a_figure_finds_only_exact_minima():
    """Figure 2 as 1 x 1 matrix tasks: each certified minimum the search finds is
    one of the exact engine's minima, global or spurious as the exact engine says
    (a point proven spurious there is never proven global here, and back)."""
    starts = [np.array([[w]]) for w in (0.15, 0.6, 1.79)]     # one run into each valley
    mp = stationary_points("fig2", iters=300, start_points=starts)
    ls = symlqr.certify_landscape("fig2")
    flags = mp.search.spurious_flags()
    assert mp.taskset.eta == Fraction(1, 100) and len(mp.taskset.tasks) == 2
    assert len(mp.minima()) == 3 and flags.count(True) == 2
    for p, spurious in zip(mp.points, flags):
        if not (p.certified and p.type == "min"):
            continue
        q = min(ls.minima(), key=lambda q: abs(float(q.W.decimal(20)) - p.W[0][0]))
        assert abs(float(q.W.decimal(20)) - p.W[0][0]) < 1e-8
        assert spurious is None or spurious == (q.is_global is False)


def test_matrix_entry_point_stacks_tasks_and_shares_matrices():
    A = np.array([[[1.0]], [[1.0]]])                         # two tasks, B, Q, R shared
    ts = stationary_points(A=A, B=[[1]], Q=[[2]], R=[[2]], eta=0.01,
                           starts=1, iters=50, weights=np.array([1, 3])).taskset
    assert len(ts.tasks) == 2 and ts.weights == (Fraction(1, 4), Fraction(3, 4))
    with pytest.raises(InputError, match=r"different lengths \(A has 2, B has 3\)"):
        stationary_points(A=A, B=[[[1]], [[1]], [[1]]], Q=[[2]], R=[[2]], eta=0.01)
    with pytest.raises(InputError, match="eta"):
        stationary_points(A=[[1]], B=[[1]], Q=[[2]], R=[[2]])
    with pytest.raises(InputError, match="unknown engine"):
        stationary_points(A=[[1]], B=[[1]], Q=[[2]], R=[[2]], eta=0.01, engine="complete")


def test_sweep_rows_are_still_a_list(results):
    rows = results["SweepRows"]
    assert isinstance(rows, list) and [r["eta"] for r in rows] == ["0.01", "0.1"]
    assert rows.varying() == ["eta"]
