"""Candidate critical values of a family and the exact decision of each event.

The candidates are the real roots in ``p`` of the discriminants, resultants and
leading coefficients in ``W`` of the factors of ``N(W, p)`` and of the walls
``g_l(W, p)``. At a candidate ``c`` the common root of the event's two
polynomials is ``W_c = -s0/s1`` from their first subresultant
``S_1(W) = s1 W + s0``, enclosed in an arb ball (valid when the ball of ``s1``
excludes 0); the signs of the domain conditions at ``(W_c, c)`` decide whether
the event lies inside the domain, on a wall, or outside.

>>> from symlqr.atlas.family import Family
>>> from symlqr.tasks import figure
>>> sorted({reason[0] for _poly, reason in candidate_polys(Family(figure("fig1"), "eta"))})
['domain', 'fold', 'infinity', 'infinity-wall', 'touch', 'walls']
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Optional

import flint

from ..exact.enclosure import Enclosure
from ..exact.ratfunc import to_fmpq
from ..exact.precision import MAX_BITS
from ..exact.realroots import RealAlgebraic, real_roots
from .bivariate import at_p, coeffs_in_w, deg_w, divides, from_rows, in_p
from .eliminate import as_fmpq_poly, eliminant
from .family import Family
from .isolate import refine

__all__ = ["CriticalValue", "candidate_polys", "decide_event", "KIND_TEXT", "main_kind"]


# ---------------------------------------------------------------------------
# the common root of two polynomials at a parameter value (ball arithmetic)
# ---------------------------------------------------------------------------
def _ball(c: RealAlgebraic):
    """An arb ball containing ``c`` (from its exact bracket)."""
    return flint.arb(to_fmpq(c.lo)).union(flint.arb(to_fmpq(c.hi)))


def _horner(coeffs, x):
    acc = flint.arb(0)
    for a in reversed(coeffs):
        acc = acc * x + a
    return acc


def _poly_ball(f: flint.fmpq_poly, x):
    return _horner([flint.arb(c) for c in f.coeffs()], x)


def _bi_ball(rows: list, w, x):
    """``sum_k a_k(x) w^k`` for ``rows = [a_k]`` (``fmpq_poly`` in p)."""
    return _horner([_poly_ball(a, x) for a in rows], w)


def _common_root(F: list, G: list):
    """The common root ``-s0/s1`` of two polynomials given by ball coefficients,
    highest degree first, where ``S_1(W) = s1 W + s0`` is their first
    subresultant: ``s1 = det M1`` and ``s0 = det M0`` for two matrices that
    differ in their last column only, so by Cramer's rule ``s0 / s1`` is the
    last entry of the solution of ``M1 x = (last column of M0)`` -- one ball LU
    instead of two determinants. None unless ``M1`` is proven invertible
    (``s1 != 0``: then, when ``Res = 0``, the gcd has degree exactly 1)."""
    m, n = len(F) - 1, len(G) - 1
    size = m + n - 2
    cols = m + n - 1
    rows = []
    for k in range(n - 1):
        rows.append([flint.arb(0)] * k + list(F) + [flint.arb(0)] * (cols - k - m - 1))
    for k in range(m - 1):
        rows.append([flint.arb(0)] * k + list(G) + [flint.arb(0)] * (cols - k - n - 1))
    first = [r[:size - 1] for r in rows]
    M1 = flint.arb_mat([a + [r[cols - 2]] for a, r in zip(first, rows)])
    b = flint.arb_mat([[r[cols - 1]] for r in rows])
    try:
        x = M1.solve(b)
    except ZeroDivisionError:
        return None
    return -x[size - 1, 0]


def _pseudo_remainder(fr: list, gr: list) -> list:
    """The pseudo-remainder of ``f`` by ``g`` in ``W`` (rows in ``p``, lowest
    power of ``W`` first, exact): ``lc(g)^k f = q g + R`` with ``deg_W R <
    deg_W g``, by ``R <- lc(g) R - lc(R) W^d g`` while ``deg R >= deg g``.

    >>> x = flint.fmpq_poly([0, 1])
    >>> _pseudo_remainder([x, 0, 0, 1], [1, 0, 2])       # 2 (W^3 + p) = W (2 W^2 + 1) + 2 p - W
    [2*x, (-1)]
    """
    R = [flint.fmpq_poly(r) for r in fr]
    g = [flint.fmpq_poly(r) for r in gr]
    n, lc = len(g) - 1, g[-1]
    while len(R) - 1 >= n:
        top, d = R[-1], len(R) - 1 - n
        R = [r * lc for r in R]
        for i in range(n + 1):
            R[d + i] = R[d + i] - top * g[i]
        R.pop()
        while R and R[-1].is_zero():
            R.pop()
    return R


def _reduced_pair(fam: Family, a: int, b: int, f, g, c: RealAlgebraic) -> Optional[tuple]:
    """For a domain event of the factor ``f`` of ``N`` (``a``) and the wall ``g``
    (``b``) of degree at least 2 and below ``f``'s: ``(g's rows, R's rows)`` at
    ``c`` (leading coefficients vanishing at ``c`` dropped) with ``R`` the
    pseudo-remainder of ``f`` by ``g`` (kept per pair), when ``g`` keeps its
    degree at ``c``; else None. Then ``R(., c) = lc(g)(c)^k (f(., c) mod
    g(., c))`` with ``lc(g)(c) != 0``, so ``gcd(f, g) = gcd(g, R)`` at ``c`` (Euclid)
    and the common root is that of the far smaller pair (Figure 3a: a factor of
    degree 78 and walls of degree 5, so a Sylvester matrix of size 7 instead of
    81). Dividing in balls instead loses everything to the walls' roots near 0."""
    gr = coeffs_in_w(g)
    if deg_w(g) < 2 or deg_w(f) <= deg_w(g) or len(_exact_degree(gr, c)) != len(gr):
        return None
    kept = fam.__dict__.setdefault("_pseudo_remainders", {})
    if (a, b) not in kept:
        kept[(a, b)] = _pseudo_remainder(coeffs_in_w(f), gr)
    return gr, _exact_degree(kept[(a, b)], c)


