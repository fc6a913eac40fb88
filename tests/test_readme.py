"""The README's Python examples run as written (doctest on each ``python`` block)."""
import doctest
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _python_blocks():
    text = open(os.path.join(ROOT, "README.md"), encoding="utf-8").read()
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_readme_has_a_python_example():
    assert any(">>>" in b for b in _python_blocks())


def test_readme_python_examples_give_the_printed_results():
    parser, runner = doctest.DocTestParser(), doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    for k, block in enumerate(_python_blocks()):
        test = parser.get_doctest(block, {}, f"README block {k + 1}", "README.md", 0)
        runner.run(test)
    assert runner.summarize(verbose=False).failed == 0
