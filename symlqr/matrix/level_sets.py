"""Polynomial necessary conditions of ``h_K(W) <= L`` on the domain.

A box on which one of them is proven false holds no point of ``{h_K <= L}``
(:class:`~symlqr.matrix.domain.Condition` with ``kind="level"``); the
branch-and-bound reads them like the domain's conditions, by Bernstein signs,
at every box size and without the numerators of ``grad h``.

* :func:`level_conditions` -- each cost is at least the first term of its
  series: ``C_i(F) >= tr((Q_i + F' R_i F) Sigma0_i)``. It bounds ``F_i`` away
  from infinity, not from the stability boundary, where ``C_i`` blows up.
* :func:`spectral_conditions` -- near the stability boundary: for every
  eigenvalue ``l`` of ``M = A_i - B_i F_i``,

      C_i(F_i) >= q_i / (1 - |l|^2),    q_i = lambda_min(Q_i) lambda_min(Sigma0_i)

  (``P = sum_k (M')^k (Q_i + F'RF) M^k >= lambda_min(Q_i) sum_k (M')^k M^k``,
  ``tr(P Sigma0) >= lambda_min(Sigma0) tr P`` and ``tr((M')^k M^k) = ||M^k||_F^2
  >= |l|^(2k)`` along a unit eigenvector). With ``h_K <= L`` the cost of task
  ``i`` is at most ``U_i = (L - sum_{j != i} w_j tr(Q_j Sigma0_j)) / w_i``, so
  every eigenvalue has ``|l| < s_i`` for a rational ``s_i`` with
  ``s_i^2 > 1 - q_i / U_i``: ``M / s_i`` is Schur stable, and the four
  necessary conditions of :mod:`~symlqr.matrix.domain` hold for it,

      det(s I - M) > 0,  det(s I + M) > 0,  s^d - det M > 0,  s^d + det M > 0,

  and for ``d >= 3`` the rest of Jury's test on ``M / s``
  (:func:`~symlqr.matrix.domain.jury_rows`).

  They have the degrees of the domain's conditions on ``N_i`` (cheap), and cut
  away the layer along the boundary of ``F_i``'s stability where ``h > L``.

>>> from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
>>> ts = MatrixTaskSet([MatrixTask([[1]], [[1]], [[1]], [[1]])], "1/10")
>>> [c.kind for c in level_conditions(ts, 5)]
['level']
>>> s, conds = spectral_radius_bound(ts, 5, 0), spectral_conditions(ts, 5)
>>> float(s) ** 2 > 1 - 1 / 5 > (float(s) - 1e-6) ** 2, len(conds)
(True, 4)
"""
from __future__ import annotations

from fractions import Fraction
from typing import Optional

import numpy as np
from flint import fmpq, fmpq_mat

from .domain import Condition, _cofactor, _den_sign, _transpose, adapted_gains, \
    MAX_COEFFICIENTS, closed_loop_charpoly, jury_rows, reference_gain
from .ratfunc import _kron_det, _tasks, symbolic_iterates

__all__ = ["level_conditions", "spectral_conditions", "spectral_radius_bound"]

SLACK = Fraction(1, 2 ** 20)      # L' = L (1 + SLACK) + SLACK: strict, and rounding-proof


def _top(level) -> Fraction:
    L = Fraction(level)
    return L * (1 + SLACK) + SLACK


def _q_terms(taskset) -> list:
    """``tr(Q_j Sigma0_j)`` per task, exactly."""
    return [sum((Fraction(a) * Fraction(b) for ra, rb in zip(t.Q, _transpose(t.Sigma0))
                 for a, b in zip(ra, rb)), Fraction(0)) for t in taskset.tasks]


