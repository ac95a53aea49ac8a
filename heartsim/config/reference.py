"""The config reference page (docs/config.md), generated from the config model.

``python -m heartsim.config.reference > docs/config.md`` regenerates it; a test fails when the
committed page differs from what the model produces.
"""

from __future__ import annotations

import typing
from typing import Any

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

from heartsim.config.errors import _submodel
from heartsim.config.model import Config
from heartsim.config.quantities import unit_of
from heartsim.config.ionic_catalog import IONIC_MODELS


def _type_name(annotation: Any) -> str:
    unit = unit_of(annotation)
    if unit is not None:
        return f"quantity [{unit}]"
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin is typing.Literal:
        return " \\| ".join(f"`{a}`" for a in args)
    if origin is typing.Union:
        parts = [_type_name(a) for a in args if a is not type(None)]
        return " \\| ".join(parts) + (" or none" if type(None) in args else "")
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return f"list of {_type_name(args[0])}"
        return "[" + ", ".join(_type_name(a) for a in args) + "]"
    if origin is dict:
        return "mapping"
    if origin is typing.Annotated:
        return _type_name(args[0])
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "section"
    return getattr(annotation, "__name__", str(annotation))


def _default(field) -> str:
    if field.default is PydanticUndefined and field.default_factory is None:
        return "required"
    value = field.get_default(call_default_factory=True)
    if isinstance(value, BaseModel):
        return "(section)"
    if value in ((), {}, None):
        return "none" if value is None else "empty"
    return f"`{value}`"


def _doc(text: str | None) -> str:
    return " ".join((text or "").split()).replace("|", "\\|")


def _section(model: type[BaseModel], path: str, out: list[str]) -> None:
    out.append(f"## `{path}`\n")
    out.append(_doc(model.__doc__) + "\n")
    out.append("| key | type | default | description |")
    out.append("| --- | --- | --- | --- |")
    children = []
    for name, field in model.model_fields.items():
        sub = _submodel(field.annotation)
        out.append(f"| `{name}` | {_type_name(field.annotation)} | {_default(field)} | {_doc(field.description)} |")
        if sub is not None:
            origin = typing.get_origin(field.annotation)
            is_list = origin is tuple or any(typing.get_origin(a) is tuple for a in typing.get_args(field.annotation))
            children.append((sub, f"{path}.{name}[i]" if is_list else f"{path}.{name}"))
    out.append("")
    for sub, sub_path in children:
        _section(sub, sub_path, out)


def render() -> str:
    """The whole reference page as Markdown."""
    out = [
        "# Config reference",
        "",
        "Generated from the config model (`heartsim/config/model.py`) by",
        "`python -m heartsim.config.reference > docs/config.md`; do not edit by hand.",
        "The JSON Schema of the same model: `heartsim schema`.",
        "",
        "A *quantity* is a number in the unit shown, or a string with any unit of the same dimension",
        '(`"0.2 mm"`, `"1400 1/cm"`, `"15 kPa"`). Unknown keys are errors. Relative paths are resolved',
        "against the folder of the config file.",
        "",
    ]
    _section(Config, "config", out)
    out.append("## Ionic model parameters (`physics.ep.ionic.parameters`)\n")
    for name, model in IONIC_MODELS.items():
        out.append(f"### `{name}`\n")
        out.append("| parameter | default | unit | meaning |")
        out.append("| --- | --- | --- | --- |")
        for parameter, (value, unit, text) in model["parameters"].items():
            out.append(f"| `{parameter}` | {value:g} | {unit} | {text} |")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


if __name__ == "__main__":
    print(render(), end="")
