"""Real algebraic numbers and exact real-root isolation: the public face of
:mod:`~symlqr.exact.isolation` (counting and isolating roots),
:mod:`~symlqr.exact.algebraic` (:class:`RealAlgebraic`) and
:mod:`~symlqr.exact.intervals` (rationals in and out of mpmath intervals).

>>> import flint
>>> r = real_roots(flint.fmpq_poly([-2, 0, 1]))       # W^2 - 2
>>> [(a.decimal(10), m) for a, m in r]
[('-1.414213562', 1), ('1.414213562', 1)]
>>> r[1][0].sign_of(flint.fmpq_poly([-2, 0, 1]))
0
"""
from .algebraic import PrecisionExhausted, RealAlgebraic
from .intervals import (iv_from_fraction, iv_poly, iv_rational_function, iv_to_fractions,
                        mpf_to_fraction)
from .isolation import (count_real_roots, distinct_decimals, real_roots, simplest_between, sort_disjoint,
                        squarefree_factors)
from .precision import MAX_BITS

__all__ = ["RealAlgebraic", "real_roots", "count_real_roots", "squarefree_factors",
           "sort_disjoint", "iv_from_fraction", "iv_poly", "iv_rational_function",
           "mpf_to_fraction", "iv_to_fractions", "simplest_between",
           "PrecisionExhausted", "MAX_BITS", "distinct_decimals"]
