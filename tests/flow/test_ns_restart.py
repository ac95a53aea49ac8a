"""Checkpoint and restart of flow runs: a run stopped at a checkpoint and continued equals an
uninterrupted one (CSV rows, final fields, TAWSS/OSI); restart on another number of ranks; errors."""

import csv
import json
import signal
import sys
from pathlib import Path

import numpy as np
import pytest
from mpi4py import MPI

sys.path.insert(0, str(Path(__file__).parent))
from ns_meshes import tube_msh  # noqa: E402

from conftest import h5_time  # noqa: E402

from heartsim.cli.main import EXIT_CHECKPOINTED, main  # noqa: E402
from heartsim.config.loader import validate_data  # noqa: E402
from heartsim.simulation.run_folder import Checkpointed  # noqa: E402
from heartsim.runtime.signals import StopAfter  # noqa: E402
from heartsim.simulation.flow_run import run_flow  # noqa: E402

LOG = __import__("logging").getLogger("test")


def _data(mesh, **extra):
    data = {
        "name": "tube",
        "mesh": {"file": str(mesh)},
        "physics": {"flow": {
            "fluid": {"density": 1.0, "viscosity": 0.1},
            "inlet": {"waveform": {"fourier": {"mean": 1.0, "cos": [0.5]}, "period": 0.8}},
            "outlets": {"outlet": {"type": "rcr", "proximal_resistance": 0.5, "compliance": 0.1,
                                   "distal_resistance": 2.0}},
            "force_regions": {"wall": {"tag": "wall"}}}},
        "solver": {"flow": {"ksp_rtol": 1e-12, "ksp_atol": 1e-15}},
        "time": {"dt": 0.1, "end": 1.0},
        "output": {"formats": ["xdmf"], "interval": 0.2},
    }
    data.update(extra)
    return data


def _rows(path: Path) -> tuple[list[str], np.ndarray, list[list[str]]]:
    with path.open() as f:
        rows = list(csv.reader(f))
    numeric = [[float(v) for v in r if not v.isalpha()] for r in rows[1:]]
    return rows[0], np.array(numeric), rows[1:]


def _final(out: Path, name: str) -> tuple[np.ndarray, np.ndarray]:
    """(sorted coordinates, values) of ``name`` at the last time of its newest series file."""
    import h5py

    files = sorted(out.glob(f"{name}*.h5"), key=lambda p: p.stat().st_mtime)
    with h5py.File(files[-1], "r") as f:
        xyz = f["Mesh/mesh/geometry"][:]
        group = f[f"Function/{name}"]
        values = group[sorted(group.keys(), key=h5_time)[-1]][:]
    order = np.lexsort(np.round(xyz, 8).T[::-1])
    return xyz[order], values[order]


@pytest.fixture(scope="module")
def tube(tmp_path_factory):
    comm = MPI.COMM_WORLD
    path = tmp_path_factory.mktemp("tube") / "tube.msh" if comm.rank == 0 else None
    if comm.rank == 0:
        tube_msh(path, 1.0, 3.0, 0.5)
    return Path(comm.bcast(str(path), root=0))


def _assert_same_run(a: Path, b: Path, tol: float) -> None:
    for table in ("boundaries.csv", "forces.csv"):
        head_a, num_a, _ = _rows(a / table)
        head_b, num_b, _ = _rows(b / table)
        assert head_a == head_b and num_a.shape == num_b.shape, table
        assert np.allclose(num_a, num_b, rtol=tol, atol=tol), (table, np.max(np.abs(num_a - num_b)))
    for name in ("velocity", "pressure"):
        xa, va = _final(a, name)
        xb, vb = _final(b, name)
        assert np.allclose(xa, xb) and np.max(np.abs(va - vb)) <= tol * max(1.0, np.max(np.abs(va))), name
    for name in ("tawss", "osi"):
        (xa, va), (_, vb) = _final_named(a, name), _final_named(b, name)
        assert np.max(np.abs(va - vb)) <= tol * max(1.0, np.max(np.abs(va))), name


def _final_named(out: Path, name: str):
    import h5py

    with h5py.File(out / "tawss_osi.h5", "r") as f:
        xyz = f["Mesh/mesh/geometry"][:]
        group = f[f"Function/{name}"]
        values = group[sorted(group.keys(), key=h5_time)[-1]][:]
    order = np.lexsort(np.round(xyz, 8).T[::-1])
    return xyz[order], values[order]


