"""Pictures of MAML variants: the K-step MAML objective ``h_K`` with each
variant's certified fixed points marked.

* ``variant_figure``: one variant (``certify --method M --steps K --plot FILE``):
  ``h_K(W) = sum_i w_i C_i(F_i^K(W))`` over the K-step domain (``F_i^K``: the
  inner step applied K times), the attracting points filled, the repelling
  ones open, degenerate ones as diamonds; below it the update direction ``g``
  of the method, whose zeros are the certified fixed points (for ``fomaml``
  and ``reptile`` they are not the extrema of ``h_K``); fixed points hugging
  a wall of the domain get zoom panels of ``g``;
* ``compare_figure`` (``certify --compare --plot FILE``): one panel per ``K``,
  ``h_K`` with the attracting points of every method with ``K`` steps; a
  method without an attracting point says so in the legend.

What is certified and what is only for the eye: marker positions are the
certified ``W`` and marker heights the midpoints of the certified enclosures
of ``h_K(W)``, read from the JSON documents; the types come from the
certificate. The curves are float samples
(:func:`symlqr.scalar.variants.objective_float`), labelled "floats": drawings,
not evidence. matplotlib is imported lazily; nothing is printed.

>>> from symlqr.scalar.fixedpoints import fixed_points
>>> from symlqr.tasks import figure
>>> doc = fixed_points(figure("fig2"), "fomaml", 2, digits=8).to_dict(8)
>>> fig = variant_figure(figure("fig2"), doc)
>>> sorted(c.get_label() for c in fig.axes[0].collections)
['attracting (certified)', 'repelling (certified)']
"""
from __future__ import annotations

from ..scalar.variants import objective_float

__all__ = ["variant_figure", "compare_figure", "draw_objective", "mark_points", "MARKERS",
           "direction_float", "edge_windows", "steps_text"]

#: Marker of each method.
MARKERS = {"maml": "o", "fomaml": "s", "reptile": "^"}
#: Colour of each number of inner steps.
COLOURS = {1: "tab:blue", 2: "tab:orange", 3: "tab:green"}


def _span(dom: dict, points: list) -> tuple:
    """Float ends of a domain interval (an infinite end: one unit beyond the points)."""
    ws = [float(p["W"]) for p in points] or [0.0]
    a = min(ws) - 1 if dom["lo"] == "-inf" else float(dom["lo"])
    b = max(ws) + 1 if dom["hi"] == "inf" else float(dom["hi"])
    return a, b


def draw_objective(ax, taskset, doc: dict, n: int = 2001, **style) -> None:
    """``h_K`` in floats over every interval of ``doc["domain"]`` (``K = doc["steps"]``)."""
    import numpy as np
    style = {"color": "black", "lw": 1.2, **style}
    for k, dom in enumerate(doc["domain"] or []):
        a, b = _span(dom, doc["stationary_points"])
        x = np.linspace(a, b, n)[1:-1]
        ax.plot(x, objective_float(x, taskset, doc["steps"]),
                label=f"h, K = {doc['steps']} (floats)" if k == 0 else None, **style)


def _height(p: dict) -> float:
    lo, hi = p["h_interval"]
    return (float(lo) + float(hi)) / 2


def mark_points(ax, points: list, label: str, **style) -> list:
    """A marker at each point's certified ``(W, h)``; returns the heights."""
    if not points:
        return []
    ys = [_height(p) for p in points]
    ax.scatter([float(p["W"]) for p in points], ys, label=label, zorder=3, **style)
    return ys


def _ylim(ax, ys: list) -> None:
    """The y-range from the certified values (h blows up at the domain's edges)."""
    if ys:
        lo, hi = min(ys), max(ys)
        pad = max(hi - lo, abs(lo) * 1e-3, 1e-12)
        ax.set_ylim(lo - pad, hi + 2 * pad)


def _is_attracting(p: dict) -> bool:
    return p.get("stability") == "attracting" or p["type"] == "min"


#: The update direction of each method, as the picture's label writes it.
DIRECTIONS = {"maml": "g = h_K'", "fomaml": "g = sum_i w_i C_i'(F_i^K(W))",
              "reptile": "g = sum_i w_i (W - F_i^K(W))"}


