"""Certificates of one stationary point of the matrix MAML objective ``h``.

Given a float point ``W~`` (from Algorithm 1 or from a user), the box
``X = W~ +- rho`` (every entry) is certified in ball arithmetic (``arb``):

1. stabilization of every ``W`` in ``X`` and of every adapted ``F_i(X)``
   (Lyapunov certificates, :func:`~symlqr.matrix.validated.certify_stable`);
2. existence and uniqueness of a zero ``w*`` of ``grad h`` in ``X`` (Krawczyk,
   with ``grad h`` at ``W~`` and ``hess h`` over ``X`` enclosed);
3. the type of ``w*`` from the inertia of ``hess h`` over ``X``;
4. an enclosure of ``h(w*)``;
5. one task: the chain-rule certificate (``I - eta hess g(X)`` nonsingular =>
   ``grad f(F(w*)) = 0`` => ``F(w*) = W*`` => ``w*`` is a global minimizer) and
   Theorem 2 of the paper (``eta ||hess g(w*)|| < 1`` and ``hess h(w*) > 0``);
   for a semidefinite ``Sigma0`` (``x0 x0'``) the step ``grad f = 0 => W*`` needs
   ``S`` proven definite at ``F(w*)`` (else ``None``, undecided) and Theorem 2 is
   not applied;
6. any number of tasks: ``gap_upper >= h(w*) - min h``, from
   ``min h >= sum_i w_i min C_i = sum_i w_i C_i(W*_i)`` with each ``W*_i``
   enclosed by its own Krawczyk box (zero of ``grad C_i``).

``certified`` is true only if 1-3 were all proven. Precision escalates
53 -> 106 -> 212 -> 424 bits (the cap), then the other Stein solvers at the cap,
and the box radius over a few sizes, until every part (existence, type,
stabilization, the enclosure of ``h``) is decided (the gap bound's task optima
rise to the cap on their own);
otherwise the point is reported with the reasons it is undecided.

With ``steps = K > 1`` (``--steps K``) the objective is ``h_K`` (``K``
adaptation steps) and everything above is proven for it: ``grad h_K`` and
``hess h_K`` come from the chain rule through the ``K`` steps (second and third
derivatives of ``C`` at every iterate), every iterate ``W_k(X)`` is proven
stabilizing, and the chain rule certificate asks every ``J_k`` to be nonsingular.
Theorem 2 is stated for one step (``theorem2`` is ``None`` otherwise).

``method = "fomaml"`` or ``"reptile"``: the certified object is a zero of the
method's update direction ``g`` (not of ``grad h``), proven by the same
Krawczyk test with the (nonsymmetric) Jacobian of ``g`` over the box; its type
is ``attracting`` (every eigenvalue of ``Dg`` has positive real part: the
iteration ``W <- W - beta g(W)`` converges nearby for small ``beta``),
``repelling`` (all negative), ``saddle`` (both) or ``undecided``, from the
Ostrowski--Schneider inertia theorem: a float ``P`` with ``Dg' P + P Dg > 0``
proven over the box gives ``In(Dg) = In(P)``. For one task a zero of the
FO-MAML direction has ``grad f(W_K) = 0``, hence ``W_K = W*`` and ``h_K(w*) =
min C``: a global minimizer of ``h_K`` (likewise Reptile with ``K = 1``).

>>> from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
>>> ts = MatrixTaskSet([MatrixTask.from_scalar(1, 1, 2, 2)], "0.01")
>>> import numpy as np
>>> c = certify_point(np.array([[0.6]]), ts)
>>> c.certified, c.type, c.theorem2, c.global_by_chain_rule, c.gap_upper
(True, 'min', True, True, '0')
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Optional

import numpy as np
from flint import arb, arb_mat, ctx

from .backend import KRON_CHEAP_D, KRON_MAX_D
from .boxes import (ARB, PRECISIONS, arb_tasks, lower_bound_enclosure, newton_box,
                    optimum_enclosure)
from .objective import MamlPoint, maml_point
from ..results import Result
from .validated import (certify_stable_gains, decimal_interval, decimal_up, float_ends, inertia,
                        real_part_inertia)

__all__ = ["PointCertificate", "certify_point", "polish", "verify_point", "optimum_enclosure",
           "spurious_flags", "METHODS"]

METHODS = ("maml", "fomaml", "reptile")


@dataclass
class PointCertificate(Result):   # the protocol of every result (one row)
    """What was proven about one point; every ``True`` here is a proof."""
    W: list                          # float midpoint, r rows of d numbers
    type: str = "undecided"          # min | max | saddle | undecided (maml);
    #                                  attracting | repelling | saddle | undecided (others)
    certified: bool = False          # existence, uniqueness, stabilization and type
    exists_unique: bool = False
    stabilizing: bool = False
    h: Optional[list] = None         # [lo, hi] decimal strings
    box_radius: Optional[float] = None
    theorem2: Optional[bool] = None  # None: more than one task (does not apply)
    global_by_chain_rule: Optional[bool] = None
    gap_upper: Optional[str] = None
    prec: Optional[int] = None
    runs: int = 0                    # runs of Algorithm 1 that ended here
    reasons: list = field(default_factory=list)
    method: str = "maml"             # whose zero: grad h (maml) or the update direction
    steps: int = 1                   # adaptation steps K
    # float boxes (row-major (lo, hi) per entry) for the branch-and-bound, not printed:
    # the zero lies in zero_box, and unique_box holds no other zero (Krawczyk)
    zero_box: Optional[list] = field(default=None, repr=False, compare=False)
    unique_box: Optional[list] = field(default=None, repr=False, compare=False)

    @property
    def certified_object(self) -> str:
        return ("zero of grad h" if self.method == "maml" else
                f"zero of the {self.method} update direction") + \
            (f" (K = {self.steps} adaptation steps)" if self.steps != 1 else "")

    def to_dict(self) -> dict:
        return {"W": self.W, "type": self.type, "certified": self.certified,
                "method": self.method, "steps": self.steps,
                "certified_object": self.certified_object,
                "h": self.h, "box_radius": self.box_radius, "theorem2": self.theorem2,
                "global_by_chain_rule": self.global_by_chain_rule,
                "gap_upper": self.gap_upper, "exists_unique": self.exists_unique,
                "stabilizing": self.stabilizing, "prec": self.prec, "runs": self.runs,
                "reasons": list(self.reasons)}


def polish(W, taskset, newton: int = 20, *, method: str = "maml", steps: int = 1):
    """Float Newton steps on the update direction ``g`` of ``method`` (``grad h``
    for ``maml``) with ``steps`` adaptation steps, each halved (up to 30 times)
    while it leaves the domain; returns ``(W, last_step_size)``, or ``(None, inf)``
    when no halving stays in the domain, the Jacobian is singular, or the steps do
    not shrink below ``1e-9`` (relative) within ``newton``."""
    W = np.atleast_2d(np.asarray(W, dtype=float))
    last, p = float("inf"), maml_point(W, taskset, steps)
    for _ in range(newton):
        if p is None:
            return None, float("inf")
        try:
            step = np.linalg.solve(np.array(p.direction_jacobian_dense(method)),
                                   p.direction(method).reshape(-1)).reshape(W.shape)
        except np.linalg.LinAlgError:
            return None, float("inf")
        for _ in range(30):
            p = maml_point(W - step, taskset, steps)
            if p is not None:
                break
            step = step / 2
        W = W - step
        last = float(np.max(np.abs(step)))
        if last <= 1e-15 * max(1.0, float(np.max(np.abs(W)))):
            break
    if p is None or last > 1e-9 * max(1.0, float(np.max(np.abs(W)))):
        return None, float("inf")
    return W, last


def _type(JX, method) -> str:
    """``maml``: inertia of the symmetric ``hess h`` over the box; otherwise the
    real parts of the eigenvalues of ``Dg`` (:func:`~symlqr.matrix.validated.real_part_inertia`)."""
    inn = inertia(JX) if method == "maml" else real_part_inertia(JX)
    if inn is None:
        return "undecided"
    pos, neg = inn
    if method == "maml":
        return "min" if neg == 0 else ("max" if pos == 0 else "saddle")
    return "attracting" if neg == 0 else ("repelling" if pos == 0 else "saddle")


def _nonsingular_adaptation(pX, i, eta):
    """``(every J_k = I - eta hess g_i(W_k) proven nonsingular over the box,
    I -+ eta hess g_i(W_0) both proven positive definite)``."""
    n = pX.W.nrows() * pX.W.ncols()
    eye = arb_mat(n, n, [int(p == q) for p in range(n) for q in range(n)])
    ok, small = True, False
    for k in range(pX.steps):
        H = arb_mat(pX.adaptation_hess_dense(i, k)) * eta
        inn = inertia(eye - H)
        ok = ok and inn is not None
        if k == 0:
            small = inn == (n, 0) and inertia(eye + H) == (n, 0)
    return ok, small


def _zero_gradient_is_optimum(cert, pX, definite) -> bool:
    """Does ``grad C(V) = 0`` force ``V = W*`` at the gain ``V`` of the chain rule
    (``W_K`` with ``Sigma0``; ``W`` with ``Sigma0a`` for Reptile, ``K = 1``)?
    Always for definite covariances; for a semidefinite one (``x0 x0'``) only when
    ``S_V = sum_t M^t Sigma M'^t`` is proven definite over the box (then ``E = 0``,
    the Riccati gain); otherwise ``None`` is recorded with the reason."""
    if definite:
        return True
    pt = pX.g[0] if cert.method == "reptile" else pX.f[0]
    d = pt.S.nrows()
    if inertia(pt.S) == (d, 0):
        return True
    cert.reasons.append("chain rule undecided: Sigma0 is only semidefinite and S = "
                        "sum_t M^t Sigma0 M'^t is not proven definite at the adapted gain, "
                        "so grad C = 0 there does not force the Riccati gain W*")
    return False


def _one_task_tests(cert, pX, eta, definite=True):
    """Chain-rule certificate and Theorem 2 (one task); ``definite``: the task's
    covariances are positive definite (else see :func:`_zero_gradient_is_optimum`,
    and Theorem 2, which assumes ``Sigma0 > 0``, is not applied)."""
    if cert.method == "fomaml" or (cert.method == "reptile" and cert.steps == 1):
        # g = grad f(W_K) = 0 (FO-MAML) or grad g(W) = 0, W_1 = W (Reptile, K = 1)
        cert.global_by_chain_rule = True if _zero_gradient_is_optimum(cert, pX,
                                                                        definite) else None
        return
    if cert.method == "reptile":          # K > 1: W = W_K does not force W = W*
        return
    chain, small = _nonsingular_adaptation(pX, 0, eta)
    cert.global_by_chain_rule = chain
    if chain and not _zero_gradient_is_optimum(cert, pX, definite):
        cert.global_by_chain_rule = None
    if cert.steps != 1:
        cert.reasons.append("Theorem 2 (one adaptation step) does not apply to K > 1")
        return
    if not definite:
        cert.reasons.append("Theorem 2 assumes Sigma0 > 0 (every stationary point of C "
                            "global); not applied to a semidefinite Sigma0")
        return
    cert.theorem2 = bool(small and cert.type == "min")
    if not cert.theorem2:
        cert.reasons.append("Theorem 2 not certified: " + (
            "eta ||hess C(w*)|| < 1 not proven" if not small else "hess h(w*) > 0 not proven"))


def certify_point(W, taskset, *, polish_first: bool = True, gap: bool = True,
                  precisions=PRECISIONS, stein: str = "auto", method: str = "maml",
                  steps: int = 1) -> PointCertificate:
    """Certify the zero near ``W`` of ``grad h_K`` (``method="maml"``) or of the
    FO-MAML / Reptile update direction, ``K = steps`` (see the module docstring).

    ``stein`` picks the validated Stein solver (:class:`ArbBackend` methods)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    old_method, ARB.method = ARB.method, stein
    try:
        return _certify(W, taskset, polish_first, gap, precisions, method, int(steps))
    finally:
        ARB.method = old_method


