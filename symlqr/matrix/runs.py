"""A user's gain and a user's run of MAML, certified in Arb ball arithmetic.

:func:`check_gain` answers about the user's own ``W`` (no polishing): are ``W``
and every adapted gain ``F_i(W) = W - eta grad C_i(W)`` proven stabilizing
(:func:`~symlqr.matrix.validated.certify_stable`; ``False`` only when an Arb
eigenvalue enclosure proves a closed loop unstable), an enclosure of ``h(W)``,
and of ``|grad h(W)|_F``, proven nonzero when its lower end is ``> 0``.

:func:`stationary_within` asks whether a certified stationary point lies within
``radius`` (max norm) of ``W``: float Newton from ``W``, rejected when it ends
farther than ``radius``; then :func:`~symlqr.matrix.certificate.certify_point`
and the distance bound ``max|w~ - W| + rho`` (``w*`` in the box ``w~ +- rho``).
The default radius (:func:`tight_radius`) is ``1e-6 max(1, max|W_ij|)``: the
accuracy of a gain printed to about six significant digits.

:func:`certify_run` does this along a run ``W_0 .. W_T`` (every iterate:
stabilization of ``W_t`` and every ``F_i(W_t)``, ``h`` and ``|grad h|``
enclosed, and the relative error of the run's own gradient estimates against
the exact gradient, as an enclosure), then for the last iterate the stationary
point within the radius, the one float Newton reaches from it, and the gap
``h(W_T) - sum_i w_i C_i(W*_i)`` (an upper bound of ``h(W_T) - min h``). The
run's status is judged on the enclosures' midpoints (labelled as such):
``left the domain``, ``converged`` (a certified point within the radius),
``diverging`` (``h`` rose over the last steps), ``stalled`` (``|grad h|``
fell by less than 10% over the last steps) or ``still descending`` (stopped,
e.g. at its iteration limit, while ``|grad h|`` was still falling).

>>> from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
>>> ts = MatrixTaskSet([MatrixTask.from_scalar(1, 1, 2, 2)], "0.01")
>>> g = check_gain([[0.9]], ts)
>>> g.stabilizing, g.grad_nonzero
(True, True)
>>> res = certify_run(ts, [[[0.9]], [[0.7]], [[0.6180339887498949]]])
>>> res.status, res.within.type, res.iterates[0]["stabilizing"]
('converged', 'min', True)
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

import numpy as np
from flint import arb, arb_mat, ctx

from .boxes import ARB, arb_tasks, lower_bound_enclosure
from .certificate import PointCertificate, certify_point, polish, verify_point
from .objective import MamlPoint
from .runs_text import run_table
from .validated import certify_stable, decimal_interval, proven_unstable

__all__ = ["GainCheck", "RunCertificate", "check_gain", "stationary_within", "certify_run",
           "verify_gain", "tight_radius", "distance_upper"]

STALL_RATIO = 0.9          # |grad h| fell by less than 10% over the window: stalled


def tight_radius(W) -> float:
    """The default ``radius``: ``1e-6 max(1, max|W_ij|)``."""
    return 1e-6 * max(1.0, float(np.max(np.abs(np.asarray(W, dtype=float)))))


@dataclass
class GainCheck:
    """What was proven at the user's own ``W``; ``None`` means undecided."""
    W: list
    stabilizing: Optional[bool] = None      # W and every F_i(W): True proven, False
    #                                         one closed loop proven unstable
    h: Optional[list] = None                # [lo, hi] decimal strings
    grad_norm: Optional[list] = None        # |grad h(W)|_F, [lo, hi]
    grad_nonzero: Optional[bool] = None     # True: proven nonzero
    grad_error: Optional[list] = None       # |g_est - grad h|_F / |grad h|_F, [lo, hi]
    prec: Optional[int] = None
    reasons: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in ("W", "stabilizing", "h", "grad_norm",
                                              "grad_nonzero", "grad_error", "prec",
                                              "reasons")}


def _closed_loops(task, V):
    return task[0] - task[1] * V


def _stability(tasks, Vs_per_task, start: int = 0) -> tuple:
    """``(True, "")`` all proven stable, ``(False, what)`` one proven unstable,
    ``(None, what)`` undecided; ``Vs_per_task[i]`` are task ``i``'s gains ``W_start, ...``."""
    for i, (t, Vs) in enumerate(zip(tasks, Vs_per_task)):
        for k, V in enumerate(Vs, start):
            M = _closed_loops(t, V)
            if certify_stable(M):
                continue
            what = (f"A_{i + 1} - B_{i + 1} W" if k == 0 else
                    f"A_{i + 1} - B_{i + 1} F_{i + 1}(W)" if start + len(Vs) == 2 else
                    f"A_{i + 1} - B_{i + 1} W_{k} (adaptation step {k} of task {i + 1})")
            if proven_unstable(M):
                return False, what + " has an eigenvalue outside the unit disk"
            return None, what + " (no Lyapunov proof)"
    return True, ""


