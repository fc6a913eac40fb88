"""Sweeps: the certified landscape over grids of parameters and task distributions.

* :mod:`~symlqr.sweep.grid`        grid axes ``eta``, ``delta``, ``n``, ``seed``
* :mod:`~symlqr.sweep.points`      sources (task sets, distributions), points, one row each
* :mod:`~symlqr.sweep.run`         local processes (``concurrent.futures``) or Dask
* :mod:`~symlqr.sweep.table`       CSV / Parquet bytes of the rows
* :mod:`~symlqr.sweep.experiment`  epsilon and spurious minima against the number of tasks
* :mod:`~symlqr.sweep.plot`        phase diagram and the experiment's curves (matplotlib)

The command line is ``python -m symlqr.sweep`` (:mod:`symlqr.cli.sweep`).

>>> from fractions import Fraction
>>> from symlqr.tasks import figure
>>> pts = make_points([Source.of(figure("fig2"))], grid_points([parse_axis("eta=0.01,0.1")]))
>>> [(r["eta"], r["spurious_min"]) for r in run_sweep(pts, workers=1)]
[('0.01', 2), ('0.1', 0)]
"""
from .experiment import PRESETS, experiment_points, summarize
from .grid import AXES, grid_points, parse_axis
from .points import COLUMNS, ENGINES, Options, Point, Source, evaluate, make_points, taskset_of
from .run import dask_client, run_sweep
from .table import table_bytes, table_format, to_csv, to_parquet

__all__ = ["AXES", "COLUMNS", "ENGINES", "PRESETS", "Options", "Point", "Source",
           "dask_client", "evaluate", "experiment_points", "grid_points", "make_points",
           "parse_axis", "run_sweep", "summarize", "table_bytes", "table_format",
           "taskset_of", "to_csv", "to_parquet"]