def _exact_degree(rows: list, c: RealAlgebraic) -> list:
    """Drop leading coefficients that vanish exactly at ``c``."""
    rows = list(rows)
    while rows and c.sign_of(rows[-1]) == 0:
        rows.pop()
    return rows


# ---------------------------------------------------------------------------
# the result: a critical value
# ---------------------------------------------------------------------------
@dataclass
class CriticalValue:
    """A certified critical value of the parameter.

    ``value`` is a RealAlgebraic (fold, domain) whose bracket is a certified
    enclosure, or ``None`` for a switch, which is enclosed by ``lo < hi``
    (rationals) and certified by continuity, and for an ``undecided`` range
    ``[lo, hi]`` on which the labels could not be decided (no label is given
    there)."""
    kind: str                      # "fold", "domain", "switch", "touch", "degenerate"
    lo: Fraction
    hi: Fraction
    detail: str
    value: Optional[RealAlgebraic] = None
    W: list = field(default_factory=list)   # decimal locations of the event

    def decimal(self, digits: int = 15) -> str:
        if self.value is not None:
            return self.value.decimal(digits)
        return Enclosure(self.lo, self.hi).decimal(digits)



# ---------------------------------------------------------------------------
# candidate events
# ---------------------------------------------------------------------------
def candidate_polys(fam: Family, check=None, searched=()) -> list:
    """``(fmpq_poly in p, reason)`` for every event that can change the landscape:
    discriminants, resultants (:func:`~symlqr.atlas.eliminate.eliminant`, exact)
    and leading coefficients in ``W``; ``check()`` is called between FLINT calls.
    The discriminants of the factors in ``searched`` are left out (their folds
    come from :func:`~symlqr.atlas.folds.fold_search`)."""
    def elim(f, g=None):
        return as_fmpq_poly(eliminant(f, g, check))

    out = []
    nf = [g for g, _m in fam.n_factors]
    for a, (g, _m) in enumerate(fam.n_factors):
        if deg_w(g) == 0:
            out.append((in_p(g), ("degenerate", a, None)))
            continue
        if deg_w(g) >= 2 and a not in searched:
            out.append((elim(g), ("fold", a, a)))
        out.append((coeffs_in_w(g)[-1], ("infinity", a, None)))
        for b in range(a + 1, len(nf)):
            if deg_w(nf[b]) >= 1:
                out.append((elim(g, nf[b]), ("fold", a, b)))
        for l, wall in enumerate(fam.walls):
            out.append((elim(g, wall), ("domain", a, l)))
    for a in range(len(nf)):
        G = fam.touch_poly(a, check)
        if G is not None:
            out.append((G, ("touch", a, None)))
    for l, wall in enumerate(fam.walls):
        if deg_w(wall) >= 2:
            out.append((elim(wall), ("walls", l, l)))
        out.append((coeffs_in_w(wall)[-1], ("infinity-wall", l, None)))
        for k in range(l + 1, len(fam.walls)):
            out.append((elim(wall, fam.walls[k]), ("walls", l, k)))
    return out


