"""The large numerators of ``r d >= 3`` on boxes: reduced, computed late, anchored.

A numerator with more than :data:`LARGE` Bernstein coefficients per box (degree
71 in three variables: 373,248) is not carried in full by every box of the
queue (:class:`~symlqr.matrix.subdivision.Decider` mixes this in):

* **reduced**: carried at degree 28, 16 or 10 per variable (:func:`reduced_degree`)
  with the proven remainder of :mod:`symlqr.branch.reduced` (values and
  derivatives; :meth:`LargeNumerators._widen` adds the derivative remainders to
  the Krawczyk Jacobian);
* **lazy**: boxes above :data:`LAZY_AT` of the first box carry the domain and
  level conditions only (:meth:`LargeNumerators._lazy`); a box below it is
  converted from the exact polynomial once (Arb balls), one box at a time so that
  a deadline stops it. Only where a float probe of the box (centre and corners)
  meets the domain below ``PROBE_LEVEL`` times the level: elsewhere the box is
  cut further on the conditions alone (cheap; the box is most likely outside the
  domain or above the level, across several conditions' zero sets), down to
  :data:`LAZY_FLOOR`, where it is converted whatever the probe says. The probe
  only orders the work: nothing is excluded by it;
* **tested without them** first: every box below :data:`CHAIN_AT`, and for
  ``r d >= 4`` every box of a batch whose centres have float ``h <= L``
  (:meth:`LargeNumerators._by_size`: in four variables the first box is far
  larger than the domain, and ``16^3`` boxes of ``1/8`` of it come before any of
  that size), gets the
  chain rule (one task, :mod:`~symlqr.matrix.chain_boxes`) or the Taylor-model
  tests of ``h`` and ``grad h`` with Krawczyk (several tasks,
  :mod:`~symlqr.matrix.direct_boxes`; with several tasks, or ``r d >= 4``, the
  numerators are never made, and a box open at :data:`CHAIN_FLOOR` is listed
  with :data:`FINEST`), which decide most
  of ``{h <= L}`` with no numerator, a box left open having its halves tested
  before its coefficients are split (:mod:`~symlqr.matrix.look_ahead`); then a box below :data:`LAZY_AT` whose centre and corners are
  outside the domain or above the level in floats gets the joint test of the
  domain and level conditions (a linear program on the coefficients it
  carries). A box left open is cut where ``F`` changes most, and gets its
  numerators only at :data:`CHAIN_FLOOR` (no probe then); there, one across the
  stability boundary of ``W`` is listed undecided (:data:`EDGE`) instead. The
  children are batched by size, those whose centre has float ``h <= L`` first
  (:meth:`LargeNumerators._by_size`; an order only);
* **anchored**: the full coefficients of such a conversion are kept (at most
  :data:`ANCHORS`) and restricted to the boxes inside it where their rounding
  permits (:meth:`LargeNumerators._reroot_large`).

>>> reduced_degree(1 / 8), reduced_degree(1 / 32), reduced_degree(1 / 1000)
(28, 16, 10)
"""
from __future__ import annotations

from fractions import Fraction

import numpy as np

from ..branch import reduced as rd
from ..branch.bernstein import ranges
from ..branch.core import Boxes, Step
from .chain_boxes import NOT_STABLE
from .direct_boxes import IN_UNIQUE, peel_ends
from .reasons import ABOVE

__all__ = ["LargeNumerators", "reduced_degree", "noise_keeps_sign_open", "LARGE", "LAZY_AT"]

LARGE = 100_000            # polynomials with more coefficients per box are carried reduced
ANCHORS = 48               # full coefficient tensors kept to restrict from (memory)
LAZY_AT = 1 / 32           # relative side below which the large polynomials are computed
LAZY_FLOOR = 1 / 2048      # ... even where the float probe finds no low point of the domain
CHAIN_FLOOR = 2.0 ** -24   # with the chain rule: converted only below this (its tests need
                           # boxes of about 1e-3 around the points, far below LAZY_FLOOR in w1)
PROBE_LEVEL = 4            # the probe looks for h below this times the level
CHAIN_AT = 1 / 8           # relative side below which the chain rule is tried (one task)
EDGE = ("finest width reached across the stability boundary of W: no condition, nor their "
        "joint test, decides it (at an edge of the stabilizing set, where two of its "
        "conditions vanish together, the conditions cleared of denominators all vanish)")
FINEST = ("finest width reached: the Taylor-model tests leave the box open, and the "
          "numerators of grad h are not made for several tasks with r d >= 3, nor for r d >= 4")
