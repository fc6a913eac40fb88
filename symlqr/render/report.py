"""Render a certification document (the dict of ``Landscape.to_dict()``) as a
text table or HTML. Pure formatting: no arithmetic, no printing.

>>> doc = {"name": "demo", "adaptation": "gradient", "eta": "1/100", "weights": ["1"],
...        "tasks": [{"A": "1", "B": "1", "Q": "2", "R": "2", "s0": "1", "s0a": "1"}],
...        "domain": [], "stationary_points": [], "counts": {"stationary": 0, "min": 0,
...        "max": 0, "degenerate": 0, "global_min": 0, "spurious_min": 0},
...        "min_value": None, "epsilon": None, "lower_bound": "3.2", "certified": True,
...        "undecided": []}
>>> print(text_table(doc).splitlines()[0])
demo: MAML objective, gradient adaptation, eta = 1/100
"""
from __future__ import annotations

import html
from decimal import Decimal, InvalidOperation

from ..scalar.kinds import MIN_LABELS, kink_behaviour

__all__ = ["text_table", "html_table", "latex_table", "point_label", "epsilon_text",
           "kink_lines", "task_lines", "point_rows", "plural", "zero_text"]


def plural(n: int, word: str, many: str = "") -> str:
    """``1 fixed point``, ``2 fixed points``.

    >>> plural(1, "stationary point"), plural(3, "minimum", "minima")
    ('1 stationary point', '3 minima')
    """
    return f"{n} {word if n == 1 else (many or word + 's')}"


def zero_text(text):
    """An exact zero as ``0`` (the decimals print it ``0.0``); anything else as it is.

    >>> zero_text("0.0"), zero_text("0.05"), zero_text(None)
    ('0', '0.05', None)
    """
    return "0" if text in ("0.0", "-0.0") else text


def point_label(p: dict) -> str:
    """"global min", "spurious min", "max", "degenerate", ... for one point."""
    if p.get("extremum") == "min":
        kind = MIN_LABELS[p.get("global")]
        if p["type"] == "degenerate":
            kind += f" (degenerate, multiplicity {p['multiplicity']})"
        return kind
    if p["type"] == "degenerate":
        return f"degenerate (multiplicity {p['multiplicity']}, {p['extremum']})"
    return p["type"]


def _interval(d: dict) -> str:
    lo = "(" + d["lo"]
    hi = d["hi"] + ")"
    if d.get("isolated"):              # decided exactly by the engine
        return "{" + d["lo"] + "} (isolated point)"
    return f"{lo}, {hi}"


def text_table(doc: dict) -> str:
    """A readable table of one certification document."""
    out = []
    out.append(f"{doc['name']}: MAML objective, {doc['adaptation']} adaptation, eta = {doc['eta']}")
    if doc.get("note"):
        out.append(f"  note: {doc['note']}")
    out += task_lines(doc)
    if doc["domain"]:
        out.append("  domain: " + " U ".join(_interval(d) for d in doc["domain"]))
    else:
        why = (doc.get("empty_domain") or {}).get("reason")
        out.append("  domain: empty (no W keeps W and every adapted F_i(W) stable"
                   + (f": {why})" if why else ")"))
    out += point_rows(doc["stationary_points"], point_label) or [
        "  no stationary points in the domain"]
    out += kink_lines(doc.get("kinks", []))
    c = doc["counts"]
    out.append(f"  counts: {c['stationary']} stationary = {c['min']} min + {c['max']} max + "
               f"{c['degenerate']} degenerate; local minima: {c['global_min']} global, "
               f"{c['spurious_min']} spurious")
    if doc.get("min_value") is not None:
        att = doc.get("infimum_attained")
        suffix = {False: " (infimum, not attained)", None: " (infimum; attained: undecided)",
                  True: ""}[att] if "infimum_attained" in doc else ""
        out.append(f"  min h = {zero_text(doc['min_value'])}{suffix};  lower bound sum_i w_i C_i(W*_i) = "
                   f"{doc['lower_bound']}")
    if doc.get("epsilon") is not None:
        out.append(f"  epsilon (h is epsilon-global) = {epsilon_text(doc)}")
    if doc["certified"]:
        how = ("interval Newton root boxes, types from enclosures of h'', enclosed values"
               if doc.get("engine") == "interval"
               else "exact root counts, exact types, enclosed values")
        out.append(f"  certified: yes ({how})")
    else:
        out.append("  certified: NO, undecided:")
        out.extend(f"    - {u}" for u in doc["undecided"])
    return "\n".join(out)


