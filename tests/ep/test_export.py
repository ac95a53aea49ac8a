"""``heartsim ep export`` + the DOLFINx-free runner: the same activation times as the FE run."""

import json
import subprocess
import sys

import numpy as np
import pytest
from mpi4py import MPI

from heartsim.cli.main import main
from heartsim.kernels.backend import probe_gpu, select_backend
from heartsim.kernels.ionic import MODELS, native
from heartsim.verification.activation_map import activation_map, sort_by_position as _sorted

CASE = {
    "name": "export",
    "mesh": {"generate": "box", "size": [6, 3, 1], "resolution": 0.5},
    "physics": {"ep": {
        "ionic": {"model": "mitchell_schaeffer"},
        "fiber": [1, 1, 0],
        "stimuli": [{"name": "S1", "point": [0.5, 0.5, 0.5], "radius": 0.6, "period": 60, "count": 2},
                    {"name": "late", "region": {"box": {"min": [5, 2, 0], "max": [6, 3, 1]}}, "after": "S1",
                     "delay": 4}],
    }},
    "time": {"dt": 0.1, "end": 30},
}


@pytest.fixture
def exported(write_config, tmp_path):
    path = tmp_path / "case.npz"
    assert main(["-q", "ep", "export", str(write_config(CASE)), str(path)]) == 0
    return path


def test_export_holds_operators_states_masks_and_coordinates(exported):
    with np.load(exported) as data:
        n = data["coordinates"].shape[0]
        assert n == 13 * 7 * 3 and data["initial_states"].shape == (2, n)
        assert data["lead_masks"].shape == (2, n) and data["lead_masks"].sum(axis=1).min() > 0
        assert data["lead_onsets"].tolist() == [[0.0, 60.0], [4.0, 64.0]]
        assert str(data["ionic_model"]) == "mitchell_schaeffer" and float(data["dt"]) == 0.1
        import scipy.sparse as sp

        mass = sp.csr_matrix((data["mass_data"], data["mass_indices"], data["mass_indptr"]), shape=(n, n))
        assert np.isclose(mass.sum(), 6 * 3 * 1)  # sum of the mass matrix = volume (mm^3)
        stiff = sp.csr_matrix((data["stiffness_data"], data["stiffness_indices"], data["stiffness_indptr"]),
                              shape=(n, n))
        assert np.allclose(stiff @ np.ones(n), 0.0, atol=1e-12)  # constants are in the kernel