NUMERATORS_UP_TO = 3       # one task: the numerators are made late up to this r d (r d = 4:
                           # their symbolic point did not finish in 14 minutes)
# (largest relative side, degree per variable) of the reduced coefficients
REDUCED_DEGREES = ((1 / 16, 28), (1 / 64, 16), (0.0, 10))


def reduced_degree(rel: float) -> int:
    """The degree a large polynomial is carried at on a box of largest relative
    side ``rel`` (:data:`REDUCED_DEGREES`; :mod:`symlqr.branch.reduced`)."""
    for above, m in REDUCED_DEGREES:
        if rel > above:
            return m
    return REDUCED_DEGREES[-1][1]


def noise_keeps_sign_open(lo, hi) -> np.ndarray:
    """Per box: the coefficients' widths (rounding carried from larger boxes) are
    not small against the polynomial's values and comparable to how far its
    range reaches past 0 on the short side, which they may be what opens."""
    m = len(lo)
    width = (hi - lo).reshape(m, -1).max(axis=1)
    size = np.maximum(np.abs(lo), np.abs(hi)).reshape(m, -1).max(axis=1)
    r_lo, r_hi = ranges(lo, hi)
    short = np.minimum(-r_lo, r_hi)
    gap = np.maximum(-r_lo, r_hi)                 # how far the range reaches past 0
    with np.errstate(invalid="ignore"):
        return (r_lo <= 0) & (r_hi >= 0) & (width > 2.0 ** -20 * size) \
            & (width > 0.25 * short) & (gap > 0)


def _float_h(W, taskset, steps: int) -> float:
    """``h_K(W)`` in floats, ``+inf`` outside the domain or where the float solve
    fails (for the order of work only)."""
    from .objective import maml_value
    try:
        return maml_value(W, taskset, steps)
    except (np.linalg.LinAlgError, ValueError, FloatingPointError):
        return float("inf")


