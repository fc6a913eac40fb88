"""symlqr: certified landscapes of MAML objectives on scalar LQR tasks.

Layers, each importing only those above it in this list:

* :mod:`symlqr.tasks`     exact task parameters, task files, the paper's figure table
* :mod:`symlqr.ratfunc`   rational functions over QQ (FLINT)
* :mod:`symlqr.realroots` real algebraic numbers, exact root isolation, signs
* :mod:`symlqr.lqr`       closed forms of C(W), C', C'', Riccati P, W*
* :mod:`symlqr.maml`      adaptation maps and the MAML objective
* :mod:`symlqr.report`    text/HTML/LaTeX rendering of results (formatting only)
* :mod:`symlqr.landscape` domain, stationary points, types, global minima, epsilon
* :mod:`symlqr.numeric`   float twins for independent checks and plots
* :mod:`symlqr.cli`       command-line plumbing: task arguments, one-line errors, atomic files
* :mod:`symlqr.verdicts`, :mod:`symlqr.theorems`, :mod:`symlqr.equation3`,
  :mod:`symlqr.continuity`  the paper's results checked on given tasks
* :mod:`symlqr.family`, :mod:`symlqr.events`, :mod:`symlqr.switches`,
  :mod:`symlqr.atlas_plot`, :mod:`symlqr.atlas`  one-parameter atlas of critical values
* :mod:`symlqr.plot`, :mod:`symlqr.certify`  pictures and ``python -m symlqr.certify``

The main entry point is :func:`certify_landscape` (``symlqr.landscape.certify``;
the name ``symlqr.certify`` is the command-line module ``python -m symlqr.certify``).

>>> import symlqr
>>> symlqr.certify_landscape(symlqr.figure("fig1")).counts()["global_min"]
3
"""
from .landscape import Landscape, StationaryPoint
from .landscape import certify as certify_landscape
from .maml import MamlObjective
from .tasks import FIGURE_NAMES, InputError, Task, TaskSet, figure

__all__ = ["certify_landscape", "Landscape", "StationaryPoint", "MamlObjective", "Task", "TaskSet",
           "figure", "FIGURE_NAMES", "InputError"]
__version__ = "0.1.0"
