"""Every command shown in README.md and docs/*.md parses, so no documented command rots.

A command is any ``python -m symlqr...``, ``symlqr ...`` or ``python proofs/NAME.py ...``
in a code block or an inline code span. Each one is parsed by the command's own
parser (options, values, figure names, tasks, ``--vary``), with the same checks
the command makes before any work; nothing is computed. Text in angle brackets
(``<script>``) or a bare ``NAME`` marks a placeholder and is skipped.
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
    else:
        assert command in COMMANDS, f"unknown command {command!r}"
        pytest.skip(f"'{command}' is parsed by its own module's tests")
    if ns.tasks_file:                 # a file named in the text: its format is checked elsewhere
        return
    if ns.output:
        ns.output = str(tmp_path / os.path.basename(ns.output))
    tasksets_from_args(ns)


def test_the_pages_show_commands():
    assert len(ALL) >= 10, ALL


@pytest.mark.parametrize("page,line,command", ALL,
                         ids=[f"{p}:{n}" for p, n, _c in ALL])
def test_documented_command_parses(page, line, command, tmp_path):
    if re.search(r"<\w+>|\bNAME\b|\.\.\.", command):
        pytest.skip("a placeholder, not a command")
    argv = shlex.split(command)
    if argv[0] == "symlqr":
        argv = ["-m", "symlqr"] + argv[1:]
    else:
        argv = argv[1:]
    cmd, args = _route(argv)
    if cmd is None or (not args and cmd in ("certify", "atlas")):
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
