"""Landscape of ``h`` for two parameters: float contours, certified points on top.

``h(W)`` (the MAML objective (2), floats) is sampled on a grid around the
points; grid points outside the domain (``W`` or an adapted ``F_i(W)`` not
stabilizing, decided in floats) are shaded grey. The contours and the shading are
drawings, labelled "floats"; the markers are the stationary points as given
(JSON point dicts or :class:`~symlqr.matrix.certificate.PointCertificate`): the
type from the certificate (filled if certified, hollow otherwise).

>>> from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
>>> ts = MatrixTaskSet([MatrixTask([[1]], [[1, "1/2"]], [[1]], [[1, 0], [0, 2]])], "1/10")
>>> pts = [{"W": [[0.4531], [0.0500]], "type": "min", "certified": True}]
>>> fig = contour_figure(ts, pts, n=30)
>>> fig.axes[0].get_xlabel()
'W[0] = w1'
"""
from __future__ import annotations

import numpy as np

__all__ = ["contour_figure", "default_box", "draw_contours", "draw_points", "MARKS"]

MARKS = {"min": ("o", "tab:blue"), "saddle": ("X", "tab:orange"),
         "max": ("^", "tab:red"), "undecided": ("s", "tab:gray"),
         "attracting": ("o", "tab:blue"), "repelling": ("^", "tab:red")}   # FO-MAML, Reptile


def _get(p, key):
    return p[key] if isinstance(p, dict) else getattr(p, key)


def default_box(points, pad: float = 0.6):
    """``(x0, x1, y0, y1)``: the points' bounding box, widened by ``pad`` times its
    size (at least ``pad`` in each direction)."""
    if not points:
        return (-1.0, 1.0, -1.0, 1.0)
    P = np.array([np.array(_get(p, "W"), dtype=float).reshape(-1) for p in points])
    lo, hi = P.min(axis=0), P.max(axis=0)
    w = np.maximum(hi - lo, 1.0) * pad
    return (lo[0] - w[0], hi[0] + w[0], lo[1] - w[1], hi[1] + w[1])


def _grid(taskset, box, n, steps: int = 1):
    """``h`` (``h_K`` for ``steps = K``; floats) on an ``n x n`` grid; the float warnings of points outside the
    domain (singular solves, overflow) are silenced: those points are ``inf``."""
    import warnings
    from ..matrix.objective import maml_value
    r, d = taskset.shape
    xs, ys = np.linspace(box[0], box[1], n), np.linspace(box[2], box[3], n)
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        Z = np.array([[maml_value(np.array([x, y]).reshape(r, d), taskset, steps) for x in xs]
                      for y in ys])
    return xs, ys, Z


def draw_contours(fig, ax, taskset, box, n: int = 120, steps: int = 1) -> None:
    """Contours of ``log10 (h - min_grid h + delta)`` (floats; ``h_K`` for
    ``steps = K``) over ``box`` on ``ax``, with a colour bar; the grid points
    outside the domain shaded grey."""
    xs, ys, Z = _grid(taskset, box, n, steps)
    name = "h" if steps == 1 else f"h_{steps}"
    inside = np.isfinite(Z)
    if inside.any():
        lo = float(np.min(Z[inside]))
        delta = max(1e-9, 1e-6 * abs(lo))
        with np.errstate(divide="ignore", invalid="ignore"):
            L = np.where(inside, np.log10(Z - lo + delta), np.nan)
        cs = ax.contour(xs, ys, L, levels=25, linewidths=0.6, cmap="viridis")
        fig.colorbar(cs, ax=ax, label=f"log10({name} - min_grid {name} + delta)   (floats)")
    ax.contourf(xs, ys, (~inside).astype(float), levels=[0.5, 1.5], colors=["0.85"])
    ax.set_xlim(box[0], box[1])
    ax.set_ylim(box[2], box[3])
    ax.set_xlabel("W[0] = w1")
    ax.set_ylabel("W[1] = w2")


def draw_points(ax, points) -> bool:
    """The points marked by type (certified filled, hollow otherwise), one legend
    entry per kind; ``True`` when some point was drawn."""
    seen = set()
    for p in points:
        x, y = np.array(_get(p, "W"), dtype=float).reshape(-1)
        kind = _get(p, "type")
        mark, color = MARKS.get(kind, MARKS["undecided"])
        cert = bool(_get(p, "certified"))
        label = f"{kind} ({'certified' if cert else 'not certified'})"
        ax.plot(x, y, mark, color=color, mfc=color if cert else "none", ms=9, mew=1.5,
                linestyle="none", label=None if label in seen else label, zorder=5)
        seen.add(label)
    return bool(seen)


def contour_figure(taskset, points, *, box=None, n: int = 120, complete=None, title: str = ""):
    """Contours of ``log10 (h - min_grid h + delta)`` (floats) over ``box``, the
    domain's complement shaded, ``points`` marked by type. ``complete`` (``True``,
    ``False`` or ``None``) only words the title."""
    from matplotlib.figure import Figure
    r, d = taskset.shape
    if r * d != 2:
        raise ValueError("contours need r * d = 2 parameters")
    box = default_box(points) if box is None else box
    fig = Figure(figsize=(6, 5))
    ax = fig.add_subplot()
    draw_contours(fig, ax, taskset, box, n)
    if draw_points(ax, points):
        ax.legend(fontsize=8, loc="best")
    word = {True: "all stationary points (complete)", False: "stationary points (NOT complete)",
            None: "stationary points found"}[complete]
    ax.set_title(title or f"h (floats; grey: outside the domain)\nmarks: {word}", fontsize=10)
    fig.tight_layout()
    return fig