def level_conditions(taskset, level, steps: int = 1, terms: int = 1) -> list:
    """Necessary conditions for ``h_K(W) <= L`` in the domain, one per task, as
    polynomials (:class:`Condition`, ``kind="level"``). Each cost is at least its
    first term, ``C_i(F) = tr(P_F Sigma0_i) >= tr((Q_i + F' R_i F) Sigma0_i)``
    (``P_F`` the sum of the positive semidefinite terms of :mod:`.levels`), so
    ``h_K <= L`` gives, for each task ``i`` and its adapted gain ``F_i = W_K``,

        w_i tr(R_i F_i Sigma0_i F_i') < L' - sum_j w_j tr(Q_j Sigma0_j)

    with ``L' = L (1 + 2^-20) + 2^-20`` (strict). With ``F_i = N / D`` (``D`` a
    common denominator of the entries, nonzero on the domain) that is
    ``G_i = c_i D^2 - tr(R_i N Sigma0_i N') > 0``, a polynomial of twice the
    gains' degree: cheap Bernstein enclosures even where the numerators of
    ``grad h`` are not computed yet (the gains of a box far from ``{h <= L}``).
    ``terms=2`` adds the next term of the sum, ``tr(M'(Q + F'RF) M
    Sigma0)`` with ``M = A_i - B_i F_i``, times ``D^4`` (four times the gains'
    degree): larger where ``M`` is, near the stability boundary of ``F_i``.

    """
    Q = Fraction
    top = _top(level)
    w = [Q(x) for x in taskset.weights]
    base = sum((wj * tj for wj, tj in zip(w, _q_terms(taskset))), Q(0))
    out = []
    for i, (t, gains) in enumerate(zip(taskset.tasks, adapted_gains(taskset, steps))):
        r, d = len(t.R), len(t.A)
        dens = [den for _, den in gains if den is not None]
        D = dens[0] if dens and all(x == dens[0] for x in dens) else None
        if dens and D is None:
            D = dens[0]
            for x in dens[1:]:
                D = D * x
        one = gains[0][0] * 0 + 1
        N = []
        for num, den in gains:
            if D is None:
                N.append(num)
            elif den is None:
                N.append(num * D)
            elif den == D:
                N.append(num)
            else:
                N.append(num * _cofactor(D, den))
        F = [[N[a * d + b] for b in range(d)] for a in range(r)]
        quad = one * 0
        for a in range(r):
            for b in range(r):
                if t.R[a][b] == 0:
                    continue
                for k in range(d):
                    for m in range(d):
                        coef = Q(t.R[a][b]) * Q(t.Sigma0[k][m])
                        if coef:
                            quad += fmpq(coef.numerator, coef.denominator) * F[b][k] * F[a][m]
        c = (top - base) / w[i]
        DD = one if D is None else D * D
        G = fmpq(c.numerator, c.denominator) * DD - quad
        if terms >= 2:       # and the next term, tr(M' (Q + F'RF) M Sigma0) with M = A - B F
            G = G * DD - _second_term(t, F, one if D is None else D, DD)
        out.append(Condition(f"w_{i + 1} tr(R F_{i + 1} Sigma0 F_{i + 1}') < L - sum_j w_j tr(Q_j Sigma0_j)",
                             G, None, None, "level", i))
    return out


def _second_term(t, N, D, DD):
    """``D^4 tr(M' (Q + F'RF) M Sigma0)`` for ``F = N / D``, ``M = A - B F``: with
    ``M D = A D - B N`` and ``(Q + F'RF) D^2 = Q D^2 + N'RN``."""
    def q(x):
        x = Fraction(x)
        return fmpq(x.numerator, x.denominator)
    r, d = len(t.R), len(t.A)
    MD = [[q(t.A[a][b]) * D - sum((q(t.B[a][k]) * N[k][b] for k in range(r)), D * 0)
           for b in range(d)] for a in range(d)]
    P = [[q(t.Q[a][b]) * DD + sum((q(t.R[k][m]) * N[k][a] * N[m][b]
                                   for k in range(r) for m in range(r) if t.R[k][m]), D * 0)
          for b in range(d)] for a in range(d)]
    PM = [[sum((P[a][k] * MD[k][b] for k in range(d)), D * 0) for b in range(d)] for a in range(d)]
    out = D * 0
    for a in range(d):               # tr(MD' PM Sigma0) = sum_{a,b,c} MD[c][a] PM[c][b] S[b][a]
        for b in range(d):
            if t.Sigma0[b][a]:
                out += q(t.Sigma0[b][a]) * sum((MD[c][a] * PM[c][b] for c in range(d)), D * 0)
    return out


