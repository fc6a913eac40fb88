"""Every atlas covers its range with true pieces and true critical values.

For the paper's figures over ``eta = 0:0.3`` (the slow ones marked slow) and
for seeded random two- and three-task families:

* the pieces cover ``(LO, HI]`` in order, with no gap: piece ``k`` ends at
  critical value ``k`` and piece ``k + 1`` starts there; every critical value
  lies strictly inside the range;
* ``certify`` at a rational point inside each piece (each part of a split
  piece) gives that piece's counts and labels (kinds, and global/spurious where
  the piece's labels are decided);
* each critical value changes something, seen by ``certify`` on both sides:
  the kinds or labels of the points, the domain's components and the walls
  their ends lie on (two walls meeting at the domain's end), or the order of
  the points by the factor of ``N`` they lie on (two stationary points passing
  through each other at a fold); a touch (a stationary point
  reaching the lower bound ``sum_i w_i C_i(W*_i)``) is checked instead by a
  float scan: ``min h - lower bound`` is about 0 at the value and clearly
  positive on both sides.
"""
from fractions import Fraction
import random

import numpy as np
import pytest
from scipy.optimize import minimize_scalar

from symlqr.atlas import atlas
from symlqr.atlas.bivariate import at_p
from symlqr.atlas.switches import factor_of
from symlqr.exact.realroots import simplest_between
from symlqr.scalar.landscape import certify
from symlqr.scalar.numeric import cost_float, dare_gain, maml_objective_float
from symlqr.tasks import Task, TaskSet, figure

HI = Fraction(3, 10)


def _ends(at, pc):
    """The rational ends of a piece (inner ends of its critical values' brackets)."""
    return (pc.lo.hi if pc.lo is not None else at.lo,
            pc.hi.lo if pc.hi is not None else at.hi)


def _inside(a: Fraction, b: Fraction) -> Fraction:
    return simplest_between(a + (b - a) / 3, a + 2 * (b - a) / 3)


def _parts(at, pc):
    """``(part or piece, lo, hi)`` for each part of the piece (or the piece)."""
    a, b = _ends(at, pc)
    if not pc.parts:
        return [(pc, a, b)]
    return [(pt, pt.lo if pt.lo is not None else a, pt.hi if pt.hi is not None else b)
            for pt in pc.parts]


def _wall_of(fam, end, p):
    """Index of the wall ``g_l(W, p)`` on which a domain end lies (None: infinite)."""
    if end is None:
        return None
    return next((k for k, g in enumerate(fam.walls) if end.sign_of(at_p(g, p)) == 0), "?")


def _signature(fam, ls, p):
    """The points (kind, label, factor of N) in order and the domain's
    components with the walls their ends lie on."""
    return (tuple((pt.kind, pt.is_global, factor_of(fam, pt, p)) for pt in ls.points),
            tuple((_wall_of(fam, d.lo, p), _wall_of(fam, d.hi, p)) for d in ls.domain))


def _float_gap(ts: TaskSet, lo: float, hi: float) -> float:
    """``min h - sum_i w_i C_i(W*_i)`` in floats (grid, then a bounded local
    minimization around the best grid points)."""
    W = np.linspace(lo, hi, 200_001)
    h = maml_objective_float(W, ts)
    h = np.where(np.isfinite(h), h, np.inf)
    best = np.inf
    for i in np.argsort(h)[:20]:
        a, b = W[max(i - 1, 0)], W[min(i + 1, len(W) - 1)]
        r = minimize_scalar(lambda x: float(maml_objective_float(np.array([x]), ts)[0]),
                            bounds=(a, b), method="bounded", options={"xatol": 1e-13})
        best = min(best, r.fun, h[i])
    lb = sum(float(w) * float(cost_float(dare_gain(t), t)) for t, w in zip(ts.tasks, ts.weights))
    return best - lb


