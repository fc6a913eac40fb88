"""The views of every result (:class:`symlqr.results.Result`): text, HTML and
a matplotlib picture, chosen by the result's class. Pure formatting of what
the result decided; the package root registers :func:`view` in
:data:`symlqr.hooks.VIEWS`.

=================  ==========================  =====================================
result             text                        picture
=================  ==========================  =====================================
Landscape          :func:`report.text_table`   :func:`plot.landscape_figure`
FixedPoints        :func:`compare.variant_table`  :func:`variant_plot.variant_figure`
PointCertificate   one line a fact             the entries of ``W``
SearchResult       one row a point             :func:`matrix_plot.gap_figure`
MatrixPoints       tasks, then one row a point  ``h`` (``r d = 1``), contours (2), else gaps
MatrixLandscape    :mod:`landscape_text`       :mod:`landscape_plot` (h with the boxes)
Atlas              :func:`atlas_text.atlas_table`  :func:`atlas_plot.atlas_figure`
StepsAtlas         :func:`steps_text.steps_table`  :func:`steps_plot.steps_figure`
SweepRows          one row a sweep point       phase diagram (2 axes) or lines (1 axis)
=================  ==========================  =====================================

>>> import symlqr
>>> print(view(symlqr.certify_landscape("fig3b", method="fomaml"), "html")[:36])
<div><b>fig3b</b>: fomaml with K = 1
"""
from __future__ import annotations

import html
from fractions import Fraction

from ..tasks import InputError
from .landscape_plot import MatrixLandscapeViews as _MatrixLandscape

__all__ = ["view", "VIEWS", "html_rows", "text_rows"]


# ---------------------------------------------------------------------------
# generic tables of rows
# ---------------------------------------------------------------------------
def _cell(v) -> str:
    return "" if v is None else str(v)


def text_rows(rows: list, columns: tuple) -> list:
    """Aligned text lines (a header, then one a row) of ``columns`` of ``rows``.

    >>> text_rows([{"a": 1, "b": "xy"}, {"a": 22, "b": None}], ("a", "b"))
    ['  a   b', '  1   xy', '  22']
    """
    width = {c: max([len(c)] + [len(_cell(r.get(c))) for r in rows]) for c in columns}
    lines = [[c for c in columns]] + [[_cell(r.get(c)) for c in columns] for r in rows]
    return ["  " + "  ".join(f"{v:<{width[c]}}" for c, v in zip(columns, line)).rstrip()
            for line in lines]


def html_rows(title: str, rows: list, columns: tuple, footer: str = "") -> str:
    """An HTML table (every value escaped) with a bold title and a footer line."""
    e = html.escape
    head = "".join(f"<th>{e(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{e(_cell(r.get(c)))}</td>" for c in columns)
                   + "</tr>" for r in rows)
    name, _, rest = title.partition(": ")
    shown = f"<b>{e(name)}</b>: {e(rest)}" if rest else f"<b>{e(title)}</b>"
    return f"<div>{shown}<table><tr>{head}</tr>{body}</table>{e(footer)}</div>"


def _status(doc: dict) -> str:
    if doc.get("certified"):
        return "certified"
    return "NOT certified: " + "; ".join(doc.get("undecided") or doc.get("reasons") or [])


# ---------------------------------------------------------------------------
# one class each
# ---------------------------------------------------------------------------
class _Landscape:
    @staticmethod
    def text(r):
        from .report import text_table
        return text_table(r.to_dict())

    @staticmethod
    def html(r):
        from .report import html_table
        return html_table(r.to_dict())

    @staticmethod
    def plot(r, **options):
        from .plot import landscape_figure
        return landscape_figure(r, **options)


class _FixedPoints:
    COLUMNS = ("index", "W", "h", "label")

    @staticmethod
    def text(r):
        from .compare import variant_table
        return variant_table(r.to_dict())

    @classmethod
    def html(cls, r):
        doc = r.to_dict()
        c = doc["counts"]
        eps = "" if doc["epsilon"] is None else f"; largest h - min h = {doc['epsilon']}"
        return html_rows(f"{doc['name']}: {doc['method']} with K = {doc['steps']}, "
                         f"eta = {doc['eta']}, {len(doc['tasks'])} task(s)", r.to_rows(),
                         cls.COLUMNS, f"{c['stationary']} fixed points, {c['attracting']} "
                         f"attracting{eps}; {_status(doc)}")

    @staticmethod
    def plot(r, **options):
        from .variant_plot import variant_figure
        return variant_figure(r.taskset, r.to_dict(), **options)


