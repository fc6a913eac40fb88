"""Which kind of point a stationary point is, and its one human label.

``PointKind`` is the certified type of a point (the ``"type"`` of the JSON):
``MIN`` and ``MAX`` are strict local extrema with ``h'' != 0``, ``DEGENERATE``
is every other stationary point (``h'' = 0``). ``ATTRACTING``, ``REPELLING``
(fixed points of an outer update ``W <- W - beta g(W)`` where ``g`` changes
sign from - to + or from + to -) and ``KINK`` (a point where the objective is
undefined) are the kinds of the MAML variants. The kinks of normalized
adaptation are not points of the landscape at all: ``h`` is undefined there,
and each is a :class:`~symlqr.scalar.results.Kink` record.

:func:`point_label` is the one place where "global min", "spurious min" and
"undecided min" are decided, and :func:`kink_behaviour` the one wording of what
descent does at a kink; the text table, the plots and the atlas call them.

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

__all__ = ["PointKind", "point_label", "MIN_LABELS", "kink_behaviour"]


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


def kink_behaviour(from_left: Optional[bool], from_right: Optional[bool],
                   stalls: Optional[bool]) -> str:
    """What descent does at a kink, from whether it runs in from each side
    and whether it stalls there (see :attr:`~symlqr.scalar.results.Kink.stalls`).

    >>> kink_behaviour(True, False, False)
    'descent runs in from the left and passes on to the right'
    >>> kink_behaviour(False, False, False), kink_behaviour(True, None, None)
    ('descent never runs in', 'descent undecided')
    """
    if from_left is None or from_right is None:
        return "descent undecided"
    if stalls:
        where = " and ".join(s for s, d in (("left", from_left), ("right", from_right)) if d)
        return f"stalls: descent runs in from the {where} and cannot go on"
    if from_left:
        return "descent runs in from the left and passes on to the right"
    if from_right:
        return "descent runs in from the right and passes on to the left"
    return "descent never runs in"
