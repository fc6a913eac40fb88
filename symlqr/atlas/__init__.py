"""One-parameter atlas: the values of eta, a task scale or a task spread where the
certified landscape changes (folds, domain events, touches, global-minimizer switches).

``python -m symlqr.atlas`` is the command line (:mod:`symlqr.cli.atlas`).
"""
from .core import Atlas, atlas

__all__ = ["Atlas", "atlas"]
