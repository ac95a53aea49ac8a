"""Biventricular coupling: LV and RV of configs/biv-beat.yaml both 3D cavities of the closed loop.

* the coupling algorithm on a linear "3D" model with a full 2 x 2 compliance matrix (septal cross term):
  every step meets |V_3D - V_0D| <= tol per chamber, the pressures equal a direct solve, the 0D blood
  volume is conserved, and one chamber alone gives the scalar secant iteration's numbers;
* a CI-sized window of the BiV case (prescribed calcium, 4 steps of 2 ms): both chambers within the
  volume tolerance at every step, 0D blood volume conserved, both pressures rise in isovolumic
  contraction, per-chamber pv.csv/convergence.csv/summary.json and the PV-loop PNG; stopped after one
  step and restarted, the same tables;
* bad input: a chamber named twice, an unknown chamber, both config forms, RV tags missing in the mesh.
"""

import csv
import json
import logging
from pathlib import Path

import numpy as np
import pytest
import yaml
from mpi4py import MPI

from heartsim.cli.main import main
from heartsim.config.circulation import CirculationConfig
from heartsim.config.loader import load_config
from heartsim.electromechanics.cavity0d import ChamberCoupling
from tests.electromechanics.tables import rows_without_wall_times
from tests.electromechanics.test_beat import apply_changes
from heartsim.runtime.signals import StopAfter
from heartsim.simulation.electromechanics_run import run_electromechanics
from heartsim.simulation.run_folder import Checkpointed

REPO = Path(__file__).resolve().parents[2]
MMHG = 7.500616827
LOG = logging.getLogger("test")


def biv_config(tmp_path, **changes):
    """configs/biv-beat.yaml CI-sized: prescribed calcium (fast rise), 2 ms steps, 8 ms, preload near the
    atrial pressures (so that both valves close within the window), two preload steps."""
    data = yaml.safe_load((REPO / "configs" / "biv-beat.yaml").read_text())
    data["mesh"]["file"] = str(REPO / "meshes" / "biv_ellipsoid_human.xdmf")
    del data["physics"]["ep"]
    em = data["physics"]["electromechanics"]
    em["calcium"] = {"source": "transient", "time_to_peak": "8 ms", "peak": "2 uM"}
    em["dt"] = "2 ms"
    em["output_interval"] = "8 ms"
    em["preload"] = {"pressure": "13 mmHg", "steps": 2}
    em["coupling"]["chambers"][1]["preload_pressure"] = "6.5 mmHg"
    data["time"] = {"dt": "0.05 ms", "end": "8 ms"}
    apply_changes(data, changes)
    path = tmp_path / "biv.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


class LinearCavities:
    """A stand-in 3D model: V = V_ref(t) + C p (mm³, kPa), C symmetric positive definite with a septal
    cross term, the unstressed volumes V_ref shrinking by ``squeeze`` sin²(pi t / 300 ms) in the first
    300 ms (a contraction); counts its solves."""

    def __init__(self, v_ref, compliance, squeeze):
        self.v_ref, self.C, self.squeeze = np.asarray(v_ref, float), np.asarray(compliance, float), np.asarray(squeeze, float)
        self.t, self.solves = 0.0, 0

    def volumes(self, p):
        shrink = np.sin(np.pi * min(self.t, 300.0) / 300.0) ** 2
        return self.v_ref - self.squeeze * shrink + self.C @ np.atleast_1d(p)

    def __call__(self, p):
        self.solves += 1
        v = self.volumes(p)
        return True, (v if np.ndim(p) else float(v[0])), 1, ""


