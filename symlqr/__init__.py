"""symlqr: certified landscapes of MAML objectives on scalar LQR tasks.

Folders, each importing only those above it in this list (data flows down):

* :mod:`symlqr.tasks`   exact task parameters, task files, the paper's figure table
* :mod:`symlqr.exact`   rational functions over QQ, real algebraic numbers, enclosures
* :mod:`symlqr.scalar`  closed forms of C, C', C'', P, W*; MAML composition; the
  certified landscape (domain cells, stationary points, types, values and minima)
* :mod:`symlqr.atlas`   one-parameter atlas of critical values
* :mod:`symlqr.paper`   the paper's results checked on given tasks (``proofs/``)
* :mod:`symlqr.render`  text, HTML, LaTeX and pictures (formatting only)
* :mod:`symlqr.cli`     argument parsing, one-line errors, deadlines, atomic files, and
  the entry points ``python -m symlqr.certify`` and ``python -m symlqr.atlas``

The main entry point is :func:`certify_landscape` (``symlqr.scalar.engines``: the exact
engine ``symlqr.scalar.landscape.certify`` for few distinct tasks, the interval engine
``symlqr.scalar.boxlandscape.certify_interval`` for many; ``engine=`` chooses; the name
``symlqr.certify`` is the command-line module ``python -m symlqr.certify``).

>>> import symlqr
>>> symlqr.certify_landscape(symlqr.figure("fig1")).counts()["global_min"]
3
>>> symlqr.certify_landscape(symlqr.figure("fig2"), method="fomaml", steps=2).counts()["attracting"]
3
"""
from .scalar.landscape import Landscape, StationaryPoint
from .scalar.engines import certify_landscape
from .scalar.maml import MamlObjective
from .tasks import FIGURE_NAMES, InputError, Task, TaskSet, figure
from .scalar.kinds import PointKind
from .scalar.results import RENDERERS as _RENDERERS
from .render.report import html_table, latex_table, text_table

# rendering sits above the scalar layer: the root wires it in, so that
# str(landscape) is the text table and Jupyter shows the HTML table
_RENDERERS.update(text=text_table, html=html_table, latex=latex_table)

__all__ = ["certify_landscape", "Landscape", "StationaryPoint", "MamlObjective", "Task", "TaskSet",
           "figure", "FIGURE_NAMES", "InputError", "PointKind"]
__version__ = "0.1.0"
