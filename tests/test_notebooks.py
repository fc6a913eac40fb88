"""Every notebook in notebooks/ runs top to bottom on a fresh kernel.

The kernel is this interpreter (``sys.executable -m ipykernel_launcher``), so
the notebooks see exactly the installed symlqr and its extras. Besides "no
error", each notebook's key results are checked in its outputs.
"""
import json
import pathlib
import sys

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK_DIR = pathlib.Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
KERNEL = "symlqr-tests"


@pytest.fixture(scope="module")
def kernel_dir(tmp_path_factory):
    """A kernel spec named KERNEL that runs this interpreter, found first via JUPYTER_PATH."""
    root = tmp_path_factory.mktemp("jupyter")
    spec = root / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "symlqr tests", "language": "python"}))
    return root


def _run(path, kernel_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("JUPYTER_PATH", str(kernel_dir))
    monkeypatch.setenv("SYMLQR_EXAMPLES", str(NOTEBOOK_DIR.parent / "examples"))
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name=KERNEL,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    return nb


def _outputs(nb):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


def _text(nb) -> str:
    parts = []
    for o in _outputs(nb):
        if o.output_type == "stream":
            parts.append(o.text)
        elif "data" in o:
            parts.append(o.data.get("text/plain", ""))
    return "\n".join(parts)


def _images(nb) -> int:
    """Picture outputs (plots), not sympy's rendered formulas (which carry text/latex)."""
    return sum("image/png" in o.get("data", {}) and "text/latex" not in o.data
               for o in _outputs(nb))


def test_the_notebooks_are_there_and_committed_without_outputs():
    assert [p.name for p in NOTEBOOKS] == [
        "01_scalar_lqr_closed_forms.ipynb", "02_maml_composition.ipynb",
        "03_paper_figures.ipynb", "04_equation_3.ipynb", "05_matrix_lqr.ipynb",
        "06_many_tasks.ipynb", "07_maml_variants.ipynb", "08_published_runs.ipynb"]
    for p in NOTEBOOKS:
        nb = nbformat.read(p, as_version=4)
        nbformat.validate(nb)
        assert all(c.outputs == [] and c.execution_count is None
                   for c in nb.cells if c.cell_type == "code"), p.name
        assert nb.metadata.kernelspec.name == "python3"


@pytest.mark.slow
def test_notebook_1_closed_forms_check_out(kernel_dir, tmp_path, monkeypatch):
    nb = _run(NOTEBOOKS[0], kernel_dir, tmp_path, monkeypatch)
    plain = [o.data["text/plain"] for o in _outputs(nb) if "data" in o]
    # C' vs dC/dW, C'' vs d2C/dW2, the Riccati equation and c(W*) all simplify to 0
    assert plain.count("0") == 4
    text = _text(nb)
    assert "W* (certified, 40 d)  0.6180339887498948482045868343656381177203" in text
    assert _images(nb) == 1


@pytest.mark.slow
def test_notebook_2_explains_each_stationary_point(kernel_dir, tmp_path, monkeypatch):
    nb = _run(NOTEBOOKS[1], kernel_dir, tmp_path, monkeypatch)
    text = _text(nb)
    assert "(True, True)" in text    # h' = sum_i w_i C_i'(F_i) F_i' exactly, fig1 and fig2
    # fig1: three minima with F(W) = W*, two maxima with F'(W) = 0
    assert text.count("min   F_1(W) = W*_1\n") == 3
    assert text.count("max   F_1'(W) = 0\n") == 2
    # fig2: only W* adapts both tasks; the spurious minima and the maxima are neither
    assert text.count("min   F_1(W) = W*_1, F_2(W) = W*_2") == 1
    assert text.count("neither: the tasks' terms cancel") == 4
    assert _images(nb) == 2


@pytest.mark.slow
def test_notebook_3_reproduces_the_figures_with_certified_counts(kernel_dir, tmp_path,
                                                                 monkeypatch):
    nb = _run(NOTEBOOKS[2], kernel_dir, tmp_path, monkeypatch)
    text = _text(nb)
    for row in ("fig1             5    3    2       3         0",
                "fig2             5    3    2       1         2",
                "fig3b            3    2    1       1         1",
                "fig3d            1    1    0       1         0"):
        assert row in text
    tables = [o for o in _outputs(nb) if "text/html" in o.get("data", {})]
    assert len(tables) == 7 and all("text/latex" in o.data for o in tables)
    assert _images(nb) == 7          # six figures and normalized adaptation on fig2


@pytest.mark.slow
def test_notebook_4_finds_no_admissible_solution_of_equation_3(kernel_dir, tmp_path,
                                                                monkeypatch):
    nb = _run(NOTEBOOKS[3], kernel_dir, tmp_path, monkeypatch)
    text = _text(nb)
    assert "A = 0         c = W*(B**2*Q + R),   c' = B**2*Q + R,   c' > 0: True" in text
    assert "c' = 0 for A in [-1, 1]" in text
    assert "200 random tasks: C''(W*) > 0" in text


@pytest.mark.slow
def test_notebook_6_counts_spurious_minima_against_the_number_of_tasks(kernel_dir, tmp_path,
                                                                        monkeypatch):
    nb = _run(NOTEBOOK_DIR / "06_many_tasks.ipynb", kernel_dir, tmp_path, monkeypatch)
    text = _text(nb)
    assert "same seed, same exact tasks: True" in text
    assert "k = 2 is a prefix of k = 4:  True" in text
    # scaled copies (Figure 2): one task has no spurious minimum, two or more always two
    for k, p, n in ((1, "0.00", "0.00"), (2, "1.00", "2.00"), (5, "1.00", "2.00")):
        assert f"scaled    {k:>3}      3/3{p:>12}{n:>9}" in text
    # fig2 spread by delta at eta = 0.01: delta = 0 is Figure 1 (no spurious minimum)
    assert "spurious minima at eta = 0.01: [0, 2, 2, 2, 2]" in text
    assert _images(nb) == 2


def test_notebook_7_compares_the_variants_side_by_side(kernel_dir, tmp_path, monkeypatch):
    nb = _run(NOTEBOOKS[6], kernel_dir, tmp_path, monkeypatch)
    text = _text(nb)
    assert "fig1: attracting fixed points of each variant" in text
    assert "  reptile   2     1    1  0.61803399 (0)" in text            # fig2: only W*
    assert "  fomaml    1     0    1  " in text                          # fig3b: none
    assert _images(nb) == 1
