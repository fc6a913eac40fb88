"""Verdicts of the paper's results on given tasks, and the runner of ``proofs/``.

A result (Lemma 1, Theorem 2, ...) applied somewhere (at one minimizer, to one
task, to the whole task set) gives a :class:`Check`: a list of
:class:`Verdict` rows, each a hypothesis or the conclusion, with the certified
value it was decided on and a status ``holds`` / ``fails`` / ``undecided``.

Exit status of a proof script (``exit_status``): 1 when some check has every
hypothesis holding and its conclusion failing (that would contradict the
paper), else 3 when anything is undecided, else 0; bad input is 2.

>>> c = Check("Theorem 2", "w* = 0.618", [
...     Verdict("eta < 1/|C''(w*)|", "hypothesis", "1/|C''| - eta = 0.15", HOLDS),
...     Verdict("w* is a global minimizer of h", "conclusion", "h(w*) - min h = 0", HOLDS)])
>>> c.counterexample, exit_status([c])
(False, 0)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

__all__ = ["HOLDS", "FAILS", "UNDECIDED", "Verdict", "Check", "exit_status", "render_checks",
           "checks_to_dict"]

HOLDS, FAILS, UNDECIDED = "holds", "fails", "undecided"


@dataclass
class Verdict:
    """One hypothesis or conclusion, decided with certified arithmetic."""
    statement: str
    role: str                 # "hypothesis" or "conclusion"
    value: str                # the certified quantity it was decided on
    status: str               # HOLDS, FAILS or UNDECIDED
    detail: str = ""

    def to_dict(self) -> dict:
        d = {"statement": self.statement, "role": self.role, "value": self.value,
             "status": self.status}
        if self.detail:
            d["detail"] = self.detail
        return d


@dataclass
class Check:
    """A result applied at one place (a minimizer, a task, the task set)."""
    result: str
    where: str
    verdicts: list = field(default_factory=list)

    @property
    def hypotheses(self) -> list:
        return [v for v in self.verdicts if v.role == "hypothesis"]

    @property
    def conclusions(self) -> list:
        return [v for v in self.verdicts if v.role == "conclusion"]

    @property
    def counterexample(self) -> bool:
        """Every hypothesis holds and some conclusion fails."""
        return (all(v.status == HOLDS for v in self.hypotheses)
                and any(v.status == FAILS for v in self.conclusions))

    @property
    def undecided(self) -> bool:
        return any(v.status == UNDECIDED for v in self.verdicts)

    def to_dict(self) -> dict:
        return {"result": self.result, "where": self.where,
                "verdicts": [v.to_dict() for v in self.verdicts],
                "counterexample": self.counterexample}


def exit_status(checks: list) -> int:
    if any(c.counterexample for c in checks):
        return 1
    if any(c.undecided for c in checks):
        return 3
    return 0


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


def checks_to_dict(name: str, checks: list, extra: Optional[dict] = None) -> dict:
    doc = {"name": name, "checks": [c.to_dict() for c in checks],
           "exit_status": exit_status(checks)}
    if extra:
        doc.update(extra)
    return doc
