"""Sweeps: the same table on every engine (this process, local processes, a real
Dask LocalCluster), rows that agree with independent computations, and a
command line that fails in one line before doing any work."""
import csv
import io
import os
from fractions import Fraction

import pytest

from symlqr.atlas.family import Family
from symlqr.cli.sweep import main
from symlqr.distributions import Distribution
from symlqr.scalar.landscape import certify
from symlqr.sweep import (Options, Source, grid_points, make_points, parse_axis, run_sweep,
                          taskset_of, to_csv)
from symlqr.sweep.points import evaluate
from symlqr.tasks import InputError, TaskSet, figure

SPEC = "A=1, B=1, Q=loguniform(0.1,10), R=loguniform(0.1,10), n=3"
PROG = "python -m symlqr.sweep"


def _points():
    """fig2 over eta x delta, and a distribution over seeds: 10 points, ~2 s serial."""
    fig2 = make_points([Source.of(figure("fig2"))],
                       grid_points([parse_axis("eta=0.01,0.07"), parse_axis("delta=0.5,1")]))
    dist = make_points([Source.of(Distribution.parse(SPEC), eta="0.05")],
                       grid_points([parse_axis("seed=0:5:6")]))
    return [p.__class__(i, p.source, p.params) for i, p in enumerate(fig2 + dist)]


@pytest.fixture(scope="module")
def serial_table():
    return to_csv(run_sweep(_points(), Options(), workers=1))


