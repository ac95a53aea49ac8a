"""Run a 0D circulation model alone: time loop, periodic steady state, CSV tables, PNG plots, summary.

Runs the ``physics.circulation`` section of a config whose only physics it is (``heartsim run`` or
``heartsim circulation``; no mesh needed). Rank 0 does the work and writes; the other ranks wait
and return the same summary. Outputs in ``out``:

- ``circulation.csv``: time (ms) and every pressure (mmHg), volume (mL) and flow (mL/s), every
  ``output.interval``;
- ``cycles.csv``: per cycle its change (periodicity measure) and haemodynamics (EDV, ESV, EF, ...);
- ``pv_loops.png`` (closed loop) and ``pressures.png``: the last cycle (and the earlier ones, faded);
- ``summary.json``, ``config.resolved.json``, ``status.json``.

A SIGTERM/SIGUSR1 stops the run after its step with a checkpoint (``checkpoint/circulation.json``
and the tables so far); ``restart=True`` continues from it.
"""

from __future__ import annotations

import csv
import json
import logging
import time
from pathlib import Path

import numpy as np

from heartsim.circulation.periodic import CycleMonitor, cycle_metrics
from heartsim.circulation.report import column_name, to_clinical
from heartsim.circulation.standalone import standalone_model
from heartsim.circulation.units import MMHG, ML
from heartsim.circulation.windkessel import fit_sinusoid, sine_response
from heartsim.cli.progress import Progress
from heartsim.config.errors import ConfigError
from heartsim.io.outputs import config_hash, prepare_output_folder, write_json_atomic
from heartsim.runtime.collective import on_root
from heartsim.runtime.status import write_status

CHECKPOINT = Path("checkpoint") / "circulation.json"


def _steps_per_cycle(period: float, dt: float) -> int:
    n = round(period / dt)
    if n < 1 or abs(period / dt - n) > 1e-6 * n:
        raise ConfigError([f"time.dt: {dt:g} ms must divide the cycle period {period:g} ms "
                           "(cycles are detected at whole steps)"])
    return n


