"""The domain of ``h`` from per-task walls, exactly, in time linear in the tasks.

Task ``i`` (gradient adaptation) allows the open set

    S_i = {W : D_i(W) > 0 and D_i(F_i(W)) > 0},   D_i(W) = 1 - (A_i - B_i W)^2,

whose boundary lies among the real roots of ``D_i`` (degree 2) and of the
numerator of ``D_i(F_i(W))`` (degree <= 10). Those roots are isolated exactly
(:func:`~symlqr.exact.realroots.real_roots`); between two consecutive roots
membership is constant and is read at a rational sample in exact arithmetic.
The domain is ``S_1 ∩ ... ∩ S_k``: a sorted merge of open intervals whose ends
are compared exactly (:meth:`RealAlgebraic.compare`). Identical tasks give
identical sets and are merged before (``taskterms.merge_identical``).

>>> from fractions import Fraction
>>> from symlqr.tasks import Task
>>> [(a.decimal(8), b.decimal(8)) for a, b in task_domain(Task(1, 1, 2, 2), Fraction(1, 100))]
[('0.071764693', '1.8350669')]
"""
from __future__ import annotations

from fractions import Fraction
from typing import Callable, Optional, Sequence

from .lqr import closed_loop_denominator
from .maml import adaptation_map
from ..exact.ratfunc import RationalFunction, to_fmpq
from ..exact.realroots import RealAlgebraic, real_roots, simplest_between
from ..tasks import Task

__all__ = ["task_domain", "intersect", "domain", "disjoint_tasks", "disjoint_text"]

End = Optional[RealAlgebraic]         # None: -inf on the left, +inf on the right


def _conditions(task: Task, eta) -> tuple:
    D = RationalFunction(closed_loop_denominator(task))
    return D, D.compose(adaptation_map(task, eta))


def _positive(f: RationalFunction, x: Fraction) -> bool:
    if f.den(to_fmpq(x)) == 0:
        return False
    return f(x) > 0


def _sample(lo: End, hi: End) -> Fraction:
    if lo is None and hi is None:
        return Fraction(0)
    if lo is None:
        return Fraction(int(hi.lo) - 1 - (1 if hi.lo < 0 else 0))
    if hi is None:
        return Fraction(int(lo.hi) + 1 + (0 if lo.hi >= 0 else 0))
    return simplest_between(lo.hi, hi.lo)


def task_domain(task: Task, eta) -> list[tuple[End, End]]:
    """``S_i`` as sorted disjoint open intervals ``(lo, hi)`` with exact ends."""
    D, DF = _conditions(task, eta)
    roots = [r for r, _ in real_roots(D.num * DF.num)] if not (D.num * DF.num).is_constant() \
        else []
    ends: list[End] = [None] + roots + [None]
    out: list[tuple[End, End]] = []
    for lo, hi in zip(ends, ends[1:]):
        x = _sample(lo, hi)
        if _positive(D, x) and _positive(DF, x):
            out.append((lo, hi))
    return out


def _cmp(a: RealAlgebraic, b: RealAlgebraic) -> int:
    if a is b:
        return 0
    if a.hi < b.lo:
        return -1
    if b.hi < a.lo:
        return 1
    return a.compare(b)


def _max_lo(a: End, b: End) -> End:
    if a is None or b is None:
        return b if a is None else a
    return a if _cmp(a, b) >= 0 else b


def _min_hi(a: End, b: End) -> End:
    if a is None or b is None:
        return b if a is None else a
    return a if _cmp(a, b) <= 0 else b


def _before(hi: End, lo: End) -> bool:
    """Is the open interval ending at ``hi`` entirely left of one starting at ``lo``?"""
    if hi is None or lo is None:
        return False
    return _cmp(hi, lo) <= 0


def intersect(xs: list, ys: list) -> list:
    """Intersection of two sorted lists of disjoint open intervals."""
    out, i, j = [], 0, 0
    while i < len(xs) and j < len(ys):
        lo = _max_lo(xs[i][0], ys[j][0])
        hi = _min_hi(xs[i][1], ys[j][1])
        if not _before(hi, lo):
            out.append((lo, hi))
        # advance the interval that ends first (None ends at +inf)
        a, b = xs[i][1], ys[j][1]
        if b is None or (a is not None and _cmp(a, b) <= 0):
            i += 1
        else:
            j += 1
    return out


def domain(tasks: Sequence[Task], eta, check: Optional[Callable[[int], None]] = None) -> list:
    """``S_1 ∩ ... ∩ S_k`` (``check(i)`` is called after each task: progress, deadlines).

    >>> from symlqr.tasks import figure
    >>> len(domain(figure("fig3d").tasks, figure("fig3d").eta))
    1
    """
    cur: list = [(None, None)]
    for i, t in enumerate(tasks):
        cur = intersect(cur, task_domain(t, eta))
        if check is not None:
            check(i)
        if not cur:
            break
    return cur


def disjoint_tasks(tasks: Sequence[Task], eta) -> tuple:
    """Why ``S_1 ∩ ... ∩ S_k`` is empty, as 1-based task numbers: ``(j, m)`` when
    the stable sets of tasks ``j`` and ``m`` alone do not meet, else ``(1, ..., m)``
    with tasks ``1 .. m-1`` sharing stable gains that task ``m``'s set misses
    (``m`` the first task at which the running intersection empties); ``()`` when
    the domain is not empty. Exact, like :func:`domain`.

    >>> from symlqr.tasks import Task
    >>> disjoint_tasks([Task(1, 1, 1, 1), Task(0, 1, 1, 1), Task(-1, 1, 1, 1)], 0)
    (1, 3)
    """
    sets = [task_domain(t, eta) for t in tasks]
    cur: list = [(None, None)]
    for m, s in enumerate(sets):
        cur = intersect(cur, s)
        if not cur:
            for j in range(m):
                if not intersect(sets[j], s):
                    return (j + 1, m + 1)
            return tuple(range(1, m + 2))
    return ()


def disjoint_text(numbers: tuple) -> str:
    """The sentence of :func:`disjoint_tasks` (``""`` for ``()``).

    >>> disjoint_text((1, 3)), disjoint_text((1, 2, 3))
    ('the stable sets of tasks 1 and 3 do not meet', 'tasks 1-2 share stable gains, and the stable set of task 3 misses them')
    """
    if not numbers:
        return ""
    if len(numbers) == 2:
        return f"the stable sets of tasks {numbers[0]} and {numbers[1]} do not meet"
    return (f"tasks 1-{numbers[-1] - 1} share stable gains, and the stable set of task "
            f"{numbers[-1]} misses them")
