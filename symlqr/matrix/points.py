"""Matrix stationary points from Python: numpy arrays in, certified points out.

:func:`stationary_points` builds the task set (numpy arrays, nested lists,
:class:`~symlqr.matrix.tasks.MatrixTask` objects or a
:class:`~symlqr.matrix.tasks.MatrixTaskSet`), runs the chosen engine and
returns a :class:`MatrixPoints` (``engine="bnb"``: a
:class:`~symlqr.matrix.landscape.MatrixLandscape`), which has the protocol of every result
(:class:`symlqr.results.Result`: a table as ``str``, HTML in Jupyter,
``to_dict``, ``to_csv``, ``plot``, ``save``).

``engine="search"`` (the default) is Algorithm 1 from ``starts``
random stabilizing gains, Newton polishing of the limit points and a
certificate for each distinct point (:func:`~symlqr.matrix.search.search`,
:func:`~symlqr.matrix.certificate.certify_point`): every point shown is
proven (existence and uniqueness in a box, stabilization, type, ``h``
enclosed) or reported undecided with the reason, but the *list* is found by
search: nothing proves there is no other point ("completeness not certified").

``engine="bnb"`` is the validated branch-and-bound
(:func:`~symlqr.matrix.landscape.complete_landscape`): every stationary point of
``h`` in a box of gains (default: a box proven to hold every stabilizing gain,
``r = 1``) certified and the rest of the box excluded by proofs; it returns a
:class:`~symlqr.matrix.landscape.MatrixLandscape` (``complete`` says whether the
list is every point). ``timeout`` stops it with the boxes left reported
undecided. On Dask: :func:`symlqr.sweep.landscape_dask.complete_landscape_dask`.

>>> import numpy as np
>>> mp = stationary_points(A=np.array([[1]]), B=np.array([[1]]), Q=np.array([[2]]),
...                        R=np.array([[2]]), eta=0.01, starts=3, iters=300)
>>> mp
MatrixPoints('custom', maml K = 1, search: 1 point (1 min), 1 certified; completeness not certified)
>>> [(p.type, p.certified) for p in mp.minima()]
[('min', True)]
>>> ml = stationary_points(A=np.array([[1]]), B=np.array([[1]]), Q=np.array([[2]]),
...                        R=np.array([[2]]), eta=0.01, engine="bnb", prune=False)
>>> ml.complete, [p.type for p in ml.points], ml.labels[::2], ml.benign
(True, ['min', 'max', 'min', 'max', 'min'], ['global', 'global', 'global'], True)
"""
from __future__ import annotations

import functools
import math
import time
from fractions import Fraction
from dataclasses import dataclass
from typing import Optional

from .search import SearchResult, search
from .tasks import MatrixTask, MatrixTaskSet
from ..results import Result
from ..scalar.deadline import Timeout, deadline_from
from ..tasks import InputError, TaskSet, as_taskset

__all__ = ["MatrixPoints", "stationary_points", "ENGINES", "as_matrix_taskset"]

#: engines of :func:`stationary_points`
ENGINES = ("search", "bnb")


@dataclass(repr=False)
class MatrixPoints(Result):
    """The certified points of a matrix task set; see :func:`stationary_points`."""
    taskset: MatrixTaskSet
    search: SearchResult
    method: str = "maml"
    steps: int = 1
    engine: str = "search"
    seconds: float = 0.0

    rows_key = "points"

    @property
    def points(self) -> list:
        """The :class:`~symlqr.matrix.certificate.PointCertificate` of each point."""
        return self.search.points

    @property
    def certified(self) -> bool:
        """Every point found is certified (the list's completeness is not)."""
        return all(p.certified for p in self.points)

    @property
    def complete(self) -> bool:
        """Whether the list is proven to hold every stationary point (search: no)."""
        return False

    def minima(self) -> list:
        """The points certified as local minima (``attracting`` for the variants)."""
        return [p for p in self.points if p.certified and p.type in ("min", "attracting")]

    def counts(self) -> dict:
        c = {"points": len(self.points), "certified": sum(p.certified for p in self.points)}
        for p in self.points:
            c[p.type] = c.get(p.type, 0) + 1
        return c

    def to_dict(self) -> dict:
        """The tasks, the engine and the search's document (points, runs)."""
        ts = self.taskset
        doc = {"name": ts.name, "eta": str(ts.eta), "weights": [str(w) for w in ts.weights],
               "tasks": [t.to_dict() for t in ts.tasks], "shape": list(ts.shape),
               "engine": self.engine, "method": self.method, "steps": self.steps,
               "certified": self.certified, "complete": self.complete}
        doc.update(self.search.to_dict())
        return doc

    def __repr__(self) -> str:
        c = self.counts()
        kinds = ", ".join(f"{c[k]} {k}" for k in ("min", "attracting", "saddle", "max",
                                                    "repelling", "undecided") if c.get(k))
        n = c["points"]
        return (f"MatrixPoints({self.taskset.name!r}, {self.method} K = {self.steps}, "
                f"{self.engine}: {n} point{'s' if n != 1 else ''}"
                f"{f' ({kinds})' if kinds else ''}, {c['certified']} certified; "
                "completeness not certified)")


