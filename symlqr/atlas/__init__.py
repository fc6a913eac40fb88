"""One-parameter atlas: the values of eta, a task scale or a task spread where the
certified landscape changes (folds, domain events, touches, global-minimizer switches),
and the atlas over the number of inner steps K of a MAML variant (:mod:`.steps`).

``python -m symlqr.atlas`` is the command line (:mod:`symlqr.cli.atlas`).
"""
from .core import Atlas, atlas
from .steps import StepsAtlas, steps_atlas

__all__ = ["Atlas", "atlas", "StepsAtlas", "steps_atlas"]
