"""The paper's "for all W" hypotheses, decided over a region of gains.

The region ``R`` is a box of gains intersected with the domain of ``h`` (``W``
and every adapted ``F_i(W) = W - eta grad g_i(W)`` stabilizing) and, with a
level ``L``, with ``{h <= L}``. Two statements are decided over ``R`` by the
shared branch-and-bound (:func:`symlqr.branch.core.branch_and_bound`):

* **Theorem 1** needs ``||hess g_i(W)|| <= M`` on the region and ``eta < 1/M``.
  On a box ``X`` proven stabilizing for every task, ``H_i = hess g_i`` is
  enclosed in Arb over the ball ``X``; ``eta ||H_i|| < 1`` for every symmetric
  ``H_i`` in it iff ``I - eta H_i > 0`` and ``I + eta H_i > 0``, both proven by
  :func:`~symlqr.matrix.validated.inertia`. Finitely many closed boxes each with
  ``eta max ||H_i|| < 1`` give ``eta M < 1`` with ``M = sup_R ||H_i||``, and a
  certified upper bound of ``M`` is the largest per-box bound of ``||H_i||_2``.
  **Refuted**: a rational point proven in the region (stabilizations in Arb,
  ``h <= L`` enclosed) where ``I - eta H_i`` or ``I + eta H_i`` has a proven
  negative eigenvalue, i.e. ``eta ||hess g_i|| > 1`` there.
* **Chain rule** (one task, ``h = f(F(W))``, ``f = C`` with ``Sigma0 > 0``):
  ``I - eta hess g(W)`` nonsingular on all of ``R`` proves every local minimum
  of ``h`` in ``R`` global: at a local minimum ``w*`` with ``dF(w*)``
  invertible ``F`` is locally open (inverse function theorem), so ``F(w*)`` is
  a local minimum of ``f``, hence ``W*`` (``f`` is global), and
  ``h(w*) = C(W*) <= min h``. Nonsingularity over a box: ``inertia`` decides
  (no eigenvalue interval contains 0). Where it **fails**: a box proven inside
  the domain whose two opposite corners have different proven inertias (an
  eigenvalue crosses 0 on the segment between them: a singular point).

Boxes are dropped when proven outside the domain by the polynomial conditions
of :func:`~symlqr.matrix.domain.conditions` (Bernstein ranges; a condition
``num / den > 0`` is false where ``den`` has one sign, allowing zeros, and
``num`` the other or zero: ``den != 0`` on the domain), when ``A_i - B_i F_i(X)``
is proven unstable, or when ``h > L`` is proven (:func:`~symlqr.matrix.levels.exceeds`).
What is left at the finest width is undecided with its reason (near the
stability boundary of ``W`` the Hessian is unbounded and the Arb enclosures fail).
The per-box enclosures and tests live in :mod:`symlqr.matrix.hypothesis_boxes`.

>>> from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
>>> ts = MatrixTaskSet([MatrixTask.from_scalar(1, 1, 1, 1)], "1/10")
>>> res = decide_hypotheses(ts)
>>> res.theorem1.verdict, res.chain.verdict
('refuted', 'fails')
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Optional

import numpy as np
from flint import ctx

from ..branch.core import Outcome, branch_and_bound
from .domain import stabilizing_box
from .hypothesis_boxes import NONSINGULAR, PROVEN, Decider
from .validated import decimal_bound

__all__ = ["Verdict", "Hypotheses", "decide_hypotheses", "PROVEN", "NONSINGULAR"]


@dataclass
class Verdict:
    """One hypothesis over the region: ``verdict`` and the evidence."""
    name: str
    statement: str
    verdict: str = "undecided"            # proven / refuted (theorem1) / fails (chain) / ...
    reason: str = ""
    conclusion: str = ""
    M_upper: Optional[Fraction] = None    # theorem1: sup ||hess g_i|| <= M_upper (when proven)
    witnesses: list = field(default_factory=list)   # dicts: refuting points / singular boxes
    outcome: Optional[Outcome] = None

    def to_dict(self) -> dict:
        o = self.outcome
        return {
            "name": self.name, "statement": self.statement, "verdict": self.verdict,
            "reason": self.reason, "conclusion": self.conclusion,
            "M_upper": None if self.M_upper is None else decimal_bound(self.M_upper, True),
            "witnesses": self.witnesses,
            "boxes": o.boxes if o else 0,
            "decided": dict(o.excluded) if o else {},
            "decided_fraction": o.decided_fraction if o else 0.0,
            "undecided": [{"box": [[a, b] for a, b in zip(lo, hi)], "reason": why}
                          for lo, hi, why in (o.undecided if o else [])][:50],
            "undecided_count": len(o.undecided) if o else 0,
        }


@dataclass
class Hypotheses:
    """The answer of :func:`decide_hypotheses`."""
    eta: Fraction
    ntasks: int
    box: list
    box_source: str
    level: Optional[Fraction]
    theorem1: Verdict
    chain: Verdict

    def to_dict(self) -> dict:
        return {"eta": str(self.eta), "ntasks": self.ntasks,
                "box": [[repr(a), repr(b)] for a, b in self.box], "box_source": self.box_source,
                "level": None if self.level is None else str(self.level),
                "region": "box ∩ domain" + ("" if self.level is None else " ∩ {h <= L}"),
                "theorem1": self.theorem1.to_dict(), "chain_rule": self.chain.to_dict()}

    def summary(self) -> str:
        lines = [f"region R: box {' x '.join(f'[{a:.6g}, {b:.6g}]' for a, b in self.box)} "
                 f"({self.box_source}) ∩ domain"
                 + ("" if self.level is None else f" ∩ {{h <= {float(self.level):.6g}}}")
                 + f"; eta = {self.eta}"]
        for v in (self.theorem1, self.chain):
            lines.append(f"{v.name}: {v.verdict} -- {v.statement}")
            if v.M_upper is not None:
                lines.append(f"  sup_R ||hess g_i|| <= {float(v.M_upper):.6g}, "
                             f"eta * bound = {float(self.eta * v.M_upper):.6g}")
            for w in v.witnesses[:5]:
                lines.append("  " + w["text"])
            if v.reason:
                lines.append(f"  {v.reason}")
            if v.conclusion:
                lines.append(f"  => {v.conclusion}")
            o = v.outcome
            if o is not None and o.stopped and o.stopped.startswith("stopped: the hypothesis"):
                lines.append(f"  boxes {o.boxes}; stopped at the first refuting point "
                             f"({len(o.undecided)} box(es) not examined)")
            elif o is not None:
                lines.append(f"  boxes {o.boxes}, volume decided {100 * o.decided_fraction:.4f}%,"
                             f" undecided boxes {len(o.undecided)}")
        return "\n".join(lines)


def _region_box(taskset, box):
    from .landscape import float_box
    if box is None:
        box = stabilizing_box(taskset)
        if box is None:
            raise ValueError("no proven bounded box holds the stabilizing gains here "
                             "(r > 1 or no controllable task): give a box")
        source = "proven to hold every stabilizing gain"
    else:
        box = [(Fraction(a), Fraction(b)) for a, b in box]
        n = taskset.shape[0] * taskset.shape[1]
        if len(box) != n or any(b <= a for a, b in box):
            raise ValueError(f"the box needs {n} intervals lo < hi")
        source = "given"
    return float_box(box), source


def _run(taskset, root, mode, level, min_width, max_boxes, stop, progress, audit=0):
    dec = Decider(taskset, root, mode, level, min_width)

    def halt():
        if mode == "theorem1" and dec.refuted:
            return "stopped: the hypothesis is refuted"
        return stop() if stop is not None else None

    old, ctx.prec = ctx.prec, 64
    try:
        out = branch_and_bound(dec.roots(root), dec, batch=64, max_boxes=max_boxes, stop=halt,
                               progress=progress, outcome=Outcome(audit_limit=audit))
    finally:
        ctx.prec = old
    return dec, out


def decide_hypotheses(taskset, *, box=None, level=None, min_width: float = 2.0 ** -12,
                      max_boxes: int = 200_000, chain: bool = True,
                      stop: Optional[Callable[[], Optional[str]]] = None,
                      progress: Optional[Callable[[Outcome], None]] = None,
                      audit: int = 0) -> Hypotheses:
    """Theorem 1's hypothesis and (one task) the chain-rule nonsingularity over
    ``R = box ∩ domain (∩ {h <= level})`` (module docstring). ``box``: a list of
    ``(lo, hi)`` per entry of ``W`` (row-major), default the proven stabilizing
    box (``ValueError`` when there is none); ``min_width``: relative side at which
    a box is left undecided; ``audit``: keep that many decided boxes with their
    reasons (``outcome.audit`` of each verdict) for re-checking."""
    root, source = _region_box(taskset, box)
    level = None if level is None else Fraction(level)
    eta = Fraction(taskset.eta)
    t1 = Verdict("theorem1", "||hess g_i(W)|| <= M on R with eta < 1/M (eta M < 1)")
    dec, out = _run(taskset, root, "theorem1", level, min_width, max_boxes, stop,
                    progress, audit)
    t1.outcome, t1.witnesses = out, list(out.found)
    if out.found:
        t1.verdict = "refuted"
        t1.reason = "a point of R with eta ||hess g_i|| > 1 is proven"
    elif out.complete:
        t1.verdict, t1.M_upper = "proven", dec.M_upper
        t1.reason = "every box of R: I -+ eta hess g_i positive definite (inertia)"
        if len(taskset.tasks) == 1 and not taskset.tasks[0].definite:
            t1.conclusion = "Sigma0 is not positive definite: f = C need not be global, no conclusion"
        elif len(taskset.tasks) == 1:
            t1.conclusion = ("Theorem 1: every local minimizer of h in R is global (f global, "
                             "F = W - eta grad g with I - eta hess g > 0 on R)")
        else:
            t1.conclusion = ("several tasks: h is not f(F(W)) for one f; Theorem 1's conclusion "
                             "does not follow (each task's own MAML objective is covered)")
    else:
        t1.reason = _undecided_text(out)
    ch = Verdict("chain rule", "I - eta hess g(W) nonsingular on all of R (one task)")
    if len(taskset.tasks) != 1:
        ch.verdict, ch.reason = "not applicable", "several tasks: h is not f(F(W))"
    elif chain:
        _, out = _run(taskset, root, "chain", level, min_width, max_boxes, stop, progress, audit)
        ch.outcome, ch.witnesses = out, list(out.found)
        _chain_verdict(ch, out, taskset)
    else:
        ch.verdict, ch.reason = "not run", "chain=False"
    return Hypotheses(eta, len(taskset.tasks), [(float(a), float(b)) for a, b in root],
                      source, level, t1, ch)


def _chain_verdict(ch: Verdict, out: Outcome, taskset) -> None:
    if out.complete and not out.found:
        ch.verdict = "proven"
        ch.reason = "every box of R: the inertia of I - eta hess g is decided (no zero eigenvalue)"
        if taskset.tasks[0].definite:
            ch.conclusion = "every local minimum of h in R is global (chain rule, f = C global)"
        else:
            ch.conclusion = "Sigma0 is not positive definite: C need not be global, no conclusion"
        return
    if out.found:
        ch.verdict = "fails"
        ch.reason = (f"I - eta hess g is singular at a point of {len(out.found)} box(es) of R; "
                     "the argument does not cover minima there (it does not prove them spurious)")
    if out.undecided:
        ch.reason = ((ch.reason + "; ") if ch.reason else "") + \
            _undecided_text(out)


def _undecided_text(out: Outcome) -> str:
    """How many boxes are undecided, by reason, with the volume they hold."""
    count, vol = {}, {}
    for lo, hi, why in out.undecided:
        count[why] = count.get(why, 0) + 1
        vol[why] = vol.get(why, 0.0) + float(np.prod(np.asarray(hi) - np.asarray(lo)))
    share = (lambda v: v / out.volume if out.volume > 0 else 0.0)
    parts = [f"{n} ({100 * share(vol[w]):.4g}% of the box volume) {w}"
             for w, n in sorted(count.items(), key=lambda kv: -kv[1])]
    return f"{len(out.undecided)} box(es) undecided: " + "; ".join(parts)