def _stack(x, what: str) -> list:
    """One matrix per task: a 3-d array or a list of matrices is a stack; a
    2-d array, a nested list of numbers or a number is one matrix for all."""
    if x is None:
        return [None]
    if getattr(x, "ndim", None) == 3:
        return list(x)
    if isinstance(x, (list, tuple)) and x and all(
            getattr(m, "ndim", None) == 2 or (isinstance(m, (list, tuple)) and m
                                              and isinstance(m[0], (list, tuple)))
            for m in x):
        return list(x)
    return [x]


def _tasks_from_arrays(A, B, Q, R, Sigma0) -> list:
    stacks = {k: _stack(v, k) for k, v in (("A", A), ("B", B), ("Q", Q), ("R", R),
                                           ("Sigma0", Sigma0))}
    many = {k: len(v) for k, v in stacks.items() if len(v) > 1}
    if len(set(many.values())) > 1:
        shown = ", ".join(f"{k} has {n}" for k, n in many.items())
        raise InputError(f"stacks of different lengths ({shown}): give each of A, B, Q, R "
                         "one matrix for every task, or one a task")
    n = max(many.values(), default=1)
    tasks = []
    for i in range(n):
        m = {k: v[i if len(v) > 1 else 0] for k, v in stacks.items()}
        try:
            tasks.append(MatrixTask(m["A"], m["B"], m["Q"], m["R"], m["Sigma0"]))
        except InputError as exc:
            raise InputError(f"task {i + 1}: {exc}" if n > 1 else str(exc)) from None
    return tasks


def as_matrix_taskset(tasks=None, eta=None, weights=None, *, A=None, B=None, Q=None, R=None,
                      Sigma0=None, name: str = "custom") -> MatrixTaskSet:
    """A :class:`MatrixTaskSet` from itself, from ``tasks`` (MatrixTask objects or
    mappings with keys A, B, Q, R[, Sigma0, Sigma0a]) and ``eta``, or from the
    arrays ``A, B, Q, R[, Sigma0]`` (each one matrix for every task, or a 3-d
    array / list of matrices, one a task) and ``eta``. A scalar
    :class:`~symlqr.tasks.TaskSet` or a figure name (``"fig2"``) gives its
    1 x 1 tasks (``Sigma0 = s0^2``).

    >>> as_matrix_taskset("fig2").tasks[1].Q
    ((Fraction(1, 10),),)
    """
    if isinstance(tasks, (TaskSet, str)):
        if any(v is not None for v in (eta, weights, A, B, Q, R, Sigma0)):
            raise InputError("give a task set or a figure name alone (its eta and weights "
                             "are its own)")
        ts = as_taskset(tasks)
        return MatrixTaskSet([MatrixTask.from_scalar(*t.as_tuple()) for t in ts.tasks],
                             ts.eta, ts.weights, name=ts.name, note=ts.note)
    if isinstance(tasks, MatrixTaskSet):
        if any(v is not None for v in (eta, weights, A, B, Q, R, Sigma0)):
            raise InputError("give a MatrixTaskSet alone (its eta and weights are its own)")
        return tasks
    if tasks is not None and any(v is not None for v in (A, B, Q, R, Sigma0)):
        raise InputError("give either tasks or the arrays A, B, Q, R, not both")
    if tasks is None:
        if any(v is None for v in (A, B, Q, R)):
            raise InputError("give tasks, or all of the arrays A, B, Q and R")
        tasks = _tasks_from_arrays(A, B, Q, R, Sigma0)
    elif isinstance(tasks, (MatrixTask, dict)) or not isinstance(tasks, (list, tuple)):
        raise InputError(f"tasks: expected a list of MatrixTask objects or mappings, got "
                         f"{type(tasks).__name__}")
    else:
        tasks = [t if isinstance(t, MatrixTask) else MatrixTask.from_mapping(t) for t in tasks]
    if eta is None:
        raise InputError("eta: give the adaptation step size (for example eta=0.01)")
    return MatrixTaskSet(tasks, eta, weights, name=name)


