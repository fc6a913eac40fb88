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
from flint import arb, arb_mat, ctx

from ..branch import bernstein as bz
from ..branch.core import SPLIT_AT, Boxes, Outcome, Step, branch_and_bound
from .backend import ArbBackend
from .domain import conditions, stabilizing_box
from .levels import exceeds
from .lqr import LQRPoint
from .validated import _decimal, _exact, certify_stable, inertia, proven_unstable, to_float

__all__ = ["Verdict", "Hypotheses", "decide_hypotheses", "OUTSIDE", "PROVEN", "NONSINGULAR"]

ARB = ArbBackend()
OUTSIDE = "outside the domain: {} proven false"
UNSTABLE_F = "outside the domain: A_i - B_i F_i(W) proven unstable on the box"
ABOVE = "h > L on the box"
PROVEN = "eta ||hess g_i|| < 1 proven on the box"
NONSINGULAR = "I - eta hess g nonsingular proven on the box (inertia)"
NOT_STABLE = ("W not proven stabilizing on the box: near the stability boundary hess g is "
              "unbounded (finest width reached)")


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
            "M_upper": None if self.M_upper is None else _decimal(self.M_upper, 17, True),
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


# -- Arb evaluations ---------------------------------------------------------
def _ball(lo, hi, r, d) -> arb_mat:
    return arb_mat(r, d, [arb(a).union(arb(b)) for a, b in zip(lo, hi)])


def _tasks(taskset):
    keys = ("A", "B", "Q", "R", "Sigma0", "Sigma0a")
    return [tuple(ARB.asmat(getattr(t, k)) for k in keys) for t in taskset.tasks]


def _symmetric(rows) -> arb_mat:
    """Both ``H_ij`` and ``H_ji`` enclose the same entry of a symmetric matrix."""
    n = len(rows)
    out = [[rows[i][j] if i == j else rows[i][j].intersection(rows[j][i]) for j in range(n)]
           for i in range(n)]
    return arb_mat(out)


def _hessians(tasks, X, eta) -> Optional[list]:
    """``(H_i, F_i)`` for every task over the ball ``X``, or ``None`` when ``W`` is
    not proven stabilizing (or a Stein enclosure fails) there. ``H_i`` is the
    intersection of the direct enclosure and the mean-value form
    ``H(c) + sum_k dH/dw_k(X) (X_k - c_k)`` (``c`` the midpoint, exact; the third
    derivatives over ``X``): the direct form overestimates wide boxes badly."""
    out = []
    for A, B, Q, R, _, S0a in tasks:
        if not certify_stable(A - B * X):
            return None
        try:
            g = LQRPoint(ARB, (A, B, Q, R), X, S0a)
            H = _symmetric(g.hess_dense())
            if any(x.rad() > 0 for x in X.entries()):
                H = _intersect(H, _mean_value(g, (A, B, Q, R, S0a), X))
            out.append((H, X - g.grad * eta))
        except (ZeroDivisionError, ValueError, np.linalg.LinAlgError):
            return None
    return out


def _mean_value(g, task, X) -> Optional[arb_mat]:
    A, B, Q, R, S0a = task
    r, d = X.nrows(), X.ncols()
    n = r * d
    c = arb_mat(r, d, [arb(x.mid()) for x in X.entries()])
    Hc = LQRPoint(ARB, (A, B, Q, R), c, S0a).hess_dense()
    basis = ARB.basis(r, d)
    keys = [("e", k) for k in range(n)]
    acc = [[Hc[j][l] for l in range(n)] for j in range(n)]
    for k in range(n):
        dk = X.entries()[k] - c.entries()[k]
        cols = g.third_many(basis, basis[k], keys, keys[k])      # T[e_j, e_k]
        for j in range(n):
            ent = cols[j].entries()
            for l in range(n):
                acc[j][l] += ent[l] * dk
    return _symmetric(acc)


def _intersect(H, G) -> arb_mat:
    n = H.nrows()
    out = []
    for i in range(n):
        row = []
        for j in range(n):
            a, b = H[i, j], G[i, j]
            row.append(a.intersection(b) if a.overlaps(b) else a)
        out.append(row)
    return arb_mat(out)


