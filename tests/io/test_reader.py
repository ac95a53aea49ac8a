"""RunFolder reads what a run wrote (config, summary, fields by name and time, tables) without re-running;
CsvTable continues a table cut back to a checkpoint's size."""

import numpy as np

from heartsim.cli.main import main
from heartsim.io.outputs import OUTPUT_NAMES
from heartsim.io.reader import RunFolder
from heartsim.io.tables import CsvTable


def test_reader_gives_config_summary_fields_and_times(tmp_path, small_config_dict, write_config):
    out = tmp_path / "run"
    assert main(["-q", "run", str(write_config(small_config_dict)), "--out", str(out)]) == 0
    run = RunFolder(out)
    assert run.config()["name"] == "tiny" and run.summary()["status"] == "completed"
    fields = run.fields()
    assert fields["v"] == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0] and "activation_time" in fields
    v = run.field("v", 2.2)
    assert v.time == 2.0 and v.center == "Node" and v.values.shape == (len(v.points), 1)
    assert np.all(np.isfinite(v.values)) and v.values.max() > 0  # the stimulated end is depolarised
    act = run.field("activation_time")
    extent = run.summary()["activation_time_ms"]
    assert np.isclose(np.nanmin(act.values), extent["min"]) and np.isclose(np.nanmax(act.values), extent["max"])
    first, last = act.points[np.nanargmin(act.values[:, 0]), 0], act.points[np.nanargmax(act.values[:, 0]), 0]
    assert first < 0.5 < last  # the wave starts at the stimulated end


def test_table_resumes_at_a_checkpoint_size(tmp_path):
    path = tmp_path / "t.csv"
    table = CsvTable(path, ["time_ms", "value"])
    table.row([0.0, 1.5])
    size = table.size()
    table.row([1.0, 2.5])  # written after the checkpoint by the interrupted run
    table.close()
    table = CsvTable(path, ["time_ms", "value"], resume_at=size)
    table.row([1.0, 3.5])
    table.close()
    path.with_name("config.resolved.json").write_text("{}")
    columns = RunFolder(tmp_path).table("t.csv")
    assert list(columns["value"]) == [1.5, 3.5]


def test_force_clears_every_runner_s_outputs():
    for name in ("v.xdmf", "velocity.restart1.xdmf", "loadsteps.csv", "circulation.csv", "boundaries.csv",
                 "displacement.bp", "checkpoint"):
        assert any(__import__("fnmatch").fnmatch(name, p) for p in OUTPUT_NAMES), name
