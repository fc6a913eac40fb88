"""Pictures of matrix MAML runs (matplotlib ``Figure`` objects, no pyplot).

* :func:`gap_figure` -- the cost gap ``h(W_t) - sum_i w_i C_i(W*_i)`` (floats)
  against the iteration ``t``, one line per run, log scale (the way the
  follow-up papers show MAML on LQR).
* :func:`contour_figure` -- for ``r d = 2`` parameters, contours of ``log h``
  on a grid (floats) with the certified points marked.

Rendering to bytes is :func:`symlqr.render.plot.render`'s job (moved here from
``symlqr/matrix/figures.py``: drawing is rendering).
"""
from __future__ import annotations

import numpy as np

__all__ = ["gap_figure", "contour_figure"]


def gap_figure(result, title: str = ""):
    """Cost gap versus iteration for every run of a :class:`SearchResult`."""
    from matplotlib.figure import Figure
    fig = Figure(figsize=(6, 4))
    ax = fig.add_subplot()
    for k, run in enumerate(result.runs):
        gap = np.array(run.h) - result.lower_bound
        ax.semilogy(np.arange(len(gap)), np.maximum(gap, 1e-16), lw=1,
                    label=f"run {k + 1}" if len(result.runs) <= 10 else None)
    ax.set_xlabel("iteration t")
    ax.set_ylabel("h(W_t) - sum_i w_i C_i(W*_i)   (floats)")
    ax.set_title(title or f"Algorithm 1 ({result.settings.get('method', 'maml')}), "
                 f"{len(result.runs)} runs")
    if len(result.runs) <= 10:
        ax.legend(fontsize=7)
    fig.tight_layout()
    return fig


def contour_figure(taskset, points, box, n: int = 200, title: str = ""):
    """``log10 h`` on ``box = (x0, x1, y0, y1)`` (two parameters), points marked
    by type (certified points filled, undecided hollow)."""
    from matplotlib.figure import Figure
    from ..matrix.objective import maml_value
    r, d = taskset.shape
    if r * d != 2:
        raise ValueError("contours need r * d = 2 parameters")
    xs, ys = np.linspace(box[0], box[1], n), np.linspace(box[2], box[3], n)
    Z = np.array([[maml_value(np.array([x, y]).reshape(r, d), taskset) for x in xs] for y in ys])
    fig = Figure(figsize=(5.5, 4.5))
    ax = fig.add_subplot()
    with np.errstate(divide="ignore", invalid="ignore"):
        L = np.where(np.isfinite(Z), np.log10(Z), np.nan)
    cs = ax.contour(xs, ys, L, levels=30, linewidths=0.6)
    fig.colorbar(cs, ax=ax, label="log10 h (floats)")
    marks = {"min": "o", "saddle": "x", "max": "^", "undecided": "s"}
    for p in points:
        x, y = np.array(p.W).reshape(-1)
        ax.plot(x, y, marks.get(p.type, "s"), color="k",
                mfc="k" if p.certified else "none", ms=7)
    ax.set_xlabel("W[0]")
    ax.set_ylabel("W[1]")
    ax.set_title(title or "MAML objective; marks: certified stationary points")
    fig.tight_layout()
    return fig
