"""The box decider of :mod:`symlqr.matrix.hypotheses`: Arb enclosures over boxes of gains.

Over a box ``X`` (an ``arb_mat`` ball) proven stabilizing for every task, the
Hessian ``H_i = hess g_i`` and ``F_i(X)`` are enclosed by first-order Taylor
models (:mod:`~symlqr.matrix.taylor`); where a Stein solve of those over the box
is not proven, directly and by the mean-value form ``H(c) + sum_k dH/dw_k(X) (X_k
- c_k)`` with the third derivatives of
:meth:`~symlqr.matrix.lqr.LQRPoint.third_many`, intersected (the direct ball form
overestimates wide boxes by orders of magnitude). Then
``eta ||H_i|| < 1`` is ``I -+ eta H_i > 0`` (:func:`~symlqr.matrix.validated.inertia`),
and ``I - eta H`` is nonsingular when its inertia is decided. :class:`Decider` is
the ``decide(boxes) -> Step`` of :func:`symlqr.branch.core.branch_and_bound`
(the domain conditions of :func:`~symlqr.matrix.domain.conditions` in Bernstein
form, split with the boxes).

>>> from flint import arb_mat
>>> _norm_below_one(arb_mat([[5, 0], [0, -9]]), arb(1) / 10), _norm_upper(arb_mat([[3, 4], [4, -3]])) >= 5
(True, True)
"""
from __future__ import annotations

from fractions import Fraction
from typing import Optional

import numpy as np
from flint import arb, arb_mat

from ..branch import bernstein as bz
from ..branch.core import SPLIT_AT, Boxes, Step
from ..branch.splitting import split_boxes
from .backend import ArbBackend
from .domain import conditions
from .levels import exceeds
from .lqr import LQRPoint
from .taylor import TAYLOR, gain_box
from .validated import decimal_bound, exact_fraction, certify_stable_gains, inertia, proven_unstable, to_float

__all__ = ["Decider", "OUTSIDE", "UNSTABLE_F", "ABOVE", "PROVEN", "NONSINGULAR", "NOT_STABLE"]

ARB = ArbBackend()
OUTSIDE = "outside the domain: {} proven false"
UNSTABLE_F = "outside the domain: A_i - B_i F_i(W) proven unstable on the box"
ABOVE = "h > L on the box"
PROVEN = "eta ||hess g_i|| < 1 proven on the box"
NONSINGULAR = "I - eta hess g nonsingular proven on the box (inertia)"
NOT_STABLE = ("W not proven stabilizing on the box: near the stability boundary hess g is "
              "unbounded (finest width reached)")


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


def _hessians(tasks, X, eta, models: Optional[list] = None) -> Optional[list]:
    """``(H_i, F_i)`` for every task over the ball ``X``, or ``None`` when ``W`` is
    not proven stabilizing (or a Stein enclosure fails) there; ``models`` (a list)
    receives each task's Taylor models ``(g_i, F_i)`` where they served. ``H_i`` is the
    intersection of the direct enclosure and the mean-value form
    ``H(c) + sum_k dH/dw_k(X) (X_k - c_k)`` (``c`` the midpoint, exact; the third
    derivatives over ``X``): the direct form overestimates wide boxes badly."""
    out = []
    for A, B, Q, R, _, S0a in tasks:
        if not certify_stable_gains(A, B, X):
            return None
        got = _taylor((A, B, Q, R, S0a), X, eta) if any(x.rad() > 0 for x in X.entries()) else None
        if got is not None:
            out.append(got[:2])
            if models is not None:
                models.append(got[2])
            continue
        try:
            g = LQRPoint(ARB, (A, B, Q, R), X, S0a)
            H = _symmetric(g.hess_dense())
            if any(x.rad() > 0 for x in X.entries()):
                H = _intersect(H, _mean_value(g, (A, B, Q, R, S0a), X))
            out.append((H, X - g.grad * eta))
        except (ZeroDivisionError, ValueError, np.linalg.LinAlgError):
            return None
    return out


def _taylor(task, X, eta) -> Optional[tuple]:
    """``(H, F, (g, F_model))`` over the ball ``X`` from first-order Taylor models
    (:mod:`~symlqr.matrix.taylor`: the linear part in ``W`` exact, so ``F = W - eta
    grad g`` and ``H`` are not widened by the dependence on ``W``); ``None`` where
    a Stein solve over the box is not proven nonsingular."""
    A, B, Q, R, S0a = task
    ents = X.entries()
    W = gain_box([x.lower() for x in ents], [x.upper() for x in ents], X.nrows(), X.ncols())
    try:
        g = LQRPoint(TAYLOR, (A, B, Q, R), W, S0a)
        F = W - g.grad * eta
        return _symmetric(g.hess_dense()), F.range(), (g, F)
    except (ZeroDivisionError, ValueError, np.linalg.LinAlgError):
        return None


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
    return exact_fraction(arb(up).sqrt().upper())


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
        if not certify_stable_gains(A, B, F):
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
class Decider:
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
                            "norm_lower": decimal_bound(low, False),
                            "text": f"refuted at W = [{', '.join(f'{w:.17g}' for w in mid)}]"
                                    f" (task {i + 1}): proven in the region, eta ||hess g|| > 1 "
                                    f"(||hess g|| >= {float(low):.6g})"}
        return None

    def _singular(self, hs, lo, hi) -> Optional[dict]:
        A, B = self.tasks[0][:2]
        if not certify_stable_gains(A, B, hs[0][1]):
            return None
        if self.level is not None and not self._below_level(hs):
            return None       # the segment's points are not proven in {h <= L}
        n = hs[0][0].nrows()
        seen = {}
        for W in _corners(lo, hi):          # the box (in the domain) is convex
            Hs = _point_in_region(self.ts, self.tasks, lo, hi, W, None)
            inn = None if Hs is None else inertia(_eye(n) - Hs[0] * self.eta)
            if inn is None:
                continue
            seen.setdefault(inn, W)
            if len(seen) > 1:
                (a, wa), (b, wb) = list(seen.items())[:2]
                return {"kind": "singular point", "box": [[x, y] for x, y in zip(lo, hi)],
                        "corners": [wa, wb],
                        "text": "I - eta hess g singular at a point of the box "
                                + " x ".join(f"[{x:.9g}, {y:.9g}]" for x, y in zip(lo, hi))
                                + f" (in the domain; inertia {a} at the corner {wa}, {b} at {wb})"}
        return None

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
        return split_boxes(boxes, np.argmax(rel, axis=1), range(len(self.polys)))


def _corners(lo, hi, most: int = 16) -> list:
    """Up to ``most`` corners of the box (all of them for ``n <= 4``), ``lo`` and ``hi`` first."""
    from itertools import product
    out = [list(lo), list(hi)]
    for pick in product((0, 1), repeat=len(lo)):
        if len(out) >= most:
            break
        c = [b if p else a for p, a, b in zip(pick, lo, hi)]
        if c not in out:
            out.append(c)
    return out


def _norm_lower(H) -> Fraction:
    """A proven lower bound of ``||H||_2``: the largest ``|H_ii|`` lower end
    (``|e_i' H e_i| <= ||H||``)."""
    best = Fraction(0)
    for i in range(H.nrows()):
        x = abs(H[i, i]).lower()
        if x.is_finite() and x > 0:
            best = max(best, exact_fraction(arb(x)))
    return best


