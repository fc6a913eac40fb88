"""``python -m symlqr.maml TASKS --hypotheses``: the paper's "for all W" hypotheses over R.

``R`` is ``--box`` (default: the box proven to hold every stabilizing gain,
``r = 1`` and a controllable task; else ``--box`` is required) intersected with
the domain of ``h`` and, with ``--level L``, with ``{h <= L}``. Prints the
verdicts of :func:`symlqr.matrix.hypotheses.decide_hypotheses`: Theorem 1's
``eta ||hess g_i|| < 1`` on ``R`` (proven / refuted at a point / undecided) and,
for one task, ``I - eta hess g`` nonsingular on ``R`` (proven / fails with
where / undecided). Exit status: 0 every verdict decided, 3 something
undecided or ``--timeout``, 2 bad input.
"""
from __future__ import annotations

import math

from .common import EXIT_OK, EXIT_UNDECIDED, deliver, run_stage
from .maml_landscape import check_region, deadline_and_ticks
from .progress import StageProgress
from ..tasks import InputError

__all__ = ["check", "compute", "run"]

STAGE = "hypotheses (boxes)"


def check(args, ts) -> dict:
    """The options, read and checked before any work (one-line errors)."""
    box, level = check_region(args, ts, "--hypotheses")
    return {"box": box, "level": level, "max_boxes": min(args.max_boxes, 200_000)}


def compute(ts, opts, seconds, progress) -> dict:
    """The heavy part (in the worker), stopped by itself before the deadline."""
    from ..matrix.hypotheses import decide_hypotheses
    stop, tick = deadline_and_ticks(seconds, progress, STAGE)

    try:
        res = decide_hypotheses(ts, box=opts["box"], level=opts["level"],
                                max_boxes=opts["max_boxes"], stop=stop, progress=tick)
    except ValueError as exc:
        raise InputError(str(exc)) from None
    doc = res.to_dict()
    doc["name"], doc["mode"] = ts.name, "hypotheses"
    return {"doc": doc, "text": f"{ts.name}: the paper's hypotheses over R\n" + res.summary()}


def run(args, ts) -> int:
    """The ``--hypotheses`` branch of :func:`symlqr.cli.maml._main`."""
    opts = check(args, ts)
    seconds = float(args.timeout) if args.timeout is not None else math.inf
    bar = StageProgress(stages=(STAGE,))
    try:
        out = run_stage(compute, ts, opts, seconds, timeout=args.timeout,
                        progress=bar.tick, describe=bar.running)
    finally:
        bar.close()
    doc = out["doc"]
    deliver(args, doc, out["text"])
    decided = ("proven", "refuted", "fails", "not applicable")
    ok = doc["theorem1"]["verdict"] in decided and doc["chain_rule"]["verdict"] in decided
    return EXIT_OK if ok else EXIT_UNDECIDED
