"""The results of a certification: domain intervals, stationary points, the landscape.

Everything here is read off exact or enclosed values; the decimal strings of
:meth:`Landscape.to_dict` never carry more digits than are certified. Text,
HTML and LaTeX renderings live in :mod:`symlqr.render`, which sits above this
layer: the package root registers them in :data:`RENDERERS`, so that
``str(landscape)`` is the text table and Jupyter shows the HTML table without
this module importing upward.

>>> from symlqr.tasks import figure
>>> from symlqr.scalar.landscape import certify
>>> ls = certify(figure("fig2"))
>>> ls
Landscape('fig2', gradient: 5 stationary points, 3 min (1 global, 2 spurious), certified)
>>> ls.points[0]
StationaryPoint(W≈0.14585, spurious min, h≈1.78541)
>>> round(float(ls.points[0].h), 4)
1.7854
>>> print(ls.to_csv().splitlines()[0])
index,W,label,type,multiplicity,kind,h,global,domain_interval
>>> print(str(ls).splitlines()[6])
    1  0.145849727429204674422290276827  1.78540539149709527412371023722  spurious min
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Callable, Optional

from .kinds import PointKind, point_label
from ..exact.enclosure import Enclosure
from ..exact.realroots import RealAlgebraic, distinct_decimals
from ..tasks import TaskSet

__all__ = ["DomainInterval", "StationaryPoint", "Landscape", "RENDERERS"]

#: Renderers of a :meth:`Landscape.to_dict` document by format ("text", "html",
#: "latex"), registered by the package root from :mod:`symlqr.render.report`.
RENDERERS: dict[str, Callable[[dict], str]] = {}


@dataclass
class DomainInterval:
    """An interval of the domain, open unless an end is a kink that belongs to
    the domain; ``None`` ends are infinite. ``lo is hi`` marks an isolated
    point of the domain. ``lo_limit``/``hi_limit``: the finite limit of ``h``
    at an open end (``None``: ``+inf``, or a closed end)."""
    lo: Optional[RealAlgebraic]
    hi: Optional[RealAlgebraic]
    lo_closed: bool = False
    hi_closed: bool = False
    lo_limit: Optional[Enclosure] = None
    hi_limit: Optional[Enclosure] = None

    @property
    def is_point(self) -> bool:
        return self.lo is not None and self.lo is self.hi


@dataclass(repr=False)
class StationaryPoint:
    """A certified stationary point (or kink) of ``h``.

    ``kind`` is its certified type; ``extremum`` says whether ``h`` has a strict
    local minimum or maximum there (``PointKind.MIN``/``MAX``, or ``None``),
    which a ``DEGENERATE`` point may also have; ``multiplicity`` is that of the
    root of ``h'`` (0 at a kink)."""
    W: RealAlgebraic
    kind: PointKind
    multiplicity: int
    mode: tuple
    component: int
    extremum: Optional[PointKind] = None
    at_kink: bool = False
    h: Optional[Enclosure] = None
    is_global: Optional[bool] = None
    adapted_to_optimum: tuple = ()     # tasks i with F_i(W) = W*_i exactly
    adaptation_critical: tuple = ()    # tasks i with F_i'(W) = 0 exactly (gradient)
    one_sided: dict = field(default_factory=dict)   # kinks: side -> "up"/"down"

    @property
    def is_local_min(self) -> bool:
        return self.extremum is PointKind.MIN

    @property
    def label(self) -> str:
        """"global min", "spurious min", "undecided min", "max", "degenerate"."""
        return point_label(self.kind, self.is_global, self.extremum)

    def __repr__(self) -> str:
        h = "" if self.h is None else f", h≈{self.h.decimal(6)}"
        kink = ", kink" if self.at_kink else ""
        # a copy: showing a point never refines the bracket that to_dict() reports
        return f"StationaryPoint(W≈{self.W.copy().decimal(6)}, {self.label}{kink}{h})"


