"""scripts/labels_to_beat.py on an existing mesh (--reuse-mesh: the meshing step is mesh2's, tested there):
the apex it finds on the mesh is the ellipsoid's epicardial apex (0, 0, -70) mm, not coordinates of
another anatomy, and the config it writes loads, points at the mesh and unloads the reference."""

import subprocess
import sys

import yaml

from heartsim.config.loader import load_config

from tests.electromechanics.test_beat import REPO


def test_config_from_a_mesh_is_paced_at_its_apex(tmp_path):
    config = tmp_path / "cfg" / "beat.yaml"
    done = subprocess.run([sys.executable, str(REPO / "scripts" / "labels_to_beat.py"), "unused.nii.gz", "--reuse-mesh",
                           "--mesh", str(REPO / "meshes" / "lv_ellipsoid_human.xdmf"), "--config", str(config),
                           "--set", "time.end=4 ms"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    cfg = load_config(config)
    sphere = cfg.physics.ep.stimuli[0].region.sphere
    assert max(abs(c - e) for c, e in zip(sphere.center, (0.0, 0.0, -70.0))) < 0.05, sphere.center
    assert cfg.mesh.file == REPO / "meshes" / "lv_ellipsoid_human.xdmf"
    assert cfg.physics.electromechanics.preload.unload and cfg.time.end == 4.0
    assert yaml.safe_load(config.read_text())["name"] == "beat"
