"""Newton's method for a root of a rational polynomial, in mpmath's raw
arithmetic: a *proposal* only. :class:`~symlqr.exact.algebraic.RealAlgebraic`
accepts a bracket around the proposed point only after an exact sign check of
the polynomial at the bracket's rational ends.

    x_{k+1} = x_k - p(x_k) / p'(x_k)      (every operation rounded to nearest)

>>> import flint
>>> c = newton_point(flint.fmpq_poly([-2, 0, 1]), flint.fmpq(1), flint.fmpq(2), 60, 40)
>>> abs(float(c) - 2 ** 0.5) < 1e-15
True
"""
from __future__ import annotations

from typing import Optional

import flint
from mpmath.libmp import (from_int, from_man_exp, fzero, mpf_abs, mpf_add, mpf_div, mpf_gt,
                          mpf_le, mpf_mul, mpf_shift, mpf_sub, round_nearest as RND)

from .intervals import mpf_to_fmpq

__all__ = ["newton_point"]


def _raw_horner(cs, x, prec: int):
    """``sum cs[k] x^k`` by Horner, each step rounded to nearest (raw mpf values)."""
    acc = cs[-1]
    for c in reversed(cs[:-1]):
        acc = mpf_add(mpf_mul(acc, x, prec, RND), c, prec, RND)
    return acc


def _raw_ratio(r: flint.fmpq, prec: int):
    """``mpf(p) / q`` at ``prec`` bits, rounded to nearest, as a raw mpf value."""
    return mpf_div(from_int(int(r.p), prec, RND), from_int(int(r.q)), prec, RND)


def newton_point(poly: flint.fmpq_poly, lo: flint.fmpq, hi: flint.fmpq, bits: int,
                 guard: int) -> Optional[flint.fmpq]:
    """The Newton iterate of ``poly`` from the midpoint of ``[lo, hi]`` (an fmpq)
    at ``P = bits + guard`` bits, or None when ``p'`` vanishes at an iterate.
    mpmath arithmetic (every operation rounded to nearest at ``P`` bits) done on
    raw ``libmp`` values: the bits ``mp.workprec(P)`` would give, without the
    object overhead. Stops at a step below ``2**-(bits + 8) (1 + |x|)`` or when
    convergence is no longer quadratic (the noise floor).

    >>> c = newton_point(flint.fmpq_poly([-1, 3]), flint.fmpq(0), flint.fmpq(1), 20, 40)
    >>> c.q.bit_length() > 40, abs(c - flint.fmpq(1, 3)) < flint.fmpq(1, 2 ** 50)
    (True, True)
    """
    P = bits + guard
    coeffs = [mpf_div(from_int(int(c.p), P, RND), from_int(int(c.q)), P, RND)
              for c in poly.coeffs()]
    dcoeffs = [mpf_mul(c, from_int(k), P, RND) for k, c in enumerate(coeffs)][1:]
    x = mpf_div(mpf_add(_raw_ratio(lo, P), _raw_ratio(hi, P), P, RND),
                from_int(2), P, RND)
    eps = from_man_exp(1, -(bits + 8))
    tol = mpf_add(mpf_mul(mpf_abs(x), eps, P, RND), eps, P, RND)
    prev = None
    for k in range(12 + bits.bit_length()):
        d = _raw_horner(dcoeffs, x, P)
        if d == fzero:
            return None
        step = mpf_div(_raw_horner(coeffs, x, P), d, P, RND)
        x = mpf_sub(x, step, P, RND)
        if mpf_le(mpf_abs(step), tol):
            break
        if prev is not None and k >= 3 and mpf_gt(mpf_abs(step), mpf_shift(mpf_abs(prev), -2)):
            break                  # no longer quadratic: at the noise floor
        prev = step
    return mpf_to_fmpq(x)
