"""Whole monodomain step throughput, and heartsim side by side with fenicsx-beat 0.7.2 on Niederer 2011.

    scripts/in-env python3 scripts/bench_ep_step.py                       # throughput + beat at 0.5 mm
    scripts/in-env python3 scripts/bench_ep_step.py --nodes 1e4 1e5 1e6 --beat-dx 0.5 0.2
    scripts/in-env python3 scripts/bench_ep_step.py --beat-dx                # throughput only

1. Throughput: a slab of TT06 epicardial tissue (the Niederer case, enlarged) of about N nodes, one
   complete step (ionic update + stimulus + diffusion solve + trackers), timed over ``--steps`` steps
   after one warm-up step, for
   - the finite-element run (heartsim.ep.monodomain: PETSc CG + BoomerAMG, or CuPy PCG on a GPU),
   - the DOLFINx-free runner on the exported arrays (heartsim.kernels.bench: SciPy/NumPy, or CuPy),
   reported as node-steps per second and ms per step; on a GPU also the device memory per node.
2. Side by side: the Niederer case at each ``--beat-dx`` (dt 0.05 ms) run by heartsim and by
   fenicsx-beat 0.7.2 (its own TT06 epi from the .ode shipped with it, gotranx generalised
   Rush-Larsen, theta = 1/2 splitting, CG + BoomerAMG), both to the same end time, in the same
   process on the same machine; activation detected the same way for both (first crossing of 0 mV,
   linear interpolation, P8 interpolated in the P1 map). Prints wall-time ratio and P8 difference.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from mpi4py import MPI

from heartsim import fem
from heartsim.ep.export import export_problem
from heartsim.ep.monodomain import Monodomain
from heartsim.kernels.activation import ActivationTimes
from heartsim.kernels.backend import select_backend
from heartsim.kernels.bench import BenchCase
from heartsim.mesh import build_mesh
from heartsim.verification.niederer import POINTS, niederer_config, run_niederer


def slab_for_nodes(target: float) -> tuple[list[str], int]:
    """Overrides giving a 20 x 7 x 3 mm-proportioned slab of about ``target`` nodes at 0.2 mm."""
    scale = (target / ((20 / 0.2 + 1) * (7 / 0.2 + 1) * (3 / 0.2 + 1))) ** (1 / 3)
    size = [round(20 * scale, 1), round(7 * scale, 1), round(3 * scale, 1)]
    nodes = int(np.prod([round(s / 0.2) + 1 for s in size]))
    return [f"mesh.size=[{size[0]}, {size[1]}, {size[2]}]"], nodes


def throughput(target: float, steps: int, backend: str, kernel: str) -> list[str]:
    extra, _ = slab_for_nodes(target)
    cfg = niederer_config(0.2, 0.05, 100.0, (*extra, f"physics.ep.ionic.cpu_kernel={kernel}"))
    chosen = select_backend(backend)
    problem = Monodomain(build_mesh(cfg.mesh, MPI.COMM_WORLD), cfg.physics.ep, cfg.time.dt, cfg.solver.ep_options(),
                         chosen)
    arrays = export_problem(problem, cfg.time.end, 1e-10)
    problem.advance()
    start = time.perf_counter()
    for _ in range(steps):
        problem.advance()
    fe = (time.perf_counter() - start) / steps
    n = problem.n_global
    problem.destroy()
    rows = [f"| FE run ({'CuPy PCG' if problem.on_device else 'PETSc CG+AMG'}, {chosen.name}, {kernel}) | {n} | "
            f"{MPI.COMM_WORLD.size} | {fe * 1e3:.1f} | {n / fe:.3g} |"]
    if arrays is not None:  # rank 0: the DOLFINx-free runner on the same arrays
        case = BenchCase(arrays, chosen)
        case.run(1)
        wall = case.run(steps) / steps
        memory = ""
        if chosen.name == "cupy":
            memory = f" ({chosen.xp.get_default_memory_pool().used_bytes() / n:.0f} B/node on the GPU)"
        rows.append(f"| kernels.bench ({chosen.name}, {kernel}){memory} | {n} | 1 | {wall * 1e3:.1f} | {n / wall:.3g} |")
    return rows


def beat_niederer(dx: float, dt: float, end: float) -> dict:
    """fenicsx-beat 0.7.2 on the Niederer case (see the module docstring); P1-P9 and loop wall time."""
    import beat
    import dolfinx
    import gotranx

    templates = Path(beat.__file__).parent / "cli" / "templates"
    ode_file = templates / "external_operator_gotranx" / "tentusscher_panfilov_2006_epi_cell.ode"
    module_dir = Path(tempfile.mkdtemp(prefix="beat-tt06-"))
    code = gotranx.cli.gotran2py.get_code(gotranx.load_ode(ode_file),
                                          scheme=[gotranx.schemes.Scheme.generalized_rush_larsen])
    (module_dir / "beat_tt06_epi.py").write_text(code)
    spec = importlib.util.spec_from_file_location("beat_tt06_epi", module_dir / "beat_tt06_epi.py")
    model = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(model)

    comm = MPI.COMM_WORLD
    start = time.perf_counter()
    geo = beat.geometry.get_3D_slab_geometry(comm=comm, Lx=20.0, Ly=7.0, Lz=3.0, dx=dx)
    mesh = geo.mesh
    space = dolfinx.fem.functionspace(mesh, ("Lagrange", 1))
    tdim = mesh.topology.dim
    cells = dolfinx.mesh.locate_entities(mesh, tdim, lambda x: np.all(x <= 1.5 + 1e-10, axis=0))
    tags = dolfinx.mesh.meshtags(mesh, tdim, cells, np.full(len(cells), 1, dtype=np.int32))
    clock = dolfinx.fem.Constant(mesh, 0.0)
    cond = beat.conductivities.default_conductivities("Niederer")
    stim = beat.stimulation.define_stimulus(mesh=mesh, chi=cond["chi"], time=clock, subdomain_data=tags, marker=1,
                                            mesh_unit="mm", amplitude=50_000.0)
    M = beat.conductivities.define_conductivity_tensor(f0=geo.f0, **cond)
    pde = beat.MonodomainModel(time=clock, mesh=mesh, M=M, I_s=stim, C_m=0.01, dx=stim.dZ,
                               params={"petsc_options": {"ksp_type": "cg", "pc_type": "hypre",
                                                         "pc_hypre_type": "boomeramg", "ksp_rtol": 1e-10}})
    v_ode = dolfinx.fem.Function(space)
    init = model.init_state_values()
    ode = beat.odesolver.DolfinODESolver(v_ode=v_ode, v_pde=pde.state, fun=model.generalized_rush_larsen,
                                         init_states=init, parameters=model.init_parameter_values(stim_amplitude=0.0),
                                         num_states=len(init), v_index=model.state_index("V"))
    solver = beat.MonodomainSplittingSolver(pde=pde, ode=ode, theta=0.5)
    setup = time.perf_counter() - start
    v = pde.state.x.array
    act = ActivationTimes(v.size, 0.0)
    steps = int(round(end / dt))
    loop_start = time.perf_counter()
    t = 0.0
    for k in range(steps):
        before = v.copy()
        solver.step((t, t + dt))
        v = pde.state.x.array
        act.update(before, v, t, t + dt)
        t = (k + 1) * dt
    loop = time.perf_counter() - loop_start
    field = dolfinx.fem.Function(pde.state.function_space)
    field.x.array[:] = act.times
    values = fem.evaluate(field, np.array(list(POINTS.values()), dtype=float))[:, 0]
    return {"times": dict(zip(POINTS, values.tolist())), "loop_s": loop, "setup_s": setup,
            "nodes": space.dofmap.index_map.size_global, "steps": steps}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=float, nargs="*", default=[1e4, 3e4, 1e5])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--backend", default="auto", choices=["auto", "numpy", "gpu"])
    parser.add_argument("--beat-dx", type=float, nargs="*", default=[0.5])
    parser.add_argument("--dt", type=float, default=0.05, help="time step of the side-by-side runs (ms)")
    parser.add_argument("--cpu-kernel", choices=["numpy", "native"], default="numpy",
                        help="CPU code of the TT06 model in heartsim's runs")
    args = parser.parse_args()
    say = print if MPI.COMM_WORLD.rank == 0 else (lambda *a, **k: None)
    if args.nodes:
        say("| code | nodes | ranks | ms per step | node-steps/s |\n|---|---|---|---|---|")
        for target in args.nodes:
            for row in throughput(target, args.steps, args.backend, args.cpu_kernel):
                say(row, flush=True)
    if args.beat_dx:
        say("\n| dx mm | dt ms | end ms | heartsim loop s | beat loop s | beat / heartsim | heartsim P8 | beat P8 | "
            "P8 difference |\n|---|---|---|---|---|---|---|---|---|")
        for dx in args.beat_dx:
            end = {0.5: 65.0, 0.2: 45.0, 0.1: 45.0}.get(dx, 65.0)
            ours = run_niederer(dx, args.dt, MPI.COMM_WORLD, "numpy", end=end, stop_when_activated=False,
                                extra=(f"physics.ep.ionic.cpu_kernel={args.cpu_kernel}",))
            ours_loop = ours["loop_s"]
            theirs = beat_niederer(dx, args.dt, end)
            p8, q8 = ours["times"]["P8"], theirs["times"]["P8"]
            say(f"| {dx} | {args.dt} | {end} | {ours_loop:.1f} | {theirs['loop_s']:.1f} | "
                f"{theirs['loop_s'] / ours_loop:.2f} | {p8:.2f} | {q8:.2f} | {p8 - q8:+.2f} |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