def decide_event(fam: Family, c: RealAlgebraic, reason: tuple, max_bits: int = MAX_BITS):
    """Decide an event at the candidate ``c``.

    The common root ``W_c`` of the two polynomials of the event at ``p = c`` is
    ``-s0/s1`` from their first subresultant, enclosed in a ball (valid when the
    ball of ``s1`` excludes 0: then the gcd has degree exactly 1, so ``W_c`` is
    real and unique); the signs of the domain conditions at ``(W_c, c)`` are
    read off balls that exclude 0, or are exactly 0 for the event's own wall.

    Returns ``(status, enclosure of W_c)`` with status ``"inside"`` (the open
    domain), ``"boundary"`` (a wall, in the closure of the domain), ``"outside"``
    or ``"unresolved"`` (kept as a critical value, conservatively)."""
    kind, a, b = reason
    if kind in ("degenerate", "infinity", "infinity-wall"):
        return "unresolved", None
    if kind == "fold-box":
        from .folds import decide_fold
        return decide_fold(fam, c, max_bits)
    if kind == "fold-singular":
        from .folds import decide_singular
        return decide_singular(fam, c, b, max_bits)
    zero_walls = []
    if kind == "fold":
        f = fam.n_factors[a][0]
        g = f.derivative("W") if a == b else fam.n_factors[b][0]
    elif kind == "domain":
        f, g = fam.n_factors[a][0], fam.walls[b]
        zero_walls = [b]
    elif kind == "touch":
        f, g = fam.n_factors[a][0], fam.bound_polys[0]
    else:
        f = fam.walls[a]
        g = f.derivative("W") if a == b else fam.walls[b]
        zero_walls = [a, b]
    if c.is_rational:
        return _decide_rational(fam, c.lo, f, g, kind)
    pair = _reduced_pair(fam, a, b, f, g, c) if kind == "domain" else None
    if pair is not None and len(pair[1]) >= 2:
        fr, gr = pair
    else:
        fr, gr = _exact_degree(coeffs_in_w(f), c), _exact_degree(coeffs_in_w(g), c)
    if len(fr) < 2 or len(gr) < 2:
        return "unresolved", None
    cond_rows = [(coeffs_in_w(cd.num), [(coeffs_in_w(g), m) for g, m in poles])
                 for cd, poles in zip(fam.conditions, fam.pole_factors)]
    zero_rows = [coeffs_in_w(fam.walls[k]) for k in zero_walls]
    bits = 128
    while bits <= max_bits:
        refine(c, bits + 32)
        with flint.ctx.workprec(bits):
            x = _ball(c)
            F = [_poly_ball(r, x) for r in reversed(fr)]
            G = [_poly_ball(r, x) for r in reversed(gr)]
            w = _common_root(F, G)
            if w is not None and w.is_finite():
                if kind == "touch" and any(
                        not _bi_ball(coeffs_in_w(L), w, x).contains(0)
                        for L in fam.bound_polys[1:]):
                    return "outside", w
                got = verdict_of_signs(
                    [_condition_sign(num, den, w, x, zero_rows) for num, den in cond_rows], w)
                if got is not None:
                    return got
        bits *= 2
    return "unresolved", None


def verdict_of_signs(signs: list, w) -> Optional[tuple]:
    """``("outside", w)`` when a domain condition's sign is proven negative,
    ``("boundary" | "inside", w)`` when every sign is decided (a zero: on a wall),
    else ``None`` (some sign open: more precision).

    >>> verdict_of_signs([1, None, -1], "w"), verdict_of_signs([1, 0], "w"), verdict_of_signs([1, None], "w")
    (('outside', 'w'), ('boundary', 'w'), None)
    """
    if any(sg is not None and sg < 0 for sg in signs):
        return "outside", w
    if None not in signs:
        return ("boundary" if 0 in signs else "inside"), w
    return None


