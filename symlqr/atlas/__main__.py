"""``python -m symlqr.atlas``: the entry point (the command line is :mod:`symlqr.cli.atlas`)."""
import sys

from ..cli.launch import launch

sys.exit(launch("symlqr.cli.atlas", "python -m symlqr.atlas"))
