"""Shared test set-up: MPI-aware helpers and small configs.

Tests marked ``mpi`` run under ``mpirun -n 2`` (scripts/test); they skip when run on another size.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def pytest_collection_modifyitems(config, items):
    size = int(os.environ.get("OMPI_COMM_WORLD_SIZE", os.environ.get("PMI_SIZE", "1")))
    for item in items:
        if "mpi" in item.keywords and size != 2:
            item.add_marker(pytest.mark.skip(reason="MPI test: run by scripts/test under mpirun -n 2"))


@pytest.fixture
def small_config_dict():
    """A tiny but complete EP case (mapping), fast enough for end-to-end CLI tests."""
    return {
        "name": "tiny",
        "mesh": {"generate": "box", "size": ["4 mm", "2 mm", "1 mm"], "resolution": "0.5 mm"},
        "physics": {"ep": {
            "ionic": {"model": "mitchell_schaeffer"},
            "stimuli": [{"region": {"box": {"min": [0, 0, 0], "max": [0.5, 2, 1]}},
                         "amplitude": "50 uA/mm^3", "duration": "2 ms"}],
        }},
        "time": {"dt": "0.1 ms", "end": "5 ms"},
        "output": {"formats": ["xdmf", "vtx"], "interval": "1 ms"},
    }


@pytest.fixture
def write_config(tmp_path):
    """Write a mapping as YAML into tmp_path and return its path."""
    import yaml

    def _write(data, name="case.yaml"):
        path = tmp_path / name
        path.write_text(yaml.safe_dump(data, sort_keys=False))
        return path

    return _write


def h5_time(key: str) -> float:
    """The time of a DOLFINx XDMF/HDF5 dataset name: '0_1' is t = 0.1 ('.' is written as '_'; a bare
    float('0_1') would read 1, Python allowing '_' between digits)."""
    return float(key.replace("_", "."))


def read_point_field(h5_path, name):
    """(coordinates, values) of a P1 field in a heartsim XDMF/HDF5 output, sorted by coordinates,
    so that runs on different numbers of ranks can be compared node by node."""
    import h5py
    import numpy as np

    with h5py.File(h5_path, "r") as f:
        xyz = f["Mesh/mesh/geometry"][:]
        group = f[f"Function/{name}"]
        values = group[sorted(group.keys(), key=h5_time)[-1]][:].ravel()
    order = np.lexsort(np.round(xyz, 8).T[::-1])
    return xyz[order], values[order]


# shared meshes of the fiber tests (generated once per session, on one rank)


@pytest.fixture(scope="session")
def land_lv():
    from mpi4py import MPI

    from heartsim.geometry.cardiac import tagged_mesh

    return tagged_mesh("land-ellipsoid", MPI.COMM_SELF, size=1.5)


@pytest.fixture(scope="session")
def biv():
    from mpi4py import MPI

    from heartsim.geometry.cardiac import tagged_mesh

    return tagged_mesh("biv-ellipsoid", MPI.COMM_SELF, size=2.5)
