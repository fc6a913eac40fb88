"""The domain of ``h`` as polynomial inequalities, and a proven box around it.

The domain is the open set of gains ``W`` with ``M_i = A_i - B_i W`` and
``N_i = A_i - B_i F_i(W)`` Schur stable for every task ``i``. A real matrix
``M`` with eigenvalues ``l_j`` all inside the unit disc has

    det(I - M) = prod (1 - l_j) > 0,   det(I + M) = prod (1 + l_j) > 0,
    1 - det M > 0,                      1 + det M > 0

(complex eigenvalues come in conjugate pairs, each pair contributing
``|1 -+ l|^2 > 0``). These four are necessary for stability, and for ``d = 2``
they are Jury's conditions, also sufficient. For ``d >= 3`` the rest of Jury's
table (:func:`jury_rows`, two conditions per row) makes them sufficient too: without
it, most of the gains of a 3 x 1 box that pass the four are unstable (91% of a
float sample of the first box of ``examples/chain_3state.json``), and no sign
test could exclude them. For ``M_i`` they are polynomials in
``W`` (degree at most ``2^(d-2) d``); for ``N_i`` rational functions ``num / den`` of
``W`` (``F_i = W - eta grad g_i(W)``). :func:`conditions` returns them; a box on
which one of them is proven ``<= 0`` (wherever it is defined) holds no point of
the domain.

For one input (``r = 1``) and a controllable ``(A, B)`` the characteristic
polynomial of ``A - B W`` is ``c(W) = c_0 + L W`` with ``L`` invertible, and a
Schur-stable monic polynomial ``z^d + a_{d-1} z^{d-1} + ... + a_0`` has
``|a_k| <= C(d, k)`` (its coefficients are elementary symmetric functions of
``d`` numbers of modulus below 1). So every stabilizing ``W`` lies in
``L^{-1}([-C(d, k), C(d, k)]_k - c_0)``, a parallelotope whose bounding box
:func:`stabilizing_box` computes exactly.

>>> from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
>>> ts = MatrixTaskSet([MatrixTask([[1, "1/10"], [0, 1]], [[0], [1]], [[1, 0], [0, 1]], [[1]])], "1/100")
>>> [(float(a), float(b)) for a, b in stabilizing_box(ts)]
[(-20.0, 40.0), (0.0, 4.0)]
>>> [c.name for c in conditions(ts)][:2]
['det(I - M_1) > 0', 'det(I + M_1) > 0']
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from math import comb
from typing import Optional

import numpy as np
from flint import fmpq, fmpq_mat

from .ratfunc import _tasks, divides

__all__ = ["Condition", "conditions", "adapted_gains", "stabilizing_box", "determinant",
           "closed_loop_charpoly",
           "stability_vertices"]


MAX_COEFFICIENTS = 100_000   # Jury rows with larger Bernstein tensors per box are left out


@dataclass
class Condition:
    """``num / den > 0`` holds on the domain (``den`` ``None``: a polynomial).

    ``den_sign``: the sign of ``den`` on the whole set of gains stabilizing the
    condition's task, when known (``den`` divides a power of the Stein
    determinant ``prod_{j <= k} (1 - l_j l_k)``, nonzero for a stable closed
    loop; that set is connected (Bu, Mesbahi, Fazel and Mesbahi, "Topological
    properties of the set of stabilizing feedback gains", IEEE TAC 2021), so the
    sign is that of ``den`` at one stabilizing gain, evaluated exactly). Then
    ``den_sign * num <= 0`` on a box proves the box outside the domain, whatever
    ``den`` does on the box's unstable part."""
    name: str
    num: object
    den: Optional[object] = None
    den_sign: Optional[int] = None
    kind: str = "domain"        # or "level": holds on {h <= L} in the domain
    task: Optional[int] = None  # the task (from 0) it is about, when one


def determinant(M, one):
    """Determinant of a square :class:`~symlqr.matrix.ratfunc.RatMat` (Laplace
    expansion along the first row; ``d <= 4`` here)."""
    n = M.r
    rows = [[M[i, j] for j in range(n)] for i in range(n)]
    return _det(rows, one)


def _det(rows, one):
    n = len(rows)
    if n == 1:
        return rows[0][0]
    total = None
    for j in range(n):
        if rows[0][j].is_zero():
            continue
        minor = [row[:j] + row[j + 1:] for row in rows[1:]]
        term = rows[0][j] * _det(minor, one)
        term = term if j % 2 == 0 else -term
        total = term if total is None else total + term
    return total if total is not None else one - one


