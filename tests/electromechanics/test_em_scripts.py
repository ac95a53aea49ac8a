"""The smallest mode of scripts/compare_pulse_em.py: one coupled step of heartsim and fenicsx-pulse on
the same LV ellipsoid, Ta curve and closed loop. Same equations, so the same PV point to solver
tolerance (fails if a formulation, unit or the coupling drifts apart). The benchmark script
(scripts/bench_electromechanics.py) runs the beat runner twice per case (over 30 s each): no test."""

import importlib.util
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def test_compare_pulse_one_step():
    pytest.importorskip("pulse")
    spec = importlib.util.spec_from_file_location("compare_pulse_em", REPO / "scripts" / "compare_pulse_em.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    m = module.main(["--end", "10", "--dt", "10", "--preload-steps", "2"])
    assert m["heartsim"]["EDV_mL"] > 100.0  # the preloaded 7 mm ellipsoid (105 mL unloaded)
    assert m["max_dV_mL"] < 1e-3
    assert m["max_dp_mmHg"] < 1e-2
