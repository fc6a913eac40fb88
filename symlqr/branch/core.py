"""One branch-and-bound over boxes, shared by the scalar and the matrix engines.

A *box* is ``[lo_1, hi_1] x ... x [lo_n, hi_n]`` (float ends, so exact
rationals). The driver keeps a queue of batches of boxes (:class:`Boxes`,
rows are boxes; any per-box arrays such as Bernstein coefficients travel in
``Boxes.data``) and hands one batch at a time to a *decider*, a function
``decide(boxes) -> Step`` that says, for every box of the batch, one of

* **excluded** by a proof, under a named reason (no zero of the map in the
  box, the box outside the domain, ``h > L`` on the box, ...);
* **found**: the box holds exactly one zero, proven (interval Newton or
  Krawczyk); the decider returns the item it certified;
* **undecided** with the reason (finest width reached, precision exhausted);
* or it returns **children** (the box split or contracted), which go back in
  the queue (one batch, or a list of batches whose per-box arrays differ in
  shape: batches are never merged), and possibly **parts**: pieces of a box
  excluded when it was split (``(lo, hi, reason)``; a decider that tests the
  halves of a box before splitting its data reports the halves it excluded
  there, and the pieces with the children cover the box), and **pieces found**
  (``found_in``: ``(lo, hi, item)``, a piece of a box proven to hold exactly
  one zero, the rest of the box among the children: Kearfott's box
  complement around a verified zero, so that a zero on the face between two
  children is not chased down to the finest width).

Every box leaves the queue in exactly one of those ways, so the found items,
the excluded boxes and the undecided boxes together cover the root boxes, and
``complete`` means that no box was left undecided. The batch holding the
largest box is worked first (so the volume decided grows early and a run cut
short leaves small undecided boxes, not whole unexplored regions), batches the
decider marks ``first`` before all others;
``max_boxes`` bounds the work: when it is used up, or ``stop()`` returns a
reason (a deadline), the boxes still in the queue are reported undecided with
that reason, never dropped. ``memory`` bounds the queue: while the arrays of
the boxes waiting exceed that many bytes, the batch holding the *smallest*
box is worked first instead (depth first: small boxes are decided or cut into
still smaller ones, so the queue shrinks; Moore's and IBEX's depth-first
order), and the largest again once the queue is back under the bound
(``Outcome.peak_bytes`` says how high it went).

The volumes of excluded, found and undecided boxes are summed, so the
fraction of the root volume that is decided is known at any time
(``Outcome.decided_fraction``); ``progress(outcome)`` is called after every
batch.

>>> import numpy as np
>>> def decide(b):          # zeros of x^2 - 2 on [0, 4]: exclusion by the range
...     lo, hi = b.lo[:, 0], b.hi[:, 0]
...     none = (lo * lo > 2) | (hi * hi < 2)
...     tiny = ~none & (hi - lo < 1e-9)
...     step = Step(excluded={"no zero": none}, children=b.take(~none & ~tiny).bisect())
...     step.found = [(int(j), (lo[j], hi[j])) for j in np.nonzero(tiny)[0]]
...     return step
>>> out = branch_and_bound(Boxes(np.array([[0.0]]), np.array([[4.0]])), decide)
>>> len(out.found), bool(abs(out.found[0][0] - 2 ** 0.5) < 1e-9), out.complete
(1, True, True)
>>> round(out.decided_fraction, 12)
1.0
"""
from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

__all__ = ["Boxes", "Step", "Outcome", "branch_and_bound", "SPLIT_AT"]

# Boxes are split slightly off centre so that a zero at a "round" point (0, 1/2,
# a symmetric configuration) does not sit on the face between two children
# (IntervalRootFinding.jl does the same, at 127/256).
SPLIT_AT = 127 / 256