def _norm(entries) -> arb:
    """Ball holding ``sqrt(sum x_k^2)`` (the sum's ball clipped at 0 first)."""
    s = sum((x * x for x in entries), arb(0))
    if s > 0:
        return s.sqrt()
    u = arb(s.upper()).sqrt().upper()       # the ball [0, u]
    return arb(u / 2, (u / 2).upper())


def check_gain(W, taskset, *, gradient=None, method: str = "maml", steps: int = 1,
               precisions=(53, 106)) -> GainCheck:
    """Certificates at the user's ``W`` itself (see the module docstring); with
    ``gradient`` (the user's estimate of ``grad h(W)``) its relative error too.
    Escalates precision while stabilization or ``grad h != 0`` is undecided."""
    W = np.atleast_2d(np.asarray(W, dtype=float))
    old = ctx.prec
    try:
        for prec in precisions:
            ctx.prec = prec
            out = _check_at(W, taskset, gradient, method, steps)
            out.prec = prec
            if out.stabilizing is False or (out.stabilizing and out.grad_nonzero):
                break
    finally:
        ctx.prec = old
    return out


def _check_at(W, taskset, gradient, method, steps) -> GainCheck:
    out = GainCheck(W=W.tolist())
    if not np.all(np.isfinite(W)):
        out.stabilizing = False
        out.reasons.append("not a gain: non-finite entries")
        return out
    tasks = arb_tasks(taskset)
    Wb = arb_mat(W.tolist())
    ok, what = _stability(tasks, [[Wb]] * len(tasks))
    if ok:
        try:
            pX = MamlPoint(ARB, tasks, [ARB.scalar(w) for w in taskset.weights],
                           ARB.scalar(taskset.eta), Wb, steps)
            ok, what = _stability(tasks, pX.iterates, start=1)
            if ok:
                g = pX.direction(method).entries()
                out.h, norm = decimal_interval(pX.h), _norm(g)
        except ZeroDivisionError:
            ok, what = None, "a Stein system at W (not provably nonsingular)"
    out.stabilizing = ok
    if not ok:
        out.reasons.append(("not stabilizing (proven): " if ok is False else
                            "stabilization not proven: ") + what)
        return out
    out.grad_norm = decimal_interval(norm, 6)
    out.grad_nonzero = True if norm > 0 else None
    if not out.grad_nonzero:
        out.reasons.append("|grad h(W)| not proven nonzero (its enclosure contains 0)")
    if gradient is not None:
        est = np.asarray(gradient, dtype=float).reshape(-1).tolist()
        err = _norm([arb(e) - x for e, x in zip(est, g)])
        if norm > 0:
            out.grad_error = decimal_interval(err / norm, 6)
    return out


def stationary_within(W, taskset, radius=None, *, method: str = "maml", steps: int = 1):
    """``(certificate or None, distance upper bound or None, reason)``: a certified
    zero of ``grad h`` within ``radius`` (max norm) of ``W`` (default
    :func:`tight_radius`); float Newton from ``W`` never goes farther."""
    W = np.atleast_2d(np.asarray(W, dtype=float))
    radius = tight_radius(W) if radius is None else float(radius)
    Wp, _ = polish(W, taskset, method=method, steps=steps)
    if Wp is None:
        return None, None, "float Newton from W found no stationary point"
    far = float(np.max(np.abs(Wp - W)))
    if far > radius:
        return None, None, f"float Newton from W ends {far:.3g} away, beyond {radius:.3g}"
    cert = certify_point(Wp, taskset, polish_first=False, method=method, steps=steps)
    if not cert.exists_unique:
        return None, None, "; ".join(cert.reasons)
    dist = distance_upper(cert, W)
    if dist > radius:
        return None, dist, f"the certified box reaches {dist:.3g} from W, beyond {radius:.3g}"
    return cert, dist, ""


def distance_upper(cert: PointCertificate, W) -> float:
    """A float ``>=`` the max-norm distance from ``W`` to every point of ``cert``'s box
    ``c +- rho``: ``max_ij |c~_ij - W_ij| + rho + 2^-52 max|c~_ij|``, ``c~`` the float
    rounding of the (possibly finer) centre ``c``, all in balls, rounded up."""
    W = np.atleast_2d(np.asarray(W, dtype=float))
    c = np.ravel(cert.W)
    d = max(abs(arb(x) - arb(w)) for x, w in zip(c, W.reshape(-1)))
    d += arb(cert.box_radius or 0) + arb(2.0 ** -52) * arb(float(np.max(np.abs(c))))
    return float(d.upper()) * (1 + 2 ** -50)


