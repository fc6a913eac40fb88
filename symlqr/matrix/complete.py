"""All stationary points of ``h`` for two parameters (``r d = 2``): msolve, then proofs.

In the domain (``W`` and every ``F_i(W)`` stabilizing) ``grad h = (N_1/D_1, N_2/D_2)``
with ``D_j != 0``, so every stationary point is a real common zero of the
numerators ``N_1, N_2`` (:func:`~symlqr.matrix.ratfunc.gradient_numerators`):

1. ``g = gcd(N_1, N_2)``: a common factor is a curve of zeros. It is divided
   out only if each irreducible factor of ``g`` divides a *boundary polynomial*
   (:func:`~symlqr.matrix.ratfunc.stability_denominators`, zero only outside the
   domain); otherwise the answer is "not complete: positive-dimensional".
2. msolve isolates every real zero of the reduced system in a box of width
   ``2^-precision`` (:mod:`symlqr.matrix.msolve`); a positive dimension (or no
   answer within ``timeout``) makes the answer not complete, with the reason.
3. Every box is then decided, never on msolve's word alone:

   * **in the domain**: the Krawczyk certificate
     (:func:`~symlqr.matrix.certificate.certify_point`, Stein solvers tried in
     turn) proves a unique zero of ``grad h`` in a box ``X``, every point of
     ``X`` stabilizing, and the msolve box lies inside ``X`` (so the zero is
     that solution); when ``X`` is too small for its float midpoint to show
     that, the same proofs run on a box around the msolve box at 212 bits;
   * **outside**: over the msolve box (balls), ``A_i - B_i W`` or
     ``A_i - B_i F_i(W)`` is proven not Schur stable (for ``d <= 2``: Jury's
     conditions ``|det M| < 1``, ``|tr M| < 1 + det M`` proven violated);
     or the solution is a zero of a boundary polynomial (a second msolve run on
     the system plus that polynomial has a solution whose box meets this box
     and no other);
   * otherwise **undecided**, with the reason.

``complete`` is true only if every real solution was decided; the count then
relies on msolve's exact real-root isolation (an external program: the
points themselves are re-proven here, the list's completeness is msolve's).

>>> from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
>>> ts = MatrixTaskSet([MatrixTask([[1]], [[1, "1/2"]], [[1]], [[1, 0], [0, 2]])], "1/10")
>>> decide_solution([(Fraction(0), Fraction(0))] * 2, ts)[:2]      # A - B W = 1
('outside', 'W does not stabilize task 1 (proven)')
>>> lo, hi = Fraction(4531386575897284, 10**16), Fraction(4531386575897286, 10**16)
>>> box = [(lo, hi), (Fraction(499635108666922, 10**16), Fraction(499635108666923, 10**16))]
>>> status, why, cert = decide_solution(box, ts)
>>> status, cert.type, cert.global_by_chain_rule
('in domain', 'min', True)
"""
from __future__ import annotations

import time
import warnings
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Optional

import numpy as np
from flint import arb, arb_mat, ctx, fmpq
from scipy.linalg import LinAlgWarning

from .backend import ArbBackend
from .certificate import (PointCertificate, _one_task_tests, _type, certify_point,
                          optimum_enclosure)
from .lqr import LQRPoint
from .msolve import MsolveError, run_msolve
from .ratfunc import divides, gradient_numerators, integer_coefficients, stability_denominators
from .objective import MamlPoint
from .validated import certify_stable_gains, decimal_interval, decimal_up, krawczyk

__all__ = ["CompleteResult", "complete_stationary_points", "decide_solution", "solve_robust",
           "provably_unstable", "NAMES"]

NAMES = ("w1", "w2")
ARB = ArbBackend()
KRON = ArbBackend("kron_arb")     # tight Stein enclosures at points (the outside test)


