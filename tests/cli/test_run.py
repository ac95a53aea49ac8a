"""End-to-end CLI: run writes ParaView files and summary.json; output-folder safety; info; schema."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from heartsim.cli.main import main

REPO = Path(__file__).resolve().parents[2]


def test_run_writes_fields_and_summary(small_config_dict, write_config, tmp_path, capsys):
    cfg = write_config(small_config_dict)
    out = tmp_path / "out"
    assert main(["run", str(cfg), "--out", str(out)]) == 0
    for name in ("v.xdmf", "v.h5", "v.bp", "activation.xdmf", "activation.h5", "activation.bp",
                 "summary.json", "config.resolved.json"):
        assert (out / name).exists(), name
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "completed"
    assert summary["steps"] == 50 and summary["ranks"] == 1
    assert summary["dofs"] == 9 * 5 * 3
    act = summary["activation_time_ms"]
    assert 0 < act["min"] < 2.5 and act["max"] > act["min"]
    assert len(summary["config_hash"]) == 64
    assert summary["versions"]["dolfinx"].startswith("0.9")
    assert summary["backend"]["name"] in ("numpy", "cupy")
    # the XDMF time series holds the initial state plus one write per ms
    xdmf = (out / "v.xdmf").read_text()
    assert xdmf.count('<Time Value=') == 6


def test_run_refuses_non_empty_folder_without_force(small_config_dict, write_config, tmp_path, capsys):
    cfg = write_config(small_config_dict)
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("user data")
    assert main(["run", str(cfg), "--out", str(out)]) == 2
    assert "output folder is not empty (use --force" in capsys.readouterr().err
    assert main(["run", str(cfg), "--out", str(out), "--force", "--set", "time.end=1 ms"]) == 0
    assert (out / "keep.txt").read_text() == "user data"
    assert json.loads((out / "summary.json").read_text())["steps"] == 10


def test_set_overrides_apply(small_config_dict, write_config, capsys):
    cfg = write_config(small_config_dict)
    assert main(["validate", str(cfg), "--set", "physics.ep.ionic.model=mitchell_schaeffer"]) == 0


def test_relative_paths_resolve_against_config_folder(small_config_dict, write_config, tmp_path):
    from heartsim.config import load_config

    data = dict(small_config_dict, output={"folder": "results/x"})
    cfg = load_config(write_config(data))
    assert cfg.output.folder == (tmp_path / "results/x").resolve()


def test_info_reports_backend(capsys):
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert "dolfinx: 0.9" in out and "MPI size: 1" in out
    assert "GPU:" in out


def test_schema_is_json_with_sections(capsys):
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert {"mesh", "physics", "time", "output", "solver", "backend"} <= set(schema["properties"])
    assert schema["additionalProperties"] is False


def test_config_reference_is_up_to_date():
    from heartsim.config.reference import render
    assert (REPO / "docs/config.md").read_text() == render(), \
        "docs/config.md is stale: python -m heartsim.config.reference > docs/config.md"


def test_shipped_configs_validate():
    for path in sorted((REPO / "configs").glob("*.yaml")):
        assert main(["validate", str(path)]) == 0, path


def test_console_entry_point_exit_status(tmp_path):
    """The real process: bad usage exits 2 with one line."""
    proc = subprocess.run([sys.executable, "-m", "heartsim", "run"], capture_output=True, text=True)
    assert proc.returncode == 2
    assert proc.stderr.strip().count("\n") == 0 and "error" in proc.stderr


@pytest.mark.mpi
def test_run_under_mpi(small_config_dict, tmp_path_factory):
    """The same CLI run under mpirun -n 2 writes one summary with ranks = 2."""
    from mpi4py import MPI

    import yaml

    comm = MPI.COMM_WORLD
    base = comm.bcast(str(tmp_path_factory.mktemp("mpi")) if comm.rank == 0 else None)
    cfg = Path(base) / "case.yaml"
    if comm.rank == 0:
        cfg.write_text(yaml.safe_dump(small_config_dict))
    comm.barrier()
    assert main(["run", str(cfg), "--out", str(Path(base) / "out")]) == 0
    summary = json.loads((Path(base) / "out/summary.json").read_text())
    assert summary["ranks"] == 2 and summary["dofs"] == 135


def test_solver_failure_exits_1_with_failed_summary(small_config_dict, write_config, tmp_path, capsys):
    """PETSc options pass through: one CG iteration at rtol 1e-14 cannot converge."""
    cfg = write_config(small_config_dict)
    out = tmp_path / "out"
    status = main(["run", str(cfg), "--out", str(out), "--set", "solver.ep.ksp_max_it=1",
                   "--set", "solver.ep.ksp_rtol=1e-14"])
    assert status == 1
    assert "diffusion solve diverged" in capsys.readouterr().err
    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "failed" and summary["failed_at_step"] == 1
