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
>>> corner_free(f, Fraction(0), 1) is not None
True
"""
from __future__ import annotations

from fractions import Fraction
from math import gcd
from typing import Callable, Optional

import flint

from ..branch import bernstein as bz
from ..exact.ratfunc import to_fmpq
from ..exact.realroots import real_roots
from .bivariate import CTX, P, W, at_p, const
from .solve2 import solve2

__all__ = ["newton_edges", "corner_free", "EPS_BITS"]

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


def _one_sign(G, X: Fraction, Y: Fraction) -> bool:
    lo, hi, _f = bz.Source(G, 2).on_best([(Fraction(0), X), (Fraction(0), Y)])
    return bool(lo.min() > 0 or hi.max() < 0)


def _gap_box(G, check, tries: int = 40) -> Optional[tuple]:
    """``(nx, ny)``: ``G`` has one sign on ``[0, 2^-nx] x [0, 2^-ny]``."""
    nx = ny = 0
    for k in range(tries):
        if check is not None:
            check()
        if _one_sign(G, Fraction(1, 2 ** nx), Fraction(1, 2 ** ny)):
            return nx, ny
        if k % 2:
            nx += 1
        else:
            ny += 1
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
                 conditions=conditions, max_boxes=100_000)
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


def corner_free(f, w0: Fraction, sigma: int, conditions: list = (),
                check: Optional[Callable] = None) -> Optional[tuple]:
    """``(delta, eps)``, rationals: no fold of ``f`` (``f = f_W = 0``) with ``0 <
    eta <= eps`` and ``W = w0 + sigma u``, ``0 <= u <= delta``, except where one
    of the ``conditions`` ``(num, [(g, m), ...])`` (``num / prod g^m`` in QQ[W,
    eta]) is negative; None when the charts do not prove it (module docstring)."""
    g = _shifted(f, w0, sigma)
    edges = newton_edges(f, w0, sigma)
    if not edges:
        return None
    rays = [(p, q) for p, q, _i in edges] + [(0, 1)]
    gaps = []
    for (p1, q1), (p2, q2) in zip(rays, rays[1:]):
        G = _weighted(g, (p1, q1), (p2, q2))
        box = _gap_box(G, check)
        if box is None:
            return None
        gaps.append(box)
    e_min = None
    s_low = Fraction(0)
    for k, (p, q, _i) in enumerate(edges):
        nx, ny = gaps[k]
        p2, q2 = rays[k + 1]
        d = p * q2 - p2 * q
        s_high = Fraction(2) ** -(-(ny * d) // q)         # >= Y^(-d/q) = 2^(ny d / q)
        e_k = Fraction(1, 2 ** -(-EPS_BITS // q))     # eta = e^q <= 2^-EPS_BITS
        conds = [(_in_chart(num, w0, sigma, p, q), [(_in_chart(h, w0, sigma, p, q), m)
                                                    for h, m in poles])
                 for num, poles in conditions]
        why = _edge_chart_free(g, p, q, s_low, s_high, e_k, conds, check)
        if why is not None:
            return None
        eps_k = e_k ** q
        e_min = eps_k if e_min is None else min(e_min, eps_k)
        if k + 1 < len(edges):
            s_low = Fraction(1, 2 ** -(-(nx * d) // edges[k + 1][1]))   # <= X^(d/q')
    return Fraction(1, 2 ** (gaps[-1][0] * edges[-1][0])), e_min
