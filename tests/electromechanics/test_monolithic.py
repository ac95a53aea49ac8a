"""The monolithic (bordered) Newton of the coupled step (``coupling.method: monolithic``) against the pressure
iteration, on the CI-sized ellipsoid beat (prescribed calcium, 2 ms steps, filling into isovolumic
contraction) and the CI-sized BiV case:

* the same volumes and pressures to the coupling tolerance (each method meets |V_3D - V_0D| <= 1 mm³ at
  every step, so the two 3D volumes may differ by up to 2 mm³ and the pressures by what that volume
  takes, ~C⁻¹ 2 mm³), every step converged by the bordered Newton itself (no fallback to the pressure
  iteration: one "pressure iteration" per step) and the Jacobian kept across steps (fewer
  factorisations than steps);
* 1 vs 2 ranks (`-m mpi`): the same loop to solver tolerance (as tests/electromechanics/test_beat_mpi.py);
* stopped after two steps and restarted: the same tables to the Newton tolerance (not bit for bit: the
  restarted run builds its Jacobian afresh at its first step, the uninterrupted run keeps an older
  one, so the converged states differ by the Newton tolerance, relative ~1e-9).
"""

import csv
import logging

import pytest
from mpi4py import MPI

from heartsim.config.loader import load_config
from heartsim.runtime.signals import StopAfter
from heartsim.simulation.electromechanics_run import run_electromechanics
from heartsim.simulation.run_folder import Checkpointed
from tests.electromechanics.test_beat import beat_config
from tests.electromechanics.test_beat_mpi import pv_rows_on_one_and_two_ranks
from tests.electromechanics.test_biv import biv_config

LOG = logging.getLogger("test")
MONOLITHIC = {"physics.electromechanics.coupling.method": "monolithic"}


def _tables(out):
    return list(csv.DictReader(open(out / "pv.csv"))), list(csv.DictReader(open(out / "convergence.csv")))


def _run(make_config, folder, changes):
    folder.mkdir()
    cfg = load_config(make_config(folder, **changes))
    run_electromechanics(cfg, folder / "out", MPI.COMM_SELF, LOG)
    return _tables(folder / "out")


def _same_loop(ref, got, chambers, dv_ml, dp_mmhg):
    """``chambers``: (phase column, chamber name) pairs."""
    assert len(ref) == len(got)
    for a, b in zip(ref, got):
        for phase, c in chambers:
            assert a[phase] == b[phase], (a, b)
            assert abs(float(a[f"V_{c}_mL"]) - float(b[f"V_{c}_mL"])) <= dv_ml, (c, a, b)
            assert abs(float(a[f"p_{c}_mmHg"]) - float(b[f"p_{c}_mmHg"])) <= dp_mmhg, (c, a, b)


def _bordered_converged_every_step(conv):
    assert all(int(r["pressure_iterations"]) == 1 for r in conv)  # no fallback to the pressure iteration
    assert all(float(r["volume_residual_mm3"]) <= 1.0 for r in conv)
    assert sum(int(r["factorisations"]) for r in conv) < len(conv)  # the Jacobian kept across steps


def test_monolithic_equals_pressure_iteration_on_the_ellipsoid(tmp_path):
    changes = {"time.end": "16 ms", "physics.electromechanics.coupling.method": "pressure_iteration"}
    ref, ref_conv = _run(beat_config, tmp_path / "iteration", changes)
    got, conv = _run(beat_config, tmp_path / "monolithic", {**changes, **MONOLITHIC})
    assert "factorisations" not in ref_conv[0]
    assert {r["phase"] for r in ref} == {"filling", "isovolumic_contraction"}
    _same_loop(ref, got, [("phase", "LV")], dv_ml=2e-3, dp_mmhg=0.02)
    _bordered_converged_every_step(conv)
    assert sum(int(r["newton_iterations"]) for r in conv) < sum(int(r["newton_iterations"]) for r in ref_conv)


def test_monolithic_equals_pressure_iteration_on_the_biv(tmp_path):
    changes = {"time.end": "2 ms", "physics.electromechanics.coupling.method": "pressure_iteration"}
    ref, _ = _run(biv_config, tmp_path / "iteration", changes)
    got, conv = _run(biv_config, tmp_path / "monolithic", {**changes, **MONOLITHIC})
    _same_loop(ref, got, [("phase_LV", "LV"), ("phase_RV", "RV")], dv_ml=2e-3, dp_mmhg=0.05)
    assert all(int(r["pressure_iterations"]) == 1 for r in conv)
    assert all(float(r[f"volume_residual_{c}_mm3"]) <= 1.0 for r in conv for c in ("LV", "RV"))


def test_monolithic_restart_equals_uninterrupted_to_newton_tolerance(tmp_path):
    cfg = load_config(beat_config(tmp_path, **{"time.end": "8 ms", **MONOLITHIC}))
    run_electromechanics(cfg, tmp_path / "whole", MPI.COMM_SELF, LOG)
    out = tmp_path / "split"
    with pytest.raises(Checkpointed):
        run_electromechanics(cfg, out, MPI.COMM_SELF, LOG, stop=StopAfter(2))
    run_electromechanics(cfg, out, MPI.COMM_SELF, LOG, restart=True)
    whole, split = _tables(tmp_path / "whole")[0], _tables(out)[0]
    _same_loop(whole, split, [("phase", "LV")], dv_ml=1e-6, dp_mmhg=1e-5)


@pytest.mark.mpi
def test_monolithic_two_ranks_equal_one(tmp_path_factory):
    one, two = pv_rows_on_one_and_two_ranks(beat_config, tmp_path_factory, **{"time.end": "6 ms", **MONOLITHIC})
    assert len(one) == len(two) == 4
    _same_loop(one, two, [("phase", "LV")], dv_ml=1e-4, dp_mmhg=1e-3)
