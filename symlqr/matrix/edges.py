"""Edges of the stabilizing set, blown up: tubes around them proven outside the domain.

For one input (``r = 1``) and a controllable ``(A, B)`` the characteristic
polynomial of ``A - B W`` is ``c_0 + L W`` with ``L`` invertible
(:func:`symlqr.matrix.domain._charpoly_affine`). For ``d = 3`` the closure of the
set of Schur-stable monic cubics has four vertices ``(z - 1)^k (z + 1)^(3 - k)``
and five edges, each a segment of a line in coefficient space (``c`` in
``[-1, 1]``)::

    (z - 1)(z + 1)(z - c),  (z - 1)^2 (z - c),  (z + 1)^2 (z - c),
    (z - 1)(z^2 - 2 c z + 1),  (z + 1)(z^2 - 2 c z + 1)

(two eigenvalues on the unit circle together). Through ``W = L^-1 (a - c_0)``
each is a segment ``E(s) = E_0 + s e``, ``s`` in ``[-1, 1]``, of gains.

Why they matter. Near an edge the adapted gain ``F(W) = W - eta grad C(W)``
blows up in two independent modes, so its direction depends on the side from
which ``W`` approaches: every domain condition of ``A - B F(W)`` cleared of its
denominator vanishes on the whole edge (checked on
``examples/chain_3state.json``: the six of ``A - B F(W)`` at points of the three
real edges, besides two or three of ``A - B W``'s), and so do the level's
conditions (:mod:`~symlqr.matrix.level_sets`); no sign test on a box around an
edge point decides it.
The branch-and-bound then dives along the edge to the finest width
(docs/matrix.md, "Why ``r d = 3`` is not complete").

The blow-up. In the chart ``W = E_0 + s e + rho (u n_1 + v n_2)`` with
``(u, v)`` on the boundary of the square ``max(|u|, |v|) = 1`` (four faces:
``u = +-1`` with ``t = v``, ``v = +-1`` with ``t = u``) and ``rho >= 0``, a
condition's numerator is ``rho^m p~(s, rho, t)`` with ``m`` the largest power of
``rho`` dividing it (exactly), and ``p~(s, 0, t)`` is its leading form along the
edge: at the edge's inner points that form has a strict sign in the directions
where the condition excludes, and every direction is excluded by some condition
(sampled on the three real edges of the 3 x 1 chain: 0 of 2,088 directions
open, except at the vertices). So on a chart box
``[s_0, s_1] x [0, R] x [t_0, t_1]`` on which ``sigma p~ <= 0`` is proven by its
Bernstein coefficients (``sigma`` the sign of the condition's denominator on the
stabilizing set, :class:`symlqr.matrix.domain.Condition`), every gain with
``rho > 0`` there has the condition ``<= 0`` and is outside the domain, and the
gains with ``rho = 0`` lie on the boundary of the stabilizing set, outside too.

:func:`edge_tubes` proves, per edge, radii ``R_k`` on pieces ``[s_k, s_(k+1)]``
of the edge by a small branch-and-bound over chart boxes (the Bernstein
coefficients of each ``p~`` exact on the first chart box, then de Casteljau
splits with outward rounding, :mod:`symlqr.branch.bernstein`); a box of gains is
excluded (:meth:`EdgeTube.covers`) when its chart coordinates, exact over its
corners (the chart is affine, the set ``{s in I, max(|a|, |b|) <= R}`` convex),
lie in such a piece. Near the vertices the radii shrink to nothing: the pieces
there are left out, and the vertices stay box corners as before. Only the
conditions that vanish on an edge and belong to its task are carried in its
chart (the others keep their sign next to it); tasks with the same ``(A, B)``
share their edges, proven once. With the level's conditions the radii are far
larger than with the domain's alone (docs/matrix.md).

>>> from symlqr.matrix.tasks import load_matrix_tasks_file, MatrixTaskSet
>>> d = load_matrix_tasks_file("examples/chain_3state.json")
>>> ts = MatrixTaskSet(d["tasks"], d["eta"], d["weights"])
>>> [e.kind for e in stability_edges(ts)]
['1, -1', '1, 1', '-1, -1', '1, e^(+-it)', '-1, e^(+-it)']
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Optional

import numpy as np
from flint import fmpq, fmpq_mat, fmpq_mpoly_ctx

from ..branch import bernstein as bz
from ..branch.splitting import split_by_shape
from .reasons import IN_TUBE, IN_TUBE_LEVEL

__all__ = ["Edge", "EdgeTube", "stability_edges", "edge_tubes"]


R0 = 1 / 8               # first chart radius, relative to the first box's widths
MAX_CHART_BOXES = 12000  # per edge and face
PIECES = 16              # the edge's parameter range is proven piece by piece
MIN_S = 2.0 ** -12       # narrowest piece of an edge (its parameter runs over [-1, 1])
VERTEX_GAP = 2.0 ** -5   # pieces this close to a vertex are not refined further
BATCH = 64               # chart boxes per batch
ASPECT = 8               # rho is halved (not s or t cut) while R / R0 >= ASPECT * their half-widths (8: thicker tubes than 1 or 1/8, for a few more chart boxes)


def _q(x: Fraction) -> fmpq:
    x = Fraction(x)
    return fmpq(x.numerator, x.denominator)


def _fr(q) -> Fraction:
    return Fraction(int(q.p), int(q.q))


# the five edges of the Schur-stable monic cubics: coefficients (low to high,
# without the leading 1) as affine functions of c, at c = 0 and their slope
_CUBIC_EDGES = (
    ("1, -1", (0, -1, 0), (1, 0, -1)),            # (z^2 - 1)(z - c) = z^3 - c z^2 - z + c
    ("1, 1", (0, 1, -2), (-1, 2, -1)),            # (z - 1)^2 (z - c)
    ("-1, -1", (0, 1, 2), (-1, -2, -1)),          # (z + 1)^2 (z - c)
    ("1, e^(+-it)", (-1, 1, -1), (0, 2, -2)),     # (z - 1)(z^2 - 2 c z + 1)
    ("-1, e^(+-it)", (1, 1, 1), (0, -2, -2)),     # (z + 1)(z^2 - 2 c z + 1)
)


@dataclass
class Edge:
    """``E(s) = E0 + s e`` for ``s`` in ``[-1, 1]``: gains of task ``task`` whose
    closed loop has the two eigenvalues ``kind`` on the unit circle (row-major
    Fractions)."""
    task: int
    kind: str
    E0: list
    e: list


def stability_edges(taskset) -> list:
    """The edges (:class:`Edge`) of every task with ``r = 1``, ``d = 3`` and
    ``(A, B)`` controllable; ``[]`` for other shapes."""
    from .domain import _charpoly_affine
    r, d = taskset.shape
    if r != 1 or d != 3:
        return []
    out = []
    for i, t in enumerate(taskset.tasks):
        c0, L = _charpoly_affine(t.A, t.B)
        if L.det() == 0:
            continue
        Li = L.inv()
        for kind, at0, slope in _CUBIC_EDGES:
            W0 = Li * fmpq_mat(3, 1, [fmpq(a) - c for a, c in zip(at0, c0)])
            dW = Li * fmpq_mat(3, 1, [fmpq(b) for b in slope])
            out.append(Edge(i, kind, [_fr(W0[j, 0]) for j in range(3)],
                            [_fr(dW[j, 0]) for j in range(3)]))
    return out


@dataclass
class EdgeTube:
    """Gains ``E0 + s e + a n1 + b n2`` with ``s`` in a piece ``[s0, s1]`` and
    ``max(|a|, |b|) <= R`` of that piece, proven outside the domain
    (module docstring). ``n1``, ``n2``: the first box's widths along the two
    coordinates ``j1``, ``j2`` other than ``k`` (the edge's steepest)."""
    edge: Edge
    k: int
    j1: int
    j2: int
    width1: Fraction
    width2: Fraction
    pieces: list = field(default_factory=list)     # (s0, s1, R) Fractions, in order
    chart_boxes: int = 0
    level: bool = False        # a level condition proved some piece: "h > L or outside"

    @property
    def reason(self) -> str:
        return IN_TUBE_LEVEL if self.level else IN_TUBE

    def summary(self) -> dict:
        """Task (from 1), the eigenvalues on the circle, the part of the edge's
        parameter range ``[-1, 1]`` covered, the smallest and largest radius
        (relative to the first box's widths), the chart boxes tried."""
        radii = [float(R) for *_, R in self.pieces]
        return {"task": self.edge.task + 1, "eigenvalues": self.edge.kind,
                "covered": float(sum(b - a for a, b, _ in self.pieces)) / 2,
                "radius": [min(radii), max(radii)] if radii else None,
                "chart_boxes": self.chart_boxes}

    def chart(self, lo, hi):
        """Exact ranges of ``s`` and of ``max(|a|, |b|)`` over the box (Fractions)."""
        E0, e, k = self.edge.E0, self.edge.e, self.k
        lo = [Fraction(x) for x in lo]
        hi = [Fraction(x) for x in hi]
        s0, s1 = sorted(((lo[k] - E0[k]) / e[k], (hi[k] - E0[k]) / e[k]))
        rho = Fraction(0)
        for j, wj in ((self.j1, self.width1), (self.j2, self.width2)):
            # a = (w_j - E0_j - s e_j) / wj, s = (w_k - E0_k) / e_k: affine, each
            # variable once, so its interval range is exact
            c = e[j] / e[k]
            parts = [(lo[j] - E0[j], hi[j] - E0[j])]
            parts.append(tuple(sorted((-c * (lo[k] - E0[k]), -c * (hi[k] - E0[k])))))
            a0 = sum(p[0] for p in parts) / wj
            a1 = sum(p[1] for p in parts) / wj
            rho = max(rho, abs(a0), abs(a1))
        return s0, s1, rho

    def near(self, lo, hi) -> np.ndarray:
        """Floats, a cheap filter: boxes whose chart ``rho`` range may be within
        the largest radius (rows of ``lo``, ``hi``)."""
        if not self.pieces:
            return np.zeros(len(lo), dtype=bool)
        E0 = np.array([float(x) for x in self.edge.E0])
        e = np.array([float(x) for x in self.edge.e])
        c = (lo + hi) / 2
        s = (c[:, self.k] - E0[self.k]) / e[self.k]
        top = max(float(R) for _, _, R in self.pieces)
        ok = (s > -1.5) & (s < 1.5)
        for j, wj in ((self.j1, float(self.width1)), (self.j2, float(self.width2))):
            a = (c[:, j] - E0[j] - s * e[j]) / wj
            half = ((hi - lo)[:, j] + abs(e[j] / e[self.k]) * (hi - lo)[:, self.k]) / 2 / wj
            ok &= np.abs(a) - half <= top * (1 + 1e-9)
        return ok

    def covers(self, lo, hi) -> bool:
        """The box ``[lo, hi]`` lies in the proven tube (exact)."""
        s0, s1, rho = self.chart(lo, hi)
        reached = None
        for a, b, R in self.pieces:
            if b <= s0 or a >= s1:
                continue
            if R < rho:
                return False
            if reached is None:
                if a > s0:
                    return False
                reached = b
            elif a != reached:
                return False
            else:
                reached = b
            if reached >= s1:
                return True
        return False


def _chart_polys(cond_nums, edge: Edge, j1: int, j2: int, w1: Fraction, w2: Fraction):
    """Per face, the list of ``p~(s, rho, t)`` (module docstring) of the numerators."""
    ctx = fmpq_mpoly_ctx.get(("s", "rho", "t"), "lex")
    s, rho, t = ctx.gens()
    faces = []
    for u, v in ((1, None), (-1, None), (None, 1), (None, -1)):
        uu = t if u is None else ctx.from_dict({(0, 0, 0): u})
        vv = t if v is None else ctx.from_dict({(0, 0, 0): v})
        Ws = []
        for j in range(3):
            w = _q(edge.E0[j]) + s * _q(edge.e[j])
            if j == j1:
                w = w + rho * uu * _q(w1)
            if j == j2:
                w = w + rho * vv * _q(w2)
            Ws.append(w)
        polys = []
        for num in cond_nums:
            if num is None:
                polys.append(None)
                continue
            P = num.compose(*Ws, ctx=ctx)
            if P.is_zero():
                polys.append(None)
                continue
            terms = P.to_dict()
            m = min(mon[1] for mon in terms)
            polys.append(ctx.from_dict({(a, b - m, c): co for (a, b, c), co in terms.items()}))
        faces.append(polys)
    return faces


def _face_coefficients(polys, R0f: float, pieces: int):
    """The Bernstein coefficients of every ``p~`` of one face on the first chart
    box ``[-1, 1] x [0, R0f] x [-1, 1]`` (exact, then rounded outward), cut into
    ``pieces`` (a power of two) equal pieces of the edge: ``(geo, data)``."""
    root = [(-1.0, 1.0), (0.0, R0f), (-1.0, 1.0)]
    data = {}
    for k, p in enumerate(polys):
        if p is not None:
            lo, hi, _ = bz.coefficients(p, [(Fraction(a), Fraction(b)) for a, b in root])
            data[k] = (lo, hi)
    geo = np.array([[-1.0, 1.0, -1.0, 1.0, R0f]])
    while len(geo) < pieces:
        parts = split_by_shape(data, 0, 0.5)
        mid = (geo[:, 0] + geo[:, 1]) / 2
        left, right = geo.copy(), geo.copy()
        left[:, 1] = mid
        right[:, 0] = mid
        order = np.argsort(np.r_[left[:, 0], right[:, 0]], kind="stable")
        geo = np.concatenate([left, right])[order]
        data = {k: (np.concatenate([a[0], b[0]])[order], np.concatenate([a[1], b[1]])[order])
                for k, (a, b) in parts.items()}
    return geo, data


def _prove_face(geo, data, signs, R0f: float, budget: int, stop=None):
    """The chart boxes ``(s0, s1, t0, t1, R)`` proven outside on one face, from
    the chart boxes ``geo`` (rows ``s0, s1, t0, t1, R``) with the coefficients
    ``data`` (condition index -> ``(lo, hi)``); the chart boxes tried; the indices
    of the conditions that proved some."""
    stack = [(geo, data)]
    proven, seen = [], 0
    used = set()                             # the conditions that proved some box
    while stack and seen < budget:
        if stop is not None and stop() is not None:
            break
        geo, data = stack.pop(0)
        m = len(geo)
        seen += m
        gone = np.zeros(m, dtype=bool)
        for k in data:
            lo, hi = data[k]
            flat_lo = lo.reshape(m, -1).min(axis=1)
            flat_hi = hi.reshape(m, -1).max(axis=1)
            now = ((flat_hi <= 0) if signs[k] > 0 else (flat_lo >= 0)) & ~gone
            if now.any():
                used.add(k)
            gone |= now
        for row in geo[gone]:
            proven.append(tuple(row))
        ws = geo[:, 1] - geo[:, 0]
        at_vertex = ((geo[:, 0] <= -1 + VERTEX_GAP) | (geo[:, 1] >= 1 - VERTEX_GAP)) & (ws <= VERTEX_GAP)
        keep = ~gone & (ws > MIN_S) & ~at_vertex
        if not keep.any():
            continue
        geo = geo[keep]
        data = {k: (lo[keep], hi[keep]) for k, (lo, hi) in data.items()}
        # the leading form (the rho = 0 face of the tensor: the Bernstein
        # coefficients of p~(s, 0, t)) strictly of the excluding sign: a smaller
        # radius will do (one box, not two); else cut s or t. A condition whose
        # leading form has the other sign on every box of the batch (strictly)
        # excludes none of their sub-boxes (each holds a point of rho = 0): dropped.
        lead = np.zeros(len(geo), dtype=bool)
        for k in list(data):
            lo, hi = data[k]
            face_lo = lo[:, :, 0, :].reshape(len(geo), -1).min(axis=1)
            face_hi = hi[:, :, 0, :].reshape(len(geo), -1).max(axis=1)
            lead |= (face_hi < 0) if signs[k] > 0 else (face_lo > 0)
            if ((face_lo > 0) if signs[k] > 0 else (face_hi < 0)).all():
                del data[k]
        ws = (geo[:, 1] - geo[:, 0]) / 2
        wt = (geo[:, 3] - geo[:, 2]) / 2
        wr = geo[:, 4] / R0f
        axis = np.where(lead & (wr >= ASPECT * np.maximum(ws, wt)), 1, np.where(ws >= wt, 0, 2))
        kids_geo, kids = [], {k: ([], []) for k in data}
        for ax in (0, 1, 2):
            rows = np.nonzero(axis == ax)[0]
            if not len(rows):
                continue
            g = geo[rows]
            parts = split_by_shape({k: (lo[rows], hi[rows]) for k, (lo, hi) in data.items()}, ax, 0.5)
            if ax == 1:                      # rho: keep [0, R/2]; the rest is for the main search
                g2 = g.copy()
                g2[:, 4] = g[:, 4] / 2
                halves = [(g2, 0)]
            else:
                c0, c1 = (0, 1) if ax == 0 else (2, 3)
                mid = (g[:, c0] + g[:, c1]) / 2
                left, right = g.copy(), g.copy()
                left[:, c1] = mid
                right[:, c0] = mid
                halves = [(left, 0), (right, 1)]
            for gg, side in halves:
                kids_geo.append(gg)
                for k, p in parts.items():
                    kids[k][0].append(p[side][0])
                    kids[k][1].append(p[side][1])
        if kids_geo:
            gg = np.concatenate(kids_geo)
            dd = {k: (np.concatenate(a), np.concatenate(b)) for k, (a, b) in kids.items()}
            for a in range(0, len(gg), BATCH):
                stack.append((gg[a:a + BATCH], {k: (lo[a:a + BATCH], hi[a:a + BATCH])
                                                for k, (lo, hi) in dd.items()}))
    return proven, seen, used


def _pieces(faces_proven) -> list:
    """``(s0, s1, R)`` Fractions: on each piece, the smallest radius over the four
    faces' proven boxes that meet it, when those cover ``t`` in ``[-1, 1]`` on
    every face (else the piece is left out)."""
    cuts = sorted({-1.0, 1.0} | {x for boxes in faces_proven for b in boxes for x in (b[0], b[1])})
    out = []
    for a, b in zip(cuts[:-1], cuts[1:]):
        R = None
        for boxes in faces_proven:
            over = [x for x in boxes if x[0] <= a and x[1] >= b]
            ts = sorted((x[2], x[3]) for x in over)
            reach = -1.0
            for t0, t1 in ts:
                if t0 > reach:
                    break
                reach = max(reach, t1)
            if reach < 1.0:
                R = None
                break
            r = min(x[4] for x in over)
            R = r if R is None else min(R, r)
        if R is None:
            continue
        if out and out[-1][1] == Fraction(a) and out[-1][2] == Fraction(R):
            out[-1] = (out[-1][0], Fraction(b), out[-1][2])
        else:
            out.append((Fraction(a), Fraction(b), Fraction(R)))
    return out


def edge_tubes(taskset, conds, root, *, budget: int = MAX_CHART_BOXES,
               stop: Optional[Callable] = None) -> list:
    """Proven tubes (:class:`EdgeTube`) around the edges of every task's
    stabilizing set (:func:`stability_edges`), from the domain conditions
    ``conds`` whose denominators' signs are known; ``root``: the first box (its
    widths scale the charts). ``[]`` for shapes without edges."""
    edges = stability_edges(taskset)
    if not edges:
        return []
    use = [c for c in conds if c.den is None or c.den_sign is not None]
    nums = [c.num for c in use]
    signs = [1 if c.den is None else int(c.den_sign) for c in use]
    widths = [Fraction(b) - Fraction(a) for a, b in root]
    lo = np.array([float(a) for a, _ in root])
    hi = np.array([float(b) for _, b in root])
    wf = hi - lo
    out = []
    lines = set()
    for edge in edges:
        if stop is not None and stop() is not None:
            break
        line = (tuple(edge.E0), tuple(edge.e))
        if line in lines:        # tasks with one (A, B) share their edges: proven once
            continue
        lines.add(line)
        # an edge that stays away from the first box (by more than the first
        # radius, sampled in floats: only which edges to prove is decided here)
        pts = np.array([float(x) for x in edge.E0]) + np.linspace(-1, 1, 513)[:, None] * \
            np.array([float(x) for x in edge.e])
        gap = (np.maximum(lo - pts, 0) + np.maximum(pts - hi, 0)) / wf
        if gap.max(axis=1).min() > 2 * R0:
            continue
        scaled = [abs(x) / w for x, w in zip(edge.e, widths)]
        k = int(np.argmax([float(x) for x in scaled]))
        j1, j2 = [j for j in range(3) if j != k]
        tube = EdgeTube(edge, k, j1, j2, widths[j1], widths[j2])
        # only the conditions that vanish on the edge need its chart (the others
        # keep one sign next to it, where the search reads them as before), and
        # only its own task's (fewer conditions: weaker, never unsound)
        mid = [_q(x) for x in edge.E0]
        here = [c.num(*mid) == 0 and c.task in (None, edge.task) for c in use]
        faces = [_face_coefficients(polys, R0, PIECES)
                 for polys in _chart_polys([p if h else None for p, h in zip(nums, here)],
                                           edge, j1, j2, widths[j1], widths[j2])]
        proven = [[] for _ in faces]
        for piece in range(PIECES):       # piece by piece: the budget buys whole pieces
            if stop is not None and stop() is not None:
                break
            for f, (geo, data) in enumerate(faces):
                got, seen, used = _prove_face(
                    geo[piece:piece + 1], {k: (lo[piece:piece + 1], hi[piece:piece + 1])
                                           for k, (lo, hi) in data.items()},
                    signs, R0, budget // PIECES, stop)
                proven[f] += got
                tube.chart_boxes += seen
                tube.level |= any(use[k].kind == "level" for k in used)
        tube.pieces = _pieces(proven)
        out.append(tube)
    return out
