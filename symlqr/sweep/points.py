"""Sweep points: what to certify (a task set or a distribution) at which
parameter values, and one certified row per point.

A point's task set is built where it is evaluated (in a worker process or on a
Dask worker) from its source and parameters: ``n`` tasks drawn from the
distribution with ``seed``, step size ``eta``, then every task moved to
``t_1 + delta (t_i - t_1)``. Its row holds the certified counts, ``epsilon``
(decimal and outward interval), the global minimizers and the mean of the
tasks' optimal gains ``W*_i``; a point that cannot be decided gets a row with
its status and reason instead (a sweep never stops at one bad point).

>>> from symlqr.tasks import figure
>>> pts = make_points([Source.of(figure("fig2"))], [{"eta": Fraction(1, 100)}])
>>> row = evaluate(pts[0], Options())
>>> row["status"], row["spurious_min"], row["epsilon"]
('certified', 2, '0.355246281991025')
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from fractions import Fraction
from typing import Optional

from ..distributions import Distribution, decimal_text
from ..exact.enclosure import Enclosure
from ..exact.realroots import PrecisionExhausted
from ..scalar import lqr
from ..scalar.landscape import MAX_DEGREE, Timeout, TooLarge, certify
from ..scalar.maml import ADAPTATIONS
from ..tasks import InputError, Task, TaskSet

__all__ = ["Source", "Point", "Options", "make_points", "taskset_of", "evaluate",
           "timeout_row", "add_floats", "COLUMNS", "FLOAT_COLUMNS", "ENGINES"]

ENGINES = ("exact", "auto", "interval")

#: Columns of a sweep's table, in order. Exact values are strings: a decimal
#: (``0.02``) or a fraction (``8/175``) for the parameters, certified digits for
#: the results (``*_lo``/``*_hi``: outward-rounded interval ends); beside each,
#: ``*_float`` is the nearest float (for pandas and plots, not certified;
#: ``epsilon_float`` is the midpoint of its interval). ``engine`` is the engine
#: that answered (the requested one when none did).
COLUMNS = ("index", "label", "source", "eta", "eta_float", "delta", "delta_float", "n",
           "seed", "tasks", "distinct", "adaptation", "engine", "status", "reason",
           "stationary", "min", "max", "degenerate", "global_min", "spurious_min", "epsilon",
           "epsilon_float", "epsilon_lo", "epsilon_hi", "min_value", "min_value_float",
           "W_global", "W_star_mean")
#: The float columns and the exact column each is read from.
FLOAT_COLUMNS = {"eta_float": "eta", "delta_float": "delta", "epsilon_float": "epsilon",
                 "min_value_float": "min_value"}


@dataclass(frozen=True)
class Source:
    """A fixed task set or a distribution (``eta`` used when no grid sets it)."""
    label: str
    taskset: Optional[TaskSet] = None
    distribution: Optional[Distribution] = None
    eta: Optional[Fraction] = None

    @classmethod
    def of(cls, what, label: Optional[str] = None, eta=None) -> "Source":
        """From a :class:`TaskSet` or a :class:`Distribution`."""
        if isinstance(what, TaskSet):
            return cls(label or what.name, taskset=what, eta=what.eta if eta is None
                       else Fraction(eta))
        if isinstance(what, Distribution):
            return cls(label or what.name or "distribution", distribution=what,
                       eta=None if eta is None else Fraction(eta))
        raise InputError(f"a sweep source is a TaskSet or a Distribution, not "
                         f"{type(what).__name__}")

    def describe(self) -> str:
        """The distribution's laws (without n and seed), or the task set's name."""
        if self.distribution is not None:
            return self.distribution.laws_text()
        return self.taskset.name


@dataclass(frozen=True)
class Point:
    """One evaluation: ``params`` holds any of eta, delta, n, seed."""
    index: int
    source: Source
    params: tuple

    def get(self, name: str, default=None):
        return dict(self.params).get(name, default)


@dataclass(frozen=True)
class Options:
    """How each point is certified; ``timeout`` is seconds per point. ``engine``
    defaults to ``auto`` when :mod:`symlqr.scalar.engines` is there, else ``exact``."""
    adaptation: str = "gradient"
    engine: Optional[str] = None
    digits: int = 15
    timeout: Optional[float] = None
    max_degree: Optional[int] = MAX_DEGREE

    def __post_init__(self):
        if self.engine is None:
            object.__setattr__(self, "engine", "exact" if _engine_runner() is None else "auto")
        if self.adaptation not in ADAPTATIONS:
            raise InputError(f"adaptation {self.adaptation!r}: choose {', '.join(ADAPTATIONS)}")
        if self.engine not in ENGINES:
            raise InputError(f"engine {self.engine!r}: choose {', '.join(ENGINES)}")
        if self.engine != "exact" and _engine_runner() is None:
            raise InputError(f"engine {self.engine!r} is not available in this version of "
                             "symlqr; use engine 'exact'")
        if not 1 <= self.digits <= 100:
            raise InputError("digits must be between 1 and 100")
        if self.timeout is not None and not self.timeout > 0:
            raise InputError("the timeout per point must be > 0 seconds")


def make_points(sources: list, grid: list) -> list:
    """Every source at every grid point (sources slowest), numbered from 0.

    A task set's own ``eta`` applies unless the grid sets one; ``n`` and
    ``seed`` apply only to distributions, and a distribution needs an ``eta``.
    """
    if not sources:
        raise InputError("nothing to sweep: give a figure, tasks or a distribution")
    points = []
    for src in sources:
        for params in grid or [{}]:
            if src.taskset is not None and ("n" in params or "seed" in params):
                raise InputError(f"{src.label}: n and seed apply to distributions, "
                                 "not to a fixed task set")
            if "eta" not in params and src.eta is None:
                raise InputError(f"{src.label}: a distribution needs a step size "
                                 "(--eta, eta in the file, or --grid eta=...)")
            points.append(Point(len(points), src, tuple(params.items())))
    return points


def taskset_of(point: Point) -> TaskSet:
    """The exact task set of ``point`` (drawn, then spread by ``delta``)."""
    src = point.source
    eta = point.get("eta", src.eta)
    if src.distribution is not None:
        d = src.distribution.with_(n=point.get("n"), seed=point.get("seed"))
        ts = d.taskset(eta)
    else:
        ts = TaskSet(src.taskset.tasks, eta, src.taskset.weights, name=src.taskset.name)
    delta = point.get("delta")
    if delta is None:
        return ts
    t1, spread = ts.tasks[0], []
    for i, t in enumerate(ts.tasks):
        try:
            spread.append(Task(*(a + Fraction(delta) * (b - a)
                                 for a, b in zip(t1.as_tuple(), t.as_tuple()))))
        except InputError as exc:
            raise InputError(f"delta = {delta}: task {i + 1}: {exc}") from None
    return TaskSet(spread, ts.eta, ts.weights, name=ts.name)


def _engine_runner():
    """``certify_landscape(..., engine=...)`` of :mod:`symlqr.scalar.engines`, when
    this version of symlqr has it (``None`` otherwise)."""
    try:
        from ..scalar.engines import certify_landscape
    except ImportError:
        return None
    return certify_landscape


def _certify(ts: TaskSet, opt: Options):
    deadline = None if opt.timeout is None else time.monotonic() + opt.timeout
    if opt.engine == "exact":
        return certify(ts, opt.adaptation, digits=opt.digits, deadline=deadline,
                       max_degree=opt.max_degree)
    return _engine_runner()(ts, opt.adaptation, digits=opt.digits, deadline=deadline,
                            max_degree=opt.max_degree, engine=opt.engine)


def _mean_optimal_gain(ts: TaskSet, digits: int) -> str:
    """``sum_i W*_i / k`` (unweighted), enclosed exactly and shown with certified digits."""
    lo = hi = Fraction(0)
    for t in ts.tasks:
        r = lqr.optimal_gain_algebraic(t)
        r.refine_bits(4 * digits + 20)
        lo, hi = lo + r.lo, hi + r.hi
    k = len(ts.tasks)
    return Enclosure(lo / k, hi / k).decimal(digits)


def _start_row(point: Point, options: Options) -> tuple:
    """The row's description of ``point`` and its task set (None: invalid, said in the row)."""
    row = {c: None for c in COLUMNS}
    row.update(index=point.index, label=point.source.label, source=point.source.describe(),
               adaptation=options.adaptation, engine=options.engine)
    for k in ("eta", "delta", "n", "seed"):
        v = point.get(k)
        row[k] = v if v is None or isinstance(v, int) else decimal_text(Fraction(v))
    try:
        ts = taskset_of(point)
    except InputError as exc:
        row.update(status="invalid", reason=str(exc))
        return row, None
    if point.source.distribution is not None:
        d = point.source.distribution
        row.update(n=point.get("n", d.n), seed=point.get("seed", d.seed))
    row.update(eta=decimal_text(ts.eta), tasks=len(ts.tasks),
               distinct=len({t.as_tuple() for t in ts.tasks}))
    return add_floats(row), ts


