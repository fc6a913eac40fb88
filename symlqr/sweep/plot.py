"""Pictures of a sweep (matplotlib, object-oriented API, imported lazily).

* :func:`phase_figure` -- a phase diagram: one cell per ``(x, y)`` grid value
  (e.g. ``eta`` and the task spread ``delta``), coloured by the median over
  seeds of the certified ``epsilon``, with the number of spurious minima
  written in the cell; cells with no certified row are hatched grey.
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

__all__ = ["phase_figure", "experiment_figure"]


def _figure(**kw):
    try:
        from matplotlib.figure import Figure
    except ImportError:
        raise InputError("the sweep's plot needs matplotlib: pip install 'symlqr[plot]'") \
            from None
    return Figure(**kw)


def _sort_key(v):
    return Fraction(v) if isinstance(v, str) else v


def phase_figure(rows: list, x: str, y: str, value: str = "epsilon"):
    """Median of ``value`` over the rows of each ``(x, y)`` cell."""
    import numpy as np
    xs = sorted({r[x] for r in rows if r.get(x) is not None}, key=_sort_key)
    ys = sorted({r[y] for r in rows if r.get(y) is not None}, key=_sort_key)
    if not xs or not ys:
        raise InputError(f"the phase diagram needs values of {x} and {y} in the table "
                         f"(sweep a grid over both, e.g. --grid {x}=... --grid {y}=...)")
    z = np.full((len(ys), len(xs)), np.nan)
    spur = {}
    for i, yv in enumerate(ys):
        for j, xv in enumerate(xs):
            cell = [r for r in rows if r.get(x) == xv and r.get(y) == yv
                    and r["status"] == "certified" and r.get(value) is not None]
            if cell:
                z[i, j] = statistics.median(float(r[value]) for r in cell)
                spur[i, j] = statistics.median(r["spurious_min"] for r in cell)
    fig = _figure(figsize=(1.2 + 0.55 * max(len(xs), 6), 1.2 + 0.45 * max(len(ys), 5)),
                  layout="constrained")
    ax = fig.add_subplot(label="phase")
    ax.add_patch(_hatch(len(xs), len(ys)))
    mesh = ax.pcolormesh(np.arange(len(xs) + 1) - 0.5, np.arange(len(ys) + 1) - 0.5,
                         np.ma.masked_invalid(z), cmap="viridis", shading="flat")
    fig.colorbar(mesh, ax=ax, label=f"{value} (median over seeds)")
    if len(xs) * len(ys) <= 400:
        for (i, j), s in spur.items():
            bright = mesh.norm(z[i, j]) > 0.6
            ax.text(j, i, f"{s:g}", ha="center", va="center", fontsize=7,
                    color="black" if bright else "white")
    ax.set_xticks(range(len(xs)), [str(v) for v in xs], rotation=90, fontsize=7)
    ax.set_yticks(range(len(ys)), [str(v) for v in ys], fontsize=7)
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.set_title(f"certified {value}; numbers: spurious minima; grey: not certified",
                 fontsize=9)
    return fig


def _hatch(nx: int, ny: int):
    from matplotlib.patches import Rectangle
    return Rectangle((-0.5, -0.5), nx, ny, facecolor="#dddddd", hatch="//",
                     edgecolor="#999999", zorder=0)


def experiment_figure(summary: list):
    """Three panels against k (log scale): one line per distribution."""
    fig = _figure(figsize=(12, 3.6), layout="constrained")
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
            for k2, style in ((key, "-"), (key2, "--")):
                pts = sorted((s["k"], s[k2]) for s in summary
                             if k2 and s["label"] == lab and s[k2] is not None)
                if pts:
                    ax.plot(*zip(*pts), style, marker="o" if style == "-" else None,
                            color=f"C{c}", label=lab if style == "-" else None)
        ax.set_xscale("log")
        ax.set_xticks(ks, [str(k) for k in ks], fontsize=7)
        ax.minorticks_off()
        if scale == "symlog":
            ax.set_yscale("symlog", linthresh=1e-6)
            ax.set_ylim(bottom=0)
        ax.set_xlabel("number of tasks k")
        ax.set_title(title, fontsize=9)
    fig.axes[0].legend(fontsize=8)
    return fig
