"""The delta family of a task set and epsilon along it (Theorem 4, Propositions 3 and 5 use it).

The *delta family* of a task set scales every task's deviation from the base
task (the first one) by ``delta``:

    t_i(delta) = t_1 + delta (t_i - t_1)     componentwise in (A, B, Q, R, s0, s0a),

with ``eta`` and the weights unchanged. ``delta = 1`` gives the task set itself,
``delta = 0`` gives ``k`` copies of the base task, whose MAML objective is the base
task's single-task objective. Along the family the certified ``epsilon(delta)``
of the MAML objective (``landscape.certify``: exact counts, enclosed values)
shows how epsilon-globality behaves as the tasks approach each other.

Theorem 4 and Proposition 3 are existence statements ("there exists delta > 0
such that ..."). A finite sequence of deltas can exhibit sampled deltas that
reach a requested epsilon, but it can never refute existence: the theorem's
delta may be smaller than every sampled one. So the conclusion row is
``holds`` (at the sampled deltas) or ``undecided`` ("extend --deltas"), never
``fails``.

>>> from symlqr.tasks import figure
>>> fam = delta_family(figure("fig3b"), Fraction(1, 2))
>>> [(t.Q, t.R) for t in fam.tasks]
[(Fraction(1, 1), Fraction(2, 1)), (Fraction(3, 2), Fraction(3, 2))]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Optional

from ..scalar import lqr
from ..exact.enclosure import Enclosure
from ..scalar.landscape import Landscape, certify
from ..scalar.maml import MamlObjective
from ..exact.realroots import real_roots, squarefree_factors
from ..tasks import FIELDS, InputError, Task, TaskSet
from ..exact.precision import MAX_BITS
from .verdicts import FAILS, HOLDS, UNDECIDED

__all__ = ["DEFAULT_DELTAS", "DEFAULT_EPSILON", "MAX_DELTAS", "delta_family",
           "parameter_distance", "parameter_spread", "Regularity", "regularity",
           "FamilyPoint", "family_point", "FamilySweep", "epsilon_sweep",
           "hessian_at_optimum", "admissible_segment", "short_decimal"]

#: Default decreasing sequence of deltas: 1, 1/2, ..., 1/64.
DEFAULT_DELTAS = tuple(Fraction(1, 2 ** k) for k in range(7))
#: Default requested epsilon (an exact rational).
DEFAULT_EPSILON = Fraction(1, 1000)
MAX_DELTAS = 32



# ---------------------------------------------------------------------------
# the delta family
# ---------------------------------------------------------------------------
def _values(t: Task) -> tuple:
    return (t.A, t.B, t.Q, t.R, t.s0, t.s0_adapt)


def delta_family(taskset: TaskSet, delta) -> TaskSet:
    """``t_i(delta) = t_1 + delta (t_i - t_1)`` in every field; eta and weights kept.

    Raises :class:`~symlqr.tasks.InputError` when a scaled task is not an
    admissible LQR task (possible only for ``delta > 1``, or when ``s0``
    changes sign between tasks).

    >>> from symlqr.tasks import figure
    >>> ts = delta_family(figure("fig2"), 0)
    >>> ts.tasks[0] == ts.tasks[1], ts.eta
    (True, Fraction(1, 100))
    """
    d = Fraction(delta)
    base = _values(taskset.tasks[0])
    tasks = []
    for i, t in enumerate(taskset.tasks, 1):
        vals = [b + d * (v - b) for b, v in zip(base, _values(t))]
        try:
            tasks.append(Task(*vals))
        except InputError as exc:
            raise InputError(f"delta = {d}: task {i} of the family is not an LQR task: "
                             f"{exc}") from None
    return TaskSet(tasks, taskset.eta, taskset.weights,
                   name=f"{taskset.name} (delta = {d})", note=taskset.note)


def parameter_distance(taskset: TaskSet) -> Fraction:
    """``max_i max_field |t_i - t_1|``: the sup-norm distance of the task set
    from ``k`` copies of its first task (``t(1) - t(0)``).

    >>> from symlqr.tasks import figure
    >>> parameter_distance(figure("fig3a"))
    Fraction(1, 50)
    """
    base = _values(taskset.tasks[0])
    return max(abs(v - b) for t in taskset.tasks for b, v in zip(base, _values(t)))


def parameter_spread(taskset: TaskSet) -> Fraction:
    """``max_{i,j} |A_i - A_j| + |B_i - B_j| + |Q_i - Q_j| + |R_i - R_j|``,
    the quantity Proposition 3 bounds by delta.

    >>> from symlqr.tasks import figure
    >>> parameter_spread(figure("fig3a"))
    Fraction(1, 50)
    """
    ts = taskset.tasks
    return max(abs(a.A - b.A) + abs(a.B - b.B) + abs(a.Q - b.Q) + abs(a.R - b.R)
               for a in ts for b in ts)


# ---------------------------------------------------------------------------
# Assumption 1 for the MAML objective at one parameter point
# ---------------------------------------------------------------------------
@dataclass
class Regularity:
    """The facts Assumption 1 asks of ``h(., t)`` at one ``t``, all exact.

    ``smooth``: no pole of ``h`` in the domain (so ``h`` is C^2 there);
    ``coercive``: ``h -> +inf`` at every end of every domain interval (the
    stand-in for the paper's compact ``X``), with ``finite_limits`` the ends where
    it does not; ``finite``: ``num h'`` is not the zero polynomial;
    ``singular``: stationary points where the root of ``num h'`` has
    multiplicity >= 2 (exactly those with ``h'' = 0``)."""
    smooth: bool
    coercive: bool
    finite_limits: list
    finite: bool
    n_stationary: int
    singular: list = field(default_factory=list)

    @property
    def nonsingular(self) -> bool:
        return not self.singular


def regularity(landscape: Landscape, obj: Optional[MamlObjective] = None) -> Regularity:
    """Assumption 1's conditions for the certified landscape's ``h``.

    >>> from symlqr.tasks import figure
    >>> r = regularity(certify(figure("fig2")))
    >>> r.smooth, r.coercive, r.finite, r.n_stationary, r.singular
    (True, True, True, 5, [])
    """
    obj = obj or MamlObjective(landscape.taskset, landscape.adaptation)
    h = obj.piece(())
    walls = obj.wall_polys()
    smooth = True
    if not h.den.is_constant():
        for f, _m in squarefree_factors(h.den):
            if any((w % f).is_zero() for w in walls):
                continue                       # its roots are walls: outside the domain
            if any(obj.in_domain(r) for r, _ in real_roots(f)):
                smooth = False
    limits = []
    for k, di in enumerate(landscape.domain):
        for end, lim in ((di.lo, di.lo_limit), (di.hi, di.hi_limit)):
            if lim is not None:
                limits.append((k, "-inf" if end is None and end is di.lo else
                               "inf" if end is None else end.decimal(12), lim))
    finite = not h.derivative().is_zero()
    singular = [p for p in landscape.points if p.multiplicity >= 2]
    return Regularity(smooth, not limits, limits, finite, len(landscape.points), singular)


# ---------------------------------------------------------------------------
# epsilon along the family
# ---------------------------------------------------------------------------
@dataclass
class FamilyPoint:
    """The certified landscape facts of ``h(., t(delta))``."""
    delta: Fraction
    taskset: TaskSet
    epsilon: Optional[Enclosure]       # None: no local minimum, or not certified
    no_minima: bool
    certified: bool
    undecided: list
    regularity: Regularity
    counts: dict
    n_minima: int = 0                  # local minima, degenerate ones included

    def reaches(self, eps: Fraction) -> str:
        """Is ``h(., t(delta))`` eps-global? HOLDS / FAILS / UNDECIDED, exact."""
        if not self.certified:
            return UNDECIDED
        if self.no_minima:
            return HOLDS                       # vacuously eps-global
        if self.epsilon.hi <= eps:
            return HOLDS
        if self.epsilon.lo > eps:
            return FAILS
        return UNDECIDED

    def epsilon_text(self, digits: int = 6) -> str:
        if not self.certified:
            return "undecided"
        if self.no_minima:
            return "0 (no local minimum)"
        return "0" if self.epsilon.hi == 0 else self.epsilon.decimal(digits)


_CACHE: dict = {}
_CACHE_SIZE = 256


def family_point(taskset: TaskSet, delta, max_bits: int = MAX_BITS,
                 deadline: Optional[float] = None, digits: int = 30) -> FamilyPoint:
    """Certify ``h`` at ``t(delta)`` (results are cached per task set and delta).

    >>> from symlqr.tasks import figure
    >>> p = family_point(figure("fig2"), 0)
    >>> p.epsilon_text(), p.reaches(Fraction(0))
    ('0', 'holds')
    """
    delta = Fraction(delta)
    key = (taskset.tasks, taskset.eta, taskset.weights, delta, max_bits, digits)
    if key in _CACHE:
        return _CACHE[key]
    fam = delta_family(taskset, delta)
    ls = certify(fam, digits=digits, max_bits=max_bits, deadline=deadline)
    mins = ls.minima()
    certified = ls.certified and (not mins or ls.epsilon is not None)
    point = FamilyPoint(delta, fam, ls.epsilon if certified else None, not mins, certified,
                        list(ls.undecided), regularity(ls), ls.counts(), len(mins))
    if len(_CACHE) >= _CACHE_SIZE:
        _CACHE.clear()
    _CACHE[key] = point
    return point


@dataclass
class FamilySweep:
    """``epsilon(delta)`` for ``delta = 0`` and a decreasing sequence."""
    taskset: TaskSet
    epsilon: Fraction
    base: FamilyPoint                 # delta = 0
    points: list                      # sampled deltas, decreasing

    @property
    def largest_reaching(self) -> Optional[Fraction]:
        """Largest sampled delta with ``epsilon(delta) <= epsilon`` (certified)."""
        ok = [p.delta for p in self.points if p.reaches(self.epsilon) == HOLDS]
        return max(ok) if ok else None

    @property
    def tail_delta(self) -> Optional[Fraction]:
        """Largest sampled ``delta0`` such that every sampled ``delta <= delta0``
        reaches ``epsilon``."""
        tail = None
        for p in reversed(self.points):          # increasing delta
            if p.reaches(self.epsilon) != HOLDS:
                break
            tail = p.delta
        return tail

    def lines(self, distance_name: str, distance: Fraction, digits: int = 6) -> list[str]:
        out = [f"epsilon(delta) of h(., t(delta)); requested epsilon = {self.epsilon}"]
        w = max(len(str(p.delta)) for p in [self.base] + self.points)
        for p in [self.base] + self.points:
            e = p.epsilon_text(digits)
            rate = ""
            if p.delta > 0 and p.certified and not p.no_minima:
                r = Enclosure(p.epsilon.lo / p.delta ** 2, p.epsilon.hi / p.delta ** 2)
                rate = f"  epsilon/delta^2 = {'0' if r.hi == 0 else r.decimal(4)}"
            mark = {HOLDS: "<= eps", FAILS: "> eps", UNDECIDED: "? eps"}[p.reaches(self.epsilon)]
            out.append(f"delta = {str(p.delta):<{w}}  {distance_name} = "
                       f"{short_decimal(p.delta * distance)}  epsilon = {e} ({mark})  "
                       f"stationary {p.counts['stationary']}, local min {p.n_minima}, "
                       f"spurious {p.counts['spurious_min']}{rate}")
        return out

    def to_dict(self, digits: int = 20) -> dict:
        def one(p):
            return {"delta": str(p.delta),
                    "epsilon": None if not p.certified else p.epsilon_text(digits),
                    "epsilon_interval": None if p.epsilon is None else p.epsilon.outward(digits),
                    "reaches_epsilon": p.reaches(self.epsilon),
                    "counts": p.counts, "singular_stationary_points": len(p.regularity.singular),
                    "certified": p.certified, "undecided": p.undecided}
        return {"requested_epsilon": str(self.epsilon), "base": one(self.base),
                "deltas": [one(p) for p in self.points],
                "largest_delta_reaching_epsilon": _opt(self.largest_reaching),
                "tail_delta": _opt(self.tail_delta)}


def _opt(x) -> Optional[str]:
    return None if x is None else str(x)


def short_decimal(x: Fraction, digits: int = 4) -> str:
    if x == 0:
        return "0"
    if x.denominator == 1 or (abs(x) >= Fraction(1, 10 ** 3) and len(str(x)) <= 8):
        return str(x)
    return f"{float(x):.{digits}g}"


def epsilon_sweep(taskset: TaskSet, deltas=DEFAULT_DELTAS, epsilon=DEFAULT_EPSILON,
                  max_bits: int = MAX_BITS, deadline: Optional[float] = None) -> FamilySweep:
    """``epsilon(delta)`` at ``delta = 0`` and at each delta, certified.

    >>> from symlqr.tasks import figure
    >>> s = epsilon_sweep(figure("fig2"), [Fraction(1), Fraction(1, 64)])
    >>> s.base.epsilon_text(), s.points[0].reaches(s.epsilon), s.tail_delta
    ('0', 'fails', Fraction(1, 64))
    """
    epsilon = Fraction(epsilon)
    base = family_point(taskset, 0, max_bits, deadline)
    points = []
    for d in sorted({Fraction(d) for d in deltas}, reverse=True):
        p = family_point(taskset, d, max_bits, deadline)
        if p.reaches(epsilon) == UNDECIDED and p.certified:
            p = family_point(taskset, d, max_bits, deadline, digits=200)   # finer enclosure
        points.append(p)
    return FamilySweep(taskset, epsilon, base, points)


# ---------------------------------------------------------------------------
# single-task facts (Proposition 5's hypothesis)
# ---------------------------------------------------------------------------
def hessian_at_optimum(task: Task) -> tuple[Enclosure, int]:
    """``C''(W*)`` enclosed, and its exact sign; ``W*`` is the only stationary
    point of ``C`` in the stable interval (checked exactly by root counting).

    >>> e, s = hessian_at_optimum(Task(1, 1, 2, 2))
    >>> s, e.decimal(6)
    (1, '12.261')
    """
    w = lqr.optimal_gain_algebraic(task)
    H = lqr.hessian_function(task)
    return Enclosure.of(w.copy().enclose(H, 80)), w.sign_of(H)


def admissible_segment(taskset: TaskSet, delta_max=Fraction(1)) -> tuple[bool, str]:
    """Are all tasks ``t_i(delta)``, ``0 <= delta <= delta_max``, admissible LQR
    tasks (``Q >= 0``, ``R > 0``, ``s0 != 0``, stabilizable, not ``Q = 0`` with
    ``|A| = 1``)? Exact: every field is linear in delta, so each condition is
    decided at the endpoints and at the finitely many deltas where ``B`` or
    ``Q`` vanishes.

    >>> from symlqr.tasks import figure
    >>> admissible_segment(figure("fig3d"))
    (True, 'all 11 tasks admissible for every delta in [0, 1]')
    """
    dm = Fraction(delta_max)
    base = _values(taskset.tasks[0])
    for i, t in enumerate(taskset.tasks, 1):
        v = _values(t)
        lin = {name: (b, x - b) for name, b, x in zip(FIELDS, base, v)}   # value = b + d*s

        def at(name, d):
            b, s = lin[name]
            return b + d * s
        for d in (Fraction(0), dm):
            if at("Q", d) < 0 or at("R", d) <= 0:
                return False, f"task {i}: Q < 0 or R <= 0 at delta = {d}"
            if at("s0", d) == 0:
                return False, f"task {i}: s0 = 0 at delta = {d}"
        if at("s0", Fraction(0)) * at("s0", dm) < 0:
            return False, f"task {i}: s0 changes sign on the segment"
        for name, test in (("B", lambda d: abs(at("A", d)) < 1),
                           ("Q", lambda d: abs(at("A", d)) != 1)):
            b, s = lin[name]
            if s == 0:
                if b == 0:
                    # the field vanishes on the whole segment: A(d) must stay admissible
                    a0, a1 = at("A", Fraction(0)), at("A", dm)
                    crit = [Fraction(0), dm] + [(c - lin["A"][0]) / lin["A"][1]
                                                for c in (-1, 1) if lin["A"][1] != 0]
                    crit = [d for d in crit if 0 <= d <= dm]
                    if name == "B" and not (abs(a0) < 1 and abs(a1) < 1):
                        return False, f"task {i}: B = 0 with |A| >= 1 on the segment"
                    if name == "Q" and any(abs(at("A", d)) == 1 for d in crit):
                        return False, f"task {i}: Q = 0 with |A| = 1 on the segment"
                continue
            d0 = -b / s
            if 0 <= d0 <= dm and not test(d0):
                return False, f"task {i}: {name} = 0 at delta = {d0} with A = {at('A', d0)}"
    return True, (f"all {len(taskset.tasks)} tasks admissible for every delta in [0, {dm}]")
