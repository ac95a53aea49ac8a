"""Config section: 3D incompressible Navier-Stokes blood flow, issue 6."""

from __future__ import annotations

from heartsim.config.base import Section


class FlowConfig(Section):
    """3D incompressible Navier-Stokes blood flow, issue 6 (placeholder: its options are being written)."""
