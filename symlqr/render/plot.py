"""Pictures of a certified landscape, in the style of the paper's Figures 1-3.

The MAML objective ``h(W) = sum_i w_i C_i(F_i(W))`` is drawn solid, each
task's own MAML objective ``C_i(F_i(W))`` dashed, the domain of ``h`` shaded,
and every certified stationary point marked by its certified type (global
minimum, spurious minimum, maximum, degenerate, undecided). At a kink of
normalized adaptation (``C_i'(W) = 0``: ``h`` is undefined there) the curve
breaks, and open circles mark the two one-sided limits of ``h``. Minima that
hug a domain edge, and stationary points packed too close to tell apart, get
zoom panels below the main one (the geometry: :mod:`symlqr.render.plot_geometry`).

What is certified and what is only for the eye:

* marker positions are the certified ``W`` (real algebraic numbers) and marker
  heights the certified enclosures of ``h(W)``; the types come from the
  certificate, never from the picture;
* the y-range is chosen from those certified values (and the certified optimal
  costs ``C_i(W*_i)`` when dashed curves are drawn), since ``h`` blows up at
  the edges of the domain;
* the curves are float samples (:func:`symlqr.scalar.numeric.maml_objective_float`),
  denser near the domain's edges; they are drawings, not evidence.

matplotlib is an optional dependency (``pip install matplotlib``); only the
object-oriented API is used (no pyplot, no global backend switch), so this
module draws the same way in scripts, on servers and in Jupyter.

>>> from symlqr.scalar.landscape import certify
>>> from symlqr.tasks import figure
>>> fig = landscape_figure(certify(figure("fig2")))
>>> [ax.get_label() for ax in fig.axes]
['landscape', 'zoom (b): edge', 'zoom (c): edge']
>>> render(fig, "png")[:4]
b'\\x89PNG'
"""
from __future__ import annotations

import io
import math
import os
from typing import Optional

try:
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle
except ImportError as exc:                                  # pragma: no cover
    raise ImportError("symlqr.render.plot needs matplotlib: pip install matplotlib") from exc

from ..scalar import lqr
from ..scalar.landscape import Landscape, StationaryPoint
from ..tasks import InputError
from .plot_geometry import CLUSTER_FRACTION, EDGE_FRACTION, components, curves, kink_marks, \
    mid, view, ylim, zoom_windows, zoom_ylim

__all__ = ["landscape_figure", "LandscapeFigure", "render", "plot_format", "zoom_windows", "FORMATS",
           "CATEGORIES", "point_category", "epsilon_text", "EDGE_FRACTION", "CLUSTER_FRACTION"]

#: File suffix -> matplotlib format name.
FORMATS = {".png": "png", ".svg": "svg", ".pdf": "pdf"}

#: Marker style of each certified category (legend label, marker, face, edge, size).
CATEGORIES = {
    "global min": ("global minimum", "o", "#1b9e4b", "black", 9),
    "spurious min": ("spurious minimum", "X", "#d7191c", "black", 12),
    "undecided min": ("minimum, global or not undecided", "s", "#bbbbbb", "black", 9),
    "max": ("maximum", "^", "white", "black", 9),
    "degenerate": ("degenerate (h'' = 0)", "D", "#fdae61", "black", 8),
}


class LandscapeFigure(Figure):
    """A matplotlib Figure that shows itself as a PNG in Jupyter (``_repr_png_``)
    without pyplot or ``%matplotlib inline``."""

    def _repr_png_(self) -> bytes:
        return render(self, "png", dpi=100)


def plot_format(path: str) -> str:
    """The image format named by the suffix of ``path`` (png, svg or pdf).

    >>> plot_format("fig2.PNG"), plot_format("out/fig.svg")
    ('png', 'svg')
    >>> plot_format("fig2.jpg")
    Traceback (most recent call last):
    ...
    symlqr.tasks.InputError: --plot 'fig2.jpg': unknown image format '.jpg'; use .png, .svg or .pdf
    """
    suffix = os.path.splitext(path)[1].lower()
    if suffix not in FORMATS:
        shown = suffix or "(no suffix)"
        raise InputError(f"--plot {path!r}: unknown image format {shown!r}; "
                         "use .png, .svg or .pdf")
    return FORMATS[suffix]


def point_category(p: StationaryPoint) -> str:
    """Key of :data:`CATEGORIES` for one certified point.

    >>> from symlqr.scalar.landscape import certify
    >>> from symlqr.tasks import figure
    >>> [point_category(p) for p in certify(figure("fig2")).points]
    ['spurious min', 'max', 'global min', 'max', 'spurious min']
    """
    return p.label


