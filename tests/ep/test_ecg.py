"""Pseudo-ECG: the FE weights against the exact integral, 12-lead algebra, output files, MPI."""

import csv

import numpy as np
import pytest
import ufl
from mpi4py import MPI
from scipy.integrate import dblquad

from heartsim import fem
from heartsim.cli.main import main
from heartsim.config.model import ECGConfig
from heartsim.ep.ecg import ecg_weights
from heartsim.kernels.ecg import TWELVE, twelve_leads

A, B, C = 4.0, 2.0, 1.0
ELECTRODE = (A + 2.0, 0.7, 0.3)
SIGMA, SIGMA_B = 0.1, 0.2


def _exact_linear_x() -> float:
    """phi for v = x (mV, x in mm) on the box [0,A]x[0,B]x[0,C] with sigma = SIGMA I:
    phi = -SIGMA/(4 pi SIGMA_B) * int d/dx(1/r) dV = -SIGMA/(4 pi SIGMA_B) * int [1/r]_{x=0}^{x=A} dy dz
    (the gradient of 1/r with respect to the electrode is minus the one with respect to x)."""
    e = np.asarray(ELECTRODE)

    def f(z, y):
        return 1 / np.linalg.norm([A - e[0], y - e[1], z - e[2]]) - 1 / np.linalg.norm([-e[0], y - e[1], z - e[2]])

    return -SIGMA / (4 * np.pi * SIGMA_B) * dblquad(f, 0, B, 0, C, epsabs=1e-14, epsrel=1e-12)[0]


def _fe_linear_x(n: int, degree: int, comm=MPI.COMM_SELF) -> float:
    mesh = fem.create_box(comm, [0, 0, 0], [A, B, C], [4 * n, 2 * n, n])
    space = fem.lagrange_space(mesh, 1)
    cfg = ECGConfig(electrodes={"E": ELECTRODE}, bath_conductivity=SIGMA_B, quadrature_degree=degree)
    _, weights = ecg_weights(space, ufl.as_matrix((SIGMA * np.eye(3)).tolist()), cfg, "ecg")
    v = space.tabulate_dof_coordinates()[:, 0]
    return comm.allreduce(float(weights[0] @ v), op=MPI.SUM)


def test_linear_field_matches_exact_integral_and_converges():
    exact = _exact_linear_x()
    errors = [abs(_fe_linear_x(n, 2) - exact) / abs(exact) for n in (1, 2, 4)]
    assert errors[-1] < 1e-6, errors
    rates = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert np.all(rates > 3.5), rates  # quadrature error of the smooth 1/r kernel: O(h^4) at degree 2
    assert abs(_fe_linear_x(2, 8) - exact) / abs(exact) < 1e-10


def test_twelve_lead_algebra():
    rng = np.random.default_rng(1)
    phi = {k: rng.normal(size=5) for k in ("RA", "LA", "LL", "V1", "V2", "V3", "V4", "V5", "V6")}
    leads = twelve_leads(phi)
    assert list(leads) == list(TWELVE)
    assert np.allclose(leads["II"], leads["I"] + leads["III"])  # Einthoven's law
    assert np.allclose(leads["aVR"] + leads["aVL"] + leads["aVF"], 0.0)
    wct = (phi["RA"] + phi["LA"] + phi["LL"]) / 3
    assert np.allclose(leads["V3"], phi["V3"] - wct)


def _ecg_case(electrodes):
    return {"mesh": {"generate": "box", "size": [6, 3, 1], "resolution": 0.5},
            "physics": {"ep": {"ionic": {"model": "mitchell_schaeffer"},
                               "stimuli": [{"point": [0.5, 1.5, 0.5], "radius": 0.6}],
                               "outputs": {"ecg": {"electrodes": electrodes}}}},
            "time": {"dt": 0.1, "end": 25}, "output": {"formats": ["xdmf"], "interval": 5}}


TWELVE_ELECTRODES = {"RA": [-30, 20, 0], "LA": [30, 20, 0], "LL": [10, -40, 0],
                     **{f"V{i}": [-5 + 4 * i, -5, 10] for i in range(1, 7)}}


def _read_csv(path):
    with open(path) as f:
        rows = list(csv.reader(f))
    return rows[0], np.array(rows[1:], dtype=float)


def test_run_writes_twelve_lead_csv_and_png(write_config, tmp_path):
    out = tmp_path / "o"
    assert main(["-q", "run", str(write_config(_ecg_case(TWELVE_ELECTRODES))), "--out", str(out)]) == 0
    header, table = _read_csv(out / "ecg.csv")
    assert header[:10] == ["time_ms", *TWELVE_ELECTRODES] and header[10:] == [f"lead_{k}" for k in TWELVE]
    assert table.shape == (250, 22) and np.isclose(table[0, 0], 0.1) and np.isclose(table[-1, 0], 25.0)
    lead_i = table[:, header.index("lead_I")]
    assert np.all(np.isfinite(table)) and np.ptp(lead_i) > 1e-3  # the wave travelling along x shows in lead I
    assert (out / "ecg.png").stat().st_size > 10_000


def test_front_towards_an_electrode_is_a_positive_deflection():
    from heartsim.verification.activation_map import run_case

    problem = run_case(_ecg_case({"ahead": [20, 1.5, 0.5], "behind": [-20, 1.5, 0.5]}), end=6.0)
    trace = problem.ecg_trace()
    problem.destroy()
    ahead, behind = trace[-1]  # at 6 ms the front runs along +x, towards "ahead"
    assert ahead > 0 > behind, (ahead, behind)


def test_electrode_inside_tissue_is_one_line_error(write_config, tmp_path, capsys):
    data = _ecg_case({"far": [20, 0, 0], "in": [3, 1, 0.5]})
    assert main(["run", str(write_config(data)), "--out", str(tmp_path / "o")]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if "error" in line]
    assert len(err) == 1 and "physics.ep.outputs.ecg.electrodes.in: electrode lies inside the tissue" in err[0]


@pytest.mark.mpi
def test_ecg_and_apd_same_on_two_ranks():
    from heartsim.config.loader import validate_data
    from heartsim.ep.monodomain import Monodomain
    from heartsim.kernels.backend import select_backend
    from heartsim.mesh import build_mesh

    data = _ecg_case({"A": [20, 1, 0], "B": [3, -15, 2]})
    data["time"] = {"dt": 0.2, "end": 120.0}
    data["physics"]["ep"]["ionic"]["parameters"] = {"tau_close": 30.0}  # a short action potential
    cfg = validate_data(data, None)
    results = []
    for comm in (MPI.COMM_SELF, MPI.COMM_WORLD):
        problem = Monodomain(build_mesh(cfg.mesh, comm), cfg.physics.ep, cfg.time.dt, cfg.solver.ep_options(),
                             select_backend("numpy"))
        for _ in range(cfg.time.steps()):
            problem.advance()
        results.append((problem.ecg_trace(), problem.apd_range(), problem.activation_extent()))
        problem.destroy()
    (e1, apd1, act1), (e2, apd2, act2) = results
    scale = np.abs(e1).max()
    assert np.abs(e1 - e2).max() <= 1e-4 * scale, (np.abs(e1 - e2).max(), scale)
    assert apd1[0] is not None and abs(apd1[0] - apd2[0]) <= 0.2 and abs(apd1[1] - apd2[1]) <= 0.2
    assert abs(act1[1] - act2[1]) <= 0.2 and np.allclose(act1[3], act2[3])