def _eye(n) -> arb_mat:
    return arb_mat([[int(i == j) for j in range(n)] for i in range(n)])


def _norm_upper(H) -> Optional[Fraction]:
    """A proven upper bound of ``||H||_2`` for every symmetric ``H`` in the ball:
    ``t`` with ``t I - H > 0`` and ``t I + H > 0`` (inertia), ``t`` from the float
    midpoint's spectrum plus the radii; else the Frobenius bound."""
    n = H.nrows()
    mid = to_float(H)
    rad = np.array([float(x.rad()) for x in H.entries()]).reshape(n, n)
    if np.all(np.isfinite(mid)) and np.all(np.isfinite(rad)):
        t = float(np.max(np.abs(np.linalg.eigvalsh((mid + mid.T) / 2)))) + float(np.linalg.norm(rad))
        t = t * (1 + 1e-9) + 1e-300
        tb = arb(t)
        if inertia(_eye(n) * tb - H) == (n, 0) and inertia(_eye(n) * tb + H) == (n, 0):
            return Fraction(t)
    s = sum((x * x for x in H.entries()), arb(0))
    up = s.upper()
    if not up.is_finite():
        return None
    return _exact(arb(up).sqrt().upper())


def _norm_below_one(H, eta) -> bool:
    n = H.nrows()
    E = H * eta
    return inertia(_eye(n) - E) == (n, 0) and inertia(_eye(n) + E) == (n, 0)


def _point_in_region(taskset, tasks, lo, hi, W, level) -> Optional[list]:
    """The Hessians at the rational point ``W`` (row-major floats) when the point is
    proven in the region (``h <= L`` enclosed when ``level``), else ``None``."""
    r, d = taskset.shape
    if not all(a <= w <= b for a, w, b in zip(lo, W, hi)):
        return None
    X = arb_mat(r, d, [arb(w) for w in W])
    eta = ARB.scalar(taskset.eta)
    hs = _hessians(tasks, X, eta)
    if hs is None:
        return None
    total = arb(0)
    for (A, B, Q, R, S0, _), (_, F), wt in zip(tasks, hs, taskset.weights):
        if not certify_stable(A - B * F):
            return None
        if level is not None:
            try:
                total += ARB.scalar(wt) * LQRPoint(ARB, (A, B, Q, R), F, S0).cost
            except (ZeroDivisionError, ValueError):
                return None
    if level is not None and not total.upper() <= arb(level.numerator) / level.denominator:
        return None
    return [H for H, _ in hs]