def test_stopped_and_restarted_equals_uninterrupted(tube, tmp_path):
    cfg = validate_data(_data(tube), None)
    plain, stopped = tmp_path / "plain", tmp_path / "stopped"
    run_flow(cfg, plain, MPI.COMM_SELF, LOG)
    with pytest.raises(Checkpointed):
        run_flow(cfg, stopped, MPI.COMM_SELF, LOG, stop=StopAfter(4))  # checkpoint after step 4 (BDF2 phase)
    status = json.loads((stopped / "status.json").read_text())
    assert status["state"] == "checkpointed" and status["step"] == 4 and not (stopped / "summary.json").exists()
    summary = run_flow(cfg, stopped, MPI.COMM_SELF, LOG, restart=True)
    assert summary["restarts"] == 1 and summary["steps"] == 10 and summary["status"] == "completed"
    assert "velocity.restart1.xdmf" in summary["outputs"] and "velocity.xdmf" in summary["outputs"]
    _assert_same_run(plain, stopped, 1e-10)
    first = json.loads((plain / "summary.json").read_text())
    assert summary["max_mass_imbalance"] == pytest.approx(first["max_mass_imbalance"], rel=1e-8, abs=1e-12)
    assert summary["linear_iterations_per_step"] == first["linear_iterations_per_step"]


def test_interval_checkpoint_after_the_end_drops_later_rows(tube, tmp_path):
    """A completed run continued from its last interval checkpoint (as after SIGKILL past it):
    the rows written after the checkpoint are replaced, none doubled; the RCR state is restored."""
    cfg = validate_data(_data(tube, checkpoint={"interval": 0.3, "keep": 2}), None)
    out = tmp_path / "out"
    run_flow(cfg, out, MPI.COMM_SELF, LOG)
    assert sorted(p.name for p in (out / "checkpoint").glob("*.npz")) == ["ckpt-000000006.npz", "ckpt-000000009.npz"]
    _, before, _ = _rows(out / "boundaries.csv")
    (out / "forces.csv").open("a").write("0.95,partial row of a killed ru")  # written after the checkpoint
    run_flow(cfg, out, MPI.COMM_SELF, LOG, restart=True)
    _, after, _ = _rows(out / "boundaries.csv")
    assert after.shape == before.shape == (10, 8) and np.allclose(after, before, rtol=1e-10, atol=1e-12)
    _, forces, text = _rows(out / "forces.csv")
    assert [r[0] for r in text] == [f"{0.1 * k:.9g}" for k in range(1, 11)]


def test_restart_errors(tube, tmp_path, write_config, capsys):
    config = write_config(_data(tube, checkpoint={"interval": 0.5}))
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["-q", "run", str(config), "--restart", str(empty)]) == 2
    assert "no checkpoint to continue from" in capsys.readouterr().err
    out = tmp_path / "out"
    assert main(["-q", "run", str(config), "--out", str(out)]) == 0
    other = _data(tube, checkpoint={"interval": 0.5})
    other["physics"]["flow"]["fluid"]["viscosity"] = 0.2
    before = sorted(p.name for p in out.iterdir())
    assert main(["-q", "run", str(write_config(other, "other.yaml")), "--restart", str(out)]) == 2
    err = capsys.readouterr().err
    assert "checkpoint was written by a different case" in err and len(err.strip().splitlines()) == 1
    assert sorted(p.name for p in out.iterdir()) == before


@pytest.mark.mpi
def test_one_rank_checkpoint_restarts_on_two(tube, tmp_path_factory):
    comm = MPI.COMM_WORLD
    base = Path(comm.bcast(str(tmp_path_factory.mktemp("ckpt")) if comm.rank == 0 else None, root=0))
    cfg = validate_data(_data(tube), None)
    if comm.rank == 0:
        run_flow(cfg, base / "plain", MPI.COMM_SELF, LOG)
        with pytest.raises(Checkpointed):
            run_flow(cfg, base / "split", MPI.COMM_SELF, LOG, stop=StopAfter(5))
    comm.barrier()
    summary = run_flow(cfg, base / "split", comm, LOG, restart=True)
    assert summary["ranks"] == 2 and summary["steps"] == 10
    if comm.rank == 0:
        _assert_same_run(base / "plain", base / "split", 1e-7)
    comm.barrier()


def test_curved_mesh_restart(tmp_path):
    """10-node (curved) tetrahedra: the P2 keys come from the vertices' input indices as well."""
    mesh = tmp_path / "tube.xdmf"
    assert main(["-q", "mesh", "generate", "tube", str(mesh), "--radius", "1", "--length", "3", "--size", "0.8",
                 "--order", "2"]) == 0
    cfg = validate_data(_data(mesh, time={"dt": 0.1, "end": 0.5}), None)
    plain, stopped = tmp_path / "plain", tmp_path / "stopped"
    run_flow(cfg, plain, MPI.COMM_SELF, LOG)
    with pytest.raises(Checkpointed):
        run_flow(cfg, stopped, MPI.COMM_SELF, LOG, stop=StopAfter(2))
    run_flow(cfg, stopped, MPI.COMM_SELF, LOG, restart=True)
    _assert_same_run(plain, stopped, 1e-10)