class _PointCertificate:
    COLUMNS = ("W", "type", "certified", "h", "gap_upper", "theorem2", "prec")

    @staticmethod
    def text(r):
        d = r.to_dict()
        lines = [f"matrix point W = {d['W']}: {d['certified_object']}",
                 f"  type {d['type']}; exists and unique {d['exists_unique']}; "
                 f"stabilizing {d['stabilizing']}; certified {d['certified']}",
                 f"  h in {d['h']}; h - min h <= {d['gap_upper']}; box radius "
                 f"{d['box_radius']}; {d['prec']} bits"]
        lines += [f"  undecided: {u}" for u in d["reasons"]]
        return "\n".join(lines)

    @classmethod
    def html(cls, r):
        d = r.to_dict()
        return html_rows(f"matrix point: {d['certified_object']}", r.to_rows(), cls.COLUMNS,
                         _status(d))

    @staticmethod
    def plot(r, **options):
        return _gain_figure([r], **options)


class _SearchResult:
    COLUMNS = ("index", "W", "type", "certified", "h", "gap_upper", "spurious", "runs")

    @classmethod
    def rows(cls, r):
        return [dict(row, index=k) for k, row in enumerate(r.to_rows(), 1)]

    @classmethod
    def text(cls, r, head=()):
        doc = r.to_dict()
        lines = list(head) + (text_rows(cls.rows(r), cls.COLUMNS) if doc["points"]
                              else ["  no points found"])
        lines.append(f"  {len(doc['runs'])} runs, {doc['spurious_runs']} ended at a point "
                     f"proven not global, {doc['runs_unresolved']} unresolved; "
                     f"{doc['completeness']}")
        return "\n".join(lines)

    @classmethod
    def html(cls, r, title="Algorithm 1 and certificates"):
        doc = r.to_dict()
        return html_rows(title, cls.rows(r), cls.COLUMNS,
                         f"{len(doc['runs'])} runs; {doc['completeness']}")

    @staticmethod
    def plot(r, **options):
        from .matrix_plot import gap_figure
        return gap_figure(r, **options)


class _MatrixPoints:
    @staticmethod
    def head(r):
        ts = r.taskset
        rr, d = ts.shape
        return [f"{ts.name}: matrix MAML ({r.method}, K = {r.steps}), eta = {ts.eta}, "
                f"{len(ts.tasks)} task(s), W is {rr} x {d}; engine {r.engine}"]

    @classmethod
    def text(cls, r):
        return _SearchResult.text(r.search, cls.head(r))

    @classmethod
    def html(cls, r):
        return _SearchResult.html(r.search, cls.head(r)[0])

    @staticmethod
    def plot(r, **options):
        rr, d = r.taskset.shape
        if rr * d == 2:
            from .matrix_contour import contour_figure
            return contour_figure(r.taskset, r.points, title=f"{r.taskset.name}: certified "
                                  f"points of {r.method}", **options)
        if rr * d == 1:
            return _curve_figure(r, **options)
        return _SearchResult.plot(r.search, **options)


class _Atlas:
    COLUMNS = ("lo", "hi", "stationary", "min", "global_min", "spurious_min", "points")

    @staticmethod
    def text(r):
        from .atlas_text import atlas_table
        return atlas_table(r.to_dict())

    @classmethod
    def html(cls, r):
        doc = r.to_dict()
        return html_rows(f"{doc['name']}: atlas over {doc['parameter']} in "
                         f"({doc['range'][0]}, {doc['range'][1]}]", r.to_rows(), cls.COLUMNS,
                         f"{len(doc['critical_values'])} critical values; {_status(doc)}")

    @staticmethod
    def plot(r, **options):
        from .atlas_plot import atlas_figure
        return atlas_figure(r, **options)


