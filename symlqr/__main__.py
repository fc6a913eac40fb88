"""``python -m symlqr COMMAND ...``: the same as the ``symlqr`` console script."""
import sys

from .cli.main import main

if __name__ == "__main__":
    sys.exit(main())
