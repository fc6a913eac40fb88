"""Second-order separation of two minima's values from an end of a piece
where they tie.

On a branch of stationary points ``W(p)`` (roots of a factor ``f`` of ``N``)
the value ``V(p) = h(W(p), p)`` has ``V' = G(W(p), p)`` with ``G = h_p``
(envelope theorem), so

    V'' = G_p + G_W W',        W' = -f_p / f_W,
    G_p = (top_p b - 2 top b_p) / b^3,   G_W = (top_W b - 2 top b_W) / b^3

for ``h = a / b`` and ``top = a_p b - a b_p`` (:class:`ValueCurvature`:
the two numerators ``A``, ``B`` and ``b`` shifted together; ``A / b^3`` by
the mean-value form along the branch, ``(B / b^3) W'`` on the trap box, with
``W'`` from ``f``'s shift on the same box).

For two minima ``j``, ``g`` and ``D = V_j - V_g`` on ``[e, v]`` with lower
bounds ``D(e) >= L0 >= 0`` and ``D'(e) >= L1``, and ``D'' >= a_k`` on the
sub-intervals of a partition (``a_k`` the lower end of ``V_j'' - V_g''``
on the two branches' trap boxes), integrating twice gives on each
sub-interval, ``t`` from its start,

    D'(t) >= L1 + a_k t,     D(t) >= L0 + L1 t + a_k t^2 / 2,

and the bounds carried to its end (:func:`second_order_positive`). This
proves ``D > 0`` on ``(e, v]`` where the first-order bounds cannot: at a
range end where the two values agree to first order (``D(e) = D'(e) = 0``),
e.g. ``delta = 0`` in the ``delta`` family, where all tasks coincide.
``D'(e) = 0`` is exact when both minima attain the lower bound
``sum_i w_i C_i(W*_i)`` at ``e`` (``F_i(W) = W*_i`` for every task, decided
exactly by ``certify``): then ``h_p = sum_i w_i [C_i'(W*_i) dF_i/dp +
(dC_i/dp)(W*_i)] = sum_i w_i (dC_i/dp)(W*_i)``, the same at both minima
since ``C_i'(W*_i) = 0``.

>>> from symlqr.atlas.bivariate import P, W, const
>>> from symlqr.atlas.branches import Shifter, arb_between, rows_in_p
>>> vc = ValueCurvature(W * W + P * P * W, const(1))   # h_W = 0: W = -p^2 / 2, V = -p^4 / 4
>>> f = Shifter(rows_in_p(2 * W + P * P))
>>> Vpp = vc.accept(f)(arb_between(Fraction(-1, 8), Fraction(0)), Fraction(0), Fraction(1, 2))
>>> Vpp.contains(0), Vpp.contains(flint.arb(-3) / 4)      # V'' = -3 p^2 on [0, 1/2]
(True, True)
>>> second_order_positive([0, 1, 2], [iv.mpf([1, 2]), iv.mpf([-0.5, 1])], 0, 0)
(True, None)
>>> second_order_positive([0, 1, 2], [iv.mpf([1, 2]), iv.mpf([-3, 1])], 0, 0)
(False, 1)
"""
from __future__ import annotations

from fractions import Fraction

import flint
from mpmath import iv

from ..exact.ratfunc import to_fmpq
from .branches import Shifter, _centre, _dyadic, arb_between, rows_in_p

__all__ = ["ValueCurvature", "second_order_positive"]


