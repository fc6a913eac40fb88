"""The notebooks as a reader meets them (issue 18): every notebook is listed in
notebooks/README.md and docs/pictures.md, none reads files next to the installed
package (gone after ``pip install .``), and notebook 5's inline tasks are the
example file's. No kernel is started: these run in the quick suite."""
import pathlib

import nbformat
import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("page", ["notebooks/README.md", "docs/pictures.md"])
def test_every_notebook_is_listed(page):
    text = (ROOT / page).read_text(encoding="utf-8")
    missing = [p.stem for p in NOTEBOOKS if f"`{p.stem}" not in text]
    assert not missing, f"{page} does not list {missing}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_no_notebook_reads_files_next_to_the_installed_package(path):
    nb = nbformat.read(path, as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "__file__" not in code


def test_notebook_5_defines_the_tasks_of_the_example_file():
    from symlqr.matrix import MatrixTaskSet, load_matrix_tasks_file
    nb = nbformat.read(ROOT / "notebooks" / "05_matrix_lqr.ipynb", as_version=4)
    cell = next(c.source for c in nb.cells if c.cell_type == "code" and "MatrixTaskSet(" in c.source)
    scope: dict = {}
    exec(compile(cell, "notebook 5, first cell", "exec"), scope)     # builds ts, prints a line
    data = load_matrix_tasks_file(str(ROOT / "examples" / "scaled_costs_2state.json"))
    ref = MatrixTaskSet(data["tasks"], data["eta"], data["weights"], name=data["name"])
    ts = scope["ts"]
    assert (ts.tasks, ts.eta, ts.weights, ts.name) == (ref.tasks, ref.eta, ref.weights, ref.name)
