"""Fiber architecture: rule-based (LDRB, Bayer 2012), the Land 2015 ellipsoid rule, or the mesh file.

``compute_fibers(tagged, cfg, comm)`` returns a :class:`FiberField` (fiber, sheet, sheet-normal unit
vector Functions, P1 or DG0) for a TaggedMesh and a ``fibers:`` config section (FibersConfig).
"""

from __future__ import annotations

from heartsim.fibers.field import FiberField

__all__ = ["FiberField", "compute_fibers"]


def compute_fibers(tagged, cfg, comm) -> FiberField:
    """The fiber field of ``tagged`` (TaggedMesh) described by ``cfg`` (FibersConfig) on ``comm``.

    Collective. Bad tags or arrays raise ConfigError naming the ``fibers.*`` key.
    """
    if cfg.method == "ldrb":
        from heartsim.fibers.ldrb import ldrb_fibers

        return ldrb_fibers(tagged, cfg, comm)
    if cfg.method == "analytic":
        from heartsim.fibers.analytic import analytic_fibers

        return analytic_fibers(tagged, cfg, comm)
    from heartsim.fibers.from_file import file_fibers

    return file_fibers(tagged, cfg, comm)