def html_table(doc: dict) -> str:
    """The same content as an HTML table (Jupyter's ``_repr_html_``)."""
    e = html.escape
    rows = "".join(
        f"<tr><td>{k}</td><td><code>{e(zero_text(p['W']))}</code></td>"
        f"<td><code>{e(zero_text(p['h']))}</code></td>"
        f"<td>{e(point_label(p))}</td></tr>"
        for k, p in enumerate(doc["stationary_points"], 1))
    c = doc["counts"]
    dom = " &cup; ".join(e(_interval(d)) for d in doc["domain"]) or "empty"
    status = ("certified" if doc["certified"]
              else "NOT certified: " + e("; ".join(doc["undecided"])))
    eps = "" if doc.get("epsilon") is None else f", &epsilon; = <code>{e(epsilon_text(doc))}</code>"
    kinks = "".join(f"<br>kink W = <code>{e(k['W'])}</code> (h undefined): "
                    + e(kink_behaviour(k["descent_from_left"], k["descent_from_right"], k["stalls"]))
                    for k in doc.get("kinks", []))
    return (f"<div><b>{e(doc['name'])}</b>: {e(doc['adaptation'])} adaptation, "
            f"&eta; = {e(doc['eta'])}, {len(doc['tasks'])} task(s)<br>domain: {dom}"
            f"<table><tr><th>#</th><th>W</th><th>h(W)</th><th>type</th></tr>{rows}</table>"
            f"{plural(c['stationary'], 'stationary point')}; {c['global_min']} global and "
            f"{c['spurious_min']} spurious minima{eps}; {status}{kinks}</div>")


_TEX_SPECIAL = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
                "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
                "^": r"\textasciicircum{}"}


def _tex(text: str) -> str:
    """Escape text for LaTeX (user-given names and notes are never markup)."""
    return "".join(_TEX_SPECIAL.get(ch, ch) for ch in str(text))


def _sig(text: str, digits: int) -> str:
    """A decimal string cut to ``digits`` significant digits (rounded half-even);
    never adds digits, so a certified decimal shorter than ``digits`` is kept as
    it is (no trailing zeros that were not certified). Non-numbers pass through.

    >>> _sig("0.0054742388", 12), _sig("3.23606797749978969640917366873", 6), _sig("inf", 3)
    ('0.0054742388', '3.23607', 'inf')
    """
    try:
        d = Decimal(text)
    except InvalidOperation:
        return text
    if not d.is_finite() or d == 0 or len(d.as_tuple().digits) <= digits:
        return text
    q = Decimal(1).scaleb(d.adjusted() - digits + 1)
    return format(d.quantize(q), "f") if d.adjusted() - digits + 1 < 0 else text


def epsilon_text(doc: dict) -> str:
    """The document's epsilon, ``0`` when its certified interval is exactly [0, 0].

    >>> epsilon_text({"epsilon": "0.0", "epsilon_interval": ["0", "0"]})
    '0'
    """
    if doc.get("epsilon_interval") == ["0", "0"]:
        return "0"
    return zero_text(doc["epsilon"])


def latex_table(doc: dict, digits: int = 12, math: bool = True) -> str:
    r"""The stationary points as a LaTeX table: an ``array`` in display math
    (``math=True``, what Jupyter's ``_repr_latex_`` renders with MathJax) or a
    ``tabular`` to paste into a paper (``math=False``). Values are cut to
    ``digits`` significant digits of the certified decimals.

    >>> doc = {"name": "demo", "adaptation": "gradient", "eta": "1/100", "weights": ["1"],
    ...        "tasks": [{}], "domain": [], "certified": True, "undecided": [],
    ...        "stationary_points": [{"W": "0.618033988749894848204586834366",
    ...            "h": "3.23606797749978969640917366873", "type": "min",
    ...            "extremum": "min", "multiplicity": 1, "kind": "smooth", "global": True}],
    ...        "counts": {"stationary": 1, "global_min": 1, "spurious_min": 0},
    ...        "epsilon": "0.0"}
    >>> print(latex_table(doc, digits=6, math=False))
    \begin{tabular}{rlll}
    \multicolumn{4}{l}{demo: gradient adaptation, $\eta = 1/100$, 1 task(s)} \\
    \hline
    \# & $W$ & $h(W)$ & type \\
    \hline
    1 & $0.618034$ & $3.23607$ & global min \\
    \hline
    \multicolumn{4}{l}{1 stationary point; 1 global and 0 spurious minima; $\varepsilon = 0$; certified}
    \end{tabular}
    """
    def text(t: str) -> str:
        return r"\text{" + _tex(t) + "}" if math else _tex(t)

    def num(t: str) -> str:
        return _sig(t, digits) if math else "$" + _sig(t, digits) + "$"

    def span(t: str) -> str:
        return r"\multicolumn{4}{l}{" + t + "}"

    head, foot, cols = _latex_frame(doc, digits, math)
    rows = [f"{k} & {num(p['W'])} & {num(p['h'])} & {text(point_label(p))} \\\\"
            for k, p in enumerate(doc["stationary_points"], 1)]
    if not rows:
        rows = [span(text("no stationary points in the domain")) + r" \\"]
    env = "array" if math else "tabular"
    lines = ([rf"\begin{{{env}}}{{rlll}}", span(head) + r" \\", r"\hline", cols + r" \\",
              r"\hline"] + rows + [r"\hline", span(foot), rf"\end{{{env}}}"])
    body = "\n".join(lines)
    return "$$" + body + "$$" if math else body


