"""``python -m symlqr.maml TASKS --complete`` with the branch-and-bound engine (default).

Every stationary point of ``h`` in a box of gains certified and the rest of the
box excluded by proofs (:mod:`symlqr.matrix.landscape`); the box is proven to
hold every stabilizing gain when ``r = 1`` and some task is controllable, else
``--box`` is required. ``--level L`` (default: the largest ``h`` at Algorithm 1's
starts) selects the minima ``epsilon`` speaks of and lets boxes with ``h > L``
proven be excluded. A run stopped by ``--timeout`` or ``--max-boxes`` reports the
undecided boxes. ``--scheduler ADDRESS`` runs sub-boxes of the box on Dask
(:mod:`symlqr.sweep.landscape_dask`); ``--contour FILE`` draws ``h`` (floats) with
the points and the excluded and undecided boxes (:mod:`symlqr.render.landscape_plot`).
Exit status: 0 complete and every point certified, 3 not complete or something
undecided, 2 bad input.
"""
from __future__ import annotations

import math
import sys
import time
from fractions import Fraction

from .common import EXIT_OK, EXIT_UNDECIDED, check_output_path, deliver, run_stage, write_atomic
from .progress import StageProgress
from ..tasks import InputError, parse_rational

__all__ = ["check", "check_region", "check_contour", "deadline_and_ticks", "compute", "on_dask", "run", "table", "parse_box", "AUDIT"]

#: excluded boxes kept for the picture (``--contour``)
AUDIT = 20000


def parse_box(text: str, n: int) -> list:
    """``"lo:hi,lo:hi,..."`` (row-major ``W``, ``n`` intervals) as Fractions."""
    parts = [p for p in text.split(",")]
    if len(parts) != n:
        raise InputError(f"--box needs {n} intervals lo:hi separated by commas (W has {n} entries)")
    out = []
    for p in parts:
        if p.count(":") != 1:
            raise InputError(f"--box: {p[:30]!r} is not lo:hi")
        a, b = (parse_rational(x.strip(), "--box") for x in p.split(":"))
        if not a < b:
            raise InputError(f"--box: {p[:30]!r} needs lo < hi")
        out.append((a, b))
    return out


def check_contour(path):
    """``--contour FILE``: a writable path with a picture suffix and matplotlib
    installed (one-line errors); returns the plot module, or None without a path."""
    if not path:
        return None
    check_output_path(path)
    try:
        from ..render import plot
    except ImportError:
        raise InputError("--contour needs matplotlib: pip install 'symlqr[plot]'") from None
    plot.plot_format(path)
    return plot


def deadline_and_ticks(seconds: float, progress, stage: str) -> tuple:
    """``(stop, tick)`` for a branch-and-bound in the worker: ``stop()`` names the
    deadline once 85% of ``seconds`` have passed (so the partial answer is
    returned before the worker is killed), ``tick(outcome)`` reports new boxes."""
    t0 = time.monotonic()
    limit = 0.85 * seconds if math.isfinite(seconds) else math.inf

    def stop():
        return None if time.monotonic() - t0 < limit else f"time: --timeout {seconds:g} s"

    seen = [0]

    def tick(out):
        progress(stage, out.boxes - seen[0], None)
        seen[0] = out.boxes

    return stop, tick


def check_region(args, ts, what: str, variants: bool = False) -> tuple:
    """``(box, level)`` from ``--box`` and ``--level`` for ``--complete`` or
    ``--hypotheses`` (``what``), checked before any work (one-line errors);
    ``level`` is None for ``inf`` or when not given. ``variants``: ``--steps``
    and ``--method`` are allowed (else refused)."""
    r, d = ts.shape
    if not variants and args.steps != 1:
        raise InputError(f"{what} is about the one-step objective h: drop --steps")
    if not variants and getattr(args, "method", "maml") != "maml":
        raise InputError(f"{what} is about the MAML objective h: drop --method")
    box = parse_box(args.box, r * d) if args.box else None
    if box is None:
        from ..matrix.domain import stabilizing_box
        if stabilizing_box(ts) is None:
            raise InputError(f"{what} needs --box here: no proven bounded box holds the "
                             "stabilizing gains (r > 1 or no controllable task)")
    level = None
    if args.level is not None and args.level.strip().lower() != "inf":
        level = parse_rational(args.level, "--level")
    if not 1 <= args.max_boxes <= 10 ** 9:
        raise InputError("--max-boxes must be between 1 and 10^9")
    return box, level


