"""Task distributions: exact, reproducible draws; specs read by a grammar, never evaluated."""
import builtins
import json
import math
import os
import subprocess
import sys
from fractions import Fraction

import numpy as np
import pytest

from symlqr.distributions import Distribution, parse_law, round_significant
from symlqr.taskfiles import load_tasks_file
from symlqr.tasks import InputError

SPEC = "A=1, B=1, Q=uniform(1,5), R=loguniform(0.1,10), n=50, seed=7"


def _digits(x: Fraction) -> int:
    """Significant digits of a finite decimal, computed through Python's Decimal."""
    from decimal import Decimal
    d = Decimal(x.numerator) / Decimal(x.denominator)
    return len(d.normalize().as_tuple().digits)


def test_same_seed_gives_the_same_exact_tasks_and_another_seed_others():
    d = Distribution.parse(SPEC)
    a, b = d.draw(), Distribution.parse(SPEC).draw()
    assert a == b and len(a) == 50
    assert all(isinstance(t.Q, Fraction) and isinstance(t.R, Fraction) for t in a)
    c = d.with_(seed=8).draw()
    assert sum(x.Q == y.Q for x, y in zip(a, c)) == 0


def test_fewer_tasks_are_a_prefix_of_more_tasks_with_the_same_seed():
    d = Distribution.parse(SPEC)
    assert d.draw(7) == d.draw(50)[:7] == d.with_(n=7).draw()


def test_uniform_draws_are_numpys_pcg64_doubles_rounded_exactly():
    # independent oracle: Generator(PCG64(seed)).random() is (raw >> 11) / 2^53
    d = Distribution.parse("A=1, B=1, Q=uniform(1,5), R=2, n=200, seed=123")
    us = np.random.Generator(np.random.PCG64(123)).random(200)
    for t, u in zip(d.draw(), us):
        exact = 1 + 4 * Fraction(float(u))
        assert t.Q == round_significant(exact, 6)
        assert abs(t.Q - exact) <= Fraction(1, 2 * 10 ** 5)     # half a unit in the 6th digit
        assert _digits(t.Q) <= 6 and 1 <= t.Q <= 5


def test_loguniform_draws_match_float_formula_and_stay_in_range():
    d = Distribution.parse("A=1, B=1, Q=1, R=loguniform(0.1,10), n=300, seed=5, digits=8")
    us = np.random.Generator(np.random.PCG64(5)).random(300)
    for t, u in zip(d.draw(), us):
        approx = 0.1 * 100.0 ** float(u)
        assert math.isclose(float(t.R), approx, rel_tol=1e-7)
        assert _digits(t.R) <= 8 and Fraction(1, 10) <= t.R <= 10
    logs = [math.log10(t.R) for t in d.draw()]
    assert abs(sum(logs) / len(logs)) < 0.12          # log10 R uniform on [-1, 1]


def test_choice_and_scale_laws():
    d = Distribution.parse("A=1, B=1, Q=choice(1,2,3), R=2, scale=loguniform(0.05,1), "
                           "n=400, seed=1")
    tasks = d.draw()
    ratios = {t.R / t.Q for t in tasks}
    assert ratios == {Fraction(2), Fraction(1), Fraction(2, 3)}
    scales = [t.R / 2 for t in tasks]
    assert all(Fraction(1, 20) <= c <= 1 for c in scales)
    assert len(set(scales)) > 350


def test_same_tasks_in_another_process_with_another_hash_seed():
    code = ("from symlqr.distributions import Distribution as D;"
            f"print([str(t.R) for t in D.parse({SPEC!r}).draw()])")
    env = dict(os.environ, PYTHONHASHSEED="12345")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, check=True).stdout.strip()
    assert out == str([str(t.R) for t in Distribution.parse(SPEC).draw()])


def test_toml_json_and_command_line_spec_give_the_same_tasks(tmp_path):
    toml = tmp_path / "d.toml"
    toml.write_text('eta = "0.1"\n[distribution]\nA = 1\nB = 1\nQ = "uniform(1, 5)"\n'
                    'R = "loguniform(0.1, 10)"\nn = 50\nseed = 7\n')
    js = tmp_path / "d.json"
    js.write_text(json.dumps({"eta": "0.1", "distribution": {
        "A": 1, "B": 1, "Q": "uniform(1, 5)", "R": "loguniform(0.1, 10)", "n": 50, "seed": 7}}))
    want = Distribution.parse(SPEC).draw()
    for path in (toml, js):
        data = load_tasks_file(str(path))
        assert data["tasks"] == want and data["eta"] == Fraction(1, 10)


def test_a_task_list_and_a_distribution_in_one_file_are_concatenated(tmp_path):
    p = tmp_path / "d.toml"
    p.write_text("[[tasks]]\nA = 1\nB = 1\nQ = 2\nR = 2\n"
                 "[distribution]\nA = 1\nB = 1\nQ = \"uniform(1, 5)\"\nR = 1\nn = 3\n")
    tasks = load_tasks_file(str(p))["tasks"]
    assert len(tasks) == 4 and tasks[0].Q == 2 and tasks[1:] == Distribution.parse(
        "A=1,B=1,Q=uniform(1,5),R=1,n=3").draw()


