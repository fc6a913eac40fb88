"""The result of :func:`symlqr.scalar.fixedpoints.fixed_points`: certified
fixed points of a MAML variant, their counts and the JSON document of
``python -m symlqr.certify --method ... --steps ...``.

>>> from symlqr.tasks import figure
>>> from symlqr.scalar.fixedpoints import fixed_points
>>> fp = fixed_points(figure("fig2"), "fomaml", 2)
>>> fp
FixedPoints('fig2', fomaml K = 2: 5 fixed points, 3 attracting (1 at min h, 2 above), certified)
>>> fp.minima()[1]
FixedPoint(W≈0.618034, attracting, at min h, h≈1.69894)
>>> fp.epsilon.decimal(6)
'0.415148'
>>> print(fp.to_csv().splitlines()[0])
index,W,label,type,stability,multiplicity,h,global,h_minus_min_h,domain_interval

:class:`FixedPoints` has the protocol of every result
(:class:`symlqr.results.Result`): ``print(fp)`` is the table of
``python -m symlqr.certify --method ... --steps ...``, Jupyter shows an HTML
table, ``fp.plot()`` draws ``h`` with the points, ``fp.save(path)`` writes any
of them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from ..exact.balls import refine as ball_refine
from ..exact.enclosure import Enclosure
from ..exact.realroots import RealAlgebraic
from ..results import Result

__all__ = ["FixedPoint", "FixedPoints"]


@dataclass(repr=False)
class FixedPoint:
    """A certified root ``w`` of ``g`` in the domain; ``method``: whose ``g``."""
    W: RealAlgebraic
    type: str                      # maml: min|max|degenerate; else attracting|repelling|degenerate
    stability: str                 # "attracting", "repelling" or "none" (no sign change)
    multiplicity: int
    component: int
    h: Optional[Enclosure] = None
    gap: Optional[Enclosure] = None          # h(w) - min h
    is_global: Optional[bool] = None         # h(w) = min h (proven), or not, or undecided
    adapted_to_optimum: tuple = ()           # tasks i with F_i^K(w) = W*_i exactly
    method: str = "maml"

    @property
    def is_local_min(self) -> bool:
        """Attracting: for ``maml`` a strict local minimum of ``h``; for the
        others a point the variant's iteration converges to."""
        return self.stability == "attracting"

    @property
    def label(self) -> str:
        """"global min"/"spurious min" (maml), "attracting, at min h"/"attracting,
        above min h" (fomaml, reptile), "... undecided", "repelling", "max", ..."""
        if self.stability != "attracting":
            return self.type if self.type != "degenerate" else f"degenerate ({self.stability})"
        if self.method == "maml":
            return {True: "global min", False: "spurious min"}.get(self.is_global,
                                                                   "undecided min")
        return "attracting, " + {True: "at min h", False: "above min h"}.get(
            self.is_global, "undecided")

    def __repr__(self) -> str:
        h = "" if self.h is None else f", h≈{self.h.decimal(6)}"
        return f"FixedPoint(W≈{self.W.copy().decimal(6)}, {self.label}{h})"


