"""Pictures of MAML variants: the K-step MAML objective ``h_K`` with each
variant's certified fixed points marked.

* ``variant_figure``: one variant (``certify --method M --steps K --plot FILE``):
  ``h_K(W) = sum_i w_i C_i(F_i^K(W))`` over the K-step domain, the attracting
  points filled, the repelling ones open, degenerate ones as diamonds;
* ``compare_figure`` (``certify --compare --plot FILE``): one panel per ``K``,
  ``h_K`` with the attracting points of every method with ``K`` steps.

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

__all__ = ["variant_figure", "compare_figure", "draw_objective", "mark_points", "MARKERS"]

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
    from ..scalar.variants import objective_float
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


def variant_figure(taskset, doc: dict):
    """The picture of one variant's certification document ``doc``
    (:meth:`symlqr.scalar.variant_results.FixedPoints.to_dict`)."""
    from .plot import LandscapeFigure
    fig = LandscapeFigure(figsize=(7, 4.2))
    ax = fig.add_subplot()
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
                 f"attracting, {c['repelling']} repelling\n{status}", fontsize=10)
    ax.set_xlabel("W")
    ax.set_ylabel(f"h(W) = sum_i w_i C_i(F_i^{doc['steps']}(W))")
    ax.legend(fontsize=8)
    fig.set_layout_engine("tight")
    return fig


def compare_figure(taskset, docs: list):
    """One panel per ``K`` in ``docs``: ``h_K`` (floats) over the K-step domain and
    the certified attracting points of every method with ``K`` steps (marker by
    method, colour by ``K``)."""
    from .plot import LandscapeFigure
    ks = sorted({d["steps"] for d in docs})
    fig = LandscapeFigure(figsize=(7, 3.2 * len(ks)))
    for row, K in enumerate(ks, 1):
        ax = fig.add_subplot(len(ks), 1, row)
        group = [d for d in docs if d["steps"] == K]
        if group:
            draw_objective(ax, taskset, group[0])
        ys = []
        for d in group:
            ys += mark_points(ax, [p for p in d["stationary_points"] if _is_attracting(p)],
                              f"{d['method']} K={K}", marker=MARKERS.get(d["method"], "x"),
                              s=36, facecolors="none", edgecolors=COLOURS.get(K, "gray"))
        _ylim(ax, ys)
        ax.set_ylabel(f"h, K = {K}")
        ax.legend(fontsize=7, ncol=2)
    fig.axes[0].set_title(f"{taskset.name}: certified attracting points of each variant")
    fig.axes[-1].set_xlabel("W")
    fig.set_layout_engine("tight")
    return fig
