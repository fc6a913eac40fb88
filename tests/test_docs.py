"""Every command shown in README.md and docs/*.md parses, so no documented command rots.

A command is any ``python -m symlqr...``, ``symlqr ...`` or ``python proofs/NAME.py ...``
in a code block or an inline code span. Each one is parsed by the command's own
parser (options, values, figure names, tasks, ``--vary``, ``--grid``, task files
and gains of ``maml``/``verify``), with the same checks the command makes before
any work; nothing is computed. Every command is checked: none is skipped. Text in angle brackets
(``<script>``) or a bare capitalized word (``NAME``, ``TASKS``) marks a
placeholder and is skipped.
"""
import glob
import os
import re
import shlex

import pytest

from symlqr.cli import atlas as atlas_cli
from symlqr.cli import certify as certify_cli
from symlqr.cli.common import tasksets_from_args
from symlqr.cli.main import COMMANDS
from symlqr.cli.proofs import proof_parser
from symlqr.cli.results import RESULTS

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGES = [os.path.join(ROOT, "README.md")] + sorted(glob.glob(os.path.join(ROOT, "docs", "*.md")))
START = re.compile(r"^(python -m symlqr(\.\w+)?|symlqr|python proofs/\w+\.py)(\s|$)")


def _commands(path):
    """(line number, command text) of every documented command in one page."""
    found, in_block = [], False
    for n, line in enumerate(open(path, encoding="utf-8"), 1):
        if line.lstrip().startswith("```"):
            in_block = not in_block
            continue
        texts = [line.strip()] if in_block else re.findall(r"`([^`]+)`", line)
        for text in texts:
            for part in re.split(r"\s*&&\s*", text):
                part = re.sub(r"\s+#.*$", "", part).strip()      # shell comments
                if START.match(part):
                    found.append((n, part))
    return found


ALL = [(os.path.relpath(p, ROOT), n, c) for p in PAGES for n, c in _commands(p)]


def _route(argv):
    """``argv`` (after ``python``) as (command, its arguments)."""
    if argv[0] == "-m":
        module, rest = argv[1], argv[2:]
        if module == "symlqr":
            return rest[0] if rest else None, rest[1:]
        return module.split(".", 1)[1], rest
    if argv[0].startswith("proofs/"):
        return "proof", [os.path.basename(argv[0])[:-3]] + argv[1:]
    raise AssertionError(argv)


def _parse(command, args, tmp_path):
    """Parse like the command does before any work (no computation)."""
    if command in ("certify", "atlas"):
        module = certify_cli if command == "certify" else atlas_cli
        ns = module.build_parser().parse_args(args)
        if command == "atlas":
            atlas_cli.parse_vary(ns.vary)
            if ns.eta is None and (ns.task or ns.tasks_file):
                ns.eta = "1"
    elif command == "proof":
        name, rest = args[0], args[1:]
        assert name in RESULTS, f"unknown result {name!r}"
        ns = proof_parser(name, "", RESULTS[name].add_arguments).parse_args(rest)
    elif command in ("maml", "verify"):
        return _parse_matrix(command, args, tmp_path)
    elif command == "sweep":
        return _parse_sweep(args, tmp_path)
    else:
        raise AssertionError(f"unknown command {command!r}")
    if ns.tasks_file:                 # a file named in the text: its format is checked elsewhere
        return
    if ns.output:
        ns.output = str(tmp_path / os.path.basename(ns.output))
    if command == "certify":               # --eta with figure names changes their step
        ns = certify_cli._figure_eta(ns)
    tasksets_from_args(ns)


def _to_tmp(ns, tmp_path, *names):
    """Output files of the parsed command moved into ``tmp_path`` (nothing is written)."""
    for name in names:
        if getattr(ns, name, None):
            setattr(ns, name, str(tmp_path / os.path.basename(getattr(ns, name))))


def _parse_matrix(command, args, tmp_path):
    """``maml``/``verify``: options, output names, the task file (read from the
    repository's examples/) and the gains, as the command checks them before work."""
    from symlqr.cli import maml as maml_cli
    from symlqr.cli import verify as verify_cli
    from symlqr.cli.common import matrix_taskset_from_args
    module = maml_cli if command == "maml" else verify_cli
    ns = module.build_parser().parse_args(args)
    _to_tmp(ns, tmp_path, "output", "trajectories", "plot")
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        if command == "maml":
            maml_cli._check(ns)
        ts = matrix_taskset_from_args(ns)
        if command == "verify":
            verify_cli._gains(ns, ts.shape)
    finally:
        os.chdir(cwd)


