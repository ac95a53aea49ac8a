"""No solver failure passes silently: a diverged solve, a NaN in a field or a Newton iteration that does
not converge ends the run with exit status 1, one line naming the time, and status.json 'failed'.
(Flow: tests/flow/test_ns_restart.py; mechanics load steps: tests/mechanics/test_land_beam.py.)"""

import json

import numpy as np
import pytest
from mpi4py import MPI

from heartsim.cli.main import main


def _failed(capsys, out):
    err = capsys.readouterr().err
    lines = [line for line in err.splitlines() if "failed:" in line]
    assert len(lines) == 1, err
    assert json.loads((out / "status.json").read_text())["state"] == "failed"
    assert not (out / "summary.json").exists() or json.loads((out / "summary.json").read_text())["status"] == "failed"
    return lines[0]


@pytest.mark.parametrize("overrides,expected", [
    (["solver.ep.ksp_max_it=1", "solver.ep.ksp_rtol=1e-14", "solver.ep.pc_type=none"],
     "diffusion solve diverged (KSP reason -3 (iteration limit reached)) after 1 iterations at t = 0.1 ms (step 1)"),
    (["physics.ep.stimuli[0].amplitude=1e308 uA/mm^3"], "(NaN or inf in the solution)"),
])
def test_ep_divergence_and_nan_name_the_step(overrides, expected, small_config_dict, write_config, tmp_path, capsys):
    out = tmp_path / "out"
    args = [a for o in overrides for a in ("--set", o)]
    assert main(["run", str(write_config(small_config_dict)), "--out", str(out), *args]) == 1
    line = _failed(capsys, out)
    assert expected in line and " at t = " in line, line


def test_circulation_newton_failure_names_the_time(write_config, tmp_path, capsys):
    cfg = write_config({"name": "cl", "physics": {"circulation": {"model": "closed_loop",
                                                                  "integrator": {"newton_rtol": 1e-300}}},
                        "time": {"dt": "4 ms", "end": "0.8 s"}, "output": {"interval": "20 ms"}})
    out = tmp_path / "out"
    assert main(["run", str(cfg), "--out", str(out)]) == 1
    assert "Newton did not converge in 25 iterations at t = " in _failed(capsys, out)


def test_a_nan_in_any_written_field_stops_the_run(tmp_path):
    """The runners write their state fields (EP v, flow velocity/pressure/..., mechanics displacement)
    through FunctionSeriesWriter(require_finite=True), which refuses NaN/inf (collectively)."""
    import dolfinx.fem
    import dolfinx.mesh

    from heartsim import fem
    from heartsim.failures import SolverFailure

    mesh = dolfinx.mesh.create_unit_cube(MPI.COMM_WORLD, 2, 2, 2)
    f = dolfinx.fem.Function(dolfinx.fem.functionspace(mesh, ("Lagrange", 1)), name="pressure")
    writer = fem.FunctionSeriesWriter(MPI.COMM_WORLD, tmp_path, "p", [f], ["xdmf"], require_finite=True)
    writer.write(0.0)
    f.x.array[3] = np.nan
    with pytest.raises(SolverFailure, match=r"NaN or inf in pressure at t = 2.5"):
        writer.write(2.5)
    writer.close()
