"""symlqr: certified landscapes of MAML objectives on scalar LQR tasks.

Folders, each importing only those above it in this list (data flows down):

* :mod:`symlqr.tasks`   exact task parameters, task files, the paper's figure table
* :mod:`symlqr.exact`   rational functions over QQ, real algebraic numbers, enclosures
* :mod:`symlqr.scalar`  closed forms of C, C', C'', P, W*; MAML composition; the
  certified landscape (domain cells, stationary points, types, values and minima)
* :mod:`symlqr.matrix`  matrix LQR: closed forms, Algorithm 1, validated certificates
* :mod:`symlqr.atlas`   one-parameter atlas of critical values
* :mod:`symlqr.paper`   the paper's results checked on given tasks (``proofs/``)
* :mod:`symlqr.sweep`   grids of task sets and task distributions (Dask)
* :mod:`symlqr.render`  text, HTML, LaTeX and pictures (formatting only)
* :mod:`symlqr.cli`     argument parsing, one-line errors, deadlines, atomic files, and
  the entry points ``python -m symlqr.certify`` and ``python -m symlqr.atlas``

The main entry point is :func:`certify_landscape` (``symlqr.scalar.engines``: the exact
engine ``symlqr.scalar.landscape.certify`` for few distinct tasks, the interval engine
``symlqr.scalar.boxlandscape.certify_interval`` for many; ``engine=`` chooses; the name
``symlqr.certify`` is the command-line module ``python -m symlqr.certify``).

The names below are imported when first used (PEP 562), so that ``import symlqr``
and the command lines start fast and a Ctrl-C while they load is a one-line
"interrupted", not a traceback.

>>> import symlqr
>>> symlqr.certify_landscape(symlqr.figure("fig1")).counts()["global_min"]
3
>>> symlqr.certify_landscape(symlqr.figure("fig2"), method="fomaml", steps=2).counts()["attracting"]
3

Every result (scalar landscapes, variants' fixed points, matrix points,
atlases, sweep rows) has one protocol, :class:`symlqr.results.Result`: a text
table as ``str``, an HTML table in Jupyter, ``to_dict``, ``to_csv``,
``plot()`` (a matplotlib Figure) and ``save(path)`` by suffix. Matrix tasks
from Python: :func:`symlqr.matrix.stationary_points` (numpy arrays in).
"""
import importlib as _importlib

from .hooks import RENDERERS as _RENDERERS, VIEWS as _VIEWS

#: public name -> the module that defines it
_HOME = {
    "certify_landscape": "symlqr.scalar.engines",
    "Landscape": "symlqr.scalar.landscape", "StationaryPoint": "symlqr.scalar.landscape",
    "MamlObjective": "symlqr.scalar.maml", "PointKind": "symlqr.scalar.kinds",
    "FIGURE_NAMES": "symlqr.tasks", "InputError": "symlqr.tasks", "Task": "symlqr.tasks",
    "TaskSet": "symlqr.tasks", "figure": "symlqr.tasks", "as_taskset": "symlqr.tasks",
    "FixedPoints": "symlqr.scalar.variant_results", "Result": "symlqr.results",
    "Timeout": "symlqr.scalar.deadline",
    "html_table": "symlqr.render.report", "latex_table": "symlqr.render.report",
    "text_table": "symlqr.render.report",
}


#: subpackages reachable as attributes (``symlqr.matrix.stationary_points``) without an import
_SUBPACKAGES = ("matrix", "atlas", "sweep", "paper", "render", "exact", "scalar")


def __getattr__(name):
    if name in _SUBPACKAGES:
        return _importlib.import_module(f"{__name__}.{name}")
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module 'symlqr' has no attribute {name!r}")
    value = getattr(_importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(_HOME))


def _renderer(name):
    """``symlqr.render.report.<name>``, imported when a landscape is first shown:
    rendering sits above the scalar layer, so the root wires it in."""
    def render(doc):
        return getattr(_importlib.import_module("symlqr.render.report"), name)(doc)
    return render


_RENDERERS.update(text=_renderer("text_table"), html=_renderer("html_table"),
                  latex=_renderer("latex_table"))

#: the results (:class:`symlqr.results.Result`) whose views :mod:`symlqr.render.views` draws
_VIEWED = ("Landscape", "FixedPoints", "PointCertificate", "SearchResult", "MatrixPoints",
           "Atlas", "StepsAtlas", "SweepRows", "MatrixLandscape")


def _view(result, what, **options):
    """``symlqr.render.views.view``, imported when a result is first shown."""
    return _importlib.import_module("symlqr.render.views").view(result, what, **options)


_VIEWS.update(dict.fromkeys(_VIEWED, _view))

__all__ = ["certify_landscape", "Landscape", "StationaryPoint", "MamlObjective", "Task", "TaskSet",
           "figure", "FIGURE_NAMES", "InputError", "PointKind", "FixedPoints", "Result",
           "Timeout", "as_taskset"]
__version__ = "0.1.0"