def _parse_sweep(args, tmp_path):
    """``sweep`` and ``sweep experiment``: options, grid, outputs, plot axes and the
    points (tasks drawn, nothing certified)."""
    from symlqr.cli import sweep as sweep_cli
    from symlqr.sweep.experiment import experiment_points
    from symlqr.sweep.grid import grid_points, parse_axis
    from symlqr.sweep.points import make_points
    if args and args[0] == "experiment":
        ns = sweep_cli.build_experiment_parser().parse_args(args[1:])
        _to_tmp(ns, tmp_path, "output", "summary", "plot")
        sweep_cli._options(ns)
        sweep_cli._check_outputs(ns, ns.summary)
        experiment_points([p.strip() for p in ns.presets.split(",") if p.strip()],
                          parse_axis(f"n={ns.k}")[1], parse_axis(f"seed={ns.seeds}")[1])
        return
    ns = sweep_cli.build_parser().parse_args(args)
    _to_tmp(ns, tmp_path, "output", "plot")
    sweep_cli._options(ns)
    axes = [parse_axis(g) for g in ns.grid]
    grid = grid_points(axes)
    if sweep_cli._check_outputs(ns) is not None:
        sweep_cli._plot_axes(ns, [a for a, _ in axes])
    make_points(sweep_cli._sources(ns), grid)


def test_the_pages_show_commands():
    assert len(ALL) >= 10, ALL


@pytest.mark.parametrize("page,line,command", ALL,
                         ids=[f"{p}:{n}" for p, n, _c in ALL])
def test_documented_command_parses(page, line, command, tmp_path):
    if re.search(r"<\w+>|(?<![-\w])[A-Z][A-Z_]{2,}\b|\.\.\.", command):
        pytest.skip("a placeholder, not a command")
    argv = shlex.split(command)
    if argv[0] == "symlqr":
        argv = ["-m", "symlqr"] + argv[1:]
    else:
        argv = argv[1:]
    cmd, args = _route(argv)
    if cmd is None or not args:
        assert cmd is None or cmd in COMMANDS              # a command named in prose
        return
    _parse(cmd, args, tmp_path)


def test_a_broken_command_would_be_caught(tmp_path):
    from symlqr.tasks import InputError
    with pytest.raises(InputError):
        _parse("certify", ["fig2", "--bogus"], tmp_path)
    with pytest.raises(InputError):
        _parse("atlas", ["fig1", "--vary", "gamma=0:1"], tmp_path)
    with pytest.raises(InputError):
        _parse("proof", ["theorem1", "fig1", "--interval", "2,1"], tmp_path)
    with pytest.raises(InputError):                     # issue 18: one axis is not the error
        _parse("sweep", ["fig2", "--grid", "eta=0.01:0.1"], tmp_path)
    with pytest.raises(InputError):
        _parse("sweep", ["experiment", "--presets", "gaussian"], tmp_path)
    with pytest.raises(InputError):
        _parse("maml", ["examples/scaled_costs_2state.json", "--starts", "0"], tmp_path)
    with pytest.raises(InputError):
        _parse("verify", ["examples/scaled_costs_2state.json", "--W", "[[1, 2, 3]]"], tmp_path)
    with pytest.raises(InputError):
        _parse("proof", ["equation3", "--wbar", "x"], tmp_path)


NAMES = sorted({(os.path.relpath(p, ROOT), m) for p in PAGES
                for m in re.findall(r"`(symlqr(?:\.\w+)+)", open(p, encoding="utf-8").read())})


@pytest.mark.parametrize("page,name", NAMES, ids=[f"{p}:{n}" for p, n in NAMES])
def test_documented_python_names_exist(page, name):
    """``symlqr.paper.family.delta_family`` and the like, as named in the pages
    (issue 18: docs/proofs.md named a module that had moved)."""
    import importlib
    parts = name.split(".")
    for k in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:k]))
        except ImportError:
            continue
        for attr in parts[k:]:
            assert hasattr(obj, attr), f"{page}: {name}: no {attr!r} in {obj.__name__}"
            obj = getattr(obj, attr)
        return
    raise AssertionError(f"{page}: {name} does not import")
