"""Pictures of a complete matrix landscape: ``h`` (floats) with the proven boxes.

* ``r d = 2``: contours of ``h`` (floats, :mod:`symlqr.render.matrix_contour`)
  over the landscape's box, the certified points marked by type, the excluded
  boxes kept by the run (``complete_landscape(..., audit=N)``) filled lightly in
  the colour of their reason's class (outside the domain / ``grad h != 0`` /
  ``h > L``) and the undecided boxes outlined in red;
* ``r d = 1``: ``h`` (floats) along the box, the points on the curve, the
  excluded intervals as coloured bands under it, the undecided ones in red;
* more parameters: ``h`` (floats) along the path through the stationary points
  (no boxes: a box of ``r d > 2`` gains has no faithful picture in a plane).

Only the marks, the boxes and their reasons are proofs; the curves and
contours are float drawings and labelled so.

>>> from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
>>> from symlqr.matrix.landscape import complete_landscape
>>> res = complete_landscape(MatrixTaskSet([MatrixTask([[1]], [[1]], [[1]], [[1]])], "1/10"),
...                          audit=100)
>>> fig = landscape_boxes_figure(res, n=200)
>>> fig.axes[0].get_xlabel()
'W'
"""
from __future__ import annotations

import numpy as np

from ..tasks import InputError

__all__ = ["landscape_boxes_figure", "reason_class", "CLASSES", "MatrixLandscapeViews"]

#: reason class -> (legend text, colour) of the excluded boxes
CLASSES = {"outside": ("excluded: outside the domain", "#fdb863"),
           "gradient": ("excluded: grad h != 0", "#74add1"),
           "level": ("excluded: h > L", "#a6d96a")}
UNDECIDED = "#d7191c"


def reason_class(reason: str) -> str:
    """``outside``, ``gradient`` or ``level``: the class of an exclusion reason of
    :mod:`symlqr.matrix.subdivision` (a box whose only numerator zero is proven
    outside the domain has ``grad h != 0`` at its points in the domain).

    >>> from symlqr.matrix.subdivision import ABOVE, NONZERO, OUTSIDE, ZERO_OUTSIDE
    >>> [reason_class(r) for r in (OUTSIDE.format("det M > 0"), NONZERO, ZERO_OUTSIDE, ABOVE)]
    ['outside', 'gradient', 'gradient', 'level']
    """
    from ..matrix.subdivision import ABOVE
    if reason.startswith("outside the domain"):
        return "outside"
    if reason == ABOVE or reason.startswith("h > L"):
        return "level"
    return "gradient"


def _kept(res) -> tuple:
    """``(audit boxes, how many excluded boxes there are)``."""
    o = res.outcome
    if o is None:
        return [], 0
    return list(o.audit), int(sum(o.excluded.values()))


def _subtitle(res) -> str:
    kept, total = _kept(res)
    state = "complete" if res.complete else "NOT complete"
    if total == 0:
        drawn = "no box excluded"
    elif not kept:
        drawn = f"{total} excluded boxes not kept (run with audit=N to draw them)"
    else:
        drawn = f"{len(kept)} of {total} excluded boxes drawn"
    n_und = len(res.outcome.undecided) if res.outcome else 0
    return f"{state}; {drawn}; {n_und} undecided (red)"


def _legend(ax, classes) -> None:
    from matplotlib.patches import Patch
    handles, labels = [], []
    for h, lab in zip(*ax.get_legend_handles_labels()):
        if lab not in labels:
            handles.append(h)
            labels.append(lab)
    for c in classes:
        if c in CLASSES:
            text, colour = CLASSES[c]
            handles.append(Patch(facecolor=colour, alpha=0.45, edgecolor=colour))
        else:
            text, colour = c
            handles.append(Patch(facecolor="none", edgecolor=colour, linewidth=1.5))
        labels.append(text)
    if handles:
        ax.legend(handles, labels, fontsize=7, loc="best", framealpha=0.85)