def _lambda_min_below(S) -> Fraction:
    """A rational ``q >= 0`` with ``S - q I`` positive definite (``S`` symmetric,
    rational), proven by its leading principal minors; 0 when ``S`` is singular
    or not proven definite."""
    Sf = np.array([[float(Fraction(x)) for x in row] for row in S])
    lam = float(np.linalg.eigvalsh(Sf).min())
    if not lam > 0:
        return Fraction(0)
    q = Fraction(lam) * (1 - Fraction(1, 2 ** 20))
    n = len(S)
    for _ in range(40):
        M = fmpq_mat(n, n, [fmpq(Fraction(S[i][j]).numerator, Fraction(S[i][j]).denominator)
                            - (fmpq(q.numerator, q.denominator) if i == j else 0)
                            for i in range(n) for j in range(n)])
        if all(_minor(M, k) > 0 for k in range(1, n + 1)):
            return q
        q /= 2
    return Fraction(0)


def _minor(M, k: int):
    return fmpq_mat(k, k, [M[i, j] for i in range(k) for j in range(k)]).det()


def spectral_radius_bound(taskset, level, i: int) -> Optional[Fraction]:
    """A rational ``s < 1`` with every eigenvalue of ``A_i - B_i F_i`` of modulus
    below ``s`` wherever ``h_K <= L`` (module docstring), or ``None`` when the
    bound says nothing (``Q_i`` or ``Sigma0_i`` singular, or ``s >= 1``)."""
    t = taskset.tasks[i]
    w = [Fraction(x) for x in taskset.weights]
    q = _lambda_min_below(t.Q) * _lambda_min_below(t.Sigma0)
    terms = _q_terms(taskset)
    U = (_top(level) - sum(wj * tj for wj, tj in zip(w, terms)) + w[i] * terms[i]) / w[i]
    if q <= 0 or U <= 0:
        return None
    floor = 1 - q / U                     # |l|^2 <= floor < s^2
    if floor <= 0:
        return Fraction(0) if floor < 0 else None
    s = Fraction(float(np.sqrt(float(floor)))) + Fraction(1, 2 ** 30)
    while s * s <= floor:
        s += Fraction(1, 2 ** 20)
    return s if s < 1 else None


def spectral_conditions(taskset, level, steps: int = 1) -> list:
    """The four conditions of ``M_i / s_i`` stable, ``M_i = A_i - B_i F_i`` with
    ``F_i = W_K`` and ``s_i`` from :func:`spectral_radius_bound`, for every task
    where it exists (module docstring), as rational functions of ``W`` with the
    sign of their denominators on the domain (as the domain's own conditions on
    ``N_i``). ``kind="level"``."""
    bk, p = symbolic_iterates(taskset, int(steps))
    W = p.W
    tasks = _tasks(bk, taskset)
    out = []
    for i, t in enumerate(tasks):
        s = spectral_radius_bound(taskset, level, i)
        if s is None or s == 0:
            continue
        ref = reference_gain(taskset.tasks[i])
        base = _kron_det(t[0] - t[1] * W, bk).num
        M = t[0] - t[1] * p.iterates[i][-1]
        # p(z) = det(z I - M) = sum_k a_k z^k: det(s I - M) = p(s),
        # det(s I + M) = (-1)^d p(-s), det M = (-1)^d p(0)
        a = closed_loop_charpoly(taskset.tasks[i], p.iterates[i][-1], bk)
        d = len(a) - 1
        sign = 1 if d % 2 == 0 else -1
        at = lambda z: sum((c * Fraction(z) ** k for k, c in enumerate(a[1:], 1)), a[0])
        det, sd = a[0] * sign, bk.scalar(s ** d)
        label = f"N_{i + 1}" if steps == 1 else f"N_{i + 1}^({steps})"
        for name, f in ((f"det(s I - {label}) > 0", at(s)),
                        (f"det(s I + {label}) > 0", at(-s) * sign),
                        (f"s^d - det {label} > 0", sd - det),
                        (f"s^d + det {label} > 0", sd + det)) + \
                tuple(jury_rows(M, bk, label, s, a=a, limit=MAX_COEFFICIENTS)):
            if f.num.is_constant() and (f.den.is_one() or f.den.is_constant()):
                continue
            den = None if f.den.is_one() else f.den
            out.append(Condition(f"{name}, s = {float(s):.6g}: cost of task {i + 1} "
                                 f"<= its share of L", f.num, den,
                                 _den_sign(den, ref, base, steps == 1), "level", i))
    return out
