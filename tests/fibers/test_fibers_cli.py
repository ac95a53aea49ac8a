"""``heartsim fibers`` on a config and on a mesh file: outputs for ParaView and the helix report."""

import json

import h5py
import numpy as np

from heartsim.cli.main import main


#: any physics makes a valid run config; the fibers command uses only mesh: and fibers:
PHYSICS = {"ep": {"stimuli": [{"region": {"sphere": {"center": [0, 0, -18], "radius": 2}}}]}}


def _mesh(tmp_path):
    mesh = tmp_path / "lv.xdmf"
    assert main(["geometry", "land-ellipsoid", str(mesh), "--size", "2.5"]) == 0
    return mesh


def test_fibers_from_config(tmp_path, write_config, capsys):
    mesh = _mesh(tmp_path)
    config = write_config({
        "mesh": {"file": str(mesh)},
        "fibers": {"method": "ldrb", "helix_endo": "60 degree", "helix_epi": -60, "space": "P1"},
        "physics": PHYSICS,
    })
    capsys.readouterr()
    out = tmp_path / "fib"
    assert main(["fibers", str(config), "--out", str(out)]) == 0
    text = capsys.readouterr().out
    assert "mean helix angle (deg): endo +60.0" in text and "epi -60.0" in text
    report = json.loads((out / "fibers.json").read_text())
    assert abs(report["helix_deg"]["endo"] - 60) < 0.5 and report["method"] == "ldrb"
    with h5py.File(out / "fibers.h5") as h5:
        f = h5["Function/fiber/0"][:]
        assert f.shape[1] == 3 and np.allclose(np.linalg.norm(f, axis=1), 1)
        assert {"fiber", "sheet", "sheet_normal", "transmural", "apicobasal"} <= set(h5["Function"])
    # a second run refuses the non-empty folder
    assert main(["fibers", str(config), "--out", str(out)]) == 2


def test_fibers_from_mesh_dg0_analytic(tmp_path, capsys):
    mesh = _mesh(tmp_path)
    out = tmp_path / "fib"
    assert main(["fibers", str(mesh), "--method", "analytic", "--space", "DG0", "--out", str(out)]) == 0
    report = json.loads((out / "fibers.json").read_text())
    assert report["space"] == "DG0" and report["config"]["method"] == "analytic"
    with h5py.File(out / "fibers.h5") as h5:
        assert len(h5["Function/fiber/0"]) == report["dofs"]  # one vector per cell


def test_config_without_fibers_section(tmp_path, write_config, capsys):
    mesh = _mesh(tmp_path)
    config = write_config({"mesh": {"file": str(mesh)}, "physics": PHYSICS})
    capsys.readouterr()
    assert main(["fibers", str(config), "--out", str(tmp_path / "x")]) == 2
    assert "has no fibers: section" in capsys.readouterr().err
