"""No fold next to ``eta = 0`` at a wall: the toric charts of a corner.

At ``eta = 0`` the numerator degenerates: ``N(W, 0)`` has a root of high
multiplicity at a wall ``w0`` of a task's stable set (Figure 3c: ``W^47
(W - 2)^47 (W^2 + W - 1)``), and as ``eta -> 0`` the roots next to it
collapse into ``w0`` at several rates ``W - w0 ~ eta^alpha``, one for each
edge of the Newton polygon of ``g(u, eta) = f(w0 + sigma u, eta)`` (``sigma =
+-1``: the side of the wall). No box in ``(W, eta)`` isolates them down to 0.
In monomial charts they separate:

    edge chart k    u = e^p s,  eta = e^q         (alpha_k = p/q in lowest terms)
                    F_k(s, e) = g(e^p s, e^q) / e^m_k   regular at e = 0
    gap chart k     u = x^p_k y^p_(k+1),  eta = x^q_k y^q_(k+1)
                    G_k(x, y) = g(...) / (x^m_k y^m_(k+1)),  G_k(0, 0) = the
                    coefficient of the vertex between the edges (never 0)

(the last gap chart takes ``(p, q) = (0, 1)`` as its second ray: ``u =
x^p_r``, ``eta = x^q_r y``). A fold of ``f`` (``f = f_W = 0`` with ``eta >
0``) is a zero of ``F_k = dF_k/ds = 0`` with ``e > 0`` in an edge chart (``dF_k/ds
= e^(p - m_k) f_W``), and a gap chart where ``G_k`` has one sign (proven on
Bernstein coefficients) holds no zero of ``f`` at all. With ``s_k = u /
eta^alpha_k`` (decreasing in ``k`` for ``eta < 1``), the gap chart ``k`` on
``[0, X] x [0, Y]`` holds every point with ``s_k >= Y^(-d/q_k)`` and
``s_(k+1) <= X^(d/q_(k+1))`` (``d = p_k q_(k+1) - p_(k+1) q_k > 0``), so the
edge charts on ``sigma_k <= s <= S_k``, ``0 <= e <= e_k`` with the ends chosen
from the gap charts' ``X``, ``Y`` cover, with the gap charts, every point with
``0 < eta <= eps`` and ``0 <= u <= delta``. :func:`corner_free` proves that
this rectangle holds no fold, or says why not.

>>> from symlqr.atlas.bivariate import W, P
>>> f = W ** 3 - P                       # W = eta^(1/3): three roots collapse at 0
>>> newton_edges(f, 0, 1)
[(1, 3, 0)]
>>> c = corner_free(f, Fraction(0), 1)
>>> import numpy as np                  # boxes of (W, eta) inside the charts' regions
>>> c.covers(np.array([[0.0, 0.0], [0.1, 1e-9]]), np.array([[1e-9, 1e-9], [0.2, 2e-9]])).tolist()
[True, True]
"""
from __future__ import annotations

from fractions import Fraction
from math import gcd
from typing import Callable, Optional

import numpy as np

from ..branch import bernstein as bz
from ..exact.ratfunc import to_fmpq
from ..exact.realroots import real_roots
from .bivariate import CTX, P, W, at_p, const
from .solve2 import solve2

__all__ = ["newton_edges", "corner_free", "Corner", "EPS_BITS"]

#: the edge charts reach ``eta = 2^-EPS_BITS`` (the search in ``(W, eta)`` does the rest)
EPS_BITS = 12


def _shifted(f, w0: Fraction, sigma: int):
    """``g(u, eta) = f(w0 + sigma u, eta)``."""
    return f.compose(const(w0) + const(sigma) * W, P)


def _vertices(g) -> list:
    """The lower Newton polygon of ``g`` at ``(0, 0)`` from the ``eta`` axis to
    the ``u`` axis: its vertices ``(i, j)`` (``u^i eta^j``)."""
    low: dict = {}
    for (i, j) in g.to_dict():
        i, j = int(i), int(j)
        low[i] = min(low.get(i, j), j)
    i0 = min(i for i, j in low.items() if j == 0)
    pts = sorted((i, j) for i, j in low.items() if i <= i0)
    hull: list = []
    for pt in pts:
        while len(hull) >= 2 and ((hull[-1][0] - hull[-2][0]) * (pt[1] - hull[-2][1])
                                  - (hull[-1][1] - hull[-2][1]) * (pt[0] - hull[-2][0])) <= 0:
            hull.pop()
        hull.append(pt)
    return hull


