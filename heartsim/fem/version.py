"""The DOLFINx version heartsim is written for (0.9) and its check.

When DOLFINx changes an API (0.8 -> 0.9 renamed ``FunctionSpace`` to ``functionspace`` and
``u.vector`` to ``u.x.petsc_vec``; 0.10 moves more), only the modules of ``heartsim.fem`` change.
"""

from __future__ import annotations

import dolfinx

SUPPORTED = "0.9."


def check_version() -> str:
    """The DOLFINx version; RuntimeError when it is not 0.9.x."""
    version = dolfinx.__version__
    if not version.startswith(SUPPORTED):
        raise RuntimeError(f"heartsim needs DOLFINx {SUPPORTED}x, found {version}")
    return version
