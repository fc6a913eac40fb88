"""``python -m symlqr.verify``: the entry point (the command line is :mod:`symlqr.cli.verify`)."""
import sys

from .cli.verify import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
