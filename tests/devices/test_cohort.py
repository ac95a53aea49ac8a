"""A synthetic cohort at CI size: two beam anatomies (mesh files) and one label map that fails meshing.

Each beam (fixed at x = 0, pressure on z = 0) carries a lead along its top; the failing anatomy's row
records its error and the others complete; collect writes the table, statistics, thresholds with a
Wilson interval, the ECDF area against a reference CSV and ECDF plots; a rerun skips finished cases."""

import json

import numpy as np
import pandas as pd
import pytest
import yaml

from heartsim.cli.main import main
from tests.devices.fake_run import box_mesh


def beam_msh(path, length):
    """A 1 x 1 mm beam of ``length`` in Gmsh 2.2 with facet tags x0 (1) and z0 (2)."""
    import meshio

    X, tets = box_mesh((length, 1.0, 1.0), (int(length), 1, 1))
    from heartsim.devices.fields import boundary_triangles

    tris = boundary_triangles(tets)
    mid = X[tris].mean(axis=1)
    tag = np.where(mid[:, 0] < 1e-9, 1, np.where(mid[:, 2] < 1e-9, 2, 0))
    tris, tag = tris[tag > 0], tag[tag > 0]
    meshio.write(path, meshio.Mesh(X, [("triangle", tris), ("tetra", tets)],
                                   cell_data={"gmsh:physical": [tag, np.ones(len(tets), int)],
                                              "gmsh:geometrical": [tag, np.ones(len(tets), int)]},
                                   field_data={"x0": np.array([1, 2]), "z0": np.array([2, 2]),
                                               "tissue": np.array([1, 3])}), file_format="gmsh22", binary=False)
    return path


TEMPLATE = {
    "name": "beam-{anatomy}",
    "mesh": {"file": "{mesh}"},
    "physics": {"mechanics": {
        "material": {"model": "guccione", "guccione": {"C": "2 kPa", "b_f": 8, "b_t": 2, "b_fs": 4}},
        "formulation": {"kind": "incompressible", "degree": 2},  # as configs/land-beam.yaml (forms cached)
        "boundary": {"base": ["x0"], "base_condition": "fixed",
                     "pressure": [{"tags": ["z0"], "value": "0.002 kPa", "cavity": False}]},
        "loading": {"outputs": 2, "initial_step": 0.5}, "fiber": [1, 0, 0], "sheet": [0, 1, 0]}},
    "devices": {"sites": [{"type": "lead", "name": "lead", "radius": "0.2 mm", "fatigue_strain_limit": 0.01,
                           "points": [[x, 0.5, 0.5] for x in (1.0, 2.0, 3.0, 4.0, 5.0)]}]},
}


@pytest.fixture
def cohort_file(tmp_path):
    import nibabel

    beam_msh(tmp_path / "short.msh", 6)
    beam_msh(tmp_path / "long.msh", 8)
    nibabel.save(nibabel.Nifti1Image(np.zeros((6, 6, 6), np.uint8), np.eye(4)), tmp_path / "empty.nii.gz")
    (tmp_path / "case.yaml").write_text(yaml.safe_dump(TEMPLATE))
    pd.DataFrame({"tip_mm": [0.1, 0.2, 0.3]}).to_csv(tmp_path / "measured.csv", index=False)
    cohort = {"name": "beams", "template": "case.yaml",
              "anatomies": [{"name": "short", "mesh": "short.msh"}, {"name": "long", "mesh": "long.msh"},
                            {"name": "empty", "labels": "empty.nii.gz"}],
              "meshing": {"size": "1 mm", "vessel": True},
              "thresholds": ["lead.safety_factor >= 1.0"],
              "reference": [{"file": "measured.csv", "column": "tip_mm", "metric": "lead.tip_displacement_mm"}]}
    path = tmp_path / "cohort.yaml"
    path.write_text(yaml.safe_dump(cohort))
    return path


def test_synthetic_cohort_runs_collects_and_records_the_failed_anatomy(tmp_path, cohort_file, capsys):
    out = tmp_path / "out"
    assert main(["cohort", str(cohort_file), "--out", str(out)]) == 1  # one anatomy failed
    assert main(["collect", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "3 case(s): 2 completed, 1 not" in printed
    assert "anatomy empty: meshing empty.nii.gz failed" in printed
    table = pd.read_csv(out / "collected.csv")
    assert list(table["param.anatomy"]) == ["short", "long", "empty"]
    done = table[table["state"] == "completed"]
    tips = done["lead.tip_displacement_mm.peak"].to_numpy()
    assert np.all(tips > 0) and tips[1] > tips[0]  # the longer beam's lead tip (x = 5) moves more
    assert (out / "collected.parquet").is_file() and (out / "plots" / "ecdf_lead.safety_factor.png").is_file()
    assert {p.name.split(".")[0] for p in (out / "plots").glob("ecdf_*")} == {"ecdf_lead"}  # device metrics only
    [threshold] = json.loads((out / "thresholds.json").read_text())
    k = int((done["lead.safety_factor"] >= 1.0).sum())
    assert threshold["cases_with_value"] == 2 and threshold["passed"] == k and threshold["cases_without_value"] == 1
    from heartsim.sweep.stats import ecdf_area, wilson

    assert threshold["wilson_95"] == pytest.approx(list(wilson(k, 2)))
    [ref] = json.loads((out / "reference.json").read_text())
    assert ref["ecdf_area"] == pytest.approx(ecdf_area(tips, [0.1, 0.2, 0.3]))
    cred = json.loads((out / "credibility.json").read_text())
    assert cred["kind"] == "cohort" and cred["population_validation"][0]["ecdf_area"] == ref["ecdf_area"]
    assert cred["fda_2023_evidence_categories"]["population-based validation results"][0].startswith(
        "lead.tip_displacement_mm: ECDF area")
    stats = pd.read_csv(out / "cohort_stats.csv").set_index("metric")
    assert stats.loc["lead.tip_displacement_mm.peak", "n"] == 2
    # a rerun skips the completed cases (their output is left as it was)
    stamp = (out / "cases" / "case-0000" / "out" / "summary.json").stat().st_mtime_ns
    assert main(["cohort", str(cohort_file), "--out", str(out)]) == 1
    assert (out / "cases" / "case-0000" / "out" / "summary.json").stat().st_mtime_ns == stamp
