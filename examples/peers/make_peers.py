"""Rebuild the task files of the two public MAML-LQR codebases (examples/peers/).

Every number and its source (file and cell/line of the peer repository) is in
examples/README.md, section "peers/". Facts taken, no code copied: the draws
below make the same numpy generator calls as the peers' code, in the same order.

* Toso, Zhan, Anderson, Wang (jd-anderson/MAML-LQR, L4DC 2024): the notebooks
  perturb A, B, Q, R ("sc" setting, M = 10, epsilon 0.01) with unseeded
  ``np.random.randn`` draws, so their tasks cannot be reproduced; we make the same
  generator calls after ``np.random.seed(TOSO_SEED)`` (a seeded draw of ours).
  Two versions of A: the notebooks' (row 2 = [0.01, 4.7, 0, 0]) and the technical
  report's (row 2 = [0.01, 0.47, 4.70, 0]), with the same perturbation draws.
* Pan, Li, Zhu (UnionPan/mamllqr, 2025): seeded (``random_seed = 2025``), so the
  tasks are reproduced: ``np.random.seed(2025)`` (ZOMAML.__init__), then
  ``np.random.rand(2, 4)`` (its discarded initial K), then 9 variants of
  ``normal(0, s, A), normal(0, s, B), normal(0, s, Q), normal(0, s, R)``.

Numbers are written as the shortest decimal that reads back as the same double
(so the exact rational of the file rounds to the peer's float).

    python examples/peers/make_peers.py          # writes the files next to this script
"""
import json
import os
import sys
from decimal import Decimal

import numpy as np
import scipy.linalg as sla

HERE = os.path.dirname(os.path.abspath(__file__))

A_NOTEBOOK = np.array([[1.22, 0.03, -0.02, -0.32], [0.01, 4.7, 0., 0.],
                       [0.02, -0.06, 0.4, 0.], [0.01, -0.04, 0.72, 1.55]])
A_REPORT = np.array([[1.22, 0.03, -0.02, -0.32], [0.01, 0.47, 4.70, 0.],
                     [0.02, -0.06, 0.40, 0.], [0.01, -0.04, 0.72, 1.55]])
B_BOEING = np.array([[0.01, 0.99], [-3.44, 1.66], [-0.83, 0.44], [-0.47, 0.25]])
X0_TOSO_TEXT = ("0.25", "0.55", "0.35", "0.45")
X0_TOSO = np.array([float(v) for v in X0_TOSO_TEXT])
K0_TOSO_NOTEBOOK = np.array([[0.61343269, -1.53543838, 0.30279836, 0.39631415],
                             [0.88802018, 0.60382034, -0.14729954, -0.58220629]])
K0_TOSO_REPORT = np.array([[0.613, -1.535, 0.303, 0.396], [0.888, 0.604, -0.147, -0.582]])
TOSO_SEED, TOSO_M, TOSO_EPS, TOSO_ETA = 0, 10, 0.01, "0.000008"
PAN_SEED, PAN_M, PAN_NOISE, PAN_ETA = 2025, 10, "0.05", "0.0008"
PAN_SCALES = {"1e-3": 1e-3, "1.1e-4": 1.1e-4}


def text(m) -> list:
    """Rows of shortest round-trip decimals (``repr`` of each double)."""
    def one(v):
        r = repr(float(v)) if v != 0 else "0"
        return r[:-2] if r.endswith(".0") else r
    return [[one(v) for v in row] for row in np.atleast_2d(m)]


def toso_perturbed(rs, M0, n: int, eps: float, symmetric: bool = False) -> list:
    """The notebooks' ``generate_perturbed_samples`` draws: ``M0`` then ``n - 1``
    samples ``M0 + 0.6 eps P/||P||_2`` (``P`` Gaussian, symmetrized for Q and R),
    each redrawn until its spectral distance to every earlier sample is < eps."""
    out = [M0]
    for _ in range(n - 1):
        while True:
            P = rs.randn(*M0.shape)
            if symmetric:
                P = (P + P.T) / 2
            cand = M0 + P / np.linalg.norm(P, ord=2) * eps * 0.6
            if all(np.linalg.norm(cand - o, ord=2) < eps for o in out):
                out.append(cand)
                break
    return out


