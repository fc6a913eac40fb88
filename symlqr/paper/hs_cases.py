"""The case split that decides whether a polynomial system in the task
parameters ``(A, B, Q, R)`` (and the policy ``Wb``) has a solution in the
admissible region ``Q >= 0, R > 0, |A - B Wb| < 1`` (exact, over QQ; used by
:mod:`~symlqr.paper.equation3`).

Each branch is closed by one of three exact arguments: its Groebner basis is
``{1}``; an element of the basis has a strict sign on the region, read off the
signs of its monomials (:func:`strict_sign`); or an element is a product of
factors that are nonzero on the region (``R`` and the factors of
``D(Wb) = 1 - (A - B Wb)^2``). Otherwise the branch is split on the factors of
a basis element (up to ``MAX_CASE_DEPTH`` levels), then saturated by
``R D(Wb)``; a branch that none of these closes is ``undecided``.

>>> A, B, Q, R, s0, Wb = SYMBOLS
>>> [c.status for c in analyse_cases([R + B**2 * Q], [], Wb, generators(None), 0)]
['empty']
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sympy

from .verdicts import UNDECIDED

__all__ = ["SYMBOLS", "EMPTY", "MAX_CASE_DEPTH", "HSCase", "stable_denominator", "generators",
           "strict_sign", "nonzero_factors", "relevant_factors", "saturated_basis",
           "analyse_cases"]

#: The symbols of the task parameters and of the policy ``Wb``.
SYMBOLS = sympy.symbols("A B Q R s0 Wb", real=True)
_A, _B, _Q, _R, _S0, _WB = SYMBOLS
_Z = sympy.Symbol("z")                  # Rabinowitsch variable of the saturation
EMPTY = "empty"
MAX_CASE_DEPTH = 4


@dataclass
class HSCase:
    """One branch of the case split: the equations added (``condition``), the
    Groebner basis of the branch, and ``status`` ``"empty"`` (no admissible
    solution, with the ``reason``) or ``"undecided"``."""
    condition: list
    basis: list
    status: str
    reason: str
    solutions: list = field(default_factory=list)

    def to_dict(self) -> dict:
        d = {"condition": [f"{c} = 0" for c in self.condition] or ["(none)"],
             "groebner_basis": [str(sympy.factor(g)) for g in self.basis],
             "status": self.status, "reason": self.reason}
        if self.solutions:
            d["solutions"] = self.solutions
        return d


def stable_denominator(W):
    """``D(W) = 1 - (A - B W)^2`` (positive exactly on the stable policies).

    >>> stable_denominator(0)
    1 - A**2
    """
    return 1 - (_A - _B * W) ** 2


def generators(wbar) -> tuple:
    """The unknowns of the system, in lex order: ``(R, Q, A, B)`` at a given
    policy ``wbar``, ``(R, Q, A, B, Wb)`` when ``wbar`` is None (symbolic).

    >>> generators(None)
    (R, Q, A, B, Wb)
    """
    return (_R, _Q, _A, _B) if wbar is not None else (_R, _Q, _A, _B, _WB)


def strict_sign(p: sympy.Expr, gens: tuple) -> int:
    """+1 / -1 when every monomial of ``p`` has that sign on the admissible
    region (``R > 0``, ``Q >= 0``, even powers ``>= 0``) and one of them has it
    strictly; 0 when this test does not decide.

    >>> A, B, Q, R, s0, Wb = SYMBOLS
    >>> [strict_sign(p, generators(None)) for p in (B**2 * Q + R, -R - Q * Wb**2, A * R, B**2 * Q)]
    [1, -1, 0, 0]
    """
    poly = sympy.Poly(p, *gens)
    signs, strict = set(), False
    for monom, coeff in poly.terms():
        s_strict = True
        for v, e in zip(gens, monom):
            if e == 0:
                continue
            if v == _R:
                continue                          # R^e > 0
            if v == _Q:
                s_strict = False                  # Q^e >= 0
            elif e % 2 == 0:
                s_strict = False                  # v^(2k) >= 0
            else:
                return 0
        signs.add(1 if coeff > 0 else -1)
        strict = strict or s_strict
    if len(signs) == 1 and strict:
        return signs.pop()
    return 0


def nonzero_factors(basis: list, W, gens: tuple) -> list:
    """Polynomials nonzero on the region in this branch: ``R`` and the factors
    of ``D(W)`` and of its normal form modulo the branch's basis."""
    D = sympy.expand(stable_denominator(W))
    out = [_R]
    nf = sympy.reduced(D, basis, *gens, order="lex")[1] if basis else D
    for expr in (D, nf):
        if expr.is_number:
            continue
        for f, _m in sympy.factor_list(expr)[1]:
            out.append(f)
    return out


