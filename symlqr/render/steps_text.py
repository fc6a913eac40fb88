"""The readable table of the atlas over the number of inner steps
(``python -m symlqr.atlas NAME --vary steps=LO:HI``), built from its JSON
document (:meth:`symlqr.atlas.steps.StepsAtlas.to_dict`). Pure formatting.

>>> doc = {"name": "demo", "method": "reptile", "range": [1, 1], "eta": "1/100",
...        "tasks": [], "weights": [], "certified": False, "undecided": ["K = 1: timeout"],
...        "rows": [{"steps": 1, "counts": None, "certified": False,
...                  "undecided": ["timeout"], "attracting": []}]}
>>> print(steps_table(doc))
demo: fixed points of reptile for K = 1..1 inner steps, eta = 1/100
  K = 1: undecided: timeout
  certified: no (K = 1: timeout)
"""
from __future__ import annotations

from .report import plural, task_lines, zero_text

__all__ = ["steps_table"]


def _row(r: dict, method: str) -> list:
    """The lines of one K."""
    K, c = r["steps"], r["counts"]
    if c is None:
        return [f"  K = {K}: undecided: " + "; ".join(r["undecided"])]
    head = (f"  K = {K}: {plural(c['stationary'], 'fixed point')} = {c['attracting']} attracting + "
            f"{c['repelling']} repelling + {c['degenerate']} degenerate")
    if method == "maml":
        glob = "?" if c["global_min"] is None else c["global_min"]
        head += f"; minima: {glob} global, {c['spurious_min']} spurious"
    out = [head]
    if r["min_value"] is not None:
        att = "" if r.get("infimum_attained") is not False else " (infimum, not attained)"
        gap = "epsilon" if method == "maml" else "largest h - min h"
        eps = r["epsilon"]
        if eps is not None and all(p["global"] is True for p in r["attracting"]):
            eps = "0 (exact)"
        out.append(f"      min h = {r['min_value']}{att}"
                   + ("" if eps is None else f";  {gap} = {eps}"))
    for p in r["attracting"]:
        gap = {True: "0 (exact)", None: "undecided"}.get(p["global"], p["h_minus_min_h"])
        out.append(f"      W = {zero_text(p['W']):<22} {p['label']:<14} h = {p['h']:<20} "
                   f"h - min h = {gap}")
    if not r["certified"]:
        out.append("      undecided: " + "; ".join(r["undecided"]))
    return out


def steps_table(doc: dict) -> str:
    """The text table of the steps-atlas document ``doc``."""
    lo, hi = doc["range"]
    out = [f"{doc['name']}: fixed points of {doc['method']} for K = {lo}..{hi} inner steps, "
           f"eta = {doc['eta']}"]
    out += task_lines({"tasks": doc.get("tasks", []), "weights": doc.get("weights", [])})
    for r in doc["rows"]:
        out += _row(r, doc["method"])
    if doc["certified"]:
        out.append("  certified: yes (exact root counts, exact types, enclosed values of h "
                   "with K steps)")
    else:
        out.append("  certified: no (" + "; ".join(doc["undecided"]) + ")")
    return "\n".join(out)