def test_two_chamber_newton_on_a_linear_model():
    circ = CirculationConfig(model="closed_loop")
    model = LinearCavities([110e3, 90e3], [[3e3, -0.6e3], [-0.6e3, 5e3]], [50e3, 30e3])
    coupling = ChamberCoupling(circ, ("LV", "RV"), tol=1e-3)
    p0 = np.array([1.0, 0.5])
    coupling.start(model.volumes(p0), p0)
    total0 = coupling.outputs()["V_total"]
    peaks = {"LV": 0.0, "RV": 0.0}
    for n in range(200):  # 400 ms: filling, isovolumic contraction, ejection, relaxation
        model.t = 2.0 * (n + 1)
        info = coupling.step(2.0, model)
        o = coupling.outputs()
        v3d = model.volumes([info.pressures["LV"], info.pressures["RV"]])
        for i, c in enumerate(("LV", "RV")):
            assert abs(v3d[i] - o[f"V_{c}"]) <= 1e-3 + 1e-9
            assert info.residuals[c] <= 1e-3
            peaks[c] = max(peaks[c], o[f"p_{c}"])
        assert abs(o["V_total"] - total0) < 1e-6 * total0
    # both ventricles ejected: their pressure passed the arterial ones (80 and 35 mmHg at the start)
    assert peaks["LV"] * MMHG > 80 and peaks["RV"] * MMHG > 20
    # the Broyden-updated compliance matrix has learnt the cross term
    assert np.allclose(coupling.compliance, model.C, rtol=0.1, atol=100)
    assert model.solves < 200 * 2.5  # about one Newton update per step after the first


def test_one_chamber_is_the_scalar_secant():
    """One chamber: float pressures in and out, the probe then the secant, as the scalar iteration."""
    circ = CirculationConfig(model="closed_loop")
    calls = []

    def solve3d(p):
        assert isinstance(p, float)
        calls.append(p)
        return True, 120e3 + 8e3 * p + 300 * p * p, 2, ""

    coupling = ChamberCoupling(circ, "LV", tol=1e-3)
    coupling.start(120e3 + 8e3 + 300, 1.0)
    info = coupling.step(1.0, solve3d)
    assert calls[:2] == [1.0, 1.05]  # the predictor (last pressure), then the compliance probe
    assert coupling.compliance.shape == (1, 1) and info.residual <= 1e-3 and info.newton_iterations == 2 * len(calls)
    state = coupling.get_state()
    assert isinstance(state["p"], float) and isinstance(state["compliance"], float)


def test_biv_window_couples_both_chambers(tmp_path):
    cfg = load_config(biv_config(tmp_path))
    out = tmp_path / "out"
    run_electromechanics(cfg, out, MPI.COMM_SELF, LOG)
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "completed" and summary["steps"] == 4
    assert {"pv.csv", "convergence.csv", "pv_loop.png", "traces.png"} <= set(summary["outputs"])
    tol = summary["volume_tolerance_mm3"]
    conv = list(csv.DictReader(open(out / "convergence.csv")))
    for r in conv:
        for c in ("LV", "RV"):
            assert float(r[f"volume_residual_{c}_mm3"]) <= tol
        assert 1 <= int(r["pressure_iterations"]) <= 20
    rows = list(csv.DictReader(open(out / "pv.csv")))
    for r in rows:
        for c in ("LV", "RV"):
            assert abs(float(r[f"V_3D_{c}_mL"]) - float(r[f"V_{c}_mL"])) * 1e3 <= tol + 1e-9
    total = [float(r["V_total_mL"]) for r in rows]
    assert max(total) - min(total) < 1e-6 * total[0]  # mL: 0D blood volume conserved
    for c, p_ed in (("LV", 13.0), ("RV", 6.5)):
        assert abs(float(rows[0][f"p_{c}_mmHg"]) - p_ed) < 1e-3
        # the coupled steps (row 0 is the preloaded state: with the loop's start state the LV valves
        # are closed there already, and Ta has hardly risen by the first step)
        iso = [float(r[f"p_{c}_mmHg"]) for r in rows[1:] if r[f"phase_{c}"] == "isovolumic_contraction"]
        assert len(iso) >= 2 and all(b > a + 1.0 for a, b in zip(iso, iso[1:])), (c, iso)
        volumes = [float(r[f"V_{c}_mL"]) for r in rows if r[f"phase_{c}"] == "isovolumic_contraction"]
        assert max(volumes) - min(volumes) < 0.05  # mL: valves closed, volume held
        beat = summary["chambers"][c]["beats"][0]
        assert beat["peak_pressure_mmHg"] == pytest.approx(max(float(r[f"p_{c}_mmHg"]) for r in rows[1:]), abs=0.01)
        assert summary["chambers"][c]["preload_volume_mL"] == pytest.approx(float(rows[0][f"V_{c}_mL"]), abs=1e-3)
    assert summary["beats"] == summary["chambers"]["LV"]["beats"]
    # the LV (thick wall, higher afterload path) builds more pressure than the RV
    assert float(rows[-1]["p_LV_mmHg"]) > float(rows[-1]["p_RV_mmHg"])


