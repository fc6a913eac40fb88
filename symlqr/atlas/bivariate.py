"""Polynomials in QQ[W, p] (FLINT ``fmpq_mpoly``) and their views as
polynomials in one variable: the plumbing shared by the atlas modules.

    in_p(f)          f free of W, as an fmpq_poly in p
    at_p(f, p0)      f(W, p0), an fmpq_poly in W
    at_w(f, w0)      f(w0, p), an fmpq_poly in p
    coeffs_in_w(f)   [a_k(p)] with f = sum_k a_k(p) W^k

>>> f = W * W - P + 1
>>> coeffs_in_w(f)
[(-1)*x + 1, 0, 1]
>>> at_p(f, Fraction(2)), at_w(f, Fraction(3))
(x^2 + (-1), (-1)*x + 10)
"""
from __future__ import annotations

from fractions import Fraction

import flint

from ..exact.ratfunc import to_fmpq

__all__ = ["CTX", "W", "P", "const", "in_p", "at_p", "at_w", "coeffs_in_w", "deg_w",
           "from_rows", "irreducible", "divides"]

CTX = flint.fmpq_mpoly_ctx.get(("W", "p"))
W, P = CTX.gens()


def const(x):
    """The constant polynomial ``x`` (a rational)."""
    return CTX.from_dict({(0, 0): to_fmpq(Fraction(x))})


def in_p(f) -> flint.fmpq_poly:
    """A polynomial of ``f`` in QQ[W, p] free of ``W`` as an ``fmpq_poly`` in ``p``."""
    d = f.to_dict()
    deg = max((k[1] for k in d), default=0)
    coeffs = [flint.fmpq(0)] * (deg + 1)
    for (i, j), c in d.items():
        if i != 0:
            raise ValueError("in_p: the polynomial depends on W")
        coeffs[j] = c
    return flint.fmpq_poly(coeffs)


def at_p(f, p: Fraction) -> flint.fmpq_poly:
    """``f(W, p)`` for a rational ``p``, as an ``fmpq_poly`` in ``W``."""
    d = f.subs({"p": to_fmpq(p)}).to_dict()
    deg = max((k[0] for k in d), default=0)
    coeffs = [flint.fmpq(0)] * (deg + 1)
    for (i, _j), c in d.items():
        coeffs[i] = c
    return flint.fmpq_poly(coeffs)


def at_w(f, w: Fraction) -> flint.fmpq_poly:
    """``f(w, p)`` for a rational ``w``, as an ``fmpq_poly`` in ``p``."""
    return in_p(f.subs({"W": to_fmpq(w)}))


def coeffs_in_w(f) -> list:
    """``f = sum_k a_k(p) W^k`` as the list of ``a_k`` (``fmpq_poly`` in ``p``)."""
    d = f.to_dict()
    degw = max((k[0] for k in d), default=0)
    degp = max((k[1] for k in d), default=0)
    rows = [[flint.fmpq(0)] * (degp + 1) for _ in range(degw + 1)]
    for (i, j), c in d.items():
        rows[i][j] = c
    return [flint.fmpq_poly(r) for r in rows]


def from_rows(rows: list):
    """Inverse of :func:`coeffs_in_w`."""
    d = {}
    for i, a in enumerate(rows):
        for j, cf in enumerate(a.coeffs()):
            if cf != 0:
                d[(i, j)] = cf
    return CTX.from_dict(d) if d else const(0)


def deg_w(f) -> int:
    """Degree of ``f`` in ``W``."""
    return f.degrees()[0]


def irreducible(f) -> list:
    """Irreducible factors of ``f`` in QQ[W, p] with multiplicities (constants dropped)."""
    if f.is_zero():
        return []
    _c, facs = f.factor()
    return [(g, m) for g, m in facs if not g.is_constant()]


def divides(g, f) -> bool:
    """Is the irreducible ``g`` a factor of ``f`` (``f`` nonzero)?"""
    return not f.is_zero() and f.gcd(g).degrees() == g.degrees()
