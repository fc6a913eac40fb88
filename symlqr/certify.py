"""``python -m symlqr.certify``: the entry point (the command line is :mod:`symlqr.cli.certify`)."""
import sys

from .cli.certify import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
