"""Preparing a sweep: one folder per case with its resolved config, its parameters and its status.

    <out>/sweep.json                 the sweep's name, base and case count
    <out>/cases/case-0000/config.yaml   the case's config, fully resolved (absolute paths, units)
    <out>/cases/case-0000/params.json   the swept keys and their values
    <out>/cases/case-0000/out/          the run's output (status.json, summary.json, fields)
    <out>/cases/case-0000/result.json   exit status and reason of the last attempt

Every case is validated before anything is written; preparing again with the same sweep keeps the
folders (so a rerun runs only what is not completed), and a changed case is an error.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from heartsim.config.errors import ConfigError
from heartsim.config.loader import read_yaml, set_path, validate_data
from heartsim.config.sweep import SweepConfig
from heartsim.io.outputs import write_json_atomic
from heartsim.runtime.checkpoint import latest_checkpoint


@dataclass(frozen=True)
class Case:
    """One case folder of a sweep."""

    name: str
    folder: Path
    params: dict[str, Any]

    @property
    def config(self) -> Path:
        return self.folder / "config.yaml"

    @property
    def out(self) -> Path:
        return self.folder / "out"

    def state(self) -> str:
        """completed | checkpointed | failed | running | not run (from the run's status file)."""
        status = self.out / "status.json"
        if status.is_file():
            return json.loads(status.read_text()).get("state", "unknown")
        result = self.folder / "result.json"
        if result.is_file() and json.loads(result.read_text()).get("exit_code", 0) != 0:
            return "failed"
        return "not run"

    def run_mode(self) -> list[str]:
        """``--restart OUT`` when a checkpoint exists, else ``--force`` (a fresh attempt)."""
        return ["--restart", str(self.out)] if latest_checkpoint(self.out) else ["--force"]


def load_sweep(path: Path) -> SweepConfig:
    """Validate a sweep file (relative paths against its folder)."""
    from heartsim.config.loader import validate_model

    path = Path(path).resolve()
    return validate_model(SweepConfig, read_yaml(path), path.parent, f"{path.name}: ")


def is_sweep_file(path: Path) -> bool:
    """A YAML mapping with a ``base`` key is a sweep file; anything else is a run config."""
    try:
        return "base" in read_yaml(Path(path))
    except ConfigError:
        return False


def _describe(params: dict[str, Any]) -> str:
    return ", ".join(f"{k}={v}" for k, v in params.items()) or "base"


def prepare(sweep: SweepConfig, out: Path) -> list[Case]:
    """Validate every case, then write (or confirm) the case folders under ``out``."""
    base_raw = read_yaml(sweep.base)
    resolved = []
    for i, params in enumerate(sweep.overrides()):
        raw = copy.deepcopy(base_raw)
        try:
            for key, value in params.items():
                set_path(raw, key, value)
            cfg = validate_data(raw, sweep.base.parent)
        except ConfigError as exc:
            raise ConfigError([f"sweep case {i} ({_describe(params)}): {line}" for line in exc.lines]) from None
        resolved.append((params, yaml.safe_dump(cfg.model_dump(mode="json"), sort_keys=False)))

    out.mkdir(parents=True, exist_ok=True)
    cases = []
    for i, (params, text) in enumerate(resolved):
        folder = out / "cases" / f"case-{i:04d}"
        config = folder / "config.yaml"
        if config.is_file() and config.read_text() != text:
            raise ConfigError([f"{folder}: the sweep changed since this folder was prepared "
                               f"(case {i}: {_describe(params)}); use a new --out"])
        folder.mkdir(parents=True, exist_ok=True)
        if not config.is_file():
            config.write_text(text)
            write_json_atomic(folder / "params.json", params)
        cases.append(Case(folder.name, folder, params))
    write_json_atomic(out / "sweep.json", {"name": sweep.name, "base": str(sweep.base), "cases": len(cases)})
    return cases


def existing_cases(out: Path) -> list[Case]:
    """The case folders of a prepared sweep (for collect)."""
    folders = sorted((Path(out) / "cases").glob("case-*"))
    if not folders:
        raise ConfigError([f"{out}: no sweep cases here (expected {out}/cases/case-*)"])
    return [Case(f.name, f, json.loads((f / "params.json").read_text()) if (f / "params.json").is_file() else {})
            for f in folders]