def newton_edges(f, w0, sigma: int = 1) -> list:
    """``[(p, q, i_start)]``: the edges of the Newton polygon of ``f(w0 + sigma u,
    eta)`` at the origin, ``u ~ eta^(p/q)`` on each, ``i_start`` the ``u``-degree
    of its first vertex; ``alpha = p/q`` decreasing."""
    hull = _vertices(_shifted(f, Fraction(w0), sigma))
    if hull[0][0] != 0:
        raise ValueError("f vanishes on the line W = w0")
    out = []
    for (i1, j1), (i2, j2) in zip(hull, hull[1:]):
        p, q = j1 - j2, i2 - i1
        g_ = gcd(p, q)
        out.append((p // g_, q // g_, i1))
    return out


def _weighted(g, a: tuple, b: tuple, both: bool = True):
    """``g`` with ``u = x^a1 y^b1``, ``eta = x^a2 y^b2`` substituted (``a = (a1,
    a2)``, ``b = (b1, b2)``), divided by the largest power of ``y`` (and of
    ``x`` when ``both``) that divides it."""
    h = g.compose(W ** a[0] * P ** b[0], W ** a[1] * P ** b[1])
    d = h.to_dict()
    mx = min(int(i) for i, _ in d) if both else 0
    my = min(int(j) for _, j in d)
    return CTX.from_dict({(int(i) - mx, int(j) - my): c for (i, j), c in d.items()})


def _one_sign(src, X: Fraction, Y: Fraction) -> bool:
    """The polynomial of the :class:`~symlqr.branch.bernstein.Source` ``src`` has one
    sign on ``[0, X] x [0, Y]``, proven by its Bernstein coefficients (the ladder
    started afresh each time). False at once when its exact values at the
    corners, the sides' midpoints and the centre are not all of one strict sign:
    the coefficients enclose every value, so they could not prove it either."""
    signs = set()
    for x in (X, 0, X / 2):
        for y in (Y, 0, Y / 2):
            v = src.value((x, y))
            signs.add((v > 0) - (v < 0))
            if len(signs) > 1 or 0 in signs:
                return False
    src.restart()
    lo, hi, _f = src.on_best([(Fraction(0), X), (Fraction(0), Y)])
    return bool(lo.min() > 0 or hi.max() < 0)


def _gap_box(G, check, tries: int = 40) -> Optional[tuple]:
    """``(nx, ny)``: ``G`` has one sign on ``[0, 2^-nx] x [0, 2^-ny]``, with
    ``nx + ny`` small (balanced or all on one side)."""
    src = bz.Source(G, 2)
    for t in range(tries):
        for nx in dict.fromkeys((t // 2, 0, t)):
            if check is not None:
                check()
            if _one_sign(src, Fraction(1, 2 ** nx), Fraction(1, 2 ** (t - nx))):
                return nx, t - nx
    return None


def _edge_chart_free(g, p: int, q: int, s_lo: Fraction, s_hi: Fraction, e_hi: Fraction,
                     conditions: list, check) -> Optional[str]:
    """None when ``F = dF/ds = 0`` has no zero with ``e > 0`` in the chart box
    where the ``conditions`` (in the chart) are not proven negative, else the
    reason."""
    F = _weighted(g, (1, 0), (p, q))            # u = s e^p, eta = e^q
    Fs = F.derivative("W")
    pad_s = (s_hi - s_lo) / 64
    out = solve2(F, Fs, [(s_lo - pad_s, s_hi + pad_s), (-e_hi / 16, e_hi)], check=check,
                 conditions=conditions, max_boxes=100_000, axis="smear")
    if out.undecided:
        return f"{len(out.undecided)} boxes of an edge chart undecided"
    E = at_p(F, Fraction(0))                      # the edge polynomial
    twins = E.gcd(E.derivative())
    for (slo, shi), (elo, ehi) in out.found:
        if ehi < 0:
            continue                               # e < 0: not a parameter value
        if elo <= 0 and _root_between(twins, slo, shi):
            continue     # E = E' = 0 there: the box's one zero is at e = 0 (eta = 0 itself)
        return "a fold next to eta = 0 inside an edge chart"
    return None


def _root_between(p, a: Fraction, b: Fraction) -> bool:
    """Has ``p`` a real root in ``[a, b]`` (exactly)?"""
    if p.degree() < 1:
        return False
    return bool(real_roots(p, to_fmpq(a), to_fmpq(b)))


def _in_chart(h, w0: Fraction, sigma: int, p: int, q: int):
    """``h(w0 + sigma e^p s, e^q)`` divided by the power of ``e`` it carries
    (positive for ``e > 0``: the sign of ``h`` is kept there)."""
    return _weighted(_shifted(h, w0, sigma), (1, 0), (p, q), both=False)


class Corner:
    """What the charts of one side of a corner proved: no fold in the domain
    in any of ``regions`` (each a list of constraints ``(p, q, lo, hi)``,
    meaning ``lo <= u / eta^(p/q) <= hi``, with ``eta <= eta_max`` and ``u <=
    u_max``) nor in the rectangle ``0 <= u <= delta``, ``0 < eta <= eps`` (their
    union); ``W = w0 + sigma u``."""

    def __init__(self, w0: Fraction, sigma: int, regions: list, delta: Fraction, eps: Fraction):
        self.w0, self.sigma, self.regions = w0, sigma, regions
        self.delta, self.eps = delta, eps

    def covers(self, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
        """Per box (rows of ``lo``, ``hi`` in ``(W, eta)``, floats): its part on
        this side of the wall (``u >= 0``) lies in a region. A float test with a
        margin picks the candidates; each is then confirmed exactly (rationals:
        ``u^q >= c^q eta^p`` for ``u / eta^(p/q) >= c``)."""
        w0, m = float(self.w0), 1 + 2.0 ** -20
        if self.sigma > 0:
            u1, u2 = np.maximum(lo[:, 0] - w0, 0), hi[:, 0] - w0
        else:
            u1, u2 = np.maximum(w0 - hi[:, 0], 0), w0 - lo[:, 0]
        e1, e2 = lo[:, 1], hi[:, 1]
        pick = (u2 >= 0) & (u2 <= float(self.delta) / m) & (e2 <= float(self.eps) / m)
        with np.errstate(all="ignore"):
            for cons, eta_max, u_max in self.regions:
                inside = (u2 >= 0) & (e1 > 0) & (e2 * m <= float(eta_max)) \
                    & (u2 * m <= float(u_max))
                for p, q, c_lo, c_hi in cons:
                    a = p / q
                    inside &= (u1 / e2 ** a >= float(c_lo) * m) & (u2 / e1 ** a * m <= float(c_hi))
                pick |= inside
        out = np.zeros(len(lo), dtype=bool)
        for j in np.nonzero(pick)[0]:
            out[j] = self._exact([(Fraction(lo[j, 0]), Fraction(hi[j, 0])),
                                  (Fraction(lo[j, 1]), Fraction(hi[j, 1]))])
        return out

    def _exact(self, box) -> bool:
        (wa, wb), (e1, e2) = box
        u1, u2 = (wa - self.w0, wb - self.w0) if self.sigma > 0 else (self.w0 - wb, self.w0 - wa)
        u1 = max(u1, Fraction(0))
        if u2 < 0:
            return False
        if u2 <= self.delta and e2 <= self.eps:
            return True
        for cons, eta_max, u_max in self.regions:
            if not (e1 > 0 and e2 <= eta_max and u2 <= u_max):
                continue
            ok = True
            for p, q, c_lo, c_hi in cons:
                ok = ok and u1 ** q >= c_lo ** q * e2 ** p and \
                    (c_hi == float("inf") or u2 ** q <= c_hi ** q * e1 ** p)
            if ok:
                return True
        return False


#: edge charts with ``S > 16`` keep ``|W - w0| <= 2^-U_BITS``
U_BITS = 2


def corner_free(f, w0: Fraction, sigma: int, conditions: list = (),
                check: Optional[Callable] = None) -> Optional[Corner]:
    """A :class:`Corner`: no fold of ``f`` (``f = f_W = 0``) with ``eta > 0`` in
    its regions, except where one of the ``conditions`` ``(num, [(g, m), ...])``
    (``num / prod g^m`` in QQ[W, eta]) is negative; None when the charts do not
    prove it (module docstring)."""
    g = _shifted(f, w0, sigma)
    edges = newton_edges(f, w0, sigma)
    if not edges:
        return None
    rays = [(p, q) for p, q, _i in edges] + [(0, 1)]
    gaps = []
    for (p1, q1), (p2, q2) in zip(rays, rays[1:]):
        box = _gap_box(_weighted(g, (p1, q1), (p2, q2)), check)
        if box is None:
            return None
        gaps.append(box)
    regions, eps, inf = [], None, float("inf")
    s_low = Fraction(0)
    for k, (p, q, _i) in enumerate(edges):
        nx, ny = gaps[k]
        p2, q2 = rays[k + 1]
        d = p * q2 - p2 * q
        s_high = Fraction(2) ** -(-(ny * d) // q)         # >= Y^(-d/q) = 2^(ny d / q)
        # eta = e^q <= 2^-EPS_BITS, and u = e^p s <= 2^-U_BITS when S is large (a
        # branch steep in (W, eta): the chart would reach other walls' branches)
        u_bits = U_BITS if s_high > 16 else 0
        n = max(-(-EPS_BITS // q), -(-(u_bits + s_high.numerator.bit_length()) // p))
        e_k = Fraction(1, 2 ** n)
        conds = [(_in_chart(num, w0, sigma, p, q), [(_in_chart(h, w0, sigma, p, q), m)
                                                    for h, m in poles])
                 for num, poles in conditions]
        if _edge_chart_free(g, p, q, s_low, s_high, e_k, conds, check) is not None:
            return None
        eps = e_k ** q if eps is None else min(eps, e_k ** q)
        regions.append(([(p, q, s_low, s_high)], e_k ** q, inf))
        s_next = Fraction(1, 2 ** -(-(nx * d) // q2)) if k + 1 < len(edges) else None
        gap = [(p, q, s_high, inf)]                        # y <= Y
        if s_next is not None:
            gap.append((p2, q2, Fraction(0), s_next))     # x <= X
            s_low = s_next
        delta = Fraction(1, 2 ** (nx * p)) if s_next is None else None
        regions.append((gap, inf, inf if delta is None else delta))
    return Corner(w0, sigma, regions, delta, eps)
