"""Text and HTML tables of a complete matrix landscape (the branch-and-bound answer).

Pure formatting of :meth:`symlqr.matrix.landscape.MatrixLandscape.to_dict`: a
head (how many points, complete or why not, the box, the level), one row per
stationary point (type, label, ``h`` enclosure, the float midpoint of ``W``),
then ``min h``, ``epsilon`` on ``{h <= L}``, benign, and the boxes by reason.

>>> doc = {"name": "t", "points": [], "complete": True, "region": "the domain",
...        "reason": None, "box": [["0.0", "1.0"]], "box_source": "given",
...        "level": None, "level_source": "given", "min_h": None,
...        "min_h_over_domain": False, "attained": "no minimum", "epsilon": None,
...        "benign": None, "boxes": 3, "decided_fraction": 1.0, "undecided_count": 0,
...        "seconds": {}, "excluded": {"grad h != 0": 3}}
>>> print(landscape_table(doc).splitlines()[0][:60])
t: 0 stationary point(s); complete: every stationary point o
"""
from __future__ import annotations

__all__ = ["landscape_table", "landscape_html", "ROW_COLUMNS"]

#: the columns of :meth:`MatrixLandscape.to_rows` shown in the HTML table
ROW_COLUMNS = ("index", "W", "type", "label", "h_lo", "h_hi", "certified")


def _iv(x) -> str:
    return "undecided" if x is None else f"[{x[0]}, {x[1]}]"


def _state(doc) -> str:
    what = ("stationary point of h" if doc.get("method", "maml") == "maml"
            else "zero of the update direction")
    if doc["complete"]:
        return (f"complete: every {what} in " + doc["region"] + " certified, "
                "the rest of the box excluded by proofs")
    return doc["reason"] or "not complete"


def _head(doc) -> list:
    level = "inf (no level test)" if doc["level"] is None else doc["level"]
    what = ("stationary point(s)" if doc.get("method", "maml") == "maml"
            else "zero(s) of the update direction")
    variant = ([f"method {doc['method']}, steps K = {doc['steps']}: {doc['objective']}"]
               if doc.get("method", "maml") != "maml" or doc.get("steps", 1) != 1 else [])
    return [f"{doc['name']}: {len(doc['points'])} {what}; {_state(doc)}", *variant,
            "box: " + " x ".join(f"[{float(a):.6g}, {float(b):.6g}]" for a, b in doc["box"])
            + f" ({doc['box_source']})",
            f"level L = {level} ({doc['level_source']})"]


def _tail(doc) -> list:
    benign = "undecided" if doc["benign"] is None else str(doc["benign"]).lower()
    where = (" (over the domain: " + doc["attained"] + ")" if doc["min_h_over_domain"]
             else " (the landscape is not complete)" if not doc["complete"]
             else f" (over the certified minima; {doc['attained']})")
    lines = [f"min h: {_iv(doc['min_h'])}" + where,
             f"epsilon on {{h <= L}}: {_iv(doc['epsilon'])};  benign (every local "
             f"minimum global): {benign}"]
    if doc.get("method", "maml") != "maml":
        lines = [f"min h, epsilon, benign: not asked of {doc['method']} (its zeros are not "
                 "stationary points of h)"]
    lines.append(f"boxes: {doc['boxes']}, volume decided {100 * doc['decided_fraction']:.4f}%, "
                 f"undecided boxes {doc['undecided_count']}; "
                 f"{doc['seconds'].get('branch_and_bound', 0):.1f} s")
    if doc.get("edges"):
        edges = doc["edges"]
        covered = sum(e["covered"] for e in edges) / len(edges)
        lines.append(f"  edges of the stabilizing set: tubes around {len(edges)} of them, proven "
                     f"outside on {100 * covered:.0f}% of their length on average, "
                     f"{doc['seconds'].get('edges', 0):.1f} s")
    if doc.get("parts"):
        lines.append(f"  run as {doc['parts']} sub-boxes on Dask: the seconds above are summed "
                     f"over them, {doc['seconds'].get('wall', 0):.1f} s wall")
    for why, count in sorted(doc["excluded"].items(), key=lambda kv: -kv[1]):
        if count and not why.startswith("beyond"):
            lines.append(f"  excluded {count:>8}  {why}")
    return lines


def landscape_table(doc) -> str:
    """The readable summary of a branch-and-bound document (the command line's output)."""
    lines = _head(doc) + [f"{'#':>3} {'type':9} {'label':9} {'h (enclosure)':43} W (midpoint)"]
    for k, p in enumerate(doc["points"]):
        h = f"[{p['h'][0]}, {p['h'][1]}]" if p["h"] else "-"
        w = ", ".join(f"{v:.6g}" for row in p["W"] for v in row)
        lines.append(f"{k + 1:>3} {p['type']:9} {p['label']:9} {h:43} [{w}]")
    return "\n".join(lines + _tail(doc))


def landscape_html(doc, rows) -> str:
    """An HTML table: the head as the title, one row per point, the summary below."""
    from .views import html_rows
    head = _head(doc)
    return html_rows(head[0], [dict(r, index=k) for k, r in enumerate(rows, 1)],
                     ROW_COLUMNS, " | ".join(head[1:] + _tail(doc)))
