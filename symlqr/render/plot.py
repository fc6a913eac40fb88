"""Pictures of a certified landscape, in the style of the paper's Figures 1-3.

The MAML objective ``h(W) = sum_i w_i C_i(F_i(W))`` is drawn solid, each
task's own MAML objective ``C_i(F_i(W))`` dashed, the domain of ``h`` shaded,
and every certified stationary point marked by its certified type (global
minimum, spurious minimum, maximum, degenerate, undecided). Minima that hug a
domain edge, and stationary points packed too close to tell apart, get zoom
panels below the main one.

What is certified and what is only for the eye:

* marker positions are the certified ``W`` (real algebraic numbers) and marker
  heights the certified enclosures of ``h(W)``; the types come from the
  certificate, never from the picture;
* the y-range is chosen from those certified values (and the certified optimal
  costs ``C_i(W*_i)`` when dashed curves are drawn), since ``h`` blows up at
  the edges of the domain;
* the curves are float samples (:func:`symlqr.scalar.numeric.maml_objective_float`),
  denser near the domain's edges; they are drawings, not evidence.

matplotlib is an optional dependency (``pip install 'symlqr[plot]'``); only the
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

import numpy as np

try:
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle
except ImportError as exc:                                  # pragma: no cover
    raise ImportError("symlqr.render.plot needs matplotlib: pip install 'symlqr[plot]'") from exc

from ..scalar import lqr
from ..scalar.landscape import Landscape, StationaryPoint
from ..scalar.numeric import maml_objective_float
from ..tasks import InputError

__all__ = ["landscape_figure", "LandscapeFigure", "render", "plot_format", "zoom_windows", "FORMATS",
           "CATEGORIES", "point_category"]

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

#: A minimum closer to a domain edge than this fraction of the view gets a zoom panel.
EDGE_FRACTION = 0.06
#: Stationary points closer than this fraction of the view get a common zoom panel.
CLUSTER_FRACTION = 0.02


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
# geometry: view, sampling, zoom windows
# ---------------------------------------------------------------------------
def _components(ls: Landscape) -> list:
    """Domain components as float ``(lo, hi)`` (``-inf``/``inf`` for open ends)."""
    return [(-math.inf if d.lo is None else float(d.lo), math.inf if d.hi is None else float(d.hi))
            for d in ls.domain]


def _view(ls: Landscape) -> tuple:
    """x-range of the main panel: the finite domain edges and the stationary
    points, padded; infinite ends are cut at a distance like the points' spread."""
    comps = _components(ls)
    xs = [float(p.W) for p in ls.points] + [e for c in comps for e in c if math.isfinite(e)]
    if not xs:
        xs = [0.0]
    lo, hi = min(xs), max(xs)
    width = max(hi - lo, 1e-3 * max(1.0, abs(lo), abs(hi)))
    unbounded_lo = any(c[0] == -math.inf for c in comps)
    unbounded_hi = any(c[1] == math.inf for c in comps)
    if unbounded_lo:
        lo -= max(width, 1.0)
    if unbounded_hi:
        hi += max(width, 1.0)
    if not comps:                  # empty domain: a unit window around 0
        lo, hi = lo - 0.5, hi + 0.5
    width = max(hi - lo, width)
    return lo - 0.04 * width, hi + 0.04 * width


def _samples(a: float, b: float, n: int) -> np.ndarray:
    """``n`` points strictly inside ``(a, b)``: half uniform, half clustered
    (Chebyshev-like) towards both ends, where ``h`` blows up."""
    k = np.arange(1, n + 1)
    t_cos = (1 - np.cos(np.pi * k / (n + 1))) / 2
    t_cos = t_cos ** 1.5 * (t_cos <= 0.5) + (1 - (1 - t_cos) ** 1.5) * (t_cos > 0.5)
    t = np.concatenate([t_cos, k / (n + 1)])
    x = a + (b - a) * np.unique(t)
    return x[(x > a) & (x < b)]


