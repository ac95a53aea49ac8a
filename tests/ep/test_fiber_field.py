"""EP conductivity from a fiber field (``fibers:``): equal to the constant tensor for a uniform field;
a CT LV run with LDRB fibers."""

from pathlib import Path

import numpy as np
import pytest
import ufl
from mpi4py import MPI

from heartsim import fem
from heartsim.ep.conductivity import as_ufl, conductivity_field, conductivity_tensor
from heartsim.ep.diffusion import mass_and_stiffness

REPO = Path(__file__).resolve().parents[2]


def test_uniform_fiber_field_gives_the_constant_tensor():
    mesh = fem.create_box(MPI.COMM_WORLD, (0, 0, 0), (1, 1, 1), (3, 3, 3))
    space = fem.lagrange_space(mesh, 1)
    vec = fem.lagrange_space(mesh, 1, shape=(3,))
    direction = np.array([1.0, 2.0, -0.5])
    import dolfinx

    fiber = dolfinx.fem.Function(vec)
    fiber.interpolate(lambda x: np.tile(3.0 * direction[:, None], (1, x.shape[1])))  # not unit: normalised
    _, k_field = mass_and_stiffness(space, conductivity_field(fiber, 0.13, 0.02))
    _, k_const = mass_and_stiffness(space, as_ufl(conductivity_tensor(direction, 0.13, 0.02)))
    k_field.axpy(-1.0, k_const)
    assert k_field.norm() < 1e-12 * k_const.norm()
    assert isinstance(conductivity_field(fiber, 0.13, 0.02), ufl.core.expr.Expr)


def test_ct_lv_with_ldrb_fibers_runs(tmp_path):
    from heartsim.cli.main import main

    out = tmp_path / "lv"
    assert main(["run", str(REPO / "configs/lv-ep.yaml"), "--out", str(out), "--set", "time.end=6",
                 "--set", "output.interval=3"]) == 0
    import json

    summary = json.loads((out / "summary.json").read_text())
    assert summary["status"] == "completed" and summary["activation_time_ms"]["min"] is not None