def _certify(W, taskset, polish_first, gap, precisions, method, steps) -> PointCertificate:
    W = np.atleast_2d(np.asarray(W, dtype=float))
    cert = PointCertificate(W=W.tolist(), method=method, steps=steps)
    if polish_first:
        Wp, _ = polish(W, taskset, method=method, steps=steps)
        if Wp is None:
            cert.reasons.append("float Newton iteration left the domain or met a singular "
                                "Jacobian: no stationary point found near W")
            return cert
        W = Wp
        cert.W = W.tolist()
    p = maml_point(W, taskset, steps)
    if p is None:
        cert.reasons.append("W or an adapted gain W_k is not stabilizing (floats)")
        return cert
    try:
        Yf = np.linalg.inv(np.array(p.direction_jacobian_dense(method)))
    except np.linalg.LinAlgError:
        cert.reasons.append("the Jacobian at W is singular in floats")
        return cert
    old, reason = ctx.prec, "no precision tried"
    if W.size > 8 and len(precisions) > 1:     # 53 bits rarely suffice there: save the try
        precisions = tuple(precisions[1:])
    best, old_method = None, ARB.method
    try:
        for prec, ARB.method in _tries(precisions, ARB.method, W.shape[1]):
            ctx.prec = prec
            res = _attempt(W, Yf, taskset, method, steps)
            if isinstance(res, str):
                reason = f"{res} (at {prec} bits, {ARB.method} Stein solver)"
                continue
            cand = PointCertificate(W=cert.W, method=method, steps=steps)
            _fill(cand, res, prec, taskset, gap)
            best = cand if best is None or _rank(cand, gap) > _rank(best, gap) else best
            if _rank(best, gap) == 3:           # every part decided: stop escalating
                break
    finally:
        ctx.prec, ARB.method = old, old_method
    if best is None:
        cert.reasons.append(reason)
        return cert
    if _rank(best, gap) < 3:
        tried = ", ".join(_solvers(precisions, old_method, W.shape[1]))
        best.reasons.append(f"still undecided at the precision cap ({max(precisions)} bits, "
                            f"Stein solvers tried: {tried})")
    return best