@dataclass
class CompleteResult:
    """Outcome of the exact mode; ``points`` are :class:`PointCertificate` objects."""
    complete: bool = False
    reason: Optional[str] = None
    points: list = field(default_factory=list)
    solutions: list = field(default_factory=list)   # one dict per msolve real solution
    dimension: Optional[int] = None
    degrees: list = field(default_factory=list)
    common_factor_degree: int = 0
    msolve_seconds: float = 0.0
    numerator_seconds: float = 0.0

    def to_dict(self) -> dict:
        n_in = sum(1 for s in self.solutions if s["status"] == "in domain")
        return {"complete": self.complete, "reason": self.reason,
                "points": [p.to_dict() for p in self.points],
                "msolve": {"dimension": self.dimension, "degrees": self.degrees,
                           "common_factor_degree": self.common_factor_degree,
                           "real_solutions": len(self.solutions), "in_domain": n_in,
                           "seconds": round(self.msolve_seconds, 3),
                           "numerator_seconds": round(self.numerator_seconds, 3)},
                "solutions": self.solutions}


def _ball(lo: Fraction, hi: Fraction) -> arb:
    mid = (lo + hi) / 2
    m = arb(fmpq(mid.numerator, mid.denominator))
    rad = arb(fmpq((hi - lo).numerator, (hi - lo).denominator)) / 2
    return m + arb(0, float(rad.upper()) * (1 + 2.0 ** -50) + 0.0)


def _box_matrix(box, r, d) -> arb_mat:
    return arb_mat(r, d, [_ball(lo, hi) for lo, hi in box])


def provably_unstable(M: arb_mat) -> bool:
    """True if no matrix in the ball ``M`` (``d <= 2``) is Schur stable (proven).

    >>> provably_unstable(arb_mat([[arb("1.5")]])), provably_unstable(arb_mat([[arb("0.5")]]))
    (True, False)
    """
    d = M.nrows()
    if d == 1:
        return bool(abs(M[0, 0]) >= 1)
    if d != 2:
        return False
    det = M[0, 0] * M[1, 1] - M[0, 1] * M[1, 0]
    tr = M[0, 0] + M[1, 1]
    return bool(det >= 1 or tr - 1 - det >= 0 or -tr - 1 - det >= 0)


def _outside_reason(box, taskset, prec: int, steps: int = 1) -> Optional[str]:
    """Reason the whole msolve box is proven outside the domain (``W`` or an
    iterate ``W_k``, ``k <= steps``, proven not stabilizing), else ``None``."""
    r, d = taskset.shape
    old, ctx.prec = ctx.prec, prec
    try:
        W = _box_matrix(box, r, d)
        eta = ARB.scalar(taskset.eta)
        for i, t in enumerate(taskset.tasks):
            A, B, Q, R, S0a = (ARB.asmat(getattr(t, k)) for k in ("A", "B", "Q", "R", "Sigma0a"))
            if provably_unstable(A - B * W):
                return f"W does not stabilize task {i + 1} (proven)"
        for i, t in enumerate(taskset.tasks):
            A, B, Q, R, S0a = (ARB.asmat(getattr(t, k)) for k in ("A", "B", "Q", "R", "Sigma0a"))
            F = W
            for k in range(1, steps + 1):
                try:
                    F = F - LQRPoint(KRON, (A, B, Q, R), F, S0a).grad * eta
                except (ZeroDivisionError, np.linalg.LinAlgError):   # Stein system singular
                    break
                if provably_unstable(A - B * F):
                    name = f"F_{i + 1}(W)" if steps == 1 else f"iterate W_{k} of task {i + 1}"
                    return f"the adapted {name} does not stabilize task {i + 1} (proven)"
    finally:
        ctx.prec = old
    return None


def _inside(box, mid, rho) -> bool:
    """msolve box inside the Krawczyk box ``mid +- rho`` (floats read exactly; the
    float rounding of the ball midpoint is allowed for by one ulp)."""
    for (lo, hi), m in zip(box, mid):
        slack = Fraction(rho) - Fraction(np.spacing(abs(m)))
        if slack <= 0 or lo < Fraction(m) - slack or hi > Fraction(m) + slack:
            return False
    return True


def _holds(box, mid, rho) -> bool:
    """The Krawczyk box ``mid +- rho`` inside the solution's box (which holds one
    zero of the reduced system: then the certified zero is that one)."""
    for (lo, hi), m in zip(box, mid):
        reach = Fraction(rho) + Fraction(np.spacing(abs(m)))
        if not (lo < Fraction(m) - reach and Fraction(m) + reach < hi):
            return False
    return True


STEINS = ("auto", "kron_arb", "lyapunov")     # validated Stein solvers tried in turn


