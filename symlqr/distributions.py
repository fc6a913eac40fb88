"""Task distributions: many exact tasks drawn reproducibly from a short spec.

A distribution gives each task field (``A, B, Q, R, s0, s0a``) a *law*::

    1.5                  a constant (an exact rational: 0.1, 2/3, 1e-3)
    uniform(lo, hi)      x = lo + (hi - lo) u
    loguniform(lo, hi)   x = lo (hi / lo)^u              (0 < lo < hi)
    choice(v1, v2, ...)  x = v_j with j = floor(m u)     (m values)

plus an optional ``scale`` law that multiplies ``Q`` and ``R`` of each task (the
cost scale of the paper's "identical" tasks, Figure 2 and Theorem 3), the number
of tasks ``n``, the ``seed`` and ``digits``. Each ``u`` in ``[0, 1)`` is the
exact dyadic rational ``(x >> 11) / 2^53`` of one raw 64-bit output ``x`` of
numpy's PCG64 bit generator seeded with ``seed`` (a stream numpy keeps stable
across versions and machines); ``uniform`` is then exact, ``loguniform`` is
evaluated with mpmath at 256 bits (deterministic integer arithmetic), and every
draw is rounded half-even to ``digits`` significant decimal digits. So the tasks
are exact rationals, the same on every machine, and the tasks of ``n = k`` are
the first ``k`` tasks of any larger ``n`` with the same seed. Bounds must be
decimals with at most ``digits`` significant digits, so that rounding never
leaves ``[lo, hi]``.

Specs are read by regular expressions, never evaluated.

>>> d = Distribution.parse("A=1, B=1, Q=uniform(1,5), R=loguniform(0.1,10), n=3, seed=7")
>>> [str(t.Q) for t in d.draw()] == [str(t.Q) for t in d.draw()]
True
>>> d.draw(2) == d.draw(3)[:2]
True
>>> str(d)
'A=1, B=1, Q=uniform(1, 5), R=loguniform(0.1, 10), n=3, seed=7, digits=6'
>>> Distribution.parse("Q=normal(0,1)")         # doctest: +ELLIPSIS
Traceback (most recent call last):
...
symlqr.tasks.InputError: Q: unknown law 'normal'; use a number, uniform(lo, hi), ...
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Optional

from .tasks import FIELDS, InputError, Task, TaskSet, as_rational, parse_rational

__all__ = ["Law", "Distribution", "parse_law", "round_significant", "decimal_text", "MAX_TASKS",
           "DEFAULT_DIGITS"]

#: Most tasks one distribution draws.
MAX_TASKS = 1_000_000
#: Significant digits of each drawn value unless ``digits`` says otherwise.
DEFAULT_DIGITS = 6
_LAWS = ("uniform", "loguniform", "choice")
_CALL = re.compile(r"\s*([A-Za-z_]\w*)\s*\(([^()]*)\)\s*", re.ASCII)
_ITEM = re.compile(r"\s*([A-Za-z_]\w*)\s*=\s*([A-Za-z_]\w*\s*\([^()]*\)|[^,()=]*?)\s*(?:,|$)",
                   re.ASCII)
_KEYS = FIELDS + ("scale", "n", "seed", "digits")
_U_BITS = 53


def round_significant(x: Fraction, digits: int) -> Fraction:
    """``x`` rounded half-even to ``digits`` significant decimal digits (exact).

    >>> round_significant(Fraction(2, 3), 3), round_significant(Fraction(-125, 100), 2)
    (Fraction(667, 1000), Fraction(-6, 5))
    """
    if x == 0:
        return x
    e = len(str(abs(x.numerator))) - len(str(x.denominator))      # 10^e ~ |x| up to 10
    if abs(x) >= Fraction(10) ** e:
        e += 1                                                     # 10^(e-1) <= |x| < 10^e
    unit = Fraction(10) ** (e - digits)
    return round(x / unit) * unit                                  # round(): half-even


def _significant(x: Fraction) -> Optional[int]:
    """Significant decimal digits of ``x`` (``None``: not a finite decimal).

    >>> _significant(Fraction("0.0125")), _significant(Fraction(1000)), _significant(Fraction(1, 3))
    (3, 1, None)
    """
    d, k = x.denominator, 0
    for p in (2, 5):
        j = 0
        while d % p == 0:
            d, j = d // p, j + 1
        k = max(k, j)
    if d != 1:
        return None
    return len(str(abs(x.numerator) * 10 ** k // x.denominator).strip("0")) or 1


def decimal_text(x: Fraction) -> str:
    """``x`` as the decimal a user would type (``0.1``), else ``p/q``.

    >>> [decimal_text(Fraction(x)) for x in ("1/10", "-5/2", "1/3", "3")]
    ['0.1', '-2.5', '1/3', '3']
    """
    if x.denominator == 1 or _significant(x) is None:
        return str(x)
    k = 0
    while (x * 10 ** k).denominator != 1:
        k += 1
    digs = str(abs(x.numerator) * 10 ** k // x.denominator).rjust(k + 1, "0")
    return ("-" if x < 0 else "") + digs[:-k] + "." + digs[-k:]


@dataclass(frozen=True)
class Law:
    """One field's law: ``kind`` in const, uniform, loguniform, choice."""
    kind: str
    args: tuple

    def __str__(self) -> str:
        if self.kind == "const":
            return decimal_text(self.args[0])
        return f"{self.kind}({', '.join(decimal_text(a) for a in self.args)})"

    @property
    def random(self) -> bool:
        return self.kind != "const"

    def bounds(self) -> tuple:
        """Smallest and largest value the law can give."""
        return (min(self.args), max(self.args))

    def sample(self, u: Fraction, digits: int) -> Fraction:
        """The value for the uniform draw ``u`` in ``[0, 1)``, rounded."""
        a = self.args
        if self.kind == "const":
            return a[0]
        if self.kind == "choice":
            return a[int(u * len(a))]
        if self.kind == "uniform":
            return round_significant(a[0] + (a[1] - a[0]) * u, digits)
        return round_significant(_loguniform(a[0], a[1], u), digits)


