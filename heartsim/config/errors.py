"""Config errors as one clear line each, naming the full key path.

``physics.ep.conductvity: unknown key; did you mean conductivity?``
"""

from __future__ import annotations

import difflib
import reprlib
import typing
from typing import Any, Iterable

from pydantic import BaseModel, ValidationError


class ConfigError(Exception):
    """Invalid input; ``lines`` holds one message per problem (the CLI exits with status 2)."""

    def __init__(self, lines: Iterable[str]):
        self.lines = list(lines)
        super().__init__("\n".join(self.lines))


class InputError(ConfigError):
    """Bad input found by physics or mesh code while building a problem (a tag missing from the mesh,
    a lead outside the tissue, ...). ``key`` is the offending option relative to the config section
    the code was given (``inlet.tag``, ``boundary.base``; ``""``: the section itself), or a full
    path from the config root (``mesh``, ``solver.flow.x``). Runners turn it into a ConfigError
    naming the full key path (:meth:`at`, ``simulation.lifecycle.config_keys``), so physics need
    not know where its section sits in the config (an electromechanics run nests it elsewhere).
    Unmapped, it is still a ConfigError (exit status 2) with the key as given."""

    def __init__(self, key: str, message: str):
        self.key, self.message = key, message
        super().__init__([f"{key}: {message}" if key else message])

    def at(self, section: str) -> "ConfigError":
        """The ConfigError of this error in the config section ``section`` (e.g. ``physics.ep``)."""
        return ConfigError([f"{qualify(section, self.key)}: {self.message}"])


#: first keys of a config: an InputError key starting with one of them is already a full path
ROOT_KEYS = ("name", "mesh", "physics", "fibers", "time", "output", "solver", "backend", "checkpoint")


def qualify(section: str, key: str) -> str:
    """The full key path of ``key`` given relative to ``section`` (a full path stays as it is)."""
    head = key.split(".", 1)[0].split("[", 1)[0]
    if head in ROOT_KEYS or not section:
        return key
    if not key:
        return section
    return f"{section}{key}" if key.startswith("[") else f"{section}.{key}"


def suggest(word: str, choices: Iterable[str]) -> str:
    """``"; did you mean X?"`` for the closest choice, or ``""``."""
    match = difflib.get_close_matches(str(word), [str(c) for c in choices], n=1, cutoff=0.6)
    return f"; did you mean {match[0]}?" if match else ""


def key_path(loc: Iterable[Any]) -> str:
    """Dotted key path with list indices in brackets: ``physics.ep.stimuli[0].amplitude``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _submodel(annotation: Any) -> type[BaseModel] | None:
    """The BaseModel inside Optional[...], tuple[...], list[...] or Annotated[...], if any."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _submodel(arg)
        if found is not None:
            return found
    return None


def _fields_at(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Valid keys of the section reached by ``loc`` from ``model`` (empty when unknown)."""
    current: type[BaseModel] | None = model
    for part in loc:
        if isinstance(part, int):
            continue
        if current is None or part not in current.model_fields:
            return []
        current = _submodel(current.model_fields[part].annotation)
    return list(current.model_fields) if current is not None else []


_PREVIEW = reprlib.Repr(maxlevel=2, maxlist=6, maxdict=6, maxstring=62, maxother=62)


def format_validation_error(exc: ValidationError, model: type[BaseModel]) -> list[str]:
    """One line per pydantic error, with the key path and, for unknown keys, a suggestion."""
    lines = []
    errors = exc.errors(include_url=False)
    inner = [tuple(e["loc"]) for e in errors]
    for err in errors:
        loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and ("[" in p or p.startswith("function-"))))
        here = tuple(err["loc"])
        if err["type"] == "too_short" and any(len(o) > len(here) and o[: len(here)] == here for o in inner):
            continue  # a list emptied by its own invalid items: the items' errors say it

        path = key_path(loc)
        kind = err["type"]
        if kind == "extra_forbidden":
            valid = _fields_at(model, loc[:-1])
            msg = f"unknown key{suggest(loc[-1], valid)}"
        elif kind == "missing":
            msg = "required key is missing"
        else:
            msg = err["msg"]
            for prefix in ("Value error, ", "Assertion failed, "):
                if msg.startswith(prefix):
                    msg = msg[len(prefix):]
            if kind not in ("value_error", "assertion_error") and "input" in err:
                shown = _PREVIEW.repr(err["input"])  # bounded: never expands a huge (aliased) value
                if len(shown) <= 60 and "..." not in shown:
                    msg += f" (got {shown})"
        if msg.startswith("@") and ": " in msg:  # a validator naming a key below its section
            sub, msg = msg[1:].split(": ", 1)
            path = f"{path}.{sub}" if path else sub
        lines.append(f"{path}: {msg}" if path else msg)
    return lines
