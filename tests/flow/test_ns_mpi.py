"""MPI: the tube flow (RCR outlet, Womersley-free parabolic inlet) on 2 ranks equals 1 rank to solver tolerance."""

import sys
from pathlib import Path

import numpy as np
import pytest
from mpi4py import MPI

sys.path.insert(0, str(Path(__file__).parent))
from ns_meshes import tube_msh  # noqa: E402

from heartsim.config.loader import validate_data  # noqa: E402
from heartsim.flow.ns import NavierStokes  # noqa: E402
from heartsim.mesh import build_mesh  # noqa: E402

pytestmark = pytest.mark.mpi


def _run(mesh: Path, comm) -> tuple[dict, dict, float]:
    cfg = validate_data({
        "mesh": {"file": str(mesh)},
        "physics": {"flow": {
            "fluid": {"density": 1.0, "viscosity": 0.1},
            "inlet": {"waveform": {"fourier": {"mean": 1.0, "cos": [0.5]}, "period": 2.0}},
            "outlets": {"outlet": {"type": "rcr", "proximal_resistance": 0.5, "compliance": 0.1,
                                   "distal_resistance": 2.0}}}},
        "time": {"dt": 0.1, "end": 1.0}}, None)
    ns = NavierStokes(build_mesh(cfg.mesh, comm), cfg.physics.flow, cfg.time.dt,
                      {"ksp_rtol": 1e-12, "ksp_atol": 1e-15})
    for _ in range(cfg.time.steps()):
        ns.advance()
    result = dict(ns.flows), ns.mean_pressures(), ns.comm.allreduce(float(np.sum(ns.u.x.array[
        : ns.V.dofmap.index_map.size_local * 3] ** 2)), op=MPI.SUM)
    ns.destroy()
    return result


def test_tube_two_ranks_match_one_rank(tmp_path):
    world = MPI.COMM_WORLD
    assert world.size == 2
    mesh = world.bcast(str(tube_msh(tmp_path / "tube.msh", 1.0, 3.0, 0.5)) if world.rank == 0 else None)
    flows2, p2, norm2 = _run(Path(mesh), world)
    flows1, p1, norm1 = _run(Path(mesh), MPI.COMM_SELF)
    for name in flows1:
        assert flows2[name] == pytest.approx(flows1[name], rel=1e-7, abs=1e-9)
        assert p2[name] == pytest.approx(p1[name], rel=1e-7, abs=1e-9)
    assert norm2 == pytest.approx(norm1, rel=1e-8)
