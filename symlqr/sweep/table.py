"""A sweep's rows as one table: CSV (always) or Parquet (when pyarrow is installed).

Exact values stay strings (decimals with certified digits, or fractions such as
``8/175``); beside each, a ``*_float`` column holds the nearest float; counts
are integers.
The bytes are returned, not written: the command line writes them atomically.

>>> rows = [{"index": 0, "label": "fig1", "spurious_min": 0, "epsilon": "0"}]
>>> to_csv(rows, columns=("index", "label", "spurious_min", "epsilon")).decode()
'index,label,spurious_min,epsilon\\r\\n0,fig1,0,0\\r\\n'
"""
from __future__ import annotations

import csv
import io

from ..results import Result, rows_csv
from ..tasks import InputError
from .points import COLUMNS, FLOAT_COLUMNS

__all__ = ["to_csv", "to_parquet", "table_bytes", "table_format", "FORMATS", "INTEGER_COLUMNS",
           "SweepRows"]

FORMATS = ("csv", "parquet")
INTEGER_COLUMNS = ("index", "n", "seed", "tasks", "distinct", "stationary", "min", "max",
                   "degenerate", "global_min", "spurious_min")


def to_csv(rows: list, columns=COLUMNS) -> bytes:
    """RFC 4180 CSV (header row; an empty field is a missing value)."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(columns)
    for r in rows:
        w.writerow(["" if r.get(c) is None else r[c] for c in columns])
    return buf.getvalue().encode("utf-8")


def to_parquet(rows: list, columns=COLUMNS) -> bytes:
    """Parquet bytes: integer columns int64, ``*_float`` columns float64, the
    other columns strings."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        raise InputError("Parquet output needs pyarrow: pip install pyarrow "
                         "(or write .csv)") from None
    arrays = {c: pa.array([r.get(c) for r in rows],
                          type=pa.int64() if c in INTEGER_COLUMNS else
                          pa.float64() if c in FLOAT_COLUMNS else pa.string())
              for c in columns}
    sink = io.BytesIO()
    pq.write_table(pa.table(arrays), sink)
    return sink.getvalue()


def table_format(path: str) -> str:
    """``csv`` or ``parquet`` from the file name."""
    low = path.lower()
    if low.endswith(".csv"):
        return "csv"
    if low.endswith(".parquet") or low.endswith(".pq"):
        return "parquet"
    raise InputError(f"{path!r}: the table's name must end in .csv or .parquet")


def table_bytes(rows: list, fmt: str, columns=COLUMNS) -> bytes:
    if fmt not in FORMATS:
        raise InputError(f"table format {fmt!r}: choose csv or parquet")
    return to_csv(rows, columns) if fmt == "csv" else to_parquet(rows, columns)


class SweepRows(list, Result):
    """The rows of a sweep (a list of dicts, as before) with the protocol of
    every result (:class:`symlqr.results.Result`): ``print(rows)`` is a table,
    ``rows.to_csv()`` the CSV of ``--output``, ``rows.plot()`` a phase diagram
    over two parameters that vary or lines over one.

    >>> rows = SweepRows([{"index": 0, "eta": "1/100", "status": "certified"},
    ...                   {"index": 1, "eta": "1/10", "status": "certified"}])
    >>> rows.varying(), rows.to_csv().splitlines()[1]
    (['eta'], '0,,,1/100,,,,,,,,,,certified,,,,,,,,,,,,,,,')
    """

    def to_dict(self) -> dict:
        return {"rows": list(self)}

    def to_rows(self) -> list:
        return list(self)

    def to_csv(self) -> str:
        extra = tuple(k for k in dict.fromkeys(k for r in self for k in r) if k not in COLUMNS)
        return rows_csv(self, COLUMNS + extra)

    def varying(self) -> list:
        """The grid parameters (``eta``, ``delta``, ``n``, ``seed``) taking more
        than one value over the rows."""
        return [a for a in ("eta", "delta", "n", "seed")
                if len({r.get(a) for r in self if r.get(a) is not None}) > 1]
