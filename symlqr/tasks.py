"""Scalar LQR tasks with exact rational parameters, and the paper's figures
(task files are read by :mod:`symlqr.taskfiles`).

A task is ``(A, B, Q, R, s0, s0a)``: dynamics ``s_{t+1} = A s_t + B a_t``, cost
``sum_t Q s_t^2 + R a_t^2``, initial state ``s0`` for the outer cost ``f`` and
``s0a`` (default ``s0``) for the adaptation cost ``g``. Every number is an exact
rational: text is parsed by a regular expression, never evaluated, so ``"0.1"``
is exactly ``1/10``.

>>> t = Task.parse("1, 1, 0.1, 1/10, 1")
>>> t.Q, t.R, t.s0_adapt
(Fraction(1, 10), Fraction(1, 10), Fraction(1, 1))
>>> len(figure("fig3d").tasks), figure("fig3d").eta
(11, Fraction(1, 10))

What a user naturally passes is accepted and turned into exact tasks at
construction, and anything else is refused there with one sentence: a task
may be a :class:`Task`, a tuple or list ``(A, B, Q, R[, s0[, s0a]])`` of
numbers, a mapping with those keys, or text ``"A,B,Q,R"``; a number may be an
int, a Fraction, text, a numpy integer, or a float read by its shortest
decimal representation (``Fraction(repr(x))``: ``0.1`` is ``1/10``, the number
typed, not the binary double); a task set may be named by its figure
(:func:`as_taskset`).

>>> TaskSet([(1, 1, 2, 2), (1, 1, 0.1, "1/10")], eta=0.01).tasks[1].Q
Fraction(1, 10)
>>> TaskSet([(1, 1, 2)], eta=0.01)
Traceback (most recent call last):
...
symlqr.tasks.InputError: task 1: expected 4 to 6 numbers (A, B, Q, R[, s0[, s0a]]), got 3
"""
from __future__ import annotations

import math
import re
import sys
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Optional, Sequence

__all__ = ["InputError", "Task", "TaskSet", "parse_rational", "as_rational", "as_taskset",
           "figure", "FIGURE_NAMES", "long_integers", "MAX_TEXT"]


class InputError(ValueError):
    """Bad user input. ``str(err)`` is a one-line message for the user."""


_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?", re.ASCII)
_FRACTION = re.compile(r"[+-]?\d+/\d+", re.ASCII)
MAX_TEXT = 5000        # characters in one number
MAX_EXPONENT = 5000    # |e| in 1e-5000
MAX_INPUT_BITS = 16610  # bits of an integer with MAX_TEXT digits (not a precision: see exact.precision)


@contextmanager
def long_integers(digits: int = MAX_TEXT + 1, exact: bool = False):
    """Let ``int(str)`` and ``str(int)`` handle integers of up to ``digits`` digits
    (0: any), beyond Python's default of 4300, inside the block; the previous
    limit is restored after. An existing larger limit (or none) is kept unless
    ``exact`` (then the limit is ``digits``: a parser of untrusted text longer
    than ``digits``, where int(str) would take quadratic time).

    >>> with long_integers():
    ...     len(str(int("7" * 4500)))
    4500
    """
    get = getattr(sys, "get_int_max_str_digits", None)
    if get is None:                                 # Python without the limit
        yield
        return
    old = get()
    new = digits if exact or old != 0 and (digits == 0 or old < digits) else old
    sys.set_int_max_str_digits(new)
    try:
        yield
    finally:
        sys.set_int_max_str_digits(old)


def parse_rational(text: str, what: str = "value") -> Fraction:
    """Exact rational from ``"3"``, ``"-0.25"``, ``"1e-9"`` or ``"2/3"``.

    Nothing is evaluated: the text must match a decimal or ``p/q`` literal.

    >>> parse_rational("0.1"), parse_rational("-2/6"), parse_rational("1e-9")
    (Fraction(1, 10), Fraction(-1, 3), Fraction(1, 1000000000))
    >>> parse_rational("__import__('os')")
    Traceback (most recent call last):
    ...
    symlqr.tasks.InputError: value: "__import__('os')" is not a number (use a decimal such as 0.1, an integer, or a fraction p/q)
    """
    if not isinstance(text, str):
        raise InputError(f"{what}: expected text, got {type(text).__name__}")
    s = text.strip()
    shown = s if len(s) <= 40 else s[:37] + "..."
    if len(s) > MAX_TEXT:
        raise InputError(f"{what}: number has more than {MAX_TEXT} characters")
    low = s.lower().lstrip("+-")
    if low in ("nan", "inf", "infinity"):
        raise InputError(f"{what}: {shown!r} is not a finite number")
    if _FRACTION.fullmatch(s):
        p, q = s.split("/")
        with long_integers():
            p, q = int(p), int(q)
        if q == 0:
            raise InputError(f"{what}: {shown!r} divides by zero")
        return Fraction(p, q)
    if _DECIMAL.fullmatch(s):
        m = re.search(r"[eE]([+-]?\d+)$", s)
        if m and abs(int(m.group(1))) > MAX_EXPONENT:
            raise InputError(f"{what}: exponent in {shown!r} is beyond +-{MAX_EXPONENT}")
        with long_integers(MAX_TEXT + MAX_EXPONENT + 1):
            return Fraction(s)
    raise InputError(f"{what}: {shown!r} is not a number (use a decimal such as 0.1, "
                     "an integer, or a fraction p/q)")