def _decide_rational(fam: Family, c: Fraction, f, g, kind: str) -> tuple:
    """:func:`decide_event` at a rational ``c``, exactly: the common real roots
    of ``f(W, c)`` and ``g(W, c)`` are the roots of their gcd (of every lower
    bound polynomial too for a touch), isolated exactly; at each the signs of
    the domain conditions are exact. ``"inside"`` if one root lies in the open
    domain, else ``"boundary"`` if one lies on its closure, else ``"outside"``."""
    G = at_p(f, c).gcd(at_p(g, c))
    if kind == "touch":
        for L in fam.bound_polys:
            G = G.gcd(at_p(L, c))
    if G.degree() < 1:
        return "outside", None
    best, where = "outside", None
    rows = [(at_p(cd.num, c), [(at_p(g, c), m) for g, m in poles])
            for cd, poles in zip(fam.conditions, fam.pole_factors)]
    for w, _m in real_roots(G):
        signs = [_near_sign(w.sign_of(num), [(w.sign_of(g), m) for g, m in den])
                 for num, den in rows]
        if min(signs) < 0:
            continue
        status = "boundary" if 0 in signs else "inside"
        if best != "inside":
            best, where = status, w
    if where is None:
        return best, None
    with flint.ctx.workprec(64):
        return best, _ball_of(where)


def _ball_of(w: RealAlgebraic):
    """An arb ball holding ``w`` (its bracket refined to about 60 bits)."""
    w.refine_bits(60)
    return flint.arb(to_fmpq(w.lo)).union(flint.arb(to_fmpq(w.hi)))


def _near_sign(num: Optional[int], den: list) -> Optional[int]:
    """Sign of a domain condition ``num / prod g^m`` near a point from the signs
    there of ``num`` and of each pole factor ``g`` (with its multiplicity
    ``m``): the sign itself where nothing vanishes; ``-1`` also at a pole of
    even order with ``num < 0`` or ``num > 0`` and the rest negative (the
    condition is negative on a whole neighbourhood in ``(W, p)``: the point is
    outside the closure of the domain); ``0`` (on a wall) where ``num`` or an
    odd pole vanishes; None if a sign is undecided."""
    if num is None or any(sg is None for sg, _m in den):
        return None
    rest, even_pole, odd_pole = 1, False, False
    for sg, m in den:
        if sg == 0:
            even_pole, odd_pole = even_pole or m % 2 == 0, odd_pole or m % 2 == 1
        else:
            rest *= sg ** m
    if num == 0 or odd_pole:
        return 0
    if even_pole:
        return -1 if num * rest < 0 else 0
    return num * rest


def _condition_sign(num: list, den: list, w, x, zero_rows: list) -> Optional[int]:
    """Sign of the domain condition ``num / prod g^m`` at ``(w, x)`` (balls,
    :func:`_near_sign`): +-1 from balls that exclude 0, 0 on the event's own
    wall, None if undecided."""
    def sign(rows):
        v = _bi_ball(rows, w, x)
        if v > 0:
            return 1
        if v < 0:
            return -1
        if any(divides(from_rows(z), from_rows(rows)) for z in zero_rows):
            return 0
        return None
    return _near_sign(sign(num), [(sign(g), m) for g, m in den])


KIND_TEXT = {
    "fold": "h' and h'' vanish together at a point of the domain (a fold, equation (3))",
    "domain": "a stationary point reaches a wall of the domain (enters or leaves it)",
    "walls": "the domain changes shape (two walls meet)",
    "degenerate": "h' vanishes identically in W",
    "infinity": "a stationary point escapes to infinity",
    "infinity-wall": "a wall escapes to infinity",
    "touch": "a stationary point attains the lower bound sum_i w_i C_i(W*_i) of h here "
             "(F_i(W) = W*_i for every task)",
}


def main_kind(kinds: set) -> str:
    """The kind shown for a critical value with several events."""
    if kinds == {"touch"}:
        return "touch"
    for k in ("fold", "domain", "degenerate"):
        if k in kinds:
            return k
    return sorted(kinds)[0]
