"""``python -m symlqr.maml``: the entry point (the command line is :mod:`symlqr.cli.maml`)."""
import sys

from .cli.launch import launch, lazy_main

__getattr__ = lazy_main("symlqr.cli.maml")    # ``main``, imported when asked for

if __name__ == "__main__":
    sys.exit(launch("symlqr.cli.maml", "python -m symlqr.maml"))