def _to_float(text) -> Optional[float]:
    """A float of an exact string (``8/175``, ``0.355``, ``[0, 2.1e-35]``: the midpoint)."""
    if text is None:
        return None
    t = str(text).strip()
    if t.startswith("[") and t.endswith("]"):
        parts = [float(Fraction(v.strip())) for v in t[1:-1].split(",")]
        return (parts[0] + parts[-1]) / 2
    try:
        return float(Fraction(t))
    except (ValueError, ZeroDivisionError):
        return None


def add_floats(row: dict) -> dict:
    """Fill the ``*_float`` columns from their exact columns (``epsilon``: the
    midpoint of ``epsilon_lo``, ``epsilon_hi`` when they are there).

    >>> add_floats({"eta": "8/175", "epsilon": "0.35"})["eta_float"]
    0.045714285714285714
    """
    for col, exact in FLOAT_COLUMNS.items():
        row[col] = _to_float(row.get(exact))
    if row.get("epsilon_lo") is not None and row.get("epsilon_hi") is not None:
        row["epsilon_float"] = (_to_float(row["epsilon_lo"]) + _to_float(row["epsilon_hi"])) / 2
    return row


def timeout_row(point: Point, options: Options, stage: str) -> dict:
    """The row of a point its caller stopped at ``options.timeout`` (e.g. by killing
    the process that was computing it inside one long FLINT call)."""
    row, ts = _start_row(point, options)
    if ts is not None:
        row.update(status="timeout", reason=_timed_out(options, stage))
    return row