class _StepsAtlas:
    COLUMNS = ("steps", "attracting", "W", "label", "epsilon", "certified")

    @staticmethod
    def text(r):
        from .steps_text import steps_table
        return steps_table(r.to_dict())

    @classmethod
    def html(cls, r):
        doc = r.to_dict()
        return html_rows(f"{doc['name']}: {doc['method']} for K = {doc['range'][0]} to "
                         f"{doc['range'][1]}, eta = {doc['eta']}", r.to_rows(), cls.COLUMNS,
                         _status(doc))

    @staticmethod
    def plot(r, **options):
        from .steps_plot import steps_figure
        return steps_figure(r.to_dict(), **options)


class _SweepRows:
    SHOWN = ("index", "label", "eta", "delta", "n", "seed", "status", "stationary", "min",
             "global_min", "spurious_min", "epsilon")

    @classmethod
    def columns(cls, r) -> tuple:
        return tuple(c for c in cls.SHOWN if any(row.get(c) is not None for row in r))

    @classmethod
    def text(cls, r):
        return "\n".join([f"sweep: {len(r)} points"] + text_rows(list(r), cls.columns(r)))

    @classmethod
    def html(cls, r):
        done = sum(row.get("status") == "certified" for row in r)
        return html_rows(f"sweep: {len(r)} points", list(r), cls.columns(r),
                         f"{done} of {len(r)} certified")

    @staticmethod
    def plot(r, value: str = "epsilon"):
        axes = r.varying()
        if len(axes) == 2:
            from ..sweep.plot import phase_figure
            return phase_figure(list(r), axes[0], axes[1], value)
        if len(axes) == 1:
            return _sweep_lines(r, axes[0])
        raise InputError("a sweep picture needs one or two parameters that vary "
                         f"(eta, delta, n, seed); this sweep varies {len(axes)}")


VIEWS = {"Landscape": _Landscape, "FixedPoints": _FixedPoints,
         "PointCertificate": _PointCertificate, "SearchResult": _SearchResult,
         "MatrixPoints": _MatrixPoints, "Atlas": _Atlas, "StepsAtlas": _StepsAtlas,
         "SweepRows": _SweepRows, "MatrixLandscape": _MatrixLandscape}


def view(result, what: str, **options):
    """``what``: "text" (str), "html" (str), "plot" (a matplotlib Figure) or
    "image" (PNG/SVG/PDF bytes of the plot, ``fmt=`` "png", "svg" or "pdf"
    in ``options``) of ``result``."""
    for cls in type(result).__mro__:
        views = VIEWS.get(cls.__name__)
        if views is not None:
            break
    else:
        raise TypeError(f"no views for {type(result).__name__}")
    if what == "image":
        from .plot import render
        fmt = options.pop("fmt")
        _matplotlib()
        return render(views.plot(result, **options), fmt)
    if what == "plot":
        _matplotlib()
        return views.plot(result, **options)
    return getattr(views, what)(result)


def _matplotlib() -> None:
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        raise InputError("plot() needs matplotlib: pip install matplotlib") from None


# ---------------------------------------------------------------------------
# pictures of their own
# ---------------------------------------------------------------------------
def _gain_figure(points: list, title: str = ""):
    """The entries of each certified gain ``W`` (one panel a point), annotated
    with their values, the point's type in the panel's title."""
    import numpy as np
    from .plot import LandscapeFigure
    fig = LandscapeFigure(figsize=(2.6 * max(1, len(points)) + 0.6, 2.8), layout="constrained")
    axes = fig.subplots(1, max(1, len(points)), squeeze=False)[0]
    for ax, p in zip(axes, points):
        W = np.atleast_2d(np.array(p.W, dtype=float))
        ax.imshow(W, cmap="coolwarm", vmin=-np.abs(W).max() or -1, vmax=np.abs(W).max() or 1)
        for (i, j), v in np.ndenumerate(W):
            ax.text(j, i, f"{v:.4g}", ha="center", va="center", fontsize=8)
        ax.set_xticks(range(W.shape[1]), [str(j + 1) for j in range(W.shape[1])])
        ax.set_yticks(range(W.shape[0]), [str(i + 1) for i in range(W.shape[0])])
        ax.set_xlabel("column (state)", fontsize=8)
        ax.set_ylabel("row (input)", fontsize=8)
        state = "certified" if p.certified else "undecided"
        ax.set_title(f"{p.type} ({state})", fontsize=9)
    fig.suptitle(title or "certified gains W (entries, floats)", fontsize=10)
    return fig


