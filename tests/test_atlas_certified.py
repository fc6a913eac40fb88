"""Tests of the atlas's exact eliminants, validated branch continuation and
honest labels (issues 9 and 12), against independent computations: FLINT's
multivariate resultants, numpy's polynomial roots, dense float scans of h.
"""
import json
import time
from fractions import Fraction

import flint
import numpy as np
import pytest
from mpmath import iv

from symlqr.atlas import atlas
from symlqr.atlas import switches
from symlqr.atlas.bivariate import CTX, P, W, at_p, const, in_p
from symlqr.atlas.branches import lower_bound_positive, trap_boxes
from symlqr.atlas.eliminate import as_fmpq_poly, degree_bound, eliminant, integer_rows
from symlqr.atlas.family import Family
from symlqr.cli.atlas import main
from symlqr.scalar.landscape import Timeout
from symlqr.tasks import Task, TaskSet, figure


def _proportional(a: flint.fmpq_poly, b: flint.fmpq_poly) -> bool:
    if a.is_zero() or b.is_zero():
        return a.is_zero() and b.is_zero()
    return (a * b.leading_coefficient() - b * a.leading_coefficient()).is_zero()


def _random_poly(rng, degw, degp):
    d = {}
    for i in range(degw + 1):
        for j in range(degp + 1):
            c = int(rng.integers(-9, 10))
            if c:
                d[(i, j)] = flint.fmpq(c, int(rng.integers(1, 5)))
    d[(degw, 0)] = flint.fmpq(int(rng.integers(1, 9)))
    return CTX.from_dict(d)


def test_eliminants_equal_flint_multivariate_resultants_up_to_a_constant():
    rng = np.random.default_rng(12)
    for _ in range(12):
        f = _random_poly(rng, int(rng.integers(1, 6)), int(rng.integers(0, 4)))
        g = _random_poly(rng, int(rng.integers(1, 5)), int(rng.integers(0, 4)))
        assert _proportional(as_fmpq_poly(eliminant(f, g)), in_p(f.resultant(g, "W")))
        if f.degrees()[0] >= 2:
            assert _proportional(as_fmpq_poly(eliminant(f)), in_p(f.discriminant("W")))


def test_eliminants_of_fig1_vanish_at_its_three_folds():
    """The folds of Figure 1 (paper, and tests/test_atlas.py) are roots of the
    discriminants or pairwise resultants of the factors of N(W, eta)."""
    fam = Family(figure("fig1"), "eta")
    fs = [g for g, _m in fam.n_factors if g.degrees()[0] >= 1]
    polys = [eliminant(f) for f in fs if f.degrees()[0] >= 2]
    polys += [eliminant(f, g) for i, f in enumerate(fs) for g in fs[i + 1:]]
    roots = [complex(r) for q in polys if q.degree() > 0 for r, _m in q.complex_roots()]
    for eta in (0.0815594803123, 0.0973086444212, 0.103165613404):
        assert any(abs(r - eta) < 1e-9 for r in roots)


def test_degree_bound_bounds_the_resultant_degree():
    rng = np.random.default_rng(5)
    for _ in range(10):
        f = _random_poly(rng, 3, int(rng.integers(1, 4)))
        g = _random_poly(rng, 2, int(rng.integers(1, 4)))
        deg = in_p(f.resultant(g, "W")).degree()
        assert deg <= degree_bound(integer_rows(f), integer_rows(g))


def test_trap_boxes_contain_the_branch_found_by_numpy_roots():
    f = W ** 3 - P * W - 1                     # one real root for p < 3 / 2^(2/3)
    nodes = [Fraction(k, 10) for k in range(0, 11)]
    B = flint.arb(1)                           # W(0) = 1 exactly
    boxes = trap_boxes(f, B, nodes)
    assert boxes is not None
    for Y, p0, p1 in zip(boxes, nodes, nodes[1:]):
        for p in np.linspace(float(p0), float(p1), 7):
            roots = np.roots([1, 0, -p, -1])
            w = max(r.real for r in roots if abs(r.imag) < 1e-12)
            assert float(Y.lower()) - 1e-12 <= w <= float(Y.upper()) + 1e-12


def test_lower_bound_positive_fails_when_the_difference_dips():
    # d(p) = (p - 1)^2 - 1/100 on [0, 2]: positive at both ends, negative near 1
    nodes = [Fraction(k, 8) for k in range(17)]
    slopes = [iv.mpf([2 * float(a - 1), 2 * float(b - 1)]) for a, b in zip(nodes, nodes[1:])]
    assert not lower_bound_positive(nodes, slopes, iv.mpf(0.99), iv.mpf(0.99))
    # d(p) = (p - 1)^2 + 1/10: positive everywhere, proven with fine enough nodes
    nodes = [Fraction(k, 64) for k in range(129)]
    slopes = [iv.mpf([2 * float(a - 1), 2 * float(b - 1)]) for a, b in zip(nodes, nodes[1:])]
    assert lower_bound_positive(nodes, slopes, iv.mpf(1.1), iv.mpf(1.1))


