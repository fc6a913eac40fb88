"""Text for MAML variants: one variant's certified fixed points, and the
side-by-side comparison of maml, fomaml and reptile (``--compare``; its
picture is :func:`symlqr.render.variant_plot.compare_figure`). Pure formatting of the JSON documents; no arithmetic, no printing.

>>> doc = {"name": "demo", "method": "reptile", "steps": 1, "eta": "1/100",
...        "domain": [], "stationary_points": [], "min_value": None, "epsilon": None,
...        "counts": {"stationary": 0, "attracting": 0, "repelling": 0, "degenerate": 0},
...        "certified": True, "undecided": []}
>>> print(variant_table(doc).splitlines()[0])
demo: reptile with 1 inner step(s), eta = 1/100
"""
from __future__ import annotations

from .report import plural, point_rows, task_lines, zero_text

__all__ = ["variant_table", "compare_table", "variant_label"]


def variant_label(p: dict) -> str:
    """"attracting, h = min h", "attracting, h - min h = 0.3", "repelling", ..."""
    if p["type"] == "degenerate":
        return f"degenerate (multiplicity {p['multiplicity']}, {p.get('stability', 'none')})"
    if p.get("stability", p["type"]) != "attracting" and p["type"] not in ("min",):
        return p["type"]
    g = p.get("global")
    name = p["type"]
    if g is True:
        return name + ("  (global min)" if name == "min" else "  (h = min h)")
    if g is False:
        gap = p.get("h_minus_min_h")
        return name + (f"  (spurious; h - min h = {gap})" if name == "min"
                       else f"  (h - min h = {gap})")
    return name + "  (undecided)"


def variant_table(doc: dict) -> str:
    """A readable table of one variant's certification document."""
    out = [f"{doc['name']}: {doc['method']} with {doc['steps']} inner step(s), eta = {doc['eta']}"]
    out += task_lines({"tasks": doc.get("tasks", []), "weights": doc.get("weights", [])})
    if doc["domain"]:
        out.append("  domain: " + " U ".join(f"({d['lo']}, {d['hi']})" for d in doc["domain"]))
    else:
        out.append("  domain: empty")
    out += point_rows(doc["stationary_points"], variant_label) or [
        "  no fixed points in the domain"]
    c = doc["counts"]
    out.append(f"  counts: {plural(c['stationary'], 'fixed point')} = {c['attracting']} attracting + "
               f"{c['repelling']} repelling + {c['degenerate']} degenerate")
    if doc.get("min_value") is not None:
        att = doc.get("infimum_attained")
        out.append(f"  min h = {doc['min_value']}" + ("" if att is not False
                                                       else " (infimum, not attained)"))
    if doc.get("epsilon") is not None:
        out.append(f"  largest h - min h at an attracting point = {zero_text(doc['epsilon'])}")
    if doc["certified"]:
        out.append("  certified: yes (exact root counts, exact types, enclosed values)")
    else:
        out.append("  certified: NO, undecided:")
        out.extend(f"    - {u}" for u in doc["undecided"])
    return "\n".join(out)


def compare_table(docs: list) -> str:
    """One table: a row per (method, steps), its attracting points ``W`` and
    ``h(W) - min h`` (``0`` when ``h(W) = min h`` is proven)."""
    if not docs:
        return ""
    out = [f"{docs[0]['name']}: attracting fixed points of each variant "
           f"(W: h(W) - min h; min h over the K-step domain), eta = {docs[0]['eta']}"]
    out.append(f"  {'method':<8} {'K':>2}  {'#att':>4} {'#rep':>4}  attracting W (gap)")
    for d in docs:
        att = [p for p in d["stationary_points"]
               if p["type"] in ("min", "attracting") or p.get("stability") == "attracting"]
        cells = []
        for p in att:
            gap = {True: "0", None: "undecided"}.get(p.get("global"), p.get("h_minus_min_h"))
            cells.append(f"{zero_text(p['W'])} ({zero_text(gap)})")
        c = d["counts"]
        flag = "" if d["certified"] else "  [NOT certified]"
        out.append(f"  {d['method']:<8} {d['steps']:>2}  {c['attracting']:>4} "
                   f"{c['repelling']:>4}  " + ", ".join(cells) + flag)
    return "\n".join(out)
