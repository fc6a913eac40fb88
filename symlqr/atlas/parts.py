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

__all__ = ["Part", "runs", "decimal_toward", "landscape_counts", "landscape_labels",
           "global_index", "undecided_parts"]


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


def global_index(ls: Landscape) -> Optional[tuple]:
    """Indices of the global minima among the points (None if undecided)."""
    mins = [k for k, p in enumerate(ls.points) if p.is_local_min]
    if any(ls.points[k].is_global is None for k in mins):
        return None
    return tuple(k for k in mins if ls.points[k].is_global)


def undecided_parts(fam, piece, group, a, b, undecided, why: dict) -> None:
    """Split a piece whose global minimum is proven on some runs of segments
    only into :class:`~symlqr.atlas.parts.Part` s, and note the unproven ranges
    (their ends rounded outward)."""
    rs = [r if not r[0] or _one_global(group, r) else (False,) + r[1:] for r in runs(group)]
    rs = runs([("ok" if ok else "undecided", u, v, L, x) for ok, u, v, L, x in rs])
    if any(ok for ok, *_ in rs):
        last = len(rs) - 1
        piece.parts = [Part(None if i == 0 else u, None if i == last else v, ok, x, L)
                       for i, (ok, u, v, L, x) in enumerate(rs)]
        where = "this sub-range (labels proven on the rest of the piece)"
    else:
        where = "this piece"
    bad = [(u, v) for ok, u, v, *_ in rs if not ok] or [(a, b)]
    reasons = sorted({why[(u, v)] for st, u, v, *_ in group if st != "ok" and (u, v) in why})
    piece.switch_note = ("which minimum is global is not proven on "
                         + ", ".join(f"[{_short(u, False)}, {_short(v, True)}]" for u, v in bad)
                         + (" (" + "; ".join(reasons) + ")" if reasons else "")
                         + f": no global/spurious labels on {where}")
    undecided.append(f"piece around {fam.param} = {piece.sample}: {piece.switch_note}")


def _one_global(group, run) -> bool:
    """Do the certified landscapes of the run's "ok" segments name one and the
    same global minimum (as the proofs of the segments say they must)?"""
    _ok, u, v = run[:3]
    gs = {global_index(L) for st, su, sv, L, _x in group if st == "ok" and u <= su and sv <= v}
    return len(gs) == 1 and None not in gs and len(next(iter(gs))) == 1


def _short(x, up: bool) -> str:
    return "?" if x is None else decimal_toward(x, 6, up)
