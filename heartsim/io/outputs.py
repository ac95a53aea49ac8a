"""The output folder: refusing to overwrite, atomic JSON/YAML files, provenance."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

from heartsim.config.errors import ConfigError

#: field series (``<stem>.xdmf`` + ``.h5``, ``<stem>.bp``; ``<stem>.restart<k>.*`` after the k-th restart)
#: of every runner, by stem
FIELD_SERIES = {
    "v": "ep", "activation": "ep",
    "velocity": "flow", "pressure": "flow", "wss": "flow", "tawss_osi": "flow",
    "displacement": "mechanics", "fields": "mechanics",
}
#: CSV tables of every runner (written by :class:`heartsim.io.tables.CsvTable` or ``io.ecg``)
TABLES = {
    "ecg.csv": "ep", "boundaries.csv": "flow", "forces.csv": "flow", "loadsteps.csv": "mechanics",
    "circulation.csv": "circulation", "cycles.csv": "circulation",
}
#: other files and folders: run records, plots, checkpoints
RUN_FILES = ("summary.json", "config.resolved.json", "status.json", "checkpoint",
             "ecg.png", "pv_loops.png", "pressures.png", "credibility.json", "devices")


def output_patterns() -> tuple[str, ...]:
    """Glob patterns of everything any heartsim run writes into its output folder: the one list
    (:data:`FIELD_SERIES`, :data:`TABLES`, :data:`RUN_FILES`) that ``--force`` clears and
    :class:`heartsim.io.reader.RunFolder` reads. A runner writing a new name adds it here."""
    series = [f"{stem}{ext}" for stem in FIELD_SERIES
              for ext in (".bp", ".xdmf", ".h5", ".restart*", ".pvd", "[0-9]*.pvtu", "_p[0-9]*_[0-9]*.vtu")]
    return (*series, *TABLES, *RUN_FILES)


#: names heartsim writes into an output folder (removed before a --force rerun)
OUTPUT_NAMES = output_patterns()


def check_output_folder(folder: Path, force: bool) -> None:
    """ConfigError when ``folder`` exists, is not empty and ``force`` is not given."""
    if folder.exists() and not folder.is_dir():
        raise ConfigError([f"--out {folder}: exists and is not a folder"])
    parent = next(p for p in (folder, *folder.parents) if p.exists())
    if not parent.is_dir():  # permission bits do not stop root: a file in the path does
        raise ConfigError([f"--out {folder}: cannot be created: {parent} is a file"])
    if not os.access(parent, os.W_OK | os.X_OK):
        raise ConfigError([f"--out {folder}: cannot be created: {parent} is not writable"])
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise ConfigError([f"--out {folder}: output folder is not empty (use --force to overwrite)"])


def prepare_output_folder(folder: Path) -> None:
    """Create ``folder`` and remove heartsim's own previous outputs from it (rank 0 only)."""
    folder.mkdir(parents=True, exist_ok=True)
    for pattern in OUTPUT_NAMES:
        for path in folder.glob(pattern):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()


def write_json_atomic(path: Path, data: Any) -> None:
    """Write JSON to ``path`` through a temporary file and a rename (never half-written)."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n")
        os.replace(tmp, path)
    except OSError:  # disk full, say: leave no half-written temporary behind
        tmp.unlink(missing_ok=True)
        raise


def config_hash(config_json: dict) -> str:
    """SHA-256 of the resolved config in canonical JSON (sorted keys)."""
    text = json.dumps(config_json, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode()).hexdigest()