def stationary_points(tasks=None, eta=None, weights=None, *, A=None, B=None, Q=None, R=None,
                      Sigma0=None, method: str = "maml", steps: int = 1,
                      engine: str = "search", starts: int = 10, iters: int = 1000,
                      seed: int = 0, timeout: Optional[float] = None,
                      deadline: Optional[float] = None, **options) -> MatrixPoints:
    """Certified stationary points of the matrix MAML objective
    ``h(W) = sum_i w_i C_i(W - eta grad C_i(W))`` (``method="maml"``; or the
    zeros of the ``fomaml``/``reptile`` update direction; ``steps`` = K
    adaptation steps).

    Tasks as in :func:`as_matrix_taskset`: numpy arrays (integers exactly, floats
    by their shortest decimal representation, ``0.1`` is ``1/10``), nested
    lists, MatrixTask objects, or a MatrixTaskSet. ``engine="search"``:
    Algorithm 1 from ``starts`` random stabilizing gains (``seed``), ``iters``
    iterations each, then a certificate for each limit point; ``options`` go to
    :func:`symlqr.matrix.search.search` (``beta``, ``batch``, ``tol``,
    ``spread``, ``start_points``). ``timeout`` is in seconds from the call,
    ``deadline`` an absolute ``time.monotonic()`` value: past either,
    :class:`~symlqr.scalar.deadline.Timeout` is raised.

    ``engine="bnb"``: every stationary point in a box (with ``method`` and
    ``steps``: every zero of that update direction), proven complete or not (a :class:`~symlqr.matrix.landscape.MatrixLandscape`);
    ``options`` go to :func:`~symlqr.matrix.landscape.complete_landscape` (``box``,
    ``level`` (a number, or ``"inf"``: no level test), ``prune``, ``max_boxes``,
    ``audit``: excluded boxes kept for ``plot()``, ...). Past the
    ``timeout`` or ``deadline`` the run stops and the boxes left are undecided
    (the answer is returned, not complete).
    """
    ts = as_matrix_taskset(tasks, eta, weights, A=A, B=B, Q=Q, R=R, Sigma0=Sigma0)
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    if engine == "bnb":
        return _branch_and_bound(ts, method, steps, deadline_from(timeout, deadline), options)
    for k, v in (("starts", starts), ("iters", iters)):
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            raise InputError(f"{k} = {v!r}: give a whole number >= 1")
    ends = deadline_from(timeout, deadline)

    def on_step(_it):
        if ends is not None and time.monotonic() > ends:
            raise Timeout("running Algorithm 1")

    t0 = time.perf_counter()
    res = search(ts, starts=starts, iters=iters, method=method, steps=steps, seed=seed,
                 on_step=on_step, **options)
    return MatrixPoints(ts, res, method, steps, engine, time.perf_counter() - t0)


def _branch_and_bound(ts, method: str, steps: int, ends, options):
    """``engine="bnb"``: :func:`complete_landscape` (or its Dask form), stopped at ``ends``."""
    from .landscape import complete_landscape
    if isinstance(steps, bool) or not isinstance(steps, int):
        raise InputError(f"steps = {steps!r}: give a whole number >= 1")
    level = options.get("level")
    if level is not None and (str(level).strip().lower() in ("inf", "+inf")):
        options["level"], options["prune"] = None, False          # every point: no level test
    elif level is not None:
        options["level"] = _exact(level)
    if "box" in options and options["box"] is not None:
        options["box"] = [(_exact(a), _exact(b)) for a, b in
                          (getattr(options["box"], "tolist", lambda: options["box"])())]
    try:
        stop = None if ends is None else functools.partial(_past, ends)
        return complete_landscape(ts, stop=stop, method=method, steps=steps, **options)
    except ValueError as exc:
        raise InputError(str(exc)) from None


def _exact(x) -> Fraction:
    """A box end or level as an exact rational (floats by their shortest decimal, as
    the tasks)."""
    from ..tasks import parse_rational
    if isinstance(x, (int, Fraction)) and not isinstance(x, bool):
        return Fraction(x)
    if isinstance(x, str):
        return parse_rational(x, "box")
    try:
        f = float(x)
    except (TypeError, ValueError):
        raise InputError(f"box or level: {type(x).__name__} is not a number") from None
    if not math.isfinite(f):
        raise InputError("box or level: give finite numbers (level='inf' for no level)")
    return parse_rational(repr(f), "box")


def _past(ends: float):
    """The ``stop`` callback of a run with a deadline (``time.monotonic()``)."""
    return "time: timeout reached" if time.monotonic() > ends else None
