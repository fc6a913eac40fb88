"""notebooks/05_matrix_lqr.ipynb runs and reports certified points and spurious runs."""
import json
import pathlib
import sys

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOK = pathlib.Path(__file__).resolve().parent.parent / "notebooks" / "05_matrix_lqr.ipynb"
KERNEL = "symlqr-matrix-tests"


@pytest.mark.slow
def test_notebook_5_certifies_every_limit_point_and_counts_spurious_runs(tmp_path, monkeypatch):
    spec = tmp_path / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "symlqr matrix tests", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    nb = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name=KERNEL,
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    outs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    text = "\n".join(o.get("text", "") for o in outs if o.output_type == "stream")
    assert "every limit point certified: True" in text
    line = next(s for s in text.splitlines() if s.startswith("runs ending at a proven spurious"))
    spurious, total = (int(x) for x in line.split(": ")[1].split(" of "))
    assert total == 8 and 1 <= spurious < total
    assert sum("image/png" in o.get("data", {}) for o in outs) == 2
