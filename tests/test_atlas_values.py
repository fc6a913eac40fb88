"""Values separated from fenced boxes next to a fold (symlqr.atlas.values),
against float scans of h: Figure 3c just before its fold at eta = 0.0613445,
where the spurious minimum meets a maximum and no partition traps its branch."""
from fractions import Fraction

import numpy as np

from symlqr.atlas.family import Family
from symlqr.atlas.switches import factor_of, global_index
from symlqr.atlas.values import fenced_box, separated_by_values
from symlqr.scalar.landscape import certify
from symlqr.scalar.numeric import maml_objective_float
from symlqr.tasks import figure

U, V = Fraction(609663, 10**7), Fraction(6134, 10**5)


def _float_minima(ts, lo=0.0, hi=2.0, n=2_000_001):
    W = np.linspace(lo, hi, n)
    h = maml_objective_float(W, ts)
    ok = np.isfinite(h)
    i = np.where(ok[1:-1] & ok[:-2] & ok[2:] & (h[1:-1] < h[:-2]) & (h[1:-1] <= h[2:]))[0] + 1
    return [(W[k], h[k]) for k in i]


def test_fig3c_values_next_to_the_fold_are_separated_and_the_boxes_hold_the_branches():
    fam = Family(figure("fig3c"), "eta")
    L = certify(fam.taskset_at(U), digits=12)
    mins = [k for k, p in enumerate(L.points) if p.is_local_min]
    g = global_index(L)[0]
    assert separated_by_values(fam, U, V, [(L, U)], mins, g, factor_of, {})
    boxes = {k: fenced_box(fam, factor_of(fam, L.points[k], U), L.points[k].W.lo,
                           L.points[k].W.hi, U, V) for k in mins}
    for eta in (U, Fraction(6100, 10**5), Fraction(6120, 10**5), Fraction(6130, 10**5), V):
        found = _float_minima(fam.taskset_at(eta))
        assert len(found) == len(mins), (float(eta), found)
        for k, (w, h) in zip(mins, found):
            X = boxes[k]
            assert float(X.a) <= w <= float(X.b), (float(eta), k, w, X)
        hs = [h for _w, h in found]
        assert mins[int(np.argmin(hs))] == g
