"""Task files: a JSON or TOML document of scalar tasks (or a task distribution),
read safely and exactly (numbers from their literal text, so ``0.1`` is
``1/10``; nothing is evaluated). The matrix task reader shares
:func:`read_task_document`.

>>> import json, os, tempfile
>>> with tempfile.TemporaryDirectory() as d:
...     p = os.path.join(d, "t.json")
...     with open(p, "w") as f:
...         json.dump({"eta": 0.01, "tasks": [{"A": 1, "B": 1, "Q": 2, "R": "1/3"}]}, f)
...     data = load_tasks_file(p)
>>> data["eta"], data["tasks"][0].R, data["weights"]
(Fraction(1, 100), Fraction(1, 3), None)
"""
from __future__ import annotations

import json
import os
import re
import stat
from typing import Optional

from .distributions import Distribution
from .tasks import MAX_TEXT, InputError, Task, as_rational, long_integers

__all__ = ["read_task_document", "load_tasks_file"]


def _read_regular_file(path: str, limit: int) -> bytes:
    """At most ``limit`` bytes of a regular file; a FIFO, device or folder is
    refused before anything is read (opening never blocks)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as exc:
        raise InputError(f"tasks file {path!r}: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise InputError(f"tasks file {path!r}: Is a directory")
        if not stat.S_ISREG(mode):
            raise InputError(f"tasks file {path!r}: not a regular file (a pipe or device); "
                             "give a .json or .toml file")
        chunks, size = [], 0
        while size < limit:
            chunk = os.read(fd, min(1 << 20, limit - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise InputError(f"tasks file {path!r}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)


def read_task_document(path: str):
    """The parsed JSON or TOML document of a task file (by suffix), read safely:
    a regular file of at most 10 MB, UTF-8, numbers kept as their literal text,
    integers of at most ``MAX_TEXT`` digits; every failure one :class:`InputError`.
    Shared by the scalar and the matrix task readers.

    >>> read_task_document("tasks.yaml")
    Traceback (most recent call last):
    ...
    symlqr.tasks.InputError: tasks file 'tasks.yaml': name must end in .json or .toml
    """
    low = path.lower()
    if not (low.endswith(".json") or low.endswith(".toml")):
        raise InputError(f"tasks file {path!r}: name must end in .json or .toml")
    raw = _read_regular_file(path, 10_000_001)
    if len(raw) > 10_000_000:
        raise InputError(f"tasks file {path!r}: larger than 10 MB")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"tasks file {path!r}: not UTF-8 text") from None
    if low.endswith(".json"):
        try:
            data = json.loads(text, parse_float=str, parse_int=str,
                              parse_constant=lambda c: (_ for _ in ()).throw(
                                  InputError(f"tasks file {path!r}: {c} is not a finite number")))
        except json.JSONDecodeError as exc:
            raise InputError(f"tasks file {path!r}: invalid JSON at line {exc.lineno} "
                             f"column {exc.colno}: {exc.msg}") from None
    else:
        try:
            import tomllib
        except ModuleNotFoundError:               # Python < 3.11
            import tomli as tomllib
        try:
            with long_integers(MAX_TEXT + 1, exact=True):    # TOML integers, bounded
                data = tomllib.loads(text, parse_float=str)
        except tomllib.TOMLDecodeError as exc:
            raise InputError(f"tasks file {path!r}: invalid TOML: {exc}") from None
        except ValueError:                      # int(str) beyond the limit above
            raise InputError(f"tasks file {path!r}: an integer has more than {MAX_TEXT} "
                             "digits") from None
    return data


def load_tasks_file(path: str) -> dict:
    """Read a JSON or TOML task file (by suffix ``.json`` / ``.toml``).

    Format (numbers as strings are read exactly; JSON/TOML numbers are read
    from their literal text, so ``0.1`` is ``1/10``)::

        eta = "0.01"              # optional if --eta is given
        weights = [1, 1]          # optional
        [[tasks]]
        A = 1
        B = 1
        Q = 2
        R = 2
        s0 = 1                    # optional, default 1
        s0a = 1                   # optional, default s0

    or, instead of (or after) the list, tasks drawn from a distribution
    (:mod:`symlqr.distributions`)::

        [distribution]
        A = 1
        B = 1
        Q = "uniform(1, 5)"
        R = "loguniform(0.1, 10)"
        n = 1000
        seed = 7

    Returns ``{"tasks": [Task...], "eta": Fraction|None, "weights": list|None}``.
    """
    data = read_task_document(path)
    if not isinstance(data, dict) or not ("tasks" in data or "distribution" in data):
        raise InputError(f"tasks file {path!r}: expected a top-level 'tasks' list "
                         "or a [distribution] table")
    unknown = set(data) - {"tasks", "eta", "weights", "distribution", "method", "steps"}
    if unknown:
        raise InputError(f"tasks file {path!r}: unknown key(s) {sorted(unknown)}; "
                         "allowed: tasks, eta, weights, distribution, method, steps")
    tasks = _document_tasks(path, data)
    try:
        eta = as_rational(data["eta"], "eta") if "eta" in data else None
        weights = _weights(data.get("weights"))
        method, steps = _method_steps(data)
    except InputError as exc:
        raise InputError(f"tasks file {path!r}: {exc}") from None
    return {"tasks": tasks, "eta": eta, "weights": weights, "method": method, "steps": steps,
            "note": drawn_note(data), "drawn_only": "distribution" in data and
            not data.get("tasks")}


def _document_tasks(path: str, data: dict) -> list:
    """The listed tasks of a task document, then those its ``distribution`` draws."""
    if not isinstance(data.get("tasks", []), list):
        raise InputError(f"tasks file {path!r}: 'tasks' must be a list")
    tasks = []
    for k, m in enumerate(data.get("tasks", [])):
        try:
            tasks.append(Task.from_mapping(m))
        except InputError as exc:
            raise InputError(f"tasks file {path!r}: task {k + 1}: {exc}") from None
    if "distribution" in data:                    # tasks drawn after the listed ones
        try:
            tasks += Distribution.from_mapping(data["distribution"]).draw()
        except InputError as exc:
            raise InputError(f"tasks file {path!r}: distribution: {exc}") from None
    return tasks


def drawn_note(data: dict) -> str:
    """``drawn from <laws, n, seed, digits>`` for a document with a distribution
    table (checked by :func:`_document_tasks` before), else ``""``."""
    if "distribution" not in data:
        return ""
    return f"drawn from {Distribution.from_mapping(data['distribution'])}"


def _weights(weights) -> Optional[list]:
    """The ``weights`` list of a task document read exactly (None when absent)."""
    if weights is None:
        return None
    if not isinstance(weights, list):
        raise InputError("'weights' must be a list")
    return [as_rational(w, f"weight {k + 1}") for k, w in enumerate(weights)]


def _method_steps(data: dict) -> tuple:
    """``method`` (a string) and ``steps`` (an integer, or its decimal text as
    JSON numbers arrive) of a task file, ``None`` when absent; the values are
    checked where they are used (``python -m symlqr.certify``)."""
    method, steps = data.get("method"), data.get("steps")
    if method is not None and not isinstance(method, str):
        raise InputError("'method' must be a string: maml, fomaml or reptile")
    if steps is not None:
        if isinstance(steps, str) and re.fullmatch(r"\d{1,3}", steps.strip()):
            steps = int(steps)
        if isinstance(steps, bool) or not isinstance(steps, int):
            raise InputError(f"'steps' must be a small integer >= 1, got {str(steps)[:20]!r}")
    return method, steps