@pytest.fixture
def unproven(monkeypatch):
    """Every no-switch proof fails: pieces with two minima cannot be labelled."""
    monkeypatch.setattr(switches.SwitchSearch, "separated", lambda *a, **k: (False, None))


def test_undecided_pieces_carry_no_global_or_spurious_label(unproven):
    at = atlas(figure("fig3b"), "scale", Fraction(3, 5), Fraction(13, 20))
    assert not at.certified
    doc = at.to_dict()
    undecided = [p for p in doc["pieces"] if p.get("labels_decided") is False]
    assert undecided
    for p in undecided:
        assert p["counts"]["global_min"] is None and p["counts"]["spurious_min"] is None
        assert "global min" not in p["points"] and "spurious min" not in p["points"]
        assert "undecided min" in p["points"]


def test_undecided_atlas_exits_3_and_writes_no_file(unproven, tmp_path, capsys):
    out = tmp_path / "atlas.json"
    assert main(["fig3b", "--vary", "scale=0.6:0.65", "--output", str(out)]) == 3
    assert not out.exists()
    captured = capsys.readouterr()
    assert "not writing" in captured.err
    assert " ? " in captured.out                  # no count of global minima shown


def test_certified_atlas_writes_its_output(tmp_path, capsys):
    out = tmp_path / "atlas.json"
    assert main(["fig1", "--vary", "eta=0.09:0.1", "--output", str(out)]) == 0
    assert json.loads(out.read_text())["certified"] is True


def test_deadline_is_honoured_within_seconds_during_eliminants():
    ts = TaskSet([Task(Fraction(1, 2), 1, 1, 1, 1), Task(Fraction(6, 5), Fraction(4, 5), 2, 1, 1)],
                 1, None)
    t = time.monotonic()
    with pytest.raises(Timeout):
        atlas(ts, "eta", 0, Fraction(3, 10), deadline=t + 0.5)
    assert time.monotonic() - t < 5        # one FLINT call of a few milliseconds at a time


def test_switch_in_fig3b_scale_is_proven_on_both_sides():
    at = atlas(figure("fig3b"), "scale", Fraction(3, 5), Fraction(13, 20))
    assert at.certified
    sw = [cv for cv in at.critical_values if cv.kind == "switch"]
    assert len(sw) == 1
    assert all(p.decided and p.switch_free for p in at.pieces)


ISSUE12_TASKS = [Task(*map(Fraction, ("0.7", "-1.3", "2.5", "0.8", "1.1"))),
                 Task(*map(Fraction, ("0.6", "-1.1", "0.4", "3.0", "0.9", "1.3")))]


def _float_global_W(ts, lo, hi):
    from symlqr.scalar.numeric import scan_local_minima
    Ws, hs = scan_local_minima(ts, lo, hi, n=400_001)
    return float(Ws[np.argmin(hs)]), len(Ws)


def test_issue12_switch_near_0_05208_is_found_and_both_sides_are_labelled_truly():
    """Issue 12: eta in (0.0515, 0.056] holds a global-minimizer switch at
    eta = 0.0520802352111...; the atlas must enclose it and label each side as
    a dense float scan of h sees it (the lowest minimum moves to the other branch)."""
    ts = TaskSet(ISSUE12_TASKS, 1, None)
    at = atlas(ts, "eta", Fraction(103, 2000), Fraction(7, 125))
    assert at.certified
    sw = [cv for cv in at.critical_values if cv.kind == "switch"]
    assert len(sw) == 1 and sw[0].hi - sw[0].lo < Fraction(1, 10**8)
    assert abs(float(sw[0].lo) - 0.0520802352111) < 1e-9
    fam = Family(ts, "eta")
    for pc, eta in ((at.pieces[0], float(sw[0].lo) - 2e-4), (at.pieces[1], float(sw[0].hi) + 2e-4)):
        assert pc.decided
        ls = pc.landscape
        lo, hi = float(ls.domain[0].lo), float(ls.domain[-1].hi)
        w_glob, n_min = _float_global_W(fam.taskset_at(Fraction(eta)), lo + 1e-9, hi - 1e-9)
        assert n_min == 2
        labels = pc.labels()
        glob = [float(p.W) for p, lab in zip(ls.points, labels) if lab == "global min"]
        spur = [float(p.W) for p, lab in zip(ls.points, labels) if lab == "spurious min"]
        assert len(glob) == len(spur) == 1
        assert abs(w_glob - glob[0]) < abs(w_glob - spur[0])