def as_rational(x, what: str = "value") -> Fraction:
    """Exact rational from an int, Fraction, Decimal, sympy Rational, text, a
    numpy integer, or a float.

    A float (Python's or numpy's) is read through its shortest decimal
    representation, ``Fraction(repr(x))``, so ``0.1`` becomes ``1/10`` (the
    number a user typed), not the binary double.

    >>> import numpy as np
    >>> as_rational(0.1), as_rational(np.float64(0.1)), as_rational(np.int64(-3))
    (Fraction(1, 10), Fraction(1, 10), Fraction(-3, 1))
    """
    if isinstance(x, bool):
        raise InputError(f"{what}: expected a number, got a boolean")
    if isinstance(x, Fraction):
        return x
    if isinstance(x, int):
        if x.bit_length() > MAX_INPUT_BITS:
            raise InputError(f"{what}: integer has more than {MAX_TEXT} digits")
        return Fraction(x)
    if isinstance(x, str):
        return parse_rational(x, what)
    if isinstance(x, float):                  # numpy.float64 too: its repr names the type
        if not math.isfinite(x):
            raise InputError(f"{what}: {float(x)!r} is not a finite number")
        return Fraction(repr(float(x)))
    if isinstance(x, Decimal):
        if not x.is_finite():
            raise InputError(f"{what}: {x} is not a finite number")
        return Fraction(x)
    kind = getattr(getattr(x, "dtype", None), "kind", None) if not getattr(x, "shape", ()) else None
    if kind in ("i", "u"):                         # a numpy integer
        return as_rational(int(x), what)
    if kind == "f":
        if not math.isfinite(float(x)):          # numpy float16/32/128: shortest repr of its own
            raise InputError(f"{what}: {float(x)!r} is not a finite number")
        return parse_rational(str(x), what)
    p, q = getattr(x, "p", None), getattr(x, "q", None)          # sympy Rational
    if isinstance(p, int) and isinstance(q, int) and getattr(x, "is_Rational", False):
        return Fraction(p, q)
    num, den = getattr(x, "numerator", None), getattr(x, "denominator", None)
    if isinstance(num, int) and isinstance(den, int):
        return Fraction(num, den)
    shown = {"NoneType": "null", "list": "a list", "dict": "a table",
             "date": "a date", "datetime": "a date", "time": "a time"}.get(
                 type(x).__name__, type(x).__name__)
    raise InputError(f"{what}: {shown} is not a number (use a decimal such as 0.1, "
                     "an integer, or a fraction p/q)")


FIELDS = ("A", "B", "Q", "R", "s0", "s0a")