@dataclass(repr=False)
class Landscape:
    """The certified landscape; see :func:`symlqr.scalar.landscape.certify`."""
    taskset: TaskSet
    adaptation: str
    digits: int
    domain: list
    points: list
    min_value: Optional[Enclosure]
    infimum_attained: Optional[bool]
    epsilon: Optional[Enclosure]
    lower_bound: Enclosure
    undecided: list
    seconds: float = 0.0

    @property
    def certified(self) -> bool:
        return not self.undecided

    def minima(self) -> list:
        return [p for p in self.points if p.is_local_min]

    def counts(self) -> dict:
        mins = self.minima()
        return {
            "stationary": len(self.points),
            "min": sum(p.kind is PointKind.MIN for p in self.points),
            "max": sum(p.kind is PointKind.MAX for p in self.points),
            "degenerate": sum(p.kind is PointKind.DEGENERATE for p in self.points),
            "global_min": sum(p.is_global is True for p in mins),
            "spurious_min": sum(p.is_global is False for p in mins),
        }

    def to_dict(self) -> dict:
        """The JSON document of ``python -m symlqr.certify --json``."""
        d = self.digits
        ends = [x for di in self.domain for x in (di.lo, di.hi) if x is not None]
        numbers = ends + [p.W for p in self.points]
        exact = [x for x in numbers if isinstance(x, RealAlgebraic)]
        dec = {id(x): x.decimal(d) for x in numbers}     # boxes: their certified digits
        dec.update(zip(map(id, exact), distinct_decimals(exact, d)))
        doc = {
            "name": self.taskset.name,
            "method": "maml",
            "steps": 1,
            "adaptation": self.adaptation,
            "eta": str(self.taskset.eta),
            "weights": [str(w) for w in self.taskset.weights],
            "tasks": [t.to_dict() for t in self.taskset.tasks],
            "digits": d,
            "domain": [_interval_doc(iv_, d, dec) for iv_ in self.domain],
            "stationary_points": [_point_doc(p, d, dec) for p in self.points],
            "counts": {**self.counts(),          # as fixed points of W <- W - beta h'(W)
                       "attracting": sum(p.kind is PointKind.MIN for p in self.points),
                       "repelling": sum(p.kind is PointKind.MAX for p in self.points)},
            "min_value": None if self.min_value is None else self.min_value.decimal(d),
            "min_value_interval": None if self.min_value is None else self.min_value.outward(d + 5),
            "infimum_attained": self.infimum_attained,
            "lower_bound": self.lower_bound.decimal(d),
            "epsilon": None if self.epsilon is None else self.epsilon.decimal(d),
            "epsilon_interval": None if self.epsilon is None else self.epsilon.outward(d + 5),
            "certified": self.certified,
            "undecided": list(self.undecided),
        }
        if self.taskset.note:
            doc["note"] = self.taskset.note
        return doc

    def to_rows(self) -> list[dict]:
        """One flat dict per stationary point (a table for pandas or CSV):
        ``index`` (1-based, as in the text table), ``W``, ``label``, ``type``,
        ``multiplicity``, ``kind``, ``h``, ``global``, ``domain_interval``."""
        rows = []
        for k, p in enumerate(self.to_dict()["stationary_points"], 1):
            rows.append({"index": k, "W": p["W"], "label": _label_of_doc(p), "type": p["type"],
                         "multiplicity": p["multiplicity"], "kind": p["kind"], "h": p["h"],
                         "global": p.get("global", ""), "domain_interval": p["domain_interval"]})
        return rows

    def to_csv(self) -> str:
        """:meth:`to_rows` as CSV text with a header line."""
        out = io.StringIO()
        fields = ["index", "W", "label", "type", "multiplicity", "kind", "h", "global",
                  "domain_interval"]
        writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
        writer.writeheader()
        writer.writerows(self.to_rows())
        return out.getvalue()

    def __repr__(self) -> str:
        c = self.counts()
        status = "certified" if self.certified else f"{len(self.undecided)} undecided"
        return (f"Landscape({self.taskset.name!r}, {self.adaptation}: {c['stationary']} "
                f"stationary points, {c['min']} min ({c['global_min']} global, "
                f"{c['spurious_min']} spurious), {status})")

    def __str__(self) -> str:
        render = RENDERERS.get("text")
        return render(self.to_dict()) if render is not None else repr(self)

    def _repr_html_(self) -> Optional[str]:
        render = RENDERERS.get("html")
        return render(self.to_dict()) if render is not None else None

    def _repr_latex_(self) -> Optional[str]:
        """The stationary points as a LaTeX array (Jupyter, nbconvert)."""
        render = RENDERERS.get("latex")
        return render(self.to_dict()) if render is not None else None


def _label_of_doc(p: dict) -> str:
    ext = None if p["extremum"] == "none" else PointKind(p["extremum"])
    return point_label(PointKind(p["type"]), p.get("global"), ext)


def _end_doc(x: Optional[RealAlgebraic], dec: dict, inf: str):
    if x is None:
        return inf, None
    return dec[id(x)], [str(x.lo), str(x.hi)]


def _interval_doc(di: DomainInterval, digits: int, dec: dict) -> dict:
    lo, lo_iv = _end_doc(di.lo, dec, "-inf")
    hi, hi_iv = _end_doc(di.hi, dec, "inf")
    doc = {"lo": lo, "hi": hi, "lo_interval": lo_iv, "hi_interval": hi_iv,
           "h_limit_lo": "inf" if di.lo_limit is None else di.lo_limit.decimal(digits),
           "h_limit_hi": "inf" if di.hi_limit is None else di.hi_limit.decimal(digits)}
    if di.is_point:                  # decided from the structure, not from decimals
        doc["isolated"] = True
    return doc


def _point_doc(p: StationaryPoint, digits: int, dec: dict) -> dict:
    doc = {"W": dec[id(p.W)], "W_interval": [str(p.W.lo), str(p.W.hi)],
           "type": p.kind.value, "extremum": "none" if p.extremum is None else p.extremum.value,
           "multiplicity": p.multiplicity, "kind": "kink" if p.at_kink else "smooth",
           "h": p.h.decimal(digits), "h_interval": p.h.outward(digits + 5),
           "domain_interval": p.component,
           "adapted_to_optimum": [i + 1 for i in p.adapted_to_optimum],  # 1-based, as in the text
           "adaptation_critical": [i + 1 for i in p.adaptation_critical]}
    if p.is_local_min:
        doc["global"] = p.is_global
    if p.at_kink:
        doc["one_sided"] = dict(p.one_sided)
    return doc
