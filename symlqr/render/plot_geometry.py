"""Geometry of a landscape picture: the x-view, the float samples of the
curves, the zoom windows and the y-ranges (nothing is drawn here).

Everything is read off the certified landscape (domain ends, points, kinks
and their one-sided limits); the curves are float samples for the eye.
Kinks of normalized adaptation are ends of domain intervals, so the curve
breaks there; they are not *walls* (``h`` stays finite on both sides), so
they get no edge zoom, and count with the points when packed too close.

>>> from symlqr.scalar.landscape import certify
>>> from symlqr.tasks import figure
>>> ls = certify(figure("fig2"), "normalized")
>>> len(components(ls)), len(walls(ls)), [w[2] for w in zoom_windows(ls)]
(2, 1, ['cluster'])
"""
from __future__ import annotations

import math

import numpy as np

from ..scalar.landscape import Landscape
from ..scalar.numeric import maml_objective_float

__all__ = ["components", "walls", "view", "samples", "curves", "zoom_windows", "ylim",
           "zoom_ylim", "mid", "kink_marks", "EDGE_FRACTION", "CLUSTER_FRACTION"]

#: A minimum closer to a domain edge than this fraction of the view gets a zoom panel.
EDGE_FRACTION = 0.06
#: Stationary points closer than this fraction of the view get a common zoom panel.
CLUSTER_FRACTION = 0.02


def components(ls: Landscape) -> list:
    """Domain intervals as float ``(lo, hi)`` (``-inf``/``inf`` for open ends)."""
    return [(-math.inf if d.lo is None else float(d.lo), math.inf if d.hi is None else float(d.hi))
            for d in ls.domain]


def walls(ls: Landscape) -> list:
    """The domain intervals joined across kinks: float ``(lo, hi)`` between walls."""
    kinks = {id(k.W) for k in ls.kinks}
    out: list = []
    for k, (lo, hi) in enumerate(components(ls)):
        if out and ls.domain[k].lo is ls.domain[k - 1].hi and id(ls.domain[k].lo) in kinks:
            out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def mid(value) -> float:
    """The midpoint of an enclosure, as a float (for drawing)."""
    return float((value.lo + value.hi) / 2)


def kink_marks(ls: Landscape) -> tuple:
    """Float ``(W, h)`` of each finite one-sided limit of ``h`` at each kink."""
    xs, ys = [], []
    for k in ls.kinks:
        for lim in (k.left_limit, k.right_limit):
            if lim is not None:
                xs.append(float(k.W))
                ys.append(mid(lim))
    return xs, ys


def view(ls: Landscape) -> tuple:
    """x-range of the main panel: the finite domain edges and the stationary
    points, padded; infinite ends are cut at a distance like the points' spread."""
    comps = components(ls)
    xs = [float(p.W) for p in ls.points] + [e for c in comps for e in c if math.isfinite(e)]
    if not xs:
        xs = [0.0]
    lo, hi = min(xs), max(xs)
    width = max(hi - lo, 1e-3 * max(1.0, abs(lo), abs(hi)))
    if any(c[0] == -math.inf for c in comps):
        lo -= max(width, 1.0)
    if any(c[1] == math.inf for c in comps):
        hi += max(width, 1.0)
    if not comps:                  # empty domain: a unit window around 0
        lo, hi = lo - 0.5, hi + 0.5
    width = max(hi - lo, width)
    return lo - 0.04 * width, hi + 0.04 * width


def samples(a: float, b: float, n: int) -> np.ndarray:
    """``n`` points strictly inside ``(a, b)``: half uniform, half clustered
    (Chebyshev-like) towards both ends, where ``h`` blows up."""
    k = np.arange(1, n + 1)
    t_cos = (1 - np.cos(np.pi * k / (n + 1))) / 2
    t_cos = t_cos ** 1.5 * (t_cos <= 0.5) + (1 - (1 - t_cos) ** 1.5) * (t_cos > 0.5)
    t = np.concatenate([t_cos, k / (n + 1)])
    x = a + (b - a) * np.unique(t)
    return x[(x > a) & (x < b)]


def curves(ls: Landscape, x0: float, x1: float, n: int):
    """Float samples of ``h`` and of each ``C_i(F_i(W))`` on the domain inside
    ``[x0, x1]``, with NaN breaks between domain intervals (so at kinks)."""
    ts = ls.taskset
    pieces = []
    for lo, hi in components(ls):
        a, b = max(lo, x0), min(hi, x1)
        if a < b:
            pieces.append(samples(a, b, max(16, int(n * (b - a) / (x1 - x0)))))
    if not pieces:
        return np.array([]), np.array([]), []
    xs, hs, terms = [], [], [[] for _ in ts.tasks]
    for x in pieces:
        with np.errstate(all="ignore"):
            h, per = maml_objective_float(x, ts, ls.adaptation, per_task=True)
        xs += [x, [np.nan]]
        hs += [h, [np.nan]]
        for i, t in enumerate(per):
            terms[i] += [t, [np.nan]]
    clean = lambda v: np.where(np.isfinite(v), v, np.nan)
    return (np.concatenate(xs), clean(np.concatenate(hs)),
            [clean(np.concatenate(t)) for t in terms])


