"""LV wall from a blood-pool label (heartsim.mesh.ventricle) on a synthetic ellipsoidal cavity."""

import numpy as np
import pytest

pytest.importorskip("nibabel")
pytest.importorskip("gmsh")


def _cavity(tmp_path, margin: int):
    """An ellipsoidal cavity (semi-axes 12, 12, 24 mm; 2 mm voxels) with ``margin`` empty voxels
    around it, placed at the same physical position whatever the margin."""
    import nibabel

    from heartsim.mesh.labels import read_label_map

    h = 2.0
    n = np.array([15, 15, 27]) + 2 * margin
    x = (np.indices(tuple(n)).reshape(3, -1).T - margin) * h - np.array([15.0, 15.0, 27.0])
    inside = (x[:, 0] / 12) ** 2 + (x[:, 1] / 12) ** 2 + (x[:, 2] / 24) ** 2 <= 1
    affine = np.diag([h, h, h, 1.0])
    affine[:3, 3] = -margin * h
    path = tmp_path / f"cavity_{margin}.nii.gz"
    nibabel.save(nibabel.Nifti1Image(inside.reshape(tuple(n)).astype(np.uint8), affine), str(path))
    return read_label_map(path)


def test_lv_wall_quality_tags_and_independent_of_the_image_margin(tmp_path):
    """A 6 mm wall at 4 mm: endo, epi and base facets, minimum scaled Jacobian >= 0.15; the same mesh
    from an image with 30 empty voxels around the cavity (the wall is meshed on the cavity's box)."""
    from heartsim.mesh.quality import quality
    from heartsim.mesh.ventricle import lv_mesh

    tight, info = lv_mesh(_cavity(tmp_path, 8), 1, 6.0, 4.0)
    wide, _ = lv_mesh(_cavity(tmp_path, 30), 1, 6.0, 4.0)
    assert set(np.unique(tight.facet_values)) == {1, 2, 3}
    assert quality(tight).min_scaled_jacobian >= 0.15
    assert len(tight.cells) == len(wide.cells) and np.allclose(tight.points, wide.points, atol=1e-9)
    assert quality(tight).volume == pytest.approx(info["wall_volume_mm3"], rel=0.1)