# ---------------------------------------------------------------------------
# drawing
# ---------------------------------------------------------------------------
def _draw_panel(ax, ls: Landscape, x0: float, x1: float, per_task: bool, n: int) -> tuple:
    """One panel: the domain shaded, the curves, the lower bound, the points
    by category and the kinks; returns the float samples of ``h``."""
    for k, (lo, hi) in enumerate(components(ls)):
        ax.axvspan(max(lo, x0 - (x1 - x0)), min(hi, x1 + (x1 - x0)), color="#4575b4",
                   alpha=0.08, lw=0, label="domain of h" if k == 0 else None)
        for e in (lo, hi):
            if math.isfinite(e) and x0 <= e <= x1:
                ax.axvline(e, color="#4575b4", lw=0.8, ls=":", alpha=0.8)
    x, h, terms = curves(ls, x0, x1, n)
    if per_task:
        colors = ["#1f77b4", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2"]
        for i, t in enumerate(terms):
            label = f"task {i + 1}: $C_{{{i + 1}}}(F_{{{i + 1}}}(W))$"
            ax.plot(x, t, ls="--", lw=1.1, color=colors[i % len(colors)], label=label)
    ax.plot(x, h, color="black", lw=1.8,
            label=r"MAML objective $h(W)=\sum_i w_i C_i(F_i(W))$")
    ax.axhline(mid(ls.lower_bound), color="grey", lw=0.8, ls=(0, (1, 2)),
               label=r"lower bound $\sum_i w_i C_i(W_i^*)$")
    for cat, (label, marker, face, edge, size) in CATEGORIES.items():
        pts = [p for p in ls.points if point_category(p) == cat]
        if pts:
            ax.plot([float(p.W) for p in pts], [mid(p.h) for p in pts], ls="none",
                    marker=marker, ms=size, mfc=face, mec=edge, mew=1.0, zorder=5,
                    label=f"{label} ({len(pts)})", gid=cat)
    kx, ky = kink_marks(ls)
    if kx:
        ax.plot(kx, ky, ls="none", marker="o", ms=7, mfc="white", mec="black", mew=1.2,
                zorder=6, gid="kink",
                label=f"kink ($C_i'(W)=0$, $h$ undefined): one-sided limits ({len(ls.kinks)})")
    if not ls.domain:
        ax.text(0.5, 0.5, "the domain is empty: no W keeps W and every F_i(W) stable",
                transform=ax.transAxes, ha="center", va="center")
    ax.set_xlim(x0, x1)
    ax.set_xlabel("$W$")
    ax.grid(True, lw=0.3, alpha=0.5)
    return x, h


def landscape_figure(ls: Landscape, per_task: Optional[bool] = None, zoom: bool = True,
                     samples: int = 3000) -> Figure:
    """A matplotlib Figure of the certified landscape ``ls``.

    Parameters
    ----------
    ls : Landscape
        from :func:`symlqr.certify`
    per_task : bool, optional
        draw each task's MAML objective ``C_i(F_i(W))`` dashed; by default
        when there are 2 to 5 tasks (one task: it is ``h`` itself)
    zoom : bool
        add zoom panels for minima hugging a domain edge and for clusters of
        stationary points (see :func:`zoom_windows`)
    samples : int
        float samples of the curves per panel

    Returns
    -------
    LandscapeFigure
        a matplotlib Figure made without pyplot; in Jupyter it shows as an
        image, elsewhere use
        :func:`render` or ``fig.savefig``. The main axes has label
        ``"landscape"``, zoom axes ``"zoom (b): edge"`` (a minimum hugging a
        domain edge) or ``"zoom (b): cluster"`` (points too close to tell apart).
    """
    n_tasks = len(ls.taskset.tasks)
    per_task = (2 <= n_tasks <= 5) if per_task is None else bool(per_task)
    windows = zoom_windows(ls) if zoom else []
    fig, ax, zaxes = _layout(len(windows))
    x0, x1 = view(ls)
    _draw_panel(ax, ls, x0, x1, per_task, samples)
    # y-range from certified values: stationary points, the one-sided limits
    # at kinks and, with dashed curves, each task's optimal cost C_i(W*_i)
    values = [mid(p.h) for p in ls.points] + kink_marks(ls)[1]
    lb = mid(ls.lower_bound)
    if per_task:
        values += [float(lqr.optimal_cost_algebraic(t)) for t in ls.taskset.tasks]
    if not values:
        values = [lb]
    ax.set_ylim(*ylim(values, fallback=max(values) + 0.5 * abs(lb)))
    ax.set_ylabel("$h(W)$")
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", fontsize=8,
               ncol=3, frameon=False)
    for k, (zax, win) in enumerate(zip(zaxes, windows)):
        _zoom_panel(ax, zax, ls, win, "bcdefg"[k], per_task, samples)
    ax.set_title(_title(ls), fontsize=10)
    return fig


