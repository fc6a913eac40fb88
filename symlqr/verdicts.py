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

import sys
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

__all__ = ["HOLDS", "FAILS", "UNDECIDED", "Verdict", "Check", "exit_status", "render_checks",
           "checks_to_dict", "proof_main"]

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


def proof_main(prog: str, description: str,
               evaluate: Callable, add_arguments: Optional[Callable] = None,
               argv=None) -> int:
    """Shared ``main`` of the ``proofs/`` scripts.

    ``evaluate(taskset, args) -> (checks, extra_dict)`` does the work for one
    task set; the runner parses the task arguments exactly like
    ``python -m symlqr.certify`` (figure names or ``all``, ``--task``, ``--eta``,
    ``--weights``, ``--tasks-file``) plus ``--json``, ``--digits``,
    ``--output`` and ``--timeout``, prints, and returns the exit status.
    """
    from .cli import (OneLineParser, add_task_arguments, deliver, json_payload, run_main,
                      tasksets_from_args)
    from .landscape import Timeout
    from .tasks import InputError

    def body(argv_) -> int:
        p = OneLineParser(prog=prog, description=description)
        add_task_arguments(p)
        p.add_argument("--digits", type=int, default=20, help="significant digits (default 20)")
        p.add_argument("--json", action="store_true", help="print one JSON document")
        p.add_argument("--output", metavar="FILE", help="write the JSON document to FILE")
        p.add_argument("--timeout", type=float, metavar="SECONDS",
                       help="stop cleanly after SECONDS (exit 3)")
        if add_arguments is not None:
            add_arguments(p)
        args = p.parse_args(argv_)
        if not 1 <= args.digits <= 1000:
            raise InputError("--digits must be between 1 and 1000")
        if args.timeout is not None and not args.timeout > 0:
            raise InputError("--timeout must be > 0 seconds")
        args.deadline = None if args.timeout is None else time.monotonic() + args.timeout
        tasksets = tasksets_from_args(args)
        docs, texts, status = [], [], 0
        for ts in tasksets:
            try:
                checks, extra = evaluate(ts, args)
            except Timeout as exc:
                print(f"{prog}: timeout after {args.timeout:g} s on {ts.name} while {exc.stage}",
                      file=sys.stderr)
                return 3
            docs.append(checks_to_dict(ts.name, checks, extra))
            texts.append(render_checks(f"{ts.name}: {description}", checks))
            s = exit_status(checks)
            status = 1 if 1 in (status, s) else max(status, s)
        deliver(args, json_payload(docs, args.names), "\n\n".join(texts))
        return status

    return run_main(prog, body, argv)