def toso_tasks(A, seed: int = TOSO_SEED):
    """``(A_i, B_i, Q_i, R_i)`` of the "sc" setting, in the notebooks' order of
    calls: A, B, Q (symmetric), R (symmetric), all with epsilon 0.01."""
    rs = np.random.RandomState(seed)
    As = toso_perturbed(rs, A, TOSO_M, TOSO_EPS)
    Bs = toso_perturbed(rs, B_BOEING, TOSO_M, TOSO_EPS)
    Qs = toso_perturbed(rs, np.eye(4), TOSO_M, TOSO_EPS, True)
    Rs = toso_perturbed(rs, np.eye(2), TOSO_M, TOSO_EPS, True)
    return list(zip(As, Bs, Qs, Rs))


def pan_nominal():
    """Boeing A scaled by ``1 / (1.1 max |eig A|)`` (envs/Boeing.py), B unscaled."""
    rho = np.max(np.abs(np.linalg.eigvals(A_NOTEBOOK)))
    return A_NOTEBOOK / (1.1 * rho), B_BOEING.copy()


def pan_tasks(scale: float, seed: int = PAN_SEED):
    """The nominal task and 9 variants (envs/Boeing.py get_task_variants) after the
    seeded calls of ZOMAML.__init__. The eigenvalue clamp of Q and R (eigh, floor
    1e-6) is not applied: no eigenvalue is near it (checked), and its reconstruction
    changes only the last bits and breaks exact symmetry."""
    rs = np.random.RandomState(seed)
    rs.rand(2, 4)
    A, B = pan_nominal()
    out = [(A, B, np.eye(4), np.eye(2))]
    for _ in range(PAN_M - 1):
        Ap = A + rs.normal(0, scale, A.shape)
        Bp = B + rs.normal(0, scale, B.shape)
        if np.max(np.real(np.linalg.eigvals(Ap))) >= 1.0:
            raise AssertionError("the variant rescaling of envs/Boeing.py would apply")
        Qn = rs.normal(0, scale, (4, 4))
        Rn = rs.normal(0, scale, (2, 2))
        Qp, Rp = np.eye(4) + (Qn + Qn.T) / 2, np.eye(2) + (Rn + Rn.T) / 2
        assert min(np.linalg.eigvalsh(Qp).min(), np.linalg.eigvalsh(Rp).min()) > 1e-3
        out.append((Ap, Bp, Qp, Rp))
    return out


def pan_initial_gains(rounds: int = 10, seed: int = PAN_SEED):
    """``K_init`` of rounds ``0 .. rounds-1`` (experimental_comparison.py
    run_multiple_rounds: seed ``2025 + round``, ``K_opt + 0.25 normal(0, 0.5)``)."""
    A, B = pan_nominal()
    P = sla.solve_discrete_are(A, B, np.eye(4), np.eye(2))
    K = np.linalg.inv(np.eye(2) + B.T @ P @ B) @ (B.T @ P @ A)
    out = []
    for k in range(rounds):
        rs = np.random.RandomState(seed + k)
        out.append(K + 0.25 * rs.normal(0, 0.5, (2, 4)))
    return out


def document(name, note, eta, tasks, sigma0):
    return {"name": name, "note": note, "eta": eta,
            "tasks": [{"A": text(A), "B": text(B), "Q": text(Q), "R": text(R),
                       "Sigma0": sigma0} for A, B, Q, R in tasks]}


def rho(A, B, K) -> float:
    return float(np.max(np.abs(np.linalg.eigvals(A - B @ K))))


