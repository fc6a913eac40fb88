"""``python -m symlqr.maml``: the entry point (the command line is :mod:`symlqr.cli.maml`)."""
import sys

from .cli.maml import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
