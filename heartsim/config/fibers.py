"""Config section: Fiber architecture (rule-based LDRB, analytic, or from the mesh file), issue 5."""

from __future__ import annotations

from heartsim.config.base import Section


class FibersConfig(Section):
    """Fiber architecture (rule-based LDRB, analytic, or from the mesh file), issue 5 (placeholder: its options are being written)."""
