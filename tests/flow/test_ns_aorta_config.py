"""configs/aorta-flow.yaml runs end to end on a tube carrying the aorta mesh's tag names (inlet,
outlet_1, wall): aortic waveform, units, RCR outlet, force region, outputs; and a few steps on the CT
aorta itself (meshes/aorta_0001_lumen.xdmf)."""

import csv
import json
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).parent))
from ns_meshes import tube_msh  # noqa: E402

from heartsim.cli.main import main  # noqa: E402

REPO = Path(__file__).resolve().parents[2]


def test_aorta_config_on_a_tube(tmp_path):
    data = yaml.safe_load((REPO / "configs" / "aorta-flow.yaml").read_text())
    flow = data["physics"]["flow"]
    assert set(flow["outlets"]) >= {"outlet_1", "outlet_2"}
    data["mesh"]["file"] = str(tube_msh(tmp_path / "tube.msh", 2.0, 8.0, 0.8, outlet="outlet_1"))
    flow["outlets"] = {"outlet_1": flow["outlets"]["outlet_1"]}
    flow["inlet"]["waveform"]["scale"] = 0.01  # a 4 mm tube instead of a 25 mm aorta
    flow["force_regions"]["landing_zone"]["sphere"] = {"center": [6, 0, 0], "radius": "2.5 mm"}
    data["time"] = {"dt": "2 ms", "end": "20 ms"}
    data["output"]["interval"] = "10 ms"
    config = tmp_path / "aorta.yaml"
    config.write_text(yaml.safe_dump(data))
    assert main(["run", str(config), "--out", str(tmp_path / "out")]) == 0
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert summary["status"] == "completed" and summary["steps"] == 10
    p = summary["final"]["mean_pressure_kPa"]["outlet_1"]
    assert 10.0 < p < 11.5  # 80 mmHg = 10.67 kPa on the compliance, little flow yet
    assert summary["final"]["forces_mN"]["landing_zone"][0] != 0.0


def test_aorta_config_steps_on_the_ct_aorta(tmp_path):
    out = tmp_path / "aorta"
    assert main(["run", str(REPO / "configs" / "aorta-flow.yaml"), "--out", str(out), "--set", "time.dt=2",
                 "--set", "time.end=4", "--set", "output.interval=4", "--set", "physics.flow.output.field_interval=4"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "completed" and summary["steps"] == 2
    final = summary["final"]
    assert set(final["flow_split"]) == {f"outlet_{k}" for k in range(1, 6)}
    assert final["inflow_mL_s"] > 0 and all(q > 0 for q in final["outflow_mL_s"].values())
    assert len(final["forces_mN"]["landing_zone"]) == 3
    # five outlets on a coarse CT mesh: inflow = sum of outflows to solver tolerance (discrete projection)
    with (out / "boundaries.csv").open() as f:
        rows = list(csv.DictReader(f))
    assert rows and max(abs(float(r["mass_imbalance"])) for r in rows) < 1e-6
