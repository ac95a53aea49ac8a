"""Building blocks of every config section: the strict ``Section`` base, paths resolved against
the config's folder, vectors with units, and mesh regions (box, sphere, tag).

Section modules (``model``, ``fibers``, ``mechanics``, ``flow``, ``circulation``) import from here,
so that each physics keeps its options in its own module without import cycles.
"""

from __future__ import annotations

import math  # noqa: F401
from pathlib import Path
from typing import Annotated, Optional, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, ValidationInfo, model_validator

from heartsim.config.quantities import Quantity

Length = Quantity("mm")
Time = Quantity("ms")
Vec3 = tuple[Length, Length, Length]
Direction = tuple[float, float, float]

SCHEMA_VERSION = 1
#: prefix of a validator message that names a key below the section it was raised in
SUBKEY = "@"


def _resolve_path(value: Path, info: ValidationInfo) -> Path:
    base = (info.context or {}).get("base_dir")
    path = Path(value).expanduser()
    if not path.is_absolute() and base is not None:
        path = Path(base) / path
    return path.resolve() if path.is_absolute() else path


def _existing_file(value: Path, info: ValidationInfo) -> Path:
    path = _resolve_path(value, info)
    if not path.is_file():
        raise ValueError(f"no such file: {path}")
    return path


ConfigPath = Annotated[Path, AfterValidator(_resolve_path)]
ExistingFile = Annotated[Path, AfterValidator(_existing_file)]


class Section(BaseModel):
    """Base of every config section: unknown keys are errors; values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


def _exactly_one(model: BaseModel, names: tuple[str, ...]) -> None:
    given = [n for n in names if getattr(model, n) is not None]
    if len(given) != 1:
        raise ValueError(f"give exactly one of {', '.join(names)} (got {len(given) or 'none'})")


# --------------------------------------------------------------------------------------------
# regions


class BoxRegion(Section):
    """Axis-aligned box."""

    min: Vec3
    """Lower corner (mm)."""
    max: Vec3
    """Upper corner (mm)."""

    @model_validator(mode="after")
    def _ordered(self) -> "BoxRegion":
        if any(lo > hi for lo, hi in zip(self.min, self.max)):
            raise ValueError("box min must not exceed max in any coordinate")
        return self


class SphereRegion(Section):
    """Ball of given centre and radius."""

    center: Vec3
    """Centre (mm)."""
    radius: Quantity("mm", gt=0)
    """Radius (mm)."""


class Region(Section):
    """A region of the mesh: exactly one of ``box``, ``sphere`` or ``tag``."""

    box: Optional[BoxRegion] = None
    """Nodes inside this box."""
    sphere: Optional[SphereRegion] = None
    """Nodes inside this ball."""
    tag: Union[int, str, None] = None
    """Nodes of the cells carrying this cell tag (its number, or its name from mesh.cell_tags)."""

    @model_validator(mode="after")
    def _one(self) -> "Region":
        _exactly_one(self, ("box", "sphere", "tag"))
        return self

    def bounds(self) -> tuple[tuple[float, ...], tuple[float, ...]] | None:
        """Bounding box of a geometric region (None for a tag)."""
        if self.box is not None:
            return tuple(self.box.min), tuple(self.box.max)
        if self.sphere is not None:
            c, r = self.sphere.center, self.sphere.radius
            return tuple(x - r for x in c), tuple(x + r for x in c)
        return None