# -- the decider ----------------------------------------------------------------
class _Decider:
    """``decide(boxes) -> Step`` for one hypothesis (``mode`` "theorem1" or "chain")."""

    def __init__(self, taskset, root, mode, level, min_width):
        self.ts, self.mode, self.level, self.min_width = taskset, mode, level, min_width
        self.conds = conditions(taskset)
        self.tasks = _tasks(taskset)
        self.eta = ARB.scalar(taskset.eta)
        self.root_width = np.array([float(b - a) for a, b in root])
        self.polys = [c.num for c in self.conds] + [c.den for c in self.conds if c.den is not None]
        self.M_upper: Optional[Fraction] = Fraction(0)
        self.refuted = False

    def roots(self, root) -> Boxes:
        data = {}
        for k, p in enumerate(self.polys):
            data[f"{k}lo"], data[f"{k}hi"], _ = bz.coefficients(p, root)
        return Boxes(np.array([[float(a) for a, _ in root]]),
                     np.array([[float(b) for _, b in root]]), data)

    def _outside(self, boxes) -> dict:
        rng = {k: bz.ranges(boxes.data[f"{k}lo"], boxes.data[f"{k}hi"])
               for k in range(len(self.polys))}
        masks, den_k = {}, len(self.conds)
        for k, c in enumerate(self.conds):
            nlo, nhi = rng[k]
            if c.den is None:
                bad = nhi <= 0
            else:
                dlo, dhi = rng[den_k]
                den_k += 1
                bad = ((dlo >= 0) & (nhi <= 0)) | ((dhi <= 0) & (nlo >= 0))
            masks[OUTSIDE.format(c.name)] = bad
        return masks

    def _exact_outside(self, lo, hi) -> Optional[str]:
        """The domain test again with Bernstein coefficients computed exactly on
        this box (the split coefficients' outward rounding can hide a zero end)."""
        box = [(Fraction(a), Fraction(b)) for a, b in zip(lo, hi)]
        data = {}
        for k, p in enumerate(self.polys):
            data[f"{k}lo"], data[f"{k}hi"], _ = bz.coefficients(p, box)
        b = Boxes(np.array([lo]), np.array([hi]), data)
        for reason, mask in self._outside(b).items():
            if mask[0]:
                return reason
        return None

    def __call__(self, boxes: Boxes) -> Step:
        m = len(boxes)
        step = Step()
        gone = np.zeros(m, dtype=bool)
        for reason, mask in self._outside(boxes).items():
            step.excluded[reason] = mask & ~gone
            gone |= mask
        masks = {k: np.zeros(m, dtype=bool) for k in (PROVEN, NONSINGULAR, UNSTABLE_F, ABOVE)}
        split = np.zeros(m, dtype=bool)
        rel = ((boxes.hi - boxes.lo) / self.root_width).max(axis=1)
        r, d = self.ts.shape
        for j in np.nonzero(~gone)[0]:
            lo, hi = boxes.lo[j].tolist(), boxes.hi[j].tolist()
            hs = _hessians(self.tasks, _ball(lo, hi, r, d), self.eta)
            found = len(step.found)
            verdict = self._box(hs, lo, hi, j, step) if hs is not None else None
            if verdict is not None:
                masks[verdict][j] = True
            elif len(step.found) > found:
                continue
            elif rel[j] <= self.min_width:
                why = self._exact_outside(lo, hi)
                if why is not None:
                    masks.setdefault(why, np.zeros(m, dtype=bool))[j] = True
                else:
                    step.undecided.append((int(j), NOT_STABLE if hs is None
                                           else self._failing_reason()))
            else:
                split[j] = True
        for reason, mask in masks.items():
            step.excluded[reason] = step.excluded.get(reason, np.zeros(m, dtype=bool)) | mask
        if split.any():
            step.children = self._split(boxes.take(split))
        return step

    def _failing_reason(self) -> str:
        if self.mode == "theorem1":
            return ("finest width reached: eta ||hess g_i|| < 1 not proven and no point of the "
                    "region with eta ||hess g_i|| > 1 proven")
        return ("finest width reached: I - eta hess g not proven nonsingular and no singular "
                "point proven (the singular set passes nearby?)")

    def _box(self, hs, lo, hi, j, step) -> Optional[str]:
        """The reason the box is decided, or ``None`` (found items go to ``step``)."""
        if self.mode == "theorem1":
            if all(_norm_below_one(H, self.eta) for H, _ in hs):
                bounds = [_norm_upper(H) for H, _ in hs]
                if self.M_upper is not None:
                    self.M_upper = None if None in bounds else max([self.M_upper] + bounds)
                return PROVEN
        else:
            n = hs[0][0].nrows()
            if inertia(_eye(n) - hs[0][0] * self.eta) is not None:
                return NONSINGULAR
        r, d = self.ts.shape
        if any(proven_unstable(A - B * F) for (A, B, *_), (_, F) in zip(self.tasks, hs)):
            return UNSTABLE_F
        if self.level is not None and exceeds(self.ts, lo, hi, self.level):
            return ABOVE
        item = self._refute(lo, hi) if self.mode == "theorem1" else self._singular(hs, lo, hi)
        if item is not None:
            step.found.append((int(j), item))
        return None

    def _refute(self, lo, hi) -> Optional[dict]:
        mid = [float(a + SPLIT_AT * (b - a)) for a, b in zip(lo, hi)]
        Hs = _point_in_region(self.ts, self.tasks, lo, hi, mid, self.level)
        if Hs is None:
            return None
        n = Hs[0].nrows()
        for i, H in enumerate(Hs):
            for sign in (1, -1):
                inn = inertia(_eye(n) - H * self.eta * sign)
                if inn is not None and inn[1] >= 1:
                    self.refuted = True
                    low = max(_norm_lower(H), 1 / Fraction(self.ts.eta))
                    return {"kind": "refuting point", "task": i + 1, "W": mid,
                            "norm_lower": _decimal(low, 17, False),
                            "text": f"refuted at W = [{', '.join(f'{w:.17g}' for w in mid)}]"
                                    f" (task {i + 1}): proven in the region, eta ||hess g|| > 1 "
                                    f"(||hess g|| > {float(low):.6g})"}
        return None

    def _singular(self, hs, lo, hi) -> Optional[dict]:
        A, B = self.tasks[0][:2]
        if not certify_stable(A - B * hs[0][1]):
            return None
        if self.level is not None and not self._below_level(hs):
            return None       # the segment's points are not proven in {h <= L}
        n = hs[0][0].nrows()
        inn = []
        for W in (lo, hi):
            Hs = _point_in_region(self.ts, self.tasks, lo, hi, W, None)
            if Hs is None:
                return None
            inn.append(inertia(_eye(n) - Hs[0] * self.eta))
        if None in inn or inn[0] == inn[1]:
            return None
        return {"kind": "singular point", "box": [[a, b] for a, b in zip(lo, hi)],
                "text": "I - eta hess g singular at a point of the box "
                        + " x ".join(f"[{a:.9g}, {b:.9g}]" for a, b in zip(lo, hi))
                        + f" (in the domain; inertia {inn[0]} at one corner, {inn[1]} at the other)"}

    def _below_level(self, hs) -> bool:
        """``h <= L`` proven on the whole box (Arb costs at the enclosures of ``F_i``)."""
        total = arb(0)
        for (A, B, Q, R, S0, _), (_, F), wt in zip(self.tasks, hs, self.ts.weights):
            try:
                total += ARB.scalar(wt) * LQRPoint(ARB, (A, B, Q, R), F, S0).cost
            except (ZeroDivisionError, ValueError, np.linalg.LinAlgError):
                return False
        L = self.level
        return bool(total.upper() <= arb(L.numerator) / L.denominator)

    def _split(self, boxes: Boxes) -> Boxes:
        rel = (boxes.hi - boxes.lo) / self.root_width
        axis = np.argmax(rel, axis=1)
        parts = []
        for var in range(boxes.lo.shape[1]):
            sel = axis == var
            if not sel.any():
                continue
            b = boxes.take(sel)
            cut, frac = bz.cut_fractions(b.lo[:, var], b.hi[:, var], SPLIT_AT)
            left, right = Boxes(b.lo.copy(), b.hi.copy(), {}), Boxes(b.lo.copy(), b.hi.copy(), {})
            left.hi[:, var], right.lo[:, var] = cut, cut
            for k in range(len(self.polys)):
                (llo, lhi), (rlo, rhi) = bz.split(b.data[f"{k}lo"], b.data[f"{k}hi"], var, frac)
                left.data[f"{k}lo"], left.data[f"{k}hi"] = llo, lhi
                right.data[f"{k}lo"], right.data[f"{k}hi"] = rlo, rhi
            parts += [left, right]
        return Boxes.concat(parts)


def _norm_lower(H) -> Fraction:
    """A proven lower bound of ``||H||_2``: the largest ``|H_ii|`` lower end
    (``|e_i' H e_i| <= ||H||``)."""
    best = Fraction(0)
    for i in range(H.nrows()):
        x = abs(H[i, i]).lower()
        if x.is_finite() and x > 0:
            best = max(best, _exact(arb(x)))
    return best


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
    dec = _Decider(taskset, root, mode, level, min_width)

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
        if len(taskset.tasks) == 1:
            t1.conclusion = ("Theorem 1: every local minimizer of h in R is global (f global, "
                             "F = W - eta grad g with I - eta hess g > 0 on R)")
        else:
            t1.conclusion = ("several tasks: h is not f(F(W)) for one f; Theorem 1's conclusion "
                             "does not follow (each task's own MAML objective is covered)")
    else:
        t1.reason = f"{len(out.undecided)} box(es) undecided: {out.undecided[0][2]}"
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
            f"{len(out.undecided)} box(es) undecided: {out.undecided[0][2]}"
