"""Equation (3) of the paper: stationary points with a singular Hessian.

For a scalar LQR cost ``C(W) = s0^2 (Q + R W^2) / D(W)``, ``D = 1 - (A - B W)^2``,
the paper's system (3) at a given policy ``Wb`` is

    C'(Wb) = 0,   C''(Wb) = 0,

read as polynomial equations in the task parameters ``(A, B, Q, R)``; its
solutions are ``HS(Wb)``, the tasks for which ``Wb`` is a stationary point with
a singular Hessian. :func:`hs_system` derives the system with sympy from
:func:`symlqr.scalar.lqr.cost`, removes the factors that cannot vanish on the
admissible region (``s0 != 0`` and ``D(Wb) > 0``), and decides whether
``HS(Wb)`` meets the admissible region ``Q >= 0, R > 0, |A - B Wb| < 1`` by a
case split over the factors of a Groebner basis (exact, over QQ; see
:mod:`~symlqr.paper.hs_cases` for the three exact arguments that close a case).
A case that none of these closes is reported as undecided.

The same pair of conditions for the MAML objective ``h`` of given tasks,
``h'(W) = 0`` and ``h''(W) = 0``, is a polynomial system in ``W`` alone: its
solutions are the real roots of ``gcd(num h', num h'')``, isolated exactly and
tested for membership of the domain exactly (:func:`maml_singular_points`).

>>> hs = hs_system()
>>> hs.meets_region, [c.status for c in hs.cases]
(False, ['empty', 'empty', 'empty', 'empty'])
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from typing import Optional

import flint
import sympy

from ..scalar import lqr
from ..scalar.maml import MamlObjective
from ..exact.realroots import real_roots
from ..tasks import Task, TaskSet
from .hs_cases import (EMPTY, SYMBOLS, HSCase, analyse_cases, generators,
                       stable_denominator)
from .verdicts import FAILS, HOLDS, UNDECIDED, Check, Verdict

__all__ = ["HSCase", "HSAnalysis", "hs_system", "nonconstant_gradient_system", "hs_verdict",
           "task_singular_points", "MamlSingular", "maml_singular_points", "equation3_checks",
           "SYMBOLS"]

_A, _B, _Q, _R, _S0, _WB = SYMBOLS


# ---------------------------------------------------------------------------
# the symbolic system HS(Wb)
# ---------------------------------------------------------------------------

@dataclass
class HSAnalysis:
    """System (3) at ``wbar`` (``None``: symbolic ``Wb``) and its decision."""
    wbar: Optional[Fraction]
    header: list                  # the equations before reduction, as text
    reduced: list                 # [e1, e2]: C' = 0 <=> e1 = 0; then C'' = 0 <=> e2 = 0
    removed: list                 # factors divided out (nonzero on the region)
    basis: list                   # Groebner basis of the reduced system
    order: tuple                  # its lex order
    cases: list                   # HSCase leaves of the case split

    @property
    def meets_region(self) -> Optional[bool]:
        """False when every case is proven empty; None when some case is undecided."""
        return False if all(c.status == EMPTY for c in self.cases) else None

    @property
    def where(self) -> str:
        return "symbolic Wb" if self.wbar is None else f"Wb = {self.wbar}"

    def to_dict(self) -> dict:
        return {"Wb": "symbolic" if self.wbar is None else str(self.wbar),
                "system": list(self.header),
                "reduced_system": [f"{e} = 0" for e in self.reduced],
                "removed_factors": [str(f) for f in self.removed],
                "groebner_basis": [str(sympy.factor(g)) for g in self.basis],
                "order": " > ".join(str(v) for v in self.order),
                "cases": [c.to_dict() for c in self.cases],
                "meets_admissible_region": self.meets_region}

    def lines(self) -> list[str]:
        """Human-readable account of the derivation (for the proof scripts)."""
        out = list(self.header) + [
               "divided out (nonzero on the region): " + (", ".join(map(str, self.removed))
                                                          or "nothing")]
        out += [f"reduced system: e{k} = {e} = 0" for k, e in enumerate(self.reduced, 1)]
        out += [
               "Groebner basis (lex " + " > ".join(map(str, self.order)) + "): "
               + "; ".join(str(sympy.factor(g)) for g in self.basis)]
        for c in self.cases:
            cond = ", ".join(f"{x} = 0" for x in c.condition) or "no split"
            out.append(f"case {cond}: {c.status}: {c.reason}")
        return out


@lru_cache(maxsize=32)
def hs_system(wbar: Optional[Fraction] = None) -> HSAnalysis:
    """System (3), ``C'(Wb) = 0, C''(Wb) = 0``, in ``(A, B, Q, R)``, reduced and decided.

    Parameters
    ----------
    wbar : exact rational policy, or None for a symbolic ``Wb``

    Returns
    -------
    HSAnalysis
        ``meets_region`` is False when ``HS(Wb)`` provably misses the
        admissible region ``Q >= 0, R > 0, |A - B Wb| < 1``.

    Examples
    --------
    >>> hs = hs_system(Fraction(1, 2))
    >>> [str(c[0]) for c in (x.condition for x in hs.cases)]
    ['A', 'B', 'Q']
    >>> hs.meets_region
    False
    """
    W = _WB if wbar is None else sympy.Rational(wbar.numerator, wbar.denominator)
    x = sympy.Dummy("x")
    C = lqr.cost(x, _A, _B, _Q, _R, _S0)
    d1 = sympy.factor(sympy.together(sympy.diff(C, x))).subs(x, W)
    d2 = sympy.factor(sympy.together(sympy.diff(C, x, 2))).subs(x, W)
    d1, d2 = sympy.factor(d1), sympy.factor(d2)
    gens = generators(wbar)
    nonzero_always = [_S0] + [f for f, _ in sympy.factor_list(sympy.expand(stable_denominator(W)))[1]]
    reduced, removed = [], []
    for d in (d1, d2):
        num = sympy.fraction(d)[0]
        keep = sympy.Integer(1)
        for f, m in sympy.factor_list(num)[1]:
            if any(sympy.expand(f - n) == 0 or sympy.expand(f + n) == 0 for n in nonzero_always):
                if f not in removed:
                    removed.append(f)
            else:
                keep *= f ** m
        reduced.append(sympy.expand(keep))
    basis = list(sympy.groebner(reduced, *gens, order="lex").exprs)
    cases = analyse_cases(reduced, [], W, gens, 0)
    header = [f"C'(Wb) = {d1}", f"C''(Wb) = {d2}"]
    return HSAnalysis(wbar, header, reduced, removed, basis, gens, cases)


@lru_cache(maxsize=1)
def nonconstant_gradient_system() -> HSAnalysis:
    """Tasks whose ``C`` has infinitely many stationary points: ``c(W) = 0``
    identically, i.e. every coefficient of ``c`` vanishes:
    ``A B R = 0, R (1 - A^2) + B^2 Q = 0, A B Q = 0``. Decided on the region
    ``Q >= 0, R > 0, |A - B Wb| < 1`` for some ``Wb``.

    >>> nonconstant_gradient_system().meets_region
    False
    """
    c = sympy.Poly(lqr.stationarity_polynomial(_WB, _A, _B, _Q, _R), _WB)
    coeffs = [sympy.expand(x) for x in c.all_coeffs()]
    gens = generators(None)
    basis = list(sympy.groebner(coeffs, *gens, order="lex").exprs)
    cases = analyse_cases(coeffs, [], _WB, gens, 0)
    header = [f"c(W) = {c.as_expr()} = 0 for every W"]
    return HSAnalysis(None, header, coeffs, [], basis, gens, cases)


def task_singular_points(task: Task) -> list:
    """Real ``W`` with ``C'(W) = C''(W) = 0`` and ``|A - B W| < 1`` for one task,
    from the reduced symbolic system with the task's parameters substituted:
    the real roots of ``gcd(e1, e2)`` in the stable interval (exact).

    >>> task_singular_points(Task(1, 1, 2, 2))
    []
    """
    hs = hs_system(None)
    vals = {_A: _rat(task.A), _B: _rat(task.B), _Q: _rat(task.Q), _R: _rat(task.R)}
    polys = [sympy.Poly(e.subs(vals), _WB) for e in hs.reduced]
    fl = [flint.fmpq_poly([flint.fmpq(int(c.p), int(c.q)) for c in reversed(p.all_coeffs())])
          for p in polys]
    if fl[0].is_zero() and fl[1].is_zero():
        raise ValueError("every W solves the system (degenerate task)")
    g = fl[0].gcd(fl[1]) if not fl[0].is_zero() and not fl[1].is_zero() else (
        fl[1] if fl[0].is_zero() else fl[0])
    if g.is_constant():
        return []
    D = lqr.closed_loop_denominator(task)
    return [r for r, _m in real_roots(g) if r.sign_of(D) > 0]


def _rat(x: Fraction) -> sympy.Rational:
    return sympy.Rational(x.numerator, x.denominator)


# ---------------------------------------------------------------------------
# the same conditions for the MAML objective h of given tasks
# ---------------------------------------------------------------------------
@dataclass
class MamlSingular:
    """``h'(W) = 0, h''(W) = 0`` as polynomials in ``W`` (numerators), their
    gcd, its real roots and those in the domain."""
    dh_num: flint.fmpq_poly
    d2h_num: flint.fmpq_poly
    gcd: Optional[flint.fmpq_poly]      # None when num h' is the zero polynomial
    real_roots: list                    # RealAlgebraic roots of the gcd
    in_domain: list                     # those in the domain

    @property
    def finitely_many(self) -> bool:
        return not self.dh_num.is_zero()

    def to_dict(self, digits: int = 20) -> dict:
        return {"num_dh_degree": self.dh_num.degree(), "num_d2h_degree": self.d2h_num.degree(),
                "gcd_degree": None if self.gcd is None else self.gcd.degree(),
                "gcd": None if self.gcd is None or self.gcd.degree() > 12 else str(self.gcd),
                "real_solutions": [r.decimal(digits) for r in self.real_roots],
                "solutions_in_domain": [r.decimal(digits) for r in self.in_domain]}


def maml_singular_points(taskset: TaskSet, obj: Optional[MamlObjective] = None) -> MamlSingular:
    """Solutions of ``h' = 0, h'' = 0`` in the domain of the MAML objective
    (gradient adaptation): real roots of ``gcd(num h', num h'')``, each tested
    for membership of the domain exactly.

    >>> from symlqr.tasks import figure
    >>> s = maml_singular_points(figure("fig2"))
    >>> s.gcd.degree(), s.in_domain
    (0, [])
    """
    obj = obj or MamlObjective(taskset)
    h = obj.piece(())
    dh = h.derivative()
    d2h = dh.derivative()
    if dh.is_zero():
        return MamlSingular(dh.num, d2h.num, None, [], [])
    g = dh.num.gcd(d2h.num)
    roots = [] if g.is_constant() else [r for r, _m in real_roots(g)]
    inside = [r for r in roots if obj.in_domain(r)]
    return MamlSingular(dh.num, d2h.num, g, roots, inside)


# ---------------------------------------------------------------------------
# checks for proofs/equation3.py
# ---------------------------------------------------------------------------
def hs_verdict(hs: HSAnalysis) -> Verdict:
    """The paper's reading of (3): almost no admissible task lies in HS(Wb)."""
    n_empty = sum(c.status == EMPTY for c in hs.cases)
    status = HOLDS if hs.meets_region is False else UNDECIDED
    value = (f"HS({'Wb' if hs.wbar is None else hs.wbar}) misses the region: "
             f"{n_empty} of {len(hs.cases)} cases empty" if status == HOLDS
             else f"{len(hs.cases) - n_empty} of {len(hs.cases)} cases undecided")
    detail = "\n        ".join(["admissible region: Q >= 0, R > 0, |A - B Wb| < 1; the paper "
                                 "claims measure zero, 'empty' is stronger"] + hs.lines())
    return Verdict("almost no admissible task lies in HS(Wb)",
                   "conclusion", value, status, detail)


def equation3_checks(taskset: TaskSet, wbar: Optional[Fraction] = None,
                     digits: int = 20) -> tuple[list, dict]:
    """Checks of ``proofs/equation3.py``: the symbolic system (3), the tasks
    substituted into it, and ``h' = h'' = 0`` for the MAML objective.

    >>> from symlqr.tasks import figure
    >>> checks, extra = equation3_checks(figure("fig1"))
    >>> [v.status for c in checks for v in c.verdicts]
    ['holds', 'holds', 'holds', 'holds']
    """
    hs = hs_system(wbar)
    checks = [Check("Equation (3) for scalar LQR", hs.where, [hs_verdict(hs)])]
    sym = hs_system(None)
    task_rows = []
    for i, t in enumerate(taskset.tasks, 1):
        pts = task_singular_points(t)
        task_rows.append(Verdict(
            f"task {i}: no stable W with C_i'(W) = C_i''(W) = 0", "hypothesis",
            "gcd(e1, e2) has no real root with |A - B W| < 1" if not pts else
            "solutions at W = " + ", ".join(r.decimal(digits) for r in pts),
            HOLDS if not pts else FAILS))
    checks.append(Check("Proposition 5's hypothesis, from the reduced system (3)",
                        "each task (A, B, Q, R) substituted into e1, e2", task_rows))
    ms = maml_singular_points(taskset)
    rows = [Verdict("h' = 0 has finitely many solutions",
                    "hypothesis",
                    f"deg num h' = {ms.dh_num.degree()}" if ms.finitely_many
                    else "num h' = 0: h is constant", HOLDS if ms.finitely_many else FAILS)]
    if ms.finitely_many:
        g = ms.gcd
        val = (f"gcd(num h', num h'') = {'1' if g.degree() == 0 else 'degree ' + str(g.degree())}"
               f"; real roots {len(ms.real_roots)}, in the domain {len(ms.in_domain)}")
        if ms.in_domain:
            val += ": W = " + ", ".join(r.decimal(digits) for r in ms.in_domain)
        rows.append(Verdict("no W in the domain with h'(W) = h''(W) = 0", "hypothesis", val,
                            HOLDS if not ms.in_domain else FAILS))
    checks.append(Check("Equation (3) for the MAML objective h (Assumption 1, as used by "
                        "Theorem 4)", "the given tasks (gradient adaptation)", rows))
    extra = {"equation3": hs.to_dict(), "task_substitution": [
        {"task": i + 1, "solutions": [r.decimal(digits) for r in task_singular_points(t)]}
        for i, t in enumerate(taskset.tasks)] if sym else [],
        "maml_system": ms.to_dict(digits)}
    return checks, extra
