"""pytest: BLAS limited to one thread in the test process and in the commands it starts.

The branch-and-bound and the atlas multiply many small matrices (Bernstein
subdivisions), where OpenBLAS's threads only compete for the cores; the commands
limit themselves (``symlqr/cli/blas.py``), and the engines called from Python in
the tests get the same limit here. The answers do not depend on it. Tests that
need the library's own choice remove these variables themselves
(``tests/test_cli_blas.py``).
"""
import os

for _name in ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

try:                                    # the libraries loaded already
    from threadpoolctl import threadpool_limits
    threadpool_limits(limits=1, user_api="blas")
except ImportError:                     # only the variables
    pass
