"""Per-task terms of ``h``, ``h'`` and ``h''``, written once over ``+ - * /``.

For task ``i`` (gradient adaptation) with ``u = A - B W``, ``D = 1 - u^2``,
``N = Q + R W^2``, ``c = A B R W^2 + (R (1 - A^2) + B^2 Q) W - A B Q``:

    C(W)    = s0^2 N / D                 C'(W)  = 2 s0^2 c / D^2
    C''(W)  = 2 s0^2 (c' D - 2 c D') / D^3
    C'''(W) = 2 s0^2 ((c'' D - c' D' - 2 c D'') D - 3 D' (c' D - 2 c D')) / D^4
    F(W) = W - eta C_a'(W),  F' = 1 - eta C_a'',  F'' = -eta C_a'''   (C_a: s0a)
    h_i = w C(F),  h_i' = w C'(F) F' = P / e^2,  h_i'' = w (C''(F) F'^2 + C'(F) F'')

with ``e = D(F)`` (the adapted policy is stable iff ``e > 0``) and
``P = 2 w s0^2 c(F) F'``; ``D' = 2 B u``, ``D'' = -2 B^2``. The quadratic ``c``
is kept in vertex form ``c2 (W - v)^2 + c1 (W - v) + c0`` (``c1 = 0`` when
``c2 != 0``), so ``W`` occurs once in it and an interval evaluation is tight.

The same :func:`terms` runs on exact ``Fraction`` parameters (exact values at a
rational point), on :class:`~symlqr.scalar.intervals.IV` arrays (all tasks at once,
float intervals) and on ``flint.arb`` balls (one task at a time, any precision).

The coefficients of ``c`` come from the closed form
:func:`symlqr.scalar.closed_forms.stationarity` (instantiated in QQ[W]). ``D``,
``C`` and ``C'`` are the closed forms ``closed_loop``, ``cost`` and
``gradient`` of :mod:`~symlqr.scalar.closed_forms` rearranged for interval
arithmetic, where ``x**2`` is tight and ``x * x`` is not (``[-1, 1]**2 = [0, 1]``
but ``[-1, 1] * [-1, 1] = [-1, 1]``): squares, ``W`` once in ``c``, and the
constants ``2 s0^2`` and ``eta 2 s0a^2`` taken exactly. The test
``tests/test_scalar_closed_forms.py`` checks that every term equals the closed
forms (and sympy's derivatives of them) exactly at rational points.

>>> from symlqr.tasks import Task
>>> p = TaskParams.from_tasks([Task(1, 1, 2, 2)], Fraction(1, 100), [Fraction(1)])
>>> t = terms(Fraction(1, 2), p.exact(0))
>>> t["F"], t["h"]
(Fraction(233, 450), Fraction(513578, 155411))
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Sequence

import flint
import numpy as np

from . import closed_forms as cf
from .intervals import IV
from ..exact.ratfunc import to_fraction
from ..tasks import Task

__all__ = ["TaskParams", "terms", "interval_terms", "merge_identical"]

FIELDS = ("A", "B", "Q", "R", "c2", "v", "c1", "c0", "ka", "eka", "so2", "eta", "w")


def _vertex(t: Task) -> tuple:
    """``(c2, v, c1, c0)`` of ``c`` in vertex form, exactly: the coefficients of
    the closed form :func:`~symlqr.scalar.closed_forms.stationarity` instantiated
    in QQ[W], then the square completed."""
    c = cf.stationarity(*(flint.fmpq(x.numerator, x.denominator) for x in (t.A, t.B, t.Q, t.R)),
                        flint.fmpq_poly([0, 1]))
    c0, c1, c2 = (to_fraction(c[k]) for k in range(3))
    if c2 != 0:
        v = -c1 / (2 * c2)
        return c2, v, Fraction(0), c0 - c1 * c1 / (4 * c2)
    return Fraction(0), Fraction(0), c1, c0


def merge_identical(tasks: Sequence[Task], weights: Sequence[Fraction]) -> tuple[list, list]:
    """Identical tasks as one task with the summed weight (order of first use).

    >>> ts, ws = merge_identical([Task(1, 1, 2, 2)] * 3, [Fraction(1, 3)] * 3)
    >>> len(ts), ws
    (1, [Fraction(1, 1)])
    """
    index: dict = {}
    out_t, out_w = [], []
    for t, w in zip(tasks, weights):
        key = t.as_tuple()
        if key in index:
            out_w[index[key]] += w
        else:
            index[key] = len(out_t)
            out_t.append(t)
            out_w.append(Fraction(w))
    return out_t, out_w


@dataclass
class TaskParams:
    """Exact per-task constants (lists of Fractions) and their interval arrays."""
    tasks: list
    values: dict          # field -> list[Fraction]
    iv: dict              # field -> IV of shape (k,)

    @classmethod
    def from_tasks(cls, tasks: Sequence[Task], eta, weights: Sequence) -> "TaskParams":
        vals = {f: [] for f in FIELDS}
        for t, w in zip(tasks, weights):
            c2, v, c1, c0 = _vertex(t)
            row = {"A": t.A, "B": t.B, "Q": t.Q, "R": t.R, "c2": c2, "v": v, "c1": c1,
                   "c0": c0, "ka": 2 * t.s0_adapt ** 2,
                   "eka": 2 * t.s0_adapt ** 2 * Fraction(eta), "so2": t.s0 ** 2,
                   "eta": Fraction(eta), "w": Fraction(w)}
            for f in FIELDS:
                vals[f].append(row[f])
        return cls(list(tasks), vals, {f: IV.exact(vals[f]) for f in FIELDS})

    def __len__(self) -> int:
        return len(self.tasks)

    def exact(self, i: int) -> dict:
        """Task ``i``'s constants as Fractions."""
        return {f: self.values[f][i] for f in FIELDS}

    def arb(self, i: int) -> dict:
        """Task ``i``'s constants as arb balls at the current ``flint.ctx.prec``."""
        return {f: flint.arb(flint.fmpq(x.numerator, x.denominator))
                for f, x in self.exact(i).items()}

    def intervals(self, rows: slice = slice(None)) -> dict:
        """Interval arrays of shape ``(1, k)`` (to broadcast against boxes ``(m, 1)``)."""
        return {f: IV(v.lo[rows][None, :], v.hi[rows][None, :]) for f, v in self.iv.items()}


