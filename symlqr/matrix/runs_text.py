"""Text of a certified run (:class:`~symlqr.matrix.runs.RunCertificate`) and the
interval and gain cells shared with ``python -m symlqr.verify``: plain strings from
the result's ``to_dict()`` (nothing is decided here).

>>> gain_text([[1.5, -2], [0.25, 3]])
'[1.5 -2; 0.25 3]'
"""
from __future__ import annotations

import decimal

import numpy as np

__all__ = ["run_table", "interval_text", "gain_text"]


def interval_text(pair, digits: int = 6) -> str:
    """``[lo, hi]`` decimal strings shown with ``digits`` significant digits,
    rounded outward ("-": none).

    >>> interval_text(["1.23456789", "1.2345699"])
    '[1.23456, 1.23457]'
    """
    if not pair:
        return "-"
    lo, hi = (decimal.Context(prec=digits, rounding=r).plus(decimal.Decimal(x))
              for r, x in ((decimal.ROUND_FLOOR, pair[0]), (decimal.ROUND_CEILING, pair[1])))
    return f"[{lo:g}, {hi:g}]".replace("E", "e")


def _yes(v) -> str:
    return {True: "yes", False: "no", None: "undecided"}[v]


def run_table(doc, rows: int = 8) -> str:
    """Text of :meth:`RunCertificate.to_dict` (see :meth:`RunCertificate.table`)."""
    its = doc["iterates"]
    errs = any(x["grad_error"] for x in its)
    head = f"{'t':>6} {'stabilizing':12} {'h(W_t)':28} {'|grad h(W_t)|':24}"
    lines = [f"{len(its)} iterate(s) checked; stabilizing: W_t and every adapted gain F_i(W_t) "
             "(yes: Lyapunov proofs; no: an Arb eigenvalue outside the unit disk)", head + (" rel. error of the run's gradient" if errs else "")]
    keep = set(range(len(its))) if len(its) <= rows else \
        set(range(rows // 2)) | set(range(len(its) - rows // 2, len(its)))
    keep |= {k for k, x in enumerate(its) if x["t"] == doc["left_domain_at"]}
    for k, x in enumerate(its):
        if k not in keep:
            if k - 1 in keep:
                lines.append(f"{'...':>6}")
            continue
        lines.append(f"{x['t']:>6} {_yes(x['stabilizing']):12} {interval_text(x['h'], 10):28} "
                     f"{interval_text(x['grad_norm'], 4):24}" +
                     (f" {interval_text(x['grad_error'], 3)}" if errs else ""))
    proven = sum(x["stabilizing"] is True for x in its)
    lines.append(f"proven stabilizing: {proven} of {len(its)} checked iterates" + (
        f"; first not proven: t = {doc['left_domain_at']}" if doc["left_domain_at"] is not None
        else ""))
    if errs:
        hi = [decimal.Decimal(x["grad_error"][1]) for x in its if x["grad_error"]]
        up = decimal.Context(prec=3, rounding=decimal.ROUND_CEILING)
        lines.append(f"gradient estimates: relative error against the exact gradient at most "
                     f"{up.plus(max(hi))} (median upper end "
                     f"{float(np.median([float(x) for x in hi])):.3g})")
    lines += _last_lines(doc)
    lines.append(f"status: {doc['status']} ({doc['status_reason']})")
    return "\n".join(lines)


def _last_lines(doc) -> list:
    last, r = doc["iterates"][-1], doc["radius"]
    out = [f"last iterate W_T = {gain_text(last['W'])}"]
    if last["grad_nonzero"]:
        out.append(f"  grad h(W_T) proven nonzero: |grad h|_F in {interval_text(last['grad_norm'])}")
    w = doc["within"]
    if w is not None:
        out.append(f"  a certified stationary point lies within {doc['within_distance']:.3g} "
                   f"(<= radius {r:.3g}): {w['type']}, h in {interval_text(w['h'], 12)}")
    else:
        out.append(f"  no certified stationary point within radius {r:.3g}" +
                   (f" ({doc['within_reason']})" if doc.get("within_reason") else ""))
    n = doc["nearest"]
    if n is not None and w is None:
        out.append(f"  stationary point reached by Newton from W_T (not proven the nearest): "
                   f"{gain_text(n['W'])}, {n['type']}" +
                   (" (certified)" if n["certified"] else " (type undecided)") +
                   f", at distance <= {doc['nearest_distance']:.3g}, "
                   f"h in {interval_text(n['h'], 12)}")
    if doc["gap"]:
        out.append(f"  h(W_T) - sum_i w_i C_i(W*_i) in {interval_text(doc['gap'])} "
                   "(its upper end bounds h(W_T) - min h)")
    if doc.get("gap_to_min"):
        out.append(f"  h(W_T) - min h in {interval_text(doc['gap_to_min'])} "
                   "(min h from the complete landscape)")
    elif doc.get("gap_to_min_reason"):
        out.append(f"  gap to min h: undecided ({doc['gap_to_min_reason']})")
    return out + [f"  {x}" for x in doc["reasons"]]


def gain_text(W) -> str:
    """A gain on one line, rows separated by ``;`` (6 significant digits)."""
    return "[" + "; ".join(" ".join(f"{v:.6g}" for v in row) for row in W) + "]"