def check(args, ts) -> dict:
    """The options, read and checked before any work (one-line errors)."""
    box, level = check_region(args, ts, "--complete", variants=True)
    check_contour(args.contour)
    scheduler = getattr(args, "scheduler", None)
    if scheduler is not None and not scheduler.strip():
        raise InputError("--scheduler needs an address such as tcp://host:8786")
    method = getattr(args, "method", "maml")
    return {"box": box, "level": level, "prune": args.level is None or level is not None,
            "max_boxes": args.max_boxes, "scheduler": scheduler, "method": method,
            "steps": args.steps}


def compute(ts, opts, seconds, contour, progress) -> dict:
    """The heavy part (in the worker): the branch-and-bound, stopped by itself a
    little before the worker's deadline so that its partial answer survives."""
    from ..matrix.landscape import complete_landscape
    stop, tick = deadline_and_ticks(seconds, progress, "branch-and-bound (boxes)")

    progress("numerators and domain conditions", 0, None)
    try:
        res = complete_landscape(ts, box=opts["box"], level=opts["level"], prune=opts["prune"],
                                 max_boxes=opts["max_boxes"], stop=stop, progress=tick,
                                 audit=AUDIT if contour else 0, method=opts["method"],
                                 steps=opts["steps"])
    except ValueError as exc:
        raise InputError(str(exc)) from None
    doc = res.to_dict()
    doc["name"], doc["mode"] = ts.name, "complete"
    return {"doc": doc, **picture(res, contour)}


def picture(res, contour) -> dict:
    """``{"image": bytes or None, "picture_error": text or None}``: the landscape's
    picture for ``--contour`` (none when it cannot be drawn, e.g. ``r d > 2``
    with fewer than two points: the answer is still delivered)."""
    if not contour:
        return {"image": None, "picture_error": None}
    from ..render import plot
    try:
        return {"image": plot.render(res.plot(), plot.plot_format(contour)),
                "picture_error": None}
    except InputError as exc:
        return {"image": None, "picture_error": str(exc)}


def table(doc) -> str:
    """Readable summary of the branch-and-bound document
    (:func:`symlqr.render.landscape_text.landscape_table`)."""
    from ..render.landscape_text import landscape_table
    return landscape_table(doc)


def on_dask(ts, opts, seconds, contour, tick) -> dict:
    """``--scheduler``: the box split into sub-boxes, each a Dask task
    (:func:`symlqr.sweep.landscape_dask.complete_landscape_dask`), merged here;
    the parts stop themselves a little before ``--timeout``."""
    from ..sweep.landscape_dask import complete_landscape_dask
    deadline = time.monotonic() + 0.85 * seconds if math.isfinite(seconds) else None
    try:
        res = complete_landscape_dask(ts, opts["scheduler"], box=opts["box"], level=opts["level"],
                                      prune=opts["prune"], max_boxes=opts["max_boxes"],
                                      method=opts["method"], steps=opts["steps"],
                                      deadline=deadline, grace=0.1 * seconds,
                                      audit=AUDIT if contour else 0,
                                      progress=lambda done, total: tick("sub-boxes", done, total))
    except ValueError as exc:
        raise InputError(str(exc)) from None
    doc = res.to_dict()
    doc["name"], doc["mode"], doc["scheduler"] = ts.name, "complete", opts["scheduler"]
    return {"doc": doc, **picture(res, contour)}


def run(args, ts) -> int:
    """The ``--complete`` branch with ``--engine bnb``."""
    opts = check(args, ts)
    seconds = float(args.timeout) if args.timeout is not None else math.inf
    bar = StageProgress(stages=("numerators and domain conditions", "branch-and-bound (boxes)"))
    try:
        if opts["scheduler"]:
            out = on_dask(ts, opts, seconds, args.contour, bar.tick)
        else:
            out = run_stage(compute, ts, opts, seconds, args.contour,
                            timeout=args.timeout, progress=bar.tick, describe=bar.running)
    finally:
        bar.close()
    doc = out["doc"]
    if out["image"] is not None:
        write_atomic(args.contour, out["image"])
    elif args.contour:
        print(f"--contour: no picture written: {out['picture_error']}", file=sys.stderr)
    deliver(args, doc, table(doc))
    ok = doc["complete"] and all(p["certified"] for p in doc["points"])
    return EXIT_OK if ok else EXIT_UNDECIDED


def level_text(x) -> str:
    return "inf" if x is None else str(Fraction(x))
