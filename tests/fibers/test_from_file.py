"""Fibers from point or cell vectors of a mesh file: normalised, orthonormal frame, clear errors."""

import meshio
import numpy as np
import pytest
from mpi4py import MPI

from heartsim.cli.main import main
from heartsim.config.errors import ConfigError
from heartsim.config.fibers import FibersConfig
from heartsim.config.model import MeshConfig
from heartsim.fibers import compute_fibers
from heartsim.mesh import build_mesh

COMM = MPI.COMM_SELF


def _box_file(path, point_fiber=None, cell_fiber=None, sheet=None):
    """A 2 x 1 x 1 block of 12 tetrahedra with the given arrays."""
    x, y, z = np.meshgrid([0.0, 1.0, 2.0], [0.0, 1.0], [0.0, 1.0], indexing="ij")
    points = np.stack([x.ravel(), y.ravel(), z.ravel()], axis=1)
    idx = np.arange(12).reshape(3, 2, 2)
    tets = []
    for i in range(2):
        c = [idx[i, 0, 0], idx[i + 1, 0, 0], idx[i + 1, 1, 0], idx[i, 1, 0],
             idx[i, 0, 1], idx[i + 1, 0, 1], idx[i + 1, 1, 1], idx[i, 1, 1]]
        for a, b in ((1, 2), (2, 3), (3, 7), (7, 4), (4, 5), (5, 1)):  # 6 tetrahedra around the 0-6 diagonal
            tets.append([c[0], c[a], c[b], c[6]])
    tets = np.array(tets)
    point_data, cell_data = {}, {}
    if point_fiber is not None:
        point_data["fiber"] = np.broadcast_to(point_fiber, (12, 3)).copy()
        if sheet is not None:
            point_data["sheet"] = np.broadcast_to(sheet, (12, 3)).copy()
    if cell_fiber is not None:
        cell_data["fiber"] = [np.broadcast_to(cell_fiber, (len(tets), 3)).copy()]
    meshio.write(path, meshio.Mesh(points, [("tetra", tets)], point_data=point_data, cell_data=cell_data))
    return path


def test_point_vectors_are_normalised_with_their_sheet(tmp_path):
    path = _box_file(tmp_path / "box.vtu", point_fiber=[2.0, 0, 0], sheet=[1.0, 3.0, 0])
    tagged = build_mesh(MeshConfig(file=path), COMM)
    fib = compute_fibers(tagged, FibersConfig(method="file", sheet_array="sheet"), COMM)
    f, s, n = fib.local_arrays()
    assert fib.space == "P1"
    assert np.allclose(f, [1, 0, 0]) and np.allclose(s, [0, 1, 0]) and np.allclose(n, [0, 0, 1])


def test_cell_vectors_give_dg0(tmp_path):
    path = _box_file(tmp_path / "box.vtu", cell_fiber=[0, 0, -5.0])
    tagged = build_mesh(MeshConfig(file=path), COMM)
    fib = compute_fibers(tagged, FibersConfig(method="file"), COMM)
    f, s, n = fib.local_arrays()
    assert fib.space == "DG0" and len(f) == 12
    assert np.allclose(f, [0, 0, -1]) and np.allclose(np.sum(f * s, axis=1), 0)
    assert np.allclose(np.cross(f, s), n)


def test_point_vectors_projected_to_cells(tmp_path):
    path = _box_file(tmp_path / "box.vtu", point_fiber=[0, 3.0, 4.0])
    tagged = build_mesh(MeshConfig(file=path), COMM)
    fib = compute_fibers(tagged, FibersConfig(method="file", space="DG0"), COMM)
    assert np.allclose(fib.local_arrays()[0], [0, 0.6, 0.8])


@pytest.mark.parametrize("kwargs, cfg, message", [
    ({"point_fiber": [0, 0, 0]}, {}, r"fibers.fiber_array: 12 zero or invalid vector\(s\) in array 'fiber'"),
    ({"point_fiber": [1, 0, 0]}, {"fiber_array": "f0"}, r"fibers.fiber_array: the mesh has no point or cell "
                                                         r"vector array 'f0' \(vector arrays: fiber\)"),
    ({"point_fiber": [1, 0, 0], "sheet": [2, 0, 0]}, {"sheet_array": "sheet"}, r"fibers.sheet_array: 12 zero"),
    ({"cell_fiber": [1, 0, 0]}, {"space": "P1"}, r"fibers.space: P1 fibers cannot be made from the cell vectors"),
])
def test_bad_arrays(tmp_path, kwargs, cfg, message):
    path = _box_file(tmp_path / "box.vtu", **kwargs)
    tagged = build_mesh(MeshConfig(file=path), COMM)
    with pytest.raises(ConfigError, match=message):
        compute_fibers(tagged, FibersConfig(method="file", **cfg), COMM)


def test_cli_zero_vectors_exit_2_and_write_nothing(tmp_path, capsys):
    path = _box_file(tmp_path / "box.vtu", point_fiber=[0, 0, 0])
    out = tmp_path / "out"
    assert main(["fibers", str(path), "--method", "file", "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "fibers.fiber_array" in err[0]
    assert not out.exists()
