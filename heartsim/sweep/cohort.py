"""Preparing a cohort: a mesh per anatomy (cached by input hash), then a case folder per anatomy and
parameter sample, laid out as a sweep's (so the sweep's local runner, Slurm array and collect apply):

    <out>/cohort.json                  name, anatomies, thresholds, references, case -> anatomy
    <out>/meshes/<hash>.xdmf           meshed label maps; <hash> = SHA-256 of the label map's bytes and the
                                       meshing options (a rerun reuses it)
    <out>/cases/case-0000/...          as a sweep case; params.json holds {"anatomy": name, ...samples}

An anatomy whose meshing fails gets its case folders with ``result.json`` holding the error (exit 2),
and no config: collect lists them as failed with that reason; the other anatomies go on.
"""

from __future__ import annotations

import copy
import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from heartsim.config.cohort import Anatomy, CohortConfig
from heartsim.config.errors import ConfigError
from heartsim.config.loader import read_yaml, set_path, validate_data, validate_model
from heartsim.config.sweep import SweepConfig
from heartsim.io.outputs import write_json_atomic
from heartsim.sweep.cases import Case


def load_cohort(path: Path) -> CohortConfig:
    path = Path(path).resolve()
    return validate_model(CohortConfig, read_yaml(path), path.parent, f"{path.name}: ")


def is_cohort_folder(folder: Path) -> bool:
    return (Path(folder) / "cohort.json").is_file()


def _input_hash(anatomy: Anatomy, cohort: CohortConfig) -> str:
    h = hashlib.sha256(anatomy.labels.read_bytes())
    h.update(json.dumps(cohort.meshing.model_dump(mode="json"), sort_keys=True).encode())
    if anatomy.inlet_near is not None:
        h.update(anatomy.inlet_near.read_bytes())
    return h.hexdigest()[:16]


def mesh_anatomy(anatomy: Anatomy, cohort: CohortConfig, folder: Path) -> Path:
    """The anatomy's mesh file: given, cached, or made now with ``heartsim mesh from-labels``.
    ConfigError naming the anatomy when meshing fails."""
    if anatomy.mesh is not None:
        return anatomy.mesh
    target = folder / "meshes" / f"{_input_hash(anatomy, cohort)}.xdmf"
    if target.is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    m = cohort.meshing
    cmd = [sys.executable, "-m", "heartsim", "-q", "mesh", "from-labels", str(anatomy.labels), str(target),
           "--size", f"{m.size:g}"]
    if m.label is not None:
        cmd += ["--label", str(m.label)]
    if m.vessel:
        cmd += ["--vessel"] + (["--inlet-near", str(anatomy.inlet_near)] if anatomy.inlet_near else [])
    if m.lv_wall is not None:
        cmd += ["--lv-wall", f"{m.lv_wall:g}"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0 or not target.is_file():
        lines = [line for line in (proc.stderr + proc.stdout).strip().splitlines() if line.strip()]
        why = (lines[-1] if lines else f"exit status {proc.returncode}").replace("heartsim: error: ", "")
        for stale in target.parent.glob(f"{target.stem}.*"):
            stale.unlink()
        raise ConfigError([f"anatomy {anatomy.name}: meshing {anatomy.labels.name} failed: {why}"])
    return target


def _substitute(data: Any, values: dict[str, str]) -> Any:
    if isinstance(data, dict):
        return {k: _substitute(v, values) for k, v in data.items()}
    if isinstance(data, list):
        return [_substitute(v, values) for v in data]
    if isinstance(data, str):
        for key, value in values.items():
            data = data.replace("{" + key + "}", value)
    return data


def samples(cohort: CohortConfig) -> list[dict[str, Any]]:
    """The parameter overrides run on every anatomy (the sweep generators)."""
    s = cohort.samples
    sweep = SweepConfig.model_validate({"base": cohort.template, "grid": s.grid, "cases": s.cases,
                                        "lhs": s.lhs.model_dump() if s.lhs else None})
    return sweep.overrides()


def prepare_cohort(cohort: CohortConfig, out: Path, log=None) -> list[Case]:
    """Mesh every anatomy, validate every case of those that meshed, then write the case folders."""
    out.mkdir(parents=True, exist_ok=True)
    template = read_yaml(cohort.template)
    plan: list[tuple[dict, str | None, str | None]] = []  # (params, config text, error)
    for anatomy in cohort.anatomies:
        try:
            mesh = mesh_anatomy(anatomy, cohort, out)
        except ConfigError as exc:
            if log:
                log.error("%s", exc.lines[0])
            plan += [({"anatomy": anatomy.name, **p}, None, exc.lines[0]) for p in samples(cohort)]
            continue
        for params in samples(cohort):
            raw = _substitute(copy.deepcopy(template), {"mesh": str(mesh), "anatomy": anatomy.name})
            if cohort.devices is not None:
                raw["devices"] = cohort.devices.model_dump(mode="json")
            try:
                for key, value in {**anatomy.set, **params}.items():
                    set_path(raw, key, value)
                cfg = validate_data(raw, cohort.template.parent)
            except ConfigError as exc:
                raise ConfigError([f"anatomy {anatomy.name} ({params or 'base'}): {line}" for line in exc.lines]) \
                    from None
            plan.append(({"anatomy": anatomy.name, **params},
                         yaml.safe_dump(cfg.model_dump(mode="json"), sort_keys=False), None))
    cases = []
    for i, (params, text, error) in enumerate(plan):
        folder = out / "cases" / f"case-{i:04d}"
        folder.mkdir(parents=True, exist_ok=True)
        config = folder / "config.yaml"
        if text is not None and config.is_file() and config.read_text() != text:
            raise ConfigError([f"{folder}: the cohort changed since this folder was prepared "
                               f"({params['anatomy']}); use a new --out"])
        write_json_atomic(folder / "params.json", params)
        if error is not None:
            config.unlink(missing_ok=True)
            write_json_atomic(folder / "result.json", {"exit_code": 2, "reason": error, "wall_time_s": 0.0})
        else:
            if not config.is_file():
                config.write_text(text)
            if (folder / "result.json").is_file() and json.loads((folder / "result.json").read_text()).get(
                    "exit_code") == 2 and not (folder / "out").exists():
                (folder / "result.json").unlink()  # meshing failed before, works now
        cases.append(Case(folder.name, folder, params))
    write_json_atomic(out / "cohort.json", {
        "name": cohort.name, "template": str(cohort.template), "cases": len(cases),
        "anatomies": [a.name for a in cohort.anatomies],
        "thresholds": cohort.thresholds,
        "reference": [r.model_dump(mode="json") for r in cohort.reference]})
    return cases


def runnable(cases: list[Case]) -> list[Case]:
    """Cases that have a config (their anatomy meshed)."""
    return [c for c in cases if c.config.is_file()]