def verify_gain(W, taskset, radius=None, *, method: str = "maml", steps: int = 1) -> dict:
    """The answer about a user's ``W``, as a document: ``at_input``
    (:func:`check_gain`), ``within_radius`` / ``within_reason``
    (:func:`stationary_within`), then the point certified there or, if none, the one
    float Newton reaches from ``W`` (:class:`PointCertificate` fields), its
    ``distance`` (upper bound, max norm) and ``answered`` (``W`` proven outside the
    domain, ``grad h(W)`` proven nonzero, or a certified point within the radius)."""
    W = np.atleast_2d(np.asarray(W, dtype=float))
    at = check_gain(W, taskset, method=method, steps=steps)
    r = tight_radius(W) if radius is None else float(radius)
    within, _, why = stationary_within(W, taskset, r, method=method, steps=steps) \
        if at.stabilizing else (None, None, "W is not proven in the domain")
    cert = within or verify_point(W, taskset, method=method, steps=steps)
    doc = cert.to_dict()
    doc.update(input=W.tolist(), at_input=at.to_dict(), radius=r,
               within_radius=within is not None, within_reason=why,
               distance=distance_upper(cert, W) if cert.exists_unique else None)
    doc["answered"] = bool(at.grad_nonzero or within is not None or at.stabilizing is False)
    return doc


@dataclass
class RunCertificate:
    """A run ``W_0 .. W_T`` checked: per iterate, then the last one and the status."""
    iterates: list = field(default_factory=list)   # GainCheck.to_dict() per iterate
    radius: float = 0.0
    within: Optional[PointCertificate] = None      # certified point within radius of W_T
    within_distance: Optional[float] = None
    within_reason: str = ""                        # why there is none within radius
    nearest: Optional[PointCertificate] = None     # reached by float Newton from W_T
    nearest_distance: Optional[float] = None
    lower_bound: Optional[list] = None             # sum_i w_i C_i(W*_i), [lo, hi]
    gap: Optional[list] = None                     # h(W_T) - lower_bound, [lo, hi]
    gap_to_min: Optional[list] = None              # h(W_T) - min h (complete landscape)
    gap_to_min_reason: str = ""
    status: str = ""
    status_reason: str = ""
    left_domain_at: Optional[int] = None
    reasons: list = field(default_factory=list)

    def to_dict(self) -> dict:
        cert = (lambda c: None if c is None else c.to_dict())
        return {"iterations": len(self.iterates), "status": self.status,
                "status_reason": self.status_reason, "left_domain_at": self.left_domain_at,
                "radius": self.radius, "within": cert(self.within),
                "within_distance": self.within_distance,
                "within_reason": self.within_reason, "nearest": cert(self.nearest),
                "nearest_distance": self.nearest_distance, "lower_bound": self.lower_bound,
                "gap": self.gap, "gap_to_min": self.gap_to_min,
                "gap_to_min_reason": self.gap_to_min_reason,
                "iterates": self.iterates, "reasons": list(self.reasons)}

    def table(self, rows: int = 8) -> str:
        """The run as text: the first and last ``rows // 2`` iterates, then the last
        one's certificates and the status (:func:`~symlqr.matrix.runs_text.run_table`)."""
        return run_table(self.to_dict(), rows)

    __str__ = table


def certify_run(taskset, iterates, gradients=None, *, radius=None, method: str = "maml",
                steps: int = 1, window: Optional[int] = None, every: int = 1,
                progress: Optional[Callable[[int, int], None]] = None,
                landscape=None) -> RunCertificate:
    """Certify a user's run (see the module docstring). ``iterates``: ``T + 1``
    gains ``r x d`` (array ``(T + 1, r, d)`` or ``(r, d)`` for one gain);
    ``gradients``: the run's own estimates of ``grad h``, same shape, or ``None``;
    ``every``: check every ``every``-th iterate and the last (``t`` keeps the run's
    numbering); ``window``: checked iterates judged for the status (default
    ``min(10, n // 4)`` of the ``n + 1`` checked); ``landscape``: a
    :class:`~symlqr.matrix.landscape.MatrixLandscape` of the same tasks: where it is
    complete over the domain and ``min h`` is proven attained, the last iterate's
    gap to ``min h`` itself is enclosed (``gap_to_min``)."""
    Ws = np.asarray(iterates, dtype=float)
    Ws = Ws[None] if Ws.ndim == 2 else Ws
    Gs = None if gradients is None else np.asarray(gradients, dtype=float).reshape(Ws.shape)
    idx = sorted(set(range(0, len(Ws), max(1, int(every)))) | {len(Ws) - 1})
    res = RunCertificate()
    for k, t in enumerate(idx):
        if progress:
            progress(k, len(idx))
        g = check_gain(Ws[t], taskset, gradient=None if Gs is None else Gs[t], method=method,
                       steps=steps)
        res.iterates.append(dict(g.to_dict(), t=t))
        if g.stabilizing is not True and res.left_domain_at is None:
            res.left_domain_at = t
    if progress:
        progress(len(idx), len(idx))
    _last(res, Ws[-1], taskset, radius, method, steps)
    if landscape is not None:
        _gap_to_min(res, landscape)
    res.status, res.status_reason = _status(res, window)
    return res


