"""Pictures of a sweep (matplotlib, object-oriented API, imported lazily).

* :func:`phase_figure` -- a phase diagram: one cell per ``(x, y)`` grid value
  (e.g. ``eta`` and the task spread ``delta``), coloured by the certified
  ``epsilon`` (the median when a cell holds several rows, e.g. seeds), with the
  number of spurious minima written in the cell; cells with no certified row
  are hatched grey.
* :func:`line_figure` -- one grid axis: ``epsilon`` and the number of spurious
  minima against it, one line per source; points not certified are marked.
* :func:`experiment_figure` -- the many-tasks experiment: fraction of seeds
  with a spurious minimum, median ``epsilon`` and the distance of the global
  minimizer to the mean of the ``W*_i``, each against the number of tasks k.

Colours and curves are drawn from the certified decimals converted to floats,
for the eye only; the table holds the certified values. Rendering to bytes is
:func:`symlqr.render.plot.render`.

>>> rows = [{"eta": "0.01", "delta": "0.5", "status": "certified", "epsilon": "0.1",
...          "spurious_min": 2}]
>>> fig = phase_figure(rows, "eta", "delta")
>>> [ax.get_label() for ax in fig.axes][:1]
['phase']
"""
from __future__ import annotations

import statistics
from fractions import Fraction

from ..tasks import InputError

__all__ = ["phase_figure", "line_figure", "experiment_figure", "tick_text", "sparse_ticks"]


def _figure(**kw):
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise InputError("the sweep's plot needs matplotlib: pip install 'symlqr[plot]'") \
            from None
    return Figure(**kw)


def _sort_key(v):
    return Fraction(v) if isinstance(v, str) else v


def tick_text(v) -> str:
    """A grid value as a short decimal tick label (``8/175`` -> ``0.04571``).

    >>> [tick_text(v) for v in ("8/175", "0.01", 3, "1/3")]
    ['0.04571', '0.01', '3', '0.3333']
    """
    return f"{float(_sort_key(v)):.4g}"


def _statistic(cells: list, value: str) -> str:
    """``epsilon``, or ``epsilon (median over seeds)`` when some cell holds
    several rows (over seeds only when the rows differ in their seed)."""
    many = [c for c in cells if len(c) > 1]
    if not many:
        return value
    seeds = all(len({r.get("seed") for r in c}) == len(c) for c in many)
    return f"{value} (median over {'seeds' if seeds else 'the rows of a point'})"


def phase_figure(rows: list, x: str, y: str, value: str = "epsilon"):
    """Median of ``value`` over the rows of each ``(x, y)`` cell."""
    import numpy as np
    xs = sorted({r[x] for r in rows if r.get(x) is not None}, key=_sort_key)
    ys = sorted({r[y] for r in rows if r.get(y) is not None}, key=_sort_key)
    if not xs or not ys:
        raise InputError(f"the phase diagram needs values of {x} and {y} in the table "
                         f"(sweep a grid over both, e.g. --grid {x}=... --grid {y}=...)")
    z = np.full((len(ys), len(xs)), np.nan)
    spur, cells = {}, []
    for i, yv in enumerate(ys):
        for j, xv in enumerate(xs):
            cell = [r for r in rows if r.get(x) == xv and r.get(y) == yv
                    and r["status"] == "certified" and r.get(value) not in (None, "")]
            cells.append(cell)
            if cell:
                z[i, j] = statistics.median(_float(r, value) for r in cell)
                spur[i, j] = statistics.median(int(r["spurious_min"]) for r in cell)
    fig = _figure(figsize=(1.2 + 0.55 * max(len(xs), 6), 1.2 + 0.45 * max(len(ys), 5)),
                  layout="constrained")
    ax = fig.add_subplot(label="phase")
    ax.add_patch(_hatch(len(xs), len(ys)))
    mesh = ax.pcolormesh(np.arange(len(xs) + 1) - 0.5, np.arange(len(ys) + 1) - 0.5,
                         np.ma.masked_invalid(z), cmap="viridis", shading="flat")
    fig.colorbar(mesh, ax=ax, label=_statistic(cells, value))
    if len(xs) * len(ys) <= 400:
        for (i, j), s in spur.items():
            bright = mesh.norm(z[i, j]) > 0.6
            ax.text(j, i, f"{s:g}", ha="center", va="center", fontsize=7,
                    color="black" if bright else "white")
    ax.set_xticks(range(len(xs)), [tick_text(v) for v in xs], rotation=90, fontsize=7)
    ax.set_yticks(range(len(ys)), [tick_text(v) for v in ys], fontsize=7)
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.set_title(f"certified {value}; numbers: spurious minima; grey: not certified",
                 fontsize=9)
    return fig


def _float(row: dict, value: str) -> float:
    """The float column beside an exact one when the row has it, else the exact text."""
    f = row.get(f"{value}_float")
    return float(f) if f not in (None, "") else float(_sort_key(row[value]))