def _four(M, bk, label: str, a=None, limit: Optional[int] = None) -> list:
    """The four necessary conditions and Jury's rows of ``M``; from the
    coefficients ``a`` of ``det(z I - M)`` when given (:func:`closed_loop_charpoly`):
    ``det(I - M) = p(1)``, ``det(I + M) = (-1)^d p(-1)``, ``det M = (-1)^d p(0)``."""
    if a is None:
        eye = bk.asmat([[int(i == j) for j in range(M.r)] for i in range(M.r)])
        det = determinant(M, bk.one)
        minus, plus = determinant(eye - M, bk.one), determinant(eye + M, bk.one)
    else:
        d = len(a) - 1
        sign = 1 if d % 2 == 0 else -1
        minus = _sum_of(a)
        plus = _sum_of([c if k % 2 == 0 else -c for k, c in enumerate(a)])
        plus, det = (plus, a[0]) if sign > 0 else (-plus, -a[0])
    return [(f"det(I - {label}) > 0", minus),
            (f"det(I + {label}) > 0", plus),
            (f"1 - det {label} > 0", bk.one - det),
            (f"1 + det {label} > 0", bk.one + det)] + jury_rows(M, bk, label, a=a, limit=limit)


def _sum_of(xs):
    out = xs[0]
    for x in xs[1:]:
        out = out + x
    return out


def closed_loop_charpoly(task, V, bk) -> list:
    """``[a_0, ..., a_d]`` with ``det(z I - (A - B V)) = sum_k a_k z^k`` for the
    backend task ``(A, B, ...)`` of the Fraction task ``task`` and a backend gain
    ``V``. For one input (``r = 1``) the coefficients are affine in ``V``,
    ``c_0 + L V`` (:func:`_charpoly_affine`, exact): no determinant of rational
    functions is expanded (for the 4 x 1 chain's adapted gains, degree 11 in four
    variables, Jury's rows by minors took a minute); else by principal minors.

    >>> from symlqr.matrix.ratfunc import RationalFunctionBackend, symbolic_gain
    >>> from symlqr.matrix.tasks import MatrixTask
    >>> t = MatrixTask([[1, "1/10"], [0, 1]], [[0], [1]], [[1, 0], [0, 1]], [[1]])
    >>> bk = RationalFunctionBackend(2); W = symbolic_gain(bk, 1, 2)
    >>> M = bk.asmat(t.A) - bk.asmat(t.B) * W
    >>> closed_loop_charpoly(t, W, bk) == charpoly_coefficients(M, bk)
    True
    """
    r, d = len(task.B[0]), len(task.A)
    if r != 1:
        return charpoly_coefficients(bk.asmat(task.A) - bk.asmat(task.B) * V, bk)
    c0, L = _charpoly_affine(task.A, task.B)
    ents = V.entries()
    out = []
    for k in range(d):
        acc = bk.scalar(_fr(c0[k]))
        for j in range(d):
            if L[k, j] != 0:
                acc = acc + ents[j] * bk.scalar(_fr(L[k, j]))
        out.append(acc)
    return out + [bk.one]


def charpoly_coefficients(M, bk) -> list:
    """``[a_0, ..., a_d]`` with ``det(z I - M) = sum_k a_k z^k`` (``a_d = 1``):
    ``a_{d-k} = (-1)^k`` times the sum of the principal ``k x k`` minors."""
    from itertools import combinations
    d = M.r
    out = [bk.one]
    for k in range(1, d + 1):
        total = None
        for idx in combinations(range(d), k):
            sub = type(M)([[M[i, j] for j in idx] for i in idx])
            m = determinant(sub, bk.one)
            total = m if total is None else total + m
        out.append(total if k % 2 == 0 else -total)
    return out[::-1]


