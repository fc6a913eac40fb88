"""Algorithm 1 from many starts, its limit points, and their certificates.

:func:`search` runs Algorithm 1 (:func:`~symlqr.matrix.algorithm.run_maml`)
from ``starts`` stabilizing gains, polishes each last iterate by Newton's
method on the update direction (``grad h_K`` for MAML with ``K = steps``
adaptation steps, the FO-MAML or Reptile direction otherwise; floats), merges
polished points closer than ``merge``
(relative, max-norm), and certifies each distinct point
(:func:`~symlqr.matrix.certificate.certify_point`). The points are *found by
search*: nothing proves that no other stationary point exists ("completeness
not certified"). Runs whose iterate could not be polished are kept with
``point = None``; runs that stopped at the iteration limit well above the ``h`` of
the point they head to are reported as ``stalled`` (``point = None``), not
counted in that point's ``runs``.

>>> from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
>>> ts = MatrixTaskSet([MatrixTask.from_scalar(1, 1, 2, 2)], "0.01")
>>> res = search(ts, starts=3, iters=300)
>>> [(p.type, p.certified, p.runs) for p in res.points]
[('min', True, 3)]
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np

from .algorithm import optimal_costs, random_starts, run_maml
from .certificate import PointCertificate, certify_point, polish, spurious_flags
from .objective import maml_point
from ..results import Result

__all__ = ["SearchResult", "search", "limit_points"]


@dataclass
class SearchResult(Result):       # the protocol of every result; rows: the points
    rows_key = "points"
    points: list = field(default_factory=list)      # PointCertificate with .runs
    runs: list = field(default_factory=list)        # Run
    run_point: list = field(default_factory=list)   # index into points, or None
    stalled: list = field(default_factory=list)     # per run: ended (not converged) well
    #                                                 above the h of the point it heads to
    lower_bound: float = 0.0                        # sum_i w_i C_i(W*_i), floats
    settings: dict = field(default_factory=dict)

    def spurious_flags(self) -> list:
        """Per point: ``True`` proven not a global minimizer of ``h``, ``False`` proven
        global, ``None`` undecided (:func:`~symlqr.matrix.certificate.spurious_flags`)."""
        return spurious_flags(self.points)

    def spurious(self) -> int:
        """Runs that ended at a point proven not globally optimal."""
        flags = self.spurious_flags()
        return sum(1 for k in self.run_point if k is not None and flags[k] is True)

    def _stalled(self) -> list:
        return self.stalled or [False] * len(self.runs)

    def to_dict(self, trajectories: bool = False) -> dict:
        doc = {"settings": self.settings, "lower_bound_float": self.lower_bound,
               "points": [dict(p.to_dict(), spurious=f)
                          for p, f in zip(self.points, self.spurious_flags())],
               "spurious_runs": self.spurious(),
               "runs_unresolved": sum(1 for k, s in zip(self.run_point, self._stalled())
                                      if k is None and not s),
               "runs_stalled": sum(self._stalled()),
               "runs": [{"point": k, "converged": r.converged, "iterations": r.iterations,
                         "h_final": r.h[-1] if r.h else None, "stopped": r.stopped,
                         "stalled": s, "beta": r.beta, "halvings": r.halvings}
                        for r, k, s in zip(self.runs, self.run_point, self._stalled())],
               "completeness": "found by search, completeness not certified"}
        if trajectories:
            for entry, r in zip(doc["runs"], self.runs):
                entry["trajectory"], entry["h"] = r.trajectory, r.h
        return doc


def limit_points(finals, taskset, merge: float = 1e-6, jump: float = 5e-2, *,
                 method: str = "maml", steps: int = 1):
    """Polish each final iterate (Newton on the update direction of ``method``,
    ``steps`` adaptation steps, floats) and merge close ones: returns
    ``(points, index)`` with ``index[k]`` the point of final ``k`` or ``None``.

    A run is assigned the polished point when Newton moved less than ``jump``
    (relative), or when the Jacobian of the direction (``hess h`` for maml) has
    eigenvalues of positive real part at the final iterate and ``h`` is lower
    at the polished point (a run slowed down in a convex valley, heading to its
    minimum). This assignment is a float judgement; the points themselves are
    then certified."""
    points, index = [], []
    for W in finals:
        Wp = None if W is None else polish(W, taskset, method=method, steps=steps)[0]
        if Wp is None or not _heading_to(W, Wp, taskset, jump, method, steps):
            index.append(None)
            continue
        scale = max(1.0, float(np.max(np.abs(Wp))))
        for k, P in enumerate(points):
            if float(np.max(np.abs(P - Wp))) <= merge * scale:
                index.append(k)
                break
        else:
            points.append(Wp)
            index.append(len(points) - 1)
    return points, index


def _heading_to(W, Wp, taskset, jump, method="maml", steps=1) -> bool:
    scale = max(1.0, float(np.max(np.abs(W))))
    if float(np.max(np.abs(Wp - W))) <= jump * scale:
        return True
    p, q = maml_point(W, taskset, steps), maml_point(Wp, taskset, steps)
    if p is None or q is None or q.h > p.h:
        return False
    J = np.array(p.direction_jacobian_dense(method))
    return bool(np.min(np.linalg.eigvals(J).real) > 0)


def search(taskset, *, starts: int = 10, iters: int = 1000, beta: Optional[float] = None,
           method: str = "maml", steps: int = 1, batch: Optional[int] = None,
           tol: float = 1e-8, seed: int = 0, certify: bool = True, spread: float = 0.5,
           start_points=None, on_run: Optional[Callable[[int], None]] = None,
           on_step: Optional[Callable[[int], None]] = None) -> SearchResult:
    """Algorithm 1 from ``starts`` random stabilizing gains (or ``start_points``),
    limit points, certificates (see the module docstring)."""
    rng = np.random.default_rng(seed)
    W0s = start_points if start_points is not None else random_starts(
        taskset, starts, rng, spread, steps=steps)
    res = SearchResult(settings={"method": method, "steps": steps, "iters": iters,
                                 "beta": beta if beta is not None else "auto",
                                 "batch": batch, "starts": len(W0s), "seed": seed,
                                 "eta": str(taskset.eta)})
    for k, W0 in enumerate(W0s):
        res.runs.append(run_maml(taskset, W0, beta=beta, iters=iters, method=method,
                                 steps=steps, batch=batch, tol=tol, rng=rng,
                                 on_step=on_step))
        if on_run:
            on_run(k)
    res.lower_bound = float(sum(float(w) * c for w, c in
                                zip(taskset.weights, optimal_costs(taskset))))
    finals = [np.array(r.W) if r.iterations or r.converged else None for r in res.runs]
    pts, res.run_point = limit_points(finals, taskset, method=method, steps=steps)
    for k, P in enumerate(pts):
        cert = certify_point(P, taskset, polish_first=False, method=method, steps=steps) \
            if certify else PointCertificate(W=P.tolist(), method=method, steps=steps,
                                             reasons=["not certified (float)"])
        res.points.append(cert)
    res.stalled = [_stalled(r, None if k is None else res.points[k], taskset, steps)
                   for r, k in zip(res.runs, res.run_point)]
    res.run_point = [None if s else k for k, s in zip(res.run_point, res.stalled)]
    for k, cert in enumerate(res.points):
        cert.runs = sum(1 for i in res.run_point if i == k)
    return res


def _stalled(run, point, taskset, steps, rel: float = 1e-8) -> bool:
    """A run that did not converge (stopped at its iteration limit) whose last
    ``h`` lies more than ``rel`` (relative) above the ``h`` of the point it was
    assigned to (the upper end of the certified enclosure, else the float value):
    it stalled on the way and is not counted in that point's ``runs``."""
    if point is None or run.converged or not run.h:
        return False
    h = float(point.h[1]) if point.h else maml_point(np.array(point.W), taskset, steps).h
    return run.h[-1] - h > rel * max(1.0, abs(h))
