"""The precision policy: how many bits a decision may use, and how digits
become bits, written once.

Every refinement loop in the package doubles a working precision (in bits)
until a decision is certified, and gives up with "undecided" past
:data:`MAX_BITS`. A request for ``d`` significant decimal digits becomes
``bits_for_digits(d)`` bits: ``floor(3.33 d) + guard``, where ``3.33 >
log2(10) = 3.3219...`` so the bits always cover the digits. Working precision
is set only through context managers (``mp.workprec``, :func:`iv_workprec`,
``flint.ctx.workprec``), never saved and restored by hand.

>>> bits_for_digits(30)
115
>>> bits_for_digits(30, guard=GUARD_BITS_DISPLAY)
119
"""
from __future__ import annotations

from mpmath import iv
from mpmath.ctx_mp import PrecisionManager

__all__ = ["MAX_BITS", "GUARD_BITS", "GUARD_BITS_DISPLAY", "BITS_PER_DIGIT_NUM",
           "BITS_PER_DIGIT_DEN", "bits_for_digits", "iv_workprec"]

#: Cap on the working precision (bits) of any certified decision (a sign, a
#: comparison, an enclosure, an event of the atlas) before it is "undecided".
MAX_BITS = 4096

#: Guard bits added to the bits of the requested digits for enclosures.
GUARD_BITS = 16
#: Guard bits for the bracket behind a displayed decimal.
GUARD_BITS_DISPLAY = 20

#: ``BITS_PER_DIGIT_NUM / BITS_PER_DIGIT_DEN = 3.33``, a rational upper bound
#: of ``log2(10) = 3.3219...`` (exact integer arithmetic, no float logarithm).
BITS_PER_DIGIT_NUM, BITS_PER_DIGIT_DEN = 333, 100


def bits_for_digits(digits: int, guard: int = GUARD_BITS) -> int:
    """``floor(3.33 digits) + guard``: bits that carry ``digits`` decimal digits.

    >>> [bits_for_digits(d) for d in (1, 12, 100)]
    [19, 55, 349]
    """
    return digits * BITS_PER_DIGIT_NUM // BITS_PER_DIGIT_DEN + guard



def iv_workprec(bits: int):
    """``with iv_workprec(bits):`` runs a block at ``iv.prec = bits`` and restores
    the precision on any exit; mpmath's own ``workprec`` (its ``PrecisionManager``),
    which mpmath 1.3 offers on ``mp`` but not on the interval context ``iv``.

    >>> from mpmath import iv
    >>> before = iv.prec
    >>> with iv_workprec(200):
    ...     iv.prec
    200
    >>> iv.prec == before
    True
    """
    return PrecisionManager(iv, lambda _prec: bits, None)