def jury_rows(M, bk, label: str, s=None, a=None, limit: Optional[int] = None) -> list:
    """The rest of Jury's test for ``d >= 3`` (the four conditions above are its
    first part; for ``d <= 2`` they are all of it): from the coefficients
    ``a_0..a_d`` of ``det(z I - M / s)`` times ``s^d`` (``a_k s^k``), each row of
    the table ``b_k = b'_0 b'_k - b'_m b'_(m-k)`` (``b'`` the row before, ``m``
    its last index) has ``|b_0| > |b_(m-1)|`` on the stable set, as the two
    polynomial conditions ``|b_0| -+ b_(m-1) > 0`` (``b_0 < 0`` in the first
    such row, ``> 0`` after it), down to the row of three entries (Jury 1964;
    Astrom and Wittenmark, "Computer-Controlled Systems", sec. 3.3). Together
    with the four they are necessary and sufficient for Schur stability. ``a``:
    the coefficients of ``det(z I - M)`` when known (:func:`closed_loop_charpoly`).
    ``limit``: the rows from the first whose dense Bernstein tensor (per variable,
    ``2^k`` times the coefficients' degree, plus one, multiplied) would exceed
    that many coefficients are left out (fewer necessary conditions, still sound:
    the 4 x 1 chain's adapted gains give rows of degree 22 and 44 in four
    variables, 280,000 and 4.1 million coefficients per box)."""
    d = M.r if a is None else len(a) - 1
    if d < 3:
        return []
    a = charpoly_coefficients(M, bk) if a is None else list(a)
    if s is not None:
        a = [c * (Fraction(s) ** k) for k, c in enumerate(a)]
    a = _over_common_denominator(a)
    base = _degrees(a)
    out, row, sign = [], a, -1
    for k in range(1, d - 1):
        if limit is not None and base is not None and \
                int(np.prod([2 ** k * b + 1 for b in base])) > limit:
            break
        m = len(row) - 1
        row = [row[0] * row[j] - row[m] * row[m - j] for j in range(m)]
        first, last = row[0], row[-1]
        lead = -first if sign < 0 else first
        name = f"Jury row {k + 1} of {label}" + ("" if s is None else " / s")
        out += [(f"{name}: |b_0| - b_last > 0", lead - last),
                (f"{name}: |b_0| + b_last > 0", lead + last)]
        sign = 1
    return out


def _degrees(a) -> Optional[list]:
    """Per variable, the largest degree among the polynomials ``a`` (``None`` for
    entries that are not :class:`RatFunc` polynomials)."""
    from .ratmat import RatFunc
    if not all(isinstance(c, RatFunc) for c in a):
        return None
    out = None
    for c in a:
        dg = [max(0, int(x)) for x in c.num.degrees()]
        out = dg if out is None else [max(u, v) for u, v in zip(out, dg)]
    return out


def _over_common_denominator(a) -> list:
    """The numerators ``n_k`` of ``a_k = n_k / D`` over one denominator ``D`` (the
    lcm of the ``a_k``'s), as :class:`RatFunc` polynomials. Row ``k`` of Jury's
    table, built from them, is the true row times ``D^(2^k)``, a positive factor
    where ``D != 0`` (on the domain): the same conditions as polynomials, with no
    gcd of rational functions in the products (the rows of the 4 x 1 chain's
    adapted gains reach degree 44 in four variables). Entries that are not
    :class:`RatFunc` (Arb balls, Taylor models) are returned as they are."""
    from .ratmat import RatFunc
    if not all(isinstance(c, RatFunc) for c in a):
        return a
    D = a[0].den
    for c in a[1:]:
        if c.den != D:
            D = D * (c.den / D.gcd(c.den))
    return [RatFunc(c.num * (D / c.den)) for c in a]


