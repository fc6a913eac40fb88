"""Parts of a piece: where the switch search proves which minimum is global on
some sub-ranges of a piece and not on others, the piece is shown as parts.

The search (:meth:`~symlqr.atlas.switches.SwitchSearch.resolve`) returns
segments ``[u, v]`` (rational ends) covering the piece; an ``"ok"`` segment
carries a proof that ``V_j > V_g`` on the whole closed ``[u, v]`` for every
other minimum ``j`` (branches trapped along a partition of ``[u, v]``, slopes
of the differences enclosed on every sub-interval). Maximal runs of
consecutive ``"ok"`` segments are the *proven* parts (closed: their rational
ends belong to them); the rest of the piece, between them, is *unproven* (open
at a proven end). The counts of minima and maxima are certified on the whole
piece, so every part keeps them; only a proven part carries global/spurious
labels, read from a landscape certified at a point of the part (its global
minimum is the run's ``g``).

>>> runs([("undecided", 0, 1, "La", 0), ("ok", 1, 2, "Lb", 2), ("ok", 2, 3, "Lc", 2)])
[(False, 0, 1, 'La', 0), (True, 1, 3, 'Lb', 2)]
>>> decimal_toward(Fraction(1, 3), 6, up=True), decimal_toward(Fraction(1, 3), 6, up=False)
('0.333334', '0.333333')
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Context, Decimal
from fractions import Fraction
from typing import Optional

from ..scalar.kinds import point_label
from ..scalar.landscape import Landscape

__all__ = ["Part", "runs", "decimal_toward", "landscape_counts", "landscape_labels"]


def landscape_counts(ls: Landscape, decided: bool) -> dict:
    """The landscape's counts; global/spurious counts None when not ``decided``."""
    c = dict(ls.counts())
    if not decided:
        c["global_min"] = c["spurious_min"] = None
    return c


def landscape_labels(ls: Landscape, decided: bool) -> list:
    """Each point's label; every minimum is "undecided min" when not ``decided``."""
    return [p.label if decided else point_label(p.kind, None, p.extremum) for p in ls.points]


@dataclass
class Part:
    """A sub-range of a piece. ``lo``/``hi`` are the rational points where the
    switch search proved (the end of a proven run), or None for the piece's
    own end (a critical value or the range's end). A proven part contains its
    rational ends; an unproven part excludes them."""
    lo: Optional[Fraction]
    hi: Optional[Fraction]
    decided: bool
    sample: Fraction
    landscape: Landscape

    @property
    def counts(self) -> dict:
        return landscape_counts(self.landscape, self.decided)

    def labels(self) -> list:
        return landscape_labels(self.landscape, self.decided)


def runs(segs: list) -> list:
    """``(proven, u, v, L, x)``: the segments ``(status, u, v, L, x)`` merged
    into maximal runs of proven ("ok") and of other segments, in order; ``L``
    and ``x`` from the run's first segment."""
    out: list = []
    for st, u, v, L, x in segs:
        ok = st == "ok"
        if out and out[-1][0] == ok:
            out[-1] = (ok, out[-1][1], v, out[-1][3], out[-1][4])
        else:
            out.append((ok, u, v, L, x))
    return out


def decimal_toward(x: Fraction, digits: int, up: bool) -> str:
    """``x`` to ``digits`` significant digits, rounded up (``up``) or down,
    in positional notation, so the decimal lies on the chosen side of ``x``."""
    x = Fraction(x)
    ctx = Context(prec=digits, rounding=ROUND_CEILING if up else ROUND_FLOOR)
    d = ctx.divide(Decimal(x.numerator), Decimal(x.denominator))
    s = format(d, "f")
    if "." in s:
        s = s.rstrip("0").rstrip(".")
    return s
