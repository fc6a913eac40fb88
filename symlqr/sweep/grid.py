"""Sweep grids: exact parameter values from ``NAME=LO:HI:COUNT`` or lists.

A grid axis is one of

    eta     the step size (rational > 0)
    delta   task spread: task_i(delta) = t_1 + delta (t_i - t_1), every field
            (Proposition 3's heterogeneity; ``python -m symlqr.atlas --vary delta``)
    n       number of tasks drawn from a distribution (integer >= 1)
    seed    seed of the draw (integer >= 0)

written as ``NAME=v1,v2,...``, ``NAME=LO:HI:COUNT`` (COUNT exact, evenly spaced
values including both ends) or ``NAME=LO:HI:COUNT:log`` (geometric, rounded to
6 significant digits; integers for ``n`` and ``seed``, duplicates dropped).

>>> parse_axis("eta=0.01:0.1:4")
('eta', (Fraction(1, 100), Fraction(1, 25), Fraction(7, 100), Fraction(1, 10)))
>>> parse_axis("n=2:1000:6:log")
('n', (2, 7, 24, 83, 289, 1000))
>>> parse_axis("seed=0,1,2")
('seed', (0, 1, 2))
"""
from __future__ import annotations

import itertools
import math
import re
from fractions import Fraction

from ..distributions import MAX_TASKS, round_significant
from ..tasks import InputError, parse_rational

__all__ = ["AXES", "parse_axis", "grid_points", "MAX_POINTS"]

AXES = ("eta", "delta", "n", "seed")
#: Most points one sweep evaluates.
MAX_POINTS = 1_000_000
_AXIS = re.compile(r"\s*([a-z]+)\s*=\s*(.+?)\s*", re.ASCII)
_RANGE = re.compile(r"([^:]+):([^:]+):\s*(\d{1,7})\s*(?::\s*(lin|log)\s*)?", re.ASCII)


def _value(name: str, text: str):
    what = f"--grid {name}"
    if name in ("n", "seed"):
        if not re.fullmatch(r"\s*\+?\d{1,19}\s*", text):
            raise InputError(f"{what}: {text.strip()[:30]!r} is not a whole number")
        v = int(text)
        lo, hi = (1, MAX_TASKS) if name == "n" else (0, 2 ** 63 - 1)
        if not lo <= v <= hi:
            raise InputError(f"{what} = {v}: must be between {lo} and {hi}")
        return v
    v = parse_rational(text, what)
    if name == "eta" and v <= 0:
        raise InputError(f"{what} = {v}: the step size must be > 0")
    return v


def _spaced(name: str, lo, hi, count: int, log: bool) -> tuple:
    if count < 1:
        raise InputError(f"--grid {name}: COUNT must be >= 1")
    if count == 1:
        if lo != hi:
            raise InputError(f"--grid {name}: one value needs LO = HI")
        return (lo,)
    if not lo < hi:
        raise InputError(f"--grid {name}: {name}={lo}:{hi}:{count} needs LO < HI")
    if not log:
        vals = [lo + (hi - lo) * Fraction(i, count - 1) for i in range(count)]
    else:
        if lo <= 0:
            raise InputError(f"--grid {name}: a log range needs LO > 0")
        step = (math.log(hi) - math.log(lo)) / (count - 1)
        inner = [Fraction(math.exp(math.log(lo) + i * step)) for i in range(1, count - 1)]
        vals = [Fraction(lo)] + [round_significant(v, 6) for v in inner] + [Fraction(hi)]
    if name in ("n", "seed"):
        vals = [int(round(v)) for v in vals]
    out = []
    for v in vals:
        if v not in out:
            out.append(v)
    return tuple(out)


def parse_axis(text: str) -> tuple:
    """``(name, values)`` from ``"eta=0.01:0.1:10"``, ``"n=2,5,11"`` or a log range."""
    m = _AXIS.fullmatch(text) if isinstance(text, str) and len(text) <= 10_000 else None
    if m is None:
        raise InputError(f"--grid {str(text)[:30]!r}: write NAME=LO:HI:COUNT[:log] or "
                         f"NAME=v1,v2,... with NAME one of {', '.join(AXES)}")
    name, spec = m.group(1), m.group(2)
    if name not in AXES:
        raise InputError(f"--grid: unknown parameter {name!r}; choose {', '.join(AXES)}")
    r = _RANGE.fullmatch(spec)
    if r:
        lo, hi = _value(name, r.group(1)), _value(name, r.group(2))
        vals = _spaced(name, lo, hi, int(r.group(3)), r.group(4) == "log")
    elif ":" in spec:
        raise InputError(f"--grid {name}={spec[:30]}: a range is {name}=LO:HI:COUNT[:log] "
                         f"(COUNT values from LO to HI, e.g. {name}=0.01:0.1:10)")
    else:
        vals = tuple(_value(name, v) for v in spec.split(","))
        if len(set(vals)) != len(vals):
            raise InputError(f"--grid {name}: a value is listed twice")
    return name, vals


def grid_points(axes: list) -> list:
    """The product of the axes as a list of ``{name: value}`` (first axis slowest).

    >>> grid_points([("eta", (Fraction(1, 10),)), ("seed", (1, 2))])
    [{'eta': Fraction(1, 10), 'seed': 1}, {'eta': Fraction(1, 10), 'seed': 2}]
    """
    names = [a for a, _ in axes]
    if len(set(names)) != len(names):
        raise InputError(f"--grid: a parameter is given twice ({', '.join(names)})")
    total = math.prod(len(v) for _, v in axes)
    if total > MAX_POINTS:
        raise InputError(f"--grid: {total} points; at most {MAX_POINTS}")
    return [dict(zip(names, combo)) for combo in itertools.product(*(v for _, v in axes))]
