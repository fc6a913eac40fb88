"""The branch-and-bound decider for stationary points of ``h`` over a box of gains.

In the domain ``grad h = (N_1 / D_1, ..., N_n / D_n)`` with ``D_j != 0``
(:func:`~symlqr.matrix.ratfunc.gradient_numerators`), so the stationary points
are the common zeros of the polynomials ``N_j`` that lie in the domain. The
numerators stay finite across the boundary of the domain, where ``h`` and its
Stein solves blow up; this is why the search runs on them. Each box ``X`` of a
batch, carrying the Bernstein coefficients (:mod:`symlqr.branch.bernstein`) of
every ``N_j`` and of every domain condition
(:func:`~symlqr.matrix.domain.conditions`), is

1. **excluded, outside the domain**, when a condition ``num / den > 0`` that
   holds on the domain is proven false on ``X`` (``den`` of one sign and
   ``num`` of the other sign or zero, by the Bernstein range);
2. **excluded, no stationary point**, when some ``N_j`` has a constant sign on
   ``X`` (Bernstein range): ``grad h != 0`` on ``X``; or, for a box across the
   domain's boundary, when ``N_j - lam c`` (or ``N_j + lam c``) has a constant
   sign for some ``lam >= 0`` and a domain condition ``c > 0``: then ``N_j != 0``
   wherever ``c >= 0``, and the rest of the box is outside the domain;
3. tried, once small (each side at most ``1/32`` of the first box's), with the
   **Krawczyk operator** of the system ``N = 0``,
   ``K = c - Y N(c) + (I - Y J(X)) (X - c)`` (``N(c)`` exact at the float
   midpoint, ``J(X)`` from the Bernstein coefficients of the derivatives, in
   Arb balls): ``K ∩ X = ∅`` excludes ``X``; ``K`` inside the interior of ``X``
   proves exactly one zero of ``N`` in ``X`` (Krawczyk 1969, Moore 1977). That
   zero is enclosed more tightly by iterating ``X <- K(X) ∩ X`` (same
   ``J``), then decided by
   :func:`~symlqr.matrix.complete.decide_solution`: certified in the domain
   (Krawczyk on ``grad h`` itself, type, stabilization, ``h`` enclosed) or
   proven outside it;
4. with a level ``L``, once small (sides at most ``1/128``), **excluded,
   above the level** when ``h > L`` is proven on the box's points in the
   domain (:func:`~symlqr.matrix.levels.lower_bound_at` on the adapted gains'
   Bernstein ranges, else :func:`~symlqr.matrix.levels.exceeds`; not tried
   where ``h < L`` in floats at the gains' midpoints, except at the finest
   width); the region is then ``{h <= L}``;
5. otherwise split across the side where the numerators change most relative
   to their size (the smear rule; the relatively widest side while the box is
   large), at ``127/256`` of it, down to ``min_width`` (relative), where it is
   left **undecided** with the reason.

Boxes share only faces and a found zero lies in the interior of its box, so no
point is counted twice.
"""
from __future__ import annotations

from collections import OrderedDict
from fractions import Fraction
import time
from typing import Callable, Optional

import numpy as np

from ..branch import bernstein as bz
from ..branch.core import Boxes, Step
from ..branch.splitting import complement, split_boxes
from .chain_boxes import ChainRule
from .direct_boxes import BoxRule
from .look_ahead import Gate, LookAhead, OneTest
from .complete import decide_solution
from .joint import JointTest, at_corner
from .krawczyk_boxes import KrawczykTest, contracting
from .levels import exceeds, float_level_at, lower_bound_at
from .reasons import (ABOVE, JOINTLY, KRAWCZYK_NONE, LEVEL_FALSE, NONZERO, NONZERO_WHERE, OUTSIDE,
                      PRECONDITIONED, ZERO_OUTSIDE)
from .reduced_boxes import LARGE, NUMERATORS_UP_TO, LargeNumerators, noise_keeps_sign_open
from .edges import stability_edges

__all__ = ["Decider", "Later", "OUTSIDE", "NONZERO", "KRAWCZYK_NONE", "ZERO_OUTSIDE"]

KRAWCZYK_AT = 1 / 32       # relative side below which Krawczyk is tried
LEVEL_AT = 1 / 128         # relative side below which the level test is tried
FIRST_ORDER_RATE = 1 / 20  # one task: first-order tests only at sizes where this many pass (None: always)
SECOND_ORDER_RATE = 1 / 5  # second-order tests only at sizes where this many pass (None: never)
TUBES_AT = 1.0             # the tubes are made when a box this small (relative) nears an edge


