"""The slope of a branch's value, ``V'(p) = h_p(W(p), p)`` (envelope theorem),
enclosed on the trap boxes of :mod:`~symlqr.atlas.branches` by Taylor-shifted
polynomials; on a branch of stationary points with a correction that makes
the enclosed function flat across the branch (:meth:`ValueSlope.on_branch`).

>>> from symlqr.atlas.bivariate import P, W
>>> vs = ValueSlope(W * W + P * W, W + 1)          # h = (W^2 + p W) / (W + 1): h_p = W / (W + 1)
>>> D = vs.on_box(flint.arb(1), Fraction(0), Fraction(1, 10))
>>> D.contains(flint.arb(1) / 2)
True
"""
from __future__ import annotations

from fractions import Fraction
from typing import Optional

import flint

from ..exact.ratfunc import to_fmpq
from .bivariate import divides
from .branches import Shifted, Shifter, _centre, _dyadic, arb_between, rows_in_p

__all__ = ["ValueSlope"]


class ValueSlope:
    """``h_p = (a_p b - a b_p) / b^2`` for ``h = a / b`` in QQ(W, p), enclosed on
    boxes by Taylor-shifted evaluation of the numerator and of ``b`` (shifted
    together; tight on small boxes, unlike the closed forms over intervals);
    ``b^2`` is the square of ``b``'s enclosure (shifting ``b`` rather than
    ``b^2`` halves that block).

    On a branch of stationary points (``h_W = 0``, so ``u = a_W b - a b_W``
    vanishes) ``h_p = (top + lam u) / b^2`` for every ``lam``
    (:meth:`on_branch`); with ``lam = -h_pW / h_WW`` at the box's centre (the
    branch's slope ``W'``) this function is flat across the branch there, so
    its enclosure on a box that the branch crosses fast is far tighter than
    that of ``h_p`` (first-order terms in the box's width in ``W`` cancel)."""

    def __init__(self, num, den):
        top = num.derivative("p") * den - num * den.derivative("p")
        self.u = num.derivative("W") * den - num * den.derivative("W")
        rt, ru = rows_in_p(top), rows_in_p(self.u)
        k = max(len(rt), len(ru))
        pad = lambda r: r + [flint.fmpq_poly([])] * (k - len(r))
        self.both = Shifter(rt, rows_in_p(den))
        self._rows = (pad(rt), pad(ru), rows_in_p(den))
        self._three: Optional[Shifter] = None
        self._vanish: list = []

    def on_box(self, Y, p0: Fraction, p1: Fraction):
        """An arb ball containing ``h_p`` on ``Y x [p0, p1]`` (None if the
        denominator is not separated from 0 there)."""
        with flint.ctx.workprec(128):
            c, w0 = _centre(p0, p1), _dyadic(Y)
            T = Y - flint.arb(to_fmpq(w0))
            S = arb_between(p0 - c, p1 - c)
            num, den = self.both.shift(w0, c).mean_values(T, S)
            return _quotient(num, den)

    def on_branch(self, Y, p0: Fraction, p1: Fraction):
        """An arb ball containing ``h_p`` at the points of ``Y x [p0, p1]`` where
        ``u = 0`` (so on every branch of stationary points in the box), from
        ``(top + lam u) / b^2`` (class docstring) intersected with that of
        :meth:`on_box` (near a fold ``lam`` is large and the latter may be
        tighter); None when both are."""
        with flint.ctx.workprec(128):
            c, w0 = _centre(p0, p1), _dyadic(Y)
            T = Y - flint.arb(to_fmpq(w0))
            S = arb_between(p0 - c, p1 - c)
            if self._three is None:
                self._three = Shifter(*self._rows)
            g = self._three.shift(w0, c)
            St, Su, Sd = g.mats
            lam = flint.arb(to_fmpq(_flat_slope(St, Su, Sd)))
            num, den = Shifted([St + Su * lam, Sd], w0, c).mean_values(T, S)
            flat = _quotient(num, den)
            plain = _quotient(*Shifted([St, Sd], w0, c).mean_values(T, S))
            if flat is None or plain is None:
                return flat if plain is None else plain
            return flat.intersection(plain)         # both hold h_p on the branch

    def accept(self, f):
        """The enclosure to use on a branch of roots of ``f``: :meth:`on_branch`
        when ``f`` divides ``u`` (exact; then ``u = 0`` on the branch), else
        :meth:`on_box`."""
        for g, ok in self._vanish:
            if g == f:
                return self.on_branch if ok else self.on_box
        ok = divides(f, self.u)
        self._vanish.append((f, ok))
        return self.on_branch if ok else self.on_box


def _quotient(num, den):
    """``num / den^2`` from enclosures (None when ``den`` may vanish)."""
    if den.contains(0):
        return None
    lo, hi = den.abs_lower(), den.abs_upper()          # |b| on the box
    out = num / (lo * lo).union(hi * hi)
    return out if out.is_finite() else None


def _flat_slope(St, Su, Sd) -> Fraction:
    """A short dyadic near ``-h_pW / h_WW`` at the centre of the shift (from
    the coefficients of ``top``, ``u`` and ``b``); 0 where not finite. Any value
    gives a valid enclosure in :meth:`ValueSlope.on_branch`."""
    d0, dt = Sd[0, 0].mid(), Sd[1, 0].mid()
    a = St[1, 0].mid() * d0 - 2 * St[0, 0].mid() * dt
    b = Su[1, 0].mid() * d0 - 2 * Su[0, 0].mid() * dt
    q = -a / b if b != 0 else flint.arb(0)
    if not q.is_finite() or abs(q) > 2 ** 40:
        return Fraction(0)
    return Fraction(int((q * 2 ** 30).floor().unique_fmpz()), 2 ** 30)
