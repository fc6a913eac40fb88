"""``python -m symlqr.certify``: the entry point (the command line is :mod:`symlqr.cli.certify`)."""
import sys

from .cli.launch import launch, lazy_main

__getattr__ = lazy_main("symlqr.cli.certify")    # ``main``, imported when asked for

if __name__ == "__main__":
    sys.exit(launch("symlqr.cli.certify", "python -m symlqr.certify"))