def _curve_figure(r, n: int = 2001):
    """One parameter (``r d = 1``): ``h`` in floats (K = 1 objective) over the
    domain (found on a coarse float grid around the points), the domain's complement left blank, the points marked
    by type (certified filled, undecided hollow)."""
    import numpy as np
    from ..matrix.objective import maml_value
    from .matrix_contour import MARKS
    from .plot import LandscapeFigure
    ws = [float(np.array(p.W, dtype=float).reshape(-1)[0]) for p in r.points] or [0.0]
    pad = max(max(ws) - min(ws), 1.0) * 10
    coarse = np.linspace(min(ws) - pad, max(ws) + pad, n)
    inside = coarse[[np.isfinite(maml_value(np.array([[x]]), r.taskset)) for x in coarse]]
    a, b = (inside.min(), inside.max()) if inside.size else (min(ws) - 1, max(ws) + 1)
    step = (coarse[1] - coarse[0])
    xs = np.linspace(min(a - step, *ws), max(b + step, *ws), n)   # the domain, its walls
    hs = np.array([maml_value(np.array([[x]]), r.taskset) for x in xs])
    fig = LandscapeFigure(figsize=(6, 3.8), layout="constrained")
    ax = fig.add_subplot()
    ax.plot(xs, np.where(np.isfinite(hs), hs, np.nan), color="black", lw=1, label="h (floats)")
    finite = hs[np.isfinite(hs)]
    if finite.size:
        top = np.quantile(finite, 0.8)
        ax.set_ylim(finite.min() - 0.05 * (top - finite.min()), top)
    for p, w in zip(r.points, ws):
        marker, colour = MARKS.get(p.type, MARKS["undecided"])
        ax.plot([w], [maml_value(np.array([[w]]), r.taskset)], marker, ms=9, mec="black",
                color=colour if p.certified else "none",
                label=f"{p.type} ({'certified' if p.certified else 'undecided'})")
    handles = dict(zip(*reversed(ax.get_legend_handles_labels())))
    ax.legend(handles.values(), handles.keys(), fontsize=8)
    ax.set_xlabel("W")
    ax.set_ylabel("h(W)")
    ax.set_title(f"{r.taskset.name}: points of {r.method} found by search "
                 "(completeness not certified)", fontsize=9)
    return fig


def _sweep_lines(rows, axis: str):
    """Spurious minima and epsilon against the one parameter that varies
    (certified rows only; a value over several rows is the median)."""
    import statistics
    from .plot import LandscapeFigure
    by: dict = {}
    for row in rows:
        if row.get("status") == "certified" and row.get(axis) is not None:
            by.setdefault(Fraction(str(row[axis])), []).append(row)
    xs = sorted(by)
    fig = LandscapeFigure(figsize=(6, 3.6), layout="constrained")
    ax = fig.add_subplot()
    ax.plot([float(x) for x in xs], [statistics.median(r["spurious_min"] for r in by[x])
                                     for x in xs], "o-", color="#d7191c", label="spurious minima")
    from matplotlib.ticker import MaxNLocator
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(axis)
    ax.set_ylabel("spurious minima", color="#d7191c")
    twin = ax.twinx()
    eps = [(float(x), statistics.median(float(r["epsilon"]) for r in by[x])) for x in xs
           if all(r.get("epsilon") is not None for r in by[x])]
    twin.plot([e[0] for e in eps], [e[1] for e in eps], "s--", color="#2c7bb6",
              label="epsilon")
    twin.set_ylabel("epsilon", color="#2c7bb6")
    handles = ax.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
    ax.legend(handles=handles, fontsize=8, loc="upper right")
    missing = len(rows) - sum(len(v) for v in by.values())
    ax.set_title(f"certified sweep over {axis}" + (f"; {missing} point(s) not certified"
                                                    if missing else ""), fontsize=9)
    return fig
