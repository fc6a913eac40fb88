"""The text table of the paper's checks (:class:`symlqr.paper.verdicts.Check`).

>>> from symlqr.paper.verdicts import HOLDS, Check, Verdict
>>> c = Check("Theorem 2", "w* = 0.618", [Verdict("eta < 1/|C''(w*)|", "hypothesis",
...                                                "1/|C''| - eta = 0.15", HOLDS)])
>>> print(render_checks("fig1", [c]))
fig1
  Theorem 2 at w* = 0.618
    [H] eta < 1/|C''(w*)|  holds      1/|C''| - eta = 0.15
"""
from __future__ import annotations

__all__ = ["render_checks"]


def render_checks(title: str, checks: list) -> str:
    """A text table: one block per check, one row per verdict."""
    out = [title]
    if not checks:
        out.append("  (nothing to check: no place where the result applies)")
    for c in checks:
        out.append(f"  {c.result} at {c.where}")
        w1 = max(len(v.statement) for v in c.verdicts) if c.verdicts else 0
        for v in c.verdicts:
            tag = "H" if v.role == "hypothesis" else "C"
            out.append(f"    [{tag}] {v.statement:<{w1}}  {v.status:<9}  {v.value}")
            if v.detail:
                out.append(f"        {v.detail}")
        if c.counterexample:
            out.append("    !! every hypothesis holds and the conclusion fails: "
                       "this would contradict the paper")
    return "\n".join(out)
