"""Run a 0D circulation model alone: time loop, periodic steady state, CSV tables, PNG plots, summary.

Runs the ``physics.circulation`` section of a config whose only physics it is (``heartsim run`` or
``heartsim circulation``; no mesh needed). Rank 0 does the work and writes; the other ranks wait
and return the same summary. Outputs in ``out``:

- ``circulation.csv``: time (ms) and every pressure (mmHg), volume (mL) and flow (mL/s), every
  ``output.interval``;
- ``cycles.csv``: per cycle its change (periodicity measure) and haemodynamics (EDV, ESV, EF, ...);
- ``pv_loops.png`` (closed loop) and ``pressures.png``: the last cycle (and the earlier ones, faded);
- ``summary.json``, ``config.resolved.json``, ``status.json``.

A SIGTERM/SIGUSR1 stops the run after its step with a checkpoint (through the run lifecycle,
:mod:`heartsim.simulation.lifecycle`, like every runner: ``checkpoint/ckpt-<step>.npz``; the tables
so far stay, cut back to the checkpoint on restart); ``restart=True`` continues from it.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import numpy as np

from heartsim.circulation.periodic import CycleMonitor, cycle_metrics
from heartsim.circulation.report import to_clinical
from heartsim.circulation.standalone import standalone_model
from heartsim.circulation.units import MMHG, ML
from heartsim.circulation.windkessel import fit_sinusoid, sine_response
from heartsim.config.errors import ConfigError
from heartsim.io.outputs import config_hash
from heartsim.io.tables import CsvTable
from heartsim.runtime.collective import on_root
from heartsim.simulation.lifecycle import Clock, Lifecycle, Segment
from heartsim.simulation.run_folder import Checkpointed

FLOAT = "{:.10g}"


def _steps_per_cycle(period: float, dt: float) -> int:
    n = round(period / dt)
    if n < 1 or abs(period / dt - n) > 1e-6 * n:
        raise ConfigError([f"time.dt: {dt:g} ms must divide the cycle period {period:g} ms "
                           "(cycles are detected at whole steps)"])
    return n


def _clinical_row(row: dict) -> dict:
    return {"t_ms": row["t"], **to_clinical({k: v for k, v in row.items() if k != "t"})}


def _clinical_cycle(c: dict) -> dict:
    return {"cycle": c["cycle"], "t_end_ms": c["t_end"], "change": c["change"],
            **to_clinical({k: v for k, v in c.items() if k not in ("cycle", "t_end", "change")})}


def _as_array(rows: list[dict], columns: list[str]) -> np.ndarray:
    return np.array([[r[k] for k in columns] for r in rows], dtype=float).reshape(len(rows), len(columns), 1)


def _as_rows(array: np.ndarray, columns: list[str]) -> list[dict]:
    return [dict(zip(columns, values)) for values in np.asarray(array)[..., 0].tolist()]


class CirculationComponent:
    """The 0D model in the run lifecycle (rank 0 only): ``circulation.csv`` every ``output.interval``,
    a ``cycles.csv`` row per cycle, stop at the periodic steady state when asked, plots and summary."""

    physics = "circulation"

    def __init__(self, cfg, out: Path, log: logging.Logger, steps_per_cycle: int):
        self.cfg, self.out, self.log = cfg, out, log
        self.sec = cfg.physics.circulation
        self.dt, self.period = cfg.time.dt, self.sec.cycle_period()
        self.total, self.every = cfg.time.steps(), max(1, round(cfg.output.interval / cfg.time.dt))
        self.steps_per_cycle = steps_per_cycle
        self.model = standalone_model(self.sec)
        self.monitor = CycleMonitor(steps_per_cycle, self.model.y)
        self.keys, self.n_owned = np.zeros(1, dtype=np.int64), 1
        self.step = 0
        self.rows: list[dict] = []
        self.cycles: list[dict] = []
        self.cycle_rows: list[dict] = []
        self.columns = ["t", *self.model.outputs()]
        self.periodic_at = None
        self.stopped = False
        self.table = self.cycle_table = None
        self._new_cycles: list[dict] = []

    @property
    def t(self) -> float:
        return self.model.t

    # -- checkpoint ----------------------------------------------------------------------------
    def state(self):
        m = self.monitor
        meta = {"model": self.model.get_state(), "columns": self.columns, "cycles": self.cycles,
                "periodic_at": self.periodic_at,
                "monitor": {"start": m.start.tolist(), "scale": m.scale.tolist(), "cycles": m.cycles,
                            "changes": m.changes}}
        return {"rows": _as_array(self.rows, self.columns), "cycle_rows": _as_array(self.cycle_rows, self.columns)}, meta

    def restore(self, fields, meta) -> None:
        self.model.set_state(meta["model"])
        self.step = meta["step"]
        m, data = self.monitor, meta["monitor"]
        m.start, m.scale = np.array(data["start"]), np.array(data["scale"])
        m.steps, m.cycles, m.changes = self.step, data["cycles"], data["changes"]
        self.columns = meta["columns"]
        self.rows, self.cycle_rows = _as_rows(fields["rows"], self.columns), _as_rows(fields["cycle_rows"], self.columns)
        self.cycles, self.periodic_at = meta["cycles"], meta["periodic_at"]

    def tables(self) -> dict:
        return {name: table.size() for name, table in (("circulation.csv", self.table),
                                                       ("cycles.csv", self.cycle_table)) if table is not None}

    # -- outputs -------------------------------------------------------------------------------
    def open(self, segment: Segment) -> None:
        resume = segment.resume
        if segment.index == 0:
            self.rows.append({"t": self.model.t, **self.model.outputs()})
            self.cycle_rows.append(self.rows[0])
        first = _clinical_row(self.rows[0])
        self.table = CsvTable(self.out / "circulation.csv", list(first), None, resume.get("circulation.csv"), FLOAT)
        if segment.index == 0:
            self.table.record(first)
        if "cycles.csv" in resume:
            self.cycle_table = CsvTable(self.out / "cycles.csv", list(_clinical_cycle(self.cycles[0])), None,
                                        resume["cycles.csv"], FLOAT)
        sec = self.sec
        self.log.info("0D %s: dt = %g ms, %d steps per cycle of %g ms, at most %d cycles (%s)", sec.model, self.dt,
                      self.steps_per_cycle, self.period, self.total // self.steps_per_cycle, sec.integrator.method)

    def done(self) -> bool:
        return self.stopped or self.step >= self.total

    def advance(self) -> None:
        model, monitor, sec = self.model, self.monitor, self.sec
        model.step(self.dt)
        self.step += 1
        row = {"t": model.t, **model.outputs()}
        self.cycle_rows.append(row)
        if self.step % self.every == 0:
            self.rows.append(row)
        change = monitor.update(model.y)
        if change is not None:
            columns = {k: np.array([r[k] for r in self.cycle_rows]) for k in row if k != "t"}
            self.cycles.append({"cycle": monitor.cycles, "t_end": model.t, "change": change,
                                **cycle_metrics(columns, self.period)})
            self._new_cycles.append(self.cycles[-1])
            self.cycle_rows = [row]
            self.log.info("cycle %d: change %.2e%s", monitor.cycles, change, _cycle_note(self.cycles[-1]))
            if change < sec.periodic.tolerance and monitor.cycles >= sec.periodic.min_cycles:
                if self.periodic_at is None:
                    self.periodic_at = monitor.cycles
                if sec.periodic.stop:
                    self.stopped = True

    def record(self) -> None:
        if self.step % self.every == 0:
            self.table.record(_clinical_row(self.rows[-1]))
        for cycle in self._new_cycles:
            row = _clinical_cycle(cycle)
            if self.cycle_table is None:
                self.cycle_table = CsvTable(self.out / "cycles.csv", list(row), None, None, FLOAT)
            self.cycle_table.record(row)
        self._new_cycles = []

    def close(self) -> None:
        for table in (self.table, self.cycle_table):
            if table is not None:
                table.close()

    def finish(self, clock: Clock) -> dict:
        self.close()
        if self.cycle_table is None:
            (self.out / "cycles.csv").write_text("")
        plots = _plot(self.out, self.sec, self.rows, self.period)
        summary = _summary(self.cfg, self.sec, self.model, self.rows, self.cycles, self.periodic_at, self.step,
                           self.dt, self.period)
        summary.update({
            "wall_time_s": clock.wall(),
            "steps_per_second": round(clock.loop_steps / clock.loop, 1) if clock.loop > 0 else None,
            "config_hash": config_hash(self.cfg.model_dump(mode="json")),
            "outputs": sorted(["circulation.csv", "cycles.csv", *plots]),
        })
        summary["headline"] += f"; {summary['wall_time_s']:.1f} s"
        return summary


def run_circulation(cfg, out: Path, comm, log: logging.Logger, restart: bool = False, stop=None) -> dict:
    """Run the 0D model of ``cfg`` writing into ``out``; returns the summary (also in summary.json)."""
    from mpi4py import MPI

    sec = cfg.physics.circulation
    dt = cfg.time.dt
    steps_per_cycle = _steps_per_cycle(sec.cycle_period(), dt)
    fingerprint = config_hash({"circulation": sec.model_dump(mode="json"), "dt": dt})

    def work() -> dict:
        life = Lifecycle(cfg, out, MPI.COMM_SELF, log, restart, stop, fingerprint=fingerprint)
        component = CirculationComponent(cfg, out, log, steps_per_cycle)
        try:
            return life.run(component, component.total, component.total * dt)
        except Checkpointed as exc:
            return {"status": "checkpointed", "checkpoint": str(exc)}

    if comm.size > 1 and comm.rank != 0:
        _idle_wait(comm)
    summary = on_root(comm, lambda: _then_release(comm, work))
    if comm.size > 1:
        summary = comm.bcast(summary, root=0)
        # a summary is larger than the eager limit: without this barrier a rank could leave (and finalize
        # MPI) before the root's send has completed, which crashes Open MPI's shared-memory transport
        comm.barrier()
    if summary["status"] == "checkpointed":
        raise Checkpointed(Path(summary["checkpoint"]))
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
