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
    return 0
