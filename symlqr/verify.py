"""``python -m symlqr.verify``: the entry point (the command line is :mod:`symlqr.cli.verify`)."""
import sys

from .cli.launch import launch, lazy_main

__getattr__ = lazy_main("symlqr.cli.verify")    # ``main``, imported when asked for

if __name__ == "__main__":
    sys.exit(launch("symlqr.cli.verify", "python -m symlqr.verify"))
