"""Behaviour is unchanged: the JSON of every figure, of the README's custom
examples, of the atlas and of the proofs/ scripts is byte-identical to the copy
stored in ``tests/golden`` (made before the house was reorganized, issue 9;
``python tests/golden/make.py`` remakes it when a change is meant)."""
import importlib.util
import pathlib

import pytest

HERE = pathlib.Path(__file__).parent / "golden"
spec = importlib.util.spec_from_file_location("golden_make", HERE / "make.py")
make = importlib.util.module_from_spec(spec)
spec.loader.exec_module(make)


@pytest.mark.parametrize("name,argv", list(make.commands()), ids=lambda v: v if isinstance(v, str) else "")
def test_json_identical_to_golden_copy(name, argv):
    out = make.run(argv)
    assert out.returncode == 0, out.stderr
    assert out.stdout == (HERE / f"{name}.json").read_text()
