"""Engine selection: the exact engine for few distinct tasks, the interval
engine for many, the same result objects from both.

* ``engine="exact"``: :func:`symlqr.scalar.landscape.certify` (exact real-root
  counting of the numerator of ``h'``; cost grows about cubically in the
  number of distinct tasks, refused above ``max_degree``);
* ``engine="interval"``: :func:`symlqr.scalar.boxlandscape.certify_interval`
  (interval branch-and-bound, linear in the tasks; gradient adaptation on a
  bounded domain; positions are certified boxes);
* ``engine="auto"``: exact up to :data:`AUTO_EXACT_MAX_TASKS` distinct tasks
  (where it takes well under a second and gives exact algebraic positions),
  interval above; exact whenever the interval engine does not apply, and exact again
  when the interval engine leaves something undecided and there are at most
  :data:`AUTO_EXACT_FALLBACK_TASKS` distinct tasks (exact is cheap there).
  Should an arb enclosure of the interval engine blow up (stationary points
  closer than its precision sees), ``auto``, and ``interval`` with at most
  that many tasks, hand the task set to the exact engine.

>>> from symlqr.tasks import figure
>>> certify_landscape(figure("fig3b"), engine="interval").counts()["spurious_min"]
1
"""
from __future__ import annotations

from typing import Callable, Optional, Union

from .boxlandscape import Unsupported, certify_interval
from .deadline import deadline_from
from .fixedpoints import FixedPoints, fixed_points
from .variants import check_method
from .landscape import MAX_DEGREE, Landscape, certify
from ..exact.realroots import MAX_BITS, PrecisionExhausted
from ..tasks import InputError, TaskSet, as_taskset

__all__ = ["certify_landscape", "ENGINES", "AUTO_EXACT_MAX_TASKS", "AUTO_EXACT_FALLBACK_TASKS",
           "choose_engine"]

ENGINES = ("auto", "exact", "interval")

#: ``auto`` uses the exact engine up to this many distinct tasks. Measured
#: (benchmarks/bench_scale.py, common dynamics): the interval engine is faster
#: from about 3 distinct tasks (2x at 5, 6x at 11), but up to about 12 both take
#: well under a second and only the exact engine gives exact algebraic positions
#: and degenerate (multiple) stationary points; above, the exact engine grows
#: about cubically (seconds at 20 tasks, minutes at 50). The paper's figures
#: (at most 11 tasks) therefore keep their exact output.
AUTO_EXACT_MAX_TASKS = 12

#: ``auto`` retries with the exact engine when the interval engine leaves
#: something undecided and there are at most this many distinct tasks.
AUTO_EXACT_FALLBACK_TASKS = 20


def choose_engine(taskset: TaskSet, adaptation: str = "gradient") -> str:
    """The engine ``auto`` picks (before trying: an unbounded domain falls back)."""
    n = len({t.as_tuple() for t in taskset.tasks})
    if adaptation != "gradient" or n <= AUTO_EXACT_MAX_TASKS:
        return "exact"
    return "interval"


def certify_landscape(taskset: Union[TaskSet, str], adaptation: str = "gradient",
                      digits: int = 30, max_bits: int = MAX_BITS,
                      deadline: Optional[float] = None,
                      progress: Optional[Callable[[str], None]] = None,
                      max_degree: Optional[int] = MAX_DEGREE,
                      engine: str = "auto",
                      ticks: Optional[Callable[[str, int, Optional[int]], None]] = None,
                      method: str = "maml", steps: int = 1,
                      timeout: Optional[float] = None) -> Union[Landscape, FixedPoints]:
    """Certify the landscape of ``h(W) = sum_i w_i C_i(F_i(W))`` with the chosen engine.

    ``taskset`` is a :class:`~symlqr.tasks.TaskSet` or a figure name (``"fig2"``).
    ``timeout`` is in seconds from the call; ``deadline`` an absolute
    ``time.monotonic()`` value (the command line's); past either,
    :class:`symlqr.scalar.deadline.Timeout` is raised. One-step MAML gives a
    :class:`~symlqr.scalar.results.Landscape`, a variant a
    :class:`~symlqr.scalar.variant_results.FixedPoints`: both have ``points``,
    ``minima()``, ``counts()``, ``epsilon`` and the protocol of every result
    (:class:`symlqr.results.Result`).

    ``progress(stage)`` is called as each stage finishes; ``ticks(stage, done,
    total)`` reports work within a stage (interval engine; ``total`` None when
    unknown); ``max_degree`` applies to the exact engine only (``auto``
    switches to the interval engine instead of refusing). ``method`` (``maml``,
    ``fomaml``, ``reptile``) and ``steps`` (K inner steps) other than one-step MAML
    certify the fixed points of the variant's update with the exact engine
    (:func:`symlqr.scalar.fixedpoints.fixed_points`).

    >>> from symlqr.tasks import figure
    >>> certify_landscape(figure("fig2"), method="reptile").counts()["attracting"]
    1
    """
    taskset = as_taskset(taskset)
    if engine not in ENGINES:
        raise InputError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    check_method(method, steps, adaptation)
    deadline = deadline_from(timeout, deadline)
    if (method, steps) != ("maml", 1):
        if engine == "interval":
            raise InputError("the interval engine certifies one-step maml; the variants "
                             "(--method, --steps) use the exact engine")
        return fixed_points(taskset, method, steps, digits=digits, deadline=deadline,
                            progress=progress)
    chosen = choose_engine(taskset, adaptation) if engine == "auto" else engine
    if chosen == "interval":
        try:
            ls = certify_interval(taskset, adaptation, digits, max_bits, deadline, progress,
                                  ticks=ticks)
            n = len({t.as_tuple() for t in taskset.tasks})
            if ls.certified or engine != "auto" or n > AUTO_EXACT_FALLBACK_TASKS:
                return ls
        except Unsupported:
            if engine != "auto":
                raise
        except ArithmeticError as exc:  # an enclosure blew up (roots closer than arb saw)
            n = len({t.as_tuple() for t in taskset.tasks})
            if engine != "auto" and (n > AUTO_EXACT_FALLBACK_TASKS
                                     or isinstance(exc, PrecisionExhausted)):
                raise
    return certify(taskset, adaptation, digits, max_bits, deadline, progress, max_degree)