class ValueCurvature:
    """``V'' = (A + B W') / b^3`` on a branch of stationary points (module
    docstring), with ``A = top_p b - 2 top b_p`` and ``B = top_W b - 2 top
    b_W`` in QQ[W, p]; :meth:`accept` gives, for a branch's factor, the
    enclosure on a trap box to pass to :func:`~symlqr.atlas.refine.track`."""

    def __init__(self, num, den):
        top = num.derivative("p") * den - num * den.derivative("p")
        A = top.derivative("p") * den - 2 * top * den.derivative("p")
        B = top.derivative("W") * den - 2 * top * den.derivative("W")
        self.shifter = Shifter(rows_in_p(A), rows_in_p(B), rows_in_p(den))

    def on_box(self, fshift: Shifter, Y, p0: Fraction, p1: Fraction):
        """An arb ball holding ``V''`` at every point of ``Y x [p0, p1]`` on a
        branch of roots of the factor shifted by ``fshift``, or None where
        ``b`` or ``f_W`` may vanish on the box."""
        with flint.ctx.workprec(128):
            c, w0 = _centre(p0, p1), _dyadic(Y)
            T = Y - flint.arb(to_fmpq(w0))
            S = arb_between(p0 - c, p1 - c)
            sh = self.shifter.shift(w0, c)
            d = sh.value(T, S, 2)
            g = fshift.shift(w0, c)
            ft = g.d_t(T, S)
            if ft.contains(0) or d.contains(0):
                return None
            wp = -g.d_s(T, S) / ft                       # W' on the box
            Tc = T                                       # the branch at p = c (Newton)
            zero = flint.arb(0)
            for _newton in range(4):
                m = Tc.mid()
                N = m - g.value(m, zero) / g.d_t(Tc, zero)
                if not Tc.overlaps(N):
                    return None
                Tc = Tc.intersection(N)
            # A / b^3 by the mean-value form about the centre along the branch: at
            # (w0 + t, c + s) on it, t = t_c + W'(xi) s with t_c in Tc, so
            # A / b^3 = q(0, 0) + q_t t_c + (q_t W' + q_s) s (the branch crosses the
            # box fast: q_t W' + q_s is its slope along it, far smaller than q_t |T|)
            A, dA = sh.value(T, S, 0), (sh.d_t(T, S, 0), sh.d_s(T, S, 0))
            db = (sh.d_t(T, S, 2), sh.d_s(T, S, 2))
            d4 = d * d * d * d
            qt, qs = ((x * d - 3 * A * y) / d4 for x, y in zip(dA, db))
            A0, d0 = sh.mats[0][0, 0], sh.mats[2][0, 0]
            q = A0 / (d0 * d0 * d0) + qt * Tc + (qt * wp + qs) * S
            out = q + sh.value(T, S, 1) / (d * d * d) * wp
            return out if out.is_finite() else None

    def accept(self, fshift: Shifter):
        """``(Y, p0, p1) -> on_box(fshift, Y, p0, p1)``."""
        return lambda Y, p0, p1: self.on_box(fshift, Y, p0, p1)


def _iv(x) -> "iv.mpf":
    return iv.mpf(x) if not isinstance(x, Fraction) else \
        iv.mpf(x.numerator) / x.denominator


def second_order_positive(nodes: list, d2: list, L0, L1) -> tuple:
    """Is ``D > 0`` on ``(nodes[0], nodes[-1]]`` (nodes increasing in the
    distance ``t`` from the end ``nodes[0]``; ``nodes[-1] - nodes[0]`` may be
    negative: then ``d2`` are the second derivatives in ``p``, the same in
    ``t``, and ``L1`` bounds ``-dD/dp``), given ``D(nodes[0]) >= L0 >= 0``,
    ``dD/dt(nodes[0]) >= L1`` and ``D'' in d2[k]`` (mpmath intervals) on the
    ``k``-th sub-interval? Returns ``(True, None)`` or ``(False, k)`` with
    ``k`` the first sub-interval where the bound does not close.

    On a sub-interval of length ``Delta`` with ``D >= L``, ``D' >= L'`` at
    its start and ``D'' >= a`` on it, ``D >= q(t) = L + L' t + a t^2 / 2``
    for ``t`` in ``[0, Delta]``; ``q > 0`` there (on ``(0, Delta]`` when
    ``L = 0``, at the end ``nodes[0]``) is decided from ``q(0)``, ``q(Delta)``
    and the vertex, then ``L, L'`` become ``q(Delta)``, ``L' + a Delta``.
    """
    L, Lp = _iv(L0), _iv(L1)
    if L.a < 0:
        return False, 0
    for k, (p0, p1) in enumerate(zip(nodes, nodes[1:])):
        a = iv.mpf(d2[k].a)
        dt = _iv(abs(Fraction(p1) - Fraction(p0)))
        end = L + Lp * dt + a * dt * dt / 2
        if L.a == 0 and L.b == 0:              # D = 0 at the start: q(t) = t (L' + a t / 2)
            ok = Lp.a >= 0 and (Lp + a * dt / 2).a > 0 and (Lp.a > 0 or a.a > 0)
        else:                                  # q's minimum on [0, Delta]: an end or the vertex
            low = min(L.a, end.a)
            if a.a > 0 and Lp.b < 0 and (-Lp / a).a < dt.b:
                low = min(low, (L - Lp * Lp / (2 * a)).a)
            ok = low > 0
        if not ok:
            return False, k
        L, Lp = iv.mpf(end.a), iv.mpf((Lp + a * dt).a)
    return True, None