def _tries(precisions, solver, d) -> list:
    """``(bits, Stein solver)`` pairs in the order tried: every precision with
    ``solver``, then for ``auto`` the tight Kronecker solver (``d <= KRON_MAX_D``) and
    the O(d^3) Lyapunov-bound solver at the cap, whichever were not the default there."""
    tries = [(prec, solver) for prec in precisions]
    if solver == "auto":
        top = max(precisions)
        if d <= KRON_MAX_D and top > 53:
            tries.append((top, "kron"))
        if d <= KRON_CHEAP_D:
            tries.append((top, "lyapunov"))
    return tries


def _solvers(precisions, solver, d) -> list:
    return list(dict.fromkeys(s for _, s in _tries(precisions, solver, d)))


def _rank(cert, gap) -> int:
    """How much of a certificate is decided: 1 existence (and stabilization), 2 and
    the type, 3 and the enclosure of ``h``. The gap bound does not ask for more bits
    here: :func:`~symlqr.matrix.boxes.optimum_enclosure` already rises to the cap."""
    if not cert.exists_unique:
        return 0
    if cert.type == "undecided":
        return 1
    return 3 if cert.h is not None else 2


def _attempt(W, Yf, taskset, method, steps):
    tasks = arb_tasks(taskset)

    def point(V):                       # tasks, weights, eta at the precision of the call
        return MamlPoint(ARB, arb_tasks(taskset), [ARB.scalar(w) for w in taskset.weights],
                         ARB.scalar(taskset.eta), V, steps)

    def jac(X):
        pX = point(X)
        if not all(certify_stable_gains(t[0], t[1], V) for t, its in zip(tasks, pX.iterates)
                   for V in [X] + its):
            return "stabilization of W or of an adapted gain W_k over the box is not proven"
        return arb_mat(pX.direction_jacobian_dense(method)), pX

    class _Direction:                   # newton_box reads .grad: here the update direction
        def __init__(self, V):
            self.point = point(V)
            self.grad = self.point.direction(method)

    return newton_box(W, Yf, _Direction, jac)


