"""One-parameter atlas: the values of eta, a task scale or a task spread where the
certified landscape changes (folds, domain events, touches, global-minimizer switches),
and the atlas over the number of inner steps K of a MAML variant (:mod:`.steps`).

``python -m symlqr.atlas`` is the command line (:mod:`symlqr.cli.atlas`).
"""
import importlib as _importlib

#: public name -> the submodule that defines it (imported when first used, so that
#: ``python -m symlqr.atlas`` starts at once)
_HOME = {"Atlas": "core", "atlas": "core", "StepsAtlas": "steps", "steps_atlas": "steps"}


def __getattr__(name):
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(_importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
    globals()[name] = value
    return value

__all__ = ["Atlas", "atlas", "StepsAtlas", "steps_atlas"]
