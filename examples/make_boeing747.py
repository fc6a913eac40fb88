"""Rebuild examples/boeing747_10tasks.json (documented in examples/README.md).

Continuous-time linearized longitudinal Boeing 747 model (level flight at
40,000 ft, 774 ft/s): states (u - u_w, w - w_w, q, theta), inputs (elevator,
throttle); the matrices of Boyd's EE263 "Linear model of a Boeing 747" (also
the GEKKO state-space example). Task 0 is the nominal model; tasks 1-9 scale
every nonzero entry of the first three rows of A and every entry of B by an
independent factor in [0.9, 1.1] (seed 2024). Each is discretized with a zero-order
hold at dt = 0.5 s and rounded to 4 decimals, which are then exact rationals.

    python examples/make_boeing747.py > examples/boeing747_10tasks.json
"""
import json

import numpy as np
import scipy.linalg as sla

A = np.array([[-0.003, 0.039, 0, -0.322],
              [-0.065, -0.319, 7.74, 0],
              [0.020, -0.101, -0.429, 0],
              [0, 0, 1, 0]])
B = np.array([[0.01, 1], [-0.18, -0.04], [-1.16, 0.598], [0, 0]])
DT, SEED, TASKS = 0.5, 2024, 10
NOTE = ("10 tasks of heterogeneous dynamics around the linearized longitudinal Boeing 747 "
        "model (level flight, 40,000 ft, 774 ft/s), entries of A and B scaled by factors in "
        "[0.9, 1.1], ZOH at dt = 0.5 s, rounded to 4 decimals; Q = I, R = I, Sigma0 = I. "
        "Source and construction: examples/README.md, examples/make_boeing747.py")


def text(m):
    return [[f"{v:.4f}".rstrip("0").rstrip(".") if v != 0 else "0" for v in row] for row in m]


def main():
    rng = np.random.default_rng(SEED)
    tasks = []
    for k in range(TASKS):
        Ak, Bk = A, B
        if k:
            Ak = A * (1 + 0.2 * (rng.random(A.shape) - 0.5) * (A != 0) *
                      (np.arange(4)[:, None] < 3))
            Bk = B * (1 + 0.2 * (rng.random(B.shape) - 0.5))
        M = sla.expm(np.block([[Ak, Bk], [np.zeros((2, 6))]]) * DT)
        tasks.append({"A": text(np.round(M[:4, :4], 4)), "B": text(np.round(M[:4, 4:], 4)),
                      "Q": np.eye(4, dtype=int).tolist(), "R": np.eye(2, dtype=int).tolist()})
    doc = {"name": "boeing747-10", "note": NOTE, "eta": "0.001", "tasks": tasks}
    print(json.dumps(doc, indent=1))


if __name__ == "__main__":
    main()