@dataclass(frozen=True)
class Task:
    """One scalar LQR task with exact parameters.

    The cost of the policy ``a = -W s`` is
    ``C(W) = s0^2 (Q + R W^2) / (1 - (A - B W)^2)`` for ``|A - B W| < 1``.
    """
    A: Fraction
    B: Fraction
    Q: Fraction
    R: Fraction
    s0: Fraction = Fraction(1)
    s0a: Optional[Fraction] = None

    def __post_init__(self):
        for name in FIELDS:
            v = getattr(self, name)
            if v is None and name == "s0a":
                continue
            object.__setattr__(self, name, as_rational(v, name))
        self.validate()

    @property
    def s0_adapt(self) -> Fraction:
        """Initial state of the adaptation cost ``g`` (``s0a``, else ``s0``)."""
        return self.s0 if self.s0a is None else self.s0a

    def validate(self) -> None:
        if self.Q < 0:
            raise InputError(f"Q = {self.Q} < 0: the state cost must be >= 0, "
                             "otherwise C(W) is not an LQR cost")
        if self.R <= 0:
            raise InputError(f"R = {self.R} <= 0: the control cost must be > 0, "
                             "otherwise C(W) is not an LQR cost")
        if self.B == 0 and abs(self.A) >= 1:
            raise InputError(f"task (A={self.A}, B=0) has no stabilizing W: "
                             "|A - B W| = |A| >= 1 for every W")
        if self.Q == 0 and abs(self.A) == 1:
            raise InputError("Q = 0 with |A| = 1: the optimal cost is not attained "
                             "(the infimum sits on the stability boundary)")
        if self.s0 == 0:
            raise InputError("s0 = 0 makes the task's cost identically zero")

    @classmethod
    def parse(cls, text: str) -> "Task":
        """From ``"A,B,Q,R[,s0[,s0a]]"`` (``s0`` defaults to 1, as in task files).

        >>> Task.parse("1,1,2,2") == Task.parse("1,1,2,2,1")
        True
        """
        parts = [p for p in text.split(",")]
        if len(parts) not in (4, 5, 6):
            raise InputError(f"task {text.strip()[:40]!r}: expected 4 to 6 comma-separated "
                             f"fields A,B,Q,R[,s0[,s0a]], got {len(parts)}")
        vals = [parse_rational(p, f"field {FIELDS[k]}") for k, p in enumerate(parts)]
        return cls(*vals)

    @classmethod
    def from_mapping(cls, m) -> "Task":
        """From a mapping with keys A, B, Q, R, s0 (optional, default 1), s0a."""
        if not isinstance(m, dict):
            raise InputError("each task must be a table/object with keys A, B, Q, R, s0[, s0a]")
        unknown = set(m) - set(FIELDS)
        if unknown:
            raise InputError(f"task has unknown key(s) {sorted(unknown)}; allowed: {', '.join(FIELDS)}")
        missing = [k for k in ("A", "B", "Q", "R") if k not in m]
        if missing:
            raise InputError(f"task is missing {', '.join(missing)}")
        return cls(*(as_rational(m[k], k) if k in m else (Fraction(1) if k == "s0" else None)
                     for k in FIELDS))

    @classmethod
    def of(cls, x, what: str = "task") -> "Task":
        """A task from a :class:`Task`, a tuple or list ``(A, B, Q, R[, s0[, s0a]])``
        (or a 1-d numpy array), a mapping (:meth:`from_mapping`) or text
        ``"A,B,Q,R[,s0[,s0a]]"`` (:meth:`parse`); an :class:`InputError` naming
        ``what`` otherwise.

        >>> Task.of((1, 1, 2, 2)) == Task.of("1,1,2,2") == Task.of({"A": 1, "B": 1, "Q": 2, "R": 2})
        True
        """
        try:
            if isinstance(x, Task):
                return x
            if isinstance(x, str):
                return cls.parse(x)
            if isinstance(x, dict):
                return cls.from_mapping(x)
            if getattr(x, "ndim", None) == 1 and hasattr(x, "tolist"):
                x = x.tolist()
            if isinstance(x, (tuple, list)):
                if len(x) not in (4, 5, 6):
                    raise InputError(f"expected 4 to 6 numbers (A, B, Q, R[, s0[, s0a]]), "
                                     f"got {len(x)}")
                return cls(*(as_rational(v, FIELDS[k]) for k, v in enumerate(x)))
        except InputError as exc:
            raise InputError(f"{what}: {exc}") from None
        raise InputError(f"{what}: expected a Task, a tuple (A, B, Q, R[, s0[, s0a]]) of "
                         f"numbers, a mapping or text 'A,B,Q,R'; got {type(x).__name__}")

    def as_tuple(self) -> tuple:
        return (self.A, self.B, self.Q, self.R, self.s0, self.s0_adapt)

    def to_dict(self) -> dict:
        with long_integers(0):
            return {k: str(getattr(self, k) if k != "s0a" else self.s0_adapt) for k in FIELDS}