@dataclass
class Boxes:
    """A batch of ``m`` boxes in ``n`` dimensions: ``lo``, ``hi`` of shape
    ``(m, n)``; ``data`` maps names to arrays whose first axis is the box.
    ``first``: the queue works the batch before any without it (an order the
    decider asks for; it decides nothing)."""
    lo: np.ndarray
    hi: np.ndarray
    data: dict = field(default_factory=dict)
    first: bool = False

    def __len__(self) -> int:
        return len(self.lo)

    def take(self, index) -> "Boxes":
        """The boxes picked by a boolean mask or an index array."""
        return Boxes(self.lo[index], self.hi[index], {k: v[index] for k, v in self.data.items()},
                     self.first)

    @staticmethod
    def concat(parts: list) -> "Boxes":
        parts = [p for p in parts if len(p)]
        if not parts:
            raise ValueError("nothing to concatenate")
        keys = parts[0].data.keys()
        return Boxes(np.concatenate([p.lo for p in parts]), np.concatenate([p.hi for p in parts]),
                     {k: np.concatenate([p.data[k] for p in parts]) for k in keys})

    @property
    def nbytes(self) -> int:
        """Bytes of the ends and the per-box arrays (an object array counts its
        pointers only)."""
        return int(self.lo.nbytes + self.hi.nbytes + sum(v.nbytes for v in self.data.values()))

    def volumes(self) -> np.ndarray:
        return np.prod(self.hi - self.lo, axis=1)

    def bisect(self, axis: Optional[np.ndarray] = None, at: float = SPLIT_AT) -> "Boxes":
        """Both halves of every box, cut across ``axis`` (default: the widest
        side of each box) at the fraction ``at`` of its width. Per-box data is
        copied to both halves (a decider that needs it split does that itself)."""
        m = len(self)
        if m == 0:
            return self
        if axis is None:
            axis = np.argmax(self.hi - self.lo, axis=1)
        rows = np.arange(m)
        cut = self.lo[rows, axis] + at * (self.hi[rows, axis] - self.lo[rows, axis])
        left_hi, right_lo = self.hi.copy(), self.lo.copy()
        left_hi[rows, axis] = cut
        right_lo[rows, axis] = cut
        data = {k: np.concatenate([v, v]) for k, v in self.data.items()}
        return Boxes(np.concatenate([self.lo, right_lo]), np.concatenate([left_hi, self.hi]), data)


@dataclass
class Step:
    """What a decider says about one batch (indices are rows of the batch)."""
    excluded: dict = field(default_factory=dict)      # reason -> boolean mask
    found: list = field(default_factory=list)         # (row, item)
    undecided: list = field(default_factory=list)     # (row, reason)
    children: object = None         # Boxes, or a list of Boxes whose data differ in shape
    parts: list = field(default_factory=list)         # (lo, hi, reason): excluded pieces of
                                                      # the batch's boxes, not boxes of it
    found_in: list = field(default_factory=list)      # (lo, hi, item): pieces of the batch's
                                                      # boxes holding one zero each (the rest
                                                      # of such a box among the children)


@dataclass
class Outcome:
    """Everything a run decided: ``found`` items with their boxes, the excluded
    boxes counted by reason, the undecided boxes with their reasons."""
    found: list = field(default_factory=list)               # items
    found_boxes: list = field(default_factory=list)         # (lo, hi) of each item's box
    undecided: list = field(default_factory=list)           # (lo, hi, reason)
    excluded: dict = field(default_factory=dict)            # reason -> number of boxes
    excluded_volume: dict = field(default_factory=dict)     # reason -> volume
    peak_bytes: int = 0                                     # the queue's largest size
    volume: float = 0.0                                     # of the root boxes
    found_volume: float = 0.0
    boxes: int = 0
    stopped: Optional[str] = None
    audit: list = field(default_factory=list)               # (lo, hi, reason) samples
    audit_limit: int = 0                                    # how many excluded boxes to keep

    @property
    def complete(self) -> bool:
        """No box is undecided: the found items are every zero in the region."""
        return not self.undecided

    @property
    def undecided_volume(self) -> float:
        return float(sum(np.prod(np.asarray(h) - np.asarray(l)) for l, h, _ in self.undecided))

    @property
    def decided_fraction(self) -> float:
        """Share of the root volume excluded or inside a found item's box."""
        if self.volume <= 0:
            return 1.0
        done = self.found_volume + sum(self.excluded_volume.values())
        return min(1.0, done / self.volume)