def check_atlas(at):
    """The three properties of the module docstring."""
    fam, cvs, pcs = at.family, at.critical_values, at.pieces
    # coverage, in order, no gap, no critical value at a range end
    assert pcs[0].lo is None and pcs[-1].hi is None
    assert len(pcs) == len(cvs) + 1
    for k, cv in enumerate(cvs):
        assert pcs[k].hi is cv and pcs[k + 1].lo is cv
        assert at.lo < cv.lo <= cv.hi < at.hi, (cv.kind, cv.lo, cv.hi)
    for a, b in zip(cvs, cvs[1:]):
        assert a.hi < b.lo
    # certify inside each piece and part
    seen = []
    for pc in pcs:
        here = []
        for part, a, b in _parts(at, pc):
            assert a < b
            x = b if b == at.hi and pc.hi is None else _inside(a, b)
            L = certify(fam.taskset_at(x), digits=10)
            assert [p.kind for p in L.points] == [p.kind for p in part.landscape.points], x
            if part.decided:
                assert L.counts() == part.counts, (x, L.counts(), part.counts)
                assert [p.label for p in L.points] == part.labels(), x
            else:
                assert part.counts["global_min"] is None
                assert all("undecided" in lab for lab, p in zip(part.labels(), L.points)
                           if p.is_local_min)
            here.append((x, L))
        seen.append(here)
    # each critical value changes something
    for k, cv in enumerate(cvs):
        (xl, Ll), (xr, Lr) = seen[k][-1], seen[k + 1][0]
        if _signature(fam, Ll, xl) != _signature(fam, Lr, xr):
            continue
        assert cv.kind in ("touch", "switch", "fold"), (cv.kind, cv.decimal(8))
        c = float((cv.lo + cv.hi) / 2)
        span = [(float(d.lo) if d.lo is not None else -3.0, float(d.hi) if d.hi is not None
                 else 5.0) for d in Ll.domain]
        lo_w, hi_w = min(s[0] for s in span) - 0.5, max(s[1] for s in span) + 0.5
        at_c = _float_gap(fam.taskset_at(Fraction(c)), lo_w, hi_w)
        sides = [_float_gap(fam.taskset_at(x), lo_w, hi_w) for x in (xl, xr)]
        assert abs(at_c) < 1e-7 and min(sides) > 1e3 * max(abs(at_c), 1e-12), \
            (cv.kind, c, at_c, sides)


@pytest.mark.parametrize("name", ["fig1", "fig2"])
def test_figure_atlas_pieces_and_critical_values_are_true(name):
    check_atlas(atlas(figure(name), "eta", 0, HI))


SLOW_FIGURES = [
    "fig3b",                                           # about 15 s
    "fig3a", "fig3c",              # about 40 and 11 minutes of wall time (docs/atlas.md)
    pytest.param("fig3d", marks=pytest.mark.skip(
        reason="the discriminant of N(W, eta) alone needs about 13000 specializations of "
               "0.6 s (docs/atlas.md, 'Where the time goes')")),
]


@pytest.mark.slow
@pytest.mark.parametrize("name", SLOW_FIGURES)
def test_slow_figure_atlas_pieces_and_critical_values_are_true(name):
    check_atlas(atlas(figure(name), "eta", 0, HI))


def _random_tasks(seed: int, n: int) -> list:
    """``n`` tasks with small rational entries (A, B != 0, Q, R > 0)."""
    rng = random.Random(seed)

    def q(lo, hi):
        return Fraction(rng.randint(int(lo * 10), int(hi * 10)), 10)
    out = []
    for _ in range(n):
        A = q(0.5, 1.5)
        B = q(0.5, 1.5)
        out.append(Task(A, B, q(0.5, 3), q(0.5, 3)))
    return out


def test_random_two_task_family_away_from_zero():
    check_atlas(atlas(TaskSet(_random_tasks(1, 2), 1), "eta", Fraction(1, 10), HI))


@pytest.mark.slow
@pytest.mark.parametrize("seed,n", [(1, 2), (2, 2), (3, 3), (4, 3)])
def test_random_two_and_three_task_families(seed, n):
    check_atlas(atlas(TaskSet(_random_tasks(seed, n), 1), "eta", 0, HI))


def test_certify_a_figure_at_another_eta_says_so_and_counts_as_a_float_scan(capsys):
    """``python -m symlqr.certify fig3c --eta 0.2``: the figure's tasks at the
    step 0.2 (the text says the eta was changed), with as many minima as a
    dense float scan of h at eta = 0.2 sees."""
    import json
    from symlqr.cli.certify import main
    assert main(["fig3c", "--eta", "0.2", "--digits", "8"]) == 0
    text = capsys.readouterr().out
    assert "eta changed from the figure's 1/10 to 1/5" in text
    assert main(["fig3c", "--eta", "1/5", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    doc = doc[0] if isinstance(doc, list) else doc
    assert doc["eta"] == "1/5"
    ts = TaskSet(figure("fig3c").tasks, Fraction(1, 5))
    W = np.linspace(0.0, 2.0, 400_001)
    h = maml_objective_float(W, ts)
    ok = np.isfinite(h)
    n_min = int(np.sum(ok[1:-1] & ok[:-2] & ok[2:] & (h[1:-1] < h[:-2]) & (h[1:-1] <= h[2:])))
    assert doc["counts"]["min"] == n_min
