"""The shared command line of the ``proofs/`` scripts (:func:`proof_main`)."""
from __future__ import annotations

import sys
import time
from typing import Callable, Optional

from ..paper.verdicts import checks_to_dict, exit_status, render_checks
from ..scalar.landscape import Timeout
from ..tasks import InputError
from .deadline import hard_deadline
from .common import (OneLineParser, add_task_arguments, deliver, json_payload, run_main,
                     tasksets_from_args)

__all__ = ["proof_main"]


def proof_main(prog: str, description: str,
               evaluate: Callable, add_arguments: Optional[Callable] = None,
               argv=None) -> int:
    """Shared ``main`` of the ``proofs/`` scripts.

    ``evaluate(taskset, args) -> (checks, extra_dict)`` does the work for one
    task set; the runner parses the task arguments exactly like
    ``python -m symlqr.certify`` (figure names or ``all``, ``--task``, ``--eta``,
    ``--weights``, ``--tasks-file``) plus ``--json``, ``--digits``,
    ``--output`` and ``--timeout``, prints, and returns the exit status.
    """

    def body(argv_) -> int:
        p = OneLineParser(prog=prog, description=description)
        add_task_arguments(p)
        p.add_argument("--digits", type=int, default=20, help="significant digits (default 20)")
        p.add_argument("--json", action="store_true", help="print one JSON document")
        p.add_argument("--output", metavar="FILE", help="write the JSON document to FILE")
        p.add_argument("--timeout", type=float, metavar="SECONDS",
                       help="stop cleanly after SECONDS (exit 3)")
        if add_arguments is not None:
            add_arguments(p)
        args = p.parse_args(argv_)
        if not 1 <= args.digits <= 1000:
            raise InputError("--digits must be between 1 and 1000")
        if args.timeout is not None and not args.timeout > 0:
            raise InputError("--timeout must be > 0 seconds")
        args.deadline = None if args.timeout is None else time.monotonic() + args.timeout
        tasksets = tasksets_from_args(args)
        docs, texts, status = [], [], 0
        for ts in tasksets:
            try:
                with hard_deadline(args.deadline, lambda: "checking"):
                    checks, extra = evaluate(ts, args)
            except Timeout as exc:
                print(f"{prog}: timeout after {args.timeout:g} s on {ts.name} while {exc.stage}",
                      file=sys.stderr)
                return 3
            docs.append(checks_to_dict(ts.name, checks, extra))
            texts.append(render_checks(f"{ts.name}: {description}", checks))
            s = exit_status(checks)
            status = 1 if 1 in (status, s) else max(status, s)
        deliver(args, json_payload(docs, args.names), "\n\n".join(texts))
        return status

    return run_main(prog, body, argv)
