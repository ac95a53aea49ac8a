"""Config section: 0D circulation (Windkessel and closed-loop models), issue 6."""

from __future__ import annotations

from heartsim.config.base import Section


class CirculationConfig(Section):
    """0D circulation (Windkessel and closed-loop models), issue 6 (placeholder: its options are being written)."""