def line_figure(rows: list, x: str, value: str = "epsilon"):
    """``value`` (top) and the number of spurious minima (bottom) against the grid
    axis ``x``: one line per source label (the median when a point holds several
    rows, e.g. seeds); an x where no row is certified is marked on the axis.

    >>> rows = [{"label": "fig2", "eta": e, "status": "certified", "epsilon": v,
    ...          "spurious_min": s} for e, v, s in (("0.01", "0.35", 2), ("8/175", "0", 0))]
    >>> fig = line_figure(rows, "eta")
    >>> fig.axes[0].get_ylabel(), [len(line.get_xdata()) for line in fig.axes[0].lines]
    ('epsilon', [2])
    """
    xs = sorted({r[x] for r in rows if r.get(x) not in (None, "")}, key=_sort_key)
    if not xs:
        raise InputError(f"the plot needs values of {x} in the table (--grid {x}=...)")
    labels = list(dict.fromkeys(r["label"] for r in rows))
    fig = _figure(figsize=(6.4, 4.8), layout="constrained")
    top = fig.add_subplot(2, 1, 1, label="value")
    bottom = fig.add_subplot(2, 1, 2, label="spurious", sharex=top)
    cells = []
    for c, lab in enumerate(labels):
        pts, spur, missing = [], [], []
        for xv in xs:
            cell = [r for r in rows if r.get(x) == xv and r["label"] == lab
                    and r["status"] == "certified" and r.get(value) not in (None, "")]
            cells.append(cell)
            xf = float(_sort_key(xv))
            if cell:
                pts.append((xf, statistics.median(_float(r, value) for r in cell)))
                spur.append((xf, statistics.median(int(r["spurious_min"]) for r in cell)))
            elif any(r.get(x) == xv and r["label"] == lab for r in rows):
                missing.append(xf)
        kw = dict(color=f"C{c}", marker="o", markersize=4)
        if pts:
            top.plot(*zip(*pts), label=lab, **kw)
            bottom.plot(*zip(*spur), **{**kw, "label": lab, "linestyle": ":"})
        if missing:
            top.plot(missing, [0] * len(missing), "x", color=f"C{c}", markersize=8,
                     label=f"{lab}: not certified", clip_on=False)
    top.set_ylabel(_statistic(cells, value))
    top.set_ylim(bottom=0)
    bottom.set_ylabel("spurious minima")
    bottom.yaxis.get_major_locator().set_params(integer=True)
    bottom.set_xlabel(x)
    if len(labels) > 1 or any(line.get_label().endswith("certified") for line in top.lines):
        top.legend(fontsize=8)
    top.set_title(f"certified {value} and spurious minima against {x} "
                  "(floats of certified decimals)", fontsize=9)
    return fig


def _hatch(nx: int, ny: int):
    from matplotlib.patches import Rectangle
    return Rectangle((-0.5, -0.5), nx, ny, facecolor="#dddddd", hatch="//",
                     edgecolor="#999999", zorder=0)


def sparse_ticks(values: list, min_ratio: float = 1.4) -> list:
    """Tick positions on a log axis no closer than ``min_ratio`` (labels that do
    not overlap): the first and last value always, then greedily from the left.

    >>> sparse_ticks([1, 2, 3, 5, 8, 11, 16, 20, 30, 50, 100, 200, 500, 1000])
    [1, 2, 3, 5, 8, 16, 30, 50, 100, 200, 500, 1000]
    """
    vals = sorted(v for v in set(values) if v > 0)
    if len(vals) <= 2:
        return vals
    out = [vals[0]]
    for v in vals[1:-1]:
        if v / out[-1] >= min_ratio and vals[-1] / v >= min_ratio:
            out.append(v)
    return out + [vals[-1]]


#: Marker, size and fill of the k-th line of :func:`experiment_figure`: the first
#: lines are drawn larger and hollow, so a line lying on another stays visible.
_STYLES = (("o", 8, "none"), ("s", 5.5, "none"), ("^", 4, "full"), ("D", 3, "full"))


def experiment_figure(summary: list):
    """Three panels against k (log scale): one line per distribution, each with
    its own marker (larger hollow markers under smaller ones, so that lines on
    top of each other, e.g. two distributions at fraction 1, both show)."""
    fig = _figure(figsize=(12, 3.8), layout="constrained")
    panels = [("with_spurious", None, "fraction of seeds with a spurious minimum", "linear"),
              ("epsilon_median", "epsilon_max",
               "certified epsilon: median (solid), largest (dashed)", "linear"),
              ("gap_to_mean_W_star", None, "|W_global - mean W*_i| (median; symlog)",
               "symlog")]
    labels = sorted({s["label"] for s in summary})
    ks = sorted({s["k"] for s in summary})
    for n, (key, key2, title, scale) in enumerate(panels):
        ax = fig.add_subplot(1, 3, n + 1, label=key)
        for c, lab in enumerate(labels):
            marker, size, fill = _STYLES[c % len(_STYLES)]
            for k2, style in ((key, "-"), (key2, "--")):
                pts = sorted((s["k"], s[k2]) for s in summary
                             if k2 and s["label"] == lab and s[k2] is not None)
                if not pts:
                    continue
                kw = dict(marker=marker, markersize=size, fillstyle=fill,
                          markeredgewidth=1.3) if style == "-" else {}
                ax.plot(*zip(*pts), style, color=f"C{c}", zorder=2 + c, clip_on=False,
                        label=lab if style == "-" else None, **kw)
        ax.set_xscale("log")
        ticks = sparse_ticks(ks)
        ax.set_xticks(ticks, [str(k) for k in ticks], fontsize=7)
        ax.minorticks_off()
        if scale == "symlog":
            top = max((s[key] for s in summary if s[key] is not None), default=1)
            ax.set_yscale("symlog", linthresh=1e-6)
            ax.set_ylim(0, max(2 * top, 1e-5))
        ax.set_xlabel("number of tasks k")
        ax.set_title(title, fontsize=9)
    fig.axes[0].legend(fontsize=8, loc="center right")
    return fig