def relevant_factors(g: sympy.Expr, nonzero: list, gens: tuple) -> list:
    """Distinct non-constant factors of ``g`` that may vanish on the region."""
    out = []
    for f, _m in sympy.factor_list(g)[1]:
        if f.is_number or any(sympy.expand(f - n) == 0 or sympy.expand(f + n) == 0
                              for n in nonzero):
            continue
        if strict_sign(f, gens) != 0:
            continue
        out.append(f)
    return out


def saturated_basis(basis: list, W, gens: tuple) -> list:
    """Groebner basis of ``I : (R D(W))^oo`` (Rabinowitsch: add ``1 - z R D``,
    eliminate ``z``)."""
    G = sympy.groebner(list(basis) + [1 - _Z * _R * sympy.expand(stable_denominator(W))], _Z, *gens,
                       order="lex")
    return [g for g in G.exprs if not g.has(_Z)]


def _first_signed(basis: list, gens: tuple) -> tuple:
    """The first element of ``basis`` with a strict sign on the region and that
    sign, or ``(None, 0)``."""
    for g in basis:
        s = strict_sign(g, gens)
        if s:
            return g, s
    return None, 0


def analyse_cases(polys: list, cond: list, W, gens: tuple, depth: int) -> list:
    """The leaves (:class:`HSCase`) of the case split of ``polys = 0`` (with the
    equations ``cond`` already added, at split level ``depth``) on the region.

    >>> A, B, Q, R, s0, Wb = SYMBOLS
    >>> [c.status for c in analyse_cases([A - sympy.Rational(1, 2)], [], Wb, generators(None), 0)]
    ['undecided']
    """
    G = list(sympy.groebner(polys, *gens, order="lex").exprs)
    if G == [1]:
        return [HSCase(cond, G, EMPTY, "no solution at all: the Groebner basis is {1}")]
    g, s = _first_signed(G, gens)
    if s:
        return [HSCase(cond, G, EMPTY,
                       f"{sympy.factor(g)} = 0 is impossible: it is {'>' if s > 0 else '<'} 0 "
                       "on the region (R > 0, Q >= 0, even powers >= 0)")]
    nonzero = nonzero_factors(G, W, gens)
    for g in G:
        if not relevant_factors(g, nonzero, gens):
            return [HSCase(cond, G, EMPTY,
                           f"{sympy.factor(g)} = 0 is impossible: each factor is nonzero on the "
                           "region (R > 0, |A - B Wb| < 1)")]
    if depth < MAX_CASE_DEPTH:
        best = max(G, key=lambda g: len(relevant_factors(g, nonzero, gens)))
        facs = relevant_factors(best, nonzero, gens)
        if len(facs) >= 2:
            out = []
            for f in facs:
                out += analyse_cases(G + [f], cond + [f], W, gens, depth + 1)
            return out
    Gs = saturated_basis(G, W, gens)
    if Gs == [1]:
        return [HSCase(cond, G, EMPTY, "every solution has R = 0 or |A - B Wb| = 1: the "
                       "saturation by R*(1 - (A - B Wb)^2) is {1}")]
    g, s = _first_signed(Gs, gens)
    if s:
        return [HSCase(cond, G, EMPTY,
                       f"after saturation by R*(1 - (A - B Wb)^2), {sympy.factor(g)} = 0 is "
                       "impossible on the region")]
    sols = [{str(k): str(v) for k, v in s.items()}
            for s in sympy.solve(G, list(gens), dict=True)]
    return [HSCase(cond, G, UNDECIDED, "no exact argument closes this case", sols)]