def _timed_out(options: Options, stage: str) -> str:
    return f"timed out after {options.timeout:g} s while {stage}"


def evaluate(point: Point, options: Options) -> dict:
    """One row of the sweep's table (never raises for a point that cannot be decided)."""
    row, ts = _start_row(point, options)
    if ts is None:
        return row
    try:
        ls = _certify(ts, options)
    except TooLarge as exc:
        row.update(status="too large", reason=str(exc))
        return row
    except InputError as exc:                  # e.g. the interval engine does not apply
        row.update(status="unsupported", reason=str(exc))
        return row
    except Timeout as exc:
        row.update(status="timeout", reason=_timed_out(options, exc.stage))
        return row
    except PrecisionExhausted as exc:
        row.update(status="undecided", reason=f"precision cap: {exc}")
        return row
    doc = ls.to_dict()
    row["engine"] = doc.get("engine", "exact")            # the engine that answered
    row.update((k, v) for k, v in doc["counts"].items() if k in row)   # the table's columns
    row.update(status="certified" if ls.certified else "undecided",
               reason="; ".join(ls.undecided) or None, min_value=doc["min_value"])
    if doc["epsilon"] is not None:
        exact_zero = doc["epsilon_interval"] == ["0", "0"]
        row.update(epsilon="0" if exact_zero else doc["epsilon"],
                   epsilon_lo=doc["epsilon_interval"][0],
                   epsilon_hi=doc["epsilon_interval"][1])
    row["W_global"] = ";".join(p["W"] for p in doc["stationary_points"]
                               if p.get("global") is True) or None
    row["W_star_mean"] = _mean_optimal_gain(ts, options.digits)
    return add_floats(row)