def run_circulation(cfg, out: Path, comm, log: logging.Logger, restart: bool = False, stop=None) -> dict:
    """Run the 0D model of ``cfg`` writing into ``out``; returns the summary (also in summary.json)."""
    sec = cfg.physics.circulation
    period = sec.cycle_period()
    dt = cfg.time.dt
    steps_per_cycle = _steps_per_cycle(period, dt)
    every = max(1, round(cfg.output.interval / dt))
    total = cfg.time.steps()
    resolved = cfg.model_dump(mode="json")
    fingerprint = config_hash({"circulation": sec.model_dump(mode="json"), "dt": dt})
    ckpt_every = round(cfg.checkpoint.interval / dt) if cfg.checkpoint.interval else 0

    def work() -> dict:
        wall_start = time.perf_counter()
        model = standalone_model(sec)
        rows: list[dict[str, float]] = []
        cycles: list[dict[str, float]] = []
        cycle_rows: list[dict[str, float]] = []
        monitor = CycleMonitor(steps_per_cycle, model.y)
        step, previous_wall = 0, 0.0
        if restart:
            ckpt = out / CHECKPOINT
            if not ckpt.is_file():
                raise ConfigError([f"--restart {out}: no checkpoint to continue from"])
            data = json.loads(ckpt.read_text())
            if data["state_hash"] != fingerprint:
                raise ConfigError([f"--restart {out}: the checkpoint was written by a different case "
                                   "(circulation or dt changed)"])
            model.set_state(data["model"])
            step, previous_wall = data["step"], data["wall_time_s"]
            monitor.start, monitor.scale = np.array(data["monitor"]["start"]), np.array(data["monitor"]["scale"])
            monitor.steps, monitor.cycles, monitor.changes = step, data["monitor"]["cycles"], data["monitor"]["changes"]
            rows, cycles, cycle_rows = data["rows"], data["cycles"], data["cycle_rows"]
            log.info("restarting at t = %.1f ms (step %d, cycle %d)", model.t, step, monitor.cycles + 1)
        else:
            prepare_output_folder(out)
            rows.append({"t": model.t, **model.outputs()})
            cycle_rows.append(rows[0])
        write_json_atomic(out / "config.resolved.json", resolved)
        write_status(out, "running", t_ms=model.t, step=step)
        log.info("0D %s: dt = %g ms, %d steps per cycle of %g ms, at most %d cycles (%s)", sec.model, dt,
                 steps_per_cycle, period, total // steps_per_cycle, sec.integrator.method)

        progress = Progress(total - step, total * dt, log)
        first = step
        periodic_at = None
        loop_start = time.perf_counter()
        while step < total:
            try:
                model.step(dt)
            except Exception as exc:  # Newton failure, non-finite state: status and summary say so
                from heartsim.simulation.run_folder import record_failure

                record_failure(out, cfg.name, exc, model.t, step, config_hash(resolved))
                raise
            step += 1
            row = {"t": model.t, **model.outputs()}
            cycle_rows.append(row)
            if step % every == 0:
                rows.append(row)
            change = monitor.update(model.y)
            if change is not None:
                columns = {k: np.array([r[k] for r in cycle_rows]) for k in row if k != "t"}
                cycles.append({"cycle": monitor.cycles, "t_end": model.t, "change": change,
                               **cycle_metrics(columns, period)})
                cycle_rows = [row]
                log.info("cycle %d: change %.2e%s", monitor.cycles, change, _cycle_note(cycles[-1]))
                if change < sec.periodic.tolerance and monitor.cycles >= sec.periodic.min_cycles:
                    if periodic_at is None:
                        periodic_at = monitor.cycles
                    if sec.periodic.stop:
                        break
            progress.update(step - first, model.t)
            signalled = stop is not None and stop.signum and step < total
            if signalled or (ckpt_every and step % ckpt_every == 0 and step < total):
                state = {"state_hash": fingerprint, "step": step, "model": model.get_state(),
                         "wall_time_s": previous_wall + time.perf_counter() - wall_start,
                         "monitor": {"start": monitor.start.tolist(), "scale": monitor.scale.tolist(),
                                     "cycles": monitor.cycles, "changes": monitor.changes},
                         "rows": rows, "cycles": cycles, "cycle_rows": cycle_rows}
                (out / CHECKPOINT).parent.mkdir(exist_ok=True)
                write_json_atomic(out / CHECKPOINT, state)  # temporary name + rename: a kill leaves the last
                _write_tables(out, rows, cycles)
            if signalled:
                write_status(out, "checkpointed", reason=f"signal {stop.signum}", t_ms=model.t, step=step,
                             checkpoint=str(CHECKPOINT))
                log.warning("signal %d: checkpoint written at t = %.1f ms; continue with --restart %s",
                            stop.signum, model.t, out)
                return {"status": "checkpointed"}
        loop_time = time.perf_counter() - loop_start

        _write_tables(out, rows, cycles)
        plots = _plot(out, sec, rows, period)
        summary = _summary(cfg, sec, model, rows, cycles, periodic_at, step, dt, period)
        summary.update({
            "wall_time_s": round(previous_wall + time.perf_counter() - wall_start, 3),
            "steps_per_second": round((step - first) / loop_time, 1) if loop_time > 0 else None,
            "config_hash": config_hash(resolved),
            "outputs": sorted(["circulation.csv", "cycles.csv", *plots]),
        })
        summary["headline"] += f"; {summary['wall_time_s']:.1f} s"
        write_json_atomic(out / "summary.json", summary)
        write_status(out, "completed", t_ms=model.t, step=step)
        return summary

    if comm.size > 1 and comm.rank != 0:
        _idle_wait(comm)
    summary = on_root(comm, lambda: _then_release(comm, work))
    if comm.size > 1:
        summary = comm.bcast(summary, root=0)
        # a summary is larger than the eager limit: without this barrier a rank could leave (and finalize
        # MPI) before the root's send has completed, which crashes Open MPI's shared-memory transport
        comm.barrier()
    if summary["status"] == "checkpointed":
        from heartsim.simulation.run_folder import Checkpointed

        raise Checkpointed(out / CHECKPOINT)
    return summary


def _idle_wait(comm) -> None:
    """Wait (sleeping, not spinning in a blocking collective) until rank 0 calls :func:`_then_release`.

    Ranks idling for seconds inside a blocking MPI_Bcast crash intermittently in Open MPI's
    shared-memory transport on the development machines (segfault in mca_btl_sm_poll_handle_frag);
    a non-blocking barrier tested every 5 ms does not."""
    request = comm.Ibarrier()
    while not request.Test():
        time.sleep(0.005)


def _then_release(comm, work):
    """Rank 0: run ``work``, then release the ranks waiting in :func:`_idle_wait` (also on failure)."""
    try:
        return work()
    finally:
        if comm.size > 1:
            comm.Ibarrier().Wait()


def _cycle_note(cycle: dict) -> str:
    if "LV_EDV" in cycle:
        return (f"; LV EDV {cycle['LV_EDV'] / ML:.1f} mL, ESV {cycle['LV_ESV'] / ML:.1f} mL, "
                f"aortic {cycle['p_AR_SYS_min'] / MMHG:.0f}-{cycle['p_AR_SYS_max'] / MMHG:.0f} mmHg")
    return f"; inlet {cycle['p_in_min'] / MMHG:.1f}-{cycle['p_in_max'] / MMHG:.1f} mmHg"


def _write_csv(path: Path, records: list[dict]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", newline="") as f:
        if records:
            writer = csv.writer(f)
            writer.writerow(records[0].keys())
            writer.writerows([f"{v:.10g}" for v in r.values()] for r in records)
    tmp.replace(path)


def _write_tables(out: Path, rows: list[dict], cycles: list[dict]) -> None:
    _write_csv(out / "circulation.csv", [{"t_ms": r["t"], **to_clinical({k: v for k, v in r.items() if k != "t"})}
                                         for r in rows])
    _write_csv(out / "cycles.csv", [{"cycle": c["cycle"], "t_end_ms": c["t_end"], "change": c["change"],
                                     **to_clinical({k: v for k, v in c.items()
                                                    if k not in ("cycle", "t_end", "change")})}
                                    for c in cycles])


def _summary(cfg, sec, model, rows, cycles, periodic_at, step, dt, period) -> dict:
    last = to_clinical({k: v for k, v in cycles[-1].items() if k not in ("cycle", "t_end", "change")}) if cycles else {}
    summary = {
        "status": "completed",
        "name": cfg.name,
        "physics": "circulation",
        "model": sec.model,
        "integrator": sec.integrator.method,
        "dt_ms": dt,
        "steps": step,
        "end_time_ms": model.t,
        "cycles": len(cycles),
        "periodic": periodic_at is not None,
        "periodic_at_cycle": periodic_at,
        "last_change": cycles[-1]["change"] if cycles else None,
        "tolerance": sec.periodic.tolerance,
        "last_cycle": {k: round(v, 4) for k, v in last.items()},
    }
    state = f"periodic after {periodic_at} cycles" if periodic_at else f"NOT periodic after {len(cycles)} cycles"
    if sec.model == "closed_loop" and cycles:
        summary["headline"] = (f"{state} (change {summary['last_change']:.1e}): LV EDV {last['LV_EDV_mL']:.1f} mL, "
                               f"ESV {last['LV_ESV_mL']:.1f} mL, EF {last['LV_EF_percent']:.1f} %, aortic "
                               f"{last['p_AR_SYS_min_mmHg']:.1f}/{last['p_AR_SYS_max_mmHg']:.1f} mmHg")
    elif cycles:
        summary["headline"] = (f"{state} (change {summary['last_change']:.1e}): inlet pressure "
                               f"{last['p_in_min_mmHg']:.1f}-{last['p_in_max_mmHg']:.1f} mmHg "
                               f"(mean {last['p_in_mean_mmHg']:.1f})")
        if sec.inflow.shape == "sine":
            summary["analytic"] = _sine_check(sec, model, rows, period)
            a = summary["analytic"]
            summary["headline"] += (f"; amplitude {a['amplitude_mmHg']:.3f} vs analytic {a['analytic_amplitude_mmHg']:.3f}"
                                    f" mmHg, phase {a['phase_rad']:.4f} vs {a['analytic_phase_rad']:.4f} rad")
    else:
        summary["headline"] = f"ran {step} steps (shorter than one cycle)"
    return summary


def _sine_check(sec, model, rows, period) -> dict:
    """Amplitude and phase of the last cycle's inlet pressure against the analytic periodic solution."""
    t = np.array([r["t"] for r in rows])
    p = np.array([r["p_in"] for r in rows])
    last = t >= t[-1] - period + 1e-9
    omega = 2 * np.pi / period
    mean, amp, phase = fit_sinusoid(t[last], p[last], omega)
    wk = model.outlet.model
    z = wk.impedance(omega)[0]
    exact = sine_response(wk, sec.inflow.mean, sec.inflow.amplitude, omega, t[last])
    return {"mean_mmHg": mean / MMHG, "amplitude_mmHg": amp / MMHG, "phase_rad": phase,
            "analytic_mean_mmHg": float(wk.pressure(wk.steady_state(sec.inflow.mean), sec.inflow.mean)) / MMHG,
            "analytic_amplitude_mmHg": abs(z) * sec.inflow.amplitude / MMHG, "analytic_phase_rad": float(np.angle(z)),
            "max_error_mmHg": float(np.max(np.abs(p[last] - exact))) / MMHG}


def _plot(out: Path, sec, rows: list[dict], period: float) -> list[str]:
    """PV loops (closed loop) and pressure traces of the last cycle, earlier cycles faded."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    t = np.array([r["t"] for r in rows])
    col = {k: np.array([r[k] for r in rows]) for k in rows[0] if k != "t"}
    last = t >= t[-1] - period - 1e-9
    written = []
    if sec.model == "closed_loop":
        fig, axes = plt.subplots(2, 2, figsize=(9, 7))
        for ax, ch in zip(axes.flat, ("LV", "RV", "LA", "RA")):
            ax.plot(col[f"V_{ch}"] / ML, col[f"p_{ch}"] / MMHG, color="0.8", lw=0.6, label="earlier cycles")
            ax.plot(col[f"V_{ch}"][last] / ML, col[f"p_{ch}"][last] / MMHG, color="C3", lw=1.8, label="last cycle")
            ax.set(title=ch, xlabel="volume (mL)", ylabel="pressure (mmHg)")
        axes[0, 0].legend(frameon=False, fontsize=8)
        fig.suptitle("Pressure-volume loops")
        fig.tight_layout()
        fig.savefig(out / "pv_loops.png", dpi=120)
        plt.close(fig)
        written.append("pv_loops.png")
        groups = [("left heart", ["p_LV", "p_AR_SYS", "p_LA"]), ("right heart", ["p_RV", "p_AR_PUL", "p_RA"]),
                  ("veins", ["p_VEN_SYS", "p_VEN_PUL"])]
    else:
        groups = [("inlet", ["p_in", "p_c"])]
    fig, axes = plt.subplots(len(groups) + 1, 1, figsize=(9, 2.6 * (len(groups) + 1)), sharex=True)
    tl = (t[last] - t[last][0]) / 1000.0
    for ax, (title, names) in zip(axes, groups):
        for name in names:
            ax.plot(tl, col[name][last] / MMHG, label=name[2:])
        ax.set(ylabel="pressure (mmHg)", title=title)
        ax.legend(frameon=False, fontsize=8, ncol=3)
    ax = axes[-1]
    flows = [k for k in col if k.startswith("Q_") and (k[2:] in ("MV", "AV", "TV", "PV", "in"))]
    for name in flows:
        ax.plot(tl, col[name][last], label=name[2:])
    ax.set(ylabel="flow (mL/s)", xlabel="time in the last cycle (s)", title="flows")
    ax.legend(frameon=False, fontsize=8, ncol=4)
    fig.tight_layout()
    fig.savefig(out / "pressures.png", dpi=120)
    plt.close(fig)
    written.append("pressures.png")
    return written