def documents() -> dict:
    """``{file name: JSON document}`` of every task file and of ``K0.json``."""
    x0x0 = [[str(Decimal(a) * Decimal(b)) for b in X0_TOSO_TEXT] for a in X0_TOSO_TEXT]
    quarter = [["0.25" if i == j else "0" for j in range(4)] for i in range(4)]
    pan_sigma = [[PAN_NOISE if i == j else "0" for j in range(4)] for i in range(4)]
    src = "see examples/README.md (peers/) and examples/peers/make_peers.py"
    docs = {
        "toso_notebook_A.json": document(
            "toso-notebook-A", "Toso et al. (jd-anderson/MAML-LQR) notebooks' A, 'sc' tasks "
            f"(eps 0.01; unseeded there, our seeded draw seed {TOSO_SEED}), Sigma0 = x0 x0' "
            f"(x0 = [0.25, 0.55, 0.35, 0.45], rank one), eta = 8e-6; {src}",
            TOSO_ETA, toso_tasks(A_NOTEBOOK), x0x0),
        "toso_notebook_A_zo.json": document(
            "toso-notebook-A-zo", "as toso_notebook_A.json with Sigma0 = E[x0 x0'] = 1/4 1 1' + "
            "1e-6 I, the covariance of the x0 ~ N(0.5, 1e-3) that the notebooks' zeroth-order "
            f"estimators draw per direction; {src}", TOSO_ETA, toso_tasks(A_NOTEBOOK),
            [["0.250001" if i == j else "0.25" for j in range(4)] for i in range(4)]),
        "toso_report_A.json": document(
            "toso-report-A", "Toso et al. technical report's A (row 2 = [0.01, 0.47, 4.70, "
            "0]), the same perturbation draws as toso_notebook_A.json, Sigma0 = I/4 (report: "
            f"X0 = N(0, I/4)), eta = 8e-6; {src}", TOSO_ETA, toso_tasks(A_REPORT), quarter)}
    for tag, s in PAN_SCALES.items():
        docs[f"pan_zomaml_{tag}.json"] = document(
            f"pan-zomaml-{tag}", f"Pan et al. (UnionPan/mamllqr) Boeing A scaled to spectral "
            f"radius 1/1.1, 10 tasks perturbed by {tag} (seed 2025, reproduced), Q = R = I "
            f"(+ perturbation), Sigma0 = 0.05 I, eta = 8e-4 (ZOMAML inner step); {src}",
            PAN_ETA, pan_tasks(s), pan_sigma)
    Ap, Bp = pan_nominal()
    K0p = pan_initial_gains()
    docs["K0.json"] = {
        "note": "published starting gains and the spectral radius of A - B K0 (floats, "
                "measured by make_peers.py); sources in examples/README.md",
        "toso_notebook": {"K0": text(K0_TOSO_NOTEBOOK),
                          "rho_notebook_A": rho(A_NOTEBOOK, B_BOEING, K0_TOSO_NOTEBOOK),
                          "rho_report_A": rho(A_REPORT, B_BOEING, K0_TOSO_NOTEBOOK)},
        "toso_report": {"K0": text(K0_TOSO_REPORT),
                        "rho_notebook_A": rho(A_NOTEBOOK, B_BOEING, K0_TOSO_REPORT),
                        "rho_report_A": rho(A_REPORT, B_BOEING, K0_TOSO_REPORT)},
        "pan_rounds": [{"round": k, "seed": PAN_SEED + k, "K0": text(K),
                        "rho_nominal": rho(Ap, Bp, K)} for k, K in enumerate(K0p)]}
    return docs


def dumps(doc) -> str:
    """JSON with one task (or one gain) per line group and one matrix row per line."""
    def value(v, ind):
        if isinstance(v, dict):
            inner = ",\n".join(f"{ind} {json.dumps(k)}: {value(x, ind + ' ')}"
                               for k, x in v.items())
            return "{\n" + inner + "\n" + ind + "}"
        if isinstance(v, list) and v and isinstance(v[0], dict):
            return "[\n" + ",\n".join(ind + " " + value(x, ind + " ") for x in v) + "]"
        return json.dumps(v)
    return value(doc, "") + "\n"


def main(out_dir: str = HERE) -> None:
    for fname, doc in documents().items():
        with open(os.path.join(out_dir, fname), "w") as f:
            f.write(dumps(doc))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else HERE)
