"""Continuity of epsilon-globality: Assumption 1, Theorem 4, Propositions 3 and 5.

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
from .equation3 import hs_system, nonconstant_gradient_system
from ..exact.enclosure import Enclosure
from ..scalar.landscape import Landscape, certify
from ..scalar.maml import MamlObjective
from ..exact.realroots import real_roots, squarefree_factors
from ..tasks import FIELDS, InputError, Task, TaskSet, parse_rational
from .verdicts import FAILS, HOLDS, UNDECIDED, Check, Verdict

__all__ = ["DEFAULT_DELTAS", "DEFAULT_EPSILON", "delta_family", "parameter_distance",
           "parameter_spread", "parse_deltas", "parse_epsilon", "Regularity", "regularity",
           "FamilyPoint", "family_point", "FamilySweep", "epsilon_sweep",
           "hessian_at_optimum", "admissible_segment", "assumption1_checks",
           "theorem4_checks", "proposition5_checks"]

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


def parse_deltas(text: Optional[str]) -> tuple:
    """Distinct exact rationals ``0 < delta <= 1`` from ``"1,1/2,0.25"``,
    sorted decreasing. ``None`` gives :data:`DEFAULT_DELTAS`.

    >>> parse_deltas("1/4, 1, 0.5")
    (Fraction(1, 1), Fraction(1, 2), Fraction(1, 4))
    """
    if text is None:
        return DEFAULT_DELTAS
    parts = [p for p in text.split(",")]
    if not parts or len(parts) > MAX_DELTAS:
        raise InputError(f"--deltas: give 1 to {MAX_DELTAS} comma-separated values")
    vals = {parse_rational(p, "--deltas") for p in parts}
    bad = [v for v in vals if not 0 < v <= 1]
    if bad:
        raise InputError(f"--deltas: {min(bad)} is outside (0, 1]; the family interpolates "
                         "between the base task (delta = 0) and the given tasks (delta = 1)")
    return tuple(sorted(vals, reverse=True))


def parse_epsilon(text: Optional[str]) -> Fraction:
    """The requested epsilon, an exact rational ``> 0`` (default 1/1000)."""
    if text is None:
        return DEFAULT_EPSILON
    e = parse_rational(text, "--epsilon")
    if e <= 0:
        raise InputError(f"--epsilon = {e} must be > 0")
    return e


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


def family_point(taskset: TaskSet, delta, max_bits: int = 4000,
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
                       f"{_dec(p.delta * distance)}  epsilon = {e} ({mark})  "
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


def _dec(x: Fraction, digits: int = 4) -> str:
    if x == 0:
        return "0"
    if x.denominator == 1 or (abs(x) >= Fraction(1, 10 ** 3) and len(str(x)) <= 8):
        return str(x)
    return f"{float(x):.{digits}g}"


def epsilon_sweep(taskset: TaskSet, deltas=DEFAULT_DELTAS, epsilon=DEFAULT_EPSILON,
                  max_bits: int = 4000, deadline: Optional[float] = None) -> FamilySweep:
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


# ---------------------------------------------------------------------------
# verdict rows
# ---------------------------------------------------------------------------
def _regularity_rows(named: list) -> list:
    """Assumption 1's rows for a list of ``(label, Regularity)``: hypotheses
    that hold when they hold at every listed parameter point."""
    n = len(named)
    at = "" if n == 1 else f" ({n} of {n} parameter points)"

    def row(statement, ok_fn, value_ok, value_bad, detail=""):
        bad = [lab for lab, r in named if not ok_fn(r)]
        return Verdict(statement, "hypothesis", value_ok if not bad else value_bad(bad),
                       HOLDS if not bad else FAILS, detail)

    counts = [r.n_stationary for _, r in named]
    stat = (f"{counts[0]} stationary point(s){' at each' if n > 1 else ''}, num h' != 0"
            if len(set(counts)) == 1 else
            "stationary points " + ", ".join(f"{lab}: {r.n_stationary}" for lab, r in named))
    limits = [f"{lab}: domain interval {k}, end {e}: limit {lim.decimal(8)}"
              for lab, r in named for k, e, lim in r.finite_limits]
    return [
        row("h(., t) is C^2 on its domain", lambda r: r.smooth,
            f"no pole of h in the domain{at}",
            lambda bad: "pole in the domain at " + ", ".join(bad)),
        row("h(., t) -> +inf at every end of its domain", lambda r: r.coercive,
            f"+inf at every end{at}",
            lambda bad: "finite limit at an end at " + ", ".join(bad),
            "Assumption 1 takes a compact X; the domain of h is open, and h -> +inf at "
            "its ends makes its sublevel sets compact" + ("; " + "; ".join(limits)
                                                          if limits else "")),
        row("finitely many stationary points", lambda r: r.finite, stat,
            lambda bad: "num h' = 0 (h constant) at " + ", ".join(bad)),
        row("nonsingular Hessian at every stationary point", lambda r: r.nonsingular,
            f"every root of num h' in the domain is simple{at}",
            lambda bad: "h' = h'' = 0 (equation (3) for h) at " + "; ".join(
                f"{lab}: W = " + ", ".join(f"{p.W.decimal(12)} (multiplicity {p.multiplicity})"
                                          for p in r.singular)
                for lab, r in named if not r.nonsingular)),
    ]


def assumption1_checks(taskset: TaskSet, digits: int = 20, max_bits: int = 4000,
                       deadline: Optional[float] = None) -> tuple[list, dict]:
    """Checks of ``proofs/assumption1.py``.

    1. Assumption 1 for ``h`` (the MAML objective of the given tasks), the
       hypothesis Theorem 4 needs; rows are hypotheses (never a counterexample).
    2. Assumption 1 for each task's cost ``C_i``, which the proof of
       Proposition 5 claims ("every C(W, t) satisfies Assumption 1"): a failing
       conclusion would contradict the paper.
    3. The same claim for every admissible scalar task, from equation (3).

    >>> from symlqr.tasks import figure
    >>> checks, extra = assumption1_checks(figure("fig1"))
    >>> [v.status for c in checks for v in c.verdicts]
    ['holds', 'holds', 'holds', 'holds', 'holds', 'holds', 'holds', 'holds', 'holds', 'holds']
    """
    ls = certify(taskset, digits=digits, max_bits=max_bits, deadline=deadline)
    reg = regularity(ls)
    checks = [Check("Assumption 1 for the MAML objective h (hypothesis of Theorem 4)",
                    "the given tasks (gradient adaptation)",
                    _regularity_rows([("t", reg)]))]
    task_docs = []
    for i, t in enumerate(taskset.tasks, 1):
        lo, hi = lqr.stable_interval(t.A, t.B)
        c = lqr.stationarity_poly(t)
        n_stat = sum(1 for r, _ in real_roots(c)
                     if (lo is None or r.compare(lo) > 0) and (hi is None or r.compare(hi) < 0))
        w = lqr.optimal_gain_algebraic(t)
        H, s = hessian_at_optimum(t)
        ends_ok, ends_val = _cost_coercive(t)
        rows = [
            Verdict("task is an admissible LQR task (Q >= 0, R > 0, some stable W)",
                    "hypothesis", f"Q = {t.Q}, R = {t.R}, stable W in "
                    f"({'-inf' if lo is None else lo}, {'inf' if hi is None else hi})", HOLDS),
            Verdict("C_i -> +inf at the ends of its stable interval", "conclusion", ends_val,
                    HOLDS if ends_ok else FAILS),
            Verdict("C_i has finitely many stationary points in its stable interval",
                    "conclusion", f"c_i(W) = {_poly_text(c)}: {n_stat} root(s) in the interval",
                    HOLDS if not c.is_zero() else FAILS),
            Verdict("C_i'' != 0 at every stationary point", "conclusion",
                    f"C_i''(W*) = {H.decimal(digits)} at W* = {w.decimal(digits)}",
                    HOLDS if s != 0 and n_stat == 1 else FAILS),
        ]
        checks.append(Check("Assumption 1 for the task's cost C_i (claimed in the proof of "
                            "Proposition 5)", f"task {i}", rows))
        task_docs.append({"task": i, "stationary_points": n_stat, "W_star": w.decimal(digits),
                          "hessian_at_W_star": H.outward(digits)})
    hs, nc = hs_system(None), nonconstant_gradient_system()
    checks.append(Check("Assumption 1 for C(W, t) for every admissible scalar task t "
                        "(proof of Proposition 5)", "all (A, B, Q, R) with Q >= 0, R > 0, "
                        "|A - B W| < 1", [
                            _all_tasks_row(nc, "C(., t) has finitely many stationary points "
                                           "for every admissible t (c(W) is not the zero "
                                           "polynomial)"),
                            _all_tasks_row(hs, "C''(W) != 0 at every stationary point, for "
                                           "every admissible t (HS(Wb) misses the region)")]))
    extra = {"landscape": {"counts": ls.counts(), "epsilon": None if ls.epsilon is None
                           else ls.epsilon.decimal(digits)},
             "tasks": task_docs, "equation3": hs.to_dict(),
             "constant_gradient_system": nc.to_dict()}
    return checks, extra


def _all_tasks_row(analysis, statement: str) -> Verdict:
    ok = analysis.meets_region is False
    return Verdict(statement, "conclusion",
                   f"{len(analysis.cases)} case(s) of the system, all empty on the region"
                   if ok else "some case undecided", HOLDS if ok else UNDECIDED,
                   "\n        ".join(analysis.lines()))


def _poly_text(p) -> str:
    return str(p).replace("x", "W")


def _cost_coercive(t: Task) -> tuple[bool, str]:
    """``C = s0^2 (Q + R W^2) / D``: +inf at a finite end iff ``Q + R W^2 != 0``
    there; at an infinite end (``B = 0``) iff ``R > 0``."""
    lo, hi = lqr.stable_interval(t.A, t.B)
    if lo is None:
        return t.R > 0, "B = 0: C grows like R W^2 / (1 - A^2) at both infinite ends"
    vals = [t.Q + t.R * e * e for e in (lo, hi)]
    return all(v != 0 for v in vals), (f"Q + R W^2 = {vals[0]}, {vals[1]} at the ends "
                                       f"{lo}, {hi} where D = 0")


def _epsilon_row(sweep: FamilySweep, eps_name: str, statement: str, detail: str) -> Verdict:
    b = sweep.base
    if not b.certified:
        status, val = UNDECIDED, "epsilon(0) not certified: " + "; ".join(b.undecided)
    elif b.no_minima or b.epsilon.hi < sweep.epsilon:
        status, val = HOLDS, f"epsilon(0) = {b.epsilon_text()} < {eps_name} = {sweep.epsilon}"
    elif b.epsilon.lo >= sweep.epsilon:
        status, val = FAILS, f"epsilon(0) = {b.epsilon_text()} >= {eps_name} = {sweep.epsilon}"
    else:
        status, val = UNDECIDED, (f"epsilon(0) = {b.epsilon_text()} not separated from "
                                  f"{eps_name} = {sweep.epsilon}")
    return Verdict(statement, "hypothesis", val, status, detail)


def _conclusion_row(sweep: FamilySweep, eps_name: str, statement: str,
                    distance_name: str, distance: Fraction) -> Verdict:
    tail, largest = sweep.tail_delta, sweep.largest_reaching
    lines = sweep.lines(distance_name, distance)
    if tail is not None:
        status = HOLDS
        val = (f"epsilon(delta) <= {eps_name} at every sampled delta <= {tail} "
               f"({distance_name} <= {_dec(tail * distance)}); largest sampled delta "
               f"reaching {eps_name}: {largest}")
        lines.append("(a finite sample shows the sampled deltas only; it neither proves nor "
                     "refutes the statement for every delta below them)")
    else:
        status = UNDECIDED
        last = sweep.points[-1]
        why = ("not certified at the smallest delta" if last.reaches(sweep.epsilon) == UNDECIDED
               else f"epsilon({last.delta}) = {last.epsilon_text()} > {eps_name}")
        val = (f"no tail of the sampled deltas reaches {eps_name} ({why}); not a "
               "counterexample: the theorem's delta may be smaller: extend --deltas")
        if largest is not None:
            val += f"; largest sampled delta reaching {eps_name}: {largest}"
    return Verdict(statement, "conclusion", val, status, "\n        ".join(lines))


def _sampled_regularity(sweep: FamilySweep) -> list:
    return [("delta = 0", sweep.base.regularity)] + [
        (f"delta = {p.delta}", p.regularity) for p in sweep.points]


def theorem4_checks(taskset: TaskSet, deltas=DEFAULT_DELTAS, epsilon=DEFAULT_EPSILON,
                    max_bits: int = 4000, deadline: Optional[float] = None,
                    digits: int = 20) -> tuple[list, dict]:
    """Checks of ``proofs/theorem4.py``: Theorem 4 with ``l(W, t) = h(W; t)``,
    ``t`` all task parameters, ``t_bar = t(0)`` and ``t = t(delta)`` sampled.

    >>> from symlqr.tasks import figure
    >>> checks, extra = theorem4_checks(figure("fig2"), [Fraction(1), Fraction(1, 64)])
    >>> [v.status for v in checks[0].verdicts]
    ['holds', 'holds', 'holds', 'holds', 'holds', 'holds']
    """
    sweep = epsilon_sweep(taskset, deltas, epsilon, max_bits, deadline)
    dist = parameter_distance(taskset)
    k = len(taskset.tasks)
    rows = _regularity_rows(_sampled_regularity(sweep))
    for r in rows:
        r.statement = "Assumption 1: " + r.statement
    seq = [sweep.base] + sweep.points[::-1]          # increasing delta
    jumps = [(a.delta, b.delta) for a, b in zip(seq, seq[1:])
             if a.counts["stationary"] != b.counts["stationary"]]
    if jumps:
        rows[2].detail = ("checked at the sampled points only; the number of stationary points "
                          "changes between delta = " + ", ".join(f"{a} and {b}" for a, b in jumps)
                          + ": a degenerate stationary point or a change of the domain lies in "
                          "between, where Assumption 1's 'for all t' may fail")
    rows.append(_epsilon_row(
        sweep, "epsilon'", "l(., t_bar) is epsilon-global for an epsilon < epsilon'",
        "t_bar = t(0): k copies of task 1, whose MAML objective is task 1's own; "
        "epsilon(0) is its certified epsilon"))
    rows.append(_conclusion_row(
        sweep, "epsilon'", "some B_delta(t_bar) has l(., t) epsilon'-global (sampled t)",
        "|t - t_bar|_inf", dist))
    where_txt = (f"l = h(W; t), t_bar = {k} copies of task 1, t(delta) = t_bar + "
                 f"delta (t - t_bar), epsilon' = {sweep.epsilon}; Assumption 1 checked at "
                 f"t_bar and the {len(sweep.points)} sampled t(delta)")
    checks = [Check("Theorem 4", where_txt, rows)]
    return checks, {"family": sweep.to_dict(digits), "distance_inf": str(dist)}


def proposition5_checks(taskset: TaskSet, deltas=DEFAULT_DELTAS, epsilon=DEFAULT_EPSILON,
                        max_bits: int = 4000, deadline: Optional[float] = None,
                        digits: int = 20) -> tuple[list, dict]:
    """Checks of ``proofs/proposition3.py``: Proposition 5 (the formal
    Proposition 3) on the delta family of the given tasks.

    >>> from symlqr.tasks import figure
    >>> checks, extra = proposition5_checks(figure("fig3a"), [Fraction(1, 16)])
    >>> [v.status for v in checks[0].verdicts]
    ['holds', 'holds', 'holds', 'holds', 'holds', 'holds']
    """
    sweep = epsilon_sweep(taskset, deltas, epsilon, max_bits, deadline)
    spread = parameter_spread(taskset)
    dmax = max(p.delta for p in sweep.points)
    k = len(taskset.tasks)
    ok, why = admissible_segment(taskset, dmax)
    rows = [Verdict("tasks in a compact set of admissible LQR tasks",
                    "hypothesis", f"closed segment t(delta), delta in [0, {dmax}]: {why}",
                    HOLDS if ok else FAILS)]
    # no task with a singular Hessian at a stationary point
    hs = hs_system(None)
    sampled = [t for p in [sweep.base] + sweep.points for t in p.taskset.tasks]
    encs = [hessian_at_optimum(t) for t in sampled]
    all_pos = all(s != 0 for _, s in encs)
    low = min(encs, key=lambda es: es[0].lo)[0]
    if hs.meets_region is False and all_pos:
        st = HOLDS
        val = (f"HS(Wb) misses the admissible region for every Wb ({len(hs.cases)} cases "
               f"empty); sampled: C_i''(W*_i) >= {low.decimal(6)} > 0 at all {len(sampled)}")
    elif not all_pos:
        st, val = FAILS, "C_i''(W*_i) = 0 for a sampled task"
    else:
        st, val = UNDECIDED, "equation (3) undecided; only sampled tasks checked"
    rows.append(Verdict("no task has a singular Hessian at a stationary point",
                        "hypothesis", val, st,
                        "equation (3) decided with sympy for a symbolic Wb (proofs/equation3.py) "
                        "covers every task on the segment, not only the sampled ones"))
    w_ok = all(w > 0 for w in taskset.weights)
    rows.append(Verdict("weights lambda_i > 0", "hypothesis",
                        "weights " + ", ".join(map(str, taskset.weights)),
                        HOLDS if w_ok else FAILS))
    s_same = len({(t.s0, t.s0_adapt) for t in taskset.tasks}) == 1
    rows.append(Verdict("tasks differ only in Proposition 5's (A, B, Q, R)", "hypothesis",
                        "s0, s0a common" if s_same else "s0 or s0a differ between tasks",
                        HOLDS if s_same else FAILS))
    rows.append(_epsilon_row(
        sweep, "epsilon", "(implicit) h(., t(0)) is epsilon''-global, epsilon'' < epsilon",
        "t(0) = k copies of task 1. Not stated in Propositions 3 and 5, whose proof applies "
        "Proposition 4 to C "
        "(eta = 0); Theorem 4 needs it for the MAML objective with eta > 0. If it fails, "
        "h is not epsilon-global near delta = 0 and the proposition cannot hold here"))
    rows.append(_conclusion_row(
        sweep, "epsilon", "some spread bound delta makes h epsilon-global (sampled t)",
        "spread", spread))
    where_txt = (f"the {k} tasks t_i(delta) = t_1 + delta (t_i - t_1), spread = "
                 f"max_ij |A_i - A_j| + |B_i - B_j| + |Q_i - Q_j| + |R_i - R_j| = "
                 f"delta * {spread}, epsilon = {sweep.epsilon}")
    checks = [Check("Proposition 5 (formal Proposition 3)", where_txt, rows)]
    return checks, {"family": sweep.to_dict(digits), "spread": str(spread),
                    "equation3": hs.to_dict()}

