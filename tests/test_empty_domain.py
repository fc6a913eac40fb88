"""An empty domain says which tasks' stable sets do not meet (issue 18), checked
by a float scan of the two tasks' stability conditions and by certifying the
pair alone."""
import json
import subprocess
import sys
from fractions import Fraction

import numpy as np

from symlqr.distributions import Distribution
from symlqr.scalar.engines import certify_landscape
from symlqr.scalar.numeric import gradient_float
from symlqr.tasks import TaskSet

SPEC = "A=uniform(-1.5,1.5),B=uniform(0.5,2),Q=1,R=1"


def _stable_float(t, eta, W):
    """W and the adapted F(W) both stabilize task t (floats)."""
    A, B = float(t.A), float(t.B)
    F = W - float(eta) * gradient_float(W, t, t.s0_adapt)
    with np.errstate(invalid="ignore"):
        return (np.abs(A - B * W) < 1) & (np.abs(A - B * F) < 1)


def test_the_json_and_text_name_two_tasks_whose_stable_sets_do_not_meet():
    r = subprocess.run([sys.executable, "-m", "symlqr.certify", "--distribution", SPEC,
                        "--n", "50", "--seed", "1", "--eta", "0.05", "--json"],
                       capture_output=True, text=True, timeout=300)
    doc = json.loads(r.stdout)
    assert doc["domain"] == [] and r.returncode == 0
    j, m = doc["empty_domain"]["tasks"]
    ts = Distribution.parse(SPEC).with_(n=50, seed=1).taskset(Fraction(1, 20))
    W = np.linspace(-3, 3, 600_001)
    both = _stable_float(ts.tasks[j - 1], ts.eta, W) & _stable_float(ts.tasks[m - 1], ts.eta, W)
    assert not both.any()
    pair = certify_landscape(TaskSet([ts.tasks[j - 1], ts.tasks[m - 1]], ts.eta))
    assert pair.domain == [] and pair.certified
    assert pair.to_dict()["empty_domain"]["tasks"] == [1, 2]
    text = subprocess.run([sys.executable, "-m", "symlqr.certify", "--distribution", SPEC,
                           "--n", "50", "--seed", "1", "--eta", "0.05"],
                          capture_output=True, text=True, timeout=300).stdout
    assert f"the stable sets of tasks {j} and {m} do not meet" in text


def test_a_nonempty_domain_has_no_such_entry():
    from symlqr.tasks import figure
    assert "empty_domain" not in certify_landscape(figure("fig2")).to_dict()