@pytest.mark.parametrize("spec, words", [
    ("A=1,B=1,Q=1", "missing R"),
    ("A=1,B=1,Q=1,R=uniform(0,1)", "can be <= 0"),
    ("A=1,B=1,Q=uniform(-1,1),R=1", "can be < 0"),
    ("A=1,B=1,Q=1,R=1,n=0", "between 1 and"),
    ("A=1,B=1,Q=1,R=1,n=2.5", "whole number"),
    ("A=1,B=1,Q=1,R=1,seed=-3", "whole number"),
    ("A=1,B=1,Q=normal(0,1),R=1", "unknown law 'normal'"),
    ("A=1,B=1,Q=uniform(5,1),R=1", "needs lo < hi"),
    ("A=1,B=1,Q=uniform(1,2,3),R=1", "takes two numbers"),
    ("A=1,B=1,Q=loguniform(-1,1),R=1", "needs 0 < lo"),
    ("A=1,B=1,Q=uniform(1.0000001,2),R=1", "significant digits"),
    ("A=1,B=1,Q=uniform(1,5,R=1", "cannot read"),
    ("A=1;B=1;Q=1;R=1", "cannot read"),
    ("A=1,B=1,Q=1,R=1,A=2", "given twice"),
    ("A=1,B=1,Q=1,R=1,colour=2", "unknown key"),
    ("A=2,B=0,Q=1,R=1", "no stabilizing W"),
    ("A=1,B=1,Q=1,R=nan", "not a finite number"),
])
def test_bad_specs_give_one_line(spec, words):
    with pytest.raises(InputError) as err:
        Distribution.parse(spec).draw()
    assert words in str(err.value) and "\n" not in str(err.value)


def test_bad_distribution_in_a_file_names_the_file(tmp_path):
    p = tmp_path / "d.toml"
    p.write_text('[distribution]\nA = 1\nB = 1\nQ = "uniform(1, 5"\nR = 1\n')
    with pytest.raises(InputError, match=r"d.toml'?: distribution: Q: "):
        load_tasks_file(str(p))


def test_user_text_is_never_evaluated(tmp_path, monkeypatch):
    marker = tmp_path / "pwned"
    def refuse(*a, **k):
        raise AssertionError("user text reached eval/exec")
    monkeypatch.setattr(builtins, "eval", refuse)
    monkeypatch.setattr(builtins, "exec", refuse)
    for spec in (f"A=1,B=1,Q=1,R=__import__('os').system('touch {marker}')",
                 f"A=1,B=1,Q=uniform(__import__('os').system('touch {marker}'),2),R=1",
                 "A=1,B=1,Q=uniform(1,5),R=1e999999"):
        with pytest.raises(InputError):
            Distribution.parse(spec).draw()
    assert parse_law("uniform(1, 2)").args == (1, 2)
    assert not marker.exists()


def test_certify_command_line_draws_the_same_tasks_as_a_task_file(tmp_path, capsys):
    from symlqr.cli.certify import main
    p = tmp_path / "d.toml"
    p.write_text('eta = "0.1"\n[distribution]\nA = 1\nB = 1\nQ = "uniform(1, 5)"\n'
                 'R = "loguniform(0.1, 10)"\nn = 4\nseed = 9\n')
    assert main(["--tasks-file", str(p), "--json"]) == 0
    from_file = json.loads(capsys.readouterr().out)
    assert main(["--distribution", "A=1,B=1,Q=uniform(1,5),R=loguniform(0.1,10)",
                 "--n", "4", "--seed", "9", "--eta", "0.1", "--json"]) == 0
    from_flags = json.loads(capsys.readouterr().out)
    assert from_flags == from_file and len(from_flags["tasks"]) == 4
    want = [t.to_dict() for t in Distribution.parse(
        "A=1,B=1,Q=uniform(1,5),R=loguniform(0.1,10),n=4,seed=9").draw()]
    assert from_flags["tasks"] == want


@pytest.mark.parametrize("argv, message", [
    (["--distribution", "A=1,B=1,Q=uniform(1,5),R=exp(1)", "--eta", "0.1"],
     "--distribution 1: R: unknown law 'exp'"),
    (["--distribution", "A=1,B=1,Q=1,R=1", "--n", "-2", "--eta", "0.1"], "n: expected a whole"),
    (["fig1", "--seed", "3"], "--n and --seed apply to --distribution"),
    (["fig1", "--distribution", "A=1,B=1,Q=1,R=1"], "not both"),
])
def test_certify_bad_distribution_is_one_line_exit_2(argv, message, capsys):
    from symlqr.cli.certify import main
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and message in err, err