def _gap_to_min(res, landscape) -> None:
    """``h(W_T) - min h`` by interval subtraction, when ``min h`` over the domain is
    certified by a complete landscape; else the reason."""
    from fractions import Fraction
    from .validated import decimal_bound
    last = res.iterates[-1]
    if not landscape.complete:
        res.gap_to_min_reason = f"the landscape is not complete ({landscape.reason})"
    elif not landscape.min_h_over_domain or landscape.min_h is None:
        res.gap_to_min_reason = f"min h over the domain not certified ({landscape.attained_reason})"
    elif last.get("h") is None:
        res.gap_to_min_reason = "h at the last iterate is not enclosed"
    else:
        lo, hi = (Fraction(x) for x in last["h"])
        mlo, mhi = landscape.min_h
        res.gap_to_min = [decimal_bound(max(Fraction(0), lo - mhi), False, 6),
                          decimal_bound(hi - mlo, True, 6)]


def _last(res, W, taskset, radius, method, steps):
    last = res.iterates[-1]
    res.radius = tight_radius(W) if radius is None else float(radius)
    if last["stabilizing"] is not True:
        res.reasons.append("the last iterate is not proven in the domain")
        return
    res.within, res.within_distance, res.within_reason = stationary_within(
        W, taskset, res.radius, method=method, steps=steps)
    nearest = res.within or certify_point(W, taskset, polish_first=True, method=method,
                                          steps=steps)
    if nearest.exists_unique:
        res.nearest, res.nearest_distance = nearest, distance_upper(nearest, W)
    old = ctx.prec
    try:
        ctx.prec = 106
        lb = lower_bound_enclosure(taskset)
        if lb is not None:
            res.lower_bound = decimal_interval(lb)
            h = arb_interval(last["h"])
            res.gap = decimal_interval(h - lb, 6)
    finally:
        ctx.prec = old


def arb_interval(pair) -> arb:
    """The ball holding the decimal interval ``[lo, hi]``."""
    lo, hi = arb(pair[0]), arb(pair[1])
    return arb((lo + hi) / 2, ((hi - lo) / 2).upper()).union(lo).union(hi)


def _status(res, window) -> tuple:
    """``(status, reason)``; a run that left the domain and came back is judged on its
    end, with the excursion named."""
    its = res.iterates
    status, reason = _end_status(res, window)
    t = res.left_domain_at
    if t is not None and status != "left the domain":
        reason += f"; iterates from {t} on were not all proven in the domain"
    return status, reason


def _end_status(res, window) -> tuple:
    its = res.iterates
    n = len(its) - 1
    m = window or max(1, min(10, n // 4))
    out = [x for x in its[-m - 1:] if x["stabilizing"] is not True]
    if out:
        x = out[0]
        return "left the domain", f"iterate {x['t']}: " + "; ".join(x["reasons"])
    if res.within is not None:
        return "converged", (f"a certified {res.within.type} within "
                             f"{res.within_distance:.3g} of the last iterate")
    if n < 2:
        return ("single gain", "one gain: no run to judge") if n == 0 else \
            ("too short", f"{n + 1} iterates: too few to judge the run")
    h = [float(arb_interval(x["h"]).mid()) for x in its[-m - 1:]]
    g = [float(arb_interval(x["grad_norm"]).mid()) for x in its[-m - 1:]]
    span = f"from t = {its[-m - 1]['t']} to t = {its[-1]['t']}"
    if arb_interval(its[-1]["h"]) > arb_interval(its[-m - 1]["h"]):
        return "diverging", f"h rose from {h[0]:.6g} to {h[-1]:.6g} (proven) {span}"
    ratio = g[-1] / g[0] if g[0] > 0 else 1.0
    what = f"|grad h| went from {g[0]:.3g} to {g[-1]:.3g} {span} (midpoints)"
    if ratio > STALL_RATIO:
        return "stalled", what + ", not a certified stationary point"
    return "still descending", what + ": stopped while still descending (iteration limit?)"
