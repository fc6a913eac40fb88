"""Decimal digits decided exactly: correct rounding of rationals, the digits
an interval certifies, and enough digits to tell neighbours apart.

A rational ``x != 0`` correctly rounded to ``k`` significant digits is
``sign * n * 10**(e - k + 1)`` with ``10**(k-1) <= n < 10**k`` and
``n = round(|x| 10**(k-1-e))`` (ties away from zero, as mpmath's ``nstr``),
all in integer arithmetic. An interval ``[lo, hi]`` *certifies* ``k`` digits
when ``lo`` and ``hi`` round to the same ``k``-digit decimal: then every
number in the interval rounds to it, whatever the truth is.

>>> from fractions import Fraction
>>> correctly_rounded(Fraction(2, 3), 3)
('', 667, -1)
>>> nstr_format('', 667, -1, 3)
'0.667'
>>> certified_digits(Fraction(999, 1000), Fraction(1001, 1000), 10)     # both round to 1.0
2
>>> certified_digits(Fraction(0), Fraction(3, 10**35), 10)               # no digit
0
"""
from __future__ import annotations

from fractions import Fraction

__all__ = ["decimal_exponent", "correctly_rounded", "nstr_format", "certified_digits",
           "format_rounded", "distinguishing_decimals"]


def _num_den(x) -> tuple[int, int]:
    return int(x.numerator), int(x.denominator)


def _ge_pow10(p: int, q: int, e: int) -> bool:
    """``p/q >= 10**e`` for positive integers ``p, q``."""
    return p * 10 ** max(-e, 0) >= q * 10 ** max(e, 0)


def decimal_exponent(x) -> int:
    """``floor(log10 |x|)`` of a nonzero rational, exactly.

    >>> decimal_exponent(Fraction(1, 1000)), decimal_exponent(Fraction(999, 1000)), decimal_exponent(10**400)
    (-3, -1, 400)
    """
    p, q = _num_den(x)
    p = abs(p)
    if p == 0:
        raise ValueError("decimal_exponent of 0")
    e = (len(str(p)) - len(str(q)))               # within 1 of the answer
    while not _ge_pow10(p, q, e):
        e -= 1
    while _ge_pow10(p, q, e + 1):
        e += 1
    return e


def correctly_rounded(x, k: int) -> tuple[str, int, int]:
    """``(sign, n, e)``: ``x`` rounded to ``k >= 1`` significant digits is
    ``sign n 10**(e-k+1)``, ``10**(k-1) <= n < 10**k`` (``('', 0, 0)`` for 0).

    >>> correctly_rounded(Fraction(-1, 8), 2), correctly_rounded(Fraction(9996, 10000), 3)
    (('-', 13, -1), ('', 100, 0))
    """
    p, q = _num_den(x)
    if p == 0:
        return "", 0, 0
    s, p = ("-" if p < 0 else ""), abs(p)
    e = decimal_exponent(Fraction(p, q))
    shift = k - 1 - e
    num, den = p * 10 ** max(shift, 0), q * 10 ** max(-shift, 0)
    n = (2 * num + den) // (2 * den)              # round half away from zero
    if n == 10 ** k:
        n, e = 10 ** (k - 1), e + 1
    return s, n, e


def nstr_format(sign: str, n: int, e: int, k: int) -> str:
    """The string mpmath's ``nstr(x, k)`` prints for a value that rounds to
    ``sign n 10**(e-k+1)`` (fixed point for ``min(-(k//3), -5) < e < k``,
    trailing zeros stripped).

    >>> nstr_format('', 12345, 2, 5), nstr_format('', 2, 300, 1), nstr_format('', 0, 0, 4)
    ('123.45', '2.0e+300', '0.0')
    """
    if n == 0:
        return "0.0"
    digits, min_fixed = str(n), min(-(k // 3), -5)
    if min_fixed < e < k:
        if e < 0:
            digits, split = "0" * (-e) + digits, 1
        else:
            split = e + 1
            digits += "0" * max(split - k, 0)
        e = 0
    else:
        split = 1
    digits = (digits[:split] + "." + digits[split:]).rstrip("0")
    if digits.endswith("."):
        digits += "0"
    if e == 0:
        return sign + digits
    return sign + digits + ("e+" if e > 0 else "e") + str(e)


def format_rounded(x, k: int) -> str:
    """``x`` correctly rounded to ``k`` significant digits, as ``nstr`` prints it.

    >>> format_rounded(Fraction(1, 3), 4), format_rounded(Fraction(5, 2), 1)
    ('0.3333', '3.0')
    """
    return nstr_format(*correctly_rounded(x, k), k)


def certified_digits(lo, hi, digits: int) -> int:
    """The largest ``k <= digits`` for which ``lo`` and ``hi`` round to the same
    ``k``-digit decimal (0 when none does, e.g. when ``[lo, hi]`` holds 0 and
    is not ``{0}``). Exact; ``lo <= hi`` rationals.

    >>> certified_digits(Fraction(1249, 10000), Fraction(1250, 10000), 5)    # both round to 0.125
    3
    """
    if lo == hi:
        return digits
    if lo <= 0 <= hi:
        return 0
    if correctly_rounded(lo, digits) == correctly_rounded(hi, digits):
        return digits
    a, w = max(abs(lo), abs(hi)), Fraction(hi) - Fraction(lo)
    # |x|/w < 10**(k) is necessary for agreement at k + 1 digits: start there
    k = min(digits - 1, decimal_exponent(Fraction(a) / w) + 2)
    while k >= 1 and correctly_rounded(lo, k) != correctly_rounded(hi, k):
        k -= 1
    return max(k, 0)


def distinguishing_decimals(numbers: list, digits: int) -> list[str]:
    """Decimals of sorted, pairwise distinct numbers (anything with
    ``decimal(k)`` and ``copy()``, e.g. :class:`RealAlgebraic`), each with at
    least ``digits`` significant digits and more where two neighbours would
    otherwise print the same value: the printed values strictly increase, so
    they are pairwise distinct. ``numbers[i].decimal(digits)`` is called
    as usual; longer decimals are made on copies.

    >>> from symlqr.exact.algebraic import RealAlgebraic
    >>> xs = [RealAlgebraic.rational(Fraction(2) - Fraction(1, 10**8)), RealAlgebraic.rational(2)]
    >>> distinguishing_decimals(xs, 3)
    ['1.99999999', '2.0']
    """
    out = [x.decimal(digits) for x in numbers]
    ks = [digits] * len(numbers)
    changed = True
    while changed:
        changed = False
        for i in range(len(numbers) - 1):
            if Fraction(out[i]) < Fraction(out[i + 1]):
                continue
            k = _digits_to_split(numbers[i], numbers[i + 1], max(ks[i], ks[i + 1]))
            for j in (i, i + 1):
                ks[j] = max(ks[j], k)
                out[j] = numbers[j].copy().decimal(ks[j])
            changed = True
    return out


def _digits_to_split(a, b, k: int) -> int:
    """The least ``k' >= k`` (by doubling, then bisection) at which ``a < b``
    print as increasing decimals."""
    ok = lambda j: Fraction(a.copy().decimal(j)) < Fraction(b.copy().decimal(j))
    lo, hi = k, k
    while not ok(hi):
        lo, hi = hi, 2 * hi
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if ok(mid) else (mid, hi)
    return hi
