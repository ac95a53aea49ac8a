"""``output.formats: [vtu]``: a .pvd index of one VTK XML file per output time, readable without HDF5."""

import xml.etree.ElementTree as ET

from heartsim.cli.main import main


def test_vtu_series_of_a_small_ep_run(tmp_path, small_config_dict, write_config):
    small_config_dict["output"]["formats"] = ["vtu"]
    out = tmp_path / "out"
    assert main(["run", str(write_config(small_config_dict)), "--out", str(out)]) == 0
    entries = ET.parse(out / "v.pvd").getroot().findall(".//DataSet")
    assert [float(e.get("timestep")) for e in entries] == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    piece = out / entries[-1].get("file")
    assert piece.is_file()
    vtu = ET.parse(sorted(out.glob("v_p0_*.vtu"))[-1]).getroot()  # VTK XML 2.2 (meshio reads up to 1.0)
    assert vtu.find(".//Piece").get("NumberOfPoints") == str(9 * 5 * 3)
    assert "v" in [a.get("Name") for a in vtu.findall(".//PointData/DataArray")]

    import json

    cred = json.loads((out / "credibility.json").read_text())  # every run writes its credibility record
    assert cred["physics"] == ["ep"] and cred["verification_evidence"][0]["solver"] == "ep"
    assert len(cred["fda_2023_evidence_categories"]) == 8
    assert sum(len(f) for f in cred["asme_vv40_factors"].values()) == 13