_CTX: list = []


def _mp_context():
    if not _CTX:
        import mpmath
        ctx = mpmath.MPContext()
        ctx.prec = 256
        _CTX.append(ctx)
    return _CTX[0]


@functools.lru_cache(maxsize=64)
def _log_ratio(lo: Fraction, hi: Fraction):
    ctx = _mp_context()
    return ctx.log(ctx.mpf(hi.numerator * lo.denominator) / (hi.denominator * lo.numerator))


def _loguniform(lo: Fraction, hi: Fraction, u: Fraction) -> Fraction:
    """``lo (hi/lo)^u`` to 256 bits in a private mpmath context (deterministic;
    its precision is set once, so threads share it safely)."""
    ctx = _mp_context()
    x = ctx.exp(ctx.mpf(u.numerator) / u.denominator * _log_ratio(lo, hi))
    m, e = ctx.frexp(x)
    return lo * Fraction(int(ctx.ldexp(m, 300))) * Fraction(2) ** (e - 300)


def parse_law(text, what: str = "value", digits: int = DEFAULT_DIGITS) -> Law:
    """A :class:`Law` from a number or ``"uniform(1, 5)"``-style text.

    >>> parse_law("loguniform(0.1, 10)")
    Law(kind='loguniform', args=(Fraction(1, 10), Fraction(10, 1)))
    >>> parse_law("uniform(5, 1)", "Q")
    Traceback (most recent call last):
    ...
    symlqr.tasks.InputError: Q: uniform(5, 1) needs lo < hi
    """
    if not isinstance(text, str) or "(" not in text:
        return Law("const", (as_rational(text, what),))
    m = _CALL.fullmatch(text)
    shown = text.strip() if len(text.strip()) <= 40 else text.strip()[:37] + "..."
    if not m:
        raise InputError(f"{what}: {shown!r} is not a law; use a number, uniform(lo, hi), "
                         "loguniform(lo, hi) or choice(v1, v2, ...)")
    name, inner = m.group(1), m.group(2)
    if name not in _LAWS:
        raise InputError(f"{what}: unknown law {name!r}; use a number, uniform(lo, hi), "
                         "loguniform(lo, hi) or choice(v1, v2, ...)")
    args = tuple(parse_rational(a, f"{what}: {name}") for a in inner.split(","))
    if name != "choice":
        if len(args) != 2:
            raise InputError(f"{what}: {name} takes two numbers (lo, hi), got {len(args)}")
        if not args[0] < args[1]:
            raise InputError(f"{what}: {name}({args[0]}, {args[1]}) needs lo < hi")
        if name == "loguniform" and args[0] <= 0:
            raise InputError(f"{what}: loguniform({args[0]}, {args[1]}) needs 0 < lo")
        for b in args:
            s = _significant(b)
            if s is None or s > digits:
                raise InputError(f"{what}: bound {decimal_text(b)} of {name} needs more than "
                                 f"{digits} significant digits; give a shorter decimal or "
                                 "raise digits")
    return Law(name, args)


