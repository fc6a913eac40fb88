"""``python -m symlqr.sweep``: the entry point (the command line is :mod:`symlqr.cli.sweep`)."""
import sys

from ..cli.sweep import main

sys.exit(main())
