"""Degrees of the direction's numerators along a line against the numerators in r d
variables (what bench_matrix_rd reports for r d = 4, where those are not built)."""
import pytest

from symlqr.matrix.ratfunc import degrees_along_a_line, direction_numerators
from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet

DOCS = MatrixTaskSet([MatrixTask([[1, "1/10"], [0, 1]], [[0], [1]], [[1, 0], [0, 1]], [[1]])], "1/100")
TWO = MatrixTaskSet([MatrixTask.from_scalar(1, 1, 2, 2), MatrixTask.from_scalar("1/2", 2, 1, 3)],
                    "1/10", ["1/3", "2/3"])


@pytest.mark.parametrize("ts,method", [(DOCS, "maml"), (TWO, "maml"), (TWO, "fomaml"), (DOCS, "reptile")])
def test_degrees_along_a_line_equal_the_total_degrees(ts, method):
    full = [int(p.total_degree()) for p in direction_numerators(ts, method)]
    for seed in (0, 1):
        assert degrees_along_a_line(ts, method, seed=seed) == full
