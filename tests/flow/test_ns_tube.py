"""Navier-Stokes in a straight tube, end to end through ``heartsim run``: Poiseuille velocity and
pressure drop, RCR outlet pressure, mass conservation, wall force = pressure drop x area, outputs.

Tube: radius R = 1 mm, length L = 4 mm, rho = 1 mg/mm^3, mu = 1 kPa ms, Q = 1 mm^3/ms (Re = 0.6).
Poiseuille (with R_eff = sqrt(A/pi) of the meshed polygonal cap): u_max = 2 Q / (pi R^2),
dp = 8 mu L Q / (pi R^4). RCR outlet at steady flow: P = (R_p + R_d) Q + P_v.
"""

import json
import math
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from ns_meshes import tube_msh  # noqa: E402

from heartsim.cli.main import main  # noqa: E402

R, L, Q, MU = 1.0, 4.0, 1.0, 1.0
RP, RD, C = 0.5, 2.0, 0.05


def case(mesh: Path) -> dict:
    return {
        "name": "tube",
        "mesh": {"file": str(mesh)},
        "physics": {"flow": {
            "fluid": {"density": "1 mg/mm^3", "viscosity": "1 kPa*ms"},
            "inlet": {"waveform": {"constant": "1 mL/s"}, "ramp": "0.5 ms"},
            "outlets": {"outlet": {"type": "rcr", "proximal_resistance": RP, "compliance": C,
                                   "distal_resistance": RD}},
            "force_regions": {"middle": {"box": {"min": [1.5, -2, -2], "max": [2.5, 2, 2]}}},
            "numerics": {"steady_tolerance": 2e-4},
        }},
        "time": {"dt": "0.2 ms", "end": "8 ms"},
        "output": {"formats": ["xdmf"], "interval": "2 ms"},
    }


@pytest.fixture(scope="module")
def tube_run(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tube")
    mesh = tube_msh(folder / "tube.msh", R, L, 0.4)
    import yaml

    config = folder / "case.yaml"
    config.write_text(yaml.safe_dump(case(mesh)))
    out = folder / "out"
    assert main(["run", str(config), "--out", str(out)]) == 0
    return out


def _rows(path: Path) -> list[dict]:
    import csv

    with path.open() as f:
        return list(csv.DictReader(f))


def test_outputs_and_summary(tube_run):
    summary = json.loads((tube_run / "summary.json").read_text())
    assert summary["status"] == "completed"
    for name in ("velocity.xdmf", "pressure.xdmf", "wss.xdmf", "tawss_osi.xdmf", "boundaries.csv", "forces.csv"):
        assert (tube_run / name).exists(), name
    assert summary["final"]["flow_split"]["outlet"] == pytest.approx(1.0, abs=5e-3)
    assert "split outlet" in summary["headline"]
    # the mean over the averaging window (constant inflow: the whole run) carries the prescribed 1 mL/s
    assert summary["window"]["flow_split"]["outlet"] == pytest.approx(1.0, abs=1e-6)
    assert -summary["window"]["mean_flow_mL_s"]["inlet"] == pytest.approx(1.0, rel=0.1)


def test_poiseuille_pressure_drop_and_rcr_pressure(tube_run):
    row = _rows(tube_run / "boundaries.csv")[-1]
    # exact drop for the meshed cross-section; the polygonal cap is slightly smaller than pi R^2
    summary = json.loads((tube_run / "summary.json").read_text())
    area = summary["inlet_area_mm2"]
    r_eff = math.sqrt(area / math.pi)
    exact = 8 * MU * L * Q / (math.pi * r_eff ** 4)
    assert float(row["dp_inlet_outlet_kPa"]) == pytest.approx(exact, rel=0.03)
    assert float(row["pressure_outlet_kPa"]) == pytest.approx((RP + RD) * Q, rel=0.01)


def test_mass_conserved_at_every_step(tube_run):
    """The discrete projection makes B u = 0 against every P1 function, the constant included: inflow
    equals outflow to solver tolerance at every step, the start-up ramp included."""
    rows = _rows(tube_run / "boundaries.csv")
    assert len(rows) >= 10
    assert max(abs(float(r["mass_imbalance"])) for r in rows) < 1e-6


def test_wall_force_balances_pressure_drop(tube_run):
    """Axial momentum over a tube segment of length 1: the shear force on its wall equals the
    pressure drop over it times the cross-section, dp/L * A."""
    summary = json.loads((tube_run / "summary.json").read_text())
    force = summary["final"]["forces_mN"]["middle"]
    row = _rows(tube_run / "boundaries.csv")[-1]
    expected = float(row["dp_inlet_outlet_kPa"]) / L * 1.0 * summary["inlet_area_mm2"]
    assert force[0] == pytest.approx(expected, rel=0.05)
    assert abs(force[1]) < 0.05 * force[0] and abs(force[2]) < 0.05 * force[0]