def test_runner_matches_fe_run_within_one_step(exported, tmp_path):
    out = tmp_path / "maps.npz"
    # a separate process, to check that the runner imports no DOLFINx
    code = ("import sys; from heartsim.kernels.bench import main; rc = main(sys.argv[1:]); "
            "assert 'dolfinx' not in sys.modules, 'dolfinx imported'; sys.exit(rc)")
    proc = subprocess.run([sys.executable, "-c", code, str(exported), "--backend", "numpy", "--out", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["steps"] == 300 and report["backend"] == "numpy"
    with np.load(out) as maps:
        xb, tb = _sorted(maps["coordinates"], maps["activation_time"])
    xf, tf = activation_map(CASE)
    assert np.allclose(xb, xf)
    assert np.array_equal(np.isnan(tb), np.isnan(tf)) and np.isnan(tf).sum() < tf.size // 4
    assert np.nanmax(np.abs(tb - tf)) <= CASE["time"]["dt"]


@pytest.mark.skipif("tentusscher_panfilov_2006" not in MODELS,
                    reason="needs the ten Tusscher-Panfilov 2006 model")
def test_runner_matches_fe_run_with_tt06_variant_and_drug_block(write_config, tmp_path):
    from heartsim.kernels.bench import BenchCase

    case = {**CASE, "time": {"dt": 0.05, "end": 12}}
    case["physics"] = {"ep": {**CASE["physics"]["ep"], "ionic": {
        "model": "tentusscher_panfilov_2006", "variant": "epi", "scale": {"g_Kr": 0.5}}}}
    path = tmp_path / "tt06.npz"
    assert main(["-q", "ep", "export", str(write_config(case)), str(path)]) == 0
    with np.load(path) as npz:
        data = {k: npz[k] for k in npz.files}
    names = [str(n) for n in data["parameter_names"]]
    assert data["parameter_table"][0, names.index("g_to")] == 0.294  # the epicardial variant
    bench = BenchCase(data, select_backend("numpy"), cpu_kernel="numpy")  # the reference array code
    bench.run()
    xb, tb = _sorted(data["coordinates"], bench.maps()["activation_time"])
    xf, tf = activation_map(case)  # the FE run: cpu_kernel auto (native where cc exists)
    assert np.allclose(xb, xf) and np.array_equal(np.isnan(tb), np.isnan(tf)) and np.isnan(tf).sum() < tf.size // 2
    assert np.nanmax(np.abs(tb - tf)) <= 0.05
    if native.available():  # the runner's --cpu-kernel native: the compiled kernel, same numbers
        fast = BenchCase(data, select_backend("numpy"), cpu_kernel="native")
        fast.run()
        act = fast.maps()["activation_time"]
        ref = bench.maps()["activation_time"]
        assert np.array_equal(np.isnan(act), np.isnan(ref))
        assert np.nanmax(np.abs(act - ref)) <= 1e-6


def test_runner_fp32_activation_error_is_small(exported, tmp_path):
    from heartsim.kernels.bench import BenchCase

    with np.load(exported) as npz:
        data = {k: npz[k] for k in npz.files}
    runs = {}
    for precision in ("fp64", "fp32"):
        case = BenchCase(data, select_backend("numpy"), precision)
        case.run()
        runs[precision] = case.maps()["activation_time"]
    assert np.nanmax(np.abs(runs["fp64"] - runs["fp32"])) <= CASE["time"]["dt"]


def test_runner_bad_input(tmp_path):
    from heartsim.kernels.bench import main as bench

    assert bench([str(tmp_path / "missing.npz")]) == 2


@pytest.mark.skipif(probe_gpu()[0] is None, reason="needs a CUDA GPU (CuPy)")
def test_cupy_runner_matches_numpy(exported, tmp_path):
    from heartsim.kernels.bench import BenchCase

    with np.load(exported) as npz:
        data = {k: npz[k] for k in npz.files}
    maps = {}
    for name in ("numpy", "gpu"):
        case = BenchCase(data, select_backend(name))
        case.run()
        maps[name] = case.maps()
    assert np.nanmax(np.abs(maps["numpy"]["activation_time"] - maps["gpu"]["activation_time"])) <= 0.1
    # APD90 within 0.5 ms wherever the run reached repolarisation (the same nodes on both)
    apd = [maps[name]["apd"] for name in ("numpy", "gpu")]
    reached = np.isfinite(apd[0])
    assert np.array_equal(reached, np.isfinite(apd[1]))
    if reached.any():
        assert np.abs(apd[0][reached] - apd[1][reached]).max() <= 0.5


@pytest.mark.mpi
def test_export_on_two_ranks_runs_like_one(tmp_path_factory, write_config):
    from heartsim.kernels.bench import BenchCase

    comm = MPI.COMM_WORLD
    folder = comm.bcast(str(tmp_path_factory.mktemp("export")) if comm.rank == 0 else None, root=0)
    cfg = write_config(CASE) if comm.rank == 0 else None
    cfg = comm.bcast(str(cfg) if cfg else None, root=0)
    path = f"{folder}/two.npz"
    assert main(["-q", "ep", "export", cfg, path]) == 0
    if comm.rank == 0:
        with np.load(path) as npz:
            data = {k: npz[k] for k in npz.files}
        case = BenchCase(data, select_backend("numpy"))
        case.run()
        xb, tb = _sorted(data["coordinates"], case.maps()["activation_time"])
    xf, tf = activation_map(CASE)
    if comm.rank == 0:
        assert np.allclose(xb, xf) and np.nanmax(np.abs(tb - tf)) <= CASE["time"]["dt"]


def test_fe_run_with_array_pde_matches_petsc():
    """The one-GPU-rank code path (PDE by CG on the array backend's CSR matrices), run on NumPy/SciPy."""
    from heartsim.config.loader import validate_data
    from heartsim.ep.monodomain import Monodomain
    from heartsim.mesh import build_mesh

    cfg = validate_data(CASE, None)
    times = []
    for array_pde in (False, True):
        problem = Monodomain(build_mesh(cfg.mesh, MPI.COMM_SELF), cfg.physics.ep, cfg.time.dt,
                             cfg.solver.ep_options(), select_backend("numpy"), array_pde=array_pde)
        assert problem.on_device == array_pde
        for _ in range(cfg.time.steps()):
            problem.advance()
        assert problem.linear_iterations[1] == cfg.time.steps()
        times.append(np.array(problem.activation.times))
        np.testing.assert_allclose(problem.sync().x.array, problem.loop.v)
        problem.destroy()
    assert np.array_equal(np.isnan(times[0]), np.isnan(times[1]))
    assert np.nanmax(np.abs(times[0] - times[1])) <= CASE["time"]["dt"]
