"""Reading a config: YAML (safe loader), ``--set`` overrides, validation into :class:`Config`."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable

import yaml
from pydantic import ValidationError

from heartsim.config.errors import ConfigError, format_validation_error
from heartsim.config.model import Config


def read_yaml(path: Path) -> dict[str, Any]:
    """The mapping in a YAML file; a missing file or bad YAML is a one-line ConfigError."""
    if not path.is_file():
        raise ConfigError([f"{path}: no such config file"])
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError([f"{path}: invalid YAML{where}: {problem}"]) from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError([f"{path}: the config must be a mapping of sections, got {type(data).__name__}"])
    return data


def apply_overrides(data: dict[str, Any], overrides: Iterable[str]) -> dict[str, Any]:
    """Apply ``section.key=value`` strings (value parsed as YAML) to a nested mapping in place."""
    for item in overrides:
        if "=" not in item:
            raise ConfigError([f"--set {item}: expected section.key=value"])
        key, text = item.split("=", 1)
        parts = key.strip().split(".")
        if not all(parts):
            raise ConfigError([f"--set {item}: empty key in {key!r}"])
        try:
            value = yaml.safe_load(text)
        except yaml.YAMLError:
            value = text
        node = data
        for part in parts[:-1]:
            child = node.get(part)
            if child is None:
                child = node[part] = {}
            if not isinstance(child, dict):
                raise ConfigError([f"--set {item}: {part} is not a section"])
            node = child
        node[parts[-1]] = value
    return data


def validate_data(data: dict[str, Any], base_dir: Path) -> Config:
    """Validate a raw mapping; relative paths resolve against ``base_dir``."""
    try:
        return Config.model_validate(data, context={"base_dir": base_dir})
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, Config)) from None


def load_config(path: str | Path, overrides: Iterable[str] = ()) -> Config:
    """Read, override and validate a config file. Raises ConfigError with one line per problem."""
    path = Path(path).expanduser().resolve()
    data = apply_overrides(read_yaml(path), overrides)
    return validate_data(data, path.parent)
