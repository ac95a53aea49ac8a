"""Reading a config: YAML (safe loader), ``--set`` overrides, validation into :class:`Config`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable, TypeVar

import yaml
from pydantic import ValidationError

from heartsim.config.errors import ConfigError, format_validation_error
from heartsim.config.model import Config

M = TypeVar("M")


#: most values (mappings, lists and scalars, aliases counted as often as they are used) a YAML file
#: may expand to: far more than any config, far fewer than an alias bomb ("billion laughs")
MAX_YAML_VALUES = 100_000


def _check_expanded_size(data: Any, path: Path) -> None:
    """ConfigError when ``data`` (aliases shared, as safe_load builds them) expands to more than
    :data:`MAX_YAML_VALUES` values; stops counting there, so a bomb costs nothing."""
    count, stack = 0, [data]
    while stack:
        node = stack.pop()
        count += 1
        if count > MAX_YAML_VALUES:
            raise ConfigError([f"{path}: YAML aliases expand to more than {MAX_YAML_VALUES} values "
                               "(an alias bomb?); a config holds far fewer"])
        if isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, (list, tuple)):
            stack.extend(node)


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
    _check_expanded_size(data, path)
    if not isinstance(data, dict):
        raise ConfigError([f"{path}: the config must be a mapping of sections, got {type(data).__name__}"])
    return data


_INDEXED = re.compile(r"^([^\[\]]+)((?:\[\d+\])*)$")


def _parse_key(key: str) -> list[str | int]:
    """``physics.ep.stimuli[0].start`` -> ["physics", "ep", "stimuli", 0, "start"]."""
    parts: list[str | int] = []
    for piece in key.strip().split("."):
        match = _INDEXED.match(piece)
        if not match:
            raise ValueError(piece)
        parts.append(match.group(1))
        parts.extend(int(i) for i in re.findall(r"\[(\d+)\]", match.group(2)))
    return parts


def get_path(data: Any, key: str) -> Any:
    """The value at a dot path (with [i] list indices) in a nested mapping; KeyError if absent."""
    node = data
    for part in _parse_key(key):
        try:
            node = node[part]
        except (IndexError, TypeError):
            raise KeyError(key) from None
    return node


def set_path(data: dict[str, Any], key: str, value: Any) -> None:
    """Set ``value`` at a dot path (with [i] list indices) in a nested mapping, creating sections."""
    try:
        parts = _parse_key(key)
    except ValueError as exc:
        raise ConfigError([f"{key}: malformed key (bad part {exc})"]) from None
    node: Any = data
    for i, part in enumerate(parts[:-1]):
        nxt = parts[i + 1]
        if isinstance(part, int):
            if not isinstance(node, list) or part >= len(node):
                raise ConfigError([f"{key}: no list element [{part}]"])
            child = node[part]
        else:
            if not isinstance(node, dict):
                raise ConfigError([f"{key}: {part} is not inside a section"])
            child = node.get(part)
            if child is None:
                child = node[part] = [] if isinstance(nxt, int) else {}
        if isinstance(nxt, int) and not isinstance(child, list):
            raise ConfigError([f"{key}: {part} is not a list"])
        if isinstance(nxt, str) and not isinstance(child, dict):
            raise ConfigError([f"{key}: {part} is not a section"])
        node = child
    last = parts[-1]
    if isinstance(last, int):
        if last >= len(node):
            raise ConfigError([f"{key}: no list element [{last}]"])
    node[last] = value


def apply_overrides(data: dict[str, Any], overrides: Iterable[str]) -> dict[str, Any]:
    """Apply ``section.key=value`` strings (value parsed as YAML) to a nested mapping in place."""
    for item in overrides:
        if "=" not in item:
            raise ConfigError([f"--set {item}: expected section.key=value"])
        key, text = item.split("=", 1)
        if not key.strip() or any(not p for p in key.strip().split(".")):
            raise ConfigError([f"--set {item}: empty key in {key!r}"])
        try:
            value = yaml.safe_load(text)
        except yaml.YAMLError:
            value = text
        try:
            set_path(data, key, value)
        except ConfigError as exc:
            raise ConfigError([f"--set {line}" for line in exc.lines]) from None
    return data


def validate_model(model: type[M], data: Any, base_dir: Path | None, prefix: str = "") -> M:
    """Validate ``data`` as ``model`` (relative paths against ``base_dir``); ConfigError with one
    line per problem, each starting with ``prefix`` (e.g. the file or option it came from)."""
    try:
        return model.model_validate(data, context={"base_dir": base_dir})
    except ValidationError as exc:
        raise ConfigError([prefix + line for line in format_validation_error(exc, model)]) from None


def validate_data(data: dict[str, Any], base_dir: Path | None) -> Config:
    """Validate a raw run config; relative paths resolve against ``base_dir``."""
    return validate_model(Config, data, base_dir)


def load_config(path: str | Path, overrides: Iterable[str] = ()) -> Config:
    """Read, override and validate a config file. Raises ConfigError with one line per problem."""
    path = Path(path).expanduser().resolve()
    data = apply_overrides(read_yaml(path), overrides)
    return validate_data(data, path.parent)
