"""``python -m symlqr.certify``: the entry point (the command line is :mod:`symlqr.cli.certify`)."""
import sys

def __getattr__(name):
    if name == "main":              # imported when asked for: the command line loads fast
        from .cli.certify import main
        return main
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if __name__ == "__main__":
    from .cli.launch import launch
    sys.exit(launch("symlqr.cli.certify", "python -m symlqr.certify"))
