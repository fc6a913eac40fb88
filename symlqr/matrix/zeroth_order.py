"""Zeroth-order (two-point) estimates of the LQR gradient and Hessian, as in the
published model-free MAML-LQR experiments. Float path: every value here is an
*estimate* from cost queries, seeded, never a certificate.

Written from the formulas of Toso, Zhan, Anderson and Wang (L4DC 2024,
Algorithm 2 "ZO2P"), also used by Pan, Li and Zhu (2025), for a gain ``W``
(``r x d``, ``n = r d`` entries), ``m`` directions ``U_l`` drawn uniformly on the
Frobenius sphere ``||U_l||_F = radius``::

    grad C(W) ~ n / (2 radius^2 m) sum_l (C(W + U_l) - C(W - U_l)) U_l
    hess C(W) ~ n / (radius^2 m)   sum_l (C(W + U_l) - C(W)) (vec U_l vec U_l' - I)   ("flat")
    hess C(W) ~ r^2 / (radius^2 m) sum_l (C(W + U_l) - C(W)) (U_l U_l' - I_r)          ("toso")

The Hessian formulas are the papers' as printed: with ``||U_l|| = radius`` small
the ``U U'`` term is ``O(radius^2)`` next to ``I``, so both are close to a random
multiple of ``-I`` (the ``"toso"`` one is ``r x r`` and multiplies the gradient from
the left, as in the notebooks). ``"stein"`` is the second-order Gaussian Stein
identity with unnormalized directions ``u ~ N(0, I_n)``, ``U = radius u``, which
estimates the Hessian of the Gaussian-smoothed cost::

    hess C(W) ~ 1 / (2 radius^2 m) sum_l (C(W + U_l) + C(W - U_l) - 2 C(W)) (u_l u_l' - I)

A pair with an infinite cost (a perturbed gain not stabilizing) is skipped, as in
Pan et al.'s code; ``ValueError`` when none is left.

>>> import numpy as np
>>> A, B, Q, R = np.array([[1.0]]), np.array([[1.0]]), np.array([[1.0]]), np.array([[1.0]])
>>> cost = lambda W: lqr_cost(W, A, B, Q, R)
>>> g = gradient_estimate(cost, np.array([[0.6]]), radius=0.01, samples=4, seed=0)
>>> from symlqr.matrix.lqr import gradient
>>> exact = gradient(np.array([[0.6]]), A, B, Q, R)[0, 0]
>>> bool(abs(g[0, 0] - exact) < 1e-3)      # n = 1: a central difference, O(radius^2)
True
"""
from __future__ import annotations

from typing import Callable, Optional

import numpy as np

from .lqr import LQRPoint, is_stabilizing
from .backend import FLOAT

__all__ = ["lqr_cost", "sphere_directions", "gradient_estimate", "hessian_estimate",
           "maml_direction_estimate", "HESSIAN_FORMS"]

HESSIAN_FORMS = ("flat", "toso", "stein")


def lqr_cost(W, A, B, Q, R, Sigma0=None) -> float:
    """The cost oracle ``C(W) = tr(P_W Sigma0)`` (floats; ``+inf`` if not stabilizing),
    the "true cost" the papers assume (Toso et al., Remark 9)."""
    W = np.atleast_2d(np.asarray(W, dtype=float))
    if not is_stabilizing(W, A, B):
        return float("inf")
    S = np.eye(A.shape[0]) if Sigma0 is None else Sigma0
    return float(LQRPoint(FLOAT, (A, B, Q, R), W, S).cost)


def _rng(seed, rng) -> np.random.Generator:
    return rng if rng is not None else np.random.default_rng(seed)


def sphere_directions(shape, samples: int, radius: float, rng) -> np.ndarray:
    """``samples`` matrices of ``shape``, uniform on ``||U||_F = radius``."""
    U = rng.standard_normal((samples, *shape))
    return U / np.linalg.norm(U.reshape(samples, -1), axis=1)[:, None, None] * radius


