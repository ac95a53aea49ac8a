"""Stimulus regions (tag, trains), mesh sources (XDMF file with a unit, hexahedra) end to end."""

import json

import numpy as np
import pytest
from mpi4py import MPI

from heartsim.cli.main import main
from heartsim.config.loader import validate_data
from heartsim.config.model import Stimulus


def test_stimulus_train_timing():
    s = Stimulus.model_validate({"region": {"tag": 1}, "start": 10, "duration": 2, "period": 100, "count": 3})
    on = [t for t in np.arange(0, 400, 0.5) if s.active(t)]
    assert on[0] == 10 and 11.5 in on and 12 not in on
    assert 110 in on and 210 in on and 310 not in on
    assert len(on) == 3 * 4


def test_train_needs_period():
    with pytest.raises(Exception, match="count > 1 needs a period"):
        Stimulus.model_validate({"region": {"tag": 1}, "count": 2})


def _run(data, write_config, tmp_path, name):
    out = tmp_path / name
    assert main(["-q", "run", str(write_config(data, f"{name}.yaml")), "--out", str(out)]) == 0
    return json.loads((out / "summary.json").read_text())


def test_cell_tag_stimulus_activates_tagged_end(small_config_dict, write_config, tmp_path):
    data = dict(small_config_dict)
    data["mesh"] = dict(data["mesh"], cell_tags=[
        {"name": "left_end", "id": 3, "region": {"box": {"min": [0, 0, 0], "max": [0.6, 2, 1]}}}])
    data["physics"] = {"ep": dict(data["physics"]["ep"], stimuli=[{"region": {"tag": "left_end"}}])}
    by_name = _run(data, write_config, tmp_path, "by_name")
    data["physics"]["ep"]["stimuli"] = [{"region": {"tag": 3}}]
    by_id = _run(data, write_config, tmp_path, "by_id")
    assert by_name["activation_time_ms"] == by_id["activation_time_ms"]
    assert by_name["activation_time_ms"]["min"] < 2.5


def test_xdmf_mesh_file_in_cm_matches_generated_box(small_config_dict, write_config, tmp_path):
    """The same box written to XDMF in cm and read with mesh.unit: cm gives the same run."""
    import dolfinx.io

    from heartsim import fem

    mesh = fem.create_box(MPI.COMM_SELF, (0, 0, 0), (0.4, 0.2, 0.1), (8, 4, 2))
    with dolfinx.io.XDMFFile(MPI.COMM_SELF, str(tmp_path / "box_cm.xdmf"), "w") as f:
        f.write_mesh(mesh)
    generated = _run(small_config_dict, write_config, tmp_path, "generated")
    data = dict(small_config_dict, mesh={"file": "box_cm.xdmf", "unit": "cm"})
    from_file = _run(data, write_config, tmp_path, "from_file")
    assert from_file["dofs"] == generated["dofs"]
    assert from_file["activation_time_ms"]["max"] == pytest.approx(generated["activation_time_ms"]["max"], rel=1e-6)


def test_unsupported_mesh_format_is_one_line(small_config_dict, write_config, tmp_path, capsys):
    (tmp_path / "heart.stl").write_text("solid x\nendsolid x\n")
    data = dict(small_config_dict, mesh={"file": "heart.stl"})
    assert main(["run", str(write_config(data)), "--out", str(tmp_path / "o")]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if "error" in line]
    assert len(err) == 1 and "mesh.file: heart.stl: unsupported format '.stl'" in err[0]


def test_hexahedra_and_backward_euler_lumped(small_config_dict, write_config, tmp_path):
    data = dict(small_config_dict)
    data["mesh"] = dict(data["mesh"], cell_type="hexahedron")
    data["physics"] = {"ep": dict(data["physics"]["ep"],
                                  numerics={"splitting": "godunov", "theta": 1.0, "lumped_mass": True})}
    summary = _run(data, write_config, tmp_path, "hex")
    assert summary["dofs"] == 135 and summary["activation_time_ms"]["not_activated_nodes"] < 135


def test_region_validation_messages():
    base = {"mesh": {"generate": "box", "size": [1, 1, 1], "resolution": 0.5},
            "physics": {"ep": {"stimuli": [{"region": {"box": {"min": [0, 0, 0], "max": [1, 1, 1]},
                                                        "sphere": {"center": [0, 0, 0], "radius": 1}}}]}}}
    with pytest.raises(Exception, match="give exactly one of box, sphere, tag"):
        validate_data(base, None)
