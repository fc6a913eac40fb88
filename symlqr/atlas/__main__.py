"""``python -m symlqr.atlas``: the entry point (the command line is :mod:`symlqr.cli.atlas`)."""
import sys

from ..cli.atlas import main

sys.exit(main())
