"""``symlqr COMMAND ...`` (the console script) and ``python -m symlqr COMMAND ...``.

Commands: ``certify`` (the certified landscape), ``atlas`` (critical values of
one parameter), ``proof NAME`` (a result of the paper checked on given tasks),
and the commands other modules of :mod:`symlqr.cli` add (``maml``, ``verify``,
``sweep``) when they are installed. ``symlqr COMMAND --help`` shows a
command's options; every command has ``--version`` and ``--timeout``.
"""
from __future__ import annotations

import importlib
import importlib.util
import inspect
import sys

from .. import __version__
from .common import EXIT_INPUT, EXIT_INTERRUPTED

__all__ = ["main", "COMMANDS"]

#: command -> (module of symlqr.cli with a ``main(argv, prog)``, one-line summary)
COMMANDS = {
    "certify": ("certify", "certified landscape of the MAML objective (figures or --task)"),
    "atlas": ("atlas", "critical values along eta, a task scale or a spread; or per step count K (--vary)"),
    "proof": ("results", "a result of the paper on given tasks: symlqr proof NAME ..."),
    "maml": ("maml", "Algorithm 1 runs with certified limit points (matrix tasks)"),
    "verify": ("verify", "certificate of one point of a matrix MAML objective"),
    "sweep": ("sweep", "grids of task sets and task distributions"),
}


def _available() -> dict:
    return {c: v for c, v in COMMANDS.items()
            if importlib.util.find_spec(f"symlqr.cli.{v[0]}") is not None}


def _usage(commands: dict) -> str:
    from .results import RESULTS
    lines = ["usage: symlqr COMMAND [options]   (symlqr COMMAND --help for its options)", "",
             "commands:"]
    lines += [f"  {c:<8} {summary}" for c, (_m, summary) in commands.items()]
    lines += ["", "results for 'symlqr proof NAME': " + ", ".join(RESULTS), "",
              "examples:", "  symlqr certify fig2", "  symlqr atlas fig1 --vary eta=0:0.1",
              "  symlqr proof theorem2 fig1"]
    return "\n".join(lines)


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    commands = _available()
    if not argv or argv[0] in ("-h", "--help"):
        print(_usage(commands), file=sys.stdout if argv else sys.stderr)
        return 0 if argv else EXIT_INPUT
    if argv[0] == "--version":
        print(f"symlqr {__version__}")
        return 0
    command, rest = argv[0], argv[1:]
    if command not in commands:
        print(f"symlqr: error: unknown command {command[:40]!r}; choose one of "
              f"{', '.join(commands)} (symlqr --help)", file=sys.stderr)
        return EXIT_INPUT
    if command == "proof":
        return _proof(rest)
    try:                # the command's module loads the engine: Ctrl-C then is one line too
        module = importlib.import_module(f"symlqr.cli.{commands[command][0]}")
    except KeyboardInterrupt:
        print(f"symlqr {command}: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    if "prog" in inspect.signature(module.main).parameters:
        return module.main(rest, prog=f"symlqr {command}")
    return module.main(rest)


def _proof(argv: list) -> int:
    from .results import RESULTS, proof_command
    if not argv or argv[0] in ("-h", "--help"):
        print("usage: symlqr proof NAME [figure names or --task ...] [options]\n\nNAME: "
              + ", ".join(RESULTS) + "\n(symlqr proof NAME --help for its options)",
              file=sys.stdout if argv else sys.stderr)
        return 0 if argv else EXIT_INPUT
    name = argv[0]
    if name not in RESULTS:
        print(f"symlqr proof: error: unknown result {name[:40]!r}; choose one of "
              f"{', '.join(RESULTS)}", file=sys.stderr)
        return EXIT_INPUT
    return proof_command(name, argv[1:], prog=f"symlqr proof {name}")


if __name__ == "__main__":
    sys.exit(main())
