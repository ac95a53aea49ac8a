"""The monolithic coupled step (``coupling.method: monolithic``) on the paths test_monolithic.py leaves out:

* the fallback: a step the bordered Newton cannot converge (held here to one iteration) is taken by the
  pressure iteration from the step's start: every step still converges, convergence.csv reports the
  fallback (column ``fallback`` 1) and the log says so, and the loop is the pressure iteration's run's to
  the coupling tolerance (not bit for bit: after the bordered attempt the step's Newton
  solves take other iterates);
* a free base (``base_condition: free``: the cavity closed at the centroid of the deformed base, whose
  dependence on u the border c leaves out, so the bordered iteration is a quasi-Newton one) and the
  incompressible Taylor-Hood formulation (P2-P1, c without a pressure block): the same loop as the
  pressure iteration to the coupling tolerance (each method meets |V_3D - V_0D| <= 1 mm³, so the 3D
  volumes may differ by 2 mm³ and the pressures by what that takes), one coupled solve per step.
"""

import logging

import pytest

from heartsim.electromechanics.bordered import BorderedNewton
from tests.electromechanics.test_beat import REPO, beat_config
from tests.electromechanics.test_monolithic import MONOLITHIC, _run, _same_loop

EM = "physics.electromechanics"
ITERATION = {f"{EM}.coupling.method": "pressure_iteration"}


class _Records(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def test_bordered_failure_falls_back_to_the_pressure_iteration(tmp_path, monkeypatch):
    changes = {"time.end": "6 ms"}
    ref, ref_conv = _run(beat_config, tmp_path / "iteration", {**changes, **ITERATION})
    init = BorderedNewton.__init__

    def one_iteration(self, *args, **kwargs):
        init(self, *args, **kwargs)
        self.max_iterations = 1

    monkeypatch.setattr(BorderedNewton, "__init__", one_iteration)
    # a handler of its own on the module's logger: the CLI of earlier tests may have stopped propagation
    logger, records = logging.getLogger("heartsim.electromechanics.bordered"), _Records()
    level = logger.level
    logger.setLevel(logging.INFO)
    logger.addHandler(records)
    try:
        got, conv = _run(beat_config, tmp_path / "fallback", {**changes, **MONOLITHIC})
    finally:
        logger.removeHandler(records)
        logger.setLevel(level)
    assert len(conv) == 3
    assert [r["fallback"] for r in conv] == ["1"] * 3  # reported: the pressure iteration took every step
    assert [r["factorisations"] for r in conv] == [""] * 3  # the column is there even when the first step fell back
    assert sum("bordered Newton failed" in m for m in records.messages) == 3
    assert all(float(r["volume_residual_mm3"]) <= 1.0 for r in conv)
    assert "fallback" not in ref_conv[0]
    _same_loop(ref, got, [("phase", "LV")], dv_ml=2e-3, dp_mmhg=0.02)


def _one_solve_per_step(conv):
    assert all(int(r["pressure_iterations"]) == 1 and r["fallback"] == "0" for r in conv)
    assert all(float(r["volume_residual_mm3"]) <= 1.0 for r in conv)


def test_monolithic_with_a_free_base(tmp_path):
    """On the 10 mm ellipsoid (1,182 dofs): the free base's quasi-Newton rebuilds K at most iterations."""
    changes = {"time.end": "4 ms", "physics.mechanics.boundary.base_condition": "free",
               "mesh": {"file": str(REPO / "meshes" / "lv_ellipsoid_human_10mm.xdmf")}}
    ref, _ = _run(beat_config, tmp_path / "iteration", {**changes, **ITERATION})
    got, conv = _run(beat_config, tmp_path / "monolithic", {**changes, **MONOLITHIC})
    _one_solve_per_step(conv)
    _same_loop(ref, got, [("phase", "LV")], dv_ml=2e-3, dp_mmhg=0.02)
    assert float(got[-1]["V_LV_mL"]) > float(got[0]["V_LV_mL"]) + 0.5  # filling: the step moved the state


def test_monolithic_with_taylor_hood(tmp_path):
    """P2-P1 on the small Land ellipsoid (720 nodes; a P2 space on the human-sized one takes minutes)."""
    changes = {"time.end": "2 ms", "mesh": {"file": str(REPO / "meshes" / "land_ellipsoid.xdmf")},
               "physics.mechanics.formulation": {"kind": "incompressible", "degree": 2, "quadrature_degree": 2},
               f"{EM}.preload": {"pressure": "8 mmHg", "steps": 2}}
    ref, _ = _run(beat_config, tmp_path / "iteration", {**changes, **ITERATION})
    got, conv = _run(beat_config, tmp_path / "monolithic", {**changes, **MONOLITHIC})
    _one_solve_per_step(conv)
    _same_loop(ref, got, [("phase", "LV")], dv_ml=2e-3, dp_mmhg=0.02)
    assert float(got[-1]["p_LV_mmHg"]) > float(got[0]["p_LV_mmHg"]) + 1  # the step moved the state