def _fill(cert, res, prec, taskset, gap):
    X, rho, JX, pX, D, p0 = res
    cert.W = [[float(x.mid()) for x in row] for row in X.tolist()]
    cert.exists_unique = cert.stabilizing = True
    cert.box_radius, cert.prec = rho, prec
    cert.zero_box = [float_ends(arb(x.mid()) + D[k, 0]) for k, x in enumerate(X.entries())]
    cert.unique_box = [float_ends(x, inner=True) for x in X.entries()]
    cert.type = _type(JX, cert.method)
    cert.certified = cert.type != "undecided"
    if not cert.certified:
        cert.reasons.append("type undecided: " + (
            "a Gershgorin interval of hess h over the box contains 0" if cert.method == "maml"
            else "no proof of the signs of the real parts of the eigenvalues of the "
                 "Jacobian of the update direction"))
    hX = _h_enclosure(D, pX, p0.point)
    cert.h = decimal_interval(hX)
    if len(taskset.tasks) == 1:
        _one_task_tests(cert, pX, ARB.scalar(taskset.eta),
                        all(getattr(t, "definite", True) for t in taskset.tasks))
    if cert.global_by_chain_rule:
        cert.gap_upper = "0"
    elif gap:
        total = lower_bound_enclosure(taskset)
        if total is None:
            cert.reasons.append("gap bound: a task optimum W*_i was not enclosed")
            return
        cert.gap_upper = decimal_up(hX - total, 6)