class LargeNumerators:
    """Mixed into the decider: its large numerators (module docstring)."""

    def _fresh(self, boxes: Boxes, k: int) -> None:
        """The large polynomial ``k`` on every box of the batch, converted from
        the exact polynomial on each box (an anchor for the boxes inside it) and
        reduced to the degree of the largest box."""
        m = reduced_degree(LAZY_AT)       # one degree for every fresh box (one shape)
        got, ids, fs = [], [], []
        for j in range(len(boxes)):
            box = [(Fraction(a), Fraction(b)) for a, b in zip(boxes.lo[j], boxes.hi[j])]
            part = [(float(a), float(b)) for a, b in box]
            nlo, nhi, f = self._source(k).on_best(box)
            ids.append(self._anchor(part, nlo, nhi, f))
            fs.append(f)
            got.append(self._reduce_one(nlo, nhi, part, m))
            self.rerooted += 1
        boxes.data[f"{k}lo"] = np.concatenate([g[0] for g in got])
        boxes.data[f"{k}hi"] = np.concatenate([g[1] for g in got])
        boxes.data[f"{k}d"] = np.concatenate([g[2] for g in got])
        boxes.data[f"{k}f"] = np.array(fs, dtype=object)
        boxes.data[f"{k}a"] = ((boxes.hi - boxes.lo) / self.root_width).max(axis=1)
        boxes.data[f"{k}i"] = np.array(ids)

    def _reduce_one(self, lo, hi, box, m: int):
        """``(lo, hi, d)`` reduced to degree ``m`` (``d``: the derivative
        remainders in the gain's own units)."""
        rlo, rhi, _, ed = rd.reduce(lo, hi, [m] * self.n)
        widths = np.array([[float(b) - float(a) for a, b in box]])
        with np.errstate(over="ignore"):
            d = np.nextafter(ed / widths, np.inf)
        return rlo, rhi, d

    def _lazy(self, boxes: Boxes) -> Step:
        """A batch whose large polynomials are not computed yet: only the domain
        conditions and the level can exclude it. A box left that is below
        :data:`LAZY_AT` and passes the probe (:meth:`_probe`; any box below
        :data:`LAZY_FLOOR`) then gets its large polynomials (one box at a time,
        until the deadline: the rest wait in the queue) and comes back as a full
        box; any other is cut across its relatively widest side."""
        step = Step()
        gone = np.zeros(len(boxes), dtype=bool)
        for reason, mask in self._outside(boxes).items():
            step.excluded[reason] = mask & ~gone
            gone |= mask
        for reason, mask in self._in_tubes(boxes, ~gone).items():
            step.excluded[reason] = mask
            gone |= mask
        high = self._above_level(boxes, ~gone)
        step.excluded[ABOVE] = high
        go = ~gone & ~high
        rel = ((boxes.hi - boxes.lo) / self.root_width).max(axis=1)
        axes = np.argmax((boxes.hi - boxes.lo) / self.root_width, axis=1)
        held = np.zeros(len(boxes), dtype=bool)          # stopped before their test
        unstable = np.zeros(len(boxes), dtype=bool)      # W not proven stabilizing (chain)
        known = [self.ahead.known(boxes.lo[j], boxes.hi[j]) for j in range(len(boxes))]
        tried: list = []
        peeled: list = []        # the pieces around a zero's uniqueness box (batches)
        if self.chain is not None:
            # r d >= 4, centres below the level: any size (for r d = 3 that cost more
            # than it decided: 10,568 boxes in 300 s against 12,292, 2,365 left against 1,570)
            near = rel <= (1.0 if boxes.first and self.n > NUMERATORS_UP_TO else CHAIN_AT)
            go &= ~self._chain_step(boxes, go & near, step, axes, held, unstable,
                                    known, tried, peeled)
        for why, mask in self._jointly_where_probed_outside(
                boxes, go & (rel <= LAZY_AT) & ~held).items():
            step.excluded[why] = mask
            go &= ~mask
        convert = go & (rel <= LAZY_AT) & ~held
        rows = np.nonzero(convert & (rel > (LAZY_FLOOR if self.chain is None else CHAIN_FLOOR)))[0]
        convert[rows] = self._probe(boxes, rows) if self.chain is None else False
        edge = convert & unstable                # at the floor, across W's stability boundary
        if self._later is not None and (len(self.taskset.tasks) > 1 or self.n > NUMERATORS_UP_TO):
            edge = convert        # several tasks, or r d >= 4: the numerators are not made
        for j in np.nonzero(edge)[0]:
            step.undecided.append((int(j), EDGE if unstable[j] else FINEST))
        convert &= ~edge
        go &= ~edge
        waiting = convert | held
        done = []
        for j in np.nonzero(convert)[0]:
            if self.stop is not None and self.stop() is not None:
                break
            part = boxes.take([j])
            for k in self.large:
                self._fresh(part, k)
            done.append(part)
            waiting[j] = False
        groups = self._lower(Boxes.concat(done)) if done else []
        if waiting.any():                        # stopped: they wait, still lazy
            groups.append(boxes.take(waiting))
        cut = go & ~convert & ~held
        if cut.any():
            rel2 = (boxes.hi[cut] - boxes.lo[cut]) / self.root_width
            for part in self.ahead.drop_excluded(
                    self._split(boxes.take(cut), rel2, np.full(int(cut.sum()), self.min_width),
                                axis=axes[cut]), step.parts):
                groups += self._by_size(part)
        for j in tried:              # tested ahead, then decided otherwise or kept whole
            if not cut[j]:
                self.ahead.drop_halves(boxes.lo[j], boxes.hi[j], int(axes[j]))
        for part in peeled:
            groups += self._by_size(part)
        step.children = groups
        return step

    def _by_size(self, boxes: Boxes) -> list:
        """The batch in groups of boxes within a factor 8 of each other in largest
        relative side: the queue takes a batch by its largest box, so a batch
        mixing sizes would carry its small boxes down with the large (into spots
        no test decides) before the other large boxes are worked."""
        rel = ((boxes.hi - boxes.lo) / self.root_width).max(axis=1)
        octave = np.floor(np.log2(np.maximum(rel, 1e-300)) / 3)
        near = self._centre_below_level(boxes)
        out = []
        for o in np.unique(octave):
            for first in (True, False):
                pick = (octave == o) & (near == first)
                if pick.any():
                    part = boxes.take(pick)
                    part.first = first
                    out.append(part)
        return out

    def _centre_below_level(self, boxes: Boxes) -> np.ndarray:
        """Per box: its centre is in the domain with float ``h`` at most the level
        (any domain point without one). Only for the order of work: such boxes
        are worked first (the region of interest is a small part of the first
        box's volume, which the queue would otherwise leave to the end)."""
        r, d = self.taskset.shape
        steps = int(self.solution_kwargs.get("steps", 1))
        top = np.inf if self.level is None else float(self.level)
        centres = 0.5 * (boxes.lo + boxes.hi)
        return np.array([_float_h(c.reshape(r, d), self.taskset, steps) <= top for c in centres],
                        dtype=bool)

    def _chain_step(self, boxes: Boxes, ask, step: Step, axes, held, unstable, known,
                    tried: list, peeled: list) -> np.ndarray:
        """The chain rule (:mod:`~symlqr.matrix.chain_boxes`, one task) on the
        boxes ``ask``: excluded boxes and found points go into ``step``; a box
        left open is cut where ``F`` changes most (``axes``, set in place), its
        halves tested first (:mod:`~symlqr.matrix.look_ahead`: both excluded,
        the box is decided; the rows so tested are added to ``tried``); ``known``:
        per box, the verdict kept when it was such a half. A box holding a zero
        proven unique in a box inside it (verdict ``"inner"``,
        :meth:`~symlqr.matrix.direct_boxes.BoxRule.inner`) is found there and
        the pieces around go into ``peeled``. A box not reached before the
        deadline is ``held``. The rows decided."""
        decided = np.zeros(len(boxes), dtype=bool)
        self.gate.floor = 2 * CHAIN_FLOOR          # halves at the floor: always tested
        if getattr(self.chain, "first", None) is not None:
            self.chain.first.floor = self.gate.floor
        for j in np.nonzero(ask)[0]:
            if self.stop is not None and self.stop() is not None:
                held[j:] |= ask[j:] & ~decided[j:]
                break
            lo, hi = boxes.lo[j], boxes.hi[j]
            verdict, what = ("open", known[j][1]) if known[j] is not None else self.gate.test(lo, hi)
            ends = peel_ends(what, lo, hi) if verdict in ("inner", "around") else None
            if verdict in ("inner", "around") and ends is None:
                verdict, what = "open", "a zero next to a face of the box (its unique box not cut out)"
            if verdict == "none":
                step.excluded.setdefault(self._named(what), np.zeros(len(boxes), dtype=bool))[j] = True
                decided[j] = True
            elif verdict == "one":
                step.found.append((int(j), what))
                decided[j] = True
            elif verdict in ("inner", "around"):   # a zero's unique box cut out
                pieces, rest = self._peel(boxes.take([j]), ends)
                piece = (rest.lo[0].tolist(), rest.hi[0].tolist())
                if verdict == "inner":
                    step.found_in.append(piece + (what,))
                else:
                    step.parts.append(piece + (self._named(IN_UNIQUE),))
                peeled += pieces
                decided[j] = True
            else:
                unstable[j] = what == NOT_STABLE
                if known[j] is not None:
                    axis = known[j][0]
                else:
                    score = self.chain.split_scores(lo, hi)
                    axis = None if score is None else int(np.argmax(score))
                if axis is not None:
                    axes[j] = axis
                parts = self.ahead.test(lo, hi, int(axes[j]), self.gate, self._named)
                tried.append(int(j))
                if parts:
                    step.parts += parts
                    decided[j] = True
        self.chain_tests += int(decided.sum())
        return decided

    def _jointly_where_probed_outside(self, boxes: Boxes, ask) -> dict:
        """The joint test of the domain and level conditions
        (:meth:`_jointly_with_level` on the coefficients the box carries: a
        linear program, no conversion) on the boxes ``ask`` whose centre and
        corners are all outside the domain or above the level in floats (the
        floats only choose where to try; the test is the proof). Such boxes lie
        across the stability boundary of ``W`` or of ``F(W)``, where no single
        condition fails on the whole box. ``{reason: mask}``."""
        out: dict = {}
        top = np.inf if self.level is None else float(self.level)
        for j in np.nonzero(ask)[0]:
            if self.stop is not None and self.stop() is not None:
                break
            if self._probed_below(boxes.lo[j], boxes.hi[j], top):
                continue
            why = self._jointly_with_level(boxes, j)
            if why is not None:
                out.setdefault(why, np.zeros(len(boxes), dtype=bool))[j] = True
        return out

    def _probe(self, boxes: Boxes, rows) -> np.ndarray:
        """Per row: the box's centre or one of its corners is in the domain with
        float ``h`` below :data:`PROBE_LEVEL` times the level (any point of the
        domain without a level). Floats, for the order of work only."""
        top = np.inf if self.level is None else PROBE_LEVEL * float(self.level)
        return np.array([self._probed_below(boxes.lo[j], boxes.hi[j], top) for j in rows],
                        dtype=bool)

    def _probed_below(self, lo, hi, top: float) -> bool:
        """The centre or a corner of ``[lo, hi]`` is in the domain with float ``h``
        at most ``top`` (floats: where to try a test, never a proof)."""
        r, d = self.taskset.shape
        steps = int(self.solution_kwargs.get("steps", 1))
        corners = np.array(np.meshgrid(*[[0.0, 1.0]] * self.n)).reshape(self.n, -1).T
        return any(_float_h((lo + t * (hi - lo)).reshape(r, d), self.taskset, steps) <= top
                   for t in np.vstack([[0.5] * self.n, corners]))

    def _reroot_large(self, boxes: Boxes, k: int, j: int, box) -> None:
        """A large polynomial on box ``j`` anew at the batch's degree: restricted
        from the full coefficients on a box around it (its anchor, while kept)
        and reduced, or, where that leaves its sign open to the rounding carried
        from there (values far below the anchor's largest), converted from the
        exact polynomial on the box itself, which becomes the anchor of the
        boxes inside it."""
        lo, hi = boxes.data[f"{k}lo"], boxes.data[f"{k}hi"]
        m = lo.shape[1] - 1
        part = [(float(a), float(b)) for a, b in box]
        got = None
        held = self.anchors.get(int(boxes.data[f"{k}i"][j]))
        if held is not None:
            first, flo, fhi, f = held
            plo, phi = rd.restrict(flo, fhi, first, part)
            got = self._reduce_one(plo, phi, part, m)
            if noise_keeps_sign_open(got[0], got[1])[0] and noise_keeps_sign_open(plo, phi)[0]:
                got = None
        if got is None:
            nlo, nhi, f = self._source(k).on_best(box)
            boxes.data[f"{k}i"][j] = self._anchor(part, nlo, nhi, f)
            got = self._reduce_one(nlo, nhi, part, m)
        lo[j], hi[j] = got[0][0], got[1][0]
        boxes.data[f"{k}d"][j] = got[2][0]
        boxes.data[f"{k}f"][j] = f
        boxes.data[f"{k}a"][j] = float(((boxes.hi[j] - boxes.lo[j]) / self.root_width).max())

    def _anchor(self, box, lo, hi, f) -> int:
        """Keep full coefficients on ``box`` (at most :data:`ANCHORS` of them, the
        oldest dropped); their id."""
        key = len(self.anchors) and next(reversed(self.anchors)) + 1
        self.anchors[key] = (box, lo, hi, f)
        while len(self.anchors) > ANCHORS:
            self.anchors.popitem(last=False)
        return key

    def _lower(self, boxes: Boxes) -> list:
        """The large polynomials of ``boxes`` brought down to the degree their
        size asks for (:func:`reduced_degree`); the remainders add up, each
        proven on its box. A list of batches, one per shape."""
        rel = ((boxes.hi - boxes.lo) / self.root_width).max(axis=1)
        want = np.array([reduced_degree(float(r)) for r in rel])
        if any(f"{k}lo" not in boxes.data for k in self.large):
            return [boxes]             # lazy boxes: converted in :meth:`_lazy`
        groups = []
        for m in np.unique(want):
            part = boxes.take(want == m)
            for k in self.large:
                if part.data[f"{k}lo"].shape[1] - 1 <= m:
                    continue
                rlo, rhi, _, ed = rd.reduce(part.data[f"{k}lo"], part.data[f"{k}hi"], [m] * self.n)
                with np.errstate(over="ignore"):
                    d = np.nextafter(part.data[f"{k}d"] + np.nextafter(ed / (part.hi - part.lo), np.inf),
                                     np.inf)
                part.data[f"{k}lo"], part.data[f"{k}hi"], part.data[f"{k}d"] = rlo, rhi, d
            groups.append(part)
        return groups

    def _widen(self, jac, boxes: Boxes, rows, Y) -> None:
        """Add the reduced numerators' derivative remainders to ``jac`` (the
        Jacobian of ``P = Y N``): ``|dP_i/dw_k - (read)| <= sum_j |Y_ij| d_jk``
        (:mod:`symlqr.branch.reduced`), summed with upward rounding."""
        if not any(k < self.nn for k in self.large):
            return
        d = np.zeros((len(rows), self.nn, self.n))
        for k in self.large:
            if k < self.nn:
                d[:, k, :] = boxes.data[f"{k}d"][rows]
        with np.errstate(over="ignore", invalid="ignore"):
            extra = np.zeros((len(rows), self.nn, self.n))
            for k in range(self.nn):      # extra[:, i, :] += |Y[:, i, k]| d[:, k, :]
                extra = np.nextafter(extra + np.nextafter(np.abs(Y[:, :, k])[:, :, None]
                                                          * d[:, k, None, :], np.inf), np.inf)
        jac[..., 0] = np.nextafter(jac[..., 0] - extra, -np.inf)
        jac[..., 1] = np.nextafter(jac[..., 1] + extra, np.inf)
