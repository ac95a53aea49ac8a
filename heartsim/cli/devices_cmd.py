"""``heartsim devices report RUN_FOLDER [--config FILE]``: device-site metrics of a finished run.

The sites come from ``--config FILE`` (a YAML file with a ``devices:`` section: a full run config or
just that section), else from the run's own config (``config.resolved.json``); so sites can be added
after the fact without rerunning. Writes ``RUN_FOLDER/devices/`` (see heartsim.devices.report).
"""

from __future__ import annotations

import logging
from pathlib import Path


def register(sub) -> None:
    p = sub.add_parser("devices", help="device-site metrics (leads, annuli, vessel segments, landing zones)")
    dsub = p.add_subparsers(dest="devices_command", required=True)
    q = dsub.add_parser("report", help="analyse the device sites of a finished run into RUN_FOLDER/devices/")
    q.add_argument("folder", type=Path, metavar="RUN_FOLDER")
    q.add_argument("--config", type=Path, help="YAML file with a devices: section (default: the run's config)")
    q.set_defaults(func=cmd_report)

    p = sub.add_parser("credibility", help="mesh-refinement series (verification.refine) and credibility.json")
    p.add_argument("config", type=Path)
    p.add_argument("--out", type=Path, required=True, help="folder of the series (one run folder per mesh size)")
    p.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                   help="override a config value (dot path), repeatable")
    p.set_defaults(func=cmd_credibility)


def devices_section(folder: Path, config: Path | None):
    """The DevicesConfig of ``--config`` or of the run."""
    from heartsim.config.devices import DevicesConfig
    from heartsim.config.errors import ConfigError
    from heartsim.config.loader import read_yaml, validate_model
    from heartsim.devices.fields import read_resolved

    if config is not None:
        config = config.resolve()
        data = read_yaml(config)
        if "devices" not in data:
            raise ConfigError([f"{config}: no devices: section"])
        return validate_model(DevicesConfig, data["devices"], config.parent, f"{config.name}: devices.")
    return validate_model(DevicesConfig, read_resolved(folder).get("devices") or {}, folder, "devices.")


def cmd_report(args, log: logging.Logger) -> int:
    from heartsim.config.errors import ConfigError
    from heartsim.devices.report import report

    folder = args.folder.resolve()
    if not folder.is_dir():
        raise ConfigError([f"{args.folder}: no such run folder"])
    devices = devices_section(folder, args.config)
    for path in report(folder, devices, log):
        print(f"wrote {path}")
    from heartsim.devices.credibility import write_record
    from heartsim.devices.fields import read_resolved

    resolved = {**read_resolved(folder), "devices": devices.model_dump(mode="json")}
    print(f"wrote {write_record(folder, resolved)}")
    return 0


def cmd_credibility(args, log: logging.Logger) -> int:
    """Run the case at each size of verification.refine (mesh.resolution), analyse its sites, and write
    OUT/credibility.json with the observed order and GCI of every quantity of interest."""
    import subprocess
    import sys

    from heartsim.config import load_config
    from heartsim.config.errors import ConfigError
    from heartsim.devices.credibility import qoi_value, write_record
    from heartsim.devices.gci import gci
    from heartsim.devices.report import report

    cfg = load_config(args.config, args.overrides)
    sizes = cfg.verification.refine
    if not sizes:
        raise ConfigError([f"{args.config}: verification.refine: give three mesh sizes for a refinement series"])
    if cfg.mesh is None or cfg.mesh.generate is None:
        raise ConfigError(["verification.refine: needs a generated mesh (mesh.generate with mesh.resolution)"])
    if not cfg.credibility.quantities_of_interest:
        raise ConfigError(["credibility.quantities_of_interest: name the quantities the series converges"])
    out = args.out.resolve()
    values: dict[str, list] = {q: [] for q in cfg.credibility.quantities_of_interest}
    units: dict[str, str] = {}
    for h in sizes:
        folder = out / f"h-{h:g}mm"
        cmd = [sys.executable, "-m", "heartsim", "-q", "run", str(args.config), "--out", str(folder), "--force",
               "--set", f"mesh.resolution={h:g}", *[x for o in args.overrides for x in ("--set", o)]]
        log.info("refinement: h = %g mm into %s", h, folder)
        if subprocess.run(cmd).returncode != 0:
            raise RuntimeError(f"the run at h = {h:g} mm failed (see {folder})")
        if cfg.devices.sites:
            report(folder, cfg.devices, log)
        for q in values:
            value, units[q] = qoi_value(folder, q)
            if value is None:
                raise ConfigError([f"credibility.quantities_of_interest: {q!r} is not in the run's results"])
            values[q].append(value)
    series = {q: {"h_mm": list(sizes), "values": v, "unit": units[q], **gci(tuple(sizes), tuple(v))}
              for q, v in values.items()}
    for q, g in series.items():
        print(f"{q}: {', '.join(f'{x:.6g}' for x in g['values'])} at h = {', '.join(f'{h:g}' for h in sizes)} mm; "
              f"observed order {g['observed_order']:.3g}, extrapolated {g['extrapolated']:.6g}, GCI {g['gci_fine']:.3g}")
    print(f"wrote {write_record(out, cfg.model_dump(mode='json'), refinement=series, kind='refinement series')}")
    return 0
