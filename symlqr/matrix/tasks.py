"""Matrix LQR tasks with exact rational entries, and matrix task files.

A task is ``(A, B, Q, R, Sigma0, Sigma0a)`` with ``A`` ``d x d``, ``B`` ``d x r``,
``Q`` ``d x d`` symmetric >= 0, ``R`` ``r x r`` symmetric > 0, ``Sigma0`` (default
the identity) symmetric >= 0 and nonzero for the outer cost and ``Sigma0a`` (default
``Sigma0``) for the adaptation. A semidefinite ``Sigma0`` (e.g. ``x0 x0'``, the
cost from one fixed initial state) is accepted; ``definite`` says whether both
covariances are positive definite, which some certificates need (see
``docs/matrix.md``, "Rank-one Sigma0"). Entries are exact rationals read by
:func:`symlqr.tasks.parse_rational` (text is never evaluated). A scalar task
``(A, B, Q, R, s0, s0a)`` is the 1 x 1 task with ``Sigma0 = s0^2``.

>>> t = MatrixTask([[1, "0.1"], [0, 1]], [[0], [1]], [[1, 0], [0, 1]], [["1/2"]])
>>> t.d, t.r, t.Sigma0
(2, 1, ((Fraction(1, 1), Fraction(0, 1)), (Fraction(0, 1), Fraction(1, 1))))
>>> MatrixTask.from_scalar(1, 1, 2, 2, s0=3).Sigma0
((Fraction(9, 1),),)
>>> t.definite, MatrixTask(t.A, t.B, t.Q, t.R, [[1, 2], [2, 4]]).definite   # x0 = (1, 2)
(True, False)

numpy arrays are accepted: integers exactly, floats entry by entry through
their shortest decimal representation (``Fraction(repr(x))``: ``0.1`` is
``1/10``), object arrays of Fractions exactly (:func:`_from_array`).

>>> import numpy as np
>>> MatrixTask(np.array([[1, 0.1], [0, 1]]), np.array([[0], [1]]), np.eye(2), np.array([[0.5]])).A
((Fraction(1, 1), Fraction(1, 10)), (Fraction(0, 1), Fraction(1, 1)))
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Optional

import numpy as np

from ..taskfiles import read_task_document
from ..tasks import InputError, as_rational

__all__ = ["MatrixTask", "MatrixTaskSet", "load_matrix_tasks_file", "MATRIX_KEYS"]

MATRIX_KEYS = ("A", "B", "Q", "R", "Sigma0", "Sigma0a")
SCALAR_KEYS = ("A", "B", "Q", "R", "s0", "s0a")


def _matrix(x, what):
    """Nested list (or a number, read as 1 x 1, or a numpy array) -> tuple of
    tuples of Fractions. See :func:`_from_array` for numpy arrays."""
    if hasattr(x, "dtype") and hasattr(x, "ndim"):
        return _from_array(x, what)
    if not isinstance(x, list):
        return ((as_rational(x, what),),)
    if not x or not all(isinstance(row, (list, tuple)) or getattr(row, "ndim", None) == 1
                        for row in x):
        raise InputError(f"{what}: expected a matrix as a list of rows (lists of numbers)")
    x = [list(row) for row in x]
    n = len(x[0])
    if n == 0 or any(len(row) != n for row in x):
        raise InputError(f"{what}: rows must be non-empty and of equal length")
    return tuple(tuple(as_rational(v, f"{what}[{i + 1}][{j + 1}]") for j, v in enumerate(row))
                 for i, row in enumerate(x))


#: numpy dtype kinds read exactly (integers, Python objects such as Fraction) or by
#: the stated rule (floats: each entry's shortest decimal representation)
ARRAY_KINDS = {"i": "integers", "u": "unsigned integers", "f": "floats", "O": "objects"}


def _from_array(a, what):
    """A 2-d numpy array (0-d: a 1 x 1 matrix) -> tuple of tuples of Fractions.

    Integer arrays are read exactly; float arrays entry by entry through the
    float's shortest decimal representation, ``Fraction(repr(x))``, so ``0.1``
    is ``1/10`` (the number typed, not the binary double); object arrays entry
    by entry as numbers (Fractions and ints exactly). Any other array (bool,
    complex, text, other shapes) is refused in one sentence.

    >>> import numpy as np
    >>> _from_array(np.array([[1, 2], [0, 1]]), "A")[0]
    (Fraction(1, 1), Fraction(2, 1))
    >>> _from_array(np.array([[0.1]]), "Q"), _from_array(np.array([[Fraction(1, 3)]], dtype=object), "R")
    (((Fraction(1, 10),),), ((Fraction(1, 3),),))
    >>> _from_array(np.array([1.0, 2.0]), "B")
    Traceback (most recent call last):
    ...
    symlqr.tasks.InputError: B: expected a 2-d array (a matrix), got shape (2,); write a column as np.array([[b1], [b2]])
    """
    if a.dtype.kind not in ARRAY_KINDS:
        raise InputError(f"{what}: a numpy array of dtype {a.dtype} is not a matrix of numbers "
                         "(give integers, floats, or Fractions in an object array)")
    if a.ndim == 0:
        return ((as_rational(a[()], what),),)
    if a.ndim != 2 or 0 in a.shape:
        raise InputError(f"{what}: expected a 2-d array (a matrix), got shape {a.shape}; "
                         "write a column as np.array([[b1], [b2]])")
    # numpy scalars entry by entry: float32 keeps its own shortest representation
    return _matrix([list(row) for row in a], what)


def _shape(m):
    return len(m), len(m[0])


def _symmetric(m, what):
    n, k = _shape(m)
    if n != k or any(m[i][j] != m[j][i] for i in range(n) for j in range(n)):
        raise InputError(f"{what} must be a symmetric square matrix")


def _pivots(m):
    """Pivots of the exact symmetric Gaussian elimination (LDL', no pivoting)."""
    a = [list(row) for row in m]
    n, out = len(a), []
    for k in range(n):
        p = a[k][k]
        out.append(p)
        if p == 0:
            return out
        for i in range(k + 1, n):
            f = a[i][k] / p
            for j in range(k + 1, n):
                a[i][j] -= f * a[k][j]
    return out


def _positive_definite(m) -> bool:
    """Exact: all pivots of the symmetric elimination are > 0."""
    piv = _pivots(m)
    return len(piv) == len(m) and all(p > 0 for p in piv)


def _semidefinite(m) -> bool:
    """Exact: symmetric elimination; a zero pivot needs a zero row, else not PSD."""
    a = [list(row) for row in m]
    n = len(a)
    for k in range(n):
        p = a[k][k]
        if p < 0 or (p == 0 and any(a[k][j] != 0 for j in range(k + 1, n))):
            return False
        if p == 0:
            continue
        for i in range(k + 1, n):
            f = a[i][k] / p
            for j in range(k + 1, n):
                a[i][j] -= f * a[k][j]
    return True


@dataclass(frozen=True)
class MatrixTask:
    """One matrix LQR task with exact entries (tuples of tuples of Fractions)."""
    A: tuple
    B: tuple
    Q: tuple
    R: tuple
    Sigma0: Optional[tuple] = None
    Sigma0a: Optional[tuple] = None

    def __post_init__(self):
        for k in MATRIX_KEYS:
            v = getattr(self, k)
            if v is not None:
                object.__setattr__(self, k, _matrix(v if not isinstance(v, tuple)
                                                    else [list(r) for r in v], k))
        d = len(self.A)
        eye = tuple(tuple(Fraction(int(i == j)) for j in range(d)) for i in range(d))
        if self.Sigma0 is None:
            object.__setattr__(self, "Sigma0", eye)
        if self.Sigma0a is None:
            object.__setattr__(self, "Sigma0a", self.Sigma0)
        self.validate()

    @property
    def d(self) -> int:
        return len(self.A)

    @property
    def r(self) -> int:
        return len(self.B[0])

    def validate(self) -> None:
        d = self.d
        if _shape(self.A) != (d, d):
            raise InputError(f"A must be square, got {_shape(self.A)[0]} x {_shape(self.A)[1]}")
        if _shape(self.B)[0] != d:
            raise InputError(f"B must have {d} rows (as A), got {_shape(self.B)[0]}")
        for k, n in (("Q", d), ("R", self.r), ("Sigma0", d), ("Sigma0a", d)):
            if _shape(getattr(self, k)) != (n, n):
                raise InputError(f"{k} must be {n} x {n}")
            _symmetric(getattr(self, k), k)
        if not _positive_definite(self.R):
            raise InputError("R must be positive definite (the control cost)")
        for k in ("Sigma0", "Sigma0a"):
            m = getattr(self, k)
            if not _semidefinite(m) or all(v == 0 for row in m for v in row):
                raise InputError(f"{k} must be positive semidefinite and nonzero "
                                 "(initial-state covariance, e.g. x0 x0')")
        if not _semidefinite(self.Q):
            raise InputError("Q must be positive semidefinite (the state cost)")
        try:
            from .lqr import optimal_gain, is_stabilizing
            A, B, Q, R = self.floats()[:4]
            W = optimal_gain(A, B, Q, R)
            ok = np.all(np.isfinite(W)) and is_stabilizing(W, A, B)
        except (ValueError, np.linalg.LinAlgError):
            ok = False
        if not ok:
            raise InputError("task has no stabilizing optimal gain (the Riccati equation has "
                             "no stabilizing solution: check that (A, B) is stabilizable)")

    @property
    def definite(self) -> bool:
        """Both ``Sigma0`` and ``Sigma0a`` positive definite (exact)."""
        return _positive_definite(self.Sigma0) and _positive_definite(self.Sigma0a)

    @classmethod
    def from_scalar(cls, A, B, Q, R, s0=1, s0a=None) -> "MatrixTask":
        """The 1 x 1 task of a scalar task: ``Sigma0 = s0^2``, ``Sigma0a = s0a^2``."""
        s0 = as_rational(s0, "s0")
        s0a = s0 if s0a is None else as_rational(s0a, "s0a")
        return cls(A, B, Q, R, [[s0 * s0]], [[s0a * s0a]])

    @classmethod
    def from_mapping(cls, m) -> "MatrixTask":
        """From a table with matrix keys (A, B, Q, R[, Sigma0, Sigma0a]) or the
        scalar keys (A, B, Q, R[, s0, s0a])."""
        if not isinstance(m, dict):
            raise InputError("each task must be a table/object with keys A, B, Q, R")
        keys = set(m)
        if keys & {"s0", "s0a"} and keys & {"Sigma0", "Sigma0a"}:
            raise InputError("give either s0/s0a (scalar) or Sigma0/Sigma0a, not both")
        unknown = keys - set(MATRIX_KEYS) - set(SCALAR_KEYS)
        if unknown:
            raise InputError(f"task has unknown key(s) {sorted(unknown)}; allowed: "
                             f"{', '.join(MATRIX_KEYS)} (or s0, s0a for a scalar task)")
        missing = [k for k in ("A", "B", "Q", "R") if k not in m]
        if missing:
            raise InputError(f"task is missing {', '.join(missing)}")
        if keys & {"s0", "s0a"}:
            if any(isinstance(m[k], list) for k in m):
                raise InputError("s0/s0a are for scalar tasks; use Sigma0/Sigma0a with matrices")
            return cls.from_scalar(*(m[k] for k in ("A", "B", "Q", "R")), m.get("s0", 1),
                                   m.get("s0a"))
        return cls(*(m.get(k) for k in MATRIX_KEYS))

    def floats(self):
        """``(A, B, Q, R, Sigma0, Sigma0a)`` as float arrays."""
        return tuple(np.array([[float(v) for v in row] for row in getattr(self, k)])
                     for k in MATRIX_KEYS)

    def to_dict(self) -> dict:
        return {k: [[str(v) for v in row] for row in getattr(self, k)] for k in MATRIX_KEYS}


@dataclass(frozen=True)
class MatrixTaskSet:
    """Matrix tasks of one shape, step size ``eta``, weights (normalized to 1)."""
    tasks: tuple
    eta: Fraction
    weights: tuple = ()
    name: str = "custom"
    note: str = ""

    def __init__(self, tasks, eta, weights=None, name="custom", note=""):
        tasks = tuple(tasks)
        if not tasks:
            raise InputError("no tasks given: the task list is empty")
        shapes = {(t.d, t.r) for t in tasks}
        if len(shapes) != 1:
            raise InputError(f"tasks must share one shape (d, r); got {sorted(shapes)}")
        eta = as_rational(eta, "eta")
        if eta <= 0:
            raise InputError(f"eta = {eta} <= 0: the step size must be > 0")
        if weights is None or len(weights) == 0:      # a numpy array too
            w = tuple(Fraction(1, len(tasks)) for _ in tasks)
        else:
            w = tuple(as_rational(x, f"weight {k + 1}") for k, x in enumerate(weights))
            if len(w) != len(tasks):
                raise InputError(f"{len(w)} weights for {len(tasks)} tasks: "
                                 "give one weight per task")
            if any(x < 0 for x in w) or sum(w) == 0:
                raise InputError("weights must be >= 0 and not all zero")
            w = tuple(x / sum(w) for x in w)
        for k, v in (("tasks", tasks), ("eta", eta), ("weights", w), ("name", name),
                     ("note", note)):
            object.__setattr__(self, k, v)

    @property
    def shape(self):
        """``(r, d)``: the shape of a gain ``W``."""
        return self.tasks[0].r, self.tasks[0].d

    def float_tasks(self):
        """Every task as float arrays ``(A, B, Q, R, Sigma0, Sigma0a)`` (cached)."""
        cache = self.__dict__.get("_floats")
        if cache is None:
            cache = [t.floats() for t in self.tasks]
            object.__setattr__(self, "_floats", cache)
        return cache

    def to_dict(self) -> dict:
        return {"eta": str(self.eta), "weights": [str(w) for w in self.weights],
                "tasks": [t.to_dict() for t in self.tasks]}


def load_matrix_tasks_file(path: str) -> dict:
    """Read a JSON or TOML task file with matrix (or scalar) tasks::

        eta = "0.01"
        weights = [1, 1]                 # optional
        [[tasks]]
        A = [[1, "0.1"], [0, 1]]
        B = [[0], [1]]
        Q = [[1, 0], [0, 1]]
        R = [[1]]
        Sigma0 = [[1, 0], [0, 1]]        # optional, default identity; Sigma0a optional

    Returns ``{"tasks": [MatrixTask...], "eta": Fraction|None, "weights": list|None,
    "name": str, "note": str}``.
    """
    data = read_task_document(path)
    if not isinstance(data, dict) or "tasks" not in data:
        raise InputError(f"tasks file {path!r}: expected a top-level 'tasks' list")
    unknown = set(data) - {"tasks", "eta", "weights", "name", "note"}
    if unknown:
        raise InputError(f"tasks file {path!r}: unknown key(s) {sorted(unknown)}; "
                         "allowed: tasks, eta, weights, name, note")
    if not isinstance(data["tasks"], list):
        raise InputError(f"tasks file {path!r}: 'tasks' must be a list")
    tasks = []
    for k, m in enumerate(data["tasks"]):
        try:
            tasks.append(MatrixTask.from_mapping(m))
        except InputError as exc:
            raise InputError(f"tasks file {path!r}: task {k + 1}: {exc}") from None
    try:
        eta = as_rational(data["eta"], "eta") if "eta" in data else None
        weights = data.get("weights")
        if weights is not None:
            if not isinstance(weights, list):
                raise InputError("'weights' must be a list")
            weights = [as_rational(w, f"weight {k + 1}") for k, w in enumerate(weights)]
    except InputError as exc:
        raise InputError(f"tasks file {path!r}: {exc}") from None
    return {"tasks": tasks, "eta": eta, "weights": weights,
            "name": str(data.get("name", "custom")), "note": str(data.get("note", ""))}