def _edge_windows(ls: Landscape, xs: list, width: float) -> tuple:
    """Zoom windows of minima hugging a wall, and the indices of those minima."""
    windows, used = [], set()
    for lo, hi in walls(ls):
        inside = [k for k, x in enumerate(xs) if lo < x < hi]
        if not inside:
            continue
        for edge, k, side in ((lo, inside[0], -1), (hi, inside[-1], 1)):
            if not math.isfinite(edge) or not ls.points[k].is_local_min:
                continue
            d = abs(xs[k] - edge)
            if d < EDGE_FRACTION * width:
                reach = 1.2 * d           # inward; include a close neighbour (its max)
                nxt = k + side * -1
                if 0 <= nxt < len(xs) and abs(xs[nxt] - xs[k]) < 2.5 * d:
                    reach = abs(xs[nxt] - xs[k]) + 0.3 * d
                a, b = sorted((edge + side * 0.08 * d, xs[k] - side * reach))
                windows.append((a, b, "edge"))
                used.add(k)
    return windows, used


def zoom_windows(ls: Landscape) -> list:
    """x-windows ``(lo, hi, reason)`` that deserve a zoom panel, left to right.

    * a minimum within :data:`EDGE_FRACTION` of the view from a wall of the
      domain (not a kink), with no other stationary point in between ("edge");
    * stationary points and kinks closer than :data:`CLUSTER_FRACTION` of the
      view to a neighbour: one window over all of them ("cluster").

    >>> from symlqr.scalar.landscape import certify
    >>> from symlqr.tasks import figure
    >>> [w[2] for w in zoom_windows(certify(figure("fig1")))]
    ['edge', 'edge']
    >>> [w[2] for w in zoom_windows(certify(figure("fig3b")))]
    []
    """
    v0, v1 = view(ls)
    width = v1 - v0
    xs = [float(p.W) for p in ls.points]
    windows, used = _edge_windows(ls, xs, width)
    marks = sorted([(x, ("point", k)) for k, x in enumerate(xs)]
                   + [(float(k.W), ("kink", j)) for j, k in enumerate(ls.kinks)])
    close = set()
    for (a, ka), (b, kb) in zip(marks, marks[1:]):
        if b - a < CLUSTER_FRACTION * width:
            close.update((ka, kb))
    close -= {("point", k) for k in used}
    if close:
        at = dict((key, x) for x, key in marks)
        a, b = min(at[key] for key in close), max(at[key] for key in close)
        pad = max(0.25 * (b - a), 1e-9 * max(1.0, abs(a)))
        windows.append((a - pad, b + pad, "cluster"))
    return sorted(windows)


def ylim(values: list, fallback: float) -> tuple:
    """A y-range over certified ``values`` (padded; ``fallback`` when flat)."""
    lo, hi = min(values), max(values)
    span = hi - lo
    if span < 0.05 * max(abs(lo), 1e-12):
        span = max(span, 0.25 * abs(lo), abs(fallback - lo), 1e-12)
        return lo - 0.1 * span, lo + 1.1 * span
    return lo - 0.1 * span, hi + 0.25 * span


def zoom_ylim(ls: Landscape, window: tuple, x, h) -> tuple:
    """y-range of a zoom panel: the certified values inside the window (points
    and kink limits), and the curve where it leaves the window away from a
    wall (context)."""
    a, b, _ = window
    vals = [mid(p.h) for p in ls.points if a <= float(p.W) <= b]
    vals += [y for kx, y in zip(*kink_marks(ls)) if a <= kx <= b]
    edges = [e for c in walls(ls) for e in c if math.isfinite(e)]
    ok = np.isfinite(h) & (x >= a) & (x <= b)
    ends = []
    if ok.any():
        for j, at in ((0, a), (-1, b)):
            if all(abs(at - e) > 0.15 * (b - a) for e in edges):
                ends.append(float(h[ok][j]))
    lo, top = min(vals), max(vals + ends)
    span = top - lo
    if span <= 1e-12 * max(1.0, abs(lo)):
        span = max(0.02 * abs(lo), 1e-9)
    return lo - 0.12 * span, top + 0.2 * span