@dataclass(frozen=True)
class TaskSet:
    """Tasks, step size ``eta`` and weights (normalized to sum to 1).

    >>> ts = TaskSet([Task(1, 1, 2, 2)], "0.01")
    >>> ts.weights
    (Fraction(1, 1),)
    """
    tasks: tuple
    eta: Fraction
    weights: tuple = ()
    name: str = "custom"
    note: str = ""

    def __init__(self, tasks: Sequence[Task], eta, weights=None, name: str = "custom",
                 note: str = ""):
        if isinstance(tasks, (str, Task, dict)) or not hasattr(tasks, "__iter__"):
            raise InputError(f"tasks: expected a list of tasks, got {type(tasks).__name__} "
                             "(write TaskSet([task, ...], eta))")
        tasks = tuple(Task.of(t, f"task {k}") for k, t in enumerate(tasks, 1))
        if not tasks:
            raise InputError("no tasks given: the task list is empty")
        eta = as_rational(eta, "eta")
        if eta <= 0:
            raise InputError(f"eta = {eta} <= 0: the step size must be > 0")
        if weights is not None and not hasattr(weights, "__len__"):
            raise InputError(f"weights: expected one number a task, got {type(weights).__name__}")
        if weights is None or len(weights) == 0:
            w = tuple(Fraction(1, len(tasks)) for _ in tasks)
        else:
            w = tuple(as_rational(x, "weight") for x in weights)
            if len(w) != len(tasks):
                raise InputError(f"{len(w)} weight{'s' if len(w) != 1 else ''} for "
                                 f"{len(tasks)} task{'s' if len(tasks) != 1 else ''}: "
                                 "give one weight per task")
            for k, x in enumerate(w):
                if x < 0:
                    raise InputError(f"weight {k + 1} = {x} < 0: weights must be >= 0")
            total = sum(w)
            if total == 0:
                raise InputError("weights sum to zero: at least one weight must be > 0")
            w = tuple(x / total for x in w)
        object.__setattr__(self, "tasks", tasks)
        object.__setattr__(self, "eta", eta)
        object.__setattr__(self, "weights", w)
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "note", note)

    def to_dict(self) -> dict:
        with long_integers(0):
            return {"eta": str(self.eta), "weights": [str(w) for w in self.weights],
                    "tasks": [t.to_dict() for t in self.tasks]}


# ---------------------------------------------------------------------------
# The table of "Details on the experiments" (s0 = 1, s0a = s0).
# ---------------------------------------------------------------------------
_F3 = [(1, 1, 1, 1), (1, 1, 1, 2), (1, 1, 2, 1), (1, 1, 2, 3), (1, 1, 3, 2), (1, 1, 3, 1),
       (1, 1, 1, 3), (1, 1, 4, 1), (1, 1, 1, 4), (1, 1, 5, 3), (1, 1, 3, 5)]
_TABLE = {
    "fig1": ([(1, 1, 2, 2)], "0.01", "single LQR task (three global minima in the paper)"),
    "fig2": ([(1, 1, 2, 2), (1, 1, "0.1", "0.1")], "0.01",
             "two identical (scaled) tasks (spurious minima in the paper)"),
    "fig3a": ([("1.01", 1, 1, 1), (1, "1.01", 1, 1), (1, 1, "1.01", 1), ("0.99", 1, 1, 1)], "0.01",
              "similar tasks; the paper's table lists four tasks for Figure 3a while its "
              "caption says five: the four tasks of the table are used"),
    "fig3b": ([(1, 1, 1, 2), (1, 1, 2, 1)], "0.1", "two tasks with common dynamics"),
    "fig3c": (_F3[:5], "0.1", "five tasks with common dynamics"),
    "fig3d": (_F3, "0.1", "eleven tasks with common dynamics"),
}
FIGURE_NAMES = tuple(_TABLE)


def figure(name: str) -> TaskSet:
    """The task set of one of the paper's figures (``fig1`` ... ``fig3d``)."""
    if name not in _TABLE:
        raise InputError(f"unknown figure {name!r}; choose one of {', '.join(FIGURE_NAMES)} or all")
    rows, eta, note = _TABLE[name]
    tasks = [Task(*(as_rational(v) for v in row), Fraction(1)) for row in rows]
    return TaskSet(tasks, eta, name=name, note=note)


def as_taskset(x, what: str = "task set") -> TaskSet:
    """A :class:`TaskSet` from itself or a figure name (``"fig2"``); anything
    else is an :class:`InputError` that says how to build one.

    >>> as_taskset("fig2").eta
    Fraction(1, 100)
    >>> as_taskset([(1, 1, 2, 2)])
    Traceback (most recent call last):
    ...
    symlqr.tasks.InputError: task set: expected a TaskSet or a figure name (fig1, fig2, fig3a, fig3b, fig3c, fig3d), got list; build one with TaskSet(tasks, eta)
    """
    if isinstance(x, TaskSet):
        return x
    if isinstance(x, str):
        return figure(x.strip())
    raise InputError(f"{what}: expected a TaskSet or a figure name ({', '.join(FIGURE_NAMES)}), "
                     f"got {type(x).__name__}; build one with TaskSet(tasks, eta)")
