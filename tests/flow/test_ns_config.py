"""Bad flow input: one line naming the key, exit status 2, nothing written."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from ns_meshes import tube_msh  # noqa: E402

from heartsim.cli.main import main  # noqa: E402


def _flow(**changes):
    flow = {"inlet": {"waveform": {"constant": "2 mL/s"}}, "outlets": {"outlet": {"type": "zero_traction"}}}
    flow.update(changes)
    return flow


@pytest.fixture(scope="module")
def mesh(tmp_path_factory):
    return tube_msh(tmp_path_factory.mktemp("mesh") / "tube.msh", 1.0, 2.0, 0.6)


@pytest.mark.parametrize("flow, message", [
    (_flow(outlets={"outlet": {"type": "rcr", "proximal_resistance": 1, "distal_resistance": 1}}),
     "physics.flow.outlets.outlet.compliance: needed by an outlet of type rcr"),
    (_flow(outlets={"outlet": {"type": "resistance", "resistance": "1 mmHg*s/mL", "compliance": 1}}),
     "physics.flow.outlets.outlet.compliance: not used"),
    (_flow(inlet={"waveform": {"constant": 1}, "pressure": "1 kPa"}), "physics.flow.inlet"),
    (_flow(inlet={"waveform": {"fourier": {"mean": 1}}}), "physics.flow.inlet.waveform.period"),
    (_flow(fluid={"viscosity": "3 mm"}), "physics.flow.fluid.viscosity"),
    (_flow(outlets={"outlet_9": {}}), "physics.flow.outlets.outlet_9: no facet tag 'outlet_9'"),
    (_flow(walls=["vessel"]), "physics.flow.walls[0]: no facet tag 'vessel'"),
    (_flow(force_regions={"zone": {"sphere": {"center": [50, 0, 0], "radius": 1}}}),
     "physics.flow.force_regions.zone: contains no wall facet"),
])
def test_bad_flow_input(mesh, write_config, tmp_path, capsys, flow, message):
    config = write_config({"mesh": {"file": str(mesh)}, "physics": {"flow": flow},
                           "time": {"dt": 0.1, "end": 0.2}})
    out = tmp_path / "out"
    assert main(["run", str(config), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert not out.exists() or not any(out.iterdir())


def test_correction_options_without_a_correction_solve(mesh, write_config, tmp_path, capsys):
    config = write_config({"mesh": {"file": str(mesh)}, "physics": {"flow": _flow()},
                           "solver": {"flow": {"correction_ksp_type": "gmres"}}, "time": {"dt": 0.1, "end": 0.2}})
    out = tmp_path / "out"
    assert main(["run", str(config), "--out", str(out)]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if "error" in line.lower()]
    assert len(err) == 1 and "solver.flow.correction_ksp_type" in err[0], err
    assert not out.exists() or not any(out.iterdir())