def steps_text(K: int) -> str:
    """How the pictures say ``F_i^K`` (a power would read as a square).

    >>> steps_text(2)
    'F_i^K = F_i applied K = 2 times'
    """
    return f"F_i^K = F_i applied K = {K} time{'' if K == 1 else 's'}"


def direction_float(W, taskset, method: str, steps: int):
    """The update direction ``g(W)`` in floats (``nan`` outside the domain), for the
    eye: ``maml`` by central differences of ``h_K``, ``fomaml`` and ``reptile``
    from the inner iterates. Not certified; the zeros marked on it are.

    >>> from symlqr.tasks import figure
    >>> import numpy as np
    >>> g = direction_float(np.array([0.6180339887]), figure("fig2"), "reptile", 2)
    >>> bool(abs(g[0]) < 1e-8)
    True
    """
    import numpy as np
    from ..scalar.numeric import gradient_float
    W = np.asarray(W, dtype=float)
    if method == "maml":
        d = 1e-6 * np.maximum(1.0, np.abs(W))
        with np.errstate(invalid="ignore"):
            g = (objective_float(W + d, taskset, steps)
                 - objective_float(W - d, taskset, steps)) / (2 * d)
        return np.where(np.isfinite(g), g, np.nan)
    eta, total = float(taskset.eta), np.zeros_like(W)
    inside = np.isfinite(objective_float(W, taskset, steps))
    for t, w in zip(taskset.tasks, taskset.weights):
        y = np.where(inside, W, 0.0)
        for _ in range(steps):
            y = y - eta * gradient_float(y, t, t.s0_adapt)
        total = total + float(w) * (gradient_float(y, t) if method == "fomaml" else W - y)
    return np.where(inside, total, np.nan)


def edge_windows(doc: dict, fraction: float = 0.06) -> list:
    """``(lo, hi)`` windows around fixed points within ``fraction`` of the domain's
    width from one of its walls (they crowd the edge of the full view).

    >>> doc = {"domain": [{"lo": "0", "hi": "2"}], "stationary_points": [
    ...     {"W": "0.01"}, {"W": "0.05"}, {"W": "1"}, {"W": "1.99"}]}
    >>> [tuple(round(v, 4) for v in w) for w in edge_windows(doc)]
    [(0.0, 0.0625), (1.9875, 2.0)]
    """
    out = []
    for dom in doc["domain"] or []:
        if "inf" in (dom["lo"].lstrip("-"), dom["hi"].lstrip("-")):
            continue
        a, b = float(dom["lo"]), float(dom["hi"])
        xs = sorted(float(p["W"]) for p in doc["stationary_points"] if a < float(p["W"]) < b)
        for edge, near in ((a, [x for x in xs if x - a < fraction * (b - a)]),
                           (b, [x for x in xs if b - x < fraction * (b - a)])):
            if near:
                far = max(near, key=lambda x: abs(x - edge))
                lo, hi = sorted((edge, far + 0.25 * (far - edge)))
                out.append((max(lo, a), min(hi, b)))
    return out


def _draw_direction(ax, taskset, doc: dict, window=None, n: int = 4001) -> None:
    """``g`` in floats over the domain (or ``window``), the zero line, and a marker
    at each certified zero."""
    import numpy as np
    pts = doc["stationary_points"]
    for k, dom in enumerate(doc["domain"] or []):
        a, b = _span(dom, pts) if window is None else (
            max(window[0], _span(dom, pts)[0]), min(window[1], _span(dom, pts)[1]))
        if not a < b:
            continue
        x = np.linspace(a, b, n)[1:-1]
        g = direction_float(x, taskset, doc["method"], doc["steps"])
        ax.plot(x, g, color="tab:purple", lw=1.1,
                label=f"{DIRECTIONS[doc['method']]} (floats)" if k == 0 else None)
    ax.axhline(0, color="gray", lw=0.6)
    inside = [p for p in pts if window is None or window[0] <= float(p["W"]) <= window[1]]
    _mark_zeros(ax, inside, doc["method"])
    ax.set_ylim(*_g_range(ax, inside, taskset, doc, window))