def test_p2_keys_are_unique_and_mark_vertices(tube):
    from heartsim import fem
    from heartsim.mesh import build_mesh

    cfg = validate_data(_data(tube), None)
    mesh = build_mesh(cfg.mesh, MPI.COMM_SELF).mesh
    V, Q = fem.vector_lagrange_space(mesh, 2), fem.lagrange_space(mesh, 1)
    keys = fem.p2_dof_keys(V)
    assert len(np.unique(keys)) == len(keys)
    n = int(fem.dof_input_indices(Q).max()) + 1
    p2, p1 = fem.vertex_dof_pairs(V, Q)
    a = fem.dof_input_indices(Q)[p1]
    assert np.array_equal(keys[p2], a * n + a)  # vertex a: a N + a
    # an edge dof's key names its two vertices, whose midpoint is the dof
    xyz = V.tabulate_dof_coordinates()
    edge = np.setdiff1d(np.arange(len(keys)), p2)
    lo, hi = keys[edge] // n, keys[edge] % n
    position = {int(k): xyz[d] for k, d in zip(a, p2)}
    mid = np.array([(position[int(i)] + position[int(j)]) / 2 for i, j in zip(lo, hi)])
    assert np.allclose(mid, xyz[edge])


def test_sigterm_checkpoints_exit_75_and_restart_completes(tube, tmp_path, write_config):
    """A real process gets SIGTERM mid-run: checkpoint, status "checkpointed", exit 75; --restart
    finishes it with every row once."""
    import subprocess
    import time

    config = write_config(_data(tube, time={"dt": 0.1, "end": 6.0}, output={"formats": ["xdmf"], "interval": 10.0}))
    out = tmp_path / "out"
    proc = subprocess.Popen([sys.executable, "-m", "heartsim", "run", str(config), "--out", str(out)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.time() + 60
    while time.time() < deadline and not (out / "status.json").exists():
        time.sleep(0.02)
    proc.send_signal(signal.SIGTERM)  # the time loop has started (or is about to: the signal is kept)
    output, _ = proc.communicate(timeout=60)
    assert proc.returncode == EXIT_CHECKPOINTED, output
    status = json.loads((out / "status.json").read_text())
    assert status["state"] == "checkpointed" and 0 < status["step"] < 60, status
    assert main(["-q", "run", str(config), "--restart", str(out)]) == 0
    _, rows, _ = _rows(out / "boundaries.csv")
    assert np.allclose(rows[:, 0], 0.1 * np.arange(1, 61))
    assert json.loads((out / "summary.json").read_text())["steps"] == 60


@pytest.mark.parametrize("kind,seed", [("file", 4)])
def test_killed_and_restarted_equals_uninterrupted(kind, seed, tube, tmp_path, write_config):
    """kill -9 (tests/killing.py) inside a checkpoint write; --restart gives the
    uninterrupted run (to 1e-10, as a signal stop: the mass-imbalance column differs by ~1e-15, not
    bit for bit); the series of both segments stay readable."""
    import yaml

    from killing import assert_series_readable, kill_point, killed_run

    data = _data(tube, checkpoint={"interval": 0.2})
    config = write_config(yaml.safe_load(yaml.safe_dump(data)))
    plain, out = tmp_path / "plain", tmp_path / "killed"
    assert main(["-q", "run", str(config), "--out", str(plain)]) == 0
    k = kill_point(seed, kind, steps=10, checkpoints=4)
    killed_run(config, out, kind, k)
    step = json.loads((out / "checkpoint/latest.json").read_text())["step"]
    if kind == "file":
        assert step == 2 * (k - 1), (k, step)
    assert main(["-q", "run", str(config), "--restart", str(out)]) == 0
    _assert_same_run(plain, out, 1e-10)
    for name in ("velocity", "pressure"):
        assert assert_series_readable(out / f"{name}.xdmf") >= 1
        assert assert_series_readable(out / f"{name}.restart1.xdmf") >= 1


def test_diverged_solve_ends_the_run_naming_the_time(tube, tmp_path, write_config, capsys):
    """A flow solve that cannot converge (one unpreconditioned iteration at rtol 1e-14) ends the run
    with exit 1, one line naming the solve and the time, and status.json 'failed'."""
    import yaml

    config = write_config(yaml.safe_load(yaml.safe_dump(_data(tube))))
    out = tmp_path / "out"
    assert main(["run", str(config), "--out", str(out), "--set", "solver.flow.ksp_max_it=1",
                 "--set", "solver.flow.ksp_rtol=1e-14", "--set", "solver.flow.pc_type=none"]) == 1
    lines = [line for line in capsys.readouterr().err.splitlines() if "failed:" in line]
    assert len(lines) == 1 and "momentum solve diverged at t = 0.1 ms (step 1; KSP reason -3 (iteration limit reached)" in lines[0], lines
    assert json.loads((out / "status.json").read_text())["state"] == "failed"
