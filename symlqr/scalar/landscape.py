"""Certified landscape of a MAML objective: domain, stationary points, types,
global versus spurious minima, and the epsilon of epsilon-globality.

:func:`certify` composes the named stages, each exact or enclosed and each
passing typed values to the next:

1. :func:`~symlqr.scalar.cells.domain_cells` -> ``list[Cell]``: the line cut at
   the exactly isolated walls (and kinks), each cell's mode and membership;
2. :func:`~symlqr.scalar.cells.components` -> ``list[Component]``: maximal
   open intervals of the domain, each where ``h`` is one rational function
   (kinks are out of the domain: :func:`~symlqr.scalar.cells.kink_sites`);
3. :func:`~symlqr.scalar.points.stationary_points` -> ``list[Root]``: every root
   of ``h'`` in a component, an exact count;
4. :func:`~symlqr.scalar.points.classify` -> ``list[StationaryPoint]``: exact
   types; :func:`~symlqr.scalar.points.classify_kinks` -> ``list[Kink]``: from
   which side descent runs into each kink;
5. :func:`~symlqr.scalar.values.point_values` -> ``Valued``: ``h`` enclosed at
   every point and at the ends of the domain intervals (the one-sided limits
   at the kinks), and the lower bound;
6. :func:`~symlqr.scalar.values.global_minima` -> ``Minima``: the infimum of
   ``h`` (attained or not), global versus spurious minima, epsilon against
   the infimum; undecided when precision runs out.

>>> from symlqr.tasks import figure
>>> ls = certify(figure("fig1"))
>>> ls.counts()["min"], ls.counts()["global_min"], ls.certified
(3, 3, True)
"""
from __future__ import annotations

import time
from typing import Optional

from . import lqr
from .cells import components, domain_cells, kink_sites
from .deadline import Progress, Timeout, checker
from .maml import MamlObjective
from .points import classify, classify_kinks, constant_modes, stationary_points
from .results import DomainInterval, Kink, Landscape, StationaryPoint
from .values import MINPOLY_MAX_DEGREE, global_minima, point_values
from ..exact.enclosure import Enclosure
from ..exact.realroots import MAX_BITS
from ..tasks import InputError, TaskSet

__all__ = ["certify", "Landscape", "StationaryPoint", "Kink", "DomainInterval", "Timeout",
           "MINPOLY_MAX_DEGREE", "MAX_DEGREE", "TooLarge", "degree_bound", "Enclosure"]

#: Largest bound on the degree of the numerator of ``h'`` that :func:`certify`
#: attempts (see :func:`degree_bound`): 50 distinct tasks. Measured on one core:
#: degree 400 about 10-40 s, 600 about 1 min, 800-1000 about 2-4 min. The FLINT
#: factorization inside (C code, which no timeout can interrupt) takes about 6 s
#: at degree 800, 14 s at 1000 and 31 s at 1200.
MAX_DEGREE = 1000


class TooLarge(InputError):
    """The task set is beyond :data:`MAX_DEGREE`; ``str(err)`` is one line."""


def degree_bound(taskset: TaskSet, adaptation: str = "gradient") -> int:
    """Upper bound on the degree of the numerator of ``h'`` on one mode.

    Each ``C_i(F_i(W))`` is a ratio of polynomials of degree ``<= 10``
    (gradient adaptation; ``<= 2`` normalized), identical tasks give identical
    terms, so ``h`` has a denominator of degree ``<= 10 n`` and ``h'`` a
    numerator of degree ``< 20 n`` for ``n`` distinct tasks (``4 n``).

    >>> from symlqr.tasks import figure
    >>> degree_bound(figure("fig3d"))      # the exact degree is 218
    220
    """
    n = len({t.as_tuple() for t in taskset.tasks})
    return (20 if adaptation == "gradient" else 4) * n


def _check_size(taskset: TaskSet, adaptation: str, max_degree: Optional[int]) -> None:
    bound = degree_bound(taskset, adaptation)
    if max_degree is not None and bound > max_degree:
        n = len({t.as_tuple() for t in taskset.tasks})
        raise TooLarge(f"too large: {n} distinct tasks give h' a numerator of degree up to "
                       f"{bound}, above the limit {max_degree} "
                       "(minutes at degree 600, growing faster than cubically); use fewer "
                       "distinct tasks (repeated tasks cost nothing), or call "
                       "symlqr.scalar.landscape.certify(..., max_degree=None)")


def certify(taskset: TaskSet, adaptation: str = "gradient", digits: int = 30,
            max_bits: int = MAX_BITS, deadline: Optional[float] = None,
            progress: Optional[Progress] = None,
            max_degree: Optional[int] = MAX_DEGREE) -> Landscape:
    """Certify the landscape of ``h(W) = sum_i w_i C_i(F_i(W))``.

    Parameters
    ----------
    taskset : TaskSet
    adaptation : "gradient" or "normalized"
    digits : significant digits of the decimal values reported
    max_bits : precision cap for comparisons before "undecided"
    deadline : ``time.monotonic()`` value after which :class:`Timeout` is raised
        (checked cooperatively between stages and inside their loops; one long
        step, such as a root isolation at degree 500, is not interrupted: the
        command line adds a hard deadline, :mod:`symlqr.cli.worker`)
    progress : optional ``progress(stage_name)``, called as each stage finishes
        ("optimal gains", "domain", "stationary points", "values", "global minima")
    max_degree : refuse (:class:`TooLarge`) when :func:`degree_bound` exceeds it
        and the domain is not empty; ``None`` for no limit

    Returns
    -------
    Landscape

    Examples
    --------
    >>> from symlqr.tasks import figure
    >>> ls = certify(figure("fig2"), progress=print)
    optimal gains
    domain
    stationary points
    values
    global minima
    >>> ls.counts()["spurious_min"]
    2
    """
    return _certify(taskset, adaptation, digits, max_bits, checker(deadline),
                    progress if progress is not None else _ignore, max_degree)


def _certify(taskset, adaptation, digits, max_bits, check, progress, max_degree) -> Landscape:
    t_start = time.perf_counter()
    obj = MamlObjective(taskset, adaptation)
    # each task's cost has exactly one stationary point on its stable interval
    check("certifying each task's optimal gain")
    for t in taskset.tasks:
        lqr.optimal_gain_algebraic(t)
    progress("optimal gains")
    cells = domain_cells(obj, check)
    comps = components(cells)
    progress("domain")
    if comps:
        _check_size(taskset, adaptation, max_degree)
    undecided = [f"h is constant on mode {m}: every point is stationary"
                 for m in constant_modes(obj, comps)]
    roots = stationary_points(obj, comps, check)
    points = classify(obj, roots, max_bits, check)
    kinks = classify_kinks(obj, kink_sites(cells, comps), max_bits, check)
    undecided += [f"kink at W ~ {k.W.decimal(12)}: the sign of h' beside it is not decided "
                  f"within {max_bits} bits" for k in kinks if k.stalls is None]
    progress("stationary points")
    valued = point_values(obj, points, comps, digits, check, kinks)
    progress("values")
    m = global_minima(valued, max_bits, check)
    progress("global minima")
    return Landscape(taskset, adaptation, digits, m.domain, m.points, m.min_value,
                     m.infimum_attained, m.epsilon, m.lower_bound, undecided + m.undecided,
                     time.perf_counter() - t_start, kinks)


def _ignore(stage_name: str) -> None:
    """The default ``progress``: nothing to report to."""
