"""Which kind of point a stationary point is, and its one human label.

``PointKind`` is the certified type of a point (the ``"type"`` of the JSON):
``MIN`` and ``MAX`` are strict local extrema with ``h'' != 0`` (or kinks where
``h`` rises or falls on both sides), ``DEGENERATE`` is every other stationary
point (``h'' = 0``, or a kink that is no extremum). ``ATTRACTING``,
``REPELLING`` (fixed points of an outer update ``W <- W - beta g(W)`` where
``g`` changes sign from - to + or from + to -) and ``KINK`` (a point where the
objective is undefined) are the kinds of the MAML variants and of honest
normalized kinks; the landscape of today's engine never produces them.

:func:`point_label` is the one place where "global min", "spurious min" and
"undecided min" are decided; the text table, the plots and the atlas all call it.

>>> point_label(PointKind.MIN, is_global=False)
'spurious min'
>>> point_label(PointKind.DEGENERATE, extremum=PointKind.MIN, is_global=True)
'global min'
>>> point_label(PointKind.MAX)
'max'
"""
from __future__ import annotations

import enum
from typing import Optional

__all__ = ["PointKind", "point_label", "MIN_LABELS"]


class PointKind(enum.Enum):
    """The kind of a certified point; ``kind.value`` is its JSON string."""
    MIN = "min"
    MAX = "max"
    DEGENERATE = "degenerate"
    ATTRACTING = "attracting"
    REPELLING = "repelling"
    KINK = "kink"

    def __repr__(self) -> str:
        return f"PointKind.{self.name}"


#: The label of a local minimum by its globality (True, False, None = undecided).
MIN_LABELS = {True: "global min", False: "spurious min", None: "undecided min"}


def point_label(kind: PointKind, is_global: Optional[bool] = None,
                extremum: Optional[PointKind] = None) -> str:
    """"global min", "spurious min" or "undecided min" for a local minimum,
    else the kind's name ("max", "degenerate", ...).

    A point is a local minimum when its kind is ``MIN`` or its ``extremum``
    (the sign change of ``h'``, which a degenerate point may also have) is
    ``MIN``; ``is_global`` is True, False, or None when not decided.

    >>> [point_label(PointKind.MIN, g) for g in (True, False, None)]
    ['global min', 'spurious min', 'undecided min']
    >>> point_label(PointKind.DEGENERATE, extremum=PointKind.MAX)
    'degenerate'
    """
    if kind is PointKind.MIN or extremum is PointKind.MIN:
        return MIN_LABELS[is_global]
    return kind.value
