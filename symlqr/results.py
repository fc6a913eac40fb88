"""One protocol for every result: a table as ``str``, HTML in Jupyter, a dict,
CSV rows, a matplotlib picture and ``save(path)`` by the file's suffix.

Scalar landscapes (both engines), the fixed points of MAML variants, matrix
points, atlases and sweep tables all derive from :class:`Result`. The data
(``to_dict``, ``to_rows``) lives with each result; the views (text, HTML,
picture) live in :mod:`symlqr.render.views`, above every result in the
layering: the package root registers them in :data:`symlqr.hooks.VIEWS`, so
this module imports nothing of the rendering layer.

=============  ==========================================================
``str(r)``     the text table (``print(r)``; the command line's output)
``r._repr_html_()``  an HTML table (Jupyter shows it)
``r.to_dict()``  the JSON document (``--json``)
``r.to_rows()``  one flat dict a row (a point, a piece, a sweep point)
``r.to_csv()``   those rows as CSV text with a header line
``r.plot()``     a ``matplotlib.figure.Figure`` (needs matplotlib)
``r.save(p)``    by suffix: ``.json .csv .txt .html .png .svg .pdf``
=============  ==========================================================

>>> import json, os, tempfile, symlqr
>>> ls = symlqr.certify_landscape("fig1")
>>> isinstance(ls, Result), ls.to_csv().splitlines()[0]
(True, 'index,W,label,type,multiplicity,kind,h,global,domain_interval')
>>> path = os.path.join(tempfile.mkdtemp(), "fig1.json")
>>> _ = ls.save(path)
>>> json.load(open(path))["counts"]["global_min"]
3
"""
from __future__ import annotations

import csv
import io
import json
import os
import tempfile
from typing import Optional

from . import hooks
from .tasks import InputError

__all__ = ["Result", "SAVE_SUFFIXES", "flat_row", "rows_csv", "write_atomic"]

#: suffix -> what :meth:`Result.save` writes
SAVE_SUFFIXES = {".json": "json", ".csv": "csv", ".txt": "text", ".html": "html",
                 ".png": "png", ".svg": "svg", ".pdf": "pdf"}


def flat_row(doc: dict) -> dict:
    """A row for CSV or pandas: lists and tables become JSON text, ``None`` stays.

    >>> flat_row({"W": [[0.5]], "type": "min", "h": None})
    {'W': '[[0.5]]', 'type': 'min', 'h': None}
    """
    return {k: json.dumps(v) if isinstance(v, (list, dict, tuple)) else v for k, v in doc.items()}


def rows_csv(rows: list, columns: Optional[tuple] = None) -> str:
    """CSV text (``\\n`` line ends) of dict rows; the columns are ``columns`` or
    every key in the order first seen; a missing or ``None`` value is empty.

    >>> print(rows_csv([{"a": 1, "b": None}, {"a": 2, "c": True}]), end="")
    a,b,c
    1,,
    2,,True
    """
    if columns is None:
        columns = tuple(dict.fromkeys(k for r in rows for k in r))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for r in rows:
        writer.writerow(["" if r.get(c) is None else r[c] for c in columns])
    return out.getvalue()


def write_atomic(path: str, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder
    and a rename, so an interrupted run never leaves a truncated file.

    On any failure the temporary file is removed and ``path`` is untouched;
    an operating-system error becomes an :class:`InputError` (one line)."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        fd, tmp = tempfile.mkstemp(prefix=".symlqr-", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InputError(f"cannot write {path!r}: {exc.strerror or exc}") from None
    try:
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)            # as an ordinary new file, not mkstemp's 0600
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            raise InputError(f"cannot write {path!r}: {exc.strerror or exc}") from None
        raise


class Result:
    """The common surface of every certified result (a mixin: dataclasses keep
    their fields). A subclass gives ``to_dict()``; ``to_rows()`` defaults to
    the entries of ``to_dict()[rows_key]`` (or the whole document as one row
    when ``rows_key`` is ``None``); ``csv_columns`` fixes the CSV header.

    The views are looked up by class name along the method resolution order
    in :data:`symlqr.hooks.VIEWS` (a subclass such as ``IntervalLandscape``
    shows as its base ``Landscape`` unless it has views of its own)."""

    rows_key: Optional[str] = None
    csv_columns: Optional[tuple] = None

    def to_dict(self) -> dict:                     # pragma: no cover - every result has one
        raise NotImplementedError

    def to_rows(self) -> list:
        """One flat dict a row (lists as JSON text): a table for pandas or CSV."""
        doc = self.to_dict()
        entries = [doc] if self.rows_key is None else doc[self.rows_key]
        return [flat_row(e) for e in entries]

    def to_csv(self) -> str:
        """:meth:`to_rows` as CSV text with a header line."""
        return rows_csv(self.to_rows(), self.csv_columns)

    def _view(self, what: str, **options):
        for cls in type(self).__mro__:
            view = hooks.VIEWS.get(cls.__name__)
            if view is not None:
                return view(self, what, **options)
        return None

    def __str__(self) -> str:
        text = self._view("text")
        return repr(self) if text is None else text

    def _repr_html_(self) -> Optional[str]:
        return self._view("html")

    def plot(self, **options):
        """A ``matplotlib.figure.Figure`` of the result (no pyplot: show it in
        Jupyter, or ``fig.savefig(...)``); ``options`` go to the drawing
        function of :mod:`symlqr.render.views`."""
        return self._view("plot", **options)

    def save(self, path: str, **options) -> str:
        """Write the result to ``path``, the format from its suffix: ``.json``
        (:meth:`to_dict`), ``.csv`` (:meth:`to_csv`), ``.txt`` (the text
        table), ``.html``, or a picture ``.png``/``.svg``/``.pdf`` (:meth:`plot`,
        ``options`` passed on). The file is replaced in one step (never left
        half-written); returns ``path``."""
        path = os.fspath(path)
        kind = SAVE_SUFFIXES.get(os.path.splitext(path)[1].lower())
        if kind is None:
            raise InputError(f"save({path!r}): unknown suffix; use one of "
                             f"{', '.join(SAVE_SUFFIXES)}")
        if kind == "json":
            data = json.dumps(self.to_dict(), indent=2).encode() + b"\n"
        elif kind == "csv":
            data = self.to_csv().encode()
        elif kind in ("text", "html"):
            data = ((str(self) if kind == "text" else self._repr_html_()) + "\n").encode()
        else:
            data = self._view("image", fmt=kind, **options)
        write_atomic(path, data)
        return path