@pytest.fixture(scope="module")
def dask_cluster():
    distributed = pytest.importorskip("dask.distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=50) as cluster:
        yield cluster


def test_local_processes_give_the_same_table_as_this_process(serial_table):
    seen = []
    rows = run_sweep(_points(), Options(), workers=2,
                     progress=lambda done, total: seen.append((done, total)))
    assert to_csv(rows) == serial_table
    assert seen == [(k, 10) for k in range(1, 11)]


def test_a_dask_localcluster_gives_the_same_table(serial_table, dask_cluster):
    from dask.distributed import Client
    with Client(dask_cluster) as client:
        rows = run_sweep(_points(), Options(), client=client)
    assert to_csv(rows) == serial_table


def test_the_command_line_on_a_dask_scheduler_writes_the_same_table(tmp_path, dask_cluster,
                                                                    serial_table, capsys):
    out = tmp_path / "t.csv"
    status = main(["fig2", "--grid", "eta=0.01,0.07", "--grid", "delta=0.5,1",
                   "--scheduler", dask_cluster.scheduler_address, "--output", str(out)])
    assert status == 0
    lines = serial_table.decode().splitlines()
    assert out.read_text().splitlines() == lines[:5]          # header and the 4 fig2 rows
    assert "fig2\t0.07\t1\t\t\tcertified\t2\t1\t" in capsys.readouterr().out


def test_rows_hold_the_counts_and_epsilon_of_certify_on_the_same_tasks(serial_table):
    rows = list(csv.DictReader(io.StringIO(serial_table.decode())))
    for p, row in zip(_points(), rows):
        ls = certify(taskset_of(p), digits=15)
        c = ls.counts()
        assert (int(row["min"]), int(row["spurious_min"]), int(row["global_min"])) == (
            c["min"], c["spurious_min"], c["global_min"])
        assert Fraction(row["epsilon_lo"]) <= ls.epsilon.lo <= ls.epsilon.hi <= Fraction(
            row["epsilon_hi"])
    assert rows[1]["epsilon"] == certify(figure("fig2")).epsilon.decimal(15)   # delta = 1


def test_distribution_points_draw_n_tasks_with_their_seed():
    p = _points()[7]                               # seed 3
    assert dict(p.params) == {"seed": 3}
    assert taskset_of(p).tasks == tuple(Distribution.parse(SPEC + ", seed=3").draw())
    assert taskset_of(p).eta == Fraction(1, 20)


def test_delta_spread_is_the_atlas_family_at_delta():
    ts = figure("fig3a")
    for delta in (Fraction(0), Fraction(1, 3), Fraction(5, 2)):
        pt = make_points([Source.of(ts)], [{"delta": delta}])[0]
        assert taskset_of(pt).tasks == Family(ts, "delta").taskset_at(delta).tasks


def test_delta_zero_turns_fig2_into_copies_of_its_first_task_fig1():
    row = evaluate(make_points([Source.of(figure("fig2"))], [{"delta": Fraction(0)}])[0],
                   Options())
    assert (row["min"], row["global_min"], row["spurious_min"], row["epsilon"]) == (3, 3, 0, "0")
    assert row["distinct"] == 1 and row["W_global"].split(";")[1].startswith("0.6180339887")


def test_global_minimizer_is_near_the_mean_optimal_gain_for_fig3d():
    row = evaluate(make_points([Source.of(figure("fig3d"))], [])[0], Options(digits=10))
    import numpy as np
    from scipy.linalg import solve_discrete_are
    gains = []
    for t in figure("fig3d").tasks:                  # W* from scipy's Riccati solver
        P = solve_discrete_are(np.array([[float(t.A)]]), np.array([[float(t.B)]]),
                               np.array([[float(t.Q)]]), np.array([[float(t.R)]]))[0, 0]
        gains.append(float(t.A * t.B) * P / (float(t.R) + float(t.B) ** 2 * P))
    assert abs(float(row["W_star_mean"]) - np.mean(gains)) < 1e-9
    assert abs(float(row["W_global"]) - np.mean(gains)) < 0.01     # the paper's remark


def test_points_that_cannot_be_decided_get_a_row_with_the_reason():
    bad = evaluate(make_points([Source.of(figure("fig2"))], [{"delta": Fraction(2)}])[0],
                   Options())
    assert bad["status"] == "invalid" and bad["reason"].startswith(
        "delta = 2: task 2: Q = -9/5 < 0")
    slow = evaluate(make_points([Source.of(figure("fig3d"))], [])[0], Options(timeout=1e-4))
    assert slow["status"] == "timeout" and slow["epsilon"] is None
    big = Source.of(Distribution.parse("A=1,B=1,Q=uniform(1,5),R=1,n=60"), eta="0.1")
    row = evaluate(make_points([big], [])[0], Options(engine="exact"))
    assert row["status"] == "too large" and "60 distinct tasks" in row["reason"]
    row = evaluate(make_points([big], [])[0], Options())        # auto: the interval engine
    assert row["status"] == "certified" and row["engine"] == "interval"


def test_parquet_and_csv_hold_the_same_rows(tmp_path):
    pq = pytest.importorskip("pyarrow.parquet")
    from symlqr.sweep import to_parquet
    rows = run_sweep(_points()[:4], workers=1)
    table = pq.read_table(io.BytesIO(to_parquet(rows))).to_pylist()
    assert table == rows


def test_command_line_writes_table_and_phase_diagram(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out, png = tmp_path / "t.csv", tmp_path / "p.png"
    status = main(["--distribution", "A=1,B=1,Q=uniform(1,5),R=2", "--n", "2", "--eta", "0.1",
                   "--grid", "delta=0.5,1", "--grid", "seed=0,1", "--workers", "1",
                   "--output", str(out), "--plot", str(png), "--x", "delta", "--y", "seed"])
    assert status == 0
    rows = list(csv.DictReader(out.open()))
    assert [(r["delta"], r["seed"], r["n"]) for r in rows] == [
        ("0.5", "0", "2"), ("0.5", "1", "2"), ("1", "0", "2"), ("1", "1", "2")]
    assert png.read_bytes()[:4] == b"\x89PNG"
    assert capsys.readouterr().err == ""


def test_undecided_points_exit_3_and_still_write_the_table(tmp_path, capsys):
    out = tmp_path / "t.csv"
    assert main(["fig2", "--grid", "delta=1,2", "--workers", "1", "--output", str(out)]) == 3
    assert [r["status"] for r in csv.DictReader(out.open())] == ["certified", "invalid"]


def test_experiment_command_writes_rows_summary_and_plot(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out, summ, png = tmp_path / "rows.csv", tmp_path / "s.csv", tmp_path / "k.svg"
    status = main(["experiment", "--presets", "scaled", "--k", "1,2", "--seeds", "0,1",
                   "--workers", "1", "--output", str(out), "--summary", str(summ),
                   "--plot", str(png)])
    assert status == 0
    summary = list(csv.DictReader(summ.open()))
    # one task: all minima global (Figure 1); two scaled copies: spurious minima (Figure 2)
    assert [(s["k"], s["with_spurious"]) for s in summary] == [("1", "0.0"), ("2", "1.0")]
    assert len(list(csv.DictReader(out.open()))) == 4
    assert png.read_bytes().startswith(b"<?xml")


@pytest.mark.parametrize("argv, message", [
    (["fig2", "--grid", "eta=0.1:0.01:3"], "needs LO < HI"),
    (["fig2", "--grid", "gamma=1,2"], "unknown parameter 'gamma'"),
    (["fig2", "--grid", "eta=0.1", "--grid", "eta=0.2"], "given twice"),
    (["fig2", "--grid", "n=2,3"], "n and seed apply to distributions"),
    (["--distribution", "A=1,B=1,Q=uniform(1,5)", "--eta", "0.1"], "missing R"),
    (["--distribution", "A=1,B=1,Q=exp(1),R=1", "--eta", "0.1"], "unknown law 'exp'"),
    (["--distribution", "A=1,B=1,Q=1,R=1"], "needs a step size"),
    (["--distribution", "A=1,B=1,Q=1,R=1", "--eta", "0.1", "--n", "x"], "whole number"),
    (["fig2", "--output", "/nonexistent/t.csv"], "does not exist"),
    (["fig2", "--output", "t.xlsx"], "must end in .csv or .parquet"),
    (["fig2", "--grid", "eta=0.1", "--plot", "p.jpg"], "unknown image format"),
    (["fig2", "--plot", "p.png"], "give --grid NAME=LO:HI:COUNT"),
    (["fig2", "--grid", "eta=0.1", "--plot", "p.png", "--y", "delta"], "--y delta is not a --grid axis"),
    (["fig2", "--grid", "eta=0.01:0.1"], "eta=LO:HI:COUNT"),
    (["fig2", "--workers", "0"], "at least 1"),
    (["fig2", "--timeout", "-1"], "--timeout must be > 0 seconds"),
    (["experiment", "--presets", "gaussian"], "unknown preset"),
    ([], "nothing to sweep"),
])
def test_bad_input_is_one_line_exit_2_and_writes_nothing(argv, message, tmp_path, capsys,
                                                         monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith(f"{PROG}")
    assert message in err, err
    assert os.listdir(tmp_path) == []


def test_sources_are_task_sets_or_distributions():
    with pytest.raises(InputError, match="TaskSet or a Distribution"):
        Source.of([1, 2])
    assert Source.of(TaskSet(figure("fig1").tasks, "0.2")).eta == Fraction(1, 5)


def test_interval_engine_rows_agree_with_the_exact_engine(capsys):
    from symlqr.sweep.points import _engine_runner
    if _engine_runner() is None:                 # before the interval engine lands
        assert main(["fig2", "--engine", "interval"]) == 2
        assert "not available" in capsys.readouterr().err
        pytest.skip("symlqr.scalar.engines is not in this version")
    pts = _points()
    exact = run_sweep(pts, Options(engine="exact"), workers=1)
    interval = run_sweep(pts, Options(engine="interval"), workers=1)
    for e, i in zip(exact, interval):
        assert (e["status"], e["min"], e["max"], e["global_min"], e["spurious_min"]) == (
            i["status"], i["min"], i["max"], i["global_min"], i["spurious_min"])
        assert Fraction(e["epsilon_lo"]) <= Fraction(i["epsilon_hi"])
        assert Fraction(i["epsilon_lo"]) <= Fraction(e["epsilon_hi"])


@pytest.mark.slow
def test_ctrl_c_stops_local_workers_at_once_with_one_line_and_no_table(tmp_path):
    import signal
    import subprocess
    import sys
    import time
    out = tmp_path / "t.csv"
    p = subprocess.Popen([sys.executable, "-m", "symlqr.sweep", "--distribution",
                          "A=uniform(0.99,1.01),B=1,Q=1,R=1", "--n", "20", "--eta", "0.01",
                          "--grid", "seed=0:9:10", "--workers", "2", "--engine", "exact",
                          "--output", str(out)],
                         start_new_session=True, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True)
    time.sleep(4)                                   # workers deep in root isolation
    os.killpg(p.pid, signal.SIGINT)                 # what Ctrl-C in a terminal does
    stdout, stderr = p.communicate(timeout=60)
    assert p.returncode == 130
    assert stderr == f"{PROG}: interrupted\n" and stdout == ""
    assert not out.exists() and os.listdir(tmp_path) == []


def test_one_grid_axis_draws_a_line_plot_of_the_certified_rows(tmp_path, capsys):
    """The README's ``--grid eta=0.01:0.1:10 --plot`` (issue 18: it exited 2); the
    curve holds the rows' epsilon and spurious counts, ticks are decimals."""
    pytest.importorskip("matplotlib")
    from symlqr.sweep.plot import line_figure
    out, png = tmp_path / "t.csv", tmp_path / "p.png"
    assert main(["fig2", "--grid", "eta=0.01:0.1:4", "--workers", "1", "--output", str(out),
                 "--plot", str(png)]) == 0
    assert png.read_bytes()[:4] == b"\x89PNG"
    rows = list(csv.DictReader(out.open()))
    fig = line_figure(rows, "eta")
    top, bottom = fig.axes
    (line,) = top.lines
    assert list(line.get_xdata()) == [float(Fraction(r["eta"])) for r in rows]
    assert list(line.get_ydata()) == pytest.approx([float(r["epsilon"]) for r in rows])
    assert list(bottom.lines[0].get_ydata()) == [int(r["spurious_min"]) for r in rows]
    assert top.get_ylabel() == "epsilon"          # one row a point: no "median over seeds"


def test_tables_have_float_columns_beside_the_exact_strings():
    rows = run_sweep(make_points([Source.of(figure("fig2"))],
                                 grid_points([parse_axis("eta=8/175,0.02")])), workers=1)
    assert [r["eta"] for r in rows] == ["8/175", "0.02"]
    assert [r["eta_float"] for r in rows] == [8 / 175, 0.02]
    for r in rows:
        assert r["epsilon_float"] == pytest.approx(float(Fraction(r["epsilon_lo"])), rel=1e-15)
        assert r["epsilon_float"] == pytest.approx(float(Fraction(r["epsilon_hi"])), rel=1e-15)
        assert r["min_value_float"] == pytest.approx(float(r["min_value"]))
    text = to_csv(rows).decode().splitlines()
    head = text[0].split(",")
    assert head.index("eta_float") == head.index("eta") + 1
    for line in text[1:]:                      # the float column reads as a number
        float(dict(zip(head, line.split(",")))["eta_float"])


def test_phase_ticks_are_decimals_and_the_label_says_median_only_over_seeds():
    pytest.importorskip("matplotlib")
    from symlqr.sweep.plot import phase_figure
    base = {"label": "t", "status": "certified", "spurious_min": 0}
    one = [dict(base, eta=e, delta=d, epsilon="0.1") for e in ("8/175", "0.1") for d in ("0", "1")]
    fig = phase_figure(one, "eta", "delta")
    ax = fig.axes[0]
    fig.canvas.draw() if hasattr(fig.canvas, "draw") else None
    assert [t.get_text() for t in ax.get_xticklabels()] == ["0.04571", "0.1"]
    assert fig.axes[1].get_ylabel() == "epsilon"
    seeds = [dict(r, seed=s) for r in one for s in (0, 1)]
    assert "median over seeds" in phase_figure(seeds, "eta", "delta").axes[1].get_ylabel()


def _summary_rows():
    """docs/many_tasks_summary.csv read back (what docs/many_tasks.png is drawn from)."""
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "docs",
                        "many_tasks_summary.csv")
    rows = list(csv.DictReader(open(path)))
    for r in rows:
        for k, v in r.items():
            if k != "label":
                r[k] = None if v == "" else (int(v) if k in ("k", "seeds", "certified")
                                             else float(v))
    return rows


def test_experiment_picture_ticks_do_not_overlap_and_no_series_hides_another():
    """Issue 18: docs/many_tasks.png had the ticks 11, 16, 20 on top of each other
    and the 'perturbed' line hidden under 'scaled' (both at fraction 1)."""
    pytest.importorskip("matplotlib")
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from symlqr.sweep.plot import experiment_figure
    fig = experiment_figure(_summary_rows())
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    for ax in fig.axes:
        boxes = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()]
        for a, b in zip(boxes, boxes[1:]):
            assert a.x1 < b.x0, [t.get_text() for t in ax.get_xticklabels()]
    first = fig.axes[0]
    lines = [line for line in first.lines if line.get_marker() not in (None, "None", "")]
    assert len({line.get_marker() for line in lines}) == len(lines) == 3
    # where two lines coincide, the one drawn first (lower) has the larger marker
    by_z = sorted(lines, key=lambda line: line.get_zorder())
    sizes = [line.get_markersize() for line in by_z]
    assert sizes == sorted(sizes, reverse=True) and len(set(sizes)) == 3


def test_ctrl_c_at_the_very_end_finishes_and_exits_0(tmp_path, capsys, monkeypatch):
    """Issue 18: a Ctrl-C while the table was written printed it, wrote the file and
    still exited 130. Now, once prepared, the files are written and the table printed
    with Ctrl-C held off, and the command exits as if none came."""
    import signal
    import symlqr.cli.sweep as cli
    real = cli.write_atomic
    sent = []

    def write_then_interrupt(path, data):
        if not sent:
            sent.append(path)
            os.kill(os.getpid(), signal.SIGINT)        # what Ctrl-C in a terminal does
        real(path, data)
    monkeypatch.setattr(cli, "write_atomic", write_then_interrupt)
    out = tmp_path / "t.csv"
    assert main(["fig1", "--grid", "eta=0.01,0.02", "--workers", "1", "--output", str(out)]) == 0
    assert sent == [str(out)] and len(list(csv.DictReader(out.open()))) == 2
    assert capsys.readouterr().out.count("certified") == 2


def test_ctrl_c_before_the_files_are_ready_writes_nothing(tmp_path, capsys, monkeypatch):
    pytest.importorskip("matplotlib")
    import symlqr.sweep.plot as plot

    def interrupted(*a, **k):
        raise KeyboardInterrupt
    monkeypatch.setattr(plot, "line_figure", interrupted)
    out, png = tmp_path / "t.csv", tmp_path / "p.png"
    assert main(["fig1", "--grid", "eta=0.01,0.02", "--workers", "1", "--output", str(out),
                 "--plot", str(png)]) == 130
    assert os.listdir(tmp_path) == [] and capsys.readouterr().out == ""
