"""Land et al. 2015 (Proc R Soc A 471:20150641) problems 2 and 3 on a coarse curved ellipsoid (5 mm
edges, 10-node tetrahedra, P2-P1, base fixed) against the refined solutions of this solver.

The paper gives the apex positions of problems 2 and 3 only as plots of all codes' solutions; no
published numbers were at hand (docs/mechanics.md), so the bands here come from the refinement study of
scripts/verify_mechanics.py instead (docs/mechanics.md). Problem 2 (finest level 2 mm, which P3-P2
confirms to 0.01 mm): the coarse level must land within 0.25 mm (apex) and 1 % (volume); measured
0.12 mm / 0.4 %. Problem 3 converges more slowly (the fibers turn 180 degrees through the 3 mm wall):
against the 1.5 mm level (which P3-P2 at 4 mm confirms to 0.12 mm / 0.1 %) the coarse level is off by 0.38 mm
(endo apex) and 1.1 % (volume), so its band is 0.5 mm and 2 %.

Problem 3 (inflation to 15 kPa with 60 kPa active tension along fibers whose helix angle turns from +90
degrees at the endocardium to -90 at the epicardium) uses the Land rule at the quadrature points. With
P1-interpolated fibers (the earlier default) the same mesh gives a cavity volume of 4377 mm³ instead of
1781: the interpolant of the opposite endo and epi vectors loses the circumferential mid-wall fibers.
"""

from pathlib import Path

import pytest
from mpi4py import MPI

from heartsim.verification.land2015 import ellipsoid_mesh, run_problem

REPO = Path(__file__).resolve().parents[2]

#: the finest levels of the refinement study (curved geometry, P2-P1): h = 2 mm (problem 2), 1.5 mm (problem 3),
#: and the bands (mm, relative volume) the 5 mm level must land in
FINE = {
    2: {"z_apex_endo": -26.578, "z_apex_epi": -28.242, "volume": 10708.0},
    3: {"z_apex_endo": -11.972, "z_apex_epi": -15.564, "volume": 1801.28},
}
BAND = {2: (0.25, 0.01), 3: (0.5, 0.02)}


@pytest.fixture(scope="module")
def coarse():
    return ellipsoid_mesh(MPI.COMM_SELF, 5.0, order=2)


@pytest.mark.parametrize("problem", [2, 3])
def test_coarse_level_lands_near_the_refined_solution(coarse, problem):
    values = run_problem(problem, coarse).values
    fine, (mm, rel) = FINE[problem], BAND[problem]
    assert abs(values["volume"] - fine["volume"]) < rel * fine["volume"], values
    for key in ("z_apex_endo", "z_apex_epi"):
        assert abs(values[key] - fine[key]) < mm, (key, values)


def test_run_uses_the_analytic_rule_at_the_quadrature_points():
    """``heartsim run`` with ``fibers: {method: analytic}`` (configs/land-ellipsoid-contraction.yaml) puts
    the rule at the quadrature points of the forms: about half the fiber directions' weight is
    circumferential (exact rule: about 1/2; P1-interpolated vectors: 0.05)."""
    import dolfinx.fem
    import ufl

    from heartsim import fem
    from heartsim.config.loader import load_config
    from heartsim.mesh import build_mesh
    from heartsim.simulation.mechanics_run import material_fibers

    cfg = load_config(REPO / "configs" / "land-ellipsoid-contraction.yaml")
    tagged = build_mesh(cfg.mesh, MPI.COMM_SELF)
    (f0, _, _), (g0, _, _) = material_fibers(cfg, tagged)
    x = ufl.SpatialCoordinate(tagged.mesh)
    circumferential = ufl.as_vector((-x[1], x[0], 0)) / ufl.sqrt(x[0] ** 2 + x[1] ** 2)
    dX = ufl.dx(domain=tagged.mesh, metadata={"quadrature_degree": cfg.physics.mechanics.formulation.quadrature_degree})
    volume = fem.assemble_scalar(dolfinx.fem.form(1 * dX), MPI.COMM_SELF)
    share = fem.assemble_scalar(dolfinx.fem.form(ufl.inner(f0, circumferential) ** 2 * dX), MPI.COMM_SELF) / volume
    assert abs(share - 0.5) < 0.03, share
    assert g0 is not f0  # the cell-wise outputs get the rule at the cell midpoints