def _mark_zeros(ax, pts: list, method: str) -> None:
    marker = MARKERS.get(method, "o")
    for sel, style, label in (
            (lambda p: p["type"] != "degenerate" and _is_attracting(p),
             dict(c="tab:green", edgecolors="black"), "attracting"),
            (lambda p: p["type"] != "degenerate" and p.get("stability") == "repelling",
             dict(facecolors="white", edgecolors="black"), "repelling"),
            (lambda p: p["type"] == "degenerate", dict(c="tab:orange", edgecolors="black",
                                                        marker="D"), "degenerate")):
        chosen = [float(p["W"]) for p in pts if sel(p)]
        if chosen:
            ax.scatter(chosen, [0.0] * len(chosen), zorder=3, s=45,
                       **{"marker": marker, **style})


def _g_range(ax, pts: list, taskset, doc: dict, window) -> tuple:
    """A y-range for ``g`` that shows its sign changes: ``g`` over the window, or
    over the domain without its outer 5 % where ``g`` blows up at the walls."""
    import numpy as np
    if window is not None:
        spans = [window]
    else:
        spans = []
        for dom in doc["domain"] or []:
            a, b = _span(dom, doc["stationary_points"])
            spans.append((a + 0.05 * (b - a), b - 0.05 * (b - a)))
    vals = [direction_float(np.linspace(a, b, 801), taskset, doc["method"], doc["steps"])
            for a, b in spans if a < b]
    g = np.concatenate(vals) if vals else np.array([])
    g = np.abs(g[np.isfinite(g)])
    top = float(np.percentile(g, 90)) if len(g) else 1.0
    top = top if top > 0 else 1.0
    return -1.1 * top, 1.1 * top


def variant_figure(taskset, doc: dict):
    """The picture of one variant's certification document ``doc``
    (:meth:`symlqr.scalar.variant_results.FixedPoints.to_dict`): ``h_K`` with the
    fixed points, the direction ``g`` with its certified zeros, and zoom panels
    of ``g`` where fixed points crowd a wall."""
    from .plot import LandscapeFigure
    windows = edge_windows(doc)
    rows = 3 if windows else 2
    fig = LandscapeFigure(figsize=(7, 2.4 + 2.3 * rows))
    grid = fig.add_gridspec(rows, max(1, len(windows)), height_ratios=[1.3, 1, 1][:rows])
    ax = fig.add_subplot(grid[0, :], label="h")
    draw_objective(ax, taskset, doc)
    pts = doc["stationary_points"]
    marker = MARKERS.get(doc["method"], "o")
    ys = mark_points(ax, [p for p in pts if p["type"] != "degenerate" and _is_attracting(p)],
                     "attracting (certified)", marker=marker, s=60, c="tab:green",
                     edgecolors="black")
    ys += mark_points(ax, [p for p in pts if p["type"] != "degenerate"
                           and p.get("stability") == "repelling"],
                      "repelling (certified)", marker=marker, s=60, facecolors="white",
                      edgecolors="black")
    ys += mark_points(ax, [p for p in pts if p["type"] == "degenerate"],
                      "degenerate (certified)", marker="D", s=50, c="tab:orange",
                      edgecolors="black")
    _ylim(ax, ys)
    c = doc["counts"]
    status = "certified" if doc["certified"] else "NOT certified (see the table)"
    ax.set_title(f"{doc['name']}: {doc['method']}, K = {doc['steps']}: {c['attracting']} "
                 f"attracting, {c['repelling']} repelling ({status})\n"
                 f"fixed points: the certified zeros of the update direction g (below)\n"
                 f"{steps_text(doc['steps'])}", fontsize=9)
    ax.set_ylabel("h_K(W) = sum_i w_i C_i(F_i^K(W))", fontsize=8)
    ax.legend(fontsize=7)
    gax = fig.add_subplot(grid[1, :], label="g", sharex=ax)
    _draw_direction(gax, taskset, doc)
    gax.set_ylabel("update direction g", fontsize=8)
    gax.set_xlabel("W")
    gax.legend(fontsize=7, loc="upper center")
    for j, win in enumerate(windows):
        gax.axvspan(*win, color="0.85", zorder=0, lw=0)          # where the zoom looks
        zax = fig.add_subplot(grid[2, j], label=f"zoom {j + 1}")
        _draw_direction(zax, taskset, doc, window=win)
        zax.set_xlim(*win)
        zax.set_title(f"zoom: W in [{win[0]:.4g}, {win[1]:.4g}] (near a wall)", fontsize=8)
        zax.tick_params(labelsize=7)
        zax.set_xlabel("W", fontsize=8)
    fig.set_layout_engine("tight")
    return fig