def conditions(taskset, steps: int = 1, adapted: bool = True) -> list:
    """The necessary conditions for ``W`` in the domain (module docstring), as
    :class:`Condition` objects over ``w1..wn`` (row-major ``W``); constant
    conditions (true everywhere) are left out. With ``steps = K`` adaptation
    steps the domain asks every iterate ``W_k`` (``k = 1..K``) to stabilize
    too: the four conditions of ``A_i - B_i W_k`` for each (named ``N_i`` for
    ``K = 1``, ``N_i^(k)`` otherwise; ``den_sign`` by :func:`_den_sign`).
    ``adapted=False``: those of ``W`` alone (``M_i``), without the symbolic
    iterates (for the Boeing family, ``r d = 8``, they did not finish in 15
    minutes); leaving necessary conditions out is sound.

    >>> from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
    >>> ts = MatrixTaskSet([MatrixTask([[1, "1/10"], [0, 1]], [[0], [1]], [[1, 0], [0, 1]], [[1]])], "1/100")
    >>> [sum("N_1" in c.name for c in conditions(ts, adapted=a)) for a in (True, False)]
    [4, 0]
    >>> len(conditions(ts, adapted=False)) == sum("M_1" in c.name for c in conditions(ts))
    True
    """
    from .ratfunc import RationalFunctionBackend, _kron_det, symbolic_gain, symbolic_iterates
    if adapted:
        bk, p = symbolic_iterates(taskset, int(steps))
        W, iterates = p.W, p.iterates
    else:
        r, d = taskset.shape
        bk = RationalFunctionBackend(r * d)
        W, iterates = symbolic_gain(bk, r, d), [[] for _ in taskset.tasks]
    tasks = _tasks(bk, taskset)
    out = []
    for i, t in enumerate(tasks):
        a = closed_loop_charpoly(taskset.tasks[i], W, bk)
        out += [Condition(n, f.num, task=i) for n, f in _four(t[0] - t[1] * W, bk, f"M_{i + 1}", a)]
    for i, t in enumerate(tasks):
        if not iterates[i]:
            continue
        ref = reference_gain(taskset.tasks[i])
        base = _kron_det(t[0] - t[1] * W, bk).num
        for k, V in enumerate(iterates[i], 1):
            label = f"N_{i + 1}" if steps == 1 else f"N_{i + 1}^({k})"
            a = closed_loop_charpoly(taskset.tasks[i], V, bk)
            for n, f in _four(t[0] - t[1] * V, bk, label, a, MAX_COEFFICIENTS):
                den = None if f.den.is_one() else f.den
                out.append(Condition(n, f.num, den, _den_sign(den, ref, base, k == 1), task=i))
    return [c for c in out if not (c.num.is_constant() and (c.den is None or c.den.is_constant()))]


def _transpose(M):
    return [list(col) for col in zip(*M)]


def _cofactor(D, den):
    """``D / den`` for ``D`` a product of factors including ``den``."""
    q, r = divmod(D, den)
    if not r.is_zero():
        raise ValueError("the common denominator is not a multiple of an entry's")
    return q


def _den_sign(den, ref, base, first: bool) -> Optional[int]:
    """The sign of ``den`` on the domain, when proven (:class:`Condition`), else None.

    ``den`` is nonzero on the domain (it divides a product of the Stein
    determinants at the earlier iterates and their denominators). For the first
    iterate every factor divides a power of the Stein determinant ``base`` at
    ``W``, nonzero on task ``i``'s stabilizing set, which is connected: the sign
    is read at the stabilizing ``ref``. For later iterates each irreducible
    factor ``f^e`` is positive on the domain for even ``e``; for odd ``e`` its
    sign is read at ``ref`` only when ``f`` divides ``base``; else unknown (the
    set where the later iterates stabilize is not known to be connected)."""
    if den is None or ref is None:
        return None
    at = [fmpq(x.numerator, x.denominator) for x in ref]
    if first:
        v = den(*at)
        return None if v == 0 else (1 if v > 0 else -1)
    c, factors = den.factor()
    sign = 1 if c > 0 else -1
    for f, e in factors:
        if e % 2 == 0:
            continue
        if not divides(f, base):
            return None
        v = f(*at)
        if v == 0:
            return None
        sign *= 1 if v > 0 else -1
    return sign


def adapted_gains(taskset, steps: int = 1) -> list:
    """``F_i(W) = W_K`` (``K = steps`` steps ``W_{k+1} = W_k - eta grad g_i(W_k)``)
    for every task, as lists (row-major) of ``(num, den)`` polynomials in
    ``w1..wn`` (``den`` ``None`` when 1)."""
    from .ratfunc import symbolic_iterates
    _, p = symbolic_iterates(taskset, int(steps))
    return [[(f.num, None if f.den.is_one() else f.den) for f in F.entries()] for F in p.F]


def reference_gain(task) -> Optional[list]:
    """A gain proven to stabilize ``task`` (row-major Fractions): the LQR optimum in
    floats, read exactly, with its closed loop proven Schur stable in Arb; None if
    that fails."""
    import numpy as np
    from flint import arb_mat
    from .lqr import optimal_gain
    from .validated import certify_stable
    try:
        K = optimal_gain(*(np.array(getattr(task, k), dtype=float) for k in ("A", "B", "Q", "R")))
    except (ValueError, np.linalg.LinAlgError):
        return None
    ref = [Fraction(float(x)) for x in np.asarray(K, dtype=float).reshape(-1)]
    r, d = len(task.B[0]), len(task.A)
    M = arb_mat([[fmpq(a.numerator, a.denominator) for a in row] for row in task.A]) - \
        arb_mat([[fmpq(b.numerator, b.denominator) for b in row] for row in task.B]) * \
        arb_mat(r, d, [fmpq(x.numerator, x.denominator) for x in ref])
    return ref if certify_stable(M) else None