def _latex_frame(doc: dict, digits: int, math: bool) -> tuple:
    """The head line, the foot line and the column titles of :func:`latex_table`."""
    eta = r"\eta = " + _tex(doc["eta"])
    head = (f"{_tex(doc['name'])}: {_tex(doc['adaptation'])} adaptation, "
            f"{{eta}}, {len(doc['tasks'])} task(s)")
    c = doc["counts"]
    eps = "" if doc.get("epsilon") is None else "; {vareps}"
    epsilon = _tex(_sig(epsilon_text(doc) if doc.get("epsilon") is not None else "", digits))
    status = ("certified" if doc["certified"]
              else "NOT certified: " + "; ".join(doc["undecided"]))
    foot = (f"{c['stationary']} stationary point{'' if c['stationary'] == 1 else 's'}; "
            f"{c['global_min']} global and "
            f"{c['spurious_min']} spurious minima{eps}; ")
    if math:
        head = r"\text{" + head.format(eta="}" + eta + r"\text{") + "}"
        foot = (r"\text{" + foot.format(vareps=r"}\varepsilon = " + epsilon
                                        + r"\text{") + _tex(status) + "}")
        return head, foot, r"\# & W & h(W) & \text{type}"
    head = head.format(eta="$" + eta + "$")
    foot = foot.format(vareps=r"$\varepsilon = " + epsilon + "$") + _tex(status)
    return head, foot, r"\# & $W$ & $h(W)$ & type"


#: Up to this many tasks are listed one a line; above, the first :data:`SHOWN_TASKS`.
MAX_LISTED_TASKS = 12
SHOWN_TASKS = 5


def task_lines(doc: dict) -> list:
    """One line per task, numbered from 1 as in the JSON: ``task i: A=.. B=.. ...``;
    above :data:`MAX_LISTED_TASKS` tasks the first :data:`SHOWN_TASKS` and a line
    saying how many more (all of them are in the JSON).

    >>> t = {"A": "1", "B": "1", "Q": "2", "R": "2", "s0": "1", "s0a": "1"}
    >>> task_lines({"tasks": [t] * 1000, "weights": ["1/1000"] * 1000})[-1]
    '  ... and 995 more tasks (all in the JSON: --json)'
    """
    pairs = list(zip(doc["tasks"], doc["weights"]))
    shown = pairs if len(pairs) <= MAX_LISTED_TASKS else pairs[:SHOWN_TASKS]
    out = [f"  task {i}: A={t['A']} B={t['B']} Q={t['Q']} R={t['R']} "
           f"s0={t['s0']} s0a={t['s0a']}  weight {w}" for i, (t, w) in enumerate(shown, 1)]
    if len(shown) < len(pairs):
        out.append(f"  ... and {len(pairs) - len(shown)} more tasks (all in the JSON: --json)")
    return out


def point_rows(pts: list, label) -> list:
    """The table of points (header and one row each), ``label(point_doc)`` in the
    last column; empty when there are no points."""
    if not pts:
        return []
    Ws = [zero_text(p["W"]) for p in pts]
    hs = [zero_text(p["h"]) for p in pts]
    wW, wh = max(map(len, Ws)), max(map(len, hs))
    return [f"  {'#':>3}  {'W':<{wW}}  {'h(W)':<{wh}}  type"] + [
        f"  {k:>3}  {W:<{wW}}  {h:<{wh}}  {label(p)}"
        for k, (W, h, p) in enumerate(zip(Ws, hs, pts), 1)]


def kink_lines(kinks: list) -> list:
    """The "kinks:" block: each kink ``W = W*_i`` (out of the domain, ``h``
    undefined there), its one-sided limits and what descent does there."""
    if not kinks:
        return []
    out = ["  kinks (C_i'(W) = 0: the normalized step is 0/0, h is undefined; "
           "not stationary points):"]
    for k in kinks:
        tasks = ", ".join(map(str, k["tasks"]))
        left, right = (k[s] or "-" for s in ("h_left", "h_right"))
        out.append(f"    W = {k['W']} (task {tasks}): h -> {left} from the left, "
                   f"{right} from the right")
        out.append("      " + kink_behaviour(k["descent_from_left"], k["descent_from_right"],
                                            k["stalls"]))
    return out
