"""scripts/fda_nozzle.py pieces: exact P1 sampling of written fields, and the reader of the FDA
benchmark's data files."""

import importlib.util
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("fda_nozzle", REPO / "scripts" / "fda_nozzle.py")
fda = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fda)


def test_p1_sampler_reproduces_linear_fields_and_flags_outside_points():
    # two tetrahedra sharing the face (1, 2, 3)
    points = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]], float)
    cells = np.array([[0, 1, 2, 3], [1, 2, 3, 4]])
    samples = np.array([[0.1, 0.2, 0.3], [0.5, 0.4, 0.4], [0.9, 0.9, 0.9], [2.0, 0, 0]])
    owner, w = fda.p1_sampler(points, cells, samples)
    assert list(owner) == [0, 1, 1, -1]
    f = points @ np.array([1.0, -2.0, 3.0]) + 0.5  # linear: P1 interpolation is exact
    inside = owner >= 0
    values = np.einsum("ij,ij->i", w[inside], f[cells[owner[inside]]])
    assert np.allclose(values, samples[inside] @ np.array([1.0, -2.0, 3.0]) + 0.5)


def test_reference_reader_pools_centreline_blocks(tmp_path):
    text = """dataset-code  XYZ
plot-wall-distribution-pressure
2
-0.088  100.0
0.008  -20.0
plot-z-distribution-axial-velocity
3
-0.088  0.09
-0.02  0.75
0.016  0.70
plot-z-distribution-pressure
1
-0.064  300.0
"""
    a = tmp_path / "a.txt"
    a.write_text(text)
    b = tmp_path / "b.txt"
    b.write_text("plot-z-distribution-axial-velocity\n1\n0.06  0.3\n")
    data = fda.read_reference([a, b])
    assert data["plot-z-distribution-axial-velocity"] == [(-0.088, 0.09), (-0.02, 0.75), (0.016, 0.70), (0.06, 0.3)]
    assert data["plot-z-distribution-pressure"] == [(-0.064, 300.0)]