def gradient_estimate(cost: Callable, W, *, radius: float, samples: int,
                      seed: Optional[int] = None, rng=None) -> np.ndarray:
    """Two-point estimate ``n/(2 radius^2 m) sum (C(W+U) - C(W-U)) U`` (an estimate)."""
    W = np.atleast_2d(np.asarray(W, dtype=float))
    U = sphere_directions(W.shape, samples, radius, _rng(seed, rng))
    total, used = np.zeros_like(W), 0
    for Ul in U:
        cp, cm = cost(W + Ul), cost(W - Ul)
        if np.isfinite(cp) and np.isfinite(cm):
            total += (cp - cm) * Ul
            used += 1
    if not used:
        raise ValueError("every perturbed pair left the domain (infinite cost)")
    return W.size / (2 * radius ** 2 * used) * total


def hessian_estimate(cost: Callable, W, *, radius: float, samples: int, form: str = "flat",
                     seed: Optional[int] = None, rng=None) -> np.ndarray:
    """Zeroth-order Hessian estimate (see the module docstring for the three forms):
    ``n x n`` for ``"flat"`` and ``"stein"`` (row-major ``vec W``), ``r x r`` for
    ``"toso"``."""
    if form not in HESSIAN_FORMS:
        raise ValueError(f"form must be one of {HESSIAN_FORMS}")
    W = np.atleast_2d(np.asarray(W, dtype=float))
    r, n, gen = W.shape[0], W.size, _rng(seed, rng)
    c0 = cost(W)
    if form == "stein":
        u = gen.standard_normal((samples, n))
        U = (radius * u).reshape(samples, *W.shape)
    else:
        U = sphere_directions(W.shape, samples, radius, gen)
        u = U.reshape(samples, n)
    k = r if form == "toso" else n
    total, used = np.zeros((k, k)), 0
    for Ul, ul in zip(U, u):
        cp = cost(W + Ul)
        if form == "stein":
            cm = cost(W - Ul)
            diff, outer = (cp + cm - 2 * c0) / 2, np.outer(ul, ul)
        else:
            cm, diff = 0.0, cp - c0
            outer = Ul @ Ul.T if form == "toso" else np.outer(ul, ul)
        if np.isfinite(cp) and np.isfinite(cm):
            total += diff * (outer - np.eye(k))
            used += 1
    if not used:
        raise ValueError("every perturbed gain left the domain (infinite cost)")
    scale = {"flat": n, "toso": r * r, "stein": 1.0}[form]
    return scale / (radius ** 2 * used) * total


def maml_direction_estimate(costs, W, eta: float, *, radius: float, samples: int,
                            weights=None, hessian: str = "flat", rng=None,
                            seed: Optional[int] = None) -> np.ndarray:
    """Zeroth-order MAML direction (Toso et al. Algorithm 3, one inner step)::

        W_i = W - eta g_i(W),  d = sum_i w_i (I - eta H_i(W)) g_i(W_i)

    with ``g_i``, ``H_i`` the estimates above from task ``i``'s cost oracle
    ``costs[i]`` (the adaptation and outer covariances are then the same).
    ``hessian="toso"`` multiplies the ``r x r`` estimate from the left, the others
    act on ``vec g``; ``hessian="none"`` gives the first-order direction. Every
    estimate draws its own directions (Toso et al.'s notebooks share one draw of
    ``U`` among all estimates of a step; Pan et al. draw per call)."""
    gen = _rng(seed, rng)
    W = np.atleast_2d(np.asarray(W, dtype=float))
    w = np.full(len(costs), 1 / len(costs)) if weights is None else np.asarray(weights)
    out = np.zeros_like(W)
    for wi, c in zip(w, costs):
        Wi = W - eta * gradient_estimate(c, W, radius=radius, samples=samples, rng=gen)
        g = gradient_estimate(c, Wi, radius=radius, samples=samples, rng=gen)
        if hessian == "none":
            out += wi * g
            continue
        H = hessian_estimate(c, W, radius=radius, samples=samples, form=hessian, rng=gen)
        Jg = g - eta * (H @ g if hessian == "toso" else (H @ g.ravel()).reshape(W.shape))
        out += wi * Jg
    return out
