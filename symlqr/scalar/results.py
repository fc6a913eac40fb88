"""The results of a certification: domain intervals, stationary points, the landscape.

Everything here is read off exact or enclosed values; the decimal strings of
:meth:`Landscape.to_dict` never carry more digits than are certified. Text,
HTML and LaTeX renderings live in :mod:`symlqr.render`, which sits above this
layer: the package root registers them in :data:`symlqr.hooks.RENDERERS`, so that
``str(landscape)`` is the text table and Jupyter shows the HTML table without
this module importing upward. :class:`Landscape` has the protocol of every
result (:class:`symlqr.results.Result`: ``to_csv``, ``plot``, ``save``).

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

from dataclasses import dataclass, field
from typing import Optional

from .kinds import PointKind, kink_behaviour, point_label
from ..exact.enclosure import Enclosure
from ..exact.realroots import RealAlgebraic, distinct_decimals
from ..results import Result
from ..tasks import TaskSet
from .. import hooks as _hooks

__all__ = ["DomainInterval", "StationaryPoint", "Kink", "Landscape", "RENDERERS"]

#: Renderers of a :meth:`Landscape.to_dict` document by format ("text", "html",
#: "latex"): :data:`symlqr.hooks.RENDERERS`, registered by the package root.
RENDERERS = _hooks.RENDERERS


@dataclass(repr=False)
class DomainInterval:
    """An open interval of the domain (``None`` ends are infinite), on which
    ``h`` is one rational function. ``lo_limit``/``hi_limit``: the finite
    limit of ``h`` at an end (``None``: ``+inf``)."""
    lo: Optional[RealAlgebraic]
    hi: Optional[RealAlgebraic]
    lo_limit: Optional[Enclosure] = None
    hi_limit: Optional[Enclosure] = None

    def __repr__(self) -> str:
        """Short: the ends and the limits of ``h`` there, to 6 digits (copies:
        showing never narrows a bracket).

        >>> DomainInterval(None, RealAlgebraic.rational(2))
        DomainInterval((-inf, 2.0), h -> inf | inf)
        """
        ends = ["-inf" if self.lo is None else self.lo.copy().decimal(6),
                "inf" if self.hi is None else self.hi.copy().decimal(6)]
        lims = ["inf" if e is None else e.decimal(6) for e in (self.lo_limit, self.hi_limit)]
        return f"DomainInterval(({ends[0]}, {ends[1]}), h -> {lims[0]} | {lims[1]})"


@dataclass(repr=False)
class StationaryPoint:
    """A certified stationary point of ``h`` (a root of ``h'`` where ``h`` is
    defined; kinks are :class:`Kink` records, not points).

    ``kind`` is its certified type; ``extremum`` says whether ``h`` has a strict
    local minimum or maximum there (``PointKind.MIN``/``MAX``, or ``None``),
    which a ``DEGENERATE`` point may also have; ``multiplicity`` is that of the
    root of ``h'``."""
    W: RealAlgebraic
    kind: PointKind
    multiplicity: int
    mode: tuple
    component: int
    extremum: Optional[PointKind] = None
    h: Optional[Enclosure] = None
    is_global: Optional[bool] = None
    adapted_to_optimum: tuple = ()     # tasks i with F_i(W) = W*_i exactly
    adaptation_critical: tuple = ()    # tasks i with F_i'(W) = 0 exactly (gradient)

    @property
    def is_local_min(self) -> bool:
        return self.extremum is PointKind.MIN

    @property
    def label(self) -> str:
        """"global min", "spurious min", "undecided min", "max", "degenerate"."""
        return point_label(self.kind, self.is_global, self.extremum)

    def __repr__(self) -> str:
        h = "" if self.h is None else f", h≈{self.h.decimal(6)}"
        # a copy: showing a point never refines the bracket that to_dict() reports
        return f"StationaryPoint(W≈{self.W.copy().decimal(6)}, {self.label}{h})"


@dataclass(repr=False)
class Kink:
    """A kink of normalized adaptation: ``W = W*_i`` for the tasks ``tasks``
    (0-based), where ``C_i'(W) = 0`` makes the step ``0/0``, so ``h`` is
    undefined at ``W`` (out of the domain; not a stationary point).

    ``left``/``right``: the index of the domain interval ending/starting at
    ``W`` (``None``: that side is not in the domain); ``left_limit`` and
    ``right_limit`` the one-sided limits of ``h`` enclosed (``None``: no side,
    or ``+inf``); ``descent_from_left`` is True when ``h' < 0`` just left of
    ``W`` (``h`` decreases toward the kink, so descent from the left runs into
    it), ``descent_from_right`` when ``h' > 0`` just right of it (decided
    exactly; ``None``: undecided). Where descent runs in from one side and
    ``h'`` leads on beyond the kink, descent passes through it (``h`` jumps
    from one limit to the other); where it cannot go on (descent runs in from
    both sides, or the domain ends beyond), descent stalls at a point that is
    not a minimizer: :attr:`stalls`."""
    W: RealAlgebraic
    tasks: tuple
    left: Optional[int] = None
    right: Optional[int] = None
    descent_from_left: Optional[bool] = None
    descent_from_right: Optional[bool] = None
    left_limit: Optional[Enclosure] = None
    right_limit: Optional[Enclosure] = None

    @property
    def stalls(self) -> Optional[bool]:
        """True when descent runs into the kink from a side and cannot go on
        beyond it (descent runs in from the other side too, or that side is
        not in the domain); None when a side is undecided.

        >>> from fractions import Fraction
        >>> half = RealAlgebraic.rational(Fraction(1, 2))
        >>> [Kink(half, (0,), 0, 1, dl, dr).stalls for dl, dr in
        ...  ((True, True), (True, False), (False, False), (True, None))]
        [True, False, False, None]
        >>> Kink(half, (0,), 0, None, True, False).stalls       # the domain ends
        True
        """
        dl, dr = self.descent_from_left, self.descent_from_right
        if dl is None or dr is None:
            return None
        exit_left = self.left is not None and not dl
        exit_right = self.right is not None and not dr
        return (dl and not exit_right) or (dr and not exit_left)

    def behaviour(self) -> str:
        """What descent does at the kink, in words (decided exactly)."""
        return kink_behaviour(self.descent_from_left, self.descent_from_right, self.stalls)

    def __repr__(self) -> str:
        lim = ["-" if e is None else e.decimal(6) for e in (self.left_limit, self.right_limit)]
        tasks = ",".join(str(i + 1) for i in self.tasks)
        return (f"Kink(W≈{self.W.copy().decimal(6)}, task {tasks}, limits {lim[0]} | {lim[1]}, "
                f"{self.behaviour()})")


