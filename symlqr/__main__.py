"""``python -m symlqr COMMAND ...``: the same as the ``symlqr`` console script."""
import sys

if __name__ == "__main__":
    from .cli.launch import launch
    sys.exit(launch("symlqr.cli.main", "python -m symlqr"))