def decide_solution(box, taskset, *, precisions=(64, 256), method: str = "maml",
                    steps: int = 1):
    """``(status, detail, certificate)`` for one box holding exactly one real zero of
    the reduced numerator system (an msolve box, or a box proven so by Krawczyk):
    status ``in domain``, ``outside`` or ``undecided`` (module docstring, step 3;
    the Krawczyk box of ``grad h`` may also lie inside the solution's box). With
    ``method``/``steps`` the system is the numerators of that update direction
    (:func:`~symlqr.matrix.ratfunc.direction_numerators`) and the certificate is
    :func:`certify_point`'s for it."""
    with warnings.catch_warnings():     # float Lyapunov guesses near singular closed loops
        warnings.simplefilter("ignore", LinAlgWarning)
        return _decide(box, taskset, precisions, method, int(steps))


def _decide(box, taskset, precisions, method="maml", steps=1):
    r, d = taskset.shape
    mid = [float((lo + hi) / 2) for lo, hi in box]
    for prec in precisions:
        why = _outside_reason(box, taskset, prec, steps)
        if why is not None:
            return "outside", why, None
    reason = "not certified"
    for stein in STEINS:
        try:
            cert = certify_point(np.array(mid).reshape(r, d), taskset, stein=stein,
                                 method=method, steps=steps)
        except (ZeroDivisionError, np.linalg.LinAlgError, ValueError) as exc:
            reason = f"certificate failed: {type(exc).__name__}"
            continue
        if not (cert.exists_unique and cert.stabilizing):
            reason = "; ".join(cert.reasons) or reason
            continue
        flat = np.array(cert.W).reshape(-1).tolist()
        if _inside(box, flat, cert.box_radius):
            return "in domain", f"Krawczyk box contains the solution's box ({stein})", cert
        if _holds(box, flat, cert.box_radius):
            return "in domain", f"the solution's box contains the Krawczyk box ({stein})", cert
        own = _box_certificate(box, taskset, method=method, steps=steps)
        if own is not None:
            return "in domain", "Krawczyk box around the msolve box", own
        reason = "the Krawczyk box does not contain the msolve box"
    return "undecided", reason, None


