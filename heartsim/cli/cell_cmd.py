"""``heartsim cell MODEL --pacing 1000ms --beats N``: one paced cell, its last beat as CSV and PNG.

Writes into ``--out`` (default ``results/cell-MODEL[-VARIANT]``): ``trace.csv`` (t_ms, v_mV and,
for physiological models, ca_i_mM of the last beat), ``metrics.csv`` and ``metrics.json`` (resting
and peak potential, max dV/dt, APD90, diastolic and peak Ca_i), ``trace.png`` (AP and Ca_i).
With ``--tension land_2017`` (or ``tor_ord_land``) and ``--stretch LAMBDA`` (default 1.0), the
Land 2017 active tension of the recorded beat at that fixed stretch (isometric, driven by the
cell's calcium in uM; :mod:`heartsim.kernels.tension.twitch`): a ``ta_kPa`` column in the trace,
diastolic and peak Ta, time to peak and RT50 in the metrics, a third panel in the plot.
``--troponin-feedback`` (ORd only): the cell and the tension model stepped together, troponin
owned by the tension model and its flux fed back to the calcium (:mod:`heartsim.kernels.tension.feedback`);
the beat is then sampled, and its metrics taken, every 0.1 ms.
Bad input (unknown model, variant, parameter or scale, a time without a valid unit) is a one-line
error with exit status 2 and nothing written.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("cell", help="pace a single cell (ionic model) and report its action potential")
    p.add_argument("model", help="ionic model: tentusscher_panfilov_2006 (tt06), ohara_rudy_2011 (ord), "
                                 "aliev_panfilov (ap), mitchell_schaeffer (ms)")
    p.add_argument("--pacing", default="1000ms", help="basic cycle length (default 1000ms)")
    p.add_argument("--beats", type=int, default=20, help="number of beats; the last is recorded (default 20)")
    p.add_argument("--variant", help="cell type: endo, epi or M (default: the model's own)")
    p.add_argument("--dt", default="0.01ms", help="time step (default 0.01ms)")
    p.add_argument("--method", default="rush_larsen",
                   choices=("rush_larsen", "generalised_rush_larsen", "forward_euler"))
    p.add_argument("--set", dest="params", action="append", default=[], metavar="NAME=VALUE",
                   help="override a model parameter (model units), repeatable")
    p.add_argument("--scale", action="append", default=[], metavar="NAME=FACTOR",
                   help="scale a conductance (drug block, e.g. g_Kr=0.5), repeatable")
    p.add_argument("--kernel", default="auto", choices=("auto", "native", "numpy"),
                   help="host-compiled fused kernel or generated NumPy code (default: native when cc exists)")
    p.add_argument("--tension", metavar="NAME",
                   help="active tension model driven by the cell's calcium: land_2017 or tor_ord_land")
    p.add_argument("--stretch", type=float, default=1.0, help="fixed fibre stretch lambda for --tension (default 1.0)")
    p.add_argument("--tension-set", dest="tension_params", action="append", default=[], metavar="NAME=VALUE",
                   help="override a tension model parameter (ms, kPa, uM), repeatable")
    p.add_argument("--troponin-feedback", action="store_true",
                   help="with --tension and ORd: troponin owned by the tension model, its flux J_TRPN fed back "
                        "to the cell's calcium (cell and tension stepped together)")
    p.add_argument("--out", type=Path, help="output folder (default results/cell-MODEL[-VARIANT])")
    p.add_argument("--force", action="store_true", help="write into a non-empty output folder")
    p.set_defaults(func=cmd_cell)


def _pairs(items: list[str], option: str) -> dict[str, float]:
    from heartsim.config.errors import ConfigError

    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        try:
            if not sep:
                raise ValueError
            out[name.strip()] = float(value)
        except ValueError:
            raise ConfigError([f"{option} {item}: expected NAME=NUMBER"]) from None
    return out


def _time(text: str, option: str) -> float:
    from heartsim.config.errors import ConfigError
    from heartsim.config.quantities import to_unit

    try:
        value = to_unit(text, "ms")
    except ValueError as exc:
        raise ConfigError([f"{option} {text}: {exc}"]) from None
    if not value > 0:
        raise ConfigError([f"{option} {text}: must be positive"])
    return value


def cmd_cell(args, log: logging.Logger) -> int:
    import json

    import numpy as np

    from heartsim.config.errors import ConfigError
    from heartsim.kernels.ionic import ALIASES, MODELS, GeneratedModel
    from heartsim.kernels.ionic.cell import STIMULUS, ap_metrics, pace
    from heartsim.kernels.ionic.parameters import ParameterError, region_values

    name = ALIASES.get(args.model, args.model)
    if name not in MODELS:
        raise ConfigError([f"model {args.model}: unknown ionic model (known: {', '.join(MODELS)}; "
                           f"short: {', '.join(ALIASES)})"])
    bcl, dt = _time(args.pacing, "--pacing"), _time(args.dt, "--dt")
    if args.beats < 1:
        raise ConfigError([f"--beats {args.beats}: must be at least 1"])
    if dt > 1.0 or bcl / dt > 1e7:
        raise ConfigError([f"--dt {args.dt}: must be at most 1 ms and give at most 10^7 steps per beat"])
    model = MODELS[name]
    if isinstance(model, GeneratedModel):
        model = model.with_integrator(args.method)
        variant = args.variant or model.default_variant
    elif args.variant:
        raise ConfigError([f"--variant {args.variant}: {name} has no cell-type variants"])
    else:
        variant = None
    overrides, scale = _pairs(args.params, "--set"), _pairs(args.scale, "--scale")
    try:
        region_values(model, variant, overrides, scale)
    except ParameterError as exc:
        text = str(exc)
        text = "--" + text if text.startswith("variant ") else text
        raise ConfigError([text.replace("parameters.", "--set ").replace("scale.", "--scale ")]) from None
    tension = _tension(args, model)
    out = args.out or Path("results") / ("cell-" + name + (f"-{variant}" if variant else ""))
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not args.force)):
        raise ConfigError([f"{out}: output folder exists and is not empty (use --force)"])

    log.info("pacing %s%s at %g ms for %d beats, dt %g ms, %s", name, f" ({variant})" if variant else "",
             bcl, args.beats, dt, args.method if isinstance(model, GeneratedModel) else "model's own integrator")
    start = time.perf_counter()
    every = max(1, args.beats // 10)

    def progress(b: int) -> None:
        if b % every == 0 or b == args.beats:
            log.info("beat %d/%d (%.1f s)", b, args.beats, time.perf_counter() - start)

    stride = max(1, int(round(0.1 / dt)))  # metrics from every step; the trace file every 0.1 ms
    ta_trace = None
    if tension is not None and args.troponin_feedback:  # cell and tension stepped together
        from heartsim.kernels.tension.twitch import paced_with_feedback

        beat, ta_trace, _, _ = paced_with_feedback(model, variant, tension.params, bcl, args.beats, dt, args.stretch,
                                                   overrides, scale, tension_every=stride, kernel=args.kernel,
                                                   progress=progress)
        stride = 1  # the beat is sampled at the tension steps (every 0.1 ms): metrics from those
    else:
        beat, _ = pace(model, variant, bcl, args.beats, dt, overrides, scale, kernel=args.kernel, progress=progress)
    metrics = {"model": name, "variant": variant, "bcl_ms": bcl, "beats": args.beats, "dt_ms": dt,
               "method": args.method, "stimulus_uA_per_uF": -STIMULUS.get(name, (40.0, 2.0))[0],
               **ap_metrics(beat)}
    if tension is not None:
        from heartsim.kernels.tension.twitch import isometric_twitch, tension_metrics

        # one period of calcium from the stimulus (t = 0: the end of the previous beat), in uM
        t_ca = np.concatenate([[0.0], beat.t])
        ca_um = tension.calcium.to_uM * np.concatenate([[beat.ca[-1]], beat.ca])
        if ta_trace is None:  # tension steps of about 0.1 ms, calcium at mid-step
            ta_trace = isometric_twitch(tension.params, t_ca, ca_um, args.stretch, stride=stride,
                                        kernel="native" if _native() else "numpy")
        metrics.update(tension=args.tension, stretch=args.stretch, troponin_feedback=args.troponin_feedback,
                       **tension_metrics(*ta_trace))
    metrics["wall_s"] = round(time.perf_counter() - start, 3)

    out.mkdir(parents=True, exist_ok=True)
    columns = [c[stride - 1::stride] for c in [beat.t, beat.v] + ([beat.ca] if beat.ca is not None else [])]
    header = "t_ms,v_mV" + (",ca_i_mM" if beat.ca is not None else "")
    if ta_trace is not None:
        columns.append(np.interp(columns[0], *ta_trace))
        header += ",ta_kPa"
    np.savetxt(out / "trace.csv", np.column_stack(columns), delimiter=",", header=header, comments="", fmt="%.10g")
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")
    (out / "metrics.csv").write_text(",".join(metrics) + "\n" + ",".join(str(v) for v in metrics.values()) + "\n")
    _plot(out / "trace.png", beat, metrics, ta_trace)
    log.info("rest %.2f mV, peak %.2f mV, max dV/dt %.1f mV/ms, APD90 %.1f ms -> %s",
             metrics["v_rest_mV"], metrics["v_peak_mV"], metrics["dvdt_max_mV_per_ms"], metrics["apd90_ms"], out)
    if ta_trace is not None:
        log.info("%s at stretch %g: peak Ta %.2f kPa at %.1f ms (diastolic %.3f kPa, RT50 %.1f ms)", args.tension,
                 args.stretch, metrics["ta_peak_kPa"], metrics["ta_time_to_peak_ms"], metrics["ta_diastolic_kPa"],
                 metrics["ta_rt50_ms"])
    return 0


def _native() -> bool:
    from heartsim.kernels.ionic import native

    return native.available()


def _tension(args, model):
    """(params, calcium state) of ``--tension`` for ``model``, or None; ConfigError naming the option."""
    from types import SimpleNamespace

    from heartsim.config.errors import ConfigError
    from heartsim.kernels.tension import PRESETS, LandParameterError, LandParameters, NoCalciumError, calcium_state

    if args.tension is None:
        if args.stretch != 1.0 or args.tension_params or args.troponin_feedback:
            raise ConfigError(["--stretch/--tension-set/--troponin-feedback: need --tension (land_2017 or tor_ord_land)"])
        return None
    if args.tension not in PRESETS:
        raise ConfigError([f"--tension {args.tension}: unknown tension model (known: {', '.join(PRESETS)})"])
    if not 0.5 <= args.stretch <= 1.5:
        raise ConfigError([f"--stretch {args.stretch}: must lie in [0.5, 1.5]"])
    try:
        calcium = calcium_state(model)
    except NoCalciumError as exc:
        raise ConfigError([f"--tension {args.tension}: {exc}"]) from None
    if args.troponin_feedback:
        from heartsim.kernels.tension.feedback import check_supported

        try:
            check_supported(model)
        except ValueError as exc:
            raise ConfigError([f"--troponin-feedback: {exc}"]) from None
    try:
        params = LandParameters.from_preset(args.tension, _pairs(args.tension_params, "--tension-set"))
    except LandParameterError as exc:
        raise ConfigError([str(exc).replace("parameters.", "--tension-set ", 1)]) from None
    return SimpleNamespace(params=params, calcium=calcium)


def _plot(path: Path, beat, metrics: dict, ta_trace=None) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = (2 if beat.ca is not None else 1) + (ta_trace is not None)
    fig, axes = plt.subplots(rows, 1, figsize=(7, 2.6 * rows + 0.6), sharex=True, squeeze=False)
    axes[0, 0].plot(beat.t, beat.v, lw=1.2)
    axes[0, 0].set_ylabel("v (mV)")
    title = f"{metrics['model']}" + (f" {metrics['variant']}" if metrics["variant"] else "")
    axes[0, 0].set_title(f"{title}: beat {metrics['beats']} at BCL {metrics['bcl_ms']:g} ms, "
                         f"APD90 {metrics['apd90_ms']:.1f} ms")
    if beat.ca is not None:
        axes[1, 0].plot(beat.t, beat.ca * 1e3, color="tab:red", lw=1.2)
        axes[1, 0].set_ylabel("Ca_i (uM)")
    if ta_trace is not None:
        axes[2, 0].plot(*ta_trace, color="tab:green", lw=1.2)
        axes[2, 0].set_ylabel("Ta (kPa)")
        axes[2, 0].set_title(f"{metrics['tension']}, stretch {metrics['stretch']:g}: peak {metrics['ta_peak_kPa']:.1f} kPa "
                             f"at {metrics['ta_time_to_peak_ms']:.0f} ms", fontsize=9)
    axes[-1, 0].set_xlabel("t (ms) from the stimulus")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
