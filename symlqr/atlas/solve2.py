"""Every solution of two polynomial equations in a box of the plane, certified:
each in a Krawczyk box that holds it and no other, the rest of the box excluded
by proof, what is left listed as undecided.

For ``f_1 = f_2 = 0`` with ``f_1, f_2`` in QQ[x, y] on a box ``X`` (dyadic
ends), the branch-and-bound of :mod:`symlqr.branch.core` keeps the Bernstein
coefficients of both polynomials on every box (:mod:`symlqr.branch.bernstein`:
exact on the first box, then split with outward rounding, converted anew from
the exact polynomial where the rounding carried from larger boxes becomes
comparable to the values, as :mod:`symlqr.matrix.subdivision` does). A box is

* excluded when the coefficients of ``f_1`` or of ``f_2`` all have one sign
  (the Bernstein range encloses the polynomial's range on the box);
* proven to hold exactly one solution when the Krawczyk operator
  ``K = c - Y F(c) + (I - Y J(X)) (X - c)`` lies in the interior of ``X``
  (``J(X)``: the Jacobian's enclosure from the derivatives' Bernstein
  coefficients, ``F(c)`` at the exact centre ``c`` in Arb balls, ``Y`` any
  float matrix, the inverse of the midpoint of ``J``), and excluded when
  ``K`` misses ``X``;
* split otherwise, across its relatively widest side; at ``min_width``
  (relative to the first box) it is undecided, never dropped.

The solutions' boxes have disjoint interiors and each solution lies in the
interior of its box, so no solution is counted twice.

>>> from fractions import Fraction as Q
>>> from symlqr.atlas.bivariate import W, P
>>> out = solve2(W * W + P * P - 1, W - P, [(Q(-2), Q(2)), (Q(-2), Q(2))])
>>> len(out.found), out.complete                   # (+-1/sqrt 2, +-1/sqrt 2)
(2, True)
>>> boxes = [refine(W * W + P * P - 1, W - P, b) for b in out.found]
>>> sorted(round(float(b[0][0] + b[0][1]) / 2, 6) for b in boxes)
[-0.707107, 0.707107]
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Optional

import flint
import numpy as np

from ..branch import bernstein as bz
from ..branch.core import Boxes, Step, branch_and_bound
from ..branch.splitting import smear_axis, split_boxes
from .bivariate import CTX, coeffs_in_w

__all__ = ["Solve2", "solve2", "refine", "krawczyk_ball", "dyadic_hull"]


@dataclass
class Solve2:
    """``found``: one box ``((xlo, xhi), (ylo, yhi))`` (Fractions) per solution,
    the Krawczyk image that holds it; ``undecided``: ``(lo, hi, reason)``."""
    found: list = field(default_factory=list)
    undecided: list = field(default_factory=list)
    boxes: int = 0
    rerooted: int = 0
    restricted: int = 0          # noisy boxes served by kept conversions (Source.on_kept)

    @property
    def complete(self) -> bool:
        return not self.undecided


def dyadic_hull(a: Fraction, b: Fraction) -> tuple:
    """Floats (dyadic) ``x <= a`` and ``y >= b``."""
    x, y = float(a), float(b)
    if Fraction(x) > a:
        x = float(np.nextafter(x, -np.inf))
    if Fraction(y) < b:
        y = float(np.nextafter(y, np.inf))
    return x, y


def _arb(lo, hi=None):
    a = flint.arb(flint.fmpq(*Fraction(lo).as_integer_ratio()))
    return a if hi is None else a.union(flint.arb(flint.fmpq(*Fraction(hi).as_integer_ratio())))


def _ends(x) -> tuple:
    return bz.ball_ends(x)


def krawczyk_ball(F, J, X: list, c: list):
    """One Krawczyk step in Arb: ``F`` the values at the centre ``c`` (balls),
    ``J`` the 2x2 Jacobian enclosure on ``X`` (balls), ``X`` the box (balls).
    Returns ``("unique", K)`` when ``K`` lies in the interior of ``X`` (exactly
    one zero in ``X``, and it lies in ``K``), ``("none", None)`` when ``K``
    misses ``X``, else ``("open", K & X or None)``."""
    mid = np.array([[float(J[i][j].mid()) for j in range(2)] for i in range(2)])
    try:
        Yf = np.linalg.inv(mid)
    except np.linalg.LinAlgError:
        return "open", None
    if not np.isfinite(Yf).all():
        return "open", None
    Y = [[flint.arb(float(Yf[i, j])) for j in range(2)] for i in range(2)]
    d = [X[k] - c[k] for k in range(2)]
    K = []
    for i in range(2):
        k = c[i] - (Y[i][0] * F[0] + Y[i][1] * F[1])
        for j in range(2):
            e = (1 if i == j else 0) - (Y[i][0] * J[0][j] + Y[i][1] * J[1][j])
            k = k + e * d[j]
        K.append(k)
    if not all(k.is_finite() for k in K):
        return "open", None
    inside = True
    for k, x in zip(K, X):
        klo, khi = _ends(k)
        xlo, xhi = _ends(x)
        if khi < xlo or klo > xhi:
            return "none", None
        inside = inside and xlo < klo and khi < xhi
    if inside:
        return "unique", K
    return "open", K


class _Solver:
    def __init__(self, f1, f2, box, min_width: float, check: Optional[Callable],
                 conditions: list = (), covered: Optional[Callable] = None,
                 axis: str = "widest"):
        self.polys = (f1, f2)
        self.axis = axis
        self.covered = covered
        # conditions num / prod pole^m, > 0 on the region of interest
        self.cpolys: list = []
        self.conds = []
        for num, poles in conditions:
            self.conds.append((self._slot(num), [(self._slot(g), m) for g, m in poles]))
        self.csources = [bz.Source(g, 2) for g in self.cpolys]
        self.sources = [bz.Source(f, 2) for f in self.polys]
        for src in self.sources:
            src.keep(KEPT)
            src.ladder = LADDER
        self.rows = [_rows(f) for f in self.polys]
        self.arb_rows: list = [{}, {}]               # the rows in Arb, per precision
        self.box = box
        self.span = np.array([b - a for a, b in box], dtype=float)
        self.min_width = min_width
        self.check = check
        self.rerooted = 0

    def _slot(self, g) -> int:
        for i, h in enumerate(self.cpolys):
            if h == g:
                return i
        self.cpolys.append(g)
        return len(self.cpolys) - 1

    def _outside(self, boxes: Boxes) -> np.ndarray:
        """Boxes where some condition is proven negative everywhere."""
        m = len(boxes)
        sg = []
        for i in range(len(self.cpolys)):
            r_lo, r_hi = bz.ranges(boxes.data[f"c{i}lo"], boxes.data[f"c{i}hi"])
            sg.append(np.where(r_lo > 0, 1, np.where(r_hi < 0, -1, 0)))
        out = np.zeros(m, dtype=bool)
        for num, poles in self.conds:
            s = sg[num].copy()
            for g, mult in poles:
                s = s * sg[g] ** mult
            out |= s < 0
        return out

    def _covered(self, boxes: Boxes) -> np.ndarray:
        if self.covered is None:
            return np.zeros(len(boxes), dtype=bool)
        return np.asarray(self.covered(boxes.lo, boxes.hi), dtype=bool)

    def roots(self) -> Boxes:
        lo = np.array([[a for a, _ in self.box]], dtype=float)
        hi = np.array([[b for _, b in self.box]], dtype=float)
        data = {}
        fbox = [(Fraction(a), Fraction(b)) for a, b in self.box]
        for k, src in enumerate(self.sources):
            clo, chi, fac = src.on_best(fbox)
            data[f"{k}lo"], data[f"{k}hi"] = clo, chi
            data[f"{k}f"] = np.array([fac], dtype=object)
        for i, src in enumerate(self.csources):
            data[f"c{i}lo"], data[f"c{i}hi"], _fac = src.on_best(fbox)
        return Boxes(lo, hi, data)

    def decide(self, boxes: Boxes) -> Step:
        if self.check is not None:
            self.check()
        m = len(boxes)
        step = Step()
        # boxes outside the region (the conditions' own coefficients) or covered
        # elsewhere are excluded whatever f and f_W do there: not converted anew
        outside_all, covered_all = self._outside(boxes), self._covered(boxes)
        away = outside_all | covered_all
        self._reroot(boxes, ~away)
        gone = np.zeros(m, dtype=bool)
        for k in range(2):
            r_lo, r_hi = bz.ranges(boxes.data[f"{k}lo"], boxes.data[f"{k}hi"])
            gone |= (r_lo > 0) | (r_hi < 0)
        gone &= ~away
        step.excluded["a polynomial has one sign"] = gone.copy()
        outside = ~gone & outside_all
        step.excluded["outside the region"] = outside
        gone |= outside
        covered = ~gone & covered_all
        step.excluded["covered elsewhere"] = covered
        gone |= covered
        live = ~gone
        rel = (boxes.hi - boxes.lo) / self.span
        small = rel.max(axis=1) < 2.0 ** -6
        kraw_none = np.zeros(m, dtype=bool)
        done = np.zeros(m, dtype=bool)
        for j, status, K in self._krawczyk(boxes, np.nonzero(live & small)[0]):
            if status == "none":
                kraw_none[j] = True
            elif status == "unique":
                step.found.append((j, tuple(_ends(k) for k in K)))
                done[j] = True
        step.excluded["Krawczyk: no zero"] = kraw_none
        rest = live & ~kraw_none & ~done
        tiny = rest & (rel.max(axis=1) < self.min_width)
        for j in np.nonzero(tiny)[0]:
            step.undecided.append((j, "neither excluded nor isolated at the finest width"))
        rest &= ~tiny
        if rest.any():
            step.children = self._split(boxes.take(rest), rel[rest])
        return step

    def _krawczyk(self, boxes: Boxes, idx):
        """``(j, status, K)`` of :func:`krawczyk_ball` for each box ``j`` of ``idx``
        (the Jacobians' rows from the derivative ranges of all of them at once)."""
        if not len(idx):
            return []
        with flint.ctx.workprec(256):
            widths = boxes.hi[idx] - boxes.lo[idx]
            rows = [_gradient_rows(boxes.data[f"{k}lo"][idx], boxes.data[f"{k}hi"][idx], widths)
                    for k in range(2)]
            return [(j, *self._krawczyk_at(boxes, j, [rows[0][t], rows[1][t]]))
                    for t, j in enumerate(idx)]

    def _krawczyk_at(self, boxes: Boxes, j: int, J: list):
        if J[0] is None or J[1] is None:
            return "open", None
        X = [_arb(boxes.lo[j, v], boxes.hi[j, v]) for v in range(2)]
        c = [(_arb(boxes.lo[j, v]) + _arb(boxes.hi[j, v])) / 2 for v in range(2)]
        F = [_value(self.rows[k], c, boxes.data[f"{k}f"][j], cache=self.arb_rows[k])
             for k in range(2)]
        return krawczyk_ball(F, J, X, c)

    def _reroot(self, boxes: Boxes, live) -> None:
        """Convert anew the noisy coefficients (:func:`_noisy`) of the boxes
        ``live``, of ``f1`` then of ``f2``: restricted from the balls of one of the
        last :data:`KEPT` conversions on a box holding it
        (:meth:`~symlqr.branch.bernstein.Source.on_kept`, at the precision its
        noisy floats' size asks), else from the exact polynomial
        (:meth:`~symlqr.branch.bernstein.Source.on_best`); not on a box where the
        other polynomial's coefficients have one sign (it is excluded whatever
        this one does there)."""
        one_sign = []
        for k in range(2):
            r_lo, r_hi = bz.ranges(boxes.data[f"{k}lo"], boxes.data[f"{k}hi"])
            one_sign.append((r_lo > 0) | (r_hi < 0))
        for k in range(2):
            lo, hi = boxes.data[f"{k}lo"], boxes.data[f"{k}hi"]
            noisy = live & ~one_sign[1 - k] & _noisy(lo, hi)
            for j in np.nonzero(noisy)[0]:
                box = [(Fraction(a), Fraction(b)) for a, b in zip(boxes.lo[j], boxes.hi[j])]
                top = float(max(np.abs(lo[j]).max(), np.abs(hi[j]).max()))
                size = math.log2(top) - bz.log2_of(boxes.data[f"{k}f"][j]) \
                    if 0 < top < np.inf else -np.inf      # log2 of the largest, an estimate
                got = self.sources[k].on_kept(box, size)
                nlo, nhi, f = got if got is not None else self.sources[k].on_best(box)
                lo[j], hi[j] = nlo[0], nhi[0]
                boxes.data[f"{k}f"][j] = f
                self.rerooted += 1
            if k == 0 and noisy.any():
                r_lo, r_hi = bz.ranges(lo, hi)
                one_sign[0] = (r_lo > 0) | (r_hi < 0)

    def _split(self, boxes: Boxes, rel) -> Boxes:
        axis = np.argmax(rel, axis=1) if self.axis == "widest" else \
            smear_axis(boxes, ["0", "1"], rel, self.min_width)
        return split_boxes(boxes, axis,
                           ["0", "1"] + [f"c{i}" for i in range(len(self.cpolys))], ["0f", "1f"])


def _value(rows: list, c: list, factor, prec: int = 256, cache: Optional[dict] = None):
    """``factor * p(c)`` in Arb (``rows`` from :func:`_rows`, ``c`` exact dyadic
    balls), at ``prec`` bits and more until the ball is narrow against its size
    or ``2^-prec``. ``cache``: a dict kept with ``rows``, for the rows as Arb
    polynomials at each precision (balls holding the rational coefficients),
    and for their values at the last :data:`AT_Y_KEPT` centres ``c[1]`` (by
    precision and the exact ball): the boxes of a search share their centre in
    ``y`` far more often than not (Figure 3a's fold search: 886 rows' values
    computed for 14118 evaluations), and the same computation gives the same
    balls, so ``p(c)`` is the ball :func:`_eval` gives."""
    while True:
        with flint.ctx.workprec(prec):
            if cache is not None:
                if prec not in cache:
                    cache[prec] = [flint.arb_poly(a) for a in rows]
                key = (prec, c[1].mid().man_exp(), c[1].rad().man_exp())
                got = cache.get(key)
                if got is None:
                    got = cache[key] = [a(c[1]) for a in cache[prec]]
                    while len(cache) > AT_Y_KEPT:
                        del cache[next(k for k in cache if isinstance(k, tuple))]   # the oldest
                v = _horner_x(got, c[0]) * _arb(factor)
            else:
                v = _eval(rows, c) * _arb(factor)
        if v.rad() <= abs(v.mid()) * 2.0 ** -20 or prec >= 2048:
            return v
        prec *= 2


def _rows(p) -> list:
    """``p`` in QQ[x, y] as its rows in ``y`` (``fmpq_poly``), highest power of
    ``x`` first."""
    return list(reversed(coeffs_in_w(p)))


#: Conversions kept per polynomial to restrict noisy boxes from (:meth:`Source.on_kept`).
KEPT = 64

#: The precisions of the two polynomials' conversions anew (:meth:`Source.on_best`): the
#: default ladder with a rung at 704 bits (Figure 3d: its 64 conversions at 1024 bits
#: all hold at 704).
LADDER = (128, 192, 448, 704, 1024, 2048)


#: The rows' values at this many centres in ``y`` are kept per polynomial (:func:`_value`).
AT_Y_KEPT = 512


def _horner_x(values: list, x):
    """``sum_i values[i] x^(m - i)`` (``m + 1`` values) by Horner's rule, as
    :func:`_eval` does with the rows' values at ``y``.

    >>> float(_horner_x([flint.arb(1), flint.arb(2)], flint.arb(3)).mid())   # 1 * 3 + 2
    5.0
    """
    acc = flint.arb(0)
    for v in values:
        acc = acc * x + v
    return acc


def _eval(rows: list, c: list):
    """``p(c)`` in Arb from :func:`_rows` (Horner in x over rows in y)."""
    acc = flint.arb(0)
    for a in rows:
        acc = acc * c[0] + (a if isinstance(a, flint.arb_poly) else flint.arb_poly(a))(c[1])
    return acc


def refine(f1, f2, box, bits: int = 60, steps: int = 200):
    """A box of widths at most ``2^-bits`` of ``max(1, |x|)`` holding the zero of
    ``f1 = f2 = 0`` that ``box`` (two ``(lo, hi)`` pairs of dyadic Fractions) is
    known to hold alone: Krawczyk's ``X <- K(X) & X`` (every zero in ``X`` lies
    in ``K(X)``) with the Jacobian enclosed by Horner's scheme in Arb balls, or
    from Bernstein coefficients when that does not contract, at a precision
    rising with the target. None when the iteration stalls.

    >>> from fractions import Fraction as Q
    >>> from symlqr.atlas.bivariate import W, P
    >>> b = refine(W * W - 2, P - W, [(Q(1), Q(2)), (Q(1), Q(2))], bits=100)
    >>> float(b[0][1] - b[0][0]) < 2 ** -99, round(float(b[1][0]), 12)
    (True, 1.414213562373)
    """
    names = CTX.names()
    fs = (f1, f2)
    rows = [_rows(f) for f in fs]
    jac = [[_rows(f.derivative(v)) for v in names] for f in fs]
    sources = None
    box = [tuple(Fraction(e) for e in side) for side in box]
    prec = max(128, 2 * bits + 64)
    for _ in range(steps):
        if all(b - a <= max(1, abs(a), abs(b)) / 2 ** bits for a, b in box):
            return box
        new = _krawczyk_horner(rows, jac, box, prec)
        if new is None or not _shrunk(new, box):
            sources = sources or [bz.Source(f, 2) for f in fs]
            new = _krawczyk_bernstein(sources, rows, box, prec) or new
        if new is None:
            return None
        if not _shrunk(new, box):
            prec *= 2
            if prec > 16 * (2 * bits + 64):
                return None
        box = new
    return None


def _shrunk(new: list, old: list) -> bool:
    return any(nb - na < (ob - oa) * Fraction(9, 10) for (na, nb), (oa, ob) in zip(new, old))


def _cut(K, box: list) -> Optional[list]:
    if K is None:
        return None
    new = []
    for k, (a, b) in zip(K, box):
        lo, hi = _ends(k)
        new.append((max(a, lo), min(b, hi)))
    return new


def _krawczyk_horner(rows, jac, box: list, prec: int) -> Optional[list]:
    with flint.ctx.workprec(prec):
        X = [_arb(a, b) for a, b in box]
        c = [_arb((a + b) / 2) for a, b in box]
        F = [_eval(r, c) for r in rows]
        J = [[_eval(r, X) for r in jr] for jr in jac]
        _status, K = krawczyk_ball(F, J, X, c)
    return _cut(K, box)


def _krawczyk_bernstein(sources, rows, box: list, prec: int) -> Optional[list]:
    """One Krawczyk step with the Jacobian from Bernstein coefficients on ``box``."""
    widths = np.array([float(b - a) for a, b in box])
    J, facs = [], []
    with flint.ctx.workprec(prec):
        for src in sources:
            lo, hi, fac = src.on_best(box)
            row = _gradient_row(lo, hi, widths)
            if row is None:
                return None
            J.append(row)
            facs.append(fac)
        X = [_arb(a, b) for a, b in box]
        c = [_arb((a + b) / 2) for a, b in box]
        F = [_eval(r, c) * _arb(fac) for r, fac in zip(rows, facs)]
        _status, K = krawczyk_ball(F, J, X, c)
    return _cut(K, box)


def _gradient_row(lo, hi, widths):
    """The partial derivatives of a polynomial over its box, as balls, from its
    Bernstein coefficients ``(lo, hi)`` (in the units of their factor), widened
    by ``2^-50`` relative for the floats' rounding; ``None`` where a range is not
    finite. Balls at the caller's working precision."""
    return _gradient_rows(lo, hi, np.asarray(widths).reshape(1, -1))[0]


def _gradient_rows(lo, hi, widths) -> list:
    """:func:`_gradient_row` of every box of a batch (``widths`` of shape ``(m, k)``),
    the derivative ranges of all boxes in one call per variable."""
    k = widths.shape[1]
    ranges = [bz.derivative_ranges(lo, hi, v, widths[:, v]) for v in range(k)]
    grow = _arb(1 - Fraction(1, 2 ** 50), 1 + Fraction(1, 2 ** 50))
    out = []
    for j in range(len(widths)):
        ends = [(dlo[j], dhi[j]) for dlo, dhi in ranges]
        finite = all(np.isfinite(a) and np.isfinite(b) for a, b in ends)
        out.append([_arb(a, b) * grow for a, b in ends] if finite else None)
    return out


def _noisy(lo, hi) -> np.ndarray:
    """Per box: the coefficients' widths are not small against their size and
    keep the range's sign open."""
    m = len(lo)
    width = (hi - lo).reshape(m, -1).max(axis=1)
    size = np.maximum(np.abs(lo), np.abs(hi)).reshape(m, -1).max(axis=1)
    r_lo, r_hi = bz.ranges(lo, hi)
    short = np.minimum(-r_lo, r_hi)
    with np.errstate(invalid="ignore"):
        return (r_lo <= 0) & (r_hi >= 0) & (width > 2.0 ** -20 * size) & (width > 0.25 * short)


def solve2(f1, f2, box, *, conditions: list = (), covered: Optional[Callable] = None,
           min_width: float = 2.0 ** -44, max_boxes: int = 400_000,
           check: Optional[Callable] = None, axis: str = "widest") -> Solve2:
    """Every zero of ``f1 = f2 = 0`` in ``box`` (two ``(lo, hi)`` pairs of
    rationals, rounded outward to floats), certified (module docstring), except
    where one of the ``conditions`` is proven negative: ``(num, [(g, m), ...])``
    for ``num / prod g^m``, polynomials in QQ[x, y] (a box where the signs of
    ``num`` and of every ``g`` are constant and give a negative quotient is
    excluded as outside the region), and where ``covered(lo, hi)`` (float arrays
    of the boxes' corners, one row a box) is True (the caller covers those
    boxes otherwise). ``axis``: a box is cut across its relatively widest side
    (``"widest"``) or across the side along which the polynomials change most
    (``"smear"``, :func:`~symlqr.branch.splitting.smear_axis`); either way every
    box is decided the same way, only the boxes differ."""
    box = [dyadic_hull(Fraction(a), Fraction(b)) for a, b in box]
    sol = _Solver(f1, f2, box, min_width, check, conditions, covered, axis)
    out = branch_and_bound(sol.roots(), sol.decide, batch=512, max_boxes=max_boxes)
    res = Solve2(found=list(out.found), boxes=out.boxes, rerooted=sol.rerooted,
                 restricted=sum(src.stats["kept"] for src in sol.sources))
    res.undecided = [(lo, hi, why) for lo, hi, why in out.undecided]
    return res