def _layout(n_zooms: int) -> tuple:
    """The figure, its main axes and ``n_zooms`` zoom axes below it."""
    if n_zooms:
        fig = LandscapeFigure(figsize=(9, 7.2), layout="constrained")
        gs = fig.add_gridspec(2, n_zooms, height_ratios=[1.7, 1])
        ax = fig.add_subplot(gs[0, :])
        zaxes = [fig.add_subplot(gs[1, k]) for k in range(n_zooms)]
    else:
        fig = LandscapeFigure(figsize=(9, 5), layout="constrained")
        ax, zaxes = fig.add_subplot(), []
    ax.set_label("landscape")
    return fig, ax, zaxes


def _zoom_panel(ax, zax, ls: Landscape, win: tuple, letter: str, per_task: bool,
                samples: int) -> None:
    """Draw the zoom panel ``(letter)`` of window ``win`` and mark it on ``ax``."""
    a, b, reason = win
    zx, zh = _draw_panel(zax, ls, a, b, per_task, samples)
    ylo, yhi = zoom_ylim(ls, win, zx, zh)
    zax.set_ylim(ylo, yhi)
    zax.set_label(f"zoom ({letter}): {reason}")
    zax.set_title(f"({letter}) zoom: W in [{_round_sig(a, 4)}, {_round_sig(b, 4)}]",
                  fontsize=9)
    zax.ticklabel_format(axis="y", useOffset=False)
    zax.tick_params(labelsize=7)
    ax.add_patch(Rectangle((a, ylo), b - a, yhi - ylo, fill=False, ls="--", lw=0.8,
                           ec="dimgrey", zorder=7))
    _zoom_label(ax, f"({letter})", (a + b) / 2, yhi)


def _zoom_label(ax, text: str, x: float, y: float) -> None:
    """The letter of a zoom panel at the top of the main panel, above its
    window's x-position and joined to the window by a dotted line, so that it
    never sits on a marker (markers are at certified values inside the y-range,
    well below the top)."""
    ax.annotate(text, xy=(x, y), xycoords="data", xytext=(x, 0.985),
                textcoords=("data", "axes fraction"), fontsize=8, color="dimgrey",
                ha="center", va="top", zorder=8,
                bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.9),
                arrowprops=dict(arrowstyle="-", ls=":", color="dimgrey", lw=0.8,
                                shrinkA=0, shrinkB=0))


def epsilon_text(epsilon, digits: int = 4) -> str:
    """epsilon for a title: ``0`` when it is exactly zero, otherwise the
    enclosure's decimal (:meth:`~symlqr.exact.enclosure.Enclosure.decimal`,
    no more digits than it certifies).

    >>> from fractions import Fraction
    >>> from symlqr.exact.enclosure import Enclosure
    >>> epsilon_text(Enclosure(Fraction(0), Fraction(0)))
    '0'
    >>> epsilon_text(Enclosure(Fraction(84669, 10**6), Fraction(84671, 10**6)))
    '0.08467'
    """
    if epsilon.lo == 0 and epsilon.hi == 0:
        return "0"
    return epsilon.decimal(digits)


def _round_sig(x: float, sig: int) -> str:
    return f"{x:.{sig}g}"


def _title(ls: Landscape) -> str:
    ts, c = ls.taskset, ls.counts()
    head = f"{ts.name}: MAML objective, {ls.adaptation} adaptation, $\\eta$ = {ts.eta}"
    plural = lambda k, one, many: f"{k} {one if k == 1 else many}"
    parts = [plural(c["min"], "minimum", "minima")
             + f" ({c['global_min']} global, {c['spurious_min']} spurious)",
             plural(c["max"], "maximum", "maxima")]
    if c["degenerate"]:
        parts.append(f"{c['degenerate']} degenerate")
    if ls.kinks:
        parts.append(plural(len(ls.kinks), "kink", "kinks"))
    if ls.infimum_attained is False:
        parts.append("inf h not attained")
    if ls.epsilon is not None:
        parts.append(f"$\\varepsilon$ = {epsilon_text(ls.epsilon)}")
    status = "certified" if ls.certified else "NOT certified (see the table)"
    return head + "\n" + status + ": " + ", ".join(parts)


def render(fig: Figure, fmt: str, dpi: int = 150) -> bytes:
    """The figure as PNG, SVG or PDF bytes (rendered in memory; no file is touched).

    >>> fig = Figure(); _ = fig.add_subplot().plot([0, 1])
    >>> render(fig, "svg")[:5], render(fig, "pdf")[:4]
    (b'<?xml', b'%PDF')
    """
    if fmt not in FORMATS.values():
        raise InputError(f"unknown image format {fmt!r}; use png, svg or pdf")
    meta = {"png": {"Software": None}, "svg": {"Date": None},
            "pdf": {"CreationDate": None, "ModDate": None}}[fmt]
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=dpi, metadata=meta, facecolor="white")
    if fmt != "png":
        return buf.getvalue()
    # line art: a 256-colour palette looks the same and is a third of the size
    from PIL import Image                      # a dependency of matplotlib
    buf.seek(0)
    image = Image.open(buf).convert("RGB").quantize(
        colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