def _view_box(res, m: int = 40) -> tuple:
    """The part of the landscape's box to show: the grid points of an ``m x m``
    float grid where ``h`` is finite (the domain, in floats) and the stationary
    points, padded by a fifth of their size on each side, within the box."""
    from .matrix_contour import _grid
    (x0, x1), (y0, y1) = res.box
    xs, ys, Z = _grid(res.taskset, (x0, x1, y0, y1), m, getattr(res, "steps", 1))
    ii, jj = np.nonzero(np.isfinite(Z))
    px = [xs[j] for j in jj] + [np.ravel(p.W)[0] for p in res.points]
    py = [ys[i] for i in ii] + [np.ravel(p.W)[1] for p in res.points]
    if not px:
        return (x0, x1, y0, y1)
    dx, dy = (x1 - x0) / (m - 1), (y1 - y0) / (m - 1)
    a, b, c, d = min(px) - dx, max(px) + dx, min(py) - dy, max(py) + dy
    pa, pc = 0.2 * (b - a), 0.2 * (d - c)
    return (max(x0, a - pa), min(x1, b + pa), max(y0, c - pc), min(y1, d + pc))


def _plane(res, n: int, view=None):
    from matplotlib.collections import PatchCollection
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle
    from .matrix_contour import draw_contours, draw_points
    whole = tuple(v for side in res.box for v in side)
    view = _view_box(res) if view is None else (whole if view == "box" else tuple(view))
    fig = Figure(figsize=(7, 5.5))
    ax = fig.add_subplot()
    steps = getattr(res, "steps", 1)
    draw_contours(fig, ax, res.taskset, view, n, steps)
    kept, _ = _kept(res)
    shown = []
    for c, (_, colour) in CLASSES.items():
        rects = [Rectangle((lo[0], lo[1]), hi[0] - lo[0], hi[1] - lo[1])
                 for lo, hi, why in kept if reason_class(why) == c]
        if rects:
            ax.add_collection(PatchCollection(rects, facecolor=colour, alpha=0.3,
                                              edgecolor=colour, linewidth=0.3, zorder=2))
            shown.append(c)
    und = res.outcome.undecided if res.outcome else []
    if und:
        ax.add_collection(PatchCollection(
            [Rectangle((lo[0], lo[1]), hi[0] - lo[0], hi[1] - lo[1]) for lo, hi, _ in und],
            facecolor="none", edgecolor=UNDECIDED, linewidth=0.6, zorder=3))
        centres = np.array([[(a + b) / 2 for a, b in zip(lo, hi)] for lo, hi, _ in und])
        ax.plot(centres[:, 0], centres[:, 1], "s", ms=3, mfc="none", mec=UNDECIDED, mew=0.6,
                zorder=3)                        # seen even when the box is tiny
        shown.append(("undecided box (and its centre)", UNDECIDED))
    draw_points(ax, res.points)
    _legend(ax, shown)
    shown_box = ("the whole box" if view == whole else "zoomed to the domain (floats); box "
                 + " x ".join(f"[{a:.4g}, {b:.4g}]" for a, b in res.box))
    name = "h" if steps == 1 else f"h_{steps}"
    ax.set_title(f"{res.name}: {name} (floats, grey: outside the domain in floats) and the proven "
                 f"boxes\n{_subtitle(res)}\nview: {shown_box}", fontsize=8)
    fig.tight_layout()
    return fig


def _h(taskset, W, steps: int = 1) -> float:
    from ..matrix.objective import maml_value
    r, d = taskset.shape
    return maml_value(np.asarray(W, dtype=float).reshape(r, d), taskset, steps)


def _line(res, n: int):
    from matplotlib.figure import Figure
    from .matrix_contour import MARKS
    (a, b), = res.box
    xs = np.linspace(a, b, n)
    steps = getattr(res, "steps", 1)
    name = "h" if steps == 1 else f"h_{steps}"
    hs = np.array([_h(res.taskset, [x], steps) for x in xs])
    fig = Figure(figsize=(7, 4))
    ax = fig.add_subplot()
    ax.plot(xs, np.where(np.isfinite(hs), hs, np.nan), color="black", lw=1, label=f"{name} (floats)")
    finite = hs[np.isfinite(hs)]
    at = [_h(res.taskset, p.W, steps) for p in res.points]
    if finite.size:
        top = max([np.quantile(finite, 0.7)] + [v for v in at if np.isfinite(v)])
        top += 0.1 * (top - finite.min())
        ax.set_ylim(finite.min() - 0.15 * (top - finite.min() or 1.0), top)
    kept, _ = _kept(res)
    shown = []
    for lo, hi, why in kept:
        c = reason_class(why)
        ax.axvspan(lo[0], hi[0], ymin=0.0, ymax=0.06, color=CLASSES[c][1], alpha=0.8, lw=0)
        shown += [c] if c not in shown else []
    for lo, hi, _ in (res.outcome.undecided if res.outcome else []):     # a strip above
        ax.axvspan(lo[0], hi[0], ymin=0.06, ymax=0.12, facecolor="#f4a582",
                   edgecolor=UNDECIDED, lw=0.8)
    if res.outcome and res.outcome.undecided:
        shown.append(("undecided interval", UNDECIDED))
    for p in res.points:
        mark, colour = MARKS.get(p.type, MARKS["undecided"])
        w = float(np.array(p.W, dtype=float).reshape(-1)[0])
        ax.plot([w], [_h(res.taskset, [w])], mark, ms=9, mec="black",
                color=colour if p.certified else "none", zorder=5,
                label=f"{p.type} ({'certified' if p.certified else 'undecided'})")
    _legend(ax, shown)
    ax.set_xlim(a, b)
    ax.set_xlabel("W")
    ax.set_ylabel("h(W)")
    ax.set_title(f"{res.name}: h (floats) over the box; bands: proven boxes\n{_subtitle(res)}",
                 fontsize=9)
    fig.tight_layout()
    return fig