def _cost_parts(W, p):
    """``u, D, D', c, c'`` at ``W`` for constants ``p``."""
    u = p["A"] - p["B"] * W
    D = 1 - u ** 2
    Dp = 2 * p["B"] * u
    s = W - p["v"]
    c = p["c2"] * s ** 2 + p["c1"] * s + p["c0"]
    cp = 2 * p["c2"] * s + p["c1"]
    return u, D, Dp, c, cp


def terms(W, p: dict, second: bool = True) -> dict:
    """Per-task ``F, e, P, h, h'`` (and ``h''`` when ``second``) at ``W``."""
    _, D, Dp, c, cp = _cost_parts(W, p)
    Dpp = -2 * p["B"] ** 2
    eka = p["eka"]                                # eta * ka, multiplied last: exactly 0
    G = cp * D - 2 * c * Dp                       # when s0a = 0 (F = W) whatever D is
    F = W - eka * (c / D ** 2)                    # C_a'' = ka G / D^3
    Fp = 1 - eka * (G / (D ** 2 * D))
    uY, DY, DpY, cY, cpY = _cost_parts(F, p)
    ko = 2 * p["so2"]
    w = p["w"]
    P = w * ko * cY * Fp
    out = {"F": F, "e": DY, "DW": D, "P": P, "Fp": Fp, "cF": cY,
           "h": w * p["so2"] * (p["Q"] + p["R"] * F ** 2) / DY,
           "dh": P / DY ** 2}
    if second:
        cpp = 2 * p["c2"]
        C3 = ((cpp * D - cp * Dp - 2 * c * Dpp) * D - 3 * Dp * G) / (D ** 2) ** 2
        Fpp = -(eka * C3)
        C2Y = ko * (cpY * DY - 2 * cY * DpY) / (DY ** 2 * DY)
        out["d2h"] = w * (C2Y * Fp ** 2 + ko * cY / DY ** 2 * Fpp)
    return out


def interval_terms(lo: np.ndarray, hi: np.ndarray, params: TaskParams,
                   chunk: int = 4_000_000) -> dict:
    """Sums over tasks of ``h, h', h''`` on boxes ``[lo_j, hi_j]`` (float arrays),
    as :class:`IV` of shape ``(m,)``; tasks processed in chunks of memory ``m k``."""
    m, k = len(lo), len(params)
    step = max(1, chunk // max(m, 1))
    acc = None
    X = IV(np.asarray(lo)[:, None], np.asarray(hi)[:, None])
    for s in range(0, k, step):
        t = terms(X, params.intervals(slice(s, s + step)))
        part = {key: t[key].sum(axis=1) for key in ("h", "dh", "d2h")}
        acc = part if acc is None else {key: acc[key] + part[key] for key in part}
    return acc
