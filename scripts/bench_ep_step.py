"""Whole monodomain step throughput, and heartsim side by side with fenicsx-beat 0.7.2 on Niederer 2011.

    scripts/in-env python3 scripts/bench_ep_step.py                       # throughput + beat at 0.5 mm
    scripts/in-env python3 scripts/bench_ep_step.py --nodes 1e4 1e5 1e6 --beat-dx 0.5 0.2
    scripts/in-env python3 scripts/bench_ep_step.py --beat-dx                # throughput only
    scripts/in-env python3 scripts/bench_ep_step.py --nodes --beat-dx --profile 0.5 0.2   # one-step profile
    scripts/in-env python3 scripts/bench_ep_step.py --nodes --beat-dx 0.5 0.2 --beat-end 65 10 --interleave 20

1. Throughput: a slab of TT06 epicardial tissue (the Niederer case, enlarged) of about N nodes, one
   complete step (ionic update + stimulus + diffusion solve + trackers), timed over ``--steps`` steps
   after one warm-up step, for
   - the finite-element run (heartsim.ep.monodomain: PETSc CG + SSOR by default, or CuPy PCG on a GPU),
   - the DOLFINx-free runner on the exported arrays (heartsim.kernels.bench: SciPy/NumPy, or CuPy),
   reported as node-steps per second and ms per step; on a GPU also the device memory per node.
2. Side by side: the Niederer case at each ``--beat-dx`` (dt 0.05 ms) run by heartsim and by
   fenicsx-beat 0.7.2 (its own TT06 epi from the .ode shipped with it, gotranx generalised
   Rush-Larsen, theta = 1/2 splitting, CG + BoomerAMG), both to the same end time, in the same
   process on the same machine; activation detected the same way for both (first crossing of 0 mV,
   linear interpolation, P8 interpolated in the P1 map). Prints wall-time ratio and P8 difference,
   then one line ``ratio dx0.5: R1, dx0.2: R2`` (beat / heartsim loop time per dx). With
   ``--interleave N`` the two codes advance alternately N steps at a time, each block timed, so
   that load changes on a shared machine hit both.
3. ``--profile DX...``: milliseconds per step in each part of heartsim's step (see profile_step).
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
    rows = [f"| FE run ({'CuPy PCG' if problem.on_device else 'PETSc ' + str(cfg.solver.ep_options().get('pc_type'))}, {chosen.name}, {kernel}) | {n} | "
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


class _Timed:
    """Wall time spent in one callable (wrapped in place), summed over calls."""

    def __init__(self):
        self.seconds = 0.0

    def wrap(self, fn):
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start
        return timed


def profile_step(dx: float, dt: float, steps: int, warmup: int, extra: tuple[str, ...]) -> dict:
    """Milliseconds per step in each part of heartsim's monodomain step on the Niederer case at ``dx``.

    Parts: the ionic kernel (``model.step``, twice per Strang step), the stimulus (rest of the
    reaction callable), the copies between the loop's array and the PETSc vector (in/out and the
    output Function), the right-hand side B v (mat-vec), the KSP solve, the activation and
    repolarisation trackers, and the rest (Python in EPLoop.advance / split_step, v_before copy).
    Rank-local wall times (rank 0's), measured by wrapping each callable on the live objects."""
    cfg = niederer_config(dx, dt, 100.0, extra)
    problem = Monodomain(build_mesh(cfg.mesh, MPI.COMM_WORLD), cfg.physics.ep, cfg.time.dt,
                         cfg.solver.ep_options(), select_backend("numpy"))
    for _ in range(warmup):
        problem.advance()
    loop, diffusion = problem.loop, problem.diffusion
    names = ("ionic kernel", "stimulus (rest of the reaction call)", "copies loop <-> PETSc, ghost update, output",
             "RHS B v", "KSP solve", "trackers", "total", "diffuse")
    parts = {name: _Timed() for name in names}
    loop.model = _Proxy(loop.model, step=parts["ionic kernel"].wrap(loop.model.step))
    loop.reaction = parts["stimulus (rest of the reaction call)"].wrap(loop.reaction)
    loop.activation.update = parts["trackers"].wrap(loop.activation.update)
    loop.repolarisation.update = parts["trackers"].wrap(loop.repolarisation.update)
    diffusion.B = _Proxy(diffusion.B, mult=parts["RHS B v"].wrap(diffusion.B.mult))
    diffusion.ksp = _Proxy(diffusion.ksp, solve=parts["KSP solve"].wrap(diffusion.ksp.solve))
    problem._diffuse_petsc = parts["diffuse"].wrap(problem._diffuse_petsc)
    problem.sync = parts["copies loop <-> PETSc, ghost update, output"].wrap(problem.sync)
    its0, solves0 = problem.linear_iterations
    advance = parts["total"].wrap(problem.advance)
    for _ in range(steps):
        advance()
    ms = {name: part.seconds / steps * 1e3 for name, part in parts.items()}
    # nested timers: the reaction call holds the kernel; diffuse holds B v, the solve and the copies
    ms["stimulus (rest of the reaction call)"] -= ms["ionic kernel"]
    ms["copies loop <-> PETSc, ghost update, output"] += ms.pop("diffuse") - ms["RHS B v"] - ms["KSP solve"]
    total = ms.pop("total")
    ms["rest (Python in advance/split_step, v_before copy)"] = total - sum(ms.values())
    ms["total"] = total
    its, solves = problem.linear_iterations
    ms["KSP iterations per solve"] = (its - its0) / max(1, solves - solves0)
    ms["nodes"] = problem.n_global
    problem.destroy()
    return ms


class _Proxy:
    """An object whose named attributes are replaced (for timing wrappers on C-extension objects)."""

    def __init__(self, target, **override):
        self._target, self._override = target, override

    def __getattr__(self, name):
        return self._override[name] if name in self._override else getattr(self._target, name)


def beat_stepper(dx: float, dt: float):
    """(step, finish, set-up seconds, nodes) of fenicsx-beat 0.7.2 on the Niederer case (module docstring)."""
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
    state = {"t": 0.0, "k": 0, "act": ActivationTimes(pde.state.x.array.size, 0.0)}

    def step() -> None:
        before = pde.state.x.array.copy()
        t = state["t"]
        solver.step((t, t + dt))
        state["act"].update(before, pde.state.x.array, t, t + dt)
        state["k"] += 1
        state["t"] = state["k"] * dt

    def finish() -> dict:
        field = dolfinx.fem.Function(pde.state.function_space)
        field.x.array[:] = state["act"].times
        values = fem.evaluate(field, np.array(list(POINTS.values()), dtype=float))[:, 0]
        return dict(zip(POINTS, values.tolist()))

    return step, finish, setup, space.dofmap.index_map.size_global


def beat_niederer(dx: float, dt: float, end: float) -> dict:
    """fenicsx-beat 0.7.2 on the Niederer case (see the module docstring); P1-P9 and loop wall time."""
    step, finish, setup, nodes = beat_stepper(dx, dt)
    steps = int(round(end / dt))
    loop_start = time.perf_counter()
    for _ in range(steps):
        step()
    loop = time.perf_counter() - loop_start
    return {"times": finish(), "loop_s": loop, "setup_s": setup, "nodes": nodes, "steps": steps}


def heartsim_stepper(dx: float, dt: float, end: float, extra: tuple[str, ...]):
    """(step, finish, nodes) of heartsim's run of the Niederer case, as in heartsim.verification.niederer."""
    cfg = niederer_config(dx, dt, end, extra)
    problem = Monodomain(build_mesh(cfg.mesh, MPI.COMM_WORLD), cfg.physics.ep, cfg.time.dt, cfg.solver.ep_options(),
                         select_backend("numpy"))

    def finish() -> dict:
        values = fem.evaluate(problem.activation_function(), np.array(list(POINTS.values()), dtype=float))[:, 0]
        problem.destroy()
        return dict(zip(POINTS, values.tolist()))

    return problem.advance, finish, problem.n_global


def interleaved(dx: float, dt: float, end: float, extra: tuple[str, ...], chunk: int) -> tuple[dict, dict]:
    """Both codes advanced in alternating blocks of ``chunk`` steps (each block timed on its own), so
    that a change of the machine's load hits both; returns (heartsim, beat) like run_niederer."""
    ours_step, ours_finish, nodes = heartsim_stepper(dx, dt, end, extra)
    beat_step, beat_finish, _, _ = beat_stepper(dx, dt)
    steps = int(round(end / dt))
    walls = [0.0, 0.0]
    for first in range(0, steps, chunk):
        for k, step in enumerate((ours_step, beat_step)):
            MPI.COMM_WORLD.Barrier()
            start = time.perf_counter()
            for _ in range(min(chunk, steps - first)):
                step()
            walls[k] += time.perf_counter() - start
    return ({"times": ours_finish(), "loop_s": walls[0], "nodes": nodes},
            {"times": beat_finish(), "loop_s": walls[1], "nodes": nodes})


def side_by_side(dx: float, dt: float, end: float, extra: tuple[str, ...], say, chunk: int = 0) -> float:
    """heartsim and fenicsx-beat on the Niederer case to ``end`` (one after the other, or interleaved in
    blocks of ``chunk`` steps); prints a table row, returns beat / heartsim."""
    if chunk:
        ours, theirs = interleaved(dx, dt, end, extra, chunk)
    else:
        ours = run_niederer(dx, dt, MPI.COMM_WORLD, "numpy", end=end, stop_when_activated=False, extra=extra)
        theirs = beat_niederer(dx, dt, end)
    p8, q8 = ours["times"]["P8"], theirs["times"]["P8"]
    ratio = theirs["loop_s"] / ours["loop_s"]
    say(f"| {dx} | {dt} | {end} | {MPI.COMM_WORLD.size} | {ours['nodes']} | {ours['loop_s']:.2f} | "
        f"{theirs['loop_s']:.2f} | {ratio:.2f} | {p8:.2f} | {q8:.2f} | {p8 - q8:+.2f} |", flush=True)
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=float, nargs="*", default=[1e4, 3e4, 1e5])
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--backend", default="auto", choices=["auto", "numpy", "gpu"])
    parser.add_argument("--beat-dx", type=float, nargs="*", default=[0.5])
    parser.add_argument("--beat-end", type=float, nargs="*", default=[],
                        help="end time (ms) of the side-by-side runs, one per --beat-dx (default 65 at 0.5 mm, "
                             "45 below; P8 is NaN when a run ends before P8 activates)")
    parser.add_argument("--dt", type=float, default=0.05, help="time step of the side-by-side runs (ms)")
    parser.add_argument("--cpu-kernel", choices=["auto", "numpy", "native"], default=None,
                        help="CPU code of the TT06 model in heartsim's runs (default: the config's, auto)")
    parser.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                        help="config override for heartsim's runs, e.g. solver.ep.pc_type=hypre (repeatable)")
    parser.add_argument("--profile", type=float, nargs="*", default=[], metavar="DX",
                        help="profile one heartsim step on the Niederer case at these dx (ms per part)")
    parser.add_argument("--profile-steps", type=int, default=40)
    parser.add_argument("--interleave", type=int, default=0, metavar="STEPS",
                        help="advance heartsim and beat alternately in blocks of STEPS steps (timing each block), "
                             "so that load changes on a shared machine hit both; 0: one after the other")
    args = parser.parse_args()
    say = print if MPI.COMM_WORLD.rank == 0 else (lambda *a, **k: None)
    extra = tuple(args.overrides) + ((f"physics.ep.ionic.cpu_kernel={args.cpu_kernel}",) if args.cpu_kernel else ())
    kernel = args.cpu_kernel or "auto"
    if args.profile:
        rows = [profile_step(dx, args.dt, args.profile_steps, 10, extra) for dx in args.profile]
        say(f"\nOne step, ms (rank 0 of {MPI.COMM_WORLD.size}; {args.profile_steps} steps after 10; "
            f"overrides: {', '.join(extra) or 'none'})\n")
        say("| part | " + " | ".join(f"dx {dx} ({int(r['nodes'])} nodes)" for dx, r in zip(args.profile, rows)) + " |")
        say("|---|" + "---|" * len(rows))
        for name in rows[0]:
            if name != "nodes":
                say(f"| {name} | " + " | ".join(f"{r[name]:.2f}" for r in rows) + " |")
    if args.nodes:
        say("| code | nodes | ranks | ms per step | node-steps/s |\n|---|---|---|---|---|")
        for target in args.nodes:
            for row in throughput(target, args.steps, args.backend, kernel):
                say(row, flush=True)
    if args.beat_dx:
        ends = args.beat_end or [{0.5: 65.0}.get(dx, 45.0) for dx in args.beat_dx]
        if len(ends) != len(args.beat_dx):
            parser.error("--beat-end needs one value per --beat-dx")
        say(f"\nheartsim overrides: {', '.join(extra) or 'none'}\n")
        say("| dx mm | dt ms | end ms | ranks | nodes | heartsim loop s | beat loop s | beat / heartsim | heartsim P8 | "
            "beat P8 | P8 difference |\n|---|---|---|---|---|---|---|---|---|---|---|")
        ratios = {dx: side_by_side(dx, args.dt, end, extra, say, args.interleave)
                  for dx, end in zip(args.beat_dx, ends)}
        say("ratio " + ", ".join(f"dx{dx:g}: {r:.2f}" for dx, r in ratios.items()))


if __name__ == "__main__":
    sys.exit(main())
