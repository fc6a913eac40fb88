"""The paper's claim as an experiment: does the landscape improve with the
number of tasks k?

For each distribution of a few presets, ``k`` tasks are drawn for several
seeds (the tasks of ``k`` are the first ``k`` of any larger ``k``, same seed),
every landscape is certified, and :func:`summarize` reduces the rows per
``(distribution, k)``: the fraction of seeds with a spurious minimum, the mean
number of spurious minima, the median and largest ``epsilon``, and how far the
nearest global minimizer lies from the mean of the tasks' optimal gains ``W*_i`` (the
paper: "MAML seems to learn the mean of the optimal policies").

    common     A = B = 1, Q, R ~ loguniform(0.1, 10), eta = 0.05
               (common dynamics, random costs: Figure 3b-d)
    scaled     A = B = 1, Q = R = 2 c, c ~ loguniform(0.05, 1), eta = 0.01
               (scaled copies of one task: Figure 2's similarity)
    perturbed  A, B, Q, R ~ uniform(0.99, 1.01), eta = 0.01
               (small perturbations of (1, 1, 1, 1): Figure 3a's similarity)

>>> rows = run_sweep(experiment_points(["scaled"], [2], [0]), workers=1)
>>> s = summarize(rows)[0]
>>> s["label"], s["k"], s["seeds"], s["with_spurious"]
('scaled', 2, 1, 1.0)
"""
from __future__ import annotations

import statistics
from fractions import Fraction

from ..distributions import Distribution
from ..tasks import InputError
from .points import Source, make_points
from .run import run_sweep

__all__ = ["PRESETS", "experiment_points", "summarize", "SUMMARY_COLUMNS", "run_sweep"]

#: name -> (distribution spec, eta, description)
PRESETS = {
    "common": ("A=1, B=1, Q=loguniform(0.1, 10), R=loguniform(0.1, 10)", "0.05",
               "common dynamics A = B = 1, random costs Q, R ~ loguniform(0.1, 10)"),
    "scaled": ("A=1, B=1, Q=2, R=2, scale=loguniform(0.05, 1)", "0.01",
               "scaled copies of the task (1, 1, 2, 2): Q = R = 2c, c ~ loguniform(0.05, 1)"),
    "perturbed": ("A=uniform(0.99, 1.01), B=uniform(0.99, 1.01), Q=uniform(0.99, 1.01), "
                  "R=uniform(0.99, 1.01)", "0.01",
                  "small perturbations: A, B, Q, R ~ uniform(0.99, 1.01)"),
}

#: Columns of :func:`summarize` (floats are read from certified decimals).
SUMMARY_COLUMNS = ("label", "k", "seeds", "certified", "with_spurious", "spurious_mean",
                   "epsilon_median", "epsilon_max", "W_global_median", "gap_to_mean_W_star")


def experiment_points(presets, ks, seeds) -> list:
    """Points ``preset x k x seed`` (presets slowest) for :func:`run_sweep`."""
    unknown = [p for p in presets if p not in PRESETS]
    if unknown:
        raise InputError(f"unknown preset(s) {', '.join(unknown)}; choose "
                         f"{', '.join(PRESETS)}")
    if not ks or not seeds:
        raise InputError("the experiment needs at least one k and one seed")
    grid = [{"n": int(k), "seed": int(s)} for k in ks for s in seeds]
    sources = [Source.of(Distribution.parse(PRESETS[p][0], name=p), label=p,
                         eta=Fraction(PRESETS[p][1])) for p in presets]
    return make_points(sources, grid)


def _float(text):
    return None if text in (None, "") else float(text)


def summarize(rows: list) -> list:
    """One row per ``(label, k)``; statistics over the certified seeds.

    ``with_spurious`` is the fraction of certified seeds whose landscape has a
    spurious minimum; ``gap_to_mean_W_star`` the median over seeds of
    ``|W_global - mean_i W*_i|`` (the global minimizer nearest to the mean).
    """
    groups: dict = {}
    for r in rows:
        groups.setdefault((r["label"], r["n"]), []).append(r)
    out = []
    for (label, k), rs in groups.items():
        ok = [r for r in rs if r["status"] == "certified"]
        eps = [_float(r["epsilon"]) for r in ok if r["epsilon"] is not None]
        wg = [_float(r["W_global"].split(";")[0]) for r in ok if r["W_global"]]
        gaps = [min(abs(_float(w) - _float(r["W_star_mean"])) for w in r["W_global"].split(";"))
                for r in ok if r["W_global"]]
        out.append({
            "label": label, "k": k, "seeds": len(rs), "certified": len(ok),
            "with_spurious": (sum(r["spurious_min"] > 0 for r in ok) / len(ok)) if ok else None,
            "spurious_mean": statistics.fmean(r["spurious_min"] for r in ok) if ok else None,
            "epsilon_median": statistics.median(eps) if eps else None,
            "epsilon_max": max(eps) if eps else None,
            "W_global_median": statistics.median(wg) if wg else None,
            "gap_to_mean_W_star": statistics.median(gaps) if gaps else None})
    return out