def _curves(ls: Landscape, x0: float, x1: float, n: int):
    """Float samples of ``h`` and of each ``C_i(F_i(W))`` on the domain inside
    ``[x0, x1]``, with NaN breaks between components and at kinks."""
    ts = ls.taskset
    kinks = sorted(float(p.W) for p in ls.points if p.at_kink)
    pieces = []
    for lo, hi in _components(ls):
        a, b = max(lo, x0), min(hi, x1)
        if not a < b:
            continue
        cuts = [a] + [k for k in kinks if a < k < b] + [b]
        for u, v in zip(cuts[:-1], cuts[1:]):
            share = max(16, int(n * (v - u) / (x1 - x0)))
            pieces.append(_samples(u, v, share))
    if not pieces:
        return np.array([]), np.array([]), []
    xs, hs, terms = [], [], [[] for _ in ts.tasks]
    for x in pieces:
        with np.errstate(all="ignore"):
            h, per = maml_objective_float(x, ts, ls.adaptation, per_task=True)
        xs += [x, [np.nan]]
        hs += [h, [np.nan]]
        for i, t in enumerate(per):
            terms[i] += [t, [np.nan]]
    clean = lambda v: np.where(np.isfinite(v), v, np.nan)
    return (np.concatenate(xs), clean(np.concatenate(hs)),
            [clean(np.concatenate(t)) for t in terms])


def zoom_windows(ls: Landscape) -> list:
    """x-windows ``(lo, hi, reason)`` that deserve a zoom panel, left to right.

    * a minimum within :data:`EDGE_FRACTION` of the view from a finite domain
      edge, with no other stationary point in between ("edge");
    * stationary points closer than :data:`CLUSTER_FRACTION` of the view to a
      neighbour: one window over all of them ("cluster").

    >>> from symlqr.scalar.landscape import certify
    >>> from symlqr.tasks import figure
    >>> [w[2] for w in zoom_windows(certify(figure("fig1")))]
    ['edge', 'edge']
    >>> [w[2] for w in zoom_windows(certify(figure("fig3b")))]
    []
    """
    v0, v1 = _view(ls)
    width = v1 - v0
    xs = [float(p.W) for p in ls.points]
    windows, used = [], set()
    for lo, hi in _components(ls):
        inside = [k for k, x in enumerate(xs) if lo < x < hi or (lo <= x <= hi and
                                                                   ls.points[k].at_kink)]
        if not inside:
            continue
        for edge, k, side in ((lo, inside[0], -1), (hi, inside[-1], 1)):
            if not math.isfinite(edge) or not ls.points[k].is_local_min:
                continue
            d = abs(xs[k] - edge)
            if d < EDGE_FRACTION * width:
                reach = 1.2 * d           # inward; include a close neighbour (its max)
                nxt = k + side * -1
                if 0 <= nxt < len(xs) and abs(xs[nxt] - xs[k]) < 2.5 * d:
                    reach = abs(xs[nxt] - xs[k]) + 0.3 * d
                a, b = sorted((edge + side * 0.08 * d, xs[k] - side * reach))
                windows.append((a, b, "edge"))
                used.add(k)
    close = set()
    for k in range(len(xs) - 1):
        if xs[k + 1] - xs[k] < CLUSTER_FRACTION * width:
            close.update((k, k + 1))
    close -= used
    if close:
        a, b = min(xs[k] for k in close), max(xs[k] for k in close)
        pad = max(0.25 * (b - a), 1e-9 * max(1.0, abs(a)))
        windows.append((a - pad, b + pad, "cluster"))
    return sorted(windows)


def _ylim(values: list, fallback: float) -> tuple:
    lo, hi = min(values), max(values)
    span = hi - lo
    if span < 0.05 * max(abs(lo), 1e-12):
        span = max(span, 0.25 * abs(lo), abs(fallback - lo), 1e-12)
        return lo - 0.1 * span, lo + 1.1 * span
    return lo - 0.1 * span, hi + 0.25 * span


def _zoom_ylim(ls: Landscape, window: tuple, x, h) -> tuple:
    """y-range of a zoom panel: the certified values inside the window, and
    the curve where it leaves the window away from a domain edge (context)."""
    a, b, _ = window
    vals = [_mid(p) for p in ls.points if a <= float(p.W) <= b]
    edges = [e for c in _components(ls) for e in c if math.isfinite(e)]
    ok = np.isfinite(h) & (x >= a) & (x <= b)
    ends = []
    if ok.any():
        for j, at in ((0, a), (-1, b)):
            if all(abs(at - e) > 0.15 * (b - a) for e in edges):
                ends.append(float(h[ok][j]))
    lo, top = min(vals), max(vals + ends)
    span = top - lo
    if span <= 1e-12 * max(1.0, abs(lo)):
        span = max(0.02 * abs(lo), 1e-9)
    return lo - 0.12 * span, top + 0.2 * span


def _mid(p: StationaryPoint) -> float:
    return float((p.h.lo + p.h.hi) / 2)


