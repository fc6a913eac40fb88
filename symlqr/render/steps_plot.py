"""Picture of the atlas over the number of inner steps: the certified
attracting fixed points' ``W`` against ``K``, marked by label (global or
spurious minimum for maml; at or above ``min h`` for fomaml and reptile).

Built from the JSON document (:meth:`symlqr.atlas.steps.StepsAtlas.to_dict`);
every marker is a certified point (its ``W`` as a float, for the eye).
matplotlib is imported lazily; nothing is printed.

>>> from symlqr.atlas.steps import steps_atlas
>>> from symlqr.tasks import figure
>>> fig = steps_figure(steps_atlas(figure("fig2"), "maml", 1, 2, digits=8).to_dict())
>>> sorted(c.get_label() for c in fig.axes[0].collections)
['global min', 'spurious min']
"""
from __future__ import annotations

__all__ = ["steps_figure", "LABEL_STYLE"]

#: Marker style of each label: (marker, face colour, size).
LABEL_STYLE = {"global min": ("o", "#1b9e4b", 70), "spurious min": ("X", "#d7191c", 80),
               "undecided min": ("s", "#bbbbbb", 60), "at min h": ("o", "#1b9e4b", 70),
               "above min h": ("X", "#d7191c", 80), "undecided": ("s", "#bbbbbb", 60)}


def steps_figure(doc: dict):
    """The attracting points of every row of ``doc`` at ``(K, W)``; rows without
    a certificate are shaded and named "undecided"."""
    from .plot import LandscapeFigure
    fig = LandscapeFigure(figsize=(6, 4.2))
    ax = fig.add_subplot()
    by_label: dict = {}
    for r in doc["rows"]:
        if r["counts"] is None:
            ax.axvspan(r["steps"] - 0.4, r["steps"] + 0.4, color="tab:gray", alpha=0.15, lw=0)
            ax.text(r["steps"], 0.5, "undecided", transform=ax.get_xaxis_transform(),
                    ha="center", rotation=90, color="dimgray")
        for p in r["attracting"]:
            by_label.setdefault(p["label"], ([], []))
            by_label[p["label"]][0].append(r["steps"])
            by_label[p["label"]][1].append(float(p["W"]))
    for label, (ks, ws) in by_label.items():
        marker, colour, size = LABEL_STYLE.get(label, ("o", "white", 60))
        ax.scatter(ks, ws, marker=marker, c=colour, s=size, edgecolors="black", label=label,
                   zorder=3)
    lo, hi = doc["range"]
    ax.set_xticks(range(lo, hi + 1))
    ax.set_xlim(lo - 0.6, hi + 0.6)
    ax.set_xlabel("K (inner gradient steps)")
    ax.set_ylabel("W (certified attracting fixed points)")
    status = "certified" if doc["certified"] else "NOT certified (see the table)"
    ax.set_title(f"{doc['name']}: attracting points of {doc['method']} against K, "
                 f"eta = {doc['eta']}\n{status}", fontsize=10)
    if by_label:
        ax.legend(fontsize=8)
    fig.set_layout_engine("tight")
    return fig
