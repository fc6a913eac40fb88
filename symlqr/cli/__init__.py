"""The command line: argument parsing, one-line errors, deadlines, atomic files, and
the ``python -m`` entry points. The only layer (with ``proofs/``) that prints.
"""
