"""The readable table of a certified atlas (``python -m symlqr.atlas``), built
from its JSON document (:meth:`symlqr.atlas.Atlas.to_dict`).

A piece whose labels are not decided shows ``?`` for its global and spurious
counts and ``min`` for its minima; an undecided range is listed with its ends.
A piece split into parts (labels proven on some sub-ranges only) shows one
row per part; a part's end where the switch search proved (``lo_exact`` /
``hi_exact`` in the document) is no critical value, and ``[``/``]`` mark the
ends a proven part contains.
"""
from __future__ import annotations

__all__ = ["atlas_table"]


def _n(x) -> str:
    return "?" if x is None else str(x)


def atlas_table(doc: dict) -> str:
    """The text table of the atlas document ``doc``."""
    out = [f"{doc['name']}: atlas of the MAML landscape over {doc['parameter']} in "
           f"({doc['range'][0]}, {doc['range'][1]}]"]
    if doc["eta"] is not None:
        out.append(f"  eta = {doc['eta']}")
    for i, t in enumerate(doc["tasks"], 1):
        out.append(f"  task {i}: A={t['A']} B={t['B']} Q={t['Q']} R={t['R']} s0={t['s0']} "
                   f"s0a={t['s0a']}")
    out.append(f"  {len(doc['critical_values'])} critical values "
               f"({doc['candidates_examined']} candidates examined)")
    out.append(f"  {'piece / critical value':<44} {'min':>4} {'glob':>5} {'spur':>5} {'max':>4}  note")
    cvs = iter(doc["critical_values"])
    for pc in doc["pieces"]:
        lo_b = ("[" if pc["lo_included"] else "(") + pc["lo"]
        hi_b = pc["hi"] + ("]" if pc["hi_included"] else ")")
        c = pc["counts"]
        note = " ".join(pc["points"])
        if pc.get("labels_decided") is False:
            note += "  (which minimum is global: undecided)"
        elif "lo_exact" in pc or "hi_exact" in pc:
            note += "  (labels proven on this part)"
        out.append(f"  {lo_b + ', ' + hi_b:<44} {c['min']:>4} {_n(c['global_min']):>5} "
                   f"{_n(c['spurious_min']):>5} {c['max']:>4}  " + note)
        cv = None if "hi_exact" in pc else next(cvs, None)
        if cv is not None:
            out.append(f"    {doc['parameter']} = {cv['value']:<24} {cv['kind']}: {cv['detail']}")
    if "theorem2" in doc:
        t = doc["theorem2"]
        out.append("  Theorem 2 (single task): hypothesis eta < 1/|C''(W*)| holds at the "
                   f"minimizer W* iff eta < {t['bound']}")
        if t["global_for_all_eta_in_range"]:
            out.append("  the objective is global for every eta in the range")
        else:
            out.append(f"  the objective is global (no spurious minimum) up to eta = "
                       f"{t['largest_global_eta']}  (ratio to the bound: "
                       f"{t.get('ratio_largest_global_to_bound')})")
    out.append("  certified: " + ("yes" if doc["certified"] else "no: " + "; ".join(doc["undecided"])))
    return "\n".join(out)