def branch_and_bound(roots: Boxes, decide: Callable[[Boxes], Step], *, batch: int = 4096,
                     max_boxes: int = 1_000_000, stop: Optional[Callable[[], Optional[str]]] = None,
                     progress: Optional[Callable[[Outcome], None]] = None,
                     outcome: Optional[Outcome] = None,
                     memory: Optional[int] = None) -> Outcome:
    """Run ``decide`` on batches of boxes until none is left (module docstring).

    ``stop()`` (optional) returns ``None`` to go on or a reason to stop now;
    the boxes not yet decided are then undecided with that reason, as they are
    when ``max_boxes`` boxes have been decided without finishing."""
    out = outcome if outcome is not None else Outcome()
    out.volume += float(roots.volumes().sum())
    heap: list = []
    count = 0
    held = 0                                  # bytes of the boxes in the queue

    def push(b: Boxes) -> None:
        nonlocal count, held
        if len(b):
            heapq.heappush(heap, (-int(b.first), -float(b.volumes().max()), count, b))
            count += 1
            held += b.nbytes
            out.peak_bytes = max(out.peak_bytes, held)

    def pop() -> Boxes:
        nonlocal held
        if memory is None or held <= memory or len(heap) < 2:
            entry = heapq.heappop(heap)
        else:                                 # depth first: the smallest boxes
            k = min(range(len(heap)), key=lambda i: (float(heap[i][3].volumes().min()), heap[i][2]))
            entry = heap[k]
            heap[k] = heap[-1]
            heap.pop()
            heapq.heapify(heap)
        held -= entry[3].nbytes
        return entry[3]

    push(roots)
    while heap:
        why = stop() if stop is not None else None
        if why is None and out.boxes >= max_boxes:
            why = f"time: budget of {max_boxes} boxes used"
        if why is not None:
            out.stopped = why
            for *_, b in heap:
                out.undecided += [(l, h, why) for l, h in zip(b.lo.tolist(), b.hi.tolist())]
            break
        work = pop()
        size = min(batch, max_boxes - out.boxes)      # never past max_boxes
        if len(work) > size:
            if memory is not None and held > memory:  # the smallest first
                work = work.take(np.argsort(work.volumes(), kind="stable"))
            push(work.take(slice(size, None)))
            work = work.take(slice(0, size))
        out.boxes += len(work)
        step = decide(work)
        _account(out, work, step)
        if isinstance(step.children, list):
            for b in step.children:
                push(b)
        elif step.children is not None:
            push(step.children)
        if progress is not None:
            progress(out)
    return out


def _account(out: Outcome, work: Boxes, step: Step) -> None:
    vol = work.volumes()
    for reason, mask in step.excluded.items():
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            out.excluded[reason] = out.excluded.get(reason, 0) + int(mask.sum())
            out.excluded_volume[reason] = out.excluded_volume.get(reason, 0.0) + float(vol[mask].sum())
            room = out.audit_limit - len(out.audit)
            if room > 0:
                rows = np.nonzero(mask)[0][:room]
                out.audit += [(work.lo[j].tolist(), work.hi[j].tolist(), reason) for j in rows]
    for lo, hi, reason in step.parts:
        out.excluded[reason] = out.excluded.get(reason, 0) + 1
        out.excluded_volume[reason] = out.excluded_volume.get(reason, 0.0) + \
            float(np.prod(np.asarray(hi) - np.asarray(lo)))
        if len(out.audit) < out.audit_limit:
            out.audit.append((list(lo), list(hi), reason))
    for lo, hi, item in step.found_in:
        out.found.append(item)
        out.found_boxes.append((list(lo), list(hi)))
        out.found_volume += float(np.prod(np.asarray(hi) - np.asarray(lo)))
    for row, item in step.found:
        out.found.append(item)
        out.found_boxes.append((work.lo[row].tolist(), work.hi[row].tolist()))
        out.found_volume += float(vol[row])
    for row, reason in step.undecided:
        out.undecided.append((work.lo[row].tolist(), work.hi[row].tolist(), reason))