def _h_enclosure(D, pX, p0):
    """``h(w*)`` in ``h(W~) + <grad h(X), D>`` (mean value form; ``w* - W~`` in ``D``,
    ``p0`` the point at ``W~``), or the naive enclosure ``h(X)`` when narrower."""
    mv = p0.h + (arb_mat(1, D.nrows(), pX.grad.entries()) * D)[0, 0]
    naive = pX.h
    return mv if mv.rad() <= naive.rad() else naive


def verify_point(W, taskset, **kw) -> PointCertificate:
    """A user's point ``W``: float Newton polish, then :func:`certify_point`.

    The returned ``W`` is the polished midpoint; compare it with the input to
    see how far the user's point was from the certified stationary point."""
    return certify_point(W, taskset, polish_first=True, **kw)


def spurious_flags(points, complete: bool = False) -> list:
    """Per :class:`PointCertificate` (or its ``to_dict()``): ``True`` if it is proven
    *not* a global minimizer of ``h`` -- a certified ``saddle``/``max`` of ``h``, or a
    certified point whose ``h`` enclosure lies entirely above the lowest upper end of
    the certified points' ``h`` enclosures (an enclosure of ``min h`` over them);
    ``False`` if proven global: ``gap_upper = 0``, or ``complete`` (the points are
    every stationary point, all certified) and its ``h`` enclosure lies entirely below
    every other point's; ``None`` (undecided) otherwise. Comparisons are exact on
    the decimal end points.

    >>> a = {"certified": True, "method": "maml", "type": "min", "h": ["1", "1.1"],
    ...      "gap_upper": "0.2"}
    >>> b = dict(a, h=["1.2", "1.3"])
    >>> spurious_flags([a, b]), spurious_flags([a, b], complete=True)
    ([None, True], [False, True])
    """
    docs = [p if isinstance(p, dict) else p.to_dict() for p in points]
    hs = [(Fraction(p["h"][0]), Fraction(p["h"][1])) if p.get("certified") and p.get("h")
          else None for p in docs]
    known = [h for h in hs if h is not None]
    best_hi = min((h[1] for h in known), default=None)
    every = complete and len(known) == len(docs)
    out = []
    for k, (p, h) in enumerate(zip(docs, hs)):
        if h is None:
            out.append(None)
        elif p.get("method", "maml") == "maml" and p["type"] != "min":
            out.append(True)                # not even a local minimizer of h
        elif p.get("gap_upper") is not None and Fraction(p["gap_upper"]) == 0:
            out.append(False)
        elif h[0] > best_hi:
            out.append(True)
        elif every and all(h[1] < o[0] for j, o in enumerate(hs) if j != k):
            out.append(False)
        else:
            out.append(None)
    return out