def _count(x, what: str, lo: int, hi: int) -> int:
    """An integer in ``[lo, hi]`` from an int or a digit string (never a float)."""
    if isinstance(x, str) and re.fullmatch(r"\s*\+?\d{1,20}\s*", x):
        x = int(x)
    if isinstance(x, bool) or not isinstance(x, int):
        raise InputError(f"{what}: expected a whole number, got {str(x)[:40]!r}")
    if not lo <= x <= hi:
        raise InputError(f"{what} = {x}: must be between {lo} and {hi}")
    return x


@dataclass(frozen=True)
class Distribution:
    """Laws of the task fields, and ``n``, ``seed``, ``digits`` of the draw.

    Fields not given are ``s0 = 1`` and ``s0a = s0``; ``A, B, Q, R`` are required.
    """
    laws: dict
    n: int = 1
    seed: int = 0
    digits: int = DEFAULT_DIGITS
    scale: Optional[Law] = None
    name: str = field(default="", compare=False)

    @classmethod
    def from_mapping(cls, m, name: str = "") -> "Distribution":
        """From a TOML/JSON table ``{A = 1, Q = "uniform(1, 5)", n = 1000, seed = 7}``."""
        if not isinstance(m, dict):
            raise InputError("distribution must be a table/object with keys "
                             f"{', '.join(_KEYS)}")
        unknown = sorted(set(m) - set(_KEYS))
        if unknown:
            raise InputError(f"distribution has unknown key(s) {unknown}; allowed: "
                             f"{', '.join(_KEYS)}")
        n = _count(m.get("n", 1), "n", 1, MAX_TASKS)
        seed = _count(m.get("seed", 0), "seed", 0, 2 ** 63 - 1)
        digits = _count(m.get("digits", DEFAULT_DIGITS), "digits", 1, 50)
        laws = {k: parse_law(m[k], k, digits) for k in FIELDS if k in m}
        scale = parse_law(m["scale"], "scale", digits) if "scale" in m else None
        missing = [k for k in ("A", "B", "Q", "R") if k not in m]
        if missing:
            raise InputError(f"distribution is missing {', '.join(missing)}")
        _check_support(laws, scale)
        return cls(laws, n, seed, digits, scale, name)

    @classmethod
    def parse(cls, text: str, name: str = "") -> "Distribution":
        """From ``"A=1, B=1, Q=uniform(1,5), R=loguniform(0.1,10), n=1000, seed=7"``."""
        if not isinstance(text, str):
            raise InputError("expected text")
        if len(text) > 2000:
            raise InputError("spec longer than 2000 characters")
        m, pos = {}, 0
        while pos < len(text.rstrip()):
            item = _ITEM.match(text, pos)
            if item is None or item.end() == pos:
                rest = text[pos:].strip()
                shown = rest if len(rest) <= 30 else rest[:27] + "..."
                raise InputError(f"cannot read {shown!r}; write "
                                 "KEY=VALUE items separated by commas, e.g. "
                                 "A=1,B=1,Q=uniform(1,5),R=loguniform(0.1,10)")
            key = item.group(1)
            if key in m:
                raise InputError(f"{key} given twice")
            m[key] = item.group(2)
            pos = item.end()
        return cls.from_mapping(m, name)

    def with_(self, n: Optional[int] = None, seed: Optional[int] = None) -> "Distribution":
        """The same laws with another ``n`` and/or ``seed``."""
        return Distribution(self.laws, self.n if n is None else _count(n, "n", 1, MAX_TASKS),
                            self.seed if seed is None else _count(seed, "seed", 0, 2 ** 63 - 1),
                            self.digits, self.scale, self.name)

    def laws_text(self) -> str:
        """The laws and ``digits``, without ``n`` and ``seed``."""
        parts = [f"{k}={law}" for k, law in self.laws.items()]
        if self.scale is not None:
            parts.append(f"scale={self.scale}")
        return ", ".join(parts + [f"digits={self.digits}"])

    def __str__(self) -> str:
        return self.laws_text().replace(", digits=", f", n={self.n}, seed={self.seed}, digits=")

    def draw(self, n: Optional[int] = None) -> list:
        """The first ``n`` (default ``self.n``) tasks of the seed's stream.

        Task ``i`` uses the raw outputs ``i r ... i r + r - 1`` of PCG64(seed),
        ``r`` the number of random laws, in the order A, B, Q, R, s0, s0a, scale.
        """
        n = self.n if n is None else _count(n, "n", 1, MAX_TASKS)
        laws = [(k, law) for k, law in self.laws.items()]
        randoms = [law for _, law in laws if law.random] + (
            [self.scale] if self.scale is not None and self.scale.random else [])
        raw = _raw_draws(self.seed, n * len(randoms))
        tasks, r = [], len(randoms)
        for i in range(n):
            us = iter(Fraction(int(x) >> (64 - _U_BITS), 2 ** _U_BITS)
                      for x in raw[i * r:(i + 1) * r])
            vals = {k: (law.sample(next(us), self.digits) if law.random else law.args[0])
                    for k, law in laws}
            if self.scale is not None:
                c = self.scale.sample(next(us), self.digits) if self.scale.random \
                    else self.scale.args[0]
                vals["Q"], vals["R"] = vals["Q"] * c, vals["R"] * c
            try:
                tasks.append(Task.from_mapping(vals))
            except InputError as exc:
                raise InputError(f"drawn task {i + 1} (seed {self.seed}): {exc}") from None
        return tasks

    def taskset(self, eta, n: Optional[int] = None, weights=None) -> TaskSet:
        """The drawn tasks with step size ``eta`` (uniform weights by default)."""
        return TaskSet(self.draw(n), eta, weights, name=self.name or "distribution",
                       note=f"drawn from {self.with_(n=n)}")


def _raw_draws(seed: int, count: int) -> list:
    """``count`` raw 64-bit outputs of numpy's PCG64 bit generator for ``seed``."""
    if count == 0:
        return []
    import numpy as np
    return np.random.PCG64(seed).random_raw(count).tolist()


def _check_support(laws: dict, scale: Optional[Law]) -> None:
    """Refuse laws that can draw an invalid cost (Q < 0, R <= 0, scale <= 0, s0 = 0)."""
    if scale is not None and scale.bounds()[0] <= 0:
        raise InputError(f"scale = {scale} can be <= 0; the cost scale must be > 0")
    if laws["R"].bounds()[0] <= 0:
        raise InputError(f"R = {laws['R']} can be <= 0; the control cost must be > 0")
    if laws["Q"].bounds()[0] < 0:
        raise InputError(f"Q = {laws['Q']} can be < 0; the state cost must be >= 0")
    for k in ("s0", "s0a"):
        if k in laws and laws[k].random and laws[k].bounds()[0] <= 0 <= laws[k].bounds()[1]:
            raise InputError(f"{k} = {laws[k]} can be 0; give a range that excludes 0")