@dataclass(repr=False)
class Landscape(Result):
    """The certified landscape; see :func:`symlqr.scalar.landscape.certify`.

    ``min_value`` is the infimum of ``h`` over the domain: the least value
    among the local minima and the finite limits of ``h`` at the ends of the
    domain intervals (kinks included); ``infimum_attained`` says whether a
    local minimum attains it (None: undecided); ``epsilon`` is measured
    against it. ``kinks`` lists the :class:`Kink` records (normalized
    adaptation)."""
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
    kinks: list = field(default_factory=list)

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
        numbers = ends + [p.W for p in self.points] + [k.W for k in self.kinks]
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
        if self.adaptation == "normalized":
            doc.update(_infimum_doc(self.min_value, d))
            doc["kinks"] = [_kink_doc(k, d, dec) for k in self.kinks]
        if self.taskset.note:
            doc["note"] = self.taskset.note
        if not self.domain and self.adaptation == "gradient":
            from .walls import disjoint_tasks, disjoint_text      # which stable sets miss
            nums = disjoint_tasks(self.taskset.tasks, self.taskset.eta)
            doc["empty_domain"] = {"tasks": list(nums), "reason": disjoint_text(nums)}
        return doc

    csv_columns = ("index", "W", "label", "type", "multiplicity", "kind", "h", "global",
                   "domain_interval")

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

    def __repr__(self) -> str:
        c = self.counts()
        status = "certified" if self.certified else f"{len(self.undecided)} undecided"
        kinks = ""
        if self.kinks:
            stall = sum(k.stalls is True for k in self.kinks)
            kinks = f", {len(self.kinks)} kink{'s' if len(self.kinks) > 1 else ''} ({stall} stall)"
        return (f"Landscape({self.taskset.name!r}, {self.adaptation}: {c['stationary']} "
                f"stationary points, {c['min']} min ({c['global_min']} global, "
                f"{c['spurious_min']} spurious){kinks}, {status})")

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
    return {"lo": lo, "hi": hi, "lo_interval": lo_iv, "hi_interval": hi_iv,
            "h_limit_lo": "inf" if di.lo_limit is None else di.lo_limit.decimal(digits),
            "h_limit_hi": "inf" if di.hi_limit is None else di.hi_limit.decimal(digits)}


def _point_doc(p: StationaryPoint, digits: int, dec: dict) -> dict:
    doc = {"W": dec[id(p.W)], "W_interval": [str(p.W.lo), str(p.W.hi)],
           "type": p.kind.value, "extremum": "none" if p.extremum is None else p.extremum.value,
           "multiplicity": p.multiplicity, "kind": "smooth",   # kinks are not points
           "h": p.h.decimal(digits), "h_interval": p.h.outward(digits + 5),
           "domain_interval": p.component,
           "adapted_to_optimum": [i + 1 for i in p.adapted_to_optimum],  # 1-based, as in the text
           "adaptation_critical": [i + 1 for i in p.adaptation_critical]}
    if p.is_local_min:
        doc["global"] = p.is_global
    return doc


def _infimum_doc(value: Optional[Enclosure], digits: int) -> dict:
    """``infimum`` (the decimal ``min_value`` also shows) and its interval."""
    return {"infimum": None if value is None else value.decimal(digits),
            "infimum_interval": None if value is None else value.outward(digits + 5)}


def _limit_doc(limit: Optional[Enclosure], side: Optional[int], digits: int):
    """``[lo, hi]`` of a one-sided limit; ``"inf"`` when ``h -> +inf``; ``None``
    when that side is not in the domain."""
    if side is None:
        return None
    return "inf" if limit is None else limit.outward(digits + 5)


def _limit_decimal(limit: Optional[Enclosure], side: Optional[int], digits: int):
    """The certified decimal of a one-sided limit (as :func:`_limit_doc`)."""
    if side is None:
        return None
    return "inf" if limit is None else limit.decimal(digits)


def _kink_doc(k: Kink, digits: int, dec: dict) -> dict:
    return {"W": dec[id(k.W)], "W_interval": [str(k.W.lo), str(k.W.hi)],
            "tasks": [i + 1 for i in k.tasks],           # 1-based, as in the text
            "left_limit": _limit_doc(k.left_limit, k.left, digits),
            "right_limit": _limit_doc(k.right_limit, k.right, digits),
            "h_left": _limit_decimal(k.left_limit, k.left, digits),
            "h_right": _limit_decimal(k.right_limit, k.right, digits),
            "descent_from_left": k.descent_from_left,
            "descent_from_right": k.descent_from_right, "stalls": k.stalls}