def test_biv_restart_equals_uninterrupted(tmp_path):
    """Stopped after 1 of 2 steps and continued: the same tables row for row (the pressure vector, the 2 x 2
    compliance matrix and the 0D state of both chambers are in the checkpoint)."""
    cfg = load_config(biv_config(tmp_path, **{"time.end": "4 ms"}))
    run_electromechanics(cfg, tmp_path / "whole", MPI.COMM_SELF, LOG)
    split = tmp_path / "split"
    with pytest.raises(Checkpointed):
        run_electromechanics(cfg, split, MPI.COMM_SELF, LOG, stop=StopAfter(1))
    again = run_electromechanics(cfg, split, MPI.COMM_SELF, LOG, restart=True)
    assert again["restarts"] == 1 and again["steps"] == 2
    for name in ("pv.csv", "convergence.csv"):
        assert rows_without_wall_times(split / name) == rows_without_wall_times(tmp_path / "whole" / name), name


@pytest.mark.parametrize("coupling, words", [
    ({"chambers": [{"chamber": "LV", "cavity_tags": ["lv_endo"]}, {"chamber": "LV", "cavity_tags": ["rv_endo"]}]},
     ["physics.electromechanics.coupling.chambers", "LV named twice"]),
    ({"chambers": [{"chamber": "LV", "cavity_tags": ["lv_endo"]}, {"chamber": "RA", "cavity_tags": ["rv_endo"]}]},
     ["physics.electromechanics.coupling.chambers[1].chamber"]),
    ({"chamber": "LV", "chambers": [{"chamber": "LV", "cavity_tags": ["lv_endo"]}]},
     ["physics.electromechanics.coupling.chambers", "not both"]),
    ({"chambers": [{"chamber": "LV", "cavity_tags": ["lv_endo"]}, {"chamber": "RV", "cavity_tags": ["lv_endo"]}]},
     ["physics.electromechanics.coupling.chambers", "more than one chamber"]),
])
def test_bad_chambers_are_one_line(tmp_path, capsys, coupling, words):
    assert main(["validate", str(biv_config(tmp_path, **{"physics.electromechanics.coupling": coupling}))]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and all(w in err[0] for w in words), err


def test_rv_tags_missing_in_the_mesh(tmp_path, capsys):
    """The LV ellipsoid has no rv_endo: the run stops before writing anything, naming the RV's key."""
    cfg = biv_config(tmp_path, **{"mesh.file": str(REPO / "meshes" / "lv_ellipsoid_human.xdmf"),
                                  "fibers": {"method": "analytic", "short_radii": ["24.5 mm", "35 mm"],
                                             "long_radii": ["59.5 mm", "70 mm"]},
                                  "physics.electromechanics.coupling.chambers": [
                                      {"chamber": "LV", "cavity_tags": ["endo"]},
                                      {"chamber": "RV", "cavity_tags": ["rv_endo"]}]})
    assert main(["-q", "run", str(cfg), "--out", str(tmp_path / "x")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "physics.electromechanics.coupling.chambers[1].cavity_tags" in err[0] and "rv_endo" in err[0], err
    assert not (tmp_path / "x").exists()
