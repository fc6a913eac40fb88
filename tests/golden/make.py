"""Regenerate the golden JSON copies: ``python tests/golden/make.py``.

Run it only when a change of behaviour is intended, and commit the new copies
with that change.
"""
import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).parent
ROOT = HERE.parent.parent


def commands():
    for line in (HERE / "commands.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, *argv = line.split()
            yield name, argv


def run(argv):
    return subprocess.run([sys.executable, *argv], cwd=ROOT, capture_output=True, text=True)


if __name__ == "__main__":
    for name, argv in commands():
        out = run(argv)
        (HERE / f"{name}.json").write_text(out.stdout)
        print(name, out.returncode, len(out.stdout), file=sys.stderr)