@dataclass(repr=False)
class FixedPoints(Result):
    """The certified fixed points of one variant; see :func:`fixed_points`.

    The same surface as :class:`symlqr.scalar.results.Landscape`: ``points``,
    ``minima()`` (the attracting points), ``counts()``, ``min_value``,
    ``epsilon`` (a value), ``certified``, ``undecided`` and the protocol of
    :class:`symlqr.results.Result`."""
    taskset: object
    method: str
    steps: int
    domain: list                              # [(lo, hi)] RealAlgebraic or None ends
    points: list
    min_value: Optional[Enclosure] = None     # inf of h over the domain
    infimum_attained: Optional[bool] = None
    lower_bound: Optional[Enclosure] = None
    boundary_limits: list = field(default_factory=list)   # [(lo_limit, hi_limit)] per component
    undecided: list = field(default_factory=list)
    seconds: float = 0.0
    digits: int = 30

    adaptation = "gradient"          # as Landscape.adaptation: the variants adapt by gradient
    csv_columns = ("index", "W", "label", "type", "stability", "multiplicity", "h", "global",
                   "h_minus_min_h", "domain_interval")

    @property
    def certified(self) -> bool:
        return not self.undecided

    def attracting(self) -> list:
        return [p for p in self.points if p.stability == "attracting"]

    def minima(self) -> list:
        """The attracting points (for ``maml``: the local minima of ``h``), as
        :meth:`symlqr.scalar.results.Landscape.minima`."""
        return self.attracting()

    @property
    def epsilon(self) -> Optional[Enclosure]:
        """Largest ``h(w) - min h`` over the attracting points (for maml: the
        epsilon of epsilon-globality); a value, as ``Landscape.epsilon``."""
        gaps = [p.gap for p in self.attracting() if p.gap is not None]
        if not gaps or any(p.is_global is None for p in self.attracting()):
            return None
        return Enclosure(max(g.lo for g in gaps), max(g.hi for g in gaps))

    def counts(self) -> dict:
        att = self.attracting()
        c = {"stationary": len(self.points), "attracting": len(att),
             "repelling": sum(p.stability == "repelling" for p in self.points),
             "degenerate": sum(p.type == "degenerate" for p in self.points)}
        if self.method == "maml":
            c.update({"min": sum(p.type == "min" for p in self.points),
                      "max": sum(p.type == "max" for p in self.points),
                      "global_min": sum(p.is_global is True for p in att),
                      "spurious_min": sum(p.is_global is False for p in att)})
        else:
            c.update({"attracting_at_min_h": sum(p.is_global is True for p in att),
                      "attracting_above_min_h": sum(p.is_global is False for p in att)})
        return c

    def to_dict(self, digits: Optional[int] = None) -> dict:
        """The JSON document of ``python -m symlqr.certify --method ... --steps ...``."""
        digits = digits or self.digits
        ts, eps = self.taskset, self.epsilon
        enc = lambda e: None if e is None else e.decimal(digits)
        box = lambda e: None if e is None else e.outward(digits + 5)
        doc = {"name": ts.name, "method": self.method, "steps": self.steps,
               "adaptation": "gradient", "eta": str(ts.eta),
               "weights": [str(w) for w in ts.weights],
               "tasks": [t.to_dict() for t in ts.tasks], "digits": digits,
               "domain": [{"lo": "-inf" if a is None else _dec(a, digits),
                           "hi": "inf" if b is None else _dec(b, digits),
                           "lo_interval": None if a is None else [str(a.lo), str(a.hi)],
                           "hi_interval": None if b is None else [str(b.lo), str(b.hi)]}
                          for a, b in self.domain],
               "stationary_points": [_point_doc(p, digits) for p in self.points],
               "counts": self.counts(), "min_value": enc(self.min_value),
               "min_value_interval": box(self.min_value),
               "infimum_attained": self.infimum_attained,
               "lower_bound": enc(self.lower_bound), "epsilon": enc(eps),
               "epsilon_interval": box(eps), "certified": self.certified,
               "undecided": list(self.undecided)}
        if ts.note:
            doc["note"] = ts.note
        return doc

    def to_rows(self) -> list[dict]:
        """One flat dict a fixed point (:attr:`csv_columns`; ``index`` 1-based)."""
        return [dict({k: p.get(k) for k in self.csv_columns}, index=k, label=q.label)
                for k, (p, q) in enumerate(zip(self.to_dict()["stationary_points"],
                                               self.points), 1)]

    def __repr__(self) -> str:
        c, att = self.counts(), self.attracting()
        status = "certified" if self.certified else f"{len(self.undecided)} undecided"
        if self.method == "maml":
            split = f"{c['global_min']} global, {c['spurious_min']} spurious"
        else:
            split = (f"{c['attracting_at_min_h']} at min h, "
                     f"{c['attracting_above_min_h']} above")
        return (f"FixedPoints({self.taskset.name!r}, {self.method} K = {self.steps}: "
                f"{len(self.points)} fixed points, {len(att)} attracting ({split}), {status})")


def _dec(r: RealAlgebraic, digits: int) -> str:
    """Decimal of ``r`` (its bracket refined by Arb bisection first, which is
    fast at high degree)."""
    ball_refine(r, int(digits * 3.33) + 24)
    return r.decimal(digits)


def _point_doc(p: FixedPoint, digits: int) -> dict:
    doc = {"W": _dec(p.W, digits), "W_interval": [str(p.W.lo), str(p.W.hi)],
           "type": p.type, "stability": p.stability, "multiplicity": p.multiplicity,
           "h": p.h.decimal(digits), "h_interval": p.h.outward(digits + 5),
           "domain_interval": p.component,
           "adapted_to_optimum": [i + 1 for i in p.adapted_to_optimum]}  # 1-based, as in the text
    if p.stability == "attracting":
        doc["global"] = p.is_global
        doc["h_minus_min_h"] = None if p.gap is None else p.gap.decimal(digits)
        doc["h_minus_min_h_interval"] = None if p.gap is None else p.gap.outward(digits + 5)
    return doc
