"""Matrix LQR tasks: closed forms, Algorithm 1, and validated certificates.

Layers, bottom up: :mod:`.tasks` (exact task parameters and files),
:mod:`.backend` (float / exact / ball arithmetic), :mod:`.lqr` (cost,
gradient, Hessian, third derivative, Riccati), :mod:`.objective` (the MAML
objective ``h`` and its derivatives), :mod:`.validated` (inertia, stability,
Krawczyk), :mod:`.boxes` (Krawczyk boxes, precision policy),
:mod:`.certificate` (one point), :mod:`.runs` (a user's gain and run),
:mod:`.algorithm` (Algorithm 1), :mod:`.search` (many runs, limit points,
certificates) and :mod:`.landscape` (every stationary point in a box, by the
branch-and-bound of :mod:`.subdivision`, :mod:`.domain`, :mod:`.levels`);
:func:`.points.stationary_points` is the entry point from Python (numpy arrays
in, a :class:`.points.MatrixPoints` result out; ``engine="bnb"``: a
:class:`.landscape.MatrixLandscape`, every point in a box). Pictures live in
:mod:`symlqr.render.matrix_plot`.
"""
from .certificate import PointCertificate, certify_point, verify_point
from .runs import RunCertificate, certify_run, check_gain, verify_gain
from .search import SearchResult, search
from .points import MatrixPoints, stationary_points
from .landscape import MatrixLandscape, complete_landscape
from .tasks import MatrixTask, MatrixTaskSet, load_matrix_tasks_file

__all__ = ["MatrixTask", "MatrixTaskSet", "load_matrix_tasks_file", "certify_point",
           "verify_point", "PointCertificate", "search", "SearchResult", "certify_run",
           "RunCertificate", "check_gain", "verify_gain", "MatrixPoints", "stationary_points",
           "MatrixLandscape", "complete_landscape"]