# ---------------------------------------------------------------------------
# drawing
# ---------------------------------------------------------------------------
def _draw_panel(ax, ls: Landscape, x0: float, x1: float, per_task: bool, n: int) -> tuple:
    for k, (lo, hi) in enumerate(_components(ls)):
        ax.axvspan(max(lo, x0 - (x1 - x0)), min(hi, x1 + (x1 - x0)), color="#4575b4",
                   alpha=0.08, lw=0, label="domain of h" if k == 0 else None)
        for e in (lo, hi):
            if math.isfinite(e) and x0 <= e <= x1:
                ax.axvline(e, color="#4575b4", lw=0.8, ls=":", alpha=0.8)
    x, h, terms = _curves(ls, x0, x1, n)
    if per_task:
        colors = ["#1f77b4", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2"]
        for i, t in enumerate(terms):
            label = f"task {i + 1}: $C_{{{i + 1}}}(F_{{{i + 1}}}(W))$"
            ax.plot(x, t, ls="--", lw=1.1, color=colors[i % len(colors)], label=label)
    ax.plot(x, h, color="black", lw=1.8,
            label=r"MAML objective $h(W)=\sum_i w_i C_i(F_i(W))$")
    lb = float((ls.lower_bound.lo + ls.lower_bound.hi) / 2)
    ax.axhline(lb, color="grey", lw=0.8, ls=(0, (1, 2)),
               label=r"lower bound $\sum_i w_i C_i(W_i^*)$")
    seen = set()
    for cat, (label, marker, face, edge, size) in CATEGORIES.items():
        pts = [p for p in ls.points if point_category(p) == cat]
        if pts:
            ax.plot([float(p.W) for p in pts], [_mid(p) for p in pts], ls="none",
                    marker=marker, ms=size, mfc=face, mec=edge, mew=1.0, zorder=5,
                    label=f"{label} ({len(pts)})", gid=cat)
            seen.add(cat)
    kinks = [p for p in ls.points if p.at_kink]
    if kinks:
        ax.plot([float(p.W) for p in kinks], [_mid(p) for p in kinks], ls="none", marker="|",
                ms=16, mec="black", mew=1.2, zorder=6, label="kink ($C_i'(W)=0$)", gid="kink")
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
    if windows:
        fig = LandscapeFigure(figsize=(9, 7.2), layout="constrained")
        gs = fig.add_gridspec(2, len(windows), height_ratios=[1.7, 1])
        ax = fig.add_subplot(gs[0, :])
        zaxes = [fig.add_subplot(gs[1, k]) for k in range(len(windows))]
    else:
        fig = LandscapeFigure(figsize=(9, 5), layout="constrained")
        ax, zaxes = fig.add_subplot(), []
    ax.set_label("landscape")
    x0, x1 = _view(ls)
    _draw_panel(ax, ls, x0, x1, per_task, samples)
    # y-range from certified values: stationary points and, with dashed
    # curves, each task's optimal cost C_i(W*_i) (certified via lqr)
    values = [_mid(p) for p in ls.points]
    lb = float((ls.lower_bound.lo + ls.lower_bound.hi) / 2)
    if per_task:
        values += [float(lqr.optimal_cost_algebraic(t)) for t in ls.taskset.tasks]
    if not values:
        values = [lb]
    ax.set_ylim(*_ylim(values, fallback=max(values) + 0.5 * abs(lb)))
    ax.set_ylabel("$h(W)$")
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", fontsize=8,
               ncol=3, frameon=False)
    letters = "bcdefg"
    for k, (zax, win) in enumerate(zip(zaxes, windows)):
        a, b, _ = win
        zx, zh = _draw_panel(zax, ls, a, b, per_task, samples)
        ylo, yhi = _zoom_ylim(ls, win, zx, zh)
        zax.set_ylim(ylo, yhi)
        zax.set_label(f"zoom ({letters[k]}): {win[2]}")
        zax.set_title(f"({letters[k]}) zoom: W in [{_round_sig(a, 4)}, {_round_sig(b, 4)}]",
                      fontsize=9)
        zax.ticklabel_format(axis="y", useOffset=False)
        zax.tick_params(labelsize=7)
        ax.add_patch(Rectangle((a, ylo), b - a, yhi - ylo, fill=False, ls="--", lw=0.8,
                               ec="dimgrey", zorder=7))
        ax.annotate(f"({letters[k]})", ((a + b) / 2, yhi), fontsize=8, color="dimgrey",
                    ha="center", va="bottom", xytext=(0, 1), textcoords="offset points")
    ax.set_title(_title(ls), fontsize=10)
    return fig


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
    if ls.epsilon is not None:
        parts.append(f"$\\varepsilon$ = {ls.epsilon.decimal(4)}")
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