def _charpoly_affine(A, B):
    """``c_0`` and ``L`` with ``charpoly(A - B W) = c_0 + L W`` (low to high, without
    the leading 1) for ``r = 1``, exactly; ``W`` a row of ``d`` numbers."""
    d = len(A)
    Am = fmpq_mat(d, d, [fmpq(x.numerator, x.denominator) for row in A for x in row])

    def coeffs(M):
        p = M.charpoly()
        return [p[k] for k in range(d)]

    c0 = coeffs(Am)
    cols = []
    for j in range(d):
        E = fmpq_mat(d, d, [fmpq(B[i][0].numerator, B[i][0].denominator) if jj == j else fmpq(0)
                            for i in range(d) for jj in range(d)])
        cols.append([a - b for a, b in zip(coeffs(Am - E), c0)])
    L = fmpq_mat(d, d, [cols[j][k] for k in range(d) for j in range(d)])
    return c0, L


def stabilizing_box(taskset) -> Optional[list]:
    """A box (list of ``(lo, hi)`` Fractions, row-major ``W``) holding every gain
    that stabilizes some task with ``r = 1`` and ``(A, B)`` controllable,
    intersected over such tasks; ``None`` when no task qualifies (the set of
    stabilizing gains may then be unbounded)."""
    r, d = taskset.shape
    if r != 1:
        return None
    box = None
    for t in taskset.tasks:
        c0, L = _charpoly_affine(t.A, t.B)
        if L.det() == 0:
            continue
        Li = L.inv()
        mine = []
        for j in range(d):
            centre = -sum((Li[j, k] * c0[k] for k in range(d)), fmpq(0))
            half = sum((abs(Li[j, k]) * comb(d, k) for k in range(d)), fmpq(0))
            mine.append((_fr(centre - half), _fr(centre + half)))
        box = mine if box is None else [(max(a, c), min(b, e)) for (a, b), (c, e) in zip(box, mine)]
    return box


def _fr(q) -> Fraction:
    return Fraction(int(q.p), int(q.q))


def stability_vertices(taskset) -> list:
    """The gains ``W`` (row-major Fractions) where ``charpoly(A - B W) = (z - 1)^k
    (z + 1)^(d - k)``, ``k = 0..d``, for every task with ``r = 1`` and ``(A, B)``
    controllable: the corners of the set of Schur-stable characteristic
    polynomials, mapped back by the affine, invertible map of
    :func:`_charpoly_affine`. Several Jury conditions vanish together there, and
    so, typically, do the numerators of ``grad h`` and of the adapted gains'
    conditions; a box with such a corner in its interior cannot be decided by
    signs, while boxes cut at it can (:mod:`symlqr.matrix.subdivision`).

    >>> from symlqr.matrix.tasks import MatrixTask, MatrixTaskSet
    >>> t = MatrixTask([[1, "1/10"], [0, 1]], [[0], [1]], [[1, 0], [0, 1]], [[1]])
    >>> sorted(tuple(map(str, w)) for w in stability_vertices(MatrixTaskSet([t], "1/100")))
    [('0', '0'), ('0', '2'), ('40', '4')]
    """
    r, d = taskset.shape
    if r != 1:
        return []
    out = []
    for t in taskset.tasks:
        c0, L = _charpoly_affine(t.A, t.B)
        if L.det() == 0:
            continue
        Li = L.inv()
        for k in range(d + 1):
            poly = [fmpq(1)]                     # (z - 1)^k (z + 1)^(d - k), high to low
            for root in [1] * k + [-1] * (d - k):
                poly = [a - root * b for a, b in zip(poly + [fmpq(0)], [fmpq(0)] + poly)]
            low = list(reversed(poly))[:d]       # low to high, without the leading 1
            rhs = fmpq_mat(d, 1, [a - b for a, b in zip(low, c0)])
            W = Li * rhs
            w = [_fr(W[j, 0]) for j in range(d)]
            if w not in out:
                out.append(w)
    return out