class Later:
    """``count`` numerators made by ``make()`` when a box first needs them (one
    task, ``r d >= 3``: the chain rule decides most boxes without them, and
    making them is most of the cost before the first box).

    >>> later = Later(lambda: [1, 2], 2)
    >>> later.count, later.make()
    (2, [1, 2])
    """

    def __init__(self, make, count: int):
        self.make, self.count = make, int(count)


class Decider(LargeNumerators, JointTest, KrawczykTest):
    """``decide(boxes) -> Step`` for :func:`symlqr.branch.core.branch_and_bound`
    (module docstring). ``numerators``: the ``N_j``; ``conds``: the domain
    conditions; ``root``: the first box (Fractions)."""

    def __init__(self, taskset, numerators, conds, root, *, min_width: float = 2.0 ** -40,
                 level: Optional[Fraction] = None, gains: Optional[list] = None,
                 corners: Optional[list] = None, solution_kwargs: Optional[dict] = None,
                 tubes: Optional[Callable[[], list]] = None):
        self.level = level
        # the tubes around the edges (:class:`~symlqr.matrix.edges.EdgeTube`), made
        # when a box near an edge first gets small (:meth:`_in_tubes`)
        self.tube_maker, self.tubes, self.tube_seconds = tubes, None, 0.0
        self._edge_lines = None
        self.solution_kwargs = dict(solution_kwargs or {})   # method/steps for decide_solution
        # vertices that can be box corners (dyadic), as Fractions and as floats
        self.corners = [[Fraction(x) for x in w] for w in corners or []
                        if all(Fraction(float(x)) == Fraction(x) for x in w)]
        self.corner_floats = [np.array([float(x) for x in w]) for w in self.corners]
        self.gains = gains or []
        self.taskset = taskset
        if isinstance(numerators, Later):     # made on first use (one task: the chain rule first)
            self.nn, self._nums, self._later = numerators.count, None, numerators
        else:
            self._nums, self._later = list(numerators), None
            self.nn = len(self._nums)
        self.conds = list(conds)
        self.n = len(root)
        self.root_width = np.array([float(b - a) for a, b in root])
        self.root_lo = np.array([float(a) for a, _ in root])
        self.min_width = min_width
        self.found_reasons: list = []
        polys = [None] * self.nn + [c.num for c in conds]
        # one copy of each distinct denominator (the adapted gains' conditions and the
        # gains themselves share one: about a tenth of a 3 x 1 box's coefficients)
        self.den_key = {}                    # condition index -> polynomial index of its den
        self.den_users: dict = {}            # den index -> condition indices using it
        self.gain_dens: set = set()          # den indices the gains use (never dropped)
        self.gain_index = []                 # per task, per entry: (num index, den index or None)
        for c_i, c in enumerate(self.conds):
            if c.den is not None:
                self.den_key[c_i] = _index_of(polys, c.den, self.nn + len(self.conds))
                self.den_users.setdefault(self.den_key[c_i], []).append(c_i)
        if level is not None:
            for task in self.gains:
                row = []
                for num, den in task:
                    polys.append(num)
                    k_num = len(polys) - 1
                    k_den = None if den is None else _index_of(polys, den, self.nn + len(self.conds))
                    if k_den is not None:
                        self.gain_dens.add(k_den)
                    row.append((k_num, k_den))
                self.gain_index.append(row)
        self.polys = polys
        self.dropped = 0                     # conditions dropped from batches where they hold
        self.rerooted = 0
        # polynomials whose full Bernstein tensors are too large to carry per box
        # (r d >= 3): carried at a lower degree with a proven remainder
        # (numerators only: the conditions and gains decide the lazy boxes)
        self.large = (list(range(self.nn)) if self._later is not None else
                      [k for k, p in enumerate(self._nums)
                       if int(np.prod([int(d) + 1 for d in p.degrees()])) > LARGE])
        # full coefficients of the large polynomials on a few boxes, to restrict
        # from: id -> (box, lo, hi, factor), the most recently made last
        self.anchors: OrderedDict = OrderedDict()
        self.stop = None                 # deadline: stops the conversions of a lazy batch
        # one task: boxes decided by the chain rule before any large numerator
        # (several tasks: the Taylor-model tests of :mod:`~symlqr.matrix.direct_boxes`)
        args = (taskset, self.solution_kwargs.get("method", "maml"),
                self.solution_kwargs.get("steps", 1), level)
        self.chain = (ChainRule.for_taskset(*args) or BoxRule.for_taskset(*args)) if self.large else None
        self.chain_tests = 0
        self.ahead = LookAhead()         # the chain rule's verdicts on halves not yet split
        self.gate = None if self.chain is None else Gate(self.chain, self.root_width)
        if self.chain is not None:
            # one task with r d <= 3: no zero's box cut out (BoxRule.inner). Measured on the
            # 3 x 1 example: a zero whose unique box stayed tiny led, through the pieces
            # around it, to a box at the floor whose numerators were then made (90 s);
            # there the boxes around a point are decided at 1e-3 anyway
            self.chain.peel = self.n > NUMERATORS_UP_TO or len(taskset.tasks) > 1
        if self.chain is not None and SECOND_ORDER_RATE is not None:
            self.chain.second = Gate(OneTest(self.chain.second_order), self.root_width,
                                     tries=32, rate=SECOND_ORDER_RATE)
        if isinstance(self.chain, ChainRule) and self.chain.second is not None and \
                FIRST_ORDER_RATE is not None:
            self.chain.first = Gate(OneTest(self.chain.first_order), self.root_width,
                                    tries=64, rate=FIRST_ORDER_RATE)

    def roots(self, root) -> Boxes:
        """The first box, cut at the dyadic coordinates of the ``corners`` inside
        it (so that each such point is a corner of the boxes around it, never
        inside one), with the Bernstein coefficients of every polynomial."""
        if any(Fraction(float(a)) != a or Fraction(float(b)) != b for a, b in root):
            raise ValueError("the first box needs float (dyadic) ends")
        self.sources = [None if k < self.nn else bz.Source(p, self.n)
                        for k, p in enumerate(self.polys)]
        for k in range(self.nn):
            if k not in self.large:
                self._source(k)
        cuts = []
        for k, (a, b) in enumerate(root):
            inner = {w[k] for w in self.corners if a < w[k] < b}
            ends = [a] + sorted(inner) + [b]
            cuts.append(list(zip(ends[:-1], ends[1:])))
        parts = [[]]
        for sides in cuts:
            parts = [p + [side] for p in parts for side in sides]
        data = {}
        lo = np.array([[float(a) for a, _ in box] for box in parts])
        hi = np.array([[float(b) for _, b in box] for box in parts])
        for k in range(len(self.polys)):
            if k in self.large:
                continue            # computed box by box in the lazy step (reduced_boxes)
            if self.stop is not None and self.stop() is not None:
                return Boxes(lo, hi, {})   # stopped: the search lists them undecided, untested
            got = [self.sources[k].anchor(box) for box in parts]
            data[f"{k}lo"] = np.concatenate([g[0] for g in got])
            data[f"{k}hi"] = np.concatenate([g[1] for g in got])
            data[f"{k}f"] = np.array([g[2] for g in got], dtype=object)
        return Boxes(lo, hi, data)


    @property
    def nums(self) -> list:
        """The numerators ``N_j``, made on first use when given as :class:`Later`."""
        if self._nums is None:
            self._nums = list(self._later.make())
            if len(self._nums) != self.nn:
                raise ValueError("the numerators made later are not as many as announced")
        return self._nums

    def _source(self, k: int):
        """The Bernstein source of polynomial ``k``; the numerators' in their
        common degrees (elevated exactly: the preconditioned combinations and the
        tests against the conditions need no elevation of them), made on first
        use."""
        if self.sources[k] is None:
            common = [max(int(max(0, p.degrees()[v])) for p in self.nums) for v in range(self.n)]
            self.sources[k] = bz.Source(self.nums[k], self.n, common)
        return self.sources[k]

    # -- the tests -------------------------------------------------------
    def _range(self, boxes, k):
        return bz.ranges(boxes.data[f"{k}lo"], boxes.data[f"{k}hi"])

    def _outside(self, boxes) -> dict:
        masks, nn = {}, self.nn
        for c_i, c in enumerate(self.conds):
            if f"{nn + c_i}lo" not in boxes.data:
                continue                         # dropped: it holds on the whole batch
            nlo, nhi = self._range(boxes, nn + c_i)
            if c.den is None:
                bad = nhi <= 0
            else:
                dlo, dhi = self._range(boxes, self.den_key[c_i])
                bad = ((dlo > 0) & (nhi <= 0)) | ((dhi < 0) & (nlo >= 0))
                if c.den_sign == 1:
                    bad |= nhi <= 0
                elif c.den_sign == -1:
                    bad |= nlo >= 0
            masks[(LEVEL_FALSE if c.kind == "level" else OUTSIDE).format(c.name)] = bad
        return masks

    def _in_tubes(self, boxes, live) -> dict:
        """Boxes inside a tube proven outside the domain (or above the level)
        around an edge of the stabilizing set (:mod:`symlqr.matrix.edges`): a
        float filter, then the exact test; masks by reason."""
        out = {}
        if self.tubes is None:
            if self.tube_maker is None or not self._near_an_edge(boxes, live):
                return out
            t0 = time.perf_counter()
            self.tubes = self.tube_maker()
            self.tube_seconds = time.perf_counter() - t0
        done = np.zeros(len(boxes), dtype=bool)
        for tube in self.tubes:
            rows = np.nonzero(live & ~done & tube.near(boxes.lo, boxes.hi))[0]
            mask = out.setdefault(tube.reason, np.zeros(len(boxes), dtype=bool))
            for j in rows:
                if tube.covers(boxes.lo[j], boxes.hi[j]):
                    mask[j] = done[j] = True
        return out

    def _near_an_edge(self, boxes, live) -> bool:
        """Some live box below :data:`TUBES_AT` of the first box (relative) lies
        within its own width of an edge (floats: only when the tubes are made)."""
        rel = ((boxes.hi - boxes.lo) / self.root_width).max(axis=1)
        rows = np.nonzero(live & (rel <= TUBES_AT))[0]
        if not len(rows):
            return False
        if self._edge_lines is None:
            self._edge_lines = [(np.array([float(x) for x in e.E0]), np.array([float(x) for x in e.e]))
                                for e in stability_edges(self.taskset)]
        scale = self.root_width
        c = (boxes.lo[rows] + boxes.hi[rows]) / 2 / scale
        w = (boxes.hi[rows] - boxes.lo[rows]) / scale
        for E0, e in self._edge_lines:
            E0, e = E0 / scale, e / scale
            s = np.clip((c - E0) @ e / max(float(e @ e), 1e-300), -1, 1)
            if (np.abs(c - (E0 + s[:, None] * e)) <= 2 * w).all(axis=1).any():
                return True
        return False

    def _nonzero(self, boxes):
        out = np.zeros(len(boxes), dtype=bool)
        for k in range(self.nn):
            lo, hi = self._range(boxes, k)
            out |= (lo > 0) | (hi < 0)
        return out

    def _nonzero_where_conditions(self, boxes, live) -> np.ndarray:
        """Boxes across the domain's boundary: ``N_j - lam c > 0`` (or
        ``N_j + lam c < 0``) on the box for some ``lam >= 0``, with ``c`` a domain
        condition's numerator times its denominator's proven sign, proves
        ``N_j != 0`` wherever the condition holds; the rest of the box is outside
        the domain (:func:`symlqr.branch.bernstein.positive_where`, on
        coefficients raised to the numerator's degrees)."""
        out = np.zeros(len(boxes), dtype=bool)
        rows = np.nonzero(live)[0]
        if len(rows) == 0:
            return out
        sub = boxes.take(rows)
        nn = self.nn
        found = np.zeros(len(rows), dtype=bool)
        for c_i, c in enumerate(self.conds):
            if f"{nn + c_i}lo" not in sub.data:
                continue                         # dropped: it holds on the whole batch
            clo, chi = sub.data[f"{nn + c_i}lo"], sub.data[f"{nn + c_i}hi"]
            sign = np.ones(len(rows))
            if c.den is not None:
                dlo, dhi = self._range(sub, self.den_key[c_i])
                sign = np.where(dlo > 0, 1.0, np.where(dhi < 0, -1.0, float(c.den_sign or 0)))
            # c' = sign * num: bounds of c' from those of num
            s = sign.reshape((-1,) + (1,) * (clo.ndim - 1))
            c_lo = np.where(s > 0, clo, -chi)
            c_hi = np.where(s > 0, chi, -clo)
            # only where c' can fail inside the box (else the plain sign test of
            # N_j has said all there is) and no other condition has decided yet
            ok = np.nonzero((sign != 0) & (bz.ranges(c_lo, c_hi)[0] <= 0) & ~found)[0]
            if len(ok) == 0:
                continue
            # the corner coefficients alone (exact in any degree) rule most boxes out
            # before the condition is raised to the numerators' degrees
            maybe = np.zeros(len(ok), dtype=bool)
            for j in range(nn):
                nlo, nhi = sub.data[f"{j}lo"][ok], sub.data[f"{j}hi"][ok]
                maybe |= bz.positive_where_possible(nlo, c_hi[ok]) | \
                    bz.positive_where_possible(-nhi, c_hi[ok])
            ok = ok[maybe]
            if len(ok) == 0:
                continue
            c_lo, c_hi = c_lo[ok], c_hi[ok]
            raised: dict = {}                         # the condition per degree
            for j in range(nn):
                nlo, nhi = sub.data[f"{j}lo"][ok], sub.data[f"{j}hi"][ok]
                degs = nlo.shape[1:]
                if any(a > b for a, b in zip(c_lo.shape[1:], degs)):
                    continue
                if degs not in raised:
                    raised[degs] = bz.elevate(c_lo, c_hi, [d - 1 for d in degs])
                e_lo, e_hi = raised[degs]
                pos = bz.positive_where(nlo, e_hi)           # N_j > 0 where c' >= 0
                neg = bz.positive_where(-nhi, e_hi)          # -N_j > 0 where c' >= 0
                found[ok] |= pos | neg
        out[rows] = found
        return out

    def __call__(self, boxes: Boxes) -> Step:
        if any(f"{k}lo" not in boxes.data for k in self.large):
            return self._lazy(boxes)
        m = len(boxes)
        step = Step()
        out_masks = self._outside(boxes)
        gone = np.zeros(m, dtype=bool)
        for reason, mask in out_masks.items():
            mask = mask & ~gone
            step.excluded[reason] = mask
            gone |= mask
        for reason, mask in self._in_tubes(boxes, ~gone).items():
            step.excluded[reason] = mask
            gone |= mask
        nz = self._nonzero(boxes) & ~gone
        step.excluded[self._named(NONZERO)] = nz
        gone |= nz
        where = self._nonzero_where_conditions(boxes, ~gone)
        step.excluded[self._named(NONZERO_WHERE)] = where
        gone |= where
        rel = (boxes.hi - boxes.lo) / self.root_width
        self._reroot(boxes, ~gone)
        pre, weights, comb = self._preconditioned(boxes, ~gone)
        step.excluded[self._named(PRECONDITIONED)] = pre
        gone |= pre
        small = ~gone & (rel.max(axis=1) <= KRAWCZYK_AT)
        none = np.zeros(m, dtype=bool)
        zero_out = np.zeros(m, dtype=bool)
        settled = np.zeros(m, dtype=bool)
        if small.any():
            rows = np.nonzero(small)[0]
            part = [(lo[rows], hi[rows]) for lo, hi in comb]
            jac = self._jacobians(part, boxes.hi[rows] - boxes.lo[rows])
            self._widen(jac, boxes, rows, weights[rows])
            missed, inside = self._krawczyk_batch(boxes, rows, jac, part)
            none[rows[missed]] = True
            settled[rows[missed]] = True
            keep = (contracting(jac) | inside) & ~missed
            rows, jac = rows[keep], jac[keep]
            for k, j in enumerate(rows):
                factors = [boxes.data[f"{q}f"][j] for q in range(self.nn)]
                verdict = self._krawczyk(boxes.lo[j], boxes.hi[j], jac[k], factors, weights[j])
                if verdict is None:
                    continue
                settled[j] = True
                if verdict == "none":
                    none[j] = True
                    continue
                status, why, cert = decide_solution(verdict, self.taskset, **self.solution_kwargs)
                if status == "in domain":
                    step.found.append((int(j), cert))
                elif status == "outside":
                    zero_out[j] = True
                else:
                    step.undecided.append((int(j), f"one zero of the numerators, not decided: {why}"))
        step.excluded[self._named(KRAWCZYK_NONE)] = none
        step.excluded[ZERO_OUTSIDE] = zero_out
        left = ~gone & ~settled
        finest = self._finest(boxes)
        high = self._above_level(boxes, left & (rel.max(axis=1) <= LEVEL_AT), finest)
        step.excluded[ABOVE] = high
        left &= ~high
        tiny = left & (rel.max(axis=1) <= finest)
        jointly = np.zeros(m, dtype=bool)
        for j in np.nonzero(tiny)[0]:
            jointly[j] = self._outside_jointly(boxes, j)
        step.excluded[JOINTLY] = jointly
        tiny &= ~jointly
        left &= ~jointly
        for j in np.nonzero(tiny)[0]:
            step.undecided.append((int(j), "finest width reached: a numerator's range and the "
                                           "domain conditions still undecided (a zero on the "
                                           "boundary of the domain, or a multiple zero?)"))
        go = left & ~tiny
        if go.any():
            step.children = self._split(boxes.take(go), rel[go], finest[go])
        return step

    def _named(self, reason: str) -> str:
        """``reason`` with ``grad h`` replaced by the zeros' map when that is not
        the one-step MAML gradient: ``grad h_K`` (``K``-step MAML), ``g_FO``
        (FO-MAML's direction) or ``g_Reptile``."""
        method = self.solution_kwargs.get("method", "maml")
        steps = int(self.solution_kwargs.get("steps", 1))
        if method == "maml":
            name = "grad h" if steps == 1 else f"grad h_{steps}"
        else:
            name = {"fomaml": "g_FO", "reptile": "g_Reptile"}.get(method, "g")
        return reason.replace("grad h", name)

    def _above_level(self, boxes: Boxes, ask, finest=None) -> np.ndarray:
        """Per box (where ``ask``): ``h > L`` proven on its points in the domain. Not
        tried where ``h < L`` in floats at the adapted gains' midpoints
        (:meth:`_below_level`), except at the ``finest`` width."""
        high = np.zeros(len(boxes), dtype=bool)
        if self.level is None:
            return high
        rows = np.nonzero(ask)[0]
        gains = self._gain_intervals(boxes.take(rows)) if len(rows) else None
        rel = ((boxes.hi - boxes.lo) / self.root_width).max(axis=1)[rows]
        hopeless = self._below_level(gains, np.ones(len(rows), dtype=bool) if finest is None
                                     else rel > finest[rows])
        for k, j in enumerate(rows):
            if self.stop is not None and self.stop() is not None:
                break                 # deadline: the rest are not excluded (they wait)
            if hopeless[k]:
                continue
            if gains is not None and gains[k] is not None:
                high[j] = lower_bound_at(self.taskset, gains[k]) > self.level
            else:        # (where the gains' bound ran, this one never decided more)
                high[j] = exceeds(self.taskset, boxes.lo[j], boxes.hi[j], self.level,
                                  steps=self.solution_kwargs.get("steps", 1))
        return high

    def _preconditioned(self, boxes: Boxes, live):
        """The numerators preconditioned per box, ``P = Y N`` with ``Y`` the float
        inverse of ``N``'s Jacobian at the box's centre (identity where that is
        singular): near a zero of ``N`` the components of ``P`` are close to the
        coordinates' offsets from it, so their zero sets cross at right angles
        even where those of the ``N_j`` run nearly parallel (an ill-conditioned
        valley of ``h``); Mourrain and Pavone's preconditioning (2009). Any ``Y``
        is sound: ``P_k != 0`` on the box proves ``N != 0``. The coefficients of
        ``P_k`` are exact combinations of the ``N_j``'s (raised to common
        degrees), rounded outward (:func:`symlqr.branch.bernstein.combine`).
        ``Y`` amplifies the rounding the ``N_j`` carry from larger boxes by up to
        their condition number; where that, not the polynomial, keeps a sign
        open, the box's ``N_j`` are converted anew (:meth:`_reroot`) and ``P``
        formed again. Returns ``(excluded, Y, [(lo, hi) of each P_k])``."""
        Y, comb = self._combination(boxes)
        noisy = np.zeros(len(boxes), dtype=bool)
        for lo, hi in comb:
            noisy |= noise_keeps_sign_open(lo, hi)
        noisy &= live
        if noisy.any():
            self._reroot(boxes, noisy, force=True)
            rows = np.nonzero(noisy)[0]
            Y2, comb2 = self._combination(boxes.take(rows))
            Y[rows] = Y2
            for (lo, hi), (lo2, hi2) in zip(comb, comb2):
                lo[rows], hi[rows] = lo2, hi2
        out = np.zeros(len(boxes), dtype=bool)
        for lo, hi in comb:
            r_lo, r_hi = bz.ranges(lo, hi)
            out |= (r_lo > 0) | (r_hi < 0)
        return out & live, Y, comb

    def _combination(self, boxes: Boxes):
        m, n = len(boxes), self.nn
        degs = [max(boxes.data[f"{j}lo"].shape[1 + v] for j in range(n)) - 1 for v in range(self.n)]
        parts = [bz.elevate(boxes.data[f"{j}lo"], boxes.data[f"{j}hi"], degs) for j in range(n)]
        widths = boxes.hi - boxes.lo
        jac = np.stack([bz.centre_gradients(lo, hi, widths) for lo, hi in parts], axis=1)
        Y = np.broadcast_to(np.eye(n), (m, n, n)).copy()
        with np.errstate(all="ignore"):
            det = np.linalg.det(jac)
            ok = np.isfinite(jac).all(axis=(1, 2)) & np.isfinite(det) & (det != 0)
            if ok.any():
                inv = np.linalg.inv(jac[ok])
                fine = np.isfinite(inv).all(axis=(1, 2))
                idx = np.nonzero(ok)[0][fine]
                Y[idx] = inv[fine]
        return Y, [bz.combine(parts, Y[:, k, :]) for k in range(n)]

    def _finest(self, boxes: Boxes) -> np.ndarray:
        """The relative width below which a box is not cut: ``min_width``, and
        ``2^-12`` of it for a box with one of the ``corners`` (a vertex of the
        stabilizing set, where every condition vanishes) as a corner of its own:
        the joint test (:meth:`_outside_jointly`) needs the linear terms there
        to outweigh the rest, which a few more cuts give."""
        out = np.full(len(boxes), self.min_width)
        for v in self.corner_floats:
            out[at_corner(boxes.lo, boxes.hi, v)] = self.min_width * 2.0 ** -12
        return out

    def _smear(self, boxes: Boxes, rel, finest) -> np.ndarray:
        """Per box and variable, how much the numerators can change across the box
        along that variable, relative to their size there (IBEX's smear rule);
        boxes far from small (relative side above ``KRAWCZYK_AT``) are cut across
        their relatively widest side instead."""
        widths = boxes.hi - boxes.lo
        score = np.zeros_like(widths)
        for j in range(self.nn):
            lo, hi = boxes.data[f"{j}lo"], boxes.data[f"{j}hi"]
            size = np.maximum(np.abs(lo), np.abs(hi)).reshape(len(lo), -1).max(axis=1)
            size = np.where(size > 0, size, 1.0)
            for k in range(self.n):
                with np.errstate(over="ignore", invalid="ignore"):
                    dlo, dhi = bz.derivative_ranges(lo, hi, k, widths[:, k])
                    score[:, k] += np.maximum(np.abs(dlo), np.abs(dhi)) * widths[:, k] / size
        score = np.where(np.isfinite(score), score, 0.0)
        big = rel.max(axis=1) > KRAWCZYK_AT
        score[big] = rel[big]
        score[rel <= finest[:, None]] = -1.0       # never cut a side that is already finest
        return score

    def _gain_intervals(self, boxes: Boxes):
        """Per box, per task, ``(lo, hi)`` of every entry of ``F_i`` over the box
        (Bernstein ranges of numerator and denominator, the denominator of proven
        sign), or ``None`` for a box where some denominator's sign is open."""
        if not self.gain_index:
            return None
        m = len(boxes)
        out = [[] for _ in range(m)]
        bad = np.zeros(m, dtype=bool)
        for row in self.gain_index:
            ents = []
            for k_num, k_den in row:
                nlo, nhi = self._range(boxes, k_num)
                fn = boxes.data[f"{k_num}f"]
                if k_den is None:
                    q_lo, q_hi, ratio = nlo, nhi, [1 / f for f in fn]
                else:
                    dlo, dhi = self._range(boxes, k_den)
                    bad |= ~((dlo > 0) | (dhi < 0))
                    with np.errstate(all="ignore"):
                        cands = np.stack([nlo / dlo, nlo / dhi, nhi / dlo, nhi / dhi])
                    q_lo = np.nextafter(cands.min(axis=0), -np.inf)
                    q_hi = np.nextafter(cands.max(axis=0), np.inf)
                    ratio = [fd / f for f, fd in zip(fn, boxes.data[f"{k_den}f"])]
                # the entry is (q) * ratio, ratio > 0 exact; its float within 2^-52
                r = np.array([float(x) for x in ratio])
                r_lo, r_hi = r * (1 - 2.0 ** -50), r * (1 + 2.0 ** -50)
                with np.errstate(invalid="ignore", over="ignore"):
                    lo_e = np.nextafter(np.minimum(q_lo * r_lo, q_lo * r_hi), -np.inf)
                    hi_e = np.nextafter(np.maximum(q_hi * r_lo, q_hi * r_hi), np.inf)
                ents.append((lo_e, hi_e))
            for j in range(m):
                out[j].append([(float(a[j]), float(b[j])) for a, b in ents])
        return [None if bad[j] or not all(np.isfinite(x).all() for t in out[j] for x in t)
                else out[j] for j in range(m)]

    def _below_level(self, gains, may_skip) -> np.ndarray:
        """Per row of ``gains`` (:meth:`_gain_intervals`): ``h < L`` in floats at the
        midpoints of the adapted gains' enclosures (:func:`~symlqr.matrix.levels.float_level_at`),
        so that the level test, which needs ``h > L`` on the whole box, is not
        worth trying. Only a shortcut (no proof either way): such a box is cut
        instead, and the test is always tried at the finest width (``may_skip``
        false)."""
        out = np.zeros(len(may_skip), dtype=bool)
        if gains is None:
            return out
        r, d = self.taskset.shape
        rows = [k for k, g in enumerate(gains) if g is not None and may_skip[k]]
        if not rows:
            return out
        F = np.array([[[0.5 * (a + b) for a, b in task] for task in gains[k]] for k in rows])
        est = float_level_at(self.taskset, F.reshape(len(rows), -1, r, d))
        out[rows] = est < float(self.level) * (1 - 2.0 ** -20)
        return out

    # -- precision -------------------------------------------------------
    def _reroot(self, boxes: Boxes, live, force: bool = False) -> None:
        """Exact Bernstein coefficients again on a box where a polynomial's float
        enclosures have grown wide against their size (the rounding of the
        first box's coefficients is absolute; deep inside, values can be far
        smaller). Each polynomial of such a box is converted anew, exactly, and
        scaled by its own power of two (signs are all that the tests read;
        Krawczyk uses the exact values with the same factor). ``force``: every
        numerator of the ``live`` boxes, whatever its own ranges show, unless its
        coefficients are as tight as a conversion makes them (widths within
        ``2^-44`` of their size: converted in this very step, say)."""
        for k in range(self.nn if force else len(self.polys)):
            if f"{k}lo" not in boxes.data:
                continue                         # a condition dropped from the batch
            lo, hi = boxes.data[f"{k}lo"], boxes.data[f"{k}hi"]
            noisy = live & (_not_fresh(lo, hi) if force else noise_keeps_sign_open(lo, hi))
            if k in self.large:     # anew only once well inside the box of the remainder
                rel = ((boxes.hi - boxes.lo) / self.root_width).max(axis=1)
                noisy = noisy & (rel <= boxes.data[f"{k}a"] / 4)
            for j in np.nonzero(noisy)[0]:
                box = [(Fraction(a), Fraction(b)) for a, b in zip(boxes.lo[j], boxes.hi[j])]
                if k in self.large:
                    self._reroot_large(boxes, k, j, box)
                else:
                    nlo, nhi, f = self._source(k).on_best(box)
                    lo[j], hi[j] = nlo[0], nhi[0]
                    boxes.data[f"{k}f"][j] = f
                self.rerooted += 1


    # -- splitting -------------------------------------------------------
    def _drop_settled(self, boxes: Boxes) -> None:
        """Remove from the batch (in place) every condition ``num / den > 0`` that
        holds on all its boxes by the Bernstein ranges (``num`` and ``den`` of one
        strict sign, ``den`` absent counting as positive). Subdivision only
        narrows the ranges (a sub-box's coefficients are convex combinations of
        the box's), so such a condition can exclude no descendant: not by its
        sign, not in a nonnegative combination (a positive term never makes one
        ``<= 0``), and not beside a numerator (``N_j -+ lam c`` of one sign where
        ``c >= 0``, all of the box, is the numerator's own sign test). Its
        coefficients are then not split again: with two 3 x 1 tasks the splits
        of the conditions' tensors took 70 of 80 s."""
        if len(boxes) == 0:
            return
        nn = self.nn
        gone = set()
        for c_i, c in enumerate(self.conds):
            k = nn + c_i
            if f"{k}lo" not in boxes.data:
                gone.add(c_i)
                continue
            nlo, nhi = self._range(boxes, k)
            if c.den is None:
                held = bool(np.all(nlo > 0))
            else:
                dlo, dhi = self._range(boxes, self.den_key[c_i])
                held = bool(np.all(((nlo > 0) & (dlo > 0)) | ((nhi < 0) & (dhi < 0))))
            if held:
                _pop(boxes, k)
                gone.add(c_i)
                self.dropped += 1
        for q, users in self.den_users.items():   # a shared denominator: once all its users go
            if q not in self.gain_dens and all(c_i in gone for c_i in users):
                _pop(boxes, q)

    def _split(self, boxes: Boxes, rel, finest, axis=None) -> Boxes:
        self._drop_settled(boxes)
        lazy = any(f"{k}lo" not in boxes.data for k in self.large)
        if axis is None:
            axis = np.argmax(rel if lazy else self._smear(boxes, rel, finest), axis=1)
        present, copy = self._carried(boxes)
        children = split_boxes(boxes, axis, present, copy)
        return self._lower(children) if self.large else children

    def _carried(self, boxes: Boxes) -> tuple:
        """The polynomials whose coefficients the boxes carry (split with them)
        and the other per-box arrays (copied)."""
        present = [k for k in range(len(self.polys)) if f"{k}lo" in boxes.data]
        extra = [f"{k}{x}" for k in self.large for x in "dai" if f"{k}{x}" in boxes.data]
        return present, [f"{k}f" for k in present] + extra

    def _peel(self, box: Boxes, ends) -> tuple:
        """``(pieces, rest)``: the one box ``box`` cut at the faces of the float box
        ``ends`` (pairs ``(lo, hi)``; :func:`~symlqr.branch.splitting.complement`),
        the pieces a list of batches as :meth:`_split` gives, ``rest`` the box
        within ``ends``."""
        present, copy = self._carried(box)
        pieces, rest = complement(box, [a for a, _ in ends], [b for _, b in ends], present, copy)
        if pieces is None:
            return [], rest
        return (self._lower(pieces) if self.large else [pieces]), rest


def _index_of(polys: list, p, start: int) -> int:
    """The index of ``p`` among ``polys[start:]`` (appended when absent)."""
    for k in range(start, len(polys)):
        if polys[k] is not None and polys[k] == p:
            return k
    polys.append(p)
    return len(polys) - 1


def _pop(boxes: Boxes, k: int) -> None:
    for key in (f"{k}lo", f"{k}hi", f"{k}f"):
        boxes.data.pop(key, None)


def _not_fresh(lo, hi) -> np.ndarray:
    """Per box: some coefficient's width exceeds ``2^-44`` of the largest (a fresh
    conversion leaves about ``2^-50``)."""
    m = len(lo)
    width = (hi - lo).reshape(m, -1).max(axis=1)
    size = np.maximum(np.abs(lo), np.abs(hi)).reshape(m, -1).max(axis=1)
    with np.errstate(invalid="ignore"):
        return ~(width <= 2.0 ** -44 * size)