def _box_certificate(box, taskset, prec: int = 212, method: str = "maml", steps: int = 1):
    """Certificate on boxes ``X = c +- rad`` around the msolve box itself (``c`` its
    dyadic midpoint, ``rad`` far above its width): Krawczyk (unique zero of the
    update direction -- ``grad h`` for MAML -- in ``X``, which is then the msolve
    solution), ``W`` and every iterate stabilizing over ``X``, type from the
    Jacobian over ``X`` (``hess h`` for MAML), ``h(X)``; for one task the chain-rule and Theorem 2 tests, else the gap bound. Used when
    the float midpoint of :func:`certify_point`'s box is too coarse to show that it
    holds the msolve box. ``None`` if nothing is proven."""
    r, d = taskset.shape
    old, ctx.prec = ctx.prec, prec
    try:
        c = [arb(fmpq(m.numerator, m.denominator)).mid() for m in
             ((lo + hi) / 2 for lo, hi in box)]
        scale = max(1.0, max(abs(float(x)) for x in c))
        bk = ArbBackend("kron_arb")
        tasks = [tuple(bk.asmat(getattr(t, k)) for k in
                       ("A", "B", "Q", "R", "Sigma0", "Sigma0a")) for t in taskset.tasks]
        w, eta = [bk.scalar(x) for x in taskset.weights], bk.scalar(taskset.eta)
        g0 = MamlPoint(bk, tasks, w, eta, arb_mat(r, d, c), steps).direction(method)
        g0 = arb_mat(r * d, 1, g0.entries())
        for rad in (2.0 ** (-prec // 2) * scale, 2.0 ** (-prec // 3) * scale):
            if any(hi - lo >= Fraction(rad) for lo, hi in box):
                continue
            X = arb_mat(r, d, [arb(x, rad) for x in c])
            pX = MamlPoint(bk, tasks, w, eta, X, steps)
            if not all(certify_stable_gains(t[0], t[1], V) for t, its in zip(tasks, pX.iterates)
                       for V in [X] + its):
                continue
            JX = arb_mat(pX.direction_jacobian_dense(method))
            if krawczyk(np.zeros(r * d), rad, g0, JX) is not None:
                return _fill(box, taskset, pX, JX, rad, prec, tasks, eta, method)
    except (ZeroDivisionError, np.linalg.LinAlgError):
        return None
    finally:
        ctx.prec = old
    return None


def _fill(box, taskset, pX, JX, rad, prec, tasks, eta, method="maml"):
    r, d = taskset.shape
    mid = [float((lo + hi) / 2) for lo, hi in box]
    cert = PointCertificate(W=np.array(mid).reshape(r, d).tolist(), exists_unique=True,
                            stabilizing=True, box_radius=rad, prec=prec, method=method,
                            steps=pX.steps)
    cert.type = _type(JX, method)
    cert.certified = cert.type != "undecided"
    hX = pX.h
    cert.h = decimal_interval(hX)
    if len(tasks) == 1:                  # the same tests as certify_point's (Sigma0 >= 0)
        _one_task_tests(cert, pX, eta, all(t.definite for t in taskset.tasks))
    if cert.global_by_chain_rule:
        cert.gap_upper = "0"
    else:
        parts = [optimum_enclosure(t) for t in tasks]
        if all(p is not None for p in parts):
            total = sum((ARB.scalar(w) * p for w, p in zip(taskset.weights, parts)), arb(0))
            cert.gap_upper = decimal_up(hX - total, 6)
    cert.reasons.append("certified on a box around the msolve solution (212 bits)")
    return cert


def reduce_common_factor(nums, bounds):
    """Divide out what vanishes only outside the domain: from each ``N_j`` every
    irreducible factor of a boundary polynomial (nonzero on the domain), then
    ``g = gcd(N_1, ..., N_n)`` when every factor of ``g`` divides a boundary
    polynomial; returns ``(reduced, degree of the common factor of the N_j
    divided out, reason or None)``. In the domain the reduced system has the
    same zeros."""
    common = nums[0]
    for p in nums[1:]:
        common = common.gcd(p)
    factors = []
    for b in bounds:
        for f, _ in b.factor()[1]:
            if not f.is_constant() and not any(f == g or f == -g for g in factors):
                factors.append(f)
    nums = [_strip(n, factors) for n in nums]
    if len(nums) < 2:
        return nums, 0, None
    g = nums[0]
    for p in nums[1:]:
        g = g.gcd(p)
    if g.is_constant():
        return nums, int(common.total_degree()), None
    _, gf = g.factor()
    for f, _ in gf:
        if not any(_divides(f, b) for b in bounds):
            return nums, int(g.total_degree()), (
                "not complete: positive-dimensional (the numerators of grad h share a "
                f"factor of degree {f.total_degree()} not shown to vanish only outside "
                "the domain)")
    return [n / g for n in nums], int(common.total_degree()), None


def _strip(n, factors):
    for f in factors:
        while not n.is_zero() and _divides(f, n):
            n = n / f
    return n


_divides = divides


def _boundary_hits(reduced, bounds, boxes, precision, timeout, threads):
    """Indices of boxes holding a real zero of some boundary polynomial: msolve on
    ``N = 0, b = 0``; its solution is a real zero of ``N``, hence in one of the
    disjoint boxes of ``N = 0`` -- the one its own box meets, when it meets one only."""
    hits = {}
    for b in bounds:
        res = solve_robust(reduced + [b], timeout=timeout, threads=threads,
                            precision=2 * precision)
        for sub in res.boxes:      # a real zero of N lies in one of the disjoint boxes
            meet = [k for k, box in enumerate(boxes)
                    if all(max(lo, a) <= min(hi, c) for (lo, hi), (a, c) in zip(box, sub))]
            if len(meet) == 1:
                hits.setdefault(meet[0], f"a zero of a boundary polynomial of degree "
                                         f"{int(b.total_degree())} (h is undefined there)")
    return hits


ATTEMPTS = ((None, (Fraction(0), Fraction(0))), (("w2", "w1"), (Fraction(0), Fraction(0))),
            (None, (Fraction(1, 1009), Fraction(-1, 1013))))


def solve_robust(polys, *, timeout, threads, precision, attempts=ATTEMPTS):
    """msolve on ``polys(w + s)`` with the variables in ``order``, for the first
    ``(order, s)`` of ``attempts`` it completes (boxes moved back by ``+ s``,
    exactly). msolve 0.10.1 aborts ("BUG in get_values_at_bounds") when a root sits
    exactly on a dyadic bracket end (fixed upstream in msolve PR #362); another
    elimination order, or a shift by non-dyadic rationals, avoids it."""
    last = None
    for order, s in attempts:
        sub = polys if not any(s) else [_shift(p, s) for p in polys]
        try:
            res = run_msolve(sub, list(NAMES), timeout=timeout, threads=threads,
                             precision=precision, order=order)
        except MsolveError as exc:
            if "not found" in str(exc) or "did not finish" in str(exc):
                raise
            last = exc
            continue
        res.boxes = [[(lo + c, hi + c) for (lo, hi), c in zip(box, s)] for box in res.boxes]
        return res
    raise last


def _shift(p, s):
    ctx = p.context()
    gens = [g + fmpq(c.numerator, c.denominator) for g, c in zip(ctx.gens(), s)]
    return integer_coefficients(p.compose(*gens))


def complete_stationary_points(taskset, *, timeout: float = 600, threads: int = 1,
                               precision: int = 128, progress=None) -> CompleteResult:
    """Every stationary point of ``h`` in the domain, for ``r d = 2`` (module docstring).

    Raises ``ValueError`` when ``r d != 2`` and :class:`MsolveError` when msolve is
    missing; a timeout or a positive dimension gives ``complete = False``.
    ``progress(text)`` (optional) is told each stage as it starts."""
    say = progress or (lambda text: None)
    r, d = taskset.shape
    if r * d != 2:
        raise ValueError(f"the exact mode needs r * d = 2 parameters (here {r} x {d})")
    out = CompleteResult()
    t0 = time.perf_counter()
    say("numerators of grad h (exact)")
    nums = gradient_numerators(taskset)
    bounds = stability_denominators(taskset)
    out.numerator_seconds = time.perf_counter() - t0
    out.degrees = [int(n.total_degree()) for n in nums]
    if any(n.is_zero() for n in nums):
        out.reason = "not complete: positive-dimensional (a component of grad h is identically 0)"
        return out
    reduced, out.common_factor_degree, why = reduce_common_factor(nums, bounds)
    if why:
        out.reason = why
        return out
    t0 = time.perf_counter()
    say(f"msolve on degrees {out.degrees} (time limit {timeout:g} s)")
    try:
        res = solve_robust(reduced, timeout=timeout, threads=threads, precision=precision)
    except MsolveError as exc:
        if "not found" in str(exc):
            raise
        out.reason = f"not complete: {exc}"
        return out
    finally:
        out.msolve_seconds = time.perf_counter() - t0
    out.dimension = res.dimension
    if res.dimension > 0:
        out.reason = "not complete: positive-dimensional"
        return out
    say(f"certificates of {len(res.boxes)} real solution(s)")
    _classify(out, res.boxes, taskset, reduced, bounds, precision, timeout, threads)
    return out


def _classify(out, boxes, taskset, reduced, bounds, precision, timeout, threads):
    decided = [decide_solution(box, taskset) for box in boxes]
    if any(s == "undecided" for s, _, _ in decided):
        try:
            t0 = time.perf_counter()
            hits = _boundary_hits(reduced, bounds, boxes, precision, timeout, threads)
            out.msolve_seconds += time.perf_counter() - t0
        except MsolveError as exc:
            hits = {}
            out.reason = f"boundary check: {exc}"
        decided = [("outside", hits[k], None) if s == "undecided" and k in hits else
                   (s, why, c) for k, (s, why, c) in enumerate(decided)]
    for box, (status, why, cert) in zip(boxes, decided):
        entry = {"box": [decimal_interval(_ball(lo, hi)) for lo, hi in box], "status": status,
                 "detail": why}
        if cert is not None:
            entry["point"] = len(out.points)
            out.points.append(cert)
        out.solutions.append(entry)
    n_und = sum(1 for s, _, _ in decided if s == "undecided")
    out.complete = n_und == 0
    if not out.complete:
        out.reason = (f"not complete: {n_und} real solution(s) of the numerator system "
                      "neither certified in the domain nor proven outside")
