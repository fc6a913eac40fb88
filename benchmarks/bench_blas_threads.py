"""One BLAS thread against the BLAS library's default threads, side by side.

For each command, two copies start at the same moment, so under the same load:
``SYMLQR_BLAS_THREADS=default`` (the behaviour before symlqr.cli.blas: OpenBLAS's
own choice, one thread per core) and the variable unset (one thread). Each copy's
CPU time (user + system of the command and its worker processes, from ``wait4``)
and wall time are printed with their ratio, and the two ``--json`` outputs are
compared byte for byte. ``uptime`` is printed before and after. ``--via-env``
also sets ``OPENBLAS_NUM_THREADS=1`` for the one-thread copy: for commands that do
not limit BLAS themselves (``certify``), to see what the limit would give them.

    python benchmarks/bench_blas_threads.py                     # fig3a and fig3c atlases
    python benchmarks/bench_blas_threads.py --via-env --certify fig3a fig3c fig3d
    python benchmarks/bench_blas_threads.py --atlas fig1 fig2 --vary eta=0:0.3
    python benchmarks/bench_blas_threads.py --command "symlqr.certify fig3c --compare"
"""
import argparse
import os
import shlex
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SETTINGS = (("default threads", {"SYMLQR_BLAS_THREADS": "default"}), ("one thread", {}))

#: --via-env: the one-thread copy's OpenBLAS limited from its start.
VIA_ENV = {"OPENBLAS_NUM_THREADS": "1"}


def start(command: list, extra: dict, out_path: str):
    env = {k: v for k, v in os.environ.items()
           if k != "SYMLQR_BLAS_THREADS" and not k.endswith("_NUM_THREADS")}
    env["PYTHONPATH"] = ROOT + os.pathsep + env.get("PYTHONPATH", "")
    env.update(extra)
    out = open(out_path, "wb")
    proc = subprocess.Popen([sys.executable, "-m", *command, "--json"], cwd=ROOT, env=env,
                            stdout=out, stderr=subprocess.DEVNULL)
    out.close()
    return proc


def side_by_side(command: list, folder: str, via_env: bool) -> list:
    """[(label, cpu seconds, wall seconds, exit code, output path)] for both settings."""
    t0 = time.monotonic()
    runs = []
    for k, (label, extra) in enumerate(SETTINGS):
        path = os.path.join(folder, f"{k}.json")
        extra = {**extra, **VIA_ENV} if via_env and not extra else extra
        runs.append((label, start(command, extra, path), path))
    done = {}
    while len(done) < len(runs):
        pid, status, usage = os.wait4(-1, 0)
        done[pid] = (usage.ru_utime + usage.ru_stime, time.monotonic() - t0,
                     os.waitstatus_to_exitcode(status))
    return [(label, *done[proc.pid], path) for label, proc, path in runs]


def report(command: list, via_env: bool = False) -> None:
    with tempfile.TemporaryDirectory() as folder:
        rows = side_by_side(command, folder, via_env)
        with open(rows[0][4], "rb") as a, open(rows[1][4], "rb") as b:
            same = a.read() == b.read()
    print(" ".join(command))
    for label, cpu, wall, code, _path in rows:
        print(f"  {label:16s} CPU {cpu:7.1f} s   wall {wall:7.1f} s   exit {code}")
    (_, c0, w0, *_), (_, c1, w1, *_) = rows
    print(f"  one thread / default: CPU {c1 / c0:.2f}, wall {w1 / w0:.2f}; "
          f"--json outputs {'byte-identical' if same else 'DIFFERENT'}")


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--atlas", nargs="*", default=None, metavar="FIG")
    p.add_argument("--certify", nargs="*", default=[], metavar="FIG")
    p.add_argument("--vary", default="eta=0:0.3")
    p.add_argument("--command", action="append", default=[], metavar="'MODULE ARGS'",
                   help="any command, e.g. 'symlqr.certify fig2 --steps 2' (repeatable)")
    p.add_argument("--via-env", action="store_true",
                   help="the one-thread copy also gets OPENBLAS_NUM_THREADS=1")
    args = p.parse_args()
    asked = args.certify or args.command
    atlases = ["fig3a", "fig3c"] if args.atlas is None and not asked else args.atlas or []
    print("before:", uptime())
    for fig in atlases:
        report(["symlqr.atlas", fig, "--vary", args.vary], args.via_env)
    for fig in args.certify:
        report(["symlqr.certify", fig], args.via_env)
    for command in args.command:
        report(shlex.split(command), args.via_env)
    print("after: ", uptime())


if __name__ == "__main__":
    main()