def _path(res, n: int):
    from matplotlib.figure import Figure
    from .matrix_contour import MARKS
    pts = [np.array(p.W, dtype=float).reshape(-1) for p in res.points]
    if len(pts) < 2:
        raise InputError(f"plot(): with r d = {len(res.box)} parameters the picture is h along "
                         f"the path through the stationary points, and there are {len(pts)}")
    seg = np.array([np.linalg.norm(b - a) for a, b in zip(pts, pts[1:])])
    at = np.concatenate([[0.0], np.cumsum(seg)])
    ts = np.linspace(0.0, at[-1], n)
    ws = [pts[k] + (t - at[k]) / (seg[k] or 1.0) * (pts[k + 1] - pts[k])
          for t in ts for k in [min(int(np.searchsorted(at, t, side="right")) - 1, len(seg) - 1)]]
    hs = np.array([_h(res.taskset, w) for w in ws])
    fig = Figure(figsize=(7, 4))
    ax = fig.add_subplot()
    ax.plot(ts, np.where(np.isfinite(hs), hs, np.nan), color="black", lw=1,
            label="h (floats) on the path")
    for p, t in zip(res.points, at):
        mark, colour = MARKS.get(p.type, MARKS["undecided"])
        ax.plot([t], [_h(res.taskset, p.W)], mark, ms=9, mec="black", zorder=5,
                color=colour if p.certified else "none",
                label=f"{p.type} ({'certified' if p.certified else 'undecided'})")
    handles = dict(zip(*reversed(ax.get_legend_handles_labels())))
    ax.legend(handles.values(), handles.keys(), fontsize=8)
    ax.set_xlabel("arc length along the path through the points (in the order listed)")
    ax.set_ylabel("h")
    ax.set_title(f"{res.name}: h (floats) along the path through the stationary points\n"
                 f"{'complete' if res.complete else 'NOT complete'}; boxes not drawn "
                 f"(r d = {len(res.box)})", fontsize=9)
    fig.tight_layout()
    return fig


def landscape_boxes_figure(res, n: int = 0, view=None):
    """The picture of a :class:`~symlqr.matrix.landscape.MatrixLandscape` (module
    docstring); ``n`` grid points per axis (default 90 for contours, 1500 on a
    line; each is a float evaluation of ``h``). ``view`` (``r d = 2``): ``None``
    zooms to the domain (floats) and the points, ``"box"`` shows the whole box,
    or ``(x0, x1, y0, y1)``."""
    if res.taskset is None or not res.box:
        raise InputError("plot(): this landscape has no task set or box to draw")
    dims = len(res.box)
    if dims == 2:
        return _plane(res, n or 90, view)
    if dims == 1:
        return _line(res, n or 1500)
    return _path(res, n or 600)


class MatrixLandscapeViews:
    """The views of :class:`~symlqr.matrix.landscape.MatrixLandscape` for
    :func:`symlqr.render.views.view`."""

    @staticmethod
    def text(r):
        from .landscape_text import landscape_table
        return landscape_table(r.to_dict())

    @staticmethod
    def html(r):
        from .landscape_text import landscape_html
        return landscape_html(r.to_dict(), r.to_rows())

    @staticmethod
    def plot(r, **options):
        return landscape_boxes_figure(r, **options)
