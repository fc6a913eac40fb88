"""The chain rule on the halves of a box before its coefficients are split.

The boxes of the lazy path carry the Bernstein coefficients of the domain and
level conditions (some 37 polynomials of degree up to 18 per variable for a
3 x 1 gain); splitting them is half of the branch-and-bound's time, and most
boxes the chain rule (:mod:`~symlqr.matrix.chain_boxes`) leaves open have
halves it decides. So the halves of such a box are tested first, at the very
cut :func:`~symlqr.branch.splitting.split_boxes` will make
(:func:`~symlqr.branch.bernstein.cut_fractions` at ``SPLIT_AT``):

* both halves excluded: the box is decided without a split (its halves are
  reported as excluded pieces, :attr:`~symlqr.branch.core.Step.parts`);
* one half excluded: the box is split as before and that child dropped (a piece);
* a half left open: its child remembers the verdict, so the chain rule is not
  run on it twice.

A half where the rule proves a point is not kept (the point is found on the
child, as before). Nothing is decided here that the chain rule would not
decide on the child itself.

>>> la = LookAhead()
>>> la.halves(np.array([0.0, 0.0]), np.array([1.0, 2.0]), 1)[0][1].tolist()
[1.0, 0.9921875]
"""
from __future__ import annotations

import numpy as np

from ..branch.bernstein import cut_fractions
from ..branch.core import SPLIT_AT

__all__ = ["LookAhead", "Gate", "OneTest", "SKIPPED"]


def _key(lo, hi) -> tuple:
    return tuple(np.asarray(lo, dtype=float).tolist()) + tuple(np.asarray(hi, dtype=float).tolist())


class LookAhead:
    """The verdicts on halves not yet split (module docstring)."""

    def __init__(self):
        self.excluded: dict = {}         # key -> reason (dropped when the child appears)
        self.open: dict = {}             # key -> (axis or None, why)

    @staticmethod
    def halves(lo, hi, axis: int) -> list:
        """The two halves ``[(lo, hi), (lo, hi)]`` of the box cut across ``axis``
        exactly as :func:`~symlqr.branch.splitting.split_boxes` cuts it."""
        cut, _ = cut_fractions(np.array([lo[axis]]), np.array([hi[axis]]), SPLIT_AT)
        left_hi, right_lo = np.array(hi, dtype=float), np.array(lo, dtype=float)
        left_hi[axis] = cut[0]
        right_lo[axis] = cut[0]
        return [(np.array(lo, dtype=float), left_hi), (right_lo, np.array(hi, dtype=float))]

    def known(self, lo, hi):
        """``(axis, why)`` if this box was a half the rule left open, else None."""
        return self.open.pop(_key(lo, hi), None)

    def test(self, lo, hi, axis: int, rule, named) -> list:
        """Test both halves with ``rule`` (``rule.test``, ``rule.split_scores``);
        the excluded halves' ``(lo, hi, reason)`` when both are excluded (the box
        is then decided), else ``[]`` (the verdicts kept for its children)."""
        got = []
        for a, b in self.halves(lo, hi, axis):
            verdict, what = rule.test(a, b)
            got.append((a, b, verdict, what))
        if all(v == "none" for *_, v, _ in got):
            return [(a, b, named(w)) for a, b, _, w in got]
        for a, b, verdict, what in got:
            if verdict == "none":
                self.excluded[_key(a, b)] = named(what)
            elif verdict == "open":
                score = rule.split_scores(a, b)
                self.open[_key(a, b)] = (None if score is None else int(np.argmax(score)), what)
        return []

    def drop_excluded(self, batches: list, parts: list) -> list:
        """The children without the halves already excluded (appended to
        ``parts`` as ``(lo, hi, reason)``)."""
        out = []
        for b in batches:
            if not self.excluded:
                out.append(b)
                continue
            gone = np.zeros(len(b), dtype=bool)
            for j in range(len(b)):
                why = self.excluded.pop(_key(b.lo[j], b.hi[j]), None)
                if why is not None:
                    gone[j] = True
                    parts.append((b.lo[j].tolist(), b.hi[j].tolist(), why))
            out.append(b.take(~gone) if gone.any() else b)
        return [b for b in out if len(b)]

    def drop_halves(self, lo, hi, axis: int) -> None:
        """Drop what is kept for the halves of a box that is not split after all."""
        for a, b in self.halves(lo, hi, axis):
            self.open.pop(_key(a, b), None)
            self.excluded.pop(_key(a, b), None)


class OneTest:
    """One test of a rule (a function ``test(lo, hi) -> (verdict, why)``, e.g.
    ``rule.second_order``) as a rule of its own, for a :class:`Gate` that counts
    where that test pays.

    >>> OneTest(lambda lo, hi: ("open", "y")).test([0.0], [1.0])
    ('open', 'y')
    """

    def __init__(self, test):
        self.test = test


SKIPPED = "not tested: boxes of this size rarely pass the test (cut instead)"


class Gate:
    """The rule's test only at sizes where it pays: per octave of a box's
    largest relative side (``floor(log2(max (hi - lo) / root))``) the tests tried
    and passed are counted; once an octave has :attr:`tries` tries and passes
    fewer than :attr:`rate` of them, its boxes get ``("open", SKIPPED)`` without a
    test (every :attr:`every`-th still tested, so the count follows the search).
    A skipped box is cut like an open one and its halves are tested at their own
    size; boxes with largest relative side at most :attr:`floor` are always
    tested (there the verdict's reason decides what is done next). Nothing is decided here: the gate only saves tests that would fail
    (on the 3 x 1 example, 246 of 11,602 tests at the octave ``2^-6`` passed,
    7,101 failing at 5.5 ms each, while at ``2^-7`` 7,070 of 10,454 passed).

    >>> class Half:                       # passes only boxes narrower than 1/2
    ...     def test(self, lo, hi): return ("none", "x") if hi[0] - lo[0] < 0.5 else ("open", "y")
    >>> g = Gate(Half(), np.array([1.0]), tries=4)
    >>> [g.test([0.0], [0.9])[1] for _ in range(6)]
    ['y', 'y', 'y', 'y', 'not tested: boxes of this size rarely pass the test (cut instead)', 'not tested: boxes of this size rarely pass the test (cut instead)']
    >>> g.test([0.0], [0.25])
    ('none', 'x')
    """

    def __init__(self, rule, root_width, tries: int = 64, rate: float = 1 / 20, every: int = 16):
        self.rule, self.root = rule, np.asarray(root_width, dtype=float)
        self.tries, self.rate, self.every = tries, rate, every
        self.count: dict = {}            # octave -> [tried, passed, skipped]
        self.floor = 0.0

    def test(self, lo, hi) -> tuple:
        rel = float(np.max((np.asarray(hi, dtype=float) - np.asarray(lo, dtype=float)) / self.root))
        octave = int(np.floor(np.log2(max(rel, 1e-300))))
        c = self.count.setdefault(octave, [0, 0, 0])
        if rel > self.floor and c[0] >= self.tries and c[1] < self.rate * c[0]:
            c[2] += 1
            if c[2] % self.every:
                return "open", SKIPPED
        got = self.rule.test(lo, hi)
        c[0] += 1
        c[1] += got[0] != "open"
        return got

    def split_scores(self, lo, hi):
        return self.rule.split_scores(lo, hi)