def compare_figure(taskset, docs: list):
    """One row per ``K`` in ``docs``: ``h_K`` (floats) over the K-step domain and
    the certified attracting points of every method with ``K`` steps (marker by
    method, colour by ``K``); attracting points hugging a wall get zoom panels on
    the right (a well a few thousandths wide reads as a spike otherwise); a method
    with no attracting point at this ``K`` says so in the legend, with its counts."""
    from .plot import LandscapeFigure
    ks = sorted({d["steps"] for d in docs})
    groups = {K: [d for d in docs if d["steps"] == K] for K in ks}
    wins = {K: edge_windows({"domain": g[0]["domain"], "stationary_points": [
        p for d in g for p in d["stationary_points"] if _is_attracting(p)]}) if g else []
        for K, g in groups.items()}
    cols = max([len(w) for w in wins.values()] + [0])
    fig = LandscapeFigure(figsize=(7 + 2.6 * cols, 3.2 * len(ks)))
    grid = fig.add_gridspec(len(ks), 2 + cols, width_ratios=[1.35, 1.35] + [1] * cols)
    for row, K in enumerate(ks):
        group = groups[K]
        ax = fig.add_subplot(grid[row, :2 + cols - len(wins[K])], label=f"K = {K}")
        ys = _compare_panel(ax, taskset, group, K)
        _ylim(ax, ys)
        ax.set_ylabel(f"h_K, K = {K}")
        ax.set_xlabel("W" if row == len(ks) - 1 else "")
        ax.legend(fontsize=7, ncol=2)
        for j, win in enumerate(wins[K]):
            ax.axvspan(*win, color="0.85", zorder=0, lw=0)        # where the zoom looks
            zax = fig.add_subplot(grid[row, 2 + cols - len(wins[K]) + j], label=f"K = {K} zoom")
            zys = _compare_panel(zax, taskset, group, K, window=win)
            zax.set_xlim(*win)
            _ylim(zax, zys)
            zax.set_title(f"zoom near a wall, K = {K}", fontsize=8)
            zax.tick_params(labelsize=7)
    fig.axes[0].set_title(f"{taskset.name}: certified attracting points of each variant "
                          f"({steps_text(ks[-1]).split(' = ')[0]}: F_i applied K times)",
                          fontsize=10)
    fig.set_layout_engine("tight")
    return fig


def _compare_panel(ax, taskset, group: list, K: int, window=None) -> list:
    """``h_K`` and every method's attracting points (in ``window`` if given); the
    heights of the points drawn."""
    import numpy as np
    if group and window is None:
        draw_objective(ax, taskset, group[0])
    elif group:
        x = np.linspace(window[0], window[1], 2001)[1:-1]
        ax.plot(x, objective_float(x, taskset, K), color="black", lw=1.2)
    ys = []
    for d in group:
        att = [p for p in d["stationary_points"] if _is_attracting(p)
               and (window is None or window[0] <= float(p["W"]) <= window[1])]
        style = dict(marker=MARKERS.get(d["method"], "x"), s=36, facecolors="none",
                     edgecolors=COLOURS.get(K, "gray"))
        if att:
            ys += mark_points(ax, att, f"{d['method']} K={K}", **style)
        elif window is None:
            c = d["counts"]
            ax.scatter([], [], label=f"{d['method']} K={K}: no attracting point "
                       f"({c['repelling']} repelling, {c['degenerate']} degenerate)", **style)
    return ys
